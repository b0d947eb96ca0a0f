"""Editable fields as data: dates and numbers as billers type them, rules taken from the import format, paths."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from decimal import Decimal

import pytest

from app.domain.demographics import (
    COVERAGE_FIELDS,
    COVERAGE_SPECS,
    PATIENT_FIELDS,
    PATIENT_SPECS,
    RELATIONSHIP_CHOICES,
    CoverageEdit,
    PatientEdit,
    describe_patient_path,
)
from app.domain.fields import (
    KEEP,
    FieldPath,
    FieldProblem,
    FieldProblems,
    parse_assignments,
    parse_date,
    parse_field_path,
)
from app.domain.practice_setup import (
    PAYER_FIELDS,
    PRACTICE_FIELDS,
    PRACTICE_SPECS,
    PROVIDER_FIELDS,
    PayerEdit,
    PracticeEdit,
    ProviderEdit,
    describe_setup_path,
)


@pytest.mark.parametrize("text", ["03/04/1950", "3/4/1950", "03041950", "1950-03-04", " 3-4-1950 "])
def test_a_date_is_read_however_billers_type_it(text: str) -> None:
    assert parse_date(text) == dt.date(1950, 3, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3/4/50", "type the year in full, e.g. 03/04/1950"),
        ("02/30/2020", "not a date on the calendar"),
        ("soon", "MM"),
    ],
)
def test_a_date_that_cannot_be_read_says_what_to_type(text: str, message: str) -> None:
    with pytest.raises(FieldProblem, match=message):
        parse_date(text)


def test_typed_text_is_cleaned_then_checked_by_the_import_formats_rules() -> None:
    assert PATIENT_SPECS["zip"].read("17013-1234") == "170131234"
    assert PATIENT_SPECS["phone"].read("(717) 555-0100") == "7175550100"
    assert PATIENT_SPECS["state"].read(" pa ") == "PA"
    assert PATIENT_SPECS["phone"].read("") is None  # optional: blank clears it
    assert COVERAGE_SPECS["copay"].read("$1,025.5") == Decimal("1025.50")
    with pytest.raises(FieldProblem, match="required"):
        PATIENT_SPECS["last_name"].read("  ")
    with pytest.raises(FieldProblem, match="5 digits, or 9 for ZIP\\+4"):
        PATIENT_SPECS["zip"].read("170131")
    with pytest.raises(FieldProblem, match="valid check digit"):
        PRACTICE_SPECS["npi"].read("1234567890")
    with pytest.raises(FieldProblem, match="at most 60 characters"):
        PATIENT_SPECS["last_name"].read("x" * 61)


def test_relationship_codes_are_the_import_formats_with_their_names() -> None:
    assert [code for code, _ in RELATIONSHIP_CHOICES] == ["18", "01", "19", "20", "21", "39", "40", "53", "G8"]
    assert COVERAGE_SPECS["relationship_code"].read("child") == "19"
    assert COVERAGE_SPECS["relationship_code"].read("g8") == "G8"


@pytest.mark.parametrize(
    ("specs", "edit"),
    [
        (PATIENT_FIELDS, PatientEdit),
        (COVERAGE_FIELDS, CoverageEdit),
        (PRACTICE_FIELDS, PracticeEdit),
        (PROVIDER_FIELDS, ProviderEdit),
        (PAYER_FIELDS, PayerEdit),
    ],
)
def test_every_field_of_an_edit_has_a_spec_and_nothing_else_does(specs: tuple, edit: type) -> None:
    assert sorted(f.name for f in fields(edit)) == sorted(s.name for s in specs)


def test_an_edit_says_which_fields_it_changes() -> None:
    edit = PatientEdit(zip="17013", middle_name=None)
    assert edit.changed() == {"zip": "17013", "middle_name": None}
    assert edit.last_name is KEEP and bool(edit) and not PatientEdit()


def test_field_paths_read_as_the_scrubber_writes_them() -> None:
    assert parse_field_path("patient.zip") == FieldPath("patient", "zip")
    assert parse_field_path("coverage.2.subscriber_date_of_birth") == FieldPath(
        "coverage", "subscriber_date_of_birth", "2"
    )
    assert str(FieldPath("payer", "payer_id", "4")) == "payer.4.payer_id"
    for other in ("coding.line.1.units", "patient", "coverage.member_id", "", "practice.a.b"):
        assert parse_field_path(other) is None
    assert describe_patient_path("coverage.2.member_id") == "Secondary coverage: member ID"
    assert describe_setup_path("practice.zip") == "Billing provider ZIP+4"


def test_command_line_assignments_report_every_problem_at_once() -> None:
    assert parse_assignments(["zip=17013", "statement_hold=yes"], PATIENT_FIELDS, "patient") == {
        "zip": "17013",
        "statement_hold": True,
    }
    with pytest.raises(FieldProblems) as caught:
        parse_assignments(["zip=1", "sex", "nope=1"], PATIENT_FIELDS, "patient", describe=describe_patient_path)
    assert set(caught.value.fields) == {"patient.zip", "patient.sex", "patient.nope"}
    assert "Patient ZIP: 5 digits" in str(caught.value)
