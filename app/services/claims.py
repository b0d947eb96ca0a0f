"""Claims from encounters: build the primary claim for each ready encounter and post its charges."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from app.domain.ledger import party_for_sequence
from app.errors import ClaimDeskError, NotFoundError
from app.services.jobs import JobContext
from app.services.ledger import LedgerWriter
from db.models import (
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    CoverageRecord,
    EncounterRecord,
    PayerRecord,
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
                for c in session.scalars(
                    select(CoverageRecord).where(CoverageRecord.patient_id.in_(ids[i : i + 500]))
                ):
                    self._by_patient[c.patient_id].append(c)
        for rows in self._by_patient.values():
            rows.sort(key=lambda c: c.priority)

    def on(self, patient_id: int, day: dt.date) -> list[CoverageRecord]:
        """The patient's coverages in force on a date, primary first."""
        return [
            c for c in self._by_patient.get(patient_id, [])
            if c.effective_from <= day and (c.effective_to is None or day <= c.effective_to)
        ]


def set_claim_status(session: Session, claim: ClaimRecord, status: str, user: str, note: str | None = None,
                     at: dt.datetime | None = None) -> None:
    """Change a claim's status and append to its history (without loading the whole history)."""
    claim.status = status
    event = ClaimStatusEventRecord(status=status, by_user=user, note=note)
    if at is not None:
        event.at = at
    if claim.id is None or "history" not in inspect(claim).unloaded:
        claim.history.append(event)
    else:
        event.claim_id = claim.id
        session.add(event)


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

    def build_in(self, s: Session, ctx: JobContext, encounter_ids: list[int] | None = None,
                 when: dt.datetime | None = None) -> BuildResult:
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
        ledger = LedgerWriter(s, self.user)
        new_claims: list[tuple[EncounterRecord, ClaimRecord | None]] = []
        for i, enc in enumerate(encounters):
            if i % 100 == 0:
                ctx.report(i, len(encounters), "Building claims")
            if not enc.service_lines:
                raise ClaimDeskError(f"Encounter {enc.source_id} has no service lines to bill.")
            in_force = coverage.on(enc.patient_id, enc.date_of_service)
            claim = None
            if in_force:
                primary = in_force[0]
                payer = payers[primary.payer_id]
                claim = ClaimRecord(
                    claim_number=f"TMP-{enc.id}",
                    encounter_id=enc.id,
                    coverage_id=primary.id,
                    payer_id=payer.id,
                    payer_sequence=1,
                    frequency_code="1",
                    submission_method=payer.submission_method,
                    total_charge_cents=sum(sl.charge_cents for sl in enc.service_lines),
                )
                if when is not None:
                    claim.created_at = when
                claim.lines = [_claim_line(n, sl) for n, sl in enumerate(enc.service_lines, 1)]
                set_claim_status(s, claim, "draft", self.user, at=when)
                s.add(claim)
            new_claims.append((enc, claim))
            enc.status = "billed"
        s.flush()  # one flush gives every new claim its id
        claim_ids: list[int] = []
        self_pay: list[int] = []
        for enc, claim in new_claims:
            txn = ledger.new_txn()
            if claim is not None:
                claim.claim_number = claim_number(claim.id)
                claim_ids.append(claim.id)
            else:
                self_pay.append(enc.id)
            for line in enc.service_lines:
                ledger.add(txn_id=txn, line=(line.id, enc.patient_id), kind="charge",
                           party=party_for_sequence(1) if claim is not None else "patient",
                           amount_cents=line.charge_cents, on=enc.date_of_service,
                           claim_id=claim.id if claim is not None else None,
                           payer_id=claim.payer_id if claim is not None else None)
        s.flush()
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


def _claim_line(n: int, sl) -> ClaimLineRecord:  # noqa: ANN001 - ServiceLineRecord
    return ClaimLineRecord(
        service_line_id=sl.id, line_number=n, code=sl.code,
        modifier1=sl.modifier1, modifier2=sl.modifier2, modifier3=sl.modifier3, modifier4=sl.modifier4,
        units=sl.units, charge_cents=sl.charge_cents,
        pointer1=sl.pointer1, pointer2=sl.pointer2, pointer3=sl.pointer3, pointer4=sl.pointer4,
        date_from=sl.date_from, date_to=sl.date_to, place_of_service=sl.place_of_service, ndc=sl.ndc,
    )
