"""A patient's account in plain words: ledger rows grouped into lines a front desk can read out loud,
with a running balance split into what insurance still owes and what the patient owes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.ledger import INSURANCE_PARTIES
from app.domain.money import format_money

PAYMENT_METHODS: tuple[str, ...] = ("cash", "check", "card", "other")

# PR (patient responsibility) reasons as a patient hears them.
PATIENT_SHARE_WORDS: Mapping[str, str] = {"1": "deductible", "2": "coinsurance", "3": "copay"}
ADJUSTMENT_WORDS: Mapping[str, str] = {
    "contractual": "Contractual adjustment",
    "write_off": "Write-off",
    "small_balance": "Small balance write-off",
}


def short_date(day: dt.date) -> str:
    """`3/4/2026`, as printed on statements and receipts."""
    return f"{day.month}/{day.day}/{day.year}"


@dataclass(frozen=True)
class LedgerRow:
    """What the account view needs from one ledger entry, with its line's code and date of service."""

    id: int
    txn_id: str
    service_line_id: int
    patient_id: int
    kind: str
    party: str
    amount_cents: int
    effective_date: dt.date
    code: str
    date_of_service: dt.date
    adjustment_type: str | None = None
    group_code: str | None = None
    carc: str | None = None
    payer_name: str | None = None
    patient_payment_id: int | None = None
    payment_method: str | None = None
    payment_reference: str | None = None
    reverses_entry_id: int | None = None
    memo: str | None = None


@dataclass(frozen=True)
class AccountLine:
    """One event on the account; `insurance_cents`/`patient_cents` are the running balances after it."""

    date: dt.date
    kind: str
    text: str
    amount_cents: int  # the event's own amount, as a person would say it (always shown positive for payments)
    insurance_delta_cents: int
    patient_delta_cents: int
    insurance_cents: int
    patient_cents: int
    patient_id: int | None = None
    service_line_ids: tuple[int, ...] = ()
    entry_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Account:
    patient_id: int
    account_number: str
    name: str
    lines: tuple[AccountLine, ...]
    insurance_cents: int
    patient_cents: int

    @property
    def total_cents(self) -> int:
        return self.insurance_cents + self.patient_cents

    @property
    def credit_cents(self) -> int:
        """A negative patient balance is money we hold for the patient."""
        return max(0, -self.patient_cents)

    def summary(self) -> str:
        if self.patient_cents < 0:
            owed = f"a credit of {format_money(-self.patient_cents)} (the practice owes the patient)"
        else:
            owed = f"{format_money(self.patient_cents)} owed by the patient"
        return f"{format_money(self.insurance_cents)} pending with insurance; {owed}."


@dataclass(frozen=True)
class AppliedAmount:
    service_line_id: int
    patient_id: int
    code: str
    date_of_service: dt.date
    amount_cents: int


@dataclass(frozen=True)
class Receipt:
    payment_id: int
    patient_id: int
    account_number: str
    patient_name: str
    received_on: dt.date
    method: str
    reference: str | None
    amount_cents: int
    applied: tuple[AppliedAmount, ...]
    credit_cents: int  # the part of this payment that was more than was owed
    patient_balance_cents: int  # the account's patient balance after the payment (negative = credit)
    txn_id: str
    received_by: str

    @property
    def message(self) -> str:
        text = f"Received {format_money(self.amount_cents)} by {self.method}"
        if self.credit_cents:
            text += (
                f"; {format_money(self.credit_cents)} is more than was owed and is kept as a credit balance "
                "(refund it or apply it to future visits)"
            )
        return text + "."


@dataclass(frozen=True)
class PaymentSummary:
    """One payment on an account, for picking it to reprint its receipt or undo it."""

    payment_id: int
    received_on: dt.date
    method: str
    reference: str | None
    amount_cents: int
    undone: bool  # its ledger entries have been reversed


@dataclass(frozen=True)
class Refund:
    patient_id: int
    amount_cents: int
    method: str
    reference: str | None
    reason: str
    txn_id: str
    entry_ids: tuple[int, ...]
    credit_left_cents: int


@dataclass(frozen=True)
class OpenLine:
    """A service line's current patient balance, for applying a payment."""

    service_line_id: int
    patient_id: int
    code: str
    date_of_service: dt.date
    line_number: int
    patient_cents: int


def allocate(open_lines: Sequence[OpenLine], amount_cents: int) -> tuple[list[tuple[OpenLine, int]], int]:
    """Apply a payment to the lines in the order given, never more than a line owes.

    Returns (line, cents) pairs and what is left over (the credit)."""
    left = amount_cents
    out: list[tuple[OpenLine, int]] = []
    for line in open_lines:
        if left <= 0:
            break
        take = min(left, line.patient_cents)
        if take > 0:
            out.append((line, take))
            left -= take
    return out, left


def oldest_first(lines: Iterable[OpenLine]) -> list[OpenLine]:
    return sorted(lines, key=lambda ln: (ln.date_of_service, ln.service_line_id, ln.line_number))


# --------------------------------------------------------------------------- plain words


def _party_name(party: str, party_names: Mapping[tuple[int, str], str], patient_id: int) -> str:
    if party == "patient":
        return "you"
    return party_names.get((patient_id, party), {"ins1": "primary", "ins2": "secondary", "ins3": "tertiary"}[party])


