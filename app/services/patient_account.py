"""The front desk's patient account: the ledger in plain words, taking payments, receipts and refunds.

Every method that changes money is one transaction that only appends ledger rows; undoing a payment
is a reversal of its transaction, never an edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from app.chunking import chunked as _chunks
from app.domain.account import (
    PAYMENT_METHODS,
    Account,
    AppliedAmount,
    LedgerRow,
    OpenLine,
    PaymentSummary,
    Receipt,
    Refund,
    account_lines,
    allocate,
    format_money,
    oldest_first,
    short_date,
)
from app.domain.money import MoneyError, to_cents, to_money
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.ledger import LedgerWriter
from db.models import (
    AuditLogRecord,
    CoverageRecord,
    EncounterRecord,
    LedgerEntryRecord,
    PatientPaymentRecord,
    PatientRecord,
    PayerRecord,
    PracticeRecord,
    ServiceLineRecord,
    StatementRecord,
)
from db.session import Database

L = LedgerEntryRecord


def load_rows(s: Session, patient_ids: Sequence[int] | None = None) -> list[LedgerRow]:
    """Ledger rows with the line's code and date of service, the payer's name and the payment's method;
    every patient when `patient_ids` is None."""
    query = (
        select(
            L.id,
            L.txn_id,
            L.service_line_id,
            L.patient_id,
            L.kind,
            L.party,
            L.amount_cents,
            L.effective_date,
            ServiceLineRecord.code,
            EncounterRecord.date_of_service,
            L.adjustment_type,
            L.group_code,
            L.carc,
            PayerRecord.name,
            L.patient_payment_id,
            PatientPaymentRecord.method,
            PatientPaymentRecord.reference,
            L.reverses_entry_id,
            L.memo,
        )
        .join(ServiceLineRecord, ServiceLineRecord.id == L.service_line_id)
        .join(EncounterRecord, EncounterRecord.id == ServiceLineRecord.encounter_id)
        .outerjoin(PayerRecord, PayerRecord.id == L.payer_id)
        .outerjoin(PatientPaymentRecord, PatientPaymentRecord.id == L.patient_payment_id)
    )
    if patient_ids is None:
        return [LedgerRow(*r) for r in s.execute(query)]
    out: list[LedgerRow] = []
    for chunk in _chunks(list(patient_ids)):
        out.extend(LedgerRow(*r) for r in s.execute(query.where(L.patient_id.in_(chunk))))
    return out


def party_names(s: Session, patient_ids: Sequence[int] | None = None) -> dict[tuple[int, str], str]:
    """(patient id, 'ins1') -> the payer's name, from the patient's coverages in priority order."""
    query = select(CoverageRecord.patient_id, CoverageRecord.priority, PayerRecord.name).join(
        PayerRecord, PayerRecord.id == CoverageRecord.payer_id
    )
    rows: list[tuple[int, int, str]] = []
    if patient_ids is None:
        rows = [tuple(r) for r in s.execute(query)]  # type: ignore[misc]
    else:
        for chunk in _chunks(list(patient_ids)):
            rows.extend(tuple(r) for r in s.execute(query.where(CoverageRecord.patient_id.in_(chunk))))  # type: ignore[misc]
    return {(pid, f"ins{priority}"): name for pid, priority, name in rows if 1 <= priority <= 3}


def practice_header(s: Session) -> dict[str, object]:
    """Name, address lines and phone of the practice, as printed on statements and receipts."""
    p = s.scalars(select(PracticeRecord).order_by(PracticeRecord.id)).first()
    if p is None:
        return {"name": "", "address": [], "phone": ""}
    return {
        "name": p.name,
        "address": [line for line in (p.address1, p.address2, f"{p.city}, {p.state} {format_zip(p.zip)}") if line],
        "phone": format_phone(p.phone),
    }


def format_zip(zip_code: str) -> str:
    return f"{zip_code[:5]}-{zip_code[5:]}" if len(zip_code) == 9 else zip_code


def format_phone(phone: str | None) -> str:
    digits = "".join(c for c in phone or "" if c.isdigit())
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if len(digits) == 10 else (phone or "")


def patient_name(p: PatientRecord) -> str:
    return f"{p.first_name} {p.last_name}"


def open_lines(s: Session, patient_ids: Sequence[int]) -> list[OpenLine]:
    """Every service line of these patients that has ledger rows, with its patient balance."""
    rows = s.execute(
        select(
            L.service_line_id,
            L.patient_id,
            ServiceLineRecord.code,
            EncounterRecord.date_of_service,
            ServiceLineRecord.line_number,
            func.sum(case((L.party == "patient", L.amount_cents), else_=0)),
        )
        .join(ServiceLineRecord, ServiceLineRecord.id == L.service_line_id)
        .join(EncounterRecord, EncounterRecord.id == ServiceLineRecord.encounter_id)
        .where(L.patient_id.in_(list(patient_ids)))
        .group_by(L.service_line_id, L.patient_id, ServiceLineRecord.code, EncounterRecord.date_of_service)
    ).all()
    return oldest_first(OpenLine(*r) for r in rows)


def _amount(value: Decimal | str | int, what: str) -> int:
    try:
        cents = to_cents(to_money(value))
    except MoneyError as exc:
        raise ValidationError(f"{what}: {exc}.") from exc
    if cents <= 0:
        raise ValidationError(f"{what} must be more than $0.00.")
    return cents


class PatientAccountService:
    """`account()`, `take_payment()`, `receipt()`/`receipt_pdf()`, `refund_credit()`, `reverse_payment()`."""

    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    # ------------------------------------------------------------------ reading

    def resolve(self, reference: str | int) -> int:
        """A patient by account number or record id."""
        with self.db.session() as s:
            return resolve_patient(s, reference)

    def account(self, account_number_or_id: str | int) -> Account:
        """Every charge, payment, adjustment, transfer and statement in date order, in plain words."""
        with self.db.session() as s:
            pid = resolve_patient(s, account_number_or_id)
            patient = s.get(PatientRecord, pid)
            assert patient is not None
            rows = load_rows(s, [pid])
            names = party_names(s, [pid])
            guarantor = patient.guarantor_id or pid
            events = [
                (
                    st.statement_date,
                    "statement",
                    f"Statement {'sent' if st.sent_at else 'printed'} on {short_date(st.statement_date)}: "
                    f"amount due {format_money(st.amount_due_cents)}",
                )
                for st in s.scalars(
                    select(StatementRecord)
                    .where(StatementRecord.guarantor_id == guarantor)
                    .order_by(StatementRecord.id)
                )
            ]
            lines = account_lines(rows, names, events)
            insurance = lines[-1].insurance_cents if lines else 0
            owed = lines[-1].patient_cents if lines else 0
            return Account(pid, patient.account_number, patient_name(patient), tuple(lines), insurance, owed)

    def payments(self, account_number_or_id: str | int) -> list[PaymentSummary]:
        """The payments on this account, newest first: those the patient made, those of the patients they are
        guarantor for, and any payment applied to the patient's lines; `undone` once reversed."""
        with self.db.session() as s:
            pid = resolve_patient(s, account_number_or_id)
            P = PatientPaymentRecord
            applied = select(L.patient_payment_id).where(L.patient_id == pid, L.patient_payment_id.is_not(None))
            payments = s.scalars(
                select(P)
                .where(P.patient_id.in_(_family(s, pid)) | P.id.in_(applied))
                .order_by(P.received_on.desc(), P.id.desc())
            ).all()
            reversed_entry = aliased(L)
            undone = set(
                s.scalars(
                    select(L.patient_payment_id)
                    .join(reversed_entry, reversed_entry.reverses_entry_id == L.id)
                    .where(L.patient_payment_id.in_([p.id for p in payments]), L.kind == "patient_payment")
                )
            )
            return [
                PaymentSummary(p.id, p.received_on, p.method, p.reference, p.amount_cents, p.id in undone)
                for p in payments
            ]

    def receipt(self, payment_id: int) -> Receipt:
        with self.db.session() as s:
            return _receipt(s, payment_id)

    # ------------------------------------------------------------------ writing

    def take_payment(
        self,
        patient: str | int,
        amount: Decimal | str | int,
        method: str,
        reference: str | None = None,
        received_on: dt.date | None = None,
        apply_to: str | Sequence[int] = "oldest",
    ) -> Receipt:
        """Record a front-desk payment and apply it to the oldest patient balance first (a guarantor's
        payment covers the patients they are guarantor for) or to the chosen service lines. Whatever is
        more than was owed stays on the account as a credit balance."""
        cents = _amount(amount, "Payment amount")
        if method not in PAYMENT_METHODS:
            raise ValidationError(f"Payment method {method!r}: expected one of {', '.join(PAYMENT_METHODS)}.")
        on = received_on or dt.date.today()
        with self.db.transaction() as s:
            pid = resolve_patient(s, patient)
            family = _family(s, pid)
            lines = open_lines(s, family)
            if not lines:
                raise ClaimDeskError("This account has no charges yet; there is nothing to apply a payment to.")
            if apply_to == "oldest":
                chosen = lines
            else:
                by_id = {ln.service_line_id: ln for ln in lines}
                missing = [i for i in apply_to if i not in by_id]
                if missing or not apply_to:
                    raise ValidationError(
                        f"Service line(s) {missing or '(none given)'} are not charges on this account; "
                        "nothing was recorded."
                    )
                chosen = [by_id[i] for i in apply_to]
            applied, credit = allocate(chosen, cents)
            if credit:
                # The credit sits on the last line paid (or chosen): the patient balance goes negative there.
                holder = applied[-1][0] if applied else chosen[-1]
                merged = dict((ln.service_line_id, c) for ln, c in applied)
                merged[holder.service_line_id] = merged.get(holder.service_line_id, 0) + credit
                index = {ln.service_line_id: ln for ln in chosen}
                applied = [(index[i], c) for i, c in merged.items()]
            payment = PatientPaymentRecord(
                patient_id=pid,
                received_on=on,
                method=method,
                reference=reference or None,
                amount_cents=cents,
                created_by=self.user,
            )
            s.add(payment)
            s.flush()
            writer = LedgerWriter(s, self.user)
            txn = writer.new_txn()
            for line, take in applied:
                writer.add(
                    txn_id=txn,
                    line=(line.service_line_id, line.patient_id),
                    kind="patient_payment",
                    party="patient",
                    amount_cents=-take,
                    on=on,
                    patient_payment_id=payment.id,
                    memo=f"{method} {reference}".strip(),
                )
            writer.flush()
            s.add(
                AuditLogRecord(
                    username=self.user, action="patient_payment", entity="patient_payment", entity_id=str(payment.id)
                )
            )
            s.flush()
            return _receipt(s, payment.id)

    def reverse_payment(self, payment_id: int, reason: str, on: dt.date | None = None) -> list[int]:
        """Undo a payment (bounced check, wrong account) with a reversal of its ledger rows."""
        if not reason.strip():
            raise ValidationError("Say why the payment is reversed.")
        with self.db.transaction() as s:
            txn = s.scalar(select(L.txn_id).where(L.patient_payment_id == payment_id, L.kind == "patient_payment"))
            if txn is None:
                raise NotFoundError(f"No patient payment {payment_id}.")
            return LedgerWriter(s, self.user).reverse_transaction(txn, on or dt.date.today(), reason)

    def refund_credit(
        self,
        patient: str | int,
        amount: Decimal | str | int,
        method: str,
        reference: str | None,
        reason: str,
        on: dt.date | None = None,
    ) -> Refund:
        """Pay back (part of) a credit balance; refuses more than the credit."""
        cents = _amount(amount, "Refund amount")
        if method not in PAYMENT_METHODS:
            raise ValidationError(f"Refund method {method!r}: expected one of {', '.join(PAYMENT_METHODS)}.")
        if not reason.strip():
            raise ValidationError("Say why the refund is made.")
        day = on or dt.date.today()
        with self.db.transaction() as s:
            pid = resolve_patient(s, patient)
            lines = open_lines(s, _family(s, pid))
            credit = -sum(ln.patient_cents for ln in lines)
            if credit <= 0:
                raise ClaimDeskError("This account has no credit balance; only a credit can be refunded.")
            if cents > credit:
                raise ClaimDeskError(
                    f"The refund {format_money(cents)} is more than the credit balance {format_money(credit)}."
                )
            writer = LedgerWriter(s, self.user)
            txn = writer.new_txn()
            left = cents
            for line in sorted(lines, key=lambda ln: ln.patient_cents):
                if left <= 0 or line.patient_cents >= 0:
                    break
                take = min(left, -line.patient_cents)
                writer.add(
                    txn_id=txn,
                    line=(line.service_line_id, line.patient_id),
                    kind="refund",
                    party="patient",
                    amount_cents=take,
                    on=day,
                    memo=f"{reason} ({method}{' ' + reference if reference else ''})",
                )
                left -= take
            ids = writer.flush()
            s.add(AuditLogRecord(username=self.user, action="patient_refund", entity="patient", entity_id=str(pid)))
            return Refund(pid, cents, method, reference, reason, txn, tuple(ids), credit - cents)

    # ------------------------------------------------------------------ printing

    def receipt_pdf(self, payment_id: int, path: Path | str) -> Path:
        from app.formats.receipt_pdf import write_receipt

        with self.db.session() as s:
            receipt = _receipt(s, payment_id)
            header = practice_header(s)
        return write_receipt(receipt, header, Path(path))


