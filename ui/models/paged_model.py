"""A lazily paged list as a table model: a filter, a sort, a total and the rows loaded so far.

Shared by the Encounters worklist and the Claims list. A subclass declares its columns as data
(`columns`, `headers`, right-aligned and newest-first columns, the status column and its colours) and
says how a row reads (`display`, `row_id`, `sort_for`); loading, paging and dropping stale pages live here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette

from ui.icons import dot_icon
from ui.jobs import Job, run_quiet

RowT = TypeVar("RowT")
FilterT = TypeVar("FilterT")
SortT = TypeVar("SortT")
AnyIndex = QModelIndex | QPersistentModelIndex

DEFAULT_PAGE_SIZE = 200
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def format_date(value: dt.date) -> str:
    return f"{value:%m/%d/%Y}"


def palette_is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


class PagedTableModel(QAbstractTableModel, Generic[RowT, FilterT, SortT]):
    """Rows of a list for one filter and sort; further pages load as the view scrolls.

    The owner loads the first page and the total off the UI thread and hands them over with
    `set_results()`. `fetchMore()` then loads the next `page_size` rows with `fetch_page` on a
    worker too: with 100,000 rows a page sorted by a joined column or deep into the list takes
    a few hundred milliseconds, too long for the UI thread. Changing the filter or the sort emits
    `query_changed`; until the owner delivers new results no further pages are fetched, and a
    page that arrives for an older filter or sort is dropped.
    """

    query_changed = Signal()
    fetching_changed = Signal(bool)  # a further page is being loaded
    fetch_failed = Signal(object)  # the exception; no more pages are asked for until new results

    # Declared by each list, once.
    columns: tuple[Enum, ...] = ()
    headers: Mapping[Any, str] = {}
    right_aligned: frozenset[Any] = frozenset()
    descending_first: frozenset[Any] = frozenset()  # the first click shows the newest or largest first
    status_column: Any = None
    status_colours: Mapping[str, tuple[str, str]] = {}  # status -> (light palette, dark palette) dot colour

    def __init__(
        self,
        fetch_page: Callable[[FilterT, SortT, int, int], list[RowT]] | None,
        initial_filter: FilterT,
        initial_sort: SortT,
        page_size: int = DEFAULT_PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._fetch_page = fetch_page
        self.page_size = page_size
        self._filter = initial_filter
        self._sort = initial_sort
        self._rows: list[RowT] = []
        self._total = 0
        self._stale = False
        self._inserting = False
        self._failed = False
        self._page_job: Job[list[RowT]] | None = None
        self._dark = palette_is_dark()

    # ------------------------------------------------------------------ what a list says about its rows

    def display(self, row: RowT, column: Any) -> str:
        raise NotImplementedError

    def row_id(self, row: RowT) -> int:
        raise NotImplementedError

    def sort_for(self, column: Any, descending: bool) -> SortT:
        raise NotImplementedError

    def status_of(self, row: RowT) -> tuple[str, str]:
        """(status key, status in words) for the status column."""
        raise NotImplementedError

    def tooltip(self, row: RowT, column: Any) -> str | None:
        return None

    # ------------------------------------------------------------------ state

    @property
    def filter(self) -> FilterT:
        return self._filter

    @property
    def sort_order(self) -> SortT:
        return self._sort

    @property
    def total(self) -> int:
        """How many rows match the filter (the loaded rows may be fewer)."""
        return self._total

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def set_filter(self, flt: FilterT) -> None:
        if flt != self._filter:
            self._filter = flt
            self._stale = True
            self._cancel_page()
            self.query_changed.emit()

    def set_sort(self, sort: SortT) -> None:
        if sort != self._sort:
            self._sort = sort
            self._stale = True
            self._cancel_page()
            self.query_changed.emit()

    def set_results(self, flt: FilterT, sort: SortT, total: int, rows: Sequence[RowT]) -> bool:
        """Show the first page of a query. Results for a filter or sort no longer current are dropped."""
        if flt != self._filter or sort != self._sort:
            return False
        self._stale = False
        self._replace(total, rows)
        return True

    def set_rows(self, rows: Sequence[RowT], total: int | None = None) -> None:
        """Show exactly these rows (tests, or a caller that already has them)."""
        self._stale = False
        self._replace(len(rows) if total is None else total, rows)

    @property
    def fetching(self) -> bool:
        return self._page_job is not None

    def _replace(self, total: int, rows: Sequence[RowT]) -> None:
        self._cancel_page()
        self._failed = False
        self.beginResetModel()
        self._rows = list(rows[: max(total, 0)])
        self._total = max(total, len(self._rows))
        self.endResetModel()

    def row_at(self, row: int) -> RowT | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if self.row_id(r) == row_id:
                return i
        return None

    def update_palette(self) -> None:
        """Pick status colours for the current light or dark palette."""
        dark = palette_is_dark()
        if dark != self._dark:
            self._dark = dark
            if self._rows and self.status_column is not None:
                col = self.columns.index(self.status_column)
                self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.right_aligned:
            return _RIGHT
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            first = column in self.descending_first
            return Qt.SortOrder.DescendingOrder if first else Qt.SortOrder.AscendingOrder
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return self.row_id(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in self.right_aligned else _LEFT
        if column is self.status_column and role == Qt.ItemDataRole.DecorationRole:
            colours = self.status_colours.get(self.status_of(row)[0])
            return dot_icon(colours[1 if self._dark else 0]) if colours else None
        if column is self.status_column and role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Status: {self.status_of(row)[1]}"
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

    def _append(self, flt: FilterT, sort: SortT, offset: int, rows: list[RowT]) -> None:
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
        if 0 <= column < len(self.columns):
            self.set_sort(self.sort_for(self.columns[column], order == Qt.SortOrder.DescendingOrder))
