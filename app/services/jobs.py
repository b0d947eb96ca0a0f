"""A Qt-free job context: long work reports progress and stops when asked to cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import ClaimDeskError


class JobCancelled(ClaimDeskError):
    """The user pressed Cancel; the work's transaction is rolled back."""

    def __init__(self) -> None:
        super().__init__("Cancelled: nothing was changed.")


ProgressCallback = Callable[[int, int, str], None]


class JobContext:
    """Passed into long service calls. `report()` raises `JobCancelled` once `cancel()` was called."""

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self._on_progress = on_progress
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int, message: str = "") -> None:
        if self._cancel.is_set():
            raise JobCancelled()
        if self._on_progress is not None:
            self._on_progress(done, total, message)
