"""End to end in a real browser: JupyterLab from this environment, driven by Playwright in
headless Chromium (Debian's ``chromium`` package; Playwright's own browser download is not
used). Opens notebooks, runs all cells, checks there is no error output, that the plots are
displayed, and that the convolution explorer renders and reacts to its sliders; and, on a
small notebook written by the test, that the network explorer's picture changes when its
layer and channel controls move, and that the multi-channel explorer steps.

Skipped with a message when no Chromium is installed, unless ``LECTUREKIT_REQUIRE_BROWSER=1``
(set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOKS = ["00_course_overview.ipynb", "02_convolution.ipynb"]
EXPLORERS = "explorers.ipynb"     # written by the test: the course notebooks stay untouched
EXPLORER_CELLS = [
    "import torch\nimport lecturekit as lk\ntorch.manual_seed(0)",
    "net = lk.widgets.network_explorer(lk.models.create('lenet5'), torch.randn(1, 32, 32))\nnet",
    "channels = lk.widgets.multichannel_conv_explorer()\nchannels",
]
SCREENSHOTS = Path(os.environ.get("LECTUREKIT_SCREENSHOTS", ROOT / "build" / "screenshots"))


def _chromium() -> str | None:
    for name in (os.environ.get("LECTUREKIT_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _require(condition: bool, message: str) -> None:
    if condition:
        return
    if os.environ.get("LECTUREKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (LECTUREKIT_REQUIRE_BROWSER=1: the browser test must run)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_settings(folder: Path) -> None:
    """Settings for an unattended run, in the test's own settings folder: no news or update
    notifications, every notebook cell rendered (no windowing), no kernel dialog."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }
    for name, values in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _write_notebook(path: Path, sources: list[str]) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": source} for source in sources]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    chromium = _chromium()
    _require(chromium is not None, "no Chromium installed: apt-get install chromium to run the browser test")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require(False, "the playwright package is not installed (pip install -e '.[dev]')")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "notebooks" / name, root / name)
    _write_notebook(root / EXPLORERS, EXPLORER_CELLS)
    _lab_settings(base / "settings")
    port, token = _free_port(), "lecturekit-browser-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(base / "config"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTER_DATA_DIR": str(base / "data"),
           "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
           "LECTUREKIT_PROFILE": "smoke", "LECTUREKIT_NO_PROGRESS": "1"}
    # the kernel must be this environment's Python: register it in the private data folder
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(base / "data_prefix")],
                   check=True, capture_output=True, env=env)
    env["JUPYTER_PATH"] = str(base / "data_prefix" / "share" / "jupyter")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start: " + server.stdout.read().decode()[-2000:])
    yield url, token, chromium
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=lab[2], args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


FIND_PANEL = """(name) => {
    const app = window.jupyterapp;
    if (!app) return null;
    for (const w of app.shell.widgets('main')) {
        if (w.context && w.context.path === name) return w;
    }
    return null;
}"""


def _panel(expression: str) -> str:
    """A JavaScript function of the notebook's name evaluating ``expression`` on its panel ``p``."""
    return f"(name) => {{ const p = ({FIND_PANEL})(name); return {expression}; }}"


def _run_all(page, url: str, token: str, name: str, timeout_s: float = 240) -> list[dict]:
    """Open a notebook, run all its cells and wait until every code cell has run; return the
    outputs of every cell as JSON, from JupyterLab's own notebook model."""
    page.goto(f"{url}/lab/tree/{name}?reset&token={token}", timeout=180_000)   # first load: slow when busy
    page.wait_for_function(_panel("p !== null && p.sessionContext.session?.kernel?.status === 'idle'"),
                           arg=name, timeout=240_000)   # a kernel starts slowly on a loaded machine
    page.evaluate(_panel("(window.jupyterapp.shell.activateById(p.id), "
                         "window.jupyterapp.commands.execute('notebook:run-all-cells'))"), name)
    page.wait_for_function(_panel(
        "p.content.model.sharedModel.cells.filter(c => c.cell_type === 'code')"
        ".every(c => c.execution_count !== null) && p.sessionContext.session?.kernel?.status === 'idle'"),
        arg=name, timeout=timeout_s * 1000, polling=1000)
    return page.evaluate(_panel("p.content.model.sharedModel.cells.map(c => c.toJSON())"), name)


def _errors(cells: list[dict]) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def test_overview_notebook_runs_without_errors_and_shows_its_plots(lab, browser):
    url, token, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    cells = _run_all(page, url, token, "00_course_overview.ipynb")
    assert not _errors(cells)
    page.wait_for_selector(".jp-RenderedImage img", timeout=30_000)
    assert page.locator(".jp-RenderedImage img").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "00_course_overview.png"))
    page.close()


