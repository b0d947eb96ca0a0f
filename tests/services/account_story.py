"""Shared story for the account and statement tests: bill the practice, then let the payers answer so
coinsurance and a copay move to the patients (invented data only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from app.domain.posting import AdjustmentIn, ClaimPostingIn, LinePostingIn, RemittanceIn
from app.services.container import Services
from db.models import ClaimRecord, EncounterRecord, ServiceLineRecord
from tests.factories import bill

D = Decimal
PAID_ON = dt.date(2026, 3, 20)


def claim_of(desk: Services, source_id: str) -> ClaimRecord:
    with desk.db.session() as s:
        claim = s.scalar(select(ClaimRecord).join(EncounterRecord).where(EncounterRecord.source_id == source_id))
        assert claim is not None
        _ = claim.lines
        return claim


def line_ids(desk: Services, source_id: str) -> list[int]:
    with desk.db.session() as s:
        return list(
            s.scalars(
                select(ServiceLineRecord.id)
                .join(EncounterRecord)
                .where(EncounterRecord.source_id == source_id)
                .order_by(ServiceLineRecord.line_number)
            )
        )


def bill_and_pay(desk: Services) -> None:
    """P001 owes $18.00 + $4.00 coinsurance, P002 a $25.00 copay, P004 (self-pay) $18.50."""
    bill(desk)
    medicare = claim_of(desk, "E1")
    visit, draw = medicare.lines
    commercial = claim_of(desk, "E2")
    (office,) = commercial.lines
    desk.posting.post_remittance(
        RemittanceIn(
            payer_id=medicare.payer_id,
            check_number="EFT1001",
            check_date=PAID_ON,
            total=D("88.00"),
            claims=(
                ClaimPostingIn(
                    medicare.id,
                    "1",
                    (
                        LinePostingIn(
                            visit.id,
                            paid=D("72.00"),
                            allowed=D("90.00"),
                            then="patient",
                            adjustments=(AdjustmentIn("CO", "45", D("60.00")), AdjustmentIn("PR", "2", D("18.00"))),
                        ),
                        LinePostingIn(
                            draw.id,
                            paid=D("16.00"),
                            allowed=D("20.00"),
                            then="patient",
                            adjustments=(AdjustmentIn("CO", "45", D("5.00")), AdjustmentIn("PR", "2", D("4.00"))),
                        ),
                    ),
                ),
            ),
        )
    )
    desk.posting.post_remittance(
        RemittanceIn(
            payer_id=commercial.payer_id,
            check_number="CHK2002",
            check_date=PAID_ON,
            total=D("100.00"),
            claims=(
                ClaimPostingIn(
                    commercial.id,
                    "1",
                    (
                        LinePostingIn(
                            office.id,
                            paid=D("100.00"),
                            allowed=D("125.00"),
                            then="patient",
                            adjustments=(AdjustmentIn("CO", "45", D("95.00")), AdjustmentIn("PR", "3", D("25.00"))),
                        ),
                    ),
                ),
            ),
        )
    )
