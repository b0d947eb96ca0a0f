"""A patient's demographics and coverages as billers edit them: details, edits, and the fields as data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from app.domain.fields import (
    DATE_HINT,
    KEEP,
    Edit,
    FieldPath,
    FieldSpec,
    Keep,
    Kind,
    digits_only,
    import_rule,
    inner_label,
    labelled,
    literal_values,
    not_in_future,
    parse_field_path,
    specs_by_name,
    upper,
)
from app.domain.import_format import Address, CoverageIn, PatientIn

SELF: Final = "18"

SEX_LABELS: Final = {"M": "Male", "F": "Female", "U": "Unknown"}
SEX_CHOICES: Final = labelled(literal_values(PatientIn, "sex"), SEX_LABELS)

# The 837P patient-to-subscriber relationship codes (loop 2000B SBR02 / 2000C PAT01).
RELATIONSHIP_LABELS: Final = {
    "18": "18 Self",
    "01": "01 Spouse",
    "19": "19 Child",
    "20": "20 Employee",
    "21": "21 Unknown",
    "39": "39 Organ donor",
    "40": "40 Cadaver donor",
    "53": "53 Life partner",
    "G8": "G8 Other relationship",
}
RELATIONSHIP_CHOICES: Final = labelled(literal_values(CoverageIn, "relationship"), RELATIONSHIP_LABELS)

PRIORITY_LABELS: Final = {1: "Primary", 2: "Secondary", 3: "Tertiary"}
PRIORITY_CHOICES: Final = labelled(literal_values(CoverageIn, "priority"), PRIORITY_LABELS)

STATE_RULE: Final = import_rule(Address, "state", "two capital letters, e.g. PA")
ZIP_RULE: Final = import_rule(Address, "zip", "5 digits, or 9 for ZIP+4")
PHONE_RULE: Final = import_rule(PatientIn, "phone", "10 digits with the area code, e.g. 7175550100")


PATIENT_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("last_name", "Last name", max_length=60),
    FieldSpec("first_name", "First name", max_length=35),
    FieldSpec("middle_name", "Middle name", required=False, max_length=25),
    FieldSpec("date_of_birth", "Date of birth", Kind.DATE, placeholder=DATE_HINT, rule=not_in_future),
    FieldSpec("sex", "Sex", Kind.CHOICE, choices=SEX_CHOICES),
    FieldSpec("address1", "Address", max_length=55),
    FieldSpec("address2", "Address line 2", required=False, max_length=55),
    FieldSpec("city", "City", max_length=30),
    FieldSpec("state", "State", max_length=2, rule=STATE_RULE, clean=upper, placeholder="PA"),
    FieldSpec("zip", "ZIP", max_length=9, rule=ZIP_RULE, clean=digits_only, placeholder="5 or 9 digits"),
    FieldSpec(
        "phone", "Phone", required=False, max_length=10, rule=PHONE_RULE, clean=digits_only, placeholder="10 digits"
    ),
    FieldSpec(
        "guarantor_account",
        "Guarantor account",
        required=False,
        max_length=20,
        clean=upper,
        placeholder="blank: the patient is their own guarantor",
    ),
    FieldSpec("statement_hold", "Hold statements", Kind.FLAG),
    FieldSpec("payment_plan", "On a payment plan", Kind.FLAG),
)

# The subscriber fields follow the patient when the relationship is 18 (self).
MIRRORED: Final = {
    "subscriber_last_name": "last_name",
    "subscriber_first_name": "first_name",
    "subscriber_date_of_birth": "date_of_birth",
    "subscriber_sex": "sex",
}

COVERAGE_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("payer_id", "Payer", Kind.CHOICE, dynamic_choices=True),
    FieldSpec("priority", "Priority", Kind.CHOICE, choices=PRIORITY_CHOICES),
    FieldSpec(
        "member_id",
        "Member ID",
        max_length=30,
        clean=lambda t: t.strip().replace(" ", ""),
        rule=import_rule(CoverageIn, "member_id", "2 to 30 letters, digits or dashes, as on the card"),
    ),
    FieldSpec("group_number", "Group number", required=False, max_length=30),
    FieldSpec("relationship_code", "Relationship to subscriber", Kind.CHOICE, choices=RELATIONSHIP_CHOICES),
    FieldSpec("subscriber_last_name", "Subscriber last name", max_length=60),
    FieldSpec("subscriber_first_name", "Subscriber first name", max_length=35),
    FieldSpec(
        "subscriber_date_of_birth", "Subscriber date of birth", Kind.DATE, placeholder=DATE_HINT, rule=not_in_future
    ),
    FieldSpec("subscriber_sex", "Subscriber sex", Kind.CHOICE, choices=SEX_CHOICES),
    FieldSpec("effective_from", "Effective from", Kind.DATE, placeholder=DATE_HINT),
    FieldSpec("effective_to", "Effective to", Kind.DATE, required=False, placeholder="blank: still in force"),
    FieldSpec(
        "copay",
        "Copay",
        Kind.MONEY,
        placeholder="e.g. 25.00",
        rule=import_rule(CoverageIn, "copay", "an amount of zero or more, like 25.00"),
    ),
)

PATIENT_SPECS: Final = specs_by_name(PATIENT_FIELDS)
COVERAGE_SPECS: Final = specs_by_name(COVERAGE_FIELDS)


@dataclass(frozen=True)
class CoverageDetail:
    """One coverage as the editor and the claim read it; `payer_id` is the payer's record id."""

    id: int
    patient_id: int
    priority: int
    payer_id: int
    payer_code: str  # the electronic payer id, e.g. 00431
    payer_name: str
    member_id: str
    group_number: str | None
    relationship_code: str
    subscriber_last_name: str
    subscriber_first_name: str
    subscriber_date_of_birth: dt.date
    subscriber_sex: str
    effective_from: dt.date
    effective_to: dt.date | None
    copay: Decimal

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS.get(self.priority, f"Priority {self.priority}")

    @property
    def patient_is_subscriber(self) -> bool:
        return self.relationship_code == SELF

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class PatientDetail:
    id: int
    account_number: str
    last_name: str
    first_name: str
    middle_name: str | None
    date_of_birth: dt.date
    sex: str
    address1: str
    address2: str | None
    city: str
    state: str
    zip: str
    phone: str | None
    guarantor_account: str | None  # None: the patient is their own guarantor
    guarantor_name: str | None
    statement_hold: bool
    payment_plan: bool
    coverages: tuple[CoverageDetail, ...]

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}" + (f" {self.middle_name}" if self.middle_name else "")

    def coverage(self, priority: int) -> CoverageDetail | None:
        return next((c for c in self.coverages if c.priority == priority), None)


