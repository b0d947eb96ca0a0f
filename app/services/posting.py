"""Posting a payer's remittance: claim and line payments, CAS adjustments, denials, all into the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain.ledger import party_for_sequence
from app.domain.money import from_cents, to_cents
from app.domain.posting import GROUP_CODES, AdjustmentIn, ClaimPostingIn, RemittanceIn, is_denial, line_balances
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.claims import CoverageIndex
from app.services.ledger import LedgerWriter
from db.bulk import insert_returning_ids, insert_rows, update_by_id
from db.models import (
    AdjustmentRecord,
    ClaimPaymentRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    DenialRecord,
    EncounterRecord,
    LinePaymentRecord,
    RemarkCodeRecord,
    RemittanceRecord,
)
from db.session import Database

CONTRACTUAL_CARCS = frozenset({"45", "253", "59"})
PRIOR_PAYER_CARCS = frozenset({"23"})  # "the impact of prior payer(s) adjudication"


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
            payer_id=remit.payer_id,
            source="paper",
            check_number=remit.check_number,
            check_date=remit.check_date,
            deposit_date=remit.deposit_date,
            payment_method=remit.payment_method,
            total_cents=to_cents(remit.total),
            batch_name=remit.batch_name,
            status="finished",
            created_by=self.user,
        )
        if when is not None:
            record.created_at = when
        s.add(record)
        s.flush()
        claims = {
            c.id: c
            for c in s.scalars(
                select(ClaimRecord)
                .where(ClaimRecord.id.in_([p.claim_id for p in remit.claims]))
                .options(selectinload(ClaimRecord.lines))
            )
        }
        encounters = {
            e.id: e
            for e in s.scalars(
                select(EncounterRecord).where(EncounterRecord.id.in_([c.encounter_id for c in claims.values()]))
            )
        }
        coverage = CoverageIndex(s, (e.patient_id for e in encounters.values()))
        plans = []
        for posting in remit.claims:
            claim = claims.get(posting.claim_id)
            if claim is None:
                raise NotFoundError(f"No claim {posting.claim_id}.")
            plans.append(_plan_claim(record, claim, encounters[claim.encounter_id], coverage, posting))
        denials = _write_plans(s, record, plans, self.user, when or _now())
        s.expire_all()  # bulk statements bypass loaded objects; reload them when next read
        return PostingResult(record.id, len(remit.claims), denials, to_cents(paid))

    def claim_ids_awaiting_payment(self) -> list[int]:
        with self.db.session() as s:
            return list(s.scalars(select(ClaimRecord.id).where(ClaimRecord.status == "submitted")))


@dataclass
class _LinePlan:
    payment: dict[str, Any]
    adjustments: list[dict[str, Any]]
    remarks: tuple[str, ...]
    ledger: list[tuple[str, dict[str, Any]]]  # ("add" | "transfer", keyword arguments)
    denial: dict[str, Any] | None


@dataclass
class _ClaimPlan:
    claim_id: int
    payment: dict[str, Any]
    remarks: tuple[str, ...]
    lines: list[_LinePlan]
    status: str
    claim_adjustments: list[dict[str, Any]] = field(default_factory=list)
    claim_ledger: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _plan_claim(
    remit: RemittanceRecord,
    claim: ClaimRecord,
    encounter: EncounterRecord,
    coverage: CoverageIndex,
    posting: ClaimPostingIn,
) -> _ClaimPlan:
    """Check one claim's posting and work out every row it writes, before anything is written."""
    if claim.payer_id != remit.payer_id:
        raise ClaimDeskError(f"Claim {claim.claim_number} is not billed to this check's payer.")
    lines = {ln.id: ln for ln in claim.lines}
    party = party_for_sequence(claim.payer_sequence)
    later = [
        c for c in coverage.on(encounter.patient_id, encounter.date_of_service) if c.priority > claim.payer_sequence
    ]
    next_party = party_for_sequence(later[0].priority) if later else "patient"
    payment = {
        "remittance_id": remit.id,
        "claim_id": claim.id,
        "status_code": posting.status_code,
        "patient_control_number": claim.claim_number,
        "charge_cents": claim.total_charge_cents,
        "paid_cents": to_cents(sum((ln.paid for ln in posting.lines), Decimal("0"))),
        "patient_responsibility_cents": to_cents(
            sum((a.amount for ln in posting.lines for a in ln.adjustments if a.group_code == "PR"), Decimal("0"))
        ),
        "payer_claim_number": posting.payer_claim_number,
    }
    on = remit.check_date
    plans: list[_LinePlan] = []
    for lp_in in posting.lines:
        line = lines.get(lp_in.claim_line_id)
        if line is None:
            raise ClaimDeskError(f"Line {lp_in.claim_line_id} is not on claim {claim.claim_number}.")
        charge = from_cents(line.charge_cents)
        if not line_balances(charge, lp_in.paid, lp_in.adjustments):
            raise ValidationError(
                f"Claim {claim.claim_number} line {line.line_number}: charge {charge} minus adjustments "
                f"does not equal paid {lp_in.paid}; nothing was posted."
            )
        key = (line.service_line_id, encounter.patient_id)
        common = {"payer_id": claim.payer_id, "claim_id": claim.id, "remittance_id": remit.id}
        ledger: list[tuple[str, dict[str, Any]]] = []
        if lp_in.paid:
            ledger.append(
                (
                    "add",
                    {
                        "line": key,
                        "kind": "insurance_payment",
                        "party": party,
                        "amount_cents": -to_cents(lp_in.paid),
                        "on": on,
                        **common,
                    },
                )
            )
        adjustments = []
        for adj in lp_in.adjustments:
            adjustments.append(_adjustment_row(adj))
            ledger.extend(_adjustment_ledger(adj, key, party, next_party, lp_in.then, on, common))
        denial = None
        if is_denial(lp_in.paid, lp_in.adjustments):
            main = next(a for a in lp_in.adjustments if a.group_code != "PR" and a.carc != "45")
            denial = {
                "claim_id": claim.id,
                "claim_line_id": line.id,
                "group_code": main.group_code,
                "carc": main.carc,
                "rarc": lp_in.remarks[0] if lp_in.remarks else None,
                "amount_cents": to_cents(main.amount),
                "status": "open",
            }
        modifiers = (line.modifier1, line.modifier2, line.modifier3, line.modifier4)
        plans.append(
            _LinePlan(
                payment={
                    "claim_line_id": line.id,
                    "code": line.code,
                    "modifiers": ":".join(m for m in modifiers if m) or None,
                    "units": line.units,
                    "charge_cents": line.charge_cents,
                    "allowed_cents": to_cents(lp_in.allowed) if lp_in.allowed is not None else None,
                    "paid_cents": to_cents(lp_in.paid),
                    "service_date": line.date_from,
                },
                adjustments=adjustments,
                remarks=lp_in.remarks,
                ledger=ledger,
                denial=denial,
            )
        )
    denied = sum(1 for p in plans if p.denial)
    status = "denied" if denied == len(plans) else "partially_paid" if denied else "paid"
    claim_rows, claim_ledger = [], []
    if posting.claim_adjustments:
        first = lines[posting.lines[0].claim_line_id] if posting.lines else claim.lines[0]
        key = (first.service_line_id, encounter.patient_id)
        common = {"payer_id": claim.payer_id, "claim_id": claim.id, "remittance_id": remit.id}
        then = posting.lines[0].then if posting.lines else "patient"
        for adj in posting.claim_adjustments:
            claim_rows.append(_adjustment_row(adj))
            claim_ledger.extend(_adjustment_ledger(adj, key, party, next_party, then, on, common))
        payment["patient_responsibility_cents"] += to_cents(
            sum((a.amount for a in posting.claim_adjustments if a.group_code == "PR"), Decimal("0"))
        )
    return _ClaimPlan(claim.id, payment, posting.remarks, plans, status, claim_rows, claim_ledger)


