"""The A/R panel's tables as item models: the aging grid (with its totals and percentage rows pinned under the
sorted rows), the claims behind one aging cell, and the follow-up work queue. Each is fed with `set_rows()` /
`set_report()`; `data()` only formats what it holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.domain.aging import BUCKET_LABELS, AgingClaim, AgingReport, AgingRow, QueueItem, percent
from app.domain.money import format_money
from ui.models.paged_model import format_date

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
# The cell an aging index stands for: (row key, bucket label); bucket "" for the name and total columns.
CELL_ROLE = Qt.ItemDataRole.UserRole + 1

GROUP_HEADERS = {"payer": "Payer", "patient": "Patient", "provider": "Provider"}
PARTY_WORDS = {"ins1": "Primary insurance", "ins2": "Secondary insurance", "ins3": "Tertiary insurance"}


def bucket_title(label: str) -> str:
    return "Over 120" if label == "120+" else f"{label.replace('-', '–')} days"


# --------------------------------------------------------------------------- aging grid


class AgingTableModel(QAbstractTableModel):
    """One row per payer, patient or provider, then a Total row and a "% of A/R" row that stay at the bottom
    whichever column the rows are sorted by. Columns: name, the five buckets, total, share of all A/R."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: AgingReport | None = None
        self._rows: list[AgingRow] = []
        self._sort: tuple[int, bool] = (0, False)

    # columns: 0 name, 1..5 buckets, 6 total, 7 share
    @property
    def total_column(self) -> int:
        return 1 + len(BUCKET_LABELS)

    @property
    def share_column(self) -> int:
        return self.total_column + 1

    def set_report(self, report: AgingReport | None) -> None:
        self.beginResetModel()
        self.report = report
        self._rows = list(report.rows) if report else []
        self._apply_sort()
        self.endResetModel()

    def set_rows(self, rows: Sequence[AgingRow]) -> None:
        """The rows alone (the totals follow them); `set_report` is the usual way in."""
        self.beginResetModel()
        self._rows = list(rows)
        self._apply_sort()
        self.endResetModel()

    def rows(self) -> list[AgingRow]:
        return list(self._rows)

    def is_total_row(self, row: int) -> bool:
        return row == len(self._rows)

    def is_percent_row(self, row: int) -> bool:
        return row == len(self._rows) + 1

    def _totals(self) -> dict[str, int]:
        out = dict.fromkeys(BUCKET_LABELS, 0)
        for r in self._rows:
            for label, cents in r.buckets.items():
                out[label] += cents
        return out

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid() or not self._rows:
            return 0
        return len(self._rows) + 2

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.share_column + 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return GROUP_HEADERS[self.report.by] if self.report else "Name"
            if section == self.total_column:
                return "Total"
            if section == self.share_column:
                return "% of A/R"
            return bucket_title(BUCKET_LABELS[section - 1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if section == 0 else _RIGHT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column == 0 else _RIGHT
        if role == Qt.ItemDataRole.FontRole and row >= len(self._rows):
            font = QFont()
            font.setBold(True)
            return font
        if role == CELL_ROLE:
            key = self._rows[row].key if row < len(self._rows) else None
            bucket = BUCKET_LABELS[column - 1] if 1 <= column <= len(BUCKET_LABELS) else ""
            return (key, bucket)
        if role == Qt.ItemDataRole.ToolTipRole and row < len(self._rows) and 1 <= column <= len(BUCKET_LABELS):
            return "Double-click or press Enter to list the claims in this cell"
        return None

    def _text(self, row: int, column: int) -> str:
        grand = sum(self._totals().values())
        if row < len(self._rows):
            r = self._rows[row]
            if column == 0:
                return r.name
            if column == self.total_column:
                return format_money(r.total)
            if column == self.share_column:
                return f"{percent(r.total, grand)}%"
            return format_money(r.buckets[BUCKET_LABELS[column - 1]])
        totals = self._totals()
        if self.is_total_row(row):
            if column == 0:
                return "Total"
            if column == self.total_column:
                return format_money(grand)
            if column == self.share_column:
                return "100.00%" if grand else "0.00%"
            return format_money(totals[BUCKET_LABELS[column - 1]])
        # the percentage row: each bucket's share of all A/R
        if column == 0:
            return "% of A/R"
        if column == self.share_column:
            return ""
        if column == self.total_column:
            return "100.00%" if grand else "0.00%"
        return f"{percent(totals[BUCKET_LABELS[column - 1]], grand)}%"

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, descending = self._sort
        key: Callable[[AgingRow], Any]
        if column == 0:
            key = lambda r: r.name.lower()  # noqa: E731
        elif column in (self.total_column, self.share_column):
            key = lambda r: r.total  # noqa: E731
        elif 1 <= column <= len(BUCKET_LABELS):
            label = BUCKET_LABELS[column - 1]
            key = lambda r: r.buckets[label]  # noqa: E731
        else:
            return
        self._rows.sort(key=key, reverse=descending)


# --------------------------------------------------------------------------- plain sortable lists


@dataclass(frozen=True)
class Column(Generic[RowT]):
    header: str
    text: Callable[[RowT], str]
    sort_key: Callable[[RowT], Any] | None = None  # None: sorts by the text
    right: bool = False
    tip: Callable[[RowT], str | None] | None = None


class SortedRowsModel(QAbstractTableModel, Generic[RowT]):
    """Rows fed with `set_rows()`, shown through declared columns and sorted in memory from a header click."""

    def __init__(self, columns: Sequence[Column[RowT]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[RowT] = []
        self._sort: tuple[int, bool] | None = None

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._apply_sort()
        self.endResetModel()

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_at(self, row: int) -> RowT | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

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
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.right else _LEFT
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
            return _RIGHT if column.right else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole and column.tip is not None:
            return column.tip(row)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        if self._sort is None:
            return
        column, descending = self._sort
        spec = self.columns[column]
        key = spec.sort_key or spec.text
        # None sorts first ascending, so missing dates and notes gather together.
        self._rows.sort(key=lambda r: _sortable(key(r)), reverse=descending)


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


# --------------------------------------------------------------------------- drill-down and queue columns


def _money(cents: int) -> str:
    return format_money(cents)


AGING_CLAIM_COLUMNS: tuple[Column[AgingClaim], ...] = (
    Column("Claim", lambda c: c.claim_number or "No claim (self-pay)", lambda c: c.claim_number or ""),
    Column("Patient", lambda c: c.patient_name),
    Column("Date of service", lambda c: format_date(c.date_of_service), lambda c: c.date_of_service),
    Column("Aged from", lambda c: format_date(c.aged_from), lambda c: c.aged_from),
    Column("Age (days)", lambda c: str(c.age_days), lambda c: c.age_days, right=True),
    Column("Owed by", lambda c: PARTY_WORDS.get(c.party, "Patient")),
    Column("Balance", lambda c: _money(c.balance_cents), lambda c: c.balance_cents, right=True),
)


def last_note(item: QueueItem) -> str:
    return item.notes[-1].note if item.notes else ""


def denial_words(item: QueueItem) -> str:
    """'CO-16 Missing information… (M76 …)' for each open denial, joined."""
    parts = []
    for d in item.denials:
        text = f"{d.group_code}-{d.carc} {d.carc_text}"
        if d.rarc:
            text += f" ({d.rarc}: {d.rarc_text})"
        parts.append(text)
    return "; ".join(parts)


def _denial_tip(item: QueueItem) -> str | None:
    if not item.denials:
        return None
    return "\n\n".join(f"{d.group_code}-{d.carc}: {d.carc_text}\nUsual action: {d.action}" for d in item.denials)


def _days_left(item: QueueItem) -> str:
    if item.days_left < 0:
        return f"Expired {-item.days_left} days ago"
    return f"{item.days_left}"


def _score(value: Decimal) -> str:
    return f"{value:,.0f}"


QUEUE_COLUMNS: tuple[Column[QueueItem], ...] = (
    Column("Priority", lambda i: _score(i.score), lambda i: i.score, right=True),
    Column("Claim", lambda i: i.claim_number),
    Column("Patient", lambda i: i.patient_name),
    Column("Payer", lambda i: i.payer_name),
    Column("Date of service", lambda i: format_date(i.date_of_service), lambda i: i.date_of_service),
    Column("Balance", lambda i: _money(i.balance_cents), lambda i: i.balance_cents, right=True),
    Column("Age (days)", lambda i: str(i.age_days), lambda i: i.age_days, right=True),
    Column(
        "Days left to file",
        _days_left,
        lambda i: i.days_left,
        right=True,
        tip=lambda i: f"Timely filing limit: {format_date(i.filing_deadline)}",
    ),
    Column("Denial", denial_words, tip=_denial_tip),
    Column("Last note", last_note, tip=lambda i: last_note(i) or None),
    Column(
        "Next action",
        lambda i: format_date(i.next_action_date) if i.next_action_date else "",
        lambda i: i.next_action_date,
    ),
)


class AgingClaimsTableModel(SortedRowsModel[AgingClaim]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(AGING_CLAIM_COLUMNS, parent)


class WorkQueueTableModel(SortedRowsModel[QueueItem]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(QUEUE_COLUMNS, parent)

    def row_of(self, claim_id: int) -> int | None:
        return next((n for n, item in enumerate(self._rows) if item.claim_id == claim_id), None)