def _describe_group(rows: Sequence[LedgerRow], party_names: Mapping[tuple[int, str], str]) -> tuple[str, str, int]:
    """(kind, text, amount) for one group of rows that belong together."""
    first = rows[0]
    total = sum(r.amount_cents for r in rows)
    on = short_date(first.effective_date)
    what = f"{first.code} on {short_date(first.date_of_service)}"
    if first.kind == "charge":
        return "charge", f"Charge {format_money(total)} for {what}", total
    if first.kind == "insurance_payment":
        payer = first.payer_name or _party_name(first.party, party_names, first.patient_id).capitalize()
        return "insurance_payment", f"{payer} paid {format_money(-total)} on {on} for {what}", -total
    if first.kind == "patient_payment":
        how = first.payment_method or "payment"
        ref = f" #{first.payment_reference}" if first.payment_reference else ""
        return "patient_payment", f"You paid {format_money(-total)} by {how}{ref} on {on}", -total
    if first.kind == "refund":
        memo = f" ({first.memo})" if first.memo else ""
        return "refund", f"Refund of {format_money(total)} to you on {on}{memo}", total
    if first.kind == "adjustment":
        label = ADJUSTMENT_WORDS.get(first.adjustment_type or "", "Adjustment")
        codes = f" ({first.group_code}-{first.carc})" if first.group_code and first.carc else ""
        return "adjustment", f"{label} {format_money(-total)}{codes} for {what}", -total
    if first.kind == "transfer":
        to = [r for r in rows if r.amount_cents > 0]
        moved = sum(r.amount_cents for r in to)
        target = to[0].party if to else first.party
        if target == "patient":
            share = PATIENT_SHARE_WORDS.get(first.carc or "") if first.group_code == "PR" else None
            words = f" as {share}" if share else ""
            return "transfer", f"{format_money(moved)} moved to you{words} ({what})", moved
        name = _party_name(target, party_names, first.patient_id)
        return "transfer", f"{format_money(moved)} moved to {name} ({what})", moved
    if first.kind == "reversal":
        memo = f": {first.memo}" if first.memo else ""
        return "reversal", f"Reversal of {format_money(abs(total))} on {on} for {what}{memo}", total
    return first.kind, f"{first.kind} {format_money(total)} on {on}", total


def _group_key(row: LedgerRow) -> tuple[object, ...]:
    if row.kind in ("patient_payment", "refund"):
        return (row.kind, row.txn_id)
    if row.kind in ("transfer", "reversal"):
        return (row.kind, row.txn_id, row.service_line_id)
    return (row.kind, row.id)


def account_lines(
    rows: Iterable[LedgerRow],
    party_names: Mapping[tuple[int, str], str],
    events: Iterable[tuple[dt.date, str, str]] = (),
    opening: tuple[int, int] = (0, 0),
) -> list[AccountLine]:
    """Ledger rows (any order) and other events (date, kind, text) as account lines in date order.

    Rows of one payment, refund, transfer or reversal become one line; balances run from `opening`
    (insurance, patient)."""
    groups: dict[tuple[object, ...], list[LedgerRow]] = {}
    for row in sorted(rows, key=lambda r: (r.effective_date, r.id)):
        groups.setdefault(_group_key(row), []).append(row)
    items: list[tuple[tuple[dt.date, int, int], object]] = []
    for group in groups.values():
        items.append(((group[0].effective_date, 0, group[0].id), group))
    for n, event in enumerate(events):
        items.append(((event[0], 1, n), event))
    items.sort(key=lambda item: item[0])
    insurance, patient = opening
    out: list[AccountLine] = []
    for _key, item in items:
        if isinstance(item, tuple):
            day, kind, text = item
            out.append(AccountLine(day, kind, text, 0, 0, 0, insurance, patient))
            continue
        group: list[LedgerRow] = item  # type: ignore[assignment]
        kind, text, amount = _describe_group(group, party_names)
        ins = sum(r.amount_cents for r in group if r.party in INSURANCE_PARTIES)
        pat = sum(r.amount_cents for r in group if r.party == "patient")
        insurance += ins
        patient += pat
        patients = {r.patient_id for r in group}
        out.append(
            AccountLine(
                group[0].effective_date,
                kind,
                text,
                amount,
                ins,
                pat,
                insurance,
                patient,
                patient_id=group[0].patient_id if len(patients) == 1 else None,
                service_line_ids=tuple(dict.fromkeys(r.service_line_id for r in group)),
                entry_ids=tuple(r.id for r in group),
            )
        )
    return out


@dataclass
class AgingBuckets:
    """The patient balance by age of the service: current (0-30 days), 31-60, 61-90, over 90."""

    current: int = 0
    days_30: int = 0
    days_60: int = 0
    days_90: int = 0

    def add(self, age_days: int, cents: int) -> None:
        if age_days <= 30:
            self.current += cents
        elif age_days <= 60:
            self.days_30 += cents
        elif age_days <= 90:
            self.days_60 += cents
        else:
            self.days_90 += cents

    @property
    def total(self) -> int:
        return self.current + self.days_30 + self.days_60 + self.days_90
