"""The practice's settings, declared once in a typed registry and kept in the `setting` table.

Every setting has a key, a type, a default and a sentence saying what it is for; reading an unknown key
or writing a value of the wrong shape is an error in words. Counters (the X12 control numbers) are
taken inside the caller's transaction so a number is never handed out twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from app.domain.statements import DEFAULT_DUNNING, check_days, check_money_setting
from app.errors import ValidationError
from db.models import AuditLogRecord, SettingRecord
from db.session import Database


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type
    default: Any
    doc: str
    check: Callable[[Any], str | None] | None = None  # returns the problem in words, or None


def _id_check(width: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        text = str(value)
        if not text or len(text) > width or not re.fullmatch(r"[A-Za-z0-9 ]+", text):
            return f"1 to {width} letters, digits or spaces"
        return None

    return check


def _one_of(*allowed: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in allowed else f"one of {', '.join(allowed)}"

    return check


def _delimiter(value: Any) -> str | None:
    text = str(value)
    if len(text) != 1 or text.isalnum() or text in " ":
        return "one punctuation character"
    return None


def _control_number(value: Any) -> str | None:
    return None if isinstance(value, int) and 1 <= value <= 999_999_999 else "a number from 1 to 999999999"


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("x12.sender_qualifier", str, "ZZ", "ISA05: qualifier of our interchange sender id", _id_check(2)),
        Setting(
            "x12.sender_id",
            str,
            "CLAIMDESK",
            "ISA06: our interchange sender id (from the clearinghouse)",
            _id_check(15),
        ),
        Setting("x12.receiver_qualifier", str, "ZZ", "ISA07: qualifier of the receiver id", _id_check(2)),
        Setting("x12.receiver_id", str, "CLEARINGHOUSE", "ISA08: the clearinghouse's receiver id", _id_check(15)),
        Setting("x12.application_sender", str, "CLAIMDESK", "GS02: application sender's code", _id_check(15)),
        Setting("x12.application_receiver", str, "CLEARINGHOUSE", "GS03: application receiver's code", _id_check(15)),
        Setting("x12.usage", str, "T", "ISA15: T for test files, P for production", _one_of("T", "P")),
        Setting("x12.submitter_name", str, "", "1000A submitter name (default: the practice name)"),
        Setting("x12.submitter_contact", str, "", "1000A PER contact name (default: billing office)"),
        Setting("x12.submitter_phone", str, "", "1000A PER phone (default: the practice phone)"),
        Setting("x12.receiver_name", str, "CLEARINGHOUSE", "1000B receiver (clearinghouse) name"),
        Setting("x12.segment_terminator", str, "~", "the character ending each segment", _delimiter),
        Setting("x12.element_separator", str, "*", "the character between elements", _delimiter),
        Setting("x12.component_separator", str, ":", "the character between components (ISA16)", _delimiter),
        Setting("x12.repetition_separator", str, "^", "ISA11 repetition separator", _delimiter),
        Setting(
            "x12.file_per",
            str,
            "payer",
            "one 837P file per payer or one per clearinghouse batch",
            _one_of("payer", "batch"),
        ),
        Setting("x12.next_interchange", int, 1, "the next ISA13 interchange control number", _control_number),
        Setting("x12.next_group", int, 1, "the next GS06 group control number", _control_number),
        Setting("x12.next_transaction", int, 1, "the next ST02 transaction set control number", _control_number),
        Setting(
            "statement.minimum_balance",
            str,
            "5.00",
            "no statement for a patient balance below this",
            check_money_setting,
        ),
        Setting("statement.days_between", int, 28, "days from one statement to the next for a guarantor", check_days),
        Setting("statement.due_days", int, 21, "days from the statement date to its due date", check_days),
        Setting(
            "statement.small_balance_writeoff",
            str,
            "0.00",
            "write off patient balances below this after enough statements (0.00: never)",
            check_money_setting,
        ),
        Setting(
            "statement.writeoff_after_statements",
            int,
            3,
            "statements a small balance gets before it is written off",
            check_days,
        ),
        Setting(
            "statement.dunning_tiers",
            str,
            DEFAULT_DUNNING,
            "dunning messages by statements already sent for the balance, separated by |",
        ),
    )
}


def printer_key(printer: str) -> str:
    return f"printer.{printer.strip() or 'default'}.offset"


class SettingsService:
    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    def get(self, key: str) -> Any:
        with self.db.session() as s:
            return self.get_in(s, key)

    def get_in(self, s: Session, key: str) -> Any:
        spec = _spec(key)
        row = s.get(SettingRecord, key)
        if row is None:
            return spec.default
        return int(row.value) if spec.kind is int else row.value

    def set(self, key: str, value: Any) -> Any:
        spec = _spec(key)
        if spec.kind is int:
            try:
                value = int(value)
            except (TypeError, ValueError) as exc:
                raise ValidationError(f"Setting {key}: {value!r} is not a number.") from exc
        else:
            value = str(value)
        problem = spec.check(value) if spec.check else None
        if problem:
            raise ValidationError(f"Setting {key} ({spec.doc}): {value!r} is not valid; expected {problem}.")
        with self.db.transaction() as s:
            self._write(s, key, value)
            s.add(AuditLogRecord(username=self.user, action="setting_changed", entity="setting", entity_id=key))
        return value

    def all(self) -> dict[str, Any]:
        with self.db.session() as s:
            return {key: self.get_in(s, key) for key in SETTINGS}

    def take_number(self, s: Session, key: str, count: int = 1) -> int:
        """Hand out `count` consecutive numbers from a counter in the caller's transaction; returns the first.
        Control numbers wrap from 999999999 back to 1."""
        first = int(self.get_in(s, key))
        following = first + count
        self._write(s, key, following if following <= 999_999_999 else 1)
        return first

    # ------------------------------------------------------------------ printers

    def printer_offset(self, printer: str) -> tuple[Decimal, Decimal]:
        """Horizontal and vertical offset in inches for printing onto pre-printed forms with this printer."""
        with self.db.session() as s:
            row = s.get(SettingRecord, printer_key(printer))
        if row is None:
            return Decimal("0"), Decimal("0")
        dx, dy = row.value.split(",")
        return Decimal(dx), Decimal(dy)

    def set_printer_offset(self, printer: str, dx: Decimal | str, dy: Decimal | str) -> tuple[Decimal, Decimal]:
        try:
            x, y = Decimal(str(dx)).quantize(Decimal("0.01")), Decimal(str(dy)).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise ValidationError("A printer offset is inches, e.g. 0.05 or -0.10.") from exc
        if abs(x) > 1 or abs(y) > 1:
            raise ValidationError("A printer offset beyond one inch means the form is loaded wrongly; check the paper.")
        with self.db.transaction() as s:
            self._write(s, printer_key(printer), f"{x},{y}")
        return x, y

    @staticmethod
    def _write(s: Session, key: str, value: Any) -> None:
        row = s.get(SettingRecord, key)
        if row is None:
            s.add(SettingRecord(key=key, value=str(value)))
        else:
            row.value = str(value)
        s.flush()


def _spec(key: str) -> Setting:
    spec = SETTINGS.get(key)
    if spec is None:
        raise ValidationError(f"There is no setting {key!r}; the settings are: {', '.join(SETTINGS)}.")
    return spec
