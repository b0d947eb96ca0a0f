"""The 835 writer: every remittance scenario a payer sends passes pyx12 against the 005010X221A1 map
with zero errors, and reads back (with our parser) equal to what was written. Synthetic people and
numbers only. The scenario builders here are shared by the parser and remittance print tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.claim_document import Address
from app.domain.era import (
    EraAdjustment,
    EraClaim,
    EraContact,
    EraLine,
    EraProviderAdjustment,
    EraTransaction,
    transaction_problems,
)
from app.formats.x12 import Delimiters, Envelope, X12DataError, parse_835, validate_x12, write_835
from tests.factories import npi

CREATED = dt.datetime(2026, 3, 20, 9, 30)
DOS = dt.date(2026, 3, 2)
PAID_ON = dt.date(2026, 3, 20)
PRACTICE_NPI = npi(1)
ENVELOPE = Envelope("ZZ", "TESTPAYER", "ZZ", "TESTPRACTICE", "TESTPAYER", "TESTPRACTICE", 501, 77)


# --- synthetic remittances -------------------------------------------------------------------------


def line(
    code: str = "99213",
    charge: int = 15000,
    paid: int = 10000,
    adjustments: tuple[EraAdjustment, ...] = (EraAdjustment("CO", "45", 5000),),
    **kw: object,
) -> EraLine:
    fields: dict[str, object] = dict(service_date_from=DOS, service_date_to=DOS)
    fields.update(kw)
    return EraLine(code=code, charge_cents=charge, paid_cents=paid, adjustments=adjustments, **fields)  # type: ignore[arg-type]


def claim(number: str = "CD00000012", *lines: EraLine, status: str = "1", **kw: object) -> EraClaim:
    lines = lines or (line(),)
    fields: dict[str, object] = dict(
        patient_control_number=number,
        status_code=status,
        charge_cents=sum(x.charge_cents for x in lines),
        paid_cents=sum(x.paid_cents for x in lines),
        patient_responsibility_cents=sum(x.patient_responsibility_cents for x in lines),
        filing_indicator="MB",
        payer_claim_number=f"PCN{number[-4:]}",
        patient_last="ZEPHYR",
        patient_first="ALICE",
        patient_member_id="1EG4TE5MK73",
        lines=lines,
    )
    fields.update(kw)
    return EraClaim(**fields)  # type: ignore[arg-type]


def payment(
    *claims: EraClaim,
    adjustments: tuple[EraProviderAdjustment, ...] = (),
    trace: str = "EFT0000101",
    **kw: object,
) -> EraTransaction:
    """A payment whose BPR02 balances with its claims and provider adjustments."""
    total = sum(c.paid_cents for c in claims) - sum(a.amount_cents for a in adjustments)
    fields: dict[str, object] = dict(
        control_number="0001",
        handling_code="I",
        total_paid_cents=total,
        credit_debit="C",
        payment_method="ACH",
        payment_date=PAID_ON,
        trace_number=trace,
        payer_identifier="1999999999",
        payer_name="TEST MEDICARE",
        payer_id="TST01",
        payer_address=Address("PO Box 100", None, "Mechanicsburg", "PA", "17055"),
        payer_contact=EraContact(name="EDI HELP DESK", phone="8005550100", email="edi@payer.test"),
        payee_name="TEST PRACTICE",
        payee_npi=PRACTICE_NPI,
        payee_tin="990000009",
        payee_address=Address("1 Test Way", "Suite 2", "Testville", "PA", "170131234"),
        claims=claims,
        provider_adjustments=adjustments,
    )
    fields.update(kw)
    return EraTransaction(**fields)  # type: ignore[arg-type]


def plb(reason: str, amount: int, reference: str | None = None) -> EraProviderAdjustment:
    return EraProviderAdjustment(
        provider_id=PRACTICE_NPI,
        fiscal_period_date=dt.date(2026, 12, 31),
        reason_code=reason,
        reference=reference,
        amount_cents=amount,
    )


def simple_payment() -> EraTransaction:
    return payment(claim("CD00000012", line()), payment_method="CHK", trace="CHK123456")


def partial_payment() -> EraTransaction:
    lines = (
        line(
            "99214", 20000, 0, (EraAdjustment("CO", "45", 6000), EraAdjustment("PR", "1", 14000)), allowed_cents=14000
        ),
        line("36415", 3000, 1200, (EraAdjustment("CO", "45", 1500), EraAdjustment("PR", "2", 300)), allowed_cents=1500),
        line("81002", 2500, 0, (EraAdjustment("CO", "45", 500), EraAdjustment("PR", "3", 2000)), allowed_cents=2000),
    )
    return payment(claim("CD00000020", *lines, filing_indicator="12"))


def denial() -> EraTransaction:
    denied = line("97110", 12000, 0, (EraAdjustment("CO", "50", 12000),), remarks=("N115",))
    return payment(
        claim("CD00000031", denied, status="4", remarks=("MA130",)),
        handling_code="H",
        payment_method="NON",
        trace="NOTICE0031",
    )


def reversal_and_repayment() -> EraTransaction:
    original = line("99213", 15000, 8000, (EraAdjustment("CO", "45", 5000), EraAdjustment("PR", "2", 2000)))
    negated = dataclasses.replace(
        original,
        charge_cents=-15000,
        paid_cents=-8000,
        adjustments=tuple(dataclasses.replace(a, amount_cents=-a.amount_cents) for a in original.adjustments),
    )
    corrected = line("99213", 15000, 9000, (EraAdjustment("CO", "45", 4000), EraAdjustment("PR", "2", 2000)))
    return payment(
        claim("CD00000040", negated, status="22", payer_claim_number="PCN-ORIGINAL", frequency_code="7"),
        claim("CD00000040", corrected, status="1", payer_claim_number="PCN-CORRECTED", frequency_code="7"),
    )


def crossover() -> EraTransaction:
    paid = line("99213", 15000, 8000, (EraAdjustment("CO", "45", 5000), EraAdjustment("PR", "2", 2000)))
    return payment(
        claim(
            "CD00000050",
            paid,
            status="19",
            crossover_payer="TEST MEDIGAP",
            crossover_payer_id="MG001",
            insured_member_id="SUB998877",
        )
    )


def changed_code() -> EraTransaction:
    changed = line(
        "99213",
        20000,
        9000,
        (EraAdjustment("CO", "45", 7000), EraAdjustment("PR", "2", 4000, Decimal(1))),
        modifiers=("25",),
        original_code="99215",
        original_modifiers=("25", "GT"),
        units=Decimal(1),
        original_units=Decimal(2),
        remarks=("M15",),
    )
    return payment(claim("CD00000060", changed))


def allowed_and_remarks() -> EraTransaction:
    remarked = line(
        "20610",
        30000,
        12000,
        (EraAdjustment("CO", "45", 15000), EraAdjustment("PR", "2", 3000)),
        modifiers=("RT", "59"),
        allowed_cents=15000,
        remarks=("N130", "M80"),
        line_control_number="CD00000070-1",
        units=Decimal("2.5"),
        service_date_to=DOS + dt.timedelta(days=2),
    )
    return payment(
        claim(
            "CD00000070",
            remarked,
            statement_from=DOS,
            statement_to=DOS + dt.timedelta(days=2),
            received_date=DOS + dt.timedelta(days=5),
            facility_code="11",
            frequency_code="1",
        )
    )


def provider_adjustments() -> EraTransaction:
    """Interest added (L6, negative), an overpayment recouped (WO) and a forward balance (FB)."""
    return payment(
        claim("CD00000080", line()),
        claim("CD00000081", line("99214", 20000, 14000, (EraAdjustment("CO", "45", 6000),))),
        adjustments=(
            plb("L6", -325, "CD00000080"),
            plb("WO", 4500, "PCN-OLD-123"),
            plb("FB", 1000, "BAL0042"),
        ),
    )


def claim_level_adjustments() -> EraTransaction:
    """A claim-level adjustment on top of the lines' (the managed-care pattern): both count."""
    lines = (line("99211", 8000, 5000, (EraAdjustment("PR", "1", 3000),)),)
    return payment(
        claim("CD00000090", *lines, paid_cents=4500, adjustments=(EraAdjustment("CO", "A2", 500),)),
    )


