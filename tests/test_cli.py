"""The `claimdesk` command line: --db anywhere, selftest, import and demo, all headless."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.services.container import open_services
from db.models import EncounterRecord, LedgerEntryRecord, PatientRecord
from tests.factories import practice_document


def test_selftest_creates_and_migrates_a_new_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "new.sqlite3"
    assert main(["selftest", "--db", str(db)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("ClaimDesk selftest OK")
    assert "resources verified" in out[0] and "GUI libraries load" in out[0]
    assert db.exists()


def test_db_is_accepted_before_or_after_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = tmp_path / "before.sqlite3", tmp_path / "after.sqlite3"
    assert main(["--db", str(before), "selftest"]) == 0
    assert main(["selftest", "--db", str(after)]) == 0
    assert before.exists() and after.exists()


def test_the_environment_names_the_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("CLAIMDESK_DB", str(target))
    assert main(["selftest", "--no-gui-check"]) == 0
    assert target.exists()


def test_import_prints_a_json_summary_and_a_second_run_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, doc = tmp_path / "p.sqlite3", tmp_path / "practice.json"
    doc.write_text(json.dumps(practice_document()))
    assert main(["import", str(doc), "--db", str(db), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["entities"]["encounters"]["created"] == 5
    assert main(["--db", str(db), "import", str(doc), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["changed"] == 0


def test_a_malformed_import_says_where_and_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = practice_document()
    doc["patients"][2]["sex"] = "X"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    db = tmp_path / "p.sqlite3"
    assert main(["import", str(path), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "patients[2].sex" in err and "nothing was imported" in err
    with _open(db) as desk:
        with desk.db.session() as s:
            assert s.scalars(select(PatientRecord)).first() is None


class _open:
    def __init__(self, path: Path) -> None:
        self.desk = open_services(path)

    def __enter__(self):  # noqa: ANN204
        return self.desk

    def __exit__(self, *exc: object) -> None:
        self.desk.close()


def _fingerprint(path: Path) -> str:
    with _open(path) as desk, desk.db.session() as s:
        h = hashlib.sha256()
        for row in s.execute(
            select(
                EncounterRecord.source_id,
                EncounterRecord.status,
                EncounterRecord.note_text,
                EncounterRecord.total_charge_cents,
            ).order_by(EncounterRecord.source_id)
        ):
            h.update(repr(tuple(row)).encode())
        for row in s.execute(
            select(LedgerEntryRecord.kind, LedgerEntryRecord.party, LedgerEntryRecord.amount_cents).order_by(
                LedgerEntryRecord.id
            )
        ):
            h.update(repr(tuple(row)).encode())
        return h.hexdigest()


def test_the_demo_is_reproducible_from_its_seed_and_reconciles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, c = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "c.sqlite3"
    args = ["demo", "--patients", "30", "--encounters", "120", "--json"]
    assert main([*args, "--seed", "7", "--db", str(a)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ledger_reconciles"] is True
    assert summary["imported"]["encounters"]["created"] == 120
    assert main([*args, "--seed", "7", "--db", str(b)]) == 0
    assert main([*args, "--seed", "8", "--db", str(c)]) == 0
    capsys.readouterr()
    assert _fingerprint(a) == _fingerprint(b)
    assert _fingerprint(a) != _fingerprint(c)


def test_demo_if_missing_leaves_an_existing_database_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.sqlite3"
    assert main(["demo", "--patients", "10", "--encounters", "20", "--db", str(db)]) == 0
    before = _fingerprint(db)
    assert main(["demo", "--if-missing", "--db", str(db)]) == 0
    assert "already exists" in capsys.readouterr().out
    assert _fingerprint(db) == before


def test_demo_refuses_to_overwrite_a_practice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.sqlite3"
    assert main(["demo", "--patients", "10", "--encounters", "20", "--db", str(db)]) == 0
    assert main(["demo", "--patients", "10", "--encounters", "20", "--db", str(db)]) == 1
    assert "already holds a practice" in capsys.readouterr().err


def test_the_import_schema_command_prints_the_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-schema"]) == 0
    published = json.loads((Path(__file__).parents[1] / "docs" / "import-schema.json").read_text())
    assert json.loads(capsys.readouterr().out) == published
