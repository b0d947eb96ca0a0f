"""`claimdesk patient|coverage|practice|provider|payer`: show and correct demographics and setup headless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import build_parser, main
from tests.factories import npi, practice_document


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path, doc = tmp_path / "p.sqlite3", tmp_path / "practice.json"
    doc.write_text(json.dumps(practice_document()))
    assert main(["import", str(doc), "--db", str(path)]) == 0
    capsys.readouterr()
    return str(path)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_patient_show_prints_demographics_and_coverages(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "patient", "show", "P003", "--db", db)
    assert isinstance(shown, dict)
    assert (shown["account_number"], shown["date_of_birth"], shown["guarantor_account"]) == (
        "P003",
        "2015-01-02",
        "P002",
    )
    (coverage,) = shown["coverages"]
    assert (coverage["payer_code"], coverage["relationship_code"], coverage["subscriber_first_name"]) == (
        "TST02",
        "19",
        "Bob",
    )

    assert main(["patient", "show", "P001", "--db", db]) == 0
    text = capsys.readouterr().out
    assert text.startswith("P001  Zephyr, Alice")
    assert "Primary coverage: Test Medicare (TST01)" in text and "relationship_code         18 Self" in text


def test_patient_set_reads_values_as_billers_type_them(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(
        capsys,
        "patient",
        "set",
        "P002",
        "zip=17013-4321",
        "phone=(717) 555-0199",
        "state=pa",
        "date_of_birth=7/9/1985",
        "sex=male",
        "middle_name=",
        "--db",
        db,
    )
    assert isinstance(shown, dict)
    assert (shown["zip"], shown["phone"], shown["state"], shown["date_of_birth"], shown["sex"]) == (
        "170134321",
        "7175550199",
        "PA",
        "1985-07-09",
        "M",
    )
    assert shown["middle_name"] is None


def test_patient_set_names_every_bad_field_and_changes_nothing(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["patient", "set", "P002", "zip=1701", "sex=X", "date_of_birth=13/40/1985", "shoe=9", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "Nothing was saved; fix 4 problems first" in err
    assert "Patient ZIP: 5 digits, or 9 for ZIP+4" in err
    assert "Patient sex: choose one of Male, Female, Unknown" in err
    assert "Patient date of birth: '13/40/1985' is not a date on the calendar" in err
    assert "no field 'shoe'; the fields are: last_name, first_name" in err
    shown = run_json(capsys, "patient", "show", "P002", "--db", db)
    assert isinstance(shown, dict) and shown["zip"] == "170131234"


def test_coverage_set_moves_the_secondary_to_primary(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "coverage", "set", "P001", "2", "priority=1", "copay=12.5", "--db", db)
    assert isinstance(shown, dict)
    assert [(c["priority"], c["payer_code"], c["copay"]) for c in shown["coverages"]] == [
        (1, "TST02", "12.50"),
        (2, "TST01", "0.00"),
    ]


def test_coverage_set_refuses_a_subscriber_who_is_not_the_patient_on_a_self_coverage(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["coverage", "set", "P001", "1", "subscriber_date_of_birth=01/01/1960", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "Primary coverage: subscriber date of birth: the patient is the subscriber" in err
    assert main(["coverage", "set", "P002", "3", "member_id=X1", "--db", db]) == 1
    assert "has no coverage of priority 3" in capsys.readouterr().err


def test_coverage_add_names_the_payer_by_its_payer_id(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(
        capsys,
        "coverage",
        "add",
        "P004",
        "payer_id=TST01",
        "member_id=MCR004",
        "effective_from=01/01/2026",
        "--db",
        db,
    )
    assert isinstance(shown, dict)
    assert [(c["priority"], c["payer_code"], c["member_id"]) for c in shown["coverages"]] == [(1, "TST01", "MCR004")]
    assert main(["coverage", "add", "P004", "payer_id=NOPE", "member_id=X2", "effective_from=2026-01-01", "--db", db])
    assert "No payer with payer id 'NOPE'" in capsys.readouterr().err


def test_practice_show_and_set_sit_beside_the_pricing_actions(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "practice", "show", "--db", db)
    assert isinstance(shown, dict) and shown["zip"] == "170131234" and shown["tin_type"] == "EIN"

    updated = run_json(capsys, "practice", "set", "zip=17013-0042", "tin=99-0000001", "--db", db)
    assert isinstance(updated, dict) and (updated["zip"], updated["tin"]) == ("170130042", "990000001")

    assert main(["practice", "set", "npi=1234567890", "--db", db]) == 1
    assert "Billing provider group NPI: 10 digits ending in a valid check digit" in capsys.readouterr().err

    args = build_parser().parse_args(["practice", "derive-charge-master", "--percent", "150"])
    assert args.practice_command == "derive-charge-master"


def test_payer_set_checks_timely_filing_and_names_the_payer(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["payer", "set", "TST02", "timely_filing_days=0", "--db", db]) == 1
    assert "Payer TST02: timely filing (days): a number of days from 1 to 3650" in capsys.readouterr().err

    rows = run_json(
        capsys, "payer", "set", "tst02", "timely_filing_days=120", "submission_method=electronic", "--db", db
    )
    assert isinstance(rows, list)
    assert (rows[0]["timely_filing_days"], rows[0]["submission_method"]) == (120, "electronic")
    listed = run_json(capsys, "payer", "list", "--db", db)
    assert isinstance(listed, list) and [p["payer_id"] for p in listed] == ["TST02", "TST01"]


def test_provider_set_finds_the_provider_by_npi(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "provider", "set", npi(4), "credential=NP", "role=rendering", "--db", db)
    assert isinstance(rows, list) and (rows[0]["last_name"], rows[0]["credential"], rows[0]["role"]) == (
        "Cole",
        "NP",
        "rendering",
    )
    assert main(["provider", "list", "--db", db]) == 0
    assert "Cole, Cara, NP" in capsys.readouterr().out
