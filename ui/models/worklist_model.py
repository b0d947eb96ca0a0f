"""The Encounters worklist as a lazily paged table model: holds a filter, a sort, a total and the rows loaded so far."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette

from app.domain.money import format_money
from app.domain.worklist import (
    WORKLIST_HEADERS,
    WorklistColumn,
    WorklistFilter,
    WorklistRow,
    WorklistSort,
)
from ui.icons import dot_icon
from ui.jobs import Job, run_quiet

PageFetcher = Callable[[WorklistFilter, WorklistSort, int, int], list[WorklistRow]]
AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[WorklistColumn, ...] = tuple(WorklistColumn)
DEFAULT_PAGE_SIZE = 200

# (light palette, dark palette): the dot beside the status text; the text itself always says the status.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "new": ("#1f6fb2", "#6cb4f0"),
    "in_coding": ("#7a4fb5", "#b99cf0"),
    "on_hold": ("#c2410c", "#fb923c"),
    "coded": ("#0e7490", "#67e8f9"),
    "ready_to_bill": ("#15803d", "#86efac"),
    "billed": ("#6b7280", "#9ca3af"),
}


def format_date(value: dt.date) -> str:
    return f"{value:%m/%d/%Y}"


def palette_is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


class WorklistTableModel(QAbstractTableModel):
    """Rows of the worklist for one filter and sort; further pages load as the view scrolls.

    The owner loads the first page and the total off the UI thread and hands them over with
    `set_results()`. `fetchMore()` then loads the next `page_size` rows with `fetch_page` on a
    worker too: with 100,000 encounters a page sorted by a joined column or deep into the list
    takes a few hundred milliseconds, too long for the UI thread. Changing the filter or the sort
    emits `query_changed`; until the owner delivers new results no further pages are fetched, and
    a page that arrives for an older filter or sort is dropped.
    """

    query_changed = Signal()
    fetching_changed = Signal(bool)  # a further page is being loaded
    fetch_failed = Signal(object)  # the exception; no more pages are asked for until new results

    def __init__(
        self,
        fetch_page: PageFetcher | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._fetch_page = fetch_page
        self.page_size = page_size
        self._filter = WorklistFilter()
        self._sort = WorklistSort()
        self._rows: list[WorklistRow] = []
        self._total = 0
        self._stale = False
        self._inserting = False
        self._failed = False
        self._page_job: Job[list[WorklistRow]] | None = None
        self._dark = palette_is_dark()

    # ------------------------------------------------------------------ state

    @property
    def filter(self) -> WorklistFilter:
        return self._filter

    @property
    def sort_order(self) -> WorklistSort:
        return self._sort

    @property
    def total(self) -> int:
        """How many encounters match the filter (the loaded rows may be fewer)."""
        return self._total

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def set_filter(self, flt: WorklistFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self._stale = True
            self._cancel_page()
            self.query_changed.emit()

    def set_sort(self, sort: WorklistSort) -> None:
        if sort != self._sort:
            self._sort = sort
            self._stale = True
            self._cancel_page()
            self.query_changed.emit()

    def set_results(self, flt: WorklistFilter, sort: WorklistSort, total: int, rows: Sequence[WorklistRow]) -> bool:
        """Show the first page of a query. Results for a filter or sort no longer current are dropped."""
        if flt != self._filter or sort != self._sort:
            return False
        self._stale = False
        self._replace(total, rows)
        return True

    def set_rows(self, rows: Sequence[WorklistRow], total: int | None = None) -> None:
        """Show exactly these rows (tests, or a caller that already has them)."""
        self._stale = False
        self._replace(len(rows) if total is None else total, rows)

    @property
    def fetching(self) -> bool:
        return self._page_job is not None

    def _replace(self, total: int, rows: Sequence[WorklistRow]) -> None:
        self._cancel_page()
        self._failed = False
        self.beginResetModel()
        self._rows = list(rows[: max(total, 0)])
        self._total = max(total, len(self._rows))
        self.endResetModel()

    def row_at(self, row: int) -> WorklistRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, encounter_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.encounter_id == encounter_id:
                return i
        return None

    def update_palette(self) -> None:
        """Pick status colours for the current light or dark palette."""
        dark = palette_is_dark()
        if dark != self._dark:
            self._dark = dark
            if self._rows:
                col = COLUMNS.index(WorklistColumn.STATUS)
                self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return WORKLIST_HEADERS[COLUMNS[section]]
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section] is WorklistColumn.CHARGES:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.InitialSortOrderRole:
                # The first click on a date or an amount shows the newest or largest first.
                newest_first = COLUMNS[section] in (WorklistColumn.DATE_OF_SERVICE, WorklistColumn.CHARGES)
                return Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return row.encounter_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.status == "on_hold":
                reason = row.hold_reason or "On hold"
                return f"On hold: {reason}\nQuery: {row.query_text}" if row.query_text else f"On hold: {reason}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column is WorklistColumn.CHARGES:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and column is WorklistColumn.STATUS:
            colours = STATUS_COLOURS.get(row.status)
            return dot_icon(colours[1 if self._dark else 0]) if colours else None
        if role == Qt.ItemDataRole.AccessibleTextRole and column is WorklistColumn.STATUS:
            return f"Status: {row.status_label}"
        return None

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() or self._fetch_page is None:
            return False
        if self._stale or self._failed or self._inserting or self._page_job is not None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        fetch = self._fetch_page
        assert fetch is not None
        flt, sort, offset = self._filter, self._sort, len(self._rows)
        limit = min(self.page_size, self._total - offset)
        self._page_job = run_quiet(
            self,
            lambda _ctx: fetch(flt, sort, offset, limit)[:limit],
            lambda rows: self._append(flt, sort, offset, rows),
            self._on_fetch_failed,
        )
        self.fetching_changed.emit(True)

    def _append(self, flt: WorklistFilter, sort: WorklistSort, offset: int, rows: list[WorklistRow]) -> None:
        self._page_job = None
        self.fetching_changed.emit(False)
        if self._stale or flt != self._filter or sort != self._sort or offset != len(self._rows):
            return
        if not rows:
            # Fewer matches than the count said (rows changed meanwhile): stop asking.
            self._total = offset
            return
        # Views and testers may ask for more while rows are being inserted; one page at a time.
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        finally:
            self._inserting = False

    def _on_fetch_failed(self, exc: BaseException) -> None:
        self._page_job = None
        self._failed = True
        self.fetching_changed.emit(False)
        self.fetch_failed.emit(exc)

    def _cancel_page(self) -> None:
        if self._page_job is not None:
            self._page_job.cancel()
            self._page_job = None
            self.fetching_changed.emit(False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks: the database sorts all matching rows, not just the loaded ones."""
        if 0 <= column < len(COLUMNS):
            self.set_sort(WorklistSort(COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder))


def _display(row: WorklistRow, column: WorklistColumn) -> str:
    if column is WorklistColumn.PATIENT:
        return row.patient_name
    if column is WorklistColumn.ACCOUNT:
        return row.account_number
    if column is WorklistColumn.DATE_OF_SERVICE:
        return format_date(row.date_of_service)
    if column is WorklistColumn.PROVIDER:
        return row.provider_name
    if column is WorklistColumn.PAYER:
        return row.payer_name
    if column is WorklistColumn.STATUS:
        return row.status_label
    return format_money(row.charge_cents)
