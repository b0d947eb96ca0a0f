"""Patient statements as data: who gets one, which dunning message, and the exact content printed.

The content of a statement is a plain JSON-able dict (`StatementContent`); the PDF is drawn from it
and it is stored as is, so a reprint shows the very same words and amounts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DUNNING = (
    "Thank you for choosing our practice. Please pay the amount due by the due date."
    "|Second notice: this balance is past due. Please pay today, or call us to set up a payment plan."
    "|Final notice: please pay within 10 days or call our office to avoid further collection action."
)

StatementContent = dict[str, Any]


def check_money_setting(value: Any) -> str | None:
    return None if re.fullmatch(r"\d{1,7}\.\d{2}", str(value)) else "an amount like 5.00"


def check_days(value: Any) -> str | None:
    return None if isinstance(value, int) and 0 <= value <= 3650 else "a number from 0 to 3650"


def dunning_messages(setting: str) -> list[str]:
    """The tiers setting is the messages in order, separated by `|` (first statement first)."""
    messages = [m.strip() for m in setting.split("|") if m.strip()]
    return messages or [m.strip() for m in DEFAULT_DUNNING.split("|")]


def dunning_tier(previous_statements: int, tiers: int) -> int:
    """Tier by how many statements this balance already had (not by dates: a late mailing does not
    punish the patient); the last tier repeats."""
    return min(max(previous_statements, 0), tiers - 1)


@dataclass(frozen=True)
class StatementOptions:
    """What decides who gets a statement; `None` means the practice's setting."""

    include_pending: bool = False
    minimum_balance_cents: int | None = None
    days_between: int | None = None
    write_off_small_balances: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "include_pending": self.include_pending,
            "minimum_balance_cents": self.minimum_balance_cents,
            "days_between": self.days_between,
            "write_off_small_balances": self.write_off_small_balances,
        }


@dataclass(frozen=True)
class StatementCandidate:
    guarantor_id: int
    account_number: str
    name: str
    patient_ids: tuple[int, ...]
    patient_cents: int
    insurance_cents: int
    last_statement_date: dt.date | None
    previous_statements: int  # statements of this balance since the last payment


@dataclass(frozen=True)
class StatementSummary:
    """One statement printed in an earlier or this run, for listing and reprinting."""

    statement_id: int
    run_id: int
    statement_date: dt.date
    guarantor_name: str
    guarantor_account: str
    amount_due_cents: int
    statement_number: int
    dunning_tier: int
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class WriteOffResult:
    guarantors: int
    amount_cents: int
    entry_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class StatementRunResult:
    run_id: int
    statement_ids: tuple[int, ...]
    total_due_cents: int
    path: Path
    written_off: WriteOffResult = field(default_factory=lambda: WriteOffResult(0, 0))

    @property
    def count(self) -> int:
        return len(self.statement_ids)
