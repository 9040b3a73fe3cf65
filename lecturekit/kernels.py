"""Running notebooks in Jupyter kernels.

Two ways, for two jobs:

* :func:`execute_notebook` runs a whole notebook with nbclient and saves it with its new outputs
  (``python -m lecturekit execute``). Execution timestamps are left out of the saved file
  (``record_timing=False``, and any ``metadata.execution`` already there is stripped), so a
  re-executed notebook's diff shows only the outputs that changed.
* :class:`Kernel` runs code one request at a time for the grader (:mod:`lecturekit.homework`):
  every request has its own timeout, a request that runs too long is interrupted (and the kernel
  killed if the interrupt does not stop it), and a kernel that dies (``os._exit``, out of memory)
  is reported as such instead of hanging the grader. Requests can be *silent*: no output, no
  history, and results that come back in the reply (``user_expressions``), not in the student's
  output stream.
"""

from __future__ import annotations

import os
import queue
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


def strip_execution_metadata(notebook) -> None:
    """Remove the iopub timestamps (``metadata.execution``) that nbclient stores in each cell."""
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)


def execute_notebook(path: Path, timeout: int = 1800) -> float:
    """Run every cell of a notebook in a fresh kernel, in its own folder, and save it."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    strip_execution_metadata(notebook)
    nbformat.write(notebook, path)
    return time.perf_counter() - start


# --------------------------------------------------------------------------- the grader's runner
@dataclass
class Reply:
    """What one request did: ``status`` is "ok", "error", "timeout" (interrupted) or "dead"
    (the kernel died, or was killed because it ignored the interrupt)."""
    status: str
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0
    user_expressions: dict = field(default_factory=dict)


class Kernel:
    """A Python kernel in ``cwd`` that runs one request at a time, each with a timeout.

    >>> with Kernel(Path(".")) as kernel:            # doctest: +SKIP
    ...     kernel.run("x = 6 * 7", timeout=10).status
    'ok'
    """

    def __init__(self, cwd: Path, kernel_name: str = "python3", env: dict | None = None,
                 startup_timeout: float = 120, interrupt_grace: float = 5):
        self.cwd, self.kernel_name, self.env = Path(cwd), kernel_name, env
        self.startup_timeout, self.interrupt_grace = startup_timeout, interrupt_grace
        self.manager = self.client = None

    # -- life cycle
    def start(self) -> Kernel:
        from jupyter_client import KernelManager

        self.manager = KernelManager(kernel_name=self.kernel_name)
        # the kernel's own stdout and stderr (os.write(1, ...)) must not reach the grader's report
        self.manager.start_kernel(cwd=str(self.cwd), env={**os.environ, **(self.env or {})},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = self.manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError:
            self.shutdown()
            raise
        return self

    def shutdown(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        self.manager = self.client = None

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def __enter__(self) -> Kernel:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.shutdown()

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.manager, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def is_alive(self) -> bool:
        return self.manager is not None and self.manager.is_alive()

    # -- requests
    def run(self, code: str, timeout: float, silent: bool = False,
            user_expressions: dict | None = None) -> Reply:
        """Execute ``code``; wait at most ``timeout`` seconds for it, then interrupt it."""
        if not self.is_alive():
            return Reply("dead")
        start = time.monotonic()
        msg_id = self.client.execute(code, silent=silent, store_history=not silent,
                                     user_expressions=user_expressions or {},
                                     allow_stdin=False, stop_on_error=False)
        reply = self._wait(msg_id, start + timeout)
        status = "ok"
        if reply is None and not self.is_alive():
            status = "dead"
        elif reply is None:                             # still running: interrupt it
            status = "timeout"
            self.manager.interrupt_kernel()
            reply = self._wait(msg_id, time.monotonic() + self.interrupt_grace)
            if reply is None and self.is_alive():       # it ignored the interrupt
                self.manager.shutdown_kernel(now=True)
        self._drain_iopub()
        seconds = time.monotonic() - start
        if reply is None:
            return Reply(status if status == "timeout" else "dead", seconds=seconds)
        content = reply["content"]
        if status == "ok" and content.get("status") == "error":
            status = "error"
        return Reply(status, content.get("ename", ""), str(content.get("evalue", "")), seconds,
                     content.get("user_expressions", {}))

    def _wait(self, msg_id: str, deadline: float) -> dict | None:
        """The execute_reply to ``msg_id``, or None when the deadline passes or the kernel dies."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                message = self.client.get_shell_msg(timeout=min(remaining, 0.5))
            except queue.Empty:
                if not self.is_alive():
                    return None
                continue
            if message.get("parent_header", {}).get("msg_id") == msg_id:
                return message

    def _drain_iopub(self) -> None:
        """Discard the outputs waiting on the iopub channel (the grader does not read them)."""
        while True:
            try:
                self.client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                return