def _adjustment_row(adj: AdjustmentIn) -> dict[str, Any]:
    if adj.group_code not in GROUP_CODES:
        raise ValidationError(f"Unknown adjustment group {adj.group_code!r} (expected CO, PR, OA, PI or CR).")
    return {"group_code": adj.group_code, "carc": adj.carc, "amount_cents": to_cents(adj.amount)}


def _adjustment_ledger(
    adj: AdjustmentIn,
    key: tuple[int, int],
    party: str,
    next_party: str,
    then: str,
    on: dt.date,
    common: dict[str, Any],
) -> list[tuple[str, dict[str, Any]]]:
    """What one CAS adjustment does to who owes the line: patient responsibility moves to the next payer or
    the patient, a contractual adjustment (or a settled rest) is written off, a prior payer's share (OA-23)
    changes nothing, and anything else stays with this payer as a denial to work."""
    cents = to_cents(adj.amount)
    tags = {"group_code": adj.group_code, "carc": adj.carc, **common}
    if adj.group_code == "PR":
        target = next_party if then == "next_payer" else "patient"
        return [
            (
                "transfer",
                {"line": key, "from_party": party, "to_party": target, "amount_cents": cents, "on": on, **tags},
            )
        ]
    if adj.carc in PRIOR_PAYER_CARCS:
        # OA-23 on a later payer's remittance: the part of the charge the earlier payer already settled
        # (paid or wrote off). It is recorded with the payment but was never owed by this payer.
        return []
    if adj.carc in CONTRACTUAL_CARCS and adj.group_code == "CO":
        kind = "contractual"
    elif then == "settle":
        kind = "write_off"  # the biller settles the rest
    else:
        # A denied amount stays owed by this payer until it is appealed, corrected or written off: it is the
        # follow-up queue's work, never quietly moved to the next payer or the patient.
        return []
    entry = {
        "line": key,
        "kind": "adjustment",
        "party": party,
        "amount_cents": -cents,
        "on": on,
        "adjustment_type": kind,
    }
    return [("add", {**entry, **tags})]


