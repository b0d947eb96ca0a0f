"""The Payments panel: post a stack of paper EOBs by keyboard (one check is a batch that must balance), import
835 files, and match the 835 payments that found no claim. Each gesture is one service call run as a job;
what changed goes out on the change bus so the Claims panel follows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.eob_entry import (
    STATUS_LABELS,
    automatic_status,
    claim_posting,
    money_flow,
    paid_total,
    parse_amount,
    parse_day,
    posted_words,
    underpayment_words,
)
from app.domain.money import format_money, to_cents
from app.domain.posting import ClaimPostingIn
from app.domain.worklist import Choice
from app.errors import ClaimDeskError, ValidationError
from app.services.changes import Changes
from app.services.claims import claim_number
from app.services.container import Services
from app.services.era_posting import EraImportResult, UnmatchedPayment
from app.services.jobs import JobContext
from app.services.paper_posting import BatchState, ClaimForPosting, PostedClaim
from ui.bus import subscribe
from ui.dialogs.era_import_result import EraImportResultDialog, import_words
from ui.dialogs.match_payment import MatchPaymentDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.jobs import Job, run_job, run_quiet, show_error
from ui.models.eob_lines_model import EobColumn, EobLinesTableModel
from ui.models.paged_model import format_date, palette_is_dark
from ui.models.payment_rows_model import (
    CLAIM_HIT_COLUMNS,
    POSTED_COLUMNS,
    UNMATCHED_COLUMNS,
    PostedRow,
    RowsTableModel,
)
from ui.widgets.banner import ERROR_TEXT, problem_label
from ui.widgets.eob_grid import EobGridView
from ui.widgets.filter_bar import focus_search, labelled, search_box
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.panel_actions import ActionSpec, make_action, shortcut_rows, text_toolbar
from ui.widgets.row_table import RowTableView

REFRESH_ENTITIES = ("remittance", "claim", "payer")
IMPORT_TITLE = "Import 835"
FINISH_TITLE = "Finish batch"
IMPORT_FOLDER_KEY = "payments/import_folder"
REMIT_FOLDER_KEY = "payments/remittance_folder"
PDF_FILTER = "PDF files (*.pdf)"
ERA_FILTER = "835 files (*.835 *.txt *.x12 *.edi *.era *.rmt);;All files (*)"
NO_BATCH = "Start a batch for the check above (or resume an open one) to post its claims."
FIND_A_CLAIM = "Find the claim on the EOB: patient 'smith, jo', account, claim number or date of service."
NO_UNMATCHED = "No 835 payments are waiting to be matched. Payments an import cannot match to a claim wait here."
SEQUENCE_WORDS = {1: "secondary", 2: "tertiary"}
TIP = Qt.ItemDataRole.ToolTipRole
METHODS = (("Check", "CHK"), ("EFT", "ACH"), ("No payment", "NON"))
ALL_PAYERS = "Choose the payer…"


# The panel's actions, declared once: the toolbar, the keys and Help > Keyboard shortcuts all read this.
ACTIONS: dict[str, ActionSpec] = {
    "import_835": ActionSpec(
        "Import 835…", ("Ctrl+I",), "Import an 835 ERA file: post it, queue what cannot be matched"
    ),
    "post_claim": ActionSpec(
        "Post claim", ("Ctrl+Return", "Ctrl+Enter"), "Post the claim on screen, then find the next one"
    ),
    "finish_batch": ActionSpec("Finish batch…", ("Ctrl+Shift+F",), "Close the batch once the check is fully applied"),
    "undo_posting": ActionSpec("Undo posting…", (), "Reverse the selected posting of this batch, with the reason"),
    "match_claim": ActionSpec("Match to claim…", (), "Post the selected waiting 835 payment to the claim it pays"),
    "show_eobs": ActionSpec("Paper EOBs", ("Ctrl+Shift+P",), "Show the paper EOB posting"),
    "show_unmatched": ActionSpec("Unmatched", ("Ctrl+Shift+M",), "Show the 835 payments waiting to be matched"),
}
PAYMENTS_SHORTCUTS: list[tuple[str, str]] = [
    *shortcut_rows("Payments", ACTIONS),
    ("Ctrl+F", "Payments: find the claim on the EOB (Enter picks the one hit, or goes to the list)"),
    ("Tab / Shift+Tab, Enter", "Payments: next / previous amount to type on the EOB grid"),
    ("Home / End, Delete", "Payments: the line's first / last amount; clear a cell"),
]


class PaymentsPanel(QWidget):
    """Paper EOBs by the batch, 835 import, and the unmatched queue."""

    refreshed = Signal()  # payers, open batches and the unmatched queue are on screen
    claim_shown = Signal(int)  # the claim now on the EOB grid
    posted = Signal(int)  # the claim payment just posted
    batch_changed = Signal()  # a batch was started, resumed, changed or finished

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.batch: BatchState | None = None
        self.claim: ClaimForPosting | None = None
        self.loading = False
        self._payers_loaded = False
        self._open_batches: dict[int, BatchState] = {}
        self._posted: dict[int, list[PostedRow]] = {}  # batch -> claims posted in it since the panel opened
        self._load_job: Job[dict[str, Any]] | None = None
        self._search_job: Job[list[ClaimForPosting]] | None = None
        self._action_job: Job[Any] | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.match_dialog: MatchPaymentDialog | None = None
        self.import_dialog: EraImportResultDialog | None = None
        self.finish_box: QMessageBox | None = None
        self.unbalanced_box: QMessageBox | None = None
        self.import_path: Path | None = None  # the file chosen last
        self._codes: tuple[dict[str, str], dict[str, str]] | None = None  # CARC and RARC descriptions

        self._build_actions()
        self.message_label = QLabel()
        self.message_label.setObjectName("payments_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        self._build_header()
        self._build_claim_box()
        self._build_posted_box()
        self._build_unmatched_page()

        eob_page = QWidget()
        eob_layout = QVBoxLayout(eob_page)
        eob_layout.setContentsMargins(0, 6, 0, 0)
        eob_layout.setSpacing(6)
        eob_layout.addWidget(self.header_box)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.claim_box)
        split.addWidget(self.posted_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        # The claim and the postings share the height left under the header, never less than they need to be
        # read; in a window too short for that the page scrolls (and the window is never made taller for it).
        split.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.split = split
        eob_layout.addWidget(split, 1)
        eob_scroll = QScrollArea()
        eob_scroll.setObjectName("eob_page")
        eob_scroll.setWidget(eob_page)
        eob_scroll.setWidgetResizable(True)
        eob_scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("payments_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(eob_scroll, "Paper EOBs")
        self.tabs.addTab(self.unmatched_page, "Unmatched 835 payments")
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)

        self._set_tab_order()
        self._fit_split()
        subscribe(services.bus, self, self._on_changes)
        self._show_batch(None)
        self.reload()

    # ------------------------------------------------------------------ building

    def _action(self, key: str, slot: Callable[[], None]) -> QAction:
        return make_action(self, key, ACTIONS[key], slot)

    def _build_actions(self) -> None:
        self.import_action = self._action("import_835", self.import_835)
        self.post_action = self._action("post_claim", self.post_claim)
        self.finish_action = self._action("finish_batch", self.finish_batch)
        self.undo_action = self._action("undo_posting", self.undo_posting)
        self.match_action = self._action("match_claim", self.match_selected)
        self._action("show_eobs", lambda: self.tabs.setCurrentIndex(0))
        self._action("show_unmatched", lambda: self.show_unmatched())
        self.toolbar = text_toolbar(
            "Payments",
            (self.import_action,),
            (self.post_action, self.finish_action, self.undo_action),
            (self.match_action,),
        )

    def _build_header(self) -> None:
        """The check: typed once per batch. While a batch is open it shows what is applied and what is not."""
        self.payer_combo = QComboBox()
        self.payer_combo.setObjectName("payer")
        self.payer_combo.setAccessibleName("Payer")
        self.payer_combo.setEditable(True)
        self.payer_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.payer_combo.lineEdit().setPlaceholderText(ALL_PAYERS)
        self.payer_combo.setMinimumContentsLength(22)
        completer = QCompleter(self.payer_combo.model(), self.payer_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.payer_combo.setCompleter(completer)
        self.payer_combo.setToolTip("Type part of the payer's name; Tab takes the one payer it matches")
        self.payer_combo.lineEdit().editingFinished.connect(lambda: self._settle_payer())

        self.method_combo = QComboBox()
        self.method_combo.setObjectName("method")
        self.method_combo.setAccessibleName("Payment method")
        for text, code in METHODS:
            self.method_combo.addItem(text, code)
        self.check_edit = self._header_edit("check_number", "Check or EFT number", "e.g. 0012345", 50)
        self.check_date_edit = self._header_edit("check_date", "Check date", "MM/DD/YYYY", 10)
        self.check_date_edit.setText(f"{dt.date.today():%m/%d/%Y}")
        self.amount_edit = self._header_edit("check_amount", "Check amount", "0.00", 16)
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.deposit_date_edit = self._header_edit("deposit_date", "Deposit date", "MM/DD/YYYY", 10)
        self.deposit_date_edit.setToolTip("When the check went to the bank (optional)")
        self.batch_name_edit = self._header_edit("batch_name", "Batch name", "optional", 60)
        self.batch_name_edit.setToolTip("A name to find the batch by, e.g. Monday mail (optional)")
        self.start_button = QPushButton("&Start batch")
        self.start_button.setObjectName("start_batch")
        self.start_button.setAutoDefault(False)
        self.start_button.clicked.connect(self.start_batch)
        self.resume_combo = QComboBox()
        self.resume_combo.setObjectName("open_batches")
        self.resume_combo.setAccessibleName("Open batches")
        self.resume_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.resume_combo.setMinimumContentsLength(40)
        self.resume_button = QPushButton("&Resume")
        self.resume_button.setObjectName("resume_batch")
        self.resume_button.setAutoDefault(False)
        self.resume_button.setToolTip("Carry on posting the chosen open batch")
        self.resume_button.clicked.connect(self.resume_batch)
        self.header_problem = problem_label("header_problem")

        char = self.fontMetrics().averageCharWidth()
        for edit, chars in (
            (self.check_edit, 16),
            (self.check_date_edit, 12),
            (self.amount_edit, 12),
            (self.deposit_date_edit, 12),
            (self.batch_name_edit, 20),
        ):
            edit.setFixedWidth(chars * char + 16)
        # The fields wrap onto more lines in a narrow window, each label staying with its field.
        entry = QWidget()
        fields = QWidget()
        flow = FlowLayout(fields, h_spacing=16, v_spacing=6)
        for text, widget in (
            ("Pa&yer", self.payer_combo),
            ("&Method", self.method_combo),
            ("Check/EFT &number", self.check_edit),
            ("Check &date", self.check_date_edit),
            ("Check &amount", self.amount_edit),
            ("De&posit date", self.deposit_date_edit),
            ("&Batch name", self.batch_name_edit),
        ):
            flow.addWidget(labelled(text, widget))
        flow.addWidget(self.start_button)
        self.resume_label = QLabel("Or resume an open batch:")
        self.resume_label.setBuddy(self.resume_combo)
        resume = QWidget()
        resume_flow = FlowLayout(resume, h_spacing=8, v_spacing=6)
        resume_flow.addWidget(self.resume_label)
        resume_flow.addWidget(self.resume_combo)
        resume_flow.addWidget(self.resume_button)
        entry_layout = QVBoxLayout(entry)
        entry_layout.setContentsMargins(0, 0, 0, 0)
        entry_layout.addWidget(fields)
        entry_layout.addWidget(resume)
        entry_layout.addWidget(self.header_problem)

        self.batch_title = QLabel()
        self.batch_title.setObjectName("batch_title")
        font = self.batch_title.font()
        font.setBold(True)
        self.batch_title.setFont(font)
        self.batch_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.amounts_label = QLabel()
        self.amounts_label.setObjectName("batch_amounts")
        self.unapplied_label = QLabel()
        self.unapplied_label.setObjectName("unapplied")
        self.unapplied_label.setWordWrap(True)
        self.new_check_button = QPushButton("New chec&k")
        self.new_check_button.setObjectName("new_check")
        self.new_check_button.setAutoDefault(False)
        self.new_check_button.setToolTip("Enter another check; this batch stays open to resume")
        self.new_check_button.clicked.connect(self.new_check)
        self.finish_button = QPushButton("F&inish batch…")
        self.finish_button.setObjectName("finish_batch")
        self.finish_button.setAutoDefault(False)
        self.finish_button.setToolTip(ACTIONS["finish_batch"].does + " (Ctrl+Shift+F)")
        self.finish_button.clicked.connect(self.finish_batch)
        active = QWidget()
        active_layout = QGridLayout(active)
        active_layout.setContentsMargins(0, 0, 0, 0)
        active_layout.setVerticalSpacing(2)
        active_layout.addWidget(self.batch_title, 0, 0)
        active_layout.addWidget(self.amounts_label, 1, 0)
        active_layout.addWidget(self.unapplied_label, 2, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_check_button)
        buttons.addWidget(self.finish_button)
        active_layout.addLayout(buttons, 0, 1, 3, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        active_layout.setColumnStretch(0, 1)
        active_layout.setRowStretch(3, 1)

        # Typing a check, or the batch being posted: one shows at a time, and the box is as tall as it.
        self.entry_page, self.active_page = entry, active
        self.header_box = QGroupBox("Check")
        box = QVBoxLayout(self.header_box)
        box.addWidget(entry)
        box.addWidget(active)

    def _header_edit(self, name: str, accessible: str, placeholder: str, length: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(length)
        edit.returnPressed.connect(self.start_batch)
        edit.textEdited.connect(lambda _text: self.header_problem.hide())
        return edit

    def _build_claim_box(self) -> None:
        self.search_edit = search_box(
            self,
            "Claim: name 'smith, jo', account, claim number or DOS (Ctrl+F)",
            "Find the claim by patient, account, claim number or date of service",
            self._clear_hits,
            self,
        )
        self.search_edit.setObjectName("claim_search")
        self.search_edit.returnPressed.connect(self.search_claims)
        self.hits_model = RowsTableModel(CLAIM_HIT_COLUMNS, self)
        self.hits_view = _list_view(self.hits_model, "claim_hits", "Claims found")
        self.hits_view.setMaximumHeight(self.hits_view.verticalHeader().defaultSectionSize() * 5 + 8)
        self.hits_view.row_activated.connect(lambda index: self.pick_claim(self.hits_model.row_at(index.row())))
        self.hits_view.doubleClicked.connect(lambda index: self.pick_claim(self.hits_model.row_at(index.row())))
        self.hits_view.hide()
        self.search_note = QLabel(FIND_A_CLAIM)
        self.search_note.setObjectName("search_note")
        self.search_note.setWordWrap(True)

        self.claim_title = QLabel()
        self.claim_title.setObjectName("claim_title")
        self.claim_title.setWordWrap(True)
        self.claim_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines_model = EobLinesTableModel(self)
        self.grid = EobGridView(self.lines_model)
        rows = self.grid.verticalHeader().defaultSectionSize()
        self.grid.setMinimumHeight(self.grid.horizontalHeader().sizeHint().height() + 3 * rows + 24)
        self.lines_model.lines_changed.connect(self._on_lines_changed)
        self.lines_model.edit_refused.connect(self._show_claim_problem)

        self.status_combo = QComboBox()
        self.status_combo.setObjectName("claim_status")
        self.status_combo.setAccessibleName("Claim status on the EOB")
        self.status_combo.addItem("Automatic", None)
        self.status_combo.addItem("Processed", "processed")
        self.status_combo.addItem("Denied", "4")
        self.status_combo.setToolTip(
            "Automatic: denied when every line pays nothing for a reason other than the patient's share; "
            "otherwise processed by this payer"
        )
        self.status_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_combo.setMinimumContentsLength(len("Automatic: processed"))
        self.status_combo.currentIndexChanged.connect(lambda _i: self._on_lines_changed())
        self.payer_claim_edit = QLineEdit()
        self.payer_claim_edit.setObjectName("payer_claim_number")
        self.payer_claim_edit.setAccessibleName("Payer's claim number")
        self.payer_claim_edit.setPlaceholderText("ICN/DCN (optional)")
        self.payer_claim_edit.setMaxLength(50)
        self.payer_claim_edit.setFixedWidth(self.fontMetrics().averageCharWidth() * 18)
        self.post_button = QPushButton("&Post claim")
        self.post_button.setObjectName("post_claim")
        self.post_button.setToolTip(ACTIONS["post_claim"].does + " (Ctrl+Enter)")
        self.post_button.setAutoDefault(False)
        self.post_button.clicked.connect(self.post_claim)
        self.claim_totals = QLabel()
        self.claim_totals.setObjectName("claim_totals")
        self.claim_problem = problem_label("claim_problem")
        self.claim_problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label = QLabel()
        self.result_label.setObjectName("posting_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()

        status_label = QLabel("S&tatus")
        status_label.setBuddy(self.status_combo)
        payer_claim_label = QLabel("Payer &claim #")
        payer_claim_label.setBuddy(self.payer_claim_edit)
        self.claim_totals.setWordWrap(True)
        self.post_row = QWidget()
        post_rows = QVBoxLayout(self.post_row)
        post_rows.setContentsMargins(0, 0, 0, 0)
        post_rows.addWidget(self.claim_totals)
        post_row = QHBoxLayout()
        post_rows.addLayout(post_row)
        post_row.addWidget(status_label)
        post_row.addWidget(self.status_combo)
        post_row.addSpacing(12)
        post_row.addWidget(payer_claim_label)
        post_row.addWidget(self.payer_claim_edit)
        post_row.addStretch(1)
        post_row.addWidget(self.post_button)

        self.claim_box = QGroupBox("Claim")
        layout = QVBoxLayout(self.claim_box)
        layout.setSpacing(6)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.search_note)
        layout.addWidget(self.hits_view)
        layout.addWidget(self.claim_title)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.post_row)
        layout.addWidget(self.claim_problem)
        layout.addWidget(self.result_label)

    def _build_posted_box(self) -> None:
        self.posted_model = RowsTableModel(POSTED_COLUMNS, self)
        self.posted_view = _list_view(self.posted_model, "posted_claims", "Claims posted in this batch")
        self.posted_view.setMinimumHeight(self.posted_view.verticalHeader().defaultSectionSize() * 2 + 8)
        self.posted_view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_actions())
        self.undo_button = QPushButton("&Undo posting…")
        self.undo_button.setObjectName("undo_posting")
        self.undo_button.setAutoDefault(False)
        self.undo_button.setToolTip(ACTIONS["undo_posting"].does)
        self.undo_button.clicked.connect(self.undo_posting)
        self.posted_note = QLabel()
        self.posted_note.setObjectName("posted_note")
        self.posted_note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.posted_note, 1)
        row.addWidget(self.undo_button)
        self.posted_box = QGroupBox("Posted in this batch")
        layout = QVBoxLayout(self.posted_box)
        layout.addWidget(self.posted_view, 1)
        layout.addLayout(row)

    def _build_unmatched_page(self) -> None:
        self.unmatched_model = RowsTableModel(UNMATCHED_COLUMNS, self)
        self.unmatched_view = _list_view(self.unmatched_model, "unmatched", "835 payments waiting to be matched")
        self.unmatched_view.row_activated.connect(lambda _index: self.match_selected())
        self.unmatched_view.doubleClicked.connect(lambda _index: self.match_selected())
        self.unmatched_view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_actions())
        self.unmatched_empty = QLabel(NO_UNMATCHED)
        self.unmatched_empty.setObjectName("unmatched_empty")
        self.unmatched_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unmatched_empty.setWordWrap(True)
        self.unmatched_stack = QStackedWidget()
        self.unmatched_stack.addWidget(self.unmatched_empty)
        self.unmatched_stack.addWidget(self.unmatched_view)
        self.match_button = QPushButton("&Match to claim…")
        self.match_button.setObjectName("match_to_claim")
        self.match_button.setAutoDefault(False)
        self.match_button.setToolTip(ACTIONS["match_claim"].does + " (Enter on a payment)")
        self.match_button.clicked.connect(self.match_selected)
        note = QLabel(
            "Each payment is kept as the payer sent it. Matching posts it to the claim you choose, in one step."
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(note, 1)
        row.addWidget(self.match_button)
        self.unmatched_page = QWidget()
        layout = QVBoxLayout(self.unmatched_page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.unmatched_stack, 1)
        layout.addLayout(row)

    def _set_tab_order(self) -> None:
        chain: Sequence[QWidget] = (
            self.payer_combo,
            self.method_combo,
            self.check_edit,
            self.check_date_edit,
            self.amount_edit,
            self.deposit_date_edit,
            self.batch_name_edit,
            self.start_button,
            self.resume_combo,
            self.resume_button,
            self.new_check_button,
            self.finish_button,
            self.search_edit,
            self.hits_view,
            self.grid,
            self.status_combo,
            self.payer_claim_edit,
            self.post_button,
            self.posted_view,
            self.undo_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ state on screen

    def _update_actions(self) -> None:
        idle = self._action_job is None
        on_eobs = self.tabs.currentIndex() == 0
        self.post_action.setEnabled(idle and self.batch is not None and self.claim is not None)
        self.post_button.setEnabled(self.post_action.isEnabled())
        self.finish_action.setEnabled(idle and self.batch is not None)
        self.finish_button.setEnabled(self.finish_action.isEnabled())
        posted = self._selected_posting()
        self.undo_action.setEnabled(idle and posted is not None and posted.undone is None)
        self.undo_button.setEnabled(self.undo_action.isEnabled())
        self.match_action.setEnabled(idle and not on_eobs and self._selected_unmatched() is not None)
        self.match_button.setEnabled(idle and self._selected_unmatched() is not None)
        self.import_action.setEnabled(idle)
        self.start_button.setEnabled(idle)
        self.resume_button.setEnabled(idle and self.resume_combo.count() > 0)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def _show_batch(self, state: BatchState | None) -> None:
        """The batch on screen: its check, applied and unapplied (in words, not only colour)."""
        previous = self.batch.remittance_id if self.batch else None
        self.batch = state
        self.entry_page.setVisible(state is None)
        self.active_page.setVisible(state is not None)
        self.claim_box.setEnabled(state is not None)
        self.posted_box.setEnabled(state is not None)
        if state is None:
            self.header_box.setTitle("Check")
            self._show_claim(None)
            self.search_note.setText(NO_BATCH)
            self.posted_model.set_rows([])
            self.posted_note.setText("")
            self._update_actions()
            self.batch_changed.emit()
            return
        self.header_box.setTitle(f"Batch {state.remittance_id}")
        name = f" · {state.batch_name}" if state.batch_name else ""
        deposit = f" · deposited {format_date(state.deposit_date)}" if state.deposit_date else ""
        self.batch_title.setText(
            f"{state.payer_name} · check {state.check_number} of {format_date(state.check_date)}{deposit}{name}"
        )
        posted = f"{state.claims_posted} {'claim' if state.claims_posted == 1 else 'claims'} posted"
        parked = f" · Parked {format_money(state.parked_cents)}" if state.parked_cents else ""
        self.amounts_label.setText(
            f"Check {format_money(state.check_cents)} · Applied {format_money(state.applied_cents)}{parked} · {posted}"
        )
        self._show_unapplied(state)
        if previous != state.remittance_id:
            self.posted_model.set_rows(self._posted.get(state.remittance_id, []))
            if self.claim is None:
                self.search_note.setText(FIND_A_CLAIM)
        self._show_posted_note()
        self._update_actions()
        self.batch_changed.emit()

    def _show_unapplied(self, state: BatchState) -> None:
        """The words say it; bold while money waits to be applied, the error colour when over-applied."""
        self.unapplied_label.setText(unapplied_words(state))
        font = self.unapplied_label.font()
        font.setBold(state.unapplied_cents != 0)
        self.unapplied_label.setFont(font)
        palette = QPalette()
        if state.unapplied_cents < 0:
            palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_TEXT[1 if palette_is_dark() else 0]))
        self.unapplied_label.setPalette(palette)

    def _show_posted_note(self) -> None:
        if self.batch is None:
            return
        listed = len(self._posted.get(self.batch.remittance_id, []))
        earlier = self.batch.claims_posted - listed
        self.posted_note.setText(
            f"{earlier} {'posting' if earlier == 1 else 'postings'} from before this session "
            f"{'is' if earlier == 1 else 'are'} counted above but not listed here."
            if earlier > 0
            else "Select a posting to undo it; the reversal is kept with the reason."
            if listed
            else ""
        )

    def _show_claim(self, claim: ClaimForPosting | None) -> None:
        self.claim = claim
        self.lines_model.set_claim(claim)
        self.claim_problem.hide()
        self.status_combo.blockSignals(True)
        self.status_combo.setCurrentIndex(0)
        self.status_combo.blockSignals(False)
        self.payer_claim_edit.clear()
        if claim is None:
            self.claim_title.setText("")
            self.claim_title.hide()
            self.grid.hide()
            self.post_row.hide()
            self.search_note.show()
        else:
            sequence = {1: "primary", 2: "secondary", 3: "tertiary"}.get(claim.payer_sequence, "")
            notes = []
            if claim.has_next_payer:
                notes.append("the patient has a next payer")
            if claim.copay:
                notes.append(f"copay on file {format_money(to_cents(claim.copay))}")
            if claim.status != "submitted":
                notes.append(f"already {claim.status.replace('_', ' ')}: posting again adds to it")
            self.claim_title.setText(
                f"{claim.claim_number} · {claim.patient_name} · {claim.account_number} · "
                f"DOS {format_date(claim.date_of_service)} · charge {format_money(to_cents(claim.total_charge))} · "
                f"{claim.payer_name} ({sequence})" + (f" · {'; '.join(notes)}" if notes else "")
            )
            self.claim_title.show()
            # One date for every line is the claim's, already in its title: the column makes room.
            self.grid.setColumnHidden(
                EobColumn.DATE, all(ln.date_of_service == claim.date_of_service for ln in claim.lines)
            )
            self.grid.show()
            self.post_row.show()
            self.search_note.hide()
            self.claim_shown.emit(claim.claim_id)
        self._on_lines_changed()
        self._fit_split()

    def _fit_split(self) -> None:
        """The claim and postings panes keep the height their contents need; a short window scrolls instead."""
        needed = sum(self.split.widget(i).minimumSizeHint().height() for i in range(self.split.count()))
        # Wrapped lines (the claim's title, the totals) can take a line more in a narrow window than their hint.
        self.split.setMinimumHeight(needed + self.split.handleWidth() + 2 * self.fontMetrics().height())

    def _on_lines_changed(self) -> None:
        claim, lines = self.claim, self.lines_model.eob_lines()
        auto = automatic_status(lines, claim.payer_sequence) if claim else "1"
        self.status_combo.setItemText(0, f"Automatic: {'denied' if auto == '4' else 'processed'}")
        processed = STATUS_LABELS[str(min(claim.payer_sequence, 3)) if claim else "1"]
        self.status_combo.setItemData(0, f"{STATUS_LABELS[auto]} (CLP02 {auto}), from the amounts", TIP)
        self.status_combo.setItemData(1, processed, TIP)
        if claim is None or self.batch is None:
            self.claim_totals.setText("")
            self._update_actions()
            return
        self.claim_problem.hide()
        balanced = sum(1 for line in lines if line.balances)
        off = self.lines_model.first_unbalanced_row()
        first_off = (
            f"line {off + 1} is {lines[off].balance_words()}" if off is not None else f"all {len(lines)} lines balance"
        )
        paid = to_cents(paid_total(lines))
        left = self.batch.unapplied_cents - paid
        left_words = (
            f"the check would have {format_money(left)} left"
            if left >= 0
            else f"that is {format_money(-left)} more than is left on the check"
        )
        self.claim_totals.setText(
            f"{balanced} of {len(lines)} lines balance ({first_off}) · pays {format_money(paid)} · {left_words}"
        )
        self._update_actions()

    def _show_claim_problem(self, text: str) -> None:
        self.claim_problem.setText(text)
        self.claim_problem.show()

    def status_code(self) -> str:
        """The claim status the posting carries: the automatic one unless the biller chose."""
        claim = self.claim
        if claim is None:
            return "1"
        chosen = self.status_combo.currentData()
        if chosen == "4":
            return "4"
        if chosen == "processed":
            return str(min(claim.payer_sequence, 3))
        return automatic_status(self.lines_model.eob_lines(), claim.payer_sequence)

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Payers (first time or when they changed), open batches and the unmatched queue, off the UI thread."""
        if self._load_job is not None:
            self._load_job.cancel()
        want_payers = not self._payers_loaded
        want_codes = self._codes is None
        services = self.services

        def work(_ctx: JobContext) -> dict[str, Any]:
            out: dict[str, Any] = {
                "batches": services.paper_posting.open_batches(),
                "unmatched": services.era_import.unmatched(),
            }
            if want_payers:
                out["payers"] = services.encounters.payer_choices()
            if want_codes:
                try:
                    out["codes"] = (
                        services.codesets.adjustment_codes("carc"),
                        services.codesets.adjustment_codes("rarc"),
                    )
                except ClaimDeskError:
                    out["codes"] = ({}, {})  # the tooltips go without descriptions
            return out

        def done(loaded: dict[str, Any]) -> None:
            self._load_job = None
            self.loading = False
            if "payers" in loaded:
                self._fill_payers(loaded["payers"])
            if "codes" in loaded:
                self._codes = loaded["codes"]
                self.lines_model.set_descriptions(*loaded["codes"])
            self._fill_batches(loaded["batches"])
            self._fill_unmatched(loaded["unmatched"])
            self._update_actions()
            self.refreshed.emit()

        def failed(exc: BaseException) -> None:
            self._load_job = None
            self.loading = False
            show_error(self, exc, "Payments")

        self.loading = True
        self._load_job = run_quiet(self, work, done, failed)

    def _fill_payers(self, payers: Sequence[Choice]) -> None:
        self._payers_loaded = True
        text = self.payer_combo.currentText()
        self.payer_combo.blockSignals(True)
        self.payer_combo.clear()
        for choice in payers:
            self.payer_combo.addItem(choice.label, choice.id)
        self.payer_combo.setCurrentIndex(-1)
        self.payer_combo.setEditText(text)
        self.payer_combo.blockSignals(False)

    def _fill_batches(self, batches: Sequence[BatchState]) -> None:
        self._open_batches = {b.remittance_id: b for b in batches}
        chosen = self.resume_combo.currentData()
        self.resume_combo.clear()
        for b in batches:
            self.resume_combo.addItem(
                f"Batch {b.remittance_id}: {b.payer_name}, check {b.check_number} of {format_date(b.check_date)}, "
                f"unapplied {format_money(b.unapplied_cents)}",
                b.remittance_id,
            )
        self.resume_combo.setCurrentIndex(max(self.resume_combo.findData(chosen), 0))
        has = bool(batches)
        for widget in (self.resume_label, self.resume_combo, self.resume_button):
            widget.setVisible(has)
        if self.batch is not None and self._action_job is None and self.batch.remittance_id in self._open_batches:
            fresh = self._open_batches[self.batch.remittance_id]
            if fresh != self.batch:
                self._show_batch(fresh)  # posted from elsewhere (the command line) meanwhile

    def _fill_unmatched(self, rows: Sequence[UnmatchedPayment]) -> None:
        chosen = self._selected_unmatched()
        self.unmatched_model.set_rows(rows)
        self.unmatched_stack.setCurrentIndex(1 if rows else 0)
        self.tabs.setTabText(1, f"Unmatched 835 payments ({len(rows)})" if rows else "Unmatched 835 payments")
        if rows:
            keep = next((i for i, r in enumerate(rows) if chosen and r.claim_payment_id == chosen.claim_payment_id), 0)
            self.unmatched_view.setCurrentIndex(self.unmatched_model.index(keep, 0))

    def _on_changes(self, changes: Changes) -> None:
        if any(changes.touches(e) for e in REFRESH_ENTITIES):
            if changes.touches("payer"):
                self._payers_loaded = False
            self.reload()

    # ------------------------------------------------------------------ the batch

    def _settle_payer(self) -> bool:
        """Leaving the payer field: the one payer whose name holds what was typed. False (and the problem shown
        under the fields) when what was typed names no payer or several."""
        text = self.payer_combo.currentText().strip()
        if not text:
            return True
        names = [self.payer_combo.itemText(i) for i in range(self.payer_combo.count())]
        exact = [i for i, n in enumerate(names) if n.casefold() == text.casefold()]
        starts = [i for i, n in enumerate(names) if n.casefold().startswith(text.casefold())]
        holds = [i for i, n in enumerate(names) if text.casefold() in n.casefold()]
        found = exact or (starts if len(starts) == 1 else []) or (holds if len(holds) == 1 else [])
        if len(found) == 1:
            self.payer_combo.setCurrentIndex(found[0])
            self.header_problem.hide()
            return True
        many = starts or holds
        if many:
            listed = ", ".join(names[i] for i in many)
            self._header_problem(f"More than one payer matches {text!r}: {listed}. Type more of the name.")
        else:
            self._header_problem(f"No payer is named {text!r}. Add it in Practice setup > Payers.")
        return False

    def chosen_payer_id(self) -> int | None:
        text = self.payer_combo.currentText().strip().casefold()
        for i in range(self.payer_combo.count()):
            if self.payer_combo.itemText(i).casefold() == text:
                return int(self.payer_combo.itemData(i))
        return None

    def _header_problem(self, text: str) -> None:
        self.header_problem.setText(text)
        self.header_problem.show()

    def start_batch(self) -> None:
        """Start batch (or Enter in a header field): read the check, then open its batch."""
        if self._action_job is not None or self.batch is not None:
            return
        if not self._settle_payer():
            return  # what was typed names no payer, or several: the header says so
        payer_id = self.chosen_payer_id()
        try:
            if payer_id is None:
                raise ValidationError("Choose the payer: type part of its name.")
            check = self.check_edit.text().strip()
            if not check:
                raise ValidationError("Type the check or EFT number.")
            day = parse_day(self.check_date_edit.text(), "check date")
            if day is None:
                raise ValidationError("Type the check date.")
            amount = parse_amount(self.amount_edit.text(), "check amount")
            if amount is None:
                raise ValidationError("Type the check amount (0.00 for an EOB with no payment).")
            deposit = parse_day(self.deposit_date_edit.text(), "deposit date")
        except ValidationError as exc:
            self._header_problem(str(exc))
            return
        self.header_problem.hide()
        method = str(self.method_combo.currentData())
        name = self.batch_name_edit.text().strip() or None
        posting = self.services.paper_posting

        def work(_ctx: JobContext) -> BatchState:
            return posting.open_batch(payer_id, check, day, amount, deposit, name, method)

        def done(state: BatchState) -> None:
            self.show_message(f"Batch {state.remittance_id} started for {state.payer_name} check {check}.")
            self._show_batch(state)
            self.services.bus.publish(Changes({"remittance": frozenset({state.remittance_id})}))
            focus_search(self.search_edit)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ClaimDeskError):
                self._header_problem(str(exc))
            else:
                show_error(self, exc, "Start batch")

        self._run("Starting the batch…", work, done, failed)

    def resume_batch(self) -> None:
        rid = self.resume_combo.currentData()
        state = self._open_batches.get(int(rid)) if rid is not None else None
        if state is None or self._action_job is not None:
            return
        self._show_batch(state)
        self.show_message(f"Resumed batch {state.remittance_id}: {unapplied_words(state)}")
        focus_search(self.search_edit)

    def new_check(self) -> None:
        """Back to the check fields for another check; the batch stays open (resume it any time)."""
        if self._action_job is not None:
            return
        self._show_batch(None)
        self.check_edit.clear()
        self.amount_edit.clear()
        self.batch_name_edit.clear()
        self.reload()
        self.check_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def finish_batch(self) -> None:
        """Close the batch; the service refuses while money is unapplied, and then the rest may be parked."""
        state = self.batch
        if state is None or self._action_job is not None:
            return
        posting = self.services.paper_posting
        self._run(
            "Finishing the batch…",
            lambda _ctx: posting.finish_batch(state.remittance_id),
            self._on_finished,
            self._on_finish_refused,
        )

    def _on_finish_refused(self, exc: BaseException) -> None:
        if not isinstance(exc, ClaimDeskError):
            show_error(self, exc, FINISH_TITLE)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, FINISH_TITLE, str(exc), parent=self)
        box.setObjectName("finish_refused")
        park = None
        if self.batch is not None and self.batch.unapplied_cents > 0 and isinstance(exc, ValidationError):
            park = box.addButton("&Park the rest as unapplied credit…", QMessageBox.ButtonRole.ActionRole)
            park.setObjectName("park_rest")
        keep = box.addButton("&Keep posting", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            self._forget(box)
            if park is not None and clicked is park:
                self.park_rest()
            else:
                focus_search(self.search_edit)

        box.finished.connect(answered)
        self.finish_box = box
        box.open()

    def park_rest(self) -> None:
        """Ask why, then finish the batch with what is left parked as an unapplied credit."""
        state = self.batch
        if state is None or self._action_job is not None:
            return
        posting = self.services.paper_posting

        def submit(reason: str) -> None:
            def done(finished: BatchState) -> None:
                dialog.finished_ok()
                self._on_finished(finished)

            def failed(exc: BaseException) -> None:
                if isinstance(exc, ClaimDeskError):
                    dialog.show_problem(str(exc))
                else:
                    dialog.reject()
                    show_error(self, exc, FINISH_TITLE)

            self._run(
                "Finishing the batch…", lambda _ctx: posting.finish_batch(state.remittance_id, reason), done, failed
            )

        dialog = ReasonDialog(
            f"Park the rest of check {state.check_number}",
            f"{format_money(state.unapplied_cents)} of the {format_money(state.check_cents)} check from "
            f"{state.payer_name} is not applied to any claim. Parking keeps it as an unapplied credit on this check, "
            "with your reason, and finishes the batch.",
            "&Park and finish",
            submit,
            self,
            placeholder="e.g. Payer overpaid; refund requested",
        )
        dialog.setObjectName("park_dialog")
        self._open_dialog(dialog)

    def _on_finished(self, state: BatchState) -> None:
        parked = f"; {format_money(state.parked_cents)} parked as an unapplied credit" if state.parked_cents else ""
        self.show_message(
            f"Batch {state.remittance_id} finished: {state.payer_name} check {state.check_number}, "
            f"{format_money(state.applied_cents)} applied{parked}."
        )
        self._posted.pop(state.remittance_id, None)
        self._show_batch(None)
        self.services.bus.publish(Changes({"remittance": frozenset({state.remittance_id})}))
        self.check_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ finding the claim

    def search_claims(self) -> None:
        """Enter in the search: the one hit goes straight onto the grid; several wait in the list below."""
        state, query = self.batch, self.search_edit.text().strip()
        if state is None or not query:
            return
        if self._search_job is not None:
            self._search_job.cancel()
        posting = self.services.paper_posting
        self.search_note.setText("Searching…")

        def done(found: list[ClaimForPosting]) -> None:
            self._search_job = None
            self.hits_model.set_rows(found)
            self.hits_view.setVisible(len(found) > 1)
            if not found:
                self.search_note.setText(
                    f"No sent claim of {state.payer_name} matches {query!r}. Try the account, the claim number or "
                    "the date of service."
                )
                focus_search(self.search_edit)
            elif len(found) == 1:
                self.search_note.setText(FIND_A_CLAIM)
                self.pick_claim(found[0])
            else:
                self.search_note.setText(f"{len(found)} claims match: pick one with the arrow keys and Enter.")
                self.hits_view.setCurrentIndex(self.hits_model.index(0, 0))
                self.hits_view.setFocus(Qt.FocusReason.OtherFocusReason)

        def failed(exc: BaseException) -> None:
            self._search_job = None
            self.search_note.setText(FIND_A_CLAIM)
            show_error(self, exc, "Find the claim")

        self._search_job = run_quiet(self, lambda _ctx: posting.find_claims(state.payer_id, query), done, failed)

    def _clear_hits(self) -> None:
        self.hits_model.set_rows([])
        self.hits_view.hide()
        self.search_note.setText(FIND_A_CLAIM if self.batch else NO_BATCH)

    def pick_claim(self, claim: ClaimForPosting | None) -> None:
        if claim is None:
            return
        self._show_claim(claim)
        self.hits_view.hide()
        self.result_label.hide()
        self.grid.focus_first_cell()

    # ------------------------------------------------------------------ posting

    def post_claim(self) -> None:
        """Ctrl+Enter or Post claim: one service call for the claim on screen, then on to the next claim."""
        state, claim = self.batch, self.claim
        if state is None or claim is None or self._action_job is not None:
            return
        self.grid.commit_open_editor()
        lines = self.lines_model.eob_lines()
        status = self.status_code()
        try:
            posting_in = claim_posting(claim.claim_id, lines, status, self.payer_claim_edit.text())
        except ValidationError as exc:
            self._show_claim_problem(str(exc))
            off = self.lines_model.first_unbalanced_row()
            if off is not None:
                self.grid.focus_row(off)
            return
        flow = money_flow(lines, claim.has_next_payer)
        services = self.services

        def work(_ctx: JobContext) -> tuple[PostedClaim, str | None]:
            posted = services.paper_posting.post_claim(state.remittance_id, posting_in)
            return posted, _next_payer_name(services, posted.next_payer_claim)

        def done(answer: tuple[PostedClaim, str | None]) -> None:
            posted, next_payer = answer
            self._on_posted(claim, posting_in, posted, next_payer, flow_words(flow, posted, next_payer, claim))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ClaimDeskError):
                self._show_claim_problem(str(exc))
                self.grid.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                show_error(self, exc, "Post claim")

        self._run(f"Posting {claim.claim_number}…", work, done, failed)

    def _on_posted(
        self,
        claim: ClaimForPosting,
        posting_in: ClaimPostingIn,
        posted: PostedClaim,
        next_payer: str | None,
        words: str,
    ) -> None:
        rows = self._posted.setdefault(posted.batch.remittance_id, [])
        rows.insert(
            0,
            PostedRow(
                posted.claim_payment_id,
                claim.claim_id,
                posted.claim_number,
                claim.patient_name,
                posted.status,
                posted.paid,
                words,
            ),
        )
        self.posted_model.set_rows(rows)
        details = [f"{posted.claim_number}: {words}."]
        details += [
            f"Underpaid: {underpayment_words(u.code, u.allowed, u.expected_allowed)}." for u in posted.underpayments
        ]
        details += self._denial_words(posting_in)
        self.result_label.setText("\n".join(details))
        self.result_label.show()
        self._show_claim(None)
        self._show_batch(posted.batch)
        self._clear_hits()
        changed = {claim.claim_id} | ({posted.next_payer_claim} if posted.next_payer_claim else set())
        self.services.bus.publish(
            Changes(
                {
                    "claim": frozenset(changed),
                    "ledger": frozenset(),
                    "remittance": frozenset({posted.batch.remittance_id}),
                }
            )
        )
        self.posted.emit(posted.claim_payment_id)
        focus_search(self.search_edit)  # save and next: the payer, batch and dates stay

    def _denial_words(self, posting_in: ClaimPostingIn) -> list[str]:
        carc = self._codes[0] if self._codes else {}
        out = []
        for n, line in enumerate(posting_in.lines, start=1):
            if line.paid == 0 and any(a.group_code != "PR" and a.carc != "45" for a in line.adjustments):
                main = next(a for a in line.adjustments if a.group_code != "PR" and a.carc != "45")
                described = carc.get(main.carc, "").split(" Usage:")[0]
                out.append(
                    f"Line {n} denied {main.group_code}-{main.carc}"
                    + (f" ({described})" if described else "")
                    + ": it stays with the payer in the denials to work."
                )
        return out

    # ------------------------------------------------------------------ undoing a posting

    def _selected_posting(self) -> PostedRow | None:
        index = self.posted_view.currentIndex()
        return self.posted_model.row_at(index.row()) if index.isValid() else None

    def undo_posting(self) -> None:
        row = self._selected_posting()
        state = self.batch
        if row is None or row.undone is not None or state is None or self._action_job is not None:
            return
        posting = self.services.paper_posting

        def submit(reason: str) -> None:
            def done(fresh: BatchState) -> None:
                dialog.finished_ok()
                rows = self._posted.get(state.remittance_id, [])
                for i, r in enumerate(rows):
                    if r.claim_payment_id == row.claim_payment_id:
                        rows[i] = replace(r, undone=reason)
                self.posted_model.set_rows(rows)
                self._show_batch(fresh)
                self.show_message(
                    f"Posting of {row.claim_number} undone: it waits for {fresh.payer_name} again; "
                    f"{unapplied_words(fresh)}"
                )
                self.services.bus.publish(
                    Changes(
                        {
                            "claim": frozenset({row.claim_id}),
                            "ledger": frozenset(),
                            "remittance": frozenset({state.remittance_id}),
                        }
                    )
                )

            def failed(exc: BaseException) -> None:
                if isinstance(exc, ClaimDeskError):
                    dialog.show_problem(str(exc))
                else:
                    dialog.reject()
                    show_error(self, exc, "Undo posting")

            self._run(
                "Undoing the posting…", lambda _ctx: posting.undo_posting(row.claim_payment_id, reason), done, failed
            )

        dialog = ReasonDialog(
            f"Undo the posting of {row.claim_number}",
            f"{row.claim_number} ({row.patient_name}), paid {format_money(to_cents(row.paid))}. Undoing writes a "
            "reversal of every amount it posted (nothing is erased), and the claim waits for the payer again. "
            "Say why: the reason is kept with the payment.",
            "&Undo posting",
            submit,
            self,
            placeholder="e.g. Posted to the wrong patient",
        )
        dialog.setObjectName("undo_dialog")
        self._open_dialog(dialog)

    # ------------------------------------------------------------------ 835 import

    def import_835(self) -> None:
        """Ctrl+I: choose an 835 file and post it as a job; a result dialog lists what happened to each claim."""
        if self._action_job is not None:
            return
        folder = str(QSettings().value(IMPORT_FOLDER_KEY, str(Path.home())))
        name, _filter = QFileDialog.getOpenFileName(self, "Import an 835 file", folder, ERA_FILTER)
        if not name:
            return
        path = Path(name)
        QSettings().setValue(IMPORT_FOLDER_KEY, str(path.parent))
        self.import_path = path
        self._import(path, accept_unbalanced=False)

    def _import(self, path: Path, *, accept_unbalanced: bool) -> None:
        era = self.services.era_import

        def work(ctx: JobContext) -> EraImportResult:
            return era.import_file(path, accept_unbalanced=accept_unbalanced, ctx=ctx)

        def failed(exc: BaseException) -> None:
            if _is_unbalanced(exc) and not accept_unbalanced:
                self._ask_accept_unbalanced(path, exc)
            else:
                show_error(self, exc, IMPORT_TITLE)

        self._run(f"Importing {path.name}…", work, self._on_imported, failed)

    def _ask_accept_unbalanced(self, path: Path, exc: BaseException) -> None:
        problems = exc.problems if isinstance(exc, ValidationError) else []
        box = QMessageBox(
            QMessageBox.Icon.Warning, IMPORT_TITLE, str(exc.args[0]) if exc.args else str(exc), parent=self
        )
        box.setObjectName("unbalanced_835")
        shown = problems[:8]
        more = f"\n… and {len(problems) - 8} more (see the details)" if len(problems) > 8 else ""
        box.setInformativeText("\n".join(f"• {p}" for p in shown) + more)
        box.setDetailedText("\n".join(problems))
        accept = box.addButton("&Post the balanced claims, hold the rest", QMessageBox.ButtonRole.AcceptRole)
        accept.setObjectName("accept_unbalanced")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            self._forget(box)
            if clicked is accept:
                self._import(path, accept_unbalanced=True)
            else:
                self.show_message(f"{path.name} was not imported: nothing was posted.")

        box.finished.connect(answered)
        self.unbalanced_box = box
        box.open()

    def _on_imported(self, result: EraImportResult) -> None:
        self.show_message(import_words(result))
        if not result.already_imported:
            claims = frozenset(o.claim_id for o in result.outcomes if o.claim_id is not None)
            self.services.bus.publish(
                Changes(
                    {
                        "claim": claims | frozenset(result.next_payer_claims),
                        "ledger": frozenset(),
                        "remittance": frozenset(result.remittance_ids),
                    }
                )
            )
        dialog = EraImportResultDialog(result, self)
        path = self.import_path
        if path is not None:
            dialog.print_requested.connect(lambda number: self.print_remittance(path, number or None))
        self._open_dialog(dialog)

    def print_remittance(self, path: Path, claim: str | None = None) -> None:
        """The imported payment's remittance advice as a PDF (only one claim's part, for a secondary's paper
        claim, when `claim` names it), opened in the system's viewer to print."""
        if self._action_job is not None:
            return
        parent: QWidget = self.import_dialog or self
        folder = Path(str(QSettings().value(REMIT_FOLDER_KEY, str(Path.home()))))
        suggested = folder / f"remittance-{path.stem}{'-' + claim if claim else ''}.pdf"
        name, _filter = QFileDialog.getSaveFileName(
            parent, "Print remittance: save it as a PDF", str(suggested), PDF_FILTER
        )
        if not name:
            return
        target = Path(name)
        QSettings().setValue(REMIT_FOLDER_KEY, str(target.parent))
        services, codes = self.services, self._codes or ({}, {})

        def work(_ctx: JobContext) -> list[Path]:
            from app.formats.remit_pdf import write_remit_pdf

            era = services.era_import.read(path)
            payments = [
                tx
                for tx in era.transactions
                if claim is None or any(c.patient_control_number == claim for c in tx.claims)
            ]
            if not payments:
                raise ClaimDeskError(f"{path.name} has no claim {claim}; nothing was printed.")
            practice = services.practice.practice().name
            written = []
            for tx in payments:
                out = target if len(payments) == 1 else target.with_name(f"{target.stem}-{tx.trace_number}.pdf")
                write_remit_pdf(tx, out, codes[0], codes[1], [claim] if claim else None, practice)
                written.append(out)
            return written

        def done(written: list[Path]) -> None:
            names = ", ".join(p.name for p in written)
            what = f"{claim}'s part of the remittance" if claim else "The remittance"
            self.show_message(f"{what} is saved as {names}; it opens in the PDF viewer to print.")
            for out in written:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        self._run(
            "Writing the remittance…", work, done, lambda exc: show_error(parent, exc, "Print remittance"), writes=False
        )

    # ------------------------------------------------------------------ the unmatched queue

    def show_unmatched(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.unmatched_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _selected_unmatched(self) -> UnmatchedPayment | None:
        index = self.unmatched_view.currentIndex()
        return self.unmatched_model.row_at(index.row()) if index.isValid() else None

    def match_selected(self) -> None:
        """Match to claim…: search the payment's payer's claims, then post the payment to the one chosen."""
        payment = self._selected_unmatched()
        if payment is None or self._action_job is not None or self.tabs.currentIndex() != 1:
            return
        services = self.services

        def search(query: str) -> None:
            def work(_ctx: JobContext) -> list[ClaimForPosting]:
                # The queue row names the payment's remittance; its payer is the batch's.
                payer_id = services.paper_posting.batch(payment.remittance_id).payer_id
                return services.paper_posting.find_claims(payer_id, query)

            def failed(exc: BaseException) -> None:
                dialog.show_problem(str(exc) if isinstance(exc, ClaimDeskError) else "The search did not finish.")

            run_quiet(dialog, work, dialog.show_hits, failed)

        def submit(claim: ClaimForPosting) -> None:
            def done(_outcome: object) -> None:
                dialog.finished_ok()
                self.show_message(
                    f"The {format_money(payment.paid_cents)} payment on check {payment.check_number} is posted to "
                    f"{claim.claim_number} ({claim.patient_name})."
                )
                self.services.bus.publish(
                    Changes(
                        {
                            "claim": frozenset({claim.claim_id}),
                            "ledger": frozenset(),
                            "remittance": frozenset({payment.remittance_id}),
                        }
                    )
                )

            def failed(exc: BaseException) -> None:
                if isinstance(exc, ClaimDeskError):
                    dialog.show_problem(str(exc))
                else:
                    dialog.reject()
                    show_error(self, exc, "Match to claim")

            self._run(
                f"Posting to {claim.claim_number}…",
                lambda _ctx: services.era_import.match_by_hand(payment.claim_payment_id, claim.claim_id),
                done,
                failed,
            )

        dialog = MatchPaymentDialog(payment, search, submit, self)
        self._open_dialog(dialog)
        if dialog.search_edit.text():
            dialog.run_search()

    # ------------------------------------------------------------------ plumbing

    def _run(
        self,
        title: str,
        work: Callable[[JobContext], Any],
        done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        writes: bool = True,
    ) -> None:
        """One action at a time (writes on the serial writer), with a progress dialog when it lasts."""

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
                show_error(self, exc, "Payments")

        self._action_job = run_job(self, title, work, finished, failed, writes=writes)
        self._update_actions()

    def _open_dialog(self, dialog: QDialog) -> None:
        if isinstance(dialog, ReasonDialog):
            self.reason_dialog = dialog
        elif isinstance(dialog, MatchPaymentDialog):
            self.match_dialog = dialog
        elif isinstance(dialog, EraImportResultDialog):
            self.import_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        """A closed dialog goes away (the attributes let tests reach the open one)."""
        for name in ("reason_dialog", "match_dialog", "import_dialog", "finish_box", "unbalanced_box"):
            if getattr(self, name) is dialog:
                setattr(self, name, None)
        dialog.deleteLater()

    def event(self, event: QEvent) -> bool:
        # Ctrl+I belongs to the window (encounter details) everywhere else; here it imports an 835. Claiming
        # the key first keeps the two shortcuts from cancelling each other out.
        if event.type() == QEvent.Type.ShortcutOverride and _is_import_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_import_key(event):
            event.accept()
            self.import_action.trigger()
            return
        super().keyPressEvent(event)


# ---------------------------------------------------------------------------------------------- helpers


def unapplied_words(state: BatchState) -> str:
    """Applied and unapplied in words: the colour only draws the eye."""
    left = state.unapplied_cents
    if left > 0:
        return f"Unapplied {format_money(left)}: post it to claims, or park it when finishing the batch."
    if left == 0:
        return "Unapplied $0.00: the check is fully applied; finish the batch."
    return f"Over-applied by {format_money(-left)}: more is posted than the check holds; undo a posting."


def flow_words(flow: Any, posted: PostedClaim, next_payer: str | None, claim: ClaimForPosting) -> str:
    return posted_words(
        flow,
        status=posted.status,
        denials=posted.denials,
        next_payer_name=next_payer,
        next_claim_number=claim_number(posted.next_payer_claim) if posted.next_payer_claim else None,
        next_sequence_word=SEQUENCE_WORDS.get(claim.payer_sequence, "next"),
    )


def _next_payer_name(services: Services, claim_id: int | None) -> str | None:
    """The payer of the next payer's claim the posting drafted (read on the worker)."""
    if claim_id is None:
        return None
    from app.domain.claim_list import ClaimFilter, ClaimSort

    rows = services.claim_list.page(ClaimFilter(search=claim_number(claim_id)), ClaimSort(), 0, 1)
    return rows[0].payer_name if rows else None


def _is_unbalanced(exc: BaseException) -> bool:
    """The import refused a file that does not balance (and can be accepted), not a malformed one."""
    return isinstance(exc, ValidationError) and bool(exc.problems) and "does not balance" in str(exc.args[0])


def _is_import_key(event: QEvent) -> bool:
    if not isinstance(event, QKeyEvent):
        return False
    wanted = QKeySequence(ACTIONS["import_835"].keys[0])[0]
    return event.keyCombination() == wanted


def _list_view(model: RowsTableModel[Any], name: str, accessible: str) -> RowTableView:
    view = RowTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view
