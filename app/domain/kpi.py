"""Revenue-cycle KPIs as plain data: each figure with its formula in words and the usual benchmark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")

# key -> (label, unit, formula in words, benchmark in words)
KPI_DEFINITIONS: dict[str, tuple[str, str, str, str]] = {
    "days_in_ar": (
        "Days in A/R",
        "days",
        "A/R at period end ÷ (gross charges in the period ÷ days in the period)",
        "under 35–40 days",
    ),
    "net_collection_rate": (
        "Net collection rate",
        "%",
        "payments (insurance + patient, less refunds) ÷ (gross charges − contractual adjustments), all in the "
        "period; avoidable write-offs are not subtracted",
        "95% or more",
    ),
    "denial_rate": (
        "Denial rate",
        "%",
        "claims with a denial on a remittance dated in the period ÷ claims adjudicated (on a remittance) in the period",
        "under 5%",
    ),
    "clean_claim_rate": (
        "Clean claim rate",
        "%",
        "claims paid on their first submission (original claim, first remittance paid with no denial, never "
        "rejected) ÷ claims first adjudicated in the period",
        "95% or more",
    ),
    "first_pass_resolution_rate": (
        "First-pass resolution rate",
        "%",
        "claims first adjudicated in the period that the first remittance settled for good (paid, no denial, no "
        "later remittance, no replacement claim, nothing left owed by that payer) ÷ claims first adjudicated in "
        "the period",
        "90% or more",
    ),
    "ar_over_90_pct": (
        "A/R over 90 days",
        "%",
        "A/R older than 90 days from the date of service ÷ all A/R, at period end",
        "under 10–15%",
    ),
    "ar_over_120_pct": (
        "A/R over 120 days",
        "%",
        "A/R older than 120 days from the date of service ÷ all A/R, at period end",
        "under 5–10%",
    ),
    "submission_lag_days": (
        "Submission lag",
        "days",
        "average of (first billed date − date of service) over original primary claims first billed in the period",
        "under 2–5 days",
    ),
    "posting_lag_days": (
        "Posting lag",
        "days",
        "average of (posted date − check date) over remittances posted in the period",
        "under 2–3 days",
    ),
    "scrub_clean_rate": (
        "Scrubber pass rate",
        "%",
        "claims with no scrub error ÷ claims scrubbed, over scrub runs in the period (before submission)",
        "95% or more",
    ),
}


def ratio(numerator: int, denominator: int, *, as_percent: bool = True) -> Decimal | None:
    """numerator ÷ denominator, in percent to two places (or plain to one place); None when undefined."""
    if denominator == 0:
        return None
    value = Decimal(numerator) / Decimal(denominator)
    if as_percent:
        return (value * 100).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def days_in_ar(ar_cents: int, charges_cents: int, days: int) -> Decimal | None:
    """A/R ÷ (charges ÷ days) = A/R × days ÷ charges, to one decimal."""
    if charges_cents <= 0 or days <= 0:
        return None
    return (Decimal(ar_cents) * days / Decimal(charges_cents)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpi:
    key: str
    value: Decimal | None  # None when the denominator is zero
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None

    @property
    def label(self) -> str:
        return KPI_DEFINITIONS[self.key][0]

    @property
    def unit(self) -> str:
        return KPI_DEFINITIONS[self.key][1]

    @property
    def formula(self) -> str:
        return KPI_DEFINITIONS[self.key][2]

    @property
    def benchmark(self) -> str:
        return KPI_DEFINITIONS[self.key][3]


@dataclass
class KpiReport:
    date_from: dt.date
    date_to: dt.date
    kpis: dict[str, Kpi]
    # the money behind the rates, in cents
    ar_cents: int = 0
    charges_cents: int = 0
    payments_cents: int = 0
    contractual_cents: int = 0
    write_off_cents: int = 0  # avoidable: timely filing, no authorization, bad debt...
    figures: dict[str, Any] = field(default_factory=dict)

    def value(self, key: str) -> Decimal | None:
        return self.kpis[key].value

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            **{k: None if v.value is None else str(v.value) for k, v in self.kpis.items()},
            "details": [
                {
                    "key": k,
                    "label": v.label,
                    "value": None if v.value is None else str(v.value),
                    "unit": v.unit,
                    "formula": v.formula,
                    "benchmark": v.benchmark,
                    "numerator": None if v.numerator is None else str(v.numerator),
                    "denominator": None if v.denominator is None else str(v.denominator),
                }
                for k, v in self.kpis.items()
            ],
        }
