"""Medicare Physician Fee Schedule: load CMS's RVU, GPCI and locality files; compute allowed amounts exactly.

Allowed = [(work RVU x work GPCI) + (PE RVU x PE GPCI) + (MP RVU x MP GPCI)] x conversion factor,
rounded half-up to cents, with the facility or non-facility PE RVU by place of service. Every number
is kept as the exact text CMS printed and read back as Decimal.

A locality is keyed "MAC-LL", the five-digit MAC number and two-digit locality number, e.g.
"12502-99" (Rest of Pennsylvania). `fee()` also accepts ("12502", "99"), "12502 99" and the
unpadded forms in CMS's CSV ("1112-5").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.codesets.reference import add_release, file_checksum, insert_batches
from app.domain.codes import MedicareFee
from app.domain.money import round_money
from app.errors import ValidationError
from db.codesets import mpfs_locality, mpfs_rvu, release

# Column names as the stacked header rows of PPRRVU spell them, joined top to bottom.
RVU_COLUMNS = {
    "code": "HCPCS",
    "modifier": "MOD",
    "description": "DESCRIPTION",
    "status": "STATUS CODE",
    "work_rvu": "WORK RVU",
    "nonfacility_pe_rvu": "NON-FAC PE RVU",
    "facility_pe_rvu": "FACILITY PE RVU",
    "mp_rvu": "MP RVU",
    "global_days": "GLOB DAYS",
    "pctc": "PCTC IND",
    "mult_proc": "MULT PROC",
    "bilat_surg": "BILAT SURG",
    "asst_surg": "ASST SURG",
    "co_surg": "CO-SURG",
    "team_surg": "TEAM SURG",
    "conversion_factor": "CONV FACTOR",
}
NUMBERS = ("work_rvu", "nonfacility_pe_rvu", "facility_pe_rvu", "mp_rvu", "conversion_factor")


@dataclass(frozen=True)
class MedicareLocality:
    key: str  # "MAC-LL", e.g. "12502-99"
    mac: str
    locality: str
    state: str
    name: str
    counties: str | None
    pw_gpci: Decimal
    pe_gpci: Decimal
    mp_gpci: Decimal

    @property
    def label(self) -> str:
        return f"{self.state} {self.name} ({self.key})"


def locality_key(mac_locality: tuple[str, str] | str) -> tuple[str, str]:
    """("12502", "99") from ("12502", "99"), "12502-99", "12502 99" or "12502/99"; zero-padded."""
    if isinstance(mac_locality, str):
        parts = mac_locality.replace("/", " ").replace("-", " ").split()
        if len(parts) != 2:
            raise ValidationError(f"locality {mac_locality!r} is not 'MAC-LL' (e.g. '12502-99')")
        mac, loc = parts
    else:
        mac, loc = mac_locality
    mac, loc = str(mac).strip(), str(loc).strip()
    if not (mac.isdigit() and loc.isdigit() and len(mac) <= 5 and len(loc) <= 2):
        raise ValidationError(f"locality {mac_locality!r} is not a MAC number and a locality number")
    return mac.zfill(5), loc.zfill(2)


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        return list(csv.reader(handle))


def _norm(text: str) -> str:
    return " ".join(text.upper().replace("- ", "-").split())


def _rvu_header(path: Path, rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """Index of the last header row and each wanted column's position, from the stacked header."""
    starts = [
        i
        for i, row in enumerate(rows[:40])
        if len(row) > 1 and row[0].strip().upper() == "HCPCS" and row[1].strip().upper() == "MOD"
    ]
    if not starts:
        raise ValidationError(f"{path.name} is not a PPRRVU file", [f"{path.name}: no header row starting HCPCS,MOD"])
    index = starts[0]
    stack = []
    for above in range(index - 1, max(-1, index - 5), -1):
        if any(len(cell) > 30 for cell in rows[above]):
            break  # the banner (title, copyright) sits above the header block
        stack.insert(0, rows[above])
    stack.append(rows[index])
    width = max(len(r) for r in stack)
    names = [_norm(" ".join(r[j] for r in stack if j < len(r) and r[j].strip())) for j in range(width)]
    positions: dict[str, int] = {}
    missing = []
    for field, wanted in RVU_COLUMNS.items():
        if wanted in names:
            positions[field] = names.index(wanted)
        else:
            missing.append(wanted)
    if missing:
        raise ValidationError(
            f"{path.name}: the header does not name every needed column",
            [f"{path.name} line {index + 1}: missing {', '.join(missing)}"],
        )
    return index, positions


