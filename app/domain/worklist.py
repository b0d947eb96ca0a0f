"""What the Encounters worklist asks for and shows: a filter, a sort, and plain rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

ENCOUNTER_STATUS_LABELS: dict[str, str] = {
    "new": "New",
    "in_coding": "In coding",
    "on_hold": "On hold",
    "coded": "Coded",
    "ready_to_bill": "Ready to bill",
    "billed": "Billed",
}


class WorklistColumn(str, Enum):
    """Columns in display order; the value is the sort key the service understands."""

    PATIENT = "patient"
    ACCOUNT = "account"
    DATE_OF_SERVICE = "date_of_service"
    PROVIDER = "provider"
    PAYER = "payer"
    STATUS = "status"
    CHARGES = "charges"


WORKLIST_HEADERS: dict[WorklistColumn, str] = {
    WorklistColumn.PATIENT: "Patient",
    WorklistColumn.ACCOUNT: "Account",
    WorklistColumn.DATE_OF_SERVICE: "Date of service",
    WorklistColumn.PROVIDER: "Provider",
    WorklistColumn.PAYER: "Primary payer",
    WorklistColumn.STATUS: "Status",
    WorklistColumn.CHARGES: "Charges",
}


@dataclass(frozen=True)
class WorklistFilter:
    statuses: frozenset[str] = field(default_factory=frozenset)
    provider_id: int | None = None
    payer_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""


@dataclass(frozen=True)
class WorklistSort:
    column: WorklistColumn = WorklistColumn.DATE_OF_SERVICE
    descending: bool = True


@dataclass(frozen=True)
class WorklistRow:
    encounter_id: int
    patient_name: str
    account_number: str
    date_of_service: dt.date
    provider_name: str
    payer_name: str
    status: str
    charge_cents: int
    hold_reason: str | None
    query_text: str | None

    @property
    def status_label(self) -> str:
        return ENCOUNTER_STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class Choice:
    """An id and a label for a filter drop-down."""

    id: int
    label: str


def pointer_letters(pointers: tuple[int, ...] | list[int]) -> str:
    """Diagnosis pointers 1-12 as billers write them: letters A-L (CMS-1500 item 24E)."""
    return "".join(chr(ord("A") + p - 1) for p in pointers if 1 <= p <= 12)


@dataclass(frozen=True)
class EncounterDetailLine:
    """One service line as the details pane shows it (no AMA descriptor text)."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    charge_cents: int
    pointers: str


@dataclass(frozen=True)
class EncounterDetail:
    """Everything a coder reads about one encounter before coding it; read-only."""

    encounter_id: int
    patient_name: str
    account_number: str
    date_of_birth: dt.date
    sex: str
    date_of_service: dt.date
    provider_name: str
    facility_name: str
    place_of_service: str
    payer_name: str
    status: str
    hold_reason: str | None
    query_text: str | None
    prior_authorization: str | None
    note_text: str
    diagnoses: tuple[str, ...]
    lines: tuple[EncounterDetailLine, ...]

    @property
    def status_label(self) -> str:
        return ENCOUNTER_STATUS_LABELS.get(self.status, self.status)

    @property
    def total_charge_cents(self) -> int:
        return sum(line.charge_cents for line in self.lines)
