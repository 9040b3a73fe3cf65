"""Homework: student editions of the notebooks, and an autograder.

``python -m lecturekit homework build`` writes ``homework/NN_topic.ipynb`` for every notebook
(or the ones named): each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block becomes a
placeholder that raises ``NotImplementedError``, exercise cells lose their outputs, the model
answers of the open questions are taken out, and an instruction cell goes on top. A model answer
is the markdown cell after an open question's answer cell, with the metadata
``{"lecturekit": {"model_answer": "NN.k"}}`` and the first words ``**Model answer (instructor
copy; not in the student edition).**``; it is no exercise (the grader skips it), and a notebook
whose model answer names no open question of its own is refused, as is a cell that starts like a
model answer without that metadata (it would reach the students).

``homework build`` also writes ``homework/grading-spec.json``: per notebook its exercises (id,
points, whether graded by hand, the answer expression, the forbidden calls) and how often its
code uses each suspicious pattern, and where the hidden cases are kept. It holds no solution;
``homework grade --spec homework/grading-spec.json`` grades with it, with no solution notebook
on the grading machine. The student edition's Colab badge opens the student edition
(``homework/NN_topic.ipynb`` of the same repository, or ``--badge TEMPLATE``), or is removed.

``python -m lecturekit homework grade PATH...`` runs each submitted notebook in a fresh kernel,
cell by cell with a timeout (:class:`lecturekit.kernels.Kernel`), and checks every exercise
right after the exercise's cell ran, **in the grader's own process**
(:mod:`lecturekit.grading`):

* the kernel evaluates the answer expression of the solution notebook (the ``answer`` in
  ``lk.exercises.check("NN.k", answer)``) in the student's namespace at that moment, and sends
  it as plain data: numbers, strings, booleans, tuples, lists, dicts, tensors as bytes with
  their dtype and shape, a History or a network as its fields or tensors; a function stays in
  the kernel, and the checker calls it there through a stand-in, on arguments the grader sends,
  its results coming back as plain data. Any other type fails with a note;
* the checkers run in the grader's process, imported before any student code ran, with the
  grader's own torch and math: patched ``torch.allclose`` or ``math.isclose``, a lying
  ``__eq__`` or ``__float__``, a tensor subclass with ``__torch_function__`` change nothing,
  because what crosses over is data. The student's own ``check`` call and what it printed count
  for nothing;
* an exercise that forbids calls (``checker(..., forbid=...)``: ``F.conv1d`` in 02.2,
  ``torch.tanh`` in 04.2, a grouped ``F.conv2d`` in 12.5, the package's reference
  implementations ...) scores 0 with a note naming the call when the exercise cell names it
  (read by the grader, AST) or when the function calls it while the grader runs it (a trace in
  the kernel);
* a predict-then-run exercise records its prediction in its own cell
  (``lk.exercises.predict("05.5", prediction)``, metadata ``{"lecturekit": {"prediction":
  "05.5"}}``): the grader takes it right after that cell ran, before the experiment cell exists
  in the kernel, and puts it in front of the measurement the exercise cell answers; the exercise
  scores 0 when the submitted notebook shows the prediction changed after the run
  (:func:`changed_prediction`);
* IPython event callbacks, trace and profile functions and a custom string formatter are taken
  away while an answer is read, and requests are sent as *user expressions* (not cells: not in
  the history, not seen by input transformers or cell callbacks).

Points come from the exercise metadata of the source notebook,
``{"lecturekit": {"exercise": "01.2", "points": 2}}``; open questions (``"manual": true``) are
listed for grading by hand. Endless loops are interrupted; a kernel that dies is restarted, the
cells before re-run, and grading goes on after the cell that killed it; every problem is noted.

Threat model, honestly. **Grading runs student code: use a sandbox** (a container or a
throw-away VM without your credentials or network): the student's code can read and write
whatever the kernel's user can, open connections, or try to attack the grader's process
through the kernel's messages. What the grader guarantees: a verdict is computed from data in
the grader's process, so nothing the student's code does to its own Python changes how the
checkers compare. What it does not: the data is what the student's code produced; a function
answer runs in the kernel, where it can behave differently when it is being graded (it can
recognize the checker's inputs, which are readable in the installed package unless they are
hidden cases), and a student who attacks the tracer can hide a forbidden call made outside the
exercise cell from it (not a call named in the cell). A prediction changed and then re-run
from the top leaves no trace, and 05.5 and 11.5 grade runs the student's kernel measured
(04.5's checker measures its gradients itself). Submissions whose code uses suspicious tools more often
than the solution does are flagged for review by hand (``Grade.flags``: ``sys.modules``,
``builtins``, trace/audit hooks, IPython callbacks, frame inspection, threads, ``os._exit``,
printed ``PASS exercise`` lines, replaced library functions, ``__torch_function__``, ...).
"""

from __future__ import annotations

import copy
import csv
import functools
import inspect
import json
import re
import secrets
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*$",
                      re.M | re.S)
INSTRUCTIONS = """**Homework edition.** Work through the notebook from top to bottom. In each exercise,
replace the lines

```python
# YOUR CODE HERE
raise NotImplementedError
```

with your solution and run the cell: the checker under it prints PASS or FAIL with a hint.
A predict-then-run exercise has a prediction cell first: run it *before* the experiment and do
not change it afterwards (a prediction changed after the run scores nothing).
Open questions (marked *graded by hand*) are answered in the markdown cell under them. Keep each
answer in its exercise cell and do not delete cells: the grader runs your notebook from top to
bottom and checks each answer itself, right after its exercise cell (what the notebook prints
does not count)."""


