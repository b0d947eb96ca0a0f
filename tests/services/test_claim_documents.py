"""A claim as it goes out: the document the CMS-1500 and the 837P are written from, read from the database."""

from __future__ import annotations

from app.services.claim_documents import ClaimDocumentService
from app.services.container import Services
from tests.factories import bill
from tests.services.test_claims_and_posting import _claim, _pay_primary_with_coinsurance_to_secondary


def test_a_primary_claim_carries_the_practice_patient_and_its_payer(loaded: Services) -> None:
    bill(loaded)
    (doc,) = ClaimDocumentService(loaded.db).documents([_claim(loaded, "E1").id])
    assert doc.billing.last_name == "Test Practice" and doc.billing.address and doc.billing.address.zip == "170131234"
    assert (doc.patient.last_name, doc.account_number) == ("Zephyr", "P001")
    assert doc.insured.payer.payer_id == "TST01" and doc.insured.patient_is_subscriber
    assert doc.diagnoses == ("E119", "I10")
    assert [(ln.code, ln.pointers, ln.charge_cents) for ln in doc.lines] == [
        ("99213", (1, 2), 15000),
        ("36415", (1,), 2500),
    ]
    assert doc.total_charge_cents == 17500
    (other,) = doc.other_payers
    assert other.insured.payer.payer_id == "TST02" and other.paid_cents is None, "the secondary has not paid"
    assert all(not ln.adjudications for ln in doc.lines)


def test_a_secondary_claim_carries_what_the_primary_paid_per_line(loaded: Services) -> None:
    bill(loaded)
    primary = _pay_primary_with_coinsurance_to_secondary(loaded)
    (secondary_id,) = loaded.claims.next_payer_claims([primary.id])
    (doc,) = ClaimDocumentService(loaded.db).documents([secondary_id])
    assert doc.insured.payer.payer_id == "TST02" and doc.insured.sequence_code == "S"
    (medicare,) = doc.other_payers
    assert medicare.insured.sequence_code == "P" and medicare.paid_cents == 8800
    assert medicare.payer_claim_number == "MCR123"
    visit, draw = doc.lines
    (adj,) = visit.adjudications
    assert (adj.payer_id, adj.paid_cents) == ("TST01", 7200)
    assert sorted((a.group_code, a.carc, a.amount_cents) for a in adj.adjustments) == [
        ("CO", "45", 6000),
        ("PR", "2", 1800),
    ]
    assert draw.adjudications[0].paid_cents == 1600
    assert doc.primary_paid_cents == 8800
