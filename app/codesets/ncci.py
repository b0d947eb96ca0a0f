"""NCCI edits: read CMS's practitioner PTP, MUE and add-on code files into the code-set database, and look them up.

CMS layouts (quarterly editions, e.g. "v32.3" from October 1; each file opens with the AMA notice
for CPT content and a title, then a header that may span several lines):

- PTP edits, several parts (f1..f4), tab-delimited text: Column 1, Column 2, "*" (existed before
  1996), Effective Date (YYYYMMDD), Deletion Date (YYYYMMDD, "*" = none), Modifier (0 not allowed,
  1 allowed, 9 not applicable), PTP Edit Rationale. Read by position: the header wraps over lines.
- Practitioner Services MUE table, CSV: HCPCS/CPT Code, Practitioner Services MUE Values, MUE
  Adjudication Indicator ("1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit:
  Clinical"), MUE Rationale.
- Add-on code edits: Add-on Code, Primary Code, AOC Edit Type (1/2/3), the edit's effective and
  deletion dates, and in CMS's files also the add-on's and the primary's deletion dates and special
  instruction notes. Read by header names; dates as YYYYMMDD or Julian YYYYDDD.

Every reader accepts tab, pipe or comma delimiters with quoted fields, a .zip holding the files (a
.txt is preferred to an .xlsx of the same name), and .xlsx when openpyxl is installed. Rows stream
from the files into batched inserts; one import is one transaction, so a bad row anywhere leaves
nothing written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, insert, select, update

from app.codesets.hcpcs import quarter_end
from app.codesets.reference import add_release, file_checksum
from app.domain.ncci import (
    AOC,
    CONTRACTOR_DEFINED,
    MAX_SKIPPED_DETAILS,
    MUE,
    NCCI_LABELS,
    PTP,
    AddonRule,
    MueLimit,
    NcciImportResult,
    PtpEdit,
    SkippedLine,
)
from app.errors import ValidationError
from app.services.jobs import JobContext
from db.codesets import ncci_aoc, ncci_mue, ncci_ptp, ncci_rationale, release

BATCH = 20_000
MAX_PROBLEMS = 25  # stop reading after this many: the file is not what was expected
MAX_PREAMBLE = 60  # records before the first data row (notice, title, header lines)
IN_CHUNK = 400  # codes per IN list: well under SQLite's variable limit
TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".tab", ".dat")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SNIFF_BYTES = 64 * 1024
PROGRESS_EVERY = 50_000

_CODE = re.compile(r"[0-9A-Z]{5}")
_HEADER_WORDS = re.compile(
    r"column|effective|deletion|modifier|rationale|copyright|american medical association|cpt|hcpcs"
    r"|=|edit|mue|add-on|addon|primary|notice|synthetic",
    re.IGNORECASE,
)
_MISSING_DATES = frozenset({"", "*", "00000000", "99991231", "9999999", "0"})
_INDICATORS = frozenset({"0", "1", "9"})
_UNSEEN: Any = object()  # a cache miss, where None is a cached value


# ---------------------------------------------------------------- sources: files, zip members, sheets


@dataclass(frozen=True)
class _Source:
    """One table to read: a text file, a member of a zip, or an .xlsx workbook's first sheet."""

    name: str  # as messages show it: 'f1.txt' or 'ptp-f1.zip:f1.txt'
    size: int  # bytes to read (uncompressed), for progress
    open_binary: Callable[[], IO[bytes]]
    xlsx: bool


def _sources(paths: Sequence[Path], what: str) -> tuple[list[_Source], list[str]]:
    """The tables in the given files (zips opened), and notes about members not read."""
    sources: list[_Source] = []
    notes: list[str] = []
    for path in paths:
        if not path.is_file():
            raise ValidationError(f"{path}: no such file", [f"{path}: give the {what} file CMS publishes"])
        if path.suffix.lower() == ".zip" or (path.suffix.lower() not in XLSX_SUFFIXES and zipfile.is_zipfile(path)):
            found, skipped = _zip_sources(path)
            if not found:
                raise ValidationError(
                    f"{path.name} holds no .txt, .csv or .xlsx file",
                    [f"{path.name}: expected the {what} as a .txt, .csv or .xlsx inside the zip"],
                )
            sources.extend(found)
            notes.extend(skipped)
        else:
            sources.append(
                _Source(
                    path.name,
                    path.stat().st_size,
                    lambda p=path: open(p, "rb"),  # closed by the reader
                    path.suffix.lower() in XLSX_SUFFIXES,
                )
            )
    return sources, notes


