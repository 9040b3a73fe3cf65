"""Exercise checkers.

In a notebook, a solution sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` and is
followed by ``lk.exercises.check("01.2", answer)``. A checker prints one clear line, ``PASS``
or ``FAIL`` with a hint (which case failed, what was returned), never raises on a wrong
answer, and never prints the answer of a compute-by-hand exercise.

Checkers live in one module per notebook (``nb01.py`` for notebook 01 ...) and register
themselves with :func:`checker`. The grader (:mod:`lecturekit.homework`) does not use this
module as the student's kernel sees it: it compiles fresh copies of these files, read before the
student's code ran, so patching ``lk.exercises`` in a notebook changes nothing in a grade.

Helpers for checkers: :func:`compare_number` (a number, without revealing it),
:func:`compare_function` (a function returning numbers), :func:`check_function` (a function
returning tensors), :func:`require_tuple` and :func:`require_callable` (the answer's form).

Instructors' hidden cases (``homework grade --hidden DIR``) use the same :func:`checker`, with
ids such as ``"01.2:large inputs"`` (the exercise, a colon, a name) and ``points=``.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# absolute: the grader compiles this file as the top of a fresh package of its own
from lecturekit.grading import REBUILD, rebuilds  # noqa: F401  (checkers register object answers)


class Failure(Exception):
    """Raised inside a checker to report a wrong answer with a hint."""


@dataclass(frozen=True)
class Result:
    exercise: str
    passed: bool
    message: str

    def __str__(self) -> str:
        status = "PASS" if self.passed else "FAIL"
        return f"{status} exercise {self.exercise}: {self.message}"

    def __bool__(self) -> bool:
        return self.passed


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    function: Callable[[Any], str | None]
    points: float | None = None     # hidden cases only; an exercise's points are in its cell
    forbidden: tuple = ()           # calls the solution must not use (grading.Forbidden)
    predicted: bool = False         # predict, then run: the first part comes from predict()

    @property
    def exercise(self) -> str:
        """The exercise a case belongs to: "01.2" for "01.2" and for "01.2:large inputs"."""
        return self.id.split(":")[0]


_REGISTRY: dict[str, Exercise] = {}


def checker(exercise_id: str, title: str, points: float | None = None,
            forbid: tuple = (), predicted: bool = False) -> Callable:
    """Register ``function(answer)`` as the checker of ``exercise_id`` ("01.2"). A hidden case
    of an exercise is named "01.2:what it checks" and may say how many ``points`` it is worth
    (default 1). ``forbid`` names the calls a solution must not use
    (:class:`lecturekit.grading.Forbidden`): the grader scores an answer that uses one 0.
    ``predicted``: a predict-then-run exercise; its answer starts with the prediction recorded
    by :func:`predict` (see :func:`with_prediction`)."""
    def register(function: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, function, points, tuple(forbid),
                                          predicted)
        return function
    return register


def predicted(exercise_id: str) -> bool:
    """Whether ``exercise_id`` is a predict-then-run exercise (a prediction cell, then a run)."""
    return _find(exercise_id).predicted


def forbidden(exercise_id: str) -> tuple:
    """The calls exercise ``exercise_id`` forbids (empty for most)."""
    return _find(exercise_id).forbidden


def _find(exercise_id: str) -> Exercise:
    notebook = exercise_id.split(".")[0]
    try:
        importlib.import_module(f".nb{notebook}", __name__)
    except ModuleNotFoundError as error:     # no checkers for that notebook: fine; a checker
        if error.name != f"{__name__}.nb{notebook}":   # module that fails to import: loud
            raise
    if exercise_id not in _REGISTRY:
        raise KeyError(f"no checker for exercise {exercise_id!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[exercise_id]


def _own_random_state():
    """Checkers seed torch for their test inputs; this gives them a fork of torch's global
    random state, so the student's random numbers go on as if no checker had run."""
    torch = sys.modules.get("torch")
    return torch.random.fork_rng(devices=[]) if torch is not None else contextlib.nullcontext()


