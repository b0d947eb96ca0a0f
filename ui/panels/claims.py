"""The Claims panel: every claim by status; build claims from ready encounters, scrub them, read a claim's
findings beside it, go to the field to fix, override with a reason, and see the clean-claim rate. Then send
them: print CMS-1500 forms (or save them as a PDF), export 837P files, and correct or void a sent claim."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.domain.claim_document import ClaimDocument
from app.domain.claim_list import (
    CLAIM_QUEUES,
    EDITOR_TITLES,
    QUEUES_BY_KEY,
    ClaimColumn,
    ClaimFilter,
    ClaimRow,
    ClaimSort,
    fix_target,
)
from app.domain.money import format_money
from app.errors import ClaimDeskError
from app.services.changes import Changes
from app.services.claims import BuildResult, claim_number
from app.services.container import Services
from app.services.jobs import JobContext
from app.services.scrubber import EditionStatus, FindingRow, ScrubReport
from app.services.submission import SENT, ExportResult, PrintResult
from ui.bus import subscribe
from ui.dialogs.editors import can_edit, open_editor_for
from ui.dialogs.export_summary import ExportSummaryDialog, export_summary
from ui.dialogs.follow_up_claim import FollowUpClaimDialog
from ui.dialogs.override_finding import OverrideDialog
from ui.dialogs.payer_rules import PayerRulesDialog
from ui.icons import dot_icon
from ui.jobs import Job, run_job, run_quiet, show_error
from ui.models.claims_model import CLAIM_STATUS_COLOURS, ClaimsTableModel
from ui.models.findings_model import FindingColumn, FindingsTreeModel
from ui.models.paged_model import DEFAULT_PAGE_SIZE, palette_is_dark
from ui.panels.paged_list import Loaded, PagedListPanel
from ui.widgets.banner import NoticeLabel
from ui.widgets.filter_bar import DateRangeFilter, choice_combo, fill_choices, labelled, search_box
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.panel_actions import ActionSpec, make_action, shortcut_rows, text_toolbar

if TYPE_CHECKING:  # the form layouts and the print dialog load when the biller first prints, not at start-up
    from app.formats.cms1500 import FormPage
    from ui.printing.form_print_dialog import FormPrintDialog

REFRESH_ENTITIES = ("claim", "encounter", "patient", "coverage", "provider", "payer", "practice")
NO_CLAIMS = "No claims yet — build them from ready encounters (B)"
SELECT_A_CLAIM = "Select a claim to read its scrub findings."
PRINT_TITLE = "Print CMS-1500 forms"
EXPORT_TITLE = "Export 837P"
# Remembered between sessions (QSettings, the user's own): where files went, the printer and the paper.
LAST_PRINTER_KEY = "claims/last_printer"
LAST_PRINT_MODE_KEY = "claims/print_mode"
EXPORT_FOLDER_KEY = "claims/export_folder"

# Starting widths in average character widths.
_COLUMN_CHARS: dict[ClaimColumn, int] = {
    ClaimColumn.CLAIM: 11,
    ClaimColumn.PATIENT: 15,
    ClaimColumn.ACCOUNT: 6,
    ClaimColumn.DATE_OF_SERVICE: 13,
    ClaimColumn.PAYER: 14,
    ClaimColumn.STATUS: 21,  # 'Submitted (electronic)'
    ClaimColumn.ERRORS: 4,
    ClaimColumn.WARNINGS: 6,
    ClaimColumn.CHARGES: 8,
    ClaimColumn.METHOD: 8,
    ClaimColumn.PROVIDER: 13,
}


# The panel's actions, declared once: the toolbar, the keys and Help > Keyboard shortcuts all read this.
ACTIONS: dict[str, ActionSpec] = {
    "build": ActionSpec("Build claims", ("B",), "Build claims from the encounters ready to bill"),
    "scrub_all": ActionSpec("Scrub unsent", ("S", "F5"), "Scrub every claim not sent yet"),
    "scrub_selected": ActionSpec("Scrub selected", ("Shift+S",), "Scrub the selected claims"),
    "go_to_field": ActionSpec("Go to field", (), "Open the place to fix the current finding"),
    "override": ActionSpec("Override…", ("O",), "Let the current finding through, with a reason"),
    "payer_rules": ActionSpec("Payer rules…", (), "The practice's own checks for each payer"),
    "print_1500": ActionSpec(
        "Print CMS-1500…",
        ("Ctrl+P",),
        "Print or save CMS-1500 forms for the selected ready claims, or every claim ready on paper",
    ),
    "export_837p": ActionSpec(
        "Export 837P…",
        ("Ctrl+Shift+E",),
        "Export an 837P file of the selected ready claims, or every claim ready to send electronically",
    ),
    "correct": ActionSpec("Correct…", ("C",), "Create a corrected claim (frequency 7) for the selected sent claim"),
    "void": ActionSpec("Void…", ("V",), "Create a void claim (frequency 8) for the selected sent claim"),
}
CLAIMS_SHORTCUTS: list[tuple[str, str]] = [
    *shortcut_rows("Claims", ACTIONS),
    ("Shift+F10 or Menu", "Claims: the selected claims' actions (scrub, print, export, correct, void)"),
    ("Enter or double-click", "Claims: read the claim's findings; on a finding, go to the field to fix it"),
    ("Esc", "Claims: from the findings back to the claims"),
    ("Ctrl+F", "Claims: search by patient name, account or claim number"),
]


@dataclass(frozen=True)
class SendScope:
    """Which claims a Print or Export is for: the selected ready ones, or (None) every ready claim of the
    method, which the service finds."""

    claim_ids: list[int] | None
    words: str  # "2 selected claims", "every claim ready on paper"
    left_out: int  # selected claims that are not ready and so do not go


@dataclass(frozen=True)
class PreparedForms:
    """Read off the UI thread before the print dialog opens: the claims, their forms and the printers' offsets."""

    claim_ids: list[int]
    docs: list[ClaimDocument]
    pages: list[FormPage]
    printers: list[str]
    offsets: dict[str, tuple[Decimal, Decimal]]

    @property
    def total_charge_cents(self) -> int:
        return sum(d.total_charge_cents for d in self.docs)


