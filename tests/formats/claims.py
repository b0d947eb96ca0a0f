"""Synthetic claim documents for the form tests: a small practice's claim, with knobs for the cases under test."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from app.domain.claim_document import (
    Address,
    ClaimDocument,
    DocumentLine,
    Insured,
    LineAdjudication,
    OtherPayer,
    Payer,
    Person,
    Provider,
)

SERVICE_DAY = dt.date(2026, 3, 9)
SIGNED_ON = dt.date(2026, 3, 12)

BILLING = Provider(
    last_name="Riverside Family Medicine, P.C.",
    first_name=None,
    npi="1234567893",
    tin="12-3456789",
    tin_type="EIN",
    address=Address("200 N. Main St., Suite #4", None, "Springfield", "IL", "627011234"),
    phone="(217) 555-0100",
)
RENDERING = Provider(last_name="O'Neil", first_name="Dana", npi="1987654320", credential="M.D.")
REFERRING = Provider(last_name="Abbott-Hale", first_name="Chris", npi="1112223334", credential="D.O.")
FACILITY = Provider(
    last_name="Riverside Infusion Center",
    first_name=None,
    npi="1555666777",
    address=Address("18 Lake Rd.", "Bldg 2", "Springfield", "IL", "62702"),
)
PATIENT = Person(
    last_name="Núñez-Smith",
    first_name="María",
    middle_name="elena",
    date_of_birth=dt.date(1961, 7, 4),
    sex="F",
    address=Address("42 Elm St., Apt. 3", None, "Springfield", "IL", "62704"),
    phone="217-555-0142",
)
SPOUSE = Person(
    last_name="Smith",
    first_name="Robert",
    middle_name="J",
    date_of_birth=dt.date(1959, 1, 30),
    sex="M",
    address=Address("42 Elm St., Apt. 3", None, "Springfield", "IL", "62704"),
    phone="2175550142",
)
ACME = Payer(
    payer_id="ACME1",
    name="Acme Health Plan",
    claim_filing_indicator="CI",
    address=Address("PO Box 1000", None, "Chicago", "IL", "60601"),
)
MEDIGAP = Payer(payer_id="GAP22", name="Prairie Medigap", claim_filing_indicator="CI")
PRIMARY = Insured(ACME, "XJH-123.456*789", "GRP-100", "18", PATIENT, 1)
SECONDARY = Insured(MEDIGAP, "MG998877", None, "01", SPOUSE, 2)


def service_line(number: int, *, code: str = "99213", charge_cents: int = 12500, **changes: object) -> DocumentLine:
    line = DocumentLine(
        number=number,
        date_from=SERVICE_DAY,
        date_to=SERVICE_DAY,
        place_of_service="11",
        code=code,
        modifiers=(),
        units=1,
        charge_cents=charge_cents,
        pointers=(1,),
    )
    return replace(line, **changes)  # type: ignore[arg-type]


def claim(line_count: int = 2, **changes: object) -> ClaimDocument:
    """An original claim to the primary payer: line n charges $124 + n (line 2 with modifiers and pointers)."""
    doc_lines = [service_line(n, charge_cents=12500 + 100 * (n - 1)) for n in range(1, line_count + 1)]
    if line_count >= 2:
        doc_lines[1] = replace(doc_lines[1], code="96372", modifiers=("25", "59", "XS", "LT"), pointers=(2, 1, 3))
    doc = ClaimDocument(
        claim_id=41,
        claim_number="C-2026-0041",
        frequency_code="1",
        original_reference=None,
        submission_method="paper",
        billing=BILLING,
        patient=PATIENT,
        account_number="A-1001",
        insured=PRIMARY,
        other_payers=(OtherPayer(SECONDARY, paid_cents=None),),
        diagnoses=("E11.65", "I10", "Z79.4"),
        lines=tuple(doc_lines),
        place_of_service="11",
        rendering=RENDERING,
        referring=REFERRING,
        facility=None,
        prior_authorization="PA-7788",
        date_of_service=SERVICE_DAY,
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def drug_line(number: int) -> DocumentLine:
    return service_line(
        number, code="J1885", charge_cents=4200, units=2, ndc="00409-3795-01", ndc_quantity="0.5", ndc_unit="ML"
    )


def secondary_claim(lines: int = 7) -> ClaimDocument:
    """The same visit sent to the secondary payer after the primary paid $80.00 on each line."""
    doc = claim(lines)
    paid = tuple(
        replace(
            line,
            adjudications=(
                LineAdjudication("ACME1", line.code, line.modifiers, line.units, 8000, (), dt.date(2026, 4, 1)),
            ),
        )
        for line in doc.lines
    )
    return replace(
        doc,
        insured=SECONDARY,
        other_payers=(OtherPayer(PRIMARY, paid_cents=8000 * lines, adjudicated_on=dt.date(2026, 4, 1)),),
        lines=paid,
        patient_paid_cents=2000,
    )
