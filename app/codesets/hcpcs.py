"""HCPCS Level II: load CMS's quarterly alpha-numeric file, explain a code, and compare two quarters.

The file is fixed-width, 320 bytes a record (HCPC20xx_recordlayout.txt). Record id (byte 11):
3 = first line of a procedure code, with its detail fields; 4 = a further line of its long
description; 7 and 8 = the same for a modifier. Columns below are the layout's 1-based BEG-END.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.codesets.reference import NCCI_ASSOCIATED, add_release, file_checksum, insert_batches
from app.domain.codes import CodeDetail
from app.errors import ValidationError
from db.codesets import hcpcs_code, modifier, release

RECORD_LENGTH = 320
PROCEDURE, PROCEDURE_MORE, MODIFIER, MODIFIER_MORE = "3", "4", "7", "8"

# Explanations from the record layout's code tables, in plain words.
COVERAGE = {
    "C": "Carrier judgment: the Medicare contractor decides coverage",
    "D": "Special coverage instructions apply (see the Medicare manuals or an NCD)",
    "I": "Not payable by Medicare: use another code for Medicare claims",
    "M": "Not covered by Medicare",
    "S": "Not covered by Medicare by statute",
}
PRICING = {
    "00": "Not separately priced by Part B (bundled, not covered, or Part A only)",
    "11": "Physician fee schedule: priced with national RVUs",
    "12": "Physician fee schedule: priced with national anesthesia base units",
    "13": "Physician fee schedule: priced by the Medicare contractor",
    "21": "Clinical lab fee schedule: national limitation amount",
    "22": "Clinical lab fee schedule: priced by the Medicare contractor",
    "31": "DMEPOS: frequently serviced DME",
    "32": "DMEPOS: inexpensive or routinely purchased DME",
    "33": "DMEPOS: oxygen and oxygen equipment",
    "34": "DMEPOS: DME supplies",
    "35": "DMEPOS: surgical dressings",
    "36": "DMEPOS: capped rental DME",
    "37": "DMEPOS: ostomy, tracheostomy and urological supplies",
    "38": "DMEPOS: orthotics, prosthetics, prosthetic devices and vision services",
    "39": "DMEPOS: parenteral and enteral nutrition",
    "40": "DMEPOS: lymphedema compression treatment items",
    "45": "DMEPOS: customized DME items",
    "46": "DMEPOS: priced by the Medicare contractor",
    "51": "Drug",
    "52": "Reasonable charge",
    "53": "Statute",
    "54": "Vaccination",
    "55": "Splints and casts",
    "56": "Intraocular lens inserted in a physician's office",
    "57": "Other: priced by the Medicare contractor",
    "99": "Value not established",
}
MULTIPLE_PRICING = {
    "9": "Not applicable: not separately priced or no value established",
    "A": "Priced under one method only",
    "B": "Professional component on RVUs; technical and global priced by the contractor",
    "C": "Physician interpretation on the fee schedule; the lab test on the lab fee schedule",
    "D": "Physician on the fee schedule; clinical psychologist on its own schedule (before 1998)",
    "E": "Physician, clinical psychologist and social worker on separate schedules (before 1998)",
    "F": "Contractor-priced physician; psychologist and social worker schedules (before 1998)",
    "G": "Lab priced as a reasonable charge with blood products, else on the lab fee schedule",
}
ACTION = {
    "A": "Added",
    "B": "Changed: administrative data and long description",
    "C": "Changed: long description",
    "D": "Discontinued",
    "F": "Changed: administrative data",
    "N": "No change",
    "P": "Payment change",
    "R": "Reactivated",
    "S": "Changed: short description",
    "T": "Miscellaneous change (BETOS, type of service)",
}
TYPE_OF_SERVICE = {
    "0": "Whole blood",
    "1": "Medical care",
    "2": "Surgery",
    "3": "Consultation",
    "4": "Diagnostic radiology",
    "5": "Diagnostic laboratory",
    "6": "Therapeutic radiology",
    "7": "Anesthesia",
    "8": "Assistant at surgery",
    "9": "Other medical items or services",
    "A": "Used DME",
    "B": "High risk screening mammography",
    "C": "Low risk screening mammography",
    "D": "Ambulance",
    "E": "Enteral/parenteral nutrients and supplies",
    "F": "Ambulatory surgical center facility",
    "G": "Immunosuppressive drugs",
    "H": "Hospice",
    "I": "Purchase of DME (installments)",
    "J": "Diabetic shoes",
    "K": "Hearing items and services",
    "L": "ESRD supplies",
    "M": "Monthly capitation payment for dialysis",
    "N": "Kidney donor",
    "P": "Lump sum purchase of DME, prosthetics, orthotics",
    "Q": "Vision items or services",
    "R": "Rental of DME",
    "S": "Surgical dressings or other medical supplies",
    "T": "Outpatient mental health limitation",
    "U": "Occupational therapy",
    "V": "Pneumococcal/flu vaccine",
    "W": "Physical therapy",
    "Y": "Second opinion on elective surgery",
    "Z": "Third opinion on elective surgery",
}


def _field(line: str, begin: int, end: int) -> str:
    """Columns BEG..END (1-based, inclusive, as the record layout prints them), stripped."""
    return line[begin - 1 : end].strip()


@dataclass
class _Record:
    code: str
    kind: str  # PROCEDURE or MODIFIER
    line_number: int
    first: str
    description: list[str]


def _date(text: str, where: str, problems: list[str]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        problems.append(f"{where}: {text!r} is not a date (YYYYMMDD)")
        return None


def _read_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # CMS files are ASCII; be lenient with a stray byte
    return text.splitlines()


def parse(path: Path | str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Procedure rows and modifier rows (without release_id) from a CMS HCPCS alpha-numeric file."""
    path = Path(path)
    problems: list[str] = []
    records: list[_Record] = []
    for number, raw in enumerate(_read_lines(path), 1):
        if not raw.strip():
            continue  # the file ends with a line of spaces
        where = f"{path.name} line {number}"
        if len(raw) > RECORD_LENGTH:
            if raw[RECORD_LENGTH:].strip():
                problems.append(f"{where}: {len(raw)} characters with text after column {RECORD_LENGTH}")
                continue
            raw = raw[:RECORD_LENGTH]  # e.g. G9871 in January 2026: padded with spaces to 546
        line = raw.ljust(RECORD_LENGTH)
        kind = line[10]
        if kind in (PROCEDURE, PROCEDURE_MORE):
            code = line[0:5]
            if len(code.strip()) != 5 or not code.isalnum():
                problems.append(f"{where}: procedure code {code!r} is not 5 letters/digits (columns 1-5)")
                continue
        elif kind in (MODIFIER, MODIFIER_MORE):
            code = line[3:5]
            if line[0:3].strip() or len(code.strip()) != 2:
                problems.append(f"{where}: modifier code {line[0:5]!r} is not 3 spaces and 2 characters (columns 1-5)")
                continue
        else:
            problems.append(f"{where}: record id {kind!r} in column 11 is not 3, 4, 7 or 8")
            continue
        text = _field(line, 12, 91)
        if kind in (PROCEDURE, MODIFIER):
            records.append(_Record(code, kind, number, line, [text] if text else []))
        else:
            parent = records[-1] if records else None
            expected = PROCEDURE if kind == PROCEDURE_MORE else MODIFIER
            if parent is None or parent.code != code or parent.kind != expected:
                problems.append(f"{where}: continuation of {code} does not follow its first line")
                continue
            if text:
                parent.description.append(text)

    procedures: list[dict[str, Any]] = []
    modifiers: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for rec in records:
        where = f"{path.name} line {rec.line_number} ({rec.code})"
        if (rec.kind, rec.code) in seen:
            problems.append(f"{where}: code appears twice")
            continue
        seen.add((rec.kind, rec.code))
        line = rec.first
        long_description = " ".join(rec.description)
        short = _field(line, 92, 119)
        if not long_description:
            problems.append(f"{where}: no long description (columns 12-91)")
        add_date = _date(_field(line, 269, 276), f"{where} add date (269-276)", problems)
        action_date = _date(_field(line, 277, 284), f"{where} action effective date (277-284)", problems)
        termination = _date(_field(line, 285, 292), f"{where} termination date (285-292)", problems)
        action = _field(line, 293, 293) or None
        if rec.kind == MODIFIER:
            modifiers.append(
                {
                    "code": rec.code,
                    "system": "hcpcs",
                    "short_description": short or long_description[:28],
                    "long_description": long_description,
                    "explanation": None,
                    "termination_date": termination,
                    "ncci_associated": 1 if rec.code in NCCI_ASSOCIATED else 0,
                }
            )
            continue
        pricing = "".join(p for p in (line[119:121], line[121:123], line[123:125], line[125:127]) if p.strip())
        base_units = _field(line, 266, 268)
        if base_units and not base_units.isdigit():
            problems.append(f"{where}: anesthesia base units {base_units!r} is not a number (266-268)")
            base_units = ""
        procedures.append(
            {
                "code": rec.code,
                "long_description": long_description,
                "short_description": short,
                "add_date": add_date,
                "action_effective_date": action_date,
                "termination_date": termination,
                "action_code": action,
                "coverage_code": _field(line, 230, 230) or None,
                "pricing_indicators": pricing or None,
                "multiple_pricing_indicator": _field(line, 128, 128) or None,
                "betos": _field(line, 257, 259) or None,
                "type_of_service": _field(line, 261, 265) or None,
                "asc_group": _field(line, 231, 232) or None,
                "anesthesia_base_units": int(base_units) if base_units else None,
            }
        )
    if problems:
        raise ValidationError(f"{path.name} is not a CMS HCPCS alpha-numeric file as laid out", problems)
    if not procedures:
        raise ValidationError(
            f"{path.name} holds no HCPCS procedure records",
            [f"{path.name}: expected 320-byte records with record id 3 in column 11"],
        )
    return procedures, modifiers


