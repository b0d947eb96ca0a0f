"""Code sets for the coder: search, details, the release calendar, Medicare fees and imports of newer releases.

The shipped code-set database (built by `make codesets`) is copied to the user's data folder on
first use; imported releases are added there beside the shipped ones, so older dates of service
keep being checked against the codes that were valid then.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, select
from sqlalchemy.exc import OperationalError

from app.domain.codes import (
    CodeDetail,
    CodeSystem,
    MedicareFee,
    Release,
    SearchHit,
    icd10cm_display,
    icd10cm_fiscal_year,
    icd10cm_key,
)
from app.domain.ncci import (
    AOC,
    MUE,
    NCCI_KINDS,
    NCCI_LABELS,
    PTP,
    AddonRule,
    MueLimit,
    NcciImportResult,
    PtpEdit,
    describe_edition,
)
from app.errors import ClaimDeskError, ResourceError, ValidationError
from app.paths import resource, user_dir
from app.services.jobs import JobContext
from db.codesets import NCCI_TABLES, SCHEMA_VERSION, cpt_code, hcpcs_code, icd10cm_code, meta, metadata, release

CODESETS_ENV_VAR = "CLAIMDESK_CODESETS"
SHIPPED = "codesets.sqlite3"
ICD_PATTERN = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$", re.IGNORECASE)
HCPCS_PATTERN = re.compile(r"^[A-V][0-9]{4}$", re.IGNORECASE)
CPT_PATTERN = re.compile(r"^[0-9]{4}[0-9FTU]$", re.IGNORECASE)
SYSTEM_LABELS = {"icd10cm": "ICD-10-CM", "hcpcs": "HCPCS", "mpfs": "Medicare PFS", "cpt": "CPT", **NCCI_LABELS}


def default_codeset_path() -> Path:
    env = os.environ.get(CODESETS_ENV_VAR)
    return Path(env).expanduser() if env else user_dir() / SHIPPED


def shipped_codeset_path() -> Path:
    return resource(SHIPPED)


def system_of(code: str) -> str | None:
    """Which code system a code's shape belongs to (CPT before HCPCS: both are five characters)."""
    code = code.strip().upper()
    if CPT_PATTERN.match(code):
        return CodeSystem.CPT.value
    if HCPCS_PATTERN.match(code):
        return CodeSystem.HCPCS.value
    if ICD_PATTERN.match(code):
        return CodeSystem.ICD10CM.value
    return None


@dataclass(frozen=True)
class ReleaseDiff:
    """What changed between the newest release before an import and the imported one."""

    system: str
    old: str | None
    new: str
    added: tuple[tuple[str, str], ...] = ()
    deleted: tuple[tuple[str, str], ...] = ()
    revised: tuple[tuple[str, str, str], ...] = ()  # code, old description, new description
    already_loaded: bool = False

    def summary(self) -> str:
        if self.already_loaded:
            return f"{SYSTEM_LABELS.get(self.system, self.system)} {self.new} is already loaded; nothing changed."
        return (
            f"{SYSTEM_LABELS.get(self.system, self.system)} {self.new} loaded"
            + (f" (compared with {self.old})" if self.old else "")
            + f": {len(self.added)} added, {len(self.deleted)} deleted, {len(self.revised)} revised descriptions"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "old": self.old,
            "new": self.new,
            "already_loaded": self.already_loaded,
            "added": [list(a) for a in self.added],
            "deleted": [list(d) for d in self.deleted],
            "revised": [list(r) for r in self.revised],
        }


@dataclass
class _ThreadState:
    conn: Connection
    searcher: Any = None
    extras: dict[str, Any] = field(default_factory=dict)


