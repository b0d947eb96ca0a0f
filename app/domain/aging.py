"""A/R aging and the follow-up queue as plain data: buckets, the report, its JSON/CSV shapes, the
priority score and what to do about common denial reasons."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from app.domain.money import from_cents

Basis = Literal["dos", "billed"]
GroupBy = Literal["payer", "patient", "provider"]
Responsibility = Literal["all", "insurance", "patient"]

# (label, oldest age in days the bucket holds); the last bucket is open-ended.
BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-30", 30),
    ("31-60", 60),
    ("61-90", 90),
    ("91-120", 120),
    ("120+", None),
)
BUCKET_LABELS: tuple[str, ...] = tuple(label for label, _ in BUCKETS)
PATIENT_KEY = "patient"  # the payer-view row that holds what patients owe
PERCENT = Decimal("0.01")


def bucket_for(age_days: int) -> str:
    """30 days old is 0-30, 31 is 31-60, 120 is 91-120, 121 is 120+ (a future date counts as 0-30)."""
    for label, oldest in BUCKETS:
        if oldest is None or age_days <= oldest:
            return label
    raise AssertionError("unreachable")


def percent(part: int, whole: int) -> Decimal:
    """`part` as a percentage of `whole`, two places, half up; 0 when there is nothing."""
    if whole == 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _empty() -> dict[str, int]:
    return dict.fromkeys(BUCKET_LABELS, 0)


@dataclass
class AgingRow:
    """One payer, patient or provider: what is owed, in cents, per bucket."""

    key: str
    name: str
    buckets: dict[str, int] = field(default_factory=_empty)
    insurance_cents: int = 0
    patient_cents: int = 0

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


@dataclass
class AgingReport:
    as_of: dt.date
    basis: Basis
    by: GroupBy
    responsibility: Responsibility
    rows: list[AgingRow]
    credit_cents: int = 0  # credit balances (overpayments), kept out of the buckets

    @property
    def totals(self) -> dict[str, int]:
        out = _empty()
        for row in self.rows:
            for label, cents in row.buckets.items():
                out[label] += cents
        return out

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def insurance_cents(self) -> int:
        return sum(r.insurance_cents for r in self.rows)

    @property
    def patient_cents(self) -> int:
        return sum(r.patient_cents for r in self.rows)

    @property
    def percentages(self) -> dict[str, Decimal]:
        """Each bucket's share of the total A/R, in percent."""
        total = self.total
        return {label: percent(cents, total) for label, cents in self.totals.items()}

    def row(self, key: str) -> AgingRow:
        return next(r for r in self.rows if r.key == key)

    def to_json(self) -> dict[str, Any]:
        """`{"as_of", "basis", "rows": [{"name", buckets..., "total"}], "totals": {buckets..., "total"}}`."""
        totals = self.totals
        return {
            "as_of": self.as_of.isoformat(),
            "basis": self.basis,
            "rows": [
                {
                    "name": r.name,
                    **{b: str(from_cents(c)) for b, c in r.buckets.items()},
                    "total": str(from_cents(r.total)),
                }
                for r in self.rows
            ],
            "totals": {**{b: str(from_cents(c)) for b, c in totals.items()}, "total": str(from_cents(self.total))},
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", *BUCKET_LABELS, "total"])
        for r in self.rows:
            writer.writerow([r.name, *(from_cents(c) for c in r.buckets.values()), from_cents(r.total)])
        writer.writerow(["Total", *(from_cents(c) for c in self.totals.values()), from_cents(self.total)])
        writer.writerow(["%", *self.percentages.values(), "100.00" if self.total else "0.00"])
        return out.getvalue()


@dataclass(frozen=True)
class AgingClaim:
    """One encounter's balance in an aging cell, with the claim that asks for it (none for patient balances
    of self-pay visits)."""

    encounter_id: int
    claim_id: int | None
    claim_number: str | None
    patient_name: str
    date_of_service: dt.date
    aged_from: dt.date
    age_days: int
    party: str
    balance_cents: int


# --------------------------------------------------------------------------- follow-up queue

QUEUE_MIN_AGE_DAYS = 30
URGENCY_WINDOW_DAYS = 90


def priority_score(balance_cents: int, age_days: int, days_left: int) -> Decimal:
    """How soon a claim should be worked: amount × age factor × urgency.

    - amount: the insurance balance in dollars;
    - age factor = 1 + (age − 30) / 30, so it gains 1 for every 30 days past the first month (never below 1);
    - urgency = 1 + 2 × (1 − days left / 90), clamped to 1..3: 1 with 90 or more days left before the payer's
      timely-filing limit, rising to 3 at the limit and past it.

    $200 at 45 days with 120 days left scores 200 × 1.5 × 1 = 300; the same at 45 days left, 200 × 1.5 × 2 = 600.
    """
    amount = from_cents(balance_cents)
    age_factor = max(Decimal(1), 1 + Decimal(age_days - QUEUE_MIN_AGE_DAYS) / QUEUE_MIN_AGE_DAYS)
    closeness = 1 - Decimal(days_left) / URGENCY_WINDOW_DAYS
    urgency = 1 + 2 * min(Decimal(1), max(Decimal(0), closeness))
    return (amount * age_factor * urgency).quantize(PERCENT, rounding=ROUND_HALF_UP)


# The usual next step for common CARCs, in words.
DENIAL_ACTIONS: dict[str, str] = {
    "16": "Missing or invalid information: read the RARC, fix the claim and resubmit it as a replacement.",
    "18": "Duplicate: check the original claim's status with the payer; do not resubmit.",
    "22": "Other coverage may be primary: confirm coordination of benefits with the patient and bill the right payer.",
    "27": "Coverage ended before the service: verify eligibility; bill the new payer or the patient.",
    "29": "Timely filing expired: appeal only with proof of timely submission, otherwise write off.",
    "50": "Not medically necessary: appeal with the medical records and the payer's policy.",
    "96": "Non-covered charge: check the plan's benefits; bill the patient if an ABN or waiver is on file.",
    "97": "Bundled into another service: if truly distinct, correct with modifier 59/X and resubmit.",
    "109": "Not covered by this payer: find the right payer (e.g. Medicare contractor or plan) and bill it.",
    "197": "No prior authorization: obtain a retro-authorization if possible and appeal, or write off.",
    "204": "Not covered under the patient's benefit plan: bill the patient if they were told in advance.",
    "236": "Procedure pair not allowed (NCCI): add modifier 59/X if distinct and resubmit, else write off.",
    "151": "Frequency exceeded: appeal with documentation of medical necessity for the extra services.",
}
DEFAULT_DENIAL_ACTION = "Review the EOB and correct or appeal."


def denial_action(carc: str) -> str:
    return DENIAL_ACTIONS.get(carc.strip().upper(), DEFAULT_DENIAL_ACTION)


@dataclass(frozen=True)
class QueueDenial:
    group_code: str
    carc: str
    carc_text: str
    rarc: str | None
    rarc_text: str | None
    amount_cents: int
    action: str


@dataclass(frozen=True)
class FollowUpNote:
    id: int
    note: str
    next_action_date: dt.date | None
    done: bool
    created_at: dt.datetime
    created_by: str


@dataclass
class QueueItem:
    claim_id: int
    claim_number: str
    status: str
    payer_name: str
    patient_name: str
    date_of_service: dt.date
    aged_from: dt.date
    age_days: int
    balance_cents: int
    filing_deadline: dt.date
    days_left: int
    score: Decimal
    notes: list[FollowUpNote] = field(default_factory=list)
    denials: list[QueueDenial] = field(default_factory=list)

    @property
    def next_action_date(self) -> dt.date | None:
        """The tickler: the date on the newest open note."""
        open_notes = [n for n in self.notes if not n.done and n.next_action_date]
        return open_notes[-1].next_action_date if open_notes else None


@dataclass
class WorkToday:
    due: list[QueueItem]  # ticklers that have come due
    new: list[QueueItem]  # high-priority claims nobody has touched yet
