"""The Encounters worklist: filter, sort and page through encounters, and open one to read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.worklist import (
    ENCOUNTER_STATUS_LABELS,
    Choice,
    WorklistColumn,
    WorklistFilter,
    WorklistRow,
    WorklistSort,
)
from app.services.changes import Changes
from app.services.container import Services
from app.services.jobs import JobContext
from ui.bus import subscribe
from ui.jobs import Job, run_quiet, show_error
from ui.models.worklist_model import COLUMNS, DEFAULT_PAGE_SIZE, WorklistTableModel
from ui.widgets.flow_layout import FlowLayout

SEARCH_DEBOUNCE_MS = 200
BUSY_DELAY_MS = 150
# After a change elsewhere, reload as many rows as were showing (up to this many) so the view keeps its place.
MAX_RELOAD_ROWS = 5000
REFRESH_ENTITIES = ("encounter", "patient", "provider", "payer")

# Starting widths in average character widths; the patient column takes the rest.
_COLUMN_CHARS: dict[WorklistColumn, int] = {
    WorklistColumn.PATIENT: 20,
    WorklistColumn.ACCOUNT: 9,
    WorklistColumn.DATE_OF_SERVICE: 14,
    WorklistColumn.PROVIDER: 17,
    WorklistColumn.PAYER: 18,
    WorklistColumn.STATUS: 14,
    WorklistColumn.CHARGES: 10,
}


@dataclass(frozen=True)
class _Loaded:
    total: int
    rows: list[WorklistRow]
    status_counts: dict[str, int]
    providers: list[Choice] | None
    payers: list[Choice] | None


class WorklistView(QTableView):
    """The worklist table; Enter or Return opens the current row (a double-click does too)."""

    row_activated = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.row_activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        # Rows are what matter here: Home and End go to the first and last row, not column.
        if action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)


class EncountersPanel(QWidget):
    """The worklist. Emits `encounter_activated(id)` on Enter or double-click."""

    encounter_activated = Signal(int)
    current_encounter_changed = Signal(int)  # 0 when nothing is selected
    refreshed = Signal()  # new results are on screen

    def __init__(self, services: Services, page_size: int = DEFAULT_PAGE_SIZE, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.status_counts: dict[str, int] = {}
        self._load_job: Job[_Loaded] | None = None
        self._choices_loaded = False
        self._restore_id: int | None = None
        self._restore_scroll: int | None = None
        self._reload_limit: int | None = None

        self.model = WorklistTableModel(services.encounters.page, page_size=page_size, parent=self)
        self.model.query_changed.connect(self.reload)
        self.model.fetching_changed.connect(self._update_busy)
        self.model.fetch_failed.connect(self._on_fetch_failed)

        self._build_filter_bar()
        self._build_table()
        self._build_empty_state()

        self._views = QStackedWidget()
        self._views.addWidget(self.table)
        self._views.addWidget(self.empty_state)
        self.setFocusProxy(self.table)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self._views, 1)
        layout.addLayout(self.footer)

        # "Loading…" appears only when a load outlasts a blink, so quick ones don't flicker.
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._on_busy_timeout)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_filter)

        self._connect_filters()
        focus_search = QShortcut(QKeySequence.StandardKey.Find, self)
        focus_search.activated.connect(self.focus_search)
        clear_search = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        clear_search.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear_search.activated.connect(self._on_search_escape)

        subscribe(services.bus, self, self._on_changes)
        self.reload()

    # ------------------------------------------------------------------ building

    def _build_filter_bar(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search patient name or account (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search patient name or account")
        # Room for the hint and a typed name, plus the clear button.
        hint_width = self.search_edit.fontMetrics().horizontalAdvance(self.search_edit.placeholderText())
        self.search_edit.setFixedWidth(hint_width + 48)

        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Status")
        self.status_combo.addItem("All statuses", None)
        for key, label in ENCOUNTER_STATUS_LABELS.items():
            self.status_combo.addItem(label, key)
        self.status_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.provider_combo = QComboBox()
        self.provider_combo.setAccessibleName("Provider")
        self.provider_combo.addItem("All providers", None)
        self.provider_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.payer_combo = QComboBox()
        self.payer_combo.setAccessibleName("Primary payer")
        self.payer_combo.addItem("All payers", None)
        self.payer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        today = QDate.currentDate()
        self.date_from_check = QCheckBox("Seen from")
        self.date_from_check.setToolTip("Only encounters with a date of service on or after this date")
        self.date_from_edit = self._date_edit(today.addDays(-30), "Date of service from")
        self.date_to_check = QCheckBox("to")
        self.date_to_check.setToolTip("Only encounters with a date of service on or before this date")
        self.date_to_edit = self._date_edit(today, "Date of service to")

        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setEnabled(False)
        self.count_label = QLabel("Loading encounters…")
        self.busy_label = QLabel("Loading…")
        self.busy_label.setEnabled(False)  # drawn in the palette's quieter text colour
        self.busy_label.hide()

        def group(*widgets: QWidget) -> QWidget:
            """Label and control travel together when the bar wraps onto another line."""
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            for w in widgets:
                row.addWidget(w)
            return box

        def labelled(text: str, widget: QWidget) -> QWidget:
            label = QLabel(text)
            label.setBuddy(widget)
            return group(label, widget)

        self.filter_bar = QWidget()
        flow = FlowLayout(self.filter_bar, h_spacing=16, v_spacing=6)
        flow.addWidget(self.search_edit)
        flow.addWidget(labelled("Sta&tus", self.status_combo))
        flow.addWidget(labelled("P&rovider", self.provider_combo))
        flow.addWidget(labelled("Pa&yer", self.payer_combo))
        flow.addWidget(group(self.date_from_check, self.date_from_edit, self.date_to_check, self.date_to_edit))
        flow.addWidget(self.clear_button)

        # Under the table: how much of the worklist is showing, and whether more is on its way.
        self.footer = QHBoxLayout()
        self.footer.setContentsMargins(2, 0, 2, 0)
        self.footer.addWidget(self.count_label)
        self.footer.addSpacing(12)
        self.footer.addWidget(self.busy_label)
        self.footer.addStretch(1)

    @staticmethod
    def _date_edit(date: QDate, accessible_name: str) -> QDateEdit:
        edit = QDateEdit(date)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("MM/dd/yyyy")
        edit.setAccessibleName(accessible_name)
        edit.setEnabled(False)
        return edit

    def _build_table(self) -> None:
        self.table = WorklistView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setAccessibleName("Encounters")
        self.table.verticalHeader().hide()
        row_height = self.table.fontMetrics().height() + 10
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        # Every column keeps a readable width (a stretched one collapses when the details pane opens);
        # the last one takes any spare room.
        header.setStretchLastSection(True)
        char = self.table.fontMetrics().averageCharWidth()
        for i, column in enumerate(COLUMNS):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(i, _COLUMN_CHARS[column] * char + 24)
        header.setMinimumSectionSize(8 * char)

        sort = self.model.sort_order
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(COLUMNS.index(sort.column), order)
        self.table.setSortingEnabled(True)

        self.table.row_activated.connect(self._activate)
        self.table.doubleClicked.connect(self._activate)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def _build_empty_state(self) -> None:
        self.empty_state = QFrame()
        self.empty_state.setFrameShape(QFrame.Shape.StyledPanel)
        self.empty_state.setBackgroundRole(QPalette.ColorRole.Base)
        self.empty_state.setAutoFillBackground(True)
        self.empty_title = QLabel()
        font = self.empty_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.empty_title.setFont(font)
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_detail = QLabel()
        self.empty_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_detail.setWordWrap(True)
        self.empty_detail.setTextFormat(Qt.TextFormat.RichText)
        self.empty_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_clear_button = QPushButton("Clear filters")
        self.empty_clear_button.clicked.connect(self.clear_filters)

        layout = QVBoxLayout(self.empty_state)
        layout.addStretch(1)
        layout.addWidget(self.empty_title)
        layout.addWidget(self.empty_detail)
        layout.addSpacing(8)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.empty_clear_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def _connect_filters(self) -> None:
        self.search_edit.textChanged.connect(self._on_search_text)
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.status_combo.currentIndexChanged.connect(self._apply_filter)
        self.provider_combo.currentIndexChanged.connect(self._apply_filter)
        self.payer_combo.currentIndexChanged.connect(self._apply_filter)
        for check, edit in ((self.date_from_check, self.date_from_edit), (self.date_to_check, self.date_to_edit)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._apply_filter)
            edit.dateChanged.connect(self._on_date_changed)
        self.clear_button.clicked.connect(self.clear_filters)

    # ------------------------------------------------------------------ filter

    def current_filter(self) -> WorklistFilter:
        """The filter the widgets describe right now."""
        status = self.status_combo.currentData()
        return WorklistFilter(
            statuses=frozenset({status}) if status else frozenset(),
            provider_id=self.provider_combo.currentData(),
            payer_id=self.payer_combo.currentData(),
            date_from=_to_date(self.date_from_edit.date()) if self.date_from_check.isChecked() else None,
            date_to=_to_date(self.date_to_edit.date()) if self.date_to_check.isChecked() else None,
            search=self.search_edit.text().strip(),
        )

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def clear_filters(self) -> None:
        widgets = (
            self.search_edit,
            self.status_combo,
            self.provider_combo,
            self.payer_combo,
            self.date_from_check,
            self.date_to_check,
        )
        for w in widgets:
            w.blockSignals(True)
        try:
            self.search_edit.clear()
            self.status_combo.setCurrentIndex(0)
            self.provider_combo.setCurrentIndex(0)
            self.payer_combo.setCurrentIndex(0)
            self.date_from_check.setChecked(False)
            self.date_to_check.setChecked(False)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.date_from_edit.setEnabled(False)
        self.date_to_edit.setEnabled(False)
        self._apply_filter()

    def _on_search_text(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_escape(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
            self._apply_filter()
        else:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_date_changed(self, _date: QDate) -> None:
        if self.sender() is self.date_from_edit and self.date_from_check.isChecked():
            self._apply_filter()
        elif self.sender() is self.date_to_edit and self.date_to_check.isChecked():
            self._apply_filter()

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        flt = self.current_filter()
        self.clear_button.setEnabled(flt != WorklistFilter())
        self.model.set_filter(flt)  # emits query_changed -> reload() when it differs

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Count and fetch the first page for the model's filter and sort, off the UI thread."""
        if self._load_job is not None:
            self._load_job.cancel()
        flt, sort = self.model.filter, self.model.sort_order
        limit = self._reload_limit or self.model.page_size
        self._reload_limit = None
        want_choices = not self._choices_loaded
        encounters = self.services.encounters

        def work(_ctx: JobContext) -> _Loaded:
            total = encounters.count(flt)
            rows = encounters.page(flt, sort, 0, limit) if total else []
            return _Loaded(
                total=total,
                rows=rows,
                status_counts=encounters.status_counts(),
                providers=encounters.provider_choices() if want_choices else None,
                payers=encounters.payer_choices() if want_choices else None,
            )

        self._load_job = run_quiet(self, work, lambda loaded: self._on_loaded(flt, sort, loaded), self._on_load_failed)
        self._update_busy()

    @property
    def loading(self) -> bool:
        return self._load_job is not None

    def _update_busy(self) -> None:
        if not (self.loading or self.model.fetching):
            self._busy_timer.stop()
            self.busy_label.hide()
        elif self.busy_label.isHidden() and not self._busy_timer.isActive():
            self._busy_timer.start()

    def _on_busy_timeout(self) -> None:
        self.busy_label.setHidden(not (self.loading or self.model.fetching))

    def _on_loaded(self, flt: WorklistFilter, sort: WorklistSort, loaded: _Loaded) -> None:
        self._load_job = None
        self._update_busy()
        if loaded.providers is not None and loaded.payers is not None:
            self._set_choices(loaded.providers, loaded.payers)
        self.status_counts = loaded.status_counts
        self._update_status_combo()

        keep_id = self._restore_id if self._restore_id is not None else self.selected_encounter_id()
        keep_scroll = self._restore_scroll
        if not self.model.set_results(flt, sort, loaded.total, loaded.rows):
            return  # the filter or sort moved on; a newer load is on its way
        self._restore_id = None
        self._restore_scroll = None

        everything = sum(self.status_counts.values())
        noun = "encounter" if everything == 1 else "encounters"
        self.count_label.setText(f"Showing {loaded.total:,} of {everything:,} {noun}")
        self._update_empty_state(everything)
        self._restore_selection(keep_id, keep_scroll)
        self.refreshed.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._load_job = None
        self._update_busy()
        self.count_label.setText("Could not load encounters")
        show_error(self, exc)

    def _on_fetch_failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _set_choices(self, providers: list[Choice], payers: list[Choice]) -> None:
        self._choices_loaded = True
        for combo, choices, everyone in (
            (self.provider_combo, providers, "All providers"),
            (self.payer_combo, payers, "All payers"),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for choice in choices:
                combo.addItem(choice.label, choice.id)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
            if current is not None and index < 0:
                self._apply_filter()  # the chosen provider or payer is gone

    def _update_status_combo(self) -> None:
        total = sum(self.status_counts.values())
        self.status_combo.setItemText(0, f"All statuses ({total:,})")
        for i in range(1, self.status_combo.count()):
            key = self.status_combo.itemData(i)
            label = ENCOUNTER_STATUS_LABELS.get(key, key)
            self.status_combo.setItemText(i, f"{label} ({self.status_counts.get(key, 0):,})")
        self.status_combo.updateGeometry()  # longer counts need a wider box

    def _update_empty_state(self, everything: int) -> None:
        if self.model.total:
            self._views.setCurrentWidget(self.table)
            return
        if everything == 0:
            self.empty_title.setText("This database has no encounters yet")
            self.empty_detail.setText(
                "Load encounters from an import file with <code>claimdesk import FILE</code>,<br>"
                "or try ClaimDesk on a synthetic practice with <code>claimdesk demo</code>."
            )
            self.empty_clear_button.setVisible(self.model.filter != WorklistFilter())
        else:
            self.empty_title.setText("No encounters match these filters")
            self.empty_detail.setText("Change or clear the filters to see more of the worklist.")
            self.empty_clear_button.setVisible(True)
        self._views.setCurrentWidget(self.empty_state)

    # ------------------------------------------------------------------ selection

    def selected_encounter_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        row = self.model.row_at(index.row())
        return row.encounter_id if row else None

    def select_encounter(self, encounter_id: int) -> bool:
        """Select an encounter among the loaded rows; False when it is not loaded (or not matched)."""
        row = self.model.row_of(encounter_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _restore_selection(self, encounter_id: int | None, scroll: int | None) -> None:
        if encounter_id is not None and self.select_encounter(encounter_id):
            if scroll is not None:
                self.table.verticalScrollBar().setValue(scroll)
            return
        self.current_encounter_changed.emit(0)

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        self.current_encounter_changed.emit(row.encounter_id if row else 0)

    def _activate(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None:
            self.encounter_activated.emit(row.encounter_id)

    # ------------------------------------------------------------------ changes

    def _on_changes(self, changes: Changes) -> None:
        if not any(changes.touches(e) for e in REFRESH_ENTITIES):
            return
        if changes.touches("provider") or changes.touches("payer"):
            self._choices_loaded = False
        self._restore_id = self.selected_encounter_id()
        self._restore_scroll = self.table.verticalScrollBar().value()
        self._reload_limit = min(max(self.model.loaded, self.model.page_size), MAX_RELOAD_ROWS)
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.model.update_palette()
        super().changeEvent(event)


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())
