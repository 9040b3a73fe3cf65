"""Training recipes, named in one place: the model zoo's entries, ``lk.pretrained``'s plans and
``lk.reproduce`` all take theirs from here (``lk.bench`` keeps its GPU benchmark recipe,
``bench.RESNET20_GPU``). Each is a dict of :func:`lecturekit.train.fit` keyword arguments."""

from __future__ import annotations

from typing import Any


def onecycle(epochs: int, lr: float = 0.1, weight_decay: float = 5e-4, batch_size: int = 128,
             **extra: Any) -> dict[str, Any]:
    """One-cycle SGD (Smith & Topin 2017, arXiv:1708.07120) with momentum 0.9, random crops
    and flips: reaches the papers' CIFAR-10 accuracies in a fraction of their epochs."""
    return {**dict(epochs=epochs, batch_size=batch_size, optimizer="sgd", lr=lr, momentum=0.9,
                   weight_decay=weight_decay, schedule="onecycle", augment=True,
                   channels_last=True, amp=False), **extra}


def paper_schedule(epochs: int, lr: float = 0.1, warmup_steps: int = 0) -> dict[str, Any]:
    """He et al. 2015, section 4.2: SGD with momentum 0.9, weight decay 1e-4, batch 128,
    learning rate 0.1 divided by 10 at 50% and 75% of training (32k and 48k of 64k iterations),
    random crops and flips; ``warmup_steps`` is the paper's remedy for its deepest network
    (start at a tenth)."""
    return dict(epochs=epochs, batch_size=128, optimizer="sgd", lr=lr, momentum=0.9,
                weight_decay=1e-4, schedule="multistep",
                milestones=[max(1, epochs // 2), max(1, 3 * epochs // 4)], gamma=0.1,
                warmup_steps=warmup_steps, augment=True, channels_last=True, amp=False)


#: The zoo's recipe for the CIFAR ResNets (``lk.models.entry(name).recipe``): ten epochs of
#: one-cycle SGD, minutes on a CPU; the shipped networks train longer by the same shape.
CIFAR_CLASS = dict(epochs=10, batch_size=128, optimizer="sgd", lr=0.1, momentum=0.9,
                   weight_decay=5e-4, schedule="onecycle", augment=True, channels_last=True)
