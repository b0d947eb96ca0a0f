"""`claimdesk codes ...` and `claimdesk practice ...` from the command line, headless."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.cli import main
from app.services.codesets import CODESETS_ENV_VAR
from tests.factories import practice_document

SAMPLE_FY2027 = Path(__file__).parent / "fixtures" / "icd10cm_fy2027_sample.xml"


@pytest.fixture
def own_codesets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private code-set copy, so imports here do not change other tests' code sets."""
    path = tmp_path / "codesets.sqlite3"
    monkeypatch.setenv(CODESETS_ENV_VAR, str(path))
    return path


@pytest.fixture
def practice_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db, doc = tmp_path / "p.sqlite3", tmp_path / "practice.json"
    doc.write_text(json.dumps(practice_document()))
    assert main(["import", str(doc), "--db", str(db)]) == 0
    capsys.readouterr()
    return db


def test_search_prints_the_documented_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "codes",
                "search",
                "diabetes type 2 with neuropathy",
                "--json",
                "--limit",
                "5",
                "--db",
                str(tmp_path / "p.sqlite3"),
            ]
        )
        == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["code"] == "E11.40"
    assert set(hits[0]) == {"code", "system", "description", "billable", "why"}
    assert hits[0]["billable"] is True and hits[0]["system"] == "icd10cm"


