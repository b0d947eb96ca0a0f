"""`claimdesk import`: validate a whole import file, then write it in one transaction, idempotently."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.chunking import chunked as _chunks
from app.domain.import_format import (
    CoverageIn,
    EncounterIn,
    ImportFile,
    PatientIn,
)
from app.domain.money import to_cents
from app.errors import ValidationError
from app.services.jobs import JobContext
from db.bulk import insert_returning_ids, insert_rows
from db.models import (
    ChargeMasterItemRecord,
    CoverageRecord,
    EncounterDiagnosisRecord,
    EncounterRecord,
    FacilityRecord,
    FeeScheduleEntryRecord,
    PatientRecord,
    PayerRecord,
    PracticeRecord,
    ProviderRecord,
    ServiceLineRecord,
)
from db.session import Database

# Encounters past these statuses belong to ClaimDesk's own workflow; an import never rewrites them.
LOCKED_STATUSES = frozenset({"coded", "ready_to_bill", "billed"})
# A large import changes the shape of the data enough to refresh the planner's statistics.
ANALYZE_AFTER_ROWS = 1000


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    locked: int = 0

    def as_dict(self) -> dict[str, int]:
        d = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.locked:
            d["locked"] = self.locked
        return d


@dataclass
class ImportSummary:
    counts: dict[str, EntityCounts] = field(default_factory=dict)

    def entity(self, name: str) -> EntityCounts:
        return self.counts.setdefault(name, EntityCounts())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {name: c.as_dict() for name, c in self.counts.items()}

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


def parse_import(text: str, source: str = "import file") -> ImportFile:
    """Parse and validate; every problem names its JSON path and what was expected."""
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if not isinstance(raw, dict):
        raise ValidationError(f"{source}: expected a JSON object at the top level")
    try:
        return ImportFile.model_validate(raw)
    except pydantic.ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _loc(err["loc"])
            given = err.get("input")
            shown = "" if isinstance(given, (dict, list)) or given is None else f" (got {given!r})"
            problems.append(f"{where}: {err['msg']}{shown}")
        raise ValidationError(f"{source}: {len(problems)} problem(s); nothing was imported", problems) from exc


def _apply(record: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


def _address(a: Any) -> dict[str, Any]:
    return {"address1": a.address1, "address2": a.address2, "city": a.city, "state": a.state, "zip": a.zip}


class ImportService:
    """Loads the documented import format. One file is one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def import_file(self, path: Path, ctx: JobContext | None = None) -> ImportSummary:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{path}: cannot read the file: {exc}") from exc
        return self.import_data(parse_import(text, source=str(path)), ctx)

    def import_data(self, data: ImportFile, ctx: JobContext | None = None) -> ImportSummary:
        ctx = ctx or JobContext()
        with self.db.transaction() as session:
            writer = _Writer(session, data, ctx)
            writer.check_references()
            summary = writer.write()
        if summary.changed >= ANALYZE_AFTER_ROWS:
            self.db.analyze()
        return summary


