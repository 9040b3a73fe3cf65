"""``make lessons``: re-execute a few notebooks at the commit's seed (lecturekit.lessons.main).

Run as a script (``python tests/recheck_lessons.py --help``), so that the package's own
``lecturekit.lessons`` is not imported twice as ``python -m lecturekit.lessons`` would.
"""

import sys

from lecturekit import lessons

if __name__ == "__main__":
    sys.exit(lessons.main())
