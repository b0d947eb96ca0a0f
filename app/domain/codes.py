"""Code-set vocabulary: systems, releases, search hits and code details, as plain typed models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class CodeSystem(str, Enum):
    ICD10CM = "icd10cm"
    HCPCS = "hcpcs"
    CPT = "cpt"


@dataclass(frozen=True)
class Release:
    id: int
    system: str
    name: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    checksum: str
    origin: str  # 'shipped' or 'imported'

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class SearchHit:
    code: str  # as coders write it: 'E11.65', 'J3420', '99213'
    system: str
    description: str
    billable: bool
    why: str  # the reason it matched: 'index: Diabetes, type 2 > with > neuropathy', 'description', 'abbreviation DM2'
    score: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "system": self.system,
            "description": self.description,
            "billable": self.billable,
            "why": self.why,
        }


@dataclass(frozen=True)
class CodeNote:
    kind: str  # inclusion, includes, excludes1, excludes2, code_first, use_additional, code_also, note, ...
    text: str
    from_code: str  # the code (or ancestor) the note is written on
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class MedicareFee:
    code: str
    modifier: str
    locality: str
    facility: bool
    amount: Decimal
    work_rvu: Decimal
    pe_rvu: Decimal
    mp_rvu: Decimal
    conversion_factor: Decimal
    global_days: str | None
    status: str
    release: str


@dataclass(frozen=True)
class CodeDetail:
    code: str
    system: str
    description: str
    billable: bool
    release: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    short_description: str | None = None
    parent: str | None = None
    children: tuple[tuple[str, str], ...] = ()  # (code, description)
    notes: tuple[CodeNote, ...] = ()
    chapter: str | None = None
    section: str | None = None
    sex: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    seventh_characters: tuple[tuple[str, str], ...] = ()  # ('A', 'initial encounter'), ...
    attributes: dict[str, str] = field(default_factory=dict)  # HCPCS coverage/pricing, MPFS indicators
    medicare_fee: MedicareFee | None = None


def icd10cm_display(code: str) -> str:
    """'E1165' -> 'E11.65' (codes of three characters have no dot)."""
    code = code.replace(".", "").upper()
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def icd10cm_key(code: str) -> str:
    """'e11.65' -> 'E1165'."""
    return code.replace(".", "").strip().upper()


FY_START_MONTH = 10


def icd10cm_fiscal_year(day: dt.date) -> int:
    """ICD-10-CM releases run October 1 to September 30: 2026-11-28 is in FY2027."""
    return day.year + 1 if day.month >= FY_START_MONTH else day.year