def _zip_sources(path: Path) -> tuple[list[_Source], list[str]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"{path.name} is not a readable zip file ({exc})") from exc
    preference = {suffix: rank for rank, suffix in enumerate(TEXT_SUFFIXES + XLSX_SUFFIXES)}
    chosen: dict[str, zipfile.ZipInfo] = {}
    notes: list[str] = []
    with archive:
        infos = sorted(archive.infolist(), key=lambda i: i.filename)
    for info in infos:
        member = Path(info.filename)
        if info.is_dir() or "__MACOSX" in member.parts or member.name.startswith("."):
            continue
        suffix = member.suffix.lower()
        if suffix not in preference:
            notes.append(f"{path.name}: {info.filename} not read (not a .txt, .csv or .xlsx table)")
            continue
        stem = member.with_suffix("").as_posix().lower()
        other = chosen.get(stem)
        if other is None or preference[suffix] < preference[Path(other.filename).suffix.lower()]:
            if other is not None:
                notes.append(f"{path.name}: {other.filename} not read (same table as {info.filename})")
            chosen[stem] = info
        else:
            notes.append(f"{path.name}: {info.filename} not read (same table as {other.filename})")

    sources = [
        _Source(
            f"{path.name}:{info.filename}",
            info.file_size,
            lambda name=info.filename: _ZipMember(path, name),
            Path(info.filename).suffix.lower() in XLSX_SUFFIXES,
        )
        for info in sorted(chosen.values(), key=lambda i: i.filename)
    ]
    return sources, notes


class _ZipMember(io.RawIOBase):
    """One member of a zip, read as a stream; closing it closes the archive too."""

    def __init__(self, path: Path, name: str) -> None:
        self.archive = zipfile.ZipFile(path)
        self.member = self.archive.open(name)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.member.close()
        self.archive.close()
        super().close()


class _Counting(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for progress on streamed text)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n

    def close(self) -> None:
        self.inner.close()
        super().close()


def _encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "cp1252"  # CMS writes these files in Windows-1252 (the (R) of the AMA notice)


def _delimiter(text: str) -> str:
    """Tab, pipe or comma: whichever separates at least three fields on the most lines."""
    lines = text.splitlines()[:400]
    scores = {d: sum(1 for line in lines if line.count(d) >= 3) for d in ("\t", "|", ",")}
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best] else "\t"


