"""`claimdesk selftest`: prove the database opens and migrates and every shipped resource loads."""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from app.errors import ResourceError
from app.paths import resource, resources_dir
from app.services.container import open_services
from db.migrate import current_revision


@dataclass(frozen=True)
class SelftestResult:
    db_path: Path
    revision: str | None
    resources: int
    encounters: int
    gui_importable: bool
    seconds: float
    code_sets: str = ""

    def line(self) -> str:
        return (
            f"ClaimDesk selftest OK: database {self.db_path.name} at revision {self.revision}, "
            f"{self.resources} resources verified, code sets {self.code_sets}, {self.encounters} encounters, "
            f"GUI libraries {'load' if self.gui_importable else 'MISSING'}, {self.seconds:.2f}s"
        )


def verify_resources() -> int:
    """Every file in resources/manifest.json exists and matches its SHA-256."""
    manifest_path = resource("manifest.json")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ResourceError(f"resources manifest unreadable at {manifest_path}: {exc}") from exc
    for entry in manifest["files"]:
        path = resources_dir() / entry["path"]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise ResourceError(f"resource missing: {entry['path']} ({exc})") from exc
        if digest != entry["sha256"]:
            raise ResourceError(f"resource changed or corrupt: {entry['path']}")
    return len(manifest["files"])


def verify_codesets() -> str:
    """Open the shipped code-set database read-only and name its releases."""
    import sqlite3

    from app.services.codesets import shipped_codeset_path
    from db.codesets import SCHEMA_VERSION

    path = shipped_codeset_path()
    if not path.exists():
        raise ResourceError(f"code-set database missing: {path} (build it with `make codesets`)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if not version or version[0] != SCHEMA_VERSION:
            raise ResourceError(f"code-set database {path.name} has schema {version}, expected {SCHEMA_VERSION}")
        names = [
            f"{system} {name}"
            for system, name in conn.execute(
                "SELECT system, name FROM release WHERE system IN ('icd10cm','hcpcs','mpfs') ORDER BY system, id"
            )
        ]
        billable = conn.execute("SELECT count(*) FROM icd10cm_code WHERE billable = 1").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ResourceError(f"code-set database unreadable: {exc}") from exc
    finally:
        conn.close()
    if not billable:
        raise ResourceError("code-set database holds no billable ICD-10-CM codes")
    return f"({', '.join(names)}; {billable:,} billable ICD-10-CM codes)"


def run_selftest(db_path: Path, check_gui: bool = True) -> SelftestResult:
    started = time.perf_counter()
    services = open_services(db_path)
    try:
        revision = current_revision(services.db.engine)
        encounters = services.practice.summary().encounters
    finally:
        services.close()
    count = verify_resources()
    code_sets = verify_codesets()
    gui = False
    if check_gui:
        try:
            importlib.import_module("PySide6.QtWidgets")
            importlib.import_module("PySide6.QtPrintSupport")
            gui = True
        except ImportError:
            gui = False
    return SelftestResult(db_path, revision, count, encounters, gui, time.perf_counter() - started, code_sets)
