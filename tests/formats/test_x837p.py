"""The 837P writer: every file it writes passes pyx12 against the 005010X222A1 map with zero errors,
and carries the loops the guide asks for in each situation. Synthetic people and numbers only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.claim_document import (
    Address,
    Adjustment,
    ClaimDocument,
    DocumentLine,
    Insured,
    LineAdjudication,
    OtherPayer,
    Payer,
    Person,
    Provider,
)
from app.errors import ClaimDeskError
from app.formats.x12 import (
    Delimiters,
    Envelope,
    Receiver,
    Submitter,
    X12DataError,
    X12Result,
    validate_x12,
    write_837p,
)
from app.formats.x12.syntax import money
from tests.factories import npi

# --- synthetic claims ------------------------------------------------------------------------------

OFFICE = Address("1 Test Way", "Suite 2", "Testville", "PA", "170131234")
HOME = Address("22 Elm St", None, "Harrisburg", "PA", "17101")
CLINIC = Address("9 Annex Rd", None, "Camp Hill", "PA", "170112222")
MEDICARE = Payer("TST01", "Test Medicare", "MB", Address("PO Box 100", None, "Mechanicsburg", "PA", "17055"))
COMMERCIAL = Payer("TST02", "Test Commercial", "CI")
DOS = dt.date(2026, 3, 2)
CREATED = dt.datetime(2026, 3, 10, 9, 30)


def practice(**changes: object) -> Provider:
    base = Provider("Test Practice", None, npi(1), "207Q00000X", "990000009", address=OFFICE, phone="7175550100")
    return dataclasses.replace(base, **changes)


def doctor(seed: int = 2, last: str = "Able", first: str = "Ann", taxonomy: str | None = "207Q00000X") -> Provider:
    return Provider(last, first, npi(seed), taxonomy, credential="MD")


def person(last: str = "Zephyr", first: str = "Alice", born: dt.date = dt.date(1950, 3, 4), sex: str = "F") -> Person:
    return Person(last, first, None, born, sex, HOME)


ALICE = person()
BOB = person("Young", "Bob", dt.date(1985, 7, 8), "M")
CODY = person("Young", "Cody", dt.date(2015, 1, 2), "M")


def coverage(
    payer: Payer = MEDICARE, who: Person = ALICE, relationship: str = "18", priority: int = 1, **kw: object
) -> Insured:
    member = kw.pop("member_id", f"M{payer.payer_id}{who.first_name.upper()}")
    return Insured(payer, str(member), kw.pop("group_number", None), relationship, who, priority)  # type: ignore[arg-type]


def line(
    number: int = 1, code: str = "99213", charge: int = 15000, pointers: tuple[int, ...] = (1,), **kw: object
) -> DocumentLine:
    fields: dict[str, object] = dict(
        number=number,
        date_from=DOS,
        date_to=DOS,
        place_of_service="11",
        code=code,
        modifiers=(),
        units=1,
        charge_cents=charge,
        pointers=pointers,
    )
    fields.update(kw)
    return DocumentLine(**fields)  # type: ignore[arg-type]


def claim(number: str = "C1001", **kw: object) -> ClaimDocument:
    patient = kw.pop("patient", ALICE)
    fields: dict[str, object] = dict(
        claim_id=int("".join(ch for ch in number if ch.isdigit()) or 1),
        claim_number=number,
        frequency_code="1",
        original_reference=None,
        submission_method="electronic",
        billing=practice(),
        patient=patient,
        account_number="P001",
        insured=coverage(who=patient),  # type: ignore[arg-type]
        other_payers=(),
        diagnoses=("E119", "I10"),
        lines=(line(1, "99213", 15000, (1, 2)), line(2, "36415", 2500, (1,))),
        place_of_service="11",
        rendering=doctor(),
        referring=None,
        facility=None,
        prior_authorization=None,
        date_of_service=DOS,
    )
    fields.update(kw)
    return ClaimDocument(**fields)  # type: ignore[arg-type]


def dependent_claim(number: str = "C2001", **kw: object) -> ClaimDocument:
    return claim(number, patient=CODY, insured=coverage(COMMERCIAL, BOB, "19", group_number="GRP-77"), **kw)


ENVELOPE = Envelope("ZZ", "CLAIMDESK01", "ZZ", "CLEARHOUSE", "CLAIMDESK01", "CLEARHOUSE", 1234, 56)
SUBMITTER = Submitter("Test Practice", "SUB0001", "Pat Biller", "(717) 555-0100")
RECEIVER = Receiver("Test Clearinghouse", "CH0001")


def write(claims: list[ClaimDocument], **kw: object) -> X12Result:
    return write_837p(claims, ENVELOPE, SUBMITTER, RECEIVER, created_at=CREATED, **kw)  # type: ignore[arg-type]


def assert_passes_pyx12(text: str) -> None:
    issues = validate_x12(text)
    assert issues == [], "\n".join(map(str, issues))


def segments(result: X12Result, delimiters: Delimiters | None = None) -> list[list[str]]:
    d = delimiters or Delimiters()
    return [s.strip().split(d.element) for s in result.text.split(d.segment) if s.strip()]


def ids(result: X12Result) -> list[str]:
    return [s[0] for s in segments(result)]


def find(result: X12Result, seg_id: str, *first: str) -> list[list[str]]:
    return [s for s in segments(result) if s[0] == seg_id and s[1 : 1 + len(first)] == list(first)]


# --- files that pass pyx12 -----------------------------------------------------------------------------


def test_an_original_claim_for_the_subscriber_passes_pyx12() -> None:
    result = write([claim()])

    assert_passes_pyx12(result.text)
    assert find(result, "CLM") == [["CLM", "C1001", "175", "", "", "11:B:1", "Y", "A", "Y", "Y"]]
    assert find(result, "SBR") == [["SBR", "P", "18", "", "", "", "", "", "", "MB"]]
    assert find(result, "HL") == [["HL", "1", "", "20", "1"], ["HL", "2", "1", "22", "0"]]
    assert find(result, "DMG") == [["DMG", "D8", "19500304", "F"]]  # 2010BA: the patient is the subscriber
    assert find(result, "PAT") == [] and find(result, "REF", "F8") == []
    assert find(result, "NM1", "82") == [["NM1", "82", "1", "Able", "Ann", "", "", "", "XX", npi(2)]]
    assert find(result, "HI") == [["HI", "ABK:E119", "ABF:I10"]]
    assert find(result, "SV1") == [
        ["SV1", "HC:99213", "150", "UN", "1", "", "", "1:2"],
        ["SV1", "HC:36415", "25", "UN", "1", "", "", "1"],
    ]
    assert find(result, "DTP", "472") == [["DTP", "472", "D8", "20260302"]] * 2
    assert find(result, "N4", "Mechanicsburg") == [["N4", "Mechanicsburg", "PA", "17055"]]  # 2010BB payer address
    assert find(result, "PER") == [["PER", "IC", "Pat Biller", "TE", "7175550100"]]  # practice phone = submitter's
    assert (result.claim_count, result.total_charge_cents, result.transaction_control_numbers) == (1, 17500, ("0001",))
    assert result.segment_count == len(segments(result))


@pytest.mark.parametrize("frequency", ["7", "8"])
def test_replacement_and_void_carry_the_payers_claim_number(frequency: str) -> None:
    result = write([claim(frequency_code=frequency, original_reference="PAYER-CLM-0042")])

    assert_passes_pyx12(result.text)
    assert find(result, "CLM")[0][5] == f"11:B:{frequency}"
    assert find(result, "REF", "F8") == [["REF", "F8", "PAYER-CLM-0042"]]


def test_a_dependent_gets_a_patient_level_under_the_subscriber() -> None:
    result = write([dependent_claim()])

    assert_passes_pyx12(result.text)
    assert find(result, "HL") == [["HL", "1", "", "20", "1"], ["HL", "2", "1", "22", "1"], ["HL", "3", "2", "23", "0"]]
    assert find(result, "SBR") == [["SBR", "P", "", "GRP-77", "", "", "", "", "", "CI"]]
    assert find(result, "PAT") == [["PAT", "19"]]
    assert find(result, "NM1", "IL")[0][3:5] == ["Young", "Bob"]
    assert find(result, "NM1", "QC") == [["NM1", "QC", "1", "Young", "Cody"]]
    # The subscriber's address and birth date are not sent when the patient is someone else.
    assert find(result, "DMG") == [["DMG", "D8", "20150102", "M"]]
    order = ids(result)
    assert order.index("PAT") < order.index("CLM")


def primary_paid(**kw: object) -> OtherPayer:
    fields: dict[str, object] = dict(
        insured=coverage(MEDICARE, ALICE, "18", 1),
        paid_cents=9200,
        claim_adjustments=(),
        adjudicated_on=dt.date(2026, 3, 20),
        payer_claim_number="MCR-2026-0001",
    )
    fields.update(kw)
    return OtherPayer(**fields)  # type: ignore[arg-type]


def secondary_claim(**kw: object) -> ClaimDocument:
    """Medicare paid 72 + 20 of 150 + 25, with CO-45 contractual and PR-2 coinsurance per line."""
    adjudicated = dt.date(2026, 3, 20)
    visit = line(
        1,
        "99213",
        15000,
        (1, 2),
        modifiers=("25",),
        adjudications=(
            LineAdjudication(
                "TST01",
                "99213",
                ("25",),
                1,
                7200,
                (Adjustment("CO", "45", 6000), Adjustment("PR", "2", 1800)),
                adjudicated,
            ),
        ),
    )
    draw = line(
        2,
        "36415",
        2500,
        (1,),
        adjudications=(
            LineAdjudication(
                "TST01", "36415", (), 1, 2000, (Adjustment("CO", "45", 300), Adjustment("PR", "2", 200)), adjudicated
            ),
        ),
    )
    fields: dict[str, object] = dict(
        insured=coverage(COMMERCIAL, ALICE, "18", 2, member_id="SUP001"),
        other_payers=(primary_paid(),),
        lines=(visit, draw),
    )
    fields.update(kw)
    return claim("C3001", **fields)


def test_a_secondary_claim_reports_what_the_primary_did_per_line() -> None:
    result = write([secondary_claim()])

    assert_passes_pyx12(result.text)
    assert find(result, "SBR") == [
        ["SBR", "S", "18", "", "", "", "", "", "", "CI"],  # 2000B: the destination payer is secondary
        ["SBR", "P", "18", "", "", "", "", "", "", "MB"],  # 2320: Medicare, primary
    ]
    assert find(result, "AMT", "D") == [["AMT", "D", "92"]]
    assert find(result, "OI") == [["OI", "", "", "Y", "", "", "Y"]]
    assert find(result, "NM1", "PR")[1] == ["NM1", "PR", "2", "Test Medicare", "", "", "", "", "PI", "TST01"]
    assert find(result, "REF", "F8") == [["REF", "F8", "MCR-2026-0001"]]  # 2330B other payer's claim number
    assert find(result, "SVD") == [
        ["SVD", "TST01", "72", "HC:99213:25", "", "1"],
        ["SVD", "TST01", "20", "HC:36415", "", "1"],
    ]
    assert find(result, "CAS") == [
        ["CAS", "CO", "45", "60"],
        ["CAS", "PR", "2", "18"],
        ["CAS", "CO", "45", "3"],
        ["CAS", "PR", "2", "2"],
    ]
    assert find(result, "DTP", "573") == [["DTP", "573", "D8", "20260320"]] * 2  # 2430 only: lines carry the dates
    assert find(result, "AMT", "EAF") == [["AMT", "EAF", "18"], ["AMT", "EAF", "2"]]
    order = ids(result)
    assert order.index("SBR", 1 + order.index("SBR")) < order.index("LX") < order.index("SVD")


def test_a_primary_that_reported_only_the_claim_gets_claim_level_adjustments_and_date() -> None:
    other = primary_paid(
        paid_cents=12000,
        claim_adjustments=(Adjustment("CO", "45", 3500), Adjustment("PR", "1", 1000, 1), Adjustment("PR", "3", 1000)),
    )
    result = write([secondary_claim(other_payers=(other,), lines=(line(1, "99213", 17500, (1,)),))])

    assert_passes_pyx12(result.text)
    assert find(result, "CAS") == [["CAS", "CO", "45", "35"], ["CAS", "PR", "1", "10", "1", "3", "10"]]
    assert find(result, "AMT", "EAF") == [["AMT", "EAF", "20"]]
    assert find(result, "DTP", "573") == [["DTP", "573", "D8", "20260320"]]  # 2330B, since no 2430
    assert find(result, "SVD") == []


def test_a_payer_still_to_come_is_listed_without_adjudication() -> None:
    tertiary = OtherPayer(coverage(MEDICARE, BOB, "01", 3, member_id="SPOUSE9"), None)
    result = write([claim(other_payers=(tertiary,))])

    assert_passes_pyx12(result.text)
    assert find(result, "SBR")[1] == ["SBR", "T", "01", "", "", "", "", "", "", "MB"]
    assert find(result, "AMT") == [] and find(result, "CAS") == []


def test_an_ndc_line_carries_drug_identification_and_quantity() -> None:
    drug = line(1, "J3420", 1850, (1,), ndc="00002-1234-01", ndc_quantity="2.50", ndc_unit="ML")
    result = write([claim(diagnoses=("E538",), lines=(drug,))])

    assert_passes_pyx12(result.text)
    assert find(result, "LIN") == [["LIN", "", "N4", "00002123401"]]
    assert find(result, "CTP") == [["CTP", "", "", "", "2.5", "ML"]]
    order = ids(result)
    assert order.index("DTP") < order.index("LIN") < order.index("CTP")


def test_twelve_diagnoses_fill_one_hi_segment() -> None:
    codes = ("E119", "I10", "E785", "J069", "M545", "R0789", "Z00129", "K219", "F419", "G4700", "N390", "L030")
    lines = (line(1, "99214", 22000, (1, 2, 3, 4)), line(2, "36415", 2500, (9, 10, 11, 12)))
    result = write([claim(diagnoses=codes, lines=lines)])

    assert_passes_pyx12(result.text)
    hi = find(result, "HI")[0]
    assert hi == ["HI", "ABK:E119"] + [f"ABF:{c}" for c in codes[1:]]
    assert find(result, "SV1")[1][7] == "9:10:11:12"


def test_a_batch_groups_claims_by_subscriber_and_numbers_the_levels() -> None:
    claims = [
        claim("C1001"),
        dependent_claim("C2001"),
        claim("C1002", lines=(line(1, "99214", 22000, (1,)),)),
        claim("C4001", patient=BOB, insured=coverage(COMMERCIAL, BOB, "18", member_id="COM002")),
        dependent_claim("C2002"),
    ]
    result = write(claims)

    assert_passes_pyx12(result.text)
    assert find(result, "HL") == [
        ["HL", "1", "", "20", "1"],
        ["HL", "2", "1", "22", "0"],  # Alice, Medicare: C1001, C1002
        ["HL", "3", "1", "22", "1"],  # Bob, commercial, as subscriber of Cody
        ["HL", "4", "3", "23", "0"],  # Cody: C2001, C2002
        ["HL", "5", "1", "22", "0"],  # Bob, commercial, his own visit: C4001
    ]
    assert [s[1] for s in find(result, "CLM")] == ["C1001", "C1002", "C2001", "C2002", "C4001"]
    assert [s[-1] for s in find(result, "NM1", "PR")] == ["TST01", "TST02", "TST02"]
    assert len(find(result, "ST")) == 1 and find(result, "GE") == [["GE", "1", "56"]]
    assert result.claim_count == 5
    assert result.total_charge_cents == sum(c.total_charge_cents for c in claims)


def test_a_large_batch_is_split_into_transaction_sets() -> None:
    claims = [claim(f"C{n}") for n in range(1001, 1006)]
    result = write(claims, max_claims_per_transaction=2)

    assert_passes_pyx12(result.text)
    assert result.transaction_control_numbers == ("0001", "0002", "0003")
    assert [s[2] for s in find(result, "ST")] == ["0001", "0002", "0003"]
    assert find(result, "GE") == [["GE", "3", "56"]]
    assert [s[3] for s in find(result, "BHT")] == ["0000012340001", "0000012340002", "0000012340003"]


def test_more_than_100_claims_for_one_subscriber_repeat_the_subscriber_level() -> None:
    claims = [claim(f"C{n}", lines=(line(),)) for n in range(10001, 10151)]
    result = write(claims)

    assert_passes_pyx12(result.text)
    assert find(result, "HL") == [["HL", "1", "", "20", "1"], ["HL", "2", "1", "22", "0"], ["HL", "3", "1", "22", "0"]]
    order = ids(result)
    second_level = [i for i, s in enumerate(order) if s == "HL"][2]
    assert order[:second_level].count("CLM") == 100


@pytest.mark.slow
def test_a_thousand_mixed_claims_pass_pyx12() -> None:
    kinds = [
        claim("C1"),
        dependent_claim("C2"),
        secondary_claim(),
        claim("C4", lines=(line(1, "J3420", 1850, (1,), ndc="00002123401", ndc_quantity="1", ndc_unit="ML"),)),
    ]
    claims = [dataclasses.replace(kinds[n % 4], claim_number=f"C{n:05d}") for n in range(1000)]
    result = write(claims)

    assert_passes_pyx12(result.text)
    assert len(find(result, "CLM")) == 1000
    # 250 claims for the one dependent: three patient levels under one subscriber level
    patient_levels = [s for s in find(result, "HL") if s[3] == "23"]
    assert len(patient_levels) == 3 and len({s[2] for s in patient_levels}) == 1
    hl_ids = [int(s[1]) for s in find(result, "HL")]
    assert hl_ids == list(range(1, len(hl_ids) + 1))


def test_rendering_differs_on_one_line_only() -> None:
    lines = (line(1), line(2, "36415", 2500, rendering=doctor(3, "Baker", "Ben", taxonomy="207R00000X")))
    result = write([claim(lines=lines)])

    assert_passes_pyx12(result.text)
    rendering = find(result, "NM1", "82")
    assert [r[3] for r in rendering] == ["Able", "Baker"]  # 2310B for the claim, 2420A for line 2
    order = ids(result)
    assert order.index("NM1", order.index("LX", order.index("LX") + 1)) > 0
    assert find(result, "PRV", "PE") == [["PRV", "PE", "PXC", "207Q00000X"], ["PRV", "PE", "PXC", "207R00000X"]]


def test_a_solo_doctor_billing_under_own_npi_sends_no_claim_rendering_but_line_overrides() -> None:
    solo = Provider("Able", "Ann", npi(2), "207Q00000X", "990000009", address=OFFICE)
    locum = doctor(4, "Cole", "Cara")
    result = write([claim(billing=solo, rendering=solo, lines=(line(1), line(2, "36415", 2500, rendering=locum)))])

    assert_passes_pyx12(result.text)
    assert find(result, "NM1", "85")[0][2:5] == ["1", "Able", "Ann"]
    assert [r[3] for r in find(result, "NM1", "82")] == ["Cole"]  # 2420A only


def test_a_billing_service_submitting_for_the_practice_adds_the_practice_phone() -> None:
    service = Submitter("Test Billing Service", "SUB0002", "Sam Sender", "8005550199", email="edi@example.test")
    result = write_837p([claim()], ENVELOPE, service, RECEIVER, created_at=CREATED)

    assert_passes_pyx12(result.text)
    assert find(result, "PER") == [
        ["PER", "IC", "Sam Sender", "TE", "8005550199", "EM", "edi@example.test"],
        ["PER", "IC", "", "TE", "7175550100"],  # 2010AA: differs from the submitter's
    ]


def test_referring_provider_and_prior_authorization() -> None:
    result = write(
        [claim(referring=doctor(5, "Dunn", "Dee", None), prior_authorization="AUTH-555", patient_paid_cents=2500)]
    )

    assert_passes_pyx12(result.text)
    assert find(result, "NM1", "DN") == [["NM1", "DN", "1", "Dunn", "Dee", "", "", "", "XX", npi(5)]]
    assert find(result, "REF", "G1") == [["REF", "G1", "AUTH-555"]]
    assert find(result, "AMT", "F5") == [["AMT", "F5", "25"]]


def test_service_facility_only_when_it_is_not_the_billing_address() -> None:
    annex = Provider("Test Annex", None, npi(6), address=CLINIC)
    elsewhere = write([claim(facility=annex)])
    at_the_office = write([claim(facility=Provider("Main Office", None, None, address=OFFICE))])

    assert_passes_pyx12(elsewhere.text)
    assert find(elsewhere, "NM1", "77") == [["NM1", "77", "2", "Test Annex", "", "", "", "", "XX", npi(6)]]
    assert find(elsewhere, "N4", "Camp Hill") == [["N4", "Camp Hill", "PA", "170112222"]]
    assert find(at_the_office, "NM1", "77") == []


def test_a_line_with_its_own_place_of_service_and_a_date_range() -> None:
    therapy = line(1, "97110", 9000, (1,), place_of_service="02", date_to=DOS + dt.timedelta(days=4), units=4)
    result = write([claim(lines=(therapy,))])

    assert_passes_pyx12(result.text)
    assert find(result, "SV1") == [["SV1", "HC:97110", "90", "UN", "4", "02", "", "1"]]
    assert find(result, "DTP", "472") == [["DTP", "472", "RD8", "20260302-20260306"]]


def test_custom_delimiters_let_the_default_ones_appear_in_data() -> None:
    d = Delimiters(segment="!", element="|", component=">", repetition="{", newline=True)
    result = write([claim(patient=person("O'Star*Colon:Caret^", "Ann"))], delimiters=d)

    assert_passes_pyx12(result.text)
    isa = result.text.split("!")[0]
    assert (isa[3], isa[104], len(isa) + 1) == ("|", ">", 106)
    assert isa.split("|")[11] == "{"
    assert "NM1|IL|1|O'Star*Colon:Caret^|Ann||||MI|" in result.text
    assert result.text.count("!\n") == result.segment_count


def test_the_isa_segment_is_fixed_width() -> None:
    result = write([claim()])
    isa = result.text.split("~")[0] + "~"

    assert len(isa) == 106
    assert isa.split("*")[6] == "CLAIMDESK01    " and isa.split("*")[13] == "000001234"
    assert result.text.endswith("IEA*1*000001234~")


def test_money_is_written_without_float_rounding() -> None:
    cases = {15000: "150", 15050: "150.5", 15005: "150.05", 5: "0.05", 0: "0", -125: "-1.25", 1999999: "19999.99"}
    assert {c: money(c) for c in cases} == cases


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_money_text_is_exactly_the_cents(cents: int) -> None:
    assert Decimal(money(cents)) * 100 == cents


# --- claims that cannot be written -------------------------------------------------------------------


def test_a_delimiter_inside_data_is_refused_naming_the_claim_and_field() -> None:
    with pytest.raises(X12DataError) as caught:
        write([claim("C1001"), claim("C1002", prior_authorization="AUTH~7")])

    message = str(caught.value)
    assert "Claim C1002: prior authorization (2300 REF*G1): contains '~', the file's segment terminator" in message
    assert "C1001" not in message
    assert isinstance(caught.value, ClaimDeskError)


def test_a_billing_zip_without_plus_four_is_refused_for_every_claim() -> None:
    practice5 = practice(address=dataclasses.replace(OFFICE, zip="17013"))
    with pytest.raises(X12DataError) as caught:
        write([claim("C1001", billing=practice5), claim("C1002", billing=practice5), claim("C1003")])

    [problem] = caught.value.x12_problems
    assert problem.claim_numbers == ("C1001", "C1002")
    assert problem.where == "billing provider ZIP code (2010AA N403)"
    assert "9 digits (ZIP+4)" in problem.message and "'17013'" in problem.message
    assert "2 of 3 claims" in str(caught.value)


def test_every_problem_of_a_claim_is_listed_at_once() -> None:
    bad = claim(
        "C9",
        frequency_code="7",
        diagnoses=("E11.9",),
        lines=(line(1, "9921", 1000, (1, 3)),),
        rendering=dataclasses.replace(doctor(), npi="1234567890"),
    )
    with pytest.raises(X12DataError) as caught:
        write([bad])

    wheres = {p.where for p in caught.value.x12_problems}
    assert wheres == {
        "payer's original claim number for a replacement or void (2300 REF*F8)",
        "line 1 procedure code (2400 SV101-2)",
        "line 1 diagnosis pointers (2400 SV107)",
        "rendering provider NPI (2310B NM109)",
    }  # "E11.9" is fine: the decimal point is dropped as the guide says


def test_an_unbalanced_primary_adjudication_is_refused() -> None:
    bad = secondary_claim(other_payers=(primary_paid(paid_cents=9000),))
    with pytest.raises(X12DataError, match=r"other payer TST01 paid amount \(2320 AMT\*D\): does not balance"):
        write([bad])


def test_a_line_adjudication_without_its_date_is_refused() -> None:
    good = secondary_claim()
    undated = dataclasses.replace(good.lines[1].adjudications[0], adjudicated_on=None)
    bad = dataclasses.replace(good, lines=(good.lines[0], dataclasses.replace(good.lines[1], adjudications=(undated,))))
    with pytest.raises(
        X12DataError, match=r"line 2 adjudication by TST01 adjudication date \(2430 DTP\*573\): is missing"
    ):
        write([bad])


def test_non_ascii_names_lose_their_accents_and_symbols_are_refused() -> None:
    result = write([claim(patient=person("Muñoz", "José"))])
    assert find(result, "NM1", "IL")[0][3:5] == ["Munoz", "Jose"]

    with pytest.raises(X12DataError, match="not in the X12 character set"):
        write([claim(patient=person("Zephyr™", "Alice"))])


def test_no_claims_no_file() -> None:
    with pytest.raises(X12DataError):
        write([])


# --- the validator can fail ------------------------------------------------------------------------


def test_pyx12_reports_a_broken_file_with_segment_and_element() -> None:
    text = write([claim()]).text.replace("*UN*", "*XX*", 1).replace("N4*Testville*PA*170131234", "N4*Testville*PA*1")

    issues = validate_x12(text)
    assert {(i.segment, i.line, i.element) for i in issues} == {("SV1", 28, "SV103"), ("N4", 12, "N403")}


def test_pyx12_reports_a_wrong_segment_count() -> None:
    text = write([claim()]).text.replace("~SE*", "~SE*9", 1)
    assert any(i.segment == "ST" and "SE count" in i.message for i in validate_x12(text))


def test_pyx12_reports_envelope_element_errors_too() -> None:
    text = write([claim()]).text.replace("*20260310*", "*20261310*", 1)  # GS04, a 13th month
    assert any(i.segment == "GS" and i.line == 2 and "GS04" in i.message for i in validate_x12(text))


def test_pyx12_rejects_what_is_not_x12() -> None:
    assert validate_x12("hello")