def _code(text: str) -> str:
    code = text.strip().upper()
    # Spreadsheet round trips drop leading zeros from anesthesia codes (00100 -> 100).
    return code.zfill(5) if code.isdigit() else code


def _global_days(text: str) -> str | None:
    text = text.strip().upper()
    return text.zfill(3) if text.isdigit() else (text or None)


def _number(text: str, where: str, problems: list[str]) -> str:
    text = text.strip()
    try:
        Decimal(text)
    except InvalidOperation:
        problems.append(f"{where}: {text!r} is not a number")
    return text


def parse_rvu(path: Path | str) -> list[dict[str, Any]]:
    path = Path(path)
    rows = _read_csv(path)
    header, col = _rvu_header(path, rows)
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows[header + 1 :], header + 2):
        if not row or not row[0].strip("\x1a \t"):
            continue  # blank lines and the DOS end-of-file mark
        cells = row + [""] * (len(RVU_COLUMNS) + 20 - len(row))
        code = _code(cells[col["code"]])
        mod = cells[col["modifier"]].strip().upper()
        where = f"{path.name} line {number} ({code}{'-' + mod if mod else ''})"
        if len(code) != 5 or not code.isalnum() or len(mod) > 2:
            problems.append(f"{where}: code must be 5 letters/digits and modifier at most 2")
            continue
        if (code, mod) in seen:
            problems.append(f"{where}: code and modifier listed twice")
            continue
        seen.add((code, mod))
        record: dict[str, Any] = {"code": code, "modifier": mod}
        for field in NUMBERS:
            record[field] = _number(cells[col[field]], f"{where} {RVU_COLUMNS[field]}", problems)
        status = cells[col["status"]].strip().upper()
        if len(status) != 1:
            problems.append(f"{where}: STATUS CODE {status!r} is not one character")
        record["status"] = status
        record["global_days"] = _global_days(cells[col["global_days"]])
        for field in ("pctc", "mult_proc", "bilat_surg", "asst_surg", "co_surg", "team_surg"):
            record[field] = cells[col[field]].strip() or None
        record["description"] = cells[col["description"]].strip() or None
        out.append(record)
    if problems:
        raise ValidationError(f"{path.name} has rows that are not as CMS lays them out", problems)
    return out


def _find_header(path: Path, rows: list[list[str]], must: tuple[str, ...]) -> int:
    for index, row in enumerate(rows[:20]):
        joined = _norm(" | ".join(row))
        if all(word in joined for word in must):
            return index
    raise ValidationError(f"{path.name}: no header row naming {', '.join(must)}")


