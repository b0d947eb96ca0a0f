"""Reading 835 remittances: other people's files (the LinuxForHealth samples, slips and all), any
delimiters, the balancing rules with the segments they point at, and a clear error naming the file,
the segment and the problem for every kind of bad input, with nothing half-read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.era import (
    EraAdjustment,
    EraClaim,
    EraLine,
    claim_problems,
    line_problems,
    transaction_problems,
)
from app.errors import ValidationError
from app.formats.x12 import (
    Delimiters,
    EraDataError,
    EraDelimiterError,
    EraNotRemittanceError,
    EraNotX12Error,
    EraParseError,
    EraStructureError,
    EraTruncatedError,
    parse_835,
)
from tests.formats.test_x835_writer import (
    SCENARIOS,
    allowed_and_remarks,
    claim,
    line,
    numbered,
    payment,
    provider_adjustments,
    simple_payment,
    write,
)

SAMPLES = Path("/work/shared/data/x12_samples/lfh")
SAMPLES_835 = SAMPLES / "835_005010X221A1"


def sample(name: str) -> bytes:
    return (SAMPLES_835 / name).read_bytes()


def segment_number(text: str, prefix: str, occurrence: int = 1, terminator: str = "~") -> int:
    """Where the occurrence-th segment starting with `prefix` sits in the file, ISA = 1."""
    found = 0
    for number, seg in enumerate((s.strip() for s in text.split(terminator) if s.strip()), start=1):
        if seg.startswith(prefix):
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"no {prefix} #{occurrence}")


# --- other people's files ---------------------------------------------------------------------------


def test_managed_care_sample_claim_level_adjustments_come_on_top_of_the_lines() -> None:
    era = parse_835(sample("managed-care.835"), "managed-care.835")
    (tx,) = era.transactions
    assert (tx.control_number, tx.handling_code, tx.total_paid_cents, tx.payment_method) == (
        "112233",
        "I",
        94500,
        "ACH",
    )
    assert (tx.trace_number, tx.payer_identifier) == ("7170066655", "1935665544")
    assert (tx.payer_name, tx.payee_name, tx.payee_npi, tx.payee_tin) == (
        "RUSHMORE LIFE",
        "ACME MEDICAL CENTER",
        "5544667733",
        "777667755",
    )
    assert tx.payer_address is not None and tx.payer_address.city == "RAPID CITY"
    first, second = tx.claims
    assert (first.patient_control_number, first.status_code, first.charge_cents, first.paid_cents) == (
        "5554555444",
        "1",
        80000,
        45000,
    )
    assert (first.patient_responsibility_cents, first.payer_claim_number) == (30000, "94060555410000")
    assert (first.patient_last, first.patient_first, first.patient_member_id) == ("BUDD", "WILLIAM", "33344555510")
    assert first.adjustments == (EraAdjustment("CO", "A2", 5000),)
    (svc,) = first.lines
    assert (svc.code, svc.charge_cents, svc.paid_cents) == ("99211", 80000, 50000)
    assert (svc.service_date_from, svc.service_date_to) == (dt.date(2002, 3, 1), dt.date(2002, 3, 4))
    assert svc.adjustments == (EraAdjustment("PR", "1", 30000),)
    assert second.lines[0].adjustments == (EraAdjustment("PR", "1", 60000), EraAdjustment("CO", "45", 5000))
    # 800 - 50 (claim) - 300 (line) = 450: the guide's rule, which this sample follows.
    assert transaction_problems(tx) == []
    # The sample's check date, 20002316, is no date: read past with a warning, not guessed.
    assert tx.payment_date is None
    assert era.warnings == (
        "segment 4 BPR: BPR16 (check or EFT date) is '20002316', which is not a calendar date; read as no date.",
    )
    assert era.segment_count == 30
    assert era.content_sha256 == hashlib.sha256(sample("managed-care.835")).hexdigest()


def test_medicare_part_a_sample_has_interest_withheld_by_plb_and_balances() -> None:
    (tx,) = parse_835(sample("medicare-part-a.835")).transactions
    assert (tx.total_paid_cents, tx.payment_date, tx.payer_id) == (15000000, dt.date(2002, 9, 13), "999")
    assert [c.paid_cents for c in tx.claims] == [13801840, 1198033]
    assert tx.claims[1].remarks == ("MA02",)
    assert (tx.claims[0].statement_from, tx.claims[0].statement_to) == (dt.date(2002, 8, 16), dt.date(2002, 8, 24))
    assert (tx.claims[0].facility_code, tx.claims[0].frequency_code) == ("11", "1")
    (plb,) = tx.provider_adjustments
    assert (plb.segment_number, plb.provider_id, plb.fiscal_period_date) == (29, "6543210903", dt.date(2002, 12, 31))
    assert (plb.reason_code, plb.reference, plb.amount_cents) == ("CV", "CP", -127)
    assert transaction_problems(tx) == []  # 138,018.40 + 11,980.33 - (-1.27) = 150,000.00


def test_secondary_sample_composites_written_with_another_separator_are_read_with_a_warning() -> None:
    era = parse_835(sample("secondary-payment.835"))
    (tx,) = era.transactions
    assert tx.payee_tin == "599944521" and tx.payee_npi is None
    assert tx.claims[0].adjustments == (EraAdjustment("OA", "23", 941164),)
    first, second = tx.claims[1].lines
    assert (first.code, first.modifiers, first.allowed_cents) == ("12345", ("26",), 15000)
    assert (second.code, second.revenue_code, second.units) == ("66543", "220", Decimal(1))
    assert second.adjustments == (
        EraAdjustment("PR", "1", 15000),
        EraAdjustment("PR", "2", 7000),
        EraAdjustment("CO", "42", 8500),
    )
    assert transaction_problems(tx) == []
    assert "segment 29 SVC: SVC01 separates its components with '>', but the ISA declares ':'" in era.warnings[1]
    assert era.warnings[0] == "segment 4 BPR: BPR16 (check or EFT date) is missing; read as no date."


def test_cob_sample_negative_adjustment_adds_to_the_payment() -> None:
    (tx,) = parse_835(sample("cob-contractural-adjustment.835")).transactions
    (svc,) = tx.claims[0].lines
    assert svc.adjustments == (EraAdjustment("OA", "23", 51600), EraAdjustment("OA", "94", -900))
    assert (svc.code, svc.allowed_cents) == ("55669", 55000)
    assert transaction_problems(tx) == []  # 541.00 - 516.00 - (-9.00) = 34.00


def test_tertiary_sample_line_that_does_not_balance_is_named_by_claim_line_and_segment() -> None:
    era = parse_835(sample("tertiary-payment.835"), "tertiary-payment.835")
    (tx,) = era.transactions
    (svc,) = tx.claims[0].lines
    assert svc.code == ""  # the sample's SVC01 is "HC" alone
    problems = transaction_problems(tx)
    assert [(p.segment_number, p.where) for p in problems] == [(20, "claim 0001000054 line 1")]
    assert "charge $24,599.00 − adjustments $1,579.00 = $23,020.00, but it paid $1,766.50" in problems[0].message
    assert any("SVC01-2 (the adjudicated procedure code) is missing" in w for w in era.warnings)


@pytest.mark.parametrize("path", sorted(SAMPLES_835.iterdir()), ids=lambda p: p.name)
def test_every_sample_reads_as_text_or_bytes_alike(path: Path) -> None:
    assert parse_835(path.read_text()) == parse_835(path.read_bytes())


# --- any delimiters ---------------------------------------------------------------------------------


def _redelimit(text: str, element: str, component: str, terminator: str, after: str = "") -> str:
    """The same interchange with other delimiters (our test data holds none of these characters)."""
    table = str.maketrans({"*": element, ":": component, "~": terminator + after})
    return text.translate(table)


@pytest.mark.parametrize(
    ("element", "component", "terminator", "after"),
    [
        ("|", "^", "~", ""),
        ("|", "^", "\n", ""),
        ("*", ":", "\n", ""),
        ("*", ":", "~", "\r\n"),
        ("*", ":", "\r", "\n"),
        ("!", ">", "'", "\n"),
    ],
)
def test_any_delimiters_read_the_same(element: str, component: str, terminator: str, after: str) -> None:
    transactions = [factory() for factory in SCENARIOS.values()]
    plain = write(transactions)
    other = _redelimit(plain, element, component, terminator, after)
    assert other != plain
    era = parse_835(other)
    assert list(era.transactions) == numbered(transactions)
    assert era.segment_count == plain.count("~")


def test_a_repetition_separator_in_isa11_changes_nothing() -> None:
    text = write([simple_payment()], Delimiters(repetition="{"))
    assert parse_835(text).transactions == parse_835(write([simple_payment()])).transactions


def test_several_functional_groups_in_one_interchange() -> None:
    first = write([simple_payment()]).split("~")[:-1]
    second = write([provider_adjustments()]).split("~")[:-1]
    group_two = [s.replace("*77*X*", "*78*X*") if s.startswith("GS") else s for s in second[1:-1]]
    group_two[-1] = "GE*1*78"
    combined = "~".join([*first[:-1], *group_two, "IEA*2*000000501"]) + "~"
    era = parse_835(combined)
    assert [tx.trace_number for tx in era.transactions] == ["CHK123456", "EFT0000101"]
    assert [tx.segment_number for tx in era.transactions] == [
        segment_number(combined, "ST*835", 1),
        segment_number(combined, "ST*835", 2),
    ]


# --- balancing problems point at the segments -------------------------------------------------------


def test_unbalanced_line_claim_and_payment_are_each_named_with_their_segment() -> None:
    tx = allowed_and_remarks()
    bad_line = dataclasses.replace(tx.claims[0].lines[0], paid_cents=11000)  # the line is $10 short
    bad_claim = dataclasses.replace(tx.claims[0], lines=(bad_line,), paid_cents=11500)  # and the claim $5 over that
    bad = dataclasses.replace(tx, claims=(bad_claim,), total_paid_cents=20000)
    text = write([bad], check_balancing=False)
    (read,) = parse_835(text).transactions
    problems = transaction_problems(read)
    assert [(p.segment_number, p.where) for p in problems] == [
        (segment_number(text, "SVC"), "claim CD00000070 line 1"),
        (segment_number(text, "CLP"), "claim CD00000070"),
        (segment_number(text, "BPR"), "payment EFT0000101 (transaction set 0001)"),
    ]
    svc, clp, bpr = (p.message for p in problems)
    assert svc == (
        f"SVC at segment {segment_number(text, 'SVC')} does not balance: charge $300.00 − adjustments $180.00 "
        "= $120.00, but it paid $110.00 (off by -$10.00)"
    )
    assert clp == (
        f"CLP at segment {segment_number(text, 'CLP')} does not balance: charge $300.00 − claim adjustments $0.00 "
        "− line adjustments $180.00 = $120.00, but CLP04 paid $115.00 (off by -$5.00)"
    )
    assert bpr == (
        "BPR at segment 4 does not balance: claims paid $115.00 − provider adjustments $0.00 = $115.00, "
        "but BPR02 is $200.00 (off by $85.00)"
    )


def test_claim_level_adjustments_count_in_addition_to_the_lines() -> None:
    lines = (line("99211", 8000, 5000, (EraAdjustment("PR", "1", 3000),)),)
    balanced = claim("CD1", *lines, paid_cents=4500, adjustments=(EraAdjustment("CO", "A2", 500),))
    assert claim_problems(balanced) == []
    # Repeating the line's deductible at the claim level counts it twice.
    doubled = dataclasses.replace(balanced, adjustments=(*balanced.adjustments, EraAdjustment("PR", "1", 3000)))
    (problem,) = claim_problems(doubled)
    assert "= $15.00, but CLP04 paid $45.00" in problem.message


def test_provider_adjustments_reduce_the_payment_when_positive() -> None:
    tx = provider_adjustments()  # claims $240.00, interest -$3.25, recoupment $45.00, forward balance $10.00
    assert tx.total_paid_cents == 24000 + 325 - 4500 - 1000
    assert transaction_problems(tx) == []
    flipped = dataclasses.replace(tx, total_paid_cents=24000 - 325 - 4500 - 1000)
    assert "off by -$6.50" in transaction_problems(flipped)[0].message


def test_a_debit_counts_against_the_claims() -> None:
    tx = payment(claim("CD1", line()), adjustments=(), total_paid_cents=10000, credit_debit="D")
    (problem,) = transaction_problems(tx)
    assert "BPR02 is $100.00 (a debit)" in problem.message


def test_a_reversal_balances_with_its_negative_amounts() -> None:
    reversal = SCENARIOS["reversal then re-payment"]()
    assert transaction_problems(reversal) == []
    assert reversal.total_paid_cents == 1000  # -80.00 + 90.00
    assert [c.is_reversal for c in reversal.claims] == [True, False]


def test_line_problems_alone_name_the_segment() -> None:
    svc = EraLine(segment_number=42, code="99213", charge_cents=10000, paid_cents=9000)
    (problem,) = line_problems(svc)
    assert (problem.segment_number, problem.where) == (42, "line at segment 42")
    assert str(problem).startswith("line at segment 42 (segment 42): SVC at segment 42 does not balance")


def test_segment_numbers_take_no_part_in_equality() -> None:
    a = EraClaim(
        segment_number=1,
        patient_control_number="X",
        status_code="1",
        charge_cents=0,
        paid_cents=0,
        filing_indicator="MB",
        payer_claim_number="P",
    )
    assert a == dataclasses.replace(a, segment_number=99)


# --- bad input: a clear error, the place, nothing half-read -----------------------------------------


def good() -> str:
    return write([simple_payment(), provider_adjustments()])


def replace_segment(text: str, prefix: str, new: str | None) -> str:
    segments = text.split("~")
    index = next(i for i, s in enumerate(segments) if s.startswith(prefix))
    if new is None:
        del segments[index]
    else:
        segments[index] = new
    return "~".join(segments)


def parse_error(text: str | bytes, kind: type[EraParseError]) -> EraParseError:
    with pytest.raises(kind) as caught:
        parse_835(text, "remit.835")
    error = caught.value
    assert isinstance(error, ValidationError)
    assert str(error).startswith("remit.835: ")
    return error


def test_a_file_cut_in_the_middle_is_truncated() -> None:
    text = good()
    cut = text[: text.index("CLP*CD00000081") + 20]
    error = parse_error(cut, EraTruncatedError)
    assert "the file ends in the middle of this segment, without its terminator '~'" in str(error)
    assert (error.segment_number, error.segment_id) == (cut.count("~") + 1, "CLP")
    # Cut at a segment's end, the missing trailer says it.
    cut = text[: text.index("CLP*CD00000081")]
    error = parse_error(cut, EraTruncatedError)
    assert "the file ends inside transaction set 0002 before its SE trailer: it looks cut short" in str(error)
    assert error.segment_number == cut.count("~")


def test_a_file_without_its_iea_is_truncated() -> None:
    text = good()
    error = parse_error(text[: text.index("IEA")], EraTruncatedError)
    assert "without its IEA trailer" in str(error)


@pytest.mark.parametrize(
    ("prefix", "new", "expected"),
    [
        ("SE*", "SE*99*0001", "SE01 counts '99' segments, but transaction set 0001 has 19 from ST to SE"),
        ("SE*", "SE*19*0009", "SE02 is '0009' but its ST02 is '0001'"),
        ("GE*", "GE*2*78", "GE02 is '78' but its GS06 control number is '77'"),
        ("GE*", "GE*1*77", "GE01 counts '1' transaction sets, but the group holds 2"),
        ("IEA*", "IEA*1*000000999", "IEA02 is '000000999' but the ISA's control number (ISA13) is '000000501'"),
    ],
)
def test_trailers_that_do_not_match_their_headers(prefix: str, new: str, expected: str) -> None:
    text = good()
    error = parse_error(replace_segment(text, prefix, new), EraTruncatedError)
    assert expected in str(error)
    assert error.segment_number == segment_number(text, prefix)
    assert error.segment_id == prefix.rstrip("*")


def test_a_segment_count_off_by_a_deleted_segment() -> None:
    text = replace_segment(good(), "DTM*472", None)
    error = parse_error(text, EraTruncatedError)
    assert "SE01 counts '19' segments, but transaction set 0001 has 18" in str(error)
    assert "(segment 18 of transaction set 0001)" in str(error)


def test_an_isa_cut_short_names_the_element() -> None:
    text = good().replace("TESTPAYER      *", "TESTPAYER*", 1)  # ISA06 not padded to 15
    error = parse_error(text, EraDelimiterError)
    assert "ISA06 must be exactly 15 characters" in str(error)
    assert "106 characters" in str(error)
    assert (error.segment_number, error.segment_id) == (1, "ISA")


def test_an_isa_without_its_component_separator() -> None:
    text = good()
    isa_end = text.index("~")
    error = parse_error(text[: isa_end - 2] + text[isa_end:], EraDelimiterError)  # drop "*:" before the "~"
    assert "ISA16, the component separator, is missing" in str(error)


def test_an_isa_longer_than_106_characters() -> None:
    text = good()
    error = parse_error(text.replace("*00*          *", "*00*           *", 1), EraDelimiterError)
    assert "ISA02 is not 10 characters long; the ISA is a fixed 106-character segment" in str(error)
    isa_end = text.index("~")
    error = parse_error(text[:isa_end] + ":" + text[isa_end:], EraDelimiterError)
    assert "the ISA is not the fixed 106 characters (one too many)" in str(error)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not an X12 file"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document, not an X12 file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive, not an X12 file"),
        ("Patient,Claim,Amount\nA,1,2\n", "text that does not start with an ISA segment"),
        ("", "the file is empty"),
        ("   \n", "the file is empty"),
    ],
)
def test_anything_that_is_not_x12(content: str | bytes, expected: str) -> None:
    assert expected in str(parse_error(content, EraNotX12Error))


def test_segments_not_ended_by_the_declared_terminator() -> None:
    text = good().replace("~", "\n")  # each segment on its line, but the ISA still declares "~" ...
    text = text[:105] + "~" + text[106:]  # ... right after ISA16
    error = parse_error(text, EraDelimiterError)
    assert "the segment terminator the ISA declares ('~', the character after ISA16) is not what ends" in str(error)
    assert (error.segment_number, error.segment_id) == (2, "GS")


def test_a_file_that_ends_inside_the_isa() -> None:
    error = parse_error(good()[:60], EraTruncatedError)
    assert "ends inside its ISA segment" in str(error)


def test_an_837_claim_file_is_not_a_remittance() -> None:
    text = (SAMPLES / "837_005010X222A2" / "demo.example1.837").read_text()
    error = parse_error(text, EraNotRemittanceError)
    assert "GS08 says this is an 837P professional claim file (005010X222A2)" in str(error)
    assert "ClaimDesk reads 835 remittances in the 005010X221A1 guide only" in str(error)
    assert (error.segment_number, error.segment_id) == (2, "GS")


def test_an_835_in_another_guide_says_what_was_found() -> None:
    text = good().replace("*005010X221A1~", "*005010X221~")
    error = parse_error(text, EraNotRemittanceError)
    assert "an 835 written to the original 5010 guide, without its A1 addenda (005010X221)" in str(error)
    error = parse_error(good().replace("*005010X221A1~", "*004010X091A1~"), EraNotRemittanceError)
    assert "retired 4010 format" in str(error)


def test_a_transaction_set_that_is_not_an_835() -> None:
    error = parse_error(good().replace("ST*835*0002", "ST*837*0002"), EraNotRemittanceError)
    assert "ST01 is 837 (a health care claim); expected 835" in str(error)
    assert error.segment_number == segment_number(good(), "ST*835*0002")


@pytest.mark.parametrize(
    ("prefix", "expected", "at"),
    [
        ("BPR*", "transaction set 0001 has no BPR segment (found 'TRN'", "TRN"),
        ("TRN*", "transaction set 0001 has no TRN before its payer", "N1*PR"),
        ("N1*PR", "transaction set 0001 has no payer (N1*PR, loop 1000A) before its payee", "N1*PE"),
        ("N1*PE", "transaction set 0001 has no payee (N1*PE, loop 1000B)", "LX"),
    ],
)
def test_missing_required_segments(prefix: str, expected: str, at: str) -> None:
    text = replace_segment(good(), prefix, None)
    error = parse_error(text, EraStructureError)
    assert expected in str(error)
    assert error.segment_number == segment_number(text, at)
    assert error.segment_id == at.split("*")[0]


def test_money_segments_out_of_place() -> None:
    text = replace_segment(good(), "CLP*CD00000012", "LX*2")  # the SVC now follows an LX, not a CLP
    assert "an SVC service line outside a claim" in str(parse_error(text, EraStructureError))
    text = good().replace("LX*1~CLP*CD00000080", "PLB*1*20261231*L6*-1~LX*1~CLP*CD00000080")
    assert "an LX after the PLB segments" in str(parse_error(text, EraStructureError))


@pytest.mark.parametrize(
    ("prefix", "new", "expected"),
    [
        ("CLP*", "CLP*CD00000012*1*150*1OO*0*MB*PCN0012", "CLP04 (claim payment) is '1OO', which is not an amount"),
        ("CLP*", "CLP*CD00000012*1*150*100.005*0*MB*PCN0012", "an amount has at most two decimals"),
        ("CLP*", "CLP**1*150*100*0*MB*PCN0012", "CLP01 (patient control number) is missing"),
        ("BPR*", "BPR*I*1oo*C*CHK************20260320", "BPR02 (total payment amount) is '1oo'"),
        ("BPR*", "BPR*I*100*X*CHK************20260320", "BPR03 (credit or debit flag) is 'X'; expected C or D"),
        ("DTM*472", "DTM*472*20261340", "DTM02 (DTM*472 service date) is '20261340', which is not a calendar date"),
        ("DTM*472", "DTM*472*2026-03-02", "expected a date as CCYYMMDD"),
        ("CAS*", "CAS*CO*45", "CAS03 (adjustment amount) is missing"),
        ("CAS*", "CAS*CO**50", "CAS02 (adjustment reason code) is missing"),
        ("SVC*", "SVC*HC:99213*150*100**two", "SVC05 (units of service paid) is 'two', which is not a number"),
    ],
)
def test_malformed_values_name_the_element(prefix: str, new: str, expected: str) -> None:
    text = good()
    error = parse_error(replace_segment(text, prefix, new), EraDataError)
    assert expected in str(error)
    assert error.segment_number == segment_number(text, prefix)


def test_a_bad_plb_amount_names_the_plb() -> None:
    text = good()
    bad = text.replace("*-3.25*WO:", "*-3,25*WO:")
    error = parse_error(bad, EraDataError)
    assert "PLB04 (provider adjustment amount) is '-3,25'" in str(error)
    assert error.segment_number == segment_number(text, "PLB")
    within = segment_number(text, "PLB") - segment_number(text, "ST*835*0002") + 1
    assert f"(segment {within} of transaction set 0002)" in str(error)


def test_a_second_interchange_in_the_file_is_refused() -> None:
    text = good()
    error = parse_error(text + text, EraStructureError)
    assert "a second interchange after the IEA trailer" in str(error)
    assert error.segment_number == text.count("~") + 1


def test_an_unparseable_check_date_is_read_past_with_a_warning() -> None:
    text = replace_segment(good(), "BPR*", "BPR*I*100*C*CHK************20261399")
    era = parse_835(text)
    assert era.transactions[0].payment_date is None
    assert era.warnings == (
        "segment 4 BPR: BPR16 (check or EFT date) is '20261399', which is not a calendar date; read as no date.",
    )
