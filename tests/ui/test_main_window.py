"""The main window: title, status bar, panels, the encounter details dock, and opening another database."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services.container import Services
from tests.ui.helpers import open_window, wait_settled
from tests.ui.worklist_data import ENCOUNTER_COUNT, LAST_NAMES, status_counts
from ui.main_window import PANELS, MainWindow


def test_the_window_names_the_practice_the_database_and_its_size(qtbot: QtBot, desk: Services) -> None:
    window, _panel = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: window.counts_label.text() != "")

    assert window.windowTitle() == "ClaimDesk — Maple Street Family Medicine"
    assert window.db_label.text() == "Database: worklist.sqlite3"
    assert window.user_label.text() == "User: tester"
    assert window.counts_label.text() == f"{ENCOUNTER_COUNT} encounters · {len(LAST_NAMES)} patients"


def test_every_registered_panel_has_a_sidebar_entry_and_a_view_shortcut(qtbot: QtBot, desk: Services) -> None:
    window, panel = open_window(qtbot, desk)

    assert window.sidebar.count() == len(PANELS)
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [s.title for s in PANELS]
    actions = window.panel_actions.actions()
    assert actions[0].shortcut().toString() == "Ctrl+1"
    actions[0].trigger()
    assert window.stack.currentWidget() is panel
    assert window.current_panel_key() == "encounters"


def open_details(window: MainWindow) -> None:
    """Ctrl+I, unless the dock is already open (the window restores it as it was last left)."""
    if not window.details_dock.isVisible():
        window.details_action.trigger()


def test_ctrl_i_shows_the_selected_encounters_details(qtbot: QtBot, desk: Services) -> None:
    window, panel = open_window(qtbot, desk)
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("ready_to_bill"))
    qtbot.waitUntil(lambda: panel.model.rowCount() == status_counts()["ready_to_bill"])
    wait_settled(qtbot, panel)
    panel.table.setFocus()
    panel.table.selectRow(0)
    row = panel.model.row_at(0)
    assert row is not None

    open_details(window)  # Enter opens the encounter in the Coding panel
    qtbot.waitUntil(lambda: window.details.detail is not None)

    detail = window.details.detail
    assert window.details_dock.isVisible()
    assert detail.encounter_id == row.encounter_id
    assert window.details.title_label.text().startswith(row.patient_name)
    assert window.details.fields["status"].text() == "Ready to bill"
    assert window.details.diagnoses_label.text().startswith("A.  E11.9")
    assert window.details.lines_model.rowCount() == len(detail.lines) >= 1
    assert window.details.lines_model.index(0, 0).data() == "99213"
    assert detail.note_text in window.details.note_view.toPlainText()
    assert not window.details.hold_box.isVisible()


def test_the_details_of_an_encounter_on_hold_show_the_query(qtbot: QtBot, desk: Services) -> None:
    window, panel = open_window(qtbot, desk)
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("on_hold"))
    qtbot.waitUntil(lambda: panel.model.rowCount() == status_counts()["on_hold"])
    wait_settled(qtbot, panel)
    panel.table.setFocus()
    panel.table.selectRow(1)
    wanted = panel.model.row_at(1).encounter_id

    open_details(window)
    qtbot.waitUntil(lambda: window.details.detail is not None and window.details.detail.encounter_id == wanted)
    qtbot.waitUntil(lambda: window.details_dock.isVisible() and window.details.hold_box.isVisible())

    row = panel.model.row_at(1)
    assert window.details.detail.encounter_id == row.encounter_id
    assert window.details.hold_box.isVisible()
    assert window.details.hold_title.text() == "On hold: Missing laterality"
    assert window.details.hold_label.text() == f"Query: {row.query_text}"
    assert window.details.diagnoses_label.text() == "Not coded yet."


def test_the_open_details_follow_the_selection(qtbot: QtBot, desk: Services) -> None:
    window, panel = open_window(qtbot, desk)
    panel.table.setFocus()
    panel.table.selectRow(0)
    open_details(window)
    qtbot.waitUntil(lambda: window.details.detail is not None)

    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    second = panel.model.row_at(1)
    qtbot.waitUntil(lambda: window.details.detail.encounter_id == second.encounter_id)


def test_the_window_remembers_its_size(qtbot: QtBot, desk: Services) -> None:
    window, _panel = open_window(qtbot, desk)
    # The offscreen screen is 800x600 and the window is about that wide at its narrowest: vary the height.
    window.resize(window.width(), 520)
    window.close()

    assert QSettings().value("main_window/geometry") is not None
    again = MainWindow(desk)
    qtbot.addWidget(again)
    assert again.height() == 520


def test_opening_another_database_switches_every_panel_to_it(
    qtbot: QtBot, desk: Services, empty_desk: Services, tmp_path: Path
) -> None:
    window, _panel = open_window(qtbot, desk)
    other = tmp_path / "other.sqlite3"
    shutil.copy(empty_desk.db.path, other)

    window.open_database(other)
    qtbot.waitUntil(lambda: window.services.db.path == other, timeout=5000)
    panel = window.panels["encounters"]
    wait_settled(qtbot, panel)

    assert window.db_label.text() == "Database: other.sqlite3"
    assert panel.services is window.services
    assert panel.empty_title.text() == "This database has no encounters yet"
    qtbot.waitUntil(lambda: window.counts_label.text() == "0 encounters · 0 patients")
    window.services.close()


def test_a_file_that_is_not_a_database_is_refused_in_plain_words(
    qtbot: QtBot, desk: Services, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001 - pytest's monkeypatch
    window, _panel = open_window(qtbot, desk)
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("this is not a database\n" * 100)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: shown.append(text))

    window.open_database(bogus)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)

    assert shown[0].startswith("Could not open notes.sqlite3")
    assert window.services is desk


def test_help_lists_the_shortcuts_and_credits_the_ama(qtbot: QtBot, desk: Services, monkeypatch) -> None:  # noqa: ANN001
    window, _panel = open_window(qtbot, desk)
    keys = dict(window.shortcut_rows())
    assert keys["Ctrl+1"] == "Show Encounters"
    assert "Ctrl+F" in keys and "Ctrl+Q" in keys

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    window.show_about()
    assert "American Medical Association" in shown[0]
    assert "ships no CPT descriptions" in shown[0]
