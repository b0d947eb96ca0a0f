"""Posting a payer's remittance: claim and line payments, CAS adjustments, denials, all into the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain.ledger import party_for_sequence
from app.domain.money import from_cents, to_cents
from app.domain.posting import GROUP_CODES, ClaimPostingIn, RemittanceIn, is_denial, line_balances
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.claims import CoverageIndex, set_claim_status
from app.services.ledger import LedgerWriter
from db.models import (
    AdjustmentRecord,
    ClaimLineRecord,
    ClaimPaymentRecord,
    ClaimRecord,
    DenialRecord,
    EncounterRecord,
    LinePaymentRecord,
    RemarkCodeRecord,
    RemittanceRecord,
)
from db.session import Database

CONTRACTUAL_CARCS = frozenset({"45", "253", "59"})


@dataclass(frozen=True)
class PostingResult:
    remittance_id: int
    claims_posted: int
    denials: int
    paid_cents: int


class PostingService:
    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    def post_remittance(self, remit: RemittanceIn) -> PostingResult:
        """Post a whole check in one transaction; the check must equal the sum of what it pays."""
        with self.db.transaction() as s:
            return self.post_in(s, remit)

    def post_in(self, s: Session, remit: RemittanceIn, when: dt.datetime | None = None) -> PostingResult:
        paid = sum((ln.paid for c in remit.claims for ln in c.lines), Decimal("0"))
        if paid != remit.total:
            raise ValidationError(
                f"Check {remit.check_number}: the check is {remit.total} but the claims posted add up to {paid}; "
                "nothing was posted."
            )
        record = RemittanceRecord(
            payer_id=remit.payer_id, source="paper", check_number=remit.check_number, check_date=remit.check_date,
            deposit_date=remit.deposit_date, payment_method=remit.payment_method, total_cents=to_cents(remit.total),
            batch_name=remit.batch_name, status="finished", created_by=self.user,
        )
        if when is not None:
            record.created_at = when
        s.add(record)
        with s.no_autoflush:
            claims = {c.id: c for c in s.scalars(
                select(ClaimRecord).where(ClaimRecord.id.in_([p.claim_id for p in remit.claims]))
                .options(selectinload(ClaimRecord.lines))
            )}
            encounters = {e.id: e for e in s.scalars(
                select(EncounterRecord).where(EncounterRecord.id.in_([c.encounter_id for c in claims.values()]))
            )}
            coverage = CoverageIndex(s, (e.patient_id for e in encounters.values()))
            denials = 0
            for posting in remit.claims:
                claim = claims.get(posting.claim_id)
                if claim is None:
                    raise NotFoundError(f"No claim {posting.claim_id}.")
                denials += self._post_claim(s, record, claim, encounters[claim.encounter_id], coverage, posting, when)
        s.flush()
        return PostingResult(record.id, len(remit.claims), denials, to_cents(paid))

    def _post_claim(self, s: Session, remit: RemittanceRecord, claim: ClaimRecord, encounter: EncounterRecord,
                    coverage: CoverageIndex, posting: ClaimPostingIn, when: dt.datetime | None) -> int:
        if claim.payer_id != remit.payer_id:
            raise ClaimDeskError(f"Claim {claim.claim_number} is not billed to this check's payer.")
        lines = {ln.id: ln for ln in claim.lines}
        party = party_for_sequence(claim.payer_sequence)
        later = [c for c in coverage.on(encounter.patient_id, encounter.date_of_service)
                 if c.priority > claim.payer_sequence]
        next_party = party_for_sequence(later[0].priority) if later else "patient"
        cp = ClaimPaymentRecord(
            remittance=remit, claim_id=claim.id, status_code=posting.status_code,
            patient_control_number=claim.claim_number, charge_cents=claim.total_charge_cents,
            paid_cents=to_cents(sum((ln.paid for ln in posting.lines), Decimal("0"))),
            patient_responsibility_cents=to_cents(sum(
                (a.amount for ln in posting.lines for a in ln.adjustments if a.group_code == "PR"), Decimal("0"))),
            payer_claim_number=posting.payer_claim_number,
        )
        s.add(cp)
        for code in posting.remarks:
            s.add(RemarkCodeRecord(claim_payment=cp, code=code))
        ledger = LedgerWriter(s, self.user)
        on = remit.check_date
        denied_lines = 0
        for lp_in in posting.lines:
            line: ClaimLineRecord | None = lines.get(lp_in.claim_line_id)
            if line is None:
                raise ClaimDeskError(f"Line {lp_in.claim_line_id} is not on claim {claim.claim_number}.")
            charge = from_cents(line.charge_cents)
            if not line_balances(charge, lp_in.paid, lp_in.adjustments):
                raise ValidationError(
                    f"Claim {claim.claim_number} line {line.line_number}: charge {charge} minus adjustments "
                    f"does not equal paid {lp_in.paid}; nothing was posted."
                )
            lp = LinePaymentRecord(
                claim_payment=cp, claim_line_id=line.id, code=line.code,
                modifiers=":".join(m for m in (line.modifier1, line.modifier2, line.modifier3, line.modifier4) if m)
                or None,
                units=line.units, charge_cents=line.charge_cents,
                allowed_cents=to_cents(lp_in.allowed) if lp_in.allowed is not None else None,
                paid_cents=to_cents(lp_in.paid), service_date=line.date_from,
            )
            s.add(lp)
            key = (line.service_line_id, encounter.patient_id)
            txn = ledger.new_txn()
            common = {"payer_id": claim.payer_id, "claim_id": claim.id, "remittance": remit, "line_payment": lp}
            if lp_in.paid:
                ledger.add(txn_id=txn, line=key, kind="insurance_payment", party=party,
                           amount_cents=-to_cents(lp_in.paid), on=on, **common)
            for adj in lp_in.adjustments:
                if adj.group_code not in GROUP_CODES:
                    raise ValidationError(f"Unknown adjustment group {adj.group_code!r} (expected CO, PR, OA, PI or CR).")
                s.add(AdjustmentRecord(claim_payment=cp, line_payment=lp, group_code=adj.group_code,
                                       carc=adj.carc, amount_cents=to_cents(adj.amount)))
                cents = to_cents(adj.amount)
                if adj.group_code == "PR":
                    target = next_party if lp_in.then == "next_payer" else "patient"
                    ledger.transfer(txn_id=txn, line=key, from_party=party, to_party=target, amount_cents=cents,
                                    on=on, group_code="PR", carc=adj.carc, **common)
                elif adj.carc in CONTRACTUAL_CARCS and adj.group_code == "CO":
                    ledger.add(txn_id=txn, line=key, kind="adjustment", party=party, amount_cents=-cents, on=on,
                               adjustment_type="contractual", group_code=adj.group_code, carc=adj.carc, **common)
                elif lp_in.then == "next_payer" and later:
                    ledger.transfer(txn_id=txn, line=key, from_party=party, to_party=next_party,
                                    amount_cents=cents, on=on, group_code=adj.group_code, carc=adj.carc, **common)
                # Otherwise a denied amount stays owed by this payer until it is appealed or written off.
            for code in lp_in.remarks:
                s.add(RemarkCodeRecord(claim_payment=cp, line_payment=lp, code=code))
            if is_denial(lp_in.paid, lp_in.adjustments):
                denied_lines += 1
                main = next(a for a in lp_in.adjustments if a.group_code != "PR" and a.carc != "45")
                s.add(DenialRecord(claim_id=claim.id, claim_line_id=line.id, claim_payment=cp,
                                   group_code=main.group_code, carc=main.carc,
                                   rarc=lp_in.remarks[0] if lp_in.remarks else None,
                                   amount_cents=to_cents(main.amount)))
        if denied_lines == len(posting.lines):
            status = "denied"
        elif denied_lines:
            status = "partially_paid"
        else:
            status = "paid"
        set_claim_status(s, claim, status, self.user, note=f"check {remit.check_number}", at=when)
        return denied_lines

    def claim_ids_awaiting_payment(self) -> list[int]:
        with self.db.session() as s:
            return list(s.scalars(select(ClaimRecord.id).where(ClaimRecord.status == "submitted")))