def evaluate(exercise_id: str, answer: Any) -> Result:
    """Run the checker without printing; a crash in the student's code is a failure."""
    exercise = _find(exercise_id)
    try:
        with _own_random_state():
            message = exercise.function(answer) or "correct."
        return Result(exercise_id, True, f"{exercise.title} - {message}")
    except Failure as failure:
        return Result(exercise_id, False, f"{exercise.title} - {failure}")
    except NotImplementedError:
        return Result(exercise_id, False, f"{exercise.title} - not answered yet.")
    except Exception as error:  # the student's code raised: report it, do not crash
        return Result(exercise_id, False, f"{exercise.title} - your code {_raised(error)}.")


def _raised(error: Exception) -> str:
    """``raised ZeroDivisionError: oops (line 3)``: the error and the line it came from."""
    name = getattr(error, "ename", type(error).__name__)     # an error raised in the kernel
    line = getattr(error, "student_line", None)
    if line is None and not hasattr(error, "ename"):
        line = traceback.extract_tb(error.__traceback__)[-1].lineno
    return f"raised {name}: {error}" + (f" (line {line})" if line is not None else "")


# --------------------------------------------------------------------------- predict, then run
#: The predictions this kernel recorded, by exercise: what :func:`check` puts in front of the
#: measurement. The grader keeps its own copy, taken the moment the prediction cell ran.
_PREDICTIONS: dict[str, Any] = {}
#: The line :func:`predict` prints; the grader compares it with the submitted notebook's output.
PREDICTION_RECORD = "prediction for {exercise} recorded: {value!r}"


def prediction_record(exercise_id: str, prediction: Any) -> str:
    """The line that says a prediction was recorded (strings, numbers, booleans, tuples)."""
    value = tuple(prediction) if isinstance(prediction, list) else prediction
    return PREDICTION_RECORD.format(exercise=exercise_id, value=value)


def predict(exercise_id: str, prediction: Any) -> None:
    """Record the prediction of a predict-then-run exercise, before its experiment runs. The
    grader takes it the moment this cell runs; a prediction changed after the run scores 0."""
    if not predicted(exercise_id):
        raise ValueError(f"exercise_id={exercise_id!r} asks for no prediction; the ones that do: "
                         f"{', '.join(e for e in exercise_ids() if predicted(e))}")
    _PREDICTIONS[exercise_id] = prediction
    print(prediction_record(exercise_id, prediction))


def with_prediction(prediction: Any, measured: Any) -> tuple:
    """The answer a predict-then-run checker reads: the prediction's parts, then the
    measurement's (``("lower", history, history_fast)`` from ``"lower"`` and a pair)."""
    first = tuple(prediction) if isinstance(prediction, (tuple, list)) else (prediction,)
    return first + (tuple(measured) if isinstance(measured, tuple) else (measured,))


def check(exercise_id: str, answer: Any) -> None:
    """Check an answer and print one PASS/FAIL line (use :func:`evaluate` for the result). For a
    predict-then-run exercise the answer is the measurement; the prediction is the one
    :func:`predict` recorded."""
    exercise = _find(exercise_id)
    if exercise.predicted:
        if exercise_id not in _PREDICTIONS:
            print(Result(exercise_id, False, f"{exercise.title} - no prediction recorded: run "
                         f"the cell with lk.exercises.predict({exercise_id!r}, ...) first."))
            return
        answer = with_prediction(_PREDICTIONS[exercise_id], answer)
    print(evaluate(exercise_id, answer))


def exercise_ids() -> list[str]:
    """All registered exercises (after importing every checker module)."""
    from pathlib import Path

    for path in Path(__file__).parent.glob("nb*.py"):
        importlib.import_module(f".{path.stem}", __name__)
    return sorted(_REGISTRY)


# --------------------------------------------------------------------------- helpers for checkers
def require_number(answer: Any, what: str = "your answer") -> float:
    if answer is None or answer is ...:
        raise NotImplementedError
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        answer = plain(answer)     # a subclass is read as the number it holds, not its __float__
    else:
        try:
            answer = float(answer)
        except (TypeError, ValueError):
            raise Failure(f"{what} should be a number, got {type(answer).__name__}.") from None
    if not math.isfinite(answer):
        raise Failure(f"{what} is {answer}, not a finite number.")
    return answer


