"""Run work off the UI thread: a QThreadPool worker, signals back to the UI, and a Cancel-able progress dialog.

The worker never touches a widget: it calls the work function with a Qt-free `JobContext` and
emits signals; the UI thread updates the dialog and calls `on_done` or `on_error`.
Writes go through one serial pool so database writes never race each other.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from app.errors import ClaimDeskError
from app.services.jobs import JobCancelled, JobContext

log = logging.getLogger("claimdesk.ui.jobs")

T = TypeVar("T")

_write_pool: QThreadPool | None = None
# Jobs still running: keeps their Python objects alive until the worker has finished emitting.
_running: set[Job[Any]] = set()

PROGRESS_DIALOG_DELAY_MS = 400


def write_pool() -> QThreadPool:
    """One worker: database writes run one after another, in the order they were asked for."""
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


def wait_for_jobs(timeout_ms: int = 10_000) -> bool:
    """Block until every job has finished (used when closing a database and by tests)."""
    ok = QThreadPool.globalInstance().waitForDone(timeout_ms)
    if _write_pool is not None:
        ok = _write_pool.waitForDone(timeout_ms) and ok
    return ok


class _JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)


class _Runnable(QRunnable):
    def __init__(self, job: Job[Any]) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        job = self.job
        try:
            result = job.work(job.ctx)
        except BaseException as exc:  # noqa: BLE001 - every failure is handed to the UI thread
            _deliver(job.signals.failed, exc, traceback.format_exc())
        else:
            _deliver(job.signals.finished, result)


def _deliver(signal: Any, *args: Any) -> None:
    """Hand a result to the UI thread; if its window has closed meanwhile, there is no one to tell."""
    try:
        signal.emit(*args)
    except RuntimeError:  # the signals object was deleted with its parent
        log.debug("job finished after its window closed; result dropped")


class Job(Generic[T]):
    """One piece of work in flight. `cancel()` asks it to stop; its result is then dropped."""

    def __init__(
        self,
        parent: QObject | None,
        work: Callable[[JobContext], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        self.parent = parent
        self.work = work
        self.on_done = on_done
        self.on_error = on_error
        self.signals = _JobSignals()
        self.ctx = JobContext(self.signals.progress.emit)
        self.dialog: QProgressDialog | None = None
        self.signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        self.ctx.cancel()

    @property
    def cancelled(self) -> bool:
        return self.ctx.cancelled

    def _parent_alive(self) -> bool:
        return self.parent is None or isValid(self.parent)

    def _close_dialog(self) -> None:
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.reset()
            self.dialog.deleteLater()
        self.dialog = None

    def _finished(self, result: T) -> None:
        _running.discard(self)
        self._close_dialog()
        if self.ctx.cancelled or not self._parent_alive():
            return
        self.on_done(result)

    def _failed(self, exc: BaseException, formatted: str) -> None:
        _running.discard(self)
        self._close_dialog()
        if isinstance(exc, JobCancelled) or not self._parent_alive():
            return
        if not isinstance(exc, ClaimDeskError):
            # Only the traceback goes to the log: messages may quote patient data.
            log.error("job failed:\n%s", formatted)
        if self.on_error is not None:
            self.on_error(exc)
        else:
            show_error(self.parent if isinstance(self.parent, QWidget) else None, exc)


def show_error(parent: QWidget | None, exc: BaseException, title: str = "ClaimDesk") -> None:
    """A domain error in its own plain words; anything else as a calm note that points at the log."""
    if isinstance(exc, ClaimDeskError):
        QMessageBox.warning(parent, title, str(exc))
    else:
        QMessageBox.warning(
            parent,
            title,
            "Something went wrong and that action did not finish.\n\n"
            "The technical details were written to ClaimDesk's log file.",
        )


def run_job(
    parent: QWidget,
    title: str,
    work: Callable[[JobContext], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    writes: bool = True,
) -> Job[T]:
    """Run long work with a progress dialog whose Cancel button calls `ctx.cancel()`.

    The dialog appears only if the work takes longer than a moment. `writes=True` (the default)
    queues the work on the single write worker; pure reads may pass `writes=False`.
    Errors go to `on_error`, or to a message box when it is None; a cancelled job calls neither.
    """
    job: Job[T] = Job(parent, work, on_done, on_error)
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(PROGRESS_DIALOG_DELAY_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    def on_progress(done: int, total: int, message: str) -> None:
        progress = job.dialog
        if progress is None or job.ctx.cancelled:
            return
        if message:
            progress.setLabelText(message)
        progress.setMaximum(max(total, 0))
        # Last: a modal progress dialog processes events in setValue, where the job may finish and close it.
        progress.setValue(min(done, total) if total > 0 else 0)

    def on_cancel() -> None:
        job.cancel()
        if job.dialog is not None:
            job.dialog.setLabelText("Cancelling…")

    job.dialog = dialog
    job.signals.progress.connect(on_progress, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(on_cancel)
    _start(job, write_pool() if writes else QThreadPool.globalInstance())
    return job


def run_quiet(
    parent: QObject,
    work: Callable[[JobContext], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> Job[T]:
    """A short background read (a count, a page, one record) with no dialog.

    Cancel the returned job to drop a result that is no longer wanted (e.g. the filter changed).
    """
    job: Job[T] = Job(parent, work, on_done, on_error)
    _start(job, QThreadPool.globalInstance())
    return job


def _start(job: Job[Any], pool: QThreadPool) -> None:
    _running.add(job)
    runnable = _Runnable(job)
    runnable.setAutoDelete(True)
    pool.start(runnable)
