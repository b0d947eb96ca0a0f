"""The one documented JSON format for loading practice setup, patients, coverages and encounters.

Amounts are strings or JSON numbers with at most two decimal places ("125.00"), read exactly as
Decimal. Records refer to each other by natural keys (payer ids, NPIs, facility codes, account
numbers), so the same file can be imported twice without duplicating anything.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.domain.money import MoneyError, to_money

FORMAT_NAME = "claimdesk-import"
FORMAT_VERSION = 1

ICD10CM_FORMAT = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
PROCEDURE_FORMAT = re.compile(r"^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$")


def _money(value: Decimal) -> Decimal:
    try:
        amount = to_money(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc
    if amount < 0:
        raise ValueError("must not be negative")
    return amount


def _icd10cm(value: str) -> str:
    code = value.strip().upper()
    if not ICD10CM_FORMAT.match(code):
        raise ValueError(f"{value!r} is not an ICD-10-CM code (letter, two characters, up to 4 more)")
    return code.replace(".", "")


def _procedure(value: str) -> str:
    code = value.strip().upper()
    if not PROCEDURE_FORMAT.match(code):
        raise ValueError(f"{value!r} is not a CPT or HCPCS code (5 characters, e.g. 99213 or J3420)")
    return code


def _npi(value: str) -> str:
    if not is_valid_npi(value):
        raise ValueError(f"{value!r} is not a valid NPI (10 digits with a Luhn check digit)")
    return value


def is_valid_npi(npi: str) -> bool:
    """NPI check digit: Luhn over the prefix 80840 plus the first nine digits."""
    if not re.fullmatch(r"[12][0-9]{9}", npi or ""):
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


Money = Annotated[Decimal, AfterValidator(_money)]
Icd10cmCode = Annotated[str, AfterValidator(_icd10cm)]
ProcedureCode = Annotated[str, AfterValidator(_procedure)]
Npi = Annotated[str, AfterValidator(_npi)]
State = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Zip = Annotated[str, StringConstraints(pattern=r"^[0-9]{5}([0-9]{4})?$")]
Modifier = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2}$")]
PlaceOfService = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
Taxonomy = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{9}X$")]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9]{10}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

EncounterStatus = Literal["new", "in_coding", "on_hold", "coded", "ready_to_bill"]
ENCOUNTER_STATUSES: tuple[str, ...] = ("new", "in_coding", "on_hold", "coded", "ready_to_bill", "billed")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(_Model):
    address1: Text
    address2: str | None = None
    city: Text
    state: State
    zip: Zip


class PracticeIn(_Model):
    """The billing provider."""

    name: Text
    npi: Npi
    tin: Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]
    taxonomy: Taxonomy
    address: Address
    phone: Phone | None = None
    medicare_locality: str | None = Field(None, description="MAC locality, e.g. '05302 00' ")


class ProviderIn(_Model):
    npi: Npi
    first_name: Text
    last_name: Text
    credential: str | None = None
    taxonomy: Taxonomy | None = None
    role: Literal["rendering", "referring"] = "rendering"


class FacilityIn(_Model):
    code: Text = Field(description="The practice's own short code for the location (natural key)")
    name: Text
    npi: Npi | None = None
    address: Address
    default_place_of_service: PlaceOfService


class PayerIn(_Model):
    payer_id: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,20}$")] = Field(
        description="Electronic payer id (natural key)"
    )
    name: Text
    claim_filing_indicator: Literal[
        "09",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "AM",
        "BL",
        "CH",
        "CI",
        "DS",
        "FI",
        "HM",
        "LM",
        "MA",
        "MB",
        "MC",
        "OF",
        "TV",
        "VA",
        "WC",
        "ZZ",
    ]
    address: Address | None = None
    timely_filing_days: int = Field(gt=0, le=3650)
    submission_method: Literal["electronic", "paper"] = "electronic"


class FeeScheduleEntryIn(_Model):
    payer_id: str
    code: ProcedureCode
    modifier: Modifier | Literal[""] = ""
    allowed: Money
    effective_from: dt.date
    effective_to: dt.date | None = None


class ChargeMasterItemIn(_Model):
    code: ProcedureCode
    modifier: Modifier | Literal[""] = ""
    short_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    price: Money


class SubscriberIn(_Model):
    first_name: Text
    last_name: Text
    date_of_birth: dt.date
    sex: Literal["M", "F", "U"]


class CoverageIn(_Model):
    payer_id: str
    priority: Literal[1, 2, 3]
    member_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{2,30}$")]
    group_number: str | None = None
    relationship: Literal["18", "01", "19", "20", "21", "39", "40", "53", "G8"] = Field(
        "18", description="Patient's relationship to the subscriber (X12 code; 18 = self)"
    )
    subscriber: SubscriberIn | None = Field(None, description="Required unless relationship is 18 (self)")
    effective_from: dt.date
    effective_to: dt.date | None = None
    copay: Money = Decimal("0.00")

    @model_validator(mode="after")
    def _subscriber_when_not_self(self) -> CoverageIn:
        if self.relationship != "18" and self.subscriber is None:
            raise ValueError("subscriber is required when the patient is not the subscriber")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class PatientIn(_Model):
    account_number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,20}$")]
    first_name: Text
    last_name: Text
    middle_name: str | None = None
    date_of_birth: dt.date
    sex: Literal["M", "F", "U"]
    address: Address
    phone: Phone | None = None
    guarantor_account: str | None = Field(None, description="Account number of the guarantor, if not self")
    coverages: list[CoverageIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_coverage_per_priority(self) -> PatientIn:
        priorities = [c.priority for c in self.coverages]
        if len(priorities) != len(set(priorities)):
            raise ValueError("two coverages share the same priority")
        return self


class ServiceLineIn(_Model):
    code: ProcedureCode
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: int = Field(1, gt=0, le=9999)
    charge: Money | None = Field(None, description="Defaults to the charge master price x units")
    pointers: list[Annotated[int, Field(ge=1, le=12)]] = Field(default_factory=list, max_length=4)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    place_of_service: PlaceOfService | None = None
    rendering_npi: str | None = None
    ndc: Annotated[str, StringConstraints(pattern=r"^[0-9]{11}$")] | None = None
    ndc_quantity: str | None = None
    ndc_unit: Literal["F2", "GR", "ME", "ML", "UN"] | None = None


class EncounterIn(_Model):
    source_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,40}$")] = Field(
        description="The encounter's id in the source system (natural key)"
    )
    account_number: str
    date_of_service: dt.date
    rendering_npi: str
    referring_npi: str | None = None
    facility_code: str
    place_of_service: PlaceOfService | None = None
    status: EncounterStatus = "new"
    hold_reason: str | None = None
    query_text: str | None = None
    prior_authorization: str | None = None
    note: str = ""
    diagnoses: list[Icd10cmCode] = Field(default_factory=list, max_length=12)
    service_lines: list[ServiceLineIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _coherent(self) -> EncounterIn:
        if len(set(self.diagnoses)) != len(self.diagnoses):
            raise ValueError("a diagnosis code is listed twice")
        for i, line in enumerate(self.service_lines):
            for p in line.pointers:
                if p > len(self.diagnoses):
                    raise ValueError(
                        f"service_lines[{i}] points at diagnosis {p} but only {len(self.diagnoses)} are listed"
                    )
            if line.date_from and line.date_to and line.date_to < line.date_from:
                raise ValueError(f"service_lines[{i}]: date_to is before date_from")
        if self.status == "on_hold" and not (self.hold_reason and self.query_text):
            raise ValueError("an encounter on hold needs hold_reason and query_text")
        if self.status in ("coded", "ready_to_bill"):
            if not self.diagnoses or not self.service_lines:
                raise ValueError(f"status {self.status!r} needs at least one diagnosis and one service line")
            for i, line in enumerate(self.service_lines):
                if not line.pointers:
                    raise ValueError(f"service_lines[{i}] has no diagnosis pointer")
        return self


class ImportFile(_Model):
    """A whole import: every section is optional, so a file may carry only patients, say."""

    format: Literal["claimdesk-import"] = FORMAT_NAME
    version: Literal[1] = FORMAT_VERSION
    practice: PracticeIn | None = None
    providers: list[ProviderIn] = Field(default_factory=list)
    facilities: list[FacilityIn] = Field(default_factory=list)
    payers: list[PayerIn] = Field(default_factory=list)
    fee_schedules: list[FeeScheduleEntryIn] = Field(default_factory=list)
    charge_master: list[ChargeMasterItemIn] = Field(default_factory=list)
    patients: list[PatientIn] = Field(default_factory=list)
    encounters: list[EncounterIn] = Field(default_factory=list)


def json_schema() -> dict:
    schema = ImportFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ClaimDesk import file"
    return schema
