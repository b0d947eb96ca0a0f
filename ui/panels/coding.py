"""The Coding panel: read the note, code diagnoses and lines by keyboard, then save, mark ready or hold with a query."""

from __future__ import annotations

import html
import importlib
import importlib.util
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import SearchHit
from app.domain.coding import MAX_POINTERS, CodedLine, Coding, CodingHistory
from app.domain.money import format_money, to_cents
from app.domain.worklist import ENCOUNTER_STATUS_LABELS
from app.errors import ClaimDeskError, ValidationError
from app.services.changes import Changes
from app.services.coding import EncounterWorkspace, HeaderCodeError
from app.services.container import Services
from ui.dialogs.claim_details import ClaimDetailsDialog
from ui.dialogs.eligibility import EligibilityDialog
from ui.dialogs.hold_query import HoldQueryDialog
from ui.jobs import Job, run_job, run_quiet
from ui.models.coding_lines_model import CodingLinesTableModel, LineColumn, parse_modifiers, parse_pointers
from ui.models.diagnoses_model import DiagnosesTableModel
from ui.widgets.code_picker import CodePicker
from ui.widgets.note_view import NoteView

log = logging.getLogger("claimdesk.ui.coding")

NOTE_KINDS: dict[str, str] = {
    "excludes1": "Excludes1",
    "code_first": "Code first",
    "use_additional": "Use additional",
    "code_also": "Code also",
}
NOTES_PER_KIND = 3
EM_DIALOG_MODULE = "ui.dialogs.em_calculator"
ASSISTANT_MODULE = "app.coding.assistant"

# (light, dark) backgrounds for the warning banners; the words carry the meaning, the colour only draws the eye.
WARNING_COLOURS = ("#fff4d6", "#4a3b12")


def _sex_word(sex: str) -> str:
    return {"F": "female", "M": "male"}.get(sex, "sex unknown")


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class _DiagnosesView(QTableView):
    """Ctrl+Up / Ctrl+Down move the current diagnosis; Delete removes it."""

    move_requested = Signal(int, int)
    remove_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row() if self.currentIndex().isValid() else -1
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ctrl and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and row >= 0:
            target = row - 1 if event.key() == Qt.Key.Key_Up else row + 1
            if 0 <= target < self.model().rowCount():
                self.move_requested.emit(row, target)
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and row >= 0:
            self.remove_requested.emit(row)
            event.accept()
            return
        super().keyPressEvent(event)


class _LinesView(QTableView):
    """Typing or F2 edits a cell; Delete removes the current line (outside an edit)."""

    remove_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row() if self.currentIndex().isValid() else -1
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and event.key() == Qt.Key.Key_Delete and row >= 0:
            self.remove_requested.emit(row)
            event.accept()
            return
        super().keyPressEvent(event)


