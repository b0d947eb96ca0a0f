"""Sending claims from the Claims panel, driven through its real widgets offscreen: print CMS-1500 forms
(preview, save as PDF, print, printer offsets), export 837P files, and correct a sent claim.

The test practice bills E1 (Alice Zephyr, Test Medicare, electronic: 99213 + 36415, $175.00) and E2 (Bob
Young, Test Commercial, paper: 99214, $220.00); both scrub clean on TODAY.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.claim_list import ClaimColumn
from app.formats.x12 import validate_x12
from app.services.container import Services
from tests.formats.pdf_reading import page_count, page_text
from tests.ui.helpers import answer_modal
from tests.ui.test_claims_panel import TODAY, activate, open_claims, row_of, rows, scrub_by_key, select_claim
from ui.models.claims_model import COLUMNS
from ui.panels.claims import ClaimsPanel
from ui.printing import FormPrintDialog, form_print_dialog, letter_printer
from ui.printing.printer_offsets import SAVE_DELAY_MS

PRINTERS = ["Front desk laser", "Back office laser"]


@pytest.fixture
def built(practice_desk: Services) -> Services:
    """E1's and E2's claims built, not yet scrubbed."""
    practice_desk.claims.build_claims()
    return practice_desk


@pytest.fixture
def scrubbed(built: Services) -> Services:
    """Both claims scrubbed clean: E1's ready to send electronically, E2's ready on paper."""
    assert built.scrubber.scrub(today=TODAY).clean == 2
    return built


def press(
    qtbot: QtBot, panel: ClaimsPanel, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    activate(qtbot, panel)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, key, modifiers)


def open_print_dialog(qtbot: QtBot, panel: ClaimsPanel) -> FormPrintDialog:
    press(qtbot, panel, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.print_dialog is not None and panel.print_dialog.isVisible(), timeout=5000)
    dialog = panel.print_dialog
    assert dialog is not None
    return dialog


def status_cell(panel: ClaimsPanel, account: str) -> str:
    claim = row_of(panel, account)
    return panel.model.index(panel.model.row_of(claim.id) or 0, COLUMNS.index(ClaimColumn.STATUS)).data()


def select_both(qtbot: QtBot, panel: ClaimsPanel) -> None:
    select_claim(qtbot, panel, "P001")
    panel.table.selectAll()
    qtbot.waitUntil(lambda: len(panel.selected_claim_ids()) == 2)


# --------------------------------------------------------------------------- CMS-1500


def test_print_opens_the_print_dialog_on_every_claim_ready_on_paper(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    scrub_by_key(qtbot, panel)
    young = row_of(panel, "P002")
    assert young.status == "ready" and young.method == "paper"

    dialog = open_print_dialog(qtbot, panel)

    assert [page.claim_number for page in dialog.current_pages()] == [young.claim_number]
    assert dialog.windowTitle() == "Print CMS-1500 forms: 1 claim ready on paper, 1 form"
    dialog.preview.updatePreview()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() == 1)
    assert built.claims.claim_status(young.id) == "ready", "opening the dialog sends nothing"


def test_print_takes_the_selected_ready_claims_whatever_their_method(qtbot: QtBot, scrubbed: Services) -> None:
    _window, panel = open_claims(qtbot, scrubbed)
    select_both(qtbot, panel)
    ids = panel.selected_claim_ids()
    assert "2 selected claims" in panel.print_action.toolTip()

    dialog = open_print_dialog(qtbot, panel)

    _docs, expected = scrubbed.submission.forms(ids)
    assert [p.claim_number for p in dialog.current_pages()] == [p.claim_number for p in expected]
    assert len(dialog.current_pages()) == 2
    assert dialog.windowTitle() == "Print CMS-1500 forms: 2 selected claims, 2 forms"


def test_save_pdf_writes_the_forms_once_and_records_the_claims_as_submitted_on_paper(
    qtbot: QtBot, scrubbed: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "forms.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(out), "PDF files (*.pdf)"))
    _window, panel = open_claims(qtbot, scrubbed)
    young = row_of(panel, "P002")
    dialog = open_print_dialog(qtbot, panel)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: panel.print_dialog is None, timeout=10_000)
    qtbot.waitUntil(lambda: row_of(panel, "P002").status == "submitted" and not panel.loading, timeout=5000)
    assert status_cell(panel, "P002") == "Submitted (paper)"
    assert row_of(panel, "P001").status == "ready", "an electronic claim is not in the paper run"
    assert page_count(out) == 1
    assert young.claim_number in page_text(out)
    assert not list(tmp_path.glob(".*.writing")), "no half-written file is left beside it"
    assert panel.message_label.text() == (
        "Saved 1 claim to forms.pdf: 1 form, $220.00, batch 1. It is now Submitted (paper)."
    )
    qtbot.waitUntil(lambda: panel.status_counts.get("ready_paper") == 0)


def test_printing_records_the_claims_once_the_forms_went_to_the_printer(
    qtbot: QtBot, scrubbed: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "printed.pdf"

    def pdf_printer(*_args: object) -> object:
        printer = letter_printer()
        printer.setOutputFormat(printer.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    monkeypatch.setattr(form_print_dialog, "letter_printer", pdf_printer)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: int(QDialog.DialogCode.Accepted))
    _window, panel = open_claims(qtbot, scrubbed)
    panel.printers = []
    dialog = open_print_dialog(qtbot, panel)

    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: row_of(panel, "P002").status == "submitted" and not panel.loading, timeout=10_000)
    assert status_cell(panel, "P002") == "Submitted (paper)"
    assert page_count(out) == 1
    assert panel.print_dialog is None
    assert panel.message_label.text().startswith("Printed 1 claim on the printer: 1 form, $220.00, batch 1.")


def test_the_alignment_page_prints_without_sending_a_claim(
    qtbot: QtBot, scrubbed: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "alignment.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(out), "PDF files (*.pdf)"))
    _window, panel = open_claims(qtbot, scrubbed)
    dialog = open_print_dialog(qtbot, panel)
    qtbot.mouseClick(dialog.alignment_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Saved" in dialog.note.text(), timeout=10_000)
    assert page_count(out) == 1 and dialog.isVisible()
    assert scrubbed.claims.claim_status(row_of(panel, "P002").id) == "ready"


def test_print_with_nothing_ready_says_why(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    said: list[str] = []

    def read(box: QApplication) -> None:
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        box.accept()

    problems = answer_modal(qtbot, read)
    press(qtbot, panel, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    assert problems == []
    assert said[0] == (
        "Nothing to print: no claim is in “Ready (paper)”.\n\n2 claims not scrubbed yet: scrub first (S)."
    )
    assert panel.print_dialog is None
    assert panel.message_label.text().startswith("Nothing to print")


def test_printer_offsets_nudged_in_the_dialog_are_kept_per_printer_in_the_settings(
    qtbot: QtBot, scrubbed: Services
) -> None:
    _window, panel = open_claims(qtbot, scrubbed)
    panel.printers = PRINTERS
    dialog = open_print_dialog(qtbot, panel)
    dialog.printer_combo.setCurrentIndex(dialog.printer_combo.findData("Back office laser"))
    for _ in range(3):
        qtbot.keyClick(dialog.dx_spin, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.dy_spin, Qt.Key.Key_Down)
    assert dialog.offset() == (0.03, -0.01)

    dialog.reject()  # closing saves what is still waiting for its debounce
    qtbot.waitUntil(
        lambda: scrubbed.settings.printer_offset("Back office laser") == (Decimal("0.03"), Decimal("-0.01")),
        timeout=SAVE_DELAY_MS + 3000,
    )
    assert scrubbed.settings.printer_offset("Front desk laser") == (Decimal("0"), Decimal("0"))

    again = open_print_dialog(qtbot, panel)
    again.printer_combo.setCurrentIndex(again.printer_combo.findData("Front desk laser"))
    assert again.offset() == (0.0, 0.0)
    again.printer_combo.setCurrentIndex(again.printer_combo.findData("Back office laser"))
    assert again.offset() == (0.03, -0.01)
    again.reject()


# --------------------------------------------------------------------------- 837P


def test_export_writes_an_837p_that_passes_pyx12_and_lists_its_control_numbers(
    qtbot: QtBot, built: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "claims.837"
    asked: list[str] = []

    def save_as(_parent: object, caption: str, *_args: object, **_kw: object) -> tuple[str, str]:
        asked.append(caption)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    _window, panel = open_claims(qtbot, built)
    scrub_by_key(qtbot, panel)

    press(qtbot, panel, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    qtbot.waitUntil(lambda: panel.export_summary_dialog is not None, timeout=10_000)
    assert asked == ["Export 1 claim as 837P (one file per payer)"]
    assert validate_x12(target.read_text()) == []
    qtbot.waitUntil(lambda: row_of(panel, "P001").status == "submitted" and not panel.loading, timeout=5000)
    assert status_cell(panel, "P001") == "Submitted (electronic)"
    assert row_of(panel, "P002").status == "ready", "a paper claim is not exported unless selected"
    summary = panel.export_summary_dialog
    assert summary is not None
    item = summary.files_view.topLevelItem(0)
    assert [item.text(c) for c in range(item.columnCount())] == [
        "claims.837",
        "TST01",
        "1",
        "$175.00",
        "000000001",
        "1",
        "0001",
        "1",
    ]
    assert summary.summary_label.text().startswith("Exported 1 claim ($175.00) in 1 file.")
    assert panel.message_label.text() == (
        "Exported 1 claim ($175.00) in 1 file: claims.837. It is now Submitted (electronic)."
    )
    summary.reject()
    assert panel.export_summary_dialog is None


# --------------------------------------------------------------------------- corrected and void claims


def test_correct_on_a_sent_claim_creates_a_draft_replacement_and_selects_it(
    qtbot: QtBot, scrubbed: Services, tmp_path: Path
) -> None:
    scrubbed.submission.print_1500(None, "red", tmp_path / "sent.pdf")
    _window, panel = open_claims(qtbot, scrubbed)
    alice = select_claim(qtbot, panel, "P001")
    assert not panel.correct_action.isEnabled() and not panel.void_action.isEnabled(), "P001 was not sent"
    young = select_claim(qtbot, panel, "P002")
    assert young.status == "submitted"
    assert panel.correct_action.isEnabled() and panel.void_action.isEnabled()

    press(qtbot, panel, Qt.Key.Key_C)
    dialog = panel.follow_up_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    original = dialog.findChild(QLabel, "original_claim")
    assert isinstance(original, QLabel) and young.claim_number in original.text()
    assert dialog.payer_number_edit.placeholderText() == "Blank: taken from the payer's remittance"

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no payer number typed, none on file
    qtbot.waitUntil(dialog.problem_label.isVisible, timeout=3000)
    assert "payer's claim number" in dialog.problem_label.text()
    assert dialog.isVisible()

    qtbot.keyClicks(dialog.payer_number_edit, "ICN 2026-0311-77")
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: [r.id for r in panel.selected_claims()] not in ([], [young.id]), timeout=5000)
    (created,) = panel.selected_claims()
    assert len(rows(panel)) == 3
    assert (created.frequency_code, created.status, created.status_label) == ("7", "draft", "Draft")
    assert created.encounter_id == young.encounter_id and created.id not in (young.id, alice.id)
    assert panel.model.index(panel.model.row_of(created.id) or 0, 0).data() == f"{created.claim_number} · Replacement"
    assert panel.message_label.text() == (
        f"Created {created.claim_number}, a corrected claim for {young.claim_number}. "
        "It is a draft: scrub it (S), then send it."
    )
    assert scrubbed.claims.claim_status(young.id) == "submitted", "the original stays as it was"


def test_void_is_offered_for_one_sent_claim_and_the_void_is_found_even_when_the_filter_hides_it(
    qtbot: QtBot, scrubbed: Services, tmp_path: Path
) -> None:
    scrubbed.submission.print_1500(None, "red", tmp_path / "sent.pdf")
    _window, panel = open_claims(qtbot, scrubbed)
    select_both(qtbot, panel)
    assert not panel.void_action.isEnabled()
    assert "select one claim that was sent" in panel.void_action.toolTip()
    panel.show_queue("submitted")
    qtbot.waitUntil(lambda: [r.account_number for r in rows(panel)] == ["P002"] and not panel.loading)
    young = select_claim(qtbot, panel, "P002")
    assert panel.void_action.isEnabled()
    assert young.claim_number in panel.void_action.toolTip()

    press(qtbot, panel, Qt.Key.Key_V)
    dialog = panel.follow_up_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == f"Void claim {young.claim_number}"
    qtbot.keyClicks(dialog.payer_number_edit, "ICN-99")
    qtbot.keyClick(dialog.payer_number_edit, Qt.Key.Key_Return)  # Enter creates it

    qtbot.waitUntil(lambda: panel.follow_up_dialog is None, timeout=3000)
    qtbot.waitUntil(lambda: [r.frequency_code for r in panel.selected_claims()] == ["8"], timeout=5000)
    (void,) = panel.selected_claims()
    assert panel.search_edit.text() == void.claim_number, "the Submitted list hid the new draft: shown by its number"
    assert panel.queue_key == "all" and panel.clear_button.isEnabled()


# --------------------------------------------------------------------------- keys and menus


def test_the_sending_keys_are_listed_in_help(qtbot: QtBot, practice_desk: Services) -> None:
    window, _panel = open_claims(qtbot, practice_desk)
    listed = dict(window.shortcut_rows())
    assert listed["Ctrl+P"].startswith("Claims: print or save CMS-1500 forms")
    assert listed["Ctrl+Shift+E"].startswith("Claims: export an 837P file")
    assert listed["C"] == "Claims: create a corrected claim (frequency 7) for the selected sent claim"
    assert listed["V"] == "Claims: create a void claim (frequency 8) for the selected sent claim"


def test_the_claim_menu_opens_from_the_keyboard_with_the_sending_actions(qtbot: QtBot, scrubbed: Services) -> None:
    _window, panel = open_claims(qtbot, scrubbed)
    select_claim(qtbot, panel, "P002")
    press(qtbot, panel, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)

    qtbot.waitUntil(panel.claim_menu.isVisible, timeout=3000)
    shown = {a.text(): a.isEnabled() for a in panel.claim_menu.actions() if not a.isSeparator()}
    assert shown == {
        "Scrub selected": True,
        "Print CMS-1500…": True,
        "Export 837P…": True,
        "Correct…": False,
        "Void…": False,
    }
    panel.claim_menu.close()