def compare_number(answer: Any, expected: float, hint: str, rel: float = 1e-9) -> str:
    """Pass when ``answer`` equals ``expected`` (to ``rel``); the failure message says whether
    the answer is too large or too small, and gives ``hint``, but not the expected value."""
    got = require_number(answer)
    if math.isclose(got, expected, rel_tol=rel, abs_tol=1e-12):
        return "correct."
    direction = "too large" if got > expected else "too small"
    # How far off, in coarse bands only: an exact ratio would give the answer away (got / ratio).
    ratio = got / expected if expected else math.inf
    if not expected or ratio <= 0:
        how_far = ""
    elif ratio >= 2 or ratio <= 0.5:
        how_far = " (by more than a factor of 2)"
    elif abs(ratio - 1) > 0.1:
        how_far = " (by more than 10%)"
    else:
        how_far = " (by less than 10%)"
    raise Failure(f"{got:,.10g} is {direction}{how_far}. Hint: {hint}")


def compare_function(function: Any, cases: Iterable[tuple[tuple, dict, Any]],
                     name: str, equal: Callable[[Any, Any], bool] | None = None) -> str:
    """Call ``function(*args, **kwargs)`` for each case and compare with the expected value.
    The first wrong case is reported as the call, what it returned, and what was expected."""
    require_callable(function, name)
    count = 0
    for args, kwargs, expected in cases:
        got = function(*args, **kwargs)
        call = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        same = equal(got, expected) if equal else plain(got) == expected
        if not same:
            raise Failure(f"{name}({call}) returned {got!r}, expected {expected!r}.")
        count += 1
    return f"all {count} test cases agree."