class _SuggestionsView(QTreeWidget):
    """Enter adds the current suggestion."""

    add_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self.add_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CodingPanel(QWidget):
    """One encounter at a time. Every edit goes through `CodingHistory`, so it can be undone;
    nothing reaches the database until Save, Mark coded, Ready to bill or Hold."""

    back_requested = Signal(int)  # the encounter to select in the worklist
    encounter_loaded = Signal(int)
    written = Signal(int)  # a save, status change or eligibility record finished

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.worklist: Any = None  # the Encounters panel, set by the main window (for previous / next)
        self.workspace: EncounterWorkspace | None = None
        self.history: CodingHistory | None = None
        self.suggestions: Any = None
        self._position: int | None = None  # the encounter's row in the worklist when it was opened
        self._open_job: Job[EncounterWorkspace] | None = None
        self._write_job: Job[EncounterWorkspace] | None = None
        self._suggest_job: Job[Any] | None = None
        self._pending_step: int | None = None

        self.diagnoses_model = DiagnosesTableModel(self)
        self.lines_model = CodingLinesTableModel(self)
        self.lines_model.set_providers([(c.id, c.label) for c in services.encounters.provider_choices()])
        self.diagnoses_model.move_requested.connect(self.move_diagnosis)
        self.lines_model.line_edited.connect(self._on_line_edited, Qt.ConnectionType.QueuedConnection)
        self.lines_model.code_edited.connect(self._on_code_edited, Qt.ConnectionType.QueuedConnection)
        self.lines_model.edit_refused.connect(self.show_message)

        self._build_actions()
        self._build_header()
        self._build_note_side()
        self._build_coding_side()

        self.empty_label = QLabel("Choose an encounter in the worklist and press Enter to code it.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.note_side)
        self.splitter.addWidget(self.coding_side)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setChildrenCollapsible(False)

        work = QWidget()
        work_layout = QVBoxLayout(work)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_layout.setSpacing(8)
        work_layout.addWidget(self.header)
        work_layout.addWidget(self.splitter, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_label)
        self.pages.addWidget(work)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.pages, 1)

        self.setFocusProxy(self.picker)
        self._set_tab_order()
        self._update_actions()

    # ------------------------------------------------------------------ building

    def _action(self, text: str, shortcuts: tuple[str, ...], slot: Callable[[], None], tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = ", ".join(shortcuts)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.back_action = self._action("Worklist", ("Esc",), self.back_to_worklist, "Back to the worklist")
        # Esc is handled in keyPressEvent so a field or popup can use it first; the action is for the toolbar.
        self.back_action.setShortcuts([])
        self.back_action.setToolTip("Back to the worklist (Esc)")
        self.previous_action = self._action(
            "Previous", ("Alt+Up",), lambda: self.go_to_neighbour(-1), "Previous encounter in the worklist"
        )
        self.next_action = self._action(
            "Next", ("Alt+Down",), lambda: self.go_to_neighbour(1), "Next encounter in the worklist"
        )
        self.undo_action = self._action("Undo", ("Ctrl+Z",), self.undo, "Undo the last coding change")
        self.redo_action = self._action("Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), self.redo, "Redo")
        self.save_action = self._action("Save", ("Ctrl+S",), self.save, "Save the coding")
        self.coded_action = self._action(
            "Mark coded", ("Ctrl+Shift+K",), self.mark_coded, "Save and mark the encounter coded"
        )
        self.ready_action = self._action(
            "Ready to bill", ("Ctrl+Shift+B",), self.mark_ready, "Save and mark the encounter ready to bill"
        )
        self.hold_action = self._action(
            "Hold with query…",
            ("Ctrl+Shift+H",),
            self.hold_with_query,
            "Put the encounter on hold with a query for the provider",
        )
        self.release_action = self._action(
            "Release hold", (), self.release_hold, "The provider answered: back to coding"
        )
        self.eligibility_action = self._action(
            "Record eligibility…", (), self.record_eligibility, "Record an eligibility check for a coverage"
        )
        self.details_action = self._action(
            "Claim details…",
            ("Ctrl+Shift+D",),
            self.edit_claim_details,
            "Prior authorization number and referring provider",
        )
        self.add_line_action = self._action(
            "Add line", ("Insert",), self.focus_line_entry, "Type a CPT or HCPCS code to add a service line"
        )
        self.em_action: QAction | None = None
        if _module_available(EM_DIALOG_MODULE):
            self.em_action = self._action(
                "E/M calculator…",
                ("Ctrl+E",),
                self.open_em_calculator,
                "Work out the E/M level and put it on the claim",
            )

        self.toolbar = QToolBar("Coding")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setFloatable(False)
        self.toolbar.setMovable(False)
        for group in (
            (self.back_action, self.previous_action, self.next_action),
            (self.undo_action, self.redo_action),
            (self.save_action, self.coded_action, self.ready_action),
            (self.hold_action, self.release_action, self.eligibility_action, self.details_action),
            ((self.em_action,) if self.em_action else ()),
        ):
            if not group:
                continue
            if self.toolbar.actions():
                self.toolbar.addSeparator()
            for action in group:
                self.toolbar.addAction(action)
        for button in self.toolbar.findChildren(QToolButton):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab moves between the fields; the keys reach these

    def _banner(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setMargin(6)
        label.setAutoFillBackground(True)
        label.setFrameShape(QFrame.Shape.StyledPanel)
        label.hide()
        return label

    def _build_header(self) -> None:
        self.header = QWidget()
        self.patient_label = QLabel()
        font = self.patient_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.patient_label.setFont(font)
        self.patient_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.patient_detail_label = QLabel()
        self.visit_label = QLabel()
        self.visit_label.setWordWrap(True)
        self.coverage_label = QLabel()
        self.coverage_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.code_set_banner = self._banner("code_set_banner")
        self.eligibility_banner = self._banner("eligibility_banner")
        self._paint_banners()

        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.patient_label)
        top.addWidget(self.patient_detail_label)
        top.addStretch(1)

        layout = QVBoxLayout(self.header)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.visit_label)
        layout.addWidget(self.coverage_label)
        layout.addWidget(self.code_set_banner)
        layout.addWidget(self.eligibility_banner)

    def _paint_banners(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        for banner in (self.code_set_banner, self.eligibility_banner):
            palette = banner.palette()
            palette.setColor(QPalette.ColorRole.Window, WARNING_COLOURS[1 if dark else 0])
            banner.setPalette(palette)

    def _build_note_side(self) -> None:
        self.note_view = NoteView()

        self.suggestions_view = _SuggestionsView()
        self.suggestions_view.setAccessibleName("Suggested codes")
        self.suggestions_view.setRootIsDecorated(False)
        self.suggestions_view.setUniformRowHeights(True)
        self.suggestions_view.setAlternatingRowColors(True)
        self.suggestions_view.setHeaderLabels(["Code", "Description", "Confidence", "Why"])
        self.suggestions_view.currentItemChanged.connect(self._on_suggestion_current)
        self.suggestions_view.add_requested.connect(self.add_current_suggestion)
        self.suggestions_view.itemDoubleClicked.connect(lambda *_: self.add_current_suggestion())
        char = self.fontMetrics().averageCharWidth()
        sheader = self.suggestions_view.header()
        sheader.resizeSection(0, 9 * char + 16)
        sheader.resizeSection(1, 24 * char)
        sheader.resizeSection(2, 11 * char)
        self.add_suggestion_button = QPushButton("&Add")
        self.add_suggestion_button.setToolTip("Add the highlighted suggestion (Enter in the list)")
        self.add_suggestion_button.clicked.connect(self.add_current_suggestion)
        self.add_all_button = QPushButton("Add a&ll")
        self.add_all_button.setToolTip("Add every suggested diagnosis, first-listed first, then the procedures")
        self.add_all_button.clicked.connect(self.add_all_suggestions)
        self.suggestions_status = QLabel()
        self.suggestions_status.setWordWrap(True)
        self.suggestions_status.setEnabled(False)

        self.gaps_view = QListWidget()
        self.gaps_view.setAccessibleName("Documentation gaps")
        self.gaps_view.setWordWrap(True)
        self.gaps_view.currentItemChanged.connect(self._on_gap_current)
        self.gaps_view.itemActivated.connect(lambda *_: self.query_gap())
        self.query_gap_button = QPushButton("&Query provider…")
        self.query_gap_button.setToolTip("Hold the encounter with a query about the highlighted gap")
        self.query_gap_button.clicked.connect(self.query_gap)

        suggestion_box = QGroupBox("Suggestions")
        box = QVBoxLayout(suggestion_box)
        box.setSpacing(6)
        box.addWidget(self.suggestions_view, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_suggestion_button)
        buttons.addWidget(self.add_all_button)
        buttons.addWidget(self.suggestions_status, 1)
        box.addLayout(buttons)
        self.gaps_title = QLabel("Documentation gaps")
        box.addWidget(self.gaps_title)
        box.addWidget(self.gaps_view, 1)
        gap_buttons = QHBoxLayout()
        gap_buttons.addWidget(self.query_gap_button)
        gap_buttons.addStretch(1)
        box.addLayout(gap_buttons)
        self.suggestion_box = suggestion_box
        rows = self.fontMetrics().height() + 8
        self.note_view.setMinimumHeight(rows * 3)
        self.suggestions_view.setMinimumHeight(rows * 3)
        self.gaps_view.setMinimumHeight(rows * 2)
        self._show_gaps_section(False)

        note_box = QGroupBox("Note")
        note_layout = QVBoxLayout(note_box)
        note_layout.addWidget(self.note_view)

        self.note_side = QSplitter(Qt.Orientation.Vertical)
        self.note_side.addWidget(note_box)
        self.note_side.addWidget(suggestion_box)
        self.note_side.setStretchFactor(0, 3)
        self.note_side.setStretchFactor(1, 2)
        self.note_side.setChildrenCollapsible(False)

    def _build_coding_side(self) -> None:
        row_height = self.fontMetrics().height() + 10
        char = self.fontMetrics().averageCharWidth()

        # Diagnoses
        self.diagnoses_view = _DiagnosesView()
        self.diagnoses_view.setModel(self.diagnoses_model)
        self.diagnoses_view.setAccessibleName("Diagnoses")
        self.diagnoses_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.diagnoses_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.diagnoses_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.diagnoses_view.setTabKeyNavigation(False)
        self.diagnoses_view.setWordWrap(False)
        self.diagnoses_view.setAlternatingRowColors(True)
        self.diagnoses_view.verticalHeader().hide()
        self.diagnoses_view.verticalHeader().setDefaultSectionSize(row_height)
        self.diagnoses_view.setDragEnabled(True)
        self.diagnoses_view.setAcceptDrops(True)
        self.diagnoses_view.setDropIndicatorShown(True)
        self.diagnoses_view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.diagnoses_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.diagnoses_view.setDragDropOverwriteMode(False)
        dheader = self.diagnoses_view.horizontalHeader()
        dheader.resizeSection(0, 4 * char + 12)
        dheader.resizeSection(1, 10 * char + 16)
        dheader.setStretchLastSection(True)
        dheader.setHighlightSections(False)
        self.diagnoses_view.setMinimumHeight(row_height * 2 + dheader.sizeHint().height())
        self.diagnoses_view.move_requested.connect(self.move_diagnosis)
        self.diagnoses_view.remove_requested.connect(self.remove_diagnosis)

        self.picker = CodePicker(self.services.codesets, "icd10cm")
        self.picker.line_edit.setAccessibleName("Add a diagnosis")
        self.picker.line_edit.setPlaceholderText("Add a diagnosis: type a code or words (E11.9, hypertension…)")
        self.picker.code_picked.connect(self._on_code_picked)
        self.notes_strip = QLabel()
        self.notes_strip.setObjectName("code_notes_strip")
        self.notes_strip.setWordWrap(True)
        self.notes_strip.setTextFormat(Qt.TextFormat.RichText)
        self.notes_strip.setMargin(4)
        self.notes_strip.hide()

        diagnoses_box = QGroupBox("Diagnoses")
        dbox = QVBoxLayout(diagnoses_box)
        dbox.setSpacing(6)
        dbox.addWidget(self.picker)
        dbox.addWidget(self.notes_strip)
        dbox.addWidget(self.diagnoses_view, 1)
        hint = QLabel("Ctrl+Up / Ctrl+Down reorder · Delete removes · drag to reorder")
        hint.setEnabled(False)
        dbox.addWidget(hint)

        # Service lines
        self.lines_view = _LinesView()
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setAccessibleName("Service lines")
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.lines_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_view.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.lines_view.setTabKeyNavigation(False)
        self.lines_view.setWordWrap(False)
        self.lines_view.setAlternatingRowColors(True)
        self.lines_view.verticalHeader().hide()
        self.lines_view.verticalHeader().setDefaultSectionSize(row_height)
        lheader = self.lines_view.horizontalHeader()
        lheader.setHighlightSections(False)
        widths = {
            LineColumn.CODE: 7,
            LineColumn.DESCRIPTION: 26,
            LineColumn.MODIFIERS: 10,
            LineColumn.UNITS: 6,
            LineColumn.CHARGE: 10,
            LineColumn.POINTERS: 9,
            LineColumn.DATE_FROM: 11,
            LineColumn.DATE_TO: 11,
            LineColumn.PLACE_OF_SERVICE: 5,
            LineColumn.RENDERING: 14,
            LineColumn.NDC: 14,
        }
        for column, chars in widths.items():
            lheader.resizeSection(column, chars * char + 16)
        lheader.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        lheader.setStretchLastSection(True)
        self.lines_view.setMinimumHeight(row_height * 2 + lheader.sizeHint().height())
        self.lines_view.remove_requested.connect(self.remove_line)

        self.line_code_edit = QLineEdit()
        self.line_code_edit.setAccessibleName("New line code")
        self.line_code_edit.setPlaceholderText("Code (Insert), e.g. 99213")
        self.line_modifiers_edit = QLineEdit()
        self.line_modifiers_edit.setAccessibleName("New line modifiers")
        self.line_modifiers_edit.setPlaceholderText("Modifiers")
        self.line_units_edit = QLineEdit()
        self.line_units_edit.setAccessibleName("New line units")
        self.line_units_edit.setPlaceholderText("Units: 1")
        self.line_pointers_edit = QLineEdit()
        self.line_pointers_edit.setAccessibleName("New line pointers")
        self.line_pointers_edit.setPlaceholderText("Pointers, e.g. AB")
        self.line_pointers_edit.setToolTip("Diagnosis letters; left empty, the line points at the first four")
        self.add_line_button = QPushButton("Add &line")
        self.add_line_button.clicked.connect(self.add_line_from_entry)
        for edit, chars in (
            (self.line_code_edit, 20),
            (self.line_modifiers_edit, 10),
            (self.line_units_edit, 8),
            (self.line_pointers_edit, 16),
        ):
            edit.setMinimumWidth(chars * char)
            edit.returnPressed.connect(self.add_line_from_entry)
        entry = QHBoxLayout()
        entry.setSpacing(6)
        entry.addWidget(self.line_code_edit, 3)
        entry.addWidget(self.line_modifiers_edit, 2)
        entry.addWidget(self.line_units_edit, 1)
        entry.addWidget(self.line_pointers_edit, 2)
        entry.addWidget(self.add_line_button)

        self.total_label = QLabel()
        total_font = self.total_label.font()
        total_font.setBold(True)
        self.total_label.setFont(total_font)
        self.message_label = QLabel()
        self.message_label.setObjectName("coding_message")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        lines_box = QGroupBox("Service lines")
        lbox = QVBoxLayout(lines_box)
        lbox.setSpacing(6)
        lbox.addLayout(entry)
        lbox.addWidget(self.lines_view, 1)
        footer = QHBoxLayout()
        lines_hint = QLabel("Type or F2 to edit a cell · Delete removes a line")
        lines_hint.setEnabled(False)
        footer.addWidget(lines_hint)
        footer.addStretch(1)
        footer.addWidget(self.total_label)
        lbox.addLayout(footer)

        self.coding_side = QSplitter(Qt.Orientation.Vertical)
        self.coding_side.addWidget(diagnoses_box)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(lines_box, 1)
        lower_layout.addWidget(self.message_label)
        self.coding_side.addWidget(lower)
        self.coding_side.setChildrenCollapsible(False)
        self.coding_side.setStretchFactor(0, 1)
        self.coding_side.setStretchFactor(1, 1)

        for edit in (
            self.picker.line_edit,
            self.line_code_edit,
            self.line_modifiers_edit,
            self.line_units_edit,
            self.line_pointers_edit,
        ):
            edit.installEventFilter(self)

    def _set_tab_order(self) -> None:
        chain = [
            self.picker.line_edit,
            self.diagnoses_view,
            self.line_code_edit,
            self.line_modifiers_edit,
            self.line_units_edit,
            self.line_pointers_edit,
            self.add_line_button,
            self.lines_view,
            self.note_view,
            self.suggestions_view,
            self.add_suggestion_button,
            self.add_all_button,
            self.gaps_view,
            self.query_gap_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ state

    @property
    def encounter_id(self) -> int | None:
        return self.workspace.encounter_id if self.workspace else None

    @property
    def coding(self) -> Coding:
        return self.history.current if self.history else Coding()

    @property
    def dirty(self) -> bool:
        return bool(self.history and self.history.dirty)

    @property
    def editable(self) -> bool:
        return bool(self.workspace and self.workspace.editable)

    @property
    def busy(self) -> bool:
        return self._open_job is not None or self._write_job is not None

    def _update_actions(self) -> None:
        have = self.workspace is not None
        idle = self._write_job is None
        editable = self.editable and idle
        for action in (
            self.save_action,
            self.coded_action,
            self.ready_action,
            self.hold_action,
            self.add_line_action,
            self.details_action,
        ):
            action.setEnabled(editable)
        if have and self.workspace.open_claim:  # type: ignore[union-attr]
            self.hold_action.setEnabled(False)  # on a claim already: fix the codes, the claim follows
        if self.em_action is not None:
            self.em_action.setEnabled(editable)
        self.release_action.setEnabled(have and idle and self.workspace.status == "on_hold")  # type: ignore[union-attr]
        self.eligibility_action.setEnabled(have and idle and bool(self.workspace.coverages))  # type: ignore[union-attr]
        self.undo_action.setEnabled(editable and bool(self.history and self.history.can_undo))
        self.redo_action.setEnabled(editable and bool(self.history and self.history.can_redo))
        self.back_action.setEnabled(True)
        self.previous_action.setEnabled(have and self.worklist is not None)
        self.next_action.setEnabled(have and self.worklist is not None)
        for widget in (
            self.picker,
            self.line_code_edit,
            self.line_modifiers_edit,
            self.line_units_edit,
            self.line_pointers_edit,
            self.add_line_button,
            self.add_suggestion_button,
            self.add_all_button,
        ):
            widget.setEnabled(editable)
        self.query_gap_button.setEnabled(editable and self.gaps_view.count() > 0)
        triggers = (
            (
                QAbstractItemView.EditTrigger.AnyKeyPressed
                | QAbstractItemView.EditTrigger.EditKeyPressed
                | QAbstractItemView.EditTrigger.DoubleClicked
            )
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.lines_view.setEditTriggers(triggers)
        self.diagnoses_view.setDragEnabled(editable)

    # ------------------------------------------------------------------ opening

    def open_encounter(self, encounter_id: int) -> None:
        """Show an encounter; with unsaved changes on another one, ask first."""
        if self.workspace is not None and encounter_id == self.workspace.encounter_id and self._open_job is None:
            self._remember_position(encounter_id)
            return
        if not self.maybe_leave(lambda: self._load(encounter_id)):
            return
        self._load(encounter_id)

    def _remember_position(self, encounter_id: int) -> None:
        if self.worklist is not None:
            row = self.worklist.model.row_of(encounter_id)
            if row is not None:
                self._position = row

    def _load(self, encounter_id: int) -> None:
        if self._open_job is not None:
            self._open_job.cancel()
        self._remember_position(encounter_id)
        coding = self.services.coding

        def done(workspace: EncounterWorkspace) -> None:
            self._open_job = None
            self.show_workspace(workspace)
            self.encounter_loaded.emit(workspace.encounter_id)

        def failed(exc: BaseException) -> None:
            self._open_job = None
            self._show_error("Open encounter", exc)

        self._open_job = run_quiet(self, lambda _ctx: coding.open(encounter_id), done, failed)

    def reload(self) -> None:
        if self.workspace is not None:
            self._load(self.workspace.encounter_id)

    def show_workspace(self, workspace: EncounterWorkspace) -> None:
        """Show a freshly read encounter; its coding starts a new undo history."""
        same = self.workspace is not None and self.workspace.encounter_id == workspace.encounter_id
        note_changed = not same or self.workspace is None or self.workspace.note_text != workspace.note_text
        self.workspace = workspace
        self.history = CodingHistory(workspace.coding)
        self._fill_header(workspace)
        if note_changed:
            self.note_view.set_note(workspace.note_text)
            self._request_suggestions(workspace)
        if not same:
            self.picker.clear()
            self.notes_strip.hide()
            self._clear_line_entry()
            self.hide_message()
        if self.pages.currentIndex() != 1:
            self.pages.setCurrentIndex(1)
            width = max(self.splitter.width(), 1000)
            self.splitter.setSizes([width * 9 // 20, width * 11 // 20])  # the note reads comfortably
        self._refresh_coding()
        if not same and self.isVisible():
            target = self.picker if workspace.editable else self.note_view
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_header(self, ws: EncounterWorkspace) -> None:
        self.patient_label.setText(ws.patient_name)
        self.patient_detail_label.setText(
            f"Account {ws.account_number} · born {ws.date_of_birth:%m/%d/%Y} · {ws.age} years · {_sex_word(ws.sex)}"
        )
        visit = [
            f"Seen {ws.date_of_service:%m/%d/%Y}",
            f"by {ws.provider_name}",
            f"at {ws.facility_name} (POS {ws.place_of_service})",
        ]
        if ws.prior_authorization:
            visit.append(f"prior authorization {ws.prior_authorization}")
        self.visit_label.setText(" · ".join(visit) + f" · visit {ws.source_id}")
        if ws.coverages:
            parts = []
            for c in ws.coverages:
                which = "Primary" if c.priority == 1 else "Secondary" if c.priority == 2 else f"Coverage {c.priority}"
                parts.append(f"{which}: {c.payer_name}, member {c.member_id}, eligibility {c.eligibility}")
            self.coverage_label.setText("\n".join(parts))
        else:
            self.coverage_label.setText("No coverage on the date of service: the patient pays (self-pay).")
        self.code_set_banner.setText(f"Code set: {ws.code_set_warning}" if ws.code_set_warning else "")
        self.code_set_banner.setVisible(bool(ws.code_set_warning))
        self.eligibility_banner.setText(
            f"Eligibility: {ws.eligibility_warning} Record a check with “Record eligibility…”."
            if ws.eligibility_warning
            else ""
        )
        self.eligibility_banner.setVisible(bool(ws.eligibility_warning))
        status = html.escape(ENCOUNTER_STATUS_LABELS.get(ws.status, ws.status))
        text = f"Status: <b>{status}</b>"
        if ws.status == "on_hold":
            reason = html.escape(ws.hold_reason or "")
            text += f" ({reason})" if reason else ""
            if ws.query_text:
                text += f"<br>Query: {html.escape(ws.query_text)}"
        if not ws.editable:
            text += "<br>Billed: a change now goes through a corrected claim."
        self.status_label.setText(text)
        self.status_label.setToolTip(ws.query_text or "")

    def _refresh_coding(self) -> None:
        coding = self.coding
        current = self.diagnoses_view.currentIndex().row()
        self.diagnoses_model.set_rows(coding.diagnoses)
        self.lines_model.set_rows(coding.lines, len(coding.diagnoses))
        if 0 <= current < len(coding.diagnoses) and not self.diagnoses_view.currentIndex().isValid():
            self.diagnoses_view.setCurrentIndex(self.diagnoses_model.index(current, 1))
        total = format_money(to_cents(coding.total_charge))
        count = len(coding.lines)
        self.total_label.setText(f"{count} {'line' if count == 1 else 'lines'} · total charge {total}")
        self.line_pointers_edit.setPlaceholderText(self._default_pointer_hint())
        self._update_actions()

    def _default_pointer_hint(self) -> str:
        n = min(len(self.coding.diagnoses), MAX_POINTERS)
        return f"Pointers (empty: {'ABCD'[:n]})" if n else "Pointers, e.g. AB"

    # ------------------------------------------------------------------ edits (all undoable)

    def apply(self, new: Coding) -> None:
        if self.history is None:
            return
        self.history.apply(new)
        self._refresh_coding()

    def _try(self, edit: Callable[[], Coding]) -> bool:
        """Apply an edit; a refused one is explained under the lines, calmly."""
        if not self.editable:
            return False
        try:
            new = edit()
        except ClaimDeskError as exc:
            self.show_message(str(exc))
            return False
        self.hide_message()
        self.apply(new)
        return True

    def add_diagnosis_code(self, code: str) -> bool:
        if self.workspace is None:
            return False
        dos = self.workspace.date_of_service
        try:
            diagnosis = self.services.coding.diagnosis(code, dos)
        except HeaderCodeError as exc:
            children = ", ".join(c for c, _d, billable in exc.children[:8] if billable)
            self.show_message(f"{exc}" + (f" Its codes include {children}." if children else ""))
            return False
        except ClaimDeskError as exc:
            self.show_message(str(exc))
            return False
        if not self._try(lambda: self.coding.add_diagnosis(diagnosis)):
            return False
        self.diagnoses_view.setCurrentIndex(self.diagnoses_model.index(len(self.coding.diagnoses) - 1, 1))
        self._show_code_notes(diagnosis.code)
        return True

    def _on_code_picked(self, hit: SearchHit) -> None:
        self.add_diagnosis_code(hit.code)

    def _show_code_notes(self, code: str) -> None:
        """Excludes1, code first and use additional notes of a code just added: read them at pick time."""
        assert self.workspace is not None
        try:
            detail = self.services.codesets.detail(code, "icd10cm", on=self.workspace.date_of_service)
        except ClaimDeskError:
            detail = None
        notes: dict[str, list[str]] = {}
        for note in detail.notes if detail else ():
            if note.kind in NOTE_KINDS and len(notes.setdefault(note.kind, [])) < NOTES_PER_KIND:
                if note.text not in notes[note.kind]:
                    notes[note.kind].append(note.text)
        if not notes:
            self.notes_strip.hide()
            return
        parts = [f"<b>{html.escape(code)}</b>"]
        for kind, label in NOTE_KINDS.items():
            if notes.get(kind):
                parts.append(f"<i>{label}:</i> " + "; ".join(html.escape(t) for t in notes[kind]))
        self.notes_strip.setText(" · ".join(parts))
        self.notes_strip.show()

    def move_diagnosis(self, from_index: int, to_index: int) -> None:
        if self._try(lambda: self.coding.move_diagnosis(from_index, to_index)):
            self.diagnoses_view.setCurrentIndex(self.diagnoses_model.index(to_index, 1))

    def remove_diagnosis(self, index: int) -> None:
        if self._try(lambda: self.coding.remove_diagnosis(index)):
            remaining = len(self.coding.diagnoses)
            if remaining:
                self.diagnoses_view.setCurrentIndex(self.diagnoses_model.index(min(index, remaining - 1), 1))

    def focus_line_entry(self) -> None:
        self.line_code_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line_code_edit.selectAll()

    def focus_field(self, field: str) -> bool:
        """Put the cursor where a claim scrub finding says the fix goes: 'coding.line.N.<part>' is that cell
        of service line N (typing or F2 then edits it), 'coding.diagnosis.N' is diagnosis N. The prior
        authorization and the referring provider come with the encounter and are not edited here: the
        message line says so. False when the open encounter has no such line or diagnosis."""
        parts = field.split(".")
        if self.workspace is None or len(parts) < 2 or parts[0] != "coding":
            return False
        line_columns = {
            "code": LineColumn.CODE,
            "modifiers": LineColumn.MODIFIERS,
            "units": LineColumn.UNITS,
            "charge": LineColumn.CHARGE,
            "pointers": LineColumn.POINTERS,
            "dates": LineColumn.DATE_FROM,
            "pos": LineColumn.PLACE_OF_SERVICE,
            "rendering": LineColumn.RENDERING,
            "ndc": LineColumn.NDC,
        }
        number = int(parts[2]) - 1 if len(parts) > 2 and parts[2].isdigit() else -1
        view: QTableView
        if parts[1] == "line" and 0 <= number < self.lines_model.rowCount():
            view = self.lines_view
            index = self.lines_model.index(number, line_columns.get(parts[3] if len(parts) > 3 else "", 0))
        elif parts[1] == "diagnosis" and 0 <= number < self.diagnoses_model.rowCount():
            view = self.diagnoses_view
            index = self.diagnoses_model.index(number, 1)
        else:
            if parts[1] in ("prior_authorization", "referring"):
                QTimer.singleShot(0, lambda: self.edit_claim_details(parts[1]))
                return True
            return False
        view.setCurrentIndex(index)
        view.scrollTo(index)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _clear_line_entry(self) -> None:
        for edit in (self.line_code_edit, self.line_modifiers_edit, self.line_units_edit, self.line_pointers_edit):
            edit.clear()

    def add_line_from_entry(self) -> None:
        """Add the line typed in the entry row; the charge comes from the charge master."""
        if self.workspace is None or not self.editable:
            return
        code = self.line_code_edit.text().strip().upper()
        if not code:
            self.line_code_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            modifiers = parse_modifiers(self.line_modifiers_edit.text())
            units_text = self.line_units_edit.text().strip()
            units = int(units_text) if units_text else 1
            if units < 1:
                raise ValidationError("Units must be at least 1.")
            pointer_text = self.line_pointers_edit.text().strip()
            count = len(self.coding.diagnoses)
            pointers = (
                parse_pointers(pointer_text, count) if pointer_text else tuple(range(1, min(count, MAX_POINTERS) + 1))
            )
            line = self.services.coding.service_line(code, self.workspace.date_of_service, units, modifiers, pointers)
        except ValueError:
            self.show_message(f"{self.line_units_edit.text()!r} is not a number of units.")
            self.line_units_edit.setFocus()
            return
        except ClaimDeskError as exc:
            self.show_message(str(exc))
            return
        if self._try(lambda: self.coding.add_line(line)):
            self._clear_line_entry()
            if line.charge == 0:
                self.show_message(f"{line.code} is not in the charge master: type its charge in the Charge column.")
            self.line_code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_line(self, line: CodedLine) -> bool:
        return self._try(lambda: self.coding.add_line(line))

    def remove_line(self, index: int) -> None:
        if self._try(lambda: self.coding.remove_line(index)):
            remaining = len(self.coding.lines)
            if remaining:
                self.lines_view.setCurrentIndex(self.lines_model.index(min(index, remaining - 1), 0))

    def _on_line_edited(self, row: int, line: CodedLine) -> None:
        current = self.lines_view.currentIndex()
        if self._try(lambda: self.coding.replace_line(row, line)) and current.isValid():
            self.lines_view.setCurrentIndex(self.lines_model.index(current.row(), current.column()))

    def _on_code_edited(self, row: int, code: str) -> None:
        """A new code on an existing line: price it again from the charge master, keep the rest."""
        if self.workspace is None:
            return
        old = self.coding.lines[row]
        try:
            priced = self.services.coding.service_line(
                code, self.workspace.date_of_service, old.units, old.modifiers, old.pointers
            )
        except ClaimDeskError as exc:
            self.show_message(str(exc))
            return
        from dataclasses import replace

        new = replace(old, code=priced.code, charge=priced.charge, description=priced.description)
        self._try(lambda: self.coding.replace_line(row, new))

    def undo(self) -> None:
        if self.history and self.editable and self.history.can_undo:
            self.history.undo()
            self.hide_message()
            self._refresh_coding()

    def redo(self) -> None:
        if self.history and self.editable and self.history.can_redo:
            self.history.redo()
            self.hide_message()
            self._refresh_coding()

    def discard_changes(self) -> None:
        if self.workspace is not None:
            self.history = CodingHistory(self.workspace.coding)
            self._refresh_coding()

    # ------------------------------------------------------------------ suggestions

    def _request_suggestions(self, ws: EncounterWorkspace) -> None:
        self.suggestions = None
        self.suggestions_view.clear()
        self.gaps_view.clear()
        if self._suggest_job is not None:
            self._suggest_job.cancel()
            self._suggest_job = None
        get_assistant = self._get_assistant()
        if get_assistant is None:
            self.suggestions_status.setText("Suggestions are not available in this version.")
            self._show_gaps_section(False)
            return
        if not ws.note_text.strip():
            self.suggestions_status.setText("No note to suggest codes from.")
            self._show_gaps_section(False)
            return
        self.suggestions_status.setText("Reading the note…")
        note, age, sex, dos = ws.note_text, ws.age, ws.sex, ws.date_of_service
        encounter_id = ws.encounter_id

        def done(result: Any) -> None:
            self._suggest_job = None
            if self.encounter_id == encounter_id:
                self.show_suggestions(result)

        def failed(exc: BaseException) -> None:
            self._suggest_job = None
            log.warning("suggestions failed: %s", type(exc).__name__)
            self.suggestions_status.setText("Suggestions could not be made for this note.")

        self._suggest_job = run_quiet(
            self, lambda _ctx: get_assistant().suggest(note, age=age, sex=sex, date_of_service=dos), done, failed
        )

    def _get_assistant(self) -> Callable[[], Any] | None:
        """A function that returns the shared assistant, building it on first use (off the UI thread: it
        loads its vocabulary), or None when this build has no assistant."""
        if not _module_available(ASSISTANT_MODULE):
            return None
        codesets = self.services.codesets
        return lambda: _shared_assistant(codesets)

    def show_suggestions(self, suggestions: Any) -> None:
        self.suggestions = suggestions
        self.suggestions_view.clear()
        for d in getattr(suggestions, "diagnoses", []):
            item = QTreeWidgetItem([d.code, d.description, f"{round(d.confidence * 100)}%", d.reason])
            item.setData(0, Qt.ItemDataRole.UserRole, ("diagnosis", d))
            item.setToolTip(3, d.reason)
            item.setToolTip(1, d.description)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.suggestions_view.addTopLevelItem(item)
        for p in getattr(suggestions, "procedures", []):
            units = f"procedure, {p.units} units" if p.units != 1 else "procedure (line)"
            item = QTreeWidgetItem([p.code, units, "", p.reason])
            item.setData(0, Qt.ItemDataRole.UserRole, ("procedure", p))
            item.setToolTip(3, p.reason)
            self.suggestions_view.addTopLevelItem(item)
        count = self.suggestions_view.topLevelItemCount()
        self.suggestions_status.setText(
            "Nothing to suggest from this note." if count == 0 else "Enter adds the highlighted one."
        )
        self.gaps_view.clear()
        for gap in getattr(suggestions, "gaps", []):
            item = QListWidgetItem(f"{gap.code_family}: {gap.message}")
            item.setData(Qt.ItemDataRole.UserRole, gap)
            self.gaps_view.addItem(item)
        self._show_gaps_section(self.gaps_view.count() > 0)
        if count:
            self.suggestions_view.setCurrentItem(self.suggestions_view.topLevelItem(0))
        self._update_actions()

    def _show_gaps_section(self, visible: bool) -> None:
        for w in (self.gaps_title, self.gaps_view, self.query_gap_button):
            w.setVisible(visible)

    def _on_suggestion_current(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        payload = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        evidence = payload[1].evidence if payload else []
        self.note_view.highlight([(e.start, e.end) for e in evidence])

    def _on_gap_current(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        gap = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.note_view.highlight([(e.start, e.end) for e in gap.evidence] if gap else [])

    def _add_suggestion(self, payload: tuple[str, Any]) -> bool:
        kind, s = payload
        if kind == "diagnosis":
            if any(d.code == s.code for d in self.coding.diagnoses):
                return False
            return self.add_diagnosis_code(s.code)
        if self.workspace is None:
            return False
        count = len(self.coding.diagnoses)
        try:
            line = self.services.coding.service_line(
                s.code,
                self.workspace.date_of_service,
                max(1, s.units),
                pointers=tuple(range(1, min(count, MAX_POINTERS) + 1)),
            )
        except ClaimDeskError as exc:
            self.show_message(str(exc))
            return False
        return self.add_line(line)

    def add_current_suggestion(self) -> None:
        item = self.suggestions_view.currentItem()
        if item is None or not self.editable:
            return
        self._add_suggestion(item.data(0, Qt.ItemDataRole.UserRole))
        below = self.suggestions_view.itemBelow(item)
        if below is not None:
            self.suggestions_view.setCurrentItem(below)

    def add_all_suggestions(self) -> None:
        """Every suggested diagnosis in the suggested (first-listed) order, then the procedures."""
        if not self.editable:
            return
        payloads = [
            self.suggestions_view.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
            for i in range(self.suggestions_view.topLevelItemCount())
        ]
        for payload in sorted(payloads, key=lambda p: p[0] != "diagnosis"):
            self._add_suggestion(payload)

    def query_gap(self) -> None:
        item = self.gaps_view.currentItem() or (self.gaps_view.item(0) if self.gaps_view.count() else None)
        if item is None:
            return
        gap = item.data(Qt.ItemDataRole.UserRole)
        self.hold_with_query(reason=_reason_for_gap(gap.message), query_text=f"{gap.message} ({gap.code_family})")

    # ------------------------------------------------------------------ E/M

    def open_em_calculator(self) -> None:
        if self.workspace is None or not self.editable:
            return
        module = importlib.import_module(EM_DIALOG_MODULE)
        dialog = module.EmCalculatorDialog(self)
        if dialog.exec() != dialog.DialogCode.Accepted:
            return
        code = dialog.result_code()
        if not code:
            return
        count = len(self.coding.diagnoses)
        existing = next((i for i, line in enumerate(self.coding.lines) if line.code.startswith("992")), None)
        try:
            if existing is not None:
                old = self.coding.lines[existing]
                line = self.services.coding.service_line(
                    code, self.workspace.date_of_service, old.units, old.modifiers, old.pointers
                )
            else:
                line = self.services.coding.service_line(
                    code, self.workspace.date_of_service, pointers=tuple(range(1, min(count, MAX_POINTERS) + 1))
                )
        except ClaimDeskError as exc:
            self.show_message(str(exc))
            return
        if existing is not None:
            self._try(lambda: self.coding.replace_line(existing, line))
        else:
            self._try(lambda: self.coding.add_line(line))

    # ------------------------------------------------------------------ writing

    def _write(
        self, title: str, work: Callable[[int], EncounterWorkspace], then: Callable[[], None] | None = None
    ) -> None:
        if self.workspace is None or self._write_job is not None:
            return
        encounter_id = self.workspace.encounter_id

        def done(workspace: EncounterWorkspace) -> None:
            self._write_job = None
            if self.encounter_id == encounter_id:
                self.show_workspace(workspace)
            self.services.bus.publish(Changes({"encounter": frozenset({encounter_id})}))
            self.written.emit(encounter_id)
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self._write_job = None
            self._update_actions()
            self._show_error(title, exc)

        self._write_job = run_job(self, f"{title}…", lambda _ctx: work(encounter_id), done, failed, writes=True)
        self._update_actions()

    def save(self, then: Callable[[], None] | None = None) -> None:
        if not self.editable:
            return
        coding, service = self.coding, self.services.coding
        self._write("Save", lambda eid: service.save(eid, coding), then)

    def mark_coded(self) -> None:
        if not self.editable:
            return
        coding, service = self.coding, self.services.coding
        self._write("Mark coded", lambda eid: service.mark_coded(eid, coding))

    def mark_ready(self) -> None:
        if not self.editable:
            return
        coding, service = self.coding, self.services.coding
        self._write("Ready to bill", lambda eid: service.mark_ready(eid, coding))

    def hold_with_query(self, reason: str | None = None, query_text: str = "") -> None:
        if self.workspace is None or not self.editable:
            return
        ws = self.workspace
        dialog = HoldQueryDialog(
            self,
            reason=reason or ws.hold_reason,
            query_text=query_text or (ws.query_text or ""),
            patient=html.escape(f"{ws.patient_name}, seen {ws.date_of_service:%m/%d/%Y}"),
        )
        if dialog.exec() != HoldQueryDialog.DialogCode.Accepted:
            return
        chosen, text, coding, service = dialog.reason(), dialog.query_text(), self.coding, self.services.coding
        self._write("Hold with query", lambda eid: service.hold(eid, chosen, text, coding))

    def release_hold(self) -> None:
        if self.workspace is None or self.workspace.status != "on_hold":
            return
        if self.dirty:
            # Releasing re-reads the encounter; keep the coder's edits by saving them first.
            self.save(then=self.release_hold)
            return
        service = self.services.coding
        self._write("Release hold", lambda eid: service.release_hold(eid))

    def edit_claim_details(self, focus: str = "prior_authorization") -> None:
        """The prior authorization number and the referring provider (Ctrl+Shift+D)."""
        if self.workspace is None or not self.editable:
            return
        if self.dirty:
            self.save(then=lambda: self.edit_claim_details(focus))
            return
        ws = self.workspace
        dialog = ClaimDetailsDialog(
            self,
            prior_authorization=ws.prior_authorization,
            referring_provider_id=ws.referring_provider_id,
            providers=[p for p in self.services.coding.referring_choices() if p[0] != ws.rendering_provider_id],
            focus=focus,
        )
        self.claim_details_dialog = dialog
        if dialog.exec() != ClaimDetailsDialog.DialogCode.Accepted:
            return
        auth, referring, service = dialog.prior_authorization(), dialog.referring_provider_id(), self.services.coding
        self._write("Claim details", lambda eid: service.set_claim_details(eid, auth, referring))

    def record_eligibility(self) -> None:
        if self.workspace is None or not self.workspace.coverages:
            return
        dialog = EligibilityDialog(self.workspace.coverages, self.workspace.date_of_service, self)
        if dialog.exec() != EligibilityDialog.DialogCode.Accepted:
            return
        args = dict(
            coverage_id=dialog.coverage_id(),
            result=dialog.result(),
            checked_on=dialog.checked_on(),
            copay=dialog.copay(),
            deductible_remaining=dialog.deductible_remaining(),
            notes=dialog.notes(),
        )
        service = self.services.coding
        if self.dirty:
            # The recorded check re-reads the encounter: keep unsaved coding in this panel.
            kept = self.history

            def then() -> None:
                if kept is not None and self.history is not None:
                    self.history = kept
                    self._refresh_coding()

            self._write("Record eligibility", lambda eid: service.record_eligibility(eid, **args), then)
            return
        self._write("Record eligibility", lambda eid: service.record_eligibility(eid, **args))

    # ------------------------------------------------------------------ leaving

    def maybe_leave(self, then: Callable[[], None]) -> bool:
        """True when it is fine to leave this encounter now. With unsaved changes, ask:
        Save (returns False and calls `then` once saved), Discard (True) or Cancel (False)."""
        if not self.dirty or self.workspace is None:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved coding",
            f"The coding of {self.workspace.patient_name} ({self.workspace.date_of_service:%m/%d/%Y}) has "
            "changes that are not saved.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            self.save(then=then)
            return False
        if answer == QMessageBox.StandardButton.Discard:
            self.discard_changes()
            return True
        return False

    def back_to_worklist(self) -> None:
        encounter_id = self.encounter_id or 0
        if self.maybe_leave(lambda: self.back_requested.emit(encounter_id)):
            self.back_requested.emit(encounter_id)

    def go_to_neighbour(self, step: int) -> None:
        """Open the previous (-1) or next (+1) encounter of the worklist's current list."""
        worklist = self.worklist
        if worklist is None or self.workspace is None:
            return
        model = worklist.model
        row = model.row_of(self.workspace.encounter_id)
        if row is not None:
            target = row + step
        elif self._position is not None:
            # This encounter has left the filtered list: the next one has moved up into its place.
            target = self._position if step > 0 else self._position - 1
        else:
            target = 0
        if target < 0:
            self.show_message("This is the first encounter in the worklist.")
            return
        if target >= model.rowCount():
            if model.canFetchMore(QModelIndex()):
                self._pending_step = step
                model.rowsInserted.connect(self._on_more_rows)
                model.fetchMore(QModelIndex())
                self.show_message("Loading more of the worklist…")
            else:
                self.show_message("This is the last encounter in the worklist.")
            return
        found = model.row_at(target)
        if found is None:
            return
        self.hide_message()

        def go() -> None:
            self._position = target
            worklist.select_encounter(found.encounter_id)
            self._load(found.encounter_id)

        if self.maybe_leave(go):
            go()

    def _on_more_rows(self, *_args: object) -> None:
        model = self.worklist.model
        try:
            model.rowsInserted.disconnect(self._on_more_rows)
        except (RuntimeError, TypeError):
            pass
        step, self._pending_step = self._pending_step, None
        if step is not None:
            QTimer.singleShot(0, lambda: self.go_to_neighbour(step))

    # ------------------------------------------------------------------ messages

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def hide_message(self) -> None:
        self.message_label.hide()
        self.message_label.clear()

    def _show_error(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, ClaimDeskError):
            problems = getattr(exc, "problems", None) or []
            text = str(exc)
            if problems:
                text += "\n\n" + "\n".join(f"• {p}" for p in problems)
            QMessageBox.warning(self, title, text)
        else:
            QMessageBox.warning(
                self,
                title,
                "Something went wrong and that action did not finish.\n\n"
                "The technical details were written to ClaimDesk's log file.",
            )

    # ------------------------------------------------------------------ keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # An empty field has nothing of its own to undo: let Ctrl+Z / Ctrl+Y reach the coding.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, QLineEdit):
            key_event = event  # QKeyEvent
            if (
                isinstance(key_event, QKeyEvent)
                and not watched.text()
                and (
                    key_event.matches(QKeySequence.StandardKey.Undo)
                    or key_event.matches(QKeySequence.StandardKey.Redo)
                    or key_event.keyCombination().toCombined() == QKeySequence("Ctrl+Y")[0].toCombined()
                )
            ):
                event.ignore()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            focus = self.focusWidget()
            if isinstance(focus, QLineEdit) and focus.text():
                focus.clear()
            elif self.message_label.isVisible():
                self.hide_message()
            else:
                self.back_to_worklist()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "code_set_banner"):
            self._paint_banners()
        super().changeEvent(event)


_assistants: dict[int, Any] = {}
_assistant_lock = threading.Lock()


def _shared_assistant(codesets: Any) -> Any:
    """One assistant per code-set service, built once by whichever worker asks first."""
    with _assistant_lock:
        found = _assistants.get(id(codesets))
        if found is None or found[0] is not codesets:
            module = importlib.import_module(ASSISTANT_MODULE)
            found = (codesets, module.CodingAssistant.from_service(codesets))
            _assistants.clear()  # only the open database's code sets matter
            _assistants[id(codesets)] = found
        return found[1]


def _reason_for_gap(message: str) -> str:
    text = message.lower()
    if "lateral" in text or "side" in text:
        return "laterality missing"
    if "time" in text:
        return "time not documented"
    if "signature" in text or "signed" in text:
        return "signature missing"
    if "level" in text:
        return "documentation does not support level"
    return "specificity missing"
