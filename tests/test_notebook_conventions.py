"""The conventions every notebook follows (see README, 'Writing a notebook')."""

import json
import re
from pathlib import Path

import pytest

from lecturekit import course

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
ABSOLUTE_PATH = re.compile(r"(/root/|/home/|/work/|/tmp/|/Users/|[A-Z]:\\\\)")


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def test_catalogue_matches_the_notebooks():
    assert NOTEBOOKS, "no notebooks found"
    names = {p.name for p in NOTEBOOKS}
    for lecture in course.LECTURES:
        assert lecture.ready == (lecture.filename in names), lecture.filename
    assert names <= {lecture.filename for lecture in course.LECTURES}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebook:
    def test_file_name(self, path):
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)

    def test_title_cell(self, path):
        first = load(path)["cells"][0]
        text = source(first)
        assert first["cell_type"] == "markdown"
        assert text.startswith(f"# {path.name[:2]} — ")
        assert course.colab_badge(path.name) in text
        assert "**Learning goals**" in text and "**Slides:**" in text

    def test_setup_cell(self, path):
        second = load(path)["cells"][1]
        text = source(second)
        assert second["cell_type"] == "code"
        assert course.pip_install_command() in text
        assert 'if "google.colab" in sys.modules:' in text
        assert "lk.setup()" in text

    def test_sections(self, path):
        headings = [line for c in load(path)["cells"] if c["cell_type"] == "markdown"
                    for line in source(c).split("\n") if line.startswith("#")]
        for needed in ("## Summary", "## References", "## Exercises"):
            assert any(h.startswith(needed) for h in headings), needed

    def test_nbval_compares_something(self, path):
        assert any("# NBVAL_CHECK_OUTPUT" in source(c) for c in load(path)["cells"]
                   if c["cell_type"] == "code")

    def test_executed_in_order_without_errors(self, path):
        code = [c for c in load(path)["cells"] if c["cell_type"] == "code" and source(c).strip()]
        counts = [c["execution_count"] for c in code]
        assert None not in counts, "cells never executed"
        assert counts == list(range(1, len(counts) + 1)), "not executed top to bottom"
        for cell in code:
            for output in cell["outputs"]:
                assert output["output_type"] != "error", source(cell)[:80]
                assert "Traceback" not in "".join(output.get("text", ""))

    def test_no_local_absolute_paths(self, path):
        text = path.read_text()
        for match in ABSOLUTE_PATH.finditer(text):
            context = text[max(0, match.start() - 60):match.end() + 60]
            assert "base64" in context or "image/png" in context, context

    def test_exercises_follow_the_convention(self, path):
        cells = load(path)["cells"]
        exercises = [c for c in cells if "lecturekit" in c["metadata"]]
        assert len(exercises) >= 3
        for cell in exercises:
            meta = cell["metadata"]["lecturekit"]
            assert re.fullmatch(rf"{path.name[:2]}\.\d+", meta["exercise"])
            assert meta["points"] > 0
            text = source(cell)
            if meta.get("manual"):
                assert cell["cell_type"] == "markdown"
                continue
            assert text.count("### BEGIN SOLUTION") == text.count("### END SOLUTION") >= 1
            assert f'lk.exercises.check("{meta["exercise"]}"' in text.split("### END SOLUTION")[-1]
        assert any(c["metadata"]["lecturekit"].get("manual") for c in exercises)