def test_search_reads_one_query_per_line_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("htn\n\nJ3420\n"))
    assert main(["--db", str(tmp_path / "p.sqlite3"), "codes", "search", "--stdin", "--limit", "3"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["htn", "J3420"]
    assert lines[0]["results"][0]["code"] == "I10"
    assert lines[1]["results"][0]["code"] == "J3420"


def test_search_can_be_narrowed_to_one_code_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["codes", "search", "vitamin b12", "--system", "hcpcs", "--json", "--db", str(tmp_path / "p.sqlite3")])
        == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert hits and all(h["system"] == "hcpcs" for h in hits)


def test_show_gives_notes_parent_dates_and_the_medicare_fee(
    practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codes", "show", "E11.9", "--json", "--db", str(practice_db)]) == 0
    e119 = json.loads(capsys.readouterr().out)
    assert e119["billable"] is True and e119["parent"] == "E11"
    assert any(n["kind"] == "excludes1" and "E10" in n["text"] for n in e119["notes"])
    assert (e119["valid_from"], e119["valid_to"]) == ("2025-10-01", "2026-09-30")
    assert main(["codes", "show", "G0439", "--json", "--db", str(practice_db)]) == 0
    g0439 = json.loads(capsys.readouterr().out)
    assert g0439["medicare_fee"]["locality"] and float(g0439["medicare_fee"]["amount"]) > 0


def test_show_refuses_an_unknown_code_in_plain_words(practice_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes", "show", "E11.99", "--db", str(practice_db)]) == 1
    assert "No code 'E11.99'" in capsys.readouterr().err


def test_stats_count_every_code_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes", "stats", "--json", "--db", str(tmp_path / "p.sqlite3")]) == 0
    stats = json.loads(capsys.readouterr().out)
    systems = {r["system"]: r for r in stats["releases"]}
    assert systems["icd10cm"]["billable"] > 70_000 and systems["hcpcs"]["codes"] == 8_623
    assert stats["carc"] == 291 and stats["rarc"] == 1_083 and stats["taxonomy"] == 883


def test_importing_the_next_icd10cm_release_prints_its_diff(
    own_codesets: Path, practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codes", "import-icd10cm", str(SAMPLE_FY2027), "--json", "--db", str(practice_db)]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["new"] == "FY2027" and diff["old"] == "FY2026"
    assert ["E11.B", "Type 2 diabetes mellitus with invented test complication"] in diff["added"]
    assert main(["codes", "import-icd10cm", str(SAMPLE_FY2027), "--db", str(practice_db)]) == 0
    assert "already loaded" in capsys.readouterr().out


def test_importing_a_licensed_cpt_file_describes_cpt_codes(
    own_codesets: Path, tmp_path: Path, practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    licensed = tmp_path / "cpt.csv"
    licensed.write_text("code,short,medium,long\n99213,Invented short,Invented medium,Invented long text\n")
    assert (
        main(
            [
                "codes",
                "import-cpt",
                str(licensed),
                "--name",
                "CPT test",
                "--effective",
                "2026-01-01",
                "--db",
                str(practice_db),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["codes", "show", "99213", "--json", "--db", str(practice_db)]) == 0
    assert "Invented" in json.loads(capsys.readouterr().out)["description"]


def test_the_charge_master_is_derived_from_medicare(practice_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["practice", "derive-charge-master", "--percent", "180", "--json", "--db", str(practice_db)]) == 0
    result = json.loads(capsys.readouterr().out)
    rows = {r["code"]: r for r in result["rows"]}
    assert result["changed"] >= 2 and rows["99213"]["new"] is not None
    assert (
        main(
            [
                "practice",
                "derive-fee-schedule",
                "--payer",
                "TST02",
                "--percent",
                "110",
                "--effective",
                "2026-01-01",
                "--db",
                str(practice_db),
            ]
        )
        == 0
    )


def test_a_newer_carc_list_adds_and_revises_codes(
    own_codesets: Path, tmp_path: Path, practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = tmp_path / "carc.tsv"
    newer.write_text("45\tCharge exceeds fee schedule (revised wording for the test)\n999\tAn invented new reason\n")
    assert (
        main(
            [
                "codes",
                "import-adjustment-codes",
                "carc",
                str(newer),
                "--name",
                "CARC test",
                "--effective",
                "2026-07-01",
                "--json",
                "--db",
                str(practice_db),
            ]
        )
        == 0
    )
    diff = json.loads(capsys.readouterr().out)
    assert ["999", "An invented new reason"] in diff["added"]
    assert [r[0] for r in diff["revised"]] == ["45"]
    assert main(["codes", "stats", "--json", "--db", str(practice_db)]) == 0
    assert json.loads(capsys.readouterr().out)["carc"] == 292, "codes missing from the newer list are kept"


def test_suggest_prints_codes_with_evidence_offsets_into_the_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = (
        "CC: follow-up.\nHPI: Type 2 diabetic with numbness in both feet. Denies chest pain. No fever.\n"
        "Assessment: Type 2 diabetes mellitus with diabetic neuropathy. Essential hypertension.\n"
    )
    path = tmp_path / "note.txt"
    path.write_text(note)
    assert main(["suggest", "--note", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"diagnoses", "em", "gaps"} <= set(out)
    codes = [d["code"] for d in out["diagnoses"]]
    assert codes[:2] == ["E11.40", "I10"]
    assert "R07.9" not in codes and "R50.9" not in codes, "negated findings are never proposed"
    for d in out["diagnoses"]:
        assert set(d) >= {"code", "description", "confidence", "evidence"}
        for e in d["evidence"]:
            assert note[e["start"] : e["end"]] == e["text"]


def test_an_encounter_is_coded_held_and_made_ready_from_the_command_line(
    practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "coding",
                "code",
                "E3",
                "--dx",
                "H66.92",
                "R50.9",
                "--line",
                "99213:AB",
                "--json",
                "--db",
                str(practice_db),
            ]
        )
        == 0
    )
    saved = json.loads(capsys.readouterr().out)
    assert saved["status"] == "in_coding" and saved["diagnoses"] == ["H66.92", "R50.9"]
    assert saved["lines"][0]["pointers"] == "AB" and saved["lines"][0]["charge"] == "150.00"
    assert (
        main(
            [
                "coding",
                "hold",
                "E3",
                "--reason",
                "laterality missing",
                "--query",
                "Which ear?",
                "--db",
                str(practice_db),
            ]
        )
        == 0
    )
    assert "status on_hold" in capsys.readouterr().out
    assert main(["coding", "code", "E3", "--dx", "H66.9", "--db", str(practice_db)]) == 1
    assert "header" in capsys.readouterr().err
    assert (
        main(
            [
                "coding",
                "code",
                "E3",
                "--dx",
                "H66.92",
                "--line",
                "99213:A",
                "--ready",
                "--json",
                "--db",
                str(practice_db),
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["status"] == "ready_to_bill"
    assert (
        main(
            [
                "coding",
                "eligibility",
                "E3",
                "--result",
                "active",
                "--on",
                "2026-03-01",
                "--json",
                "--db",
                str(practice_db),
            ]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["coverages"][0]["eligibility"].startswith("active on 03/01/2026")
    assert main(["coding", "show", "NOPE", "--db", str(practice_db)]) == 1


def test_ncci_warns_in_plain_words_when_no_edition_is_loaded(
    own_codesets: Path, practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codes", "ncci", "--db", str(practice_db)]) == 0
    out = capsys.readouterr().out
    assert "No NCCI PTP edition is loaded: PTP edits (code pairs not billed together) cannot be checked." in out
    assert "Import the CMS practitioner PTP files" in out and "claimdesk codes import-ncci-ptp FILE..." in out
    assert "No NCCI MUE edition is loaded" in out and "No NCCI add-on code edits edition is loaded" in out


def test_importing_an_ncci_edition_shows_it_loaded_and_twice_changes_nothing(
    own_codesets: Path, tmp_path: Path, practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.codesets.test_ncci import write_mue, write_ptp_parts

    parts = [str(p) for p in write_ptp_parts(tmp_path)]
    edition = ["--edition", "v32.3", "--effective", "2026-10-01", "--db", str(practice_db)]
    assert main(["codes", "import-ncci-ptp", *parts, *edition, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["rows_loaded"], result["already_loaded"]) == (8, False)
    assert result["skipped_reasons"] == {"notice or header line": 9}
    assert main(["codes", "import-ncci-ptp", *reversed(parts), *edition]) == 0
    assert "NCCI PTP v32.3 is already loaded from these files; nothing changed." in capsys.readouterr().out
    assert main(["codes", "import-ncci-mue", str(write_mue(tmp_path / "mue.csv")), *edition]) == 0
    assert "NCCI MUE v32.3 (effective 10/01/2026) loaded: 4 rows" in capsys.readouterr().out

    assert main(["codes", "ncci", "--db", str(practice_db)]) == 0
    out = capsys.readouterr().out
    assert "NCCI PTP v32.3 (CMS, effective 10/01/2026): 8 edits" in out
    assert "NCCI MUE v32.3 (CMS, effective 10/01/2026): 4 codes" in out
    assert "No NCCI add-on code edits edition is loaded" in out and "No NCCI PTP" not in out
    assert main(["codes", "ncci", "--json", "--db", str(practice_db)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["editions"]["ncci_ptp"]["rows"] == 8 and shown["editions"]["ncci_aoc"] is None
    assert len(shown["warnings"]) == 1


def test_a_bad_ncci_file_fails_with_its_file_and_line_and_exit_code_1(
    own_codesets: Path, tmp_path: Path, practice_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.codesets.test_ncci import PART1, write_ptp

    bad = write_ptp(tmp_path / "ccipra-v323r0-f1.txt", [*PART1, "99214\t99212\t\t20100101\t*\t7\tMisuse"])
    args = ["codes", "import-ncci-ptp", str(bad), "--edition", "v32.3", "--effective", "2026-10-01"]
    assert main([*args, "--db", str(practice_db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("claimdesk: NCCI PTP v32.3 was not imported, nothing was written")
    assert "ccipra-v323r0-f1.txt line 9: modifier indicator '7' is not 0, 1 or 9" in err
    assert main(["codes", "ncci", "--json", "--db", str(practice_db)]) == 0
    assert json.loads(capsys.readouterr().out)["editions"]["ncci_ptp"] is None
