"""A small hand-made code-set service for UI tests: the same methods as CodeSetService, over a dozen codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.domain.codes import CodeDetail, CodeNote, MedicareFee, Release, SearchHit, icd10cm_key

FY2026 = Release(
    1, "icd10cm", "FY2026", dt.date(2025, 10, 1), dt.date(2026, 9, 30), "icd10cm-2026.zip", "0" * 64, "shipped"
)
HCPCS_2026 = Release(2, "hcpcs", "2026 Q1", dt.date(2026, 1, 1), None, "HCPC2026_JAN.txt", "1" * 64, "shipped")

SEVENTH = (
    ("A", "initial encounter for closed fracture"),
    ("B", "initial encounter for open fracture type I or II"),
    ("D", "subsequent encounter for closed fracture with routine healing"),
    ("S", "sequela"),
)

# code -> (description, billable, parent)
ICD: dict[str, tuple[str, bool, str | None]] = {
    "E11": ("Type 2 diabetes mellitus", False, None),
    "E11.6": ("Type 2 diabetes mellitus with other specified complications", False, "E11"),
    "E11.65": ("Type 2 diabetes mellitus with hyperglycemia", True, "E11.6"),
    "E11.8": ("Type 2 diabetes mellitus with unspecified complications", True, "E11"),
    "E11.9": ("Type 2 diabetes mellitus without complications", True, "E11"),
    "E10.9": ("Type 1 diabetes mellitus without complications", True, None),
    "I10": ("Essential (primary) hypertension", True, None),
    "S52": ("Fracture of forearm", False, None),
    "S52.5": ("Fracture of lower end of radius", False, "S52"),
    "S52.52": ("Torus fracture of lower end of radius", False, "S52.5"),
    "S52.521": ("Torus fracture of lower end of right radius", False, "S52.52"),
}
for _ch, _meaning in SEVENTH:
    ICD[f"S52.521{_ch}"] = (f"Torus fracture of lower end of right radius, {_meaning}", True, "S52.521")

HCPCS: dict[str, tuple[str, str]] = {
    "J3420": ("Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg", "Vitamin b12 injection"),
    "G0008": ("Administration of influenza virus vaccine", "Admin influenza virus vac"),
}
CPT: dict[str, str] = {"99213": "Office visit, established, low MDM (practice's name)"}

ABBREVIATIONS = {"DM2": ("E11.9", "E11.65", "E11.8"), "HTN": ("I10",)}

E11_NOTES = (
    CodeNote("includes", "diabetes (mellitus) due to insulin secretory defect", "E11"),
    CodeNote("use_additional", "code to identify control using insulin (Z79.4)", "E11", ("Z794",)),
    CodeNote("excludes1", "gestational diabetes (O24.4-)", "E11", ("O244",)),
    CodeNote("excludes1", "type 1 diabetes mellitus (E10.-)", "E11", ("E10",)),
)

WARNING_FY2027 = "ICD-10-CM FY2027 is not loaded; import it"


class FakeCodeSets:
    """Answers like CodeSetService does, from the dictionaries above; records each search."""

    def __init__(self) -> None:
        self.searches: list[tuple[str, str]] = []

    # ------------------------------------------------------------------ search

    def search(self, query: str, system: str = "all", limit: int = 20) -> list[SearchHit]:
        self.searches.append((query, system))
        q = query.strip()
        if not q:
            return []
        hits: list[SearchHit] = []
        key = icd10cm_key(q)
        if system in ("all", "icd10cm"):
            for code, (desc, billable, _parent) in ICD.items():
                ckey = icd10cm_key(code)
                if ckey == key:
                    hits.append(SearchHit(code, "icd10cm", desc, billable, "code", 100.0))
                elif ckey.startswith(key):
                    hits.append(SearchHit(code, "icd10cm", desc, billable, "code starts with " + q, 90.0 - len(ckey)))
                elif q.lower() in desc.lower():
                    hits.append(SearchHit(code, "icd10cm", desc, billable, "description", 50.0))
            for code in ABBREVIATIONS.get(key, ()):
                desc, billable, _parent = ICD[code]
                hits.append(SearchHit(code, "icd10cm", desc, billable, f"abbreviation {key}", 80.0))
        if system in ("all", "hcpcs"):
            for code, (long, _short) in HCPCS.items():
                if code.startswith(key) or q.lower() in long.lower():
                    hits.append(SearchHit(code, "hcpcs", long, True, "code" if code == key else "description", 70.0))
        if system in ("all", "cpt"):
            for code, desc in CPT.items():
                if code.startswith(key):
                    hits.append(SearchHit(code, "cpt", desc, True, "code", 95.0))
        hits.sort(key=lambda h: (-h.score, h.code))
        return hits[:limit]

    # ------------------------------------------------------------------ detail

    def detail(self, code: str, system: str | None = None, on: dt.date | None = None) -> CodeDetail | None:
        code = code.strip().upper()
        if code in HCPCS and system in (None, "hcpcs"):
            long, short = HCPCS[code]
            fee = MedicareFee(
                code,
                "",
                "0111205",
                False,
                Decimal("0.64"),
                Decimal("0"),
                Decimal("0.02"),
                Decimal("0.00"),
                Decimal("32.3465"),
                "XXX",
                "A",
                "MPFS 2025",
            )
            return CodeDetail(
                code,
                "hcpcs",
                long,
                True,
                "2026 Q1",
                dt.date(2002, 1, 1),
                None,
                short_description=short,
                attributes={"Coverage": "D — special coverage instructions apply", "BETOS": "O1D"},
                medicare_fee=fee,
            )
        if code in CPT and system in (None, "cpt"):
            fee = MedicareFee(
                code,
                "",
                "0111205",
                False,
                Decimal("91.59"),
                Decimal("1.30"),
                Decimal("1.43"),
                Decimal("0.10"),
                Decimal("32.3465"),
                "XXX",
                "A",
                "MPFS 2025",
            )
            return CodeDetail(code, "cpt", CPT[code], True, "practice list", medicare_fee=fee)
        display = _display(code)
        if display not in ICD or system not in (None, "icd10cm"):
            return None
        desc, billable, parent = ICD[display]
        notes: tuple[CodeNote, ...] = ()
        chapter = section = None
        seventh: tuple[tuple[str, str], ...] = ()
        if display.startswith("E11"):
            notes = E11_NOTES
            chapter = "Chapter 4: Endocrine, nutritional and metabolic diseases (E00-E89)"
            section = "E08-E13: Diabetes mellitus"
        if display.startswith("S52"):
            seventh = SEVENTH
            notes = (
                CodeNote(
                    "seven_char_note",
                    "The appropriate 7th character is to be added to each code from category S52",
                    "S52",
                ),
            )
            chapter = "Chapter 19: Injury, poisoning and certain other consequences of external causes (S00-T88)"
            section = "S50-S59: Injuries to the elbow and forearm"
        return CodeDetail(
            display,
            "icd10cm",
            desc,
            billable,
            "FY2026",
            dt.date(2025, 10, 1),
            dt.date(2026, 9, 30),
            parent=parent,
            children=tuple((c, d) for c, d, _b in self.children(display)),
            notes=notes,
            chapter=chapter,
            section=section,
            seventh_characters=seventh,
            age_min=15 if display.startswith("E11") else None,
        )

    # ------------------------------------------------------------------ tree

    def chapters(self) -> list[tuple[int, str, str]]:
        return [
            (4, "Endocrine, nutritional and metabolic diseases", "E00-E89"),
            (19, "Injury, poisoning and certain other consequences of external causes", "S00-T88"),
        ]

    def sections(self, chapter: int) -> list[tuple[str, str]]:
        return {4: [("E08-E13", "Diabetes mellitus")], 19: [("S50-S59", "Injuries to the elbow and forearm")]}.get(
            chapter, []
        )

    def categories(self, section_id: str) -> list[tuple[str, str, bool]]:
        codes = {"E08-E13": ("E10.9", "E11"), "S50-S59": ("S52",)}.get(section_id, ())
        return [(c, ICD[c][0], ICD[c][1]) for c in codes]

    def children(self, code: str) -> list[tuple[str, str, bool]]:
        display = _display(code.strip().upper())
        return [(c, d, b) for c, (d, b, p) in ICD.items() if p == display]

    # ------------------------------------------------------------------ releases

    def releases(self) -> list[Release]:
        return [FY2026, HCPCS_2026]

    def coverage_warning(self, system: str, on: dt.date) -> str | None:
        if system == "icd10cm" and not FY2026.covers(on):
            return WARNING_FY2027 if on > FY2026.effective_to else "ICD-10-CM for that date is not loaded"  # type: ignore[operator]
        return None


def _display(code: str) -> str:
    key = icd10cm_key(code)
    return key if len(key) <= 3 else f"{key[:3]}.{key[3:]}"
