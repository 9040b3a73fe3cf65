"""Command line: ``python -m lecturekit COMMAND`` (see ``--help``)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lecturekit",
                                     description="Tools of the cnn-lectures course.")
    commands = parser.add_subparsers(dest="command", required=True)
    from . import cli

    cli.add_commands(commands)
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
