"""The EOB grid: typed like a spreadsheet. Typing replaces the cell, Tab and Enter move to the next cell to type
(Shift+Tab back), Home and End go to the row's first and last one, Delete clears a cell; past the last cell
Tab leaves the grid."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.models.eob_lines_model import TAB_STOPS, EobColumn, EobLinesTableModel

# Each column is as wide as its usual widest content (or its header, when that is wider).
_COLUMN_SAMPLES: dict[EobColumn, str] = {
    EobColumn.DATE: "00/00/0000",
    EobColumn.CODE: "99213-25",
    EobColumn.UNITS: "99",
    EobColumn.CHARGE: "$1,000.00",
    EobColumn.EXPECTED: "$1,000.00",
    EobColumn.ALLOWED: "$1,000.00",
    EobColumn.PAID: "$1,000.00",
    EobColumn.DEDUCTIBLE: "$100.00",
    EobColumn.COINSURANCE: "$100.00",
    EobColumn.COPAY: "$100.00",
    EobColumn.CONTRACTUAL: "$1,000.00",
    EobColumn.OTHER: "CO-97 25.00",
    EobColumn.REMARKS: "N54 M15",
    EobColumn.THEN: "Next payer",
    EobColumn.BALANCE: "off by $100.00",
}
Hint = QAbstractItemDelegate.EndEditHint


class EobGridView(QTableView):
    def __init__(self, model: EobLinesTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.lines_model = model
        self._refused = False
        model.edit_refused.connect(self._on_refused)
        self.setObjectName("eob_grid")
        self.setAccessibleName("EOB lines")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        cell, heading = self.fontMetrics(), header.fontMetrics()
        for column, sample in _COLUMN_SAMPLES.items():
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, max(cell.horizontalAdvance(sample), heading.horizontalAdvance(title)) + 16)

    # ------------------------------------------------------------------ where the keys go

    def first_cell(self) -> QModelIndex:
        return self.model().index(0, TAB_STOPS[0])

    def focus_first_cell(self) -> None:
        index = self.first_cell()
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_row(self, row: int) -> None:
        index = self.model().index(row, TAB_STOPS[0])
        if index.isValid():
            self.setCurrentIndex(index)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _step(self, index: QModelIndex | QPersistentModelIndex, forward: bool) -> QModelIndex:
        """The next (or previous) cell to type, row after row; invalid past either end."""
        rows = self.model().rowCount()
        if not rows:
            return QModelIndex()
        row, column = (index.row(), index.column()) if index.isValid() else (0, -1 if forward else len(EobColumn))
        stops = list(TAB_STOPS)
        if forward:
            later = [c for c in stops if c > column]
            if later:
                return self.model().index(row, later[0])
            return self.model().index(row + 1, stops[0]) if row + 1 < rows else QModelIndex()
        earlier = [c for c in stops if c < column]
        if earlier:
            return self.model().index(row, earlier[-1])
        return self.model().index(row - 1, stops[-1]) if row > 0 else QModelIndex()

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        current = self.currentIndex()
        if action == QAbstractItemView.CursorAction.MoveNext:
            return self._step(current, True)
        if action == QAbstractItemView.CursorAction.MovePrevious:
            return self._step(current, False)
        if current.isValid() and not modifiers & Qt.KeyboardModifier.ControlModifier:
            if action == QAbstractItemView.CursorAction.MoveHome:
                return self.model().index(current.row(), TAB_STOPS[0])
            if action == QAbstractItemView.CursorAction.MoveEnd:
                return self.model().index(current.row(), TAB_STOPS[-1])
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.focusNextPrevChild(True)  # Enter moves on, as Tab does
            event.accept()
            return
        if plain and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentIndex().isValid():
            self.model().setData(self.currentIndex(), "", Qt.ItemDataRole.EditRole)
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: Hint) -> None:
        """Tab, Shift+Tab and Enter in a cell being typed: keep what was typed and move on, without opening the
        next cell (typing there replaces it). A refused entry keeps the cell, to be typed again."""
        refused, self._refused = self._refused, False
        if refused:
            super().closeEditor(editor, Hint.NoHint)
            return
        if hint in (Hint.EditNextItem, Hint.SubmitModelCache, Hint.EditPreviousItem):
            super().closeEditor(editor, Hint.NoHint)
            self.focusNextPrevChild(hint != Hint.EditPreviousItem)
            return
        super().closeEditor(editor, hint)

    def commit_open_editor(self) -> None:
        """Keep what is being typed in a cell (Ctrl+Enter posts without leaving the cell first)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self._refused = False
            super().closeEditor(editor, Hint.NoHint)

    def _on_refused(self, _message: str) -> None:
        self._refused = True
