"""Read-only facts about the practice for headers, status bars and summaries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from db.models import (
    ChargeMasterItemRecord,
    ClaimRecord,
    EncounterRecord,
    PatientRecord,
    PayerRecord,
    PracticeRecord,
    ProviderRecord,
)
from db.session import Database


@dataclass(frozen=True)
class PracticeSummary:
    practice_name: str | None
    providers: int
    payers: int
    patients: int
    encounters: int
    claims: int


class PracticeService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def summary(self) -> PracticeSummary:
        with self.db.session() as s:
            name = s.scalar(select(PracticeRecord.name).limit(1))

            def count(model: type) -> int:
                return s.scalar(select(func.count()).select_from(model)) or 0

            return PracticeSummary(
                practice_name=name,
                providers=count(ProviderRecord),
                payers=count(PayerRecord),
                patients=count(PatientRecord),
                encounters=count(EncounterRecord),
                claims=count(ClaimRecord),
            )

    def charge_master_name(self, code: str) -> str | None:
        """The practice's own short name for a code (how CPT codes are described without a licensed file)."""
        with self.db.session() as s:
            return s.scalar(
                select(ChargeMasterItemRecord.short_name)
                .where(ChargeMasterItemRecord.code == code.upper())
                .order_by(ChargeMasterItemRecord.modifier)
                .limit(1)
            )

    def medicare_locality(self) -> str | None:
        with self.db.session() as s:
            return s.scalar(select(PracticeRecord.medicare_locality).limit(1))
