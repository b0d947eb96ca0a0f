"""A keyboard-first type-ahead for codes: type, arrow, Enter; a header code is refused and its codes offered."""

from __future__ import annotations

import html
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import CodeDetail, SearchHit, icd10cm_key
from ui.jobs import Job, run_quiet
from ui.models.code_results_model import SYSTEM_LABELS, CodeResultsTableModel, HitColumn
from ui.widgets.code_detail_view import with_seventh

TYPE_AHEAD_DEBOUNCE_MS = 60
POPUP_ROWS = 10
POPUP_COLUMNS = (HitColumn.CODE, HitColumn.DESCRIPTION, HitColumn.BILLABLE)


class CodeSource(Protocol):
    """What the picker needs of the code-set service."""

    def search(self, query: str, system: str = "all", limit: int = 20) -> list[SearchHit]: ...
    def children(self, code: str) -> list[tuple[str, str, bool]]: ...
    def detail(self, code: str, system: str | None = None, on: Any = None) -> CodeDetail | None: ...


def billable_choices(source: CodeSource, hit: SearchHit) -> tuple[bool, list[SearchHit]]:
    """The codes under a header, in tabular order; (True, ...) when they are its 7th-character forms.

    When the service lists no 7-character children, they are built from the code's 7th-character
    definitions (S52.521 + A = S52.521A).
    """
    rows = source.children(hit.code)
    seventh = hit.system == "icd10cm" and bool(rows) and all(len(icd10cm_key(c)) == 7 for c, _d, _b in rows)
    if not rows:
        detail = source.detail(hit.code, hit.system)
        if detail is not None and detail.seventh_characters:
            seventh = True
            rows = [
                (with_seventh(detail.code, ch), f"{detail.description}, {meaning}", True)
                for ch, meaning in detail.seventh_characters
            ]
    why = "7th character of " if seventh else "under "
    return seventh, [SearchHit(c, hit.system, d, bool(b), why + hit.code) for c, d, b in rows]


