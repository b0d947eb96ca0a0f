"""Money is exact: Decimal cents in, integer cents stored, never float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import MoneyError, format_money, from_cents, round_money, to_cents, to_money


def test_amounts_parse_exactly_from_strings() -> None:
    assert to_money("12.3") == Decimal("12.30")
    assert to_cents(Decimal("0.10")) + to_cents(Decimal("0.20")) == 30


def test_floats_are_refused() -> None:
    with pytest.raises(MoneyError):
        to_money(0.1)  # type: ignore[arg-type]


def test_more_than_two_decimal_places_is_refused() -> None:
    with pytest.raises(MoneyError, match="two decimal places"):
        to_money("1.005")


def test_rounding_is_half_up_like_payers() -> None:
    assert round_money(Decimal("1.005")) == Decimal("1.01")
    assert round_money(Decimal("2.344999")) == Decimal("2.34")


def test_amounts_are_formatted_for_people() -> None:
    assert format_money(123456789) == "$1,234,567.89"
    assert format_money(-500) == "-$5.00"
    assert format_money(0) == "$0.00"


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_cents_round_trip_through_decimal(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents
