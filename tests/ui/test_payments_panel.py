"""The Payments panel, driven through its real widgets offscreen, by keyboard where a biller would be.

The test practice's claims are billed first (`tests.factories.bill`): CD00000001 is Alice Zephyr's visit to
Test Medicare, 99213 $150 (fee schedule $90) + 36415 $25, with Test Commercial as her secondary; CD00000002
is Bob Young's 99214 $220 to Test Commercial. Medicare's EOB for Alice: 99213 allowed 90, paid 72,
coinsurance 18; 36415 allowed 20, paid 16, coinsurance 4 — a check of $88.00, and $22.00 for the secondary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.era import EraAdjustment, EraClaim
from app.services.container import Services
from db.models import ClaimRecord, EncounterRecord
from tests.factories import bill
from tests.ui.helpers import open_window
from ui.main_window import MainWindow
from ui.models.eob_lines_model import HEADER_TIPS as EOB_TIPS
from ui.models.eob_lines_model import EobColumn, EobLinesTableModel
from ui.models.payment_rows_model import (
    CLAIM_HIT_COLUMNS,
    OUTCOME_COLUMNS,
    POSTED_COLUMNS,
    UNMATCHED_COLUMNS,
    RowsTableModel,
)
from ui.panels.payments import PaymentsPanel

E1 = "CD00000001"


@pytest.fixture
def sent(practice_desk: Services) -> Services:
    bill(practice_desk)
    return practice_desk


def open_payments(qtbot: QtBot, desk: Services) -> tuple[MainWindow, PaymentsPanel]:
    window, _worklist = open_window(qtbot, desk)
    window.show_panel("payments")
    panel = window.panels["payments"]
    assert isinstance(panel, PaymentsPanel)
    qtbot.waitUntil(lambda: not panel.loading and panel.payer_combo.count() == 2, timeout=3000)
    return window, panel


def focused() -> QWidget:
    """Where a key goes: an open popup (the payer completions) first, as the window system does."""
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def reactivate(qtbot: QtBot) -> None:
    """The offscreen platform lets a popup (the payer completions) take the window's activation with it; on a
    desktop the window stays active, and the focus where the keys left it."""
    if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget() is not None:
        return
    window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
    if window is not None and QApplication.activeWindow() is not window:
        had_focus = QApplication.focusWidget()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=1000)
        qtbot.wait(20)  # the window restores its own idea of the focus first
        if had_focus is not None and had_focus.window() is window:
            had_focus.setFocus(Qt.FocusReason.OtherFocusReason)


def type_text(qtbot: QtBot, text: str) -> None:
    """Type as a person does: each key goes to whatever has the focus at that moment."""
    for char in text:
        reactivate(qtbot)
        qtbot.keyClicks(focused(), char)


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    reactivate(qtbot)
    qtbot.keyClick(focused(), key, modifier)


def tab(qtbot: QtBot, times: int = 1) -> None:
    for _ in range(times):
        press(qtbot, Qt.Key.Key_Tab)
        qtbot.wait(5)  # an editor being closed hands the focus back to the grid on the next turn


def patient_of(desk: Services, source_id: str) -> int:
    with desk.db.session() as s:
        found = s.scalar(select(EncounterRecord.patient_id).where(EncounterRecord.source_id == source_id))
        assert found is not None
        return found


def claim_status(desk: Services, number: str) -> str:
    with desk.db.session() as s:
        status = s.scalar(select(ClaimRecord.status).where(ClaimRecord.claim_number == number))
        assert status is not None
        return status


def start_batch_by_keyboard(qtbot: QtBot, panel: PaymentsPanel, amount: str) -> None:
    """Payer, method, check number, date and amount typed into the header; Enter starts the batch."""
    panel.payer_combo.setFocus()
    type_text(qtbot, "medi")
    tab(qtbot)  # the one payer named so is taken
    assert panel.payer_combo.currentText() == "Test Medicare"
    assert focused() is panel.method_combo
    tab(qtbot)
    type_text(qtbot, "CHK-1")
    tab(qtbot)
    assert focused() is panel.check_date_edit
    type_text(qtbot, "03/20/2026")  # Tab selected the date that was there: typing replaces it
    tab(qtbot)
    type_text(qtbot, amount)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.batch is not None, timeout=5000)
    assert focused() is panel.search_edit


def find_claim_by_keyboard(qtbot: QtBot, panel: PaymentsPanel, query: str) -> None:
    type_text(qtbot, query)
    with qtbot.waitSignal(panel.claim_shown, timeout=3000):
        press(qtbot, Qt.Key.Key_Return)  # a single hit goes straight onto the grid
    assert panel.grid.hasFocus() and panel.grid.currentIndex().column() == EobColumn.ALLOWED


def type_alices_eob(qtbot: QtBot) -> None:
    """Allowed, Tab, paid, Tab, (no deductible) Tab, coinsurance; Tab past copay, other, remarks and "rest to"
    to the next line; the same again, and the last amount stays in its cell for Ctrl+Enter to take."""
    type_text(qtbot, "90")
    tab(qtbot)
    type_text(qtbot, "72")
    tab(qtbot, 2)
    type_text(qtbot, "18")
    tab(qtbot, 5)
    type_text(qtbot, "20")
    tab(qtbot)
    type_text(qtbot, "16")
    tab(qtbot, 2)
    type_text(qtbot, "4")


def post_by_keyboard(qtbot: QtBot, panel: PaymentsPanel) -> None:
    with qtbot.waitSignal(panel.posted, timeout=5000):
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def post_alices_eob(qtbot: QtBot, panel: PaymentsPanel, amount: str = "88.00") -> None:
    start_batch_by_keyboard(qtbot, panel, amount)
    find_claim_by_keyboard(qtbot, panel, "zeph")
    type_alices_eob(qtbot)
    post_by_keyboard(qtbot, panel)


# --------------------------------------------------------------------------- paper EOBs


def test_a_paper_eob_is_posted_and_its_batch_finished_entirely_by_keyboard(qtbot: QtBot, sent: Services) -> None:
    window, panel = open_payments(qtbot, sent)
    start_batch_by_keyboard(qtbot, panel, "88.00")
    assert panel.batch_title.text().startswith("Test Medicare · check CHK-1 of 03/20/2026")
    assert panel.unapplied_label.text().startswith("Unapplied $88.00")

    find_claim_by_keyboard(qtbot, panel, "zeph")
    assert panel.claim_title.text().startswith(f"{E1} · Zephyr, Alice · P001")
    type_alices_eob(qtbot)
    model = panel.lines_model
    assert model.index(0, EobColumn.CONTRACTUAL).data() == "$60.00", "CO-45 follows the allowed amount"
    assert model.index(0, EobColumn.BALANCE).data() == "balances"
    assert model.index(0, EobColumn.THEN).data() == "Next payer", "Alice has a secondary"
    assert model.index(0, EobColumn.EXPECTED).data() == "$90.00"

    post_by_keyboard(qtbot, panel)

    result = panel.result_label.text()
    assert result.startswith(f"{E1}: Paid $88.00; $22.00 to Test Commercial (secondary claim CD0000000")
    assert "drafted)" in result
    assert focused() is panel.search_edit, "save and next: back to the search for the next claim"
    assert panel.batch is not None and panel.batch.applied_cents == 8800 and panel.batch.unapplied_cents == 0
    assert panel.unapplied_label.text().startswith("Unapplied $0.00")
    assert panel.amounts_label.text() == "Check $88.00 · Applied $88.00 · 1 claim posted"
    assert [r.claim_number for r in panel.posted_model.rows()] == [E1]
    balance = sent.ledger.patient_balance(patient_of(sent, "E1"))
    assert balance.by_party == {"ins1": 0, "ins2": 2200, "ins3": 0, "patient": 0}
    assert claim_status(sent, E1) == "paid"

    rid = panel.batch.remittance_id
    with qtbot.waitSignal(panel.batch_changed, timeout=5000):
        press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: panel.batch is None, timeout=5000)
    assert panel.message_label.text() == f"Batch {rid} finished: Test Medicare check CHK-1, $88.00 applied."
    assert sent.paper_posting.batch(rid).finished
    assert sent.paper_posting.open_batches() == []
    assert sent.ledger.reconcile().ok


def test_a_line_that_does_not_balance_is_named_and_nothing_is_posted(qtbot: QtBot, sent: Services) -> None:
    _window, panel = open_payments(qtbot, sent)
    start_batch_by_keyboard(qtbot, panel, "88.00")
    find_claim_by_keyboard(qtbot, panel, "P001")
    type_text(qtbot, "90")
    tab(qtbot)
    type_text(qtbot, "68")  # the coinsurance (18) is not typed: $4.00 short... and line 2 not at all
    tab(qtbot)
    assert panel.lines_model.index(0, EobColumn.BALANCE).data() == "off by $22.00"

    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert panel.claim_problem.isVisible()
    assert "line 1: off by $22.00" in panel.claim_problem.text()
    assert panel.grid.currentIndex().row() == 0
    assert panel.batch is not None and panel.batch.applied_cents == 0
    assert claim_status(sent, E1) == "submitted"


def test_an_amount_that_does_not_read_is_refused_in_words_and_the_cell_kept(qtbot: QtBot, sent: Services) -> None:
    _window, panel = open_payments(qtbot, sent)
    start_batch_by_keyboard(qtbot, panel, "88.00")
    find_claim_by_keyboard(qtbot, panel, "zeph")
    type_text(qtbot, "9o")
    tab(qtbot)
    assert (
        panel.claim_problem.text() == "Line 1, allowed: '9o' is not an amount for allowed amount; type it like 72.00."
    )
    assert panel.grid.currentIndex().column() == EobColumn.ALLOWED, "the cell stays for typing again"
    type_text(qtbot, "90")
    press(qtbot, Qt.Key.Key_Return)  # Enter keeps the amount and moves on, as Tab does
    qtbot.waitUntil(lambda: panel.grid.currentIndex().column() == EobColumn.PAID, timeout=1000)
    press(qtbot, Qt.Key.Key_Home)
    assert panel.grid.currentIndex().column() == EobColumn.ALLOWED, "Home: the line's first amount"
    assert panel.lines_model.eob_lines()[0].allowed == 90


def test_other_adjustments_and_remarks_are_typed_as_billers_write_them(qtbot: QtBot, sent: Services) -> None:
    """A denial: 36415 bundled (CO-97) with a remark, so it pays nothing; the status follows the amounts."""
    _window, panel = open_payments(qtbot, sent)
    start_batch_by_keyboard(qtbot, panel, "72.00")
    find_claim_by_keyboard(qtbot, panel, "03/02/2026")
    type_text(qtbot, "90")
    tab(qtbot)
    type_text(qtbot, "72")
    tab(qtbot, 2)
    type_text(qtbot, "18")
    tab(qtbot, 5)  # line 2: allowed stays blank
    tab(qtbot, 5)  # past paid (nothing), deductible, coinsurance and copay to the other adjustments
    type_text(qtbot, "co-97 25.00")
    tab(qtbot)
    type_text(qtbot, "m15")
    tab(qtbot)
    line2 = panel.lines_model.eob_lines()[1]
    assert panel.lines_model.index(1, EobColumn.OTHER).data() == "CO-97 25.00"
    assert line2.remarks == ("M15",) and line2.balances
    assert panel.status_combo.currentText() == "Automatic: processed"
    panel.status_combo.setCurrentIndex(2)
    assert panel.status_code() == "4", "the biller's override wins"
    panel.status_combo.setCurrentIndex(0)
    assert panel.status_code() == "1"

    post_by_keyboard(qtbot, panel)

    assert "Line 2 denied CO-97" in panel.result_label.text()
    assert claim_status(sent, E1) == "partially_paid"


def test_several_hits_wait_in_a_list_and_enter_picks_one(qtbot: QtBot, sent: Services) -> None:
    _window, panel = open_payments(qtbot, sent)
    start_batch_by_keyboard(qtbot, panel, "0.00")
    search = panel.search_edit
    panel.hits_model.set_rows([])
    type_text(qtbot, "nobody")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No sent claim of Test Medicare matches 'nobody'" in panel.search_note.text())
    assert focused() is search
    found = sent.paper_posting.find_claims(sent.paper_posting.batch(panel.batch.remittance_id).payer_id, "zeph")
    panel.hits_model.set_rows(found * 2)  # two hits as the search would list them
    panel.hits_view.show()
    panel.hits_view.setCurrentIndex(panel.hits_model.index(1, 0))
    panel.hits_view.setFocus()
    with qtbot.waitSignal(panel.claim_shown, timeout=3000):
        press(qtbot, Qt.Key.Key_Return)
    assert panel.claim is not None and panel.claim.claim_number == E1


def test_undo_posting_from_the_list_asks_why_and_reverses_it(qtbot: QtBot, sent: Services) -> None:
    _window, panel = open_payments(qtbot, sent)
    post_alices_eob(qtbot, panel)
    panel.posted_view.setFocus()
    panel.posted_view.setCurrentIndex(panel.posted_model.index(0, 0))
    assert panel.undo_button.isEnabled()

    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    dialog = panel.reason_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == f"Undo the posting of {E1}"
    qtbot.keyClicks(dialog.reason_edit, "Posted to the wrong patient")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    row = panel.posted_model.rows()[0]
    assert row.undone == "Posted to the wrong patient"
    assert panel.posted_model.index(0, 2).data() == "Undone"
    assert panel.batch is not None and panel.batch.applied_cents == 0
    assert panel.unapplied_label.text().startswith("Unapplied $88.00")
    assert panel.message_label.text().startswith(f"Posting of {E1} undone: it waits for Test Medicare again")
    assert not panel.undo_button.isEnabled(), "an undone posting cannot be undone twice"
    assert claim_status(sent, E1) == "submitted"
    assert sent.ledger.patient_balance(patient_of(sent, "E1")).by_party["ins1"] == 17500
    assert sent.ledger.reconcile().ok


def test_finish_is_refused_while_money_is_unapplied_and_the_rest_can_be_parked(qtbot: QtBot, sent: Services) -> None:
    _window, panel = open_payments(qtbot, sent)
    post_alices_eob(qtbot, panel, amount="100.00")
    assert panel.unapplied_label.text().startswith("Unapplied $12.00")

    qtbot.mouseClick(panel.finish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.finish_box is not None and panel.finish_box.isVisible(), timeout=5000)
    box = panel.finish_box
    assert box.text() == (
        "$12.00 of the check is not applied. Post it to claims, or park it as an unapplied credit with the reason."
    )
    assert panel.batch is not None and not sent.paper_posting.batch(panel.batch.remittance_id).finished
    park = next(b for b in box.buttons() if b.objectName() == "park_rest")
    qtbot.mouseClick(park, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: panel.reason_dialog is not None and panel.reason_dialog.isVisible(), timeout=3000)
    dialog = panel.reason_dialog
    rid = panel.batch.remittance_id
    qtbot.keyClicks(dialog.reason_edit, "Payer overpaid; refund requested")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert panel.batch is None
    state = sent.paper_posting.batch(rid)
    assert state.finished and state.parked_cents == 1200 and state.unapplied_cents == 0
    assert "$12.00 parked as an unapplied credit" in panel.message_label.text()
    assert sent.ledger.reconcile().ok


def test_an_open_batch_is_resumed_with_its_amounts(qtbot: QtBot, sent: Services) -> None:
    medicare = sent.practice.resolve_payer("TST01")
    opened = sent.paper_posting.open_batch(medicare, "CHK-9", dt.date(2026, 3, 20), Decimal("50.00"))
    _window, panel = open_payments(qtbot, sent)
    assert panel.resume_combo.count() == 1
    assert panel.resume_combo.currentText().startswith(f"Batch {opened.remittance_id}: Test Medicare, check CHK-9")
    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    assert panel.batch is not None and panel.batch.remittance_id == opened.remittance_id
    assert panel.unapplied_label.text().startswith("Unapplied $50.00")
    assert focused() is panel.search_edit


def test_a_duplicate_check_is_refused_in_the_header(qtbot: QtBot, sent: Services) -> None:
    medicare = sent.practice.resolve_payer("TST01")
    sent.paper_posting.open_batch(medicare, "CHK-1", dt.date(2026, 3, 20), Decimal("1.00"))
    _window, panel = open_payments(qtbot, sent)
    panel.payer_combo.setFocus()
    type_text(qtbot, "test")
    tab(qtbot)
    assert panel.header_problem.text() == (
        "More than one payer matches 'test': Test Commercial, Test Medicare. Type more of the name."
    )
    press(qtbot, Qt.Key.Key_Backtab)  # back to the payer, its text selected
    assert panel.payer_combo.lineEdit().hasFocus() and panel.payer_combo.lineEdit().selectedText() == "test"
    type_text(qtbot, "test med")
    tab(qtbot, 2)
    type_text(qtbot, "CHK-1")
    tab(qtbot, 2)
    type_text(qtbot, "1.00")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "already entered" in panel.header_problem.text(), timeout=5000)
    assert panel.batch is None


# --------------------------------------------------------------------------- 835 import


def _alices_835(**kw: object) -> EraClaim:
    """Medicare's answer for Alice, as the suite's 835 writer builds it."""
    from tests.formats.test_x835_writer import claim, line

    def adjustments(charge: int, contractual: int, paid: int) -> tuple[EraAdjustment, ...]:
        return (EraAdjustment("CO", "45", contractual), EraAdjustment("PR", "2", charge - contractual - paid))

    return claim(
        E1,
        line("99213", 15000, 7200, adjustments(15000, 6000, 7200)),
        line("36415", 2500, 1600, adjustments(2500, 500, 1600)),
        payer_claim_number="MCR123",
        **kw,
    )


def _835_file(path: Path, era: EraClaim, **kw: object) -> Path:
    """One payment for `era`, written by the 835 writer (unbalanced when `check_balancing=False` and asked)."""
    from tests.formats.test_x835_writer import payment, write

    balancing = bool(kw.pop("check_balancing", True))
    path.write_text(write([payment(era, **kw)], check_balancing=balancing))
    return path


def _import_by_keyboard(qtbot: QtBot, panel: PaymentsPanel, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+I from a field of the panel; the file dialog answers with `path`."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), "835 files"))
    reactivate(qtbot)  # a dialog that just closed may have taken the window's activation with it
    field = panel.search_edit if panel.batch else panel.check_edit
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=1000)
    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)


def test_an_835_imports_from_the_panel_and_a_second_import_posts_nothing(
    qtbot: QtBot, sent: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _835_file(tmp_path / "medicare.835", _alices_835())
    window, panel = open_payments(qtbot, sent)
    details_before = window.details_dock.isVisible()

    _import_by_keyboard(qtbot, panel, path, monkeypatch)
    qtbot.waitUntil(lambda: panel.import_dialog is not None and panel.import_dialog.isVisible(), timeout=5000)

    assert window.details_dock.isVisible() == details_before, "Ctrl+I here imports; it does not toggle the dock"
    dialog = panel.import_dialog
    assert dialog.summary_label.text().startswith("medicare.835: 1 payment(s), $88.00; 1 claim(s) posted")
    outcome = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert outcome == [outcome[0], E1, E1, "Processed as primary", "$88.00", "Posted", ""]
    assert sent.ledger.patient_balance(patient_of(sent, "E1")).by_party["ins2"] == 2200

    shown: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: shown.append(url) or True)
    pdf = tmp_path / "remit.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(pdf), "PDF files (*.pdf)"))
    qtbot.mouseClick(dialog.print_claim_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert shown[0].toLocalFile() == str(pdf)
    assert panel.message_label.text().startswith(f"{E1}'s part of the remittance is saved as remit.pdf")
    dialog.reject()
    qtbot.waitUntil(lambda: panel.import_dialog is None)

    _import_by_keyboard(qtbot, panel, path, monkeypatch)
    qtbot.waitUntil(lambda: panel.import_dialog is not None and panel.import_dialog.isVisible(), timeout=5000)
    assert panel.import_dialog.summary_label.text() == "medicare.835 was already imported; nothing posted."
    assert panel.message_label.text() == "medicare.835 was already imported; nothing posted."
    assert sent.ledger.patient_balance(patient_of(sent, "E1")).by_party["ins2"] == 2200, "posted once"


def test_an_unbalanced_835_shows_its_problems_and_is_posted_only_when_accepted(
    qtbot: QtBot, sent: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = dataclasses.replace(_alices_835(), paid_cents=9999)
    path = _835_file(tmp_path / "broken.835", broken, total_paid_cents=9999, check_balancing=False)
    _window, panel = open_payments(qtbot, sent)

    _import_by_keyboard(qtbot, panel, path, monkeypatch)
    qtbot.waitUntil(lambda: panel.unbalanced_box is not None and panel.unbalanced_box.isVisible(), timeout=5000)
    box = panel.unbalanced_box
    assert box.text().startswith("broken.835 does not balance; nothing was posted.")
    assert "segment" in box.informativeText() and "does not balance" in box.informativeText()
    accept = next(b for b in box.buttons() if b.objectName() == "accept_unbalanced")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: panel.import_dialog is not None and panel.import_dialog.isVisible(), timeout=5000)
    dialog = panel.import_dialog
    assert dialog.model.index(0, 5).data() == "Held"
    assert dialog.problems_label.isVisible() and "does not balance" in dialog.problems_label.text()
    assert sent.ledger.patient_balance(patient_of(sent, "E1")).by_party["ins1"] == 17500, "held, not posted"
    qtbot.waitUntil(lambda: panel.unmatched_model.rowCount() == 1, timeout=3000)
    assert panel.tabs.tabText(1) == "Unmatched 835 payments (1)"


def test_cancelling_an_unbalanced_835_posts_nothing(
    qtbot: QtBot, sent: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = dataclasses.replace(_alices_835(), paid_cents=9999)
    path = _835_file(tmp_path / "broken.835", broken, total_paid_cents=9999, check_balancing=False)
    _window, panel = open_payments(qtbot, sent)
    _import_by_keyboard(qtbot, panel, path, monkeypatch)
    qtbot.waitUntil(lambda: panel.unbalanced_box is not None and panel.unbalanced_box.isVisible(), timeout=5000)
    panel.unbalanced_box.reject()
    qtbot.waitUntil(lambda: panel.unbalanced_box is None)
    assert panel.message_label.text() == "broken.835 was not imported: nothing was posted."
    assert sent.era_import.unmatched() == []


# --------------------------------------------------------------------------- the unmatched queue


def test_an_unmatched_payment_waits_in_the_queue_and_is_matched_by_hand(
    qtbot: QtBot, sent: Services, tmp_path: Path
) -> None:
    misspelt = dataclasses.replace(_alices_835(), patient_control_number="XYZ999", patient_last="ZEFIR")
    result = sent.era_import.import_file(_835_file(tmp_path / "stranger.835", misspelt))
    assert result.unmatched == 1, "neither our claim number nor the patient's name as the payer spelt it"
    _window, panel = open_payments(qtbot, sent)
    assert panel.tabs.tabText(1) == "Unmatched 835 payments (1)"

    qtbot.keyClick(panel, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert panel.tabs.currentIndex() == 1 and panel.unmatched_view.hasFocus()
    shown = [panel.unmatched_model.index(0, c).data() for c in range(panel.unmatched_model.columnCount())]
    assert shown[:7] == ["EFT0000101", "Test Medicare", "XYZ999", "ZEFIR, ALICE", "03/02/2026", "$175.00", "$88.00"]
    assert "no claim XYZ999" in shown[7]

    press(qtbot, Qt.Key.Key_Return)
    dialog = panel.match_dialog
    assert dialog is not None and dialog.search_edit.text() == "zefir, al", "searched by the name the payer sent"
    qtbot.waitUntil(lambda: dialog.note_label.text().startswith("No sent claim of Test Medicare matches"))
    dialog.search_edit.selectAll()
    type_text(qtbot, "03/02/2026")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.hits_model.rowCount() == 1, timeout=3000)
    assert dialog.hits_view.hasFocus() and dialog.chosen().claim_number == E1
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)

    assert panel.message_label.text() == (f"The $88.00 payment on check EFT0000101 is posted to {E1} (Zephyr, Alice).")
    qtbot.waitUntil(lambda: panel.unmatched_model.rowCount() == 0, timeout=3000)
    assert panel.unmatched_empty.isVisible()
    assert sent.era_import.unmatched() == []
    assert sent.ledger.patient_balance(patient_of(sent, "E1")).by_party["ins2"] == 2200
    assert sent.ledger.reconcile().ok


# --------------------------------------------------------------------------- models


def test_every_payments_model_passes_the_model_tester(qtmodeltester, sent: Services) -> None:  # noqa: ANN001
    medicare = sent.practice.resolve_payer("TST01")
    (found,) = sent.paper_posting.find_claims(medicare, "zeph")
    lines = EobLinesTableModel()
    lines.set_claim(found)
    lines.setData(lines.index(0, EobColumn.ALLOWED), "90")
    lines.setData(lines.index(0, EobColumn.OTHER), "OA-23 10.00")
    qtmodeltester.check(lines, force_py=True)

    hits = RowsTableModel(CLAIM_HIT_COLUMNS)
    hits.set_rows([found])
    qtmodeltester.check(hits, force_py=True)
    for columns in (POSTED_COLUMNS, UNMATCHED_COLUMNS, OUTCOME_COLUMNS):
        empty = RowsTableModel(columns)  # type: ignore[var-annotated]
        qtmodeltester.check(empty, force_py=True)


def test_the_eob_grid_reads_what_billers_type(sent: Services) -> None:
    medicare = sent.practice.resolve_payer("TST01")
    (found,) = sent.paper_posting.find_claims(medicare, "zeph")
    model = EobLinesTableModel()
    model.set_claim(found)
    refused: list[str] = []
    model.edit_refused.connect(refused.append)
    assert model.setData(model.index(0, EobColumn.ALLOWED), "$1,00")
    assert model.index(0, EobColumn.ALLOWED).data() == "$100.00"
    assert model.index(0, EobColumn.CONTRACTUAL).data() == "$50.00"
    assert model.setData(model.index(0, EobColumn.CONTRACTUAL), "40")
    assert model.index(0, EobColumn.CONTRACTUAL).data() == "$40.00", "typed over the computed one"
    assert model.setData(model.index(0, EobColumn.CONTRACTUAL), "")
    assert model.index(0, EobColumn.CONTRACTUAL).data() == "$50.00", "cleared: it follows the allowed amount again"
    assert model.setData(model.index(0, EobColumn.THEN), "s")
    assert model.index(0, EobColumn.THEN).data() == "Settle"
    assert not model.setData(model.index(0, EobColumn.OTHER), "XX-1 5")
    assert not model.setData(model.index(0, EobColumn.REMARKS), "hello")
    assert not model.setData(model.index(0, EobColumn.CHARGE), "1"), "the billed line is not typed"
    assert refused == [
        "Line 1, other adjustments: 'XX' is not an adjustment group (one of CO, PR, OA, PI, CR).",
        "Line 1, remarks: 'HELLO' is not a remark code (RARC), e.g. N54 or MA130.",
    ]
    assert model.index(0, EobColumn.ALLOWED).data(Qt.ItemDataRole.ToolTipRole) == EOB_TIPS[EobColumn.ALLOWED]
    assert model.setData(model.index(0, EobColumn.ALLOWED), "80")
    assert model.index(0, EobColumn.ALLOWED).data(Qt.ItemDataRole.ToolTipRole) == (
        "Allowed $80.00 is $10.00 below the fee schedule's $90.00: it will be flagged as an underpayment."
    )
