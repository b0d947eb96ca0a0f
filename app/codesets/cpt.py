"""CPT from the user's own licensed file: validate every row, load it as a release, look codes up.

ClaimDesk ships no CPT descriptions (AMA copyright). Supported files (docs/cpt-import.md):
a UTF-8 CSV with the header `code,short,medium,long` (medium and long optional), a tab-delimited
`code<TAB>description` file such as the AMA data files' LONGULT.txt / MEDU.txt / SHORTU.txt, and
a fixed-width `code description` text file (code in columns 1-5, then a space).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.codesets.reference import add_release, file_checksum, insert_batches
from app.domain.codes import CodeDetail
from app.errors import ValidationError
from db.codesets import cpt_code, release

# Category I: five digits; Category II: four digits and F; Category III: four digits and T;
# PLA codes: four digits and U.
CPT_FORMAT = re.compile(r"[0-9]{4}[0-9FTU]")
COLUMNS = ("code", "short", "medium", "long")
HEADER_WORDS = ("code", "cpt", "cpt code", "hcpcs", "cpt_code")


def is_valid_format(code: str) -> bool:
    """True for a CPT-shaped code: 4 digits then a digit, F, T or U ('99213', '0001F', '0042T', '0001U')."""
    return bool(CPT_FORMAT.fullmatch(code or ""))


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{path.name} is not UTF-8 text",
            [f"{path.name}: byte {exc.start} cannot be read as UTF-8; save the file as UTF-8 and import again"],
        ) from exc


def _rows_csv(path: Path, text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in COLUMNS]
    if header[:1] != ["code"] or unknown or "short" not in header and "long" not in header:
        raise ValidationError(
            f"{path.name}: the header must be code,short,medium,long",
            [f"{path.name} line 1: found {','.join(header)!r}; medium and long may be left out"],
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        if len(row) > len(header):
            cells["_extra"] = str(len(row))
        rows.append((reader.line_num, cells))
    return rows


def _rows_text(text: str) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if "\t" in line:
            code, _, description = line.partition("\t")
        else:
            code, description = line[:5], line[5:]
            if description and not description.startswith(" "):
                code, description = line.split(" ", 1)[0], ""  # reported as a bad code below
        if number == 1 and code.strip().lower() in HEADER_WORDS:
            continue  # a header line such as "code<TAB>description"
        rows.append((number, {"code": code.strip(), "long": description.strip()}))
    return rows


def read(path: Path | str) -> list[dict[str, str | None]]:
    """Validated rows {code, short_description, medium_description, long_description} of a CPT file.

    Raises ValidationError listing every bad row by line number; nothing is partly accepted.
    """
    path = Path(path)
    text = _decode(path)
    first = text.split("\n", 1)[0].strip().lower()
    is_csv = first.startswith("code,") or first == "code"
    rows = _rows_csv(path, text) if is_csv else _rows_text(text)
    problems: list[str] = []
    seen: dict[str, int] = {}
    out: list[dict[str, str | None]] = []
    for number, cells in rows:
        where = f"{path.name} line {number}"
        code = cells.get("code", "").upper()
        if "_extra" in cells:
            problems.append(f"{where}: {cells['_extra']} fields, more than the header's; quote text with commas")
            continue
        if not is_valid_format(code):
            problems.append(f"{where}: code {code!r} is not 5 characters of 4 digits then a digit, F, T or U")
            continue
        if code in seen:
            problems.append(f"{where}: code {code} repeats line {seen[code]}")
            continue
        seen[code] = number
        short, medium, long = (cells.get(k) or None for k in ("short", "medium", "long"))
        if not (short or medium or long):
            problems.append(f"{where}: code {code} has no description")
            continue
        out.append({"code": code, "short_description": short, "medium_description": medium, "long_description": long})
    if problems:
        raise ValidationError(f"{path.name}: {len(problems)} row(s) need fixing; nothing was imported", problems)
    if not out:
        raise ValidationError(
            f"{path.name} holds no CPT codes", [f"{path.name}: see docs/cpt-import.md for the layout"]
        )
    return out


def load(
    conn: Connection,
    csv_path: Path | str,
    name: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    source: str,
) -> int:
    """Import the user's licensed CPT file as a release; returns its id (the same file again: the same id)."""
    path = Path(csv_path)
    rows = read(path)
    release_id, created = add_release(
        conn,
        system="cpt",
        name=name,
        effective_from=effective_from,
        effective_to=effective_to,
        source=source,
        checksum=file_checksum(path),
        origin="imported",
    )
    if created:
        insert_batches(conn, cpt_code, [{"release_id": release_id, **row} for row in rows])
    return release_id


def detail(conn: Connection, release_id: int, code: str) -> CodeDetail | None:
    code = code.strip().upper()
    row = conn.execute(select(cpt_code).where(cpt_code.c.release_id == release_id, cpt_code.c.code == code)).first()
    rel = conn.execute(select(release).where(release.c.id == release_id)).first()
    if row is None or rel is None:
        return None
    description = row.long_description or row.medium_description or row.short_description or ""
    return CodeDetail(
        code=row.code,
        system="cpt",
        description=description,
        billable=True,
        release=rel.name,
        valid_from=rel.effective_from,
        valid_to=rel.effective_to,
        short_description=row.short_description or row.medium_description,
        attributes={"medium_description": row.medium_description} if row.medium_description else {},
    )