def strip_solutions(source: str) -> str:
    """Replace every solution block by a placeholder with the same indentation."""
    return SOLUTION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError",
                        source)


MODEL_ANSWER = "**Model answer (instructor copy; not in the student edition).**"


def exercise_meta(cell) -> dict | None:
    """The exercise metadata of a cell, ``{"exercise": "NN.k", "points": p, ...}``, or None (a
    model-answer cell, ``{"model_answer": "NN.k"}``, is no exercise)."""
    meta = cell.get("metadata", {}).get("lecturekit")
    return meta if isinstance(meta, dict) and "exercise" in meta else None


def prediction_of(cell) -> str | None:
    """The exercise whose prediction a cell records (``{"prediction": "NN.k"}``), or None."""
    meta = cell.get("metadata", {}).get("lecturekit")
    return meta.get("prediction") if isinstance(meta, dict) else None


def model_answer_of(cell) -> str | None:
    """The open question a model-answer cell answers (``"NN.k"``), or None for any other cell."""
    meta = cell.get("metadata", {}).get("lecturekit")
    return meta.get("model_answer") if isinstance(meta, dict) else None


def check_model_answers(notebook) -> None:
    """Refuse model answers that name no open question of the notebook, and cells that start
    like a model answer without the metadata that takes them out of the student edition."""
    manual = sorted(meta["exercise"] for c in notebook.cells
                    if (meta := exercise_meta(c)) and meta.get("manual"))
    for index, cell in enumerate(notebook.cells):
        answered = model_answer_of(cell)
        if answered is None and cell.source.lstrip().startswith("**Model answer"):
            raise ValueError(f"cell {index} starts like a model answer but has no metadata "
                             '{"lecturekit": {"model_answer": "NN.k"}}, so it would reach the '
                             "students; add it")
        if answered is not None and answered not in manual:
            raise ValueError(f"model_answer {answered!r} in cell {index} names no open question of "
                             f"this notebook; choose one of {', '.join(manual) or '(none)'}")


#: The Colab badge of a lecture notebook: ``[![Open In Colab](image)](link)``.
BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\((https://colab\.research\.google\.com/[^)]*)\)[ \t]*\n?")
#: Where the student edition's badge points by default: the ``homework/`` folder of the same
#: repository (``{link}`` is the lecture's link; ``{name}`` the notebook's file name).
DEFAULT_BADGE = "homework"


def student_badge(source: str, name: str, badge: str | None = DEFAULT_BADGE) -> str:
    """``source`` with its Colab badge pointing at the student edition, never at the solution
    notebook: ``badge`` "homework" (the default) swaps the lecture's ``/notebooks/`` folder for
    ``/homework/``; a URL template with ``{name}`` points there; None or "" removes the badge."""
    def replace(match):
        link = match.group(1)
        if not badge:
            return ""
        if badge == DEFAULT_BADGE:
            target = re.sub(r"/notebooks/[^/]+$", f"/homework/{name}", link)
            if target == link:                   # not a link into notebooks/: do not guess
                return ""
        else:
            target = badge.format(name=name)
        return match.group(0).replace(link, target)
    return BADGE.sub(replace, source)


def student_edition(notebook, name: str = "", badge: str | None = DEFAULT_BADGE):
    """A copy of the notebook with the solutions and the model answers taken out, its Colab
    badge pointing at the student edition (see :func:`student_badge`; ``name`` is the file
    name) and an instruction cell on top (a ValueError for a model answer that names no open
    question)."""
    import nbformat

    check_model_answers(notebook)
    student = copy.deepcopy(notebook)
    student.cells = [c for c in student.cells if model_answer_of(c) is None]
    for cell in student.cells:
        if cell.cell_type == "markdown" and "colab.research.google.com" in cell.source:
            cell.source = student_badge(cell.source, name, badge)
        if cell.cell_type != "code" or "### BEGIN SOLUTION" not in cell.source:
            continue
        cell.source = strip_solutions(cell.source)
        cell.outputs = []
        cell.execution_count = None
    intro = nbformat.v4.new_markdown_cell(INSTRUCTIONS)
    intro.metadata["slideshow"] = {"slide_type": "skip"}
    student.cells.insert(0, intro)
    return student


def build(notebooks: list[Path], output: Path, badge: str | None = DEFAULT_BADGE) -> list[Path]:
    """Write the student edition of each notebook into ``output``, and beside them the grading
    specification (``grading-spec.json``, see :func:`grading_spec`) that ``homework grade
    --spec`` uses instead of the solution notebooks (an existing one keeps its other notebooks)."""
    import nbformat

    if badge and badge != DEFAULT_BADGE and "{name}" not in badge:
        raise ValueError(f"badge must be 'homework', a URL template with {{name}}, or empty; "
                         f"not {badge!r}")
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        target = output / path.name
        try:
            student = student_edition(nbformat.read(path, as_version=4), path.name, badge)
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from None
        nbformat.write(student, target)
        written.append(target)
    spec_path = output / SPEC_NAME
    spec = grading_spec(notebooks)
    if spec_path.exists():
        try:
            spec["notebooks"] = {**read_spec(spec_path)["notebooks"], **spec["notebooks"]}
        except ValueError:
            pass                                       # not a specification: replaced
    spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    written.append(spec_path)
    return written


# --------------------------------------------------------------------------- grading
@dataclass
class ExerciseScore:
    exercise: str
    points: float
    earned: float
    status: str          # "pass", "fail", "not answered", "missing", "not run", "manual"
    note: str = ""
    kind: str = "public"  # "public" (the installed checkers) or "hidden" (--hidden DIR)
    case: str = ""        # the checker's id: "01.2", or "01.2:large inputs" for a hidden case


@dataclass
class Grade:
    submission: str
    notebook: str
    scores: list[ExerciseScore] = field(default_factory=list)    # public and manual
    hidden: list[ExerciseScore] = field(default_factory=list)    # hidden cases
    problems: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)               # for a human to look at
    seconds: float = 0.0

    @property
    def public_earned(self) -> float:
        return sum(s.earned for s in self.scores)

    @property
    def public_points(self) -> float:
        return sum(s.points for s in self.scores if s.status != "manual")

    @property
    def hidden_earned(self) -> float:
        return sum(s.earned for s in self.hidden)

    @property
    def hidden_points(self) -> float:
        return sum(s.points for s in self.hidden)

    @property
    def earned(self) -> float:
        return self.public_earned + self.hidden_earned

    @property
    def auto_points(self) -> float:
        return self.public_points + self.hidden_points


CHECK_CALL = r"""check\(\s*["']{}["']"""
PREDICT_CALL = r"""predict\(\s*["']{}["']"""


def _answer_expression(source: str, exercise: str, call: str = "check") -> str | None:
    """The answer the source notebook checks: ``answer`` in ``lk.exercises.check("01.1", answer)``
    (or the prediction in ``lk.exercises.predict("05.5", prediction)``, ``call="predict"``)."""
    import ast

    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)   # %magics become Python
    except ImportError:
        pass
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) != 2:
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", None))
        first = node.args[0]
        if name == call and isinstance(first, ast.Constant) and first.value == exercise:
            return ast.unparse(node.args[1])
    return None


