"""Correct a patient's demographics and coverages: read one patient, save the biller's edits in one transaction.

Claims read demographics when they are printed or exported, so these edits are allowed whatever the
state of the patient's encounters. The primary payer the worklist shows for unbilled encounters is
kept in step with the coverages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.demographics import (
    COVERAGE_SPECS,
    MIRRORED,
    NEW_COVERAGE_KEY,
    PATIENT_SPECS,
    PRIORITY_LABELS,
    RELATIONSHIP_LABELS,
    SELF,
    CoverageDetail,
    CoverageEdit,
    PatientDetail,
    PatientEdit,
    describe_patient_path,
)
from app.domain.fields import FieldProblems, check_changes, field_path
from app.domain.money import from_cents, to_cents
from app.errors import NotFoundError, ValidationError
from app.services.changes import Changes
from db.models import AuditLogRecord, CoverageRecord, EncounterRecord, PatientRecord, PayerRecord
from db.session import Database

MAX_COVERAGES = max(PRIORITY_LABELS)
# Fields the biller names on a coverage that live under another name on the record.
_COVERAGE_COLUMNS = {"copay": "copay_cents"}


@dataclass(frozen=True)
class PatientSaved:
    """The patient as saved, and which records changed (for the change bus)."""

    detail: PatientDetail
    changes: Changes


@dataclass
class _Coverage:
    """A coverage's values while an edit is being checked: stored ones overlaid with the edit."""

    key: str  # its stored priority, or 'new' (where problems are reported)
    record: CoverageRecord | None
    values: dict[str, Any]
    given: dict[str, Any]


