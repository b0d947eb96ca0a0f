"""The Claims panel: every claim by status; build claims from ready encounters, scrub them, read a claim's
findings beside it, go to the field to fix, override with a reason, and see the clean-claim rate."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

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
from app.errors import ClaimDeskError
from app.services.changes import Changes
from app.services.claims import BuildResult
from app.services.container import Services
from app.services.jobs import JobContext
from app.services.scrubber import EditionStatus, FindingRow, ScrubReport
from ui.bus import subscribe
from ui.dialogs.editors import can_edit, open_editor_for
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

REFRESH_ENTITIES = ("claim", "encounter", "patient", "coverage", "provider", "payer", "practice")
NO_CLAIMS = "No claims yet — build them from ready encounters (B)"
SELECT_A_CLAIM = "Select a claim to read its scrub findings."

# Starting widths in average character widths.
_COLUMN_CHARS: dict[ClaimColumn, int] = {
    ClaimColumn.CLAIM: 11,
    ClaimColumn.PATIENT: 15,
    ClaimColumn.ACCOUNT: 6,
    ClaimColumn.DATE_OF_SERVICE: 13,
    ClaimColumn.PAYER: 14,
    ClaimColumn.STATUS: 15,
    ClaimColumn.ERRORS: 4,
    ClaimColumn.WARNINGS: 6,
    ClaimColumn.CHARGES: 8,
    ClaimColumn.METHOD: 8,
    ClaimColumn.PROVIDER: 13,
}


@dataclass(frozen=True)
class ActionSpec:
    text: str
    keys: tuple[str, ...]
    does: str


# The panel's actions, declared once: the toolbar, the keys and Help > Keyboard shortcuts all read this.
ACTIONS: dict[str, ActionSpec] = {
    "build": ActionSpec("Build claims", ("B",), "Build claims from the encounters ready to bill"),
    "scrub_all": ActionSpec("Scrub unsent", ("S", "F5"), "Scrub every claim not sent yet"),
    "scrub_selected": ActionSpec("Scrub selected", ("Shift+S",), "Scrub the selected claims"),
    "go_to_field": ActionSpec("Go to field", (), "Open the place to fix the current finding"),
    "override": ActionSpec("Override…", ("O",), "Let the current finding through, with a reason"),
    "payer_rules": ActionSpec("Payer rules…", (), "The practice's own checks for each payer"),
}
CLAIMS_SHORTCUTS: list[tuple[str, str]] = [
    *((" or ".join(a.keys), f"Claims: {a.does[0].lower()}{a.does[1:]}") for a in ACTIONS.values() if a.keys),
    ("Enter or double-click", "Claims: read the claim's findings; on a finding, go to the field to fix it"),
    ("Esc", "Claims: from the findings back to the claims"),
    ("Ctrl+F", "Claims: search by patient name, account or claim number"),
]


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
        self.override_dialog: OverrideDialog | None = None
        self.payer_rules_dialog: PayerRulesDialog | None = None

        self._build_actions()
        self._build_header()
        self._build_status_list()
        self._build_filter_bar()
        self._build_list(
            "Claims", _COLUMN_CHARS, selection=QAbstractItemView.SelectionMode.ExtendedSelection, min_chars=4
        )
        self.table.row_activated.connect(self.focus_findings)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_actions())
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
        spec = ACTIONS[key]
        action = QAction(spec.text, self)
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        # Plain letters reach these only outside text fields: a line edit takes its typed characters first.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{spec.does} ({', '.join(spec.keys)})" if spec.keys else spec.does)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.build_action = self._action("build", self.build_claims)
        self.scrub_all_action = self._action("scrub_all", self.scrub_unsent)
        self.scrub_selected_action = self._action("scrub_selected", self.scrub_selected)
        self.go_action = self._action("go_to_field", self.go_to_field)
        self.override_action = self._action("override", self.override_finding)
        self.payer_rules_action = self._action("payer_rules", self.show_payer_rules)
        self.toolbar = QToolBar("Claims")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setFloatable(False)
        self.toolbar.setMovable(False)
        for group in (
            (self.build_action, self.scrub_all_action, self.scrub_selected_action),
            (self.go_action, self.override_action),
            (self.payer_rules_action,),
        ):
            if self.toolbar.actions():
                self.toolbar.addSeparator()
            for action in group:
                self.toolbar.addAction(action)
        for button in self.toolbar.findChildren(QToolButton):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab moves between lists and fields; keys reach these

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
        widgets = (self.search_edit, self.payer_combo, self.provider_combo, self.errors_check, self.status_list)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.search_edit.clear()
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
        self.refreshed.emit()

    # ------------------------------------------------------------------ selection and findings

    def selected_claim_ids(self) -> list[int]:
        rows = (self.model.row_at(i.row()) for i in self.table.selectionModel().selectedRows())
        return sorted(r.id for r in rows if r is not None)

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

    # ------------------------------------------------------------------ actions

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def _run(self, title: str, work: Callable[[JobContext], Any], done: Callable[[Any], None]) -> None:
        """One build or scrub at a time, with a progress dialog that can cancel it."""

        def finished(result: Any) -> None:
            self._action_job = None
            self._update_actions()
            done(result)

        def failed(exc: BaseException) -> None:
            self._action_job = None
            self._update_actions()
            show_error(self, exc)

        self._action_job = run_job(self, title, work, finished, failed)
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

    def _forget(self, dialog: QDialog) -> None:
        """A closed dialog goes away (the attributes let tests reach the open one)."""
        if self.override_dialog is dialog:
            self.override_dialog = None
        if self.payer_rules_dialog is dialog:
            self.payer_rules_dialog = None
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