def _write_plans(s: Session, remit: RemittanceRecord, plans: list[_ClaimPlan], user: str, stamp: dt.datetime) -> int:
    """Write checked plans in a few batched statements: payments, lines, then what points at them."""
    cp_ids = insert_returning_ids(s, ClaimPaymentRecord, [p.payment for p in plans])
    line_rows, owners = [], []
    for plan, cp_id in zip(plans, cp_ids, strict=True):
        for lp in plan.lines:
            line_rows.append({**lp.payment, "claim_payment_id": cp_id})
            owners.append((cp_id, lp))
    lp_ids = insert_returning_ids(s, LinePaymentRecord, line_rows)
    adjustments, remarks, denials = [], [], []
    with LedgerWriter(s, user) as ledger:
        for (cp_id, lp), lp_id in zip(owners, lp_ids, strict=True):
            adjustments.extend({**a, "claim_payment_id": cp_id, "line_payment_id": lp_id} for a in lp.adjustments)
            remarks.extend({"claim_payment_id": cp_id, "line_payment_id": lp_id, "code": c} for c in lp.remarks)
            if lp.denial:
                denials.append({**lp.denial, "claim_payment_id": cp_id})
            txn = ledger.new_txn()
            for op, kwargs in lp.ledger:
                getattr(ledger, op)(txn_id=txn, line_payment_id=lp_id, **kwargs)
        for plan, cp_id in zip(plans, cp_ids, strict=True):
            adjustments.extend(
                {**a, "claim_payment_id": cp_id, "line_payment_id": None} for a in plan.claim_adjustments
            )
            if plan.claim_ledger:
                txn = ledger.new_txn()
                for op, kwargs in plan.claim_ledger:
                    getattr(ledger, op)(txn_id=txn, **kwargs)
    for plan, cp_id in zip(plans, cp_ids, strict=True):
        remarks.extend({"claim_payment_id": cp_id, "line_payment_id": None, "code": c} for c in plan.remarks)
    insert_rows(s, AdjustmentRecord, adjustments)
    insert_rows(s, RemarkCodeRecord, remarks)
    insert_rows(s, DenialRecord, denials)
    update_by_id(s, ClaimRecord, [{"id": p.claim_id, "status": p.status} for p in plans])
    insert_rows(
        s,
        ClaimStatusEventRecord,
        [
            {
                "claim_id": p.claim_id,
                "status": p.status,
                "by_user": user,
                "at": stamp,
                "note": f"check {remit.check_number}",
            }
            for p in plans
        ],
    )
    return len(denials)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