def _source_exercises(source: Path) -> list[dict]:
    """The exercises of a solution notebook, in order: id, points, manual, answer expression,
    and for a predict-then-run exercise the expression its prediction cell records."""
    notebook = json.loads(_read_text(source))
    exercises, predictions = [], {}
    for cell in notebook["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if (predicted := prediction_of(cell)) is not None:
            predictions[predicted] = _answer_expression(text, predicted, call="predict")
        meta = exercise_meta(cell)
        if not meta:
            continue
        exercise = dict(meta, points=meta.get("points", 1), manual=bool(meta.get("manual")))
        if not exercise["manual"]:
            exercise["expression"] = _answer_expression(text, meta["exercise"])
        exercises.append(exercise)
    for exercise in exercises:
        if exercise["exercise"] in predictions:
            exercise["prediction"] = predictions[exercise["exercise"]]
    return exercises


# -- the grading specification: what grading needs, without the solutions
SPEC_NAME = "grading-spec.json"


def _forbidden_of(exercise: str) -> list[dict]:
    from . import exercises as package

    try:
        return [rule.as_dict() for rule in package.forbidden(exercise)]
    except KeyError:
        return []


def grading_spec(notebooks: list[Path], hidden: str = "hidden/") -> dict:
    """What ``homework grade --spec`` needs, read from the solution notebooks: per notebook its
    exercises (id, points, whether graded by hand, the answer expression, the forbidden calls)
    and how often its code uses each suspicious pattern; and where the hidden cases are kept
    (a folder on the grading machine, never shipped to students)."""
    spec = {"format": 1, "hidden": hidden, "notebooks": {}}
    for path in notebooks:
        exercises = _source_exercises(path)
        for exercise in exercises:
            if not exercise["manual"]:
                exercise["forbidden"] = _forbidden_of(exercise["exercise"])
        cells = json.loads(_read_text(path))["cells"]
        spec["notebooks"][path.name] = {"exercises": exercises,
                                        "suspicious": _suspicious_counts(cells)}
    return spec


def read_spec(path: Path) -> dict:
    """A grading specification written by ``homework build`` (a ValueError names a bad file)."""
    try:
        spec = json.loads(_read_text(path))
    except (OSError, ValueError) as error:
        raise ValueError(f"--spec must be a grading specification ({SPEC_NAME}) written by "
                         f"homework build; {path} is not readable as one: {error}") from None
    if not isinstance(spec, dict) or spec.get("format") != 1 or "notebooks" not in spec:
        raise ValueError(f"--spec must be a grading specification ({SPEC_NAME}) written by "
                         f"homework build; {path} is not one")
    return spec


# -- files read by the grader before any student code runs
_SNAPSHOT: dict[str, str] = {}     # files read by preload() for the current grading run


def _read_text(path: Path) -> str:
    """A file's text; during a ``grade`` command, as it was when the command started: a
    student's kernel that rewrites a solution notebook, the specification or another
    submission on disk changes nothing in that run (see :func:`preload`)."""
    key = str(Path(path).resolve())
    return _SNAPSHOT[key] if key in _SNAPSHOT else Path(key).read_text()


def _exists(path: Path) -> bool:
    return str(Path(path).resolve()) in _SNAPSHOT or Path(path).exists()


CHECKER_IMPORTS = ("lecturekit.env", "lecturekit.analysis", "lecturekit.train",
                   "lecturekit.models", "lecturekit.models.lenet", "lecturekit.models.googlenet",
                   "lecturekit.references", "lecturekit.layers")


def preload(submissions: list[Path], source: Path | None, hidden: Path | None = None,
            spec: Path | None = None) -> None:
    """Before any student code runs: import every checker (and the modules they use) into the
    grader's process, and read every file grading will need (until ``_SNAPSHOT.clear()``)."""
    import importlib

    from . import exercises as package

    package.exercise_ids()
    _kernel_sources()
    for name in CHECKER_IMPORTS:
        importlib.import_module(name)
    paths = [p for p in sorted(hidden.glob("*.py"))] if hidden and hidden.is_dir() else []
    paths += list(submissions) + ([spec] if spec else [])
    if source is not None:
        paths += [source] if source.is_file() else [source / s.name for s in submissions]
    for path in paths:
        try:
            _SNAPSHOT[str(Path(path).resolve())] = Path(path).read_text()
        except (OSError, UnicodeDecodeError):
            pass                      # reported by grade(), for that submission alone


@dataclass
class Checkers:
    """The checkers of one notebook, in the grader's own process: the package's (imported
    before any student code ran) and the instructor's hidden cases (compiled from their files)."""
    hidden_package: object = None
    hidden_cases: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)


