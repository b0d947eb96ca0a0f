"""The claim scrubber's edits: data-driven checks that catch what payers deny before a claim leaves.

Each `Edit` is an object with an id, a severity, what it applies to, a check, a message template, a
fix hint, the CARC it prevents and where to fix it. A check reads a `ClaimView` (a plain snapshot of the
claim with its patient, coverage, payer and providers) and a `ScrubReference` (the code sets, NCCI tables
and payer rules, answered from memory by the service) and yields `Hit`s; `scrub_claim` turns hits into
`Finding`s. Nothing here touches a database or Qt.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from app.domain.codes import icd10cm_display
from app.domain.import_format import is_valid_npi
from app.domain.payer_rules import PayerRule, matches_any

Severity = Literal["error", "warning"]

# ------------------------------------------------------------------------------------------ the snapshot


@dataclass(frozen=True)
class PersonView:
    last_name: str
    first_name: str
    date_of_birth: dt.date | None
    sex: str | None
    address1: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@dataclass(frozen=True)
class CoverageView:
    priority: int
    member_id: str | None
    relationship_code: str | None
    subscriber: PersonView


@dataclass(frozen=True)
class PayerView:
    id: int
    payer_id: str | None
    name: str
    timely_filing_days: int


@dataclass(frozen=True)
class PracticeView:
    name: str
    npi: str | None
    tin: str | None
    taxonomy: str | None
    address1: str | None
    city: str | None
    state: str | None
    zip: str | None


@dataclass(frozen=True)
class ProviderView:
    id: int
    npi: str | None
    name: str


@dataclass(frozen=True)
class LineView:
    id: int
    number: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge_cents: int
    pointers: tuple[int, ...]
    date_from: dt.date
    date_to: dt.date
    place_of_service: str | None
    ndc: str | None
    rendering: ProviderView | None


@dataclass(frozen=True)
class ClaimView:
    id: int
    claim_number: str
    encounter_id: int
    patient_id: int
    account_number: str
    frequency_code: str
    payer_sequence: int
    submission_method: str
    date_of_service: dt.date
    diagnoses: tuple[str, ...]  # without dots, in claim order (A-L)
    lines: tuple[LineView, ...]
    patient: PersonView
    coverage: CoverageView | None
    payer: PayerView | None
    practice: PracticeView | None
    referring: ProviderView | None = None
    prior_authorization: str | None = None

    def age_on(self, day: dt.date) -> int | None:
        born = self.patient.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# ------------------------------------------------------------------------------------------ the reference


@dataclass(frozen=True)
class IcdFacts:
    """What the scrubber needs to know about one ICD-10-CM code on one date of service."""

    code: str  # without dot
    exists: bool
    billable: bool
    release: str | None
    reason: str  # why it is (not) valid, in words
    sex: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_rule: str | None = None
    chapter: int | None = None
    manifestation: bool = False
    excludes1: tuple[str, ...] = ()  # codes and ranges ('E10', 'E08-E13'), without dots
    description: str = ""


@dataclass(frozen=True)
class PtpPair:
    column1: str
    column2: str
    modifier_indicator: str
    source: str  # 'NCCI PTP v32.3 (CMS)' or 'DEMO DATA - not CMS'
    rationale: str | None = None


@dataclass(frozen=True)
class UnitLimit:
    code: str
    max_units: int
    indicator: int  # 1 line, 2 date of service (policy), 3 date of service (clinical)
    source: str


@dataclass(frozen=True)
class AddonNeeds:
    addon_code: str
    primaries: tuple[str, ...]  # codes (any primary when empty)
    edit_type: int  # 1, 2 or 3
    source: str


@dataclass(frozen=True)
class Duplicate:
    line_number: int
    other_claim: str


class ScrubReference(Protocol):
    """Everything the edits look up; the service answers from maps loaded once per batch."""

    today: dt.date

    def icd(self, code: str, on: dt.date) -> IcdFacts: ...

    def procedure_valid(self, code: str, on: dt.date) -> tuple[bool, str]: ...

    def modifier_known(self, modifier: str) -> bool: ...

    def ncci_associated(self, modifier: str) -> bool: ...

    def place_of_service_valid(self, code: str) -> bool: ...

    def ptp(self, column1: str, column2: str, on: dt.date) -> list[PtpPair]: ...

    def unit_limit(self, code: str, on: dt.date) -> UnitLimit | None: ...

    def addon(self, code: str, on: dt.date) -> AddonNeeds | None: ...

    def payer_rules(self, payer_id: int | None) -> list[tuple[int, str, PayerRule]]: ...

    def duplicates(self, claim: ClaimView) -> list[Duplicate]: ...


# ------------------------------------------------------------------------------------------ edits


@dataclass(frozen=True)
class Hit:
    """One place an edit fired: the line (None for the claim), the values for the message, the field."""

    line: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    field: str | None = None
    severity: Severity | None = None  # overrides the edit's severity
    key: str = ""  # what distinguishes two hits of one edit on one line (e.g. the other code)
    message: str | None = None  # a whole message instead of the template (payer rules)
    fix_hint: str | None = None
    carc: str | None = None


@dataclass(frozen=True)
class Edit:
    id: str
    title: str
    severity: Severity
    applies_to: Literal["claim", "line", "diagnosis"]
    check: Callable[[ClaimView, ScrubReference], Iterable[Hit]]
    message: str
    fix_hint: str
    carc: str | None
    field: str | None = None


@dataclass(frozen=True)
class Finding:
    edit_id: str
    severity: Severity
    message: str
    fix_hint: str
    carc: str | None
    line: int | None
    field: str | None
    fingerprint: str

    def as_json(self, claim_number: str) -> dict[str, Any]:
        return {
            "claim": claim_number,
            "edit": self.edit_id,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
        }


def scrub_claim(claim: ClaimView, ref: ScrubReference, edits: tuple[Edit, ...] | None = None) -> list[Finding]:
    """Run every edit over one claim; errors first, then by line."""
    found: list[Finding] = []
    for edit in edits or EDITS:
        for hit in edit.check(claim, ref):
            values = {"line": hit.line, **hit.values}
            message = hit.message or edit.message.format(**values)
            if hit.line is not None and not message.startswith("Line "):
                message = f"Line {hit.line}: {message}"
            found.append(
                Finding(
                    edit_id=edit.id,
                    severity=hit.severity or edit.severity,
                    message=message,
                    fix_hint=hit.fix_hint or edit.fix_hint.format(**values),
                    carc=hit.carc or edit.carc,
                    line=hit.line,
                    field=hit.field or (edit.field.format(**values) if edit.field else None),
                    fingerprint=f"{edit.id}|{hit.line or ''}|{hit.key}"[:120],
                )
            )
    found.sort(key=lambda f: (f.severity != "error", f.line or 0, f.edit_id))
    return found


# ---------------------------------------------------------------- NCCI


def _same_day_groups(claim: ClaimView) -> dict[tuple[dt.date, int | None], list[LineView]]:
    groups: dict[tuple[dt.date, int | None], list[LineView]] = defaultdict(list)
    for line in claim.lines:
        groups[(line.date_from, line.rendering.id if line.rendering else None)].append(line)
    return groups


def _ptp(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for (day, _provider), lines in _same_day_groups(claim).items():
        for first in lines:
            for second in lines:
                if first is second or first.code == second.code:
                    continue
                for pair in ref.ptp(first.code, second.code, day):
                    if pair.modifier_indicator == "9":
                        continue
                    bypass = [m for m in second.modifiers if ref.ncci_associated(m)]
                    if pair.modifier_indicator == "1" and bypass:
                        continue
                    values = {
                        "column1": first.code,
                        "column1_line": first.number,
                        "column2": second.code,
                        "source": pair.source,
                    }
                    if pair.modifier_indicator == "0":
                        yield Hit(
                            second.number,
                            {**values, "why": "no modifier can bypass this pair"},
                            field=f"coding.line.{second.number}.code",
                            key=f"{first.code}>{second.code}",
                            fix_hint=f"Remove {second.code} (it is paid as part of {first.code}), or check the codes.",
                        )
                    else:
                        yield Hit(
                            second.number,
                            {**values, "why": "an NCCI-associated modifier on this line bypasses it when documented"},
                            field=f"coding.line.{second.number}.modifiers",
                            key=f"{first.code}>{second.code}",
                        )


def _mue(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    per_day: dict[tuple[str, dt.date], list[LineView]] = defaultdict(list)
    for line in claim.lines:
        per_day[(line.code, line.date_from)].append(line)
    for (code, day), lines in per_day.items():
        limit = ref.unit_limit(code, day)
        if limit is None:
            continue
        for line in lines:
            if line.units > limit.max_units:
                yield Hit(
                    line.number,
                    {"code": code, "units": line.units, "max": limit.max_units, "per": "line", "source": limit.source},
                    field=f"coding.line.{line.number}.units",
                    key=code,
                )
        total = sum(ln.units for ln in lines)
        if limit.indicator in (2, 3) and len(lines) > 1 and total > limit.max_units:
            yield Hit(
                lines[-1].number,
                {
                    "code": code,
                    "units": total,
                    "max": limit.max_units,
                    "per": "date of service",
                    "source": limit.source,
                },
                field=f"coding.line.{lines[-1].number}.units",
                key=f"{code}|dos",
            )


def _addon(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for line in claim.lines:
        needs = ref.addon(line.code, line.date_from)
        if needs is None:
            continue
        others = [ln.code for ln in claim.lines if ln is not line and ln.date_from == line.date_from]
        if needs.primaries:
            ok = any(code in needs.primaries for code in others)
            listed = ", ".join(needs.primaries[:8]) + (" ..." if len(needs.primaries) > 8 else "")
        else:
            ok = any(ref.addon(code, line.date_from) is None for code in others)
            listed = "a primary procedure"
        if ok:
            continue
        yield Hit(
            line.number,
            {"code": line.code, "primaries": listed, "source": needs.source},
            field=f"coding.line.{line.number}.code",
            severity="error" if needs.edit_type == 1 else "warning",
            key=line.code,
        )


# ---------------------------------------------------------------- code validity


_CPT = re.compile(r"^[0-9]{4}[0-9FTU]$")
_HCPCS = re.compile(r"^[A-V][0-9]{4}$")


def _diagnosis_valid(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for n, code in enumerate(claim.diagnoses, 1):
        facts = ref.icd(code, claim.date_of_service)
        if facts.release is None:
            yield Hit(
                None,
                {"letter": _letter(n), "code": icd10cm_display(code), "reason": facts.reason},
                field=f"coding.diagnosis.{n}",
                severity="warning",
                key=f"{code}|release",
                message=f"Diagnosis {_letter(n)} ({icd10cm_display(code)}) cannot be checked: "
                f"{facts.reason.rstrip('.')}.",
                fix_hint="Import the ICD-10-CM release for this date of service (Code Lookup > Import).",
            )
        elif not (facts.exists and facts.billable):
            yield Hit(
                None,
                {"letter": _letter(n), "code": icd10cm_display(code), "reason": facts.reason.rstrip(".")},
                field=f"coding.diagnosis.{n}",
                key=code,
            )


def _procedure_valid(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for line in claim.lines:
        code = line.code.upper()
        if not (_CPT.match(code) or _HCPCS.match(code)):
            yield Hit(
                line.number,
                {
                    "code": code,
                    "reason": "a CPT code is five characters (e.g. 99213) and HCPCS a letter and four digits",
                },
                field=f"coding.line.{line.number}.code",
                key=code,
            )
            continue
        valid, reason = ref.procedure_valid(code, line.date_from)
        if not valid:
            yield Hit(
                line.number,
                {"code": code, "reason": reason.rstrip(".")},
                field=f"coding.line.{line.number}.code",
                key=code,
            )


# ---------------------------------------------------------------- diagnosis rules


def _excludes1(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    facts = [ref.icd(code, claim.date_of_service) for code in claim.diagnoses]
    for i, a in enumerate(facts):
        for j, b in enumerate(facts):
            if i == j or not a.excludes1:
                continue
            if _in_refs(b.code, a.excludes1):
                if j < i and _in_refs(a.code, b.excludes1):
                    continue  # the same pair seen from the other side
                yield Hit(
                    None,
                    {
                        "a": icd10cm_display(a.code),
                        "a_letter": _letter(i + 1),
                        "b": icd10cm_display(b.code),
                        "b_letter": _letter(j + 1),
                    },
                    field=f"coding.diagnosis.{j + 1}",
                    key=f"{a.code}+{b.code}",
                )


def _in_refs(code: str, refs: tuple[str, ...]) -> bool:
    """Whether a code falls under an Excludes1 reference: 'E10', a range 'E08-E13', or a range narrowed by
    the note's own words, 'E08-E13|.42' (categories E08-E13 with .42) or 'B270-B279|5=1' (fifth character 1)."""
    for ref in refs:
        r, _, narrow = ref.partition("|")
        if "-" in r:
            low, high = r.split("-", 1)
            hit = low <= code[: len(low)] <= high
        else:
            hit = code.startswith(r)
        if hit and narrow.startswith("."):
            hit = code[3:].startswith(narrow[1:])
        elif hit and narrow[:2] == "5=":
            hit = code[4:5] == narrow[2:]
        if hit:
            return True
    return False