def test_convolution_notebook_runs_and_its_explorer_reacts_to_a_slider(lab, browser):
    url, token, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    cells = _run_all(page, url, token, "02_convolution.ipynb")
    assert not _errors(cells), _errors(cells)
    plots = sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
    assert plots >= 1                                                  # the notebook's plot ...
    page.wait_for_function(f"() => document.querySelectorAll('.jp-RenderedImage img').length >= {plots}",
                           timeout=30_000)                             # ... are all displayed
    formula = page.locator(".widget-html", has_text="output size =").first
    formula.wait_for(timeout=30_000)
    explorer = page.locator(".widget-vbox", has=formula).last
    explorer.scroll_into_view_if_needed()
    before_text = formula.inner_text()
    before_image = page.locator(".widget-image").first.get_attribute("src")
    padding = page.locator(".widget-hslider", has=page.locator(".widget-label", has_text="padding")).first
    handle = padding.locator(".noUi-handle, .ui-slider-handle").first
    handle.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(before) => [...document.querySelectorAll('.widget-html')]"
                           ".some(e => e.innerText.includes('output size =') && e.innerText !== before)",
                           arg=before_text, timeout=30_000)
    after_text = formula.inner_text()
    assert after_text != before_text and "2·1" in after_text.replace("&middot;", "·")
    page.wait_for_function("(before) => document.querySelector('.widget-image').getAttribute('src') !== before",
                           arg=before_image, timeout=30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=str(SCREENSHOTS / "02_convolution_explorer.png"))
    page.close()


def _src_changes(page, selector: str, before: str | None) -> None:
    page.wait_for_function("([selector, before]) => { const e = document.querySelector(selector);"
                           " return e && e.getAttribute('src') && e.getAttribute('src') !== before; }",
                           arg=[selector, before], timeout=30_000)


def test_network_explorer_picture_changes_when_its_controls_move(lab, browser):
    url, token, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    cells = _run_all(page, url, token, EXPLORERS, timeout_s=180)
    assert not _errors(cells), _errors(cells)
    report = page.locator(".widget-html", has_text="receptive field").first
    report.wait_for(timeout=30_000)
    explorer = page.locator(".widget-vbox", has=report).last
    explorer.scroll_into_view_if_needed()
    image = explorer.locator(".widget-image").first
    image.wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelector('.widget-image')?.naturalWidth > 0", timeout=30_000)
    marker = "lk-network-explorer"
    image.evaluate(f"e => e.id = '{marker}'")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = [image.screenshot(path=str(SCREENSHOTS / "network_explorer_c1.png"))]
    assert "1x6x28x28" in report.inner_text()

    before = image.get_attribute("src")                    # 1. choose another layer
    explorer.locator("select").first.select_option("s4")
    page.wait_for_function("() => [...document.querySelectorAll('.widget-html')]"
                           ".some(e => e.innerText.includes('1x16x5x5'))", timeout=30_000)
    _src_changes(page, f"#{marker}", before)
    page.wait_for_timeout(300)
    shots.append(image.screenshot(path=str(SCREENSHOTS / "network_explorer_s4.png")))

    before = image.get_attribute("src")                    # 2. move the channel slider
    channel = explorer.locator(".widget-hslider", has=page.locator(".widget-label", has_text="channel")).first
    channel.locator(".noUi-handle, .ui-slider-handle").first.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => [...document.querySelectorAll('.widget-html')]"
                           ".some(e => e.innerText.startsWith('channel 1,'))", timeout=30_000)
    _src_changes(page, f"#{marker}", before)
    page.wait_for_timeout(300)
    shots.append(image.screenshot(path=str(SCREENSHOTS / "network_explorer_s4_channel1.png")))
    assert len(set(shots)) == 3                            # three different pictures on screen
    explorer.screenshot(path=str(SCREENSHOTS / "network_explorer.png"))
    page.close()


def test_multichannel_explorer_steps_in_the_browser(lab, browser):
    url, token, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    cells = _run_all(page, url, token, EXPLORERS, timeout_s=180)
    assert not _errors(cells), _errors(cells)
    formula = page.locator(".widget-html", has_text="R + G + B + bias").first
    formula.wait_for(timeout=30_000)
    explorer = page.locator(".widget-vbox", has=formula).last
    explorer.scroll_into_view_if_needed()
    assert page.locator("table.lk-grid").count() == 3 * 3 + 2   # inputs, kernels, parts; outputs
    before = formula.inner_text()
    step = explorer.locator(".widget-hslider", has=page.locator(".widget-label", has_text="step")).first
    step.locator(".noUi-handle, .ui-slider-handle").first.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(before) => [...document.querySelectorAll('.widget-html')]"
                           ".some(e => e.innerText.includes('R + G + B') && e.innerText !== before)",
                           arg=before, timeout=30_000)
    assert "row 0, column 1" in formula.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=str(SCREENSHOTS / "multichannel_explorer.png"))
    page.close()
