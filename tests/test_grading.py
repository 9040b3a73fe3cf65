"""Forging the grader, exercise by exercise: for every auto-graded exercise of the course, the
right answer earns full marks and each attack earns nothing (grading runs in a real kernel:
slow). The answers are those of tests/test_exercises.py, made in the kernel."""

import json
from pathlib import Path

import nbformat
import pytest

from lecturekit import exercises, homework
from lecturekit.homework import Checkers, Grade, _Grading

TESTS = Path(__file__).resolve().parent
NOTEBOOKS = TESTS.parent / "notebooks"
PATIENT = 600

SETUP = f"""import math, sys
sys.path.insert(0, {str(TESTS)!r})
import torch
import torch.nn.functional as F
import lecturekit as lk
from test_exercises import RIGHT, WRONG


class Liar:
    '''Equal to everything, a number, a sequence of liars: whatever a check asks.'''
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __float__(self):
        return 1.0

    def __int__(self):
        return 1

    __index__ = __int__

    def __bool__(self):
        return True

    def __len__(self):
        return 2

    def __iter__(self):
        return iter([Liar(), Liar()])

    def __getitem__(self, index):
        return Liar()


class Sneaky(torch.Tensor):
    '''A tensor that answers True to every comparison.'''
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("allclose", "equal", "isclose", "__eq__", "eq"):
            return True
        return super().__torch_function__(func, types, args, kwargs or {{}})


def sneaky(value):
    if isinstance(value, torch.Tensor):
        return (torch.zeros_like(value) + 1).as_subclass(Sneaky)
    return Liar()
"""

ATTACKS = {
    "patched comparisons": "torch.allclose = lambda *a, **k: True\n"
                           "torch.equal = lambda *a, **k: True\n"
                           "math.isclose = lambda *a, **k: True\n"
                           "torch.Tensor.__eq__ = lambda *a, **k: True\n"
                           "answer = WRONG[{ex!r}]",
    "a lying __eq__": "answer = Liar()",
    "a function returning a liar": "answer = lambda *a, **k: Liar()",
    "a tensor subclass": "right = RIGHT[{ex!r}]\n"
                         "answer = (lambda *a, **k: sneaky(right(*a, **k))) if callable(right) "
                         "else sneaky(right)",
}


def auto_graded():
    """(exercise, answer expression) of every auto-graded exercise of the course."""
    found = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        for exercise in homework._source_exercises(path):
            if not exercise["manual"]:
                found.append((exercise["exercise"], exercise["expression"]))
    return found


def forbidden_attacks(exercise):
    """The forbidden calls of test_exercises.FORBIDDEN for ``exercise``, each as it would be
    written in the exercise cell, and once hidden in an earlier cell (for the trace)."""
    import test_exercises

    attacks = {}
    for k, source in enumerate(test_exercises.FORBIDDEN.get(exercise, [])):
        name, code = source.split(" = ", 1)
        attacks[f"forbidden call {k + 1} in the cell"] = ("", f"{name} = {code}\nanswer = {name}")
        attacks[f"forbidden call {k + 1} in an earlier cell"] = (f"hidden_{k} = {code}",
                                                                 f"answer = hidden_{k}")
    return attacks


class Bench:
    """One kernel in which many answers are graded, one after another, as the grader does."""

    def __init__(self, workdir):
        result = Grade("", "")
        self.grading = _Grading(nbformat.v4.new_notebook(), [], Checkers(), workdir, PATIENT,
                                result, 0)
        self.grading.kernel.start()
        assert self.grading.kernel.run(SETUP, PATIENT).status == "ok"
        self.grading.baseline = {}

    def score(self, exercise, before, cell):
        """The outcome of ``exercise`` when an earlier cell ran ``before`` and its exercise cell
        is ``cell``, the answer read from the variable ``answer``."""
        grading = self.grading
        for code in (before, cell):
            if code:
                reply = grading.kernel.run(code, PATIENT)
                assert reply.status in ("ok", "error"), reply
        grading.expressions[exercise] = "answer"
        grading.forbidden[exercise] = None
        grading.sources[exercise] = cell
        grading.outcomes.pop(exercise, None)
        grading._grade(exercise)
        grading.kernel.run("del answer", PATIENT)
        return grading.outcomes[exercise]

    def score_predicted(self, exercise, printed, counts):
        """The outcome of predict-then-run ``exercise`` when its prediction cell ran with the
        right prediction, the submitted notebook shows ``printed`` as that cell's output and
        ``counts`` as the execution counts of the prediction and the experiment cells, and the
        experiment cell then answers the right measurement."""
        from test_exercises import PREDICTION_PARTS

        parts, grading = PREDICTION_PARTS[exercise], self.grading
        grading.kernel.run(f"right = RIGHT[{exercise!r}]\nprediction = right[:{parts}] if "
                           f"{parts} > 1 else right[0]\nmeasured = right[{parts}:]", PATIENT)
        grading.prediction_expressions[exercise] = "prediction"
        grading.predictions.pop(exercise, None)
        grading.notebook_cells = [
            {"execution_count": counts[0], "outputs": [{"output_type": "stream", "text": printed}]},
            {"execution_count": counts[1], "outputs": []}]
        grading.where = {1: exercise}
        grading._record_prediction(exercise, 0)
        try:
            return self.score(exercise, "", "answer = measured if len(measured) > 1 else measured[0]")
        finally:
            grading.prediction_expressions.pop(exercise)
            grading.where = {}

    def close(self):
        self.grading.kernel.shutdown()


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    made = Bench(tmp_path_factory.mktemp("bench"))
    yield made
    made.close()