class _Rows:
    """(line number, cells) from one source, with the bytes read so far for progress."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.counter: _Counting | None = None

    @property
    def bytes_read(self) -> int:
        return self.counter.count if self.counter else 0

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        try:
            yield from self._xlsx() if self.source.xlsx else self._text()
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise ValidationError(f"{self.source.name} cannot be read: {exc}") from exc

    def _text(self) -> Iterator[tuple[int, list[str]]]:
        with self.source.open_binary() as raw:
            head = raw.read(SNIFF_BYTES)
        encoding = _encoding(head)
        delimiter = _delimiter(head.decode(encoding, errors="replace"))
        self.counter = _Counting(self.source.open_binary())
        with io.TextIOWrapper(io.BufferedReader(self.counter, 1 << 20), encoding, errors="replace", newline="") as text:
            reader = csv.reader(text, delimiter=delimiter, quotechar='"')
            try:
                for row in reader:
                    yield reader.line_num, row
            except csv.Error as exc:
                raise ValidationError(
                    f"{self.source.name} is not a delimited text table",
                    [f"{self.source.name} line {reader.line_num + 1}: {exc}"],
                ) from exc

    def _xlsx(self) -> Iterator[tuple[int, list[str]]]:
        try:
            import openpyxl
        except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
            raise ValidationError(
                f"{self.source.name}: reading .xlsx needs openpyxl; use the .txt or .csv from the same CMS download"
            ) from exc
        with self.source.open_binary() as raw:
            data = io.BytesIO(raw.read())
        try:
            book = openpyxl.load_workbook(data, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ValidationError(f"{self.source.name} is not a readable .xlsx workbook ({exc})") from exc
        try:
            sheet = book.active
            if sheet is None:
                return
            for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
                yield number, [_cell_text(v) for v in values]
        finally:
            book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- values


def _ymd(text: str, cache: dict[str, int | None]) -> int | None:
    """A CMS date as the integer YYYYMMDD; None for '*' or blank; ValueError when it is not a date.

    Accepts YYYYMMDD, Julian YYYYDDD (the add-on code file), YYYY-MM-DD and MM/DD/YYYY.
    """
    try:
        return cache[text]
    except KeyError:
        pass
    value = text.strip()
    if value in _MISSING_DATES:
        result = None
    else:
        if len(value) == 8 and value.isdigit():
            day = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        elif len(value) == 7 and value.isdigit():
            day = dt.date(int(value[:4]), 1, 1) + dt.timedelta(days=int(value[4:]) - 1)
            if not 1 <= int(value[4:]) <= 366 or day.year != int(value[:4]):
                raise ValueError(value)
        elif "-" in value:
            day = dt.date.fromisoformat(value[:10])
        elif "/" in value:
            day = dt.datetime.strptime(value, "%m/%d/%Y").date()
        else:
            raise ValueError(value)
        if not 1900 <= day.year <= 2200:
            raise ValueError(value)
        result = day.year * 10000 + day.month * 100 + day.day
    cache[text] = result
    return result


def _code(text: str, spreadsheet: bool = False) -> str | None:
    code = text.strip().upper()
    if spreadsheet and len(code) < 5 and code.isdigit():  # a number cell lost its leading zeros (00100)
        code = code.zfill(5)
    return code if _CODE.fullmatch(code) else None


def _show(row: list[str]) -> str:
    text = " | ".join(cell.strip() for cell in row).rstrip(" |")
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _normalized(cell: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9*=]+", " ", cell.lower()).split())


# ---------------------------------------------------------------- one import's bookkeeping


class _Import:
    """Problems, skipped lines, counts and progress for one import."""

    def __init__(self, kind: str, edition: str, sources: list[_Source], ctx: JobContext | None) -> None:
        self.kind = kind
        self.edition = edition
        self.ctx = ctx
        self.total_bytes = sum(s.size for s in sources) or 1
        self.done_bytes = 0
        self.problems: list[str] = []
        self.skipped: list[SkippedLine] = []
        self.reasons: Counter[str] = Counter()
        self.per_file: dict[str, int] = {}

    @property
    def label(self) -> str:
        return NCCI_LABELS[self.kind]

    def skip(self, file: str, line: int, reason: str) -> None:
        self.reasons[reason] += 1
        if len(self.skipped) < MAX_SKIPPED_DETAILS:
            self.skipped.append(SkippedLine(file, line, reason))

    def problem(self, file: str, line: int, text: str) -> None:
        self.problems.append(f"{file} line {line}: {text}" if line else f"{file}: {text}")
        if len(self.problems) >= MAX_PROBLEMS:
            self.fail()

    def fail(self) -> None:
        found = f"{len(self.problems)} problem(s)"
        if len(self.problems) >= MAX_PROBLEMS:
            found = f"{found} (reading stopped there)"
        raise ValidationError(
            f"{self.label} {self.edition} was not imported, nothing was written: {found} in the file(s)",
            self.problems,
        )

    def progress(self, rows: _Rows, count: int) -> None:
        if self.ctx is not None and count % PROGRESS_EVERY == 0:  # also raises JobCancelled when asked
            done = self.done_bytes + rows.bytes_read
            self.ctx.report(done, self.total_bytes, f"Reading {rows.source.name}: {count:,} rows")

    def file_done(self, rows: _Rows, count: int) -> None:
        self.done_bytes += rows.source.size
        self.per_file[rows.source.name] = count
        if count == 0 and not self.problems:
            self.problem(
                rows.source.name,
                0,
                f"no {self.label} rows found; is this the CMS file? ({_EXPECTED[self.kind]})",
            )

    def preamble(self, rows: _Rows, line: int, row: list[str], seen: int) -> None:
        """A line before the first data row: a notice, title or header line, unless there are too many."""
        if seen > MAX_PREAMBLE:
            self.problem(
                rows.source.name,
                line,
                f"no {self.label} rows in the first {MAX_PREAMBLE} lines; expected {_EXPECTED[self.kind]}",
            )
            self.fail()
        self.skip(rows.source.name, line, "notice or header line")

    def stray(self, rows: _Rows, line: int, row: list[str]) -> None:
        """A line after the data started that is not a data row: a repeated header is skipped, anything else is bad."""
        if _HEADER_WORDS.search(" ".join(row)) and not any(_CODE.fullmatch(c.strip()) for c in row[:2]):
            self.skip(rows.source.name, line, "repeated header or notice line")
        else:
            self.problem(
                rows.source.name, line, f"{_show(row)} is not a row of the table; expected {_EXPECTED[self.kind]}"
            )


_EXPECTED = {
    PTP: "tab-delimited rows of column 1 code, column 2 code, '*' or blank, effective date YYYYMMDD, "
    "deletion date YYYYMMDD or '*', modifier indicator 0/1/9, rationale",
    MUE: "rows of HCPCS/CPT code, MUE value (units), adjudication indicator ('1 Line Edit', '2 Date of Service "
    "Edit: Policy' or '3 Date of Service Edit: Clinical'), rationale",
    AOC: "a header naming Add-on Code, Primary Code, AOC Edit Type and the edit's effective date, then one row per "
    "add-on and primary code",
}


def _insert(conn: Connection, table: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> tuple[int, int]:
    """Batched executemany of plain tuples (no per-row SQLAlchemy processing); (written, ignored as duplicates)."""
    sql = f"INSERT OR IGNORE INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    written = ignored = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            changed = conn.exec_driver_sql(sql, batch).rowcount
            written += changed
            ignored += len(batch) - changed
            batch = []
    if batch:
        changed = conn.exec_driver_sql(sql, batch).rowcount
        written += changed
        ignored += len(batch) - changed
    return written, ignored


def _begin(
    conn: Connection,
    kind: str,
    paths: Sequence[Path],
    edition: str,
    effective_from: dt.date,
    origin: str,
    checksum: str | None,
    what: str,
    ctx: JobContext | None,
) -> tuple[int, bool, _Import, list[_Source], list[str]]:
    edition = edition.strip()
    if not edition:
        raise ValidationError(f"{NCCI_LABELS[kind]}: give the edition name CMS uses, such as 'v32.3'")
    sources, notes = _sources(paths, what)
    release_id, created = add_release(
        conn,
        system=kind,
        name=edition,
        effective_from=effective_from,
        effective_to=quarter_end(effective_from),
        source=f"CMS {what}: {', '.join(p.name for p in paths)}",
        checksum=checksum or file_checksum(*paths),
        origin=origin,
    )
    return release_id, created, _Import(kind, edition, sources, ctx), sources, notes


def _finish(
    conn: Connection,
    state: _Import,
    release_id: int,
    paths: Sequence[Path],
    effective_from: dt.date,
    written: int,
    ignored: int,
    duplicate_reason: str,
    what: str,
    started: float,
    notes: list[str],
) -> NcciImportResult:
    if state.problems:
        state.fail()
    if ignored:
        state.reasons[duplicate_reason] += ignored
    conn.execute(
        update(release)
        .where(release.c.id == release_id)
        .values(source=f"CMS {what}: {', '.join(p.name for p in paths)} ({written:,} rows)")
    )
    return NcciImportResult(
        kind=state.kind,
        edition=state.edition,
        effective_from=effective_from,
        files=tuple(p.name for p in paths),
        rows_loaded=written,
        rows_skipped=sum(state.reasons.values()),
        skipped=tuple(state.skipped),
        skipped_reasons=dict(state.reasons),
        rows_per_file=dict(state.per_file),
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def _already(kind: str, edition: str, effective_from: dt.date, paths: Sequence[Path]) -> NcciImportResult:
    return NcciImportResult(
        kind=kind,
        edition=edition,
        effective_from=effective_from,
        files=tuple(p.name for p in paths),
        rows_loaded=0,
        already_loaded=True,
    )


# ---------------------------------------------------------------- PTP


class _RationaleIds:
    """Rationale text to its row id in ncci_rationale, adding texts not seen before."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.ids: dict[str, int] = {r.text: r.id for r in conn.execute(select(ncci_rationale))}

    def __call__(self, text: str) -> int:
        found = self.ids.get(text)
        if found is None:
            found = int(self.conn.execute(insert(ncci_rationale).values(text=text)).inserted_primary_key[0])
            self.ids[text] = found
        return found


