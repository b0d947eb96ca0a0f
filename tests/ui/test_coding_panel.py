"""The Coding panel, driven by keyboard through its real widgets offscreen."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.coding import CodedDiagnosis, CodedLine
from app.domain.import_format import ImportFile
from app.domain.worklist import WorklistColumn
from app.services.container import Services, open_services
from tests.ui.helpers import answer_modal, open_window, wait_settled
from tests.ui.worklist_data import worklist_document
from ui.dialogs.hold_query import HoldQueryDialog
from ui.jobs import wait_for_jobs
from ui.main_window import MainWindow
from ui.models.coding_lines_model import CodingLinesTableModel, LineColumn
from ui.models.diagnoses_model import DiagnosesTableModel
from ui.models.worklist_model import COLUMNS
from ui.panels.coding import CodingPanel
from ui.panels.encounters import EncountersPanel

# The shipped ICD-10-CM release is FY2026 (10/01/2025 - 09/30/2026): move the practice's visits into it.
SHIFT = dt.timedelta(days=300)


@pytest.fixture(scope="module")
def _coding_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    document = worklist_document()
    for enc in document["encounters"]:
        enc["date_of_service"] = (dt.date.fromisoformat(enc["date_of_service"]) + SHIFT).isoformat()
    path = tmp_path_factory.mktemp("coding") / "coding.sqlite3"
    desk = open_services(path, user="tester")
    try:
        desk.importer.import_data(ImportFile.model_validate(document))
    finally:
        desk.close()
    return path


@pytest.fixture
def cdesk(_coding_template: Path, tmp_path: Path) -> Iterator[Services]:
    target = tmp_path / "coding.sqlite3"
    shutil.copy(_coding_template, target)
    desk = open_services(target, user="tester")
    try:
        yield desk
    finally:
        wait_for_jobs()
        desk.close()


@pytest.fixture(autouse=True)
def _no_stray_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing the window with unsaved coding asks; unless a test answers itself, discard quietly."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Discard)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a: pytest.fail(f"{title}: {text}"))


def _filter_status(qtbot: QtBot, worklist: EncountersPanel, status: str) -> None:
    worklist.status_combo.setCurrentIndex(worklist.status_combo.findData(status))
    qtbot.waitUntil(lambda: worklist.model.filter.statuses == frozenset({status}))
    wait_settled(qtbot, worklist)


def _open_row(qtbot: QtBot, window: MainWindow, worklist: EncountersPanel, row: int) -> CodingPanel:
    if not window.isActiveWindow():
        window.activateWindow()  # shortcuts reach only the active window
        qtbot.waitActive(window)
    worklist.table.setFocus()
    worklist.table.selectRow(row)
    wanted = worklist.model.row_at(row).encounter_id
    qtbot.keyClick(worklist.table, Qt.Key.Key_Return)
    panel = window.panels["coding"]
    assert isinstance(panel, CodingPanel)
    qtbot.waitUntil(lambda: panel.encounter_id == wanted and not panel.busy)
    assert window.stack.currentWidget() is panel
    return panel


def _type_diagnosis(qtbot: QtBot, panel: CodingPanel, code: str) -> None:
    before = len(panel.coding.diagnoses)
    panel.picker.line_edit.setFocus()
    qtbot.keyClicks(panel.picker.line_edit, code)
    qtbot.keyClick(panel.picker.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(panel.coding.diagnoses) == before + 1)
    _reactivate(qtbot, panel)


def _reactivate(qtbot: QtBot, panel: CodingPanel) -> None:
    """The offscreen platform activates the picker's popup (a desktop leaves it inactive); take it back."""
    window = panel.window()
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    if QApplication.focusWidget() is None:
        panel.picker.line_edit.setFocus()


def _letters(panel: CodingPanel) -> list[str]:
    return [panel.lines_model.index(r, LineColumn.POINTERS).data() for r in range(panel.lines_model.rowCount())]


def _type_in_cell(qtbot: QtBot, panel: CodingPanel, text: str) -> None:
    """Typing on a cell opens its editor with that key; the rest goes to the editor, Enter commits."""
    qtbot.keyClicks(panel.lines_view, text[0])
    editor = QApplication.focusWidget()
    assert editor is not panel.lines_view
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _wait_written(qtbot: QtBot, panel: CodingPanel, status: str) -> None:
    qtbot.waitUntil(lambda: panel.workspace is not None and panel.workspace.status == status and not panel.busy)