SCENARIOS = {
    "simple payment": simple_payment,
    "partial payment with deductible, coinsurance and copay": partial_payment,
    "zero-pay denial": denial,
    "reversal then re-payment": reversal_and_repayment,
    "crossover": crossover,
    "changed code": changed_code,
    "allowed amount and remarks": allowed_and_remarks,
    "interest, recoupment and forward balance": provider_adjustments,
    "claim-level and line-level adjustments": claim_level_adjustments,
}


def write(transactions: list[EraTransaction], delimiters: Delimiters | None = None, **kw: object) -> str:
    return write_835(transactions, ENVELOPE, delimiters, CREATED, **kw)  # type: ignore[arg-type]


def numbered(transactions: list[EraTransaction]) -> list[EraTransaction]:
    """The control numbers the writer gives, so read-back transactions compare equal."""
    return [
        dataclasses.replace(tx, control_number=ENVELOPE.transaction_control_number(i))
        for i, tx in enumerate(transactions)
    ]


# --- pyx12 and the round trip -----------------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_scenario_passes_pyx12_and_reads_back_equal(name: str) -> None:
    tx = SCENARIOS[name]()
    assert transaction_problems(tx) == []
    text = write([tx])
    assert validate_x12(text) == []
    era = parse_835(text)
    assert list(era.transactions) == numbered([tx])
    assert era.warnings == ()
    assert transaction_problems(era.transactions[0]) == []