class FindingsView(QTreeView):
    """Enter or Return on a finding asks to go to its field; Esc goes back to the claims."""

    finding_activated = Signal()
    escape_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.finding_activated.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ClaimsPanel(PagedListPanel):
    """Claims by status, with the selected claim's scrub findings underneath.

    Emits `coding_field_requested(encounter_id, field)` when a finding is fixed in the Coding panel; the
    main window opens it there. Findings fixed in the patient or practice editors open those here."""

    coding_field_requested = Signal(int, str)
    refreshed = Signal()  # new results are on screen
    findings_shown = Signal(int)  # the claim whose findings are on screen
    noun = "claims"

    def __init__(self, services: Services, page_size: int = DEFAULT_PAGE_SIZE, parent: QWidget | None = None) -> None:
        super().__init__(ClaimsTableModel(services.claim_list.page, page_size=page_size), parent)
        self.services = services
        self.today: dt.date | None = None  # the scrub's "today" (timely filing); None: the real date
        self.status_counts: dict[str, int] = {}
        self.all_counts: dict[str, int] = {}  # the same without the filters, for the header
        self._choices_loaded = False
        self._findings_job: Job[list[FindingRow]] | None = None
        self._findings_claim: ClaimRow | None = None
        self._action_job: Job[Any] | None = None
        self.printers: list[str] | None = None  # the printers the print dialog offers; None: the system's
        self.override_dialog: OverrideDialog | None = None
        self.payer_rules_dialog: PayerRulesDialog | None = None
        self.print_dialog: FormPrintDialog | None = None
        self.follow_up_dialog: FollowUpClaimDialog | None = None
        self.export_summary_dialog: ExportSummaryDialog | None = None
        self._select_after_load: int | None = None  # a claim just created, to select once the list shows it

        self._build_actions()
        self._build_header()
        self._build_status_list()
        self._build_filter_bar()
        self._build_list(
            "Claims", _COLUMN_CHARS, selection=QAbstractItemView.SelectionMode.ExtendedSelection, min_chars=4
        )
        self.table.row_activated.connect(self.focus_findings)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_actions())
        self._build_claim_menu()
        self.empty_clear_button.clicked.connect(self.clear_filters)
        self.empty_build_button = QPushButton("Build claims")
        self.empty_build_button.clicked.connect(self.build_claims)
        self.empty_state.buttons.insertWidget(1, self.empty_build_button)
        self._build_findings()

        self.list_side = _splitter(Qt.Orientation.Vertical, (self.views, 3), (self.findings_box, 2))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(8)
        right_layout.addWidget(self.filter_bar)
        right_layout.addWidget(self.list_side, 1)
        right_layout.addLayout(self.footer)
        body = _splitter(Qt.Orientation.Horizontal, (self.status_list, 0), (right, 1))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.header)
        layout.addWidget(body, 1)

        QWidget.setTabOrder(self.status_list, self.search_edit)
        QWidget.setTabOrder(self.clear_button, self.table)
        QWidget.setTabOrder(self.table, self.findings_view)
        subscribe(services.bus, self, self._on_changes)
        self._update_actions()
        self.reload()

    # ------------------------------------------------------------------ building

    def _action(self, key: str, slot: Callable[[], None]) -> QAction:
        return make_action(self, key, ACTIONS[key], slot)

    def _build_actions(self) -> None:
        self.build_action = self._action("build", self.build_claims)
        self.scrub_all_action = self._action("scrub_all", self.scrub_unsent)
        self.scrub_selected_action = self._action("scrub_selected", self.scrub_selected)
        self.go_action = self._action("go_to_field", self.go_to_field)
        self.override_action = self._action("override", self.override_finding)
        self.payer_rules_action = self._action("payer_rules", self.show_payer_rules)
        self.print_action = self._action("print_1500", self.print_forms)
        self.export_action = self._action("export_837p", self.export_837p)
        self.correct_action = self._action("correct", self.correct_claim)
        self.void_action = self._action("void", self.void_claim)
        self.toolbar = text_toolbar(
            "Claims",
            (self.build_action, self.scrub_all_action, self.scrub_selected_action),
            (self.go_action, self.override_action),
            (self.print_action, self.export_action),
            (self.correct_action, self.void_action),
            (self.payer_rules_action,),
        )

    def _build_claim_menu(self) -> None:
        """Right-click, Shift+F10 or the Menu key on the claims: what can be done with the selected ones."""
        self.claim_menu = QMenu(self)
        self.claim_menu.setObjectName("claim_menu")
        self.claim_menu.addAction(self.scrub_selected_action)
        self.claim_menu.addSeparator()
        self.claim_menu.addAction(self.print_action)
        self.claim_menu.addAction(self.export_action)
        self.claim_menu.addSeparator()
        self.claim_menu.addAction(self.correct_action)
        self.claim_menu.addAction(self.void_action)
        self.claim_menu.setToolTipsVisible(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_claim_menu)
        # Not every platform turns these keys into a context-menu event: the table listens for them itself.
        menu_keys = QAction("Claim actions", self.table)
        menu_keys.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
        menu_keys.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        menu_keys.triggered.connect(lambda _checked=False: self._show_claim_menu(QPoint(-1, -1)))
        self.table.addAction(menu_keys)

    def _show_claim_menu(self, pos: QPoint) -> None:
        viewport = self.table.viewport()
        if not self.table.indexAt(pos).isValid():
            current = self.table.currentIndex()  # the keyboard asked: open it beside the current claim
            pos = self.table.visualRect(current).center() if current.isValid() else QPoint(8, 8)
        self._update_actions()
        self.claim_menu.popup(viewport.mapToGlobal(pos))

    def _build_header(self) -> None:
        self.last_scrub_label = QLabel("Last scrub: none yet")
        self.last_scrub_label.setObjectName("last_scrub")
        self.last_scrub_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.editions_label = NoticeLabel("ncci_editions")
        self.message_label = QLabel()
        self.message_label.setObjectName("claims_message")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.header = QWidget()
        layout = QVBoxLayout(self.header)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.last_scrub_label)
        layout.addWidget(self.editions_label)
        layout.addWidget(self.message_label)

    def _build_status_list(self) -> None:
        self.status_list = QTreeWidget()
        self.status_list.setAccessibleName("Claim status")
        self.status_list.setHeaderHidden(True)
        self.status_list.setRootIsDecorated(False)
        self.status_list.setItemsExpandable(False)
        self.status_list.setIndentation(self.fontMetrics().averageCharWidth() * 2)
        self.status_list.setUniformRowHeights(True)
        items: dict[str, QTreeWidgetItem] = {}
        for queue in CLAIM_QUEUES:
            parent = items.get(queue.within) if queue.within else None
            item = QTreeWidgetItem(parent) if parent is not None else QTreeWidgetItem(self.status_list)
            item.setText(0, queue.label)
            item.setData(0, Qt.ItemDataRole.UserRole, queue.key)
            if queue.tip:
                item.setToolTip(0, queue.tip)
            items[queue.key] = item
        self._status_items = items
        self.status_list.expandAll()  # always open: the indent says which entries narrow "Not sent yet"
        self._paint_status_list()
        self.status_list.setCurrentItem(items["all"])
        width = max(self.fontMetrics().horizontalAdvance(f"{q.label} (000,000)") for q in CLAIM_QUEUES)
        room = width + 2 * self.status_list.indentation() + self.status_list.iconSize().width()
        self.status_list.setMinimumWidth(room)
        self.status_list.setMaximumWidth(room + 3 * self.fontMetrics().averageCharWidth())
        self.status_list.currentItemChanged.connect(self._apply_filter)

    def _paint_status_list(self) -> None:
        dark = palette_is_dark()
        for queue in CLAIM_QUEUES:
            colours = CLAIM_STATUS_COLOURS.get(next(iter(queue.statuses))) if len(queue.statuses) == 1 else None
            if colours:
                self._status_items[queue.key].setIcon(0, dot_icon(colours[1 if dark else 0]))

    def _build_filter_bar(self) -> None:
        self.search_edit = search_box(
            self,
            "Search patient, account or claim number (Ctrl+F)",
            "Search patient name, account or claim number",
            self._apply_filter,
            self.table,
        )
        self.payer_combo = choice_combo("Payer", "All payers")
        self.provider_combo = choice_combo("Provider", "All providers")
        self.dates = DateRangeFilter("claims")
        self.errors_check = QCheckBox("With &errors only")
        self.errors_check.setToolTip("Only claims with a scrub error nobody has fixed or overridden")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setEnabled(False)

        self.filter_bar = QWidget()
        flow = FlowLayout(self.filter_bar, h_spacing=16, v_spacing=6)
        flow.addWidget(self.search_edit)
        flow.addWidget(labelled("Pa&yer", self.payer_combo))
        flow.addWidget(labelled("P&rovider", self.provider_combo))
        flow.addWidget(self.dates)
        flow.addWidget(self.errors_check)
        flow.addWidget(self.clear_button)

        self.search_edit.textChanged.connect(self._on_search_text)
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.payer_combo.currentIndexChanged.connect(self._apply_filter)
        self.provider_combo.currentIndexChanged.connect(self._apply_filter)
        self.dates.changed.connect(self._apply_filter)
        self.errors_check.toggled.connect(self._apply_filter)
        self.clear_button.clicked.connect(self.clear_filters)

    def _build_findings(self) -> None:
        self.findings_model = FindingsTreeModel(self)
        self.findings_view = FindingsView()
        self.findings_view.setModel(self.findings_model)
        self.findings_view.setAccessibleName("Findings")
        self.findings_view.setUniformRowHeights(True)
        self.findings_view.setAlternatingRowColors(True)
        self.findings_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_view.setItemsExpandable(False)
        self.findings_view.setRootIsDecorated(False)
        header = self.findings_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(FindingColumn.FINDING, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().averageCharWidth()
        header.resizeSection(FindingColumn.FIX_IN, 26 * char)
        header.resizeSection(FindingColumn.CARC, 12 * char)
        self.findings_view.finding_activated.connect(self.go_to_field)
        self.findings_view.doubleClicked.connect(lambda _index: self.go_to_field())
        self.findings_view.escape_pressed.connect(lambda: self.table.setFocus(Qt.FocusReason.ShortcutFocusReason))
        self.findings_model.modelReset.connect(self.findings_view.expandAll)
        self.findings_view.selectionModel().currentChanged.connect(self._on_finding_changed)

        self.finding_message = QLabel()
        self.finding_message.setWordWrap(True)
        self.finding_message.setTextFormat(Qt.TextFormat.RichText)
        self.finding_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.finding_message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.go_button = QPushButton("&Go to field")
        self.go_button.setToolTip("Open the place to fix this finding (Enter in the list)")
        self.go_button.clicked.connect(self.go_to_field)
        self.override_button = QPushButton("O&verride…")
        self.override_button.setToolTip("Let this finding through, with a reason (O)")
        self.override_button.clicked.connect(self.override_finding)
        message_scroll = QScrollArea()
        message_scroll.setWidget(self.finding_message)
        message_scroll.setWidgetResizable(True)
        message_scroll.setFrameShape(QFrame.Shape.NoFrame)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(8, 0, 0, 0)
        detail_layout.addWidget(message_scroll, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.go_button)
        buttons.addWidget(self.override_button)
        buttons.addStretch(1)
        detail_layout.addLayout(buttons)
        detail.setMinimumWidth(36 * char)

        split = _splitter(Qt.Orientation.Horizontal, (self.findings_view, 3), (detail, 2))

        self.findings_note = QLabel(SELECT_A_CLAIM)
        self.findings_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.findings_note.setWordWrap(True)
        self.findings_pages = QStackedWidget()
        self.findings_pages.addWidget(self.findings_note)
        self.findings_pages.addWidget(split)

        self.findings_box = QGroupBox("Findings")
        box = QVBoxLayout(self.findings_box)
        box.addWidget(self.findings_pages)

    # ------------------------------------------------------------------ filter

    @property
    def queue_key(self) -> str:
        item = self.status_list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else "all"

    def show_queue(self, key: str) -> None:
        """Choose an entry of the status list ('needs_attention', 'ready_paper', ...)."""
        self.status_list.setCurrentItem(self._status_items[key])

    def current_filter(self) -> ClaimFilter:
        """The filter the widgets describe right now."""
        return ClaimFilter(
            payer_id=self.payer_combo.currentData(),
            provider_id=self.provider_combo.currentData(),
            date_from=self.dates.date_from,
            date_to=self.dates.date_to,
            search=self.search_edit.text().strip(),
            with_errors=self.errors_check.isChecked(),
        ).in_queue(QUEUES_BY_KEY[self.queue_key])

    def clear_filters(self) -> None:
        self._reset_filters("")

    def _reset_filters(self, search: str) -> None:
        """Every filter off (All claims), with this search text, in one reload."""
        widgets = (self.search_edit, self.payer_combo, self.provider_combo, self.errors_check, self.status_list)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.search_edit.setText(search)
            self.payer_combo.setCurrentIndex(0)
            self.provider_combo.setCurrentIndex(0)
            self.errors_check.setChecked(False)
            self.status_list.setCurrentItem(self._status_items["all"])
            self.dates.clear()
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self, *_args: object) -> None:
        self.clear_button.setEnabled(self.current_filter() != ClaimFilter())
        super()._apply_filter()

    # ------------------------------------------------------------------ loading

    def _load(self, flt: ClaimFilter, sort: ClaimSort, limit: int) -> Callable[[JobContext], Loaded[ClaimRow]]:
        want_choices = not self._choices_loaded
        claims, scrubber, encounters = self.services.claim_list, self.services.scrubber, self.services.encounters
        unfiltered = flt.in_queue(QUEUES_BY_KEY["all"]) == ClaimFilter()

        def work(_ctx: JobContext) -> Loaded[ClaimRow]:
            total = claims.count(flt)
            counts = claims.status_counts(flt)
            extra: dict[str, Any] = {
                "status_counts": counts,
                "all_counts": counts if unfiltered else claims.status_counts(ClaimFilter()),
                "last_run": scrubber.last_run(),
                "editions": scrubber.edition_status(),
            }
            if want_choices:
                extra.update(providers=encounters.provider_choices(), payers=encounters.payer_choices())
            return Loaded(total, claims.page(flt, sort, 0, limit) if total else [], extra)

        return work

    def _show_extra(self, loaded: Loaded[ClaimRow]) -> None:
        extra = loaded.extra
        if "providers" in extra:
            self._choices_loaded = True
            gone = fill_choices(self.payer_combo, extra["payers"], "All payers")
            gone |= fill_choices(self.provider_combo, extra["providers"], "All providers")
            if gone:
                self._apply_filter()  # the chosen provider or payer is gone
        self.status_counts = extra["status_counts"]
        self.all_counts = extra["all_counts"]
        for queue in CLAIM_QUEUES:
            self._status_items[queue.key].setText(0, f"{queue.label} ({self.status_counts.get(queue.key, 0):,})")
        self._show_last_run(extra["last_run"])
        self._show_editions(extra["editions"])
        self._update_actions()

    def _show_last_run(self, run: dict[str, Any] | None) -> None:
        attention = self.all_counts.get("needs_attention", 0)
        waiting = f"{attention:,} {'needs' if attention == 1 else 'need'} attention"
        if run is None:
            self.last_scrub_label.setText(f"Last scrub: none yet · {waiting}")
            return
        rate = f" ({run['clean'] / run['claims'] * 100:.1f}%)" if run["claims"] else ""
        at = run["at"].replace(tzinfo=dt.UTC).astimezone()
        self.last_scrub_label.setText(
            f"Last scrub: {run['claims']:,} {'claim' if run['claims'] == 1 else 'claims'}, "
            f"{run['clean']:,} clean{rate}, {waiting}"
        )
        self.last_scrub_label.setToolTip(
            f"Scrubbed by {run['by']} on {at:%m/%d/%Y at %I:%M %p}: {run['errors']:,} error(s), "
            f"{run['warnings']:,} warning(s). Clean means no finding at all."
        )

    def _show_editions(self, editions: tuple[EditionStatus, ...]) -> None:
        """Always on screen: which edit tables the scrubber checks with, or in plain words which are missing
        (what that costs on one line each; how to load them in the tooltip)."""
        if all(e.cms_loaded for e in editions):
            self.editions_label.set_notice("Edits in force: " + " · ".join(e.text for e in editions), warning=False)
        else:
            self.editions_label.set_notice("\n".join(e.short for e in editions), warning=True)
        self.editions_label.setToolTip("\n".join(e.text for e in editions))

    def _describe(self, loaded: Loaded[ClaimRow]) -> None:
        everything = self.all_counts.get("all", 0)
        noun = "claim" if everything == 1 else "claims"
        self.count_label.setText(f"Showing {loaded.total:,} of {everything:,} {noun}")
        if self.model.total:
            return
        if everything == 0:
            self._show_empty(
                NO_CLAIMS,
                "Encounters marked <i>Ready to bill</i> in the Coding panel become claims to their primary payer.",
                clear_button=self.model.filter != ClaimFilter(),
            )
            self.empty_build_button.show()
            return
        self.empty_build_button.hide()
        queue = QUEUES_BY_KEY[self.queue_key]
        only_queue = self.model.filter == ClaimFilter().in_queue(queue)
        if only_queue and queue.key == "needs_attention":
            self._show_empty(
                "Nothing needs attention",
                "Every scrubbed claim is clean or its errors were overridden.",
                clear_button=True,
            )
        elif only_queue:
            self._show_empty(f"No claims in “{queue.label}”", "Choose another status on the left.", clear_button=True)
        else:
            self._show_empty(
                "No claims match these filters", "Change or clear the filters to see more claims.", clear_button=True
            )

    def loaded(self) -> None:
        self._select_created()
        self.refreshed.emit()

    # ------------------------------------------------------------------ selection and findings

    def selected_claim_ids(self) -> list[int]:
        return [r.id for r in self.selected_claims()]

    def selected_claims(self) -> list[ClaimRow]:
        rows = (self.model.row_at(i.row()) for i in self.table.selectionModel().selectedRows())
        return sorted((r for r in rows if r is not None), key=lambda r: r.id)

    def current_claim(self) -> ClaimRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _current_changed(self, row_id: int) -> None:
        claim = self.current_claim() if row_id else None
        self._load_findings(claim)
        self._update_actions()

    def _load_findings(self, claim: ClaimRow | None) -> None:
        if self._findings_job is not None:
            self._findings_job.cancel()
            self._findings_job = None
        if claim is None:
            self._findings_claim = None
            self.findings_box.setTitle("Findings")
            self.findings_note.setText(SELECT_A_CLAIM)
            self.findings_pages.setCurrentWidget(self.findings_note)
            return
        scrubber = self.services.scrubber

        def done(findings: list[FindingRow]) -> None:
            self._findings_job = None
            self._show_findings(claim, findings)

        def failed(exc: BaseException) -> None:
            self._findings_job = None
            show_error(self, exc)

        self._findings_job = run_quiet(self, lambda _ctx: scrubber.findings(claim.id), done, failed)

    def _show_findings(self, claim: ClaimRow, findings: list[FindingRow]) -> None:
        previous = self.current_finding()
        self._findings_claim = claim
        self.findings_box.setTitle(f"Findings for {claim.claim_number} · {claim.patient_name} · {claim.payer_name}")
        self.findings_model.set_rows(findings)
        if not findings:
            if claim.status == "draft":
                self.findings_note.setText("Not scrubbed since it was built or last changed: press S to scrub.")
            else:
                self.findings_note.setText(f"No findings for {claim.claim_number}: nothing to fix.")
            self.findings_pages.setCurrentWidget(self.findings_note)
        else:
            self.findings_pages.setCurrentWidget(self.findings_pages.widget(1))
            keep = self.findings_model.index_of(previous.id) if previous else QModelIndex()
            self.findings_view.setCurrentIndex(keep if keep.isValid() else self.findings_model.first_finding())
        self._on_finding_changed()
        self.findings_shown.emit(claim.id)

    def current_finding(self) -> FindingRow | None:
        return self.findings_model.finding_at(self.findings_view.currentIndex())

    def focus_findings(self, *_args: object) -> None:
        """Enter on a claim: read its findings (the first one is current)."""
        if self.findings_model.rowCount() == 0:
            return
        if self.current_finding() is None:
            self.findings_view.setCurrentIndex(self.findings_model.first_finding())
        self.findings_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_finding_changed(self, *_args: object) -> None:
        finding = self.current_finding()
        if finding is None:
            self.finding_message.setText("")
        else:
            self.finding_message.setText(_finding_html(finding))
        self._update_actions()

    def _can_go(self, finding: FindingRow | None) -> bool:
        target = fix_target(finding.field) if finding else None
        claim = self._findings_claim
        if target is None or claim is None:
            return False
        return target.editor == "coding" or can_edit(target.field, claim.patient_id)

    def _update_actions(self) -> None:
        idle = self._action_job is None
        finding = self.current_finding()
        claim = self._findings_claim
        self.build_action.setEnabled(idle)
        self.scrub_all_action.setEnabled(idle and self.all_counts.get("unsent", 0) > 0)
        self.scrub_selected_action.setEnabled(idle and bool(self.table.selectionModel().selectedRows()))
        can_override = finding is not None and finding.overridden_by is None and claim is not None and claim.unsent
        self.override_action.setEnabled(idle and can_override)
        self.go_action.setEnabled(self._can_go(finding))
        self.override_button.setEnabled(self.override_action.isEnabled())
        self.go_button.setEnabled(self.go_action.isEnabled())
        self._update_send_actions(idle)

    def _update_send_actions(self, idle: bool) -> None:
        """Print and Export stay on while idle (pressed with nothing ready, they say why); the tooltip says
        which claims they would send. Correct and Void need one sent claim selected."""
        for action, key, method in (
            (self.print_action, "print_1500", "paper"),
            (self.export_action, "export_837p", "electronic"),
        ):
            action.setEnabled(idle)
            scope = self._send_scope(method)
            ready = self.all_counts.get(f"ready_{method}", 0)
            target = scope.words if scope.claim_ids is not None else f"{scope.words} ({ready:,})"
            verb = "Print or save the CMS-1500 forms of" if method == "paper" else "Export an 837P file of"
            action.setToolTip(f"{verb} {target} ({' or '.join(ACTIONS[key].keys)})")
        claim = self._follow_up_claim()
        for action, key in ((self.correct_action, "correct"), (self.void_action, "void")):
            action.setEnabled(idle and claim is not None)
            keys = " or ".join(ACTIONS[key].keys)
            if claim is not None:
                action.setToolTip(
                    f"{ACTIONS[key].does.replace('the selected sent claim', claim.claim_number)} ({keys})"
                )
            else:
                action.setToolTip(f"{ACTIONS[key].does} ({keys}): select one claim that was sent and is not a void")

    def _follow_up_claim(self) -> ClaimRow | None:
        """The one selected claim, when it can be corrected or voided: sent, and not itself a void."""
        selected = self.selected_claims()
        if len(selected) != 1:
            return None
        claim = selected[0]
        return claim if claim.status in SENT and claim.frequency_code != "8" else None

    # ------------------------------------------------------------------ actions

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def _run(
        self,
        title: str,
        work: Callable[[JobContext], Any],
        done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        writes: bool = True,
        error_title: str = "ClaimDesk",
    ) -> None:
        """One build, scrub or send at a time, with a progress dialog that can cancel it."""

        def finished(result: Any) -> None:
            self._action_job = None
            self._update_actions()
            done(result)

        def failed(exc: BaseException) -> None:
            self._action_job = None
            self._update_actions()
            if on_error is not None:
                on_error(exc)
            else:
                show_error(self, exc, error_title)

        self._action_job = run_job(self, title, work, finished, failed, writes=writes)
        self._update_actions()

    def build_claims(self) -> None:
        if self._action_job is not None:
            return
        claims = self.services.claims
        self._run("Building claims…", lambda ctx: claims.build_claims(ctx), self._on_built)

    def _on_built(self, result: BuildResult) -> None:
        built, self_pay = len(result.claim_ids), len(result.self_pay_encounter_ids)
        if not built and not self_pay:
            self.show_message("No encounters are ready to bill: nothing was built.")
            return
        text = f"Built {built:,} {'claim' if built == 1 else 'claims'} from the encounters ready to bill"
        if self_pay:
            text += f"; {self_pay:,} self-pay {'encounter' if self_pay == 1 else 'encounters'} went to the patient"
        self.show_message(text + ". Scrub them next (S).")
        self.services.bus.publish(Changes({"claim": frozenset(result.claim_ids), "encounter": frozenset()}))

    def scrub_unsent(self) -> None:
        if self.all_counts.get("unsent", 0) == 0:
            self.show_message("Every claim has been sent: there is nothing to scrub.")
            return
        self.scrub(None)

    def scrub_selected(self) -> None:
        ids = self.selected_claim_ids()
        if ids:
            self.scrub(ids)

    def scrub(self, claim_ids: list[int] | None) -> None:
        """Scrub these claims (None: every claim not sent yet) as a job the user can cancel."""
        if self._action_job is not None:
            return
        scrubber, today = self.services.scrubber, self.today
        self._run("Scrubbing claims…", lambda ctx: scrubber.scrub(claim_ids, ctx=ctx, today=today), self._on_scrubbed)

    def _on_scrubbed(self, report: ScrubReport) -> None:
        count = len(report.claims)
        attention = sum(1 for c in report.claims if c.status == "needs_attention")
        rate = f" ({report.clean_rate * 100:.1f}%)" if report.clean_rate is not None else ""
        self.show_message(
            f"Scrubbed {count:,} {'claim' if count == 1 else 'claims'}: {report.clean:,} clean{rate}, "
            f"{attention:,} {'needs' if attention == 1 else 'need'} attention."
        )
        self.services.bus.publish(Changes({"claim": frozenset(c.claim_id for c in report.claims)}))

    def go_to_field(self) -> None:
        """Open the place to fix the current finding: the Coding panel at the line or diagnosis, or the
        patient and coverage or practice editor at the field."""
        finding, claim = self.current_finding(), self._findings_claim
        target = fix_target(finding.field) if finding else None
        if finding is None or claim is None:
            return
        if target is None:
            self.show_message("This finding does not point at one field: read its hint, fix the claim, then scrub.")
            return
        if target.editor == "coding":
            self.coding_field_requested.emit(claim.encounter_id, target.field)
            return
        if not can_edit(target.field, claim.patient_id):
            self.show_message(f"{EDITOR_TITLES[target.editor]} cannot be edited here yet: {target.words}.")
            return
        if open_editor_for(self.services, target.field, claim.patient_id, self):
            self.scrub([claim.id])  # the fix is saved: check the claim again at once

    def override_finding(self) -> None:
        finding, claim = self.current_finding(), self._findings_claim
        if finding is None or claim is None or not self.override_action.isEnabled():
            return
        scrubber = self.services.scrubber

        def submit(reason: str) -> None:
            run_job(self, "Saving the override…", lambda _ctx: scrubber.override(finding.id, reason), done, failed)

        def done(row: FindingRow) -> None:
            dialog.finished_ok()
            self.show_message(f"Overridden on {claim.claim_number} by {row.overridden_by}: {row.override_reason}")
            self.services.bus.publish(Changes({"claim": frozenset({claim.id})}))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ClaimDeskError):
                dialog.show_problem(str(exc))  # e.g. the reason is too short: the dialog stays open
            else:
                dialog.reject()
                show_error(self, exc)

        dialog = OverrideDialog(claim.claim_number, finding, submit, self)
        self.override_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def show_payer_rules(self) -> None:
        dialog = PayerRulesDialog(self.services, self)
        self.payer_rules_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    # ------------------------------------------------------------------ sending: shared

    def _send_scope(self, method: str) -> SendScope:
        """The selected claims that are ready (any method: a biller may print an electronic claim on paper),
        or, when none of the selected is ready, every claim ready for this method."""
        selected = self.selected_claims()
        ready = [r.id for r in selected if r.status == "ready"]
        if ready:
            return SendScope(ready, _claims(len(ready), "selected claim"), len(selected) - len(ready))
        every = "every claim ready on paper" if method == "paper" else "every claim ready to send electronically"
        return SendScope(None, every, len(selected))

    def _explain_nothing_ready(self, method: str, selected: int) -> None:
        """Print or Export found nothing to send: say why, from the counts on screen, and what to do."""
        paper = method == "paper"
        queue = "Ready (paper)" if paper else "Ready (electronic)"
        nothing = f"Nothing to {'print' if paper else 'export'}: no claim is in “{queue}”"
        lines = [f"{nothing} and none of the selected is ready." if selected else f"{nothing}."]
        draft, attention = self.all_counts.get("draft", 0), self.all_counts.get("needs_attention", 0)
        other = self.all_counts.get("ready_electronic" if paper else "ready_paper", 0)
        if draft:
            lines.append(f"{_claims(draft, 'claim')} not scrubbed yet: scrub first (S).")
        if attention:
            verb = "needs" if attention == 1 else "need"
            lines.append(f"{_claims(attention, 'claim')} {verb} attention: fix or override the errors, then scrub.")
        if other and paper:
            lines.append(f"{_claims(other, 'claim')} ready to send electronically: select them to print on paper.")
        elif other:
            lines.append(f"{_claims(other, 'claim')} ready on paper: select them to send in an 837P file.")
        if len(lines) == 1:
            lines.append("Build claims from the encounters ready to bill (B), then scrub them (S).")
        self.show_message(" ".join(lines))
        QMessageBox.information(self, PRINT_TITLE if paper else EXPORT_TITLE, "\n\n".join(lines))

    def _publishing(self, claim_ids: list[int], work: Callable[[JobContext], Any]) -> Callable[[JobContext], Any]:
        """The work, then a change notice whatever happened: a cancelled export may have sent its first
        files, and a cancel that lands just after a batch was recorded drops the job's result, not the batch."""
        bus = self.services.bus

        def run(ctx: JobContext) -> Any:
            try:
                return work(ctx)
            finally:
                bus.publish(Changes({"claim": frozenset(claim_ids), "ledger": frozenset()}))

        return run

    # ------------------------------------------------------------------ sending: CMS-1500

    def print_forms(self) -> None:
        """Open the print dialog on the forms of the selected ready claims, or of every claim ready on paper."""
        if self._action_job is not None:
            return
        from ui.printing.form_print_dialog import NO_PRINTER
        from ui.printing.printer_offsets import read_offsets

        scope = self._send_scope("paper")
        submission, settings, today = self.services.submission, self.services.settings, self.today
        printers = list(self.printers) if self.printers is not None else QPrinterInfo.availablePrinterNames()

        def work(ctx: JobContext) -> PreparedForms | None:
            ctx.report(0, 2, "Finding the claims")
            ids = scope.claim_ids if scope.claim_ids is not None else submission.ready("paper")
            if not ids:
                return None
            submission.check_sendable(ids)
            ctx.report(1, 2, f"Laying out {_claims(len(ids), 'claim form')}")
            docs, pages = submission.forms(ids, signed_on=today)
            return PreparedForms(ids, docs, pages, printers, read_offsets(settings, [*printers, NO_PRINTER]))

        def done(prepared: PreparedForms | None) -> None:
            if prepared is None:
                self._explain_nothing_ready("paper", scope.left_out)
            else:
                self._open_print_dialog(scope, prepared)

        self._run("Preparing CMS-1500 forms…", work, done, writes=False, error_title=PRINT_TITLE)

    def _open_print_dialog(self, scope: SendScope, prepared: PreparedForms) -> None:
        from ui.printing.form_print_dialog import FormPrintDialog
        from ui.printing.printer_offsets import SettingsPrinterOffsets

        remembered = QSettings()
        offsets = SettingsPrinterOffsets(self.services.settings, prepared.offsets, self)
        last_printer = remembered.value(LAST_PRINTER_KEY, None)
        dialog = FormPrintDialog(
            prepared.pages,
            offsets,
            self,
            printers=prepared.printers,
            default_printer=last_printer
            if isinstance(last_printer, str) and last_printer in prepared.printers
            else None,
            mode=str(remembered.value(LAST_PRINT_MODE_KEY, "red")),
            save_forms=lambda path: self._save_forms(dialog, prepared, path),
        )
        count = len(prepared.claim_ids)
        what = scope.words if scope.claim_ids is not None else _claims(count, "claim") + " ready on paper"
        dialog.setWindowTitle(f"{PRINT_TITLE}: {what}, {_claims(len(prepared.pages), 'form')}")
        dialog.forms_printed.connect(lambda printer: self._record_printed(dialog, prepared, printer))

        def closed(_result: int) -> None:
            offsets.flush()
            offsets.deleteLater()
            QSettings().setValue(LAST_PRINT_MODE_KEY, dialog.mode())
            self._forget(dialog)

        dialog.finished.connect(closed)
        self.print_dialog = dialog
        if scope.left_out:
            self.show_message(
                f"{_claims(scope.left_out, 'selected claim')} {'is' if scope.left_out == 1 else 'are'} not ready "
                f"and {'is' if scope.left_out == 1 else 'are'} not in the print run."
            )
        dialog.open()

    def _record_printed(self, dialog: FormPrintDialog, prepared: PreparedForms, printer: str) -> None:
        """The forms went to the printer: record the claims as submitted on paper, in one batch."""
        QSettings().setValue(LAST_PRINTER_KEY, printer)
        submission, ids, on = self.services.submission, prepared.claim_ids, self.today
        dialog.set_busy(True, "Recording the printed claims as sent…")

        def done(batch_id: int) -> None:
            if isValid(dialog):
                dialog.accept()
            where = f"on {printer}" if printer else "on the printer"
            self._said_sent_on_paper(prepared, batch_id, f"Printed {_claims(len(ids), 'claim')} {where}")

        def failed(exc: BaseException) -> None:
            if isValid(dialog):
                dialog.set_busy(False, "The forms were printed but not recorded as sent.")
            parent = dialog if isValid(dialog) else self
            if isinstance(exc, ClaimDeskError):
                QMessageBox.warning(parent, PRINT_TITLE, f"The forms were printed, but not recorded as sent:\n\n{exc}")
            else:
                show_error(parent, exc, PRINT_TITLE)

        work = self._publishing(ids, lambda _ctx: submission.record_printed(ids, printer, on=on))
        self._run("Recording the printed claims…", work, done, failed)

    def _save_forms(self, dialog: FormPrintDialog, prepared: PreparedForms, path: Path) -> None:
        """Save PDF: the service writes the forms and records the claims as submitted on paper, together."""
        submission, ids, on = self.services.submission, prepared.claim_ids, self.today
        mode, offset = dialog.mode(), dialog.offset()
        dialog.set_busy(True, f"Writing {path.name}…")

        def done(result: PrintResult) -> None:
            if isValid(dialog):
                dialog.accept()
            name = result.file.name if result.file else path.name
            self._said_sent_on_paper(prepared, result.batch_id, f"Saved {_claims(result.claims, 'claim')} to {name}")

        def failed(exc: BaseException) -> None:
            if isValid(dialog):
                dialog.set_busy(False, "Nothing was saved or recorded.")
            show_error(dialog if isValid(dialog) else self, exc, PRINT_TITLE)

        work = self._publishing(ids, lambda ctx: submission.print_1500(ids, mode, path, offset, ctx=ctx, on=on))
        self._run("Saving CMS-1500 forms…", work, done, failed)

    def _said_sent_on_paper(self, prepared: PreparedForms, batch_id: int | None, what: str) -> None:
        batch = f", batch {batch_id}" if batch_id is not None else ""
        self.show_message(
            f"{what}: {_claims(len(prepared.pages), 'form')}, {format_money(prepared.total_charge_cents)}{batch}. "
            f"{'It is' if len(prepared.claim_ids) == 1 else 'They are'} now Submitted (paper)."
        )

    # ------------------------------------------------------------------ sending: 837P

    def export_837p(self) -> None:
        """Check the claims, ask where to write, then export them as a job; a summary lists each file."""
        if self._action_job is not None:
            return
        scope = self._send_scope("electronic")
        submission, settings = self.services.submission, self.services.settings

        def work(_ctx: JobContext) -> tuple[list[int], str] | None:
            ids = scope.claim_ids if scope.claim_ids is not None else submission.ready("electronic")
            if not ids:
                return None
            submission.check_sendable(ids)
            return ids, str(settings.get("x12.file_per"))

        def done(checked: tuple[list[int], str] | None) -> None:
            if checked is None:
                self._explain_nothing_ready("electronic", scope.left_out)
            else:
                self._ask_export_target(scope, *checked)

        self._run("Checking the claims…", work, done, writes=False, error_title=EXPORT_TITLE)

    def _ask_export_target(self, scope: SendScope, claim_ids: list[int], file_per: str) -> None:
        remembered = QSettings()
        folder = Path(str(remembered.value(EXPORT_FOLDER_KEY, str(Path.home()))))
        if not folder.is_dir():
            folder = Path.home()
        suggested = folder / f"837P-{self.today or dt.date.today():%Y%m%d}.txt"
        what = scope.words if scope.claim_ids is not None else _claims(len(claim_ids), "claim")
        per_payer = " (one file per payer)" if file_per == "payer" else ""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            f"Export {what} as 837P{per_payer}",
            str(suggested),
            "X12 837 files (*.txt *.837 *.x12);;All files (*)",
        )
        if not path:
            return
        target = Path(path)
        remembered.setValue(EXPORT_FOLDER_KEY, str(target.parent))
        submission = self.services.submission
        work = self._publishing(claim_ids, lambda ctx: submission.export_837p(claim_ids, target, ctx=ctx))
        self._run("Exporting 837P…", work, self._on_exported, error_title=EXPORT_TITLE)

    def _on_exported(self, results: list[ExportResult]) -> None:
        files = ", ".join(r.file.name for r in results)
        claims = sum(r.claims for r in results)
        self.show_message(
            f"{export_summary(results)}: {files}. {'It is' if claims == 1 else 'They are'} now Submitted (electronic)."
        )
        dialog = ExportSummaryDialog(results, self)
        self.export_summary_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    # ------------------------------------------------------------------ corrected and void claims

    def correct_claim(self) -> None:
        self._follow_up("correct")

    def void_claim(self) -> None:
        self._follow_up("void")

    def _follow_up(self, kind: str) -> None:
        claim = self._follow_up_claim()
        if claim is None or self._action_job is not None:
            return
        submission = self.services.submission
        create = submission.correct if kind == "correct" else submission.void

        def submit(reference: str | None) -> None:
            run_job(self, "Creating the claim…", lambda _ctx: create(claim.id, reference), done, failed)

        def done(new_id: int) -> None:
            if isValid(dialog):
                dialog.finished_ok()
            what = "corrected" if kind == "correct" else "void"
            self.show_message(
                f"Created {claim_number(new_id)}, a {what} claim for {claim.claim_number}. "
                "It is a draft: scrub it (S), then send it."
            )
            self._select_after_load = new_id
            self.services.bus.publish(Changes({"claim": frozenset({claim.id, new_id})}))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ClaimDeskError) and isValid(dialog):
                dialog.show_problem(str(exc))  # e.g. no payer claim number on file: type it and try again
                return
            if isValid(dialog):
                dialog.reject()
            show_error(self, exc)

        dialog = FollowUpClaimDialog(kind, claim, submit, self)
        self.follow_up_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _select_created(self) -> None:
        """After a reload: select the claim just created. When the filters hide it, show it by its number."""
        new_id = self._select_after_load
        if new_id is None:
            return
        if self.select_id(new_id):
            self._select_after_load = None
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        number = claim_number(new_id)
        if self.current_filter() == ClaimFilter(search=number):
            self._select_after_load = None  # shown by its number and still not there: give up quietly
            return
        self._reset_filters(number)

    def _forget(self, dialog: QDialog) -> None:
        """A closed dialog goes away (the attributes let tests reach the open one)."""
        if self.override_dialog is dialog:
            self.override_dialog = None
        if self.payer_rules_dialog is dialog:
            self.payer_rules_dialog = None
        if self.print_dialog is dialog:
            self.print_dialog = None
        if self.follow_up_dialog is dialog:
            self.follow_up_dialog = None
        if self.export_summary_dialog is dialog:
            self.export_summary_dialog = None
        dialog.deleteLater()

    # ------------------------------------------------------------------ changes

    def _on_changes(self, changes: Changes) -> None:
        if any(changes.touches(e) for e in REFRESH_ENTITIES):
            if changes.touches("provider") or changes.touches("payer"):
                self._choices_loaded = False
            self.reload_in_place()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_status_items"):
            self._paint_status_list()
        super().changeEvent(event)


