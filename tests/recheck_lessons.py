"""``make lessons``: re-execute a few notebooks in the class profile at a seed derived from the
commit, and fail if a committed 'Lesson holds' does not hold there (:mod:`lecturekit.lessons`).

Run as a script (``python tests/recheck_lessons.py --help``); the command line lives here, not
in the package, whose only argparse user is :mod:`lecturekit.cli`.
"""

import argparse
import subprocess
import sys
from pathlib import Path

from lecturekit import env, lessons


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    """``make lessons``: re-check a few notebooks' lessons at a new seed."""
    parser = argparse.ArgumentParser(
        prog="make lessons",
        description="Re-execute a few notebooks in the class profile at a seed derived from the "
                    "commit; fail if a committed 'Lesson holds' does not hold there, or a "
                    "notebook runs over its budget.")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="these notebooks (default: a rotating few chosen by the commit)")
    parser.add_argument("--commit", help="the commit hash (default: git rev-parse HEAD)")
    parser.add_argument("--number", type=int,
                        help="the commit's number for the rotation (default: git rev-list --count)")
    parser.add_argument("--count", type=int, default=3, help="notebooks per run (default 3)")
    parser.add_argument("--seed", type=int, help="a seed instead of the commit's (not 0, 1 or 2)")
    parser.add_argument("--budget", type=float, default=lessons.BUDGET_SECONDS,
                        help=f"seconds one notebook may take (default {lessons.BUDGET_SECONDS})")
    args = parser.parse_args(argv)
    commit = args.commit or git("rev-parse", "HEAD")
    seed = args.seed if args.seed is not None else lessons.seed_for(commit)
    if seed in lessons.SEEDS_SEEN:
        parser.error(f"--seed must not be 0, 1 or 2 (the seeds the notebooks were made at), got {seed}")
    paths = args.notebooks
    if not paths:
        number = args.number if args.number is not None else int(git("rev-list", "--count", commit))
        candidates = lessons.with_lessons(list(env.notebooks_dir().glob("*.ipynb")))
        paths = lessons.rotation(candidates, number, args.count)
    print(f"re-checking lessons at seed {seed} (commit {commit[:12]}): "
          f"{', '.join(p.name for p in paths)}", flush=True)
    problems = [p for path in paths for p in lessons.recheck(path, seed, args.budget)]
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"{len(paths)} notebook(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
