"""Computed verdicts for the lessons an experiment is meant to show.

Every experiment that carries a lesson of the slides ends with one line computed from its own
measurements::

    lk.lesson("ReLU reaches 25% training error sooner than tanh",
              relu_steps < tanh_steps, f"{relu_steps} vs {tanh_steps} steps")

which prints ``Lesson holds: ...`` or ``Lesson NOT shown at this scale: ...``. The verdict is
never written by hand: if a smaller run, another seed or another machine fails to show the
lesson, the notebook says so instead of contradicting its own output. The committed notebooks
are checked by a test (``tests/test_notebook_conventions.py``) to say *holds*.
"""

from __future__ import annotations

from dataclasses import dataclass

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