def _claims(count: int, noun: str) -> str:
    """'1 claim', '2 claims', '1 selected claim'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _splitter(orientation: Qt.Orientation, *parts: tuple[QWidget, int]) -> QSplitter:
    """Panes side by side (or stacked), each taking spare room by its stretch, none collapsing to nothing."""
    split = QSplitter(orientation)
    for i, (widget, stretch) in enumerate(parts):
        split.addWidget(widget)
        split.setStretchFactor(i, stretch)
    split.setChildrenCollapsible(False)
    return split


def _finding_html(finding: FindingRow) -> str:
    target = fix_target(finding.field)
    parts = [f"<p><b>{html.escape(finding.message)}</b></p>"]
    if finding.fix_hint:
        parts.append(f"<p>How to fix: {html.escape(finding.fix_hint)}</p>")
    if target is not None:
        parts.append(f"<p>Fix in: {html.escape(target.words)}</p>")
    if finding.carc:
        words = f": {html.escape(finding.carc_description)}" if finding.carc_description else ""
        parts.append(f"<p>Prevents a denial with CARC {html.escape(finding.carc)}{words}</p>")
    if finding.overridden_by and finding.overridden_at:
        at = finding.overridden_at.replace(tzinfo=dt.UTC).astimezone()
        parts.append(
            f"<p>Overridden by {html.escape(finding.overridden_by)} on {at:%m/%d/%Y at %I:%M %p}: "
            f"{html.escape(finding.override_reason or '')}</p>"
        )
    return "".join(parts)