def load_checkers(exercises: list[dict], hidden: Path | None = None) -> Checkers:
    """The hidden cases of the notebooks these exercises belong to, ``hidden/nbNN.py``, compiled
    in the grader's process (an error names a bad hidden file)."""
    from . import exercises as package

    if hidden is None:
        return Checkers()
    if not hidden.is_dir():
        raise ValueError(f"--hidden must be a folder of nbNN.py files; {hidden} is not a folder")
    stems = sorted({f"nb{e['exercise'].split('.')[0]}" for e in exercises})
    secret = [(stem, str(hidden / f"{stem}.py"), _read_text(hidden / f"{stem}.py"))
              for stem in stems if _exists(hidden / f"{stem}.py")]
    if not secret:
        return Checkers()
    init = Path(package.__file__)
    made: list[str] = []
    cases = _fresh_checkers({"package": f"_lecturekit_hidden_{secrets.token_hex(4)}",
                             "init": (str(init), init.read_text()), "hidden": secret}, made)
    checkers = Checkers(cases)
    known = {e["exercise"] for e in exercises if not e["manual"]}
    for case, entry in sorted(cases._REGISTRY.items()):
        if entry.exercise not in known:
            raise ValueError(f"hidden case {case!r} names no auto-graded exercise of this "
                             f"notebook; choose one of {', '.join(sorted(known))}")
        points = 1 if entry.points is None else entry.points
        checkers.hidden_cases.setdefault(entry.exercise, []).append((case, entry.title, points))
    return checkers


def _fresh_checkers(args, made):
    """A fresh copy of the checker package with the instructor's hidden files registered in
    it, under a new random package name (hidden files import ``from lecturekit.exercises``)."""
    import types

    def load(name, path, source, package=None):
        module = types.ModuleType(name)
        module.__file__ = path
        if package is None:
            module.__path__ = []
        module.__package__ = package or name
        sys.modules[name] = module                 # for the checkers' `from . import ...`
        made.append(name)
        exec(compile(source, path, "exec"), module.__dict__)
        return module

    base = args["package"]
    hidden = load(base, *args["init"])
    real = sys.modules.get("lecturekit.exercises")
    sys.modules["lecturekit.exercises"] = hidden
    try:
        for stem, path, source in args["hidden"]:
            load(f"{base}.{stem}", path, source, base)
    finally:
        sys.modules["lecturekit.exercises"] = real
    return hidden


# -- the code the grader sends into the student's kernel (as source text: it imports what it
#    needs). Verdicts are not computed there: see lecturekit.grading.
def _clear_hooks(stash_name):
    """Before grading: take away what could watch or change the grader's request (IPython
    event callbacks, trace and profile functions, a custom text formatter for strings); the
    callbacks are kept aside and put back afterwards. Returns how many callbacks of each event
    come from elsewhere than IPython, ipykernel, matplotlib and ipywidgets."""
    import sys
    import threading

    from IPython import get_ipython

    shell = get_ipython()
    callbacks = shell.events.callbacks
    libraries = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "ipywidgets")
    counts = {event: sum(getattr(f, "__module__", None) is None
                         or str(f.__module__).split(".")[0] not in libraries for f in functions)
              for event, functions in callbacks.items()}
    setattr(shell, stash_name, {event: list(functions) for event, functions in callbacks.items()})
    for functions in callbacks.values():
        functions.clear()
    sys.settrace(None)
    sys.setprofile(None)
    threading.settrace(None)
    threading.setprofile(None)
    text = shell.display_formatter.formatters["text/plain"]
    text.type_printers.pop(str, None)
    text.deferred_printers.pop(("builtins", "str"), None)
    return repr(counts)


def _restore_hooks(stash_name):
    from IPython import get_ipython

    shell = get_ipython()
    for event, functions in getattr(shell, stash_name, {}).items():
        shell.events.callbacks.setdefault(event, []).extend(functions)
    return "restored"


@functools.lru_cache(maxsize=1)
def _kernel_sources() -> str:
    """The source text of the functions sent into the kernel, read once (by :func:`preload`,
    before any student code runs: a file rewritten on disk later changes nothing)."""
    from . import grading

    return "".join(inspect.getsource(f) for f in (_clear_hooks, _restore_hooks)) + \
        grading.kernel_source()


def _call(function, *args) -> str:
    """A user expression that defines ``function`` in a private namespace and calls it. (A
    user expression is evaluated, not run as a cell: it is not in the history, not shown to
    IPython's input transformers or cell callbacks, and its value comes back in the reply.)"""
    sources = _kernel_sources()
    arguments = ", ".join([*map(repr, args)] + (["globals()"] if function.__name__ ==
                                                 "_kernel_answer" else []))
    return (f"(lambda namespace: [exec({sources!r}, namespace), "
            f"namespace[{function.__name__!r}]({arguments})][1])({{}})")


