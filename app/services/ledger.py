"""The append-only ledger: writing entries inside a unit of work, reversing them, deriving balances."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.domain.ledger import PARTIES, Balance, Entry, check_reversible
from app.errors import ClaimDeskError, NotFoundError
from db.bulk import insert_returning_ids
from db.models import (
    ClaimPaymentRecord,
    LedgerEntryRecord,
    LinePaymentRecord,
    ProviderAdjustmentRecord,
    RemittanceRecord,
    ServiceLineRecord,
    UnappliedCreditRecord,
)
from db.session import Database

L = LedgerEntryRecord


class LedgerWriter:
    """Collects entries within the caller's session and writes them in one batch on `flush()`.

    Use it as a context manager (`with LedgerWriter(s, user) as w:`) so the batch is written when the
    block ends. It never updates or deletes a row.
    """

    def __init__(self, session: Session, user: str) -> None:
        self.s = session
        self.user = user
        self._pending: list[dict[str, Any]] = []

    def __enter__(self) -> LedgerWriter:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.flush()

    @staticmethod
    def new_txn() -> str:
        return uuid.uuid4().hex

    def add(
        self,
        *,
        txn_id: str,
        line: tuple[int, int],
        kind: str,
        party: str,
        amount_cents: int,
        on: dt.date,
        **extra: Any,
    ) -> None:
        """Queue one entry; `line` is (service line id, patient id)."""
        if party not in PARTIES:
            raise ClaimDeskError(f"unknown responsible party {party!r}")
        line_id, patient_id = line
        self._pending.append(
            {
                "txn_id": txn_id,
                "service_line_id": line_id,
                "patient_id": patient_id,
                "kind": kind,
                "party": party,
                "amount_cents": amount_cents,
                "effective_date": on,
                "posted_by": self.user,
                "posted_at": extra.pop("posted_at", None) or _now(),
                **{k: extra.get(k) for k in _OPTIONAL},
            }
        )
        unknown = set(extra) - set(_OPTIONAL)
        if unknown:
            raise TypeError(f"unknown ledger fields: {sorted(unknown)}")

    def transfer(
        self,
        *,
        txn_id: str,
        line: tuple[int, int],
        from_party: str,
        to_party: str,
        amount_cents: int,
        on: dt.date,
        **extra: Any,
    ) -> None:
        """Move responsibility: the amount leaves one party and lands on another."""
        if amount_cents == 0 or from_party == to_party:
            return
        self.add(
            txn_id=txn_id, line=line, kind="transfer", party=from_party, amount_cents=-amount_cents, on=on, **extra
        )
        self.add(txn_id=txn_id, line=line, kind="transfer", party=to_party, amount_cents=amount_cents, on=on, **extra)

    def flush(self) -> list[int]:
        """Write the queued entries; returns their ids in the order they were added."""
        rows, self._pending = self._pending, []
        return insert_returning_ids(self.s, L, rows)

    def reverse_transaction(self, txn_id: str, on: dt.date, memo: str) -> list[int]:
        """Mirror every entry of a transaction in a new one; returns the new entry ids."""
        self.flush()
        rows = self.s.scalars(select(L).where(L.txn_id == txn_id).order_by(L.id)).all()
        if not rows:
            raise NotFoundError(f"No ledger transaction {txn_id}.")
        ids = [r.id for r in rows]
        reversed_ids = set(self.s.scalars(select(L.reverses_entry_id).where(L.reverses_entry_id.in_(ids))))
        new_txn = self.new_txn()
        for original in rows:
            check_reversible(_entry(original), original.id in reversed_ids)
            self.add(
                txn_id=new_txn,
                line=(original.service_line_id, original.patient_id),
                kind="reversal",
                party=original.party,
                amount_cents=-original.amount_cents,
                on=on,
                reverses_entry_id=original.id,
                payer_id=original.payer_id,
                claim_id=original.claim_id,
                remittance_id=original.remittance_id,
                line_payment_id=original.line_payment_id,
                adjustment_type=original.adjustment_type,
                group_code=original.group_code,
                carc=original.carc,
                memo=memo,
            )
        return self.flush()


_OPTIONAL = (
    "adjustment_type",
    "group_code",
    "carc",
    "payer_id",
    "claim_id",
    "remittance_id",
    "line_payment_id",
    "patient_payment_id",
    "reverses_entry_id",
    "memo",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _entry(r: LedgerEntryRecord) -> Entry:
    return Entry(r.id, r.party, r.amount_cents, r.kind, r.reverses_entry_id)


def _balance_rows(rows: list[tuple[str, int]]) -> Balance:
    by_party = dict.fromkeys(PARTIES, 0)
    for party, amount in rows:
        by_party[party] = int(amount or 0)
    return Balance(by_party)


@dataclass(frozen=True)
class ReconcileReport:
    entries: int
    total_cents: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class LedgerService:
    """Balances derived from the ledger, reversals, and a reconciliation check."""

    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    def line_balance(self, service_line_id: int) -> Balance:
        with self.db.session() as s:
            rows = s.execute(
                select(L.party, func.sum(L.amount_cents)).where(L.service_line_id == service_line_id).group_by(L.party)
            ).all()
        return _balance_rows(list(rows))

    def patient_balance(self, patient_id: int) -> Balance:
        with self.db.session() as s:
            rows = s.execute(
                select(L.party, func.sum(L.amount_cents)).where(L.patient_id == patient_id).group_by(L.party)
            ).all()
        return _balance_rows(list(rows))

    def practice_balance(self) -> Balance:
        with self.db.session() as s:
            rows = s.execute(select(L.party, func.sum(L.amount_cents)).group_by(L.party)).all()
        return _balance_rows(list(rows))

    def entries_for_line(self, service_line_id: int) -> list[Entry]:
        with self.db.session() as s:
            return [_entry(r) for r in s.scalars(select(L).where(L.service_line_id == service_line_id).order_by(L.id))]

    def reverse_transaction(self, txn_id: str, memo: str, on: dt.date | None = None) -> list[int]:
        """Undo a posting by writing its mirror image; returns the new entry ids."""
        with self.db.transaction() as s:
            return LedgerWriter(s, self.user).reverse_transaction(txn_id, on or dt.date.today(), memo)

    def reconcile(self) -> ReconcileReport:
        """Cross-check the ledger against the remittances it was posted from."""
        problems: list[str] = []
        with self.db.session() as s:
            count, total = s.execute(select(func.count(L.id), func.coalesce(func.sum(L.amount_cents), 0))).one()
            # Every line payment's net insurance payment in the ledger equals what the payer paid.
            posted = dict(
                s.execute(
                    select(L.line_payment_id, func.sum(L.amount_cents))
                    .where(
                        L.line_payment_id.is_not(None),
                        L.kind.in_(("insurance_payment", "reversal")),
                        L.adjustment_type.is_(None),
                    )
                    .group_by(L.line_payment_id)
                ).all()
            )
            for lp_id, paid in s.execute(select(LinePaymentRecord.id, LinePaymentRecord.paid_cents)):
                if posted.get(lp_id, 0) not in (-paid, 0):
                    problems.append(f"line payment {lp_id}: paid {paid} but ledger shows {-posted.get(lp_id, 0)}")
            # Every remittance balances: check total = claim payments - provider adjustments + unapplied.
            paid_by_remit = dict(
                s.execute(
                    select(ClaimPaymentRecord.remittance_id, func.sum(ClaimPaymentRecord.paid_cents)).group_by(
                        ClaimPaymentRecord.remittance_id
                    )
                ).all()
            )
            plb = dict(
                s.execute(
                    select(
                        ProviderAdjustmentRecord.remittance_id, func.sum(ProviderAdjustmentRecord.amount_cents)
                    ).group_by(ProviderAdjustmentRecord.remittance_id)
                ).all()
            )
            unapplied = dict(
                s.execute(
                    select(UnappliedCreditRecord.remittance_id, func.sum(UnappliedCreditRecord.amount_cents)).group_by(
                        UnappliedCreditRecord.remittance_id
                    )
                ).all()
            )
            for rid, rtotal, status in s.execute(
                select(RemittanceRecord.id, RemittanceRecord.total_cents, RemittanceRecord.status)
            ):
                if status != "finished":
                    continue
                expected = paid_by_remit.get(rid, 0) - plb.get(rid, 0) + unapplied.get(rid, 0)
                if expected != rtotal:
                    problems.append(f"remittance {rid}: total {rtotal} but payments net {expected}")
            # Charges on each line equal the line's charge (net of reversals).
            charged = s.execute(
                select(L.service_line_id, func.sum(case((L.kind == "charge", L.amount_cents), else_=0))).group_by(
                    L.service_line_id
                )
            ).all()
            line_charge = dict(s.execute(select(ServiceLineRecord.id, ServiceLineRecord.charge_cents)).all())
            for line_id, amount in charged:
                if amount and amount != line_charge.get(line_id):
                    problems.append(f"service line {line_id}: charged {amount}, line says {line_charge.get(line_id)}")
        return ReconcileReport(int(count), int(total), tuple(problems))
