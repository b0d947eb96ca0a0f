"""The remittance print, read back with pdfplumber: the payment header, each claim with its lines and
adjustments as billers write them, the reason and remark codes in plain words, provider adjustments
and totals; and, for a secondary claim's attachment, only the claims asked for."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pdfplumber
import pytest

from app.domain.era import EraAdjustment, EraTransaction
from app.errors import ValidationError
from app.formats.remit_pdf import UNKNOWN_CODE, write_remit_pdf
from app.formats.x12 import parse_835
from tests.formats.test_x835_writer import (
    claim,
    crossover,
    line,
    partial_payment,
    payment,
    plb,
    provider_adjustments,
    reversal_and_repayment,
    write,
)

CARC = {
    "1": "Deductible Amount",
    "2": "Coinsurance Amount",
    "3": "Co-payment Amount",
    "45": "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.",
    "50": "These are non-covered services because this is not deemed a 'medical necessity' by the payer.",
}
RARC = {
    "N130": "Consult plan benefit documents/guidelines for information about restrictions for this service.",
    "MA130": "Your claim contains incomplete and/or invalid information.",
}


def printed(tx: EraTransaction, tmp_path: Path, **kw: object) -> str:
    target = tmp_path / "remit.pdf"
    write_remit_pdf(tx, target, CARC, RARC, **kw)  # type: ignore[arg-type]
    with pdfplumber.open(target) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def words(text: str) -> str:
    """The text with line breaks and repeated spaces folded, so wrapped descriptions still match."""
    return re.sub(r"\s+", " ", text)


def test_the_header_says_who_paid_whom_how_when_and_how_much(tmp_path: Path) -> None:
    text = printed(partial_payment(), tmp_path, practice_name="Test Practice")
    assert "Remittance advice - Test Practice" in text
    assert "TEST MEDICARE" in text and "Payer ID TST01" in text
    assert "TEST PRACTICE" in text and "Tax ID 990000009" in text
    assert "Payment: EFT (ACH)" in text
    assert "EFT trace number: EFT0000101" in text
    assert "Payment date: 03/20/2026" in text
    assert "Amount: $12.00" in text


def test_each_line_shows_its_amounts_and_adjustments_as_billers_write_them(tmp_path: Path) -> None:
    text = printed(partial_payment(), tmp_path)
    assert "Claim CD00000020" in text and "Payer claim number: PCN0020" in text
    assert "Status: 1 - Processed as primary" in text
    assert "Patient: ZEPHYR, ALICE" in text
    assert "Billed $255.00" in text and "Paid $12.00" in text and "Patient responsibility $163.00" in text
    assert "03/02/2026 99214 1 $200.00 $140.00 $0.00 CO-45 $60.00" in text
    assert "PR-1 $140.00" in text
    assert "03/02/2026 36415 1 $30.00 $15.00 $12.00 CO-45 $15.00" in text
    assert "PR-2 $3.00" in text and "PR-3 $20.00" in text


def test_every_code_is_spelled_out_once_under_its_claim(tmp_path: Path) -> None:
    text = words(printed(partial_payment(), tmp_path))
    assert f"CO-45 (Contractual obligation): {CARC['45']}" in text
    assert "PR-1 (Patient responsibility): Deductible Amount" in text
    assert "PR-2 (Patient responsibility): Coinsurance Amount" in text
    assert "PR-3 (Patient responsibility): Co-payment Amount" in text
    assert text.count("CO-45 (Contractual obligation)") == 1


def test_a_denial_shows_the_reason_and_remarks_in_words(tmp_path: Path) -> None:
    denied = line("97110", 12000, 0, (EraAdjustment("CO", "50", 12000),), remarks=("N130",))
    tx = payment(claim("CD00000031", denied, status="4", remarks=("MA130",)), payment_method="NON", handling_code="H")
    text = words(printed(tx, tmp_path))
    assert "Status: 4 - Denied" in text
    assert "CO-50 $120.00" in text
    assert f"CO-50 (Contractual obligation): {CARC['50']}" in text
    assert f"N130 (remark): {RARC['N130']}" in text
    assert f"MA130 (remark): {RARC['MA130']}" in text
    assert "Payment: No payment" in text


def test_a_code_missing_from_the_lists_is_said_to_be_missing(tmp_path: Path) -> None:
    odd = line(adjustments=(EraAdjustment("OA", "B99", 5000),))
    text = words(printed(payment(claim("CD1", odd)), tmp_path))
    assert f"OA-B99 (Other adjustment): {UNKNOWN_CODE}" in text


def test_reversals_crossovers_and_changed_codes_read_plainly(tmp_path: Path) -> None:
    text = words(printed(reversal_and_repayment(), tmp_path))
    assert "Status: 22 - Reversal of previous payment" in text
    assert "-$150.00" in text and "CO-45 -$50.00" in text
    text = words(printed(crossover(), tmp_path))
    assert "Crossover to: TEST MEDIGAP" in text
    changed = line("99213", 15000, 10000, modifiers=("25",), original_code="99215")
    text = words(printed(payment(claim("CD2", changed)), tmp_path))
    # The billed code is the second line of the code cell; the row's amounts sit between them in the text.
    assert "03/02/2026 99213-25 1 $150.00" in text and "(billed 99215)" in text


def test_provider_adjustments_and_totals(tmp_path: Path) -> None:
    text = printed(provider_adjustments(), tmp_path)
    assert "Provider adjustments" in text
    assert "L6 - Interest owed CD00000080" in text and "-$3.25" in text
    assert "WO - Overpayment recovery PCN-OLD-123" in text and "$45.00" in text
    assert "FB - Forward balance BAL0042" in text
    assert "Paid on claims $240.00" in text
    assert "Provider adjustments $51.75" in text
    assert "Payment amount $188.25" in text


def test_some_claims_only_for_a_secondary_claim_attachment(tmp_path: Path) -> None:
    tx = provider_adjustments()
    text = printed(tx, tmp_path, claim_numbers=["CD00000081"])
    assert "Claim CD00000081" in text and "Claim CD00000080" not in text
    assert "Showing 1 of 2 claims in this payment." in text
    assert "L6 - Interest owed" not in text  # provider-level money is not the patient's
    assert "Claims shown 1" in text and "Paid on claims $140.00" in text
    assert "Payment amount (whole payment) $188.25" in text
    with pytest.raises(ValidationError, match="has no claim CD99"):
        write_remit_pdf(tx, io.BytesIO(), CARC, RARC, claim_numbers=["CD99"])


def test_a_long_remittance_runs_over_pages(tmp_path: Path) -> None:
    claims = [claim(f"CD{n:08d}", *(line() for _ in range(3))) for n in range(40)]
    many_lines = claim("CD99999999", *(line() for _ in range(60)))
    tx = payment(*claims, many_lines, adjustments=(plb("L6", -100),))
    target = tmp_path / "long.pdf"
    write_remit_pdf(tx, target, CARC, RARC)
    with pdfplumber.open(target) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert len(pages) > 3
    text = "\n".join(pages)
    assert all(f"Claim CD{n:08d}" in text for n in range(40))
    assert text.count("CO-45 $50.00") == 40 * 3 + 60
    assert pages[-1].count("Page ") == 1 and f"Page {len(pages)}" in pages[-1]
    assert "Payment amount $" in pages[-1]


def test_a_parsed_sample_prints_to_a_stream(tmp_path: Path) -> None:
    sample = Path("/work/shared/data/x12_samples/lfh/835_005010X221A1/managed-care.835")
    (tx,) = parse_835(sample.read_bytes()).transactions
    stream = io.BytesIO()
    write_remit_pdf(tx, stream, CARC, RARC)
    with pdfplumber.open(io.BytesIO(stream.getvalue())) as pdf:
        text = words("\n".join(page.extract_text() or "" for page in pdf.pages))
    assert "Payment date: not given by the payer" in text
    assert "Claim 5554555444" in text and "CO-A2 $50.00" in text and "PR-1 $300.00" in text
    assert "Payment amount $945.00" in text


def test_what_was_written_is_what_is_printed(tmp_path: Path) -> None:
    """The print of a parsed file equals the print of the records it was written from."""
    tx = partial_payment()
    (read,) = parse_835(write([tx])).transactions
    assert printed(dataclasses.replace(read, control_number="0001"), tmp_path) == printed(tx, tmp_path)
