"""Training recipes, named in one place: the model zoo's entries (``lk.models.entry(name).recipe``),
``lk.bench``, ``lk.pretrained``'s plans and ``python -m lecturekit reproduce --recipe NAME`` all
take theirs from here. Each is a dict of :func:`lecturekit.train.fit` keyword arguments; copy
one (``dict(recipes.CIFAR_CLASS, epochs=2)``) before changing it."""

from __future__ import annotations

from typing import Any

#: He et al. 2015, section 4.2: 64k iterations of batch 128 on CIFAR-10, i.e. 164 epochs of
#: 50,000 images.
PAPER_EPOCHS = 164


def onecycle(epochs: int, lr: float = 0.1, weight_decay: float = 5e-4, batch_size: int = 128,
             **extra: Any) -> dict[str, Any]:
    """One-cycle SGD (Smith & Topin 2017, arXiv:1708.07120) with momentum 0.9, random crops
    and flips: reaches the papers' CIFAR-10 accuracies in a fraction of their epochs."""
    return {**dict(epochs=epochs, batch_size=batch_size, optimizer="sgd", lr=lr, momentum=0.9,
                   weight_decay=weight_decay, schedule="onecycle", augment=True,
                   channels_last=True, amp=False), **extra}


def paper_schedule(epochs: int = PAPER_EPOCHS, lr: float = 0.1,
                   warmup_steps: int = 0) -> dict[str, Any]:
    """He et al. 2015, section 4.2: SGD with momentum 0.9, weight decay 1e-4, batch 128,
    learning rate 0.1 divided by 10 at 50% and 75% of training (32k and 48k of 64k iterations),
    random crops and flips; ``warmup_steps`` is the paper's remedy for its deepest network
    (start at a tenth)."""
    return dict(epochs=epochs, batch_size=128, optimizer="sgd", lr=lr, momentum=0.9,
                weight_decay=1e-4, schedule="multistep",
                milestones=[max(1, epochs // 2), max(1, 3 * epochs // 4)], gamma=0.1,
                warmup_steps=warmup_steps, augment=True, channels_last=True, amp=False)


# --------------------------------------------------------------------------- the zoo's recipes
#: LeNet-5 on MNIST (``lenet5``). Measured on a 2-core CPU: about 99.1% test accuracy in under
#: 20 s of training.
MNIST_LENET = dict(epochs=3, batch_size=256, optimizer="adamw", lr=1e-2, weight_decay=1e-4,
                   schedule="onecycle", channels_last=True)
#: The faithful LeNet-5 (``lenet5_1998``): its scaled tanh wants a smaller rate, longer.
MNIST_LENET_1998 = dict(MNIST_LENET, epochs=4, batch_size=128, lr=3e-3)
#: The CIFAR ResNets and wide ResNets: ten epochs of one-cycle SGD, minutes on a CPU; the
#: shipped networks train longer by the same shape.
CIFAR_CLASS = dict(epochs=10, batch_size=128, optimizer="sgd", lr=0.1, momentum=0.9,
                   weight_decay=5e-4, schedule="onecycle", augment=True, channels_last=True)
#: The class-scale AlexNet, NIN and GoogLeNet: the same, at half the rate.
CIFAR_SMALL = dict(CIFAR_CLASS, lr=0.05)
#: The separable-against-regular comparison (``separable_small``): six epochs of the ResNets' recipe.
SEPARABLE_COMPARISON = dict(CIFAR_CLASS, epochs=6)
#: The CIFAR DenseNets: batch 64 and weight decay 1e-4, as in Huang et al. 2016, section 4.2.
CIFAR_DENSENET = dict(CIFAR_CLASS, batch_size=64, weight_decay=1e-4)
#: The batch-normalization experiment (``inception_bn_small``, after Ioffe & Szegedy 2015):
#: SGD at a constant rate, without augmentation or weight decay.
BATCHNORM_EXPERIMENT = dict(epochs=8, batch_size=64, optimizer="sgd", lr=0.01, momentum=0.9,
                            schedule="constant")

# --------------------------------------------------------------------------- bench and reproduce
#: ResNet-20 on a GPU, aimed at the paper's 91.25% in at most 60 s (``make bench``; the
#: ``gpu`` recipe of ``reproduce resnet20``): batch 512, one-cycle SGD, label smoothing,
#: mixed precision.
RESNET20_GPU = dict(epochs=40, batch_size=512, optimizer="sgd", lr=0.4, momentum=0.9,
                    weight_decay=5e-4, schedule="onecycle", label_smoothing=0.1, augment=True,
                    channels_last=True, amp=True)
#: ResNet-20 on a CPU in ``make bench``: two epochs of the class recipe.
RESNET20_BENCH_CPU = dict(CIFAR_CLASS, epochs=2)
#: ``python -m lecturekit reproduce --recipe NAME``'s choices.
REPRODUCE = {"gpu": RESNET20_GPU, "paper": paper_schedule(), "class": CIFAR_CLASS}
