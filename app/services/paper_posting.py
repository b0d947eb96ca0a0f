"""Posting a stack of paper EOBs: one check is a batch; claims are found by patient, account, claim number
or date, posted one at a time (each a transaction), and the batch finishes only when the check is fully
applied or the rest is parked as an unapplied credit with a reason. "Undo a posting" never edits: it
writes the reversal, and the claim goes back to waiting for the payer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.domain.money import from_cents, to_cents
from app.domain.posting import ClaimPostingIn
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.claims import ClaimService, CoverageIndex
from app.services.ledger import LedgerWriter
from app.services.posting import _plan_claim, _write_plans
from db.models import (
    AuditLogRecord,
    ClaimPaymentRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    CoverageRecord,
    DenialRecord,
    EncounterRecord,
    FeeScheduleEntryRecord,
    LedgerEntryRecord,
    LinePaymentRecord,
    PatientRecord,
    PayerRecord,
    RemittanceRecord,
    UnappliedCreditRecord,
)
from db.session import Database

POSTABLE = ("submitted", "accepted", "paid", "partially_paid", "denied")
UNDONE = "22"  # an undone posting is kept as its mirror image, like a payer's reversal


@dataclass(frozen=True)
class BatchState:
    remittance_id: int
    payer_id: int
    payer_name: str
    check_number: str
    check_date: dt.date
    deposit_date: dt.date | None
    batch_name: str | None
    check_cents: int
    applied_cents: int
    parked_cents: int
    claims_posted: int
    finished: bool

    @property
    def unapplied_cents(self) -> int:
        return self.check_cents - self.applied_cents - self.parked_cents


@dataclass(frozen=True)
class PostingLine:
    claim_line_id: int
    number: int
    date_of_service: dt.date
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge: Decimal
    expected_allowed: Decimal | None  # from the payer's fee schedule, when there is one


@dataclass(frozen=True)
class ClaimForPosting:
    claim_id: int
    claim_number: str
    status: str
    patient_name: str
    account_number: str
    date_of_service: dt.date
    payer_id: int
    payer_name: str
    payer_sequence: int
    has_next_payer: bool
    total_charge: Decimal
    copay: Decimal
    lines: tuple[PostingLine, ...]


@dataclass(frozen=True)
class Underpayment:
    claim_number: str
    line: int
    code: str
    expected_allowed: Decimal
    allowed: Decimal
    difference: Decimal


@dataclass(frozen=True)
class PostedClaim:
    claim_payment_id: int
    claim_number: str
    status: str
    paid: Decimal
    denials: int
    underpayments: tuple[Underpayment, ...]
    next_payer_claim: int | None
    batch: BatchState


class PaperPostingService:
    def __init__(self, db: Database, claims: ClaimService, user: str) -> None:
        self.db = db
        self.claims = claims
        self.user = user

    # ------------------------------------------------------------------ the batch

    def open_batch(
        self,
        payer_id: int,
        check_number: str,
        check_date: dt.date,
        check_amount: Decimal,
        deposit_date: dt.date | None = None,
        batch_name: str | None = None,
        method: str = "CHK",
    ) -> BatchState:
        check_number = check_number.strip()
        if not check_number:
            raise ValidationError("Type the check or EFT number.")
        if check_amount < 0:
            raise ValidationError("The check amount cannot be negative.")
        if check_date > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError("The check date is in the future.")
        with self.db.transaction() as s:
            payer = s.get(PayerRecord, payer_id)
            if payer is None:
                raise NotFoundError(f"No payer {payer_id}.")
            duplicate = s.scalar(
                select(RemittanceRecord.id).where(
                    RemittanceRecord.payer_id == payer_id, RemittanceRecord.check_number == check_number
                )
            )
            if duplicate:
                raise ClaimDeskError(f"Check {check_number} from {payer.name} is already entered (batch {duplicate}).")
            record = RemittanceRecord(
                payer_id=payer_id,
                source="paper",
                check_number=check_number,
                check_date=check_date,
                deposit_date=deposit_date,
                payment_method=method if method in ("CHK", "ACH", "NON") else "CHK",
                total_cents=to_cents(check_amount),
                batch_name=(batch_name or "").strip() or None,
                status="open",
                created_by=self.user,
            )
            s.add(record)
            s.flush()
            return self._state(s, record.id)

    def batch(self, remittance_id: int) -> BatchState:
        with self.db.session() as s:
            return self._state(s, remittance_id)

    def open_batches(self) -> list[BatchState]:
        with self.db.session() as s:
            ids = s.scalars(
                select(RemittanceRecord.id)
                .where(RemittanceRecord.source == "paper", RemittanceRecord.status == "open")
                .order_by(RemittanceRecord.id)
            ).all()
            return [self._state(s, i) for i in ids]

    def finish_batch(self, remittance_id: int, park_reason: str | None = None) -> BatchState:
        """Close the batch: the check must be fully applied, or the rest parked with a reason."""
        with self.db.transaction() as s:
            state = self._state(s, remittance_id)
            if state.finished:
                raise ClaimDeskError("This batch is already finished.")
            rest = state.unapplied_cents
            if rest:
                reason = (park_reason or "").strip()
                if rest < 0:
                    raise ValidationError(
                        f"More was posted than the check holds (${from_cents(-rest)} over); undo a posting or fix "
                        "the check amount."
                    )
                if not reason:
                    raise ValidationError(
                        f"${from_cents(rest)} of the check is not applied. Post it to claims, or park it as an "
                        "unapplied credit with the reason."
                    )
                s.add(UnappliedCreditRecord(remittance_id=remittance_id, amount_cents=rest, reason=reason))
            record = s.get(RemittanceRecord, remittance_id)
            assert record is not None
            record.status = "finished"
            s.add(
                AuditLogRecord(
                    username=self.user, action="eob_batch_finished", entity="remittance", entity_id=str(remittance_id)
                )
            )
            s.flush()
            return self._state(s, remittance_id)

    def _state(self, s: Session, remittance_id: int) -> BatchState:
        record = s.get(RemittanceRecord, remittance_id)
        if record is None:
            raise NotFoundError(f"No payment batch {remittance_id}.")
        applied, count = s.execute(
            select(func.coalesce(func.sum(ClaimPaymentRecord.paid_cents), 0), func.count(ClaimPaymentRecord.id)).where(
                ClaimPaymentRecord.remittance_id == remittance_id, ClaimPaymentRecord.status_code != UNDONE
            )
        ).one()
        undone = s.scalar(
            select(func.coalesce(func.sum(ClaimPaymentRecord.paid_cents), 0)).where(
                ClaimPaymentRecord.remittance_id == remittance_id, ClaimPaymentRecord.status_code == UNDONE
            )
        )
        parked = s.scalar(
            select(func.coalesce(func.sum(UnappliedCreditRecord.amount_cents), 0)).where(
                UnappliedCreditRecord.remittance_id == remittance_id
            )
        )
        payer = s.get(PayerRecord, record.payer_id) if record.payer_id else None
        return BatchState(
            record.id,
            record.payer_id or 0,
            payer.name if payer else "",
            record.check_number,
            record.check_date,
            record.deposit_date,
            record.batch_name,
            record.total_cents,
            int(applied) + int(undone),
            int(parked),
            int(count),
            record.status == "finished",
        )

    # ------------------------------------------------------------------ finding the claim

    def find_claims(self, payer_id: int, query: str, limit: int = 50) -> list[ClaimForPosting]:
        """Sent claims of this payer by patient name ('smith', 'smith, jo'), account, claim number or a date
        of service (MM/DD/YYYY or YYYY-MM-DD)."""
        text = query.strip()
        with self.db.session() as s:
            stmt = (
                select(ClaimRecord.id)
                .join(EncounterRecord, EncounterRecord.id == ClaimRecord.encounter_id)
                .join(PatientRecord, PatientRecord.id == EncounterRecord.patient_id)
                .where(ClaimRecord.payer_id == payer_id, ClaimRecord.status.in_(POSTABLE))
                .order_by(EncounterRecord.date_of_service.desc(), ClaimRecord.id.desc())
                .limit(limit)
            )
            day = _date(text)
            if day is not None:
                stmt = stmt.where(EncounterRecord.date_of_service == day)
            elif text:
                upper = text.upper()
                last, _, first = upper.partition(",")
                conditions = [
                    ClaimRecord.claim_number == upper,
                    PatientRecord.account_number == upper,
                    func.upper(PatientRecord.last_name).startswith(last.strip())
                    & func.upper(PatientRecord.first_name).startswith(first.strip()),
                ]
                if upper.isdigit():
                    conditions.append(ClaimRecord.id == int(upper))
                stmt = stmt.where(or_(*conditions))
            return [self._claim(s, cid) for cid in s.scalars(stmt)]

    def claim_for_posting(self, claim_id: int) -> ClaimForPosting:
        with self.db.session() as s:
            return self._claim(s, claim_id)

    def _claim(self, s: Session, claim_id: int) -> ClaimForPosting:
        claim = s.scalar(select(ClaimRecord).where(ClaimRecord.id == claim_id).options(selectinload(ClaimRecord.lines)))
        if claim is None:
            raise NotFoundError(f"No claim {claim_id}.")
        enc = s.get(EncounterRecord, claim.encounter_id)
        assert enc is not None
        patient = s.get(PatientRecord, enc.patient_id)
        payer = s.get(PayerRecord, claim.payer_id) if claim.payer_id else None
        assert patient is not None and payer is not None
        in_force = CoverageIndex(s, [patient.id]).on(patient.id, enc.date_of_service)
        copay = s.scalar(select(CoverageRecord.copay_cents).where(CoverageRecord.id == claim.coverage_id)) or 0
        fees = _fees(s, payer.id, [ln.code for ln in claim.lines], enc.date_of_service)
        return ClaimForPosting(
            claim.id,
            claim.claim_number,
            claim.status,
            f"{patient.last_name}, {patient.first_name}",
            patient.account_number,
            enc.date_of_service,
            payer.id,
            payer.name,
            claim.payer_sequence,
            any(c.priority > claim.payer_sequence for c in in_force),
            from_cents(claim.total_charge_cents),
            from_cents(copay),
            tuple(
                PostingLine(
                    ln.id,
                    ln.line_number,
                    ln.date_from,
                    ln.code,
                    tuple(m for m in (ln.modifier1, ln.modifier2, ln.modifier3, ln.modifier4) if m),
                    ln.units,
                    from_cents(ln.charge_cents),
                    _expected(fees, ln.code, ln.modifier1, ln.units),
                )
                for ln in claim.lines
            ),
        )

    # ------------------------------------------------------------------ posting and undoing

    def post_claim(self, remittance_id: int, posting: ClaimPostingIn) -> PostedClaim:
        """Post one claim from the EOB into the open batch (one transaction). Lines must balance: charge −
        adjustments = paid. A denied line opens a denial; the next payer gets its claim when it owes."""
        with self.db.transaction() as s:
            record = s.get(RemittanceRecord, remittance_id)
            if record is None or record.source != "paper":
                raise NotFoundError(f"No paper payment batch {remittance_id}.")
            if record.status == "finished":
                raise ClaimDeskError("This batch is finished; open a new one for another check.")
            claim = s.scalar(
                select(ClaimRecord).where(ClaimRecord.id == posting.claim_id).options(selectinload(ClaimRecord.lines))
            )
            if claim is None:
                raise NotFoundError(f"No claim {posting.claim_id}.")
            if claim.status not in POSTABLE:
                raise ClaimDeskError(
                    f"Claim {claim.claim_number} is {claim.status.replace('_', ' ')}: it was not sent."
                )
            enc = s.get(EncounterRecord, claim.encounter_id)
            assert enc is not None
            coverage = CoverageIndex(s, [enc.patient_id])
            plan = _plan_claim(record, claim, enc, coverage, posting)
            denials = _write_plans(s, record, [plan], self.user, _now())
            s.flush()
            cp_id = s.scalar(
                select(ClaimPaymentRecord.id)
                .where(ClaimPaymentRecord.remittance_id == remittance_id, ClaimPaymentRecord.claim_id == claim.id)
                .order_by(ClaimPaymentRecord.id.desc())
                .limit(1)
            )
            s.expire_all()
            created = self.claims.next_payer_claims_in(s, [claim.id]) if posting.status_code in ("1", "2") else []
            under = _underpayments(s, claim.id, cp_id)
            state = self._state(s, remittance_id)
            return PostedClaim(
                cp_id,
                claim.claim_number,
                plan.status,
                from_cents(plan.payment["paid_cents"]),
                denials,
                tuple(under),
                created[0] if created else None,
                state,
            )

    def undo_posting(self, claim_payment_id: int, reason: str) -> BatchState:
        """Undo one claim's posting: every ledger entry it wrote is reversed (never edited or deleted), its
        denials close, and the claim waits for the payer again."""
        reason = reason.strip()
        if len(reason) < 4:
            raise ValidationError("Say why the posting is undone (it is kept with the payment).")
        with self.db.transaction() as s:
            cp = s.get(ClaimPaymentRecord, claim_payment_id)
            if cp is None or cp.claim_id is None or cp.status_code == UNDONE:
                raise NotFoundError(f"No posted claim payment {claim_payment_id}.")
            line_ids = [lp.id for lp in cp.line_payments]
            entries = s.scalars(
                select(LedgerEntryRecord).where(
                    or_(
                        LedgerEntryRecord.line_payment_id.in_(line_ids),
                        (LedgerEntryRecord.remittance_id == cp.remittance_id)
                        & (LedgerEntryRecord.claim_id == cp.claim_id)
                        & LedgerEntryRecord.line_payment_id.is_(None)
                        & (LedgerEntryRecord.kind != "reversal"),
                    )
                )
            ).all()
            already = set(
                s.scalars(
                    select(LedgerEntryRecord.reverses_entry_id).where(
                        LedgerEntryRecord.reverses_entry_id.in_([e.id for e in entries])
                    )
                )
            )
            if already:
                raise ClaimDeskError("This posting was already undone.")
            record = s.get(RemittanceRecord, cp.remittance_id)
            assert record is not None
            with LedgerWriter(s, self.user) as ledger:
                for txn in sorted({e.txn_id for e in entries}):
                    ledger.reverse_transaction(txn, dt.date.today(), f"posting undone: {reason}")
            mirror = ClaimPaymentRecord(
                remittance_id=cp.remittance_id,
                claim_id=cp.claim_id,
                status_code=UNDONE,
                patient_control_number=cp.patient_control_number,
                charge_cents=-cp.charge_cents,
                paid_cents=-cp.paid_cents,
                patient_responsibility_cents=-cp.patient_responsibility_cents,
                payer_claim_number=cp.payer_claim_number,
            )
            s.add(mirror)
            for denial in s.scalars(select(DenialRecord).where(DenialRecord.claim_payment_id == cp.id)):
                denial.status = "resolved"
            claim = s.get(ClaimRecord, cp.claim_id)
            assert claim is not None
            claim.status = "submitted"
            claim.history.append(
                ClaimStatusEventRecord(
                    status="submitted", by_user=self.user, at=_now(), note=f"posting undone: {reason}"
                )
            )
            s.add(
                AuditLogRecord(
                    username=self.user,
                    action="posting_undone",
                    entity="claim_payment",
                    entity_id=str(cp.id),
                    detail=reason[:200],
                )
            )
            s.flush()
            return self._state(s, cp.remittance_id)


# ---------------------------------------------------------------------------------------------- helpers


def _fees(s: Session, payer_id: int, codes: list[str], on: dt.date) -> dict[tuple[str, str], int]:
    rows = s.execute(
        select(
            FeeScheduleEntryRecord.code, FeeScheduleEntryRecord.modifier, FeeScheduleEntryRecord.allowed_cents
        ).where(
            FeeScheduleEntryRecord.payer_id == payer_id,
            FeeScheduleEntryRecord.code.in_(codes),
            FeeScheduleEntryRecord.effective_from <= on,
            or_(FeeScheduleEntryRecord.effective_to.is_(None), FeeScheduleEntryRecord.effective_to >= on),
        )
    ).all()
    return {(code, modifier or ""): cents for code, modifier, cents in rows}


def _expected(fees: dict[tuple[str, str], int], code: str, modifier: str | None, units: int) -> Decimal | None:
    cents = fees.get((code, modifier or "")) or fees.get((code, ""))
    return from_cents(cents * units) if cents is not None else None


def _underpayments(s: Session, claim_id: int, claim_payment_id: int | None) -> list[Underpayment]:
    """Lines allowed below the payer's fee schedule (when the practice loaded one)."""
    if claim_payment_id is None:
        return []
    claim = s.get(ClaimRecord, claim_id)
    assert claim is not None
    enc = s.get(EncounterRecord, claim.encounter_id)
    assert enc is not None and claim.payer_id is not None
    lines = {ln.id: ln for ln in claim.lines}
    fees = _fees(s, claim.payer_id, [ln.code for ln in claim.lines], enc.date_of_service)
    out = []
    for lp in s.scalars(select(LinePaymentRecord).where(LinePaymentRecord.claim_payment_id == claim_payment_id)):
        line = lines.get(lp.claim_line_id or 0)
        if line is None or lp.allowed_cents is None or lp.paid_cents == 0:
            continue
        expected = _expected(fees, line.code, line.modifier1, line.units)
        allowed = from_cents(lp.allowed_cents)
        if expected is not None and allowed < expected:
            out.append(
                Underpayment(claim.claim_number, line.line_number, line.code, expected, allowed, expected - allowed)
            )
    return out


def underpayments_for(db: Database, claim_ids: list[int]) -> list[Underpayment]:
    """Every posted line of these claims allowed below the fee schedule (for the follow-up queue)."""
    with db.session() as s:
        out: list[Underpayment] = []
        for cid in claim_ids:
            for cp_id in s.scalars(
                select(ClaimPaymentRecord.id).where(
                    ClaimPaymentRecord.claim_id == cid, ClaimPaymentRecord.status_code != UNDONE
                )
            ):
                out.extend(_underpayments(s, cid, cp_id))
        return out


def _date(text: str) -> dt.date | None:
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%m%d%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
