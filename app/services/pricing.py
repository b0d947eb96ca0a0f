"""Prices from the Medicare fee schedule: the practice's charge master and payer fee schedules in one step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.domain.money import from_cents, round_money, to_cents
from app.errors import NotFoundError, ValidationError
from app.services.codesets import CodeSetService
from db.models import ChargeMasterItemRecord, FeeScheduleEntryRecord, PayerRecord, PracticeRecord
from db.session import Database


@dataclass(frozen=True)
class PriceChange:
    code: str
    modifier: str
    medicare: Decimal | None
    old: Decimal | None
    new: Decimal | None  # None when there is no Medicare amount to derive from (left unchanged)


class PricingService:
    def __init__(self, db: Database, codesets: CodeSetService) -> None:
        self.db = db
        self.codesets = codesets

    def _locality(self, locality: str | None) -> str:
        if locality:
            return locality
        with self.db.session() as s:
            found = s.scalar(select(PracticeRecord.medicare_locality).limit(1))
        if not found:
            raise ValidationError("The practice has no Medicare locality; pass one (see `claimdesk codes localities`).")
        return found

    def _medicare(self, code: str, modifier: str, locality: str) -> Decimal | None:
        fee = self.codesets.medicare_fee(code, modifier, locality, facility=False)
        return fee.amount if fee and fee.amount > 0 else None

    def derive_charge_master(self, percent: Decimal, locality: str | None = None) -> list[PriceChange]:
        """Every charge-master price becomes `percent`% of the Medicare non-facility amount (one transaction).
        Codes without a Medicare amount keep their price and are reported."""
        if percent <= 0:
            raise ValidationError("The percentage must be above zero.")
        where = self._locality(locality)
        changes: list[PriceChange] = []
        with self.db.transaction() as s:
            for item in s.scalars(select(ChargeMasterItemRecord).order_by(ChargeMasterItemRecord.code)):
                medicare = self._medicare(item.code, item.modifier, where)
                old = from_cents(item.price_cents)
                if medicare is None:
                    changes.append(PriceChange(item.code, item.modifier, None, old, None))
                    continue
                new = round_money(medicare * percent / 100)
                item.price_cents = to_cents(new)
                changes.append(PriceChange(item.code, item.modifier, medicare, old, new))
        return changes

    def derive_fee_schedule(
        self, payer_id: str, percent: Decimal, effective_from: dt.date, locality: str | None = None
    ) -> list[PriceChange]:
        """A payer's expected allowed amounts as `percent`% of Medicare for every charge-master code."""
        if percent <= 0:
            raise ValidationError("The percentage must be above zero.")
        where = self._locality(locality)
        changes: list[PriceChange] = []
        with self.db.transaction() as s:
            payer = s.scalar(select(PayerRecord).where(PayerRecord.payer_id == payer_id))
            if payer is None:
                raise NotFoundError(f"No payer with id {payer_id!r}.")
            existing = {
                (f.code, f.modifier): f
                for f in s.scalars(
                    select(FeeScheduleEntryRecord).where(
                        FeeScheduleEntryRecord.payer_id == payer.id,
                        FeeScheduleEntryRecord.effective_from == effective_from,
                    )
                )
            }
            items = s.execute(
                select(ChargeMasterItemRecord.code, ChargeMasterItemRecord.modifier).order_by(
                    ChargeMasterItemRecord.code
                )
            ).all()
            for code, modifier in items:
                medicare = self._medicare(code, modifier, where)
                entry = existing.get((code, modifier))
                old = from_cents(entry.allowed_cents) if entry else None
                if medicare is None:
                    changes.append(PriceChange(code, modifier, None, old, None))
                    continue
                new = round_money(medicare * percent / 100)
                if entry is None:
                    s.add(
                        FeeScheduleEntryRecord(
                            payer_id=payer.id,
                            code=code,
                            modifier=modifier,
                            allowed_cents=to_cents(new),
                            effective_from=effective_from,
                        )
                    )
                else:
                    entry.allowed_cents = to_cents(new)
                changes.append(PriceChange(code, modifier, medicare, old, new))
        return changes