@dataclass(frozen=True)
class PatientEdit(Edit):
    """Fields to change on a patient; a field left as KEEP stays as it is, None clears an optional one."""

    last_name: str | Keep = KEEP
    first_name: str | Keep = KEEP
    middle_name: str | None | Keep = KEEP
    date_of_birth: dt.date | Keep = KEEP
    sex: str | Keep = KEEP
    address1: str | Keep = KEEP
    address2: str | None | Keep = KEEP
    city: str | Keep = KEEP
    state: str | Keep = KEEP
    zip: str | Keep = KEEP
    phone: str | None | Keep = KEEP
    guarantor_account: str | None | Keep = KEEP
    statement_hold: bool | Keep = KEEP
    payment_plan: bool | Keep = KEEP


@dataclass(frozen=True)
class CoverageEdit(Edit):
    """Fields to change on a coverage (or, for `add_coverage`, the new coverage's fields).

    With relationship 18 (self) the subscriber fields are the patient's and need not be given."""

    payer_id: int | Keep = KEEP
    priority: int | Keep = KEEP
    member_id: str | Keep = KEEP
    group_number: str | None | Keep = KEEP
    relationship_code: str | Keep = KEEP
    subscriber_last_name: str | Keep = KEEP
    subscriber_first_name: str | Keep = KEEP
    subscriber_date_of_birth: dt.date | Keep = KEEP
    subscriber_sex: str | Keep = KEEP
    effective_from: dt.date | Keep = KEEP
    effective_to: dt.date | None | Keep = KEEP
    copay: Decimal | Keep = KEEP


NEW_COVERAGE_KEY: Final = "new"


def patient_field_label(path: FieldPath) -> str:
    """'Patient ZIP', 'Secondary coverage member ID', for messages that name the field."""
    if path.entity == "patient":
        spec = PATIENT_SPECS.get(path.field)
        return f"Patient {inner_label(spec.label if spec else path.field)}"
    spec = COVERAGE_SPECS.get(path.field)
    number = path.key_number
    which = PRIORITY_LABELS.get(number, "New") if number is not None else "New"
    return f"{which} coverage: {inner_label(spec.label if spec else path.field)}"


def describe_patient_path(text: str) -> str:
    path = parse_field_path(text)
    return patient_field_label(path) if path else text
