"""Checkers for notebook 00 (course overview)."""

from __future__ import annotations

import torch

from . import Failure, check_function, checker


@checker("00.1", "a batch of images")
def batch_of_images(batch) -> str:
    if not isinstance(batch, torch.Tensor):
        raise Failure(f"expected a torch.Tensor, got {type(batch).__name__}.")
    if batch.dim() != 4:
        raise Failure(f"a batch of images has 4 dimensions, yours has {batch.dim()}.")
    if tuple(batch.shape) != (8, 3, 32, 32):
        raise Failure(f"shape {tuple(batch.shape)} is not right: the order is "
                      "(batch, channels, height, width).")
    if batch.abs().sum() != 0:
        raise Failure("the tensor should contain zeros only.")
    return "correct."


@checker("00.2", "normalize")
def normalize(function) -> str:
    g = torch.Generator().manual_seed(0)
    cases = []
    for shape, mean, std in [((4, 1, 5, 5), (0.5,), (0.25,)),
                             ((2, 3, 4, 6), (0.1, 0.2, 0.3), (0.5, 1.0, 2.0))]:
        images = torch.randint(0, 256, shape, generator=g, dtype=torch.uint8)
        expected = (images.float() / 255 - torch.tensor(mean).view(1, -1, 1, 1)) \
            / torch.tensor(std).view(1, -1, 1, 1)
        cases.append((f"a batch of shape {shape}, mean {mean}, std {std}", (images, mean, std), expected))
    return check_function(function, "normalize", cases,
                          "divide by 255 first, then standardize each channel.")


@checker("00.4", "predict, then run: run profiles", predicted=True)
def run_profiles(answer) -> str:
    """The predicted (smoke epochs, full epochs, smoke train subset) for
    P.choose(smoke=1, class_=3, gpu=8, full=30), then the measured triple."""
    from .. import env

    if not isinstance(answer, (tuple, list)) or len(answer) != 6:
        raise Failure("predict a triple (smoke epochs, full epochs, smoke train subset) with "
                      "lk.exercises.predict, then pass the measured triple to check.")
    predicted, measured = tuple(answer[:3]), tuple(answer[3:])
    smoke, full = env.PROFILES["smoke"], env.PROFILES["full"]
    values = dict(smoke=1, class_=3, gpu=8, full=30)
    truth = (smoke.choose(**values), full.choose(**values), smoke.train_limit)
    if measured != truth:
        raise Failure("the measured triple is not what the profiles give: ask each profile's "
                      "choose with the notebook's four values, and read the smoke profile's "
                      "train_limit.")
    if predicted != measured:
        raise Failure("your prediction is not what you measured; keep it (a prediction changed "
                      "after the run scores nothing) and read the profile table above again.")
    return "your prediction matches the measurement."
