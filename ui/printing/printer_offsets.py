"""Printer offsets kept in the practice's settings, for the form print dialog (inches: Decimal there, float here)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.services.jobs import JobContext
from app.services.settings import SettingsService
from ui.jobs import run_job

SAVE_DELAY_MS = 400  # holding an arrow key on an offset writes once, after the last step


def read_offsets(settings: SettingsService, printers: Iterable[str]) -> dict[str, tuple[Decimal, Decimal]]:
    """Each printer's saved offset; call it off the UI thread, before the dialog opens."""
    return {name: settings.printer_offset(name) for name in dict.fromkeys(printers)}


class SettingsPrinterOffsets(QObject):
    """A `PrinterOffsets` store over `SettingsService`.

    Offsets are read up front (see `read_offsets`) so the dialog never waits on the database; a printer
    picked in the system's print dialog that was not read up front costs one small read. Nudges are saved
    through the single write worker a moment after the last one; `flush()` saves what is still waiting
    (call it when the dialog closes)."""

    def __init__(self, settings: SettingsService, known: dict[str, tuple[Decimal, Decimal]], parent: QWidget) -> None:
        super().__init__(parent)
        self._settings = settings
        self._owner = parent
        self._known: dict[str, tuple[float, float]] = {name: _inches(offset) for name, offset in known.items()}
        self._waiting: dict[str, tuple[float, float]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

    def load_offset(self, printer_name: str) -> tuple[float, float]:
        if printer_name not in self._known:
            self._known[printer_name] = _inches(self._settings.printer_offset(printer_name))
        return self._known[printer_name]

    def save_offset(self, printer_name: str, offset: tuple[float, float]) -> None:
        self._known[printer_name] = offset
        self._waiting[printer_name] = offset
        self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        waiting, self._waiting = self._waiting, {}
        if not waiting:
            return
        settings = self._settings

        def work(_ctx: JobContext) -> None:
            for name, (dx, dy) in waiting.items():
                settings.set_printer_offset(name, _decimal(dx), _decimal(dy))

        run_job(self._owner, "Saving printer offsets…", work, lambda _result: None)


def _inches(offset: tuple[Decimal, Decimal]) -> tuple[float, float]:
    return float(offset[0]), float(offset[1])


def _decimal(inches: float) -> Decimal:
    """The spin box's value to the hundredth it shows, without a float's binary tail."""
    return Decimal(f"{inches:.2f}")
