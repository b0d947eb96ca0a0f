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
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, select

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
from app.errors import ClaimDeskError, ResourceError, ValidationError
from app.paths import resource, user_dir
from app.services.jobs import JobContext
from db.codesets import SCHEMA_VERSION, cpt_code, hcpcs_code, icd10cm_code, meta, release

CODESETS_ENV_VAR = "CLAIMDESK_CODESETS"
SHIPPED = "codesets.sqlite3"
ICD_PATTERN = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$", re.IGNORECASE)
HCPCS_PATTERN = re.compile(r"^[A-V][0-9]{4}$", re.IGNORECASE)
CPT_PATTERN = re.compile(r"^[0-9]{4}[0-9FTU]$", re.IGNORECASE)
SYSTEM_LABELS = {"icd10cm": "ICD-10-CM", "hcpcs": "HCPCS", "mpfs": "Medicare PFS", "cpt": "CPT"}


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
        stmt = select(release).order_by(release.c.system, release.c.effective_from)
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

    def _adjustment_codes(self, kind: str) -> dict[str, str]:
        from db.codesets import adjustment_reason as table

        rows = self._conn().execute(select(table.c.code, table.c.description).where(table.c.kind == kind))
        return {r.code: r.description for r in rows}

    def _already_loaded(self, system: str, name: str, path: Path) -> ReleaseDiff | None:
        from app.codesets.reference import file_checksum

        checksum = file_checksum(path)
        for r in self.releases(system):
            if r.checksum == checksum:
                return ReleaseDiff(system, None, r.name, already_loaded=True)
            if r.name == name:
                raise ValidationError(
                    f"{SYSTEM_LABELS.get(system, system)} {name} is already loaded from a different file; "
                    "give the new one another release name."
                )
        return None

    def _reset_connections(self) -> None:
        with self._lock:
            self._generation += 1

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
