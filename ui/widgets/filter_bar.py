"""Pieces of a list's filter bar shared by the Encounters and Claims panels: a search box, labelled
drop-downs filled from choices, a date-of-service range, a quiet "Loading…" note, and an empty state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.worklist import Choice

BUSY_DELAY_MS = 150


def group(*widgets: QWidget) -> QWidget:
    """Label and control travel together when the bar wraps onto another line."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for w in widgets:
        row.addWidget(w)
    return box


def labelled(text: str, widget: QWidget) -> QWidget:
    label = QLabel(text)
    label.setBuddy(widget)
    return group(label, widget)


def search_box(
    owner: QWidget, placeholder: str, accessible_name: str, cleared: Callable[[], None], escape_to: QWidget
) -> QLineEdit:
    """A search field sized to its hint. Ctrl+F in `owner` puts the cursor in it; Esc in it clears the
    text (then calls `cleared`), or with nothing typed goes back to `escape_to`."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.setAccessibleName(accessible_name)
    # Room for the hint and a typed name, plus the clear button.
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance(placeholder) + 48)
    find = QShortcut(QKeySequence.StandardKey.Find, owner)
    find.activated.connect(lambda: focus_search(edit))

    def escape() -> None:
        if edit.text():
            edit.clear()
            cleared()
        else:
            escape_to.setFocus(Qt.FocusReason.ShortcutFocusReason)

    clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), edit)
    clear.setContext(Qt.ShortcutContext.WidgetShortcut)
    clear.activated.connect(escape)
    return edit


def focus_search(edit: QLineEdit) -> None:
    edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
    edit.selectAll()


def choice_combo(accessible_name: str, everyone: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible_name)
    combo.addItem(everyone, None)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def fill_choices(combo: QComboBox, choices: Sequence[Choice], everyone: str) -> bool:
    """Refill a drop-down keeping the current choice; True when that choice is gone (the filter changed)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everyone, None)
    for choice in choices:
        combo.addItem(choice.label, choice.id)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    return current is not None and index < 0


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class DateRangeFilter(QWidget):
    """'Seen from [date] to [date]', each end switched on by its check box. Emits `changed` when the range does."""

    changed = Signal()

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        today = QDate.currentDate()
        self.from_check = QCheckBox("Seen from")
        self.from_check.setToolTip(f"Only {noun} with a date of service on or after this date")
        self.from_edit = self._date_edit(today.addDays(-30), "Date of service from")
        self.to_check = QCheckBox("to")
        self.to_check.setToolTip(f"Only {noun} with a date of service on or before this date")
        self.to_edit = self._date_edit(today, "Date of service to")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for check, edit in ((self.from_check, self.from_edit), (self.to_check, self.to_edit)):
            row.addWidget(check)
            row.addWidget(edit)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.changed)
            edit.dateChanged.connect(self._on_date_changed)

    @staticmethod
    def _date_edit(date: QDate, accessible_name: str) -> QDateEdit:
        edit = QDateEdit(date)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("MM/dd/yyyy")
        edit.setAccessibleName(accessible_name)
        edit.setEnabled(False)
        return edit

    def _on_date_changed(self, _date: QDate) -> None:
        check = self.from_check if self.sender() is self.from_edit else self.to_check
        if check.isChecked():
            self.changed.emit()

    @property
    def date_from(self) -> dt.date | None:
        return to_date(self.from_edit.date()) if self.from_check.isChecked() else None

    @property
    def date_to(self) -> dt.date | None:
        return to_date(self.to_edit.date()) if self.to_check.isChecked() else None

    def clear(self) -> None:
        """Both ends off, without emitting `changed` (the caller applies its filter once)."""
        for check in (self.from_check, self.to_check):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.from_edit.setEnabled(False)
        self.to_edit.setEnabled(False)


class BusyLabel(QLabel):
    """'Loading…' that appears only when a load outlasts a blink, so quick ones don't flicker."""

    def __init__(self, text: str = "Loading…", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setEnabled(False)  # drawn in the palette's quieter text colour
        self.hide()
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BUSY_DELAY_MS)
        self._timer.timeout.connect(lambda: self.setHidden(not self._busy))

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        if not busy:
            self._timer.stop()
            self.hide()
        elif self.isHidden() and not self._timer.isActive():
            self._timer.start()


class EmptyState(QFrame):
    """What a list says when it shows nothing: a title, a line of help, and a way out of the filters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel()
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.clear_button = QPushButton("Clear filters")
        self.buttons.addWidget(self.clear_button)
        self.buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addSpacing(8)
        layout.addLayout(self.buttons)
        layout.addStretch(2)

    def say(self, title: str, detail: str, *, clear_button: bool) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.clear_button.setVisible(clear_button)
