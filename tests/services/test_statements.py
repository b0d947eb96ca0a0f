"""Statement runs, told as the front desk's month: who gets one, what it says, and the dunning that
escalates with each statement of the same balance."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from app.domain.money import format_money
from app.domain.statements import StatementOptions, dunning_messages
from app.services.container import Services
from app.services.jobs import JobCancelled, JobContext
from db.models import LedgerEntryRecord, PatientRecord, StatementRecord, StatementRunRecord
from tests.factories import bill
from tests.services.account_story import bill_and_pay

APRIL, MAY, JUNE = dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)


@pytest.fixture
def desk(loaded: Services) -> Services:
    bill_and_pay(loaded)
    return loaded


def _pages(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _amount_due(text: str) -> str:
    found = re.search(r"Amount due: (\$[\d,.]+)", text)
    assert found is not None
    return found.group(1)


def _flag(desk: Services, account: str, **flags: bool) -> None:
    with desk.db.transaction() as s:
        patient = s.scalar(select(PatientRecord).where(PatientRecord.account_number == account))
        assert patient is not None
        for name, value in flags.items():
            setattr(patient, name, value)


def test_each_guarantor_owing_at_least_the_minimum_is_a_candidate(desk: Services) -> None:
    found = {c.account_number: c.patient_cents for c in desk.statements.candidates(APRIL)}
    assert found == {"P001": 2200, "P002": 2500, "P004": 1850}
    assert {c.account_number: c.patient_ids for c in desk.statements.candidates(APRIL)}["P002"] == (2, 3)
    assert desk.statements.candidates(APRIL, StatementOptions(minimum_balance_cents=2000)) != []
    assert {
        c.account_number for c in desk.statements.candidates(APRIL, StatementOptions(minimum_balance_cents=2300))
    } == {"P002"}


def test_holds_and_payment_plans_get_no_statement(desk: Services) -> None:
    _flag(desk, "P004", statement_hold=True)
    _flag(desk, "P003", payment_plan=True)  # the child is on a plan: the family's guarantor gets none
    assert [c.account_number for c in desk.statements.candidates(APRIL)] == ["P001"]


def test_a_balance_still_with_insurance_waits_unless_asked(loaded: Services) -> None:
    bill(loaded)
    assert [c.account_number for c in loaded.statements.candidates(APRIL)] == ["P004"]
    pending = loaded.statements.candidates(APRIL, StatementOptions(include_pending=True, minimum_balance_cents=0))
    assert [c.account_number for c in pending] == ["P004"], "nothing is owed by the patients yet"


def test_the_statement_pdf_reads_back_with_the_amount_due_from_the_ledger(desk: Services, tmp_path: Path) -> None:
    result = desk.statements.run(APRIL, None, tmp_path / "april.pdf")

    pages = _pages(result.path)
    assert result.count == 3 == len(pages) and result.total_due_cents == 2200 + 2500 + 1850
    by_account = {re.search(r"Account: (P\d+)", p).group(1): p for p in pages}  # type: ignore[union-attr]
    for account, text in by_account.items():
        pid = desk.accounts.resolve(account)
        family = [pid, *(p for p in (3,) if account == "P002")]
        owed = sum(desk.ledger.patient_balance(p).patient_cents for p in family)
        assert _amount_due(text) == f"${owed / 100:,.2f}"
        assert "Please detach and return this portion with your payment" in text
        assert "Amount enclosed" in text and "Statement date: 4/1/2026" in text and "Due date: 4/22/2026" in text
    alice = by_account["P001"]
    assert "Test Practice" in alice and "(717) 555-0100" in alice
    assert "$18.00 moved to you as coinsurance" in alice
    assert "Test Medicare: paid $88.00, adjusted $65.00" in alice
    assert "$22.00 $0.00 $0.00 $0.00 $22.00" in alice, "aging: current, 31-60, 61-90, over 90, amount due"
    with desk.db.session() as s:
        run = s.get(StatementRunRecord, result.run_id)
        assert run is not None and (run.statement_count, run.total_due_cents) == (3, 6550)


def test_dunning_escalates_with_each_statement_of_the_same_balance(desk: Services, tmp_path: Path) -> None:
    tiers = dunning_messages(desk.settings.get("statement.dunning_tiers"))
    seen = []
    for n, day in enumerate((APRIL, MAY, JUNE)):
        result = desk.statements.run(day, None, tmp_path / f"{n}.pdf")
        (dana,) = [p for p in _pages(result.path) if "Account: P004" in p]
        seen.append(next(i for i, message in enumerate(tiers) if message[:60] in dana))
    assert seen == [0, 1, 2]
    with desk.db.session() as s:
        tiers_stored = list(
            s.scalars(
                select(StatementRecord.dunning_tier)
                .where(StatementRecord.guarantor_id == desk.accounts.resolve("P004"))
                .order_by(StatementRecord.id)
            )
        )
    assert tiers_stored == [0, 1, 2]


def test_a_payment_restarts_the_dunning_tiers(desk: Services, tmp_path: Path) -> None:
    desk.statements.run(APRIL, None, tmp_path / "a.pdf")
    desk.accounts.take_payment("P004", "5.00", "cash", None, dt.date(2026, 4, 10))
    desk.statements.run(MAY, None, tmp_path / "b.pdf")
    with desk.db.session() as s:
        latest = s.scalars(select(StatementRecord).order_by(StatementRecord.id.desc())).first()
        assert latest is not None
    dana = [
        st
        for st in (desk.statements.content(i) for i in range(1, latest.id + 1))
        if st["guarantor"]["account"] == "P004"
    ]
    assert [st["dunning_tier"] for st in dana] == [0, 0]
    assert dana[-1]["amount_due"] == "$13.50" and dana[-1]["previous_balance"] == "$18.50"


def test_no_second_statement_before_the_days_between_have_passed(desk: Services, tmp_path: Path) -> None:
    desk.statements.run(APRIL, None, tmp_path / "a.pdf")
    assert desk.statements.candidates(dt.date(2026, 4, 20)) == []
    assert len(desk.statements.candidates(dt.date(2026, 4, 29))) == 3


def test_a_reprint_has_exactly_the_text_of_the_original(desk: Services, tmp_path: Path) -> None:
    result = desk.statements.run(APRIL, None, tmp_path / "april.pdf")
    desk.accounts.take_payment("P001", "22.00", "check", "1001", dt.date(2026, 4, 5))  # later activity changes nothing

    first_page = _pages(result.path)[0]
    again = desk.statements.reprint(result.statement_ids[0], tmp_path / "again.pdf")
    assert _pages(again) == [first_page]


def test_mark_sent_stamps_the_runs_statements(desk: Services, tmp_path: Path) -> None:
    result = desk.statements.run(APRIL, None, tmp_path / "april.pdf")
    assert desk.statements.mark_sent(result.run_id) == 3
    assert desk.statements.mark_sent(result.run_id) == 0
    assert any(line.kind == "statement" and "sent" in line.text for line in desk.accounts.account("P001").lines)


def test_a_small_balance_is_written_off_after_n_statements(desk: Services, tmp_path: Path) -> None:
    desk.settings.set("statement.small_balance_writeoff", "20.00")
    desk.settings.set("statement.writeoff_after_statements", 2)
    write_off = StatementOptions(write_off_small_balances=True)
    first = desk.statements.run(APRIL, write_off, tmp_path / "a.pdf")
    second = desk.statements.run(MAY, write_off, tmp_path / "b.pdf")
    assert first.written_off.amount_cents == second.written_off.amount_cents == 0

    third = desk.statements.run(JUNE, write_off, tmp_path / "c.pdf")

    assert third.written_off.guarantors == 1 and third.written_off.amount_cents == 1850
    dana = desk.accounts.resolve("P004")
    assert desk.ledger.patient_balance(dana).patient_cents == 0
    assert all("Account: P004" not in p for p in _pages(third.path))
    with desk.db.session() as s:
        kinds = s.execute(
            select(LedgerEntryRecord.kind, LedgerEntryRecord.adjustment_type, LedgerEntryRecord.amount_cents).where(
                LedgerEntryRecord.id.in_(third.written_off.entry_ids)
            )
        ).all()
    assert kinds == [("adjustment", "small_balance", -1850)]
    assert desk.ledger.patient_balance(desk.accounts.resolve("P001")).patient_cents == 2200, "above the limit"


def test_a_cancelled_run_writes_nothing(desk: Services, tmp_path: Path) -> None:
    ctx = JobContext(on_progress=lambda done, total, message: ctx.cancel() if done == 0 else None)
    out = tmp_path / "cancelled.pdf"
    with pytest.raises(JobCancelled):
        desk.statements.run(APRIL, StatementOptions(write_off_small_balances=True), out, ctx)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    with desk.db.session() as s:
        assert s.scalar(select(func.count(StatementRunRecord.id))) == 0
        assert s.scalar(select(func.count(StatementRecord.id))) == 0


def test_past_statements_are_listed_newest_first_and_reprint_as_printed(desk: Services, tmp_path: Path) -> None:
    april = desk.statements.run(APRIL, None, tmp_path / "april.pdf")
    desk.statements.mark_sent(april.run_id)
    may = desk.statements.run(MAY, None, tmp_path / "may.pdf")

    listed = desk.statements.statements()

    assert [s.statement_id for s in listed] == sorted(may.statement_ids + april.statement_ids, reverse=True)
    assert [s.run_id for s in listed] == [may.run_id] * may.count + [april.run_id] * april.count
    assert all(s.sent_at is not None for s in listed if s.run_id == april.run_id)
    assert all(s.sent_at is None for s in listed if s.run_id == may.run_id)
    dana = desk.statements.statements(guarantor="P004")
    assert [(s.guarantor_account, s.guarantor_name, s.statement_date) for s in dana][-1][0] == "P004"
    assert [(s.statement_date, s.statement_number, s.dunning_tier) for s in dana] == [(MAY, 2, 1), (APRIL, 1, 0)]
    assert len(desk.statements.statements(limit=2)) == 2
    oldest = dana[-1]
    (page,) = _pages(desk.statements.reprint(oldest.statement_id, tmp_path / "again.pdf"))
    assert _amount_due(page) == format_money(oldest.amount_due_cents)
