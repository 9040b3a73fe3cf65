"""The course for readers and for the lecture hall: every executed notebook as an HTML page
with an index in course order (``make html``), and as a reveal.js slide deck that needs no
network at presentation time (``make slides``).

Slides follow each cell's ``slideshow.slide_type`` metadata (titles and ``##`` sections are
slides, ``###`` subsections subslides, a code cell right after its explanation a fragment).
For the decks, long text outputs are cut to their first lines and interactive widgets are
replaced by a note; reveal.js, RequireJS and MathJax are copied next to the decks.
"""

from __future__ import annotations

import copy
import html
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

from . import course

#: Front-end packages the decks load, fetched once from the npm registry with ``npm pack``.
VENDOR_PACKAGES = {"reveal.js": "reveal.js@4.6.1", "requirejs": "requirejs@2.3.7",
                   "mathjax": "mathjax@2.7.9"}
MAX_OUTPUT_LINES = 14


def _notebooks(folder: Path) -> list[tuple[course.Lecture, Path]]:
    """The course's notebooks in course order, with their lecture entries."""
    found = []
    for lecture in course.LECTURES:
        path = folder / lecture.filename
        if path.exists():
            found.append((lecture, path))
    if not found:
        raise FileNotFoundError(f"no course notebooks in {folder}")
    return found


def _index(entries: list[tuple[course.Lecture, str]], title: str, note: str) -> str:
    rows = "\n".join(
        f'<tr><td>{lecture.number:02d}</td><td><a href="{html.escape(link)}">'
        f"{html.escape(lecture.title)}</a></td><td>{html.escape(lecture.slides)}</td></tr>"
        for lecture, link in entries)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5}}
table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}}</style>
</head><body><h1>{html.escape(title)}</h1><p>{note}</p>
<table><tr><th>#</th><th>notebook</th><th>slides</th></tr>
{rows}
</table></body></html>
"""


def build_html(notebooks: Path, output: Path) -> list[Path]:
    """Every notebook as a standalone HTML page (outputs and saved widget state included),
    and ``index.html`` listing them in course order."""
    import nbformat
    from nbconvert import HTMLExporter

    output.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    pages, entries = [], []
    for lecture, path in _notebooks(notebooks):
        body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
        page = output / path.with_suffix(".html").name
        page.write_text(body, encoding="utf-8")
        pages.append(page)
        entries.append((lecture, page.name))
    (output / "index.html").write_text(_index(
        entries, "CNN lectures", "The notebooks of the course, executed, in the order of the "
        "lecture slides. Run them yourself with <code>make lab</code> or on Colab."), encoding="utf-8")
    return pages


# --------------------------------------------------------------------------------- slides
def slide_type(cell, previous) -> str:
    """The slide type a cell gets: the title and ``#``/``##`` sections start a slide, ``###``
    subsections and each exercise a subslide, a code cell right after its explanation is a
    fragment (the explanation first, then the code and its output), the rest follows."""
    source = cell.source.lstrip()
    if cell.cell_type == "markdown":
        if source.startswith(("# ", "## ")):
            return "slide"
        if source.startswith("### ") or source.startswith("**Exercise"):
            return "subslide"
        return "-"
    if previous is not None and previous.cell_type == "markdown" and "lk.setup()" not in cell.source:
        return "fragment"
    return "-"


def tag_slides(notebook):
    """Set every cell's ``slideshow.slide_type`` by :func:`slide_type` (in place)."""
    previous = None
    for cell in notebook.cells:
        cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type(cell, previous)
        previous = cell
    return notebook