def _refuse_hospital_files(sources: list[_Source]) -> None:
    hospital = [s.name for s in sources if "ccioph" in s.name.lower()]
    if hospital:
        raise ValidationError(
            "These are the outpatient hospital PTP edits; ClaimDesk checks practitioner claims",
            [f"{name}: import the practitioner files (ccipra-...) instead" for name in hospital],
        )


def load_ptp(
    conn: Connection,
    paths: Sequence[Path],
    edition: str,
    effective_from: dt.date,
    *,
    origin: str = "imported",
    checksum: str | None = None,
    ctx: JobContext | None = None,
) -> NcciImportResult:
    """Load the practitioner PTP edit files of one edition (all parts together) as one release."""
    started = time.perf_counter()
    what = "practitioner PTP edits"
    release_id, created, state, sources, notes = _begin(
        conn, PTP, paths, edition, effective_from, origin, checksum, what, ctx
    )
    if not created:
        return _already(PTP, state.edition, effective_from, paths)
    _refuse_hospital_files(sources)
    rationale_id = _RationaleIds(conn)
    dates: dict[str, int | None] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for source in sources:
            yield from _ptp_rows(_Rows(source), state, release_id, rationale_id, dates)

    columns = ("release_id", "column1", "column2", "effective_from", "deleted_on", "modifier_indicator", "rationale_id")
    written, ignored = _insert(conn, ncci_ptp, columns, rows())
    return _finish(
        conn,
        state,
        release_id,
        paths,
        effective_from,
        written,
        ignored,
        "repeats an edit read before (same column 1, column 2 and effective date)",
        what,
        started,
        notes,
    )


