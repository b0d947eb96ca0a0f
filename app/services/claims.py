"""Claims from encounters: build the primary claim for each ready encounter and post its charges."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.chunking import chunked as _chunks
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
    LedgerEntryRecord,
    PayerRecord,
    ServiceLineRecord,
)
from db.session import Database


@dataclass(frozen=True)
class BuildResult:
    claim_ids: tuple[int, ...]
    self_pay_encounter_ids: tuple[int, ...]


@dataclass(frozen=True)
class Submission:
    """One claim leaving the office: in which batch, on which day."""

    claim_id: int
    batch_id: int | None
    on: dt.date
    at: dt.datetime
    note: str | None = None


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
        # A claim's charges reach the ledger when it is submitted (printed or exported): until then it can
        # still be corrected by recoding the encounter. An encounter without coverage is the patient's now.
        with LedgerWriter(s, self.user) as ledger:
            for enc, claim in planned:
                claim_id = next(ids) if claim is not None else None
                if claim_id is not None:
                    claim_ids.append(claim_id)
                    numbers.append({"id": claim_id, "claim_number": claim_number(claim_id)})
                    lines.extend(_claim_line(claim_id, n, sl) for n, sl in enumerate(enc.service_lines, 1))
                    events.append({"claim_id": claim_id, "status": "draft", "by_user": self.user, "at": stamp})
                    continue
                self_pay.append(enc.id)
                txn = ledger.new_txn()
                for line in enc.service_lines:
                    ledger.add(
                        txn_id=txn,
                        line=(line.id, enc.patient_id),
                        kind="charge",
                        party="patient",
                        amount_cents=line.charge_cents,
                        on=enc.date_of_service,
                    )
        update_by_id(s, ClaimRecord, numbers)
        insert_rows(s, ClaimLineRecord, lines)
        insert_rows(s, ClaimStatusEventRecord, events)
        update_by_id(s, EncounterRecord, [{"id": enc.id, "status": "billed"} for enc, _ in planned])
        s.expire_all()  # bulk statements bypass loaded objects; reload them when next read
        return BuildResult(tuple(claim_ids), tuple(self_pay))

    def submit_in(
        self,
        s: Session,
        claim_ids: list[int],
        *,
        batch_id: int | None,
        on: dt.date,
        note: str | None = None,
        when: dt.datetime | None = None,
    ) -> int:
        """Mark claims submitted (printed or sent) in one batch; see `submit_many_in`."""
        stamp = when or _now()
        return self.submit_many_in(s, [Submission(cid, batch_id, on, stamp, note) for cid in claim_ids])

    def submit_many_in(self, s: Session, submissions: list[Submission]) -> int:
        """Mark claims submitted and post each service line's charge to the payer the claim went to, once:
        a replacement claim or a later payer's claim finds the charge already there. Returns the number of
        charge entries written."""
        by_claim = {sub.claim_id: sub for sub in submissions}
        claim_ids = list(by_claim)
        claims = [
            c for ids in _chunks(claim_ids) for c in s.scalars(select(ClaimRecord).where(ClaimRecord.id.in_(ids)))
        ]
        encounters = {
            e.id: e
            for ids in _chunks(sorted({c.encounter_id for c in claims}))
            for e in s.scalars(
                select(EncounterRecord)
                .where(EncounterRecord.id.in_(ids))
                .options(selectinload(EncounterRecord.service_lines))
            )
        }
        line_ids = [sl.id for e in encounters.values() for sl in e.service_lines]
        charged: set[int] = set()
        for ids in _chunks(line_ids):
            charged.update(
                s.scalars(
                    select(LedgerEntryRecord.service_line_id)
                    .where(
                        LedgerEntryRecord.service_line_id.in_(ids),
                        LedgerEntryRecord.kind == "charge",
                    )
                    .distinct()
                )
            )
        written = 0
        updates, events = [], []
        with LedgerWriter(s, self.user) as ledger:
            for claim in claims:
                if claim.status not in UNSENT:
                    raise ClaimDeskError(f"Claim {claim.claim_number} is already {claim.status}.")
                sub = by_claim[claim.id]
                enc = encounters[claim.encounter_id]
                txn = ledger.new_txn()
                for line in enc.service_lines:
                    if line.id in charged:
                        continue
                    charged.add(line.id)
                    written += 1
                    ledger.add(
                        txn_id=txn,
                        line=(line.id, enc.patient_id),
                        kind="charge",
                        party=party_for_sequence(claim.payer_sequence),
                        amount_cents=line.charge_cents,
                        on=enc.date_of_service,
                        claim_id=claim.id,
                        payer_id=claim.payer_id,
                        posted_at=sub.at,
                    )
                updates.append(
                    {
                        "id": claim.id,
                        "status": "submitted",
                        "batch_id": sub.batch_id,
                        "first_billed_on": claim.first_billed_on or sub.on,
                    }
                )
                events.append(
                    {"claim_id": claim.id, "status": "submitted", "by_user": self.user, "at": sub.at, "note": sub.note}
                )
        update_by_id(s, ClaimRecord, updates)
        insert_rows(s, ClaimStatusEventRecord, events)
        s.expire_all()
        return written

    def open_claims_in(self, s: Session, encounter_id: int) -> list[ClaimRecord]:
        """Claims of an encounter that have not left the office: recoding the encounter may still change them."""
        return list(
            s.scalars(
                select(ClaimRecord).where(ClaimRecord.encounter_id == encounter_id, ClaimRecord.status.in_(UNSENT))
            )
        )

    def has_sent_claims_in(self, s: Session, encounter_id: int) -> bool:
        return (
            s.scalar(
                select(ClaimRecord.id)
                .where(ClaimRecord.encounter_id == encounter_id, ClaimRecord.status.not_in(UNSENT))
                .limit(1)
            )
            is not None
        )

    def detach_lines_in(self, s: Session, encounter_id: int) -> list[ClaimRecord]:
        """Before an unsent claim's encounter is recoded: drop the claim lines copied from the old service
        lines (nothing was posted against them) and return the claims to refill with `refill_lines_in`."""
        claims = self.open_claims_in(s, encounter_id)
        for claim in claims:
            claim.lines.clear()
        s.flush()
        return claims

    def refill_lines_in(self, s: Session, enc: EncounterRecord, claims: list[ClaimRecord], why: str) -> None:
        """Copy the recoded service lines into the unsent claims and send them back to draft for a re-scrub."""
        s.flush()
        stamp = _now()
        for claim in claims:
            for n, sl in enumerate(enc.service_lines, 1):
                claim.lines.append(_claim_line_record(n, sl))
            claim.total_charge_cents = sum(sl.charge_cents for sl in enc.service_lines)
            claim.status = "draft"
            claim.history.append(ClaimStatusEventRecord(status="draft", by_user=self.user, at=stamp, note=why))

    def next_payer_claims(self, claim_ids: list[int]) -> list[int]:
        """After a payer has adjudicated: a draft claim to the next payer for every encounter whose balance
        that payer now owes (in one transaction). Returns the new claim ids."""
        with self.db.transaction() as s:
            return self.next_payer_claims_in(s, claim_ids)

    def next_payer_claims_in(self, s: Session, claim_ids: list[int], when: dt.datetime | None = None) -> list[int]:
        stamp = when or _now()
        claims = [
            c
            for ids in _chunks(sorted(set(claim_ids)))
            for c in s.scalars(select(ClaimRecord).where(ClaimRecord.id.in_(ids)))
        ]
        claims = [c for c in claims if c.payer_sequence < 3 and c.frequency_code != "8"]
        if not claims:
            return []
        encounters = {
            e.id: e
            for ids in _chunks(sorted({c.encounter_id for c in claims}))
            for e in s.scalars(
                select(EncounterRecord)
                .where(EncounterRecord.id.in_(ids))
                .options(selectinload(EncounterRecord.service_lines))
            )
        }
        coverage = CoverageIndex(s, (e.patient_id for e in encounters.values()))
        existing = {
            (enc_id, seq)
            for ids in _chunks(sorted(encounters))
            for enc_id, seq in s.execute(
                select(ClaimRecord.encounter_id, ClaimRecord.payer_sequence).where(
                    ClaimRecord.encounter_id.in_(ids), ClaimRecord.status != "void"
                )
            )
        }
        owed: dict[tuple[int, str], int] = defaultdict(int)
        line_ids = [sl.id for e in encounters.values() for sl in e.service_lines]
        line_encounter = {sl.id: e.id for e in encounters.values() for sl in e.service_lines}
        for ids in _chunks(line_ids):
            for line_id, party, amount in s.execute(
                select(
                    LedgerEntryRecord.service_line_id, LedgerEntryRecord.party, LedgerEntryRecord.amount_cents
                ).where(LedgerEntryRecord.service_line_id.in_(ids))
            ):
                owed[(line_encounter[line_id], party)] += amount
        payers = {p.id: p for p in s.scalars(select(PayerRecord))}
        planned: list[tuple[EncounterRecord, int, dict[str, Any], str]] = []
        for claim in claims:
            enc = encounters[claim.encounter_id]
            sequence = claim.payer_sequence + 1
            if (enc.id, sequence) in existing or owed[(enc.id, party_for_sequence(sequence))] <= 0:
                continue
            in_force = coverage.on(enc.patient_id, enc.date_of_service)
            if len(in_force) < sequence:
                continue
            cov = in_force[sequence - 1]
            payer = payers[cov.payer_id]
            existing.add((enc.id, sequence))
            row = {
                "claim_number": f"TMP-{enc.id}-{sequence}",
                "encounter_id": enc.id,
                "coverage_id": cov.id,
                "payer_id": payer.id,
                "payer_sequence": sequence,
                "frequency_code": "1",
                "status": "draft",
                "submission_method": payer.submission_method,
                "created_at": stamp,
                "total_charge_cents": sum(sl.charge_cents for sl in enc.service_lines),
            }
            planned.append((enc, sequence, row, claim.claim_number))
        if not planned:
            return []
        created = insert_returning_ids(s, ClaimRecord, [row for _, _, row, _ in planned])
        update_by_id(s, ClaimRecord, [{"id": cid, "claim_number": claim_number(cid)} for cid in created])
        insert_rows(
            s,
            ClaimLineRecord,
            [
                _claim_line(cid, n, sl)
                for (enc, _, _, _), cid in zip(planned, created, strict=True)
                for n, sl in enumerate(enc.service_lines, 1)
            ],
        )
        insert_rows(
            s,
            ClaimStatusEventRecord,
            [
                {
                    "claim_id": cid,
                    "status": "draft",
                    "by_user": self.user,
                    "at": stamp,
                    "note": f"balance after {source} to the next payer",
                }
                for (_, _, _, source), cid in zip(planned, created, strict=True)
            ],
        )
        s.expire_all()
        return list(created)

    def resolve(self, ref: str | int) -> int:
        """A claim id from what a user types: the database id or our claim number ('CD00000012')."""
        text = str(ref).strip().upper()
        with self.db.session() as s:
            if text.isdigit():
                found = s.get(ClaimRecord, int(text))
                if found is not None:
                    return found.id
            claim_id = s.scalar(select(ClaimRecord.id).where(ClaimRecord.claim_number == text))
            if claim_id is None:
                raise NotFoundError(f"No claim {ref!r} (give the claim number, e.g. CD00000012, or its id).")
            return claim_id

    def claim_status(self, claim_id: int) -> str:
        with self.db.session() as s:
            claim = s.get(ClaimRecord, claim_id)
            if claim is None:
                raise NotFoundError(f"No claim {claim_id}.")
            return claim.status


UNSENT = ("draft", "needs_attention", "ready")


def claim_number(claim_id: int) -> str:
    """Our patient control number (837 CLM01, 835 CLP01): short, unique, and easy to read aloud."""
    return f"CD{claim_id:08d}"


def _claim_line_record(n: int, sl: ServiceLineRecord) -> ClaimLineRecord:
    return ClaimLineRecord(**{k: v for k, v in _claim_line(0, n, sl).items() if k != "claim_id"})


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
