"""Checkers for notebook 05 (fully connected layers and end-to-end learning)."""

from __future__ import annotations

import math

import torch

from ..grading import Forbidden
from . import Failure, check_function, checker, compare_number, rebuilds, require_number, require_tuple


@checker("05.1", "VGG-16 fc6 parameters")
def fc6_parameters(answer) -> str:
    return compare_number(answer, 512 * 7 * 7 * 4096 + 4096,
                          "the layer sees 512*7*7 inputs; each of its units has one weight per "
                          "input and one bias.")


@checker("05.2", "softmax", forbid=[Forbidden("softmax", "torch.softmax"),
                                    Forbidden("log_softmax", "torch.log_softmax")])
def softmax(function) -> str:
    def hint(got, expected, z):
        if not torch.isfinite(got).all():
            return "subtract each row's maximum before exponentiating."
        return "rows must sum to 1 over the classes."

    g = torch.Generator().manual_seed(5)
    logits = {"small logits": torch.randn(4, 10, generator=g),
              "one row": torch.tensor([[2.0, 1.0, 0.1]]),
              "large logits (1000s)": torch.tensor([[1000.0, 999.0, 990.0], [-1000.0, 0.0, 1000.0]])}
    cases = [(what, (z,), torch.softmax(z, dim=1)) for what, z in logits.items()]
    return check_function(function, "softmax", cases, hint, atol=1e-6)


@checker("05.3", "initial loss")
def initial_loss(answer) -> str:
    # "to 3 decimals": ln 10 = 2.302585..., so 2.303 (or more digits of it) passes and 2.30,
    # 2.302 or 2.31 do not; a tolerance of 5e-4 accepts exactly the answers that round to 2.303.
    got = require_number(answer)
    if abs(got - math.log(10)) <= 5e-4:
        return "correct."
    raise Failure(f"{got:g} is not the loss to 3 decimals. Hint: with equal logits every class "
                  "has probability 1/10; the loss is minus the (natural) log of that.")


#: The outcomes a student can predict for exercise 05.5: the final test accuracy of the run with
#: a 10x learning rate against the notebook's run.
LR_OUTCOMES = ("about the same or higher", "lower")


def lr_outcome(accuracy_before: float, accuracy_after: float) -> str:
    """The outcome of 05.5 that two final test accuracies show: "lower" is more than one point
    lower. (With the notebook's data, recipe and epochs, the 10x run ended between 11% and 92%
    test accuracy in 14 runs, where the notebook's run ends near 98%.)"""
    return LR_OUTCOMES[1] if accuracy_after < accuracy_before - 0.01 else LR_OUTCOMES[0]


@rebuilds("lecturekit.train.History")
def history_from_fields(fields: dict):
    """A History the grader rebuilds from the lists the student's kernel sent (numbers only)."""
    from ..train import History

    known = {name: list(values) for name, values in fields.items()
             if name in History.__dataclass_fields__ and isinstance(values, list)
             and all(type(v) in (int, float) for v in values)}
    return History(**known)


@checker("05.5", "predict, then run: a 10x learning rate", predicted=True)
def ten_times_the_learning_rate(answer) -> str:
    """(prediction, history, history_fast): the prediction, one of LR_OUTCOMES, then the
    History of the notebook's LeNet-5 run and of the same run with a 10x learning rate.

    The outcome is read from the two histories, so it is what this run measured; the
    learning rates the histories logged show that the change was made."""
    from ..train import History

    prediction, before, after = require_tuple(
        answer, (str, History, History), "pass (prediction, history, history_fast): your "
        "prediction as one of the strings, then the History of the notebook's run and of the run "
        "with the 10x learning rate, both from lk.train.fit.")
    if prediction not in LR_OUTCOMES:
        raise Failure(f"the prediction should be one of {LR_OUTCOMES}, got {prediction!r}.")
    if not (before.lr and after.lr and before.test_accuracy and after.test_accuracy):
        raise Failure("both histories must come from lk.train.fit with test data (they hold no "
                      "test accuracy or no learning rate).")
    if len(after.epoch) != len(before.epoch):
        raise Failure(f"train as many epochs as the first run ({len(before.epoch)}), not "
                      f"{len(after.epoch)}: change only the learning rate.")
    ratio = after.lr[-1] / before.lr[-1]
    if not 9.9 < ratio < 10.1:
        raise Failure(f"history_fast's learning rate is {ratio:.3g} times the first run's, not 10: "
                      "train a new lenet5 with the recipe's lr multiplied by 10.")
    measured = lr_outcome(before.final_test_accuracy, after.final_test_accuracy)
    accuracies = (f"{100 * before.final_test_accuracy:.1f}% before, "
                  f"{100 * after.final_test_accuracy:.1f}% with 10x")
    if prediction != measured:
        raise Failure(f"your prediction ({prediction!r}) is not what your run measured; keep it "
                      "(a prediction changed after the run scores nothing) and look at the "
                      "training loss of the 10x run: what does a loss that stays near "
                      "ln 10 = 2.303 mean (exercise 05.3)?")
    if measured == LR_OUTCOMES[0]:
        return f"your prediction matches the measurement ({accuracies})."
    if after.final_test_accuracy < 0.3:
        return (f"your prediction matches the measurement ({accuracies}): the first large steps "
                "can throw the weights where the ReLUs stay silent for every image; then the "
                "output no longer depends on the image and the loss stays near ln 10 (05.3).")
    return (f"your prediction matches the measurement ({accuracies}): too large steps make "
            "training unstable. This run recovered in part; from other initializations the loss "
            "can stay near ln 10 (05.3) for good: the ReLUs fall silent and nothing is learned.")