EXERCISES = auto_graded()


def test_the_table_covers_every_auto_graded_exercise_with_forbidden_calls_tried():
    import test_exercises

    ids = {exercise for exercise, _ in EXERCISES}
    assert ids == set(exercises.exercise_ids())
    assert {e for e in ids if exercises.forbidden(e)} == set(test_exercises.FORBIDDEN)


@pytest.mark.slow
@pytest.mark.parametrize("exercise", [e for e, _ in EXERCISES])
def test_the_right_answer_passes_and_every_attack_scores_nothing(bench, exercise):
    # the patched comparisons of one attack must not outlive it: restore torch first
    restore = ("import importlib, math as _m\n"
               "torch.allclose, torch.equal = _orig_allclose, _orig_equal\n"
               "math.isclose = _orig_isclose\ntorch.Tensor.__eq__ = _orig_eq")
    bench.grading.kernel.run("_orig_allclose, _orig_equal = torch.allclose, torch.equal\n"
                             "_orig_isclose, _orig_eq = math.isclose, torch.Tensor.__eq__", PATIENT)
    status, note = bench.score(exercise, "", f"answer = RIGHT[{exercise!r}]")
    assert status == "pass", (exercise, note)
    tried = {name: ("", code.format(ex=exercise)) for name, code in ATTACKS.items()}
    tried.update(forbidden_attacks(exercise))
    for name, (before, cell) in tried.items():
        status, note = bench.score(exercise, before, cell)
        bench.grading.kernel.run(restore, PATIENT)
        assert status != "pass", (exercise, name, note)
        if name.startswith("forbidden"):
            assert "forbids" in note, (exercise, name, note)


@pytest.mark.slow
@pytest.mark.parametrize("exercise", [e for e, _ in EXERCISES if exercises.predicted(e)])
def test_a_prediction_changed_after_the_run_scores_nothing(bench, exercise):
    from test_exercises import PREDICTION_PARTS, RIGHT, WRONG

    parts = PREDICTION_PARTS[exercise]
    right, wrong = (exercises.prediction_record(exercise, a[:parts] if parts > 1 else a[0])
                    for a in (RIGHT[exercise], WRONG[exercise]))
    assert bench.score_predicted(exercise, right, (6, 7))[0] == "pass"
    edited = bench.score_predicted(exercise, wrong, (6, 7))        # ran with another prediction
    rerun = bench.score_predicted(exercise, right, (8, 7))         # re-run after the experiment
    assert edited[0] == rerun[0] == "fail", (edited, rerun)
    assert "written after the cell last ran" in edited[1] and "ran after" in rerun[1]


# --------------------------------------------------------------------------- the issue's notebook 02
FORGED_02 = {      # the attacks of the issue: 02.1, 02.2 and 02.5 forged (4 points), 02.6 right (2)
    "02.1": "import math\nmath.isclose = lambda *a, **k: True\noutput_width = 12345",
    "02.2": "torch.allclose = lambda *a, **k: True\n"
            "def conv1d(x, w):\n    return torch.zeros(len(x) - len(w) + 1)",
    "02.6": "def conv2d_backward(x, w, grad_out):\n"          # right, written another way
            "    k, (rows, cols) = w.shape[-1], grad_out.shape[-2:]\n"
            "    grad_x, grad_w = torch.zeros_like(x), torch.zeros_like(w)\n"
            "    for a in range(k):\n        for b in range(k):\n"
            "            patch = x[:, :, a:a + rows, b:b + cols]\n"
            "            grad_w[:, :, a, b] = torch.einsum('nohw,nchw->oc', grad_out, patch)\n"
            "            grad_x[:, :, a:a + rows, b:b + cols] += torch.einsum('nohw,oc->nchw', grad_out,\n"
            "                                                                 w[:, :, a, b])\n"
            "    return grad_x, grad_w",
    "02.5": "class Equal:\n    def __eq__(self, other):\n        return True\n"
            "answer = (Equal(), Equal())",
}


