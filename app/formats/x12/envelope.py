"""The X12 envelopes around a transaction: ISA/IEA interchange, GS/GE functional group, ST/SE set."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.errors import ValidationError
from app.formats.x12.syntax import Delimiters

ID_QUALIFIERS = frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"})
_APP_CODE = re.compile(r"[A-Za-z0-9 \-.]{2,15}")


@dataclass(frozen=True)
class Envelope:
    """Who sends the interchange to whom, and its control numbers (agreed with the clearinghouse).

    Transaction sets are numbered from `first_transaction_control_number` upwards (ST02/SE02, at least
    four digits). Dates and times come from the `created_at` given to the writer, so ISA, GS and BHT
    always agree.
    """

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    app_sender_code: str
    app_receiver_code: str
    interchange_control_number: int
    group_control_number: int
    usage_indicator: str = "P"  # P production, T test
    first_transaction_control_number: int = 1
    acknowledgment_requested: bool = False  # ISA14: ask for a TA1

    def __post_init__(self) -> None:
        problems = []
        for name in ("sender_qualifier", "receiver_qualifier"):
            if getattr(self, name) not in ID_QUALIFIERS:
                problems.append(f"{name} must be one of {', '.join(sorted(ID_QUALIFIERS))}")
        for name in ("sender_id", "receiver_id"):
            value = getattr(self, name)
            if not value or len(value) > 15 or not value.isascii() or not value.isprintable() or value != value.strip():
                problems.append(f"{name} must be 1 to 15 printable characters without surrounding spaces")
        for name in ("app_sender_code", "app_receiver_code"):
            if not _APP_CODE.fullmatch(getattr(self, name)):
                problems.append(f"{name} must be 2 to 15 letters, digits, spaces, '-' or '.'")
        if self.usage_indicator not in ("P", "T"):
            problems.append("usage_indicator must be 'P' (production) or 'T' (test)")
        if not 1 <= self.interchange_control_number <= 999_999_999:
            problems.append("interchange_control_number must be 1 to 999999999")
        if not 1 <= self.group_control_number <= 999_999_999:
            problems.append("group_control_number must be 1 to 999999999")
        if not 1 <= self.first_transaction_control_number <= 999_999_999:
            problems.append("first_transaction_control_number must be 1 to 999999999")
        if problems:
            raise ValidationError("The X12 envelope settings are not valid.", problems)

    def transaction_control_number(self, index: int) -> str:
        """ST02 of the index-th (0-based) transaction set in the group."""
        number = self.first_transaction_control_number + index
        if number > 999_999_999:
            raise ValidationError("The transaction set control number would pass 999999999.")
        return f"{number:04d}"


def isa(envelope: Envelope, delimiters: Delimiters, at: dt.datetime) -> str:
    """The fixed-width ISA segment (106 characters with its terminator)."""
    e = delimiters.element
    for value in (envelope.sender_id, envelope.receiver_id):
        for d in delimiters.all:
            if d in value:
                raise ValidationError(f"The interchange sender/receiver id {value!r} contains the delimiter {d!r}.")
    fields = (
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        envelope.sender_qualifier,
        envelope.sender_id.ljust(15),
        envelope.receiver_qualifier,
        envelope.receiver_id.ljust(15),
        f"{at:%y%m%d}",
        f"{at:%H%M}",
        delimiters.repetition,
        "00501",
        f"{envelope.interchange_control_number:09d}",
        "1" if envelope.acknowledgment_requested else "0",
        envelope.usage_indicator,
        delimiters.component,
    )
    return e.join(fields)


def gs(envelope: Envelope, delimiters: Delimiters, at: dt.datetime, version: str) -> str:
    e = delimiters.element
    for value in (envelope.app_sender_code, envelope.app_receiver_code):
        for d in delimiters.all:
            if d in value:
                raise ValidationError(f"The application sender/receiver code {value!r} contains the delimiter {d!r}.")
    return e.join(
        (
            "GS",
            "HC",
            envelope.app_sender_code,
            envelope.app_receiver_code,
            f"{at:%Y%m%d}",
            f"{at:%H%M}",
            str(envelope.group_control_number),
            "X",
            version,
        )
    )


def ge(envelope: Envelope, delimiters: Delimiters, transaction_count: int) -> str:
    return delimiters.element.join(("GE", str(transaction_count), str(envelope.group_control_number)))


def iea(envelope: Envelope, delimiters: Delimiters, group_count: int) -> str:
    return delimiters.element.join(("IEA", str(group_count), f"{envelope.interchange_control_number:09d}"))
