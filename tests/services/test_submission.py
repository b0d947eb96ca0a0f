"""Sending claims from the database: the 837P passes pyx12 and reads back as the database says, CMS-1500
PDFs read back, batches and control numbers are recorded, and corrected and void claims follow sent ones."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select

from app.errors import ClaimDeskError, ValidationError
from app.formats.x12 import validate_x12
from app.services.container import Services
from db.models import (
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    EncounterDiagnosisRecord,
    SubmissionBatchRecord,
)
from tests.formats.test_x837p_parse_back import read_claims
from tests.services.test_claims_and_posting import _claim, _pay_primary_with_coinsurance_to_secondary

TODAY = dt.date(2026, 3, 20)


@pytest.fixture
def ready(loaded: Services) -> Services:
    """E1 (Medicare, electronic) and E2 (commercial, paper) built and scrubbed clean."""
    loaded.claims.build_claims()
    report = loaded.scrubber.scrub(today=TODAY)
    assert report.clean == 2
    return loaded


def _status(services: Services, claim_id: int) -> str:
    return services.claims.claim_status(claim_id)


def test_only_scrubbed_claims_are_sent(loaded: Services, tmp_path: Path) -> None:
    loaded.claims.build_claims()
    e1 = _claim(loaded, "E1").id
    with pytest.raises(ValidationError, match="cannot be sent yet") as caught:
        loaded.submission.export_837p([e1], tmp_path / "x.837")
    assert "has not been scrubbed" in str(caught.value)
    assert not (tmp_path / "x.837").exists() and _status(loaded, e1) == "draft"
    with pytest.raises(ValidationError, match="none is ready"):
        loaded.submission.print_1500(None, "red", tmp_path / "x.pdf")


def test_an_exported_837p_passes_pyx12_and_reads_back_as_the_database_says(ready: Services, tmp_path: Path) -> None:
    (result,) = ready.submission.export_837p(None, tmp_path / "claims.837")
    text = result.file.read_text()
    assert validate_x12(text) == []
    claims, _trailers = read_claims(text)
    e1 = _claim(ready, "E1")
    with ready.db.session() as s:
        dx = list(
            s.scalars(
                select(EncounterDiagnosisRecord.code)
                .where(EncounterDiagnosisRecord.encounter_id == e1.encounter_id)
                .order_by(EncounterDiagnosisRecord.sequence)
            )
        )
        lines = s.scalars(
            select(ClaimLineRecord).where(ClaimLineRecord.claim_id == e1.id).order_by(ClaimLineRecord.line_number)
        ).all()
        (read,) = claims
        assert read.number == e1.claim_number and read.payer_id == "TST01"
        assert read.charge == Decimal(e1.total_charge_cents) / 100
        assert read.diagnoses == tuple(dx)
        assert [(ln.code, ln.pointers, ln.charge) for ln in read.lines] == [
            (
                db.code,
                tuple(p for p in (db.pointer1, db.pointer2, db.pointer3, db.pointer4) if p),
                Decimal(db.charge_cents) / 100,
            )
            for db in lines
        ]
    assert (result.claims, result.total_charge_cents) == (1, 17500)


def test_an_export_records_the_batch_and_control_numbers_and_marks_the_claims_sent(
    ready: Services, tmp_path: Path
) -> None:
    e1 = _claim(ready, "E1").id
    (first,) = ready.submission.export_837p(None, tmp_path / "a.837")
    assert _status(ready, e1) == "submitted"
    with ready.db.session() as s:
        batch = s.get(SubmissionBatchRecord, first.batch_id)
        assert (batch.method, batch.file_name, batch.interchange_control_number, batch.claim_count) == (
            "electronic",
            "a.837",
            first.interchange_control_number,
            1,
        )
        assert s.get(ClaimRecord, e1).batch_id == batch.id
        notes = [e.note for e in s.scalars(select(ClaimStatusEventRecord).where(ClaimStatusEventRecord.claim_id == e1))]
        assert any(f"ISA {first.interchange_control_number:09d}" in (n or "") for n in notes)
    again = ready.submission.reexport(first.batch_id, tmp_path / "again.837")
    assert again.interchange_control_number == first.interchange_control_number + 1, "never reused"
    assert again.group_control_number > first.group_control_number and again.batch_id != first.batch_id
    assert validate_x12(again.file.read_text()) == []
    assert re.search(r"ISA\*.*\*000000002\*", again.file.read_text().split("~")[0])
    assert _status(ready, e1) == "submitted"
    with pytest.raises(ValidationError, match="cannot be sent yet"):
        ready.submission.export_837p([e1], tmp_path / "twice.837")


def test_a_failed_write_sends_nothing_and_keeps_the_control_numbers(ready: Services, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(OSError):
        ready.submission.export_837p(None, blocker / "claims.837")
    assert _status(ready, _claim(ready, "E1").id) == "ready"
    assert ready.settings.get("x12.next_interchange") == 1
    (result,) = ready.submission.export_837p(None, tmp_path / "ok.837")
    assert result.interchange_control_number == 1


def test_printing_writes_forms_that_read_back_and_marks_the_paper_claims_sent(ready: Services, tmp_path: Path) -> None:
    e2 = _claim(ready, "E2").id
    result = ready.submission.print_1500(None, "plain", tmp_path / "forms.pdf", on=TODAY)
    assert (result.claims, result.forms, result.total_charge_cents) == (1, 1, 22000)
    with pdfplumber.open(result.file) as pdf:
        text = pdf.pages[0].extract_text()
    assert "HEALTH INSURANCE CLAIM FORM" in text and "YOUNG BOB" in text.replace(",", "") and "J069" in text
    assert _status(ready, e2) == "submitted"
    with ready.db.session() as s:
        assert s.get(SubmissionBatchRecord, result.batch_id).method == "paper"
    assert ready.ledger.reconcile().ok


def test_a_secondary_claim_goes_out_with_what_the_primary_paid(ready: Services, tmp_path: Path) -> None:
    ready.submission.export_837p(None, tmp_path / "primary.837")
    primary = _pay_primary_with_coinsurance_to_secondary(ready)
    (secondary,) = ready.claims.next_payer_claims([primary.id])
    ready.scrubber.scrub([secondary], today=TODAY)
    (result,) = ready.submission.export_837p([secondary], tmp_path / "secondary.837")
    text = result.file.read_text()
    assert validate_x12(text) == []
    segments = text.split("~")
    assert "AMT*D*88" in segments, "the primary's paid amount (2320 AMT*D)"
    assert any(s.startswith("SVD*TST01*72") for s in segments) and "DTP*573*D8*20260320" in segments


def test_a_sent_claim_is_corrected_or_voided_with_the_payers_claim_number(ready: Services, tmp_path: Path) -> None:
    ready.submission.export_837p(None, tmp_path / "primary.837")
    primary = _pay_primary_with_coinsurance_to_secondary(ready)  # the remittance carries MCR123
    with pytest.raises(ClaimDeskError, match="only a sent claim"):
        ready.submission.correct(_claim(ready, "E2").id)
    replacement = ready.submission.correct(primary.id)
    with pytest.raises(ClaimDeskError, match="already follows up"):
        ready.submission.void(primary.id)
    with ready.db.session() as s:
        new = s.get(ClaimRecord, replacement)
        assert (new.frequency_code, new.original_reference, new.original_claim_id, new.status) == (
            "7",
            "MCR123",
            primary.id,
            "draft",
        )
        assert [ln.code for ln in new.lines] == ["99213", "36415"]
        notes = [e.note for e in s.get(ClaimRecord, primary.id).history]
        assert any("replacement CD" in (n or "") for n in notes), "the original keeps its history"
    ready.scrubber.scrub([replacement], today=TODAY)
    (result,) = ready.submission.export_837p([replacement], tmp_path / "replacement.837")
    text = result.file.read_text()
    assert validate_x12(text) == [] and "REF*F8*MCR123" in text.split("~")
    assert any(seg.startswith("CLM*") and ":B:7*" in seg for seg in text.split("~"))
    void = ready.submission.void(primary.id)
    ready.scrubber.scrub([void], today=TODAY)
    (voided,) = ready.submission.export_837p([void], tmp_path / "void.837")
    assert validate_x12(voided.file.read_text()) == []
    assert any(seg.startswith("CLM*") and ":B:8*" in seg for seg in voided.file.read_text().split("~"))


def test_a_correction_without_a_payer_claim_number_asks_for_it(ready: Services, tmp_path: Path) -> None:
    ready.submission.export_837p(None, tmp_path / "claims.837")
    e1 = _claim(ready, "E1").id
    with pytest.raises(ValidationError, match="payer's claim number"):
        ready.submission.correct(e1)
    new = ready.submission.correct(e1, "PORTAL-77")
    with ready.db.session() as s:
        assert s.get(ClaimRecord, new).original_reference == "PORTAL-77"


def test_the_alignment_page_is_a_pdf(ready: Services, tmp_path: Path) -> None:
    path = ready.submission.alignment_pdf(tmp_path / "align.pdf", (0.05, -0.02))
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].extract_text().strip()
