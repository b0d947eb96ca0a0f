"""`claimdesk ar aging|queue|note` and `claimdesk kpi`, driven from a terminal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.cli import main
from app.domain.import_format import ImportFile
from app.services.container import open_services
from tests.factories import bill, practice_document


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "practice.sqlite3"
    desk = open_services(path, user="tester")
    desk.importer.import_data(ImportFile.model_validate(practice_document()))
    bill(desk, on=dt.date(2026, 3, 10))
    desk.close()
    return path


def test_aging_json_csv_and_pdf(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ar", "aging", "--db", str(db), "--as-of", "2026-04-02", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["total"] == "413.50" and data["totals"]["31-60"] == "175.00"
    assert set(data["rows"][0]) == {"name", "0-30", "31-60", "61-90", "91-120", "120+", "total"}
    pdf = tmp_path / "aging.pdf"
    assert (
        main(["ar", "aging", "--db", str(db), "--as-of", "2026-04-02", "--by", "patient", "--csv", "--pdf", str(pdf)])
        == 0
    )
    assert capsys.readouterr().out.splitlines()[0] == "name,0-30,31-60,61-90,91-120,120+,total"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_queue_and_note(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ar", "note", "CD00000001", "--db", str(db), "--text", "Called payer", "--next", "2026-05-20"]) == 0
    capsys.readouterr()
    assert main(["ar", "queue", "--db", str(db), "--today", "2026-05-01", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["claim_number"] for i in items] == ["CD00000002", "CD00000001"]
    assert items[1]["next_action_date"] == "2026-05-20" and items[1]["notes"][0]["note"] == "Called payer"


def test_kpi_json_has_the_documented_keys(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpi", "--db", str(db), "--from", "2026-03-01", "--to", "2026-03-31", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in (
        "days_in_ar",
        "net_collection_rate",
        "denial_rate",
        "clean_claim_rate",
        "first_pass_resolution_rate",
        "ar_over_90_pct",
        "ar_over_120_pct",
        "submission_lag_days",
        "posting_lag_days",
    ):
        assert key in data
    assert data["days_in_ar"] == "31.0" and data["net_collection_rate"] == "0.00"
