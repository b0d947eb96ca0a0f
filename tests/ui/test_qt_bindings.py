"""The Qt bindings themselves must be sound enough to run a workday: checked here, not assumed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer


def test_calling_qt_methods_that_return_nothing_keeps_none_alive(qapp) -> None:  # noqa: ANN001 - pytest-qt's app
    """PySide6 6.12.0 on Python 3.11 drops one reference to None per call of a void method; after
    a few thousand calls the interpreter aborts with "deallocating None". Python 3.12+ (None is
    immortal) or PySide6 6.11.x do not have the problem."""
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(1000):
        timer.setInterval(5)
    assert sys.getrefcount(None) >= before - 50
