"""The HTML site and the slide decks: course order, slide types, no CDN in the decks."""

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from lecturekit import course, site

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def test_slide_type_rules():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = site.tag_slides(_notebook(
        md("# 99 — Title"), code("DEVICE, P = lk.setup()"), md("## A section"), md("text"),
        code("x = 1"), code("y = 2"), md("### A subsection"), md("**Exercise 99.1 — a.**")))
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert types == ["slide", "-", "slide", "-", "fragment", "-", "subslide", "subslide"]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_notebook_is_tagged_for_slides(path):
    committed = nbformat.read(path, as_version=4)
    types = [c.metadata.get("slideshow", {}).get("slide_type") for c in committed.cells]
    retagged = site.tag_slides(nbformat.read(path, as_version=4))
    assert types == [c.metadata["slideshow"]["slide_type"] for c in retagged.cells], \
        "run `python -m lecturekit site tag` after editing notebooks"
    assert types[0] == "slide" and "fragment" in types and types.count("slide") >= 3


def test_slide_notebook_cuts_long_outputs_and_replaces_widgets():
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="line\n" * 40),
                    nbformat.v4.new_output("display_data", data={
                        "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                        "text/plain": "VBox(...)"})]
    nb = _notebook(cell)
    nb.metadata["widgets"] = {"state": {}}
    slides = site.slide_notebook(nb)
    assert slides.cells[0].outputs[0]["text"].count("\n") <= site.MAX_OUTPUT_LINES + 1
    assert "more lines in the notebook" in slides.cells[0].outputs[0]["text"]
    assert "interactive widget" in slides.cells[0].outputs[1]["data"]["text/plain"]
    assert "widgets" not in slides.metadata and "widgets" in nb.metadata   # the original is kept


@pytest.fixture
def two_notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for lecture in course.LECTURES[:3:2]:          # 00 and 02 (02 has widgets)
        shutil.copy(NOTEBOOKS / lecture.filename, folder / lecture.filename)
    return folder


def test_html_pages_and_index_in_course_order(two_notebooks, tmp_path):
    pages = site.build_html(two_notebooks, tmp_path / "html")
    assert [p.name for p in pages] == ["00_course_overview.html", "02_convolution.html"]
    index = (tmp_path / "html" / "index.html").read_text()
    assert index.index("00_course_overview.html") < index.index("02_convolution.html")
    page = pages[1].read_text()
    assert "<img" in page and "widget-state+json" in page      # plots and saved widget state


def test_slides_load_nothing_from_a_cdn(two_notebooks, tmp_path):
    vendor = tmp_path / "vendor"
    for folder in site.VENDOR_PACKAGES:
        (vendor / folder).mkdir(parents=True)       # stands in for the npm packages
    decks = site.build_slides(two_notebooks, tmp_path / "slides", vendor)
    assert [d.name for d in decks] == ["00_course_overview.slides.html", "02_convolution.slides.html"]
    text = decks[1].read_text()
    assert "vendor/reveal.js/dist/reveal.js" in text and "vendor/requirejs/require.js" in text
    assert "vendor/mathjax/MathJax.js" in text
    assert not site.remote_loads(text), site.remote_loads(text)
    assert (tmp_path / "slides" / "index.html").exists()


BUILD = Path(__file__).resolve().parents[1] / "build"


@pytest.mark.skipif(not (BUILD / "html").is_dir() and not os.environ.get("LECTUREKIT_REQUIRE_SITE"),
                    reason="no built site: run `make html slides` first (CI does)")
def test_the_built_site_has_a_page_and_an_offline_deck_for_every_notebook():
    """What `make html slides` must have produced (CI runs it after building them)."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    for kind, suffix in (("html", ".html"), ("slides", ".slides.html")):
        missing = [n.name for n in notebooks if not (BUILD / kind / (n.stem + suffix)).exists()]
        assert not missing, f"{kind}: no page for {missing}"
        assert (BUILD / kind / "index.html").exists(), f"{kind}: no index.html"
    decks = sorted((BUILD / "slides").glob("*.slides.html"))
    remote = {d.name: found for d in decks if (found := site.remote_loads(d.read_text()))}
    assert not remote, f"decks that load from the network: {remote}"
