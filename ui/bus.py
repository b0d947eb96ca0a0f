"""Deliver change-bus notices on the UI thread, whichever thread published them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from app.services.changes import ChangeBus, Changes


class _Bridge(QObject):
    changed = Signal(object)


def subscribe(bus: ChangeBus, owner: QObject, slot: Callable[[Changes], None]) -> None:
    """Call `slot(changes)` on the UI thread for every notice, as long as `owner` still exists.

    The bridge has no parent, so it lives as long as the bus holds the listener and is never
    deleted under a publishing worker; a notice arriving after `owner` is gone is dropped.
    """
    bridge = _Bridge()

    def deliver(changes: Changes) -> None:
        if isValid(owner):
            slot(changes)

    bridge.changed.connect(deliver)

    def listener(changes: Changes) -> None:
        bridge.changed.emit(changes)  # the closure is what keeps the bridge alive

    bus.subscribe(listener)