def test_several_transaction_sets_in_one_interchange() -> None:
    transactions = [factory() for factory in SCENARIOS.values()]
    text = write(transactions, Delimiters(newline=True))
    assert validate_x12(text) == []
    era = parse_835(text)
    assert list(era.transactions) == numbered(transactions)
    assert [tx.control_number for tx in era.transactions] == [f"{i:04d}" for i in range(1, len(SCENARIOS) + 1)]
    assert era.interchange_control_number == "000000501"
    assert (era.sender_id, era.receiver_id) == ("TESTPAYER", "TESTPRACTICE")
    assert era.segment_count == text.count("~")


def test_the_file_is_an_hp_group_in_the_x221a1_guide() -> None:
    segments = write([simple_payment()]).split("~")
    assert segments[1].split("*")[1] == "HP"
    assert segments[1].split("*")[8] == "005010X221A1"
    assert segments[2] == "ST*835*0001"


def test_segments_appear_only_when_their_data_is_there() -> None:
    ids = [s.split("*")[0] + "*" + s.split("*")[1] for s in write([simple_payment()]).split("~") if s]
    assert "PER*BL" in ids and "REF*2U" in ids and "REF*TJ" in ids
    for absent in ("NM1*IL", "NM1*TT", "MOA*", "AMT*B6", "LQ*HE", "PLB*", "DTM*405"):
        assert not any(i.startswith(absent) for i in ids)


def test_reversal_amounts_are_negative_in_the_file() -> None:
    text = write([reversal_and_repayment()])
    clps = [s for s in text.split("~") if s.startswith("CLP")]
    assert clps == [
        "CLP*CD00000040*22*-150*-80*-20*MB*PCN-ORIGINAL**7",
        "CLP*CD00000040*1*150*90*20*MB*PCN-CORRECTED**7",
    ]
    assert "CAS*CO*45*-50" in text and "SVC*HC:99213*-150*-80" in text


def test_provider_adjustments_share_one_plb_per_provider_and_period() -> None:
    text = write([provider_adjustments()])
    assert [s for s in text.split("~") if s.startswith("PLB")] == [
        f"PLB*{PRACTICE_NPI}*20261231*L6:CD00000080*-3.25*WO:PCN-OLD-123*45*FB:BAL0042*10"
    ]
    seven = provider_adjustments()
    seven = dataclasses.replace(seven, provider_adjustments=tuple(plb("L6", -1) for _ in range(7)))
    seven = dataclasses.replace(seven, total_paid_cents=sum(c.paid_cents for c in seven.claims) + 7)
    text = write([seven])
    assert [s.count("L6") for s in text.split("~") if s.startswith("PLB")] == [6, 1]
    # The guide lets PLB repeat (max use >1) and pyx12's map says so too, but PLB also opens the map's
    # FOOTER wrapper loop (repeat 1), so pyx12 counts a second PLB as a second footer. That is its
    # only complaint; one PLB with up to six adjustments (every other scenario) passes clean.
    assert [(i.segment, i.code, i.message) for i in validate_x12(text)] == [
        ("PLB", "4", "Loop FOOTER exceeded max count.  Found 2, should have 1")
    ]
    assert parse_835(text).transactions[0].provider_adjustments == seven.provider_adjustments


