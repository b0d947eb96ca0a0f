"""The Payments panel's short read-only lists as table models, each declared as columns of data: the claims a
search found, the claims posted in the batch, the 835 payments waiting to be matched, and what an 835
import did with each claim."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.domain.era import CLAIM_STATUS
from app.domain.money import format_money, to_cents
from app.services.claims import claim_number
from app.services.era_posting import ClaimOutcome, UnmatchedPayment
from app.services.paper_posting import ClaimForPosting
from ui.models.paged_model import format_date

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Column(Generic[RowT]):
    header: str
    text: Callable[[RowT], str]
    right: bool = False
    tip: Callable[[RowT], str | None] | None = None


@dataclass(frozen=True)
class PostedRow:
    """A claim posted in this batch during this session, and what became of it."""

    claim_payment_id: int
    claim_id: int
    claim_number: str
    patient_name: str
    status: str  # the claim's status after posting: 'paid', 'partially_paid', 'denied'
    paid: Decimal
    words: str  # what the posting did, in words
    undone: str | None = None  # the reason, once undone


class RowsTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows fed with `set_rows()`, shown through `columns`; `data()` only formats what it holds."""

    def __init__(self, columns: Sequence[Column[RowT]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[RowT] = []

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_at(self, row: int) -> RowT | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def replace_row(self, row: int, value: RowT) -> None:
        if 0 <= row < len(self._rows):
            self._rows[row] = value
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tip is not None:
            return column.tip(row)
        return None


def _money(amount: Decimal) -> str:
    return format_money(to_cents(amount))


def _status(status: str) -> str:
    return status.replace("_", " ").capitalize()


CLAIM_HIT_COLUMNS: tuple[Column[ClaimForPosting], ...] = (
    Column("Claim", lambda c: c.claim_number),
    Column("Patient", lambda c: c.patient_name),
    Column("Account", lambda c: c.account_number),
    Column("DOS", lambda c: format_date(c.date_of_service)),
    Column("Charge", lambda c: _money(c.total_charge), right=True),
    Column("Lines", lambda c: str(len(c.lines)), right=True),
    Column(
        "Status",
        lambda c: _status(c.status),
        tip=lambda c: "Already posted once: posting again adds to it" if c.status != "submitted" else None,
    ),
)

POSTED_COLUMNS: tuple[Column[PostedRow], ...] = (
    Column("Claim", lambda r: r.claim_number),
    Column("Patient", lambda r: r.patient_name),
    Column("Status", lambda r: "Undone" if r.undone else _status(r.status)),
    Column("Paid", lambda r: _money(r.paid), right=True),
    Column(
        "What happened",
        lambda r: f"Undone: {r.undone}" if r.undone else r.words,
        tip=lambda r: r.words,
    ),
)

UNMATCHED_COLUMNS: tuple[Column[UnmatchedPayment], ...] = (
    Column("Check", lambda u: u.check_number),
    Column("Payer", lambda u: u.payer_name),
    Column("Control number", lambda u: u.patient_control_number, tip=lambda _u: "CLP01: the claim number we sent"),
    Column("Patient", lambda u: u.patient_name),
    Column("DOS", lambda u: format_date(u.service_date) if u.service_date else ""),
    Column("Charge", lambda u: format_money(u.charge_cents), right=True),
    Column("Paid", lambda u: format_money(u.paid_cents), right=True),
    Column("Reason", lambda u: u.reason, tip=lambda u: u.reason),
)

OUTCOME_WORDS = {"posted": "Posted", "reversed": "Reversed", "unmatched": "Waiting", "unbalanced": "Held"}
OUTCOME_TIPS = {
    "posted": "Posted to the claim",
    "reversed": "The payer took back an earlier payment; the claim waits for the payer again",
    "unmatched": "No claim matched: it waits in the unmatched queue to be matched by hand",
    "unbalanced": "It does not balance: held in the unmatched queue for review",
}

OUTCOME_COLUMNS: tuple[Column[ClaimOutcome], ...] = (
    Column("Segment", lambda o: str(o.segment_number), right=True),
    Column("Claim", lambda o: o.patient_control_number, tip=lambda _o: "CLP01: the claim number as the payer sent it"),
    Column(
        "Posted to",
        lambda o: claim_number(o.claim_id) if o.claim_id is not None else "",
        tip=lambda o: (
            "Matched by patient, date and charge"
            if o.claim_id is not None and claim_number(o.claim_id) != o.patient_control_number
            else None
        ),
    ),
    Column("Payer status", lambda o: CLAIM_STATUS.get(o.status_code, o.status_code)),
    Column("Paid", lambda o: format_money(o.paid_cents), right=True),
    Column("Result", lambda o: OUTCOME_WORDS.get(o.result, o.result), tip=lambda o: OUTCOME_TIPS.get(o.result)),
    Column("Reason", lambda o: o.reason or "", tip=lambda o: o.reason),
)
