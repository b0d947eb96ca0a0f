"""`claimdesk import`: everything validated first, one transaction, and the same file twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.services.container import Services
from db.models import CoverageRecord, EncounterRecord, PatientRecord, ServiceLineRecord
from tests.factories import practice_document


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(doc))
    return path


def _count(services: Services, model: type) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_a_practice_file_creates_every_record(services: Services, tmp_path: Path) -> None:
    summary = services.importer.import_file(_write(tmp_path, practice_document()))
    counts = summary.as_dict()
    assert counts["patients"]["created"] == 4
    assert counts["coverages"]["created"] == 4
    assert counts["encounters"]["created"] == 5
    assert counts["charge_master"]["created"] == 4
    assert _count(services, ServiceLineRecord) == 4


def test_importing_the_same_file_twice_changes_nothing(services: Services, tmp_path: Path) -> None:
    path = _write(tmp_path, practice_document())
    services.importer.import_file(path)
    again = services.importer.import_file(path)
    assert again.changed == 0
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.as_dict().values())
    assert _count(services, PatientRecord) == 4
    assert _count(services, EncounterRecord) == 5


def test_a_changed_record_is_updated_in_place(services: Services, tmp_path: Path) -> None:
    services.importer.import_file(_write(tmp_path, practice_document()))
    doc = practice_document()
    doc["patients"][1]["phone"] = "7175559999"
    doc["encounters"][2]["note"] = "Ear pain, left, two days."
    summary = services.importer.import_file(_write(tmp_path, doc))
    assert summary.as_dict()["patients"] == {"created": 0, "updated": 1, "unchanged": 3}
    assert summary.as_dict()["encounters"]["updated"] == 1
    with services.db.session() as s:
        assert s.scalar(select(PatientRecord.phone).where(PatientRecord.account_number == "P002")) == "7175559999"


def test_charges_default_to_the_charge_master_price_times_units(loaded: Services) -> None:
    with loaded.db.session() as s:
        enc = s.scalar(select(EncounterRecord).where(EncounterRecord.source_id == "E1"))
        assert [ln.charge_cents for ln in enc.service_lines] == [15000, 2500]
        assert enc.total_charge_cents == 17500


def test_a_bad_reference_names_the_record_and_writes_nothing(services: Services, tmp_path: Path) -> None:
    doc = practice_document()
    doc["encounters"][3]["rendering_npi"] = "1234567893"
    with pytest.raises(ValidationError) as err:
        services.importer.import_file(_write(tmp_path, doc))
    assert "encounters[3].rendering_npi" in str(err.value)
    assert _count(services, PatientRecord) == 0, "a failed import must write nothing"


def test_a_failure_late_in_the_file_rolls_back_the_whole_import(services: Services, tmp_path: Path) -> None:
    doc = practice_document()
    # Valid JSON and references, but a code not priced anywhere is found only while checking references.
    doc["encounters"][4]["service_lines"] = [{"code": "99999"}]
    with pytest.raises(ValidationError, match="not in the charge master"):
        services.importer.import_file(_write(tmp_path, doc))
    assert _count(services, CoverageRecord) == 0


def test_an_unreadable_file_gives_a_clear_message(services: Services, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(ValidationError, match="cannot read the file"):
        services.importer.import_file(bad)
    with pytest.raises(ValidationError, match="not valid JSON"):
        services.importer.import_file(_write(tmp_path, {}) if False else _text(tmp_path, "[1, 2"))


def _text(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.json"
    path.write_text(text)
    return path


def test_billed_encounters_are_not_rewritten_by_a_later_import(loaded: Services, tmp_path: Path) -> None:
    loaded.claims.build_claims()
    doc = practice_document()
    doc["encounters"][0]["diagnoses"] = ["E11.65", "I10"]
    summary = loaded.importer.import_file(_write(tmp_path, doc))
    assert summary.as_dict()["encounters"]["locked"] == 1
    with loaded.db.session() as s:
        enc = s.scalar(select(EncounterRecord).where(EncounterRecord.source_id == "E1"))
        assert [d.code for d in enc.diagnoses] == ["E119", "I10"]


def test_primary_payer_is_taken_from_the_coverage_in_force(loaded: Services) -> None:
    with loaded.db.session() as s:
        rows = dict(s.execute(select(EncounterRecord.source_id, EncounterRecord.primary_payer_id)).all())
    assert rows["E4"] is None  # self-pay patient
    assert rows["E1"] is not None and rows["E2"] is not None and rows["E1"] != rows["E2"]