def _ptp_rows(
    rows: _Rows,
    state: _Import,
    release_id: int,
    rationale_id: Callable[[str], int],
    dates: dict[str, int | None],
) -> Iterator[tuple[Any, ...]]:
    # The hot loop of a 2.5-million-row import: each distinct code, date and rationale cell is
    # checked once and then looked up (a few thousand distinct values in the whole edition).
    name = rows.source.name
    spreadsheet = rows.source.xlsx
    problems = state.problems
    codes: dict[str, str] = {}  # cell -> code, or '' when the cell is not a code
    rationales: dict[str, int] = {}
    count = preamble = 0
    started = False
    # Within one column 1 code (CMS sorts by it) a repeated column 2 and date is caught with its line.
    run_code = ""
    run: dict[tuple[str, int], int] = {}
    for line, row in rows:
        if not row:
            continue
        first = codes.get(row[0])
        if first is None:
            first = codes[row[0]] = _code(row[0], spreadsheet) or ""
        if not first:
            if not any(cell.strip() for cell in row):
                continue
            if started:
                state.stray(rows, line, row)
            else:
                preamble += 1
                state.preamble(rows, line, row, preamble)
            continue
        started = True
        if len(row) < 6:
            state.problem(name, line, f"{_show(row)} has {len(row)} of the 7 columns; the row is cut short")
            continue
        second = codes.get(row[1])
        if second is None:
            second = codes[row[1]] = _code(row[1], spreadsheet) or ""
        if not second:
            state.problem(name, line, f"column 2 {row[1]!r} is not a 5-character HCPCS/CPT code")
            continue
        effective = dates.get(row[3], _UNSEEN)
        if effective is _UNSEEN:
            try:
                effective = _ymd(row[3], dates)
            except ValueError:
                state.problem(name, line, f"effective date {row[3]!r} is not a date (YYYYMMDD)")
                continue
        if effective is None:
            state.problem(name, line, f"effective date {row[3]!r} is missing (YYYYMMDD expected)")
            continue
        deleted = dates.get(row[4], _UNSEEN)
        if deleted is _UNSEEN:
            try:
                deleted = _ymd(row[4], dates)
            except ValueError:
                state.problem(name, line, f"deletion date {row[4]!r} is not a date (YYYYMMDD, or '*' for none)")
                continue
        indicator = row[5]
        if indicator not in _INDICATORS:
            indicator = indicator.strip()
            if indicator not in _INDICATORS:
                state.problem(name, line, f"modifier indicator {row[5]!r} is not 0, 1 or 9")
                continue
        if first != run_code:
            run_code, run = first, {}
        key = (second, effective)
        earlier = run.get(key)
        if earlier is not None:
            state.skip(name, line, f"repeats line {earlier} (same column 1, column 2 and effective date)")
            continue
        run[key] = line
        count += 1
        if count % PROGRESS_EVERY == 0:
            state.progress(rows, count)
        if problems:
            continue  # keep reading to list the problems; nothing will be written
        text = row[6] if len(row) > 6 else ""
        rationale = rationales.get(text)
        if rationale is None:
            rationale = rationales[text] = rationale_id(text.strip())
        yield release_id, first, second, effective, deleted, indicator, rationale
    state.file_done(rows, count)


# ---------------------------------------------------------------- MUE


def load_mue(
    conn: Connection,
    path: Path,
    edition: str,
    effective_from: dt.date,
    *,
    origin: str = "imported",
    checksum: str | None = None,
    ctx: JobContext | None = None,
) -> NcciImportResult:
    """Load the Practitioner Services MUE table of one edition as one release."""
    started = time.perf_counter()
    what = "Practitioner Services MUE table"
    paths = [Path(path)]
    release_id, created, state, sources, notes = _begin(
        conn, MUE, paths, edition, effective_from, origin, checksum, what, ctx
    )
    if not created:
        return _already(MUE, state.edition, effective_from, paths)
    seen: dict[str, tuple[int, int, int]] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for source in sources:
            yield from _mue_rows(_Rows(source), state, release_id, seen)

    columns = ("release_id", "code", "max_units", "adjudication_indicator", "rationale")
    written, ignored = _insert(conn, ncci_mue, columns, rows())
    return _finish(
        conn, state, release_id, paths, effective_from, written, ignored, "repeats a code", what, started, notes
    )


_MUE_SETTINGS = {"outpatient hospital": "Outpatient Hospital Services", "dme": "DME Supplier Services"}