class _HitTable(QTableView):
    """A compact table of hits: code, description and whether it is billable."""

    def __init__(self, model: CodeResultsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().hide()
        self.horizontalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        char = self.fontMetrics().averageCharWidth()
        header = self.horizontalHeader()
        header.resizeSection(0, 10 * char + 16)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(2, 24 * char + 16)

    def row_height(self) -> int:
        return self.verticalHeader().defaultSectionSize()

    def select_row(self, row: int) -> None:
        model = self.model()
        if 0 <= row < model.rowCount():
            index = model.index(row, 0)
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.scrollTo(index)

    def current_row(self) -> int:
        return self.currentIndex().row() if self.currentIndex().isValid() else -1


class _ChoicesView(_HitTable):
    """The codes offered under a refused header: Enter picks, Esc or Up from the top goes back to typing."""

    chosen = Signal(int)
    leave = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_row() >= 0:
            self.chosen.emit(self.current_row())
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape or (event.key() == Qt.Key.Key_Up and self.current_row() <= 0):
            self.leave.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CodePicker(QWidget):
    """Type part of a code or a few words; a list of hits drops down; Enter picks the highlighted one.

    Emits `code_picked(SearchHit)` for a billable code only. A header (E11) or a code that still needs
    its 7th character (S52.521) is refused with an inline message that offers its codes; choosing one
    of those picks it (or, for another header, offers its codes in turn). Searches run off the UI thread.
    """

    code_picked = Signal(object)  # SearchHit
    refused = Signal(object)  # SearchHit: a header was chosen and its codes are on offer

    def __init__(
        self,
        service: CodeSource,
        system: str = "icd10cm",
        parent: QWidget | None = None,
        *,
        limit: int = 20,
        clear_on_pick: bool = True,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._system = system
        self.limit = limit
        self.clear_on_pick = clear_on_pick
        self.refused_hit: SearchHit | None = None
        self._search_job: Job[list[SearchHit]] | None = None
        self._choices_job: Job[tuple[bool, list[SearchHit]]] | None = None
        self._pick_when_ready = False

        self.line_edit = QLineEdit()
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setAccessibleName(f"{self._system_label()} code")
        self.line_edit.setPlaceholderText(self._placeholder())
        self.line_edit.installEventFilter(self)
        self.line_edit.textEdited.connect(self._on_text_edited)

        self.model = CodeResultsTableModel(self, POPUP_COLUMNS)
        self.popup = _HitTable(self.model, self)
        self.popup.setWindowFlags(
            Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.popup.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.setAccessibleName("Matching codes")
        self.popup.clicked.connect(lambda index: self.pick_row(index.row()))
        self.popup.hide()

        self.message = QFrame()
        self.message.setFrameShape(QFrame.Shape.StyledPanel)
        self.message.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.message.setAutoFillBackground(True)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        self.choices_model = CodeResultsTableModel(self, POPUP_COLUMNS)
        self.choices_view = _ChoicesView(self.choices_model)
        self.choices_view.setAccessibleName("Codes to choose from")
        self.choices_view.chosen.connect(self._choose)
        self.choices_view.leave.connect(self._leave_choices)
        self.choices_view.doubleClicked.connect(lambda index: self._choose(index.row()))
        message_layout = QVBoxLayout(self.message)
        message_layout.setContentsMargins(8, 6, 8, 8)
        message_layout.setSpacing(6)
        message_layout.addWidget(self.message_label)
        message_layout.addWidget(self.choices_view)
        self.message.hide()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPE_AHEAD_DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.message)
        self.setFocusProxy(self.line_edit)

    # ------------------------------------------------------------------ state

    @property
    def system(self) -> str:
        return self._system

    def set_system(self, system: str) -> None:
        self._system = system
        self.line_edit.setPlaceholderText(self._placeholder())
        self.line_edit.setAccessibleName(f"{self._system_label()} code")
        if self.line_edit.text().strip():
            self.run_search()

    @property
    def busy(self) -> bool:
        return self._search_job is not None or self._timer.isActive() or self._choices_job is not None

    def clear(self) -> None:
        self.line_edit.clear()
        self._timer.stop()
        self._cancel_search()
        self.model.set_rows([])
        self.hide_popup()
        self.hide_message()

    def _system_label(self) -> str:
        return "Any" if self._system == "all" else SYSTEM_LABELS.get(self._system, self._system)

    def _placeholder(self) -> str:
        if self._system == "icd10cm":
            return "Diagnosis: E11.9, e119, diabetes, DM2…"
        if self._system == "all":
            return "Code or words…"
        return f"{self._system_label()} code or words…"

    # ------------------------------------------------------------------ searching

    def _on_text_edited(self, text: str) -> None:
        self.hide_message()
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self._cancel_search()
            self.model.set_rows([])
            self.hide_popup()

    def run_search(self) -> None:
        self._timer.stop()
        self._cancel_search()
        query, system, limit, service = self.line_edit.text().strip(), self._system, self.limit, self.service
        if not query:
            return
        self._search_job = run_quiet(
            self,
            lambda _ctx: service.search(query, system, limit),
            lambda hits: self._on_hits(query, system, hits),
            self._on_search_failed,
        )

    def _cancel_search(self) -> None:
        if self._search_job is not None:
            self._search_job.cancel()
            self._search_job = None

    def _on_hits(self, query: str, system: str, hits: list[SearchHit]) -> None:
        self._search_job = None
        if (query, system) != (self.line_edit.text().strip(), self._system):
            return
        self.model.set_rows(hits)
        if hits:
            self.show_popup()
            self.popup.select_row(0)
        else:
            self.hide_popup()
        if self._pick_when_ready:
            self._pick_when_ready = False
            if hits:
                self.pick_row(0)
            else:
                self._show_text(f"No {self._system_label()} code matches “{html.escape(query)}”.")

    def _on_search_failed(self, _exc: BaseException) -> None:
        self._search_job = None
        self._pick_when_ready = False
        self._show_text("The search could not run. The details were written to ClaimDesk's log file.")

    # ------------------------------------------------------------------ popup

    def show_popup(self) -> None:
        rows = min(self.model.rowCount(), POPUP_ROWS)
        if rows == 0:
            return
        frame = 2 * self.popup.frameWidth()
        width = max(self.line_edit.width(), self.fontMetrics().averageCharWidth() * 90)
        self.popup.setFixedSize(width, rows * self.popup.row_height() + frame)
        self.popup.move(self.line_edit.mapToGlobal(QPoint(0, self.line_edit.height() + 2)))
        self.popup.show()
        self.popup.raise_()

    def hide_popup(self) -> None:
        self.popup.hide()

    @property
    def popup_visible(self) -> bool:
        return self.popup.isVisible()

    def _move_popup(self, step: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            return
        row = self.popup.current_row()
        self.popup.select_row(max(0, min(count - 1, (row if row >= 0 else -1) + step)))

    # ------------------------------------------------------------------ picking

    def pick_row(self, row: int) -> None:
        hit = self.model.hit_at(row)
        if hit is not None:
            self.pick(hit)

    def pick(self, hit: SearchHit) -> None:
        """Emit `code_picked` for a billable code; refuse a header and offer its codes."""
        self.hide_popup()
        if hit.billable:
            self.hide_message()
            self.code_picked.emit(hit)
            if self.clear_on_pick:
                self.line_edit.clear()
                self.model.set_rows([])
            else:
                self.line_edit.setText(hit.code)
            return
        self._refuse(hit)

    def _refuse(self, hit: SearchHit) -> None:
        self.refused_hit = hit
        if self._choices_job is not None:
            self._choices_job.cancel()
        service = self.service
        self._show_text(f"<b>{html.escape(hit.code)}</b> {html.escape(hit.description)}: looking up its codes…")

        def done(result: tuple[bool, list[SearchHit]]) -> None:
            self._choices_job = None
            seventh, choices = result
            code = html.escape(hit.code)
            if not choices:
                self._show_text(
                    f"<b>{code}</b> is not a billable code, and no codes under it are loaded. "
                    "Check the code in the code lookup."
                )
                self.refused.emit(hit)
                return
            if seventh:
                text = f"<b>{code}</b> needs a 7th character. Pick the full code:"
            else:
                what = html.escape(hit.description)
                text = f"<b>{code}</b> {what} is a header, not a billable code. Pick one of its codes:"
            self.message_label.setText(text)
            self.choices_model.set_rows(choices)
            rows = min(len(choices), POPUP_ROWS)
            self.choices_view.setFixedHeight(rows * self.choices_view.row_height() + 2 * self.choices_view.frameWidth())
            self.choices_view.show()
            self.message.show()
            first_billable = next((i for i, c in enumerate(choices) if c.billable), 0)
            self.choices_view.select_row(first_billable)
            self.choices_view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.refused.emit(hit)

        def failed(_exc: BaseException) -> None:
            self._choices_job = None
            self._show_text(f"The codes under {html.escape(hit.code)} could not be loaded.")

        self._choices_job = run_quiet(self, lambda _ctx: billable_choices(service, hit), done, failed)

    def _choose(self, row: int) -> None:
        hit = self.choices_model.hit_at(row)
        if hit is not None:
            self.pick(hit)
            if hit.billable:
                self.line_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _leave_choices(self) -> None:
        self.line_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_text(self, text: str) -> None:
        self.message_label.setText(text)
        self.choices_model.set_rows([])
        self.choices_view.hide()
        self.message.show()

    def hide_message(self) -> None:
        self.refused_hit = None
        if self._choices_job is not None:
            self._choices_job.cancel()
            self._choices_job = None
        self.message.hide()
        self.choices_model.set_rows([])

    @property
    def choices(self) -> list[SearchHit]:
        return self.choices_model.hits

    # ------------------------------------------------------------------ keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.line_edit:
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._line_key(event)
            if event.type() == QEvent.Type.FocusOut:
                # A click on the popup does not take focus, so this is the user leaving the field.
                self.hide_popup()
        return super().eventFilter(watched, event)

    def _line_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            if self.popup_visible:
                self._move_popup(1 if key == Qt.Key.Key_Down else -1)
            elif key == Qt.Key.Key_Down and self.message.isVisible() and self.choices_model.rowCount():
                self.choices_view.setFocus(Qt.FocusReason.OtherFocusReason)
            elif key == Qt.Key.Key_Down and self.model.rowCount():
                self.show_popup()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.line_edit.text().strip():
                return False
            if self._timer.isActive() or self._search_job is not None:
                self._pick_when_ready = True  # typed fast and pressed Enter: take the top hit when it comes
                if self._timer.isActive():
                    self.run_search()
                return True
            row = self.popup.current_row() if self.popup_visible else 0
            if self.model.rowCount():
                self.pick_row(max(row, 0))
            return True
        if key == Qt.Key.Key_Escape:
            if self.popup_visible:
                self.hide_popup()
                return True
            if self.message.isVisible():
                self.hide_message()
                return True
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) and self.popup_visible:
            self._move_popup(POPUP_ROWS if key == Qt.Key.Key_PageDown else -POPUP_ROWS)
            return True
        return False

    def hideEvent(self, event: QEvent) -> None:  # type: ignore[override]
        self.hide_popup()
        super().hideEvent(event)