def test_a_routine_visit_is_coded_by_keyboard_and_leaves_the_new_list(qtbot: QtBot, cdesk: Services) -> None:
    window, worklist = open_window(qtbot, cdesk)
    _filter_status(qtbot, worklist, "new")
    panel = _open_row(qtbot, window, worklist, 0)
    encounter_id = panel.encounter_id
    assert panel.workspace.status == "new"
    assert panel.patient_label.text() == worklist.model.row_at(0).patient_name
    assert panel.picker.line_edit.hasFocus()

    _type_diagnosis(qtbot, panel, "I10")
    _type_diagnosis(qtbot, panel, "E11.9")
    assert [panel.diagnoses_model.index(r, 0).data() + panel.diagnoses_model.index(r, 1).data() for r in range(2)] == [
        "AI10",
        "BE11.9",
    ]

    qtbot.keyClick(panel.picker.line_edit, Qt.Key.Key_Insert)
    assert panel.line_code_edit.hasFocus()
    qtbot.keyClicks(panel.line_code_edit, "99213")
    qtbot.keyClick(panel.line_code_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(panel.line_modifiers_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(panel.line_units_edit, Qt.Key.Key_Tab)
    assert panel.line_pointers_edit.hasFocus()
    qtbot.keyClicks(panel.line_pointers_edit, "ab")
    qtbot.keyClick(panel.line_pointers_edit, Qt.Key.Key_Return)
    assert [line.code for line in panel.coding.lines] == ["99213"]
    assert panel.coding.lines[0].charge == Decimal("120.00")
    assert _letters(panel) == ["AB"]
    assert panel.total_label.text().endswith("$120.00")

    # Hypertension becomes the second diagnosis; the line still points at the same codes.
    panel.diagnoses_view.setFocus()
    panel.diagnoses_view.setCurrentIndex(panel.diagnoses_model.index(0, 1))
    qtbot.keyClick(panel.diagnoses_view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [d.code for d in panel.coding.diagnoses] == ["E11.9", "I10"]
    assert _letters(panel) == ["BA"]

    qtbot.keyClick(panel.diagnoses_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [d.code for d in panel.coding.diagnoses] == ["I10", "E11.9"] and _letters(panel) == ["AB"]
    qtbot.keyClick(panel.diagnoses_view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _letters(panel) == ["BA"]
    qtbot.keyClick(panel.diagnoses_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(
        panel.diagnoses_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert _letters(panel) == ["BA"]

    qtbot.keyClick(
        panel.diagnoses_view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    _wait_written(qtbot, panel, "ready_to_bill")
    assert not panel.dirty
    assert "Ready to bill" in panel.status_label.text()
    saved = cdesk.coding.open(encounter_id)
    assert [d.code for d in saved.coding.diagnoses] == ["E11.9", "I10"]
    assert saved.coding.lines[0].pointers == (2, 1)

    qtbot.keyClick(panel.diagnoses_view, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is worklist
    qtbot.waitUntil(lambda: worklist.model.row_of(encounter_id) is None)
    wait_settled(qtbot, worklist)
    _filter_status(qtbot, worklist, "ready_to_bill")
    row = worklist.model.row_of(encounter_id)
    assert row is not None
    status_col = COLUMNS.index(WorklistColumn.STATUS)
    assert worklist.model.index(row, status_col).data() == "Ready to bill"


def test_mark_coded_without_pointers_explains_what_is_missing(
    qtbot: QtBot, cdesk: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, worklist = open_window(qtbot, cdesk)
    _filter_status(qtbot, worklist, "new")
    panel = _open_row(qtbot, window, worklist, 0)
    _type_diagnosis(qtbot, panel, "I10")
    line = cdesk.coding.service_line("99213", panel.workspace.date_of_service)  # no pointers
    panel.add_line(line)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: shown.append(text))

    qtbot.keyClick(
        panel.diagnoses_view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: bool(shown) and not panel.busy)

    assert "point it at the diagnosis it treats" in shown[0]
    assert panel.workspace.status == "new" and panel.dirty
    assert cdesk.coding.open(panel.encounter_id).coding.diagnoses == ()


def test_pointers_are_typed_as_letters_in_the_lines_table(qtbot: QtBot, cdesk: Services) -> None:
    window, worklist = open_window(qtbot, cdesk)
    _filter_status(qtbot, worklist, "new")
    panel = _open_row(qtbot, window, worklist, 0)
    _type_diagnosis(qtbot, panel, "I10")
    _type_diagnosis(qtbot, panel, "E11.9")
    panel.add_line(cdesk.coding.service_line("99213", panel.workspace.date_of_service, pointers=(1,)))
    panel.lines_view.setFocus()
    panel.lines_view.setCurrentIndex(panel.lines_model.index(0, LineColumn.POINTERS))

    _type_in_cell(qtbot, panel, "ba")
    qtbot.waitUntil(lambda: _letters(panel) == ["BA"])
    assert panel.coding.lines[0].pointers == (2, 1)

    panel.lines_view.setCurrentIndex(panel.lines_model.index(0, LineColumn.POINTERS))
    _type_in_cell(qtbot, panel, "c")
    qtbot.waitUntil(lambda: panel.message_label.isVisible())
    assert "no diagnosis C" in panel.message_label.text()
    assert _letters(panel) == ["BA"]

    panel.lines_view.setFocus()
    panel.lines_view.setCurrentIndex(panel.lines_model.index(0, LineColumn.UNITS))
    qtbot.keyClick(panel.lines_view, Qt.Key.Key_Delete)
    assert panel.coding.lines == ()


def test_hold_with_query_by_keyboard_then_release(qtbot: QtBot, cdesk: Services) -> None:
    window, worklist = open_window(qtbot, cdesk)
    _filter_status(qtbot, worklist, "new")
    panel = _open_row(qtbot, window, worklist, 0)
    encounter_id = panel.encounter_id
    _type_diagnosis(qtbot, panel, "I10")

    def fill(dialog: QApplication) -> None:
        assert isinstance(dialog, HoldQueryDialog)
        qtbot.keyClicks(dialog.reason_combo, "lat")
        qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.query_edit, "Which side was examined?")
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    problems = answer_modal(qtbot, fill)
    qtbot.keyClick(
        panel.picker.line_edit, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert problems == []
    _wait_written(qtbot, panel, "on_hold")

    assert panel.workspace.hold_reason == "laterality missing"
    assert "Query: Which side was examined?" in panel.status_label.text()
    assert [d.code for d in panel.workspace.coding.diagnoses] == ["I10"]  # the coding so far is kept
    assert panel.release_action.isEnabled()

    # The worklist shows it on hold with the query as the tooltip.
    _filter_status(qtbot, worklist, "on_hold")
    row = worklist.model.row_of(encounter_id)
    assert row is not None
    status = worklist.model.index(row, COLUMNS.index(WorklistColumn.STATUS))
    assert status.data() == "On hold"
    assert "Which side was examined?" in status.data(Qt.ItemDataRole.ToolTipRole)

    panel.release_action.trigger()
    _wait_written(qtbot, panel, "in_coding")
    assert panel.workspace.query_text is None


def test_alt_down_and_alt_up_walk_the_worklist(qtbot: QtBot, cdesk: Services) -> None:
    window, worklist = open_window(qtbot, cdesk)
    panel = _open_row(qtbot, window, worklist, 0)
    ids = [worklist.model.row_at(r).encounter_id for r in range(3)]

    qtbot.keyClick(panel.picker.line_edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.encounter_id == ids[1] and not panel.busy)
    qtbot.keyClick(panel.picker.line_edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.encounter_id == ids[2] and not panel.busy)
    assert worklist.selected_encounter_id() == ids[2]
    qtbot.keyClick(panel.picker.line_edit, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.encounter_id == ids[1] and not panel.busy)


def test_next_follows_on_after_the_encounter_leaves_the_filtered_list(qtbot: QtBot, cdesk: Services) -> None:
    window, worklist = open_window(qtbot, cdesk)
    _filter_status(qtbot, worklist, "new")
    panel = _open_row(qtbot, window, worklist, 0)
    second = worklist.model.row_at(1).encounter_id
    _type_diagnosis(qtbot, panel, "I10")
    panel.add_line(cdesk.coding.service_line("99213", panel.workspace.date_of_service, pointers=(1,)))
    panel.mark_ready()
    _wait_written(qtbot, panel, "ready_to_bill")
    qtbot.waitUntil(lambda: worklist.model.row_of(panel.encounter_id) is None)

    panel.next_action.trigger()
    qtbot.waitUntil(lambda: panel.encounter_id == second and not panel.busy)


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_leaving_with_unsaved_changes_asks_first(
    qtbot: QtBot, cdesk: Services, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    window, worklist = open_window(qtbot, cdesk)
    _filter_status(qtbot, worklist, "new")
    panel = _open_row(qtbot, window, worklist, 0)
    first = panel.encounter_id
    second = worklist.model.row_at(1).encounter_id
    _type_diagnosis(qtbot, panel, "I10")
    asked: list[str] = []
    buttons = {
        "cancel": QMessageBox.StandardButton.Cancel,
        "discard": QMessageBox.StandardButton.Discard,
        "save": QMessageBox.StandardButton.Save,
    }
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or buttons[answer])

    qtbot.keyClick(panel.picker.line_edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)

    assert asked and "not saved" in asked[0]
    if answer == "cancel":
        assert panel.encounter_id == first and panel.dirty
        return
    qtbot.waitUntil(lambda: panel.encounter_id == second and not panel.busy)
    saved = [d.code for d in cdesk.coding.open(first).coding.diagnoses]
    assert saved == (["I10"] if answer == "save" else [])


def test_the_sidebar_asks_before_leaving_unsaved_coding(
    qtbot: QtBot, cdesk: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, worklist = open_window(qtbot, cdesk)
    panel = _open_row(qtbot, window, worklist, 0)
    _type_diagnosis(qtbot, panel, "I10")
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Cancel)

    window.show_panel("encounters")

    assert window.stack.currentWidget() is panel
    assert window.current_panel_key() == "coding"


def test_a_header_code_is_refused_and_its_codes_offered(qtbot: QtBot, cdesk: Services) -> None:
    window, worklist = open_window(qtbot, cdesk)
    panel = _open_row(qtbot, window, worklist, 0)
    before = len(panel.coding.diagnoses)
    panel.picker.line_edit.setFocus()
    qtbot.keyClicks(panel.picker.line_edit, "E11")
    qtbot.keyClick(panel.picker.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.picker.choices_model.rowCount() > 0)

    assert len(panel.coding.diagnoses) == before
    _reactivate(qtbot, panel)
    panel.picker.choices_view.setFocus()
    qtbot.keyClick(panel.picker.choices_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(panel.coding.diagnoses) == before + 1)
    assert panel.coding.diagnoses[-1].code.startswith("E11.")
    assert panel.notes_strip.isVisible() and "Excludes1" in panel.notes_strip.text()


def test_an_eligibility_check_clears_the_warning(qtbot: QtBot, cdesk: Services) -> None:
    window, worklist = open_window(qtbot, cdesk)
    panel = _open_row(qtbot, window, worklist, 0)
    if not panel.workspace.coverages:
        worklist.table.setFocus()
        panel = _open_row(qtbot, window, worklist, 1)
    assert panel.eligibility_banner.isVisible()

    def fill(dialog: QApplication) -> None:
        qtbot.keyClicks(dialog.copay_edit, "25")
        dialog.accept()

    problems = answer_modal(qtbot, fill)
    panel.eligibility_action.trigger()
    assert problems == []
    qtbot.waitUntil(lambda: not panel.busy and not panel.eligibility_banner.isVisible())
    assert "active on" in panel.coverage_label.text()


def test_the_item_models_pass_the_model_tester(qtmodeltester) -> None:  # noqa: ANN001 - pytest-qt fixture
    diagnoses = DiagnosesTableModel()
    qtmodeltester.check(diagnoses)
    diagnoses.set_rows([CodedDiagnosis("I10", "Essential hypertension"), CodedDiagnosis("E11.9", "Type 2 DM")])
    qtmodeltester.check(diagnoses)
    assert diagnoses.index(1, 0).data() == "B"

    lines = CodingLinesTableModel()
    qtmodeltester.check(lines)
    lines.set_rows(
        [
            CodedLine("99213", Decimal("120.00"), pointers=(1, 2), modifiers=("25",)),
            CodedLine("36415", Decimal("15.00"), pointers=(1,)),
        ],
        diagnosis_count=2,
    )
    qtmodeltester.check(lines)
    assert lines.index(0, LineColumn.CHARGE).data() == "$120.00"
    assert lines.index(0, LineColumn.MODIFIERS).data() == "25"
    assert not lines.flags(lines.index(0, LineColumn.DESCRIPTION)) & Qt.ItemFlag.ItemIsEditable
    assert lines.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_dropping_a_diagnosis_asks_for_a_move() -> None:
    model = DiagnosesTableModel()
    model.set_rows([CodedDiagnosis("I10"), CodedDiagnosis("E11.9"), CodedDiagnosis("J06.9")])
    moves: list[tuple[int, int]] = []
    model.move_requested.connect(lambda a, b: moves.append((a, b)))

    data = model.mimeData([model.index(0, 1)])
    model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())  # below the last row

    assert moves == [(0, 2)]
