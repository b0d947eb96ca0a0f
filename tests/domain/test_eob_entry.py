"""Reading a paper EOB as billers type it: amounts, adjustment and remark lists, CO-45 from the allowed amount,
the balance of each line, the claim's status, where the money goes, and the command line's `--line`."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.eob_entry import (
    EobLine,
    automatic_status,
    claim_posting,
    eob_line_from_spec,
    money_flow,
    parse_adjustments,
    parse_amount,
    parse_day,
    parse_line_spec,
    parse_remarks,
    parse_then,
    posted_words,
    underpayment_words,
)
from app.domain.posting import AdjustmentIn, line_balances
from app.errors import ValidationError

D = Decimal


def visit(**typed: object) -> EobLine:
    return EobLine(1, D("150.00"), "next_payer", **typed)  # type: ignore[arg-type]


def test_amounts_read_as_typed_to_the_cent() -> None:
    assert parse_amount("72") == D("72.00")
    assert parse_amount(" $1,072.5 ") == D("1072.50")
    assert parse_amount("") is None
    with pytest.raises(ValidationError, match="at most two decimal places"):
        parse_amount("1.005")
    with pytest.raises(ValidationError, match="cannot be negative"):
        parse_amount("-5", "paid")
    assert parse_amount("-5", "CO-45", negative=True) == D("-5.00")


def test_adjustments_are_group_reason_and_amount_in_several_spellings() -> None:
    assert parse_adjustments("CO-97 25.00; OA-23 10.00") == (
        AdjustmentIn("CO", "97", D("25.00")),
        AdjustmentIn("OA", "23", D("10.00")),
    )
    assert parse_adjustments("co97=25, pr-2 1,072.50") == (
        AdjustmentIn("CO", "97", D("25.00")),
        AdjustmentIn("PR", "2", D("1072.50")),
    ), "a comma inside an amount is not a separator"
    assert parse_adjustments("") == ()
    with pytest.raises(ValidationError, match="'XX' is not an adjustment group"):
        parse_adjustments("XX-1 5")
    with pytest.raises(ValidationError, match="e.g. CO-97 25.00"):
        parse_adjustments("CO 97")


def test_remarks_then_and_dates() -> None:
    assert parse_remarks("n54, M15 ma130") == ("N54", "M15", "MA130")
    with pytest.raises(ValidationError, match="not a remark code"):
        parse_remarks("hello")
    assert [parse_then(t) for t in ("n", "Next payer", "P", "settle")] == [
        "next_payer",
        "next_payer",
        "patient",
        "settle",
    ]
    with pytest.raises(ValidationError, match="N for the next payer"):
        parse_then("x")
    assert parse_day("3/20/26") == parse_day("03202026") == parse_day("2026-03-20")
    assert parse_day(" ") is None


def test_contractual_follows_the_allowed_amount_unless_typed() -> None:
    line = visit(allowed=D("90.00"), paid=D("72.00"), coinsurance=D("18.00"))
    assert line.contractual == D("60.00") and line.balances and line.balance_words() == "balances"
    assert line.adjustments() == (AdjustmentIn("CO", "45", D("60.00")), AdjustmentIn("PR", "2", D("18.00")))
    typed = visit(allowed=D("90.00"), paid=D("72.00"), coinsurance=D("18.00"), contractual_typed=D("56.00"))
    assert typed.contractual == D("56.00") and typed.balance_words() == "off by $4.00"
    assert "neither paid nor adjusted" in typed.balance_explained()
    over = visit(allowed=D("90.00"), paid=D("80.00"), coinsurance=D("18.00"))
    assert over.balance_words() == "off by $8.00" and "more than the charge" in over.balance_explained()


@given(
    allowed=st.integers(min_value=0, max_value=15000),
    share=st.integers(min_value=0, max_value=15000),
    other=st.integers(min_value=-500, max_value=500),
)
def test_a_line_typed_from_a_consistent_eob_balances_as_the_posting_rules_see_it(
    allowed: int, share: int, other: int
) -> None:
    share = min(share, allowed)
    paid = allowed - share - other
    line = visit(
        allowed=D(allowed) / 100,
        paid=D(paid) / 100,
        deductible=D(share) / 100,
        other=(AdjustmentIn("OA", "94", D(other) / 100),),
    )
    assert line.balances, "charge − (CO-45 + deductible + other) = paid by construction"
    posting = line.posting()
    assert line_balances(D("150.00"), posting.paid, posting.adjustments), "and the posting rules agree"
    nudged = dataclasses.replace(line, paid=line.paid + D("0.01"))
    assert nudged.balance_words() == "off by $0.01"
    assert not line_balances(D("150.00"), nudged.posting().paid, nudged.posting().adjustments)


def test_the_status_is_denied_only_when_no_line_pays_for_a_reason_other_than_the_patients_share() -> None:
    paid = visit(allowed=D("90.00"), paid=D("72.00"), coinsurance=D("18.00"))
    bundled = EobLine(2, D("25.00"), "patient", other=(AdjustmentIn("CO", "97", D("25.00")),))
    deductible = EobLine(2, D("25.00"), "patient", allowed=D("25.00"), deductible=D("25.00"))
    assert automatic_status([paid, bundled], 1) == "1"
    assert automatic_status([bundled], 1) == "4"
    assert automatic_status([deductible], 2) == "2", "a line paid nothing for the deductible is still processed"


def test_a_claim_that_does_not_balance_is_refused_in_words() -> None:
    off = visit(allowed=D("90.00"), paid=D("68.00"), coinsurance=D("18.00"))
    with pytest.raises(ValidationError) as caught:
        claim_posting(7, [off], "1")
    assert caught.value.problems == [
        "line 1: off by $4.00 ($4.00 of the charge is neither paid nor adjusted: charge − adjustments must equal paid.)"
    ]
    fine = claim_posting(7, [visit(allowed=D("90.00"), paid=D("72.00"), coinsurance=D("18.00"))], "1", " MCR1 ")
    assert (fine.claim_id, fine.status_code, fine.payer_claim_number) == (7, "1", "MCR1")


def test_the_money_goes_where_each_line_says_and_the_words_say_so() -> None:
    lines = [
        visit(allowed=D("90.00"), paid=D("72.00"), coinsurance=D("18.00")),
        EobLine(
            2,
            D("25.00"),
            "settle",
            allowed=D("20.00"),
            paid=D("12.00"),
            copay=D("4.00"),
            other=(AdjustmentIn("OA", "94", D("4.00")),),
        ),
    ]
    flow = money_flow(lines, has_next_payer=True)
    assert (flow.paid, flow.to_next_payer, flow.to_patient, flow.written_off) == (
        D("84.00"),
        D("18.00"),
        D("4.00"),
        D("4.00"),
    )
    words = posted_words(
        flow, status="paid", denials=0, next_payer_name="Test Commercial", next_claim_number="CD00000004"
    )
    assert words == (
        "Paid $84.00; $18.00 to Test Commercial (secondary claim CD00000004 drafted); $4.00 to the patient; "
        "$4.00 written off"
    )
    alone = money_flow(lines[:1], has_next_payer=False)
    assert alone.to_patient == D("18.00") and alone.to_next_payer == 0, "no next payer: the patient owes it"
    assert posted_words(money_flow([], False), status="denied", denials=1) == "Denied: nothing paid; 1 denial opened"
    assert underpayment_words("99213", D("80.00"), D("90.00")) == (
        "99213 allowed $80.00, fee schedule $90.00: underpaid $10.00"
    )


def test_a_command_line_line_reads_into_the_same_line_the_panel_builds() -> None:
    spec = parse_line_spec("99213-25:72.00:90.00:PR-2=18.00:CO-97=0:N54:then=p")
    assert (spec.code, spec.modifiers, spec.line, spec.paid, spec.allowed) == (
        "99213",
        ("25",),
        None,
        D("72.00"),
        D("90.00"),
    )
    assert spec.remarks == ("N54",) and spec.then == "patient"
    line = eob_line_from_spec(spec, 5, D("150.00"), "next_payer")
    assert (line.coinsurance, line.contractual, line.then, line.balances) == (D("18.00"), D("60.00"), "patient", True)
    by_number = parse_line_spec("2:0::CO-45=5.00:CO-97=20.00")
    assert (by_number.code, by_number.line, by_number.allowed, by_number.contractual) == (None, 2, None, D("5.00"))
    assert eob_line_from_spec(by_number, 6, D("25.00"), "patient").balances
    with pytest.raises(ValidationError, match="expected CODE:PAID"):
        parse_line_spec("99213")