def _mue_header(rows: _Rows, state: _Import, row: list[str], line: int) -> tuple[int, int, int, int] | None:
    """Column positions (code, units, indicator, rationale) from the header row, when this is it."""
    cells = [_normalized(c) for c in row]
    if sum(1 for c in cells if c) < 3 or not any(c.startswith(("hcpcs", "cpt")) for c in cells):
        return None
    values = next((c for c in cells if "mue" in c and "value" in c), None)
    if values is None:
        return None
    for key, setting in _MUE_SETTINGS.items():
        if key in values:
            state.problem(
                rows.source.name,
                line,
                f"this is the {setting} MUE table; import the Practitioner Services MUE table",
            )
            state.fail()

    def find(*words: str, default: int) -> int:
        for index, cell in enumerate(cells):
            if any(w in cell for w in words):
                return index
        return default

    return (
        find("hcpcs", "code", default=0),
        find("mue value", "values", "units", default=1),
        find("adjudication", "mai", default=2),
        find("rationale", default=3),
    )


def _mue_rows(
    rows: _Rows, state: _Import, release_id: int, seen: dict[str, tuple[int, int, int]]
) -> Iterator[tuple[Any, ...]]:
    name = rows.source.name
    positions = (0, 1, 2, 3)
    count = preamble = 0
    started = False
    for line, row in rows:
        if not row or not any(cell.strip() for cell in row):
            continue
        code_at, units_at, mai_at, why_at = positions
        code = _code(row[code_at], rows.source.xlsx) if len(row) > code_at else None
        if code is None:
            header = None if started else _mue_header(rows, state, row, line)
            if header is not None:
                positions = header
                state.skip(name, line, "notice or header line")
            elif started:
                state.stray(rows, line, row)
            else:
                preamble += 1
                state.preamble(rows, line, row, preamble)
            continue
        started = True
        if len(row) <= max(units_at, mai_at):
            state.problem(name, line, f"{_show(row)} has {len(row)} of the 4 columns; the row is cut short")
            continue
        units_text = row[units_at].strip()
        if not units_text.isdigit():
            state.problem(name, line, f"MUE value {row[units_at]!r} is not a whole number of units")
            continue
        mai_text = row[mai_at].strip()
        if not mai_text or mai_text[0] not in "123" or (len(mai_text) > 1 and mai_text[1].isdigit()):
            state.problem(
                name,
                line,
                f"adjudication indicator {row[mai_at]!r} is not 1, 2 or 3 "
                "('1 Line Edit', '2 Date of Service Edit: Policy', '3 Date of Service Edit: Clinical')",
            )
            continue
        units, mai = int(units_text), int(mai_text[0])
        earlier = seen.get(code)
        if earlier is not None:
            if earlier[1:] == (units, mai):
                state.skip(name, line, f"repeats line {earlier[0]}")
            else:
                state.problem(name, line, f"{code} is listed again with other values (first on line {earlier[0]})")
            continue
        seen[code] = (line, units, mai)
        count += 1
        state.progress(rows, count)
        if not state.problems:
            yield release_id, code, units, mai, row[why_at].strip() if len(row) > why_at else ""
    state.file_done(rows, count)


# ---------------------------------------------------------------- add-on codes


@dataclass(frozen=True)
class _AocColumns:
    addon: int
    primary: int
    edit_type: int
    effective: int
    deleted: int | None
    addon_deleted: int | None
    primary_deleted: int | None
    notes: int | None

    @property
    def needed(self) -> int:
        return max(self.addon, self.primary, self.edit_type, self.effective) + 1


def _aoc_header(row: list[str]) -> _AocColumns | None:
    """Column positions from a header naming the add-on and primary codes; None when this is not it."""
    cells = [_normalized(c).replace("addon", "add on") for c in row]

    def is_date(cell: str) -> bool:
        return bool(re.search(r"\b(dt|date|eff|effective|del|deletion|julian)\b", cell))

    def first(test: Callable[[str], bool]) -> int | None:
        return next((i for i, c in enumerate(cells) if c and test(c)), None)

    addon = first(lambda c: ("add on" in c or c.startswith("aoc")) and "code" in c and not is_date(c))
    addon = addon if addon is not None else first(lambda c: c in ("add on", "aoc"))
    primary = first(lambda c: c.startswith("primary") and not is_date(c))
    if addon is None or primary is None:
        return None
    edit_type = first(lambda c: "type" in c)
    effective = first(lambda c: bool(re.search(r"\b(eff|effective)\b", c)) and "primary" not in c)
    if edit_type is None or effective is None:
        return None

    def deletion(c: str) -> bool:
        return bool(re.search(r"\b(del|deletion)\b", c))

    edit_deleted = first(lambda c: deletion(c) and ("edit" in c or c.startswith(("del", "deletion"))))
    return _AocColumns(
        addon=addon,
        primary=primary,
        edit_type=edit_type,
        effective=effective,
        deleted=edit_deleted,
        addon_deleted=first(lambda c: deletion(c) and ("add on" in c or c.startswith("aoc")) and "edit" not in c),
        primary_deleted=first(lambda c: deletion(c) and "primary" in c),
        notes=first(lambda c: "note" in c or "instruction" in c),
    )


