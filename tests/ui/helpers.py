"""Small helpers shared by the UI tests: open the window and wait for the worklist to settle."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.worklist import WorklistColumn
from app.services.container import Services
from ui.app import create_main_window
from ui.main_window import MainWindow
from ui.models.worklist_model import COLUMNS
from ui.panels.encounters import EncountersPanel


def open_window(qtbot: QtBot, desk: Services) -> tuple[MainWindow, EncountersPanel]:
    window = create_main_window(desk)
    qtbot.addWidget(window)
    window.show_panel("encounters")  # not the panel an earlier test's window was closed on
    window.resize(1200, 760)
    window.show()
    qtbot.waitExposed(window)
    panel = window.panels["encounters"]
    assert isinstance(panel, EncountersPanel)
    wait_settled(qtbot, panel)
    return window, panel


def wait_settled(qtbot: QtBot, panel: EncountersPanel) -> None:
    """No load in flight, no search waiting on its debounce, and the model's results are current."""
    qtbot.waitUntil(
        lambda: (
            not panel.loading and not panel._search_timer.isActive() and panel.count_label.text().startswith("Showing")
        ),
        timeout=3000,
    )


def shown_patients(panel: EncountersPanel) -> list[str]:
    col = COLUMNS.index(WorklistColumn.PATIENT)
    return [panel.model.index(r, col).data() for r in range(panel.model.rowCount())]


def shown_column(panel: EncountersPanel, column: WorklistColumn) -> list[str]:
    col = COLUMNS.index(column)
    return [panel.model.index(r, col).data() for r in range(panel.model.rowCount())]


def click_header(qtbot: QtBot, panel: EncountersPanel, column: WorklistColumn) -> None:
    header = panel.table.horizontalHeader()
    section = COLUMNS.index(column)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def answer_modal(qtbot: QtBot, act: Callable[[QApplication], None]) -> list[str]:
    """Act on the next modal dialog once it is up (exec() blocks the test until it closes).
    A dialog the keys did not close is rejected, and the returned list says so."""
    problems: list[str] = []

    def poll(tries: int = 0) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if tries > 200:
                problems.append("no dialog appeared")
                return
            QTimer.singleShot(20, lambda: poll(tries + 1))
            return
        if QApplication.activeWindow() is not dialog:
            dialog.activateWindow()
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                problems.append("the dialog stayed open")
                dialog.reject()

    QTimer.singleShot(0, poll)
    return problems
