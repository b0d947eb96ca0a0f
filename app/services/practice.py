"""The practice's setup: facts for headers and summaries, and the biller's corrections to the practice
(billing provider), its providers and its payers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.fields import FieldProblems, check_changes, field_path, parse_field_path
from app.domain.practice_setup import (
    PAYER_ADDRESS_PARTS,
    PAYER_SPECS,
    PRACTICE_SPECS,
    PROVIDER_SPECS,
    PayerDetail,
    PayerEdit,
    PracticeDetail,
    PracticeEdit,
    ProviderDetail,
    ProviderEdit,
    setup_field_label,
)
from app.errors import NotFoundError
from app.services.changes import Changes
from db.models import (
    AuditLogRecord,
    ChargeMasterItemRecord,
    ClaimRecord,
    EncounterRecord,
    PatientRecord,
    PayerRecord,
    PracticeRecord,
    ProviderRecord,
)
from db.session import Database


@dataclass(frozen=True)
class PracticeSummary:
    practice_name: str | None
    providers: int
    payers: int
    patients: int
    encounters: int
    claims: int


class PracticeService:
    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    def summary(self) -> PracticeSummary:
        with self.db.session() as s:
            name = s.scalar(select(PracticeRecord.name).limit(1))

            def count(model: type) -> int:
                return s.scalar(select(func.count()).select_from(model)) or 0

            return PracticeSummary(
                practice_name=name,
                providers=count(ProviderRecord),
                payers=count(PayerRecord),
                patients=count(PatientRecord),
                encounters=count(EncounterRecord),
                claims=count(ClaimRecord),
            )

    def charge_master_name(self, code: str) -> str | None:
        """The practice's own short name for a code (how CPT codes are described without a licensed file)."""
        with self.db.session() as s:
            return s.scalar(
                select(ChargeMasterItemRecord.short_name)
                .where(ChargeMasterItemRecord.code == code.upper())
                .order_by(ChargeMasterItemRecord.modifier)
                .limit(1)
            )

    def medicare_locality(self) -> str | None:
        with self.db.session() as s:
            return s.scalar(select(PracticeRecord.medicare_locality).limit(1))

    # ------------------------------------------------------------------ setup: reading

    def practice(self) -> PracticeDetail:
        """The billing provider; blank (id None) until the practice is set up."""
        with self.db.session() as s:
            record = s.scalars(select(PracticeRecord).order_by(PracticeRecord.id)).first()
            if record is None:
                return PracticeDetail(
                    id=None,
                    name="",
                    npi="",
                    tin="",
                    tin_type="EIN",
                    taxonomy="",
                    address1="",
                    address2=None,
                    city="",
                    state="",
                    zip="",
                    phone=None,
                    medicare_locality=None,
                )
            return _practice_detail(record)

    def providers(self) -> list[ProviderDetail]:
        """Every provider, active ones first, by name."""
        with self.db.session() as s:
            rows = s.scalars(
                select(ProviderRecord).order_by(
                    ProviderRecord.active.desc(), ProviderRecord.last_name, ProviderRecord.first_name
                )
            )
            return [_provider_detail(r) for r in rows]

    def provider(self, provider_id: int) -> ProviderDetail:
        with self.db.session() as s:
            return _provider_detail(_get(s, ProviderRecord, provider_id, "provider"))

    def payers(self) -> list[PayerDetail]:
        with self.db.session() as s:
            return [_payer_detail(r) for r in s.scalars(select(PayerRecord).order_by(PayerRecord.name))]

    def payer(self, payer_id: int) -> PayerDetail:
        with self.db.session() as s:
            return _payer_detail(_get(s, PayerRecord, payer_id, "payer"))

    def resolve_payer(self, reference: str) -> int:
        """A payer named by its electronic payer id (or, failing that, its record id)."""
        with self.db.session() as s:
            found = s.scalar(select(PayerRecord.id).where(PayerRecord.payer_id == reference.strip().upper()))
            if found is None and reference.strip().isdigit():
                found = s.scalar(select(PayerRecord.id).where(PayerRecord.id == int(reference)))
        if found is None:
            raise NotFoundError(f"No payer with payer id {reference!r}.")
        return found

    def resolve_provider(self, reference: str) -> int:
        """A provider named by NPI (or, failing that, by record id)."""
        with self.db.session() as s:
            found = s.scalar(select(ProviderRecord.id).where(ProviderRecord.npi == reference.strip()))
            if found is None and reference.strip().isdigit() and len(reference.strip()) < 10:
                found = s.scalar(select(ProviderRecord.id).where(ProviderRecord.id == int(reference)))
        if found is None:
            raise NotFoundError(f"No provider with NPI {reference!r}.")
        return found

    # ------------------------------------------------------------------ setup: one action, one transaction

    def update_practice(self, changes: PracticeEdit) -> PracticeDetail:
        """Correct the billing provider (or set it up: then every required field is needed)."""
        self.save_setup(practice=changes)
        return self.practice()

    def update_provider(self, provider_id: int, changes: ProviderEdit) -> ProviderDetail:
        self.save_setup(providers={provider_id: changes})
        return self.provider(provider_id)

    def update_payer(self, payer_id: int, changes: PayerEdit) -> PayerDetail:
        """`payer_id` is the payer's record id; its electronic payer id is one of the fields."""
        self.save_setup(payers={payer_id: changes})
        return self.payer(payer_id)

    def save_setup(
        self,
        practice: PracticeEdit | None = None,
        providers: Mapping[int, ProviderEdit] | None = None,
        payers: Mapping[int, PayerEdit] | None = None,
    ) -> Changes:
        """Everything the practice editor's Save sends, checked together and written together.

        Raises FieldProblems keyed 'practice.<field>', 'provider.<id>.<field>', 'payer.<id>.<field>'."""
        providers, payers = dict(providers or {}), dict(payers or {})
        problems: dict[str, str] = {}
        names: dict[str, str] = {}
        entities: dict[str, frozenset[int]] = {}
        with self.db.transaction() as s:
            if practice is not None and practice.changed():
                record = s.scalars(select(PracticeRecord).order_by(PracticeRecord.id)).first()
                given = practice.changed()
                problems.update(check_changes("practice", None, PRACTICE_SPECS, given))
                if record is None:
                    for name, spec in PRACTICE_SPECS.items():
                        if spec.required and name not in given and name != "tin_type":
                            problems[field_path("practice", name)] = "required to set up the practice"
                    if not problems:
                        record = PracticeRecord(tin_type="EIN", **given)
                        s.add(record)
                        s.flush()
                elif not problems:
                    _apply(record, given)
                if record is not None and not problems:
                    entities["practice"] = frozenset({record.id})
                    self._audit(s, "practice_updated", "practice", record.id, given)

            for provider_id, edit in providers.items():
                given = edit.changed()
                if not given:
                    continue
                prov = _get(s, ProviderRecord, provider_id, "provider")
                names[f"provider.{prov.id}"] = f"{prov.last_name}, {prov.first_name}"
                found = check_changes("provider", prov.id, PROVIDER_SPECS, given)
                npi = given.get("npi")
                if npi and npi != prov.npi and not found:
                    other = s.scalar(
                        select(ProviderRecord).where(ProviderRecord.npi == npi, ProviderRecord.id != prov.id)
                    )
                    if other is not None:
                        found[field_path("provider", "npi", prov.id)] = (
                            f"{other.last_name}, {other.first_name} already has this NPI"
                        )
                problems.update(found)
                if not found:
                    _apply(prov, given)
                    self._audit(s, "provider_updated", "provider", prov.id, given)

            for payer_id, edit in payers.items():
                given = edit.changed()
                if not given:
                    continue
                payer = _get(s, PayerRecord, payer_id, "payer")
                names[f"payer.{payer.id}"] = payer.payer_id
                found = check_changes("payer", payer.id, PAYER_SPECS, given)
                code = given.get("payer_id")
                if code and code != payer.payer_id and not found:
                    other = s.scalar(
                        select(PayerRecord).where(PayerRecord.payer_id == code, PayerRecord.id != payer.id)
                    )
                    if other is not None:
                        found[field_path("payer", "payer_id", payer.id)] = f"{other.name} already has this payer id"
                after = {part: given.get(part, getattr(payer, part)) for part in PAYER_ADDRESS_PARTS}
                if any(after.values()):
                    for part, value in after.items():
                        if not value:
                            found.setdefault(
                                field_path("payer", part, payer.id), "needed with the rest of the claims address"
                            )
                problems.update(found)
                if not found:
                    _apply(payer, given)
                    self._audit(s, "payer_updated", "payer", payer.id, given)

            if problems:
                labels = {p: setup_field_label(path, names) for p in problems if (path := parse_field_path(p))}
                raise FieldProblems(problems, labels)
            if providers:
                entities["provider"] = frozenset(pid for pid, e in providers.items() if e.changed())
            if payers:
                entities["payer"] = frozenset(pid for pid, e in payers.items() if e.changed())
        return Changes({k: v for k, v in entities.items() if v})

    def _audit(self, s: Session, action: str, entity: str, entity_id: int, given: Mapping[str, Any]) -> None:
        s.add(
            AuditLogRecord(
                username=self.user,
                action=action,
                entity=entity,
                entity_id=str(entity_id),
                detail="fields: " + ", ".join(sorted(given)),
            )
        )


def _get(s: Session, model: type[Any], record_id: int, noun: str) -> Any:
    record = s.get(model, record_id)
    if record is None:
        raise NotFoundError(f"No {noun} {record_id}.")
    return record


def _apply(record: Any, given: Mapping[str, Any]) -> None:
    for name, value in given.items():
        setattr(record, name, value)


def _practice_detail(r: PracticeRecord) -> PracticeDetail:
    return PracticeDetail(**{name: getattr(r, name) for name in ("id", *PRACTICE_SPECS)})


def _provider_detail(r: ProviderRecord) -> ProviderDetail:
    return ProviderDetail(**{name: getattr(r, name) for name in ("id", *PROVIDER_SPECS)})


def _payer_detail(r: PayerRecord) -> PayerDetail:
    return PayerDetail(**{name: getattr(r, name) for name in ("id", *PAYER_SPECS)})
