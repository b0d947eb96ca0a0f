"""Bring a practice database to the newest schema, backing the file up first."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.paths import migrations_dir

log = logging.getLogger(__name__)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    script = ScriptDirectory(str(migrations_dir()))
    head = script.get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup(path: Path) -> Path:
    """Copy the database (consistently, even in WAL mode) beside itself with a timestamp."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade_to_head(engine: Engine, path: Path | None) -> Path | None:
    """Migrate to head. An existing, non-empty database behind head is backed up first.

    Returns the backup path, or None when no backup was needed.
    """
    current = current_revision(engine)
    if current == head_revision():
        return None
    backup_path = None
    if path is not None and path.exists() and path.stat().st_size > 0 and current is not None:
        backup_path = backup(path)
        log.info("backed up database before migrating from %s", current)
    command.upgrade(alembic_config(engine), "head")
    return backup_path


def prune_backups(path: Path, keep: int = 5) -> None:
    backups = sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))
    for old in backups[:-keep]:
        old.unlink()
