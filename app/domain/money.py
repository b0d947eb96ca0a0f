"""Exact money: `Decimal` quantised to cents in the domain, integer cents in the database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class MoneyError(ValueError):
    """A value that is not an exact amount of money."""


def to_money(value: Decimal | int | str) -> Decimal:
    """Parse an amount exactly. Floats are refused: they cannot hold cents exactly."""
    if isinstance(value, float):
        raise MoneyError(f"refusing float amount {value!r}: pass a string or Decimal")
    if isinstance(value, bool):
        raise MoneyError("a boolean is not an amount")
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    if amount != amount.quantize(CENT):
        raise MoneyError(f"more than two decimal places: {value!r}")
    return amount.quantize(CENT)


def round_money(value: Decimal) -> Decimal:
    """Round a computed amount (e.g. RVU arithmetic) to cents, half up, as payers do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    return int(to_money(amount) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_money(cents: int) -> str:
    """`$1,234.56` / `-$5.00` for people."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${from_cents(abs(cents)):,.2f}"