class _Writer:
    def __init__(self, session: Session, data: ImportFile, ctx: JobContext) -> None:
        self.s = session
        self.data = data
        self.ctx = ctx
        self.summary = ImportSummary()
        self.payers = {p.payer_id: p for p in session.scalars(select(PayerRecord))}
        self.providers = {p.npi: p for p in session.scalars(select(ProviderRecord))}
        self.facilities = {f.code: f for f in session.scalars(select(FacilityRecord))}
        self.charge_master = {(c.code, c.modifier): c for c in session.scalars(select(ChargeMasterItemRecord))}
        self.patient_ids: dict[str, int] = dict(
            session.execute(select(PatientRecord.account_number, PatientRecord.id)).all()
        )

    # ------------------------------------------------------------------ references, before writing

    def check_references(self) -> None:
        d = self.data
        payer_ids = set(self.payers) | {p.payer_id for p in d.payers}
        npis = set(self.providers) | {p.npi for p in d.providers}
        facilities = set(self.facilities) | {f.code for f in d.facilities}
        accounts = set(self.patient_ids) | {p.account_number for p in d.patients}
        priced = set(self.charge_master) | {(c.code, c.modifier) for c in d.charge_master}
        problems: list[str] = []

        def dupes(name: str, keys: list[Any]) -> None:
            seen: set[Any] = set()
            for i, k in enumerate(keys):
                if k in seen:
                    problems.append(f"{name}[{i}]: duplicate key {k!r} in this file")
                seen.add(k)

        dupes("providers", [p.npi for p in d.providers])
        dupes("facilities", [f.code for f in d.facilities])
        dupes("payers", [p.payer_id for p in d.payers])
        dupes("charge_master", [(c.code, c.modifier) for c in d.charge_master])
        dupes("fee_schedules", [(f.payer_id, f.code, f.modifier, f.effective_from) for f in d.fee_schedules])
        dupes("patients", [p.account_number for p in d.patients])
        dupes("encounters", [e.source_id for e in d.encounters])

        for i, f in enumerate(d.fee_schedules):
            if f.payer_id not in payer_ids:
                problems.append(f"fee_schedules[{i}].payer_id: no payer {f.payer_id!r} in the file or database")
        for i, p in enumerate(d.patients):
            if p.guarantor_account and p.guarantor_account not in accounts:
                problems.append(f"patients[{i}].guarantor_account: no patient with account {p.guarantor_account!r}")
            for j, c in enumerate(p.coverages):
                if c.payer_id not in payer_ids:
                    problems.append(f"patients[{i}].coverages[{j}].payer_id: no payer {c.payer_id!r}")
        for i, e in enumerate(d.encounters):
            where = f"encounters[{i}]"
            if e.account_number not in accounts:
                problems.append(f"{where}.account_number: no patient with account {e.account_number!r}")
            if e.rendering_npi not in npis:
                problems.append(f"{where}.rendering_npi: no provider with NPI {e.rendering_npi!r}")
            if e.referring_npi and e.referring_npi not in npis:
                problems.append(f"{where}.referring_npi: no provider with NPI {e.referring_npi!r}")
            if e.facility_code not in facilities:
                problems.append(f"{where}.facility_code: no facility {e.facility_code!r}")
            for j, line in enumerate(e.service_lines):
                if line.rendering_npi and line.rendering_npi not in npis:
                    problems.append(f"{where}.service_lines[{j}].rendering_npi: no provider {line.rendering_npi!r}")
                modifier = line.modifiers[0] if line.modifiers else ""
                if line.charge is None and (line.code, modifier) not in priced and (line.code, "") not in priced:
                    problems.append(
                        f"{where}.service_lines[{j}].charge: no charge given and "
                        f"{line.code} is not in the charge master"
                    )
        if problems:
            raise ValidationError(f"{len(problems)} problem(s) in references; nothing was imported", problems)

    # ------------------------------------------------------------------ writing

    def write(self) -> ImportSummary:
        d = self.data
        total = 6 + len(d.patients) + len(d.encounters)
        self.ctx.report(0, total, "Practice setup")
        if d.practice:
            self._practice()
        for p in d.providers:
            self._upsert(
                "providers",
                self.providers,
                p.npi,
                ProviderRecord,
                {
                    "npi": p.npi,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "credential": p.credential,
                    "taxonomy": p.taxonomy,
                    "role": p.role,
                },
            )
        for f in d.facilities:
            self._upsert(
                "facilities",
                self.facilities,
                f.code,
                FacilityRecord,
                {
                    "code": f.code,
                    "name": f.name,
                    "npi": f.npi,
                    **_address(f.address),
                    "default_place_of_service": f.default_place_of_service,
                },
            )
        for p in d.payers:
            addr = _address(p.address) if p.address else dict.fromkeys(("address1", "address2", "city", "state", "zip"))
            self._upsert(
                "payers",
                self.payers,
                p.payer_id,
                PayerRecord,
                {
                    "payer_id": p.payer_id,
                    "name": p.name,
                    "claim_filing_indicator": p.claim_filing_indicator,
                    **addr,
                    "timely_filing_days": p.timely_filing_days,
                    "submission_method": p.submission_method,
                },
            )
        for c in d.charge_master:
            self._upsert(
                "charge_master",
                self.charge_master,
                (c.code, c.modifier),
                ChargeMasterItemRecord,
                {
                    "code": c.code,
                    "modifier": c.modifier,
                    "short_name": c.short_name,
                    "price_cents": to_cents(c.price),
                    "active": True,
                },
            )
        self.s.flush()
        self._fee_schedules()
        self.ctx.report(6, total, "Patients")
        self._patients(total)
        self._encounters(total)
        self.s.flush()
        return self.summary

    def _upsert(self, entity: str, cache: dict[Any, Any], key: Any, cls: type, values: dict[str, Any]) -> Any:
        counts = self.summary.entity(entity)
        record = cache.get(key)
        if record is None:
            record = cls(**values)
            self.s.add(record)
            cache[key] = record
            counts.created += 1
        elif _apply(record, values):
            counts.updated += 1
        else:
            counts.unchanged += 1
        return record

    def _practice(self) -> None:
        p = self.data.practice
        assert p is not None
        record = self.s.scalars(select(PracticeRecord)).first()
        values = {
            "name": p.name,
            "npi": p.npi,
            "tin": p.tin,
            "taxonomy": p.taxonomy,
            **_address(p.address),
            "phone": p.phone,
            "medicare_locality": p.medicare_locality,
        }
        self._upsert("practice", {} if record is None else {0: record}, 0, PracticeRecord, values)

    def _fee_schedules(self) -> None:
        if not self.data.fee_schedules:
            return
        existing = {
            (r.payer_id, r.code, r.modifier, r.effective_from): r
            for r in self.s.scalars(select(FeeScheduleEntryRecord))
        }
        for f in self.data.fee_schedules:
            payer = self.payers[f.payer_id]
            self._upsert(
                "fee_schedules",
                existing,
                (payer.id, f.code, f.modifier, f.effective_from),
                FeeScheduleEntryRecord,
                {
                    "payer_id": payer.id,
                    "code": f.code,
                    "modifier": f.modifier,
                    "allowed_cents": to_cents(f.allowed),
                    "effective_from": f.effective_from,
                    "effective_to": f.effective_to,
                },
            )

    def _patients(self, total: int) -> None:
        if not self.data.patients:
            return
        accounts = [p.account_number for p in self.data.patients]
        existing: dict[str, PatientRecord] = {}
        for chunk in _chunks(accounts, 500):
            for r in self.s.scalars(select(PatientRecord).where(PatientRecord.account_number.in_(chunk))):
                existing[r.account_number] = r
        records: list[tuple[PatientIn, PatientRecord]] = []
        for i, p in enumerate(self.data.patients):
            rec = self._upsert(
                "patients",
                existing,
                p.account_number,
                PatientRecord,
                {
                    "account_number": p.account_number,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "middle_name": p.middle_name,
                    "date_of_birth": p.date_of_birth,
                    "sex": p.sex,
                    **_address(p.address),
                    "phone": p.phone,
                },
            )
            records.append((p, rec))
            if i % 200 == 0:
                self.ctx.report(6 + i, total, "Patients")
        self.s.flush()
        for account, rec in existing.items():
            self.patient_ids[account] = rec.id
        for p, rec in records:
            guarantor = self.patient_ids[p.guarantor_account] if p.guarantor_account else None
            if rec.guarantor_id != guarantor:
                rec.guarantor_id = guarantor
        self._coverages(records)

    def _coverages(self, records: list[tuple[PatientIn, PatientRecord]]) -> None:
        ids = [rec.id for _, rec in records]
        existing: dict[tuple[int, int, str], CoverageRecord] = {}
        for chunk in _chunks(ids, 500):
            for c in self.s.scalars(select(CoverageRecord).where(CoverageRecord.patient_id.in_(chunk))):
                existing[(c.patient_id, c.payer_id, c.member_id)] = c
        for p, rec in records:
            for c in p.coverages:
                payer = self.payers[c.payer_id]
                self._upsert(
                    "coverages",
                    existing,
                    (rec.id, payer.id, c.member_id),
                    CoverageRecord,
                    _coverage_values(c, p, rec.id, payer.id),
                )

    def _encounters(self, total: int) -> None:
        if not self.data.encounters:
            return
        self.s.flush()
        primary = self._primary_payers()
        ids = [e.source_id for e in self.data.encounters]
        existing: dict[str, EncounterRecord] = {}
        for chunk in _chunks(ids, 500):
            for r in self.s.scalars(
                select(EncounterRecord)
                .where(EncounterRecord.source_id.in_(chunk))
                .options(selectinload(EncounterRecord.diagnoses), selectinload(EncounterRecord.service_lines))
            ):
                existing[r.source_id] = r
        counts = self.summary.entity("encounters")
        new_encounters: list[tuple[dict[str, Any], list[str], list[dict[str, Any]]]] = []
        base = 6 + len(self.data.patients)
        for i, e in enumerate(self.data.encounters):
            if i % 200 == 0:
                self.ctx.report(base + i, total, "Encounters")
            values = self._encounter_values(e, primary)
            diagnoses = list(e.diagnoses)
            lines = [self._line_values(e, line) for line in e.service_lines]
            record = existing.get(e.source_id)
            if record is None:
                # New encounters are written in batches below: the bulk of any first import.
                new_encounters.append((values, diagnoses, lines))
                counts.created += 1
                continue
            same_codes = (
                [d.code for d in record.diagnoses] == diagnoses
                and [{k: getattr(sl, k) for k in v} for sl, v in zip(record.service_lines, lines, strict=False)]
                == lines
                and len(record.service_lines) == len(lines)
            )
            if record.status in LOCKED_STATUSES:
                scalar_same = all(
                    getattr(record, k) == v for k, v in values.items() if k not in ("primary_payer_id", "status")
                )
                if scalar_same and same_codes:
                    counts.unchanged += 1
                else:
                    counts.locked += 1
                continue
            changed = _apply(record, values)
            if not same_codes:
                record.diagnoses.clear()
                record.service_lines.clear()
                self.s.flush()
                record.diagnoses.extend(
                    EncounterDiagnosisRecord(sequence=n, code=c) for n, c in enumerate(diagnoses, 1)
                )
                record.service_lines.extend(ServiceLineRecord(line_number=n, **v) for n, v in enumerate(lines, 1))
                changed = True
            if changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        self._insert_encounters(new_encounters)

    def _insert_encounters(self, new: list[tuple[dict[str, Any], list[str], list[dict[str, Any]]]]) -> None:
        ids = insert_returning_ids(self.s, EncounterRecord, [values for values, _, _ in new])
        diagnoses, lines = [], []
        for encounter_id, (_, codes, service_lines) in zip(ids, new, strict=True):
            diagnoses.extend({"encounter_id": encounter_id, "sequence": n, "code": c} for n, c in enumerate(codes, 1))
            lines.extend({"encounter_id": encounter_id, "line_number": n, **v} for n, v in enumerate(service_lines, 1))
        insert_rows(self.s, EncounterDiagnosisRecord, diagnoses)
        insert_rows(self.s, ServiceLineRecord, lines)

    def _primary_payers(self) -> dict[int, list[tuple[Any, Any, int]]]:
        """patient id -> [(effective_from, effective_to, payer id)] of priority-1 coverages."""
        out: dict[int, list[tuple[Any, Any, int]]] = {}
        wanted = {self.patient_ids[e.account_number] for e in self.data.encounters}
        rows = self.s.execute(
            select(
                CoverageRecord.patient_id,
                CoverageRecord.effective_from,
                CoverageRecord.effective_to,
                CoverageRecord.payer_id,
            ).where(CoverageRecord.priority == 1)
        )
        for pid, start, end, payer in rows:
            if pid in wanted:
                out.setdefault(pid, []).append((start, end, payer))
        return out

    def _encounter_values(self, e: EncounterIn, primary: dict[int, list[tuple[Any, Any, int]]]) -> dict[str, Any]:
        patient_id = self.patient_ids[e.account_number]
        facility = self.facilities[e.facility_code]
        payer_id = None
        for start, end, payer in primary.get(patient_id, []):
            if start <= e.date_of_service and (end is None or e.date_of_service <= end):
                payer_id = payer
                break
        total = 0
        for line in e.service_lines:
            total += to_cents(self._charge(line))
        return {
            "source_id": e.source_id,
            "patient_id": patient_id,
            "date_of_service": e.date_of_service,
            "rendering_provider_id": self.providers[e.rendering_npi].id,
            "referring_provider_id": self.providers[e.referring_npi].id if e.referring_npi else None,
            "facility_id": facility.id,
            "place_of_service": e.place_of_service or facility.default_place_of_service,
            "status": e.status,
            "hold_reason": e.hold_reason,
            "query_text": e.query_text,
            "prior_authorization": e.prior_authorization,
            "note_text": e.note,
            "primary_payer_id": payer_id,
            "total_charge_cents": total,
        }

    def _charge(self, line: Any) -> Decimal:
        if line.charge is not None:
            return line.charge
        modifier = line.modifiers[0] if line.modifiers else ""
        item = self.charge_master.get((line.code, modifier)) or self.charge_master[(line.code, "")]
        return Decimal(item.price_cents) / 100 * line.units

    def _line_values(self, e: EncounterIn, line: Any) -> dict[str, Any]:
        mods = list(line.modifiers) + [None] * (4 - len(line.modifiers))
        ptrs = list(line.pointers) + [None] * (4 - len(line.pointers))
        return {
            "code": line.code,
            "modifier1": mods[0],
            "modifier2": mods[1],
            "modifier3": mods[2],
            "modifier4": mods[3],
            "units": line.units,
            "charge_cents": to_cents(self._charge(line)),
            "pointer1": ptrs[0],
            "pointer2": ptrs[1],
            "pointer3": ptrs[2],
            "pointer4": ptrs[3],
            "date_from": line.date_from or e.date_of_service,
            "date_to": line.date_to or line.date_from or e.date_of_service,
            "place_of_service": line.place_of_service,
            "rendering_provider_id": self.providers[line.rendering_npi].id if line.rendering_npi else None,
            "ndc": line.ndc,
            "ndc_quantity": line.ndc_quantity,
            "ndc_unit": line.ndc_unit,
        }


def _coverage_values(c: CoverageIn, p: PatientIn, patient_id: int, payer_id: int) -> dict[str, Any]:
    sub = c.subscriber
    return {
        "patient_id": patient_id,
        "payer_id": payer_id,
        "priority": c.priority,
        "member_id": c.member_id,
        "group_number": c.group_number,
        "relationship_code": c.relationship,
        "subscriber_last_name": sub.last_name if sub else p.last_name,
        "subscriber_first_name": sub.first_name if sub else p.first_name,
        "subscriber_date_of_birth": sub.date_of_birth if sub else p.date_of_birth,
        "subscriber_sex": sub.sex if sub else p.sex,
        "effective_from": c.effective_from,
        "effective_to": c.effective_to,
        "copay_cents": to_cents(c.copay),
    }
