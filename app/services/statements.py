"""Patient statement runs: who gets one, one PDF with a statement per guarantor, reprints, small-balance
write-offs.

A guarantor's statement covers the guarantor and every patient whose `guarantor_id` points to them.
A run is one transaction: the statement rows, the run row, the write-offs and the PDF all happen or,
when it fails or is cancelled, none of them do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.account import AgingBuckets, LedgerRow, OpenLine, account_lines, allocate, oldest_first, short_date
from app.domain.ledger import INSURANCE_PARTIES
from app.domain.money import format_money, to_cents, to_money
from app.domain.statements import (
    StatementCandidate,
    StatementContent,
    StatementOptions,
    StatementRunResult,
    StatementSummary,
    WriteOffResult,
    dunning_messages,
    dunning_tier,
)
from app.errors import NotFoundError, ValidationError
from app.services.jobs import JobContext
from app.services.ledger import LedgerWriter
from app.services.patient_account import (
    format_zip,
    load_rows,
    party_names,
    patient_name,
    practice_header,
    resolve_patient,
)
from app.services.settings import SettingsService
from db.bulk import insert_returning_ids
from db.models import AuditLogRecord, PatientRecord, StatementRecord, StatementRunRecord
from db.session import Database


@dataclass
class _Family:
    guarantor: PatientRecord
    patient_ids: list[int] = field(default_factory=list)
    rows: list[LedgerRow] = field(default_factory=list)
    statements: list[tuple[dt.date, int]] = field(default_factory=list)  # (statement date, amount due)
    flagged: bool = False

    @property
    def patient_cents(self) -> int:
        return sum(r.amount_cents for r in self.rows if r.party == "patient")

    @property
    def insurance_cents(self) -> int:
        return sum(r.amount_cents for r in self.rows if r.party in INSURANCE_PARTIES)

    @property
    def last_statement(self) -> dt.date | None:
        return self.statements[-1][0] if self.statements else None

    @property
    def previous_statements(self) -> int:
        """Statements this balance already had: those since the last payment (a payment restarts the tiers)."""
        paid = [r.effective_date for r in self.rows if r.kind == "patient_payment"]
        last_paid = max(paid) if paid else None
        return sum(1 for day, _ in self.statements if last_paid is None or day > last_paid)

    def open_lines(self) -> list[OpenLine]:
        owed: dict[int, int] = defaultdict(int)
        info: dict[int, LedgerRow] = {}
        for r in self.rows:
            info.setdefault(r.service_line_id, r)
            if r.party == "patient":
                owed[r.service_line_id] += r.amount_cents
        return oldest_first(OpenLine(i, r.patient_id, r.code, r.date_of_service, 0, owed[i]) for i, r in info.items())


class _Book:
    """Everything a run reads, loaded once: patients by guarantor, their ledger rows up to `as_of`, their
    earlier statements."""

    def __init__(self, s: Session, as_of: dt.date) -> None:
        self.as_of = as_of
        self.patients = {p.id: p for p in s.scalars(select(PatientRecord))}
        self.families: dict[int, _Family] = {}
        for p in self.patients.values():
            g = p.guarantor_id if p.guarantor_id in self.patients else p.id
            family = self.families.get(g) or self.families.setdefault(g, _Family(self.patients[g]))
            family.patient_ids.append(p.id)
            family.flagged = family.flagged or p.statement_hold or p.payment_plan
        for row in load_rows(s):
            if row.effective_date <= as_of:
                self.family_of(row.patient_id).rows.append(row)
        for g, day, due in s.execute(
            select(StatementRecord.guarantor_id, StatementRecord.statement_date, StatementRecord.amount_due_cents)
            .where(StatementRecord.statement_date <= as_of)
            .order_by(StatementRecord.statement_date, StatementRecord.id)
        ):
            if g in self.families:
                self.families[g].statements.append((day, due))
        self.party_names = party_names(s)

    def family_of(self, patient_id: int) -> _Family:
        p = self.patients[patient_id]
        return self.families[p.guarantor_id if p.guarantor_id in self.patients else p.id]


class StatementService:
    """`candidates()`, `run()`, `reprint()`, `mark_sent()`, `write_off_small_balances()`."""

    def __init__(self, db: Database, settings: SettingsService, user: str) -> None:
        self.db = db
        self.settings = settings
        self.user = user

    # ------------------------------------------------------------------ who gets one

    def candidates(self, as_of: dt.date, options: StatementOptions | None = None) -> list[StatementCandidate]:
        """Guarantors due a statement: patient balance at least the minimum, nothing pending with insurance
        (unless `include_pending`), enough days since the last one, no statement hold or payment plan."""
        with self.db.session() as s:
            return self._candidates(s, _Book(s, as_of), options or StatementOptions())

    def _candidates(self, s: Session, book: _Book, options: StatementOptions) -> list[StatementCandidate]:
        minimum = (
            options.minimum_balance_cents
            if options.minimum_balance_cents is not None
            else to_cents(to_money(self.settings.get_in(s, "statement.minimum_balance")))
        )
        days = (
            options.days_between
            if options.days_between is not None
            else self.settings.get_in(s, "statement.days_between")
        )
        out = []
        for g, family in book.families.items():
            if family.flagged or not family.rows:
                continue
            owed = family.patient_cents
            if owed <= 0 or owed < minimum:
                continue
            if family.insurance_cents and not options.include_pending:
                continue
            last = family.last_statement
            if last is not None and (book.as_of - last).days < days:
                continue
            out.append(
                StatementCandidate(
                    guarantor_id=g,
                    account_number=family.guarantor.account_number,
                    name=patient_name(family.guarantor),
                    patient_ids=tuple(family.patient_ids),
                    patient_cents=owed,
                    insurance_cents=family.insurance_cents,
                    last_statement_date=last,
                    previous_statements=family.previous_statements,
                )
            )
        return sorted(out, key=lambda c: (c.name.split()[-1], c.name, c.account_number))

    # ------------------------------------------------------------------ the run

    def run(
        self,
        as_of: dt.date,
        selection: Sequence[StatementCandidate] | StatementOptions | None,
        path: Path | str,
        ctx: JobContext | None = None,
    ) -> StatementRunResult:
        """Print one statement per guarantor into one PDF and record them; a cancelled run writes nothing."""
        ctx = ctx or JobContext()
        path = Path(path)
        options = selection if isinstance(selection, StatementOptions) else StatementOptions()
        part = path.with_name(path.name + ".part")
        try:
            with self.db.transaction() as s:
                written_off = WriteOffResult(0, 0)
                if options.write_off_small_balances:
                    written_off = self._write_off(s, _Book(s, as_of), as_of, ctx)
                book = _Book(s, as_of)
                if isinstance(selection, StatementOptions) or selection is None:
                    chosen = self._candidates(s, book, options)
                else:
                    chosen = list(selection)
                total = len(chosen)
                tiers = dunning_messages(self.settings.get_in(s, "statement.dunning_tiers"))
                due_days = int(self.settings.get_in(s, "statement.due_days"))
                header = practice_header(s)
                contents: list[StatementContent] = []
                for n, candidate in enumerate(chosen):
                    if n % 50 == 0:
                        ctx.report(n, total * 2, "Reading accounts")
                    family = book.families.get(candidate.guarantor_id)
                    if family is None:
                        raise NotFoundError(f"No guarantor {candidate.guarantor_id}.")
                    contents.append(_content(book, family, header, tiers, due_days))
                run = StatementRunRecord(
                    as_of=as_of,
                    run_by=self.user,
                    criteria_json=json.dumps(options.as_json()),
                    statement_count=len(contents),
                    total_due_cents=sum(c["amount_due_cents"] for c in contents),
                )
                s.add(run)
                s.flush()
                ids = insert_returning_ids(
                    s,
                    StatementRecord,
                    [
                        {
                            "run_id": run.id,
                            "guarantor_id": c["guarantor"]["id"],
                            "statement_date": as_of,
                            "due_date": as_of + dt.timedelta(days=due_days),
                            "amount_due_cents": c["amount_due_cents"],
                            "statement_number": c["statement_number"],
                            "dunning_tier": c["dunning_tier"],
                            "content_json": json.dumps(c, sort_keys=True),
                            "sent_at": None,
                        }
                        for c in contents
                    ],
                )
                s.add(
                    AuditLogRecord(
                        username=self.user, action="statement_run", entity="statement_run", entity_id=str(run.id)
                    )
                )

                def printed(n: int) -> None:
                    if n % 50 == 0:
                        ctx.report(total + n, total * 2, "Printing statements")

                from app.formats.statement_pdf import write_statements

                write_statements(contents, part, progress=printed)
                ctx.report(total * 2, total * 2, "Saving")
                os.replace(part, path)
                return StatementRunResult(run.id, tuple(ids), run.total_due_cents, path, written_off)
        finally:
            part.unlink(missing_ok=True)

    def statements(self, limit: int = 500, guarantor: str | int | None = None) -> list[StatementSummary]:
        """Statements printed so far, newest first (at most `limit`); only one guarantor's when given (account
        number or patient id)."""
        S, P = StatementRecord, PatientRecord
        query = (
            select(
                S.id,
                S.run_id,
                S.statement_date,
                P.first_name,
                P.last_name,
                P.account_number,
                S.amount_due_cents,
                S.statement_number,
                S.dunning_tier,
                S.sent_at,
            )
            .join(P, P.id == S.guarantor_id)
            .order_by(S.statement_date.desc(), S.id.desc())
            .limit(limit)
        )
        with self.db.session() as s:
            if guarantor is not None:
                query = query.where(S.guarantor_id == resolve_patient(s, guarantor))
            return [
                StatementSummary(sid, run, day, f"{first} {last}", account, due, number, tier, sent)
                for sid, run, day, first, last, account, due, number, tier, sent in s.execute(query)
            ]

    def content(self, statement_id: int) -> StatementContent:
        """Exactly what was printed on a statement."""
        with self.db.session() as s:
            row = s.get(StatementRecord, statement_id)
            if row is None:
                raise NotFoundError(f"No statement {statement_id}.")
            content: StatementContent = json.loads(row.content_json)
            return content

    def reprint(self, statement_id: int, path: Path | str) -> Path:
        """The statement again, word for word, from what was stored when it was printed."""
        from app.formats.statement_pdf import write_statements

        return write_statements([self.content(statement_id)], Path(path))

    def mark_sent(self, run_id: int, when: dt.datetime | None = None) -> int:
        """Record that a run's statements went in the mail; returns how many were marked."""
        stamp = when or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with self.db.transaction() as s:
            if s.get(StatementRunRecord, run_id) is None:
                raise NotFoundError(f"No statement run {run_id}.")
            result = s.execute(
                update(StatementRecord)
                .where(StatementRecord.run_id == run_id, StatementRecord.sent_at.is_(None))
                .values(sent_at=stamp)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ small balances

    def write_off_small_balances(self, as_of: dt.date, ctx: JobContext | None = None) -> WriteOffResult:
        """Write off (adjustment type 'small_balance') patient balances below the setting once they have
        had the configured number of statements."""
        with self.db.transaction() as s:
            return self._write_off(s, _Book(s, as_of), as_of, ctx or JobContext())

    def _write_off(self, s: Session, book: _Book, as_of: dt.date, ctx: JobContext) -> WriteOffResult:
        limit = to_cents(to_money(self.settings.get_in(s, "statement.small_balance_writeoff")))
        after = int(self.settings.get_in(s, "statement.writeoff_after_statements"))
        if limit <= 0:
            return WriteOffResult(0, 0)
        writer = LedgerWriter(s, self.user)
        guarantors = total = 0
        families = list(book.families.values())
        for n, family in enumerate(families):
            if n % 200 == 0:
                ctx.report(n, len(families), "Small balances")
            owed = family.patient_cents
            if not 0 < owed < limit or family.previous_statements < after:
                continue
            applied, _left = allocate(family.open_lines(), owed)
            txn = writer.new_txn()
            for line, cents in applied:
                writer.add(
                    txn_id=txn,
                    line=(line.service_line_id, line.patient_id),
                    kind="adjustment",
                    party="patient",
                    amount_cents=-cents,
                    on=as_of,
                    adjustment_type="small_balance",
                    memo=f"small balance after {family.previous_statements} statements",
                )
            guarantors += 1
            total += owed
        ids = writer.flush()
        return WriteOffResult(guarantors, total, tuple(ids))


def _address(p: PatientRecord) -> list[str]:
    return [line for line in (p.address1, p.address2, f"{p.city}, {p.state} {format_zip(p.zip)}") if line]


def _content(
    book: _Book, family: _Family, header: dict[str, object], tiers: list[str], due_days: int
) -> StatementContent:
    """The exact data printed on one statement."""
    since = family.last_statement
    before = [r for r in family.rows if since is not None and r.effective_date <= since]
    after = [r for r in family.rows if since is None or r.effective_date > since]
    opening = (
        sum(r.amount_cents for r in before if r.party in INSURANCE_PARTIES),
        sum(r.amount_cents for r in before if r.party == "patient"),
    )
    lines = account_lines(after, book.party_names, opening=opening)
    first_names = {pid: book.patients[pid].first_name for pid in family.patient_ids}
    insurance: dict[str, list[int]] = {}
    for r in after:
        if r.party in INSURANCE_PARTIES and r.kind in ("insurance_payment", "adjustment"):
            payer = r.payer_name or book.party_names.get((r.patient_id, r.party), r.party)
            paid_adj = insurance.setdefault(payer, [0, 0])
            paid_adj[0 if r.kind == "insurance_payment" else 1] -= r.amount_cents
    aging = AgingBuckets()
    for line in family.open_lines():
        aging.add((book.as_of - line.date_of_service).days, line.patient_cents)
    owed = family.patient_cents
    count = family.previous_statements
    tier = dunning_tier(count, len(tiers))
    g = family.guarantor
    return {
        "statement_number": len(family.statements) + 1,
        "practice": header,
        "guarantor": {"id": g.id, "account": g.account_number, "name": patient_name(g), "address": _address(g)},
        "statement_date": short_date(book.as_of),
        "due_date": short_date(book.as_of + dt.timedelta(days=due_days)),
        "since": short_date(since) if since else None,
        "previous_balance": format_money(opening[1]),
        "previous_balance_cents": opening[1],
        "lines": [
            {
                "date": short_date(ln.date),
                "patient": first_names.get(ln.patient_id or 0, ""),
                "text": ln.text,
                "amount": format_money(ln.patient_delta_cents),
            }
            for ln in lines
        ],
        "insurance": [
            {"payer": payer, "paid": format_money(paid), "adjusted": format_money(adj)}
            for payer, (paid, adj) in sorted(insurance.items())
        ],
        "insurance_pending": format_money(family.insurance_cents),
        "aging": {
            "current": format_money(aging.current),
            "days_30": format_money(aging.days_30),
            "days_60": format_money(aging.days_60),
            "days_90": format_money(aging.days_90),
        },
        "amount_due": format_money(max(owed, 0)),
        "amount_due_cents": max(owed, 0),
        "previous_statements": count,
        "dunning_tier": tier,
        "message": tiers[tier],
    }


def check_as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"--as-of {text!r}: expected a date like 2026-04-01.") from exc
