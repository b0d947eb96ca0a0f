"""`claimdesk claims build`, `claimdesk scrub`, `claimdesk claims findings/override` and `claimdesk rules`,
driven as a biller would from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.domain.import_format import ImportFile
from app.services.container import open_services
from tests.factories import practice_document


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "practice.sqlite3"
    desk = open_services(path, user="tester")
    desk.importer.import_data(ImportFile.model_validate(practice_document()))
    desk.close()
    return path


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_build_then_scrub_prints_the_documented_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", "build", "--db", str(db), "--json"]) == 0
    assert _json(capsys) == {"claims": 2, "self_pay_encounters": 1}
    assert main(["scrub", "--db", str(db), "--json", "--today", "2026-03-20"]) == 0
    out = _json(capsys)
    assert out["claims"] == 2 and out["clean"] == 2 and out["findings"] == []
    assert out["clean_claim_rate"] == "100.0" and len(out["editions"]) == 3


def test_a_rule_makes_a_finding_that_can_be_read_and_overridden(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["claims", "build", "--db", str(db)])
    rule = '{"kind": "require_modifier", "codes": ["99213"], "modifier": "25", "with_codes": ["36415"]}'
    assert main(["rules", "add", "--db", str(db), "--payer", "TST01", "--name", "E/M with draw", "--rule", rule]) == 0
    capsys.readouterr()
    assert main(["scrub", "--db", str(db), "--claim", "CD00000001", "--json", "--today", "2026-03-20"]) == 0
    out = _json(capsys)
    assert out["claims"] == 1 and out["clean"] == 0 and out["needs_attention"] == 1
    (finding,) = out["findings"]
    assert set(finding) == {"claim", "edit", "severity", "message", "line"}
    assert (finding["claim"], finding["edit"], finding["severity"], finding["line"]) == (
        "CD00000001",
        "PAYER-RULE",
        "error",
        1,
    )
    assert main(["claims", "findings", "CD00000001", "--db", str(db), "--json"]) == 0
    (row,) = _json(capsys)
    assert row["field"] == "coding.line.1.modifiers"
    assert (
        main(["claims", "override", str(row["id"]), "--reason", "Payer waived it by phone", "--db", str(db), "--json"])
        == 0
    )
    assert _json(capsys) == {
        "finding": row["id"],
        "overridden_by": row["overridden_by"] or _user(),
        "claim_status": "ready",
    }


def _user() -> str:
    from app.services.container import current_user

    return current_user()


def test_rules_list_and_switch_off(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list", "--db", str(db)]) == 0
    assert "No payer rules yet" in capsys.readouterr().out
    main(["rules", "add", "--db", str(db), "--name", "one pointer", "--rule", '{"kind": "max_pointers", "max": 1}'])
    capsys.readouterr()
    assert main(["rules", "list", "--db", str(db), "--json"]) == 0
    (rule,) = _json(capsys)
    assert rule["payer"] == "every payer" and rule["active"] is True and rule["rule"]["max"] == 1
    assert main(["rules", "off", str(rule["id"]), "--db", str(db)]) == 0
    capsys.readouterr()
    main(["rules", "list", "--db", str(db), "--json"])
    assert _json(capsys)[0]["active"] is False


def test_bad_input_gets_a_clear_message_and_a_nonzero_exit(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "add", "--db", str(db), "--name", "x", "--rule", "{not json"]) != 0
    assert "not JSON" in capsys.readouterr().err
    assert main(["rules", "add", "--db", str(db), "--name", "x", "--rule", '{"kind": "max_units"}']) != 0
    assert "max" in capsys.readouterr().err
    assert main(["scrub", "--db", str(db), "--claim", "CD99999999"]) != 0
    assert "No claim" in capsys.readouterr().err


def test_claim_details_are_set_from_the_command_line(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.factories import npi

    args = ["coding", "details", "E1", "--prior-auth", "au-9", "--referring", npi(4), "--db", str(db), "--json"]
    assert main(args) == 0
    out = _json(capsys)
    assert out["prior_authorization"] == "AU-9" and out["referring"] == "Cara Cole"
    assert main(["coding", "details", "E1", "--referring", "none", "--db", str(db), "--json"]) == 0
    assert _json(capsys)["referring"] is None


def test_print_and_export_from_the_command_line(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.formats.x12 import validate_x12

    main(["claims", "build", "--db", str(db)])
    main(["scrub", "--db", str(db), "--today", "2026-03-20"])
    capsys.readouterr()
    out_837 = tmp_path / "claims.837"
    assert main(["claims", "export-837p", "--ready", "-o", str(out_837), "--db", str(db), "--json"]) == 0
    (exported,) = _json(capsys)
    assert exported["claims"] == 1 and exported["total_charge"] == "175.00"
    assert exported["interchange_control_number"] == "000000001" and exported["transaction_control_numbers"]
    assert validate_x12(out_837.read_text()) == []
    pdf = tmp_path / "forms.pdf"
    assert (
        main(["claims", "print-1500", "--claim", "CD00000002", "--mode", "red", "-o", str(pdf), "--db", str(db)]) == 0
    )
    printed = capsys.readouterr().out
    assert "1 claim(s) on 1 form(s), total charge $220.00" in printed and pdf.exists()
    assert main(["claims", "print-1500", "--ready", "-o", str(tmp_path / "none.pdf"), "--db", str(db)]) != 0
    assert "none is ready" in capsys.readouterr().err
