"""Homework: student editions of the notebooks, and an autograder.

``python -m lecturekit homework build`` writes ``homework/NN_topic.ipynb`` for every notebook
(or the ones named): each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block becomes a
placeholder that raises ``NotImplementedError``, exercise cells lose their outputs, and an
instruction cell goes on top.

``python -m lecturekit homework grade PATH...`` runs each submitted notebook in a fresh
kernel, cell by cell with a timeout, and scores every exercise from the line its checker
printed (``PASS exercise 01.2: ...``). Points come from the exercise metadata of the source
notebook, ``{"lecturekit": {"exercise": "01.2", "points": 2}}``; open questions
(``"manual": true``) are listed for grading by hand. Grading runs student code: run it in a
sandbox (a container or a throw-away VM without your credentials).
"""

from __future__ import annotations

import copy
import csv
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*$",
                      re.M | re.S)
RESULT_LINE = re.compile(r"^(PASS|FAIL) exercise (\d\d\.\d+):(.*)$", re.M)
INSTRUCTIONS = """**Homework edition.** Work through the notebook from top to bottom. In each exercise,
replace the lines

```python
# YOUR CODE HERE
raise NotImplementedError
```

with your solution and run the cell: the checker under it prints PASS or FAIL with a hint.
Open questions (marked *graded by hand*) are answered in the markdown cell under them. Do not
delete or reorder cells: the grader finds your answers by their position in the notebook."""


def strip_solutions(source: str) -> str:
    """Replace every solution block by a placeholder with the same indentation."""
    return SOLUTION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError",
                        source)


def exercise_meta(cell) -> dict | None:
    return cell.get("metadata", {}).get("lecturekit")


def student_edition(notebook):
    """A copy of the notebook with the solutions taken out and an instruction cell on top."""
    import nbformat

    student = copy.deepcopy(notebook)
    for cell in student.cells:
        if cell.cell_type != "code" or "### BEGIN SOLUTION" not in cell.source:
            continue
        cell.source = strip_solutions(cell.source)
        cell.outputs = []
        cell.execution_count = None
    intro = nbformat.v4.new_markdown_cell(INSTRUCTIONS)
    intro.metadata["slideshow"] = {"slide_type": "skip"}
    student.cells.insert(0, intro)
    return student


