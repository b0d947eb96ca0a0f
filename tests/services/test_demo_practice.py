"""The demo practice is believable: every workflow state, FY2026 dates, and a ledger that reconciles."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.services.container import Services, open_services
from app.services.demo import FY2026_END, FY2026_START, DemoOptions, DemoService
from db.models import (
    ChargeMasterItemRecord,
    ClaimRecord,
    CoverageRecord,
    DenialRecord,
    EncounterRecord,
    FacilityRecord,
    LedgerEntryRecord,
    LinePaymentRecord,
    PayerRecord,
    ProviderRecord,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Services:
    desk = open_services(tmp_path_factory.mktemp("demo") / "demo.sqlite3", user="tester")
    DemoService(desk.db, desk.importer, desk.claims, desk.posting).build(
        DemoOptions(seed=11, patients=120, encounters=600)
    )
    yield desk
    desk.close()


def test_every_workflow_state_is_present(demo: Services) -> None:
    with demo.db.session() as s:
        enc = Counter(s.scalars(select(EncounterRecord.status)))
        claims = Counter(s.scalars(select(ClaimRecord.status)))
        held = s.scalars(select(EncounterRecord).where(EncounterRecord.status == "on_hold")).all()
    for status in ("new", "in_coding", "on_hold", "coded", "ready_to_bill", "billed"):
        assert enc[status] > 0, status
    for status in ("submitted", "paid", "partially_paid", "denied"):
        assert claims[status] > 0, status
    assert all(h.hold_reason and h.query_text for h in held)


def test_dates_of_service_stay_inside_the_shipped_icd10cm_release(demo: Services) -> None:
    with demo.db.session() as s:
        first, last = s.execute(
            select(func.min(EncounterRecord.date_of_service), func.max(EncounterRecord.date_of_service))
        ).one()
    assert FY2026_START <= first and last <= FY2026_END
    assert (last - first).days >= 150
    assert all(d.weekday() < 5 for d in (first, last))


def test_the_practice_has_the_promised_shape(demo: Services) -> None:
    with demo.db.session() as s:
        payers = {p.claim_filing_indicator for p in s.scalars(select(PayerRecord))}
        assert {"MB", "MC", "CI", "BL", "HM"} <= payers
        commercial = s.scalar(
            select(func.count()).select_from(PayerRecord).where(PayerRecord.claim_filing_indicator.in_(("CI", "BL")))
        )
        assert commercial >= 3
        hmo = s.scalar(select(PayerRecord).where(PayerRecord.claim_filing_indicator == "HM"))
        assert hmo.timely_filing_days == 90
        assert s.scalar(select(func.count()).select_from(ProviderRecord).where(ProviderRecord.role == "rendering")) == 3
        assert s.scalar(select(func.count()).select_from(FacilityRecord)) == 2
        assert s.scalar(select(func.count()).select_from(CoverageRecord).where(CoverageRecord.priority == 2)) > 0
        names = list(s.scalars(select(ChargeMasterItemRecord.short_name)))
        assert names and all(len(n) <= 28 for n in names)


def test_notes_are_written_for_each_visit(demo: Services) -> None:
    with demo.db.session() as s:
        notes = list(s.scalars(select(EncounterRecord.note_text)))
    assert all(len(n) > 80 for n in notes)
    assert len({n[:200] for n in notes}) > 100


def test_the_demo_ledger_reconciles_to_its_remittances(demo: Services) -> None:
    report = demo.ledger.reconcile()
    assert report.ok, report.problems
    with demo.db.session() as s:
        paid = s.scalar(select(func.sum(LinePaymentRecord.paid_cents)))
        posted = -s.scalar(
            select(func.sum(LedgerEntryRecord.amount_cents)).where(LedgerEntryRecord.kind == "insurance_payment")
        )
        charges = s.scalar(select(func.sum(LedgerEntryRecord.amount_cents)).where(LedgerEntryRecord.kind == "charge"))
        billed = s.scalar(select(func.sum(ClaimRecord.total_charge_cents)))
        denials = s.scalar(select(func.count()).select_from(DenialRecord))
    assert paid == posted > 0
    assert charges >= billed > 0  # self-pay charges have no claim
    assert denials > 0
    balance = demo.ledger.practice_balance()
    assert balance.total_cents == s_total(demo)


def s_total(desk: Services) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.sum(LedgerEntryRecord.amount_cents)))


def test_claims_are_billed_after_the_visit_and_paid_after_billing(demo: Services) -> None:
    with demo.db.session() as s:
        rows = s.execute(
            select(ClaimRecord.first_billed_on, EncounterRecord.date_of_service).join(
                EncounterRecord, EncounterRecord.id == ClaimRecord.encounter_id
            )
        ).all()
    assert rows and all(billed > dos for billed, dos in rows)
    assert all(billed <= dt.date.today() for billed, _ in rows)


def test_the_demo_comes_with_a_medicare_835_that_passes_pyx12_and_posts(demo: Services, tmp_path) -> None:  # noqa: ANN001
    from app.formats.x12 import validate_x12
    from app.services.demo import write_sample_835

    path = write_sample_835(demo.db, tmp_path / "demo-835", claims=25)
    assert path is not None and validate_x12(path.read_text()) == []
    result = demo.era_import.import_file(path)
    assert result.unmatched == 0 and 0 < result.posted == len(result.outcomes) <= 25
    assert demo.era_import.import_file(path).already_imported
    assert demo.ledger.reconcile().ok
