"""Office and outpatient E/M level selection (2021+ rules): by medical decision making or by total time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from app.errors import ClaimDeskError

# The rules below follow the structure of the AMA office/outpatient E/M guidelines (2021 onward) and the
# CMS rules for Medicare's prolonged-service code; the wording is ours. Codes only: no descriptor text.


class EmInputError(ClaimDeskError):
    """The calculator was asked something it cannot answer (e.g. a clinical-staff visit for a new patient)."""


class PatientType(str, Enum):
    NEW = "new"
    ESTABLISHED = "established"

    @property
    def label(self) -> str:
        return "New patient" if self is PatientType.NEW else "Established patient"


class EmMethod(str, Enum):
    """How the level is chosen: the whole visit's decision making, or the practitioner's total time that date."""

    MDM = "mdm"
    TIME = "time"

    @property
    def label(self) -> str:
        return "Medical decision making" if self is EmMethod.MDM else "Total time"


class PayerConvention(str, Enum):
    """Whose rule counts prolonged time: CPT's 99417 or Medicare's G2212."""

    CPT = "cpt"
    MEDICARE = "medicare"

    @property
    def label(self) -> str:
        return f"{self.payer_name} ({PROLONGED_RULES[self].code})"

    @property
    def payer_name(self) -> str:
        return "CPT" if self is PayerConvention.CPT else "Medicare"


class GradedLevel(Enum):
    """An element graded on four steps; `rank` 1-4 lines the steps of different elements up.

    Plain (not str) enums, so `ProblemLevel.LOW` and `RiskLevel.LOW` stay distinct keys.
    """

    @property
    def rank(self) -> int:
        return list(type(self)).index(self) + 1

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def hint(self) -> str:
        return _HINTS[self]


class MdmLevel(GradedLevel):
    """The overall decision-making level, which sets the code."""

    STRAIGHTFORWARD = "straightforward"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class ProblemLevel(GradedLevel):
    """Number and complexity of problems addressed at the visit.

    MINIMAL: one self-limited or minor problem (a cold, an insect bite).
    LOW: two or more minor problems; one stable chronic illness; one acute uncomplicated illness or injury;
        one stable acute illness.
    MODERATE: a chronic illness that is worsening or has treatment side effects; two or more stable chronic
        illnesses; a new undiagnosed problem with an uncertain outcome; an acute illness with systemic
        symptoms; an acute complicated injury.
    HIGH: a chronic illness with severe worsening or severe side effects; an acute or chronic illness or
        injury that threatens life or bodily function.
    """

    MINIMAL = "minimal"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class DataLevel(GradedLevel):
    """Amount and complexity of data reviewed and analysed; see `DataReviewed` to count it by category."""

    MINIMAL = "minimal_or_none"
    LIMITED = "limited"
    MODERATE = "moderate"
    EXTENSIVE = "extensive"

    @property
    def label(self) -> str:
        return "Minimal or none" if self is DataLevel.MINIMAL else self.value.capitalize()


class RiskLevel(GradedLevel):
    """Risk of complications, illness or death from the management decided at the visit.

    MINIMAL: rest, gargles, bandages, and the like.
    LOW: over-the-counter drugs, minor surgery without risk factors, physical or occupational therapy.
    MODERATE: prescription drug management; minor surgery with risk factors; elective major surgery
        without risk factors; diagnosis or treatment significantly limited by social determinants of health.
    HIGH: drugs needing intensive monitoring for toxicity; elective major surgery with risk factors;
        emergency major surgery; deciding on hospital admission or escalation of hospital-level care;
        deciding against resuscitation or to de-escalate care because of a poor prognosis; parenteral
        controlled substances.
    """

    MINIMAL = "minimal"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


# Short plain-word hints, one per step; the calculator shows them as tooltips.
_HINTS: dict[GradedLevel, str] = {
    MdmLevel.STRAIGHTFORWARD: "Two of the three elements at minimal or above.",
    MdmLevel.LOW: "Two of the three elements at low (or limited) or above.",
    MdmLevel.MODERATE: "Two of the three elements at moderate or above.",
    MdmLevel.HIGH: "Two of the three elements at high (or extensive).",
    ProblemLevel.MINIMAL: "One self-limited or minor problem, such as a cold or an insect bite.",
    ProblemLevel.LOW: (
        "Two or more minor problems; one stable chronic illness; one acute uncomplicated illness or injury; "
        "one stable acute illness."
    ),
    ProblemLevel.MODERATE: (
        "A chronic illness that is worsening or has treatment side effects; two or more stable chronic "
        "illnesses; a new problem with an uncertain outcome; an acute illness with systemic symptoms; "
        "an acute complicated injury."
    ),
    ProblemLevel.HIGH: (
        "A chronic illness with severe worsening or side effects; an illness or injury that threatens life "
        "or bodily function."
    ),
    DataLevel.MINIMAL: "Little or no data reviewed or ordered.",
    DataLevel.LIMITED: (
        "Two items from notes of an outside source, test results reviewed and tests ordered; "
        "or an assessment that needed an independent historian."
    ),
    DataLevel.MODERATE: (
        "One of: three items from notes, results, tests ordered and an independent historian; "
        "your own reading of another clinician's test; a management discussion with an outside clinician."
    ),
    DataLevel.EXTENSIVE: "Two of those three categories.",
    RiskLevel.MINIMAL: "Rest, gargles, bandages and the like.",
    RiskLevel.LOW: "Over-the-counter drugs, minor surgery without risk factors, physical therapy.",
    RiskLevel.MODERATE: (
        "Prescription drug management; minor surgery with risk factors; elective major surgery without "
        "risk factors; care limited by social determinants of health."
    ),
    RiskLevel.HIGH: (
        "Drugs needing intensive toxicity monitoring; major surgery with risk factors or in an emergency; "
        "deciding on admission; deciding against resuscitation; parenteral controlled substances."
    ),
}

_MDM_BY_RANK: dict[int, MdmLevel] = {level.rank: level for level in MdmLevel}

MDM_CODES: dict[PatientType, dict[MdmLevel, str]] = {
    PatientType.NEW: {
        MdmLevel.STRAIGHTFORWARD: "99202",
        MdmLevel.LOW: "99203",
        MdmLevel.MODERATE: "99204",
        MdmLevel.HIGH: "99205",
    },
    PatientType.ESTABLISHED: {
        MdmLevel.STRAIGHTFORWARD: "99212",
        MdmLevel.LOW: "99213",
        MdmLevel.MODERATE: "99214",
        MdmLevel.HIGH: "99215",
    },
}

# Minutes that must be met or exceeded, highest first. CPT 2024 replaced the 2021-2023 ranges
# (e.g. 99213 20-29) with these single thresholds, which are the old ranges' lower ends.
TIME_THRESHOLDS: dict[PatientType, tuple[tuple[int, str, MdmLevel], ...]] = {
    PatientType.NEW: (
        (60, "99205", MdmLevel.HIGH),
        (45, "99204", MdmLevel.MODERATE),
        (30, "99203", MdmLevel.LOW),
        (15, "99202", MdmLevel.STRAIGHTFORWARD),
    ),
    PatientType.ESTABLISHED: (
        (40, "99215", MdmLevel.HIGH),
        (30, "99214", MdmLevel.MODERATE),
        (20, "99213", MdmLevel.LOW),
        (10, "99212", MdmLevel.STRAIGHTFORWARD),
    ),
}

CLINICAL_STAFF_CODE = "99211"
PROLONGED_BLOCK_MINUTES = 15


@dataclass(frozen=True)
class ProlongedRule:
    code: str
    first_unit_minutes: dict[PatientType, int]  # total minutes at which the first unit is reportable


# CPT counts each full 15 minutes past the top code's minimum (99205 60 -> 75; 99215 40 -> 55).
# Medicare counts past the top of the old 2021 range (99205 74, 99215 54), so the first unit needs 89 / 69.
PROLONGED_RULES: dict[PayerConvention, ProlongedRule] = {
    PayerConvention.CPT: ProlongedRule("99417", {PatientType.NEW: 75, PatientType.ESTABLISHED: 55}),
    PayerConvention.MEDICARE: ProlongedRule("G2212", {PatientType.NEW: 89, PatientType.ESTABLISHED: 69}),
}


@dataclass(frozen=True)
class DataReviewed:
    """Data counted by category, as the guidelines count it.

    Each unique test counts once: ordering a test includes reviewing its result, so `test_results` is for
    results of tests not ordered at this visit. `external_notes` counts unique outside sources.
    """

    external_notes: int = 0
    test_results: int = 0
    tests_ordered: int = 0
    independent_historian: bool = False
    independent_interpretation: bool = False  # of a test performed by another clinician, not billed separately
    external_discussion: bool = False  # of management or a test with an outside physician or appropriate source

    def __post_init__(self) -> None:
        for name in ("external_notes", "test_results", "tests_ordered"):
            if getattr(self, name) < 0:
                raise EmInputError(f"{name.replace('_', ' ')} cannot be negative")

    @property
    def documents_and_tests(self) -> int:
        return self.external_notes + self.test_results + self.tests_ordered

    def level(self) -> DataLevel:
        return self.assess()[0]

    def assess(self) -> tuple[DataLevel, list[str]]:
        """The data level and, in plain words, which categories reached it."""
        items = self.documents_and_tests
        with_historian = items + (1 if self.independent_historian else 0)
        # Category 1 at the moderate and extensive steps: any three of notes, results, orders, historian.
        categories: list[str] = []
        if with_historian >= 3:
            categories.append(f"{with_historian} items from notes, results, tests ordered and historian")
        if self.independent_interpretation:
            categories.append("independent interpretation of a test")
        if self.external_discussion:
            categories.append("discussion with an external physician or source")
        if len(categories) >= 2:
            return DataLevel.EXTENSIVE, [f"Data extensive: {' and '.join(categories)} (two of three categories)."]
        if categories:
            return DataLevel.MODERATE, [f"Data moderate: {categories[0]}."]
        if items >= 2:
            return DataLevel.LIMITED, [f"Data limited: {items} items from notes, results and tests ordered."]
        if self.independent_historian:
            return DataLevel.LIMITED, ["Data limited: assessment needed an independent historian."]
        if items == 1:
            return DataLevel.MINIMAL, ["Data minimal: one item is not enough for limited (two are needed)."]
        return DataLevel.MINIMAL, ["Data minimal: nothing reviewed or ordered."]


@dataclass(frozen=True)
class MdmInput:
    problems: ProblemLevel = ProblemLevel.MINIMAL
    data: DataLevel | DataReviewed = DataLevel.MINIMAL
    risk: RiskLevel = RiskLevel.MINIMAL

    @property
    def data_level(self) -> DataLevel:
        return self.data if isinstance(self.data, DataLevel) else self.data.level()


@dataclass(frozen=True)
class EmInput:
    """One office visit to level. `clinical_staff_only` is the 99211 visit that may not need a physician."""

    patient_type: PatientType
    method: EmMethod = EmMethod.MDM
    mdm: MdmInput | None = None
    total_minutes: int | None = None
    clinical_staff_only: bool = False


@dataclass(frozen=True)
class EmResult:
    """The code (None when the inputs support none), its level, and why, in plain words.

    `prolonged` holds the add-on codes under the chosen `payer_convention`; `prolonged_by_convention`
    holds both, so a screen can show what the other convention would report.
    """

    code: str | None
    level: MdmLevel | None
    method: EmMethod
    reasons: list[str]
    prolonged: list[tuple[str, int]] = field(default_factory=list)
    payer_convention: PayerConvention = PayerConvention.CPT
    prolonged_by_convention: dict[PayerConvention, list[tuple[str, int]]] = field(default_factory=dict)


def mdm_level(problems: ProblemLevel, data: DataLevel | DataReviewed, risk: RiskLevel) -> MdmLevel:
    """Two of three elements must meet or exceed a level, so the level is the middle of the three ranks."""
    data_level = data if isinstance(data, DataLevel) else data.level()
    ranks = sorted((problems.rank, data_level.rank, risk.rank))
    return _MDM_BY_RANK[ranks[1]]


def level_by_time(patient_type: PatientType, minutes: int) -> tuple[str, MdmLevel] | None:
    """The highest code whose threshold the minutes meet, or None below the lowest threshold."""
    for threshold, code, level in TIME_THRESHOLDS[patient_type]:
        if minutes >= threshold:
            return code, level
    return None


def prolonged_units(patient_type: PatientType, minutes: int, convention: PayerConvention | str) -> int:
    """Full 15-minute units of prolonged time under a convention; 0 before the first unit is reached."""
    first = PROLONGED_RULES[PayerConvention(convention)].first_unit_minutes[patient_type]
    if minutes < first:
        return 0
    return 1 + (minutes - first) // PROLONGED_BLOCK_MINUTES


def calculate_em(em: EmInput, payer_convention: PayerConvention | str = PayerConvention.CPT) -> EmResult:
    """Level an office visit by its chosen method and report prolonged time when the method is time."""
    convention = PayerConvention(payer_convention)
    if em.clinical_staff_only:
        if em.patient_type is PatientType.NEW:
            raise EmInputError("99211 is for established patients only; a new patient's visit needs a physician")
        return EmResult(
            code=CLINICAL_STAFF_CODE,
            level=None,
            method=em.method,
            reasons=[
                "Established patient seen without a physician or other qualified professional needed: 99211.",
                "99211 is not chosen by decision making or time.",
            ],
            payer_convention=convention,
        )
    if em.method is EmMethod.MDM:
        return _by_mdm(em, convention)
    return _by_time(em, convention)


def _by_mdm(em: EmInput, convention: PayerConvention) -> EmResult:
    if em.mdm is None:
        raise EmInputError("choose the problems, data and risk to level a visit by decision making")
    mdm = em.mdm
    if isinstance(mdm.data, DataReviewed):
        data_level, reasons = mdm.data.assess()
    else:
        data_level, reasons = mdm.data, [f"Data {mdm.data.label.lower()}."]
    reasons = [f"Problems {mdm.problems.label.lower()}.", *reasons, f"Risk {mdm.risk.label.lower()}."]
    level = mdm_level(mdm.problems, data_level, mdm.risk)
    code = MDM_CODES[em.patient_type][level]
    met = [
        name
        for name, rank in (("problems", mdm.problems.rank), ("data", data_level.rank), ("risk", mdm.risk.rank))
        if rank >= level.rank
    ]
    reasons.append(f"Decision making {level.label.lower()}: {' and '.join(met)} meet it (two of three needed).")
    reasons.append(f"{em.patient_type.label}, {level.label.lower()} decision making: {code}.")
    reasons.append("Prolonged-time codes apply only when the level is chosen by time.")
    return EmResult(code, level, EmMethod.MDM, reasons, [], convention, {c: [] for c in PayerConvention})


def _by_time(em: EmInput, convention: PayerConvention) -> EmResult:
    minutes = em.total_minutes
    if minutes is None:
        raise EmInputError("enter the total minutes spent on the date of the visit")
    if minutes < 0:
        raise EmInputError(f"total time cannot be negative ({minutes} minutes)")
    picked = level_by_time(em.patient_type, minutes)
    if picked is None:
        lowest, lowest_code, _ = TIME_THRESHOLDS[em.patient_type][-1]
        return EmResult(
            code=None,
            level=None,
            method=EmMethod.TIME,
            reasons=[
                f"{minutes} minutes is below the {lowest} minutes {lowest_code} needs, so time sets no level.",
                "Level this visit by medical decision making instead.",
            ],
            payer_convention=convention,
            prolonged_by_convention={c: [] for c in PayerConvention},
        )
    code, level = picked
    threshold = next(t for t, c, _ in TIME_THRESHOLDS[em.patient_type] if c == code)
    reasons = [f"{em.patient_type.label}, {minutes} minutes meets the {threshold} minutes {code} needs."]
    both = {c: _prolonged_lines(em.patient_type, minutes, c) for c in PayerConvention}
    top_code = TIME_THRESHOLDS[em.patient_type][0][1]
    if code == top_code:
        for c in PayerConvention:
            rule = PROLONGED_RULES[c]
            first = rule.first_unit_minutes[em.patient_type]
            applies = "" if c is convention else " (not the payer rule chosen)"
            if both[c]:
                units = both[c][0][1]
                reasons.append(
                    f"{c.payer_name}: {rule.code} ×{units}, one unit at {first} minutes and one more "
                    f"for each further full {PROLONGED_BLOCK_MINUTES} minutes{applies}."
                )
            else:
                reasons.append(f"{c.payer_name}: no {rule.code} until {first} minutes{applies}.")
    return EmResult(code, level, EmMethod.TIME, reasons, both[convention], convention, both)


def _prolonged_lines(patient_type: PatientType, minutes: int, convention: PayerConvention) -> list[tuple[str, int]]:
    units = prolonged_units(patient_type, minutes, convention)
    return [(PROLONGED_RULES[convention].code, units)] if units else []


# --- a light reading of a note, for the coding assistant ---------------------------------------------------


@dataclass(frozen=True)
class EmEstimate:
    """A guess from a note's words, always low confidence: a prompt for the coder, never a code to bill."""

    code: str | None
    method: EmMethod
    patient_type: PatientType
    patient_type_stated: bool
    total_minutes: int | None
    problem_count: int
    problems: ProblemLevel
    risk: RiskLevel
    reasons: list[str]
    prolonged: list[tuple[str, int]] = field(default_factory=list)
    confidence: str = "low"

    def as_input(self) -> EmInput:
        """The calculator inputs this guess used, to open the calculator prefilled."""
        return EmInput(
            self.patient_type,
            self.method,
            MdmInput(self.problems, DataLevel.MINIMAL, self.risk),
            self.total_minutes,
        )


