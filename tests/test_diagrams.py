"""Architecture diagrams drawn from the model (lecturekit/diagrams.py)."""

import matplotlib
import pytest

matplotlib.use("agg")

import lecturekit  # noqa: E402
from lecturekit import diagrams, models  # noqa: E402
from lecturekit.models import resnet  # noqa: E402


def test_diagrams_are_drawn_from_the_model():
    lenet = models.create("lenet5_1998")
    assert [s[1] for s in diagrams.stages(lenet, (1, 32, 32))] == [
        "convolutions", "subsampling", "convolutions", "subsampling", "convolutions",
        "full connection", "Gaussian connections"]
    assert diagrams.stages(lenet, (1, 32, 32))[2][2] == (16, 10, 10)
    figure = diagrams.block_diagram(models.create("alexnet"), (3, 224, 224))
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert any("96@55x55" in t for t in texts) and any("256@13x13" in t for t in texts)





def test_residual_diagram_draws_every_step():
    for block in (resnet.BasicBlock(16, 16), resnet.PreActBlock(16, 32, 2)):
        fig = diagrams.residual_diagram(block)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert sum("ReLU" in t for t in texts) == block.layout.count("relu") + bool(block.after_add)
        assert any(t.startswith("shortcut:") for t in texts)


def test_diagrams_is_listed_and_the_old_name_viz_is_gone():
    assert "diagrams" in dir(lecturekit) and "viz" not in dir(lecturekit)
    with pytest.raises(AttributeError):
        getattr(lecturekit, "viz")  # noqa: B009 (the attribute must not exist)