@pytest.mark.slow
def test_the_forged_notebook_02_of_issue_29_scores_only_its_right_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    source = NOTEBOOKS / "02_convolution.ipynb"
    homework.build([source], tmp_path / "homework")
    path = tmp_path / "homework" / source.name
    student = json.loads(path.read_text())
    for cell in student["cells"]:
        exercise = (homework.exercise_meta(cell) or {}).get("exercise")
        if exercise in FORGED_02:
            check = "".join(cell["source"]).splitlines()[-1]        # lk.exercises.check(...)
            cell["source"] = f"import torch\n{FORGED_02[exercise]}\n{check}"
    path.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n")
    assert not (tmp_path / "homework" / "notebooks").exists()       # no solution notebook here
    result = homework.grade_all([path], spec=tmp_path / "homework" / homework.SPEC_NAME,
                                timeout=PATIENT)[0]
    scores = {s.exercise: s.earned for s in result.scores if s.status != "manual"}
    assert {e: scores[e] for e in ("02.1", "02.2", "02.5")} == {"02.1": 0, "02.2": 0, "02.5": 0}, \
        homework.table([result])
    assert scores["02.6"] == 2 and result.earned == 2 and result.auto_points == 7, homework.table([result])


# --------------------------------------------------------------------------- plain data, fast
def test_plain_data_round_trips_and_anything_else_is_refused():
    import torch

    from lecturekit.grading import NotPlainData, _kernel_encode, decode

    class Sneaky(torch.Tensor):
        pass

    value = (1, 2.5, "x", True, None, [torch.arange(6).reshape(2, 3)], {"a": torch.tensor(3.0)},
             torch.Size([8, 16]), torch.ones(2).as_subclass(Sneaky))
    back = decode(json.dumps(_kernel_encode(value, [])))
    assert back[:5] == (1, 2.5, "x", True, None) and type(back[8]) is torch.Tensor
    assert torch.equal(back[5][0], torch.arange(6).reshape(2, 3)) and back[7] == (8, 16)
    assert back[6]["a"].item() == 3.0
    with pytest.raises(TypeError, match="type Liar cannot be graded"):
        _kernel_encode(type("Liar", (), {"__eq__": lambda s, o: True})(), [])
    forged = [{"pickle": "gASV"}, {"tensor": {"dtype": "float32", "shape": [3], "data": "AAAA"}},
              {"object": {"class": "os.system", "fields": {"dict": []}}}, [1, 2],
              {"function": {"id": 0}}]
    for data in forged:
        with pytest.raises(NotPlainData):
            decode(json.dumps(data))


def test_build_writes_a_grading_spec_and_the_badge_opens_the_student_edition(tmp_path):
    source = NOTEBOOKS / "02_convolution.ipynb"
    written = homework.build([source], tmp_path)
    spec = homework.read_spec(tmp_path / homework.SPEC_NAME)
    assert tmp_path / homework.SPEC_NAME in written
    entry = spec["notebooks"][source.name]
    by_id = {e["exercise"]: e for e in entry["exercises"]}
    assert by_id["02.2"]["expression"] == "conv1d" and by_id["02.2"]["points"] == 2
    assert {f["shown"] for f in by_id["02.2"]["forbidden"]} >= {"F.conv1d", "F.conv2d"}
    assert by_id["02.4"]["manual"] and spec["hidden"] == "hidden/"
    assert "unfold" not in (tmp_path / homework.SPEC_NAME).read_text()    # no solution in it
    student = (tmp_path / source.name).read_text()
    assert "blob/main/homework/02_convolution.ipynb" in student and "/notebooks/02_" not in student
    homework.build([source], tmp_path / "bare", badge="")
    assert "colab-badge" not in (tmp_path / "bare" / source.name).read_text()
    with pytest.raises(ValueError, match="badge must be"):
        homework.build([source], tmp_path, badge="https://example.org/no-name")
