"""The Front desk panel: read an account in plain words, take a payment by keyboard and print its receipt,
undo it, refund a credit, and run a statement batch whose PDF says what the ledger says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from app.domain.account import AccountLine
from app.domain.money import format_money
from app.services.container import Services
from tests.services.account_story import bill_and_pay
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.take_payment import RefundDialog, TakePaymentDialog
from ui.models.front_desk_models import (
    CandidateRow,
    StatementRow,
    account_lines_model,
    candidates_model,
    payments_model,
    statements_model,
)
from ui.panels.front_desk import FrontDeskPanel

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def desk(practice_desk: Services) -> Services:
    """P001 owes $22.00 coinsurance, P002 a $25.00 copay (see tests.services.account_story)."""
    bill_and_pay(practice_desk)
    return practice_desk


@pytest.fixture
def panel(qtbot: QtBot, desk: Services) -> FrontDeskPanel:
    widget = FrontDeskPanel(desk)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, list[str]]:
    """File dialogs answer with a path in tmp_path named after their title; opened files are only recorded."""
    record: dict[str, list[str]] = {"asked": [], "opened": []}

    def save_file_name(_parent: object, title: str, _default: str = "", _filter: str = "") -> tuple[str, str]:
        record["asked"].append(title)
        return str(tmp_path / f"{title.split()[-1]}.pdf"), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_file_name))
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: record["opened"].append(url.toLocalFile()))
    )
    return record


def find(qtbot: QtBot, panel: FrontDeskPanel, text: str) -> None:
    qtbot.keyClick(panel, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search_edit.hasFocus()
    qtbot.keyClicks(panel.search_edit, text)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)


def open_account(qtbot: QtBot, panel: FrontDeskPanel, account: str) -> None:
    find(qtbot, panel, account)
    qtbot.waitUntil(lambda: panel.loaded is not None and panel.loaded.account.account_number == account, timeout=5000)


def shown_texts(panel: FrontDeskPanel) -> list[str]:
    model = panel.account_table_model
    return [str(model.data(model.index(row, 2))) for row in range(model.rowCount())]


def last_row_owes(panel: FrontDeskPanel) -> str:
    model = panel.account_table_model
    return str(model.data(model.index(model.rowCount() - 1, model.columnCount() - 1)))


def wait_balance(qtbot: QtBot, panel: FrontDeskPanel, text: str) -> None:
    qtbot.waitUntil(lambda: panel.owes_label.text() == text, timeout=5000)


def active_dialog(qtbot: QtBot, kind: type) -> object:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind), timeout=5000)
    return QApplication.activeModalWidget()


# --------------------------------------------------------------------------- the account


def test_before_a_search_the_panel_says_how_to_find_a_patient(panel: FrontDeskPanel) -> None:
    assert panel.account_stack.currentWidget() is panel.account_empty
    assert panel.account_empty.title.text() == "Find a patient"
    assert not panel.take_payment_action.isEnabled()


def test_the_account_reads_in_plain_words_with_balances_equal_to_the_ledger(
    qtbot: QtBot, panel: FrontDeskPanel, desk: Services
) -> None:
    open_account(qtbot, panel, "P001")

    texts = shown_texts(panel)
    assert "Charge $150.00 for 99213 on 3/2/2026" in texts
    assert "Test Medicare paid $72.00 on 3/20/2026 for 99213 on 3/2/2026" in texts
    assert "Contractual adjustment $60.00 (CO-45) for 99213 on 3/2/2026" in texts
    assert "$18.00 moved to you as coinsurance (99213 on 3/2/2026)" in texts
    ledger = desk.ledger.patient_balance(desk.accounts.resolve("P001"))
    assert panel.patient_label.text() == "Alice Zephyr · account P001"
    assert panel.guarantor_label.text() == "Guarantor: the patient (self)"
    assert panel.insurance_label.text() == f"Insurance pending: {format_money(ledger.insurance_cents)}"
    assert panel.owes_label.text() == f"Patient owes: {format_money(ledger.patient_cents)}" == "Patient owes: $22.00"
    assert last_row_owes(panel) == "$22.00"
    assert not panel.refund_action.isEnabled(), "no credit, nothing to refund"


def test_a_name_that_fits_several_patients_lists_them_and_enter_opens_one(qtbot: QtBot, panel: FrontDeskPanel) -> None:
    find(qtbot, panel, "young")
    qtbot.waitUntil(lambda: panel.matches_list.isVisible(), timeout=5000)
    names = [panel.matches_list.item(n).text() for n in range(panel.matches_list.count())]
    assert names == ["Young, Bob · account P002", "Young, Cody · account P003"]

    qtbot.keyClick(panel.matches_list, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: panel.loaded is not None, timeout=5000)
    assert panel.patient_label.text() == "Bob Young · account P002"
    assert panel.owes_label.text() == "Patient owes: $25.00"


def test_an_unknown_name_says_so(qtbot: QtBot, panel: FrontDeskPanel) -> None:
    find(qtbot, panel, "nobody")
    qtbot.waitUntil(lambda: panel.search_problem.isVisible(), timeout=5000)
    assert "nobody" in panel.search_problem.text()
    assert panel.loaded is None


# --------------------------------------------------------------------------- payments


def test_taking_a_payment_by_keyboard_updates_the_balance_and_prints_a_receipt(
    qtbot: QtBot, panel: FrontDeskPanel, desk: Services, saved: dict[str, list[str]], tmp_path: Path
) -> None:
    open_account(qtbot, panel, "P001")
    panel.lines_view.setFocus()

    qtbot.keyClick(panel.lines_view, Qt.Key.Key_P, CTRL_SHIFT)
    dialog = active_dialog(qtbot, TakePaymentDialog)
    assert isinstance(dialog, TakePaymentDialog)
    qtbot.waitUntil(dialog.amount_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(dialog.amount_edit, "20.00")
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.method_combo, "Ch")  # type-ahead picks Check
    qtbot.keyClick(dialog.method_combo, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.reference_edit, "1001")
    qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=5000)
    assert dialog.result_label.text().startswith("Received $20.00 by check.")
    wait_balance(qtbot, panel, "Patient owes: $2.00")
    ledger = desk.ledger.patient_balance(desk.accounts.resolve("P001"))
    assert ledger.patient_cents == 200
    assert last_row_owes(panel) == "$2.00"
    assert f"You paid $20.00 by check #1001 on {dt.date.today():%-m/%-d/%Y}" in shown_texts(panel)

    assert dialog.print_button.hasFocus()
    qtbot.keyClick(dialog.print_button, Qt.Key.Key_Space)
    receipt = tmp_path / "receipt.pdf"
    qtbot.waitUntil(lambda: saved["opened"] == [str(receipt)], timeout=5000)
    with pdfplumber.open(receipt) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "$20.00" in text and "P001" in text
    dialog.accept()


def test_undo_payment_reverses_it_with_a_reason(qtbot: QtBot, panel: FrontDeskPanel, desk: Services) -> None:
    open_account(qtbot, panel, "P001")
    desk_receipt = take(qtbot, panel, "10.00")
    assert desk_receipt == "Patient owes: $12.00"

    panel.lines_view.setFocus()
    qtbot.keyClick(panel.lines_view, Qt.Key.Key_U, CTRL_SHIFT)
    dialog = active_dialog(qtbot, ReasonDialog)
    assert isinstance(dialog, ReasonDialog)
    qtbot.keyClicks(dialog.reason_edit, "check returned unpaid")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    wait_balance(qtbot, panel, "Patient owes: $22.00")
    assert desk.ledger.patient_balance(desk.accounts.resolve("P001")).patient_cents == 2200
    assert any(t.startswith("Reversal of $10.00") for t in shown_texts(panel))
    assert not panel.undo_payment_action.isEnabled(), "the one payment taken here is undone"


def fresh_panel(qtbot: QtBot, desk: Services) -> FrontDeskPanel:
    """A new Front desk panel over the same database, as after reopening the window."""
    widget = FrontDeskPanel(desk)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=5000)
    return widget


def payment_cells(panel: FrontDeskPanel) -> list[list[str]]:
    model = panel.payments_table_model
    return [[str(model.data(model.index(r, c))) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_a_payment_from_an_earlier_session_is_listed_and_can_be_undone_or_reprinted(
    qtbot: QtBot, panel: FrontDeskPanel, desk: Services, saved: dict[str, list[str]], tmp_path: Path
) -> None:
    open_account(qtbot, panel, "P001")
    assert take(qtbot, panel, "10.00") == "Patient owes: $12.00"
    panel.close()

    again = fresh_panel(qtbot, desk)
    open_account(qtbot, again, "P001")
    today = f"{dt.date.today():%-m/%-d/%Y}"
    assert payment_cells(again) == [[today, "Cash", "", "$10.00", "Applied"]]
    assert again.undo_payment_action.isEnabled() and again.print_receipt_action.isEnabled()

    qtbot.keyClick(again.payments_view, Qt.Key.Key_R, CTRL_SHIFT)
    receipt = tmp_path / "receipt.pdf"
    qtbot.waitUntil(lambda: saved["opened"][-1:] == [str(receipt)], timeout=5000)
    with pdfplumber.open(receipt) as pdf:
        assert "$10.00" in "\n".join(page.extract_text() or "" for page in pdf.pages)

    qtbot.keyClick(again.payments_view, Qt.Key.Key_U, CTRL_SHIFT)
    dialog = active_dialog(qtbot, ReasonDialog)
    assert isinstance(dialog, ReasonDialog)
    qtbot.keyClicks(dialog.reason_edit, "wrong account")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    wait_balance(qtbot, again, "Patient owes: $22.00")
    qtbot.waitUntil(lambda: payment_cells(again)[0][-1] == "Undone (reversed)", timeout=5000)
    assert desk.accounts.payments("P001")[0].undone
    assert not again.undo_payment_action.isEnabled(), "an undone payment cannot be undone twice"


def test_an_overpayment_leaves_a_credit_that_can_be_refunded(
    qtbot: QtBot, panel: FrontDeskPanel, desk: Services
) -> None:
    open_account(qtbot, panel, "P001")
    assert take(qtbot, panel, "30.00") == "Credit: $8.00 (the practice owes the patient)"
    assert panel.refund_action.isEnabled()

    panel.lines_view.setFocus()
    qtbot.keyClick(panel.lines_view, Qt.Key.Key_D, CTRL_SHIFT)
    dialog = active_dialog(qtbot, RefundDialog)
    assert isinstance(dialog, RefundDialog)
    assert dialog.amount_edit.text() == "8.00"
    dialog.reason_edit.setText("overpaid coinsurance")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    wait_balance(qtbot, panel, "Patient owes: $0.00")
    assert desk.ledger.patient_balance(desk.accounts.resolve("P001")).patient_cents == 0
    assert not panel.refund_action.isEnabled()


def take(qtbot: QtBot, panel: FrontDeskPanel, amount: str) -> str:
    """Take a cash payment through the dialog; returns the balance line once the account has refreshed."""
    before = panel.loaded
    panel.lines_view.setFocus()
    qtbot.keyClick(panel.lines_view, Qt.Key.Key_P, CTRL_SHIFT)
    dialog = active_dialog(qtbot, TakePaymentDialog)
    assert isinstance(dialog, TakePaymentDialog)
    qtbot.keyClicks(dialog.amount_edit, amount)
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=5000)
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Space)
    assert before is not None
    qtbot.waitUntil(
        lambda: panel.loaded is not None and len(panel.loaded.account.lines) > len(before.account.lines), timeout=5000
    )
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    panel.activateWindow()  # offscreen, a closed dialog does not hand activation back by itself
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    return panel.owes_label.text()


def test_a_payment_without_an_amount_is_refused_in_words(qtbot: QtBot, panel: FrontDeskPanel) -> None:
    open_account(qtbot, panel, "P001")
    panel.lines_view.setFocus()
    qtbot.keyClick(panel.lines_view, Qt.Key.Key_P, CTRL_SHIFT)
    dialog = active_dialog(qtbot, TakePaymentDialog)
    assert isinstance(dialog, TakePaymentDialog)
    qtbot.keyClicks(dialog.amount_edit, "abc")
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.problem_label.isVisible(), timeout=5000)
    assert "Payment amount" in dialog.problem_label.text()
    assert dialog.receipt is None
    dialog.reject()


# --------------------------------------------------------------------------- statements


def amount_due_by_account(path: Path) -> dict[str, str]:
    """Each statement page's account number and the amount printed after 'Amount due'."""
    out: dict[str, str] = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            account = re.search(r"\bP\d{3}\b", text)
            due = re.search(r"Amount due\s*(\$[\d,]+\.\d\d)", text)
            if account and due:
                out.setdefault(account.group(0), due.group(1))
    return out


