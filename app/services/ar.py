"""A/R aging (summed in SQL straight from the ledger), its drill-down and exports, and the follow-up work
queue of unpaid and underpaid claims with notes, ticklers and denials in plain words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Integer, String, and_, case, cast, func, literal, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Subquery

from app.chunking import chunked as _chunks
from app.domain.aging import (
    BUCKET_LABELS,
    BUCKETS,
    PATIENT_KEY,
    QUEUE_MIN_AGE_DAYS,
    AgingClaim,
    AgingReport,
    AgingRow,
    Basis,
    FollowUpNote,
    GroupBy,
    QueueDenial,
    QueueItem,
    Responsibility,
    WorkToday,
    denial_action,
    priority_score,
)
from app.domain.money import format_money
from app.errors import NotFoundError, ValidationError
from db.models import (
    ClaimLineRecord,
    ClaimRecord,
    CoverageRecord,
    DenialRecord,
    EncounterRecord,
    FollowUpNoteRecord,
    LedgerEntryRecord,
    PatientRecord,
    PayerRecord,
    ProviderRecord,
    ServiceLineRecord,
)
from db.session import Database

if TYPE_CHECKING:
    from app.services.codesets import CodeSetService

L = LedgerEntryRecord
C = ClaimRecord
E = EncounterRecord
SL = ServiceLineRecord

UNKNOWN_PAYER_KEY = "0"
# Sent claims a payer may still owe on ("closed" ones are settled by the biller).
QUEUE_STATUSES = ("submitted", "accepted", "rejected", "paid", "partially_paid", "denied")
HIGH_PRIORITY_SCORE = 250


class ArService:
    def __init__(self, db: Database, codesets: CodeSetService | None, user: str) -> None:
        self.db = db
        self.codesets = codesets
        self.user = user
        self._codes: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ aging

    def aging(
        self,
        as_of: dt.date,
        basis: Basis = "dos",
        by: GroupBy = "payer",
        responsibility: Responsibility = "all",
    ) -> AgingReport:
        """What is owed at the end of `as_of`, per payer, patient or provider and per age bucket.

        Only ledger entries effective on or before `as_of` count. Balances are summed per service line and
        responsible party in SQL; positive balances are aged, credit balances are reported apart."""
        _check(basis, by, responsibility)
        with self.db.session() as s:
            items = _open_items(as_of, basis).subquery("items")
            key = _group_key(items, by)
            bucket = _bucket(items.c.age)
            is_patient = (items.c.party == "patient").label("is_patient")
            rows = s.execute(
                select(key.label("key"), bucket.label("bucket"), is_patient, func.sum(items.c.cents))
                .where(items.c.cents > 0, *_responsibility(items, responsibility))
                .group_by(key, bucket, is_patient)
            ).all()
            credit = s.scalar(
                select(func.coalesce(func.sum(items.c.cents), 0)).where(
                    items.c.cents < 0, *_responsibility(items, responsibility)
                )
            )
            names = _names(s, by, {r[0] for r in rows})
        by_key: dict[str, AgingRow] = {}
        for raw_key, label, patient_part, cents in rows:
            k = _key_text(by, raw_key)
            row = by_key.setdefault(k, AgingRow(key=k, name=names.get(k, f"#{k}")))
            row.buckets[label] += int(cents)
            if patient_part:
                row.patient_cents += int(cents)
            else:
                row.insurance_cents += int(cents)
        ordered = sorted(by_key.values(), key=lambda r: (r.key == PATIENT_KEY, r.name.lower(), r.key))
        return AgingReport(as_of, basis, by, responsibility, ordered, credit_cents=-int(credit or 0))

    def aging_claims(
        self,
        as_of: dt.date,
        bucket: str,
        key: str,
        basis: Basis = "dos",
        by: GroupBy = "payer",
        responsibility: Responsibility = "all",
    ) -> list[AgingClaim]:
        """Drill-down: the encounters (and their claims) that make up one cell of the aging report."""
        _check(basis, by, responsibility)
        if bucket not in BUCKET_LABELS:
            raise ValidationError(f"Unknown aging bucket {bucket!r}; expected one of {', '.join(BUCKET_LABELS)}.")
        with self.db.session() as s:
            items = _open_items(as_of, basis).subquery("items")
            group_key = _group_key(items, by)
            seq = _sequence(items.c.party)
            latest_claim = (
                select(C.id)
                .where(C.encounter_id == items.c.encounter_id, C.frequency_code != "8")
                .where((C.payer_sequence == seq) | (items.c.party == "patient"))
                .order_by(C.id.desc())
                .limit(1)
                .scalar_subquery()
            )
            rows = s.execute(
                select(
                    items.c.encounter_id,
                    items.c.party,
                    func.sum(items.c.cents),
                    func.min(items.c.dos),
                    func.min(items.c.aged_from),
                    func.max(items.c.age),
                    func.min(items.c.patient_id),
                    func.min(latest_claim),
                )
                .where(
                    items.c.cents > 0,
                    _bucket(items.c.age) == bucket,
                    group_key == _key_value(by, key),
                    *_responsibility(items, responsibility),
                )
                .group_by(items.c.encounter_id, items.c.party)
                .order_by(func.max(items.c.age).desc(), items.c.encounter_id)
            ).all()
            patients = _patient_names(s, {r[6] for r in rows})
            numbers = dict(s.execute(select(C.id, C.claim_number).where(C.id.in_({r[7] for r in rows if r[7]}))).all())
        return [
            AgingClaim(
                encounter_id=enc,
                claim_id=claim_id,
                claim_number=numbers.get(claim_id) if claim_id else None,
                patient_name=patients.get(pid, ""),
                date_of_service=_date(dos),
                aged_from=_date(aged),
                age_days=int(age),
                party=party,
                balance_cents=int(cents),
            )
            for enc, party, cents, dos, aged, age, pid, claim_id in rows
        ]

    def to_csv(self, report: AgingReport) -> str:
        return report.to_csv()

    def to_json(self, report: AgingReport) -> dict[str, Any]:
        return report.to_json()

    def to_pdf(self, report: AgingReport, path: Path) -> Path:
        write_aging_pdf(report, path)
        return path

    # ------------------------------------------------------------------ follow-up queue

    def queue(self, today: dt.date | None = None) -> list[QueueItem]:
        """Sent claims more than 30 days old (from first billed date, else date of service) on which the payer
        still owes something, highest priority first (see `app.domain.aging.priority_score`)."""
        today = today or dt.date.today()
        later = aliased(ClaimRecord)
        party = literal("ins").concat(cast(C.payer_sequence, String))
        superseded = (
            select(later.id)
            .where(
                later.encounter_id == C.encounter_id,
                later.payer_sequence == C.payer_sequence,
                later.id > C.id,
                later.status.in_(QUEUE_STATUSES + ("closed",)),
            )
            .exists()
        )
        balance = func.sum(L.amount_cents)
        with self.db.session() as s:
            rows = s.execute(
                select(
                    C.id,
                    C.claim_number,
                    C.status,
                    C.first_billed_on,
                    E.date_of_service,
                    E.patient_id,
                    PayerRecord.name,
                    PayerRecord.timely_filing_days,
                    balance,
                )
                .select_from(C)
                .join(E, E.id == C.encounter_id)
                .join(PayerRecord, PayerRecord.id == C.payer_id)
                .join(ClaimLineRecord, ClaimLineRecord.claim_id == C.id)
                .join(L, and_(L.service_line_id == ClaimLineRecord.service_line_id, L.party == party))
                .where(C.status.in_(QUEUE_STATUSES), ~superseded)
                .group_by(C.id)
                .having(balance > 0)
            ).all()
            items: list[QueueItem] = []
            patient_ids: dict[int, int] = {}
            for cid, number, status, billed, dos, pid, payer, tf_days, cents in rows:
                aged_from = billed or dos
                age = (today - aged_from).days
                if age <= QUEUE_MIN_AGE_DAYS:
                    continue
                deadline = dos + dt.timedelta(days=tf_days)
                left = (deadline - today).days
                patient_ids[cid] = pid
                items.append(
                    QueueItem(
                        claim_id=cid,
                        claim_number=number,
                        status=status,
                        payer_name=payer,
                        patient_name="",
                        date_of_service=dos,
                        aged_from=aged_from,
                        age_days=age,
                        balance_cents=int(cents),
                        filing_deadline=deadline,
                        days_left=left,
                        score=priority_score(int(cents), age, left),
                    )
                )
            names = _patient_names(s, set(patient_ids.values()))
            notes = self._notes(s, [i.claim_id for i in items])
            denials = self._denials(s, [i.claim_id for i in items])
        for item in items:
            item.patient_name = names.get(patient_ids[item.claim_id], "")
            item.notes = notes.get(item.claim_id, [])
            item.denials = denials.get(item.claim_id, [])
        items.sort(key=lambda i: (-i.score, i.filing_deadline, i.claim_id))
        return items

    def add_note(self, claim_id: int, note: str, next_action_date: dt.date | None = None) -> FollowUpNote:
        """Record what was done on a claim and when to look again; the new tickler replaces the open ones."""
        text = note.strip()
        if not text:
            raise ValidationError("A follow-up note needs some text.")
        with self.db.transaction() as s:
            claim = s.get(ClaimRecord, claim_id)
            if claim is None:
                raise NotFoundError(f"No claim {claim_id}.")
            patient_id = s.scalar(select(E.patient_id).where(E.id == claim.encounter_id))
            for old in s.scalars(
                select(FollowUpNoteRecord).where(FollowUpNoteRecord.claim_id == claim_id, ~FollowUpNoteRecord.done)
            ):
                old.done = True
            record = FollowUpNoteRecord(
                claim_id=claim_id,
                patient_id=patient_id,
                note=text,
                next_action_date=next_action_date,
                done=False,
                created_by=self.user,
            )
            s.add(record)
            s.flush()
            return _note(record)

    def notes(self, claim_id: int) -> list[FollowUpNote]:
        with self.db.session() as s:
            return self._notes(s, [claim_id]).get(claim_id, [])

    def my_work_today(
        self, user: str | None = None, today: dt.date | None = None, min_score: int = HIGH_PRIORITY_SCORE
    ) -> WorkToday:
        """The user's ticklers that are due (next action on or before today), then high-priority claims that
        nobody has written a note on yet (score at least `min_score`)."""
        user = user or self.user
        today = today or dt.date.today()
        due: list[QueueItem] = []
        new: list[QueueItem] = []
        for item in self.queue(today):
            open_notes = [n for n in item.notes if not n.done and n.next_action_date]
            if open_notes and open_notes[-1].created_by == user and open_notes[-1].next_action_date <= today:  # type: ignore[operator]
                due.append(item)
            elif not item.notes and item.score >= min_score:
                new.append(item)
        due.sort(key=lambda i: (i.next_action_date or today, -i.score))
        return WorkToday(due=due, new=new)

    # ------------------------------------------------------------------ helpers

    def _descriptions(self, kind: str) -> dict[str, str]:
        if kind not in self._codes:
            try:
                self._codes[kind] = self.codesets.adjustment_codes(kind) if self.codesets else {}
            except Exception:  # noqa: BLE001 - descriptions are a nicety; the code still shows
                self._codes[kind] = {}
        return self._codes[kind]

    def _notes(self, s: Session, claim_ids: list[int]) -> dict[int, list[FollowUpNote]]:
        out: dict[int, list[FollowUpNote]] = {}
        for ids in _chunks(claim_ids):
            for r in s.scalars(
                select(FollowUpNoteRecord)
                .where(FollowUpNoteRecord.claim_id.in_(ids))
                .order_by(FollowUpNoteRecord.created_at, FollowUpNoteRecord.id)
            ):
                out.setdefault(r.claim_id or 0, []).append(_note(r))
        return out

    def _denials(self, s: Session, claim_ids: list[int]) -> dict[int, list[QueueDenial]]:
        out: dict[int, list[QueueDenial]] = {}
        rows = [
            r
            for ids in _chunks(claim_ids)
            for r in s.scalars(
                select(DenialRecord)
                .where(DenialRecord.claim_id.in_(ids), DenialRecord.status == "open")
                .order_by(DenialRecord.id)
            )
        ]
        if not rows:
            return out
        carcs, rarcs = self._descriptions("carc"), self._descriptions("rarc")
        for d in rows:
            out.setdefault(d.claim_id, []).append(
                QueueDenial(
                    group_code=d.group_code,
                    carc=d.carc,
                    carc_text=carcs.get(d.carc, f"reason code {d.carc}"),
                    rarc=d.rarc,
                    rarc_text=rarcs.get(d.rarc, f"remark code {d.rarc}") if d.rarc else None,
                    amount_cents=d.amount_cents,
                    action=denial_action(d.carc),
                )
            )
        return out


# --------------------------------------------------------------------------- SQL building blocks


def _check(basis: str, by: str, responsibility: str) -> None:
    if basis not in ("dos", "billed"):
        raise ValidationError(f"Unknown aging basis {basis!r}; expected 'dos' or 'billed'.")
    if by not in ("payer", "patient", "provider"):
        raise ValidationError(f"Unknown aging grouping {by!r}; expected 'payer', 'patient' or 'provider'.")
    if responsibility not in ("all", "insurance", "patient"):
        raise ValidationError(f"Unknown responsibility {responsibility!r}; expected 'all', 'insurance' or 'patient'.")


def _sequence(party: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((party == "ins1", 1), (party == "ins2", 2), (party == "ins3", 3), else_=None)


def _open_items(as_of: dt.date, basis: Basis) -> Any:
    """One row per service line and responsible party with a non-zero balance as of `as_of`, with what aging
    needs: date of service, the date it is aged from, its age in days, patient, provider and payer."""
    bal = (
        select(L.service_line_id.label("sl"), L.party.label("party"), func.sum(L.amount_cents).label("cents"))
        .where(L.effective_date <= as_of)
        .group_by(L.service_line_id, L.party)
        .having(func.sum(L.amount_cents) != 0)
        .subquery("bal")
    )
    seq = _sequence(bal.c.party)
    claim_payer = (
        select(C.payer_id)
        .where(C.encounter_id == E.id, C.payer_sequence == seq, C.frequency_code != "8", C.payer_id.is_not(None))
        .order_by(C.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    coverage_payer = (
        select(CoverageRecord.payer_id)
        .where(
            CoverageRecord.patient_id == E.patient_id,
            CoverageRecord.priority == seq,
            CoverageRecord.effective_from <= E.date_of_service,
        )
        .order_by(CoverageRecord.effective_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    payer = case((bal.c.party == "patient", None), else_=func.coalesce(claim_payer, coverage_payer))
    if basis == "billed":
        billed = (
            select(func.min(C.first_billed_on))
            .where(C.encounter_id == E.id, C.first_billed_on <= as_of)
            .scalar_subquery()
        )
        aged_from: ColumnElement[Any] = func.coalesce(billed, E.date_of_service)
    else:
        aged_from = E.date_of_service
    age = cast(func.julianday(literal(as_of.isoformat())) - func.julianday(aged_from), Integer)
    return (
        select(
            bal.c.sl,
            bal.c.party,
            bal.c.cents,
            E.id.label("encounter_id"),
            E.patient_id.label("patient_id"),
            func.coalesce(SL.rendering_provider_id, E.rendering_provider_id).label("provider_id"),
            E.date_of_service.label("dos"),
            type_coerce(aged_from, Date).label("aged_from"),
            age.label("age"),
            payer.label("payer_id"),
        )
        .select_from(bal)
        .join(SL, SL.id == bal.c.sl)
        .join(E, E.id == SL.encounter_id)
    )


def _bucket(age: ColumnElement[Any]) -> ColumnElement[Any]:
    whens = [(age <= oldest, label) for label, oldest in BUCKETS if oldest is not None]
    return case(*whens, else_=BUCKETS[-1][0])


def _group_key(items: Subquery, by: GroupBy) -> ColumnElement[Any]:
    if by == "payer":
        return case((items.c.party == "patient", -1), else_=func.coalesce(items.c.payer_id, 0))
    if by == "patient":
        return items.c.patient_id
    return items.c.provider_id


def _key_text(by: GroupBy, raw: Any) -> str:
    if by == "payer" and raw == -1:
        return PATIENT_KEY
    return str(raw)


def _key_value(by: GroupBy, key: str) -> int:
    if by == "payer" and key == PATIENT_KEY:
        return -1
    try:
        return int(key)
    except ValueError as exc:
        raise ValidationError(f"Unknown aging row key {key!r}.") from exc


def _responsibility(items: Subquery, responsibility: Responsibility) -> list[ColumnElement[bool]]:
    if responsibility == "insurance":
        return [items.c.party != "patient"]
    if responsibility == "patient":
        return [items.c.party == "patient"]
    return []


def _names(s: Session, by: GroupBy, raw_keys: set[Any]) -> dict[str, str]:
    ids = [k for k in raw_keys if isinstance(k, int) and k > 0]
    if by == "payer":
        names = {str(i): n for i, n in _in(s, select(PayerRecord.id, PayerRecord.name), PayerRecord.id, ids)}
        names[PATIENT_KEY] = "Patient responsibility"
        names[UNKNOWN_PAYER_KEY] = "Insurance (payer unknown)"
        return names
    if by == "patient":
        return {str(k): v for k, v in _patient_names(s, set(ids)).items()}
    rows = _in(
        s, select(ProviderRecord.id, ProviderRecord.last_name, ProviderRecord.first_name), ProviderRecord.id, ids
    )
    return {str(i): f"{last}, {first}" for i, last, first in rows}


def _patient_names(s: Session, ids: set[int]) -> dict[int, str]:
    P = PatientRecord
    rows = _in(s, select(P.id, P.last_name, P.first_name, P.account_number), P.id, sorted(ids))
    return {i: f"{last}, {first} ({acct})" for i, last, first, acct in rows}


def _in(s: Session, query: Any, column: Any, ids: Iterable[int]) -> Iterator[Any]:
    for chunk in _chunks(list(ids)):
        yield from s.execute(query.where(column.in_(chunk))).all()


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _note(r: FollowUpNoteRecord) -> FollowUpNote:
    return FollowUpNote(r.id, r.note, r.next_action_date, r.done, r.created_at, r.created_by)


# --------------------------------------------------------------------------- PDF


def write_aging_pdf(report: AgingReport, path: Path) -> None:
    """A one-page-wide aging table with totals and percentages, then a bar chart of the buckets."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    basis = "date of service" if report.basis == "dos" else "first billed date"
    header = ["Name" if report.by != "payer" else "Payer", *BUCKET_LABELS, "Total"]
    data: list[list[str]] = [header]
    for r in report.rows:
        data.append([r.name, *(format_money(c) for c in r.buckets.values()), format_money(r.total)])
    data.append(["Total", *(format_money(c) for c in report.totals.values()), format_money(report.total)])
    data.append(["% of A/R", *(f"{p}%" for p in report.percentages.values()), "100.00%" if report.total else ""])
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -2), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -2), (-1, -2), 0.5, colors.black),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
            ]
        )
    )
    chart_box = Drawing(500, 200)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 30, 420, 150
    chart.data = [[c / 100 for c in report.totals.values()]]  # chart geometry only; figures above are exact
    chart.categoryAxis.categoryNames = list(BUCKET_LABELS)
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#4a7ab5")
    chart_box.add(chart)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(letter), title="A/R aging")
    doc.build(
        [
            Paragraph(f"A/R aging as of {report.as_of.isoformat()}", styles["Title"]),
            Paragraph(f"Aged from {basis}, by {report.by}; responsibility: {report.responsibility}.", styles["Normal"]),
            Spacer(1, 12),
            table,
            Spacer(1, 18),
            Paragraph("A/R by age bucket (dollars)", styles["Heading3"]),
            chart_box,
        ]
    )