def parse_gpci(path: Path | str) -> list[dict[str, Any]]:
    path = Path(path)
    rows = _read_csv(path)
    header = _find_header(path, rows, ("LOCALITY NUMBER", "PW GPCI", "PE GPCI", "MP GPCI"))
    names = [_norm(c) for c in rows[header]]

    def column(*words: str) -> int:
        for j, name in enumerate(names):
            if all(w in name for w in words):
                return j
        raise ValidationError(f"{path.name}: no column naming {' '.join(words)}")

    c_mac, c_state, c_loc = column("CONTRACTOR"), column("STATE"), column("LOCALITY NUMBER")
    c_name, c_pw, c_pe, c_mp = column("LOCALITY NAME"), column("PW GPCI"), column("PE GPCI"), column("MP GPCI")
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows[header + 1 :], header + 2):
        if not row or not row[0].strip().isdigit():
            continue  # blank rows and the footnotes under the table
        where = f"{path.name} line {number}"
        mac, loc = locality_key((row[c_mac], row[c_loc]))
        if (mac, loc) in seen:
            problems.append(f"{where}: locality {mac}-{loc} listed twice")
            continue
        seen.add((mac, loc))
        out.append(
            {
                "mac": mac,
                "locality": loc,
                "state": row[c_state].strip().upper(),
                # Asterisks mark footnotes (Alaska's 1.5 work floor, frontier states' 1.0 PE floor).
                "name": row[c_name].strip().rstrip("*").strip(),
                "pw_gpci": _number(row[c_pw], f"{where} PW GPCI", problems),
                "pe_gpci": _number(row[c_pe], f"{where} PE GPCI", problems),
                "mp_gpci": _number(row[c_mp], f"{where} MP GPCI", problems),
            }
        )
    if problems or not out:
        raise ValidationError(f"{path.name} is not a GPCI table as CMS lays it out", problems or ["no localities"])
    return out


def parse_counties(path: Path | str) -> dict[tuple[str, str], str]:
    """Counties text per (MAC, locality) from CMS's locality-county file (first listing wins)."""
    path = Path(path)
    rows = _read_csv(path)
    header = _find_header(path, rows, ("LOCALITY NUMBER", "COUNTIES"))
    names = [_norm(c) for c in rows[header]]
    c_loc, c_counties = names.index("LOCALITY NUMBER"), names.index("COUNTIES")
    counties: dict[tuple[str, str], str] = {}
    for row in rows[header + 1 :]:
        if len(row) <= c_counties or not row[0].strip().isdigit() or not row[c_loc].strip().isdigit():
            continue
        counties.setdefault(locality_key((row[0], row[c_loc])), " ".join(row[c_counties].split()))
    return counties


def load(
    conn: Connection,
    rvu_csv: Path | str,
    gpci_csv: Path | str,
    locality_csv: Path | str,
    name: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    origin: str,
    source: str,
) -> int:
    """Load one MPFS release (RVUs per code and modifier, GPCIs and counties per locality); returns its id."""
    rvus = parse_rvu(rvu_csv)
    localities = parse_gpci(gpci_csv)
    counties = parse_counties(locality_csv)
    release_id, created = add_release(
        conn,
        system="mpfs",
        name=name,
        effective_from=effective_from,
        effective_to=effective_to,
        source=source,
        checksum=file_checksum(rvu_csv, gpci_csv, locality_csv),
        origin=origin,
    )
    if created:
        insert_batches(conn, mpfs_rvu, [{"release_id": release_id, **r} for r in rvus])
        insert_batches(
            conn,
            mpfs_locality,
            [{"release_id": release_id, "counties": counties.get((r["mac"], r["locality"])), **r} for r in localities],
        )
    return release_id


def localities(conn: Connection, release_id: int) -> list[tuple[str, str]]:
    """(key, label) of every locality, by state then name, for pickers: ("12502-99", "PA REST OF PENNSYLVANIA")."""
    return [(loc.key, f"{loc.state} {loc.name}") for loc in locality_details(conn, release_id)]


def locality_details(conn: Connection, release_id: int) -> list[MedicareLocality]:
    """Every locality of a release with its counties and GPCIs, by state then name."""
    rows = conn.execute(
        select(mpfs_locality)
        .where(mpfs_locality.c.release_id == release_id)
        .order_by(mpfs_locality.c.state, mpfs_locality.c.name)
    )
    return [
        MedicareLocality(
            key=f"{r.mac}-{r.locality}",
            mac=r.mac,
            locality=r.locality,
            state=r.state,
            name=r.name,
            counties=r.counties,
            pw_gpci=Decimal(r.pw_gpci),
            pe_gpci=Decimal(r.pe_gpci),
            mp_gpci=Decimal(r.mp_gpci),
        )
        for r in rows
    ]


