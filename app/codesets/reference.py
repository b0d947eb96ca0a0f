"""Reference lists for the code-set database: place of service, taxonomy, CARC/RARC and modifier explanations."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from app.errors import ValidationError
from db.codesets import adjustment_reason, modifier, place_of_service, release, taxonomy

BATCH = 5000

# Modifiers that let a pair of codes past an NCCI procedure-to-procedure edit whose modifier
# indicator is 1 (CMS NCCI Policy Manual, ch. 1, section E). Declared once; the HCPCS loader and the
# CPT modifier loader both read it.
NCCI_ASSOCIATED = frozenset(
    {
        "24",
        "25",
        "27",
        "57",
        "58",
        "59",
        "78",
        "79",
        "91",
        "XE",
        "XS",
        "XP",
        "XU",
        "E1",
        "E2",
        "E3",
        "E4",
        "FA",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "TA",
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
        "LT",
        "RT",
        "LC",
        "LD",
        "LM",
        "RC",
        "RI",
    }
)

NUCC_CREDIT = "National Uniform Claim Committee (NUCC), www.nucc.org"


# ---------------------------------------------------------------- releases, shared by every loader


def file_checksum(*paths: Path | str) -> str:
    """SHA-256 of the files' bytes in the order given (one file: the same as `sha256sum`)."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def add_release(
    conn: Connection,
    *,
    system: str,
    name: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    source: str,
    checksum: str,
    origin: str,
) -> tuple[int, bool]:
    """Insert a release row; returns (id, created).

    Loading the same file under the same name again returns the existing release (created=False),
    so imports are idempotent; the same name with different content is refused.
    """
    if origin not in ("shipped", "imported"):
        raise ValidationError(f"release origin must be 'shipped' or 'imported', not {origin!r}")
    found = conn.execute(
        select(release.c.id, release.c.checksum).where(release.c.system == system, release.c.name == name)
    ).first()
    if found is not None:
        if found.checksum != checksum:
            raise ValidationError(
                f"A {system} release named {name!r} is already loaded from a different file",
                [f"loaded checksum {found.checksum[:12]}..., this file {checksum[:12]}...: choose another name"],
            )
        return int(found.id), False
    new_id = conn.execute(
        insert(release).values(
            system=system,
            name=name,
            effective_from=effective_from,
            effective_to=effective_to,
            source=source,
            checksum=checksum,
            origin=origin,
            loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
    ).inserted_primary_key[0]
    return int(new_id), True


def insert_batches(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows (a list or a stream) in batches; returns how many were written."""
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    return dt.date.fromisoformat(text) if text else None


# ---------------------------------------------------------------- place of service


def load_place_of_service(
    conn: Connection,
    path: Path | str,
    *,
    name: str | None = None,
    origin: str = "shipped",
) -> int:
    """Replace the place-of-service table with the codes in ClaimDesk's POS JSON; returns the release id."""
    path = Path(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, item in enumerate(document.get("codes", []), 1):
        code = str(item.get("code", ""))
        where = f"{path.name}: codes[{number}] ({code or 'no code'})"
        if len(code) != 2 or not code.isdigit():
            problems.append(f"{where}: code must be two digits")
            continue
        if code in seen:
            problems.append(f"{where}: code listed twice")
        if not item.get("name"):
            problems.append(f"{where}: name is required")
        seen.add(code)
        rows.append(
            {
                "code": code,
                "name": item.get("name", ""),
                "description": item.get("description"),
                "facility": 1 if item.get("facility") else 0,
                "telehealth": 1 if item.get("telehealth") else 0,
                "effective_from": parse_date(item.get("effective_from") or ""),
                "effective_to": parse_date(item.get("effective_to") or ""),
            }
        )
    clash = seen & set(document.get("unassigned", []))
    if clash:
        problems.append(f"{path.name}: codes both assigned and unassigned: {', '.join(sorted(clash))}")
    if problems:
        raise ValidationError(f"{path.name} is not a valid place-of-service list", problems)
    release_id, created = add_release(
        conn,
        system="pos",
        name=name or f"CMS POS as of {document.get('as_of', 'unknown')}",
        effective_from=parse_date(document.get("as_of", "")) or dt.date(2003, 1, 1),
        effective_to=None,
        source=f"{path.name}: {document.get('source', 'CMS Place of Service code set')}",
        checksum=file_checksum(path),
        origin=origin,
    )
    if created:
        conn.execute(delete(place_of_service))
        insert_batches(conn, place_of_service, rows)
    return release_id


def is_facility_pos(conn: Connection, pos: str) -> bool:
    """True when Medicare pays the PFS facility rate for services at this place of service."""
    value = conn.execute(
        select(place_of_service.c.facility).where(place_of_service.c.code == pos.strip().zfill(2))
    ).scalar_one_or_none()
    return bool(value)


# ---------------------------------------------------------------- NUCC taxonomy


def load_taxonomy(
    conn: Connection,
    csv_path: Path | str,
    *,
    name: str = "25.1",
    effective_from: dt.date = dt.date(2025, 7, 1),
    origin: str = "shipped",
) -> int:
    """Replace the taxonomy table from NUCC's CSV (Code, Grouping, Classification, Specialization, ...)."""
    path = Path(csv_path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"Code", "Grouping", "Classification"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(f"{path.name} is not a NUCC taxonomy CSV", [f"missing columns: {sorted(missing)}"])
        problems: list[str] = []
        rows: list[dict[str, Any]] = []
        for row in reader:
            code = (row["Code"] or "").strip()
            if len(code) != 10:
                problems.append(f"{path.name} line {reader.line_num}: Code {code!r} is not 10 characters")
                continue
            rows.append(
                {
                    "code": code,
                    "grouping": (row["Grouping"] or "").strip(),
                    "classification": (row["Classification"] or "").strip(),
                    "specialization": (row.get("Specialization") or "").strip() or None,
                    "display_name": (row.get("Display Name") or "").strip() or None,
                    "section": (row.get("Section") or "").strip() or None,
                }
            )
    if problems:
        raise ValidationError(f"{path.name} has bad rows", problems)
    release_id, created = add_release(
        conn,
        system="taxonomy",
        name=name,
        effective_from=effective_from,
        effective_to=None,
        source=f"{path.name}: Health Care Provider Taxonomy code set v{name}, {NUCC_CREDIT}",
        checksum=file_checksum(path),
        origin=origin,
    )
    if created:
        conn.execute(delete(taxonomy))
        insert_batches(conn, taxonomy, rows)
    return release_id


# ---------------------------------------------------------------- CARC / RARC


def read_code_list(path: Path | str) -> list[tuple[str, str]]:
    """(code, description) pairs from a TSV or CSV with a `code`/`description` header (or none)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if number == 1 and row[0].strip().lower() == "code":
            continue
        code = row[0].strip().upper()
        description = delimiter.join(row[1:]).strip()
        if not code or len(code) > 6 or not code.isalnum():
            problems.append(f"{path.name} line {number}: code {code!r} is not 1-6 letters or digits")
        elif not description:
            problems.append(f"{path.name} line {number}: code {code} has no description")
        elif code in seen:
            problems.append(f"{path.name} line {number}: code {code} listed twice")
        else:
            seen.add(code)
            pairs.append((code, description))
    if problems:
        raise ValidationError(f"{path.name} is not a valid code list", problems)
    if not pairs:
        raise ValidationError(f"{path.name} holds no codes", [f"{path.name}: expected lines of code and description"])
    return pairs


def import_adjustment_codes(
    conn: Connection,
    kind: str,
    path: Path | str,
    *,
    name: str,
    effective_from: dt.date,
    origin: str = "imported",
    source: str | None = None,
) -> int:
    """Add or update CARC ('carc') or RARC ('rarc') codes from a newer list; returns the release id.

    Codes not in the newer list are kept: older remittances still carry them.
    """
    if kind not in ("carc", "rarc"):
        raise ValidationError(f"adjustment code kind must be 'carc' or 'rarc', not {kind!r}")
    path = Path(path)
    pairs = read_code_list(path)
    release_id, created = add_release(
        conn,
        system=kind,
        name=name,
        effective_from=effective_from,
        effective_to=None,
        source=source or f"{path.name} ({len(pairs)} codes)",
        checksum=file_checksum(path),
        origin=origin,
    )
    if created:
        codes = [code for code, _ in pairs]
        for start in range(0, len(codes), 500):
            conn.execute(
                delete(adjustment_reason).where(
                    adjustment_reason.c.kind == kind, adjustment_reason.c.code.in_(codes[start : start + 500])
                )
            )
        insert_batches(conn, adjustment_reason, [{"kind": kind, "code": c, "description": d} for c, d in pairs])
    return release_id


def load_adjustment_reasons(
    conn: Connection,
    carc_tsv: Path | str,
    rarc_tsv: Path | str,
    *,
    name: str = "2023 transcription",
    effective_from: dt.date = dt.date(2023, 1, 1),
    origin: str = "shipped",
) -> tuple[int, int]:
    """Load the shipped CARC and RARC lists; returns (carc release id, rarc release id)."""
    note = "X12 code list transcribed from openemr BillingUtilities.php (about 2022-2023); not current"
    carc_id = import_adjustment_codes(
        conn,
        "carc",
        carc_tsv,
        name=name,
        effective_from=effective_from,
        origin=origin,
        source=f"{Path(carc_tsv).name}: CARC, {note}",
    )
    rarc_id = import_adjustment_codes(
        conn,
        "rarc",
        rarc_tsv,
        name=name,
        effective_from=effective_from,
        origin=origin,
        source=f"{Path(rarc_tsv).name}: RARC, {note}",
    )
    return carc_id, rarc_id


# ---------------------------------------------------------------- modifiers


def load_cpt_modifiers(conn: Connection, release_id: int, json_path: Path | str) -> int:
    """Attach ClaimDesk's CPT modifier rows and plain-words explanations to a HCPCS release.

    CPT modifiers (two digits, our own short names, never AMA text) are inserted with system 'cpt';
    HCPCS modifiers already loaded from the CMS file get their `explanation`. Run it again for each
    newly loaded HCPCS quarter. Returns the number of modifier rows written or explained.
    """
    path = Path(json_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    for system in ("cpt", "hcpcs"):
        for number, item in enumerate(document.get(system, []), 1):
            code = str(item.get("code", ""))
            if len(code) != 2 or not code.isalnum() or not item.get("explanation"):
                problems.append(f"{path.name}: {system}[{number}] needs a 2-character code and an explanation")
            if system == "cpt" and not item.get("short"):
                problems.append(f"{path.name}: cpt[{number}] ({code}) needs a short name")
    if problems:
        raise ValidationError(f"{path.name} is not a valid modifier list", problems)
    exists = conn.execute(select(release.c.id).where(release.c.id == release_id)).scalar_one_or_none()
    if exists is None:
        raise ValidationError(f"no release with id {release_id} to attach modifiers to")
    conn.execute(delete(modifier).where(modifier.c.release_id == release_id, modifier.c.system == "cpt"))
    cpt_rows = [
        {
            "release_id": release_id,
            "code": item["code"],
            "system": "cpt",
            "short_description": item["short"],
            "long_description": None,
            "explanation": item["explanation"],
            "termination_date": None,
            "ncci_associated": 1 if item["code"] in NCCI_ASSOCIATED else 0,
        }
        for item in document.get("cpt", [])
    ]
    insert_batches(conn, modifier, cpt_rows)
    explained = 0
    for item in document.get("hcpcs", []):
        result = conn.execute(
            update(modifier)
            .where(modifier.c.release_id == release_id, modifier.c.code == item["code"], modifier.c.system == "hcpcs")
            .values(explanation=item["explanation"])
        )
        explained += result.rowcount
    return len(cpt_rows) + explained


def modifier_rows(conn: Connection, release_id: int, codes: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Modifier rows of a release as plain dicts, for pickers and the code detail pane."""
    stmt = select(modifier).where(modifier.c.release_id == release_id).order_by(modifier.c.code)
    if codes is not None:
        stmt = stmt.where(modifier.c.code.in_([c.upper() for c in codes]))
    return [dict(row._mapping) for row in conn.execute(stmt)]
