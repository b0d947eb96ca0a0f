"""Add a follow-up note to a claim in the work queue: what was done, and when to look at it again (the tickler)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.filter_bar import to_date

DEFAULT_TICKLER_DAYS = 14


class FollowUpNoteDialog(QDialog):
    def __init__(self, claim_words: str, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add follow-up note")
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setPlaceholderText("e.g. Called the payer, claim in process; reference number 1234")
        self.note_edit.setTabChangesFocus(True)
        self.tickler_check = QCheckBox("&Next action on")
        self.tickler_check.setChecked(True)
        start = today + dt.timedelta(days=DEFAULT_TICKLER_DAYS)
        self.date_edit = QDateEdit(QDate(start.year, start.month, start.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("MM/dd/yyyy")
        self.date_edit.setAccessibleName("Next action date")
        self.tickler_check.toggled.connect(self.date_edit.setEnabled)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add note")
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Note:", self.note_edit)
        form.addRow(self.tickler_check, self.date_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(claim_words))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.note_edit.setFocus()

    @property
    def note(self) -> str:
        return self.note_edit.toPlainText().strip()

    @property
    def next_action_date(self) -> dt.date | None:
        return to_date(self.date_edit.date()) if self.tickler_check.isChecked() else None

    def _on_accept(self) -> None:
        if not self.note:
            self.problem.setText("Write what was done, or what is awaited, before adding the note.")
            self.problem.show()
            return
        self.accept()
