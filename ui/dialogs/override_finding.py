"""Let one scrub finding through with a written reason; the reason, who and when are kept with the claim."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.scrubber import FindingRow
from ui.widgets.banner import problem_label

Submit = Callable[[str], None]


class OverrideDialog(QDialog):
    """Asks for the reason. Override hands it to `submit(reason)`, which runs the service call and then
    calls `finished_ok()` or `show_problem(text)`; until then the dialog waits with its buttons off."""

    def __init__(self, claim_number: str, finding: FindingRow, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Override a finding on {claim_number}")
        self._submit = submit
        self.finding = finding

        what = QLabel(f"<b>{html.escape(finding.message)}</b>")
        what.setWordWrap(True)
        what.setTextFormat(Qt.TextFormat.RichText)
        note = QLabel(
            "An override lets this claim go out without fixing it. Say why, in words another biller or an "
            "auditor will understand: your name, the time and the reason are kept with the claim."
        )
        note.setWordWrap(True)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setAccessibleName("Reason for the override")
        self.reason_edit.setPlaceholderText("e.g. Separate procedure documented in the note; payer confirmed by phone")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(self.reason_edit.fontMetrics().height() * 5)
        self.problem_label = problem_label("override_problem")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.override_button = QPushButton("&Override")
        self.override_button.setDefault(True)
        self.override_button.setEnabled(False)
        self.buttons.addButton(self.override_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._on_override)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._on_text)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(what)
        layout.addWidget(note)
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason_edit)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self.reason_edit.setFocus()

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def _on_text(self) -> None:
        self.override_button.setEnabled(bool(self.reason))
        self.problem_label.hide()

    def _on_override(self) -> None:
        if not self.reason:
            return
        self.override_button.setEnabled(False)
        self.reason_edit.setReadOnly(True)
        self._submit(self.reason)

    def finished_ok(self) -> None:
        self.accept()

    def show_problem(self, text: str) -> None:
        """The service refused (e.g. the reason is too short): say so here and let the user try again."""
        self.problem_label.setText(text)
        self.problem_label.show()
        self.reason_edit.setReadOnly(False)
        self.override_button.setEnabled(bool(self.reason))
        self.reason_edit.setFocus()
