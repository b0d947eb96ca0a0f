"""The A/R panel: the aging report (with its drill-down, a bar chart and CSV/PDF exports), the follow-up work
queue of unpaid and underpaid claims with notes and ticklers, and the practice's key numbers with a trend."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.domain.aging import BUCKET_LABELS, AgingClaim, AgingReport, QueueItem, WorkToday
from app.domain.kpi import KPI_DEFINITIONS, KpiReport
from app.domain.money import format_money
from app.services.changes import Changes
from app.services.container import Services
from ui.bus import subscribe
from ui.dialogs.follow_up_note import FollowUpNoteDialog
from ui.jobs import Job, run_job, run_quiet, show_error
from ui.models.ar_models import (
    CELL_ROLE,
    GROUP_HEADERS,
    AgingClaimsTableModel,
    AgingTableModel,
    WorkQueueTableModel,
    bucket_title,
)
from ui.models.paged_model import format_date, palette_is_dark
from ui.widgets.bar_chart import Bar, BarChart
from ui.widgets.filter_bar import BusyLabel, EmptyState, labelled, to_date
from ui.widgets.kpi_card import GOALS, KpiCard
from ui.widgets.panel_actions import ActionSpec, make_action, shortcut_rows
from ui.widgets.row_table import RowTableView
from ui.widgets.trend_chart import TrendChart, TrendPoint

REFRESH_ENTITIES = ("claim", "ledger", "remittance", "encounter", "patient", "payer", "provider", "follow_up")
TABS = ("aging", "queue", "kpis")
BASIS_CHOICES = (("dos", "Date of service"), ("billed", "First billed date"))
GROUP_CHOICES = tuple(GROUP_HEADERS.items())
RESPONSIBILITY_CHOICES = (("all", "All"), ("insurance", "Insurance"), ("patient", "Patient"))
KPI_CARDS = (
    "days_in_ar",
    "net_collection_rate",
    "denial_rate",
    "clean_claim_rate",
    "first_pass_resolution_rate",
    "ar_over_90_pct",
    "ar_over_120_pct",
    "submission_lag_days",
    "posting_lag_days",
    "scrub_clean_rate",
)
CARDS_PER_ROW = 5
TREND_MONTHS = 12


# Declared once: the buttons, the keys and Help > Keyboard shortcuts all read this.
ACTIONS: dict[str, ActionSpec] = {
    "refresh": ActionSpec("Refresh", ("F5",), "Reload the tab on screen"),
    "export_csv": ActionSpec("Export CSV…", ("Ctrl+Alt+C",), "Save the aging report as a CSV file"),
    "export_pdf": ActionSpec("Export PDF…", ("Ctrl+Alt+P",), "Save the aging report as a PDF"),
    "add_note": ActionSpec("Add note…", ("N",), "Add a follow-up note and next-action date to the selected claim"),
}
AR_SHORTCUTS: list[tuple[str, str]] = [
    *shortcut_rows("A/R", ACTIONS),
    ("Alt+A / Alt+W / Alt+K", "A/R: the Aging, Work queue and Key numbers tabs"),
    ("Enter or double-click", "A/R: list the claims in an aging cell"),
    ("Alt+M", "A/R: show only my work today in the queue"),
]


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _date_edit(value: dt.date, accessible_name: str) -> QDateEdit:
    edit = QDateEdit(_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("MM/dd/yyyy")
    edit.setAccessibleName(accessible_name)
    return edit


def _combo(accessible_name: str, choices: tuple[tuple[str, str], ...]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible_name)
    for key, text in choices:
        combo.addItem(text, key)
    return combo


def _table(accessible_name: str) -> RowTableView:
    table = RowTableView()
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.setSortingEnabled(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _size_columns(table: QTableView, chars: list[int]) -> None:
    char = table.fontMetrics().averageCharWidth()
    header = table.horizontalHeader()
    for i, n in enumerate(chars):
        header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(i, n * char + 24)


def _month_start(value: dt.date, months_back: int) -> dt.date:
    year, month = value.year, value.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


class ArPanel(QWidget):
    """Three tabs over `services.ar` and `services.kpi`. Each tab loads off the UI thread when it is first shown
    and again when the change bus says claims, money or notes moved; `refreshed(tab)` says new data is on screen."""

    refreshed = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.today: dt.date | None = None  # None: the real date (tests pin it)
        self._jobs: dict[str, Job[Any]] = {}
        self._stale: set[str] = set(TABS)
        self._drill_cell: tuple[str, str, str] | None = None  # (row key, row name, bucket)
        self.kpi_report: KpiReport | None = None
        self.trend_reports: list[KpiReport] = []
        self.note_dialog: FollowUpNoteDialog | None = None

        self._build_actions()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_aging_tab(), "&Aging")
        self.tabs.addTab(self._build_queue_tab(), "&Work queue")
        self.tabs.addTab(self._build_kpi_tab(), "&Key numbers")
        self.message = QLabel()
        self.message.setObjectName("ar_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)

        self.tabs.currentChanged.connect(lambda _index: self._on_tab_changed())
        subscribe(services.bus, self, self._on_changes)
        self._update_actions()
        self.reload()

    # ------------------------------------------------------------------ building

    def _action(self, key: str, slot: Callable[[], None]) -> QAction:
        return make_action(self, key, ACTIONS[key], slot)

    def _build_actions(self) -> None:
        self.refresh_action = self._action("refresh", self.reload)
        self.export_csv_action = self._action("export_csv", self.export_csv)
        self.export_pdf_action = self._action("export_pdf", self.export_pdf)
        self.add_note_action = self._action("add_note", self.add_note)

    @staticmethod
    def _button(action: QAction) -> QPushButton:
        button = QPushButton(action.text())
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        button.setEnabled(action.isEnabled())
        return button

    def _build_aging_tab(self) -> QWidget:
        today = self._today()
        self.as_of_edit = _date_edit(today, "Aging as of")
        self.basis_combo = _combo("Age from", BASIS_CHOICES)
        self.group_combo = _combo("Group by", GROUP_CHOICES)
        self.responsibility_combo = _combo("Responsibility", RESPONSIBILITY_CHOICES)
        self.aging_busy = BusyLabel()
        self.as_of_edit.dateChanged.connect(lambda _d: self.load_aging())
        for combo in (self.basis_combo, self.group_combo, self.responsibility_combo):
            combo.currentIndexChanged.connect(lambda _i: self.load_aging())
        self.export_csv_button = self._button(self.export_csv_action)
        self.export_pdf_button = self._button(self.export_pdf_action)
        bar = QHBoxLayout()
        bar.setSpacing(12)
        bar.addWidget(labelled("A&s of", self.as_of_edit))
        bar.addWidget(labelled("Age f&rom", self.basis_combo))
        bar.addWidget(labelled("&Group by", self.group_combo))
        bar.addWidget(labelled("Res&ponsibility", self.responsibility_combo))
        bar.addWidget(self.aging_busy)
        bar.addStretch(1)
        bar.addWidget(self.export_csv_button)
        bar.addWidget(self.export_pdf_button)

        self.aging_summary = QLabel()
        self.aging_summary.setObjectName("aging_summary")
        self.aging_model = AgingTableModel(self)
        self.aging_table = _table("A/R aging")
        self.aging_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.aging_table.setModel(self.aging_model)
        self.aging_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        _size_columns(self.aging_table, [28, 12, 12, 12, 12, 12, 12, 8])
        self.aging_table.row_activated.connect(self.drill_down)
        self.aging_table.doubleClicked.connect(self.drill_down)
        self.aging_empty = EmptyState()
        self.aging_empty.clear_button.hide()
        self.aging_stack = QStackedWidget()
        self.aging_stack.addWidget(self.aging_table)
        self.aging_stack.addWidget(self.aging_empty)

        self.bar_chart = BarChart("A/R by age")
        self.drill_model = AgingClaimsTableModel(self)
        self.drill_table = _table("Claims in the aging cell")
        self.drill_table.setModel(self.drill_model)
        _size_columns(self.drill_table, [12, 22, 11, 11, 8, 16, 10])
        self.drill_box = QGroupBox("Claims in a cell")
        self.drill_label = QLabel("Double-click an amount (or press Enter on it) to list the claims behind it.")
        self.drill_label.setWordWrap(True)
        drill_layout = QVBoxLayout(self.drill_box)
        drill_layout.addWidget(self.drill_label)
        drill_layout.addWidget(self.drill_table, 1)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.bar_chart)
        lower.addWidget(self.drill_box)
        lower.setStretchFactor(0, 2)
        lower.setStretchFactor(1, 3)
        lower.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.aging_stack)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.aging_summary)
        layout.addWidget(split, 1)
        return tab

    def _build_queue_tab(self) -> QWidget:
        self.my_work_check = QCheckBox("&My work today")
        self.my_work_check.setToolTip(
            "Only your ticklers that have come due, then high-priority claims nobody has written a note on yet"
        )
        self.my_work_check.toggled.connect(lambda _on: self.load_queue())
        self.add_note_button = self._button(self.add_note_action)
        self.queue_busy = BusyLabel()
        self.queue_summary = QLabel()
        self.queue_summary.setObjectName("queue_summary")
        bar = QHBoxLayout()
        bar.setSpacing(12)
        bar.addWidget(self.my_work_check)
        bar.addWidget(self.queue_busy)
        bar.addWidget(self.queue_summary)
        bar.addStretch(1)
        bar.addWidget(self.add_note_button)

        self.queue_model = WorkQueueTableModel(self)
        self.queue_table = _table("Follow-up work queue")
        self.queue_table.setModel(self.queue_model)
        _size_columns(self.queue_table, [8, 12, 20, 16, 11, 10, 8, 12, 28, 28, 10])
        self.queue_table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_queue_detail())
        self.queue_table.row_activated.connect(lambda _i: self.add_note())
        self.queue_empty = EmptyState()
        self.queue_empty.clear_button.hide()
        self.queue_stack = QStackedWidget()
        self.queue_stack.addWidget(self.queue_table)
        self.queue_stack.addWidget(self.queue_empty)
        self.queue_detail = QLabel()
        self.queue_detail.setObjectName("queue_detail")
        self.queue_detail.setWordWrap(True)
        self.queue_detail.setTextFormat(Qt.TextFormat.RichText)
        self.queue_detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.queue_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setWidget(self.queue_detail)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.queue_stack)
        split.addWidget(detail_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        return tab

    def _build_kpi_tab(self) -> QWidget:
        today = self._today()
        self.kpi_from_edit = _date_edit(_month_start(today, 2), "Period from")
        self.kpi_to_edit = _date_edit(today, "Period to")
        for edit in (self.kpi_from_edit, self.kpi_to_edit):
            edit.dateChanged.connect(lambda _d: self.load_kpis())
        self.kpi_busy = BusyLabel()
        self.kpi_summary = QLabel()
        self.kpi_summary.setObjectName("kpi_summary")
        bar = QHBoxLayout()
        bar.setSpacing(12)
        bar.addWidget(labelled("Period &from", self.kpi_from_edit))
        bar.addWidget(labelled("&to", self.kpi_to_edit))
        bar.addWidget(self.kpi_busy)
        bar.addStretch(1)

        self.cards: dict[str, KpiCard] = {}
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, key in enumerate(KPI_CARDS):
            card = KpiCard(key)
            card.title_label.setText(KPI_DEFINITIONS[key][0])
            self.cards[key] = card
            grid.addWidget(card, n // CARDS_PER_ROW, n % CARDS_PER_ROW)

        self.trend_combo = QComboBox()
        self.trend_combo.setAccessibleName("KPI to chart")
        for key in KPI_CARDS:
            self.trend_combo.addItem(KPI_DEFINITIONS[key][0], key)
        self.trend_combo.currentIndexChanged.connect(lambda _i: self._show_trend())
        self.trend_chart = TrendChart()
        trend_bar = QHBoxLayout()
        trend_bar.addWidget(labelled("Trend o&ver 12 months:", self.trend_combo))
        trend_bar.addStretch(1)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.kpi_summary)
        layout.addWidget(grid_box)
        layout.addLayout(trend_bar)
        layout.addWidget(self.trend_chart, 1)
        return tab

    # ------------------------------------------------------------------ loading

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def current_tab(self) -> str:
        return TABS[max(self.tabs.currentIndex(), 0)]

    def reload(self) -> None:
        """Reload the tab on screen; the others reload when next shown."""
        self._stale = set(TABS)
        self._on_tab_changed()

    def _on_tab_changed(self) -> None:
        tab = self.current_tab()
        if tab in self._stale:
            {"aging": self.load_aging, "queue": self.load_queue, "kpis": self.load_kpis}[tab]()
        self._update_actions()

    def _start(self, key: str, work: Callable[[Any], Any], done: Callable[[Any], None], busy: BusyLabel) -> None:
        old = self._jobs.pop(key, None)
        if old is not None:
            old.cancel()
        busy.set_busy(True)

        def finished(result: Any) -> None:
            self._jobs.pop(key, None)
            busy.set_busy(bool({k for k in self._jobs if k.split(":")[0] == key.split(":")[0]}))
            done(result)

        def failed(exc: BaseException) -> None:
            self._jobs.pop(key, None)
            busy.set_busy(False)
            show_error(self, exc)

        self._jobs[key] = run_quiet(self, work, finished, failed)

    def aging_query(self) -> dict[str, Any]:
        return {
            "as_of": to_date(self.as_of_edit.date()),
            "basis": self.basis_combo.currentData(),
            "by": self.group_combo.currentData(),
            "responsibility": self.responsibility_combo.currentData(),
        }

    def load_aging(self) -> None:
        self._stale.discard("aging")
        ar, query = self.services.ar, self.aging_query()
        self._start("aging", lambda _ctx: ar.aging(**query), self._show_aging, self.aging_busy)

    def _show_aging(self, report: AgingReport) -> None:
        self.aging_model.set_report(report)
        self.aging_table.sortByColumn(
            self.aging_table.horizontalHeader().sortIndicatorSection(),
            self.aging_table.horizontalHeader().sortIndicatorOrder(),
        )
        self.bar_chart.set_bars([Bar(bucket_title(b), report.totals[b]) for b in BUCKET_LABELS])
        as_of = format_date(report.as_of)
        if report.rows:
            parts = [
                f"A/R as of {as_of}: {format_money(report.total)}",
                f"insurance {format_money(report.insurance_cents)}",
                f"patients {format_money(report.patient_cents)}",
            ]
            if report.credit_cents:
                parts.append(f"credit balances (not aged) {format_money(report.credit_cents)}")
            self.aging_summary.setText(" · ".join(parts))
            self.aging_stack.setCurrentWidget(self.aging_table)
        else:
            self.aging_summary.setText("")
            self.aging_empty.say(
                f"Nothing owed as of {as_of}",
                "Balances appear here once claims are sent or patients owe something.",
                clear_button=False,
            )
            self.aging_stack.setCurrentWidget(self.aging_empty)
        self._clear_drill()
        self._update_actions()
        self.refreshed.emit("aging")

    def load_queue(self) -> None:
        self._stale.discard("queue")
        ar, today = self.services.ar, self._today()
        if self.my_work_check.isChecked():
            self._start("queue", lambda _ctx: ar.my_work_today(today=today), self._show_work_today, self.queue_busy)
        else:
            self._start("queue", lambda _ctx: ar.queue(today), self._show_queue, self.queue_busy)

    def _show_queue(self, items: list[QueueItem]) -> None:
        total = sum(i.balance_cents for i in items)
        noun = "claim" if len(items) == 1 else "claims"
        self.queue_summary.setText(f"{len(items)} {noun} over 30 days, {format_money(total)} owed by payers")
        self._fill_queue(
            items,
            "No claims to follow up",
            "Sent claims still unpaid or underpaid more than 30 days after billing appear here, "
            "highest priority first.",
        )

    def _show_work_today(self, work: WorkToday) -> None:
        self.queue_summary.setText(
            f"{len(work.due)} {'tickler' if len(work.due) == 1 else 'ticklers'} due · "
            f"{len(work.new)} high-priority {'claim' if len(work.new) == 1 else 'claims'} with no note yet"
        )
        self._fill_queue(
            [*work.due, *work.new],
            "Nothing due today",
            "Your ticklers show here on their next-action date, with high-priority claims nobody has worked yet.",
        )

    def _fill_queue(self, items: list[QueueItem], empty_title: str, empty_detail: str) -> None:
        selected = self.selected_queue_item()
        self.queue_model.set_rows(items)
        if items:
            self.queue_stack.setCurrentWidget(self.queue_table)
            row = self.queue_model.row_of(selected.claim_id) if selected else None
            self.queue_table.selectRow(row if row is not None else 0)
        else:
            self.queue_empty.say(empty_title, empty_detail, clear_button=False)
            self.queue_stack.setCurrentWidget(self.queue_empty)
        self._show_queue_detail()
        self._update_actions()
        self.refreshed.emit("queue")

    def kpi_period(self) -> tuple[dt.date, dt.date]:
        return to_date(self.kpi_from_edit.date()), to_date(self.kpi_to_edit.date())

    def load_kpis(self) -> None:
        self._stale.discard("kpis")
        date_from, date_to = self.kpi_period()
        if date_to < date_from:
            self.kpi_summary.setText("The period ends before it starts: choose a later end date.")
            return
        kpi = self.services.kpi
        self._start("kpis", lambda _ctx: kpi.kpis(date_from, date_to), self._show_kpis, self.kpi_busy)
        self._start(
            "kpis:trend",
            lambda _ctx: kpi.trend(TREND_MONTHS, date_to),
            self._show_trend_reports,
            self.kpi_busy,
        )

    def _show_kpis(self, report: KpiReport) -> None:
        self.kpi_report = report
        dark = palette_is_dark()
        for key, card in self.cards.items():
            if key in report.kpis:
                card.show_kpi(report.kpis[key], dark)
        self.kpi_summary.setText(
            f"{format_date(report.date_from)} – {format_date(report.date_to)}: "
            f"charges {format_money(report.charges_cents)} · collected {format_money(report.payments_cents)} · "
            f"contractual {format_money(report.contractual_cents)} · "
            f"avoidable write-offs {format_money(report.write_off_cents)} · "
            f"A/R at the end {format_money(report.ar_cents)}"
        )
        self.refreshed.emit("kpis")

    def _show_trend_reports(self, reports: list[KpiReport]) -> None:
        self.trend_reports = reports
        self._show_trend()
        self.refreshed.emit("trend")

    def _show_trend(self) -> None:
        key = self.trend_combo.currentData()
        label, unit = KPI_DEFINITIONS[key][0], KPI_DEFINITIONS[key][1]
        points = [TrendPoint(f"{r.date_from:%b}", r.value(key)) for r in self.trend_reports]
        goal = GOALS[key].goal if key in GOALS else None
        self.trend_chart.set_series(f"{label} by month", unit, points, goal)

    def _on_changes(self, changes: Changes) -> None:
        if not any(changes.touches(e) for e in REFRESH_ENTITIES):
            return
        self._stale = set(TABS)
        if self.isVisible():
            self._on_tab_changed()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.current_tab() in self._stale:
            self._on_tab_changed()

    # ------------------------------------------------------------------ aging: drill-down and exports

    def drill_down(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        key, bucket = index.data(CELL_ROLE)
        if key is None:
            return  # the totals rows: no single payer, patient or provider behind them
        report = self.aging_model.report
        if report is None:
            return
        name = self.aging_model.index(index.row(), 0).data()
        buckets = [bucket] if bucket else list(BUCKET_LABELS)
        self._drill_cell = (key, name, bucket)
        ar = self.services.ar
        query = {"basis": report.basis, "by": report.by, "responsibility": report.responsibility}

        def work(_ctx: Any) -> list[AgingClaim]:
            return [c for b in buckets for c in ar.aging_claims(report.as_of, b, key, **query)]

        where = bucket_title(bucket) if bucket else "all ages"
        self.drill_box.setTitle(f"Claims: {name}, {where}")
        self._start("drill", work, self._show_drill, self.aging_busy)

    def _show_drill(self, claims: list[AgingClaim]) -> None:
        self.drill_model.set_rows(claims)
        total = sum(c.balance_cents for c in claims)
        noun = "balance" if len(claims) == 1 else "balances"
        self.drill_label.setText(f"{len(claims)} {noun}, {format_money(total)}")
        if claims:
            self.drill_table.selectRow(0)
        self.refreshed.emit("drill")

    def _clear_drill(self) -> None:
        self._drill_cell = None
        self.drill_model.set_rows([])
        self.drill_box.setTitle("Claims in a cell")
        self.drill_label.setText("Double-click an amount (or press Enter on it) to list the claims behind it.")

    def _default_name(self, suffix: str) -> str:
        report = self.aging_model.report
        as_of = report.as_of if report else self._today()
        return f"ar-aging-{as_of.isoformat()}.{suffix}"

    def export_csv(self) -> None:
        report = self.aging_model.report
        if report is None or not report.rows:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self, "Export aging as CSV", self._default_name("csv"), "CSV files (*.csv);;All files (*)"
        )
        if not name:
            return
        path, ar = Path(name), self.services.ar

        def work(_ctx: Any) -> Path:
            path.write_text(ar.to_csv(report), encoding="utf-8")
            return path

        run_job(self, "Exporting the aging report…", work, self._exported, writes=False)

    def export_pdf(self) -> None:
        report = self.aging_model.report
        if report is None or not report.rows:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self, "Export aging as PDF", self._default_name("pdf"), "PDF files (*.pdf);;All files (*)"
        )
        if not name:
            return
        path, ar = Path(name), self.services.ar
        run_job(self, "Exporting the aging report…", lambda _ctx: ar.to_pdf(report, path), self._exported, writes=False)

    def _exported(self, path: Path) -> None:
        self.show_message(f"Saved the aging report to {path}.")

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ------------------------------------------------------------------ queue: notes

    def selected_queue_item(self) -> QueueItem | None:
        index = self.queue_table.currentIndex()
        return self.queue_model.row_at(index.row()) if index.isValid() else None

    def _show_queue_detail(self) -> None:
        item = self.selected_queue_item()
        self._update_actions()
        if item is None:
            self.queue_detail.setText("")
            return
        e = html.escape
        parts = [
            f"<b>{e(item.claim_number)}</b> — {e(item.patient_name)}, {e(item.payer_name)}, "
            f"date of service {format_date(item.date_of_service)}. {format_money(item.balance_cents)} owed, "
            f"{item.age_days} days old; timely filing ends {format_date(item.filing_deadline)}."
        ]
        for d in item.denials:
            remark = f"<br>Remark {e(d.rarc)}: {e(d.rarc_text or '')}" if d.rarc else ""
            parts.append(
                f"<b>Denied {e(d.group_code)}-{e(d.carc)}</b> ({format_money(d.amount_cents)}): {e(d.carc_text)}"
                f"{remark}<br><i>Usual action:</i> {e(d.action)}"
            )
        if item.notes:
            notes = "".join(
                f"<li>{n.created_at:%m/%d/%Y} {e(n.created_by)}: {e(n.note)}"
                + (f" — next action {format_date(n.next_action_date)}" if n.next_action_date and not n.done else "")
                + "</li>"
                for n in reversed(item.notes)
            )
            parts.append(f"<b>Notes</b><ul style='margin-top:0'>{notes}</ul>")
        else:
            parts.append("No notes yet. Add one (N) when you have worked the claim.")
        self.queue_detail.setText("<br><br>".join(parts))

    def add_note(self) -> None:
        item = self.selected_queue_item()
        if item is None or self.current_tab() != "queue":
            return
        dialog = FollowUpNoteDialog(
            f"{item.claim_number} — {item.patient_name}, {item.payer_name}, {format_money(item.balance_cents)}",
            self._today(),
            self,
        )
        self.note_dialog = dialog
        claim_id, ar = item.claim_id, self.services.ar

        def accepted() -> None:
            note, when = dialog.note, dialog.next_action_date
            run_job(self, "Adding the note…", lambda _ctx: ar.add_note(claim_id, note, when), noted)

        def noted(note: Any) -> None:
            self.show_message(f"Note added to {item.claim_number}.")
            self.services.bus.publish(Changes({"follow_up": frozenset({note.id})}))

        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _r: self._forget_dialog(dialog))
        dialog.open()

    def _forget_dialog(self, dialog: FollowUpNoteDialog) -> None:
        if self.note_dialog is dialog:
            self.note_dialog = None
        if isValid(dialog):
            dialog.deleteLater()

    # ------------------------------------------------------------------ state

    def _update_actions(self) -> None:
        tab = self.current_tab()
        report = self.aging_model.report
        has_aging = tab == "aging" and report is not None and bool(report.rows)
        self.export_csv_action.setEnabled(has_aging)
        self.export_pdf_action.setEnabled(has_aging)
        self.add_note_action.setEnabled(tab == "queue" and self.selected_queue_item() is not None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.kpi_report is not None:
            self._show_kpis(self.kpi_report)
        super().changeEvent(event)