def _value(reply, key: str) -> str | None:
    """The text value of a user expression in a reply, or None."""
    import ast

    found = reply.user_expressions.get(key, {})
    if found.get("status") != "ok":
        return None
    try:
        return ast.literal_eval(found["data"]["text/plain"])
    except (KeyError, ValueError, SyntaxError):
        return None


# -- what to look at by hand: code the solution notebook does not have
SUSPICIOUS = {
    "touches the checkers (lk.exercises, _REGISTRY)": r"_REGISTRY|exercises\s*\.\s*\w+\s*=[^=]",
    "edits sys.modules or imports importlib": r"sys\s*\.\s*modules|\bimportlib\b",
    "installs trace, profile or audit hooks": r"settrace|setprofile|addaudithook",
    "registers IPython hooks or transformers": r"events\s*\.\s*register|ast_transformers|"
                                               r"input_transformers|display_formatter",
    "changes built-ins": r"__builtins__|\bbuiltins\b",
    "inspects the interpreter (frames, gc, ctypes)": r"_getframe|inspect\s*\.\s*stack|"
                                                     r"\bgc\s*\.\s*get_|\bctypes\b",
    "starts threads or processes": r"\bthreading\b|\bmultiprocessing\b|\bsubprocess\b",
    "exits the kernel": r"os\s*\.\s*_exit|\bsys\s*\.\s*exit\b",
    "prints checker-like result lines": r"(PASS|FAIL) exercise",
    "replaces library functions or operators": r"(?:torch|math|numpy|np|F)\s*\.\s*\w+\s*=[^=]|"
                                               r"__torch_function__|def\s+__(?:eq|float|bool)__",
}


def _cells_code(cells) -> str:
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in cells if c.get("cell_type") == "code")


def _suspicious_counts(cells) -> dict[str, int]:
    code = _cells_code(cells)
    return {what: len(re.findall(pattern, code)) for what, pattern in SUSPICIOUS.items()}


def _flags(submission, solution_counts: dict[str, int]) -> list[str]:
    """Names of suspicious patterns that the submission's code uses more often than the solution
    notebook's code does. They do not change the score; they say where to look."""
    mine = _suspicious_counts(submission.cells)
    return [f"review by hand: the code {what}" for what, count in mine.items()
            if count > solution_counts.get(what, 0)]


def _exercise_cells(cells, exercises: list[dict], problems: list[str]) -> dict[int, str]:
    """Cell index -> exercise id, found by the cell's metadata or, when the metadata was lost,
    by its ``check("NN.k", ...)`` call."""
    where = {i: meta["exercise"] for i, cell in enumerate(cells) if (meta := exercise_meta(cell))}
    for exercise in (e["exercise"] for e in exercises if not e["manual"]):
        if exercise in where.values():
            continue
        pattern = re.compile(CHECK_CALL.format(re.escape(exercise)))
        for i, cell in enumerate(cells):
            if cell.cell_type == "code" and i not in where and pattern.search(cell.source):
                where[i] = exercise
                problems.append(f"exercise {exercise}: its cell lost its metadata; found by "
                                "its check call")
    return where


def _prediction_cells(cells, exercises: list[dict]) -> dict[int, str]:
    """Cell index -> the exercise whose prediction the cell records (metadata, else its call)."""
    where = {i: p for i, cell in enumerate(cells) if (p := prediction_of(cell)) is not None}
    for exercise in (e["exercise"] for e in exercises if e.get("prediction")):
        if exercise not in where.values():
            pattern = re.compile(PREDICT_CALL.format(re.escape(exercise)))
            where.update({i: exercise for i, cell in enumerate(cells)
                          if cell.cell_type == "code" and pattern.search(cell.source)})
    return where


def changed_prediction(prediction_cell, experiment_cell, exercise: str, value) -> str | None:
    """Why a recorded prediction does not count, or None when it does: the submitted notebook
    must show the prediction cell's record of this very value (else the prediction was edited
    after that cell ran), and that cell must have run before the experiment cell."""
    from .exercises import prediction_record

    printed = "".join(
        "".join(o.get("text", "")) if isinstance(o.get("text", ""), list) else o.get("text", "")
        for o in prediction_cell.get("outputs", []) if o.get("output_type") == "stream")
    if prediction_record(exercise, value) not in printed.splitlines():
        return ("your notebook does not show this prediction recorded by its cell: it was written "
                "after the cell last ran (or the cell never ran); a prediction counts only as "
                "recorded before the experiment")
    before, after = prediction_cell.get("execution_count"), experiment_cell.get("execution_count")
    if not (isinstance(before, int) and isinstance(after, int) and before < after):
        return ("your prediction cell ran after the experiment cell (see their execution counts): "
                "a prediction changed after the run scores nothing")
    return None