def quarter_end(day: dt.date) -> dt.date:
    """The last day of the calendar quarter holding `day` (a quarterly file's period ends there)."""
    last_month = (day.month - 1) // 3 * 3 + 3
    next_first = dt.date(day.year + 1, 1, 1) if last_month == 12 else dt.date(day.year, last_month + 1, 1)
    return next_first - dt.timedelta(days=1)


def load(
    conn: Connection,
    path: Path | str,
    name: str,
    effective_from: dt.date,
    origin: str,
    source: str,
    effective_to: dt.date | None = None,
) -> int:
    """Load one quarterly HCPCS file as a release (codes and modifiers); returns the release id.

    The release covers effective_from to the end of that calendar quarter unless `effective_to` says
    otherwise. Loading the same file under the same name again is a no-op that returns the existing id.
    """
    path = Path(path)
    procedures, modifiers = parse(path)
    release_id, created = add_release(
        conn,
        system="hcpcs",
        name=name,
        effective_from=effective_from,
        effective_to=effective_to or quarter_end(effective_from),
        source=source,
        checksum=file_checksum(path),
        origin=origin,
    )
    if created:
        insert_batches(conn, hcpcs_code, [{"release_id": release_id, **row} for row in procedures])
        insert_batches(conn, modifier, [{"release_id": release_id, **row} for row in modifiers])
    return release_id


