"""Claims from encounters: build the primary claim for each ready encounter and post its charges."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain.ledger import party_for_sequence
from app.errors import ClaimDeskError, NotFoundError
from app.services.jobs import JobContext
from app.services.ledger import LedgerWriter
from db.bulk import insert_returning_ids, insert_rows, update_by_id
from db.models import (
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    CoverageRecord,
    EncounterRecord,
    PayerRecord,
    ServiceLineRecord,
)
from db.session import Database


@dataclass(frozen=True)
class BuildResult:
    claim_ids: tuple[int, ...]
    self_pay_encounter_ids: tuple[int, ...]


class CoverageIndex:
    """Coverages of a set of patients, loaded in one query, answered without touching the database."""

    def __init__(self, session: Session, patient_ids: Iterable[int]) -> None:
        self._by_patient: dict[int, list[CoverageRecord]] = defaultdict(list)
        ids = sorted(set(patient_ids))
        with session.no_autoflush:
            for i in range(0, len(ids), 500):
                for c in session.scalars(select(CoverageRecord).where(CoverageRecord.patient_id.in_(ids[i : i + 500]))):
                    self._by_patient[c.patient_id].append(c)
        for rows in self._by_patient.values():
            rows.sort(key=lambda c: c.priority)

    def on(self, patient_id: int, day: dt.date) -> list[CoverageRecord]:
        """The patient's coverages in force on a date, primary first."""
        return [
            c
            for c in self._by_patient.get(patient_id, [])
            if c.effective_from <= day and (c.effective_to is None or day <= c.effective_to)
        ]


class ClaimService:
    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    def build_claims(self, ctx: JobContext | None = None, encounter_ids: list[int] | None = None) -> BuildResult:
        """Every 'ready to bill' encounter becomes a draft claim to its primary payer; charges post to
        the ledger (to the patient when there is no coverage). One call is one transaction."""
        ctx = ctx or JobContext()
        with self.db.transaction() as s:
            return self.build_in(s, ctx, encounter_ids)

    def build_in(
        self, s: Session, ctx: JobContext, encounter_ids: list[int] | None = None, when: dt.datetime | None = None
    ) -> BuildResult:
        stmt = (
            select(EncounterRecord)
            .where(EncounterRecord.status == "ready_to_bill")
            .options(selectinload(EncounterRecord.service_lines))
            .order_by(EncounterRecord.id)
        )
        if encounter_ids is not None:
            stmt = stmt.where(EncounterRecord.id.in_(encounter_ids))
        encounters = s.scalars(stmt).all()
        payers = {p.id: p for p in s.scalars(select(PayerRecord))}
        coverage = CoverageIndex(s, (e.patient_id for e in encounters))
        stamp = when or _now()
        planned: list[tuple[EncounterRecord, dict[str, Any] | None]] = []
        for i, enc in enumerate(encounters):
            if i % 500 == 0:
                ctx.report(i, len(encounters), "Building claims")
            if not enc.service_lines:
                raise ClaimDeskError(f"Encounter {enc.source_id} has no service lines to bill.")
            in_force = coverage.on(enc.patient_id, enc.date_of_service)
            claim = None
            if in_force:
                primary = in_force[0]
                payer = payers[primary.payer_id]
                claim = {
                    "claim_number": f"TMP-{enc.id}",
                    "encounter_id": enc.id,
                    "coverage_id": primary.id,
                    "payer_id": payer.id,
                    "payer_sequence": 1,
                    "frequency_code": "1",
                    "status": "draft",
                    "submission_method": payer.submission_method,
                    "created_at": stamp,
                    "total_charge_cents": sum(sl.charge_cents for sl in enc.service_lines),
                }
            planned.append((enc, claim))
        claims = [c for _, c in planned if c is not None]
        ids = iter(insert_returning_ids(s, ClaimRecord, claims))
        claim_ids: list[int] = []
        self_pay: list[int] = []
        numbers, lines, events = [], [], []
        with LedgerWriter(s, self.user) as ledger:
            for enc, claim in planned:
                txn = ledger.new_txn()
                claim_id = next(ids) if claim is not None else None
                if claim_id is not None:
                    claim_ids.append(claim_id)
                    numbers.append({"id": claim_id, "claim_number": claim_number(claim_id)})
                    lines.extend(_claim_line(claim_id, n, sl) for n, sl in enumerate(enc.service_lines, 1))
                    events.append({"claim_id": claim_id, "status": "draft", "by_user": self.user, "at": stamp})
                else:
                    self_pay.append(enc.id)
                for line in enc.service_lines:
                    ledger.add(
                        txn_id=txn,
                        line=(line.id, enc.patient_id),
                        kind="charge",
                        party=party_for_sequence(1) if claim is not None else "patient",
                        amount_cents=line.charge_cents,
                        on=enc.date_of_service,
                        claim_id=claim_id,
                        payer_id=claim["payer_id"] if claim is not None else None,
                    )
        update_by_id(s, ClaimRecord, numbers)
        insert_rows(s, ClaimLineRecord, lines)
        insert_rows(s, ClaimStatusEventRecord, events)
        update_by_id(s, EncounterRecord, [{"id": enc.id, "status": "billed"} for enc, _ in planned])
        s.expire_all()  # bulk statements bypass loaded objects; reload them when next read
        return BuildResult(tuple(claim_ids), tuple(self_pay))

    def claim_status(self, claim_id: int) -> str:
        with self.db.session() as s:
            claim = s.get(ClaimRecord, claim_id)
            if claim is None:
                raise NotFoundError(f"No claim {claim_id}.")
            return claim.status


def claim_number(claim_id: int) -> str:
    """Our patient control number (837 CLM01, 835 CLP01): short, unique, and easy to read aloud."""
    return f"CD{claim_id:08d}"


def _claim_line(claim_id: int, n: int, sl: ServiceLineRecord) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "service_line_id": sl.id,
        "line_number": n,
        "code": sl.code,
        "modifier1": sl.modifier1,
        "modifier2": sl.modifier2,
        "modifier3": sl.modifier3,
        "modifier4": sl.modifier4,
        "units": sl.units,
        "charge_cents": sl.charge_cents,
        "pointer1": sl.pointer1,
        "pointer2": sl.pointer2,
        "pointer3": sl.pointer3,
        "pointer4": sl.pointer4,
        "date_from": sl.date_from,
        "date_to": sl.date_to,
        "place_of_service": sl.place_of_service,
        "ndc": sl.ndc,
    }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
