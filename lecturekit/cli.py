"""Sub-commands of ``python -m lecturekit``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .kernels import execute_notebook


def add_commands(commands: argparse._SubParsersAction) -> None:
    env = commands.add_parser("env", help="print versions, device and run profile")
    env.set_defaults(run=run_env)

    execute = commands.add_parser("execute", help="execute notebooks in place (refresh outputs)")
    execute.add_argument("notebooks", nargs="+", type=Path)
    execute.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    execute.set_defaults(run=run_execute)

    from . import bench, homework, reproduce, site, train

    train.add_command(commands)
    bench.add_command(commands)
    reproduce.add_command(commands)
    homework.add_command(commands)
    site.add_command(commands)


def run_env(_args: argparse.Namespace) -> int:
    from .env import setup

    setup()
    return 0


def run_execute(args: argparse.Namespace) -> int:
    os.environ["LECTUREKIT_NO_PROGRESS"] = "1"  # the kernels inherit it: no stale progress bars
    for path in args.notebooks:                 # all checked before the first one runs
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"notebooks must be existing .ipynb files, got {str(path)!r}")
    for path in args.notebooks:
        seconds = execute_notebook(path, args.timeout)
        print(f"{path}: executed in {seconds:.1f} s")
    return 0
