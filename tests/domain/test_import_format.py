"""The import format validates every record and names where a problem is."""

from __future__ import annotations

import pytest

from app.domain.import_format import ImportFile, is_valid_npi, json_schema
from app.errors import ValidationError
from app.services.importer import parse_import
from tests.factories import document, practice_document


def test_the_sample_practice_is_valid() -> None:
    data = ImportFile.model_validate(practice_document())
    assert len(data.encounters) == 5
    assert data.encounters[0].diagnoses == ["E119", "I10"]  # dots are dropped, as stored


def test_npi_check_digit_follows_luhn_with_the_80840_prefix() -> None:
    assert is_valid_npi("1234567893")  # the CMS published example
    assert not is_valid_npi("1234567890")
    assert not is_valid_npi("123456789")


def test_a_bad_field_is_named_by_its_json_path() -> None:
    doc = practice_document()
    doc["patients"][1]["date_of_birth"] = "1985-13-45"
    doc["encounters"][0]["service_lines"][0]["code"] = "9921"
    with pytest.raises(ValidationError) as err:
        parse_import(__import__("json").dumps(doc))
    text = str(err.value)
    assert "patients[1].date_of_birth" in text
    assert "encounters[0].service_lines[0].code" in text
    assert "nothing was imported" in text


def test_json_syntax_errors_give_line_and_column() -> None:
    with pytest.raises(ValidationError, match=r"line 2, column"):
        parse_import('{"format": "claimdesk-import",\n "version": 1 oops}')


def test_pointers_beyond_the_diagnosis_list_are_refused() -> None:
    doc = practice_document()
    doc["encounters"][1]["service_lines"][0]["pointers"] = [1, 3]
    with pytest.raises(ValidationError, match="points at diagnosis 3"):
        parse_import(__import__("json").dumps(doc))


def test_a_held_encounter_needs_its_query() -> None:
    doc = practice_document()
    del doc["encounters"][4]["query_text"]
    with pytest.raises(ValidationError, match="hold_reason and query_text"):
        parse_import(__import__("json").dumps(doc))


def test_money_with_fractions_of_a_cent_is_refused() -> None:
    doc = practice_document()
    doc["charge_master"][0]["price"] = "150.005"
    with pytest.raises(ValidationError, match=r"charge_master\[0\]\.price"):
        parse_import(__import__("json").dumps(doc))


def test_json_numbers_for_money_are_read_exactly() -> None:
    text = __import__("json").dumps(document()).replace('"150.00"', "150.10")
    data = parse_import(text)
    assert str(data.charge_master[0].price) == "150.10"


def test_the_published_json_schema_matches_the_models() -> None:
    import json
    from pathlib import Path

    published = json.loads((Path(__file__).parents[2] / "docs" / "import-schema.json").read_text())
    assert published == json_schema(), "run: claimdesk import-schema -o docs/import-schema.json"