def grouped_conv_cases(shapes: Iterable[tuple[int, int, int, int]]) -> list[tuple[tuple, dict, int]]:
    """Cases for a ``grouped_conv_params(c_in, c_out, k, groups)`` function (notebooks 07 and 12):
    each group connects c_in/groups inputs to c_out/groups outputs with k x k kernels, no biases."""
    return [((c_in, c_out, k, groups), {}, (c_in // groups) * c_out * k * k)
            for c_in, c_out, k, groups in shapes]


def require_tuple(answer: Any, types: tuple[type, ...], give: str) -> tuple:
    """``answer`` as a tuple, when it is a tuple or list with one item of each of ``types``
    (``object`` for anything); otherwise a Failure that says ``give``. A "predict, then run"
    answer, for instance: ``prediction, measured = require_tuple(answer, (bool, object), "pass a
    pair (prediction, measured): True or False, then the measured number.")``."""
    if not (isinstance(answer, (tuple, list)) and len(answer) == len(types)
            and all(isinstance(item, kind) for item, kind in zip(answer, types))):
        raise Failure(give)
    return tuple(answer)


def require_callable(function: Any, name: str) -> None:
    """Fail unless the answer is a function: ``check(..., conv1d)``, not ``conv1d(x, w)``."""
    if not callable(function):
        raise Failure(f"pass the function itself, e.g. check(..., {name}), not its result.")


def check_function(function: Any, name: str, cases: Iterable[tuple[str, tuple, Any]],
                   hint: str | Callable[..., str], *, atol: float = 1e-5, rtol: float = 1e-5,
                   keywords: dict | None = None) -> str:
    """Check a function that returns a tensor: for each case ``(what, args, expected)``, call
    ``function(*args, **keywords)`` and compare the result with the reference tensor
    ``expected`` (computed before the call) within ``atol`` and ``rtol``.

    The first wrong case fails, named by ``what`` ("for x of shape (3,)"): an error raised in
    that case, a result that is not a tensor of the expected shape, or values that differ, with
    the largest difference and ``hint``: a string, or ``hint(got, expected, *args)`` returning
    one, for a checker that tells common mistakes apart. Returns ``"all N test cases agree."``."""
    import torch

    require_callable(function, name)
    count = 0
    for what, args, expected in cases:
        try:
            got = function(*args, **(keywords or {}))
        except NotImplementedError:
            raise                                  # "not answered yet", said by evaluate()
        except Exception as error:                 # say which case made it raise
            raise Failure(f"{what}: your function {_raised(error)}.") from None
        if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
            returned = tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__
            raise Failure(f"{what}: expected a tensor of shape {tuple(expected.shape)}, got {returned}.")
        got = got.detach().to(expected.dtype)
        if not torch.allclose(got, expected, rtol=rtol, atol=atol):
            differ = (f"the values differ by up to {(got - expected).abs().max().item():.3g}"
                      if torch.isfinite(got).all() else "the result has nan or inf values")
            advice = hint(got, expected, *args) if callable(hint) else hint
            raise Failure(f"{what}: {differ}; {advice}")
        count += 1
    return f"all {count} test cases agree."


def yes_or_no_answers(function: Any, name: str, inputs: Iterable[tuple], truths: list[bool],
                      cases: str, hint: str) -> list[bool]:
    """What a student's yes/no function says for each of the checker's own inputs (tuples of
    arguments), as booleans. A Failure naming ``name`` if it raises, answers something other than
    True or False (or a one-element tensor), or gets any of the ``truths`` wrong: then the
    message counts the wrong ``cases`` without saying which (that would tell the answer)."""
    import torch

    said = []
    for args in inputs:
        try:
            got = function(*args)
        except Exception as error:
            raise Failure(f"{name} raised {type(error).__name__}: {error}") from None
        if not (isinstance(got, bool) or isinstance(got, torch.Tensor) and got.numel() == 1):
            raise Failure(f"{name} should return True or False, got {type(got).__name__}.")
        said.append(bool(got))
    wrong = sum(a != b for a, b in zip(said, truths))
    if wrong:
        raise Failure(f"{name} answers {wrong} of the checker's {len(truths)} cases ({cases}) "
                      f"wrongly: {hint}")
    return said


def require_kept_prediction(prediction: tuple, measured: tuple, think: str) -> None:
    """A predict-then-run answer whose prediction differs from what the student's own function
    measured: a Failure that says to keep the prediction and gives ``think`` as the nudge."""
    if tuple(prediction) != tuple(measured):
        raise Failure("your prediction is not what your function measures; keep it (a prediction "
                      f"changed after the run scores nothing) and think about {think}")


def copy_tensors(network: Any, tensors: dict, start_from: str) -> Any:
    """For a grader's rebuild: copy the parameters and buffers the student's kernel sent into
    ``network``, a fresh one of the same architecture; a missing tensor, or one of another
    shape, is a Failure that says to start from ``start_from``."""
    import torch

    mine = {**dict(network.named_parameters()), **dict(network.named_buffers())}
    with torch.no_grad():
        for name, tensor in mine.items():
            given = tensors.get(name)
            if not isinstance(given, torch.Tensor) or given.shape != tensor.shape:
                raise Failure(f"the network's {name} is missing or has another shape: start from "
                              f"{start_from}.")
            tensor.copy_(given.to(tensor.dtype))
    return network


class _Uncomparable:
    """What :func:`plain` gives for a value that is not a number, string or sequence of them."""

    def __eq__(self, other) -> bool:
        return False

    __hash__ = None


#: Each built-in scalar type with the built-in's own conversion, which a subclass cannot
#: override (``int.__int__`` of an ``int`` subclass is the number it really holds).
_BUILTIN_SCALARS = ((bool, bool), (int, int.__int__), (float, float.__float__), (str, str.__str__))


def plain(value: Any) -> Any:
    """``value`` as built-in numbers, strings, tuples and lists, so that comparing it with an
    expected value runs Python's own ``==``: an object whose ``__eq__`` always says True, or an
    ``int`` subclass that lies, cannot pass a check. NumPy and PyTorch scalars count as the
    number they hold; anything else compares unequal to everything."""
    for kind, builtin in _BUILTIN_SCALARS:
        if isinstance(value, kind):
            return builtin(value)
    if isinstance(value, tuple):
        return tuple(plain(item) for item in tuple.__iter__(value))
    if isinstance(value, list):
        return [plain(item) for item in list.__iter__(value)]
    module = type(value).__module__.split(".")[0]
    if module in ("numpy", "torch") and getattr(value, "ndim", None) == 0:
        return plain(value.item())
    return _Uncomparable()
