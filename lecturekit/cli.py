"""Sub-commands of ``python -m lecturekit``."""

from __future__ import annotations

import argparse
import importlib
import os
from pathlib import Path

#: Commands defined in their own modules (each has ``add_command``), in the order --help lists them.
MODULE_COMMANDS = ("train", "bench", "reproduce", "homework", "site")


def add_commands(commands: argparse._SubParsersAction, only: str | None = None) -> None:
    """Register the sub-commands; with ``only``, just that one, so that e.g.
    ``homework grade`` never imports torch (the grader then fits in a small autograder box)."""
    if only in (None, "env"):
        env = commands.add_parser("env", help="print versions, device and run profile")
        env.set_defaults(run=run_env)
    if only in (None, "execute"):
        execute = commands.add_parser("execute", help="execute notebooks in place (refresh outputs)")
        execute.add_argument("notebooks", nargs="+", type=Path)
        execute.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
        execute.set_defaults(run=run_execute)
    for name in MODULE_COMMANDS:
        if only in (None, name):
            importlib.import_module(f".{name}", __package__).add_command(commands)


def run_env(_args: argparse.Namespace) -> int:
    from .env import setup

    setup()
    return 0


def run_execute(args: argparse.Namespace) -> int:
    from .kernels import execute_notebook

    os.environ["LECTUREKIT_NO_PROGRESS"] = "1"  # the kernels inherit it: no stale progress bars
    for path in args.notebooks:                 # all checked before the first one runs
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"notebooks must be existing .ipynb files, got {str(path)!r}")
    for path in args.notebooks:
        seconds = execute_notebook(path, args.timeout)
        print(f"{path}: executed in {seconds:.1f} s")
    return 0