class CodeSetService:
    """Read side and imports of the code-set database. Safe to call from any thread."""

    def __init__(
        self,
        path: Path | None = None,
        shipped: Path | None = None,
        charge_master_name: Callable[[str], str | None] | None = None,
        practice_locality: Callable[[], str | None] | None = None,
    ) -> None:
        self.path = Path(path) if path else default_codeset_path()
        self.shipped = Path(shipped) if shipped else shipped_codeset_path()
        self.charge_master_name = charge_master_name
        self.practice_locality = practice_locality
        self._engine: Engine | None = None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._generation = 0

    # ------------------------------------------------------------------ opening

    def _ensure_file(self) -> None:
        if self.path.exists():
            return
        if not self.shipped.exists():
            raise ResourceError(f"The code-set database is missing ({self.shipped}). Build it with `make codesets`.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".copying")
        shutil.copyfile(self.shipped, tmp)
        tmp.replace(self.path)

    def _engine_or_open(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._ensure_file()
                self._engine = create_engine(f"sqlite:///{self.path}")
                with self._engine.connect() as conn:
                    version = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
                if version != SCHEMA_VERSION:
                    raise ResourceError(
                        f"{self.path} has code-set schema {version!r}; this ClaimDesk needs {SCHEMA_VERSION!r}. "
                        "Remove the file to start again from the shipped code sets."
                    )
                # Copies made before NCCI imports existed lack their (empty) tables: add them in place.
                try:
                    metadata.create_all(self._engine, tables=list(NCCI_TABLES), checkfirst=True)
                except OperationalError as exc:
                    raise ResourceError(f"{self.path}: cannot add the NCCI edit tables ({exc.orig})") from exc
            return self._engine

    def _state(self) -> _ThreadState:
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is None or getattr(self._local, "generation", -1) != self._generation:
            if state is not None:
                state.conn.close()
            state = _ThreadState(self._engine_or_open().connect())
            self._local.state = state
            self._local.generation = self._generation
        return state

    def _conn(self) -> Connection:
        return self._state().conn

    def close(self) -> None:
        with self._lock:
            self._generation += 1
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    # ------------------------------------------------------------------ releases and the calendar

    def releases(self, system: str | None = None) -> list[Release]:
        # id breaks ties: a corrected file for the same date (CMS's 'v32.3r1') loaded later wins.
        stmt = select(release).order_by(release.c.system, release.c.effective_from, release.c.id)
        if system:
            stmt = stmt.where(release.c.system == system)
        return [
            Release(r.id, r.system, r.name, r.effective_from, r.effective_to, r.source, r.checksum, r.origin)
            for r in self._conn().execute(stmt)
        ]

    def release_for(self, system: str, on: dt.date | None = None) -> Release | None:
        """The release in force on a date (the newest when no date is given)."""
        candidates = self.releases(system)
        if on is None:
            return candidates[-1] if candidates else None
        for r in reversed(candidates):
            if r.covers(on):
                return r
        return None

    def coverage_warning(self, system: str, on: dt.date) -> str | None:
        """Plain words when no loaded release covers a date, naming the release to import."""
        if system == "cpt" and not self.releases("cpt"):
            return None  # without a licensed file CPT is checked for format only; nothing is out of date
        if system in NCCI_KINDS:
            return self._ncci_coverage_warning(system, on)
        if self.release_for(system, on) is not None:
            return None
        if system == "icd10cm":
            needed = f"ICD-10-CM FY{icd10cm_fiscal_year(on)}"
        elif system == "hcpcs":
            quarter = (on.month - 1) // 3 + 1
            month = ("January", "April", "July", "October")[quarter - 1]
            needed = f"HCPCS {on.year} Q{quarter} ({month} file)"
        elif system == "mpfs":
            needed = f"Medicare Physician Fee Schedule {on.year}"
        else:
            needed = f"{SYSTEM_LABELS.get(system, system)} for {on:%m/%d/%Y}"
        return f"{needed} is not loaded; import it."

    # ------------------------------------------------------------------ search and details

    def search(self, query: str, system: str = "all", limit: int = 20) -> list[SearchHit]:
        from app.codesets.search import CodeSearcher

        state = self._state()
        if state.searcher is None:
            state.searcher = CodeSearcher(state.conn)
        return state.searcher.search(query, system=system, limit=limit)

    def detail(self, code: str, system: str | None = None, on: dt.date | None = None) -> CodeDetail | None:
        from app.codesets import cpt, hcpcs, icd10cm

        system = system or system_of(code)
        if system == "icd10cm":
            rel = self.release_for("icd10cm", on)
            return icd10cm.detail(self._conn(), rel.id, icd10cm_key(code)) if rel else None
        if system == "hcpcs":
            rel = self.release_for("hcpcs", None)
            found = hcpcs.detail(self._conn(), rel.id, code.strip().upper()) if rel else None
            return self._with_fee(found)
        if system == "cpt":
            code = code.strip().upper()
            rel = self.release_for("cpt", None)
            found = cpt.detail(self._conn(), rel.id, code) if rel else None
            if found is None and CPT_PATTERN.match(code):
                # No licensed CPT file: the code is checked for shape and named by the practice.
                name = self.charge_master_name(code) if self.charge_master_name else None
                found = CodeDetail(
                    code=code,
                    system="cpt",
                    billable=True,
                    release="format check only (no CPT file imported)",
                    description=name or "CPT code (no licensed CPT file imported; not in the charge master)",
                )
            return self._with_fee(found)
        return None

    def _with_fee(self, found: CodeDetail | None) -> CodeDetail | None:
        if found is None or self.practice_locality is None:
            return found
        locality = self.practice_locality()
        if not locality:
            return found
        fee = self.medicare_fee(found.code, "", locality, facility=False)
        if fee is None:
            return found
        return CodeDetail(**{**found.__dict__, "medicare_fee": fee})

    def children(self, code: str) -> list[tuple[str, str, bool]]:
        from app.codesets import icd10cm

        rel = self.release_for("icd10cm")
        return icd10cm.children(self._conn(), rel.id, icd10cm_key(code)) if rel else []

    def chapters(self) -> list[tuple[int, str, str]]:
        from app.codesets import icd10cm

        rel = self.release_for("icd10cm")
        return icd10cm.chapters(self._conn(), rel.id) if rel else []

    def sections(self, chapter: int) -> list[tuple[str, str]]:
        from app.codesets import icd10cm

        rel = self.release_for("icd10cm")
        return icd10cm.sections(self._conn(), rel.id, chapter) if rel else []

    def categories(self, section_id: str) -> list[tuple[str, str, bool]]:
        from app.codesets import icd10cm

        rel = self.release_for("icd10cm")
        return icd10cm.categories(self._conn(), rel.id, section_id) if rel else []

    def is_valid(self, code: str, on: dt.date) -> tuple[bool, str]:
        """(valid and billable on that date, the reason in words) for an ICD-10-CM or HCPCS code."""
        system = system_of(code)
        if system == "icd10cm":
            rel = self.release_for("icd10cm", on)
            if rel is None:
                return False, self.coverage_warning("icd10cm", on) or "no release"
            row = (
                self._conn()
                .execute(
                    select(icd10cm_code.c.billable).where(
                        icd10cm_code.c.release_id == rel.id, icd10cm_code.c.code == icd10cm_key(code)
                    )
                )
                .first()
            )
            if row is None:
                return False, f"{icd10cm_display(code)} does not exist in ICD-10-CM {rel.name}"
            if not row.billable:
                return False, f"{icd10cm_display(code)} is a header in ICD-10-CM {rel.name}; pick a more specific code"
            return True, f"valid in ICD-10-CM {rel.name}"
        if system == "hcpcs":
            rel = self.release_for("hcpcs")
            if rel is None:
                return False, "no HCPCS release loaded"
            row = (
                self._conn()
                .execute(
                    select(hcpcs_code.c.termination_date, hcpcs_code.c.add_date).where(
                        hcpcs_code.c.release_id == rel.id, hcpcs_code.c.code == code.upper()
                    )
                )
                .first()
            )
            if row is None:
                return False, f"{code.upper()} is not in HCPCS {rel.name}"
            if row.termination_date and on > row.termination_date:
                return False, f"{code.upper()} was terminated on {row.termination_date:%m/%d/%Y}"
            if row.add_date and on < row.add_date:
                return False, f"{code.upper()} was not valid before {row.add_date:%m/%d/%Y}"
            return True, f"valid in HCPCS {rel.name}"
        if system == "cpt":
            return True, "CPT format valid"
        return False, f"{code!r} is not an ICD-10-CM, HCPCS or CPT code"

    # ------------------------------------------------------------------ Medicare fees

    def medicare_fee(
        self, code: str, modifier: str, locality: str, facility: bool, on: dt.date | None = None
    ) -> MedicareFee | None:
        from app.codesets import mpfs

        rel = self.release_for("mpfs", on) or (self.release_for("mpfs") if on is None else None)
        if rel is None:
            return None
        return mpfs.fee(self._conn(), rel.id, code.upper(), modifier or "", locality, facility)

    def localities(self) -> list[tuple[str, str]]:
        from app.codesets import mpfs

        rel = self.release_for("mpfs")
        return mpfs.localities(self._conn(), rel.id) if rel else []

    def modifiers(self) -> dict[str, bool]:
        """Every modifier of the latest release that is still in force: code -> NCCI-associated."""
        from app.codesets.reference import modifier_rows

        rel = self.release_for("hcpcs")
        if rel is None:
            return {}
        today = dt.date.today()
        return {
            r["code"]: bool(r["ncci_associated"])
            for r in modifier_rows(self._conn(), rel.id)
            if r["termination_date"] is None or r["termination_date"] > today
        }

    def place_of_service_codes(self) -> frozenset[str]:
        from db.codesets import place_of_service

        return frozenset(self._conn().execute(select(place_of_service.c.code)).scalars())

    # ------------------------------------------------------------------ imports

    def import_icd10cm(self, path: Path, name: str | None = None, ctx: JobContext | None = None) -> ReleaseDiff:
        """Load a CDC ICD-10-CM tabular XML of the same format; older releases stay for older dates."""
        from app.codesets import icd10cm, search

        path = Path(path)
        version = _tabular_version(path)
        fiscal_year = int(version)
        name = name or f"FY{fiscal_year}"
        start, end = dt.date(fiscal_year - 1, 10, 1), dt.date(fiscal_year, 9, 30)
        already = self._already_loaded("icd10cm", name, path)
        if already is not None:
            return already
        previous = self.release_for("icd10cm")
        engine = self._engine_or_open()
        with engine.begin() as conn:
            new_id = icd10cm.load_tabular(conn, path, name, start, end, "imported", f"imported {path.name}")
            diff = _diff(
                conn,
                icd10cm_code.c.description,
                previous.id if previous else None,
                new_id,
                icd10cm_code.c.billable == 1,
                show=icd10cm_display,
            )
            if ctx:
                ctx.report(1, 2, "Rebuilding the search index")
            search.build_search_index(conn)
        self._reset_connections()
        return ReleaseDiff("icd10cm", previous.name if previous else None, name, *diff)

    def import_hcpcs(
        self, path: Path, name: str, effective_from: dt.date, ctx: JobContext | None = None
    ) -> ReleaseDiff:
        from app.codesets import hcpcs, search

        path = Path(path)
        already = self._already_loaded("hcpcs", name, path)
        if already is not None:
            return already
        previous = self.release_for("hcpcs")
        engine = self._engine_or_open()
        with engine.begin() as conn:
            new_id = hcpcs.load(conn, path, name, effective_from, "imported", f"imported {path.name}")
            changes = hcpcs.diff(conn, previous.id, new_id) if previous else {"added": [], "deleted": [], "revised": []}
            search.build_search_index(conn)
        self._reset_connections()
        return ReleaseDiff(
            "hcpcs",
            previous.name if previous else None,
            name,
            tuple((code, new or "") for code, _old, new in changes["added"]),
            tuple((code, old or "") for code, old, _new in changes["deleted"]),
            tuple((code, old or "", new or "") for code, old, new in changes["revised"]),
        )

    def import_cpt(
        self,
        path: Path,
        name: str,
        effective_from: dt.date,
        effective_to: dt.date | None = None,
        ctx: JobContext | None = None,
    ) -> ReleaseDiff:
        from app.codesets import cpt, search

        path = Path(path)
        already = self._already_loaded("cpt", name, path)
        if already is not None:
            return already
        previous = self.release_for("cpt")
        engine = self._engine_or_open()
        with engine.begin() as conn:
            new_id = cpt.load(conn, path, name, effective_from, effective_to, f"licensed file {path.name}")
            diff = _diff(conn, cpt_code.c.long_description, previous.id if previous else None, new_id)
            search.build_search_index(conn)
        self._reset_connections()
        return ReleaseDiff("cpt", previous.name if previous else None, name, *diff)

    def import_adjustment_codes(self, kind: str, path: Path, name: str, effective_from: dt.date) -> ReleaseDiff:
        """A newer CARC or RARC list (code and description, TSV or CSV); codes it no longer lists are kept,
        because older remittances still carry them."""
        from app.codesets import reference

        path = Path(path)
        already = self._already_loaded(kind, name, path)
        if already is not None:
            return already
        before = self._adjustment_codes(kind)
        engine = self._engine_or_open()
        with engine.begin() as conn:
            reference.import_adjustment_codes(conn, kind, path, name=name, effective_from=effective_from)
        self._reset_connections()
        after = self._adjustment_codes(kind)
        return ReleaseDiff(
            kind,
            None,
            name,
            added=tuple((c, after[c]) for c in sorted(after.keys() - before.keys())),
            revised=tuple(
                (c, before[c], after[c]) for c in sorted(after.keys() & before.keys()) if before[c] != after[c]
            ),
        )

    def adjustment_codes(self, kind: str) -> dict[str, str]:
        """Every CARC ('carc') or RARC ('rarc') with its description."""
        return self._adjustment_codes(kind)

    def _adjustment_codes(self, kind: str) -> dict[str, str]:
        from db.codesets import adjustment_reason as table

        rows = self._conn().execute(select(table.c.code, table.c.description).where(table.c.kind == kind))
        return {r.code: r.description for r in rows}

    def _already_loaded(self, system: str, name: str, path: Path) -> ReleaseDiff | None:
        from app.codesets.reference import file_checksum

        found = self._loaded_release(system, name, file_checksum(path))
        return ReleaseDiff(system, None, found.name, already_loaded=True) if found else None

    def _loaded_release(self, system: str, name: str, checksum: str) -> Release | None:
        """The release already loaded from files with this checksum; refuses the same name with other files."""
        for r in self.releases(system):
            if r.checksum == checksum:
                return r
            if r.name == name:
                raise ValidationError(
                    f"{SYSTEM_LABELS.get(system, system)} {name} is already loaded from a different file; "
                    "give the new one another release name."
                )
        return None

    def _reset_connections(self) -> None:
        with self._lock:
            self._generation += 1

    # ------------------------------------------------------------------ NCCI edits

    def import_ncci_ptp(
        self, paths: Sequence[Path], edition: str, effective_from: dt.date, ctx: JobContext | None = None
    ) -> NcciImportResult:
        """Load one edition of CMS's practitioner PTP edits (all its parts, .txt/.csv/.xlsx or zips of them)."""
        return self._import_ncci(PTP, paths, edition, effective_from, ctx)

    def import_ncci_mue(
        self, path: Path, edition: str, effective_from: dt.date, ctx: JobContext | None = None
    ) -> NcciImportResult:
        """Load one edition of CMS's Practitioner Services MUE table."""
        return self._import_ncci(MUE, [path], edition, effective_from, ctx)

    def import_ncci_aoc(
        self, path: Path, edition: str, effective_from: dt.date, ctx: JobContext | None = None
    ) -> NcciImportResult:
        """Load one edition of CMS's add-on code edits."""
        return self._import_ncci(AOC, [path], edition, effective_from, ctx)

    def _import_ncci(
        self, kind: str, paths: Sequence[Path], edition: str, effective_from: dt.date, ctx: JobContext | None
    ) -> NcciImportResult:
        from app.codesets import ncci
        from app.codesets.reference import file_checksum

        given = [Path(p) for p in paths]
        files = sorted(set(given), key=lambda p: (p.name, str(p)))
        if not files:
            raise ValidationError(f"{NCCI_LABELS[kind]}: give the file(s) to import")
        if len(files) != len(given):
            raise ValidationError(f"{NCCI_LABELS[kind]}: the same file is given twice")
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise ValidationError(f"{NCCI_LABELS[kind]}: no such file", missing)
        edition = edition.strip()
        # Parts in name order (f1, f2, ...), so the same files in any order are the same edition.
        checksum = file_checksum(*files)
        found = self._loaded_release(kind, edition, checksum)
        if found is not None:
            return NcciImportResult(
                kind, found.name, found.effective_from, tuple(p.name for p in files), 0, already_loaded=True
            )
        load = {PTP: ncci.load_ptp, MUE: ncci.load_mue, AOC: ncci.load_aoc}[kind]
        started = time.perf_counter()
        with self._engine_or_open().begin() as conn:
            cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            conn.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MB while millions of rows go in
            try:
                target: Any = files if kind == PTP else files[0]
                result = load(conn, target, edition, effective_from, checksum=checksum, ctx=ctx)
            finally:
                conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size or -2000)}")
        self._reset_connections()
        return replace(result, seconds=time.perf_counter() - started)

    def ncci_editions(self) -> dict[str, Release | None]:
        """The latest loaded edition of each NCCI kind ('ncci_ptp', 'ncci_mue', 'ncci_aoc'), or None."""
        state = self._state()
        editions = state.extras.get("ncci_editions")
        if editions is None:
            editions = {kind: self.release_for(kind) for kind in NCCI_KINDS}
            state.extras["ncci_editions"] = editions
        return dict(editions)

    def describe_edition(self, kind: str) -> str:
        """'NCCI PTP v32.3 (CMS, effective 10/01/2026)', or 'No NCCI PTP edition is loaded'."""
        return describe_edition(kind, self.ncci_editions().get(kind))

    def ptp_pairs(self, codes: Iterable[str]) -> dict[tuple[str, str], list[PtpEdit]]:
        """Every PTP edit of the latest edition whose column 1 and column 2 are both among `codes`.

        Keyed (column 1, column 2); a pair deleted and added again has one edit per period. Index
        seeks only, whatever the size of the table.
        """
        from app.codesets import ncci

        edition = self.ncci_editions()[PTP]
        return ncci.ptp_pairs(self._conn(), edition.id, ncci.normalize_codes(codes)) if edition else {}

    def mue_limits(self, codes: Iterable[str]) -> dict[str, MueLimit]:
        """The practitioner MUE of each of `codes` that has one, from the latest edition."""
        from app.codesets import ncci

        edition = self.ncci_editions()[MUE]
        return ncci.mue_limits(self._conn(), edition.id, ncci.normalize_codes(codes)) if edition else {}

    def addon_rules(self, codes: Iterable[str]) -> dict[str, list[AddonRule]]:
        """For the add-on codes among `codes`: every acceptable primary code with its dates and edit type."""
        from app.codesets import ncci

        edition = self.ncci_editions()[AOC]
        return ncci.addon_rules(self._conn(), edition.id, ncci.normalize_codes(codes)) if edition else {}

    def _ncci_coverage_warning(self, kind: str, on: dt.date) -> str | None:
        # Each edition lists every edit with its own dates, deleted ones included, so the latest one
        # answers for earlier dates of service too; it says nothing about quarters after its own.
        latest = self.ncci_editions().get(kind)
        if latest is None:
            return f"{describe_edition(kind, None)}; import the CMS files."
        if latest.effective_to is not None and on > latest.effective_to:
            return (
                f"{describe_edition(kind, latest)} ends {latest.effective_to:%m/%d/%Y}; "
                f"the edition for {on:%m/%d/%Y} is not loaded; import it."
            )
        return None

    # ------------------------------------------------------------------ statistics

    def stats(self) -> dict[str, Any]:
        from app.codesets.stats import counts

        return counts(self._conn())


