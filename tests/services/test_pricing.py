"""Charge master and payer fee schedules derived from Medicare in one step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.money import round_money
from app.errors import NotFoundError, ValidationError
from app.services.container import Services
from db.models import ChargeMasterItemRecord, FeeScheduleEntryRecord


def _price(services: Services, code: str) -> Decimal:
    with services.db.session() as s:
        cents = s.scalar(select(ChargeMasterItemRecord.price_cents).where(ChargeMasterItemRecord.code == code))
    return Decimal(cents) / 100


def test_the_charge_master_becomes_a_percentage_of_medicare(loaded: Services) -> None:
    medicare = loaded.codesets.medicare_fee("99213", "", "12502-99", facility=False).amount
    changes = {c.code: c for c in loaded.pricing.derive_charge_master(Decimal("180"))}
    assert changes["99213"].medicare == medicare
    assert changes["99213"].old == Decimal("150.00")
    assert changes["99213"].new == round_money(medicare * Decimal("1.8")) == _price(loaded, "99213")


def test_codes_without_a_medicare_amount_keep_their_price(loaded: Services) -> None:
    changes = {c.code: c for c in loaded.pricing.derive_charge_master(Decimal("180"))}
    unchanged = [c for c in changes.values() if c.new is None]
    for change in unchanged:
        assert _price(loaded, change.code) == change.old
    assert all(c.medicare is None for c in unchanged)


def test_a_payer_fee_schedule_is_derived_and_rederived_without_duplicates(loaded: Services) -> None:
    day = dt.date(2026, 1, 1)
    first = loaded.pricing.derive_fee_schedule("TST02", Decimal("110"), day)
    second = loaded.pricing.derive_fee_schedule("TST02", Decimal("120"), day)
    by_code = {c.code: c for c in second}
    medicare = loaded.codesets.medicare_fee("99214", "", "12502-99", facility=False).amount
    assert by_code["99214"].old == round_money(medicare * Decimal("1.1"))
    assert by_code["99214"].new == round_money(medicare * Decimal("1.2"))
    with loaded.db.session() as s:
        rows = s.scalar(
            select(func.count()).select_from(FeeScheduleEntryRecord).where(FeeScheduleEntryRecord.effective_from == day)
        )
    assert rows == sum(1 for c in first if c.new is not None)


def test_bad_requests_are_refused_in_plain_words(loaded: Services) -> None:
    with pytest.raises(ValidationError, match="above zero"):
        loaded.pricing.derive_charge_master(Decimal("0"))
    with pytest.raises(NotFoundError, match="NOPE"):
        loaded.pricing.derive_fee_schedule("NOPE", Decimal("110"), dt.date(2026, 1, 1))
