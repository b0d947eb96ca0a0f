"""NCCI edits as plain values: procedure-to-procedure pairs, unit limits, add-on code rules and import reports.

CMS publishes the practitioner edits quarterly, one edition per quarter ("v32.3" from October 1).
Dates follow CMS: an edit applies to dates of service on or after its effective date and before
its deletion date (an edit deleted on 2026-10-01 last applied on 2026-09-30; an edit whose deletion
date equals its effective date was withdrawn retroactively and never applied).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.domain.codes import Release

PTP, MUE, AOC = "ncci_ptp", "ncci_mue", "ncci_aoc"
NCCI_KINDS: tuple[str, ...] = (PTP, MUE, AOC)
NCCI_LABELS: dict[str, str] = {PTP: "NCCI PTP", MUE: "NCCI MUE", AOC: "NCCI add-on code edits"}

# What each kind lets the scrubber check, in the words the warnings use.
NCCI_PURPOSE: dict[str, str] = {
    PTP: "PTP edits (code pairs not billed together) cannot be checked",
    MUE: "MUE unit limits cannot be checked",
    AOC: "add-on codes cannot be checked against their primary codes",
}
NCCI_SOURCE: dict[str, str] = {
    PTP: "the CMS practitioner PTP files (f1 to f4, .txt or .zip)",
    MUE: "the CMS Practitioner Services MUE table (.csv or .zip)",
    AOC: "the CMS add-on code edit file (.txt, .xlsx or .zip)",
}

MODIFIER_NOT_ALLOWED, MODIFIER_ALLOWED, MODIFIER_NOT_APPLICABLE = "0", "1", "9"
MODIFIER_INDICATORS: dict[str, str] = {
    MODIFIER_NOT_ALLOWED: "no modifier bypasses the edit",
    MODIFIER_ALLOWED: "an NCCI-associated modifier bypasses the edit when documentation supports it",
    MODIFIER_NOT_APPLICABLE: "the edit does not apply",
}
MUE_ADJUDICATION: dict[int, str] = {
    1: "line edit: units above the limit on one claim line are denied",
    2: "date of service edit, policy: an absolute limit per day",
    3: "date of service edit, clinical: a limit per day that documentation may exceed on appeal",
}
AOC_EDIT_TYPES: dict[int, str] = {
    1: "paid only with one of its listed primary codes",
    2: "no listed primary codes: the Medicare contractor decides which primaries are acceptable",
    3: "some primary codes listed; the contractor may accept others",
}
CONTRACTOR_DEFINED = "CCCCC"  # CMS's placeholder primary code for type 2 add-on codes


def _in_force(effective_from: dt.date, deleted_on: dt.date | None, dos: dt.date) -> bool:
    return effective_from <= dos and (deleted_on is None or dos < deleted_on)


@dataclass(frozen=True)
class PtpEdit:
    """One procedure-to-procedure edit: column 2 is denied when billed with column 1 on one date."""

    column1: str
    column2: str
    effective_from: dt.date
    deleted_on: dt.date | None
    modifier_indicator: str  # '0', '1' or '9'
    rationale: str

    def in_force(self, dos: dt.date) -> bool:
        """True when `dos` falls in the edit's dates: on or after its effective date, before its deletion date."""
        return _in_force(self.effective_from, self.deleted_on, dos)

    def applies(self, dos: dt.date) -> bool:
        """In force on `dos` and not marked 9 (CMS: "not applicable"), so the pair fires on a claim."""
        return self.modifier_indicator != MODIFIER_NOT_APPLICABLE and self.in_force(dos)

    @property
    def modifier_allowed(self) -> bool:
        return self.modifier_indicator == MODIFIER_ALLOWED


