"""835 import against the test practice: every file here is written by the suite, passes pyx12, and is then
posted — matched, balanced, idempotent, reversible — with the ledger reconciling after each step."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.era import EraAdjustment, EraTransaction
from app.errors import ClaimDeskError, ValidationError
from app.formats.x12 import validate_x12
from app.services.container import Services
from db.models import (
    ClaimPaymentRecord,
    ClaimRecord,
    DenialRecord,
    LedgerEntryRecord,
    ProviderAdjustmentRecord,
    RemittanceRecord,
)
from tests.factories import bill
from tests.formats.test_x835_writer import claim, line, payment, plb, write
from tests.services.test_claims_and_posting import _claim, _patient_of

E1 = "CD00000001"  # Alice Zephyr, Medicare: 99213 $150 + 36415 $25, secondary TST02
E2 = "CD00000002"  # Bob Young, commercial TST02 (paper): 99214 $220


def _e1_paid(visit_paid: int = 7200, draw_paid: int = 1600, status: str = "1", **kw: object):  # noqa: ANN202
    """E1 paid by Medicare: CO-45 to the allowed amount, the rest of the allowed is coinsurance (PR-2)."""

    def adjustments(charge: int, contractual: int, paid: int) -> tuple[EraAdjustment, ...]:
        share = charge - contractual - paid
        return (EraAdjustment("CO", "45", contractual),) + ((EraAdjustment("PR", "2", share),) if share else ())

    return claim(
        E1,
        line("99213", 15000, visit_paid, adjustments(15000, 6000, visit_paid)),
        line("36415", 2500, draw_paid, adjustments(2500, 500, draw_paid)),
        status=status,
        payer_claim_number="MCR123",
        **kw,
    )


@pytest.fixture
def sent(loaded: Services) -> Services:
    bill(loaded)
    return loaded


def _file(tmp_path: Path, *transactions: EraTransaction, name: str = "era.835", **kw: object) -> Path:
    text = write(list(transactions), **kw)
    if kw.get("check_balancing", True):
        assert validate_x12(text) == [], "every 835 the suite writes passes pyx12"
    path = tmp_path / name
    path.write_text(text)
    return path


def _count(services: Services, model: type) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_payment_posts_to_our_claim_and_the_secondary_gets_its_claim(sent: Services, tmp_path: Path) -> None:
    result = sent.era_import.import_file(_file(tmp_path, payment(_e1_paid())))
    assert (result.posted, result.unmatched, result.total_paid_cents) == (1, 0, 8800)
    assert len(result.next_payer_claims) == 1
    assert sent.claims.claim_status(_claim(sent, "E1").id) == "paid"
    balance = sent.ledger.patient_balance(_patient_of(sent, "E1"))
    assert balance.by_party == {"ins1": 0, "ins2": 2200, "ins3": 0, "patient": 0}
    with sent.db.session() as s:
        remit = s.scalars(select(RemittanceRecord)).one()
        assert (remit.source, remit.check_number, remit.total_cents) == ("835", "EFT0000101", 8800)
    assert sent.ledger.reconcile().ok


def test_the_same_file_twice_posts_once_and_says_so(sent: Services, tmp_path: Path) -> None:
    path = _file(tmp_path, payment(_e1_paid()))
    sent.era_import.import_file(path)
    entries = _count(sent, LedgerEntryRecord)
    again = sent.era_import.import_file(path)
    assert again.already_imported and "already imported" in again.summary()
    assert _count(sent, LedgerEntryRecord) == entries and _count(sent, RemittanceRecord) == 1
    changed = _file(tmp_path, payment(_e1_paid(7100, 1700)), name="changed.835")
    with pytest.raises(ClaimDeskError, match="already imported from era.835 with different content"):
        sent.era_import.import_file(changed)


def test_a_zero_pay_denial_opens_a_denial(sent: Services, tmp_path: Path) -> None:
    denied = claim(
        E2,
        line("99214", 22000, 0, (EraAdjustment("CO", "16", 22000),), remarks=("M76",)),
        status="4",
        patient_last="YOUNG",
        patient_first="BOB",
        patient_member_id="COM002",
        filing_indicator="15",
    )
    tx = payment(
        denied,
        payer_id="TST02",
        payer_name="TEST COMMERCIAL",
        trace="CHK000222",
        total_paid_cents=0,
        payment_method="NON",
    )
    result = sent.era_import.import_file(_file(tmp_path, tx))
    assert result.posted == 1
    assert sent.claims.claim_status(_claim(sent, "E2").id) == "denied"
    with sent.db.session() as s:
        denial = s.scalars(select(DenialRecord)).one()
        assert (denial.carc, denial.rarc) == ("16", "M76")


def test_a_reversal_undoes_the_earlier_payment_and_a_repayment_posts_again(sent: Services, tmp_path: Path) -> None:
    sent.era_import.import_file(_file(tmp_path, payment(_e1_paid())))
    original = _e1_paid()
    negated = dataclasses.replace(
        original,
        status_code="22",
        charge_cents=-original.charge_cents,
        paid_cents=-original.paid_cents,
        patient_responsibility_cents=-original.patient_responsibility_cents,
        lines=tuple(
            dataclasses.replace(
                ln,
                charge_cents=-ln.charge_cents,
                paid_cents=-ln.paid_cents,
                adjustments=tuple(dataclasses.replace(a, amount_cents=-a.amount_cents) for a in ln.adjustments),
            )
            for ln in original.lines
        ),
    )
    repaid = _e1_paid(8000, 2000)
    tx = payment(negated, repaid, trace="EFT0000202")
    result = sent.era_import.import_file(_file(tmp_path, tx, name="second.835"))
    assert [o.result for o in result.outcomes] == ["reversed", "posted"]
    balance = sent.ledger.patient_balance(_patient_of(sent, "E1"))
    assert balance.by_party["ins1"] == 0 and balance.by_party["ins2"] == 1000
    assert sent.ledger.reconcile().ok


def test_a_crossover_makes_the_secondary_claim_as_sent_and_its_payment_matches_it(
    sent: Services, tmp_path: Path
) -> None:
    sent.era_import.import_file(
        _file(tmp_path, payment(_e1_paid(status="19", crossover_payer="TEST COMMERCIAL", crossover_payer_id="TST02")))
    )
    with sent.db.session() as s:
        secondary = s.scalars(select(ClaimRecord).where(ClaimRecord.payer_sequence == 2)).one()
        assert secondary.status == "submitted" and "crossover" in (secondary.history[-1].note or "")
    second = claim(
        E1,
        line("99213", 15000, 1800, (EraAdjustment("OA", "23", 13200),)),
        line("36415", 2500, 400, (EraAdjustment("OA", "23", 2100),)),
        status="2",
        filing_indicator="15",
        payer_claim_number="SUP777",
    )
    tx = payment(second, payer_id="TST02", payer_name="TEST COMMERCIAL", trace="CHK000333")
    result = sent.era_import.import_file(_file(tmp_path, tx, name="secondary.835"))
    assert result.posted == 1 and result.outcomes[0].claim_id == secondary.id
    assert sent.ledger.patient_balance(_patient_of(sent, "E1")).total_cents == 0
    assert sent.ledger.reconcile().ok


def test_provider_level_adjustments_are_kept_at_provider_level(sent: Services, tmp_path: Path) -> None:
    tx = payment(_e1_paid(), adjustments=(plb("L6", -325, E1), plb("WO", 1000, "PCN-OLD")))
    result = sent.era_import.import_file(_file(tmp_path, tx))
    assert result.total_paid_cents == 8800 - 1000 + 325 and result.provider_adjustments_cents == 675
    with sent.db.session() as s:
        assert sorted(s.scalars(select(ProviderAdjustmentRecord.reason_code))) == ["L6", "WO"]
    assert sent.ledger.reconcile().ok


def test_a_line_paid_on_a_changed_code_matches_the_billed_line(sent: Services, tmp_path: Path) -> None:
    changed = claim(
        E1,
        line(
            "99212",
            15000,
            6000,
            (EraAdjustment("CO", "45", 7000), EraAdjustment("PR", "2", 2000)),
            original_code="99213",
        ),
        line("36415", 2500, 1600, (EraAdjustment("CO", "45", 500), EraAdjustment("PR", "2", 400))),
    )
    result = sent.era_import.import_file(_file(tmp_path, payment(changed)))
    assert result.posted == 1
    with sent.db.session() as s:
        codes = sorted(
            s.scalars(select(ClaimPaymentRecord).where(ClaimPaymentRecord.claim_id.is_not(None))).one().line_payments,
            key=lambda lp: lp.id,
        )
        assert [lp.code for lp in codes] == ["99213", "36415"], "recorded against the line we billed"


def test_an_unknown_claim_waits_in_the_queue_and_is_matched_by_hand(sent: Services, tmp_path: Path) -> None:
    stranger = dataclasses.replace(_e1_paid(), patient_control_number="XYZ999", patient_last="NOBODY")
    result = sent.era_import.import_file(_file(tmp_path, payment(stranger)))
    assert (result.posted, result.unmatched) == (0, 1)
    (waiting,) = sent.era_import.unmatched()
    assert waiting.patient_control_number == "XYZ999" and "no claim" in waiting.reason and waiting.paid_cents == 8800
    assert sent.ledger.patient_balance(_patient_of(sent, "E1")).by_party["ins1"] == 17500, "nothing posted yet"
    sent.era_import.match_by_hand(waiting.claim_payment_id, E1)
    assert sent.era_import.unmatched() == []
    assert sent.ledger.patient_balance(_patient_of(sent, "E1")).by_party == {
        "ins1": 0,
        "ins2": 2200,
        "ins3": 0,
        "patient": 0,
    }
    assert sent.ledger.reconcile().ok


def test_a_claim_number_that_does_not_fit_is_matched_by_patient_date_and_charge(sent: Services, tmp_path: Path) -> None:
    renumbered = dataclasses.replace(_e1_paid(), patient_control_number="PAYER-MANGLED")
    result = sent.era_import.import_file(_file(tmp_path, payment(renumbered)))
    assert result.posted == 1 and result.outcomes[0].claim_id == _claim(sent, "E1").id


def test_a_claim_number_with_the_wrong_charge_is_not_trusted(sent: Services, tmp_path: Path) -> None:
    wrong = claim(E1, line("99213", 14000, 8000, (EraAdjustment("CO", "45", 6000),)), payer_claim_number="X")
    result = sent.era_import.import_file(_file(tmp_path, payment(wrong)))
    assert result.unmatched == 1 and "charged $175.00" in (result.outcomes[0].reason or "")


def test_an_unbalanced_file_posts_nothing_unless_accepted(sent: Services, tmp_path: Path) -> None:
    broken = dataclasses.replace(_e1_paid(), paid_cents=9999)
    path = _file(tmp_path, payment(broken, total_paid_cents=9999), check_balancing=False)
    with pytest.raises(ValidationError, match="does not balance") as caught:
        sent.era_import.import_file(path)
    assert "segment" in str(caught.value)
    assert _count(sent, RemittanceRecord) == 0
    result = sent.era_import.import_file(path, accept_unbalanced=True)
    assert result.unmatched == 1 and result.outcomes[0].result == "unbalanced"
    assert sent.ledger.patient_balance(_patient_of(sent, "E1")).by_party["ins1"] == 17500


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage that is not x12 at all",
        b"ISA*00*          *00*     ~",
        "truncated",
        "missing BPR",
        "wrong delimiters",
    ],
)
def test_malformed_files_change_nothing(sent: Services, tmp_path: Path, content: bytes | str) -> None:
    path = tmp_path / "bad.835"
    text = write([payment(_e1_paid())])
    if content == "truncated":
        path.write_text(text[: len(text) // 2])
    elif content == "missing BPR":
        path.write_text("~".join(seg for seg in text.split("~") if not seg.strip().startswith("BPR*")))
    elif content == "wrong delimiters":
        isa, rest = text.split("~", 1)
        path.write_text(isa + "~" + rest.replace("*", "|"))
    else:
        path.write_bytes(content)  # type: ignore[arg-type]
    entries = _count(sent, LedgerEntryRecord)
    with pytest.raises(ValidationError) as caught:
        sent.era_import.import_file(path)
    assert "bad.835" in str(caught.value)
    assert _count(sent, LedgerEntryRecord) == entries and _count(sent, RemittanceRecord) == 0


def test_a_posted_payment_prints_in_plain_words(sent: Services, tmp_path: Path) -> None:
    import pdfplumber

    result = sent.era_import.import_file(_file(tmp_path, payment(_e1_paid())))
    carc = sent.codesets.adjustment_codes("carc")
    pdf = sent.era_import.remittance_pdf(
        result.remittance_ids[0], tmp_path / "remit.pdf", carc, sent.codesets.adjustment_codes("rarc"), [E1]
    )
    with pdfplumber.open(pdf) as doc:
        text = " ".join(page.extract_text() for page in doc.pages)
    assert E1 in text and "88.00" in text and "ZEPHYR" in text.upper()
    assert carc["45"][:30] in text.replace("\n", " ")


def test_a_second_payment_of_a_paid_claim_is_held_as_an_overpayment(sent: Services, tmp_path: Path) -> None:
    """The payer pays the same claim twice: the second payment is not posted over the first (that would
    double the write-offs); it waits in the unmatched queue saying why, and the check still balances."""
    sent.era_import.import_file(_file(tmp_path, payment(_e1_paid())))
    before = sent.ledger.patient_balance(_patient_of(sent, "E1"))
    again = sent.era_import.import_file(_file(tmp_path, payment(_e1_paid(), trace="EFT0000999"), name="dup.835"))
    assert (again.posted, again.unmatched) == (0, 1)
    assert "already paid by this payer (check EFT0000101)" in (again.outcomes[0].reason or "")
    assert sent.ledger.patient_balance(_patient_of(sent, "E1")) == before
    assert sent.ledger.reconcile().ok
