"""Posting a stack of paper EOBs: a check is a batch, each claim is one transaction, the batch balances to the
check, an undone posting is a reversal, and the ledger always reconciles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain.posting import AdjustmentIn, ClaimPostingIn, LinePostingIn
from app.errors import ClaimDeskError, ValidationError
from app.services.container import Services
from db.models import ClaimRecord, DenialRecord, FeeScheduleEntryRecord, LedgerEntryRecord, UnappliedCreditRecord
from tests.factories import bill
from tests.services.test_claims_and_posting import _claim, _patient_of, _payer

D = Decimal
CHECK_DAY = dt.date(2026, 3, 20)


@pytest.fixture
def sent(loaded: Services) -> Services:
    bill(loaded)
    return loaded


def _medicare_batch(desk: Services, amount: str = "88.00"):  # noqa: ANN202
    return desk.paper_posting.open_batch(_payer(desk, "TST01"), "CHK-1", CHECK_DAY, D(amount), batch_name="Monday mail")


def _e1_posting(desk: Services, then: str = "next_payer") -> ClaimPostingIn:
    visit, draw = _claim(desk, "E1").lines
    return ClaimPostingIn(
        _claim(desk, "E1").id,
        "1",
        (
            LinePostingIn(
                visit.id,
                paid=D("72.00"),
                allowed=D("90.00"),
                then=then,  # type: ignore[arg-type]
                adjustments=(AdjustmentIn("CO", "45", D("60.00")), AdjustmentIn("PR", "2", D("18.00"))),
            ),
            LinePostingIn(
                draw.id,
                paid=D("16.00"),
                allowed=D("20.00"),
                then=then,  # type: ignore[arg-type]
                adjustments=(AdjustmentIn("CO", "45", D("5.00")), AdjustmentIn("PR", "2", D("4.00"))),
            ),
        ),
        payer_claim_number="MCR555",
    )


def test_a_claim_is_found_by_name_account_number_or_date(sent: Services) -> None:
    payer = _payer(sent, "TST01")
    for query in ("zeph", "zephyr, al", "P001", "CD00000001", "03/02/2026", "2026-03-02"):
        found = sent.paper_posting.find_claims(payer, query)
        assert [c.account_number for c in found] == ["P001"], query
    claim = sent.paper_posting.find_claims(payer, "P001")[0]
    assert [ln.code for ln in claim.lines] == ["99213", "36415"] and claim.has_next_payer
    assert claim.lines[0].expected_allowed == D("90.00") and claim.lines[1].expected_allowed is None
    assert sent.paper_posting.find_claims(payer, "young") == [], "Bob's claim went to the commercial payer"


def test_a_check_posts_claim_by_claim_and_finishes_when_fully_applied(sent: Services) -> None:
    batch = _medicare_batch(sent)
    assert batch.unapplied_cents == 8800 and not batch.finished
    posted = sent.paper_posting.post_claim(batch.remittance_id, _e1_posting(sent))
    assert (posted.status, posted.paid, posted.denials) == ("paid", D("88.00"), 0)
    assert posted.batch.unapplied_cents == 0 and posted.batch.claims_posted == 1
    assert posted.next_payer_claim is not None, "the secondary owes the coinsurance: its claim is drafted"
    balance = sent.ledger.patient_balance(_patient_of(sent, "E1"))
    assert balance.by_party == {"ins1": 0, "ins2": 2200, "ins3": 0, "patient": 0}
    finished = sent.paper_posting.finish_batch(batch.remittance_id)
    assert finished.finished
    with pytest.raises(ClaimDeskError, match="finished"):
        sent.paper_posting.post_claim(batch.remittance_id, _e1_posting(sent))
    assert sent.ledger.reconcile().ok


def test_a_batch_cannot_finish_with_money_left_unless_it_is_parked_with_a_reason(sent: Services) -> None:
    batch = _medicare_batch(sent, "100.00")
    sent.paper_posting.post_claim(batch.remittance_id, _e1_posting(sent))
    with pytest.raises(ValidationError, match=r"\$12.00 of the check is not applied"):
        sent.paper_posting.finish_batch(batch.remittance_id)
    done = sent.paper_posting.finish_batch(batch.remittance_id, "payer overpaid; refund requested")
    assert done.finished and done.parked_cents == 1200 and done.unapplied_cents == 0
    with sent.db.session() as s:
        credit = s.scalars(select(UnappliedCreditRecord)).one()
        assert (credit.amount_cents, credit.reason) == (1200, "payer overpaid; refund requested")
    assert sent.ledger.reconcile().ok


def test_the_same_check_is_not_entered_twice(sent: Services) -> None:
    _medicare_batch(sent)
    with pytest.raises(ClaimDeskError, match="already entered"):
        _medicare_batch(sent)


def test_a_line_that_does_not_balance_posts_nothing(sent: Services) -> None:
    batch = _medicare_batch(sent)
    visit, draw = _claim(sent, "E1").lines
    bad = ClaimPostingIn(
        _claim(sent, "E1").id,
        "1",
        (LinePostingIn(visit.id, paid=D("72.00"), adjustments=(AdjustmentIn("CO", "45", D("50.00")),)),),
    )
    with pytest.raises(ValidationError, match="does not equal paid"):
        sent.paper_posting.post_claim(batch.remittance_id, bad)
    assert sent.paper_posting.batch(batch.remittance_id).applied_cents == 0
    with sent.db.session() as s:
        assert s.scalar(select(LedgerEntryRecord.id).where(LedgerEntryRecord.kind == "insurance_payment")) is None


def test_a_denied_line_opens_a_denial_and_stays_with_the_payer(sent: Services) -> None:
    batch = sent.paper_posting.open_batch(_payer(sent, "TST02"), "ZERO-1", CHECK_DAY, D("0"))
    (visit,) = _claim(sent, "E2").lines
    posting = ClaimPostingIn(
        _claim(sent, "E2").id,
        "4",
        (
            LinePostingIn(
                visit.id, paid=D("0"), adjustments=(AdjustmentIn("CO", "197", D("220.00")),), remarks=("N54",)
            ),
        ),
    )
    posted = sent.paper_posting.post_claim(batch.remittance_id, posting)
    assert posted.status == "denied" and posted.denials == 1
    assert sent.ledger.patient_balance(_patient_of(sent, "E2")).by_party["ins1"] == 22000
    with sent.db.session() as s:
        denial = s.scalars(select(DenialRecord)).one()
        assert (denial.carc, denial.rarc, denial.status) == ("197", "N54", "open")


def test_settle_writes_the_rest_off_instead_of_leaving_it_with_the_payer(sent: Services) -> None:
    batch = sent.paper_posting.open_batch(_payer(sent, "TST02"), "PART-1", CHECK_DAY, D("150.00"))
    (visit,) = _claim(sent, "E2").lines
    posting = ClaimPostingIn(
        _claim(sent, "E2").id,
        "1",
        (
            LinePostingIn(
                visit.id, paid=D("150.00"), adjustments=(AdjustmentIn("OA", "94", D("70.00")),), then="settle"
            ),
        ),
    )
    sent.paper_posting.post_claim(batch.remittance_id, posting)
    assert sent.ledger.patient_balance(_patient_of(sent, "E2")).total_cents == 0


def test_undoing_a_posting_writes_reversals_and_the_claim_waits_again(sent: Services) -> None:
    batch = _medicare_batch(sent)
    posted = sent.paper_posting.post_claim(batch.remittance_id, _e1_posting(sent, then="patient"))
    with pytest.raises(ValidationError, match="why"):
        sent.paper_posting.undo_posting(posted.claim_payment_id, "")
    with sent.db.session() as s:
        before = s.scalar(select(LedgerEntryRecord.id).order_by(LedgerEntryRecord.id.desc()).limit(1))
    state = sent.paper_posting.undo_posting(posted.claim_payment_id, "posted to the wrong patient")
    assert state.applied_cents == 0 and state.unapplied_cents == 8800
    assert sent.claims.claim_status(_claim(sent, "E1").id) == "submitted"
    bal = sent.ledger.patient_balance(_patient_of(sent, "E1"))
    assert bal.by_party == {"ins1": 17500, "ins2": 0, "ins3": 0, "patient": 0}, "back to owed by the payer"
    with sent.db.session() as s:
        reversals = s.scalars(select(LedgerEntryRecord).where(LedgerEntryRecord.id > before)).all()
        assert reversals and all(r.kind == "reversal" and r.reverses_entry_id for r in reversals)
    with pytest.raises(ClaimDeskError):
        sent.paper_posting.undo_posting(posted.claim_payment_id, "twice")
    again = sent.paper_posting.post_claim(batch.remittance_id, _e1_posting(sent, then="patient"))
    assert again.batch.unapplied_cents == 0
    sent.paper_posting.finish_batch(batch.remittance_id)
    assert sent.ledger.reconcile().ok


def test_a_line_allowed_below_the_fee_schedule_is_flagged(sent: Services) -> None:
    batch = _medicare_batch(sent, "78.00")
    visit, draw = _claim(sent, "E1").lines
    posting = ClaimPostingIn(
        _claim(sent, "E1").id,
        "1",
        (
            LinePostingIn(
                visit.id,
                paid=D("62.00"),
                allowed=D("80.00"),
                adjustments=(AdjustmentIn("CO", "45", D("70.00")), AdjustmentIn("PR", "2", D("18.00"))),
            ),
            LinePostingIn(
                draw.id,
                paid=D("16.00"),
                allowed=D("20.00"),
                adjustments=(AdjustmentIn("CO", "45", D("5.00")), AdjustmentIn("PR", "2", D("4.00"))),
            ),
        ),
    )
    posted = sent.paper_posting.post_claim(batch.remittance_id, posting)
    (under,) = posted.underpayments
    assert (under.line, under.code, under.expected_allowed, under.allowed, under.difference) == (
        1,
        "99213",
        D("90.00"),
        D("80.00"),
        D("10.00"),
    )
    with sent.db.session() as s:
        assert s.scalars(select(FeeScheduleEntryRecord)).first() is not None


amounts = st.integers(min_value=0, max_value=17500)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["post", "undo"]), amounts), min_size=1, max_size=6))
def test_random_postings_and_undos_keep_the_ledger_reconciled(sent: Services, steps: list[tuple[str, int]]) -> None:
    payer = _payer(sent, "TST01")
    claim = _claim(sent, "E1")
    visit, draw = claim.lines
    posted: list[int] = []
    with sent.db.session() as s:
        taken = s.scalar(select(ClaimRecord.id).where(ClaimRecord.id == claim.id))
    assert taken
    check = sent.paper_posting.open_batch(payer, f"H{len(steps)}-{abs(hash(tuple(steps))) % 10**8}", CHECK_DAY, D("0"))
    for action, cents in steps:
        if action == "post":
            paid = D(min(cents, 15000)) / 100
            posting = ClaimPostingIn(
                claim.id,
                "1",
                (
                    LinePostingIn(
                        visit.id, paid=paid, adjustments=(AdjustmentIn("CO", "45", D("150.00") - paid),), then="patient"
                    ),
                    LinePostingIn(
                        draw.id, paid=D("0"), adjustments=(AdjustmentIn("PR", "1", D("25.00")),), then="patient"
                    ),
                ),
            )
            posted.append(sent.paper_posting.post_claim(check.remittance_id, posting).claim_payment_id)
        elif posted:
            sent.paper_posting.undo_posting(posted.pop(), "hypothesis says so")
        report = sent.ledger.reconcile()
        assert report.ok, report.problems
    state = sent.paper_posting.batch(check.remittance_id)
    assert state.applied_cents >= 0
