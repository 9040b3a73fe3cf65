"""Accuracy-against-cost charts (lecturekit.pictures.comparison)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from lecturekit.pictures.comparison import Point, _family_color, accuracy_cost_figure  # noqa: E402


def crowded(n=12):
    """Points close enough that labels placed naively would overlap."""
    return [Point(f"network-{i}", 1.0 + 0.002 * i, 5.0 + 0.003 * i, "resnet", ours=i % 2 == 0)
            for i in range(n - 1)] + [Point("far away", 30.0, 20.0, "densenet")]


def test_no_two_labels_overlap_even_where_the_points_crowd():
    fig = accuracy_cost_figure([(crowded(), "cost", "error", "crowded")])
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts]
    assert len(boxes) == 12
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close(fig)


def test_the_naive_placement_would_overlap_so_the_check_can_fail():
    fig, ax = plt.subplots()
    ax.set(xscale="log")
    for p in crowded():
        ax.scatter(p.cost, p.error)
        ax.annotate(p.label, (p.cost, p.error), xytext=(6, -3), textcoords="offset points")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close(fig)


def test_published_points_are_open_and_ours_filled_in_the_family_colour():
    fig = accuracy_cost_figure([(crowded(2), "cost", "error", "two")])
    ours, published = fig.axes[0].collections[:2]
    assert ours.get_facecolor()[0][3] == 1
    assert len(published.get_facecolor()) == 0 or published.get_facecolor()[0][3] == 0
    assert _family_color("resnet_cifar") == _family_color("resnet_v2") == _family_color("resnet")
    plt.close(fig)
