"""Code lookup: search ICD-10-CM, HCPCS and CPT as you type, browse the ICD-10-CM chapters, and read a code in full."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable

from PySide6.QtCore import SIGNAL, QEvent, QItemSelectionModel, QMetaMethod, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import CodeDetail, SearchHit
from app.services.container import Services
from ui.jobs import Job, run_quiet
from ui.models.code_results_model import (
    SYSTEM_LABELS,
    CodeResultsTableModel,
    CodeTreeModel,
    CodeTreeSource,
    HitColumn,
    NodeKind,
)
from ui.widgets.code_detail_view import CodeDetailView

log = logging.getLogger("claimdesk.ui.codes")

SEARCH_DEBOUNCE_MS = 120
SEARCH_LIMIT = 50
STATUS_CLEAR_MS = 5000

# (label, system) in the order of the selector.
SYSTEM_CHOICES: tuple[tuple[str, str], ...] = (
    ("All code sets", "all"),
    ("ICD-10-CM", "icd10cm"),
    ("HCPCS", "hcpcs"),
    ("CPT", "cpt"),
)
COVERAGE_SYSTEMS: dict[str, tuple[str, ...]] = {
    "all": ("icd10cm", "hcpcs", "cpt"),
    "icd10cm": ("icd10cm",),
    "hcpcs": ("hcpcs",),
    "cpt": ("cpt",),
}

EMPTY_HINT = (
    "<p><b>Type a code or a few words.</b></p>"
    "<p>A code, with or without its dot: <code>E11.9</code>, <code>e119</code>, <code>J3420</code><br>"
    "Words from the description or the index: <i>type 2 diabetes</i>, <i>torus fracture radius</i><br>"
    "Abbreviations coders use: <code>DM2</code>, <code>HTN</code>, <code>CHF</code></p>"
    "<p>Down moves into the results, Enter reads a code, Ctrl+C copies it.</p>"
)

CODE_CHOSEN = SIGNAL("code_chosen(QString,QString)")


class SearchEdit(QLineEdit):
    """The search box: Down enters the results, Esc clears, Ctrl+C with nothing selected copies the code."""

    down_pressed = Signal()
    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.down_pressed.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Copy) and not self.hasSelectedText():
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ResultsView(QTableView):
    """Search results; Enter opens the current code, Up from the first row goes back to the search box."""

    row_activated = Signal(QModelIndex)
    up_from_top = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain and self.currentIndex().isValid():
            self.row_activated.emit(self.currentIndex())
            event.accept()
            return
        if event.key() == Qt.Key.Key_Up and self.currentIndex().row() <= 0:
            self.up_from_top.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CodeTreeView(QTreeView):
    """The ICD-10-CM tree; Enter on a code opens it, on a chapter or section opens or closes it."""

    node_activated = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain and self.currentIndex().isValid():
            self.node_activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class CodeLookupPanel(QWidget):
    """Look codes up and read them. Emits `code_chosen(code, system)` on "Use code" (Ctrl+Enter)."""

    code_chosen = Signal(str, str)
    results_shown = Signal()  # a search's results are on screen
    detail_shown = Signal()  # a code's details are on screen

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.codesets = services.codesets
        self._today = today
        self._accepts_codes = False
        self._search_job: Job[list[SearchHit]] | None = None
        self._detail_job: Job[CodeDetail | None] | None = None
        self._coverage_job: Job[list[str]] | None = None
        self._shown_query: tuple[str, str] | None = None
        self._open_when_ready = False

        self._build_banner()
        self._build_search_bar()
        self._build_results()
        self._build_tree()

        self.detail_view = CodeDetailView()
        self.detail_view.show_message("Search for a code, or browse the ICD-10-CM tree, then press Enter to read it.")
        self.detail_view.code_requested.connect(self.open_code)
        self.detail_view.code_chosen.connect(self.code_chosen)
        self.detail_view.copied.connect(lambda code: self._say(f"Copied {code} to the clipboard."))

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._results_page, "&Results")
        self.tabs.addTab(self.tree, "ICD-10-CM &tree")
        self.tabs.currentChanged.connect(self._on_tab_changed)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.detail_view)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([620, 520])

        self.count_label = QLabel()
        self.status_label = QLabel()
        footer = QHBoxLayout()
        footer.setContentsMargins(2, 0, 2, 0)
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.status_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addLayout(self.search_bar)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(footer)
        self.setFocusProxy(self.search_edit)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(STATUS_CLEAR_MS)
        self._status_timer.timeout.connect(self.status_label.clear)

        self.search_edit.textChanged.connect(self._on_search_text)
        self.search_edit.returnPressed.connect(self._on_search_return)
        self.search_edit.down_pressed.connect(self.focus_results)
        self.search_edit.copy_requested.connect(self.copy_code)
        self.system_combo.currentIndexChanged.connect(self._on_system_changed)

        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self, self.copy_code)
        copy.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            use = QShortcut(QKeySequence(keys), self, self.use_code)
            use.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self._show_results_state()
        self.refresh_coverage()

    # ------------------------------------------------------------------ building

    def _build_banner(self) -> None:
        self.banner = QFrame()
        self.banner.setObjectName("coverage_banner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.banner.setAutoFillBackground(True)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 6, 10, 6)
        title = QLabel("<b>Code sets:</b>")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(title, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.banner_label, 1)
        self.banner.hide()

    def _build_search_bar(self) -> None:
        self.search_edit = SearchEdit()
        self.search_edit.setPlaceholderText("Code, words or abbreviation: E11.9, e119, type 2 diabetes, DM2 (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search codes")
        self.search_edit.setMinimumWidth(self.search_edit.fontMetrics().horizontalAdvance("x" * 48))

        self.system_combo = QComboBox()
        self.system_combo.setAccessibleName("Code set")
        for label, system in SYSTEM_CHOICES:
            self.system_combo.addItem(label, system)
        system_label = QLabel("Code &set")
        system_label.setBuddy(self.system_combo)

        self.search_bar = QHBoxLayout()
        self.search_bar.setSpacing(8)
        self.search_bar.addWidget(self.search_edit, 1)
        self.search_bar.addSpacing(8)
        self.search_bar.addWidget(system_label)
        self.search_bar.addWidget(self.system_combo)

    def _build_results(self) -> None:
        self.model = CodeResultsTableModel(self)
        self.table = ResultsView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setAccessibleName("Matching codes")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        char = self.table.fontMetrics().averageCharWidth()
        # The description takes the spare room. The status column shows "Billable" in full and the start of
        # "Header — pick a child" (whole in its tooltip and in the detail pane), so descriptions stay readable.
        widths = {HitColumn.CODE: 9, HitColumn.DESCRIPTION: 30, HitColumn.BILLABLE: 12, HitColumn.WHY: 18}
        for i, column in enumerate(self.model.columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(i, widths[column] * char + 24)
        header.setSectionResizeMode(self.model.columns.index(HitColumn.DESCRIPTION), QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(8 * char)
        self.table.row_activated.connect(self._on_result_activated)
        self.table.doubleClicked.connect(self._on_result_activated)
        self.table.up_from_top.connect(self.focus_search)
        self.table.selectionModel().currentRowChanged.connect(self._on_result_row_changed)

        self.empty_label = QLabel(EMPTY_HINT)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMargin(16)
        self.empty_frame = QFrame()
        self.empty_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.empty_frame.setBackgroundRole(QPalette.ColorRole.Base)
        self.empty_frame.setAutoFillBackground(True)
        empty_layout = QVBoxLayout(self.empty_frame)
        empty_layout.addWidget(self.empty_label)

        self._results_page = QStackedWidget()
        self._results_page.addWidget(self.table)
        self._results_page.addWidget(self.empty_frame)

    def _build_tree(self) -> None:
        self.tree_model = CodeTreeModel(CodeTreeSource(self.codesets).load, self)
        self.tree_model.load_failed.connect(lambda _exc: self._say("Part of the ICD-10-CM tree could not be loaded."))
        self.tree = CodeTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAccessibleName("ICD-10-CM chapters")
        self.tree.header().setStretchLastSection(True)
        # Room for "S52.521A" six levels deep, with its dot.
        self.tree.setIndentation(14)
        self.tree.header().resizeSection(0, self.tree.fontMetrics().averageCharWidth() * 10 + 6 * 14 + 40)
        self.tree.node_activated.connect(self._on_tree_activated)
        self.tree.doubleClicked.connect(self._on_tree_double_clicked)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)

    # ------------------------------------------------------------------ search

    @property
    def system(self) -> str:
        return str(self.system_combo.currentData())

    def set_system(self, system: str) -> None:
        index = self.system_combo.findData(system)
        if index >= 0:
            self.system_combo.setCurrentIndex(index)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def focus_results(self) -> None:
        if self._search_timer.isActive():
            self.run_search()
        if self.model.rowCount() == 0:
            return
        self.tabs.setCurrentWidget(self._results_page)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        row = max(self.table.currentIndex().row(), 0)
        self._select_row(row)
        self._open_hit(self.model.hit_at(row))

    @property
    def searching(self) -> bool:
        return self._search_job is not None or self._search_timer.isActive()

    def _on_search_text(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self._cancel_search()
            self._shown_query = None
            self.model.set_rows([])
            self._show_results_state()

    def _on_system_changed(self, _index: int) -> None:
        self.refresh_coverage()
        if self.search_edit.text().strip():
            self.run_search()

    def _on_search_return(self) -> None:
        if self.searching:
            self._open_when_ready = True
            if self._search_timer.isActive():
                self.run_search()
            return
        self._open_current_hit()

    def run_search(self) -> None:
        """Search now for what the box says (the debounce timer calls this too)."""
        self._search_timer.stop()
        self._cancel_search()
        query, system = self.search_edit.text().strip(), self.system
        if not query:
            return
        codesets = self.codesets
        self._search_job = run_quiet(
            self,
            lambda _ctx: codesets.search(query, system, SEARCH_LIMIT),
            lambda hits: self._on_hits(query, system, hits),
            self._on_search_failed,
        )

    def _cancel_search(self) -> None:
        if self._search_job is not None:
            self._search_job.cancel()
            self._search_job = None

    def _on_hits(self, query: str, system: str, hits: list[SearchHit]) -> None:
        self._search_job = None
        if (query, system) != (self.search_edit.text().strip(), self.system):
            return
        self._shown_query = (query, system)
        self.model.set_rows(hits)
        if hits:
            self._select_row(0)
        self._show_results_state()
        self.tabs.setCurrentWidget(self._results_page)
        self.results_shown.emit()
        if self._open_when_ready:
            self._open_when_ready = False
            self._open_current_hit()

    def _on_search_failed(self, exc: BaseException) -> None:
        self._search_job = None
        self._open_when_ready = False
        self.count_label.setText("The search could not run. The details were written to ClaimDesk's log file.")

    def _show_results_state(self) -> None:
        count = self.model.rowCount()
        if self._shown_query is None:
            self.empty_label.setText(EMPTY_HINT)
            self._results_page.setCurrentWidget(self.empty_frame)
            self.count_label.setText("")
            return
        query, system = self._shown_query
        where = "any code set" if system == "all" else SYSTEM_LABELS.get(system, system)
        if count == 0:
            self.empty_label.setText(
                f"<p><b>No codes match “{html.escape(query)}” in {where}.</b></p>"
                "<p>Try fewer words, part of a code (<code>E11</code>), or another code set.</p>"
            )
            self._results_page.setCurrentWidget(self.empty_frame)
            self.count_label.setText("No matches")
            return
        self._results_page.setCurrentWidget(self.table)
        if count >= SEARCH_LIMIT:
            self.count_label.setText(f"The best {count} matches in {where}; type more to narrow them")
        else:
            self.count_label.setText(f"{count} {'match' if count == 1 else 'matches'} in {where}")

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def current_hit(self) -> SearchHit | None:
        index = self.table.currentIndex()
        return self.model.hit_at(index.row()) if index.isValid() else None

    def _open_current_hit(self) -> None:
        hit = self.current_hit() or self.model.hit_at(0)
        if hit is not None:
            self._open_hit(hit, focus_detail=False)

    def _on_result_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # Arrowing through the results reads each one; typing only moves the highlight.
        if self.table.hasFocus() and current.isValid():
            self._open_hit(self.model.hit_at(current.row()))

    def _on_result_activated(self, index: QModelIndex) -> None:
        self._open_hit(self.model.hit_at(index.row()), focus_detail=True)

    def _open_hit(self, hit: SearchHit | None, focus_detail: bool = False) -> None:
        if hit is not None:
            self.open_code(hit.code, hit.system, focus_detail=focus_detail)

    # ------------------------------------------------------------------ tree

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.tree and self.tree_model.canFetchMore(QModelIndex()):
            self.tree_model.fetchMore(QModelIndex())

    def _tree_code(self, index: QModelIndex) -> str | None:
        node = self.tree_model.node(index)
        return node.key if index.isValid() and node.kind is NodeKind.CODE else None

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        code = self._tree_code(current)
        if code and self.tree.hasFocus():
            self.open_code(code, "icd10cm")

    def _on_tree_activated(self, index: QModelIndex) -> None:
        code = self._tree_code(index)
        if code:
            self.open_code(code, "icd10cm", focus_detail=True)
        else:
            first = index.siblingAtColumn(0)
            self.tree.setExpanded(first, not self.tree.isExpanded(first))

    def _on_tree_double_clicked(self, index: QModelIndex) -> None:
        # A double-click on a chapter or section already opens or closes it.
        code = self._tree_code(index)
        if code:
            self.open_code(code, "icd10cm", focus_detail=True)

    # ------------------------------------------------------------------ detail

    def open_code(self, code: str, system: str | None = None, focus_detail: bool = False) -> None:
        """Load one code's details into the pane on the right."""
        if self._detail_job is not None:
            self._detail_job.cancel()
        codesets = self.codesets

        def done(detail: CodeDetail | None) -> None:
            self._detail_job = None
            if detail is None:
                label = SYSTEM_LABELS.get(system or "", "the loaded code sets")
                self.detail_view.show_message(f"{html.escape(code)} is not in {label}.")
            else:
                self._update_use_available()
                self.detail_view.show_detail(detail)
                if focus_detail:
                    self.detail_view.focus_first_control()
            self.detail_shown.emit()

        def failed(exc: BaseException) -> None:
            self._detail_job = None
            self.detail_view.show_message(
                f"The details of {html.escape(code)} could not be loaded. "
                "The technical details were written to ClaimDesk's log file."
            )

        self._detail_job = run_quiet(self, lambda _ctx: codesets.detail(code, system), done, failed)

    @property
    def loading_detail(self) -> bool:
        return self._detail_job is not None

    # ------------------------------------------------------------------ copy and use

    def copy_code(self) -> None:
        """Ctrl+C: the code being read (with its 7th character), else the highlighted result."""
        if self.detail_view.detail is not None:
            self.detail_view.copy_code()
            return
        hit = self.current_hit()
        if hit is not None:
            QGuiApplication.clipboard().setText(hit.code)
            self._say(f"Copied {hit.code} to the clipboard.")

    def use_code(self) -> None:
        """Ctrl+Enter: hand the code being read to whatever takes codes (the coding panel)."""
        self._update_use_available()
        if not self.detail_view.use_code() and self.detail_view.detail is not None and self._can_take_codes():
            self._say(f"{self.detail_view.detail.code} is a header, not a billable code: pick one of its codes.")

    @property
    def accepts_codes(self) -> bool:
        return self._accepts_codes

    @accepts_codes.setter
    def accepts_codes(self, value: bool) -> None:
        """The main window says whether chosen codes go anywhere; "Use code" shows only then."""
        self._accepts_codes = value
        self._update_use_available()

    def _can_take_codes(self) -> bool:
        return self._accepts_codes or self.receivers(CODE_CHOSEN) > 0

    def _update_use_available(self) -> None:
        self.detail_view.set_use_available(self._can_take_codes())

    def connectNotify(self, signal: QMetaMethod) -> None:
        super().connectNotify(signal)
        if bytes(signal.name().data()) == b"code_chosen":
            QTimer.singleShot(0, self, self._update_use_available)

    def disconnectNotify(self, signal: QMetaMethod) -> None:
        super().disconnectNotify(signal)
        if bytes(signal.name().data()) == b"code_chosen":
            QTimer.singleShot(0, self, self._update_use_available)

    # ------------------------------------------------------------------ coverage

    def refresh_coverage(self) -> None:
        """Say calmly when today's date falls outside every loaded release of the chosen code sets."""
        if self._coverage_job is not None:
            self._coverage_job.cancel()
        codesets, day, systems = self.codesets, self._today(), COVERAGE_SYSTEMS.get(self.system, ())

        def work(_ctx: object) -> list[str]:
            return [w for w in (codesets.coverage_warning(s, day) for s in systems) if w]

        def done(warnings: list[str]) -> None:
            self._coverage_job = None
            self.banner_label.setText("<br>".join(html.escape(w) for w in warnings))
            self.banner_label.setToolTip(f"Checked for today, {day:%m/%d/%Y}")
            self.banner.setVisible(bool(warnings))

        def failed(exc: BaseException) -> None:
            self._coverage_job = None
            log.warning("coverage check failed: %s", type(exc).__name__)

        self._coverage_job = run_quiet(self, work, done, failed)

    # ------------------------------------------------------------------ status

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self._status_timer.start()

    def showEvent(self, event: QEvent) -> None:  # type: ignore[override]
        self._update_use_available()
        super().showEvent(event)
