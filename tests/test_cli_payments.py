"""`claimdesk eob ...`, `claimdesk post-835` and `claimdesk unmatched`, driven as a biller would from a terminal:
Medicare's check for Alice Zephyr's visit (CD00000001: 99213 $150 + 36415 $25) posted line by line, the batch
balanced to the check, a posting undone, and the same payment arriving as an 835."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.domain.era import EraAdjustment, EraClaim
from app.domain.import_format import ImportFile
from app.services.container import open_services
from db.models import EncounterRecord
from tests.factories import bill, practice_document

E1 = "CD00000001"
ALICE_PAID = ["--line", "99213:72.00:90.00:PR-2=18.00", "--line", "36415:16.00:20.00:PR-2=4.00"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "practice.sqlite3"
    desk = open_services(path, user="tester")
    desk.importer.import_data(ImportFile.model_validate(practice_document()))
    bill(desk)
    desk.close()
    return path


def run(db: Path, *args: str) -> int:
    return main([*args, "--db", str(db)])


def out_json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


def open_check(db: Path, capsys: pytest.CaptureFixture[str], amount: str = "88.00") -> int:
    args = ["eob", "open", "--payer", "TST01", "--check", "CHK-1", "--date", "03/20/2026", "--amount", amount]
    assert run(db, *args, "--json") == 0
    return int(out_json(capsys)["batch"])


def balances(db: Path) -> dict[str, int]:
    """Who owes Alice's visit now, from the ledger."""
    desk = open_services(db, user="tester")
    try:
        with desk.db.session() as s:
            patient = s.scalar(select(EncounterRecord.patient_id).where(EncounterRecord.source_id == "E1"))
        assert patient is not None
        return desk.ledger.patient_balance(patient).by_party
    finally:
        desk.close()


# --------------------------------------------------------------------------- paper EOBs


def test_a_check_is_opened_posted_line_by_line_and_finished(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = open_check(db, capsys)

    assert run(db, "eob", "post", str(batch), E1, *ALICE_PAID) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0].startswith(f"Posted {E1} as claim payment ") and text[0].endswith("(processed as primary).")
    assert text[1] == "Paid $88.00; $22.00 to Test Commercial (secondary claim CD00000003 drafted)."
    assert text[2] == (
        f"Batch {batch}: Test Medicare check CHK-1 of 03/20/2026, $88.00; applied $88.00, unapplied $0.00; "
        "1 claim(s) posted; open."
    )
    assert balances(db) == {"ins1": 0, "ins2": 2200, "ins3": 0, "patient": 0}

    assert run(db, "eob", "finish", str(batch), "--json") == 0
    finished = out_json(capsys)
    assert (finished["finished"], finished["applied"], finished["unapplied"]) == (True, "88.00", "0.00")


