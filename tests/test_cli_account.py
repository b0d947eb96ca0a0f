"""`claimdesk account`, `claimdesk account pay` and `claimdesk statements run/reprint`, from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

from app.cli import main
from app.domain.import_format import ImportFile
from app.services.container import open_services
from tests.factories import practice_document
from tests.services.account_story import bill_and_pay


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "practice.sqlite3"
    desk = open_services(path, user="tester")
    desk.importer.import_data(ImportFile.model_validate(practice_document()))
    bill_and_pay(desk)
    desk.close()
    return path


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_account_prints_the_lines_and_both_balances(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["account", "P001", "--db", str(db), "--json"]) == 0
    out = _json(capsys)
    assert isinstance(out, dict)
    assert (out["insurance_pending"], out["patient_owed"]) == ("0.00", "22.00")
    assert "$18.00 moved to you as coinsurance (99213 on 3/2/2026)" in [ln["text"] for ln in out["lines"]]
    assert main(["account", "P001", "--db", str(db)]) == 0
    assert "$0.00 pending with insurance; $22.00 owed by the patient." in capsys.readouterr().out


def test_account_pay_takes_a_payment_and_writes_a_receipt(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt = tmp_path / "receipt.pdf"
    args = ["account", "pay", "P001", "--db", str(db), "--amount", "25.00", "--method", "check"]
    assert main([*args, "--reference", "77", "--receipt", str(receipt), "--json"]) == 0
    out = _json(capsys)
    assert isinstance(out, dict)
    assert (out["amount"], out["credit"], out["patient_balance"]) == ("25.00", "3.00", "-3.00")
    with pdfplumber.open(receipt) as pdf:
        assert "Amount received: $25.00" in pdf.pages[0].extract_text()
    assert main(["account", "pay", "P001", "--db", str(db), "--amount", "1.00"]) == 1
    assert "needs --amount and --method" in capsys.readouterr().err


def test_statements_run_prints_count_and_total_and_reprints(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_pdf = tmp_path / "statements.pdf"
    assert main(["statements", "run", "--db", str(db), "--as-of", "2026-04-01", "-o", str(out_pdf), "--json"]) == 0
    out = _json(capsys)
    assert isinstance(out, dict)
    assert (out["statements"], out["total_due"]) == (3, "65.50")
    again = tmp_path / "again.pdf"
    assert main(["statements", "reprint", "1", "--db", str(db), "-o", str(again)]) == 0
    with pdfplumber.open(out_pdf) as a, pdfplumber.open(again) as b:
        assert a.pages[0].extract_text() == b.pages[0].extract_text()
    assert main(["statements", "mark-sent", str(out["run"]), "--db", str(db)]) == 0
    assert "3 statement(s)" in capsys.readouterr().out