_TIME_PATTERNS = (
    re.compile(
        r"\b(?:spent|total\s+time(?:\s+(?:of|was|spent))?\s*:?)\s+(?:a\s+total\s+of\s+|over\s+)?(\d{1,3})\s*"
        r"(?:minutes|mins?)\b",
        re.I,
    ),
    re.compile(r"\b(\d{1,3})\s*(?:minutes|mins?)\s+(?:(?:was|were)\s+)?spent\b", re.I),
    re.compile(r"\btotal\s+of\s+(\d{1,3})\s*(?:minutes|mins?)\b", re.I),
)
_NEW_WORDS = re.compile(r"\bnew\s+patient\b|\bestablish(?:ing)?\s+care\b|\bfirst\s+visit\b", re.I)
_ESTABLISHED_WORDS = re.compile(
    r"\bestablished\s+patient\b|\bfollow[\s-]?up\s+(?:visit|for|of)\b|\breturn(?:s|ing)?\s+(?:visit|for)\b|"
    r"\bseen\s+last\b",
    re.I,
)
# A heading is a known word alone on its line or followed by a colon.
_HEADING = re.compile(
    r"^[ \t]*(?P<name>assessment\s*(?:and|&|/)\s*plan|a\s*/\s*p|assessment|impression|plan|subjective|objective|"
    r"hpi|history(?:\s+of\s+present\s+illness)?|exam(?:ination)?|physical\s+exam(?:ination)?|ros|"
    r"review\s+of\s+systems|vitals|chief\s+complaint|cc|total\s+time|time|signed|attestation)[ \t]*(?::|$)",
    re.I | re.M,
)
_LIST_ITEM = re.compile(r"^\s*(?:#?\d{1,2}[.)]|#\d{1,2}|[-*•])\s*\S", re.M)
_WORSENING = re.compile(
    r"\b(?:worsening|exacerbation|uncontrolled|not\s+controlled|poorly\s+controlled|progressi\w+|side\s+effects?)\b",
    re.I,
)
_RX_WORDS = re.compile(
    r"\b(?:start(?:ed|ing)?\s+(?:on\s+)?[a-z]+|initiat(?:e|ed)\s+[a-z]+|increas(?:e|ed)\s+(?:the\s+)?(?:dose|dosage)|"
    r"(?:increas|decreas|reduc)(?:e|ed)\s+[a-z]+\s+to\s+\d+|titrat\w+|refill(?:ed|s)?|prescrib(?:e|ed)|"
    r"\d+(?:\.\d+)?\s*mg)\b",
    re.I,
)
_OTC_WORDS = re.compile(r"\b(?:over[\s-]the[\s-]counter|otc|acetaminophen|ibuprofen|tylenol|advil)\b", re.I)