def test_post_prints_the_documented_json_with_underpayments(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = open_check(db, capsys, "78.00")
    lines = ["--line", "99213:62.00:80.00:PR-2=18.00", "--line", "2:16.00:20.00:PR-2=4.00:N54"]
    assert run(db, "eob", "post", str(batch), E1, *lines, "--payer-claim-number", "MCR555", "--json") == 0
    posted = out_json(capsys)
    assert set(posted) == {
        "claim_payment",
        "claim",
        "status",
        "status_code",
        "paid",
        "to_next_payer",
        "to_patient",
        "denials",
        "underpayments",
        "next_payer_claim",
        "batch",
    }
    assert (posted["claim"], posted["status"], posted["status_code"], posted["paid"]) == (E1, "paid", "1", "78.00")
    assert (posted["to_next_payer"], posted["to_patient"], posted["denials"]) == ("22.00", "0.00", 0)
    assert posted["underpayments"] == [
        {"line": 1, "code": "99213", "allowed": "80.00", "expected_allowed": "90.00", "difference": "10.00"}
    ]
    assert posted["batch"]["unapplied"] == "0.00"


def test_a_denied_line_and_then_patient_are_read_from_the_line_items(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = open_check(db, capsys, "72.00")
    lines = ["--line", "99213:72.00:90.00:PR-2=18.00:then=patient", "--line", "36415:0::CO-97=25.00:M15"]
    assert run(db, "eob", "post", str(batch), E1, *lines, "--json") == 0
    posted = out_json(capsys)
    assert (posted["status"], posted["denials"], posted["to_patient"], posted["to_next_payer"]) == (
        "partially_paid",
        1,
        "18.00",
        "0.00",
    )
    assert balances(db) == {"ins1": 2500, "ins2": 0, "ins3": 0, "patient": 1800}, "the bundled line stays with Medicare"


def test_a_line_that_does_not_balance_posts_nothing_and_says_which(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = open_check(db, capsys)
    assert run(db, "eob", "post", str(batch), E1, "--line", "99213:68.00:90.00:PR-2=18.00") == 1
    err = capsys.readouterr().err
    assert "The EOB does not balance yet; nothing was posted:" in err
    assert "line 1: off by $4.00" in err
    assert run(db, "eob", "post", str(batch), E1, "--line", "99215:10.00") == 1
    assert "has no 99215 left to post; its lines: 1 99213 $150.00, 2 36415 $25.00" in capsys.readouterr().err
    assert run(db, "eob", "post", str(batch), E1, "--line", "99213:ten") == 1
    assert "'ten' is not an amount for paid" in capsys.readouterr().err
    assert balances(db)["ins1"] == 17500


def test_finish_is_refused_while_unapplied_and_parks_the_rest_with_a_reason(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = open_check(db, capsys, "100.00")
    assert run(db, "eob", "post", str(batch), E1, *ALICE_PAID) == 0
    capsys.readouterr()
    assert run(db, "eob", "finish", str(batch)) == 1
    assert "$12.00 of the check is not applied" in capsys.readouterr().err
    assert run(db, "eob", "finish", str(batch), "--park-reason", "Payer overpaid; refund requested", "--json") == 0
    state = out_json(capsys)
    assert (state["finished"], state["parked"], state["unapplied"]) == (True, "12.00", "0.00")


def test_undo_reverses_a_posting_and_the_batches_list_shows_the_money_again(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = open_check(db, capsys)
    assert run(db, "eob", "post", str(batch), E1, *ALICE_PAID, "--json") == 0
    payment = out_json(capsys)["claim_payment"]
    assert run(db, "eob", "undo", str(payment), "--reason", "Posted to the wrong patient", "--json") == 0
    undone = out_json(capsys)
    assert undone["undone"] is True and undone["batch"]["unapplied"] == "88.00"
    assert balances(db)["ins1"] == 17500
    assert run(db, "eob", "batches") == 0
    assert "applied $0.00, unapplied $88.00" in capsys.readouterr().out
    assert run(db, "eob", "undo", str(payment), "--reason", "twice") == 1


def test_find_lists_the_batch_payers_claims_with_lines_and_fee_schedule(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = open_check(db, capsys)
    assert run(db, "eob", "find", str(batch), "zephyr, al") == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith(f"{E1}  Zephyr, Alice (P001)  03/02/2026  $175.00")
    assert "line 1  99213" in text and "fee schedule $90.00" in text
    assert run(db, "eob", "find", str(batch), "young") == 0
    assert "No sent claim of Test Medicare matches 'young'" in capsys.readouterr().out


def test_the_same_check_twice_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_check(db, capsys)
    args = ["eob", "open", "--payer", "TST01", "--check", "CHK-1", "--date", "03/20/2026", "--amount", "1"]
    assert run(db, *args) == 1
    assert "Check CHK-1 from Test Medicare is already entered" in capsys.readouterr().err


# --------------------------------------------------------------------------- 835 files and the unmatched queue


def _alices_835(**kw: object) -> EraClaim:
    from tests.formats.test_x835_writer import claim, line

    return claim(
        E1,
        line("99213", 15000, 7200, (EraAdjustment("CO", "45", 6000), EraAdjustment("PR", "2", 1800))),
        line("36415", 2500, 1600, (EraAdjustment("CO", "45", 500), EraAdjustment("PR", "2", 400))),
        **kw,
    )


def _file(path: Path, era: EraClaim, **kw: object) -> Path:
    from tests.formats.test_x835_writer import payment, write

    balancing = bool(kw.pop("check_balancing", True))
    path.write_text(write([payment(era, **kw)], check_balancing=balancing))
    return path


def test_post_835_prints_the_import_result_json_and_posts_once(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path / "medicare.835", _alices_835())
    assert run(db, "post-835", str(path), "--json") == 0
    result = out_json(capsys)
    assert (result["file"], result["already_imported"], result["posted"], result["total_paid"]) == (
        "medicare.835",
        False,
        1,
        "88.00",
    )
    assert [c["result"] for c in result["claims"]] == ["posted"]
    assert run(db, "post-835", str(path)) == 0
    assert capsys.readouterr().out.startswith("medicare.835 was already imported; nothing was posted again.")
    assert balances(db)["ins2"] == 2200


def test_an_unbalanced_835_is_refused_until_accepted(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = dataclasses.replace(_alices_835(), paid_cents=9999)
    path = _file(tmp_path / "broken.835", broken, total_paid_cents=9999, check_balancing=False)
    assert run(db, "post-835", str(path)) == 1
    err = capsys.readouterr().err
    assert "broken.835 does not balance; nothing was posted" in err and "segment" in err
    assert "Run again with --accept-unbalanced" in err
    assert run(db, "post-835", str(path), "--accept-unbalanced") == 0
    text = capsys.readouterr().out
    assert "0 claim(s) posted, 1 waiting to be matched" in text and "unbalanced" in text


def test_the_unmatched_queue_lists_a_payment_and_matches_it_by_hand(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    misspelt = dataclasses.replace(_alices_835(), patient_control_number="XYZ999", patient_last="ZEFIR")
    assert run(db, "post-835", str(_file(tmp_path / "stranger.835", misspelt))) == 0
    capsys.readouterr()
    assert run(db, "unmatched", "--json") == 0
    (waiting,) = out_json(capsys)
    assert (waiting["check"], waiting["payer"], waiting["patient_control_number"], waiting["paid"]) == (
        "EFT0000101",
        "Test Medicare",
        "XYZ999",
        "88.00",
    )
    assert run(db, "unmatched", "match", str(waiting["payment"]), E1, "--json") == 0
    assert out_json(capsys) == {"payment": waiting["payment"], "claim": E1, "paid": "88.00", "result": "posted"}
    assert run(db, "unmatched") == 0
    assert capsys.readouterr().out.strip() == "No 835 payments are waiting to be matched."
    assert balances(db) == {"ins1": 0, "ins2": 2200, "ins3": 0, "patient": 0}


def test_a_posted_payment_prints_from_the_command_line(tmp_path, capsys) -> None:  # noqa: ANN001
    from app.cli import main
    from app.domain.import_format import ImportFile
    from app.services.container import open_services
    from tests.factories import bill, practice_document
    from tests.formats.test_x835_writer import payment
    from tests.services.test_era_posting import _e1_paid, _file

    db = tmp_path / "p.sqlite3"
    desk = open_services(db, user="tester")
    desk.importer.import_data(ImportFile.model_validate(practice_document()))
    bill(desk)
    result = desk.era_import.import_file(_file(tmp_path, payment(_e1_paid())))
    desk.close()
    out = tmp_path / "remit.pdf"
    assert main(["remit", str(result.remittance_ids[0]), "-o", str(out), "--db", str(db)]) == 0
    assert out.exists() and "written to" in capsys.readouterr().out