class _Grading:
    """One submission in one kernel (restarted when it dies), exercises graded cell by cell:
    the kernel hands over each answer as plain data, the checkers run here."""

    def __init__(self, notebook, exercises, checkers, workdir, timeout, result, max_restarts):
        self.cells = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
        self.expressions = {e["exercise"]: e.get("expression") for e in exercises}
        self.forbidden = {e["exercise"]: e.get("forbidden") for e in exercises}
        self.where = _exercise_cells(notebook.cells, exercises, result.problems)
        self.sources = {exercise: notebook.cells[i].source for i, exercise in self.where.items()}
        self.notebook_cells = notebook.cells
        self.prediction_expressions = {e["exercise"]: e["prediction"] for e in exercises
                                       if e.get("prediction")}
        self.prediction_where = _prediction_cells(notebook.cells, exercises)
        self.predictions: dict[str, tuple] = {}   # exercise -> (status, value, cell index)
        self.checkers, self.timeout, self.result = checkers, timeout, result
        self.max_restarts, self.restarts = max_restarts, 0
        self.stash = f"_lecturekit_hooks_{secrets.token_hex(8)}"
        self.answers = f"_lecturekit_answer_{secrets.token_hex(8)}"
        self.watch: list[list[str]] = []     # [module, name] of the calls to trace
        self.trace: list[list] = []          # the watched calls the student's functions made
        self.outcomes: dict[str, tuple[str, str]] = {}     # case -> (status, note)
        self.skip: set[int] = set()                        # cells that killed the kernel
        from .kernels import Kernel

        self.kernel = Kernel(workdir, env={"LECTUREKIT_NO_PROGRESS": "1"})

    def run(self) -> None:
        try:
            self.kernel.start()
        except Exception as error:  # no kernel spec, or a kernel that does not come up
            self.result.problems.append(f"the kernel did not start: {error}")
            return
        try:
            self.baseline = self._census()
            position = 0
            while position < len(self.cells):
                index, cell = self.cells[position]
                reply = self.kernel.run(cell.source, self.timeout)
                self._note(index, reply)
                if self.kernel.is_alive() and index in self.prediction_where:
                    self._record_prediction(self.prediction_where[index], index)
                if self.kernel.is_alive() and index in self.where:
                    self._grade(self.where[index])
                if not self.kernel.is_alive():   # the cell, or checking its answer, killed it
                    self.skip.add(index)
                    if not self._recover(index, position):
                        return
                position += 1
        finally:
            self.kernel.shutdown()

    def _note(self, index: int, reply) -> None:
        problems = self.result.problems
        if reply.status == "timeout":
            problems.append(f"cell {index} ran longer than {self.timeout:g} s and was stopped")
        elif reply.status == "dead":
            problems.append(f"the kernel died in cell {index}")
        elif reply.status == "error":
            problems.append(f"cell {index} raised {reply.ename}: {reply.evalue[:100]}")

    def _recover(self, index: int, position: int) -> bool:
        """Restart the kernel and re-run the cells before (without the ones that killed it)."""
        if self.restarts >= self.max_restarts:
            self.result.problems.append(f"the kernel died {self.restarts + 1} times; cells after "
                                        f"cell {index} were not run")
            return False
        self.restarts += 1
        self.result.problems.append(f"a fresh kernel re-ran the cells up to cell {index}, "
                                    "without the ones that stopped the kernel")
        self.kernel.restart()
        self.baseline = self._census()
        for i, cell in self.cells[:position + 1]:
            if i not in self.skip and self.kernel.run(cell.source, self.timeout).status == "dead":
                self.result.problems.append(f"the kernel died again re-running cell {i}; later "
                                            "cells were not run")
                return False
        return True

    def _census(self) -> dict:
        import ast

        reply = self.kernel.run("", self.timeout, silent=True,
                                user_expressions={"c": _call(_clear_hooks, self.stash)})
        self.kernel.run("", self.timeout, silent=True,
                        user_expressions={"r": _call(_restore_hooks, self.stash)})
        counts = _value(reply, "c")
        return ast.literal_eval(counts) if counts else {}

    def call_in_kernel(self, request: dict) -> tuple[str, str | None]:
        """Run the student's function in the kernel (see :class:`grading.RemoteFunction`)."""
        from .grading import _kernel_call

        reply = self.kernel.run("", self.timeout, silent=True,
                                user_expressions={"r": _call(_kernel_call, request)})
        if reply.status in ("timeout", "dead") or not self.kernel.is_alive():
            return ("timeout" if reply.status == "timeout" else "dead"), None
        return "ok", _value(reply, "r")

    def _answer(self, expression: str):
        """The answer, as plain data decoded here: (status, answer or note)."""
        from . import grading

        reply = self.kernel.run("", self.timeout, silent=True, user_expressions={
            "a": _call(grading._kernel_answer, {"expression": expression,
                                                "stash": self.answers})})
        text = _value(reply, "a")
        try:
            report = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            report = None
        if not isinstance(report, dict):
            why = {"timeout": "evaluating the answer ran longer than the timeout",
                   "dead": "the kernel died while the answer was evaluated"}.get(
                reply.status, "the answer did not come back from the kernel")
            return "fail", why
        if report.get("status") == "undefined":
            return "not answered", f"{expression} is not defined ({report.get('note', '')})"[:300]
        if report.get("status") != "ok":
            return "fail", f"your answer cannot be graded: {report.get('note', '')}"[:300]
        try:
            return "ok", grading.decode(report.get("answer"), functions=lambda handle, name:
                                        grading.RemoteFunction(self, handle, name))
        except grading.NotPlainData as error:
            return "fail", f"your answer cannot be graded: {error}"[:300]

    def _record_prediction(self, exercise: str, index: int) -> None:
        """Take the prediction the moment its cell has run, before the experiment exists here."""
        expression = self.prediction_expressions.get(exercise)
        if expression is not None and exercise not in self.predictions:
            self.predictions[exercise] = (*self._answer(expression), index)

    def _with_prediction(self, exercise: str, status: str, answer):
        """A predict-then-run answer: the recorded prediction, then the measurement."""
        from .exercises import with_prediction

        if status != "ok" or exercise not in self.prediction_expressions:
            return status, answer
        if exercise not in self.predictions:
            return "fail", ("no prediction was recorded: its cell (lk.exercises.predict) did not "
                            "run before the experiment")
        recorded, value, index = self.predictions[exercise]
        if recorded != "ok":
            return recorded, f"your prediction: {value}"
        where = next((i for i, e in self.where.items() if e == exercise), None)
        why = changed_prediction(self.notebook_cells[index], self.notebook_cells[where], exercise,
                                 value) if where is not None else None
        if why:
            return "fail", why
        return "ok", with_prediction(value, answer)

    def _grade(self, exercise: str) -> None:
        import ast

        from . import exercises as package
        from .grading import Forbidden, forbidden_in_source, forbidden_in_trace

        cases = [(exercise, package)] + [(case, self.checkers.hidden_package) for case, _, _ in
                                         self.checkers.hidden_cases.get(exercise, [])]
        expression = self.expressions.get(exercise)
        if expression is None:
            for case, _ in cases:
                self.outcomes[case] = ("fail", "the solution notebook has no check call for "
                                               "this exercise (instructor: add one)")
            return
        rules = self.forbidden.get(exercise)
        rules = [Forbidden(**r) for r in rules] if rules is not None else \
            [Forbidden(**r) for r in _forbidden_of(exercise)]
        self.watch, self.trace = [[r.module, r.name] for r in rules], []
        cleared = self.kernel.run("", self.timeout, silent=True,
                                  user_expressions={"c": _call(_clear_hooks, self.stash)})
        counts = _value(cleared, "c")
        counts = ast.literal_eval(counts) if counts else {}
        added = sorted(e for e, n in counts.items() if n > self.baseline.get(e, 0))
        if added and not any("IPython event" in f for f in self.result.flags):
            self.result.flags.append(f"review by hand: the code registered IPython event "
                                     f"callbacks ({', '.join(added)}); they were off while "
                                     "grading")
        status, answer = self._with_prediction(exercise, *self._answer(expression))
        for case, checkers in cases:
            if status != "ok":
                self.outcomes[case] = (status, answer)
                continue
            try:
                result = checkers.evaluate(case, answer)
                outcome = "pass" if result.passed is True else "fail"
                if result.message.endswith("not answered yet."):
                    outcome = "not answered"
                self.outcomes[case] = (outcome, str(result.message)[:500])
            except Exception as error:  # a fault of a checker: this case fails, grading goes on
                self.outcomes[case] = ("fail", f"checking raised {type(error).__name__}: {error}"
                                       [:300])
        used = forbidden_in_source(self.sources.get(exercise, ""), rules)
        used += [name for name in forbidden_in_trace(self.trace, rules) if name not in used]
        if used:
            note = (f"your solution uses {', '.join(used)}, which this exercise forbids; write it "
                    "without")
            for case, _ in cases:
                if self.outcomes.get(case, ("",))[0] != "not answered":
                    self.outcomes[case] = ("fail", note)
        if self.kernel.is_alive():
            self.kernel.run("", self.timeout, silent=True,
                            user_expressions={"r": _call(_restore_hooks, self.stash)})