def resolve_patient(s: Session, reference: str | int) -> int:
    if isinstance(reference, int):
        if s.get(PatientRecord, reference) is None:
            raise NotFoundError(f"No patient {reference}.")
        return reference
    text = reference.strip()
    found = s.scalar(select(PatientRecord.id).where(PatientRecord.account_number == text))
    if found is None and text.isdigit():
        found = s.scalar(select(PatientRecord.id).where(PatientRecord.id == int(text)))
    if found is None:
        raise NotFoundError(f"No patient with account number {reference!r}.")
    return found


def _family(s: Session, pid: int) -> list[int]:
    """The patient and every patient they are guarantor for."""
    return [pid, *s.scalars(select(PatientRecord.id).where(PatientRecord.guarantor_id == pid, PatientRecord.id != pid))]


def _receipt(s: Session, payment_id: int) -> Receipt:
    payment = s.get(PatientPaymentRecord, payment_id)
    if payment is None:
        raise NotFoundError(f"No patient payment {payment_id}.")
    patient = s.get(PatientRecord, payment.patient_id)
    assert patient is not None
    rows = s.execute(
        select(
            L.service_line_id,
            L.patient_id,
            ServiceLineRecord.code,
            EncounterRecord.date_of_service,
            L.amount_cents,
            L.txn_id,
        )
        .join(ServiceLineRecord, ServiceLineRecord.id == L.service_line_id)
        .join(EncounterRecord, EncounterRecord.id == ServiceLineRecord.encounter_id)
        .where(L.patient_payment_id == payment_id, L.kind == "patient_payment")
        .order_by(L.id)
    ).all()
    lines = open_lines(s, _family(s, payment.patient_id))
    balance = sum(ln.patient_cents for ln in lines)
    owed_before = {ln.service_line_id: ln.patient_cents for ln in lines}
    applied = tuple(AppliedAmount(r[0], r[1], r[2], r[3], -r[4]) for r in rows)
    # What landed beyond a line's balance: the line's balance is negative by that much (at most the payment).
    credit = min(payment.amount_cents, sum(max(0, -owed_before.get(a.service_line_id, 0)) for a in applied))
    return Receipt(
        payment_id=payment.id,
        patient_id=patient.id,
        account_number=patient.account_number,
        patient_name=patient_name(patient),
        received_on=payment.received_on,
        method=payment.method,
        reference=payment.reference,
        amount_cents=payment.amount_cents,
        applied=applied,
        credit_cents=credit,
        patient_balance_cents=balance,
        txn_id=rows[0][5] if rows else "",
        received_by=payment.created_by,
    )
