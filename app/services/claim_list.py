"""The Claims list: count, page and filter claims by status, payer, provider, date and patient without loading them all.

Scrub findings are counted only for the claims on the page being read (one grouped query over their ids),
never per row and never over the whole finding table; the "with errors" filter is one indexed subquery.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain.claim_list import (
    CLAIM_QUEUES,
    METHOD_LABELS,
    ClaimColumn,
    ClaimFilter,
    ClaimRow,
    ClaimSort,
    queue_counts,
)
from app.services.claims import claim_number
from app.services.paging import page_in_groups
from app.services.patient_search import patient_match
from db.models import (
    ClaimRecord,
    EncounterRecord,
    PatientRecord,
    PayerRecord,
    ProviderRecord,
    ScrubFindingRecord,
)
from db.session import Database

C = ClaimRecord
E = EncounterRecord
P = PatientRecord
F = ScrubFindingRecord
Prov = aliased(ProviderRecord)
Pay = aliased(PayerRecord)

_OPEN = F.overridden_by.is_(None)
_BLOCKING = and_(F.severity == "error", _OPEN)


# Each sort ends with the claim id so pages never overlap. Sorts on the encounter's side put the encounter id
# before it, so SQLite walks the parent's index, the encounters under it and their claims in index order
# instead of sorting 100,000 joined rows for every page. Payer and method take few values: those lists are
# paged one group at a time (`_groups`); finding counts are ranked from the finding table (`_page_by_findings`).
_BY_ENCOUNTER = (E.id,)
_SORT_COLUMNS: dict[ClaimColumn, tuple[ColumnElement, ...]] = {
    ClaimColumn.CLAIM: (C.claim_number,),
    ClaimColumn.PATIENT: (P.last_name, P.first_name, P.id, *_BY_ENCOUNTER),
    ClaimColumn.ACCOUNT: (P.account_number, *_BY_ENCOUNTER),
    ClaimColumn.DATE_OF_SERVICE: (E.date_of_service, *_BY_ENCOUNTER),
    ClaimColumn.PROVIDER: (Prov.last_name, Prov.first_name, Prov.id, *_BY_ENCOUNTER),
    ClaimColumn.STATUS: (C.status,),
    ClaimColumn.CHARGES: (C.total_charge_cents,),
}
_FINDING_COLUMNS = {ClaimColumn.ERRORS: "error", ClaimColumn.WARNINGS: "warning"}
# Statuses whose status-list entries are split by submission method ('Ready (paper)', 'Ready (electronic)').
_SPLIT_BY_METHOD = sorted({status for q in CLAIM_QUEUES if q.method for status in q.statuses})


class ClaimListService:
    """Read side of the Claims panel. Every call opens its own short session (safe from any thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def count(self, flt: ClaimFilter) -> int:
        with self.db.session() as s:
            where = self._where(s, flt)
            if where is None:
                return 0
            return s.scalar(_from_claims(select(func.count()), where, flt)) or 0

    def status_counts(self, flt: ClaimFilter = ClaimFilter()) -> dict[str, int]:  # noqa: B008 - frozen
        """How many claims each status-list entry holds under the filter's other conditions (payer,
        provider, dates, search, errors): the filter's own statuses and method are left out."""
        with self.db.session() as s:
            where = self._where(s, flt, with_status=False)
            if where is None:
                return queue_counts({})
            by_status = _from_claims(select(C.status, func.count()), where, flt).group_by(C.status)
            grouped: dict[tuple[str, str | None], int] = {
                (status, None): n for status, n in s.execute(by_status) if status not in _SPLIT_BY_METHOD
            }
            by_method = _from_claims(select(C.status, C.submission_method, func.count()), where, flt)
            by_method = by_method.where(C.status.in_(_SPLIT_BY_METHOD)).group_by(C.status, C.submission_method)
            grouped.update(((status, method), n) for status, method, n in s.execute(by_method))
        return queue_counts(grouped)

    def page(self, flt: ClaimFilter, sort: ClaimSort, offset: int, limit: int) -> list[ClaimRow]:
        with self.db.session() as s:
            where = self._where(s, flt)
            if where is None or limit <= 0:
                return []
            by_id = C.id.desc() if sort.descending else C.id.asc()
            if sort.column in _SORT_COLUMNS:
                keys = _SORT_COLUMNS[sort.column]
                order = [k.desc() if sort.descending else k.asc() for k in keys]
                stmt = _rows_query().where(*where).order_by(*order, by_id).offset(offset).limit(limit)
                rows = s.execute(stmt).all()
            elif sort.column in _FINDING_COLUMNS:
                rows = _page_by_findings(s, flt, where, _FINDING_COLUMNS[sort.column], sort.descending, offset, limit)
            else:
                groups = _groups(s, sort.column)
                if sort.descending:
                    groups.reverse()
                count = _from_claims(select(func.count()), where, flt)
                rows = page_in_groups(s, _rows_query().where(*where), count, groups, by_id, offset, limit)
            counts = _finding_counts(s, [r[0] for r in rows])
            return [_row(r, *counts.get(r[0], (0, 0))) for r in rows]

    def _where(self, s: Session, flt: ClaimFilter, *, with_status: bool = True) -> list[ColumnElement[bool]] | None:
        """SQL conditions for a filter; None when the search can match nothing at all."""
        where: list[ColumnElement[bool]] = []
        if with_status and flt.statuses:
            where.append(C.status.in_(sorted(flt.statuses)))
        if with_status and flt.method:
            where.append(C.submission_method == flt.method)
        if flt.payer_id is not None:
            where.append(C.payer_id == flt.payer_id)
        if flt.provider_id is not None:
            where.append(E.rendering_provider_id == flt.provider_id)
        if flt.date_from is not None:
            where.append(E.date_of_service >= flt.date_from)
        if flt.date_to is not None:
            where.append(E.date_of_service <= flt.date_to)
        if flt.with_errors:
            where.append(C.id.in_(select(F.claim_id).where(_BLOCKING)))
        text = flt.search.strip()
        if text:
            # Each side is a subquery on its own index, so SQLite answers the OR as a union of two seeks.
            matches = [C.id.in_(select(C.id).where(m)) for m in _claim_number_match(text)]
            patient_ids = s.scalars(select(P.id).where(patient_match(text))).all()
            if patient_ids:
                matches.append(C.encounter_id.in_(select(E.id).where(E.patient_id.in_(patient_ids))))
            if not matches:
                return None
            where.append(or_(*matches))
        return where


def _groups(s: Session, column: ClaimColumn) -> list[ColumnElement[bool]]:
    """The groups a list sorted by payer or submission method falls into, in ascending order."""
    if column is ClaimColumn.PAYER:
        payers = s.scalars(select(PayerRecord.id).order_by(PayerRecord.name, PayerRecord.id)).all()
        return [C.payer_id.is_(None), *(C.payer_id == p for p in payers)]
    return [C.submission_method == m for m in sorted(METHOD_LABELS)]


def _page_by_findings(
    s: Session,
    flt: ClaimFilter,
    where: list[ColumnElement[bool]],
    severity: str,
    descending: bool,
    offset: int,
    limit: int,
) -> list[Row]:
    """Claims sorted by how many open findings of one severity they have, then by id.

    The claims that have any are few (at most one per stored finding): they are counted and ranked from
    the finding table. The rest, with none, follow (or, ascending, come first) in id order."""
    unresolved = and_(F.severity == severity, _OPEN)
    per_claim = _from_claims(select(C.id, func.count(F.id)), where, flt).join(F, F.claim_id == C.id)
    counts = s.execute(per_claim.where(unresolved).group_by(C.id)).all()
    with_findings = [claim_id for _n, claim_id in sorted(((n, i) for i, n in counts), reverse=descending)]

    def by_ids(ids: list[int]) -> list[Row]:
        found = {r[0]: r for r in s.execute(_rows_query().where(C.id.in_(ids)))} if ids else {}
        return [found[i] for i in ids if i in found]

    def without(skip: int, take: int) -> list[Row]:
        none = C.id.not_in(select(F.claim_id).where(unresolved))
        order = C.id.desc() if descending else C.id.asc()
        return list(s.execute(_rows_query().where(*where, none).order_by(order).offset(skip).limit(take)))

    if descending:
        rows = by_ids(with_findings[offset : offset + limit])
        return rows + without(max(0, offset - len(with_findings)), limit - len(rows)) if len(rows) < limit else rows
    zero = (s.scalar(_from_claims(select(func.count()), where, flt)) or 0) - len(with_findings)
    rows = without(offset, limit) if offset < zero else []
    start = max(0, offset - zero)
    return rows + by_ids(with_findings[start : start + limit - len(rows)])


def _claim_number_match(text: str) -> list[ColumnElement[bool]]:
    """'CD0000001' finds the claim numbers starting so (a range on the unique index); '12' finds CD00000012."""
    if len(text.split()) != 1:
        return []
    prefix = text.upper()
    found: list[ColumnElement[bool]] = [and_(C.claim_number >= prefix, C.claim_number < prefix + "\U0010ffff")]
    if prefix.isdigit() and len(prefix) <= 8:
        found.append(C.claim_number == claim_number(int(prefix)))
    return found


def _from_claims(stmt: Select, where: list[ColumnElement[bool]], flt: ClaimFilter) -> Select:
    """Claims under the conditions, joined to their encounters only when the filter looks at them
    (provider, dates): a count by status alone then reads just the claim table's index."""
    stmt = stmt.select_from(C)
    if flt.provider_id is not None or flt.date_from or flt.date_to:
        stmt = stmt.join(E, E.id == C.encounter_id)
    return stmt.where(*where)


def _rows_query() -> Select:
    return (
        select(
            C.id,
            C.claim_number,
            C.status,
            C.submission_method,
            Pay.name,
            C.payer_sequence,
            C.frequency_code,
            P.id,
            P.last_name,
            P.first_name,
            P.account_number,
            E.id,
            E.date_of_service,
            Prov.last_name,
            Prov.first_name,
            Prov.credential,
            C.total_charge_cents,
        )
        .select_from(C)
        .join(E, E.id == C.encounter_id)
        .join(P, P.id == E.patient_id)
        .join(Prov, Prov.id == E.rendering_provider_id)
        .outerjoin(Pay, Pay.id == C.payer_id)
    )


def _finding_counts(s: Session, claim_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(errors, warnings) nobody has overridden, for just these claims."""
    if not claim_ids:
        return {}
    stmt = (
        select(
            F.claim_id,
            func.sum(case((F.severity == "error", 1), else_=0)),
            func.sum(case((F.severity == "warning", 1), else_=0)),
        )
        .where(F.claim_id.in_(claim_ids), _OPEN)
        .group_by(F.claim_id)
    )
    return {claim_id: (errors, warnings) for claim_id, errors, warnings in s.execute(stmt)}


def _row(r: Row, errors: int, warnings: int) -> ClaimRow:
    return ClaimRow(
        id=r[0],
        claim_number=r[1],
        status=r[2],
        method=r[3],
        payer_name=r[4] or "No payer",
        payer_sequence=r[5],
        frequency_code=r[6],
        patient_id=r[7],
        patient_name=f"{r[8]}, {r[9]}",
        account_number=r[10],
        encounter_id=r[11],
        date_of_service=r[12],
        provider_name=f"{r[13]}, {r[14]}" + (f" {r[15]}" if r[15] else ""),
        charge_cents=r[16],
        errors=errors,
        warnings=warnings,
    )
