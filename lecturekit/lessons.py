"""Computed verdicts for the lessons an experiment is meant to show.

Every experiment that carries a lesson of the slides ends with one line computed from its own
measurements::

    lk.lesson("ReLU reaches 25% training error sooner than tanh",
              relu_steps < tanh_steps, f"{relu_steps} vs {tanh_steps} steps")

which prints ``Lesson holds: ...`` or ``Lesson NOT shown at this scale: ...``. The verdict is
never written by hand: if a smaller run, another seed or another machine fails to show the
lesson, the notebook says so instead of contradicting its own output. The committed notebooks
are checked by a test (``tests/test_notebook_conventions.py``, with :func:`notebook_problems`)
to say *holds*, and ``make lessons`` re-executes a few of them at a seed nobody chose
(:func:`recheck`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

HOLDS = "Lesson holds"
NOT_SHOWN = "Lesson NOT shown at this scale"


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`lesson`; true when the lesson holds."""

    claim: str
    holds: bool
    evidence: str

    def __str__(self) -> str:
        return f"{HOLDS if self.holds else NOT_SHOWN}: {self.claim} ({self.evidence})"

    def __bool__(self) -> bool:
        return self.holds


def lesson(claim: str, condition, evidence: str = "", quiet: bool = False) -> Verdict:
    """Print whether ``claim`` holds, judged by ``condition`` computed from measured numbers.

    ``condition`` is anything with a truth value (a bool, a NumPy or a one-element torch bool);
    ``evidence`` says the measured numbers the verdict rests on, e.g. ``"312 vs 540 steps"``.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError("claim must be a sentence saying what the experiment shows, e.g. "
                         "'ReLU trains faster than tanh'.")
    if not isinstance(evidence, str):
        raise TypeError(f"evidence must be a string of the measured numbers, got {type(evidence).__name__}.")
    try:
        holds = bool(condition)
    except (TypeError, RuntimeError, ValueError) as error:
        raise TypeError("condition must be one truth value computed from the measurements "
                        f"(e.g. relu_steps < tanh_steps); got {type(condition).__name__}: {error}") from None
    verdict = Verdict(claim.strip(), holds, evidence.strip())
    if not quiet:
        print(verdict)
    return verdict


# --------------------------------------------------------------------------- checks on notebooks
# The rest of this module checks notebooks, as files (a notebook is the dict of its JSON):
#
# * :func:`notebook_problems` reads the committed notebook: a notebook that trains carries a
#   lesson; no lesson's condition is a constant; a committed "NOT shown" is tagged
#   ``paper-scale-beside``; and a tagged cell's section names a shipped result that exists and
#   whose own verdicts hold.
# * :func:`recheck` re-executes a notebook in the class profile at another seed and reports every
#   committed *holds* verdict that does not hold there, and a notebook over its time budget.
#   ``make lessons`` (``tests/recheck_lessons.py``) runs it on a few
#   notebooks chosen by the commit, at a seed derived from the commit.

TAG = "paper-scale-beside"
#: A call that trains a network: ``lk.train.fit(...)``, ``model.fit(...)`` and the like.
TRAINS = re.compile(r"\bfit\(")
#: Where a cell names a shipped result: a reproduction (``lecturekit/results/NAME.json``) ...
SHIPPED_RESULT = re.compile(r"\breproduce\.load(?:_model|_weights)?\(\s*[\"']([\w-]+)[\"']")
#: ... or trained weights (``lecturekit/weights/NAME.pt`` and ``NAME.json``).
SHIPPED_WEIGHTS = re.compile(
    r"\bmodels\.create\(\s*[\"']([\w-]+)[\"'][^)]*\bpretrained\s*=\s*True"
    r"|\bpretrained\.build\(\s*[\"']([\w-]+)[\"'](?![^)]*\bpretrained\s*=\s*False)")
#: The class profile's time budget for one notebook, in seconds (as ``make bench`` states it).
BUDGET_SECONDS = 90
#: Seeds the committed notebooks were made and tuned at; a re-check never uses them.
SEEDS_SEEN = (0, 1, 2)


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _printed(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append("".join(output["text"]))
        elif "text/plain" in output.get("data", {}):
            parts.append("".join(output["data"]["text/plain"]))
    return "".join(parts)


def verdict_lines(cell: dict) -> list[str]:
    """The lesson lines a code cell printed, in order."""
    return [line for line in _printed(cell).split("\n")
            if line.startswith(f"{HOLDS}:") or line.startswith(f"{NOT_SHOWN}:")]


def as_python(source: str) -> str:
    """A cell's source with IPython's ``%magic`` and ``!shell`` lines made into ``pass``."""
    lines = []
    for line in source.split("\n"):
        stripped = line.lstrip()
        indent = line[:len(line) - len(stripped)]
        lines.append(indent + "pass" if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


def _is_lesson_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return name == "lesson"


def _measures_nothing(condition: ast.AST) -> bool:
    """True for a condition that no measurement can change: a constant (``True``, ``1``), or an
    ``or`` with a constant true operand, or ``not`` of such a thing."""
    if isinstance(condition, ast.Constant):
        return True
    if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
        return _measures_nothing(condition.operand)
    if isinstance(condition, ast.BoolOp):
        constant = [isinstance(v, ast.Constant) and bool(v.value) for v in condition.values]
        if isinstance(condition.op, ast.Or) and any(constant):
            return True
        return all(_measures_nothing(v) for v in condition.values)
    return not any(isinstance(n, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
                   for n in ast.walk(condition))


def constant_conditions(source: str) -> list[str]:
    """The ``lk.lesson`` calls in ``source`` whose condition measures nothing, as source text."""
    try:
        tree = ast.parse(as_python(source))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not _is_lesson_call(node):
            continue
        condition = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg == "condition"), None)
        if condition is not None and _measures_nothing(condition):
            found.append(ast.unparse(condition))
    return found


def shipped_names(source: str) -> list[tuple[str, str]]:
    """The shipped results ``source`` names, as ``("result" | "weights", name)`` pairs."""
    names = [("result", m.group(1)) for m in SHIPPED_RESULT.finditer(source)]
    names += [("weights", m.group(1) or m.group(2)) for m in SHIPPED_WEIGHTS.finditer(source)]
    return names


def shipped_exists(kind: str, name: str, results: Path | None = None,
                   weights: Path | None = None) -> bool:
    """Whether the shipped result (``kind`` "result") or weights (``kind`` "weights") exist."""
    if kind == "result":
        if results is None:
            from . import reproduce
            results = reproduce.results_dir()
        return (results / f"{name}.json").is_file()
    if kind == "weights":
        if weights is None:
            from . import pretrained
            weights = pretrained.weights_dir()
        return (weights / f"{name}.json").is_file() and (weights / f"{name}.pt").is_file()
    raise ValueError(f"kind must be 'result' or 'weights', got {kind!r}")


def _sections(cells: list[dict]) -> list[list[int]]:
    """The cell indices of each ``## `` section (a title cell's ``#`` starts none)."""
    sections: list[list[int]] = [[]]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and any(
                line.startswith("## ") for line in _source(cell).split("\n")):
            sections.append([])
        sections[-1].append(index)
    return sections


