"""Balances are the sum of the ledger, whatever happened to it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.ledger import PARTIES, Entry, balance, check_reversible
from app.errors import ClaimDeskError

entries = st.lists(
    st.builds(
        Entry,
        id=st.integers(1, 10**6),
        party=st.sampled_from(PARTIES),
        amount_cents=st.integers(-(10**8), 10**8),
        kind=st.just("charge"),
    ),
    max_size=60,
)


@given(entries)
def test_the_balance_is_the_sum_of_the_entries(rows: list[Entry]) -> None:
    b = balance(rows)
    assert b.total_cents == sum(r.amount_cents for r in rows)
    assert b.insurance_cents + b.patient_cents == b.total_cents


def test_a_reversal_cannot_itself_be_reversed() -> None:
    with pytest.raises(ClaimDeskError, match="cannot be reversed"):
        check_reversible(Entry(1, "ins1", -100, "reversal", 7), already_reversed=False)


def test_an_entry_is_reversed_only_once() -> None:
    with pytest.raises(ClaimDeskError, match="already been reversed"):
        check_reversible(Entry(1, "ins1", 100, "charge"), already_reversed=True)