_EDIT_TYPES = {"1": 1, "2": 2, "3": 3, "i": 1, "ii": 2, "iii": 3}


def load_aoc(
    conn: Connection,
    path: Path,
    edition: str,
    effective_from: dt.date,
    *,
    origin: str = "imported",
    checksum: str | None = None,
    ctx: JobContext | None = None,
) -> NcciImportResult:
    """Load the add-on code edit file of one edition as one release."""
    started = time.perf_counter()
    what = "add-on code edits"
    paths = [Path(path)]
    release_id, created, state, sources, notes = _begin(
        conn, AOC, paths, edition, effective_from, origin, checksum, what, ctx
    )
    if not created:
        return _already(AOC, state.edition, effective_from, paths)

    def rows() -> Iterator[tuple[Any, ...]]:
        for source in sources:
            yield from _aoc_rows(_Rows(source), state, release_id)

    columns = ("release_id", "addon_code", "primary_code", "edit_type", "effective_from", "deleted_on", "notes")
    written, ignored = _insert(conn, ncci_aoc, columns, rows())
    return _finish(
        conn, state, release_id, paths, effective_from, written, ignored, "repeats a row", what, started, notes
    )


def _aoc_rows(rows: _Rows, state: _Import, release_id: int) -> Iterator[tuple[Any, ...]]:
    name = rows.source.name
    dates: dict[str, int | None] = {}
    columns: _AocColumns | None = None
    count = preamble = 0
    started = False

    def date_at(row: list[str], index: int | None, line: int, label: str) -> tuple[bool, int | None]:
        if index is None or index >= len(row):
            return True, None
        try:
            return True, _ymd(row[index], dates)
        except ValueError:
            state.problem(name, line, f"{label} {row[index]!r} is not a date (YYYYMMDD, or Julian YYYYDDD)")
            return False, None

    for line, row in rows:
        if not row or not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = _aoc_header(row)
            if columns is not None:
                state.skip(name, line, "notice or header line")
                continue
            if _code(row[0], rows.source.xlsx) is not None:
                state.problem(name, line, f"a data row before the header; expected {_EXPECTED[AOC]}")
                state.fail()
            preamble += 1
            state.preamble(rows, line, row, preamble)
            continue
        addon = _code(row[columns.addon], rows.source.xlsx) if len(row) > columns.addon else None
        if addon is None:
            if started:
                state.stray(rows, line, row)
            else:
                state.skip(name, line, "notice or header line")
            continue
        started = True
        if len(row) < columns.needed:
            state.problem(name, line, f"{_show(row)} has {len(row)} of the {columns.needed} columns; cut short")
            continue
        type_text = re.sub(r"(?i)^type\s*", "", row[columns.edit_type].strip()).lower()
        edit_type = _EDIT_TYPES.get(type_text)
        if edit_type is None:
            state.problem(name, line, f"AOC edit type {row[columns.edit_type]!r} is not 1, 2 or 3")
            continue
        primary_text = row[columns.primary].strip()
        primary = (
            _code(primary_text, rows.source.xlsx) if primary_text else (CONTRACTOR_DEFINED if edit_type == 2 else None)
        )
        if primary is None:
            state.problem(name, line, f"primary code {primary_text!r} is not a 5-character HCPCS/CPT code")
            continue
        ok, effective = date_at(row, columns.effective, line, "AOC edit effective date")
        if not ok:
            continue
        if effective is None:
            state.problem(name, line, f"AOC edit effective date {row[columns.effective]!r} is missing")
            continue
        ends: list[int] = []
        good = True
        for index, label in (
            (columns.deleted, "AOC edit deletion date"),
            (columns.addon_deleted, "add-on code deletion date"),
            (columns.primary_deleted, "primary code deletion date"),
        ):
            ok, value = date_at(row, index, line, label)
            good = good and ok
            if value is not None:
                ends.append(value)
        if not good:
            continue
        notes = row[columns.notes].strip() if columns.notes is not None and columns.notes < len(row) else ""
        count += 1
        state.progress(rows, count)
        if not state.problems:
            yield release_id, addon, primary, edit_type, effective, min(ends) if ends else None, notes or None
    if columns is None and not state.problems:
        state.problem(name, 0, f"no header row naming Add-on Code and Primary Code; expected {_EXPECTED[AOC]}")
    state.file_done(rows, count)


