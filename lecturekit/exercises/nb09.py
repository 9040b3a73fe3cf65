"""Checkers for notebook 09 (VGG)."""

from __future__ import annotations

from . import Failure, checker, compare_function, compare_number


@checker("09.1", "3x3 convolution parameters")
def conv_parameters(answer) -> str:
    return compare_number(answer, 256 * (3 * 3 * 256 + 1), "each of the 256 filters is "
                          "3x3x256, plus one bias per filter.")


@checker("09.2", "stacked_receptive_field")
def stacked_receptive_field(function) -> str:
    cases = [((1, 3), {}, 3), ((2, 3), {}, 5), ((3, 3), {}, 7), ((4, 5), {}, 17), ((1, 1), {}, 1),
             ((10, 3), {}, 21)]
    return compare_function(function, cases, "stacked_receptive_field")


@checker("09.3", "7x7 against three 3x3")
def ratio(answer) -> str:
    return compare_number(answer, 49 / 27, "one 7x7 layer has 49C^2 weights; three 3x3 layers "
                          "have 3*9*C^2.", rel=1e-3)


#: The two stacks of notebook 09 (16x16 images, stage widths 16, 32, 64) and the outcomes a
#: student can predict for 09.5: how many times as many feature-map values the 3x3 stack's
#: convolutions write per image as the 5x5 stack's.
STACKS = {"two 3x3 per stage": 2, "one 5x5 per stage": 1}      # convolutions per stage
MAP_RATIOS = ("about 1.3x, like the multiply-adds", "about 2x, like the number of layers")


def conv_output_values(convs_per_stage: int, size: int = 16, widths=(16, 32, 64)) -> int:
    """The values the convolutions of a small_vgg write for one image: every convolution of a
    stage outputs ``width`` maps at the stage's size; 2x2 pooling halves the size."""
    total = 0
    for width in widths:
        total += convs_per_stage * width * size * size
        size //= 2
    return total


@checker("09.5", "predict, then run: the feature maps the two stacks write", predicted=True)
def feature_map_values(answer) -> str:
    """(ratio, values): the predicted ratio, one of MAP_RATIOS, then the measured number of
    values the convolutions of each network output for one 16x16 image (a dict by name). The
    checker counts them itself (:func:`conv_output_values`)."""
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and answer[0] in MAP_RATIOS
            and isinstance(answer[1], dict) and set(answer[1]) == set(STACKS)):
        raise Failure(f"predict one of {MAP_RATIOS}, then pass values: a dict with the names "
                      f"{tuple(STACKS)}.")
    ratio, values = answer
    for name, convs in STACKS.items():
        if values[name] != conv_output_values(convs):
            raise Failure(f"the count for {name!r} is not what its convolutions output for one "
                          "16x16 image: add output.numel() of every nn.Conv2d (a forward hook), "
                          "for a batch of one image.")
    measured = MAP_RATIOS[1]   # the counts above: twice the convolutions, each at full width
    if ratio != measured:
        raise Failure("your prediction is not what you counted; keep it (a prediction changed "
                      "after the run scores nothing) and look at which layers write maps: each "
                      "3x3 convolution outputs the stage's full width, like the 5x5 one.")
    return ("right: twice the convolutions write twice the maps, while the multiply-adds grow "
            "by 1.27x; reading and writing those maps is part of the 3x3 stack's extra time.")