def test_a_statement_run_from_the_panel_prints_what_the_ledger_says(
    qtbot: QtBot, panel: FrontDeskPanel, desk: Services, saved: dict[str, list[str]], tmp_path: Path
) -> None:
    panel.tabs.setCurrentIndex(1)
    panel.as_of_edit.setDate(QDate(2026, 4, 1))
    panel.candidates_view.setFocus()

    qtbot.keyClick(panel.candidates_view, Qt.Key.Key_L, CTRL_SHIFT)
    qtbot.waitUntil(lambda: panel.candidates_table_model.rowCount() > 0, timeout=5000)
    listed = {r.candidate.account_number: r for r in panel.candidates_table_model.rows()}
    assert {"P001", "P002"} <= set(listed)
    assert listed["P001"].candidate.patient_cents == 2200
    assert listed["P001"].notice == "First statement"

    qtbot.keyClick(panel.candidates_view, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(lambda: panel.last_run is not None, timeout=10000)
    pdf = tmp_path / "statements.pdf"
    assert saved["opened"][-1] == str(pdf)
    assert panel.last_run is not None and panel.last_run.count == len(listed)
    printed = amount_due_by_account(pdf)
    for account in ("P001", "P002"):
        pid = desk.accounts.resolve(account)
        family = [pid] + ([desk.accounts.resolve("P003")] if account == "P002" else [])
        owed = sum(desk.ledger.patient_balance(p).patient_cents for p in family)
        assert printed[account] == format_money(owed)

    qtbot.waitUntil(lambda: panel.statements_table_model.rowCount() == panel.last_run.count, timeout=5000)  # type: ignore[union-attr]
    assert panel.mark_sent_action.isEnabled()
    qtbot.keyClick(panel.candidates_view, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(lambda: all(r.sent for r in panel.statements_table_model.rows()), timeout=5000)

    panel.statements_view.setCurrentIndex(panel.statements_table_model.index(0, 0))
    qtbot.keyClick(panel.statements_view, Qt.Key.Key_N, CTRL_SHIFT)
    again = tmp_path / "statement.pdf"
    qtbot.waitUntil(lambda: saved["opened"][-1] == str(again), timeout=5000)
    first = panel.statements_table_model.rows()[0]
    assert amount_due_by_account(again) == {first.account_number: first.amount_due}


def test_a_statement_from_an_earlier_run_is_listed_in_a_fresh_panel_and_reprints_the_same(
    qtbot: QtBot, desk: Services, saved: dict[str, list[str]], tmp_path: Path
) -> None:
    earlier = desk.statements.run(dt.date(2026, 4, 1), None, tmp_path / "april.pdf")
    printed = amount_due_by_account(earlier.path)

    panel = fresh_panel(qtbot, desk)
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.statements_table_model.rowCount() == earlier.count, timeout=5000)
    rows = panel.statements_table_model.rows()
    assert {r.statement_id for r in rows} == set(earlier.statement_ids)
    (alice,) = [n for n, r in enumerate(rows) if r.account_number == "P001"]
    assert rows[alice].amount_due == printed["P001"] == "$22.00"

    panel.statements_view.setCurrentIndex(panel.statements_table_model.index(alice, 0))
    qtbot.keyClick(panel.statements_view, Qt.Key.Key_N, CTRL_SHIFT)
    again = tmp_path / "statement.pdf"
    qtbot.waitUntil(lambda: saved["opened"][-1:] == [str(again)], timeout=5000)
    assert amount_due_by_account(again) == {"P001": printed["P001"]}


def test_a_bad_minimum_balance_is_named(qtbot: QtBot, panel: FrontDeskPanel) -> None:
    panel.tabs.setCurrentIndex(1)
    panel.minimum_edit.setText("five")
    panel.preview_action.trigger()
    assert panel.options_problem.isVisible()
    assert "five" in panel.options_problem.text()


# --------------------------------------------------------------------------- models


def test_the_front_desk_models_pass_the_model_tester(qtmodeltester, qtbot: QtBot, desk: Services) -> None:  # noqa: ANN001
    lines = account_lines_model()
    lines.set_rows(desk.accounts.account("P001").lines)
    qtmodeltester.check(lines)
    assert isinstance(lines.row_at(0), AccountLine)

    candidates = candidates_model()
    candidates.set_rows([CandidateRow(c, "First statement") for c in desk.statements.candidates(dt.date(2026, 4, 1))])
    qtmodeltester.check(candidates)

    printed = statements_model()
    printed.set_rows([StatementRow(1, 1, "4/1/2026", "Alice Zephyr", "P001", "$22.00", False)])
    qtmodeltester.check(printed)
    assert printed.data(printed.index(0, 5)) == "Not marked sent"

    desk.accounts.take_payment("P001", "5.00", "cash")
    payments = payments_model()
    payments.set_rows(desk.accounts.payments("P001"))
    qtmodeltester.check(payments)
    assert payments.data(payments.index(0, 3)) == "$5.00"
