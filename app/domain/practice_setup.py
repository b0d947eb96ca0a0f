"""The practice (billing provider), its providers and its payers as billers edit them: details, edits, fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from app.domain.demographics import PHONE_RULE, STATE_RULE, ZIP_RULE
from app.domain.fields import (
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
    parse_field_path,
    specs_by_name,
    upper,
)
from app.domain.import_format import PayerIn, PracticeIn, ProviderIn

NPI_RULE: Final = import_rule(PracticeIn, "npi", "10 digits ending in a valid check digit (the NPI registry's number)")
TAXONOMY_RULE: Final = import_rule(PracticeIn, "taxonomy", "10 characters ending in X, e.g. 207Q00000X")


def _zip_plus_four(value: object) -> str | None:
    problem = ZIP_RULE(value)
    if problem is None and isinstance(value, str) and len(value) != 9:
        # The 837 wants the billing provider's full ZIP+4 (loop 2010AA N403); the import allows 5.
        return "9 digits: claims need the billing provider's full ZIP+4"
    return problem


TIN_TYPE_CHOICES: Final = (("EIN", "EIN (employer id)"), ("SSN", "SSN"))
ROLE_CHOICES: Final = labelled(literal_values(ProviderIn, "role"), {"rendering": "Rendering", "referring": "Referring"})
SUBMISSION_CHOICES: Final = labelled(
    literal_values(PayerIn, "submission_method"), {"electronic": "Electronic (837)", "paper": "Paper (CMS-1500)"}
)
# X12 claim filing indicator codes (837P SBR09).
CLAIM_FILING_LABELS: Final = {
    "09": "09 Self-pay",
    "10": "10 Central certification",
    "11": "11 Other non-federal program",
    "12": "12 PPO",
    "13": "13 Point of service",
    "14": "14 EPO",
    "15": "15 Indemnity",
    "16": "16 HMO Medicare risk",
    "17": "17 Dental maintenance",
    "AM": "AM Automobile medical",
    "BL": "BL Blue Cross/Blue Shield",
    "CH": "CH TRICARE (CHAMPUS)",
    "CI": "CI Commercial insurance",
    "DS": "DS Disability",
    "FI": "FI Federal employees program",
    "HM": "HM HMO",
    "LM": "LM Liability medical",
    "MA": "MA Medicare Part A",
    "MB": "MB Medicare Part B",
    "MC": "MC Medicaid",
    "OF": "OF Other federal program",
    "TV": "TV Title V",
    "VA": "VA Veterans Affairs plan",
    "WC": "WC Workers' compensation",
    "ZZ": "ZZ Mutually defined",
}
CLAIM_FILING_CHOICES: Final = labelled(literal_values(PayerIn, "claim_filing_indicator"), CLAIM_FILING_LABELS)

PRACTICE_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("name", "Name", max_length=60),
    FieldSpec("npi", "Group NPI", max_length=10, rule=NPI_RULE, clean=digits_only, placeholder="10 digits"),
    FieldSpec(
        "tin",
        "Tax id (TIN)",
        max_length=9,
        rule=import_rule(PracticeIn, "tin", "9 digits, e.g. 99-0000009"),
        clean=digits_only,
        placeholder="9 digits",
    ),
    FieldSpec("tin_type", "Tax id type", Kind.CHOICE, choices=TIN_TYPE_CHOICES),
    FieldSpec("taxonomy", "Taxonomy", max_length=10, rule=TAXONOMY_RULE, clean=upper, placeholder="e.g. 207Q00000X"),
    FieldSpec("address1", "Address", max_length=55),
    FieldSpec("address2", "Address line 2", required=False, max_length=55),
    FieldSpec("city", "City", max_length=30),
    FieldSpec("state", "State", max_length=2, rule=STATE_RULE, clean=upper, placeholder="PA"),
    FieldSpec(
        "zip",
        "ZIP+4",
        max_length=9,
        rule=_zip_plus_four,
        clean=digits_only,
        placeholder="9 digits, e.g. 17013-1234",
    ),
    FieldSpec(
        "phone", "Phone", required=False, max_length=10, rule=PHONE_RULE, clean=digits_only, placeholder="10 digits"
    ),
    FieldSpec(
        "medicare_locality",
        "Medicare locality",
        required=False,
        max_length=12,
        placeholder="MAC and locality, e.g. 12502-99",
    ),
)

PROVIDER_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("last_name", "Last name", max_length=60),
    FieldSpec("first_name", "First name", max_length=35),
    FieldSpec("credential", "Credential", required=False, max_length=10, placeholder="e.g. MD, DO, NP"),
    FieldSpec("npi", "NPI", max_length=10, rule=NPI_RULE, clean=digits_only, placeholder="10 digits"),
    FieldSpec("taxonomy", "Taxonomy", required=False, max_length=10, rule=TAXONOMY_RULE, clean=upper),
    FieldSpec("role", "Role", Kind.CHOICE, choices=ROLE_CHOICES),
    FieldSpec("active", "Active", Kind.FLAG),
)

PAYER_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec(
        "payer_id",
        "Payer ID",
        max_length=20,
        rule=import_rule(PayerIn, "payer_id", "2 to 20 capital letters or digits, as the clearinghouse lists it"),
        clean=upper,
    ),
    FieldSpec("name", "Name", max_length=60),
    FieldSpec("claim_filing_indicator", "Claim filing indicator", Kind.CHOICE, choices=CLAIM_FILING_CHOICES),
    FieldSpec(
        "timely_filing_days",
        "Timely filing (days)",
        Kind.INTEGER,
        rule=import_rule(PayerIn, "timely_filing_days", "a number of days from 1 to 3650"),
        placeholder="e.g. 365",
    ),
    FieldSpec("submission_method", "Submission", Kind.CHOICE, choices=SUBMISSION_CHOICES),
    FieldSpec("address1", "Claims address", required=False, max_length=55),
    FieldSpec("address2", "Address line 2", required=False, max_length=55),
    FieldSpec("city", "City", required=False, max_length=30),
    FieldSpec("state", "State", required=False, max_length=2, rule=STATE_RULE, clean=upper),
    FieldSpec("zip", "ZIP", required=False, max_length=9, rule=ZIP_RULE, clean=digits_only),
)

# A payer's address is optional, but a paper claim needs all of it once any part is given.
PAYER_ADDRESS_PARTS: Final = ("address1", "city", "state", "zip")

PRACTICE_SPECS: Final = specs_by_name(PRACTICE_FIELDS)
PROVIDER_SPECS: Final = specs_by_name(PROVIDER_FIELDS)
PAYER_SPECS: Final = specs_by_name(PAYER_FIELDS)


@dataclass(frozen=True)
class PracticeDetail:
    """The billing provider; `id` is None until the practice has been set up."""

    id: int | None
    name: str
    npi: str
    tin: str
    tin_type: str
    taxonomy: str
    address1: str
    address2: str | None
    city: str
    state: str
    zip: str
    phone: str | None
    medicare_locality: str | None


@dataclass(frozen=True)
class ProviderDetail:
    id: int
    npi: str
    last_name: str
    first_name: str
    credential: str | None
    taxonomy: str | None
    role: str
    active: bool

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}" + (f", {self.credential}" if self.credential else "")


@dataclass(frozen=True)
class PayerDetail:
    """A payer; `id` is its record id, `payer_id` the electronic payer id billers know it by."""

    id: int
    payer_id: str
    name: str
    claim_filing_indicator: str
    timely_filing_days: int
    submission_method: str
    address1: str | None
    address2: str | None
    city: str | None
    state: str | None
    zip: str | None


@dataclass(frozen=True)
class PracticeEdit(Edit):
    name: str | Keep = KEEP
    npi: str | Keep = KEEP
    tin: str | Keep = KEEP
    tin_type: str | Keep = KEEP
    taxonomy: str | Keep = KEEP
    address1: str | Keep = KEEP
    address2: str | None | Keep = KEEP
    city: str | Keep = KEEP
    state: str | Keep = KEEP
    zip: str | Keep = KEEP
    phone: str | None | Keep = KEEP
    medicare_locality: str | None | Keep = KEEP


@dataclass(frozen=True)
class ProviderEdit(Edit):
    npi: str | Keep = KEEP
    last_name: str | Keep = KEEP
    first_name: str | Keep = KEEP
    credential: str | None | Keep = KEEP
    taxonomy: str | None | Keep = KEEP
    role: str | Keep = KEEP
    active: bool | Keep = KEEP


@dataclass(frozen=True)
class PayerEdit(Edit):
    payer_id: str | Keep = KEEP
    name: str | Keep = KEEP
    claim_filing_indicator: str | Keep = KEEP
    timely_filing_days: int | Keep = KEEP
    submission_method: str | Keep = KEEP
    address1: str | None | Keep = KEEP
    address2: str | None | Keep = KEEP
    city: str | None | Keep = KEEP
    state: str | None | Keep = KEEP
    zip: str | None | Keep = KEEP


SETUP_SPECS: Final = {"practice": PRACTICE_SPECS, "provider": PROVIDER_SPECS, "payer": PAYER_SPECS}


def setup_field_label(path: FieldPath, names: Mapping[str, str] | None = None) -> str:
    """'Billing provider ZIP+4', 'Provider Baker, Ben: NPI', 'Payer TST01: timely filing (days)'.

    `names` maps 'provider.7' or 'payer.2' to how the record is known."""
    spec = SETUP_SPECS.get(path.entity, {}).get(path.field)
    label = inner_label(spec.label if spec else path.field)
    if path.entity == "practice":
        return f"Billing provider {label}"
    who = (names or {}).get(f"{path.entity}.{path.key}", path.key or "")
    return f"{path.entity.capitalize()} {who}: {label}"


def describe_setup_path(text: str) -> str:
    path = parse_field_path(text)
    return setup_field_label(path) if path else text