def grade(submission: Path, source: Path | None = None, timeout: float = 120,
          hidden: Path | None = None, max_restarts: int = 2, spec: Path | dict | None = None,
          workdir: Path | None = None) -> Grade:
    """Execute one submission and score it against the exercises of its solution notebook
    (``source``: the notebook, or a folder holding one of the same name) or of a grading
    specification (``spec``, written by :func:`build`; then no solution notebook is needed),
    checking each answer right after its exercise cell ran, in this process."""
    import nbformat

    start = time.monotonic()
    result = Grade(str(submission), submission.name)
    if spec is not None:
        spec = read_spec(spec) if not isinstance(spec, dict) else spec
        entry = spec["notebooks"].get(submission.name)
        if entry is None:
            result.problems.append(f"the grading specification has no notebook named "
                                   f"{submission.name}")
            return result
        exercises, solution_counts = entry["exercises"], entry.get("suspicious", {})
        workdir = workdir or submission.parent
    else:
        if source is None:
            raise ValueError("grade needs source (the solution notebooks) or spec (a grading "
                             "specification); neither was given")
        source_path = source / submission.name if source.is_dir() else source
        if not _exists(source_path):
            result.problems.append(f"no notebook named {submission.name} in {source}")
            return result
        exercises = _source_exercises(source_path)
        solution_counts = _suspicious_counts(json.loads(_read_text(source_path))["cells"])
        workdir = workdir or source_path.parent
    checkers = load_checkers(exercises, hidden)
    grading = None
    try:
        notebook = nbformat.reads(_read_text(submission), as_version=4)
    except Exception as error:  # not JSON, not a notebook, unreadable
        result.problems.append(f"not a valid notebook: {type(error).__name__}: {error}"[:200])
        unreadable = "submission unreadable"
    else:
        result.flags = _flags(notebook, solution_counts)
        grading = _Grading(notebook, exercises, checkers, workdir, timeout, result, max_restarts)
        try:
            grading.run()
        except Exception as error:  # a fault of the grader itself: the other submissions go on
            result.problems.append(f"grading stopped: {type(error).__name__}: {error}"[:200])
        unreadable = None
    found = set(grading.where.values()) if grading else set()
    outcomes = grading.outcomes if grading else {}
    for meta in exercises:
        exercise, points = meta["exercise"], meta["points"]
        if meta["manual"]:
            cell = next((c for c in (notebook.cells if grading else [])
                         if (exercise_meta(c) or {}).get("exercise") == exercise), None)
            status, note = ("manual", cell.source.strip()[:200]) if cell else \
                           ("missing", unreadable or "cell deleted")
            result.scores.append(ExerciseScore(exercise, points, 0, status, note, case=exercise))
            continue
        cases = [(exercise, "", points, "public")]
        cases += [(case, title, p, "hidden")
                  for case, title, p in checkers.hidden_cases.get(exercise, [])]
        for case, _title, p, kind in cases:
            if case in outcomes:
                status, note = outcomes[case]
            elif unreadable or exercise not in found:
                status, note = "missing", unreadable or "cell deleted"
            else:
                status, note = "not run", "the kernel stopped before this exercise was checked"
            score = ExerciseScore(exercise, p, p if status == "pass" else 0, status, note, kind,
                                  case)
            (result.scores if kind == "public" else result.hidden).append(score)
    result.seconds = time.monotonic() - start
    return result


