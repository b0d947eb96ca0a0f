"""A read-only table of rows for the paged lists (Encounters, Claims): whole rows, keyboard first, server-side sort."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.models.paged_model import PagedTableModel


class RowTableView(QTableView):
    """Enter or Return activates the current row (a double-click does too); Home and End go to the
    first and last row, not column."""

    row_activated = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.row_activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        if action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)

    def setup(
        self,
        model: PagedTableModel[Any, Any, Any],
        accessible_name: str,
        column_chars: Mapping[Any, int],
        selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
        min_chars: int = 8,
    ) -> None:
        """Show `model`: rows selected whole, read-only, one line each, columns `column_chars` characters
        wide (the last takes the spare room), sorted by the database from a header click."""
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(selection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setCornerButtonEnabled(False)
        self.setAccessibleName(accessible_name)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        # Every column keeps a readable width (a stretched one collapses when a side pane opens);
        # the last one takes any spare room.
        header.setStretchLastSection(True)
        char = self.fontMetrics().averageCharWidth()
        for i, column in enumerate(model.columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(i, column_chars[column] * char + 24)
        header.setMinimumSectionSize(min_chars * char)

        sort = model.sort_order
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(model.columns.index(sort.column), order)
        self.setSortingEnabled(True)
        self.doubleClicked.connect(self.row_activated)
