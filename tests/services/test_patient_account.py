"""The front desk answers "why do I owe this?", takes a payment, prints a receipt and refunds a credit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from app.errors import ClaimDeskError, ValidationError
from app.services.container import Services
from db.models import LedgerEntryRecord, PatientPaymentRecord
from tests.services.account_story import bill_and_pay, line_ids

ON = dt.date(2026, 3, 25)


@pytest.fixture
def desk(loaded: Services) -> Services:
    bill_and_pay(loaded)
    return loaded


def test_the_account_reads_in_plain_words_with_balances_that_equal_the_ledger(desk: Services) -> None:
    account = desk.accounts.account("P001")
    texts = [line.text for line in account.lines]

    assert "Charge $150.00 for 99213 on 3/2/2026" in texts
    assert "Test Medicare paid $72.00 on 3/20/2026 for 99213 on 3/2/2026" in texts
    assert "Contractual adjustment $60.00 (CO-45) for 99213 on 3/2/2026" in texts
    assert "$18.00 moved to you as coinsurance (99213 on 3/2/2026)" in texts
    assert [line.date for line in account.lines] == sorted(line.date for line in account.lines)
    ledger = desk.ledger.patient_balance(account.patient_id)
    assert (account.insurance_cents, account.patient_cents) == (ledger.insurance_cents, ledger.patient_cents)
    assert (account.insurance_cents, account.patient_cents) == (0, 2200)
    first = account.lines[0]
    assert (first.kind, first.insurance_cents, first.patient_cents) == ("charge", 15000, 0)
    assert account.summary() == "$0.00 pending with insurance; $22.00 owed by the patient."


def test_a_payment_goes_to_the_oldest_patient_balance_first(desk: Services) -> None:
    visit, draw = line_ids(desk, "E1")
    receipt = desk.accounts.take_payment("P001", "20.00", "check", "1001", ON)

    assert [(a.service_line_id, a.amount_cents) for a in receipt.applied] == [(visit, 1800), (draw, 200)]
    assert desk.ledger.line_balance(visit).patient_cents == 0
    assert desk.ledger.line_balance(draw).patient_cents == 200
    assert receipt.credit_cents == 0 and receipt.patient_balance_cents == 200
    assert "You paid $20.00 by check #1001 on 3/25/2026" in [ln.text for ln in desk.accounts.account("P001").lines]


def test_a_payment_can_be_applied_to_chosen_lines(desk: Services) -> None:
    visit, draw = line_ids(desk, "E1")
    receipt = desk.accounts.take_payment("P001", "4.00", "cash", None, ON, apply_to=[draw])

    assert [(a.service_line_id, a.amount_cents) for a in receipt.applied] == [(draw, 400)]
    assert desk.ledger.line_balance(draw).patient_cents == 0
    assert desk.ledger.line_balance(visit).patient_cents == 1800


def test_a_line_that_is_not_on_the_account_is_refused_and_nothing_is_recorded(desk: Services) -> None:
    (other,) = line_ids(desk, "E4")
    with pytest.raises(ValidationError, match="not charges on this account"):
        desk.accounts.take_payment("P001", "4.00", "cash", None, ON, apply_to=[other])
    with desk.db.session() as s:
        assert s.scalar(select(func.count(PatientPaymentRecord.id))) == 0


def test_an_overpayment_becomes_a_credit_balance_and_says_so(desk: Services) -> None:
    receipt = desk.accounts.take_payment("P001", "30.00", "card", "AUTH9", ON)

    assert receipt.credit_cents == 800 and receipt.patient_balance_cents == -800
    assert "$8.00 is more than was owed and is kept as a credit balance" in receipt.message
    account = desk.accounts.account("P001")
    assert account.credit_cents == 800
    assert "credit of $8.00" in account.summary()


def test_the_receipt_pdf_reads_back(desk: Services, tmp_path: Path) -> None:
    receipt = desk.accounts.take_payment("P001", "22.00", "check", "1001", ON)
    path = desk.accounts.receipt_pdf(receipt.payment_id, tmp_path / "receipt.pdf")

    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    assert "PAYMENT RECEIPT" in text and "Test Practice" in text
    assert "Received from: Alice Zephyr" in text
    assert "Amount received: $22.00" in text and "Paid by: check #1001" in text
    assert "Service 3/2/2026 99213 $18.00" in text and "Service 3/2/2026 36415 $4.00" in text
    assert "Balance you owe after this payment: $0.00" in text


def test_only_a_credit_can_be_refunded_and_never_more_than_it(desk: Services) -> None:
    with pytest.raises(ClaimDeskError, match="no credit balance"):
        desk.accounts.refund_credit("P001", "1.00", "check", "5001", "asked by patient", on=ON)
    desk.accounts.take_payment("P001", "30.00", "cash", None, ON)
    with pytest.raises(ClaimDeskError, match="more than the credit balance"):
        desk.accounts.refund_credit("P001", "8.01", "check", "5001", "asked by patient", on=ON)

    refund = desk.accounts.refund_credit("P001", "8.00", "check", "5001", "asked by patient", on=ON)

    assert refund.credit_left_cents == 0
    assert desk.accounts.account("P001").patient_cents == 0
    with desk.db.session() as s:
        kinds = set(s.scalars(select(LedgerEntryRecord.kind).where(LedgerEntryRecord.id.in_(refund.entry_ids))))
    assert kinds == {"refund"}


def test_undoing_a_payment_is_a_reversal_that_restores_the_balance(desk: Services) -> None:
    receipt = desk.accounts.take_payment("P001", "22.00", "check", "1001", ON)
    with desk.db.session() as s:
        before = s.scalar(select(func.count(LedgerEntryRecord.id)))

    desk.accounts.reverse_payment(receipt.payment_id, "check bounced", on=ON)

    assert desk.accounts.account("P001").patient_cents == 2200
    with desk.db.session() as s:
        assert s.scalar(select(func.count(LedgerEntryRecord.id))) == before + len(receipt.applied)
    assert desk.ledger.reconcile().ok


def test_the_payments_list_every_payment_on_the_account_and_says_which_were_undone(desk: Services) -> None:
    first = desk.accounts.take_payment("P001", "5.00", "cash", None, ON)
    second = desk.accounts.take_payment("P001", "7.00", "check", "1002", ON + dt.timedelta(days=1))
    desk.accounts.reverse_payment(first.payment_id, "wrong account", on=ON)

    payments = desk.accounts.payments("P001")

    assert [(p.payment_id, p.method, p.reference, p.amount_cents, p.undone) for p in payments] == [
        (second.payment_id, "check", "1002", 700, False),
        (first.payment_id, "cash", None, 500, True),
    ]
    assert payments[0].received_on == ON + dt.timedelta(days=1)
    assert desk.accounts.payments("P004") == []


def test_a_guarantors_payments_include_the_familys(desk: Services) -> None:
    own = desk.accounts.take_payment("P002", "10.00", "card", "x9", ON)
    with desk.db.transaction() as s:  # Cody (P003, Bob's dependent) has no charges: his payment is recorded as is
        cody = PatientPaymentRecord(
            patient_id=desk.accounts.resolve("P003"),
            received_on=ON + dt.timedelta(days=1),
            method="cash",
            amount_cents=400,
            created_by="test",
        )
        s.add(cody)
        s.flush()
        cody_id = cody.id

    assert [p.payment_id for p in desk.accounts.payments("P002")] == [cody_id, own.payment_id]
    assert [p.payment_id for p in desk.accounts.payments("P003")] == [cody_id]
