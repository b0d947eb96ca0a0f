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
from sqlalchemy import Engine, inspect

from app.errors import DatabaseError
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


def refuse_foreign_database(path: Path) -> None:
    """Read-only check, before anything opens the file for writing: a SQLite file with tables but no
    ClaimDesk revision belongs to something else and must stay byte-for-byte as it is."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path.name} is not a ClaimDesk database ({exc}); it was left unchanged.") from exc
    tables = {n for n in names if not n.startswith("sqlite_")}
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            f"{path.name} is a SQLite database but not a ClaimDesk practice "
            f"(it has {len(tables)} other table(s)); it was left unchanged."
        )


def upgrade_to_head(engine: Engine, path: Path | None) -> Path | None:
    """Migrate to head. An existing, non-empty database behind head is backed up first.

    Returns the backup path, or None when no backup was needed.
    """
    current = current_revision(engine)
    if current == head_revision():
        return None
    if current is None:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if not t.startswith("sqlite_")]
        if tables:
            # Someone else's database: adding ClaimDesk's tables to it would change their file.
            raise DatabaseError(
                f"{path.name if path else 'This file'} is a SQLite database but not a ClaimDesk practice "
                f"(it has {len(tables)} other table(s)); it was left unchanged."
            )
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
