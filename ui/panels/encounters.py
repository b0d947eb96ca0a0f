"""The Encounters worklist: filter, sort and page through encounters, and open one to read it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.domain.worklist import (
    ENCOUNTER_STATUS_LABELS,
    WorklistColumn,
    WorklistFilter,
    WorklistSort,
)
from app.services.changes import Changes
from app.services.container import Services
from app.services.jobs import JobContext
from ui.bus import subscribe
from ui.models.worklist_model import DEFAULT_PAGE_SIZE, WorklistTableModel
from ui.panels.paged_list import Loaded, PagedListPanel
from ui.widgets.filter_bar import DateRangeFilter, choice_combo, fill_choices, focus_search, labelled, search_box
from ui.widgets.flow_layout import FlowLayout

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


class EncountersPanel(PagedListPanel):
    """The worklist. Emits `encounter_activated(id)` on Enter or double-click."""

    encounter_activated = Signal(int)
    current_encounter_changed = Signal(int)  # 0 when nothing is selected
    refreshed = Signal()  # new results are on screen
    noun = "encounters"

    def __init__(self, services: Services, page_size: int = DEFAULT_PAGE_SIZE, parent: QWidget | None = None) -> None:
        super().__init__(WorklistTableModel(services.encounters.page, page_size=page_size), parent)
        self.services = services
        self.status_counts: dict[str, int] = {}
        self._choices_loaded = False

        self._build_filter_bar()
        self._build_list("Encounters", _COLUMN_CHARS)
        self.table.row_activated.connect(self._activate)
        self.empty_clear_button.clicked.connect(self.clear_filters)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.views, 1)
        layout.addLayout(self.footer)

        self._connect_filters()
        subscribe(services.bus, self, self._on_changes)
        self.reload()

    # ------------------------------------------------------------------ building

    def _build_filter_bar(self) -> None:
        self.search_edit = search_box(
            self,
            "Search patient name or account (Ctrl+F)",
            "Search patient name or account",
            self._apply_filter,
            self.table,
        )
        self.status_combo = choice_combo("Status", "All statuses")
        for key, label in ENCOUNTER_STATUS_LABELS.items():
            self.status_combo.addItem(label, key)
        self.provider_combo = choice_combo("Provider", "All providers")
        self.payer_combo = choice_combo("Primary payer", "All payers")
        self.dates = DateRangeFilter("encounters")
        self.date_from_check, self.date_from_edit = self.dates.from_check, self.dates.from_edit
        self.date_to_check, self.date_to_edit = self.dates.to_check, self.dates.to_edit
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setEnabled(False)

        self.filter_bar = QWidget()
        flow = FlowLayout(self.filter_bar, h_spacing=16, v_spacing=6)
        flow.addWidget(self.search_edit)
        flow.addWidget(labelled("Sta&tus", self.status_combo))
        flow.addWidget(labelled("P&rovider", self.provider_combo))
        flow.addWidget(labelled("Pa&yer", self.payer_combo))
        flow.addWidget(self.dates)
        flow.addWidget(self.clear_button)

    def _connect_filters(self) -> None:
        self.search_edit.textChanged.connect(self._on_search_text)
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.status_combo.currentIndexChanged.connect(self._apply_filter)
        self.provider_combo.currentIndexChanged.connect(self._apply_filter)
        self.payer_combo.currentIndexChanged.connect(self._apply_filter)
        self.dates.changed.connect(self._apply_filter)
        self.clear_button.clicked.connect(self.clear_filters)

    # ------------------------------------------------------------------ filter

    def current_filter(self) -> WorklistFilter:
        """The filter the widgets describe right now."""
        status = self.status_combo.currentData()
        return WorklistFilter(
            statuses=frozenset({status}) if status else frozenset(),
            provider_id=self.provider_combo.currentData(),
            payer_id=self.payer_combo.currentData(),
            date_from=self.dates.date_from,
            date_to=self.dates.date_to,
            search=self.search_edit.text().strip(),
        )

    def focus_search(self) -> None:
        focus_search(self.search_edit)

    def clear_filters(self) -> None:
        combos = (self.search_edit, self.status_combo, self.provider_combo, self.payer_combo)
        for w in combos:
            w.blockSignals(True)
        try:
            self.search_edit.clear()
            self.status_combo.setCurrentIndex(0)
            self.provider_combo.setCurrentIndex(0)
            self.payer_combo.setCurrentIndex(0)
            self.dates.clear()
        finally:
            for w in combos:
                w.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self) -> None:
        self.clear_button.setEnabled(self.current_filter() != WorklistFilter())
        super()._apply_filter()

    # ------------------------------------------------------------------ loading

    def _load(self, flt: WorklistFilter, sort: WorklistSort, limit: int) -> Callable[[JobContext], Loaded[object]]:
        want_choices = not self._choices_loaded
        encounters = self.services.encounters

        def work(_ctx: JobContext) -> Loaded[object]:
            total = encounters.count(flt)
            extra: dict[str, object] = {"status_counts": encounters.status_counts()}
            if want_choices:
                extra.update(providers=encounters.provider_choices(), payers=encounters.payer_choices())
            return Loaded(total, encounters.page(flt, sort, 0, limit) if total else [], extra)

        return work

    def _show_extra(self, loaded: Loaded[object]) -> None:
        if "providers" in loaded.extra:
            self._choices_loaded = True
            gone = fill_choices(self.provider_combo, loaded.extra["providers"], "All providers")
            gone |= fill_choices(self.payer_combo, loaded.extra["payers"], "All payers")
            if gone:
                self._apply_filter()  # the chosen provider or payer is gone
        self.status_counts = loaded.extra["status_counts"]
        self._update_status_combo()

    def _update_status_combo(self) -> None:
        total = sum(self.status_counts.values())
        self.status_combo.setItemText(0, f"All statuses ({total:,})")
        for i in range(1, self.status_combo.count()):
            key = self.status_combo.itemData(i)
            label = ENCOUNTER_STATUS_LABELS.get(key, key)
            self.status_combo.setItemText(i, f"{label} ({self.status_counts.get(key, 0):,})")
        self.status_combo.updateGeometry()  # longer counts need a wider box

    def _describe(self, loaded: Loaded[object]) -> None:
        everything = sum(self.status_counts.values())
        noun = "encounter" if everything == 1 else "encounters"
        self.count_label.setText(f"Showing {loaded.total:,} of {everything:,} {noun}")
        if self.model.total:
            return
        if everything == 0:
            self._show_empty(
                "This database has no encounters yet",
                "Load encounters from an import file with <code>claimdesk import FILE</code>,<br>"
                "or try ClaimDesk on a synthetic practice with <code>claimdesk demo</code>.",
                clear_button=self.model.filter != WorklistFilter(),
            )
        else:
            self._show_empty(
                "No encounters match these filters",
                "Change or clear the filters to see more of the worklist.",
                clear_button=True,
            )

    def loaded(self) -> None:
        self.refreshed.emit()

    # ------------------------------------------------------------------ selection

    def selected_encounter_id(self) -> int | None:
        return self.selected_id()

    def select_encounter(self, encounter_id: int) -> bool:
        """Select an encounter among the loaded rows; False when it is not loaded (or not matched)."""
        return self.select_id(encounter_id)

    def _current_changed(self, row_id: int) -> None:
        self.current_encounter_changed.emit(row_id)

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
        self.reload_in_place()
