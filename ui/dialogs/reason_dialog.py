"""Asks why, before an action that is kept with its reason: undoing a posting, parking what is left of a
check as an unapplied credit, letting a scrub finding through."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ui.widgets.banner import problem_label

Submit = Callable[[str], None]


class ReasonDialog(QDialog):
    """The button hands the reason to `submit(reason)`, which runs the service call and then calls
    `finished_ok()` or `show_problem(text)`; until then the dialog waits with its button off."""

    def __init__(
        self,
        title: str,
        explains: str,
        button: str,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._submit = submit
        what = QLabel(explains)
        what.setObjectName("reason_explains")
        what.setWordWrap(True)
        what.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText(placeholder)
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(self.reason_edit.fontMetrics().height() * 4)
        self.problem_label = problem_label("reason_problem")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton(button)
        self.ok_button.setObjectName("reason_ok")
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._on_text)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(what)
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason_edit)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(500, self.sizeHint().height())
        self.reason_edit.setFocus()

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def _on_text(self) -> None:
        self.ok_button.setEnabled(bool(self.reason))
        self.problem_label.hide()

    def _on_ok(self) -> None:
        if not self.reason:
            return
        self.ok_button.setEnabled(False)
        self.reason_edit.setReadOnly(True)
        self._submit(self.reason)

    def finished_ok(self) -> None:
        self.accept()

    def show_problem(self, text: str) -> None:
        """The service refused (e.g. the reason is too short): say so here and let the user try again."""
        self.problem_label.setText(text)
        self.problem_label.show()
        self.reason_edit.setReadOnly(False)
        self.ok_button.setEnabled(bool(self.reason))
        self.reason_edit.setFocus()