def build(notebooks: list[Path], output: Path) -> list[Path]:
    """Write the student edition of each notebook into ``output``."""
    import nbformat

    output.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        target = output / path.name
        nbformat.write(student_edition(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


# --------------------------------------------------------------------------- grading
@dataclass
class ExerciseScore:
    exercise: str
    points: float
    earned: float
    status: str          # "pass", "fail", "not answered", "missing", "manual"
    note: str = ""


@dataclass
class Grade:
    submission: str
    notebook: str
    scores: list[ExerciseScore] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def earned(self) -> float:
        return sum(s.earned for s in self.scores)

    @property
    def auto_points(self) -> float:
        return sum(s.points for s in self.scores if s.status != "manual")


def _source_exercises(source: Path) -> list[dict]:
    notebook = json.loads(source.read_text())
    return [meta for cell in notebook["cells"] if (meta := exercise_meta(cell))]


def _run(notebook, workdir: Path, timeout: int, problems: list[str]) -> None:
    """Execute every code cell, surviving errors, endless loops and dead kernels. A cell that
    runs longer than ``timeout`` seconds is interrupted, and the next cells still run."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            interrupt_on_timeout=True, allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                problems.append(f"cell {index} ran longer than {timeout} s and was stopped")
                continue
            except DeadKernelError:
                problems.append(f"the kernel died at cell {index}; later cells were not run")
                return
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                if output.get("ename") == "KeyboardInterrupt":
                    problems.append(f"cell {index} ran longer than {timeout} s and was stopped")
                else:
                    problems.append(f"cell {index} raised {output.get('ename')}: "
                                    f"{str(output.get('evalue'))[:100]}")


def _cell_output_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream")


def grade(submission: Path, source_dir: Path, timeout: int = 120) -> Grade:
    """Execute one submission and score it against the exercises of its source notebook."""
    import nbformat

    result = Grade(str(submission), submission.name)
    source = source_dir / submission.name
    if not source.exists():
        result.problems.append(f"no notebook named {submission.name} in {source_dir}")
        return result
    exercises = _source_exercises(source)
    try:
        notebook = nbformat.read(submission, as_version=4)
    except Exception as error:  # not JSON, not a notebook, unreadable
        result.problems.append(f"not a valid notebook: {type(error).__name__}: {error}"[:200])
        result.scores = [ExerciseScore(m["exercise"], m["points"], 0, "missing",
                                       "submission unreadable") for m in exercises]
        return result
    _run(notebook, source_dir, timeout, result.problems)
    cells = {meta["exercise"]: cell for cell in notebook.cells if (meta := exercise_meta(cell))}
    for meta in exercises:
        exercise, points = meta["exercise"], meta["points"]
        cell = cells.get(exercise)
        if cell is None:
            result.scores.append(ExerciseScore(exercise, points, 0, "missing", "cell deleted"))
        elif meta.get("manual"):
            answer = cell.source.strip()
            result.scores.append(ExerciseScore(exercise, points, 0, "manual", answer[:200]))
        else:
            found = [m for m in RESULT_LINE.finditer(_cell_output_text(cell))
                     if m.group(2) == exercise]
            if found and found[-1].group(1) == "PASS":
                result.scores.append(ExerciseScore(exercise, points, points, "pass"))
            elif found and "not answered yet" in found[-1].group(3):
                result.scores.append(ExerciseScore(exercise, points, 0, "not answered"))
            elif found:
                result.scores.append(ExerciseScore(exercise, points, 0, "fail"))
            else:
                result.scores.append(ExerciseScore(exercise, points, 0, "not answered",
                                                   "the checker printed nothing"))
    return result


def table(grades: list[Grade]) -> str:
    """A readable report: one block per submission."""
    lines = []
    for g in grades:
        lines.append(f"{g.submission}: {g.earned:g} / {g.auto_points:g} auto-graded points")
        for s in g.scores:
            shown = "manual" if s.status == "manual" else f"{s.earned:g}/{s.points:g}"
            lines.append(f"  {s.exercise:<6} {shown:<7} {s.status}"
                         + (f" ({s.note})" if s.note and s.status != "manual" else ""))
        lines += [f"  problem: {p}" for p in g.problems]
    return "\n".join(lines)


def write_csv(grades: list[Grade], path: Path) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["submission", "exercise", "points", "earned", "status", "note"])
        for g in grades:
            for s in g.scores:
                writer.writerow([g.submission, s.exercise, s.points, s.earned, s.status, s.note])


def write_json(grades: list[Grade], path: Path) -> None:
    data = [dict(asdict(g), earned=g.earned, auto_points=g.auto_points) for g in grades]
    path.write_text(json.dumps(data, indent=2))


# --------------------------------------------------------------------------- command line
def add_command(commands) -> None:
    parser = commands.add_parser("homework", help="student editions and grading")
    sub = parser.add_subparsers(dest="homework_command", required=True)
    build_parser = sub.add_parser("build", help="write student editions")
    build_parser.add_argument("notebooks", nargs="*", type=Path,
                              help="notebooks to convert (default: all of notebooks/)")
    build_parser.add_argument("--output", type=Path, default=Path("homework"))
    build_parser.set_defaults(run=_run_build)
    grade_parser = sub.add_parser("grade", help="execute and score submissions")
    grade_parser.add_argument("paths", nargs="+", type=Path, help="notebooks or folders")
    grade_parser.add_argument("--source", type=Path, default=None,
                              help="folder of the solution notebooks (default: notebooks/)")
    grade_parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    grade_parser.add_argument("--csv", type=Path, default=None)
    grade_parser.add_argument("--json", type=Path, default=None)
    grade_parser.set_defaults(run=_run_grade)


def _notebooks_dir() -> Path:
    from .env import repository_root

    root = repository_root()
    return root / "notebooks" if root is not None else Path("notebooks")


def _run_build(args) -> int:
    notebooks = args.notebooks or sorted(_notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    for path in build(notebooks, args.output):
        print(f"wrote {path}")
    return 0


def _run_grade(args) -> int:
    submissions = []
    for path in args.paths:
        submissions += sorted(path.glob("*.ipynb")) if path.is_dir() else [path]
    source = args.source or _notebooks_dir()
    grades = [grade(path, source, args.timeout) for path in submissions]
    print(table(grades))
    if args.csv:
        write_csv(grades, args.csv)
    if args.json:
        write_json(grades, args.json)
    return 0
