"""The schema comes from migrations alone, matches the models, and upgrades keep a backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import db.models  # noqa: F401
from db.base import Base
from db.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from db.session import make_engine


def test_an_empty_database_migrates_to_head(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "a.sqlite3")
    assert upgrade_to_head(engine, tmp_path / "a.sqlite3") is None  # nothing to back up when new
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    for expected in (
        "practice",
        "provider",
        "facility",
        "payer",
        "fee_schedule_entry",
        "charge_master_item",
        "patient",
        "coverage",
        "eligibility_check",
        "encounter",
        "encounter_diagnosis",
        "service_line",
        "claim",
        "claim_line",
        "claim_status_event",
        "scrub_finding",
        "remittance",
        "claim_payment",
        "line_payment",
        "adjustment",
        "remark_code",
        "provider_adjustment",
        "ledger_entry",
        "statement_run",
        "statement",
        "denial",
        "appeal",
        "follow_up_note",
        "code_set_version",
        "app_user",
        "audit_log",
        "submission_batch",
    ):
        assert expected in tables, expected


def test_autogenerate_finds_no_drift_between_models_and_migrations(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "b.sqlite3")
    upgrade_to_head(engine, None)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_the_database_runs_in_wal_mode_with_foreign_keys_on(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "c.sqlite3")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_money_columns_are_integers_never_float(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "d.sqlite3")
    upgrade_to_head(engine, None)
    insp = inspect(engine)
    money = [(t, c) for t in insp.get_table_names() for c in insp.get_columns(t) if c["name"].endswith("_cents")]
    assert len(money) > 20
    for table, col in money:
        assert str(col["type"]) == "INTEGER", f"{table}.{col['name']} is {col['type']}"
    for t in insp.get_table_names():
        for c in insp.get_columns(t):
            assert "FLOAT" not in str(c["type"]).upper() and "REAL" not in str(c["type"]).upper()


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "e.sqlite3")
    upgrade_to_head(engine, None)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "base")
    assert "encounter" not in inspect(engine).get_table_names()
    command.upgrade(cfg, "head")
    assert "encounter" in inspect(engine).get_table_names()


def test_upgrading_an_older_database_backs_it_up_first(tmp_path: Path, monkeypatch) -> None:
    """A database at an older revision is copied aside, with its data, before the new revision runs."""
    import shutil

    import db.migrate
    from app.paths import migrations_dir

    scripts = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_next.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9999'\ndown_revision = '{head_revision()}'\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n    op.create_table('future_thing', sa.Column('id', sa.Integer, primary_key=True))\n"
        "def downgrade():\n    op.drop_table('future_thing')\n"
    )
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    upgrade_to_head(engine, path)
    old_head = current_revision(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO setting(key, value) VALUES ('marker', 'kept')")
    monkeypatch.setattr(db.migrate, "migrations_dir", lambda: scripts)

    backup = upgrade_to_head(engine, path)

    assert backup is not None and backup.exists()
    assert current_revision(engine) == "9999"
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT value FROM setting WHERE key='marker'").fetchone() == ("kept",)
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)


def test_a_foreign_sqlite_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    import pytest

    from app.errors import DatabaseError

    path = tmp_path / "someone-elses.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE recipes (name TEXT)")
        raw.execute("INSERT INTO recipes VALUES ('soup')")
    before = path.read_bytes()
    from app.services.container import open_services

    with pytest.raises(DatabaseError, match="not a ClaimDesk practice"):
        open_services(path)
    assert path.read_bytes() == before, "the foreign file must stay byte-for-byte as it was"
    engine = make_engine(path)  # even past the first check, migrating refuses
    with pytest.raises(DatabaseError, match="not a ClaimDesk practice"):
        upgrade_to_head(engine, path)
    engine.dispose()
