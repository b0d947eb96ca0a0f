"""What a biller posts from an EOB or 835: per-claim, per-line payments and CAS adjustments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

GROUP_CODES: tuple[str, ...] = ("CO", "PR", "OA", "PI", "CR")
NextStep = Literal["next_payer", "patient", "settle"]


@dataclass(frozen=True)
class AdjustmentIn:
    group_code: str
    carc: str
    amount: Decimal


@dataclass(frozen=True)
class LinePostingIn:
    claim_line_id: int
    paid: Decimal
    allowed: Decimal | None = None
    adjustments: tuple[AdjustmentIn, ...] = ()
    remarks: tuple[str, ...] = ()
    then: NextStep = "patient"


@dataclass(frozen=True)
class ClaimPostingIn:
    claim_id: int
    status_code: str
    lines: tuple[LinePostingIn, ...]
    payer_claim_number: str | None = None
    remarks: tuple[str, ...] = ()
    # 835 claim-level CAS (in addition to the lines'): the ledger carries them on the claim's first line.
    claim_adjustments: tuple[AdjustmentIn, ...] = ()


@dataclass(frozen=True)
class RemittanceIn:
    payer_id: int
    check_number: str
    check_date: dt.date
    total: Decimal
    claims: tuple[ClaimPostingIn, ...] = field(default_factory=tuple)
    deposit_date: dt.date | None = None
    payment_method: str = "CHK"
    batch_name: str | None = None


def line_balances(charge: Decimal, paid: Decimal, adjustments: tuple[AdjustmentIn, ...]) -> bool:
    """835 line balancing: charge - sum of every adjustment = paid."""
    return charge - sum((a.amount for a in adjustments), Decimal("0")) == paid


def is_denial(paid: Decimal, adjustments: tuple[AdjustmentIn, ...]) -> bool:
    """A zero-pay line with a reason other than the contractual write-off or patient share."""
    return paid == 0 and any(a.group_code != "PR" and a.carc != "45" for a in adjustments)
