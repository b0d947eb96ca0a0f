"""A claim as the outside world receives it: everything the CMS-1500 and the 837P need, in one plain,
immutable snapshot. Services build it from the database; formats (`app/formats/`) only read it, so the
printed form and the electronic file can never disagree about what the claim says.

Money is integer cents. Codes are stored as claims carry them: ICD-10-CM without the dot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str | None
    city: str
    state: str
    zip: str  # 5 or 9 digits


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    middle_name: str | None
    date_of_birth: dt.date | None
    sex: str | None  # 'M', 'F' or 'U'
    address: Address | None = None
    phone: str | None = None

    @property
    def name_last_first(self) -> str:
        middle = f" {self.middle_name[0]}" if self.middle_name else ""
        return f"{self.last_name}, {self.first_name}{middle}"


@dataclass(frozen=True)
class Provider:
    """A provider or organization as an NM1: organizations have only `last_name` (the name)."""

    last_name: str
    first_name: str | None
    npi: str | None
    taxonomy: str | None = None
    tin: str | None = None
    tin_type: str = "EIN"  # 'EIN' or 'SSN'
    address: Address | None = None
    phone: str | None = None
    credential: str | None = None

    @property
    def is_organization(self) -> bool:
        return not self.first_name

    @property
    def display_name(self) -> str:
        if self.is_organization:
            return self.last_name
        suffix = f" {self.credential}" if self.credential else ""
        return f"{self.first_name} {self.last_name}{suffix}"


@dataclass(frozen=True)
class Payer:
    payer_id: str
    name: str
    claim_filing_indicator: str  # 837 SBR09: MB Medicare B, MC Medicaid, CI commercial, BL, HM, ...
    address: Address | None = None


@dataclass(frozen=True)
class Insured:
    """A coverage: who holds the policy and with which payer."""

    payer: Payer
    member_id: str
    group_number: str | None
    relationship_code: str  # 837 PAT01/SBR02: 18 self, 01 spouse, 19 child, ...
    subscriber: Person
    priority: int  # 1 primary, 2 secondary, 3 tertiary

    @property
    def patient_is_subscriber(self) -> bool:
        return self.relationship_code == "18"

    @property
    def sequence_code(self) -> str:
        """837 SBR01: P, S or T."""
        return {1: "P", 2: "S", 3: "T"}.get(self.priority, "P")


@dataclass(frozen=True)
class Adjustment:
    group_code: str  # CO, PR, OA, PI, CR
    carc: str
    amount_cents: int
    quantity: int | None = None


@dataclass(frozen=True)
class LineAdjudication:
    """What an earlier payer did with one line (837 loop 2430 SVD/CAS/DTP*573)."""

    payer_id: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    paid_cents: int
    adjustments: tuple[Adjustment, ...]
    adjudicated_on: dt.date


@dataclass(frozen=True)
class OtherPayer:
    """An earlier (or later) payer on the claim, with its adjudication when it has paid (loops 2320/2330)."""

    insured: Insured
    paid_cents: int | None  # None when it has not adjudicated the claim
    claim_adjustments: tuple[Adjustment, ...] = ()
    adjudicated_on: dt.date | None = None
    payer_claim_number: str | None = None


@dataclass(frozen=True)
class DocumentLine:
    number: int
    date_from: dt.date
    date_to: dt.date
    place_of_service: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge_cents: int
    pointers: tuple[int, ...]  # 1-based into ClaimDocument.diagnoses
    rendering: Provider | None = None  # only when it differs from the claim's rendering provider
    ndc: str | None = None
    ndc_quantity: str | None = None
    ndc_unit: str | None = None  # F2, GR, ME, ML, UN
    adjudications: tuple[LineAdjudication, ...] = ()


@dataclass(frozen=True)
class ClaimDocument:
    claim_id: int
    claim_number: str  # our patient control number (CLM01, item 26)
    frequency_code: str  # 1 original, 7 replacement, 8 void
    original_reference: str | None  # the payer's claim number for 7 and 8 (item 22, REF*F8)
    submission_method: str  # electronic or paper
    billing: Provider
    patient: Person
    account_number: str
    insured: Insured  # the payer this claim is sent to
    other_payers: tuple[OtherPayer, ...]
    diagnoses: tuple[str, ...]
    lines: tuple[DocumentLine, ...]
    place_of_service: str
    rendering: Provider | None
    referring: Provider | None
    facility: Provider | None  # service facility when it is not the billing address (loop 2310C, item 32)
    prior_authorization: str | None
    date_of_service: dt.date
    patient_paid_cents: int = 0  # item 29: what the patient paid toward these services
    accept_assignment: bool = True
    signature_on_file: bool = True

    @property
    def total_charge_cents(self) -> int:
        return sum(line.charge_cents for line in self.lines)

    @property
    def primary_paid_cents(self) -> int:
        return sum(op.paid_cents or 0 for op in self.other_payers if op.insured.priority < self.insured.priority)