def _explain(table: dict[str, str], value: str | None) -> str:
    if not value:
        return ""
    meaning = table.get(value)
    return f"{value}: {meaning}" if meaning else value


def detail(conn: Connection, release_id: int, code: str) -> CodeDetail | None:
    """A HCPCS code (or a two-character modifier) with its CMS attributes explained in plain words."""
    code = code.strip().upper()
    rel = conn.execute(select(release).where(release.c.id == release_id)).first()
    if rel is None:
        return None
    if len(code) == 2:
        mod = conn.execute(select(modifier).where(modifier.c.release_id == release_id, modifier.c.code == code)).first()
        if mod is None:
            return None
        attributes = {"system": mod.system, "ncci_associated": "yes" if mod.ncci_associated else "no"}
        if mod.explanation:
            attributes["explanation"] = mod.explanation
        return CodeDetail(
            code=mod.code,
            system="modifier",
            description=mod.long_description or mod.short_description,
            billable=mod.termination_date is None or mod.termination_date >= rel.effective_from,
            release=rel.name,
            valid_to=mod.termination_date,
            short_description=mod.short_description,
            attributes=attributes,
        )
    row = conn.execute(
        select(hcpcs_code).where(hcpcs_code.c.release_id == release_id, hcpcs_code.c.code == code)
    ).first()
    if row is None:
        return None
    pricing = row.pricing_indicators or ""
    attributes = {
        "coverage": _explain(COVERAGE, row.coverage_code),
        "pricing": "; ".join(_explain(PRICING, pricing[i : i + 2]) for i in range(0, len(pricing), 2)),
        "multiple_pricing": _explain(MULTIPLE_PRICING, row.multiple_pricing_indicator),
        "betos": row.betos or "",
        "type_of_service": "; ".join(_explain(TYPE_OF_SERVICE, t) for t in (row.type_of_service or "")),
        "asc": "Approved for an ambulatory surgical center" if row.asc_group == "YY" else "",
        "anesthesia_base_units": str(row.anesthesia_base_units) if row.anesthesia_base_units else "",
        "action": _explain(ACTION, row.action_code),
        "action_effective_date": row.action_effective_date.isoformat() if row.action_effective_date else "",
        "added": row.add_date.isoformat() if row.add_date else "",
        "terminated": row.termination_date.isoformat() if row.termination_date else "",
    }
    return CodeDetail(
        code=row.code,
        system="hcpcs",
        description=row.long_description,
        billable=row.termination_date is None or row.termination_date >= rel.effective_from,
        release=rel.name,
        valid_from=row.add_date,
        valid_to=row.termination_date,
        short_description=row.short_description,
        attributes={k: v for k, v in attributes.items() if v},
    )


Change = tuple[str, str | None, str | None]  # (code, old long description, new long description)


def diff(conn: Connection, old_release_id: int, new_release_id: int) -> dict[str, list[Change]]:
    """What changed between two HCPCS releases, as (code, old long description, new long description).

    added: in the new release and not in the old; deleted: active in the old release and terminated
    or missing in the new; revised: in both with a different long description.
    """

    def codes(release_id: int) -> dict[str, tuple[str, dt.date | None]]:
        rows = conn.execute(
            select(hcpcs_code.c.code, hcpcs_code.c.long_description, hcpcs_code.c.termination_date).where(
                hcpcs_code.c.release_id == release_id
            )
        )
        return {r.code: (r.long_description, r.termination_date) for r in rows}

    old, new = codes(old_release_id), codes(new_release_id)
    added = [(c, None, new[c][0]) for c in sorted(new.keys() - old.keys())]
    deleted = [
        (c, old[c][0], new[c][0] if c in new else None)
        for c in sorted(old)
        if old[c][1] is None and (c not in new or new[c][1] is not None)
    ]
    revised = [(c, old[c][0], new[c][0]) for c in sorted(old.keys() & new.keys()) if old[c][0] != new[c][0]]
    return {"added": added, "deleted": deleted, "revised": revised}