@dataclass(frozen=True)
class MueLimit:
    """The most units of a code one practitioner may bill for one patient (per line or per date of service)."""

    code: str
    max_units: int
    indicator: int  # MUE adjudication indicator 1, 2 or 3
    rationale: str

    @property
    def per_line(self) -> bool:
        return self.indicator == 1

    @property
    def explanation(self) -> str:
        return MUE_ADJUDICATION.get(self.indicator, f"adjudication indicator {self.indicator}")


@dataclass(frozen=True)
class AddonRule:
    """One acceptable primary code for an add-on code.

    `deleted_on` is the earliest of the edit's, the add-on code's and the primary code's deletion
    dates, as CMS lists them: after any of them the pairing no longer makes the add-on payable.
    """

    addon_code: str
    primary_code: str
    edit_type: int  # 1, 2 or 3
    effective_from: dt.date
    deleted_on: dt.date | None
    notes: str | None = None

    def in_force(self, dos: dt.date) -> bool:
        return _in_force(self.effective_from, self.deleted_on, dos)

    @property
    def contractor_defined(self) -> bool:
        """True when CMS lists no specific primary (type 2): the Medicare contractor decides."""
        return self.primary_code == CONTRACTOR_DEFINED


def describe_edition(kind: str, release: Release | None) -> str:
    """'NCCI PTP v32.3 (CMS, effective 10/01/2026)', or plain words saying nothing is loaded."""
    label = NCCI_LABELS.get(kind, kind)
    if release is None:
        return f"No {label} edition is loaded"
    return f"{label} {release.name} (CMS, effective {release.effective_from:%m/%d/%Y})"


def missing_edition_warning(kind: str, command: str) -> str:
    """What the biller loses without an edition of this kind, and the command that loads one."""
    label = NCCI_LABELS.get(kind, kind)
    purpose = NCCI_PURPOSE.get(kind, "these edits cannot be checked")
    source = NCCI_SOURCE.get(kind, "the CMS file")
    files = "FILE..." if kind == PTP else "FILE"
    return (
        f"No {label} edition is loaded: {purpose}. Import {source} with "
        f"`{command} {files} --edition vNN.N --effective YYYY-MM-DD`."
    )


@dataclass(frozen=True)
class SkippedLine:
    """A line of a source file that was read but not loaded, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"


MAX_SKIPPED_DETAILS = 500  # the count stays exact; details beyond this are summarised by reason only


@dataclass(frozen=True)
class NcciImportResult:
    """What an NCCI import loaded: counts per file, the lines skipped and why, and the time taken."""

    kind: str
    edition: str
    effective_from: dt.date
    files: tuple[str, ...]
    rows_loaded: int
    rows_skipped: int = 0
    skipped: tuple[SkippedLine, ...] = ()  # the first MAX_SKIPPED_DETAILS, in file order
    skipped_reasons: dict[str, int] = field(default_factory=dict)  # every skipped line, counted by reason
    rows_per_file: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # zip members not read, and why
    already_loaded: bool = False
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return NCCI_LABELS.get(self.kind, self.kind)

    def summary(self) -> str:
        if self.already_loaded:
            return f"{self.label} {self.edition} is already loaded from these files; nothing changed."
        text = (
            f"{self.label} {self.edition} (effective {self.effective_from:%m/%d/%Y}) loaded: "
            f"{self.rows_loaded:,} rows from {len(self.files)} file(s) in {self.seconds:.1f}s"
        )
        if self.rows_skipped:
            reasons = "; ".join(f"{count:,} {reason}" for reason, count in self.skipped_reasons.items())
            text += f"; {self.rows_skipped:,} lines skipped ({reasons})"
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "edition": self.edition,
            "effective_from": self.effective_from.isoformat(),
            "files": list(self.files),
            "already_loaded": self.already_loaded,
            "rows_loaded": self.rows_loaded,
            "rows_per_file": dict(self.rows_per_file),
            "rows_skipped": self.rows_skipped,
            "skipped_reasons": dict(self.skipped_reasons),
            "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in self.skipped],
            "notes": list(self.notes),
            "seconds": round(self.seconds, 2),
        }
