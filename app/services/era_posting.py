"""835 ERA import: match each claim payment to our claim, check the balancing, and post the whole file in one
transaction: payments, adjustments, patient responsibility, denials, reversals and provider-level
adjustments. A file is identified by its payer, trace number and content hash, so importing it again
posts nothing and says so. What cannot be matched waits in the unmatched queue with the reason, and is
posted when the biller matches it by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.domain.money import from_cents
from app.domain.posting import AdjustmentIn, ClaimPostingIn, LinePostingIn
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.claims import ClaimService, CoverageIndex
from app.services.jobs import JobContext
from app.services.ledger import LedgerWriter
from app.services.posting import _plan_claim, _write_plans
from db.models import (
    AdjustmentRecord,
    AuditLogRecord,
    ClaimLineRecord,
    ClaimPaymentRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    EncounterRecord,
    LedgerEntryRecord,
    LinePaymentRecord,
    PatientRecord,
    PayerRecord,
    ProviderAdjustmentRecord,
    RemarkCodeRecord,
    RemittanceRecord,
)
from db.session import Database

if TYPE_CHECKING:
    from app.domain.era import EraClaim, EraFile, EraLine, EraTransaction

CROSSOVER = ("19", "20", "21")
REVERSAL = "22"
NOT_OURS = "23"


@dataclass(frozen=True)
class ClaimOutcome:
    """What happened to one CLP of the file."""

    segment_number: int
    patient_control_number: str
    status_code: str
    paid_cents: int
    claim_id: int | None
    result: str  # 'posted', 'reversed', 'unmatched', 'unbalanced'
    reason: str | None = None


@dataclass(frozen=True)
class EraImportResult:
    file: str
    already_imported: bool
    remittance_ids: tuple[int, ...] = ()
    total_paid_cents: int = 0
    outcomes: tuple[ClaimOutcome, ...] = ()
    provider_adjustments_cents: int = 0
    next_payer_claims: tuple[int, ...] = ()
    balance_problems: tuple[str, ...] = ()

    @property
    def posted(self) -> int:
        return sum(1 for o in self.outcomes if o.result in ("posted", "reversed"))

    @property
    def unmatched(self) -> int:
        return sum(1 for o in self.outcomes if o.result in ("unmatched", "unbalanced"))

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.file} was already imported; nothing was posted again."
        return (
            f"{self.file}: {len(self.remittance_ids)} payment(s), ${from_cents(self.total_paid_cents)}; "
            f"{self.posted} claim(s) posted, {self.unmatched} waiting to be matched"
            + (
                f", provider adjustments ${from_cents(self.provider_adjustments_cents)}"
                if self.provider_adjustments_cents
                else ""
            )
            + (f"; {len(self.next_payer_claims)} claim(s) to the next payer" if self.next_payer_claims else "")
            + "."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "already_imported": self.already_imported,
            "remittances": list(self.remittance_ids),
            "total_paid": str(from_cents(self.total_paid_cents)),
            "posted": self.posted,
            "unmatched": self.unmatched,
            "provider_adjustments": str(from_cents(self.provider_adjustments_cents)),
            "next_payer_claims": list(self.next_payer_claims),
            "balance_problems": list(self.balance_problems),
            "claims": [
                {
                    "segment": o.segment_number,
                    "claim": o.patient_control_number,
                    "status": o.status_code,
                    "paid": str(from_cents(o.paid_cents)),
                    "result": o.result,
                    "reason": o.reason,
                }
                for o in self.outcomes
            ],
        }


@dataclass(frozen=True)
class UnmatchedPayment:
    claim_payment_id: int
    remittance_id: int
    check_number: str
    payer_name: str
    patient_control_number: str
    patient_name: str
    charge_cents: int
    paid_cents: int
    status_code: str
    reason: str
    service_date: dt.date | None


@dataclass
class _Matched:
    era: EraClaim
    claim: ClaimRecord
    lines: dict[int, int] = field(default_factory=dict)  # era line index -> claim line id


class EraImportService:
    def __init__(self, db: Database, claims: ClaimService, user: str) -> None:
        self.db = db
        self.claims = claims
        self.user = user

    # ------------------------------------------------------------------ reading

    def read(self, path: Path) -> EraFile:
        from app.formats.x12.x835 import parse_835

        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ClaimDeskError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
        return parse_835(data, path.name)

    # ------------------------------------------------------------------ importing

    def import_file(
        self, path: Path, accept_unbalanced: bool = False, ctx: JobContext | None = None
    ) -> EraImportResult:
        """Post a whole 835 file in one transaction (or nothing)."""
        from app.domain.era import claim_problems, transaction_problems

        ctx = ctx or JobContext()
        path = Path(path)
        era = self.read(path)
        problems = [p for tx in era.transactions for p in transaction_problems(tx)]
        unbalanced_claims = {c.segment_number for tx in era.transactions for c in tx.claims if claim_problems(c)}
        if problems and not accept_unbalanced:
            raise ValidationError(
                f"{path.name} does not balance; nothing was posted. Check it with the payer, or accept it to post "
                "every balanced claim and hold the rest:",
                [f"segment {p.segment_number}: {p.where}: {p.message}" for p in problems],
            )
        with self.db.transaction() as s:
            identities = [self._identity(tx, era) for tx in era.transactions]
            already = s.scalars(
                select(RemittanceRecord.file_identity).where(RemittanceRecord.file_identity.in_(identities))
            ).all()
            if already:
                if len(already) == len(identities):
                    return EraImportResult(path.name, True)
                raise ClaimDeskError(
                    f"{path.name} repeats payments already imported ({', '.join(sorted(already))}) together with new "
                    "ones; ask the payer for a file without the repeats."
                )
            for tx in era.transactions:
                self._check_trace_unused(s, tx)
            remittance_ids, outcomes, created = [], [], []
            total = plb_total = 0
            for n, (tx, identity) in enumerate(zip(era.transactions, identities, strict=True)):
                ctx.report(n, len(era.transactions), f"Posting payment {tx.trace_number}")
                rid, tx_outcomes, tx_created = self._post_transaction(
                    s, tx, identity, path.name, unbalanced_claims if accept_unbalanced else set()
                )
                remittance_ids.append(rid)
                outcomes.extend(tx_outcomes)
                created.extend(tx_created)
                total += tx.total_paid_cents
                plb_total += sum(a.amount_cents for a in tx.provider_adjustments)
            s.add(
                AuditLogRecord(
                    username=self.user,
                    action="835_imported",
                    entity="remittance",
                    entity_id=",".join(map(str, remittance_ids)),
                    detail=f"{path.name}: {len(outcomes)} claims",
                )
            )
        return EraImportResult(
            path.name,
            False,
            tuple(remittance_ids),
            total,
            tuple(outcomes),
            plb_total,
            tuple(created),
            tuple(f"segment {p.segment_number}: {p.where}: {p.message}" for p in problems),
        )

    @staticmethod
    def _identity(tx: EraTransaction, era: EraFile) -> str:
        """One payment: the payer's trace number (TRN02, with TRN03) and this transaction's content."""
        digest = hashlib.sha256(f"{era.content_sha256}:{tx.control_number}".encode()).hexdigest()[:24]
        return f"835:{tx.payer_identifier or tx.payer_id}:{tx.trace_number}:{digest}"[:128]

    def _check_trace_unused(self, s: Session, tx: EraTransaction) -> None:
        prefix = f"835:{tx.payer_identifier or tx.payer_id}:{tx.trace_number}:"
        found = s.scalar(select(RemittanceRecord.file_name).where(RemittanceRecord.file_identity.startswith(prefix)))
        if found:
            raise ClaimDeskError(
                f"Payment {tx.trace_number} from {tx.payer_name} was already imported from {found} with different "
                "content; nothing was posted. If the payer corrected it, they send a reversal (CLP02 22) instead."
            )

    # ------------------------------------------------------------------ one payment

    def _post_transaction(
        self, s: Session, tx: EraTransaction, identity: str, file_name: str, held: set[int]
    ) -> tuple[int, list[ClaimOutcome], list[int]]:
        payer = self._payer(s, tx)
        record = RemittanceRecord(
            payer_id=payer.id,
            source="835",
            check_number=tx.trace_number,
            check_date=tx.payment_date,
            payment_method="ACH" if tx.payment_method == "ACH" else "CHK" if tx.payment_method == "CHK" else "NON",
            total_cents=tx.total_paid_cents,
            file_name=file_name,
            file_identity=identity,
            status="finished",
            created_by=self.user,
        )
        s.add(record)
        s.flush()
        outcomes: list[ClaimOutcome] = []
        matched: list[_Matched] = []
        reversals: list[_Matched] = []
        unmatched: list[tuple[EraClaim, str]] = []
        self._prefetch(s, tx)
        self._reversals_here: dict[str, int] = defaultdict(int)
        for c in tx.claims:
            if c.status_code == REVERSAL:
                self._reversals_here[(c.patient_control_number or "").strip().upper()] += 1
        for era in tx.claims:
            if era.segment_number in held:
                unmatched.append((era, "unbalanced: held for review"))
                continue
            found, reason = self._match(s, payer, era)
            if found is None:
                unmatched.append((era, reason or "no claim matches"))
            elif era.status_code == REVERSAL:
                reversals.append(found)
            else:
                matched.append(found)
        for m in reversals:
            self._reverse(s, record, m)
            outcomes.append(_outcome(m.era, m.claim.id, "reversed"))
        created: list[int] = []
        if matched:
            outcomes.extend(_outcome(m.era, m.claim.id, "posted") for m in matched)  # ids before the bulk write
            created = self._post_matched(s, record, matched)
        for era, reason in unmatched:
            self._store_unmatched(s, record, era, reason)
            outcomes.append(
                _outcome(era, None, "unbalanced" if reason.startswith("unbalanced") else "unmatched", reason)
            )
        for adj in tx.provider_adjustments:
            s.add(
                ProviderAdjustmentRecord(
                    remittance_id=record.id,
                    reason_code=adj.reason_code,
                    reference=adj.reference,
                    amount_cents=adj.amount_cents,
                    fiscal_period_date=adj.fiscal_period_date,
                )
            )
        s.flush()
        outcomes.sort(key=lambda o: o.segment_number)
        return record.id, outcomes, created

    def _payer(self, s: Session, tx: EraTransaction) -> PayerRecord:
        for key in (tx.payer_id, tx.payer_identifier):
            if key:
                found = s.scalar(select(PayerRecord).where(PayerRecord.payer_id == key))
                if found is not None:
                    return found
        named = s.scalars(
            select(PayerRecord).where(func.upper(PayerRecord.name) == (tx.payer_name or "").upper())
        ).all()
        if len(named) == 1:
            return named[0]
        raise NotFoundError(
            f"The payer of payment {tx.trace_number} ({tx.payer_name}, id {tx.payer_id or tx.payer_identifier}) is not "
            "set up; add it (Practice setup > Payers) with that payer id, then import again."
        )

    # ------------------------------------------------------------------ matching

    def _prefetch(self, s: Session, tx: EraTransaction) -> None:
        """The file's claims by number and their patients' names, in a few queries instead of a few per claim."""
        numbers = sorted({(c.patient_control_number or "").strip().upper() for c in tx.claims})
        self._claims: dict[str, ClaimRecord] = {}
        self._patients: dict[int, str] = {}
        for i in range(0, len(numbers), 500):
            for claim in s.scalars(
                select(ClaimRecord)
                .where(ClaimRecord.claim_number.in_(numbers[i : i + 500]))
                .options(selectinload(ClaimRecord.lines))
            ):
                self._claims[claim.claim_number] = claim
        encounters = sorted({c.encounter_id for c in self._claims.values()})
        for i in range(0, len(encounters), 500):
            for enc_id, last in s.execute(
                select(EncounterRecord.id, PatientRecord.last_name)
                .join(PatientRecord, PatientRecord.id == EncounterRecord.patient_id)
                .where(EncounterRecord.id.in_(encounters[i : i + 500]))
            ):
                self._patients[enc_id] = last.upper()

    def _match(self, s: Session, payer: PayerRecord, era: EraClaim) -> tuple[_Matched | None, str | None]:
        """By our claim number (CLP01) when the charge and patient agree, else by patient, date and charge."""
        charge = abs(era.charge_cents)
        number = (era.patient_control_number or "").strip().upper()
        claim = getattr(self, "_claims", {}).get(number) or s.scalar(
            select(ClaimRecord).where(ClaimRecord.claim_number == number).options(selectinload(ClaimRecord.lines))
        )
        reason = None
        if claim is not None:
            claim = self._for_payer(s, claim, payer)
            if claim is None:
                reason = f"claim {number} was not billed to {payer.name}"
            elif claim.total_charge_cents != charge:
                billed = from_cents(claim.total_charge_cents)
                reason = f"claim {number} charged ${billed}, the payer says ${from_cents(charge)}"
                claim = None
            elif not self._same_patient(s, claim, era):
                reason = f"claim {number} is for another patient than {era.patient_last}, {era.patient_first}"
                claim = None
        if claim is None:
            claim = self._by_patient_date_charge(s, payer, era, charge)
            if claim is None:
                return None, reason or f"no claim {number or '(blank)'} and no claim for that patient, date and charge"
        if not era.lines:
            return (
                None,
                f"claim {claim.claim_number}: the payer sent no service lines; post it from the paper EOB screen",
            )
        if era.status_code != REVERSAL:
            earlier = self._live_payment(s, claim.id, era)
            if earlier:
                return None, (
                    f"claim {claim.claim_number} is already paid by this payer (check {earlier}); a second payment "
                    "is an overpayment to refund or to be recouped: match it by hand only if the payer meant it"
                )
        lines, problem = _match_lines(era.lines, list(claim.lines))
        if problem:
            return None, f"claim {claim.claim_number}: {problem}"
        return _Matched(era, claim, lines), None

    def _live_payment(self, s: Session, claim_id: int, era: EraClaim) -> str | None:
        """The check of an earlier payment of this claim that no reversal has undone (in the database or
        earlier in this file), or None."""
        rows = s.execute(
            select(ClaimPaymentRecord.status_code, RemittanceRecord.check_number)
            .join(RemittanceRecord, RemittanceRecord.id == ClaimPaymentRecord.remittance_id)
            .where(ClaimPaymentRecord.claim_id == claim_id)
            .order_by(ClaimPaymentRecord.id)
        ).all()
        live = [check for code, check in rows if code != REVERSAL]
        undone = sum(1 for code, _ in rows if code == REVERSAL)
        pending = getattr(self, "_reversals_here", {}).get((era.patient_control_number or "").strip().upper(), 0)
        return live[-1] if len(live) - undone - pending > 0 else None

    def _for_payer(self, s: Session, claim: ClaimRecord, payer: PayerRecord) -> ClaimRecord | None:
        """The claim this payer adjudicated: ours, or the same encounter's claim to it (a crossover)."""
        if claim.payer_id == payer.id:
            return claim
        return s.scalar(
            select(ClaimRecord)
            .where(
                ClaimRecord.encounter_id == claim.encounter_id,
                ClaimRecord.payer_id == payer.id,
                ClaimRecord.status != "void",
            )
            .order_by(ClaimRecord.id.desc())
            .options(selectinload(ClaimRecord.lines))
            .limit(1)
        )

    def _same_patient(self, s: Session, claim: ClaimRecord, era: EraClaim) -> bool:
        known = getattr(self, "_patients", {}).get(claim.encounter_id)
        if known is not None and era.patient_last and known == era.patient_last.strip().upper():
            return True
        patient = s.scalar(select(PatientRecord).join(EncounterRecord).where(EncounterRecord.id == claim.encounter_id))
        if patient is None:
            return False
        if era.patient_last and patient.last_name.upper() == era.patient_last.strip().upper():
            return True
        from db.models import CoverageRecord

        member_ids = {
            m.upper()
            for m in s.scalars(select(CoverageRecord.member_id).where(CoverageRecord.patient_id == patient.id))
        }
        return bool({(era.patient_member_id or "").upper(), (era.insured_member_id or "").upper()} & member_ids)

    def _by_patient_date_charge(self, s: Session, payer: PayerRecord, era: EraClaim, charge: int) -> ClaimRecord | None:
        days = {d for ln in era.lines for d in (ln.service_date_from,) if d} | (
            {era.statement_from} if era.statement_from else set()
        )
        if not days or not era.patient_last:
            return None
        candidates = s.scalars(
            select(ClaimRecord)
            .join(EncounterRecord, EncounterRecord.id == ClaimRecord.encounter_id)
            .join(PatientRecord, PatientRecord.id == EncounterRecord.patient_id)
            .where(
                ClaimRecord.payer_id == payer.id,
                ClaimRecord.total_charge_cents == charge,
                ClaimRecord.status != "void",
                EncounterRecord.date_of_service.in_(days),
                func.upper(PatientRecord.last_name) == era.patient_last.strip().upper(),
            )
            .options(selectinload(ClaimRecord.lines))
        ).all()
        return candidates[0] if len(candidates) == 1 else None

    # ------------------------------------------------------------------ posting

    def _post_matched(self, s: Session, record: RemittanceRecord, matched: list[_Matched]) -> list[int]:
        encounters = {
            e.id: e
            for e in s.scalars(
                select(EncounterRecord).where(EncounterRecord.id.in_({m.claim.encounter_id for m in matched}))
            )
        }
        coverage = CoverageIndex(s, (e.patient_id for e in encounters.values()))
        plans = []
        for m in matched:
            enc = encounters[m.claim.encounter_id]
            later = [c for c in coverage.on(enc.patient_id, enc.date_of_service) if c.priority > m.claim.payer_sequence]
            then = "next_payer" if later else "patient"
            posting = ClaimPostingIn(
                m.claim.id,
                m.era.status_code,
                tuple(_line_posting(line, m.lines[i], then) for i, line in enumerate(m.era.lines) if i in m.lines),
                payer_claim_number=m.era.payer_claim_number,
                remarks=tuple(m.era.remarks),
                claim_adjustments=tuple(
                    AdjustmentIn(a.group_code, a.carc, from_cents(a.amount_cents)) for a in m.era.adjustments
                ),
            )
            plans.append(_plan_claim(record, m.claim, enc, coverage, posting))
        forwarded = [m.claim.id for m in matched if m.era.status_code in CROSSOVER]
        primary_paid = [m.claim.id for m in matched if m.era.status_code in ("1", "2")]
        _write_plans(s, record, plans, self.user, _now())
        s.flush()
        s.expire_all()
        created = self.claims.next_payer_claims_in(s, primary_paid) if primary_paid else []
        if forwarded:
            crossover = self.claims.next_payer_claims_in(s, forwarded)
            stamp = _now()
            for claim_id in crossover:
                claim = s.get(ClaimRecord, claim_id)
                assert claim is not None
                claim.status = "submitted"
                claim.first_billed_on = record.check_date
                claim.history.append(
                    ClaimStatusEventRecord(
                        status="submitted",
                        by_user=self.user,
                        at=stamp,
                        note="forwarded by the primary payer (crossover)",
                    )
                )
        return created

    def _reverse(self, s: Session, record: RemittanceRecord, m: _Matched) -> None:
        """CLP02 22: undo the earlier posting of this claim by this payer (its ledger entries are reversed,
        never edited); the reversal itself is kept as a claim payment with negative amounts."""
        earlier = s.scalars(
            select(ClaimPaymentRecord)
            .where(ClaimPaymentRecord.claim_id == m.claim.id, ClaimPaymentRecord.status_code != REVERSAL)
            .order_by(ClaimPaymentRecord.id.desc())
        ).all()
        reversed_ids = set(
            s.scalars(
                select(LedgerEntryRecord.reverses_entry_id).where(LedgerEntryRecord.reverses_entry_id.is_not(None))
            )
        )
        target = None
        for cp in earlier:
            line_ids = [lp.id for lp in cp.line_payments]
            entries = s.scalars(select(LedgerEntryRecord).where(LedgerEntryRecord.line_payment_id.in_(line_ids))).all()
            if entries and not any(e.id in reversed_ids for e in entries) and cp.paid_cents == -m.era.paid_cents:
                target = (cp, entries)
                break
        if target is None:
            raise ClaimDeskError(
                f"The reversal of claim {m.claim.claim_number} (segment {m.era.segment_number}) finds no earlier "
                f"payment of ${from_cents(-m.era.paid_cents)} to undo; nothing was posted."
            )
        cp, entries = target
        with LedgerWriter(s, self.user) as ledger:
            for txn in sorted({e.txn_id for e in entries}):
                ledger.reverse_transaction(txn, record.check_date, f"835 reversal {record.check_number}")
        payment = ClaimPaymentRecord(
            remittance_id=record.id,
            claim_id=m.claim.id,
            status_code=REVERSAL,
            patient_control_number=m.era.patient_control_number,
            charge_cents=m.era.charge_cents,
            paid_cents=m.era.paid_cents,
            patient_responsibility_cents=m.era.patient_responsibility_cents,
            payer_claim_number=m.era.payer_claim_number,
        )
        s.add(payment)
        s.flush()
        for i, line in enumerate(m.era.lines):
            s.add(
                LinePaymentRecord(
                    claim_payment_id=payment.id,
                    claim_line_id=m.lines.get(i),
                    code=line.code,
                    modifiers=":".join(line.modifiers) or None,
                    original_code=line.original_code,
                    units=max(1, int(line.units)),
                    charge_cents=line.charge_cents,
                    allowed_cents=line.allowed_cents,
                    paid_cents=line.paid_cents,
                    service_date=line.service_date_from,
                )
            )
        m.claim.status = "submitted"
        m.claim.history.append(
            ClaimStatusEventRecord(
                status="submitted", by_user=self.user, at=_now(), note=f"payment reversed by {record.check_number}"
            )
        )
        s.flush()

    def _store_unmatched(self, s: Session, record: RemittanceRecord, era: EraClaim, reason: str) -> None:
        payment = ClaimPaymentRecord(
            remittance_id=record.id,
            claim_id=None,
            status_code=era.status_code,
            patient_control_number=(era.patient_control_number or "")[:38],
            charge_cents=era.charge_cents,
            paid_cents=era.paid_cents,
            patient_responsibility_cents=era.patient_responsibility_cents,
            payer_claim_number=era.payer_claim_number,
            unmatched_reason=f"{reason} (patient {era.patient_last}, {era.patient_first})"[:2000],
        )
        s.add(payment)
        s.flush()
        for adj in era.adjustments:
            s.add(
                AdjustmentRecord(
                    claim_payment_id=payment.id, group_code=adj.group_code, carc=adj.carc, amount_cents=adj.amount_cents
                )
            )
        for line in era.lines:
            lp = LinePaymentRecord(
                claim_payment_id=payment.id,
                claim_line_id=None,
                code=line.code,
                modifiers=":".join(line.modifiers) or None,
                original_code=line.original_code,
                units=max(1, int(line.units)),
                charge_cents=line.charge_cents,
                allowed_cents=line.allowed_cents,
                paid_cents=line.paid_cents,
                service_date=line.service_date_from,
            )
            s.add(lp)
            s.flush()
            for adj in line.adjustments:
                s.add(
                    AdjustmentRecord(
                        claim_payment_id=payment.id,
                        line_payment_id=lp.id,
                        group_code=adj.group_code,
                        carc=adj.carc,
                        amount_cents=adj.amount_cents,
                    )
                )
            for code in line.remarks:
                s.add(RemarkCodeRecord(claim_payment_id=payment.id, line_payment_id=lp.id, code=code))

    # ------------------------------------------------------------------ the unmatched queue

    def unmatched(self) -> list[UnmatchedPayment]:
        with self.db.session() as s:
            rows = s.execute(
                select(ClaimPaymentRecord, RemittanceRecord, PayerRecord.name)
                .join(RemittanceRecord, RemittanceRecord.id == ClaimPaymentRecord.remittance_id)
                .outerjoin(PayerRecord, PayerRecord.id == RemittanceRecord.payer_id)
                .where(ClaimPaymentRecord.claim_id.is_(None))
                .order_by(ClaimPaymentRecord.id)
            ).all()
            out = []
            for cp, remit, payer_name in rows:
                first = min((lp.service_date for lp in cp.line_payments if lp.service_date), default=None)
                reason = cp.unmatched_reason or ""
                name = reason.rsplit("(patient ", 1)[-1].rstrip(")") if "(patient " in reason else ""
                out.append(
                    UnmatchedPayment(
                        cp.id,
                        remit.id,
                        remit.check_number,
                        payer_name or "",
                        cp.patient_control_number,
                        name,
                        cp.charge_cents,
                        cp.paid_cents,
                        cp.status_code,
                        reason.rsplit(" (patient ", 1)[0],
                        first,
                    )
                )
            return out

    def match_by_hand(self, claim_payment_id: int, claim_ref: str | int) -> ClaimOutcome:
        """Post a waiting payment to the claim the biller chose (the lines are matched by code, then order)."""
        claim_id = self.claims.resolve(claim_ref)
        with self.db.transaction() as s:
            cp = s.get(ClaimPaymentRecord, claim_payment_id)
            if cp is None or cp.claim_id is not None:
                raise NotFoundError(f"No unmatched payment {claim_payment_id}.")
            claim = s.scalar(
                select(ClaimRecord).where(ClaimRecord.id == claim_id).options(selectinload(ClaimRecord.lines))
            )
            assert claim is not None
            record = s.get(RemittanceRecord, cp.remittance_id)
            assert record is not None
            if claim.payer_id != record.payer_id:
                raise ClaimDeskError(f"Claim {claim.claim_number} was not billed to this payment's payer.")
            era = _era_from_stored(s, cp)
            lines, problem = _match_lines(era.lines, list(claim.lines))
            if problem:
                raise ClaimDeskError(f"Claim {claim.claim_number}: {problem}")
            problems = [p for p in _claim_balance(era)]
            if problems:
                raise ValidationError("This payment does not balance, so it cannot be posted:", problems)
            # The waiting copy never reached the ledger; the posting below writes the claim payment in full.
            for model in (RemarkCodeRecord, AdjustmentRecord):
                for row in s.scalars(select(model).where(model.claim_payment_id == cp.id)):
                    s.delete(row)
            s.flush()
            for lp in list(cp.line_payments):
                s.delete(lp)
            s.flush()
            s.delete(cp)
            s.flush()
            m = _Matched(era, claim, lines)
            if era.status_code == REVERSAL:
                self._reverse(s, record, m)
            else:
                self._post_matched(s, record, [m])
            s.add(
                AuditLogRecord(
                    username=self.user, action="835_matched_by_hand", entity="claim", entity_id=str(claim.id)
                )
            )
            return _outcome(era, claim.id, "posted")

    # ------------------------------------------------------------------ the remittance in plain words

    def remittance(self, remittance_id: int) -> EraTransaction:
        """A posted payment (835 or paper) as one remittance, rebuilt from what was posted."""
        from app.domain.era import EraProviderAdjustment, EraTransaction

        with self.db.session() as s:
            remit = s.get(RemittanceRecord, remittance_id)
            if remit is None:
                raise NotFoundError(f"No payment {remittance_id}.")
            payer = s.get(PayerRecord, remit.payer_id) if remit.payer_id else None
            claims = []
            for cp in s.scalars(
                select(ClaimPaymentRecord)
                .where(ClaimPaymentRecord.remittance_id == remittance_id)
                .order_by(ClaimPaymentRecord.id)
            ):
                era = _era_from_stored(s, cp)
                patient = (
                    s.scalar(
                        select(PatientRecord)
                        .join(EncounterRecord, EncounterRecord.patient_id == PatientRecord.id)
                        .join(ClaimRecord, ClaimRecord.encounter_id == EncounterRecord.id)
                        .where(ClaimRecord.id == cp.claim_id)
                    )
                    if cp.claim_id
                    else None
                )
                if patient is not None:
                    era = dataclasses.replace(era, patient_last=patient.last_name, patient_first=patient.first_name)
                claims.append(era)
            plb = tuple(
                EraProviderAdjustment(
                    provider_id="",
                    fiscal_period_date=p.fiscal_period_date or remit.check_date,
                    reason_code=p.reason_code,
                    reference=p.reference,
                    amount_cents=p.amount_cents,
                )
                for p in s.scalars(
                    select(ProviderAdjustmentRecord).where(ProviderAdjustmentRecord.remittance_id == remittance_id)
                )
            )
            return EraTransaction(
                control_number=str(remit.id),
                handling_code="I",
                total_paid_cents=remit.total_cents,
                payment_method=remit.payment_method,
                payment_date=remit.check_date,
                trace_number=remit.check_number,
                payer_identifier=payer.payer_id if payer else "",
                payer_name=payer.name if payer else "",
                payer_id=payer.payer_id if payer else None,
                payee_name="",
                claims=tuple(claims),
                provider_adjustments=plb,
            )

    def remittance_pdf(
        self,
        remittance_id: int,
        target: Path,
        carc: dict[str, str],
        rarc: dict[str, str],
        claim_numbers: list[str] | None = None,
        practice_name: str = "",
    ) -> Path:
        """The payment printed in plain words (CARC/RARC descriptions), e.g. to attach to a secondary claim."""
        from app.formats.remit_pdf import write_remit_pdf

        write_remit_pdf(self.remittance(remittance_id), Path(target), carc, rarc, claim_numbers, practice_name)
        return Path(target)


