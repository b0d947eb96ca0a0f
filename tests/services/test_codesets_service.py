"""The release calendar, imports of newer releases with their diff, and what they mean for open work."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.domain.import_format import ImportFile
from app.errors import ValidationError
from app.services.codesets import CodeSetService, system_of
from app.services.container import Services, open_services
from tests.factories import practice_document

SAMPLE_FY2027 = Path(__file__).parents[1] / "fixtures" / "icd10cm_fy2027_sample.xml"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def shipped_copy(tmp_path_factory: pytest.TempPathFactory, codeset_db: Path) -> Path:
    target = tmp_path_factory.mktemp("codes") / "codesets.sqlite3"
    shutil.copy(codeset_db, target)
    return target


@pytest.fixture(scope="module")
def after_fy2027(tmp_path_factory: pytest.TempPathFactory, codeset_db: Path):
    """A practice with an open encounter in October 2026, and a code-set copy before and after FY2027."""
    folder = tmp_path_factory.mktemp("fy2027")
    codes = folder / "codesets.sqlite3"
    shutil.copy(codeset_db, codes)
    desk = open_services(folder / "practice.sqlite3", user="tester", codesets_path=codes)
    doc = practice_document()
    doc["encounters"].append(
        {
            "source_id": "E-OCT",
            "account_number": "P002",
            "date_of_service": "2026-10-15",
            "rendering_npi": doc["providers"][0]["npi"],
            "facility_code": "MAIN",
            "status": "coded",
            "note": "Follow-up.",
            "diagnoses": ["E11.9", "I10"],
            "service_lines": [{"code": "99213", "pointers": [1, 2]}],
        }
    )
    desk.importer.import_data(ImportFile.model_validate(doc))
    before = desk.code_validity.invalid_codes()
    warning_before = desk.codesets.coverage_warning("icd10cm", TODAY)
    diff = desk.codesets.import_icd10cm(SAMPLE_FY2027)
    yield desk, before, warning_before, diff
    desk.close()


def test_codes_are_recognised_by_their_shape() -> None:
    assert system_of("E11.9") == "icd10cm" and system_of("e119") == "icd10cm"
    assert system_of("J3420") == "hcpcs" and system_of("99213") == "cpt" and system_of("0001F") == "cpt"
    assert system_of("hello") is None


def test_every_shipped_release_knows_its_period(shipped_copy: Path) -> None:
    codes = CodeSetService(shipped_copy)
    icd = codes.release_for("icd10cm", dt.date(2026, 5, 1))
    assert icd is not None and icd.name == "FY2026"
    assert (icd.effective_from, icd.effective_to) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    assert codes.release_for("hcpcs") is not None and codes.release_for("mpfs") is not None
    codes.close()


def test_a_date_past_the_loaded_release_is_said_plainly(shipped_copy: Path) -> None:
    codes = CodeSetService(shipped_copy)
    assert codes.coverage_warning("icd10cm", TODAY) == "ICD-10-CM FY2027 is not loaded; import it."
    assert codes.coverage_warning("icd10cm", dt.date(2026, 9, 30)) is None
    assert codes.coverage_warning("hcpcs", dt.date(2026, 5, 1)) == (
        "HCPCS 2026 Q2 (April file) is not loaded; import it."
    )
    assert codes.coverage_warning("mpfs", dt.date(2026, 2, 1)) == (
        "Medicare Physician Fee Schedule 2026 is not loaded; import it."
    )
    valid, reason = codes.is_valid("E11.9", TODAY)
    assert not valid and "FY2027 is not loaded" in reason
    codes.close()


def test_validity_follows_the_release_in_force_on_the_date(shipped_copy: Path) -> None:
    codes = CodeSetService(shipped_copy)
    assert codes.is_valid("E11.9", dt.date(2026, 3, 1)) == (True, "valid in ICD-10-CM FY2026")
    valid, reason = codes.is_valid("E11", dt.date(2026, 3, 1))
    assert not valid and "header" in reason
    valid, reason = codes.is_valid("E11.99", dt.date(2026, 3, 1))
    assert not valid and "does not exist" in reason
    codes.close()


def test_importing_the_next_release_reports_what_changed(after_fy2027) -> None:
    _desk, _before, _warning, diff = after_fy2027
    assert (diff.old, diff.new, diff.system) == ("FY2026", "FY2027", "icd10cm")
    assert ("E11.B", "Type 2 diabetes mellitus with invented test complication") in diff.added
    revised = {code: (old, new) for code, old, new in diff.revised}
    assert revised["E11.65"] == (
        "Type 2 diabetes mellitus with hyperglycemia",
        "Type 2 diabetes mellitus with hyperglycemia, persistent",
    )
    deleted = {code for code, _ in diff.deleted}
    assert "E11.9" in deleted and "S52.521G" in deleted and "I10" not in deleted
    assert "S52.521A" not in deleted and "S52.521A" not in {c for c, _ in diff.added}


def test_older_dates_keep_the_older_release(after_fy2027) -> None:
    desk, _before, warning_before, _diff = after_fy2027
    assert warning_before == "ICD-10-CM FY2027 is not loaded; import it."
    assert desk.codesets.coverage_warning("icd10cm", TODAY) is None
    assert desk.codesets.is_valid("E11.9", dt.date(2026, 9, 30))[0]
    valid, reason = desk.codesets.is_valid("E11.9", dt.date(2026, 10, 1))
    assert not valid and "FY2027" in reason
    assert desk.codesets.detail("E11.9", on=dt.date(2026, 5, 1)).billable
    assert desk.codesets.detail("E11.9", on=dt.date(2026, 11, 1)) is None


def test_open_encounters_with_codes_invalid_for_their_date_are_listed(after_fy2027) -> None:
    desk, before, _warning, _diff = after_fy2027
    flagged_before = {(r.where, r.code): r.reason for r in before}
    assert "not loaded" in flagged_before[("encounter E-OCT", "E11.9")]
    assert "not loaded" in flagged_before[("encounter E-OCT", "I10")]
    after = {(r.where, r.code): r.reason for r in desk.code_validity.invalid_codes()}
    assert "does not exist in ICD-10-CM FY2027" in after[("encounter E-OCT", "E11.9")]
    assert ("encounter E-OCT", "I10") not in after
    assert not [k for k in after if k[0] == "encounter E1"], "March encounters stay valid under FY2026"


def test_the_same_file_twice_changes_nothing(after_fy2027) -> None:
    desk, *_ = after_fy2027
    again = desk.codesets.import_icd10cm(SAMPLE_FY2027)
    assert again.already_loaded and "already loaded" in again.summary()


def test_a_file_that_is_not_the_tabular_is_refused_by_name(tmp_path: Path, shipped_copy: Path) -> None:
    bad = tmp_path / "notes.xml"
    bad.write_text("<html><body>not ICD</body></html>")
    codes = CodeSetService(shipped_copy)
    with pytest.raises(ValidationError, match="notes.xml"):
        codes.import_icd10cm(bad)
    broken = tmp_path / "broken.xml"
    broken.write_text("<ICD10CM.tabular><version>2027</vers")
    with pytest.raises(ValidationError, match="broken.xml"):
        codes.import_icd10cm(broken)
    codes.close()


def test_cpt_without_a_licensed_file_is_checked_for_shape_and_named_by_the_practice(loaded: Services) -> None:
    detail = loaded.codesets.detail("99213")
    assert detail is not None and detail.description == "Office visit est, low"
    assert "no CPT file" in detail.release
