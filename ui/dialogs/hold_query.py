"""Put an encounter on hold with a query for the provider: a reason from the list and the question in words."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.coding import HOLD_REASONS


class HoldQueryDialog(QDialog):
    """Keyboard-only: pick the reason (type its first letters), Tab, write the query, Ctrl+Enter or Tab to OK."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        reasons: Sequence[str] = HOLD_REASONS,
        reason: str | None = None,
        query_text: str = "",
        patient: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hold with query")
        self.setObjectName("hold_query_dialog")

        intro = QLabel(
            "The encounter goes on hold until the provider answers. The coding so far is kept."
            + (f"<br><b>{patient}</b>" if patient else "")
        )
        intro.setWordWrap(True)

        self.reason_combo = QComboBox()
        self.reason_combo.setAccessibleName("Hold reason")
        for r in reasons:
            self.reason_combo.addItem(r[:1].upper() + r[1:], r)
        if reason in reasons:
            self.reason_combo.setCurrentIndex(list(reasons).index(reason))

        self.query_edit = QPlainTextEdit()
        self.query_edit.setAccessibleName("Query for the provider")
        self.query_edit.setTabChangesFocus(True)
        self.query_edit.setPlaceholderText("The question for the provider, e.g. Which knee was injected?")
        self.query_edit.setPlainText(query_text)
        self.query_edit.setMinimumHeight(self.fontMetrics().height() * 5)

        form = QFormLayout()
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason_combo)
        query_label = QLabel("&Query")
        query_label.setBuddy(self.query_edit)
        form.addRow(reason_label, self.reason_combo)
        form.addRow(query_label, self.query_edit)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Put on &hold")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.query_edit.textChanged.connect(self._update_ok)
        self.query_edit.installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        hint = QLabel("Ctrl+Enter puts it on hold.")
        hint.setEnabled(False)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 480), self.sizeHint().height())
        self._update_ok()
        # The reason usually comes with the gap; start where the typing is.
        (self.query_edit if query_text and reason else self.reason_combo).setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter writes a new line in the query; Ctrl+Enter finishes.
        if (
            watched is self.query_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.query_text()))

    def reason(self) -> str:
        return str(self.reason_combo.currentData())

    def query_text(self) -> str:
        return self.query_edit.toPlainText().strip()

    def accept(self) -> None:
        if not self.query_text():
            self.query_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        super().accept()