# ---------------------------------------------------------------------------------------------- helpers


def _outcome(era: EraClaim, claim_id: int | None, result: str, reason: str | None = None) -> ClaimOutcome:
    return ClaimOutcome(
        era.segment_number, era.patient_control_number, era.status_code, era.paid_cents, claim_id, result, reason
    )


def _match_lines(era_lines: Sequence[EraLine], claim_lines: list[ClaimLineRecord]) -> tuple[dict[int, int], str | None]:
    """Each remitted line to one claim line: by code and modifiers (the billed code when the payer changed
    it), then by order and charge among what is left."""
    free = {ln.id: ln for ln in claim_lines}
    found: dict[int, int] = {}
    for i, line in enumerate(era_lines):
        billed = line.original_code or line.code
        mods = tuple(line.original_modifiers or line.modifiers)
        for ln in claim_lines:
            if (
                ln.id in free
                and ln.code == billed
                and tuple(m for m in (ln.modifier1, ln.modifier2, ln.modifier3, ln.modifier4) if m)[: len(mods)] == mods
                and abs(line.charge_cents) == ln.charge_cents
            ):
                found[i] = ln.id
                del free[ln.id]
                break
    for i, line in enumerate(era_lines):
        if i in found:
            continue
        for ln in claim_lines:
            if ln.id in free and abs(line.charge_cents) == ln.charge_cents:
                found[i] = ln.id
                del free[ln.id]
                break
        else:
            return (
                {},
                f"remitted line {i + 1} ({line.code}, ${from_cents(line.charge_cents)}) matches no line of the claim",
            )
    return found, None


