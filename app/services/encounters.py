"""The Encounters worklist: count, page and filter encounters without loading them all."""

from __future__ import annotations

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session, aliased

from app.domain.worklist import (
    ENCOUNTER_STATUS_LABELS,
    Choice,
    EncounterDetail,
    EncounterDetailLine,
    WorklistColumn,
    WorklistFilter,
    WorklistRow,
    WorklistSort,
    pointer_letters,
)
from app.errors import NotFoundError
from app.services.paging import page_in_groups
from app.services.patient_search import patient_match
from db.models import (
    EncounterDiagnosisRecord,
    EncounterRecord,
    FacilityRecord,
    PatientRecord,
    PayerRecord,
    ProviderRecord,
    ServiceLineRecord,
)
from db.session import Database

E = EncounterRecord
P = PatientRecord
Prov = aliased(ProviderRecord)
Pay = aliased(PayerRecord)

# Each sort ends with the parent's id so SQLite can walk the parent's index and then the
# encounters under it in id order, instead of sorting 100,000 joined rows for every page.
_SORT_COLUMNS = {
    WorklistColumn.PATIENT: (P.last_name, P.first_name, P.id),
    WorklistColumn.ACCOUNT: (P.account_number,),
    WorklistColumn.DATE_OF_SERVICE: (E.date_of_service,),
    WorklistColumn.PROVIDER: (Prov.last_name, Prov.first_name, Prov.id),
    WorklistColumn.PAYER: (Pay.name, Pay.id),
    WorklistColumn.STATUS: (E.status,),
    WorklistColumn.CHARGES: (E.total_charge_cents,),
}


