"""What the Claims panel asks for and shows: status queues, a filter, a sort, rows, and where a finding is fixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import Enum

CLAIM_STATUS_LABELS: dict[str, str] = {
    "draft": "Draft",
    "needs_attention": "Needs attention",
    "ready": "Ready",
    "submitted": "Submitted",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "paid": "Paid",
    "partially_paid": "Partially paid",
    "denied": "Denied",
    "closed": "Closed",
    "void": "Void",
}
METHOD_LABELS: dict[str, str] = {"electronic": "Electronic", "paper": "Paper"}
SEQUENCE_LABELS: dict[int, str] = {1: "Primary", 2: "Secondary", 3: "Tertiary"}
FREQUENCY_LABELS: dict[str, str] = {"1": "Original", "7": "Replacement", "8": "Void"}
UNSENT_STATUSES = frozenset({"draft", "needs_attention", "ready"})


@dataclass(frozen=True)
class ClaimQueue:
    """One entry of the status list: the statuses (and submission method) it shows."""

    key: str
    label: str
    statuses: frozenset[str] = frozenset()
    method: str | None = None
    tip: str = ""
    within: str | None = None  # the entry this one narrows, for an indented status list (one level deep)

    def holds(self, status: str, method: str) -> bool:
        return (not self.statuses or status in self.statuses) and (self.method is None or method == self.method)


def _queue(status: str, tip: str = "", within: str | None = None) -> ClaimQueue:
    return ClaimQueue(status, CLAIM_STATUS_LABELS[status], frozenset({status}), tip=tip, within=within)


# The status list, in the order a biller works: build, scrub, fix, send; then what came back.
CLAIM_QUEUES: tuple[ClaimQueue, ...] = (
    ClaimQueue("all", "All claims"),
    ClaimQueue("unsent", "Not sent yet", UNSENT_STATUSES, tip="Draft, needs attention and ready claims"),
    _queue("draft", "Built or changed since the last scrub", "unsent"),
    _queue("needs_attention", "The scrubber found an error to fix or override", "unsent"),
    _queue("ready", "Scrubbed: nothing blocks sending", "unsent"),
    ClaimQueue(
        "ready_electronic", "Ready (electronic)", frozenset({"ready"}), "electronic", "To send in an 837", "unsent"
    ),
    ClaimQueue("ready_paper", "Ready (paper)", frozenset({"ready"}), "paper", "To print on a CMS-1500", "unsent"),
    _queue("submitted"),
    _queue("accepted"),
    _queue("rejected"),
    _queue("paid"),
    _queue("partially_paid"),
    _queue("denied"),
    _queue("closed"),
    _queue("void"),
)
QUEUES_BY_KEY: dict[str, ClaimQueue] = {q.key: q for q in CLAIM_QUEUES}


def queue_counts(grouped: dict[tuple[str, str], int]) -> dict[str, int]:
    """Counts per status-list entry from counts per (status, submission method)."""
    return {q.key: sum(n for (status, method), n in grouped.items() if q.holds(status, method)) for q in CLAIM_QUEUES}


class ClaimColumn(str, Enum):
    """Columns in display order (what decides whether a claim can go out comes first); the value is the
    sort key the service understands."""

    CLAIM = "claim"
    PATIENT = "patient"
    ACCOUNT = "account"
    DATE_OF_SERVICE = "date_of_service"
    PAYER = "payer"
    STATUS = "status"
    ERRORS = "errors"
    WARNINGS = "warnings"
    CHARGES = "charges"
    METHOD = "method"
    PROVIDER = "provider"


CLAIM_HEADERS: dict[ClaimColumn, str] = {
    ClaimColumn.CLAIM: "Claim",
    ClaimColumn.PATIENT: "Patient",
    ClaimColumn.ACCOUNT: "Account",
    ClaimColumn.DATE_OF_SERVICE: "Date of service",
    ClaimColumn.PROVIDER: "Provider",
    ClaimColumn.PAYER: "Payer",
    ClaimColumn.STATUS: "Status",
    ClaimColumn.METHOD: "Method",
    ClaimColumn.CHARGES: "Charges",
    ClaimColumn.ERRORS: "Errors",
    ClaimColumn.WARNINGS: "Warnings",
}


@dataclass(frozen=True)
class ClaimFilter:
    statuses: frozenset[str] = field(default_factory=frozenset)
    method: str | None = None  # 'electronic' or 'paper'
    payer_id: int | None = None
    provider_id: int | None = None
    date_from: dt.date | None = None  # date of service
    date_to: dt.date | None = None
    search: str = ""  # patient name, account or claim number
    with_errors: bool = False  # only claims with an error nobody has overridden

    def in_queue(self, queue: ClaimQueue) -> ClaimFilter:
        return replace(self, statuses=queue.statuses, method=queue.method)


@dataclass(frozen=True)
class ClaimSort:
    column: ClaimColumn = ClaimColumn.DATE_OF_SERVICE
    descending: bool = True


@dataclass(frozen=True)
class ClaimRow:
    id: int
    claim_number: str
    status: str
    method: str
    payer_name: str
    payer_sequence: int
    frequency_code: str
    patient_id: int
    patient_name: str
    account_number: str
    encounter_id: int
    date_of_service: dt.date
    provider_name: str
    charge_cents: int
    errors: int  # errors nobody has overridden: these block sending
    warnings: int

    @property
    def status_label(self) -> str:
        """'Submitted (paper)' or 'Submitted (electronic)' for a claim on its way: how it went is what a
        biller chases next (a clearinghouse report or the mail)."""
        label = CLAIM_STATUS_LABELS.get(self.status, self.status)
        if self.status == "submitted" and self.method in METHOD_LABELS:
            return f"{label} ({self.method})"
        return label

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)

    @property
    def sequence_label(self) -> str:
        return SEQUENCE_LABELS.get(self.payer_sequence, f"Payer {self.payer_sequence}")

    @property
    def frequency_label(self) -> str:
        return FREQUENCY_LABELS.get(self.frequency_code, self.frequency_code)

    @property
    def unsent(self) -> bool:
        return self.status in UNSENT_STATUSES


# --------------------------------------------------------------------------- findings

FINDING_GROUPS: dict[str, str] = {"error": "Errors", "warning": "Warnings", "overridden": "Overridden"}


def finding_group(severity: str, overridden: bool) -> str:
    """Which heading a finding sits under: an overridden one no longer blocks, whatever its severity."""
    return "overridden" if overridden else severity


@dataclass(frozen=True)
class FixTarget:
    """Where a finding is fixed: the Coding panel, the patient and coverage editor, or the practice setup."""

    editor: str  # 'coding', 'patient' or 'practice'
    field: str  # the path as the scrubber gave it ('coding.line.2.modifiers', 'coverage.1.member_id')
    words: str  # 'Coding: line 2, modifiers'


EDITOR_TITLES: dict[str, str] = {"coding": "Coding", "patient": "Patient and coverage", "practice": "Practice setup"}
_CAPITALS = {"npi": "NPI", "tin": "TIN", "zip": "ZIP", "ndc": "NDC", "pos": "place of service", "id": "id"}
_COVERAGE = {"1": "Primary coverage", "2": "Secondary coverage", "3": "Tertiary coverage"}


def _words(name: str) -> str:
    return " ".join(_CAPITALS.get(part, part) for part in name.split("_"))


def fix_target(path: str | None) -> FixTarget | None:
    """Read a finding's field path; None when it names no place the user can go to."""
    if not path:
        return None
    parts = path.split(".")
    head = parts[0]
    if head == "coding" and len(parts) >= 2:
        if parts[1] == "line" and len(parts) >= 3 and parts[2].isdigit():
            what = f", {_words(parts[3])}" if len(parts) >= 4 else ""
            return FixTarget("coding", path, f"Coding: line {parts[2]}{what}")
        if parts[1] == "diagnosis" and len(parts) >= 3 and parts[2].isdigit():
            n = int(parts[2])
            letter = f" ({chr(ord('A') + n - 1)})" if 1 <= n <= 12 else ""
            return FixTarget("coding", path, f"Coding: diagnosis {n}{letter}")
        return FixTarget("coding", path, f"Coding: {_words(parts[1])}")
    if head == "patient" and len(parts) >= 2:
        return FixTarget("patient", path, f"Patient: {_words(parts[-1])}")
    if head == "coverage" and len(parts) >= 3:
        return FixTarget("patient", path, f"{_COVERAGE.get(parts[1], 'Coverage')}: {_words(parts[-1])}")
    if head in ("practice", "provider", "payer") and len(parts) >= 2:
        return FixTarget("practice", path, f"{head.capitalize()}: {_words(parts[-1])}")
    return None
