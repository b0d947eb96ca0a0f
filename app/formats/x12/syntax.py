"""X12 syntax shared by every transaction we write: delimiters, value checks and number/date formats.

Values are checked, never silently mangled: a delimiter or a character outside the X12 extended
character set inside data becomes a `X12Problem` that names the claim and the field. The only
rewriting is the kind every clearinghouse does: surrounding and repeated whitespace is collapsed and
accented letters lose their accents ("Muñoz" -> "Munoz"), because X12 data is ASCII.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from app.errors import ValidationError

# The X12 extended character set for 005010 (what pyx12 accepts for AN and ID elements).
EXTENDED_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 !\"&'()*+,-./:;?=%~@[]_{}\\|<>^`#$"
)
_DELIMITER_ROLES = ("segment terminator", "element separator", "component separator", "repetition separator")


@dataclass(frozen=True)
class Delimiters:
    """The four X12 delimiters; ISA fixes where each is declared. `newline` adds a line break after
    each segment terminator, which most readers (and pyx12) accept and which people can read."""

    segment: str = "~"
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    newline: bool = False

    def __post_init__(self) -> None:
        chars = (self.segment, self.element, self.component, self.repetition)
        for role, ch in zip(_DELIMITER_ROLES, chars, strict=True):
            if len(ch) != 1 or ch.isalnum() or ch.isspace() or not ch.isascii() or not ch.isprintable():
                raise ValidationError(f"The X12 {role} must be one printable ASCII symbol, not {ch!r}.")
        if len(set(chars)) != 4:
            raise ValidationError(f"The X12 delimiters must all differ, got {chars!r}.")

    @property
    def all(self) -> tuple[str, str, str, str]:
        return (self.segment, self.element, self.component, self.repetition)

    def role_of(self, ch: str) -> str | None:
        for role, d in zip(_DELIMITER_ROLES, self.all, strict=True):
            if ch == d:
                return role
        return None


@dataclass(frozen=True)
class X12Problem:
    """One reason a file cannot be written: what is wrong, where, and for which claims."""

    where: str  # the field in words and its X12 place, e.g. "billing provider ZIP code (2010AA N403)"
    message: str  # what was found and what was expected
    claim_numbers: tuple[str, ...] = ()

    def __str__(self) -> str:
        if not self.claim_numbers:
            return f"{self.where}: {self.message}"
        shown = ", ".join(self.claim_numbers[:5])
        more = f" and {len(self.claim_numbers) - 5} more" if len(self.claim_numbers) > 5 else ""
        noun = "Claim" if len(self.claim_numbers) == 1 else "Claims"
        return f"{noun} {shown}{more}: {self.where}: {self.message}"


class X12DataError(ValidationError):
    """The claims cannot be written as X12: nothing was written; `x12_problems` says why."""

    def __init__(self, message: str, problems: Iterable[X12Problem]) -> None:
        self.x12_problems = tuple(problems)
        super().__init__(message, [str(p) for p in self.x12_problems])


@dataclass
class ProblemLog:
    """Problems collected while writing, merged so one bad practice address is one message, not 10,000."""

    _by_key: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, where: str, message: str, claim_number: str | None) -> None:
        claims = self._by_key.setdefault((where, message), [])
        if claim_number is not None and (not claims or claims[-1] != claim_number):
            claims.append(claim_number)

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def entries(self) -> list[tuple[str, str]]:
        """(where, message) of each problem, without the claims."""
        return list(self._by_key)

    def problems(self) -> list[X12Problem]:
        return [X12Problem(where, message, tuple(claims)) for (where, message), claims in self._by_key.items()]


class Checker:
    """Checks and cleans element values for one set of delimiters, reporting into a `ProblemLog`.

    `claim` is the claim number the next problems belong to; the writer sets it per claim.
    """

    def __init__(self, delimiters: Delimiters, log: ProblemLog) -> None:
        self.delimiters = delimiters
        self.log = log
        self.claim: str | None = None
        allowed = "".join(sorted(EXTENDED_CHARACTERS - set(delimiters.all)))
        self._bad = re.compile("[^" + re.escape(allowed) + "]|^ | $|  ")

    def problem(self, where: str, message: str) -> None:
        self.log.add(where, message, self.claim)

    def text(self, value: str | None, where: str, max_len: int, min_len: int = 1, required: bool = True) -> str:
        """An AN value: returns the cleaned value, or "" (and a problem when `required`)."""
        if value is None:
            value = ""
        if self._bad.search(value):
            value = self._clean(value, where)
        if not value:
            if required:
                self.problem(where, "is missing")
            return ""
        if len(value) > max_len:
            self.problem(where, f"is {len(value)} characters long; X12 allows at most {max_len}: {value!r}")
        elif len(value) < min_len:
            self.problem(where, f"must be at least {min_len} characters long, got {value!r}")
        return value

    def _clean(self, value: str, where: str) -> str:
        value = " ".join(value.split())
        if not value.isascii():
            value = "".join(ch for ch in unicodedata.normalize("NFD", value) if not unicodedata.combining(ch))
        for ch in dict.fromkeys(value):
            if ch in EXTENDED_CHARACTERS and ch not in self.delimiters.all:
                continue
            role = self.delimiters.role_of(ch)
            if role is not None:
                self.problem(where, f"contains {ch!r}, the file's {role}; remove it or choose other delimiters")
            else:
                self.problem(where, f"contains {ch!r}, which is not in the X12 character set")
        return value

    def code(self, value: str | None, where: str, allowed: Iterable[str], required: bool = True) -> str:
        """An ID value that must be one of `allowed`."""
        if not value:
            if required:
                self.problem(where, "is missing")
            return ""
        allowed_set = allowed if isinstance(allowed, (frozenset, set, dict)) else frozenset(allowed)
        if value not in allowed_set:
            self.problem(where, f"is {value!r}; expected one of {', '.join(sorted(allowed_set))}")
        return value

    def pattern(self, value: str | None, where: str, regex: re.Pattern[str], expected: str) -> str:
        """A value that must match `regex` in full (NPI, ZIP, codes)."""
        if not value:
            self.problem(where, "is missing")
            return ""
        if not regex.fullmatch(value):
            self.problem(where, f"is {value!r}; expected {expected}")
        return value


CAS_TRIOS = 6  # reason/amount/quantity trios per CAS
_CARC = re.compile(r"[A-Z0-9]{1,5}")


class Adjusting(Protocol):
    group_code: str
    carc: str
    amount_cents: int
    quantity: Any


class SegmentWriter:
    """Builds segments (without terminators) for one file, collecting problems as it goes: the base of the
    837P and 835 writers."""

    def __init__(self, delimiters: Delimiters) -> None:
        self.log = ProblemLog()
        self.check = Checker(delimiters, self.log)
        self.e = delimiters.element
        self.c = delimiters.component

    def seg(self, *elements: str) -> str:
        """A segment without trailing empty elements (X12 forbids trailing separators)."""
        end = len(elements)
        while end > 1 and not elements[end - 1]:
            end -= 1
        return self.e.join(elements[:end])

    def comp(self, *parts: str) -> str:
        end = len(parts)
        while end > 1 and not parts[end - 1]:
            end -= 1
        return self.c.join(parts[:end])

    def cas_segments(
        self,
        adjustments: Iterable[Adjusting],
        where: str,
        groups: frozenset[str],
        max_segments: int,
        quantity: Callable[[Any], str] = str,
    ) -> list[str]:
        """CAS segments: one group code each, up to six reason/amount/quantity trios, in the order the
        groups first appear."""
        k = self.check
        by_group: dict[str, list[Adjusting]] = {}
        for a in adjustments:
            by_group.setdefault(k.code(a.group_code, f"{where} group code", groups), []).append(a)
        out = []
        for group, items in by_group.items():
            for start in range(0, len(items), CAS_TRIOS):
                elements = ["CAS", group]
                for a in items[start : start + CAS_TRIOS]:
                    elements += [
                        k.pattern(a.carc, f"{where} reason code", _CARC, "a claim adjustment reason code"),
                        money(a.amount_cents),
                        "" if a.quantity is None else quantity(a.quantity),
                    ]
                out.append(self.seg(*elements))
        if len(out) > max_segments:
            k.problem(where, f"needs {len(out)} CAS segments; X12 allows at most {max_segments}")
        return out


def money(cents: int) -> str:
    """Integer cents as an X12 R value: 15000 -> "150", 15050 -> "150.5", 15005 -> "150.05"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    if part == 0:
        return f"{sign}{whole}"
    if part % 10 == 0:
        return f"{sign}{whole}.{part // 10}"
    return f"{sign}{whole}.{part:02d}"


def decimal_text(value: str | int | Decimal) -> str | None:
    """A quantity as an X12 R value ("2.50" -> "2.5", "3" -> "3"); None when it is not a plain
    non-negative decimal number."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def d8(day: dt.date) -> str:
    """A date as CCYYMMDD (D8)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