def estimate_from_note(text: str) -> EmEstimate:
    """Read time, patient type, problem count and drug management from a note, and suggest a code.

    Data reviewed is not read (it is counted as minimal) and high-complexity problems or risk are never
    inferred: those need a coder's reading. The suggestion is the higher of the time and MDM answers.
    """
    reasons: list[str] = []
    minutes = _documented_minutes(text)

    new_hit, est_hit = _NEW_WORDS.search(text), _ESTABLISHED_WORDS.search(text)
    if new_hit and not est_hit:
        patient_type, stated = PatientType.NEW, True
        reasons.append(f'New patient: the note says "{new_hit.group(0)}".')
    elif est_hit and not new_hit:
        patient_type, stated = PatientType.ESTABLISHED, True
        reasons.append(f'Established patient: the note says "{est_hit.group(0)}".')
    else:
        patient_type, stated = PatientType.ESTABLISHED, False
        why = "has words for both" if new_hit and est_hit else "does not say"
        reasons.append(f"The note {why} new or established; assumed established. Check the patient's history.")

    problem_text, plan_text = _assessment_and_plan(text)
    if problem_text is None:
        problem_count = 0
        reasons.append("No Assessment or Plan section found; problems not counted.")
    else:
        problem_count = _count_problems(problem_text)
        reasons.append(f"{problem_count} problem(s) listed in the assessment.")
    plan_text = plan_text if plan_text is not None else text

    worse = _WORSENING.search(problem_text or "")
    if problem_count == 0:
        problems = ProblemLevel.MINIMAL
    elif worse:
        problems = ProblemLevel.MODERATE
        reasons.append(f'Problems moderate: "{worse.group(0)}" suggests a worsening chronic illness.')
    elif problem_count >= 2:
        problems = ProblemLevel.MODERATE
        reasons.append("Problems taken as moderate (two or more chronic illnesses); if they are minor, it is low.")
    else:
        problems = ProblemLevel.LOW
        reasons.append("Problems taken as low (one problem); its complexity is not read from words.")
    if problem_count:
        reasons.append("High-complexity problems are never inferred; review the note.")

    if rx := _RX_WORDS.search(plan_text):
        risk = RiskLevel.MODERATE
        reasons.append(f'Risk moderate: prescription drug management ("{rx.group(0).strip()}").')
    elif otc := _OTC_WORDS.search(plan_text):
        risk = RiskLevel.LOW
        reasons.append(f'Risk low: over-the-counter treatment ("{otc.group(0)}").')
    else:
        risk = RiskLevel.MINIMAL
        reasons.append("No drug management found; risk taken as minimal.")
    reasons.append("Data reviewed is not read from the note; counted as minimal.")

    if problem_count == 0 and minutes is None:
        reasons.append("Neither a total time nor an assessment was found: not enough to suggest a code.")
        return EmEstimate(None, EmMethod.MDM, patient_type, stated, None, 0, problems, risk, reasons)

    by_mdm = calculate_em(EmInput(patient_type, EmMethod.MDM, MdmInput(problems, DataLevel.MINIMAL, risk)))
    reasons.append(f"By decision making: {by_mdm.code}.")
    chosen = by_mdm
    if minutes is None:
        reasons.append("No total time documented.")
    else:
        by_time = calculate_em(EmInput(patient_type, EmMethod.TIME, total_minutes=minutes))
        reasons.append(f"By time ({minutes} minutes documented): {by_time.code or 'no level'}.")
        assert by_mdm.level is not None
        if by_time.level is not None and by_time.level.rank >= by_mdm.level.rank:
            chosen = by_time
    reasons.append(f"Suggested {chosen.code} by {chosen.method.label.lower()}, with low confidence.")
    return EmEstimate(
        code=chosen.code,
        method=chosen.method,
        patient_type=patient_type,
        patient_type_stated=stated,
        total_minutes=minutes,
        problem_count=problem_count,
        problems=problems,
        risk=risk,
        reasons=reasons,
        prolonged=list(chosen.prolonged),
    )


