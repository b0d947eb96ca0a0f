"""Billing a ready encounter and posting the payer's answer, told as a story."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.posting import AdjustmentIn, ClaimPostingIn, LinePostingIn, RemittanceIn
from app.errors import ClaimDeskError, ValidationError
from app.services.container import Services
from db.models import (
    ClaimPaymentRecord,
    ClaimRecord,
    DenialRecord,
    EncounterRecord,
    LedgerEntryRecord,
    PayerRecord,
    RemittanceRecord,
)
from tests.factories import bill

D = Decimal


def _claim(services: Services, source_id: str) -> ClaimRecord:
    with services.db.session() as s:
        claim = s.scalar(select(ClaimRecord).join(EncounterRecord).where(EncounterRecord.source_id == source_id))
        assert claim is not None
        _ = claim.lines, claim.history
        return claim


def _payer(services: Services, payer_id: str) -> int:
    with services.db.session() as s:
        return s.scalar(select(PayerRecord.id).where(PayerRecord.payer_id == payer_id))


def _patient_of(services: Services, source_id: str) -> int:
    with services.db.session() as s:
        return s.scalar(select(EncounterRecord.patient_id).where(EncounterRecord.source_id == source_id))


def test_ready_encounters_become_draft_claims_to_the_primary_payer(loaded: Services) -> None:
    result = loaded.claims.build_claims()
    assert len(result.claim_ids) == 2  # E1 (Medicare primary) and E2 (commercial)
    claim = _claim(loaded, "E1")
    assert claim.payer_id == _payer(loaded, "TST01")
    assert claim.frequency_code == "1" and claim.payer_sequence == 1
    assert [h.status for h in claim.history] == ["draft"]
    assert claim.claim_number.startswith("CD")
    assert [ln.code for ln in claim.lines] == ["99213", "36415"]
    assert claim.total_charge_cents == 17500


def test_charges_post_when_the_claim_is_sent_and_self_pay_goes_to_the_patient_at_billing(loaded: Services) -> None:
    result = loaded.claims.build_claims()
    assert len(result.self_pay_encounter_ids) == 1
    unsent = loaded.ledger.patient_balance(_patient_of(loaded, "E1"))
    assert unsent.total_cents == 0, "a draft claim can still be recoded, so nothing is owed yet"
    with loaded.db.transaction() as s:
        assert loaded.claims.submit_in(s, list(result.claim_ids), batch_id=None, on=dt.date(2026, 3, 10)) == 3
    medicare_patient = loaded.ledger.patient_balance(_patient_of(loaded, "E1"))
    assert medicare_patient.by_party["ins1"] == 17500 and medicare_patient.patient_cents == 0
    with loaded.db.transaction() as s, pytest.raises(ClaimDeskError, match="already submitted"):
        loaded.claims.submit_in(s, list(result.claim_ids), batch_id=None, on=dt.date(2026, 3, 11))
    assert loaded.ledger.patient_balance(_patient_of(loaded, "E1")).by_party["ins1"] == 17500
    self_pay = loaded.ledger.patient_balance(_patient_of(loaded, "E4"))
    assert self_pay.patient_cents == 1850 and self_pay.insurance_cents == 0
    with loaded.db.session() as s:
        assert set(
            s.scalars(select(EncounterRecord.status).where(EncounterRecord.source_id.in_(["E1", "E2", "E4"])))
        ) == {"billed"}


def _pay_primary_with_coinsurance_to_secondary(loaded: Services) -> ClaimRecord:
    claim = _claim(loaded, "E1")
    visit, draw = claim.lines
    loaded.posting.post_remittance(
        RemittanceIn(
            payer_id=claim.payer_id,
            check_number="EFT1001",
            check_date=dt.date(2026, 3, 20),
            total=D("88.00"),
            claims=(
                ClaimPostingIn(
                    claim.id,
                    "1",
                    (
                        LinePostingIn(
                            visit.id,
                            paid=D("72.00"),
                            allowed=D("90.00"),
                            then="next_payer",
                            adjustments=(AdjustmentIn("CO", "45", D("60.00")), AdjustmentIn("PR", "2", D("18.00"))),
                        ),
                        LinePostingIn(
                            draw.id,
                            paid=D("16.00"),
                            allowed=D("20.00"),
                            then="next_payer",
                            adjustments=(AdjustmentIn("CO", "45", D("5.00")), AdjustmentIn("PR", "2", D("4.00"))),
                        ),
                    ),
                    payer_claim_number="MCR123",
                ),
            ),
        )
    )
    return claim


def test_the_balance_a_secondary_owes_becomes_a_draft_claim_to_it_once(loaded: Services) -> None:
    bill(loaded)
    primary = _pay_primary_with_coinsurance_to_secondary(loaded)
    (secondary_id,) = loaded.claims.next_payer_claims([primary.id])
    with loaded.db.session() as s:
        secondary = s.get(ClaimRecord, secondary_id)
        assert (secondary.payer_sequence, secondary.payer_id, secondary.status) == (2, _payer(loaded, "TST02"), "draft")
        assert [ln.code for ln in secondary.lines] == ["99213", "36415"] and secondary.total_charge_cents == 17500
    assert loaded.claims.next_payer_claims([primary.id]) == [], "one claim per payer"
    with loaded.db.transaction() as s:
        assert loaded.claims.submit_in(s, [secondary_id], batch_id=None, on=dt.date(2026, 3, 25)) == 0, (
            "the charges were posted when the primary was sent"
        )
    assert loaded.ledger.patient_balance(_patient_of(loaded, "E1")).by_party["ins2"] == 2200
    assert loaded.ledger.reconcile().ok


def test_no_next_payer_claim_when_nothing_is_owed_by_one(loaded: Services) -> None:
    bill(loaded)
    assert loaded.claims.next_payer_claims([_claim(loaded, "E2").id]) == [], "E2's patient has one coverage"


def test_a_paid_claim_moves_coinsurance_to_the_secondary_payer(loaded: Services) -> None:
    bill(loaded)
    claim = _pay_primary_with_coinsurance_to_secondary(loaded)
    with loaded.db.session() as s:
        assert s.scalars(select(ClaimPaymentRecord.paid_cents)).one() == 8800
        assert s.scalar(select(func.count(DenialRecord.id))) == 0
    bal = loaded.ledger.patient_balance(_patient_of(loaded, "E1"))
    assert bal.by_party == {"ins1": 0, "ins2": 2200, "ins3": 0, "patient": 0}
    assert loaded.claims.claim_status(claim.id) == "paid"
    assert loaded.ledger.reconcile().ok


def test_a_zero_pay_line_with_a_denial_reason_creates_a_denial(loaded: Services) -> None:
    bill(loaded)
    claim = _claim(loaded, "E2")
    (visit,) = claim.lines
    remit = RemittanceIn(
        payer_id=claim.payer_id,
        check_number="CHK55",
        check_date=dt.date(2026, 3, 25),
        total=D("0.00"),
        claims=(
            ClaimPostingIn(
                claim.id,
                "4",
                (
                    LinePostingIn(
                        visit.id, paid=D("0"), adjustments=(AdjustmentIn("CO", "16", D("220.00")),), remarks=("M76",)
                    ),
                ),
            ),
        ),
    )
    assert loaded.posting.post_remittance(remit).denials == 1
    assert loaded.claims.claim_status(claim.id) == "denied"
    with loaded.db.session() as s:
        denial = s.scalars(select(DenialRecord)).one()
        assert (denial.group_code, denial.carc, denial.rarc, denial.amount_cents) == ("CO", "16", "M76", 22000)
    # The denied amount is still owed by the payer until it is worked.
    assert loaded.ledger.patient_balance(_patient_of(loaded, "E2")).by_party["ins1"] == 22000


def test_a_check_that_does_not_match_its_claims_posts_nothing(loaded: Services) -> None:
    bill(loaded)
    claim = _claim(loaded, "E2")
    (visit,) = claim.lines
    remit = RemittanceIn(
        payer_id=claim.payer_id,
        check_number="CHK56",
        check_date=dt.date(2026, 3, 25),
        total=D("100.00"),
        claims=(
            ClaimPostingIn(
                claim.id,
                "1",
                (LinePostingIn(visit.id, paid=D("95.00"), adjustments=(AdjustmentIn("CO", "45", D("125.00")),)),),
            ),
        ),
    )
    with pytest.raises(ValidationError, match="the check is 100.00"):
        loaded.posting.post_remittance(remit)
    with loaded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(RemittanceRecord)) == 0


def test_a_line_that_does_not_balance_is_refused_and_nothing_is_written(loaded: Services) -> None:
    bill(loaded)
    claim = _claim(loaded, "E2")
    (visit,) = claim.lines
    before = _ledger_rows(loaded)
    remit = RemittanceIn(
        payer_id=claim.payer_id,
        check_number="CHK57",
        check_date=dt.date(2026, 3, 25),
        total=D("95.00"),
        claims=(
            ClaimPostingIn(
                claim.id,
                "1",
                (LinePostingIn(visit.id, paid=D("95.00"), adjustments=(AdjustmentIn("CO", "45", D("100.00")),)),),
            ),
        ),
    )
    with pytest.raises(ValidationError, match="does not equal paid"):
        loaded.posting.post_remittance(remit)
    assert _ledger_rows(loaded) == before


def _ledger_rows(services: Services) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(LedgerEntryRecord)) or 0
