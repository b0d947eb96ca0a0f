"""The coder's actions on one encounter: open it, code it, save, mark coded or ready, hold with a query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain.codes import icd10cm_display, icd10cm_key
from app.domain.coding import HOLD_REASONS, CodedDiagnosis, CodedLine, Coding
from app.domain.money import from_cents, to_cents
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.claims import ClaimService
from app.services.codesets import CodeSetService, system_of
from db.models import (
    AuditLogRecord,
    ChargeMasterItemRecord,
    ClaimStatusEventRecord,
    CoverageRecord,
    EligibilityCheckRecord,
    EncounterDiagnosisRecord,
    EncounterRecord,
    FacilityRecord,
    PatientRecord,
    PayerRecord,
    ProviderRecord,
    ServiceLineRecord,
)
from db.session import Database

EDITABLE = ("new", "in_coding", "on_hold", "coded", "ready_to_bill")
# An eligibility check counts for a visit when it was made up to this many days before it.
ELIGIBILITY_WINDOW_DAYS = 30


class HeaderCodeError(ValidationError):
    """A non-billable (header) code was chosen; `children` are the billable codes to pick from."""

    def __init__(self, code: str, children: list[tuple[str, str, bool]]) -> None:
        super().__init__(f"{code} is a header, not a billable code: pick a more specific code.")
        self.code = code
        self.children = children


@dataclass(frozen=True)
class CoverageInfo:
    coverage_id: int
    priority: int
    payer_name: str
    member_id: str
    eligibility: str  # 'active on 03/01/2026 (by jane)', 'not verified', ...


@dataclass(frozen=True)
class EncounterWorkspace:
    """Everything the coding panel shows for one encounter."""

    encounter_id: int
    source_id: str
    status: str
    hold_reason: str | None
    query_text: str | None
    date_of_service: dt.date
    place_of_service: str
    patient_name: str
    account_number: str
    date_of_birth: dt.date
    sex: str
    age: int
    provider_name: str
    rendering_provider_id: int
    facility_name: str
    prior_authorization: str | None
    note_text: str
    coverages: tuple[CoverageInfo, ...]
    coding: Coding
    code_set_warning: str | None
    eligibility_warning: str | None
    # The claim number when the encounter is billed but its claim has not left the office: the coder may
    # still fix the codes, and the claim follows (it goes back to draft for a re-scrub).
    open_claim: str | None = None
    referring_provider_id: int | None = None
    referring_name: str | None = None

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE or self.open_claim is not None


def _provider_name(p: ProviderRecord | None) -> str:
    if p is None:
        return ""
    return f"{p.first_name} {p.last_name}" + (f", {p.credential}" if p.credential else "")


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class CodingService:
    def __init__(self, db: Database, codesets: CodeSetService, user: str) -> None:
        self.db = db
        self.codesets = codesets
        self.user = user
        self.claims = ClaimService(db, user)

    # ------------------------------------------------------------------ reading

    def open(self, encounter_id: int) -> EncounterWorkspace:
        with self.db.session() as s:
            enc = self._encounter(s, encounter_id)
            patient = s.get(PatientRecord, enc.patient_id)
            provider = s.get(ProviderRecord, enc.rendering_provider_id)
            facility = s.get(FacilityRecord, enc.facility_id)
            assert patient and provider and facility
            coverages = self._coverages(s, enc)
            coding = Coding(
                tuple(
                    CodedDiagnosis(icd10cm_display(d.code), self._icd_description(d.code, enc.date_of_service))
                    for d in enc.diagnoses
                ),
                tuple(self._line_from_record(s, sl) for sl in enc.service_lines),
            )
            unverified = [c for c in coverages if c.eligibility == "not verified"]
            warning = None
            if unverified:
                first = unverified[0]
                warning = (
                    f"{'Primary' if first.priority == 1 else 'Secondary'} coverage ({first.payer_name}) was "
                    f"not verified for {enc.date_of_service:%m/%d/%Y}."
                )
            return EncounterWorkspace(
                encounter_id=enc.id,
                source_id=enc.source_id,
                status=enc.status,
                hold_reason=enc.hold_reason,
                query_text=enc.query_text,
                date_of_service=enc.date_of_service,
                place_of_service=enc.place_of_service,
                patient_name=f"{patient.last_name}, {patient.first_name}",
                account_number=patient.account_number,
                date_of_birth=patient.date_of_birth,
                sex=patient.sex,
                age=_age(patient.date_of_birth, enc.date_of_service),
                provider_name=_provider_name(provider),
                rendering_provider_id=provider.id,
                facility_name=facility.name,
                prior_authorization=enc.prior_authorization,
                note_text=enc.note_text,
                coverages=tuple(coverages),
                coding=coding,
                code_set_warning=self.codesets.coverage_warning("icd10cm", enc.date_of_service),
                eligibility_warning=warning,
                open_claim=self._open_claim(s, enc),
                referring_provider_id=enc.referring_provider_id,
                referring_name=_provider_name(s.get(ProviderRecord, enc.referring_provider_id))
                if enc.referring_provider_id
                else None,
            )

    def referring_choices(self) -> list[tuple[int, str, str]]:
        """(id, name, NPI) of every active provider who may refer, referring ones first."""
        with self.db.session() as s:
            rows = s.scalars(
                select(ProviderRecord)
                .where(ProviderRecord.active.is_(True))
                .order_by(ProviderRecord.role.desc(), ProviderRecord.last_name, ProviderRecord.first_name)
            ).all()
            return [(p.id, _provider_name(p), p.npi) for p in rows]

    def set_claim_details(
        self, encounter_id: int, prior_authorization: str | None, referring_provider_id: int | None
    ) -> EncounterWorkspace:
        """The prior authorization number and the referring provider the claim carries (837 REF*G1 and
        loop 2310A, CMS-1500 items 23 and 17). An unsent claim goes back to draft for a re-scrub."""
        auth = (prior_authorization or "").strip().upper() or None
        if auth is not None and (len(auth) > 50 or not all(c.isalnum() or c in " -/" for c in auth)):
            raise ValidationError("The prior authorization number is up to 50 letters and digits.")
        with self.db.transaction() as s:
            enc = self._encounter(s, encounter_id)
            open_claims: list = []
            if enc.status not in EDITABLE:
                if self._open_claim(s, enc) is None:
                    raise ClaimDeskError(
                        "This encounter's claim was sent; a change now goes through a corrected claim."
                    )
                open_claims = self.claims.open_claims_in(s, enc.id)
            if referring_provider_id is not None:
                provider = s.get(ProviderRecord, referring_provider_id)
                if provider is None or not provider.active:
                    raise ValidationError("Choose an active provider as the referring provider.")
                if referring_provider_id == enc.rendering_provider_id:
                    raise ValidationError("The referring provider is someone other than the rendering provider.")
            enc.prior_authorization = auth
            enc.referring_provider_id = referring_provider_id
            stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            for claim in open_claims:
                if claim.status != "draft":
                    claim.status = "draft"
                    claim.history.append(
                        ClaimStatusEventRecord(
                            status="draft", by_user=self.user, at=stamp, note="claim details changed"
                        )
                    )
            s.add(AuditLogRecord(username=self.user, action="claim_details", entity="encounter", entity_id=str(enc.id)))
        return self.open(encounter_id)

    def _open_claim(self, s: Session, enc: EncounterRecord) -> str | None:
        if enc.status != "billed" or self.claims.has_sent_claims_in(s, enc.id):
            return None
        open_claims = self.claims.open_claims_in(s, enc.id)
        return open_claims[0].claim_number if open_claims else None

    def _encounter(self, s: Session, encounter_id: int) -> EncounterRecord:
        enc = s.scalar(
            select(EncounterRecord)
            .where(EncounterRecord.id == encounter_id)
            .options(selectinload(EncounterRecord.diagnoses), selectinload(EncounterRecord.service_lines))
        )
        if enc is None:
            raise NotFoundError(f"No encounter {encounter_id}.")
        return enc

    def _coverages(self, s: Session, enc: EncounterRecord) -> list[CoverageInfo]:
        out = []
        rows = s.execute(
            select(CoverageRecord, PayerRecord.name)
            .join(PayerRecord, PayerRecord.id == CoverageRecord.payer_id)
            .where(CoverageRecord.patient_id == enc.patient_id)
            .order_by(CoverageRecord.priority)
        ).all()
        day = enc.date_of_service
        for coverage, payer_name in rows:
            if coverage.effective_from > day or (coverage.effective_to and coverage.effective_to < day):
                continue
            check = s.scalar(
                select(EligibilityCheckRecord)
                .where(
                    EligibilityCheckRecord.coverage_id == coverage.id,
                    EligibilityCheckRecord.checked_on <= day,
                    EligibilityCheckRecord.checked_on >= day - dt.timedelta(days=ELIGIBILITY_WINDOW_DAYS),
                )
                .order_by(EligibilityCheckRecord.checked_on.desc(), EligibilityCheckRecord.id.desc())
                .limit(1)
            )
            if check is None:
                status = "not verified"
            else:
                status = f"{check.result} on {check.checked_on:%m/%d/%Y} (by {check.checked_by})"
            out.append(CoverageInfo(coverage.id, coverage.priority, payer_name, coverage.member_id, status))
        return out

    def _icd_description(self, code: str, on: dt.date) -> str:
        detail = self.codesets.detail(icd10cm_display(code), "icd10cm", on=on) or self.codesets.detail(
            icd10cm_display(code), "icd10cm"
        )
        return detail.description if detail else "not in the loaded ICD-10-CM release"

    def describe_procedure(self, code: str) -> str:
        """A licensed CPT description, the HCPCS short description, or the practice's own name."""
        detail = self.codesets.detail(code)
        return detail.short_description or detail.description if detail else ""

    def _line_from_record(self, s: Session, sl: ServiceLineRecord) -> CodedLine:
        return CodedLine(
            code=sl.code,
            charge=from_cents(sl.charge_cents),
            units=sl.units,
            modifiers=tuple(m for m in (sl.modifier1, sl.modifier2, sl.modifier3, sl.modifier4) if m),
            pointers=tuple(p for p in (sl.pointer1, sl.pointer2, sl.pointer3, sl.pointer4) if p),
            date_from=sl.date_from,
            date_to=sl.date_to,
            place_of_service=sl.place_of_service,
            rendering_provider_id=sl.rendering_provider_id,
            ndc=sl.ndc,
            ndc_quantity=sl.ndc_quantity,
            ndc_unit=sl.ndc_unit,
            description=self.describe_procedure(sl.code),
        )

    # ------------------------------------------------------------------ building blocks for the panel

    def diagnosis(self, code: str, on: dt.date) -> CodedDiagnosis:
        """A diagnosis ready to add, or `HeaderCodeError` naming the billable children to pick from."""
        display = icd10cm_display(code)
        if system_of(display) != "icd10cm":
            raise ValidationError(f"{code!r} is not an ICD-10-CM code.")
        detail = self.codesets.detail(display, "icd10cm", on=on)
        if detail is None:
            valid, reason = self.codesets.is_valid(display, on)
            raise ValidationError(reason)
        if not detail.billable:
            raise HeaderCodeError(display, self.codesets.children(display))
        return CodedDiagnosis(icd10cm_display(icd10cm_key(detail.code)), detail.description)

    def service_line(
        self, code: str, on: dt.date, units: int = 1, modifiers: tuple[str, ...] = (), pointers: tuple[int, ...] = ()
    ) -> CodedLine:
        """A new line with the charge from the charge master (price x units)."""
        code = code.strip().upper()
        system = system_of(code)
        if system not in ("cpt", "hcpcs"):
            raise ValidationError(f"{code!r} is not a CPT or HCPCS code (five characters, e.g. 99213 or J3420).")
        if system == "hcpcs":
            valid, reason = self.codesets.is_valid(code, on)
            if not valid:
                raise ValidationError(reason)
        with self.db.session() as s:
            items = {
                m: p
                for m, p in s.execute(
                    select(ChargeMasterItemRecord.modifier, ChargeMasterItemRecord.price_cents).where(
                        ChargeMasterItemRecord.code == code, ChargeMasterItemRecord.active.is_(True)
                    )
                )
            }
        modifier = modifiers[0] if modifiers else ""
        price = items.get(modifier, items.get(""))
        charge = from_cents(price) * units if price is not None else Decimal("0.00")
        return CodedLine(
            code=code,
            charge=charge,
            units=units,
            modifiers=tuple(modifiers),
            pointers=pointers,
            date_from=on,
            date_to=on,
            description=self.describe_procedure(code),
        )

    # ------------------------------------------------------------------ writing: one action, one transaction

    def save(self, encounter_id: int, coding: Coding) -> EncounterWorkspace:
        """Save work in progress; a new encounter becomes 'in coding'."""
        self._write(encounter_id, coding, next_status=None, complete=False, action="coding_saved")
        return self.open(encounter_id)

    def mark_coded(self, encounter_id: int, coding: Coding) -> EncounterWorkspace:
        self._write(encounter_id, coding, next_status="coded", complete=True, action="marked_coded")
        return self.open(encounter_id)

    def mark_ready(self, encounter_id: int, coding: Coding) -> EncounterWorkspace:
        self._write(encounter_id, coding, next_status="ready_to_bill", complete=True, action="marked_ready")
        return self.open(encounter_id)

    def hold(self, encounter_id: int, reason: str, query_text: str, coding: Coding | None = None) -> EncounterWorkspace:
        """Put the encounter on hold with a provider query (and keep any coding done so far)."""
        if reason not in HOLD_REASONS:
            raise ValidationError(f"Choose a hold reason from the list ({', '.join(HOLD_REASONS)}).")
        if not query_text.strip():
            raise ValidationError("Write the query for the provider.")
        self._write(
            encounter_id,
            coding,
            next_status="on_hold",
            complete=False,
            action="put_on_hold",
            hold=(reason, query_text.strip()),
        )
        return self.open(encounter_id)

    def release_hold(self, encounter_id: int) -> EncounterWorkspace:
        """The provider answered: back to coding (the query stays in the audit trail)."""
        with self.db.transaction() as s:
            enc = self._encounter(s, encounter_id)
            if enc.status != "on_hold":
                raise ClaimDeskError("This encounter is not on hold.")
            enc.status = "in_coding"
            enc.hold_reason = None
            enc.query_text = None
            s.add(AuditLogRecord(username=self.user, action="hold_released", entity="encounter", entity_id=str(enc.id)))
        return self.open(encounter_id)

    def record_eligibility(
        self,
        encounter_id: int,
        coverage_id: int,
        result: str,
        *,
        checked_on: dt.date,
        copay: Decimal | None = None,
        deductible_remaining: Decimal | None = None,
        notes: str | None = None,
    ) -> EncounterWorkspace:
        if result not in ("active", "inactive", "unknown"):
            raise ValidationError("The eligibility result is active, inactive or unknown.")
        with self.db.transaction() as s:
            enc = self._encounter(s, encounter_id)
            coverage = s.get(CoverageRecord, coverage_id)
            if coverage is None or coverage.patient_id != enc.patient_id:
                raise ValidationError("That coverage does not belong to this patient.")
            s.add(
                EligibilityCheckRecord(
                    coverage_id=coverage_id,
                    encounter_id=encounter_id,
                    checked_on=checked_on,
                    checked_by=self.user,
                    result=result,
                    copay_cents=to_cents(copay) if copay is not None else None,
                    deductible_remaining_cents=to_cents(deductible_remaining)
                    if deductible_remaining is not None
                    else None,
                    notes=notes,
                )
            )
            s.add(
                AuditLogRecord(
                    username=self.user, action="eligibility_recorded", entity="encounter", entity_id=str(encounter_id)
                )
            )
        return self.open(encounter_id)

    def _write(
        self,
        encounter_id: int,
        coding: Coding | None,
        *,
        next_status: str | None,
        complete: bool,
        action: str,
        hold: tuple[str, str] | None = None,
    ) -> None:
        with self.db.transaction() as s:
            enc = self._encounter(s, encounter_id)
            if enc.status not in EDITABLE:
                if self._open_claim(s, enc) is None:
                    raise ClaimDeskError(
                        "This encounter is already billed; a change now goes through a corrected claim."
                    )
                self._recode_unsent(s, enc, coding, hold is not None, action)
                return
            if coding is not None:
                problems = coding.problems(require_complete=complete)
                if complete:
                    problems += self._code_problems(coding, enc.date_of_service)
                if problems:
                    raise ValidationError("The coding is not ready:", problems)
                self._replace_codes(s, enc, coding)
            elif complete:
                raise ValidationError("There is no coding to mark.")
            if next_status is not None:
                enc.status = next_status
            elif enc.status == "new":
                enc.status = "in_coding"
            if hold is not None:
                enc.hold_reason, enc.query_text = hold
            elif next_status in ("coded", "ready_to_bill"):
                enc.hold_reason = None
                enc.query_text = None
            if next_status in ("coded", "ready_to_bill"):
                enc.coded_by = self.user
                enc.coded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            s.add(AuditLogRecord(username=self.user, action=action, entity="encounter", entity_id=str(enc.id)))

    def _recode_unsent(self, s: Session, enc: EncounterRecord, coding: Coding | None, hold: bool, action: str) -> None:
        """Fix the codes of a billed encounter whose claim has not been sent: the claim takes the new lines."""
        if hold or coding is None:
            raise ClaimDeskError(
                "This encounter is already on a claim; fix the codes here (the claim follows) instead of holding it."
            )
        problems = coding.problems(require_complete=True) + self._code_problems(coding, enc.date_of_service)
        if problems:
            raise ValidationError("A billed encounter's coding must stay complete:", problems)
        claims = self.claims.detach_lines_in(s, enc.id)
        self._replace_codes(s, enc, coding)
        self.claims.refill_lines_in(s, enc, claims, "coding changed before submission")
        s.add(AuditLogRecord(username=self.user, action=action, entity="encounter", entity_id=str(enc.id)))

    def _code_problems(self, coding: Coding, on: dt.date) -> list[str]:
        problems = []
        for n, d in enumerate(coding.diagnoses, 1):
            valid, reason = self.codesets.is_valid(d.code, on)
            if not valid:
                problems.append(f"Diagnosis {n}: {reason}.")
        for n, line in enumerate(coding.lines, 1):
            if system_of(line.code) == "hcpcs":
                valid, reason = self.codesets.is_valid(line.code, on)
                if not valid:
                    problems.append(f"Line {n}: {reason}.")
            elif system_of(line.code) != "cpt":
                problems.append(f"Line {n}: {line.code!r} is not a CPT or HCPCS code.")
        return problems

    def _replace_codes(self, s: Session, enc: EncounterRecord, coding: Coding) -> None:
        enc.diagnoses.clear()
        enc.service_lines.clear()
        s.flush()
        for n, d in enumerate(coding.diagnoses, 1):
            enc.diagnoses.append(EncounterDiagnosisRecord(sequence=n, code=icd10cm_key(d.code)))
        for n, line in enumerate(coding.lines, 1):
            mods = list(line.modifiers) + [None] * (4 - len(line.modifiers))
            ptrs = list(line.pointers) + [None] * (4 - len(line.pointers))
            enc.service_lines.append(
                ServiceLineRecord(
                    line_number=n,
                    code=line.code,
                    modifier1=mods[0],
                    modifier2=mods[1],
                    modifier3=mods[2],
                    modifier4=mods[3],
                    units=line.units,
                    charge_cents=to_cents(line.charge),
                    pointer1=ptrs[0],
                    pointer2=ptrs[1],
                    pointer3=ptrs[2],
                    pointer4=ptrs[3],
                    date_from=line.date_from or enc.date_of_service,
                    date_to=line.date_to or line.date_from or enc.date_of_service,
                    place_of_service=line.place_of_service,
                    rendering_provider_id=line.rendering_provider_id,
                    ndc=line.ndc,
                    ndc_quantity=line.ndc_quantity,
                    ndc_unit=line.ndc_unit,
                )
            )
        enc.total_charge_cents = to_cents(coding.total_charge)
