"""Procedure lines a note plainly documents (injections, vaccines, in-office tests): codes and units only.

CPT descriptors are the AMA's and are not shipped; the rules below name codes by number, and each
one says in plain words what in the note it stands on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from app.domain.suggestions import Evidence, ProcedureSuggestion

_FLAGS = re.IGNORECASE
_S = r"(?:[^.\n]|\.(?=\d))"  # any character of the same sentence (a decimal point is not an end)
_NEGATED_BEFORE = re.compile(
    r"\b(no|not|declined|declines|deferred|defer|refused|refuses|will|to be|schedule|scheduled|next|due|"
    r"outside|consider|recommend(?:ed)?)\b[^.;\n]{0,40}$",
    _FLAGS,
)


@dataclass(frozen=True)
class _Found:
    match: re.Match[str]

    def evidence(self) -> Evidence:
        return Evidence(self.match.start(), self.match.end(), self.match.group(0))


def _find(note: str, pattern: str) -> _Found | None:
    """The first mention of the pattern that is not declined, deferred or planned for later."""
    for m in re.finditer(pattern, note, _FLAGS):
        line_start = max(note.rfind("\n", 0, m.start()), note.rfind(". ", 0, m.start())) + 1
        if _NEGATED_BEFORE.search(note[line_start : m.start()]):
            continue
        return _Found(m)
    return None


_VACCINE_GIVEN = r"(?:given|administered|administer|injected|received|today|in (?:the )?(?:left|right) deltoid)"


def _vaccines(note: str, age: int | None) -> list[ProcedureSuggestion]:
    out: list[ProcedureSuggestion] = []
    flu = _find(
        note,
        r"\b(?:influenza|flu)\b"
        + _S
        + r"{0,60}?(?:vaccine|vaccination|shot|immunization)"
        + _S
        + r"{0,60}?"
        + _VACCINE_GIVEN,
    ) or _find(note, r"\b(?:vaccine|shot)\b" + _S + r"{0,30}\b(?:influenza|flu)\b")
    tdap = _find(note, r"\bTdap\b" + _S + r"{0,60}?" + _VACCINE_GIVEN) or _find(
        note, _VACCINE_GIVEN + _S + r"{0,30}\bTdap\b"
    )
    medicare = bool(re.search(r"\bmedicare\b", note, _FLAGS)) or (age is not None and age >= 65)
    if flu:
        high_dose = re.search(r"high[- ]dose|senior|65\+|fluzone hd|adjuvanted", note, _FLAGS)
        admin = "G0008" if medicare else "90471"
        out.append(ProcedureSuggestion(admin, 1, "influenza vaccine administration", [flu.evidence()]))
        out.append(
            ProcedureSuggestion(
                "90662" if high_dose else "90656",
                1,
                "influenza vaccine product, " + ("high dose" if high_dose else "standard dose"),
                [flu.evidence()],
            )
        )
    if tdap:
        first = not any(p.code == "90471" for p in out)
        out.append(ProcedureSuggestion("90471" if first else "90472", 1, "vaccine administration", [tdap.evidence()]))
        out.append(ProcedureSuggestion("90715", 1, "Tdap vaccine product", [tdap.evidence()]))
    return out


def _knee_injection(note: str, age: int | None) -> list[ProcedureSuggestion]:
    found = _find(
        note,
        r"\b(?:knee|shoulder|hip)s?\b"
        + _S
        + r"{0,60}?\binjected\b|\binjected\b"
        + _S
        + r"{0,60}?\b(?:knee|shoulder|hip)s?\b"
        r"|\b(?:knee|shoulder|hip) (?:joint )?injection\b",
    )
    if not found:
        return []
    out = [ProcedureSuggestion("20610", 1, "major joint injection", [found.evidence()])]
    drug = _find(note, r"\b(?:methylprednisolone|depo-medrol)\b" + _S + r"{0,20}?(\d+)\s*mg")
    if drug:
        mg = int(drug.match.group(1))
        total = re.search(r"\((\d+)\s*mg total\)", note, _FLAGS)
        if total:
            mg = int(total.group(1))
        elif re.search(
            r"\beach knee\b|\bboth knees\b|\bbilateral\b", note[drug.match.start() : drug.match.end() + 80], _FLAGS
        ):
            mg *= 2
        out.append(ProcedureSuggestion("J1010", mg, "methylprednisolone acetate, 1 mg units", [drug.evidence()]))
    triam = _find(note, r"\b(?:triamcinolone|kenalog)\b" + _S + r"{0,20}?(\d+)\s*mg")
    if triam:
        units = max(1, int(triam.match.group(1)) // 10)
        out.append(ProcedureSuggestion("J3301", units, "triamcinolone acetonide, 10 mg units", [triam.evidence()]))
    return out


def _b12(note: str, age: int | None) -> list[ProcedureSuggestion]:
    found = _find(
        note,
        r"\b(?:B-?12|cyanocobalamin|vitamin B12)\b"
        + _S
        + r"{0,60}?\b(?:injection|injected|IM|intramuscular|given|administered)\b",
    )
    if not found:
        return []
    return [
        ProcedureSuggestion("96372", 1, "therapeutic injection, IM", [found.evidence()]),
        ProcedureSuggestion("J3420", 1, "vitamin B12 (cyanocobalamin) up to 1000 mcg", [found.evidence()]),
    ]


def _simple(code: str, pattern: str, reason: str) -> Callable[[str, int | None], list[ProcedureSuggestion]]:
    def rule(note: str, age: int | None) -> list[ProcedureSuggestion]:
        found = _find(note, pattern)
        return [ProcedureSuggestion(code, 1, reason, [found.evidence()])] if found else []

    return rule


def _laceration_repair(note: str, age: int | None) -> list[ProcedureSuggestion]:
    found = _find(
        note, r"(?:repaired length|laceration" + _S + r"{0,40}?|closure" + _S + r"{0,60}?)\b(\d+(?:\.\d+)?)\s*cm"
    )
    if not found or not re.search(r"\b(?:sutur|closure|repair)", note, _FLAGS):
        return []
    length = Decimal(found.match.group(1))  # exact: 2.5 cm is a code boundary
    code = (
        "12001"
        if length <= Decimal("2.5")
        else "12002"
        if length <= Decimal("7.5")
        else "12004"
        if length <= Decimal("12.5")
        else "12005"
    )
    return [ProcedureSuggestion(code, 1, f"simple repair, {length:g} cm", [found.evidence()])]


def _screening_instruments(note: str, age: int | None) -> list[ProcedureSuggestion]:
    found = _find(note, r"\b(?:PHQ-?9|PHQ-?2|GAD-?7)\b" + _S + r"{0,40}?\b(?:administered|scored|completed)\b")
    if not found:
        return []
    if re.search(r"\bannual (?:depression )?screening\b|\bwellness visit\b", note, _FLAGS) and re.search(
        r"\bmedicare\b|\bAWV\b", note, _FLAGS
    ):
        return [ProcedureSuggestion("G0444", 1, "annual depression screening, Medicare", [found.evidence()])]
    return [ProcedureSuggestion("96127", 1, "standardized emotional/behavioral assessment", [found.evidence()])]


_RULES: tuple[Callable[[str, int | None], list[ProcedureSuggestion]], ...] = (
    _vaccines,
    _b12,
    _knee_injection,
    _laceration_repair,
    _simple(
        "17110",
        r"\bcryotherapy\b|\bliquid nitrogen\b|\bdestroyed with cryo",
        "destruction of benign lesions (up to 14)",
    ),
    _simple(
        "36415",
        r"\bvenipuncture\b|\b(?:venous )?blood (?:was )?drawn in (?:the )?office\b|\bblood draw\b(?! at)|"
        r"\blabs? drawn in (?:the )?office\b",
        "venipuncture",
    ),
    _simple("87880", r"\brapid strep(?:tococcal)?\b(?: antigen)?(?: test)?", "rapid strep antigen test"),
    _simple(
        "81002",
        r"\burine dip(?:stick)?\b|\burinalysis\b"
        + _S
        + r"{0,20}\bdipstick\b|\bUA dip(?:stick)?\b|\bdipstick urinalysis\b",
        "urinalysis by dipstick, non-automated, without microscopy",
    ),
    _simple(
        "93000",
        r"\b(?:EKG|ECG|electrocardiogram)\b" + _S + r"{0,40}?\b(?:obtained|performed|done|shows|showed|today|in office|"
        r"interpreted|reviewed)\b|\b(?:12-lead|in-office) (?:EKG|ECG)\b",
        "12-lead EKG with interpretation and report",
    ),
    _simple("80061", r"\blipid panel\b" + _S + r"{0,40}?\b(?:run|in-house|drawn|performed)\b", "lipid panel"),
    _simple(
        "83036",
        r"\b(?:hemoglobin )?A1c\b" + _S + r"{0,40}?\b(?:run|in-house|drawn today|point-of-care|performed)\b",
        "hemoglobin A1c",
    ),
    _simple(
        "80053",
        r"\b(?:CMP|comprehensive metabolic panel)\b" + _S + r"{0,40}?\b(?:run|in-house|drawn|performed)\b",
        "comprehensive metabolic panel",
    ),
    _simple("84443", r"\bTSH\b" + _S + r"{0,40}?\b(?:run|in-house|drawn|performed)\b", "TSH"),
    _screening_instruments,
)


def suggest_procedures(note: str, age: int | None = None) -> list[ProcedureSuggestion]:
    """Procedure codes the note documents as done today, in the order the rules list them."""
    out: list[ProcedureSuggestion] = []
    seen: set[str] = set()
    for rule in _RULES:
        for suggestion in rule(note, age):
            if suggestion.code not in seen:
                seen.add(suggestion.code)
                out.append(suggestion)
    return out