def notebook_problems(notebook: dict, results: Path | None = None,
                      weights: Path | None = None) -> list[str]:
    """What is wrong with a committed notebook's lessons, one sentence each (none: all well).

    ``results`` and ``weights`` are where shipped results and weights are looked for (default:
    the package's own folders).
    """
    cells = notebook["cells"]
    code = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    problems = []
    if any(TRAINS.search(_source(c)) for _, c in code) and not any(
            "lesson(" in _source(c) for _, c in code):
        problems.append("the notebook trains (calls fit) but computes no lk.lesson verdict")
    for i, cell in code:
        for condition in constant_conditions(_source(cell)):
            problems.append(f"cell {i}: a lesson's condition measures nothing: {condition}")
        tagged = TAG in cell["metadata"].get("tags", [])
        for line in verdict_lines(cell):
            if line.startswith(NOT_SHOWN) and not tagged:
                problems.append(f"cell {i}: committed output says {line!r} and the cell is not "
                                f"tagged {TAG!r}")
    for section in _sections(cells):
        tagged = [i for i in section if TAG in cells[i]["metadata"].get("tags", [])]
        if not tagged:
            continue
        naming = [(i, kind, name) for i in section if cells[i]["cell_type"] == "code"
                  for kind, name in shipped_names(_source(cells[i]))]
        if not naming:
            problems.append(f"cell {tagged[0]} is tagged {TAG!r} but its section names no shipped "
                            "result (lk.reproduce.load(\"NAME\") or "
                            "lk.models.create(\"NAME\", pretrained=True))")
            continue
        for i, kind, name in naming:
            if not shipped_exists(kind, name, results, weights):
                problems.append(f"cell {i} leans on the shipped {kind} {name!r}, which is missing")
        first = naming[0][0]
        after = [line for i in section if i >= first and cells[i]["cell_type"] == "code"
                 for line in verdict_lines(cells[i])]
        if not any(line.startswith(HOLDS) for line in after):
            problems.append(f"cell {tagged[0]} is tagged {TAG!r} but no verdict on the shipped "
                            f"result (from cell {first} on) says {HOLDS!r}")
        for line in after:
            if line.startswith(NOT_SHOWN):
                problems.append(f"the shipped result's own verdict does not hold: {line!r}")
    return problems