class PatientService:
    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    # ------------------------------------------------------------------ reading

    def resolve(self, reference: str) -> int:
        """A patient named by account number (or, failing that, by record id)."""
        with self.db.session() as s:
            found = s.scalar(select(PatientRecord.id).where(PatientRecord.account_number == reference.strip()))
            if found is None and reference.strip().isdigit():
                found = s.scalar(select(PatientRecord.id).where(PatientRecord.id == int(reference)))
        if found is None:
            raise NotFoundError(f"No patient with account number {reference!r}.")
        return found

    def patient(self, patient_id: int) -> PatientDetail:
        with self.db.session() as s:
            return self._detail(s, patient_id)

    # ------------------------------------------------------------------ writing: one action, one transaction

    def update_patient(self, patient_id: int, changes: PatientEdit) -> PatientDetail:
        """Change demographics; coverages where the patient is the subscriber follow."""
        return self.save(patient_id, patient=changes).detail

    def update_coverage(self, coverage_id: int, changes: CoverageEdit) -> PatientDetail:
        """Change one coverage; a new priority swaps places with the coverage that held it."""
        with self.db.session() as s:
            patient_id = s.scalar(select(CoverageRecord.patient_id).where(CoverageRecord.id == coverage_id))
        if patient_id is None:
            raise NotFoundError(f"No coverage {coverage_id}.")
        return self.save(patient_id, coverages={coverage_id: changes}).detail

    def add_coverage(self, patient_id: int, coverage: CoverageEdit) -> PatientDetail:
        """A new coverage. With a priority, the coverages at and after it move down one; without,
        it takes the first free place. Payer, member id and effective from are required."""
        return self.save(patient_id, added=(coverage,)).detail

    def save(
        self,
        patient_id: int,
        patient: PatientEdit | None = None,
        coverages: Mapping[int, CoverageEdit] | None = None,
        added: Sequence[CoverageEdit] = (),
    ) -> PatientSaved:
        """Everything the patient editor's Save sends: demographics, coverage edits (by coverage id)
        and new coverages, checked together and written together, or not at all.

        Raises FieldProblems keyed 'patient.<field>', 'coverage.<stored priority>.<field>' or
        'coverage.new.<field>'."""
        patient = patient or PatientEdit()
        coverages = dict(coverages or {})
        with self.db.transaction() as s:
            record = s.get(PatientRecord, patient_id)
            if record is None:
                raise NotFoundError(f"No patient {patient_id}.")
            stored = list(
                s.scalars(
                    select(CoverageRecord)
                    .where(CoverageRecord.patient_id == patient_id)
                    .order_by(CoverageRecord.priority)
                )
            )
            by_id = {c.id: c for c in stored}
            strangers = sorted(set(coverages) - set(by_id))
            if strangers:
                raise ValidationError(f"Coverage {strangers[0]} is not one of this patient's coverages.")

            problems: dict[str, str] = {}
            person = self._patient_values(s, record, patient.changed(), problems)
            covs = [
                _Coverage(
                    str(c.priority), c, _coverage_values(c), coverages[c.id].changed() if c.id in coverages else {}
                )
                for c in stored
            ]
            covs += [_Coverage(NEW_COVERAGE_KEY, None, {}, edit.changed()) for edit in added]
            for cov in covs:
                self._check_coverage(s, cov, person, problems)
            self._place(covs, problems)
            _check_unique_members(covs, problems)
            if problems:
                raise FieldProblems(problems, {p: describe_patient_path(p) for p in problems})

            changed = self._write(s, record, person, patient.changed(), covs)
            detail = self._detail(s, patient_id)
        return PatientSaved(detail, changed)

    # ------------------------------------------------------------------ checking

    def _patient_values(
        self, s: Session, record: PatientRecord, given: dict[str, Any], problems: dict[str, str]
    ) -> dict[str, Any]:
        problems.update(check_changes("patient", None, PATIENT_SPECS, given))
        values = {name: getattr(record, name) for name in PATIENT_SPECS if name != "guarantor_account"}
        values["guarantor_id"] = record.guarantor_id
        for name, value in given.items():
            if name == "guarantor_account":
                values["guarantor_id"] = self._guarantor_id(s, record, value, problems)
            elif name in values:
                values[name] = value
        return values

    def _guarantor_id(
        self, s: Session, record: PatientRecord, account: str | None, problems: dict[str, str]
    ) -> int | None:
        if account is None or account == record.account_number:
            return None
        found = s.scalar(select(PatientRecord).where(PatientRecord.account_number == account))
        if found is None:
            problems[field_path("patient", "guarantor_account")] = f"no patient has account number {account}"
            return record.guarantor_id
        return found.id

    def _check_coverage(self, s: Session, cov: _Coverage, person: dict[str, Any], problems: dict[str, str]) -> None:
        given = cov.given
        found = check_changes("coverage", cov.key, COVERAGE_SPECS, given)
        problems.update(found)
        if cov.record is None:
            cov.values = {"relationship_code": SELF, "group_number": None, "effective_to": None, "copay": None}
        cov.values.update({k: v for k, v in given.items() if field_path("coverage", k, cov.key) not in found})
        values = cov.values

        def problem(name: str, message: str) -> None:
            problems.setdefault(field_path("coverage", name, cov.key), message)

        if cov.record is None:
            for name in ("payer_id", "member_id", "effective_from"):
                if values.get(name) is None:
                    problem(name, "required")
            if values.get("copay") is None:
                values["copay"] = from_cents(0)
        payer_id = values.get("payer_id")
        if "payer_id" in given and isinstance(payer_id, int) and s.get(PayerRecord, payer_id) is None:
            problem("payer_id", f"there is no payer {payer_id}")

        relationship = values.get("relationship_code")
        if relationship == SELF:
            for sub_field, patient_field in MIRRORED.items():
                if sub_field in given and given[sub_field] != person[patient_field]:
                    problem(
                        sub_field,
                        f"the patient is the subscriber (relationship {RELATIONSHIP_LABELS[SELF]}): "
                        f"change the patient's {PATIENT_SPECS[patient_field].label.lower()} instead",
                    )
                values[sub_field] = person[patient_field]
        else:
            if cov.record is None:
                for sub_field in MIRRORED:
                    if values.get(sub_field) is None:
                        problem(sub_field, "required when the patient is not the subscriber")
            elif "relationship_code" in given and all(
                values.get(sub) == person[pat] for sub, pat in MIRRORED.items() if sub != "subscriber_sex"
            ):
                problem(
                    "subscriber_last_name",
                    f"with relationship {RELATIONSHIP_LABELS.get(str(relationship), relationship)} the subscriber is "
                    "someone else: give the subscriber's own name and date of birth",
                )

        start, end = values.get("effective_from"), values.get("effective_to")
        if start is not None and end is not None and end < start:
            problem("effective_to", f"{end:%m/%d/%Y} is before the coverage starts ({start:%m/%d/%Y})")

    def _place(self, covs: list[_Coverage], problems: dict[str, str]) -> None:
        """Give every coverage a priority so that no two share one.

        An existing coverage moved to a taken priority swaps with the one there; a new coverage
        given a priority pushes those at and after it down; a new one without takes the first gap."""
        existing = [c for c in covs if c.record is not None]
        for cov in existing:
            cov.values["priority"] = cov.record.priority if cov.record else None
        movers = [c for c in existing if "priority" in c.given and isinstance(c.given["priority"], int)]
        for cov in movers:
            target, origin = cov.given["priority"], cov.record.priority if cov.record else None
            holder = next((c for c in existing if c is not cov and c.values["priority"] == target), None)
            if holder is not None and holder not in movers:
                holder.values["priority"] = origin
            cov.values["priority"] = target
        placed = list(existing)
        for cov in (c for c in covs if c.record is None):
            target = cov.given.get("priority")
            if isinstance(target, int):
                level, shifting = target, cov
                while shifting is not None:
                    holder = next((c for c in placed if c.values["priority"] == level), None)
                    shifting.values["priority"] = level
                    shifting, level = holder, level + 1
            else:
                taken = {c.values["priority"] for c in placed}
                cov.values["priority"] = next(p for p in range(1, MAX_COVERAGES + 2) if p not in taken)
            placed.append(cov)

        seen: dict[int, _Coverage] = {}
        clash = False
        for cov in sorted(placed, key=lambda c: ("priority" not in c.given, c.key)):
            level = cov.values["priority"]
            path = field_path("coverage", "priority", cov.key)
            if level > MAX_COVERAGES:
                clash = True
                problems.setdefault(path, "a patient has at most three coverages: primary, secondary and tertiary")
            elif level in seen:
                clash = True
                problems.setdefault(path, f"another coverage is already {PRIORITY_LABELS[level].lower()}")
            seen.setdefault(level, cov)
        if (movers or len(placed) > len(existing)) and not clash:
            # Moving a coverage to the end must not leave the patient without a primary.
            for level, cov in enumerate(sorted(placed, key=lambda c: c.values["priority"]), 1):
                cov.values["priority"] = level

    # ------------------------------------------------------------------ writing

    def _write(
        self,
        s: Session,
        record: PatientRecord,
        person: dict[str, Any],
        patient_given: dict[str, Any],
        covs: list[_Coverage],
    ) -> Changes:
        touched_coverages: set[int] = set()
        for name, value in person.items():
            setattr(record, name, value)
        if patient_given:
            self._audit(s, "patient_updated", "patient", record.id, sorted(patient_given))
        for cov in covs:
            columns = {_COVERAGE_COLUMNS.get(k, k): v for k, v in cov.values.items()}
            columns["copay_cents"] = to_cents(columns["copay_cents"])
            if cov.record is None:
                new = CoverageRecord(patient_id=record.id, **columns)
                s.add(new)
                s.flush()
                touched_coverages.add(new.id)
                self._audit(s, "coverage_added", "coverage", new.id, sorted(cov.given))
                continue
            moved = [k for k, v in columns.items() if getattr(cov.record, k) != v]
            for name in moved:
                setattr(cov.record, name, columns[name])
            if moved:
                touched_coverages.add(cov.record.id)
            if cov.given or moved:
                fields = sorted(set(cov.given) | {k for k in cov.values if _COVERAGE_COLUMNS.get(k, k) in moved})
                self._audit(s, "coverage_updated", "coverage", cov.record.id, fields)
        s.flush()
        encounters = _refresh_primary_payers(s, record.id)
        entities: dict[str, frozenset[int]] = {"patient": frozenset({record.id})}
        if touched_coverages:
            entities["coverage"] = frozenset(touched_coverages)
        if encounters:
            entities["encounter"] = frozenset(encounters)
        return Changes(entities)

    def _audit(self, s: Session, action: str, entity: str, entity_id: int, fields: list[str]) -> None:
        # Field names only: the values are patient data and stay out of the log.
        s.add(
            AuditLogRecord(
                username=self.user,
                action=action,
                entity=entity,
                entity_id=str(entity_id),
                detail="fields: " + ", ".join(fields) if fields else None,
            )
        )

    # ------------------------------------------------------------------ building the detail

    def _detail(self, s: Session, patient_id: int) -> PatientDetail:
        p = s.get(PatientRecord, patient_id)
        if p is None:
            raise NotFoundError(f"No patient {patient_id}.")
        guarantor = s.get(PatientRecord, p.guarantor_id) if p.guarantor_id else None
        rows = s.execute(
            select(CoverageRecord, PayerRecord.payer_id, PayerRecord.name)
            .join(PayerRecord, PayerRecord.id == CoverageRecord.payer_id)
            .where(CoverageRecord.patient_id == patient_id)
            .order_by(CoverageRecord.priority, CoverageRecord.id)
        ).all()
        return PatientDetail(
            id=p.id,
            account_number=p.account_number,
            last_name=p.last_name,
            first_name=p.first_name,
            middle_name=p.middle_name,
            date_of_birth=p.date_of_birth,
            sex=p.sex,
            address1=p.address1,
            address2=p.address2,
            city=p.city,
            state=p.state,
            zip=p.zip,
            phone=p.phone,
            guarantor_account=guarantor.account_number if guarantor else None,
            guarantor_name=f"{guarantor.last_name}, {guarantor.first_name}" if guarantor else None,
            statement_hold=p.statement_hold,
            payment_plan=p.payment_plan,
            coverages=tuple(
                CoverageDetail(
                    id=c.id,
                    patient_id=c.patient_id,
                    priority=c.priority,
                    payer_id=c.payer_id,
                    payer_code=code,
                    payer_name=name,
                    member_id=c.member_id,
                    group_number=c.group_number,
                    relationship_code=c.relationship_code,
                    subscriber_last_name=c.subscriber_last_name,
                    subscriber_first_name=c.subscriber_first_name,
                    subscriber_date_of_birth=c.subscriber_date_of_birth,
                    subscriber_sex=c.subscriber_sex,
                    effective_from=c.effective_from,
                    effective_to=c.effective_to,
                    copay=from_cents(c.copay_cents),
                )
                for c, code, name in rows
            ),
        )