class EncounterService:
    """Read side of the worklist. Every call opens its own short session (safe from any thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def count(self, flt: WorklistFilter) -> int:
        with self.db.session() as s:
            where = self._where(s, flt)
            if where is None:
                return 0
            return s.scalar(select(func.count()).select_from(E).where(*where)) or 0

    def page(self, flt: WorklistFilter, sort: WorklistSort, offset: int, limit: int) -> list[WorklistRow]:
        with self.db.session() as s:
            where = self._where(s, flt)
            if where is None:
                return []
            if sort.column is WorklistColumn.PAYER:
                return self._page_by_payer(s, where, sort.descending, offset, limit)
            keys = _SORT_COLUMNS[sort.column]
            order = [k.desc() if sort.descending else k.asc() for k in keys]
            order.append(E.id.desc() if sort.descending else E.id.asc())
            stmt = _rows_query().where(*where).order_by(*order).offset(offset).limit(limit)
            return [_row(r) for r in s.execute(stmt)]

    def _page_by_payer(self, s: Session, where: list, descending: bool, offset: int, limit: int) -> list[WorklistRow]:
        """Payers are few, and self-pay encounters have none (an outer join SQLite cannot walk by
        index). So page through one payer at a time, in name order, each on its own index."""
        payers = [None, *s.scalars(select(PayerRecord.id).order_by(PayerRecord.name, PayerRecord.id))]
        if descending:
            payers.reverse()
        groups = [E.primary_payer_id.is_(None) if p is None else E.primary_payer_id == p for p in payers]
        count = select(func.count()).select_from(E).where(*where)
        order = E.id.desc() if descending else E.id.asc()
        return [_row(r) for r in page_in_groups(s, _rows_query().where(*where), count, groups, order, offset, limit)]

    def resolve(self, reference: str) -> int:
        """An encounter named by its id or its source-system id (e.g. 'EHR-000123')."""
        from app.errors import NotFoundError

        with self.db.session() as s:
            found = s.scalar(select(E.id).where(E.source_id == reference))
            if found is None and reference.isdigit():
                found = s.scalar(select(E.id).where(E.id == int(reference)))
        if found is None:
            raise NotFoundError(f"No encounter {reference!r} (give its id or its source id).")
        return found

    def status_counts(self) -> dict[str, int]:
        with self.db.session() as s:
            rows = s.execute(select(E.status, func.count()).group_by(E.status)).all()
        counts = dict.fromkeys(ENCOUNTER_STATUS_LABELS, 0)
        counts.update(dict(rows))
        return counts

    def provider_choices(self) -> list[Choice]:
        with self.db.session() as s:
            rows = s.execute(
                select(
                    ProviderRecord.id, ProviderRecord.last_name, ProviderRecord.first_name, ProviderRecord.credential
                )
                .where(ProviderRecord.role == "rendering")
                .order_by(ProviderRecord.last_name, ProviderRecord.first_name)
            )
            return [Choice(i, f"{last}, {first}" + (f" {cred}" if cred else "")) for i, last, first, cred in rows]

    def payer_choices(self) -> list[Choice]:
        with self.db.session() as s:
            rows = s.execute(select(PayerRecord.id, PayerRecord.name).order_by(PayerRecord.name))
            return [Choice(i, name) for i, name in rows]

    def detail(self, encounter_id: int) -> EncounterDetail:
        """One encounter with its note, diagnoses and service lines, for reading (never for editing)."""
        with self.db.session() as s:
            row = s.execute(
                select(
                    P.last_name,
                    P.first_name,
                    P.middle_name,
                    P.account_number,
                    P.date_of_birth,
                    P.sex,
                    E.date_of_service,
                    Prov.last_name,
                    Prov.first_name,
                    Prov.credential,
                    FacilityRecord.name,
                    E.place_of_service,
                    Pay.name,
                    E.status,
                    E.hold_reason,
                    E.query_text,
                    E.prior_authorization,
                    E.note_text,
                )
                .join(P, P.id == E.patient_id)
                .join(Prov, Prov.id == E.rendering_provider_id)
                .join(FacilityRecord, FacilityRecord.id == E.facility_id)
                .outerjoin(Pay, Pay.id == E.primary_payer_id)
                .where(E.id == encounter_id)
            ).one_or_none()
            if row is None:
                raise NotFoundError(f"Encounter {encounter_id} does not exist.")
            diagnoses = s.scalars(
                select(EncounterDiagnosisRecord.code)
                .where(EncounterDiagnosisRecord.encounter_id == encounter_id)
                .order_by(EncounterDiagnosisRecord.sequence)
            ).all()
            lines = s.scalars(
                select(ServiceLineRecord)
                .where(ServiceLineRecord.encounter_id == encounter_id)
                .order_by(ServiceLineRecord.line_number)
            ).all()
            (
                p_last,
                p_first,
                p_middle,
                account,
                dob,
                sex,
                dos,
                pr_last,
                pr_first,
                pr_cred,
                facility,
                pos,
                payer,
                status,
                hold_reason,
                query_text,
                prior_auth,
                note,
            ) = row
            return EncounterDetail(
                encounter_id=encounter_id,
                patient_name=f"{p_last}, {p_first}" + (f" {p_middle}" if p_middle else ""),
                account_number=account,
                date_of_birth=dob,
                sex=sex,
                date_of_service=dos,
                provider_name=f"{pr_last}, {pr_first}" + (f" {pr_cred}" if pr_cred else ""),
                facility_name=facility,
                place_of_service=pos,
                payer_name=payer or "Self-pay",
                status=status,
                hold_reason=hold_reason,
                query_text=query_text,
                prior_authorization=prior_auth,
                note_text=note or "",
                diagnoses=tuple(diagnoses),
                lines=tuple(
                    EncounterDetailLine(
                        code=line.code,
                        modifiers=tuple(
                            m for m in (line.modifier1, line.modifier2, line.modifier3, line.modifier4) if m
                        ),
                        units=line.units,
                        charge_cents=line.charge_cents,
                        pointers=pointer_letters(
                            [p for p in (line.pointer1, line.pointer2, line.pointer3, line.pointer4) if p]
                        ),
                    )
                    for line in lines
                ),
            )

    def _where(self, s: Session, flt: WorklistFilter) -> list | None:
        """SQL conditions for a filter; None when the search matches no patient at all."""
        where = []
        if flt.statuses:
            where.append(E.status.in_(sorted(flt.statuses)))
        if flt.provider_id is not None:
            where.append(E.rendering_provider_id == flt.provider_id)
        if flt.payer_id is not None:
            where.append(E.primary_payer_id == flt.payer_id)
        if flt.date_from is not None:
            where.append(E.date_of_service >= flt.date_from)
        if flt.date_to is not None:
            where.append(E.date_of_service <= flt.date_to)
        text = flt.search.strip()
        if text:
            patient_ids = s.scalars(select(P.id).where(patient_match(text))).all()
            if not patient_ids:
                return None
            where.append(E.patient_id.in_(patient_ids))
        return where


def _rows_query() -> Select:
    return (
        select(
            E.id,
            P.last_name,
            P.first_name,
            P.account_number,
            E.date_of_service,
            Prov.last_name,
            Prov.first_name,
            Prov.credential,
            Pay.name,
            E.status,
            E.total_charge_cents,
            E.hold_reason,
            E.query_text,
        )
        .join(P, P.id == E.patient_id)
        .join(Prov, Prov.id == E.rendering_provider_id)
        .outerjoin(Pay, Pay.id == E.primary_payer_id)
    )


def _row(r: Row) -> WorklistRow:
    return WorklistRow(
        encounter_id=r[0],
        patient_name=f"{r[1]}, {r[2]}",
        account_number=r[3],
        date_of_service=r[4],
        provider_name=f"{r[5]}, {r[6]}" + (f" {r[7]}" if r[7] else ""),
        payer_name=r[8] or "Self-pay",
        status=r[9],
        charge_cents=r[10],
        hold_reason=r[11],
        query_text=r[12],
    )