def fee(
    conn: Connection,
    release_id: int,
    code: str,
    modifier: str,
    mac_locality: tuple[str, str] | str,
    facility: bool,
) -> MedicareFee | None:
    """The Medicare allowed amount for a code (and '' / '26' / 'TC' / '53') in a locality, or None if unknown."""
    mac, loc = locality_key(mac_locality)
    rvu = conn.execute(
        select(mpfs_rvu).where(
            mpfs_rvu.c.release_id == release_id,
            mpfs_rvu.c.code == code.strip().upper(),
            mpfs_rvu.c.modifier == (modifier or "").strip().upper(),
        )
    ).first()
    gpci = conn.execute(
        select(mpfs_locality).where(
            mpfs_locality.c.release_id == release_id,
            mpfs_locality.c.mac == mac,
            mpfs_locality.c.locality == loc,
        )
    ).first()
    rel_name = conn.execute(select(release.c.name).where(release.c.id == release_id)).scalar_one_or_none()
    if rvu is None or gpci is None or rel_name is None:
        return None
    work, mp, cf = Decimal(rvu.work_rvu), Decimal(rvu.mp_rvu), Decimal(rvu.conversion_factor)
    pe = Decimal(rvu.facility_pe_rvu if facility else rvu.nonfacility_pe_rvu)
    total = work * Decimal(gpci.pw_gpci) + pe * Decimal(gpci.pe_gpci) + mp * Decimal(gpci.mp_gpci)
    return MedicareFee(
        code=rvu.code,
        modifier=rvu.modifier,
        locality=f"{mac}-{loc}",
        facility=facility,
        amount=round_money(total * cf),
        work_rvu=work,
        pe_rvu=pe,
        mp_rvu=mp,
        conversion_factor=cf,
        global_days=rvu.global_days,
        status=rvu.status,
        release=rel_name,
    )


def _derive(
    conn: Connection,
    release_id: int,
    codes: Iterable[str],
    locality: tuple[str, str] | str,
    factor: Decimal,
    facility: bool,
) -> list[tuple[str, str, Decimal]]:
    if not isinstance(factor, Decimal):
        raise ValidationError(f"factor must be a Decimal (e.g. Decimal('1.80')), not {type(factor).__name__}")
    wanted = sorted({c.strip().upper() for c in codes})
    variants: dict[str, list[str]] = {}
    for start in range(0, len(wanted), 500):
        for row in conn.execute(
            select(mpfs_rvu.c.code, mpfs_rvu.c.modifier).where(
                mpfs_rvu.c.release_id == release_id,
                mpfs_rvu.c.code.in_(wanted[start : start + 500]),
            )
        ):
            variants.setdefault(row.code, []).append(row.modifier)
    out: list[tuple[str, str, Decimal]] = []
    for code in wanted:
        for mod in sorted(variants.get(code, [])):
            medicare = fee(conn, release_id, code, mod, locality, facility)
            if medicare is not None and medicare.amount > 0:
                out.append((code, mod, round_money(medicare.amount * factor)))
    return out


def derive_charge_master(
    conn: Connection,
    release_id: int,
    codes: Iterable[str],
    locality: tuple[str, str] | str,
    factor: Decimal,
    facility: bool = False,
) -> list[tuple[str, str, Decimal]]:
    """(code, modifier, price) = Medicare allowed (cents) x factor, rounded half-up, for each priced variant.

    "Charge master at 180% of Medicare" is factor Decimal("1.80"). Codes the fee schedule does not
    price here (unknown, or an allowed amount of zero, e.g. status I/X/N) are left out: the practice
    prices those itself.
    """
    return _derive(conn, release_id, codes, locality, factor, facility)


def derive_fee_schedule(
    conn: Connection,
    release_id: int,
    codes: Iterable[str],
    locality: tuple[str, str] | str,
    factor: Decimal,
    facility: bool = False,
) -> list[tuple[str, str, Decimal]]:
    """A payer's expected allowed amounts as a multiple of Medicare ("110% of Medicare" = Decimal("1.10")).

    Same shape and rules as `derive_charge_master`.
    """
    return _derive(conn, release_id, codes, locality, factor, facility)