def grade_all(submissions: list[Path], source: Path | None = None, timeout: float = 120,
              hidden: Path | None = None, spec: Path | None = None) -> list[Grade]:
    """Grade each submission against ``source`` (solution notebooks) or ``spec`` (a grading
    specification), the checkers imported and the files read before any student code runs."""
    preload(submissions, source, hidden, spec)
    try:
        plan = read_spec(spec) if spec is not None else None
        if plan is not None and hidden is None and plan.get("hidden"):
            folder = Path(spec).parent / plan["hidden"]
            hidden = folder if folder.is_dir() else None
        return [grade(path, source, timeout, hidden, spec=plan) for path in submissions]
    finally:
        _SNAPSHOT.clear()


def _run(notebook, workdir: Path, timeout: float, problems: list[str]) -> None:
    """Execute every code cell in a fresh kernel, without grading (errors become problems)."""
    result = Grade("", "", problems=problems)
    _Grading(notebook, [], Checkers(), workdir, timeout, result, 0).run()


# -- reports
def table(grades: list[Grade]) -> str:
    """A readable report: one block per submission, public and hidden results apart."""
    lines = []
    for g in grades:
        split = (f" (public {g.public_earned:g}/{g.public_points:g}, hidden "
                 f"{g.hidden_earned:g}/{g.hidden_points:g})" if g.hidden else "")
        lines.append(f"{g.submission}: {g.earned:g} / {g.auto_points:g} auto-graded points{split}")
        for heading, scores in (("", g.scores), ("hidden", g.hidden)):
            if heading and scores:
                lines.append("  hidden cases:")
            for s in scores:
                shown = "manual" if s.status == "manual" else f"{s.earned:g}/{s.points:g}"
                note = f" ({s.note})" if s.note and s.status not in ("manual", "pass") else ""
                lines.append(f"  {s.case or s.exercise:<6} {shown:<7} {s.status}{note}")
        lines += [f"  problem: {p}" for p in g.problems]
        lines += [f"  {f}" for f in g.flags]
    return "\n".join(lines)


def write_csv(grades: list[Grade], path: Path) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["submission", "kind", "case", "exercise", "points", "earned", "status",
                         "note"])
        for g in grades:
            for s in g.scores + g.hidden:
                writer.writerow([g.submission, s.kind, s.case or s.exercise, s.exercise, s.points,
                                 s.earned, s.status, s.note])


def write_json(grades: list[Grade], path: Path) -> None:
    data = [dict(asdict(g), earned=g.earned, auto_points=g.auto_points,
                 public_earned=g.public_earned, public_points=g.public_points,
                 hidden_earned=g.hidden_earned, hidden_points=g.hidden_points) for g in grades]
    path.write_text(json.dumps(data, indent=2))


GRADESCOPE_VISIBILITY = ("hidden", "after_due_date", "after_published", "visible")


def gradescope_results(g: Grade, hidden_visibility: str = "after_published") -> dict:
    """Gradescope's results.json for one submission: a test per exercise and per hidden case
    (score, max_score, output, visibility), the total score, and the problems as output.
    Open questions are left to Gradescope's manual questions."""
    if hidden_visibility not in GRADESCOPE_VISIBILITY:
        raise ValueError(f"hidden_visibility must be one of {', '.join(GRADESCOPE_VISIBILITY)}, "
                         f"not {hidden_visibility!r}")
    tests = []
    for s in g.scores + g.hidden:
        if s.status == "manual":
            continue
        hidden = s.kind == "hidden"
        tests.append({
            "name": f"{'hidden case' if hidden else 'exercise'} {s.case or s.exercise}",
            "score": s.earned, "max_score": s.points,
            "status": "passed" if s.status == "pass" else "failed",
            "output": f"{s.status}: {s.note}" if s.note else s.status,
            "visibility": hidden_visibility if hidden else "visible",
        })
    manual = [s.exercise for s in g.scores if s.status == "manual"]
    output = [f"Auto-graded: {g.earned:g} / {g.auto_points:g} points."]
    output += [f"Open questions graded by hand: {', '.join(manual)}."] if manual else []
    output += [f"Problem: {p}" for p in g.problems]
    return {"score": g.earned, "execution_time": round(g.seconds), "output": "\n".join(output),
            "tests": tests}


def write_gradescope(g: Grade, path: Path, hidden_visibility: str = "after_published") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(gradescope_results(g, hidden_visibility), indent=2))
