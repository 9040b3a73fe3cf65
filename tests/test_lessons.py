"""lk.lesson prints a verdict computed from measurements; LECTUREKIT_SEED seeds setup and fit."""

import numpy as np
import pytest
import torch

import lecturekit as lk
from lecturekit import env


def test_a_true_condition_prints_lesson_holds(capsys):
    verdict = lk.lesson("ReLU trains faster than tanh", 120 < 300, "120 vs 300 steps")
    assert bool(verdict) is True
    assert capsys.readouterr().out == "Lesson holds: ReLU trains faster than tanh (120 vs 300 steps)\n"


def test_a_false_condition_prints_lesson_not_shown(capsys):
    verdict = lk.lesson("deeper is better", np.float64(0.3) > 0.5, "0.30 vs 0.50")
    assert not verdict
    assert capsys.readouterr().out.startswith("Lesson NOT shown at this scale: deeper is better")


def test_a_one_element_tensor_is_a_condition():
    assert lk.lesson("x", torch.tensor(True), quiet=True).holds


@pytest.mark.parametrize("claim, condition, evidence, error", [
    ("", True, "", ValueError),
    ("claim", torch.tensor([True, False]), "", TypeError),
    ("claim", True, 3.0, TypeError),
])
def test_bad_lesson_calls_are_refused_with_one_sentence(claim, condition, evidence, error):
    with pytest.raises(error):
        lk.lesson(claim, condition, evidence)


def test_the_seed_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LECTUREKIT_SEED", "2")
    assert env.default_seed() == 2
    lk.setup(quiet=True)
    a = torch.rand(3)
    torch.manual_seed(2)
    assert torch.equal(a, torch.rand(3))
    monkeypatch.delenv("LECTUREKIT_SEED")
    assert env.default_seed() == 0


def test_a_seed_that_is_not_an_integer_is_refused(monkeypatch):
    monkeypatch.setenv("LECTUREKIT_SEED", "one")
    with pytest.raises(ValueError, match="LECTUREKIT_SEED must be an integer"):
        env.default_seed()


def test_fit_uses_the_environment_seed(monkeypatch):
    from lecturekit.data import ImageDataset
    from lecturekit.train import fit

    labels = torch.arange(64) % 2
    images = torch.randint(0, 255, (64, 1, 8, 8), dtype=torch.uint8)
    data = ImageDataset(images, labels, ["a", "b"], "noise", True, "a test", (0.5,), (0.25,))

    def train(seed_env):
        monkeypatch.setenv("LECTUREKIT_SEED", seed_env)
        torch.manual_seed(0)  # the same initial weights; fit's seed then sets the batch order
        model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 2))
        fit(model, data, epochs=1, batch_size=16, live_plot=False, progress=False, device="cpu")
        return model[1].weight.detach().clone()

    assert torch.equal(train("1"), train("1"))
    assert not torch.equal(train("1"), train("2"))


# --------------------------------------------------------------------------- the checks can fail
# Each rule of lessons.notebook_problems is shown failing on a notebook forged in tmp_path from a
# committed one: a check that would pass a forgery is no check.
import ast  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from lecturekit import lessons  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
POOLING = NOTEBOOKS / "03_pooling.ipynb"          # trains; its lessons hold
ACTIVATIONS = NOTEBOOKS / "04_activations.ipynb"  # a tagged class verdict beside a shipped result


def committed(path):
    return json.loads(path.read_text())


def forged(tmp_path, notebook, name="forged.ipynb"):
    """Write the forgery as a notebook file and read it back, as the test of the repository does."""
    path = tmp_path / name
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return json.loads(path.read_text())


def lesson_cells(notebook):
    return [c for c in notebook["cells"] if c["cell_type"] == "code" and lessons.verdict_lines(c)]


def set_source(cell, text):
    cell["source"] = text.splitlines(keepends=True)


def flip(cell, to_holds=False):
    old, new = ((lessons.NOT_SHOWN, lessons.HOLDS) if to_holds else
                (lessons.HOLDS, lessons.NOT_SHOWN))
    for output in cell["outputs"]:
        if "text" in output:
            text = "".join(output["text"]).replace(old + ":", new + ":")
            output["text"] = text.splitlines(keepends=True)


def replace_conditions(source, by="True"):
    tree = ast.parse(source)
    segments = [ast.get_source_segment(source, node.args[1]) for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "lesson"]
    for segment in segments:
        source = source.replace(segment, by, 1)
    return source


def test_the_committed_notebooks_used_here_have_no_problems():
    assert lessons.notebook_problems(committed(POOLING)) == []
    assert lessons.notebook_problems(committed(ACTIVATIONS)) == []


@pytest.mark.parametrize("by", ["True", "1", "x > 0 or True", "not False"])
def test_a_condition_replaced_by_a_constant_fails(tmp_path, by):
    notebook = committed(POOLING)
    cell = lesson_cells(notebook)[0]
    set_source(cell, replace_conditions("".join(cell["source"]), by))
    problems = lessons.notebook_problems(forged(tmp_path, notebook))
    assert any("measures nothing" in p for p in problems), problems


def test_a_verdict_flipped_to_not_shown_fails_without_the_tag(tmp_path):
    notebook = committed(POOLING)
    flip(lesson_cells(notebook)[0])
    problems = lessons.notebook_problems(forged(tmp_path, notebook))
    assert any("is not tagged 'paper-scale-beside'" in p for p in problems), problems