def test_a_changed_code_goes_in_svc06_with_the_units_billed_in_svc07() -> None:
    text = write([changed_code()])
    assert "SVC*HC:99213:25*200*90***HC:99215:25:GT*2" in text


def test_other_delimiters_pass_pyx12_too() -> None:
    delimiters = Delimiters(segment="'", element="|", component=">", repetition="!", newline=True)
    tx = provider_adjustments()
    text = write([tx], delimiters)
    assert text.startswith("ISA|00|") and "\nGS|HP|" in text
    assert validate_x12(text) == []
    assert list(parse_835(text).transactions) == numbered([tx])


# --- what the writer refuses -------------------------------------------------------------------------


def test_an_unbalanced_remittance_is_refused_with_the_amounts() -> None:
    tx = simple_payment()
    bad_line = dataclasses.replace(tx.claims[0].lines[0], paid_cents=9000)
    bad = dataclasses.replace(tx, claims=(dataclasses.replace(tx.claims[0], lines=(bad_line,)),))
    with pytest.raises(X12DataError) as caught:
        write([bad])
    message = str(caught.value)
    assert "claim CD00000012 line 1" in message
    assert "charge $150.00 − adjustments $50.00 = $100.00, but it paid $90.00" in message


def test_unbalanced_is_written_when_asked_for_tests_of_the_balancing_checks() -> None:
    tx = dataclasses.replace(simple_payment(), total_paid_cents=12345)
    text = write([tx], check_balancing=False)
    assert validate_x12(text) == []
    assert "BPR*I*123.45*C*CHK" in text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda tx: dataclasses.replace(tx, payer_identifier="99999"), "payer identifier (TRN03)"),
        (lambda tx: dataclasses.replace(tx, payer_address=None), "payer address (1000A N3/N4): is missing"),
        (lambda tx: dataclasses.replace(tx, payer_contact=None), "payer technical contact (1000A PER*BL)"),
        (lambda tx: dataclasses.replace(tx, payment_date=None), "check or EFT date (BPR16): is missing"),
        (lambda tx: dataclasses.replace(tx, payee_npi=None, payee_tin=None), "needs the payee's NPI or tax id"),
        (lambda tx: dataclasses.replace(tx, payment_method="WIRE"), "payment method (BPR04)"),
        (lambda tx: dataclasses.replace(tx, payment_method="NON"), "is NON (no payment) exactly when the total"),
        (lambda tx: dataclasses.replace(tx, handling_code="H"), "H (notification only) carries no payment"),
        (
            lambda tx: dataclasses.replace(tx, claims=(dataclasses.replace(tx.claims[0], filing_indicator="CI"),)),
            "claim filing indicator (CLP06): is 'CI'",
        ),
        (
            lambda tx: dataclasses.replace(tx, claims=(dataclasses.replace(tx.claims[0], status_code="19"),)),
            "crossover payer name (NM1*TT NM103): is missing",
        ),
    ],
)
def test_values_the_guide_does_not_allow_are_refused(change: object, expected: str) -> None:
    with pytest.raises(X12DataError) as caught:
        write([change(simple_payment())])  # type: ignore[operator]
    assert expected in str(caught.value)


def test_adjustments_are_written_one_cas_per_group_code() -> None:
    tx = simple_payment()
    mixed = (EraAdjustment("PR", "1", 1000), EraAdjustment("CO", "45", 3000), EraAdjustment("PR", "2", 1000))
    tx = dataclasses.replace(
        tx,
        claims=(
            dataclasses.replace(tx.claims[0], lines=(dataclasses.replace(tx.claims[0].lines[0], adjustments=mixed),)),
        ),
    )
    text = write([tx])
    assert [s for s in text.split("~") if s.startswith("CAS")] == ["CAS*PR*1*10**2*10", "CAS*CO*45*30"]
    assert validate_x12(text) == []