def fetch_vendor(vendor: Path) -> Path:
    """Download reveal.js, RequireJS and MathJax 2 into ``vendor`` (once) with ``npm pack``."""
    vendor.mkdir(parents=True, exist_ok=True)
    for folder, spec in VENDOR_PACKAGES.items():
        if (vendor / folder).exists():
            continue
        if shutil.which("npm") is None:
            raise RuntimeError("make slides needs npm (Node.js) once, to fetch reveal.js, "
                               "RequireJS and MathJax; install Node.js and run it again")
        result = subprocess.run(["npm", "pack", spec, "--silent"], cwd=vendor, check=True,
                                capture_output=True, text=True)
        tarball = vendor / result.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            archive.extractall(vendor / f".{folder}", filter="data")
        (vendor / f".{folder}" / "package").rename(vendor / folder)
        shutil.rmtree(vendor / f".{folder}")
        tarball.unlink()
    return vendor


def _short(text: str) -> str:
    lines = text.splitlines()
    if len(lines) <= MAX_OUTPUT_LINES:
        return text
    hidden = len(lines) - MAX_OUTPUT_LINES
    return "\n".join(lines[:MAX_OUTPUT_LINES]) + f"\n… ({hidden} more lines in the notebook)\n"


def slide_notebook(notebook):
    """A copy of ``notebook`` made for presenting: long text outputs cut, widgets replaced
    by a note, the Colab badge (an online image) left out; solutions are kept (the instructor
    presents them)."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and "colab-badge.svg" in cell.source:   # an online image
            cell.source = "\n".join(line for line in cell.source.splitlines() if "colab-badge.svg" not in line)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = _short(output["text"])
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                data.clear()
                data["text/plain"] = "(an interactive widget: run the notebook to use it)"
            elif "text/plain" in data and "image/png" not in data and "text/html" not in data:
                data["text/plain"] = _short(data["text/plain"])
    return notebook


_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']https?://[^"']+|from\s+["']https?://[^"']+"""
                     r"""|url\(\s*["']?https?://[^)"']+|require\(\s*\[?\s*["']https?://[^"']+""")


def remote_loads(page: str) -> list[str]:
    """What a page would load from the network: scripts, style sheets, images, modules (links
    that a reader clicks, ``<a href>``, do not count)."""
    page = re.sub(r"<a\s[^>]*>", "", page)
    return _REMOTE.findall(page)


_MERMAID = re.compile(r"<script type=\"module\">\s*import mermaid.*?</script>", re.DOTALL)


def build_slides(notebooks: Path, output: Path, vendor: Path | None = None) -> list[Path]:
    """Every notebook as ``NN_topic.slides.html`` with reveal.js, RequireJS and MathJax loaded
    from ``output/vendor`` (no CDN), and an index page."""
    import nbformat
    from nbconvert import SlidesExporter

    output.mkdir(parents=True, exist_ok=True)
    local = output / "vendor"
    if vendor is not None and vendor.resolve() != local.resolve():
        shutil.copytree(vendor, local, dirs_exist_ok=True)
    fetch_vendor(local)
    exporter = SlidesExporter(
        reveal_url_prefix="vendor/reveal.js", reveal_scroll=True,
        require_js_url="vendor/requirejs/require.js",
        mathjax_url="vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        jquery_url="")
    decks, entries = [], []
    for lecture, path in _notebooks(notebooks):
        body, _ = exporter.from_notebook_node(slide_notebook(nbformat.read(path, as_version=4)))
        body = _MERMAID.sub("", body)     # no diagrams in mermaid: do not load it from a CDN
        deck = output / (path.stem + ".slides.html")
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
        entries.append((lecture, deck.name))
    (output / "index.html").write_text(_index(
        entries, "CNN lectures: slides", "One reveal.js deck per notebook; open a deck and press "
        "<kbd>space</kbd> to advance, <kbd>s</kbd> for speaker notes. Works without a network: "
        "reveal.js, RequireJS and MathJax are in <code>vendor/</code>."), encoding="utf-8")
    return decks


def tag_notebooks(notebooks: Path) -> list[Path]:
    """Set the slide type of every cell of the course's notebooks in ``notebooks`` (in place)."""
    import nbformat

    tagged = []
    for _lecture, path in _notebooks(notebooks):
        nbformat.write(tag_slides(nbformat.read(path, as_version=4)), path)
        tagged.append(path)
    return tagged