def _coverage_values(c: CoverageRecord) -> dict[str, Any]:
    values = {name: getattr(c, _COVERAGE_COLUMNS.get(name, name)) for name in COVERAGE_SPECS}
    values["copay"] = from_cents(c.copay_cents)
    return values


def _check_unique_members(covs: list[_Coverage], problems: dict[str, str]) -> None:
    seen: set[tuple[Any, Any]] = set()
    for cov in covs:
        pair = (cov.values.get("payer_id"), cov.values.get("member_id"))
        if None in pair:
            continue
        if pair in seen:
            problems.setdefault(
                field_path("coverage", "member_id", cov.key),
                "this patient already has a coverage with this payer and member ID",
            )
        seen.add(pair)


def _refresh_primary_payers(s: Session, patient_id: int) -> set[int]:
    """Unbilled encounters show the payer of the primary coverage in force on their date of service."""
    primaries = list(
        s.execute(
            select(CoverageRecord.effective_from, CoverageRecord.effective_to, CoverageRecord.payer_id)
            .where(CoverageRecord.patient_id == patient_id, CoverageRecord.priority == 1)
            .order_by(CoverageRecord.id)
        )
    )
    changed: set[int] = set()
    for enc in s.scalars(
        select(EncounterRecord).where(EncounterRecord.patient_id == patient_id, EncounterRecord.status != "billed")
    ):
        day = enc.date_of_service
        payer = next((p for start, end, p in primaries if start <= day and (end is None or day <= end)), None)
        if enc.primary_payer_id != payer:
            enc.primary_payer_id = payer
            changed.add(enc.id)
    return changed