def test_the_5010_group_codes_only() -> None:
    tx = simple_payment()
    cr = dataclasses.replace(tx.claims[0].lines[0], adjustments=(EraAdjustment("CR", "45", 5000),))
    with pytest.raises(X12DataError, match=r"group code: is 'CR'; expected one of CO, OA, PI, PR"):
        write([dataclasses.replace(tx, claims=(dataclasses.replace(tx.claims[0], lines=(cr,)),))])


def test_nothing_to_write_is_an_error() -> None:
    with pytest.raises(X12DataError, match="no remittances"):
        write([])


# --- property: any balanced remittance reads back equal ---------------------------------------------

_codes = st.sampled_from(["99211", "99212", "99213", "99214", "36415", "81002", "G0439", "J1100"])
_carcs = st.sampled_from([("CO", "45"), ("PR", "1"), ("PR", "2"), ("PR", "3"), ("OA", "23"), ("PI", "50")])


def _by_group(adjustments: list[EraAdjustment]) -> tuple[EraAdjustment, ...]:
    """In the order the writer puts them: one CAS per group code, groups as they first appear."""
    first = {a.group_code: i for i, a in reversed(list(enumerate(adjustments)))}
    return tuple(sorted(adjustments, key=lambda a: first[a.group_code]))


@st.composite
def _lines(draw: st.DrawFn) -> EraLine:
    charge = draw(st.integers(0, 500_000))
    adjustments = _by_group(
        [
            EraAdjustment(group, carc, draw(st.integers(-20_000, 100_000)), draw(st.none() | st.just(Decimal(2))))
            for group, carc in draw(st.lists(_carcs, max_size=8))
        ]
    )
    paid = charge - sum(a.amount_cents for a in adjustments)
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
    return EraLine(
        code=draw(_codes),
        modifiers=tuple(draw(st.lists(st.sampled_from(["25", "59", "RT", "LT", "GT"]), max_size=4))),
        charge_cents=charge,
        paid_cents=paid,
        units=draw(st.decimals(Decimal("0.5"), Decimal(99), places=1)),
        service_date_from=start,
        service_date_to=start + dt.timedelta(days=draw(st.integers(0, 3))),
        adjustments=adjustments,
        allowed_cents=draw(st.none() | st.integers(0, 500_000)),
        remarks=tuple(draw(st.lists(st.sampled_from(["N130", "M80", "MA01"]), max_size=3))),
    )


@st.composite
def _payments(draw: st.DrawFn) -> EraTransaction:
    claims = []
    for number in range(draw(st.integers(0, 4))):
        lines = tuple(draw(st.lists(_lines(), min_size=1, max_size=4)))
        claim_adjustments = _by_group(
            [EraAdjustment(g, c, draw(st.integers(-5_000, 5_000))) for g, c in draw(st.lists(_carcs, max_size=3))]
        )
        charge = sum(x.charge_cents for x in lines)
        claims.append(
            claim(
                f"CD{number:08d}",
                *lines,
                status=draw(st.sampled_from(["1", "2", "3", "4", "22"])),
                adjustments=claim_adjustments,
                paid_cents=charge
                - sum(a.amount_cents for a in claim_adjustments)
                - sum(x.adjustment_cents for x in lines),
            )
        )
    adjustments = tuple(
        plb(reason, draw(st.integers(-10_000, 10_000)), "REF1")
        for reason in draw(st.lists(st.sampled_from(["L6", "WO", "FB", "CS"]), max_size=7))
    )
    net = sum(c.paid_cents for c in claims) - sum(a.amount_cents for a in adjustments)
    return payment(
        *claims,
        adjustments=adjustments,
        total_paid_cents=abs(net),
        credit_debit="D" if net < 0 else "C",
        payment_method="ACH" if net else "NON",
        handling_code="I" if net else "H",
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_payments(), min_size=1, max_size=3))
def test_any_balanced_remittance_reads_back_equal(transactions: list[EraTransaction]) -> None:
    era = parse_835(write(transactions))
    assert list(era.transactions) == numbered(transactions)
    assert all(transaction_problems(tx) == [] for tx in era.transactions)