def _line_posting(line: EraLine, claim_line_id: int, then: str) -> LinePostingIn:
    return LinePostingIn(
        claim_line_id,
        paid=from_cents(line.paid_cents),
        allowed=from_cents(line.allowed_cents) if line.allowed_cents is not None else None,
        adjustments=tuple(AdjustmentIn(a.group_code, a.carc, from_cents(a.amount_cents)) for a in line.adjustments),
        remarks=tuple(line.remarks),
        then=then,  # type: ignore[arg-type]
    )


def _claim_balance(era: EraClaim) -> list[str]:
    from app.domain.era import claim_problems

    return [f"{p.where}: {p.message}" for p in claim_problems(era)]


def _era_from_stored(s: Session, cp: ClaimPaymentRecord) -> EraClaim:
    """A waiting payment as the file had it, rebuilt from the rows it was stored in."""
    from app.domain.era import EraAdjustment, EraClaim, EraLine

    adjustments = s.scalars(select(AdjustmentRecord).where(AdjustmentRecord.claim_payment_id == cp.id)).all()
    remarks = s.scalars(select(RemarkCodeRecord).where(RemarkCodeRecord.claim_payment_id == cp.id)).all()
    by_line: dict[int | None, list[AdjustmentRecord]] = defaultdict(list)
    for a in adjustments:
        by_line[a.line_payment_id].append(a)
    remarks_by_line: dict[int | None, list[str]] = defaultdict(list)
    for r in remarks:
        remarks_by_line[r.line_payment_id].append(r.code)
    lines = tuple(
        EraLine(
            segment_number=0,
            code=lp.code,
            modifiers=tuple(m for m in (lp.modifiers or "").split(":") if m),
            original_code=lp.original_code,
            original_modifiers=(),
            charge_cents=lp.charge_cents,
            paid_cents=lp.paid_cents,
            units=Decimal(lp.units),
            original_units=None,
            service_date_from=lp.service_date,
            service_date_to=lp.service_date,
            adjustments=tuple(EraAdjustment(a.group_code, a.carc, a.amount_cents, None) for a in by_line[lp.id]),
            remarks=tuple(remarks_by_line[lp.id]),
            allowed_cents=lp.allowed_cents,
            line_control_number=None,
        )
        for lp in cp.line_payments
    )
    return EraClaim(
        segment_number=0,
        patient_control_number=cp.patient_control_number,
        status_code=cp.status_code,
        charge_cents=cp.charge_cents,
        paid_cents=cp.paid_cents,
        patient_responsibility_cents=cp.patient_responsibility_cents,
        filing_indicator=None,
        payer_claim_number=cp.payer_claim_number,
        patient_last="",
        patient_first="",
        patient_member_id=None,
        insured_member_id=None,
        crossover_payer=None,
        adjustments=tuple(EraAdjustment(a.group_code, a.carc, a.amount_cents, None) for a in by_line[None]),
        lines=lines,
        remarks=tuple(remarks_by_line[None]),
        statement_from=None,
        statement_to=None,
        received_date=None,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