def test_the_tag_on_a_failing_lesson_without_a_shipped_result_fails(tmp_path):
    notebook = committed(POOLING)
    cell = lesson_cells(notebook)[0]
    flip(cell)
    cell["metadata"].setdefault("tags", []).append(lessons.TAG)
    problems = lessons.notebook_problems(forged(tmp_path, notebook))
    assert any("names no shipped result" in p for p in problems), problems


def test_the_tag_leaning_on_a_missing_shipped_result_fails(tmp_path):
    empty = tmp_path / "no-results"
    empty.mkdir()
    problems = lessons.notebook_problems(forged(tmp_path, committed(ACTIVATIONS)), results=empty)
    assert any("'activations', which is missing" in p for p in problems), problems


def test_the_tag_beside_a_shipped_result_whose_own_verdict_fails_fails(tmp_path):
    notebook = committed(ACTIVATIONS)
    flip(lesson_cells(notebook)[-1])                   # the verdict on the shipped result
    problems = lessons.notebook_problems(forged(tmp_path, notebook))
    assert any("own verdict does not hold" in p for p in problems), problems


def test_a_notebook_that_trains_without_a_lesson_fails(tmp_path):
    notebook = committed(POOLING)
    for cell in lesson_cells(notebook):
        set_source(cell, "print('no verdict here')\n")
        cell["outputs"] = []
    problems = lessons.notebook_problems(forged(tmp_path, notebook))
    assert problems == ["the notebook trains (calls fit) but computes no lk.lesson verdict"]


def test_shipped_names_are_read_from_both_forms():
    source = ('r = lk.reproduce.load("deletion")\n'
              'm = lk.models.create("resnet20_cifar", pretrained=True)\n'
              'n = lk.models.create("resnet20_cifar")\n')
    assert lessons.shipped_names(source) == [("result", "deletion"), ("weights", "resnet20_cifar")]


# --------------------------------------------------------------------------- make lessons
def test_the_seed_comes_from_the_commit_and_is_never_0_1_or_2():
    commits = [f"{n:040x}" for n in range(2_000)]
    seeds = [lessons.seed_for(c) for c in commits]
    assert lessons.seed_for(commits[7]) == seeds[7]                  # the same commit, the same seed
    assert not set(seeds) & set(lessons.SEEDS_SEEN)
    assert len(set(seeds)) > 1_500


def test_a_commit_that_is_not_a_hash_is_refused():
    with pytest.raises(ValueError, match="commit must be a hexadecimal commit hash"):
        lessons.seed_for("HEAD")


def test_consecutive_commits_cover_every_notebook():
    paths = [Path(f"{n:02}.ipynb") for n in range(13)]
    groups = [lessons.rotation(paths, number, 3) for number in range(100, 105)]
    assert all(1 <= len(g) <= 3 for g in groups)
    assert sorted(p for g in groups for p in g) == paths


def test_the_rotation_draws_from_notebooks_with_lessons_only():
    chosen = lessons.with_lessons(sorted(NOTEBOOKS.glob("*.ipynb")))
    assert POOLING in chosen and NOTEBOOKS / "00_course_overview.ipynb" not in chosen


def test_a_holds_verdict_that_no_longer_holds_is_reported():
    notebook = committed(POOLING)
    executed = copy.deepcopy(notebook)
    assert lessons.compare(notebook, executed) == []
    flip(lesson_cells(executed)[0])
    problems = lessons.compare(notebook, executed)
    assert len(problems) >= 1 and "re-executed: 'Lesson NOT shown" in problems[0]


def test_a_verdict_that_vanished_on_re_execution_is_reported():
    notebook = committed(POOLING)
    executed = copy.deepcopy(notebook)
    lesson_cells(executed)[0]["outputs"] = []
    assert "committed verdicts, 0 re-executed" in lessons.compare(notebook, executed)[0]


def test_recheck_refuses_the_seeds_the_notebooks_were_made_at():
    with pytest.raises(ValueError, match="seed must not be one the notebooks were made at"):
        lessons.recheck(POOLING, seed=1)


def seed_dependent_notebook(tmp_path):
    """A notebook whose lesson holds at seed 0 only, committed as if run there."""
    code = ("import os\nimport lecturekit as lk\n"
            "seed = int(os.environ.get('LECTUREKIT_SEED', '0'))\n"
            "lk.lesson('the seed is zero', seed == 0, f'seed {seed}')\n")
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": [code],
            "outputs": [{"output_type": "stream", "name": "stdout",
                         "text": ["Lesson holds: the seed is zero (seed 0)\n"]}]}
    notebook = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3",
                "display_name": "Python 3", "language": "python"}}, "nbformat": 4,
                "nbformat_minor": 5}
    path = tmp_path / "seed.ipynb"
    path.write_text(json.dumps(notebook, indent=1) + "\n")
    return path


@pytest.mark.slow
def test_recheck_fails_a_lesson_that_held_only_at_its_committed_seed(tmp_path):
    problems = lessons.recheck(seed_dependent_notebook(tmp_path), seed=17)
    assert len(problems) == 1 and "Lesson NOT shown at this scale: the seed is zero (seed 17)" in problems[0]


@pytest.mark.slow
def test_recheck_fails_a_notebook_over_its_budget(tmp_path):
    problems = lessons.recheck(seed_dependent_notebook(tmp_path), seed=17, budget=0.001)
    assert any("over its budget" in p for p in problems), problems