# --------------------------------------------------------------------------- re-checking
def seed_for(commit: str) -> int:
    """A seed derived from a commit hash, never one of :data:`SEEDS_SEEN`."""
    if not re.fullmatch(r"[0-9a-fA-F]{7,64}", commit or ""):
        raise ValueError(f"commit must be a hexadecimal commit hash, got {commit!r}")
    return len(SEEDS_SEEN) + int(hashlib.sha256(commit.lower().encode()).hexdigest()[:8], 16) % 9_997


def with_lessons(paths: list[Path]) -> list[Path]:
    """The notebooks whose committed outputs hold at least one *holds* verdict."""
    return [p for p in sorted(paths) if any(
        line.startswith(HOLDS) for c in json.loads(p.read_text())["cells"]
        if c["cell_type"] == "code" for line in verdict_lines(c))]


def rotation(paths: list[Path], number: int, count: int = 3) -> list[Path]:
    """The ``number``-th group of ``count`` notebooks (sorted), wrapping round: consecutive
    numbers (commits) cover every notebook within ``ceil(len(paths) / count)`` of them."""
    if count < 1:
        raise ValueError(f"count must be a positive number of notebooks, got {count}")
    paths = sorted(paths)
    if not paths:
        return []
    groups = [paths[k:k + count] for k in range(0, len(paths), count)]
    return groups[number % len(groups)]


def compare(committed: dict, executed: dict) -> list[str]:
    """Every committed *holds* verdict that the re-executed notebook does not repeat."""
    problems = []
    for i, (old, new) in enumerate(zip(committed["cells"], executed["cells"])):
        if old["cell_type"] != "code":
            continue
        before, after = verdict_lines(old), verdict_lines(new)
        if not any(line.startswith(HOLDS) for line in before):
            continue
        if len(before) != len(after):
            problems.append(f"cell {i}: {len(before)} committed verdicts, {len(after)} re-executed")
            continue
        for was, now in zip(before, after):
            if was.startswith(HOLDS) and not now.startswith(HOLDS):
                problems.append(f"cell {i}: committed {was!r}; re-executed: {now!r}")
    return problems


def execute(notebook: dict, folder: Path, seed: int, timeout: float) -> tuple[dict, float]:
    """Run a copy of ``notebook`` in a fresh kernel in ``folder``, in the class profile at
    ``seed``; return it and the seconds it took. Nothing is written."""
    import os

    import nbformat
    from nbclient import NotebookClient

    node = nbformat.reads(json.dumps(notebook), as_version=4)   # a copy, sources joined
    saved = {k: os.environ.get(k) for k in ("LECTUREKIT_PROFILE", "LECTUREKIT_SEED",
                                             "LECTUREKIT_NO_PROGRESS")}
    os.environ.update(LECTUREKIT_PROFILE="class", LECTUREKIT_SEED=str(seed),
                      LECTUREKIT_NO_PROGRESS="1")
    start = time.perf_counter()
    try:
        NotebookClient(node, timeout=int(timeout), kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return node, time.perf_counter() - start


def recheck(path: Path, seed: int, budget: float = BUDGET_SECONDS) -> list[str]:
    """Re-execute ``path`` in the class profile at ``seed``: its problems (none: all well)."""
    if seed in SEEDS_SEEN:
        raise ValueError(f"seed must not be one the notebooks were made at ({SEEDS_SEEN}), got {seed}")
    committed = json.loads(Path(path).read_text())
    try:
        executed, seconds = execute(committed, Path(path).parent, seed, timeout=3 * budget)
    except Exception as error:  # a cell that fails or runs past three budgets
        return [f"{Path(path).name}: did not run through at seed {seed}: "
                f"{type(error).__name__}: {str(error).strip().splitlines()[-1][:200]}"]
    problems = [f"{Path(path).name}: {p}" for p in compare(committed, executed)]
    if seconds > budget:
        problems.append(f"{Path(path).name}: took {seconds:.0f} s, over its budget of {budget:.0f} s")
    print(f"{Path(path).name}: seed {seed}, {seconds:.0f} s, "
          f"{'OK' if not problems else f'{len(problems)} problem(s)'}", flush=True)
    return problems


