"""Payer rules the practice writes as data: "payer X needs modifier 25 on an E/M billed with a procedure",
"payer Y wants one pointer per line". The scrubber checks them without code changes.

A rule is a small JSON object validated here, for example::

    {"kind": "require_modifier", "codes": ["99202-99215"], "modifier": "25", "with_codes": ["10004-69990"]}
    {"kind": "max_pointers", "max": 1}
    {"kind": "prior_auth", "codes": ["70551-70553", "72141-72158"]}
    {"kind": "referring_provider", "codes": ["97110-97546"]}

`codes` and `with_codes` hold codes, inclusive ranges of codes of the same length ("99202-99215") or
prefixes ending in '*' ("J*"); an empty `codes` means every line.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RuleKind = Literal[
    "require_modifier",
    "forbid_modifier",
    "max_pointers",
    "max_diagnoses",
    "max_units",
    "prior_auth",
    "referring_provider",
    "require_ndc",
]

KIND_LABELS: dict[str, str] = {
    "require_modifier": "needs a modifier",
    "forbid_modifier": "does not accept a modifier",
    "max_pointers": "limits diagnosis pointers per line",
    "max_diagnoses": "limits diagnoses per claim",
    "max_units": "limits units per line",
    "prior_auth": "needs prior authorization",
    "referring_provider": "needs the referring provider",
    "require_ndc": "needs the NDC",
}

_CODE = re.compile(r"^[A-Z0-9]{5}$")
_PATTERN = re.compile(r"^([A-Z0-9]{1,5}\*|[A-Z0-9]{5}(-[A-Z0-9]{5})?)$")


class PayerRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RuleKind
    codes: tuple[str, ...] = ()
    with_codes: tuple[str, ...] = ()
    modifier: str | None = None
    max: int | None = Field(default=None, ge=1, le=12)
    severity: Literal["error", "warning"] = "error"
    message: str | None = Field(default=None, max_length=300)
    fix_hint: str | None = Field(default=None, max_length=300)
    carc: str | None = Field(default=None, pattern=r"^[A-Z]?[0-9]{1,3}$")

    @field_validator("codes", "with_codes", mode="before")
    @classmethod
    def _patterns(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        cleaned = tuple(str(v).strip().upper() for v in value if str(v).strip())
        for v in cleaned:
            if not _PATTERN.match(v):
                raise ValueError(f"{v!r} is not a code, a range like 99202-99215, or a prefix like J*")
            if "-" in v:
                low, high = v.split("-")
                if low > high:
                    raise ValueError(f"range {v!r} runs backwards")
        return cleaned

    @field_validator("modifier", mode="before")
    @classmethod
    def _modifier(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper()
            if not re.fullmatch(r"[A-Z0-9]{2}", value):
                raise ValueError("a modifier is two letters or digits, e.g. 25")
        return value

    @model_validator(mode="after")
    def _needs(self) -> PayerRule:
        if self.kind in ("require_modifier", "forbid_modifier") and not self.modifier:
            raise ValueError(f"a {self.kind} rule names the modifier")
        if self.kind in ("max_pointers", "max_diagnoses", "max_units") and self.max is None:
            raise ValueError(f"a {self.kind} rule gives its max")
        if self.kind in ("prior_auth", "require_ndc") and not self.codes:
            raise ValueError(f"a {self.kind} rule lists the codes it applies to")
        return self

    def applies_to(self, code: str) -> bool:
        return not self.codes or matches_any(code, self.codes)

    def describe(self) -> str:
        """The rule in words, for lists and for findings without a custom message."""
        codes = ", ".join(self.codes) if self.codes else "every line"
        if self.kind == "require_modifier":
            extra = f" when billed with {', '.join(self.with_codes)}" if self.with_codes else ""
            return f"modifier {self.modifier} on {codes}{extra}"
        if self.kind == "forbid_modifier":
            return f"no modifier {self.modifier} on {codes}"
        if self.kind == "max_pointers":
            return f"at most {self.max} diagnosis pointer(s) per line"
        if self.kind == "max_diagnoses":
            return f"at most {self.max} diagnoses per claim"
        if self.kind == "max_units":
            return f"at most {self.max} unit(s) per line on {codes}"
        if self.kind == "prior_auth":
            return f"prior authorization for {codes}"
        if self.kind == "referring_provider":
            return f"a referring provider for {codes}"
        return f"the NDC for {codes}"


def matches(code: str, pattern: str) -> bool:
    """'99213' matches '99213', '99202-99215' and '99*'."""
    code = code.upper()
    if pattern.endswith("*"):
        return code.startswith(pattern[:-1])
    if "-" in pattern:
        low, high = pattern.split("-")
        return len(code) == len(low) and low <= code <= high
    return code == pattern


def matches_any(code: str, patterns: tuple[str, ...]) -> bool:
    return any(matches(code, p) for p in patterns)


def is_code(value: str) -> bool:
    return bool(_CODE.match(value))