def _tabular_version(path: Path) -> str:
    try:
        for _event, element in ET.iterparse(path, events=("end",)):
            if element.tag == "version":
                text = (element.text or "").strip()
                if not text.isdigit():
                    raise ValidationError(f"{path.name}: <version> is {text!r}, expected a year such as 2027")
                return text
    except ET.ParseError as exc:
        raise ValidationError(f"{path.name}: not an ICD-10-CM tabular XML file ({exc})") from exc
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read the file: {exc}") from exc
    raise ValidationError(f"{path.name}: no <version> element; is this the CDC ICD-10-CM tabular XML?")


def _diff(
    conn: Connection, description: Any, old_id: int | None, new_id: int, *where: Any, show: Callable[[str], str] = str
) -> tuple[tuple, tuple, tuple]:
    """Codes added, deleted, and with a revised description between two releases of one table."""
    table = description.table

    def codes(release_id: int) -> dict[str, str]:
        rows = conn.execute(select(table.c.code, description).where(table.c.release_id == release_id, *where))
        return {r[0]: r[1] or "" for r in rows}

    new = codes(new_id)
    old = codes(old_id) if old_id is not None else {}
    added = tuple((show(c), new[c]) for c in sorted(new.keys() - old.keys()))
    deleted = tuple((show(c), old[c]) for c in sorted(old.keys() - new.keys()))
    revised = tuple((show(c), old[c], new[c]) for c in sorted(new.keys() & old.keys()) if old[c] != new[c])
    return added, deleted, revised


class CodeSetError(ClaimDeskError):
    """A code-set file could not be used."""
