"""Running notebooks and requests in kernels (lecturekit.kernels)."""

import argparse
import json

import nbformat
import pytest

from lecturekit import cli, kernels


@pytest.mark.slow
def test_executed_notebooks_carry_no_execution_timestamps(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)"),
                                               nbformat.v4.new_markdown_cell("text")])
    notebook.cells[0].metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    notebook.cells[0].metadata["tags"] = ["kept"]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    kernels.execute_notebook(path, timeout=60)
    saved = json.loads(path.read_text())
    assert "".join(saved["cells"][0]["outputs"][0]["text"]) == "42\n"
    assert all("execution" not in cell["metadata"] for cell in saved["cells"])
    assert saved["cells"][0]["metadata"]["tags"] == ["kept"]


def test_the_execute_command_uses_the_kernels_module(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(kernels, "execute_notebook", lambda path, timeout: calls.append(path) or 0.0)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    cli.run_execute(argparse.Namespace(notebooks=[path], timeout=5))
    assert calls == [path]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    with kernels.Kernel(tmp_path_factory.mktemp("kernel"), interrupt_grace=3) as running:
        yield running


@pytest.mark.slow
def test_a_request_reports_ok_and_errors(kernel):
    assert kernel.run("x = 6 * 7", timeout=30).status == "ok"
    reply = kernel.run("1 / 0", timeout=30)
    assert (reply.status, reply.ename) == ("error", "ZeroDivisionError")


@pytest.mark.slow
def test_silent_requests_return_values_in_the_reply_not_in_the_output(kernel):
    kernel.run("y = 21", timeout=30)
    reply = kernel.run("", timeout=30, silent=True, user_expressions={"value": "str(y * 2)"})
    assert reply.user_expressions["value"]["data"]["text/plain"] == "'42'"


@pytest.mark.slow
def test_an_endless_loop_is_interrupted_and_the_kernel_lives_on(kernel):
    reply = kernel.run("while True:\n    pass", timeout=1)
    assert reply.status == "timeout" and kernel.is_alive()
    assert kernel.run("z = 1", timeout=30).status == "ok"


@pytest.mark.slow
def test_a_kernel_that_exits_is_reported_dead_and_can_be_restarted(tmp_path):
    with kernels.Kernel(tmp_path) as kernel:
        assert kernel.run("import os\nos._exit(3)", timeout=30).status == "dead"
        assert not kernel.is_alive()
        kernel.restart()
        assert kernel.run("w = 1", timeout=30).status == "ok"
