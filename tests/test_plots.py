"""lk.plots: figures of the data you pass in, each a ``*_figure``."""

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

from lecturekit import analysis, models, plots, references


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_every_figure_of_plots_is_named_figure_and_the_old_names_are_the_same_functions():
    assert plots.timeline is plots.timeline_figure and plots.show_images is plots.images_figure
    assert plots.confusion_matrix is plots.confusion_matrix_figure
    assert plots.feature_maps is plots.activations_figure


def test_the_figures_draw_data():
    maps = analysis.feature_maps(models.create("lenet5"), torch.zeros(1, 1, 32, 32), ["c1", "c3"])
    assert len(plots.activations_figure(maps, max_maps=4).axes) == 2 * 4
    assert isinstance(plots.images_figure(torch.rand(3, 1, 8, 8), ["a", "b", "c"]), Figure)
    labels = torch.tensor([0, 1, 1])
    assert isinstance(plots.confusion_matrix_figure(labels, labels, ["x", "y"]), Figure)
    assert isinstance(plots.timeline_figure(references.TIMELINE), Figure)