# ---------------------------------------------------------------- lookups (never a table scan)


def _chunks(codes: Sequence[str], size: int = IN_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(codes), size):
        yield codes[start : start + size]


def normalize_codes(codes: Iterable[str]) -> list[str]:
    return sorted({c.strip().upper() for c in codes if c and c.strip()})


# Two plans, both index-only. For a few codes, seek every (column 1, column 2) pair; for many, read
# each column 1 code's edits in key order and filter column 2 (the unary + keeps SQLite from
# seeking n x n pairs). Measured on 2.5 million edits, 300 codes: 100 ms by pairs, 25 ms by runs.
SEEK_PAIRS_UP_TO = 64
_PTP_SQL = (
    "SELECT p.column1, p.column2, p.effective_from, p.deleted_on, p.modifier_indicator, r.text "
    "FROM ncci_ptp AS p JOIN ncci_rationale AS r ON r.id = p.rationale_id "
    "WHERE p.release_id = ? AND p.column1 IN ({first}) AND {column2} IN ({second}) "
    "ORDER BY p.column1, p.column2, p.effective_from"
)


def _date(value: Any, cache: dict[int, dt.date]) -> Any:
    """The integer YYYYMMDD as a date (None stays None); one date object per distinct value."""
    if value is None:
        return None
    day = cache.get(value)
    if day is None:
        day = cache[value] = dt.date(value // 10000, value // 100 % 100, value % 100)
    return day


def ptp_pairs(conn: Connection, release_id: int, codes: Sequence[str]) -> dict[tuple[str, str], list[PtpEdit]]:
    """Every edit of a release whose column 1 and column 2 codes are both among `codes` (normalized).

    Results are in key order: by column 1, column 2, then effective date.
    """
    found: dict[tuple[str, str], list[PtpEdit]] = {}
    if len(codes) < 2:
        return found
    if len(codes) <= SEEK_PAIRS_UP_TO:
        column2, seconds = "p.column2", [codes]
    else:  # each column 1 run is read once: the column 2 list is as long as SQLite allows
        column2, seconds = "+p.column2", list(_chunks(codes, _variable_limit(conn) - IN_CHUNK - 1))
    dates: dict[int, dt.date] = {}
    for first in _chunks(codes):
        for second in seconds:
            sql = _PTP_SQL.format(
                first=", ".join("?" * len(first)), column2=column2, second=", ".join("?" * len(second))
            )
            for c1, c2, effective, deleted, indicator, rationale in conn.exec_driver_sql(
                sql, (release_id, *first, *second)
            ):
                edit = PtpEdit(c1, c2, _date(effective, dates), _date(deleted, dates), indicator, rationale)
                found.setdefault((c1, c2), []).append(edit)
    return found


def _variable_limit(conn: Connection) -> int:
    """How many ? parameters one statement may have (32766 since SQLite 3.32; 999 before)."""
    driver = conn.connection.driver_connection
    try:
        limit = int(driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))  # type: ignore[union-attr]
    except (AttributeError, sqlite3.Error):
        limit = 999
    return max(2 * IN_CHUNK + 1, min(limit, 20_000))


def mue_limits(conn: Connection, release_id: int, codes: Sequence[str]) -> dict[str, MueLimit]:
    found: dict[str, MueLimit] = {}
    for chunk in _chunks(codes):
        stmt = select(ncci_mue).where(ncci_mue.c.release_id == release_id, ncci_mue.c.code.in_(list(chunk)))
        for r in conn.execute(stmt):
            found[r.code] = MueLimit(r.code, r.max_units, r.adjudication_indicator, r.rationale)
    return found


def addon_rules(conn: Connection, release_id: int, codes: Sequence[str]) -> dict[str, list[AddonRule]]:
    found: dict[str, list[AddonRule]] = {}
    for chunk in _chunks(codes):
        stmt = (
            select(ncci_aoc)
            .where(ncci_aoc.c.release_id == release_id, ncci_aoc.c.addon_code.in_(list(chunk)))
            .order_by(ncci_aoc.c.addon_code, ncci_aoc.c.primary_code, ncci_aoc.c.effective_from)
        )
        for r in conn.execute(stmt):
            found.setdefault(r.addon_code, []).append(
                AddonRule(r.addon_code, r.primary_code, r.edit_type, r.effective_from, r.deleted_on, r.notes)
            )
    return found
