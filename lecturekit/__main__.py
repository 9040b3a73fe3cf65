"""``python -m lecturekit COMMAND``: the command line lives in :mod:`lecturekit.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
