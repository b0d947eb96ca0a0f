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

    def line(self) -> str:
        return (
            f"ClaimDesk selftest OK: database {self.db_path.name} at revision {self.revision}, "
            f"{self.resources} resources verified, {self.encounters} encounters, "
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


def run_selftest(db_path: Path, check_gui: bool = True) -> SelftestResult:
    started = time.perf_counter()
    services = open_services(db_path)
    try:
        revision = current_revision(services.db.engine)
        encounters = services.practice.summary().encounters
    finally:
        services.close()
    count = verify_resources()
    gui = False
    if check_gui:
        try:
            importlib.import_module("PySide6.QtWidgets")
            importlib.import_module("PySide6.QtPrintSupport")
            gui = True
        except ImportError:
            gui = False
    return SelftestResult(db_path, revision, count, encounters, gui, time.perf_counter() - started)
