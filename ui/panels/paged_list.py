"""What a paged list panel does whatever it lists (Encounters, Claims): load the first page and the counts
off the UI thread, drop results for a filter or sort that moved on, say "Loading…" only when it lasts,
keep the selection and scroll position across a reload, and show an empty state instead of an empty table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QStackedWidget, QWidget

from app.services.jobs import JobContext
from ui.jobs import Job, run_quiet, show_error
from ui.models.paged_model import PagedTableModel
from ui.widgets.filter_bar import BusyLabel, EmptyState
from ui.widgets.row_table import RowTableView

RowT = TypeVar("RowT")

SEARCH_DEBOUNCE_MS = 200
# After a change elsewhere, reload as many rows as were showing (up to this many) so the view keeps its place.
MAX_RELOAD_ROWS = 5000


@dataclass(frozen=True)
class Loaded(Generic[RowT]):
    """The first page of a query and whatever else the panel loaded with it (counts, choices)."""

    total: int
    rows: list[RowT]
    extra: dict[str, Any] = field(default_factory=dict)


class PagedListPanel(QWidget):
    """Base of a list panel. A subclass builds its filter bar, then calls `_build_list()`, and says:
    `current_filter()`, `_load(flt, sort, limit)` (runs on a worker), `_show_extra(loaded)`,
    `_describe(loaded)` (the count line, or an empty state) and `_current_changed(id)`."""

    noun = "rows"

    def __init__(self, model: PagedTableModel[Any, Any, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        model.setParent(self)
        self._load_job: Job[Loaded[Any]] | None = None
        self._restore_id: int | None = None
        self._restore_scroll: int | None = None
        self._reload_limit: int | None = None
        model.query_changed.connect(self.reload)
        model.fetching_changed.connect(self._update_busy)
        model.fetch_failed.connect(lambda exc: show_error(self, exc))

        self.table = RowTableView()
        self.empty_state = EmptyState()
        self.empty_title = self.empty_state.title
        self.empty_detail = self.empty_state.detail
        self.empty_clear_button = self.empty_state.clear_button
        self.views = QStackedWidget()
        self.views.addWidget(self.table)
        self.views.addWidget(self.empty_state)
        self.count_label = QLabel(f"Loading {self.noun}…")
        self.busy_label = BusyLabel()
        # Under the table: how much of the list is showing, and whether more is on its way.
        self.footer = QHBoxLayout()
        self.footer.setContentsMargins(2, 0, 2, 0)
        self.footer.addWidget(self.count_label)
        self.footer.addSpacing(12)
        self.footer.addWidget(self.busy_label)
        self.footer.addStretch(1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_filter)

    def _build_list(self, accessible_name: str, column_chars: dict[Any, int], **setup: Any) -> None:
        self.table.setup(self.model, accessible_name, column_chars, **setup)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.setFocusProxy(self.table)

    # ------------------------------------------------------------------ what a list says

    def current_filter(self) -> Any:
        raise NotImplementedError

    def _load(self, flt: Any, sort: Any, limit: int) -> Callable[[JobContext], Loaded[Any]]:
        raise NotImplementedError

    def _show_extra(self, loaded: Loaded[Any]) -> None:
        """Counts and choices that came with the page; called before the rows are shown."""

    def _describe(self, loaded: Loaded[Any]) -> None:
        """Fill the count line and, when nothing matches, the empty state (`_show_empty`)."""

    def _current_changed(self, row_id: int) -> None:
        """The current row moved (0: no row)."""

    # ------------------------------------------------------------------ filter

    def _on_search_text(self, _text: str) -> None:
        self._search_timer.start()

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())  # emits query_changed -> reload() when it differs

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Count and fetch the first page for the model's filter and sort, off the UI thread."""
        if self._load_job is not None:
            self._load_job.cancel()
        flt, sort = self.model.filter, self.model.sort_order
        limit = self._reload_limit or self.model.page_size
        self._reload_limit = None
        self._load_job = run_quiet(
            self, self._load(flt, sort, limit), lambda loaded: self._on_loaded(flt, sort, loaded), self._on_load_failed
        )
        self._update_busy()

    @property
    def loading(self) -> bool:
        return self._load_job is not None

    def _update_busy(self, *_args: object) -> None:
        self.busy_label.set_busy(self.loading or self.model.fetching)

    def _on_loaded(self, flt: Any, sort: Any, loaded: Loaded[Any]) -> None:
        self._load_job = None
        self._update_busy()
        self._show_extra(loaded)
        keep_id = self._restore_id if self._restore_id is not None else self.selected_id()
        keep_scroll = self._restore_scroll
        if not self.model.set_results(flt, sort, loaded.total, loaded.rows):
            return  # the filter or sort moved on; a newer load is on its way
        self._restore_id = None
        self._restore_scroll = None
        if self.model.total:
            self.views.setCurrentWidget(self.table)
        self._describe(loaded)
        self._restore_selection(keep_id, keep_scroll)
        self.loaded()

    def loaded(self) -> None:
        """New results are on screen (a subclass emits its `refreshed` signal here)."""

    def _show_empty(self, title: str, detail: str, *, clear_button: bool) -> None:
        self.empty_state.say(title, detail, clear_button=clear_button)
        self.views.setCurrentWidget(self.empty_state)

    def _on_load_failed(self, exc: BaseException) -> None:
        self._load_job = None
        self._update_busy()
        self.count_label.setText(f"Could not load {self.noun}")
        show_error(self, exc)

    def reload_in_place(self) -> None:
        """Reload after a change elsewhere, keeping the selected row and the scroll position."""
        self._restore_id = self.selected_id()
        self._restore_scroll = self.table.verticalScrollBar().value()
        self._reload_limit = min(max(self.model.loaded, self.model.page_size), MAX_RELOAD_ROWS)
        self.reload()

    # ------------------------------------------------------------------ selection

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        row = self.model.row_at(index.row())
        return self.model.row_id(row) if row is not None else None

    def select_id(self, row_id: int) -> bool:
        """Select a row among the loaded ones; False when it is not loaded (or not matched)."""
        row = self.model.row_of(row_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _restore_selection(self, row_id: int | None, scroll: int | None) -> None:
        if row_id is not None and self.select_id(row_id):
            if scroll is not None:
                self.table.verticalScrollBar().setValue(scroll)
            return
        self._current_changed(0)

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        self._current_changed(self.model.row_id(row) if row is not None else 0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.model.update_palette()
        super().changeEvent(event)