def _documented_minutes(text: str) -> int | None:
    for pattern in _TIME_PATTERNS:
        if match := pattern.search(text):
            return int(match.group(1))
    return None


def _sections(text: str) -> dict[str, str]:
    """Body text under each known heading, keyed by the heading in lower case with single spaces."""
    found: dict[str, str] = {}
    headings = list(_HEADING.finditer(text))
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        name = re.sub(r"\s+", " ", heading.group("name").lower())
        found.setdefault(name, text[heading.end() : end])
    return found


def _assessment_and_plan(text: str) -> tuple[str | None, str | None]:
    """(where problems are listed, where management is written); a combined A/P section is both."""
    sections = _sections(text)
    for name, body in sections.items():
        if re.fullmatch(r"assessment ?(?:and|&|/) ?plan|a ?/ ?p", name):
            return body, body
    assessment = sections.get("assessment", sections.get("impression"))
    plan = sections.get("plan")
    if assessment is None and plan is None:
        return None, None
    problems = assessment if assessment is not None else plan
    management = "\n".join(part for part in (assessment, plan) if part is not None)
    return problems, management


def _count_problems(section: str) -> int:
    items = _LIST_ITEM.findall(section)
    if items:
        return len(items)
    # Unnumbered: one problem per non-empty line.
    return sum(1 for line in section.splitlines() if line.strip())