def _manifestation_first(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    if not claim.diagnoses:
        return
    first = ref.icd(claim.diagnoses[0], claim.date_of_service)
    if first.manifestation:
        yield Hit(None, {"code": icd10cm_display(first.code)}, field="coding.diagnosis.1", key=first.code)
    for line in claim.lines:
        if line.pointers and 1 <= line.pointers[0] <= len(claim.diagnoses):
            facts = ref.icd(claim.diagnoses[line.pointers[0] - 1], claim.date_of_service)
            if facts.manifestation and line.pointers[0] != 1:
                yield Hit(
                    line.number,
                    {"code": icd10cm_display(facts.code)},
                    field=f"coding.line.{line.number}.pointers",
                    severity="warning",
                    key=facts.code,
                    message=f"Line {line.number}: the first pointer is a manifestation code "
                    f"({icd10cm_display(facts.code)}); point first to the underlying condition.",
                )


def _external_cause_first(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    if claim.diagnoses and _external_cause(claim.diagnoses[0]):
        yield Hit(None, {"code": icd10cm_display(claim.diagnoses[0])}, field="coding.diagnosis.1", key="A")
    for line in claim.lines:
        if line.pointers and 1 <= line.pointers[0] <= len(claim.diagnoses):
            code = claim.diagnoses[line.pointers[0] - 1]
            if _external_cause(code) and line.pointers[0] != 1:
                yield Hit(
                    line.number,
                    {"code": icd10cm_display(code)},
                    field=f"coding.line.{line.number}.pointers",
                    key=code,
                    message=f"Line {line.number}: the first pointer is an external cause code "
                    f"({icd10cm_display(code)}), which is never the reason for the service.",
                )


def _external_cause(code: str) -> bool:
    return "V00" <= code[:3] <= "Y99"


def _age_sex(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    age = claim.age_on(claim.date_of_service)
    sex = (claim.patient.sex or "").upper()
    for n, code in enumerate(claim.diagnoses, 1):
        facts = ref.icd(code, claim.date_of_service)
        shown = icd10cm_display(code)
        if facts.sex and sex in ("M", "F") and facts.sex != sex:
            yield Hit(
                None,
                {
                    "code": shown,
                    "letter": _letter(n),
                    "problem": f"is for {'female' if facts.sex == 'F' else 'male'} patients and this patient is "
                    f"{'female' if sex == 'F' else 'male'}",
                    "rule": facts.age_rule or "",
                },
                field=f"coding.diagnosis.{n}",
                key=f"{code}|sex",
                carc="10",
            )
        if age is not None and (
            (facts.age_min is not None and age < facts.age_min) or (facts.age_max is not None and age > facts.age_max)
        ):
            span = (
                f"ages {facts.age_min}-{facts.age_max}"
                if facts.age_min is not None and facts.age_max is not None
                else f"age {facts.age_min} and over"
                if facts.age_min is not None
                else f"age {facts.age_max} and under"
            )
            yield Hit(
                None,
                {
                    "code": shown,
                    "letter": _letter(n),
                    "problem": f"is for {span} and the patient is {age}",
                    "rule": facts.age_rule or "",
                },
                field=f"coding.diagnosis.{n}",
                key=f"{code}|age",
                carc="9",
            )


# ---------------------------------------------------------------- structure


def _pointers(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    count = len(claim.diagnoses)
    for line in claim.lines:
        field_name = f"coding.line.{line.number}.pointers"
        if not line.pointers:
            yield Hit(line.number, {"problem": "has no diagnosis pointer"}, field=field_name, key="none")
        elif len(line.pointers) > 4:
            yield Hit(line.number, {"problem": "has more than 4 diagnosis pointers"}, field=field_name, key="many")
        bad = [p for p in line.pointers if not 1 <= p <= count]
        if bad:
            shown = ", ".join(_letter(p) if 1 <= p <= 26 else str(p) for p in bad)
            yield Hit(
                line.number,
                {"problem": f"points to diagnosis {shown}, which the claim does not have"},
                field=field_name,
            )
        if len(set(line.pointers)) != len(line.pointers):
            yield Hit(line.number, {"problem": "repeats a diagnosis pointer"}, field=field_name, key="repeat")


def _diagnosis_count(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    if not claim.diagnoses:
        yield Hit(None, {"problem": "has no diagnosis"}, field="coding.diagnosis.1", key="none")
    elif len(claim.diagnoses) > 12:
        yield Hit(None, {"problem": f"has {len(claim.diagnoses)} diagnoses; a claim holds 12 (A-L)"}, key="many")


def _modifiers(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for line in claim.lines:
        if len(line.modifiers) > 4:
            yield Hit(line.number, {"problem": "has more than 4 modifiers"}, key="many")
        for m in line.modifiers:
            if not ref.modifier_known(m):
                yield Hit(line.number, {"problem": f"modifier {m} is not a valid modifier"}, key=m)
        if len(set(line.modifiers)) != len(line.modifiers):
            yield Hit(line.number, {"problem": "repeats a modifier"}, key="repeat")


def _units_and_charges(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for line in claim.lines:
        if line.units <= 0:
            yield Hit(
                line.number, {"problem": "units must be at least 1"}, field=f"coding.line.{line.number}.units", key="u"
            )
        if line.charge_cents <= 0:
            yield Hit(
                line.number,
                {"problem": "the charge must be more than $0.00"},
                field=f"coding.line.{line.number}.charge",
                key="c",
            )


def _dates(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for line in claim.lines:
        where = f"coding.line.{line.number}.dates"
        if line.date_to < line.date_from:
            yield Hit(line.number, {"problem": "the service ends before it starts"}, field=where, key="order")
        if line.date_from > ref.today or line.date_to > ref.today:
            yield Hit(line.number, {"problem": "the date of service is in the future"}, field=where, key="future")


def _place_of_service(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for line in claim.lines:
        if not line.place_of_service:
            yield Hit(line.number, {"problem": "has no place of service"}, key="none")
        elif not ref.place_of_service_valid(line.place_of_service):
            yield Hit(line.number, {"problem": f"place of service {line.place_of_service} is not a CMS code"}, key="x")


def _duplicate_lines(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    seen: dict[tuple[str, tuple[str, ...], dt.date], int] = {}
    for line in claim.lines:
        key = (line.code, tuple(sorted(line.modifiers)), line.date_from)
        if key in seen:
            yield Hit(
                line.number,
                {"code": line.code, "other": seen[key]},
                field=f"coding.line.{line.number}.units",
                key=line.code,
                severity="warning",
                message=f"Line {line.number} repeats line {seen[key]} ({line.code}, same modifiers and date).",
                fix_hint="Bill it once with the total units, or add the modifier that tells the services apart.",
            )
        else:
            seen[key] = line.number
    for dup in ref.duplicates(claim):
        line = claim.lines[dup.line_number - 1]
        yield Hit(
            dup.line_number,
            {"code": line.code, "other": dup.other_claim},
            field=f"coding.line.{dup.line_number}.code",
            key=f"{line.code}|{dup.other_claim}",
        )


# ---------------------------------------------------------------- required data

_ZIP = re.compile(r"^[0-9]{5}([0-9]{4})?$")
_TIN = re.compile(r"^[0-9]{9}$")
_TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")


def _billing_provider(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    p = claim.practice
    if p is None:
        yield Hit(None, {"problem": "the practice (billing provider) is not set up"}, field="practice.name", key="none")
        return
    if not is_valid_npi(p.npi or ""):
        yield Hit(None, {"problem": f"billing provider NPI {p.npi or '(blank)'} fails the check digit"}, "practice.npi")
    if not _TIN.match((p.tin or "").replace("-", "")):
        yield Hit(None, {"problem": "billing provider TIN must be 9 digits"}, field="practice.tin", key="tin")
    if not _TAXONOMY.match(p.taxonomy or ""):
        yield Hit(None, {"problem": "billing provider taxonomy code is missing or malformed"}, "practice.taxonomy")
    if not (p.address1 and p.city and p.state and p.zip):
        yield Hit(None, {"problem": "billing provider address is incomplete"}, field="practice.address1", key="addr")
    elif claim.submission_method == "electronic" and not re.fullmatch(r"[0-9]{9}", p.zip):
        yield Hit(
            None,
            {"problem": "an 837P billing provider needs the 9-digit ZIP (ZIP+4)"},
            field="practice.zip",
            key="zip4",
        )


def _patient_and_subscriber(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    pt = claim.patient
    for attr, label in (("last_name", "last name"), ("first_name", "first name"), ("date_of_birth", "date of birth")):
        if not getattr(pt, attr):
            yield Hit(None, {"problem": f"patient {label} is missing"}, field=f"patient.{attr}", key=attr)
    if (pt.sex or "").upper() not in ("M", "F"):
        yield Hit(None, {"problem": "patient sex must be M or F on a claim"}, field="patient.sex", key="sex")
    if not (pt.address1 and pt.city and pt.state and pt.zip):
        yield Hit(None, {"problem": "patient address is incomplete"}, field="patient.address1", key="addr")
    elif not _ZIP.match(pt.zip or ""):
        yield Hit(None, {"problem": "patient ZIP must be 5 or 9 digits"}, field="patient.zip", key="zip")
    cov = claim.coverage
    if cov is None:
        yield Hit(None, {"problem": "the claim has no coverage"}, key="coverage")
        return
    prefix = f"coverage.{cov.priority}"
    if not (cov.member_id or "").strip():
        yield Hit(None, {"problem": "subscriber member id is missing"}, field=f"{prefix}.member_id", key="member")
    if not cov.relationship_code:
        yield Hit(
            None, {"problem": "patient's relationship to the subscriber is missing"}, f"{prefix}.relationship_code"
        )
    elif cov.relationship_code != "18":
        sub = cov.subscriber
        for attr, label in (
            ("last_name", "last name"),
            ("first_name", "first name"),
            ("date_of_birth", "date of birth"),
        ):
            if not getattr(sub, attr):
                yield Hit(
                    None, {"problem": f"subscriber {label} is missing"}, field=f"{prefix}.subscriber_{attr}", key=attr
                )
        if (sub.sex or "").upper() not in ("M", "F", "U"):
            yield Hit(None, {"problem": "subscriber sex is missing"}, field=f"{prefix}.subscriber_sex", key="sex")
    if claim.payer is None or not (claim.payer.payer_id or "").strip():
        yield Hit(
            None,
            {"problem": "the payer has no payer id"},
            field=f"payer.{claim.payer.id}.payer_id" if claim.payer else None,
            key="payer",
        )


def _rendering_provider(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    seen: set[int] = set()
    for line in claim.lines:
        prov = line.rendering
        if prov is None:
            yield Hit(line.number, {"problem": "has no rendering provider"}, f"coding.line.{line.number}.rendering")
        elif prov.id not in seen and not is_valid_npi(prov.npi or ""):
            seen.add(prov.id)
            yield Hit(
                line.number,
                {"problem": f"rendering provider {prov.name} has NPI {prov.npi or '(blank)'}, which fails its check"},
                field=f"provider.{prov.id}.npi",
                key=str(prov.id),
            )
    if claim.referring is not None and not is_valid_npi(claim.referring.npi or ""):
        yield Hit(
            None,
            {"problem": f"referring provider {claim.referring.name} has an NPI that fails the check digit"},
            field=f"provider.{claim.referring.id}.npi",
            key="referring",
        )


# ---------------------------------------------------------------- timely filing


TIMELY_WARNING_DAYS = 30


def _timely_filing(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    if claim.payer is None or not claim.lines:
        return
    first = min(line.date_from for line in claim.lines)
    deadline = first + dt.timedelta(days=claim.payer.timely_filing_days)
    left = (deadline - ref.today).days
    values = {"payer": claim.payer.name, "days": claim.payer.timely_filing_days, "deadline": f"{deadline:%m/%d/%Y}"}
    if left < 0:
        yield Hit(None, {**values, "state": f"passed {-left} day(s) ago"}, key="late")
    elif left <= TIMELY_WARNING_DAYS:
        yield Hit(None, {**values, "state": f"is in {left} day(s)"}, severity="warning", key="soon")


# ---------------------------------------------------------------- payer rules


def _payer_rules(claim: ClaimView, ref: ScrubReference) -> Iterator[Hit]:
    for rule_id, name, rule in ref.payer_rules(claim.payer.id if claim.payer else None):
        for line, problem, where in _rule_hits(claim, rule):
            payer = claim.payer.name if claim.payer else "every payer"
            text = rule.message or f"{payer} requires {rule.describe()}: {problem}."
            yield Hit(
                line,
                {"rule": name},
                field=where,
                severity=rule.severity,
                key=f"{rule_id}|{line or ''}",
                message=(f"Line {line}: {text}" if line else text) + f" (payer rule '{name}')",
                fix_hint=rule.fix_hint or "Fix the claim to follow the payer's rule, or override with the reason.",
                carc=rule.carc,
            )


def _rule_hits(claim: ClaimView, rule: PayerRule) -> Iterator[tuple[int | None, str, str | None]]:
    kind = rule.kind
    lines = [ln for ln in claim.lines if rule.applies_to(ln.code)]
    if kind == "require_modifier":
        for line in lines:
            others = [ln.code for ln in claim.lines if ln is not line]
            if rule.with_codes and not any(matches_any(c, rule.with_codes) for c in others):
                continue
            if rule.modifier not in line.modifiers:
                yield (
                    line.number,
                    f"{line.code} has no modifier {rule.modifier}",
                    f"coding.line.{line.number}.modifiers",
                )
    elif kind == "forbid_modifier":
        for line in lines:
            if rule.modifier in line.modifiers:
                yield (
                    line.number,
                    f"{line.code} carries modifier {rule.modifier}",
                    f"coding.line.{line.number}.modifiers",
                )
    elif kind == "max_pointers":
        for line in claim.lines:
            if len(line.pointers) > (rule.max or 4):
                yield line.number, f"it has {len(line.pointers)} pointers", f"coding.line.{line.number}.pointers"
    elif kind == "max_diagnoses":
        if len(claim.diagnoses) > (rule.max or 12):
            yield None, f"the claim has {len(claim.diagnoses)} diagnoses", "coding.diagnosis.1"
    elif kind == "max_units":
        for line in lines:
            if line.units > (rule.max or 1):
                yield line.number, f"{line.code} is billed with {line.units} units", f"coding.line.{line.number}.units"
    elif kind == "prior_auth":
        if lines and not (claim.prior_authorization or "").strip():
            codes = ", ".join(sorted({ln.code for ln in lines}))
            yield None, f"no prior authorization number is on the claim for {codes}", "coding.prior_authorization"
    elif kind == "referring_provider":
        if lines and claim.referring is None:
            yield None, "no referring provider is on the claim", "coding.referring"
    elif kind == "require_ndc":
        for line in lines:
            if not line.ndc:
                yield line.number, f"{line.code} has no NDC", f"coding.line.{line.number}.ndc"


# ------------------------------------------------------------------------------------------ the catalogue


def _letter(n: int) -> str:
    return chr(ord("A") + n - 1) if 1 <= n <= 26 else str(n)


EDITS: tuple[Edit, ...] = (
    Edit(
        "NCCI-PTP",
        "NCCI procedure-to-procedure pair",
        "error",
        "line",
        _ptp,
        "{column2} is bundled into {column1} (line {column1_line}) on the same day; {why} ({source}).",
        "If the services were separate (different session, site or lesion), add 59 or XE/XS/XP/XU to this "
        "line and document it; otherwise remove {column2}.",
        "236",
    ),
    Edit(
        "NCCI-MUE",
        "Medically unlikely units",
        "error",
        "line",
        _mue,
        "{code} is billed with {units} units per {per}; the limit is {max} ({source}).",
        "Check the units against the note; bill the limit, or split lines with modifiers only where the payer allows.",
        "151",
    ),
    Edit(
        "ADDON-PRIMARY",
        "Add-on code without its primary",
        "error",
        "line",
        _addon,
        "add-on code {code} is billed without its primary procedure ({primaries}) ({source}).",
        "Add the primary procedure to the claim, or remove the add-on code.",
        "107",
    ),
    Edit(
        "DX-VALID",
        "Diagnosis not valid for the date of service",
        "error",
        "diagnosis",
        _diagnosis_valid,
        "Diagnosis {letter} ({code}): {reason}.",
        "Pick a billable code valid on the date of service (open the code in Code Lookup to see its children).",
        "146",
    ),
    Edit(
        "PROC-VALID",
        "Procedure code not valid for the date of service",
        "error",
        "line",
        _procedure_valid,
        "{code}: {reason}.",
        "Use a CPT or HCPCS code valid on the date of service.",
        "181",
    ),
    Edit(
        "DX-EXCLUDES1",
        "Excludes1 pair",
        "error",
        "diagnosis",
        _excludes1,
        "{a} (diagnosis {a_letter}) has an Excludes1 note for {b} (diagnosis {b_letter}): they are never reported "
        "together.",
        "Keep the code the note supports. If the two conditions are unrelated, the guidelines allow both: override "
        "with that reason.",
        "16",
    ),
    Edit(
        "DX-MANIFESTATION-FIRST",
        "Manifestation code listed first",
        "error",
        "diagnosis",
        _manifestation_first,
        "Diagnosis A ({code}) is a manifestation code ('in diseases classified elsewhere'), which is never listed "
        "first.",
        "List the underlying condition first (see the code's 'code first' note) and move {code} after it.",
        "16",
    ),
    Edit(
        "DX-EXTERNAL-FIRST",
        "External cause code listed first",
        "error",
        "diagnosis",
        _external_cause_first,
        "Diagnosis A ({code}) is an external cause code (V00-Y99), which is never listed first.",
        "List the injury or condition first; external cause codes only add how it happened.",
        "16",
    ),
    Edit(
        "DX-AGE-SEX",
        "Diagnosis conflicts with age or sex",
        "error",
        "diagnosis",
        _age_sex,
        "Diagnosis {letter} ({code}) {problem}.",
        "Check the patient's date of birth and sex, or the code.",
        "9",
    ),
    Edit(
        "LINE-POINTERS",
        "Diagnosis pointers",
        "error",
        "line",
        _pointers,
        "the line {problem}.",
        "Point each line to 1-4 of the claim's diagnoses (A-L), the main reason first.",
        "16",
    ),
    Edit(
        "CLAIM-DIAGNOSES",
        "Number of diagnoses",
        "error",
        "claim",
        _diagnosis_count,
        "The claim {problem}.",
        "A claim carries 1-12 diagnoses; split the encounter if more are needed.",
        "16",
    ),
    Edit(
        "LINE-MODIFIERS",
        "Modifiers",
        "error",
        "line",
        _modifiers,
        "{problem}.",
        "Use up to four valid CPT/HCPCS modifiers (Code Lookup lists them).",
        "4",
        "coding.line.{line}.modifiers",
    ),
    Edit(
        "LINE-UNITS-CHARGE",
        "Units and charge",
        "error",
        "line",
        _units_and_charges,
        "{problem}.",
        "Enter the units and the charge from the charge master.",
        "16",
    ),
    Edit(
        "LINE-DATES",
        "Service dates",
        "error",
        "line",
        _dates,
        "{problem}.",
        "Correct the service dates.",
        "16",
    ),
    Edit(
        "LINE-POS",
        "Place of service",
        "error",
        "line",
        _place_of_service,
        "{problem}.",
        "Use a CMS place-of-service code (11 office, 22 outpatient hospital, 02/10 telehealth, ...).",
        "5",
        "coding.line.{line}.pos",
    ),
    Edit(
        "DUPLICATE",
        "Duplicate service",
        "error",
        "line",
        _duplicate_lines,
        "{code} on this date is already billed on claim {other} for this patient.",
        "If it is the same service, remove it; if it was repeated, add the modifier (76/77/91) that says so.",
        "18",
    ),
    Edit(
        "REQ-BILLING",
        "Billing provider data",
        "error",
        "claim",
        _billing_provider,
        "Required data: {problem}.",
        "Fix it in Practice setup.",
        "16",
    ),
    Edit(
        "REQ-PATIENT",
        "Patient, subscriber and payer data",
        "error",
        "claim",
        _patient_and_subscriber,
        "Required data: {problem}.",
        "Fix it in the patient's account (demographics and coverage).",
        "16",
    ),
    Edit(
        "REQ-PROVIDER",
        "Rendering and referring provider",
        "error",
        "line",
        _rendering_provider,
        "{problem}.",
        "Fix the provider's NPI in Practice setup, or choose the rendering provider on the line.",
        "16",
    ),
    Edit(
        "TIMELY-FILING",
        "Timely filing",
        "error",
        "claim",
        _timely_filing,
        "{payer}'s timely filing limit ({days} days, deadline {deadline}) {state}.",
        "Send it today. If the deadline passed, attach proof of earlier timely submission or write it off.",
        "29",
    ),
    Edit(
        "PAYER-RULE",
        "Payer rule",
        "error",
        "claim",
        _payer_rules,
        "{rule}",
        "Fix the claim to follow the payer's rule.",
        None,
    ),
)

EDITS_BY_ID = {e.id: e for e in EDITS}
