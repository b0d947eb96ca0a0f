"""Correct or void a sent claim: a replacement (frequency 7) or a void (frequency 8) that carries the payer's
claim number, created as a draft for the scrubber."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.claim_list import ClaimRow
from app.domain.money import format_money
from ui.models.paged_model import format_date
from ui.widgets.banner import problem_label

Submit = Callable[[str | None], None]
PAYER_NUMBER_LENGTH = 50  # what the claim keeps (REF*F8 allows 50)


@dataclass(frozen=True)
class FollowUpKind:
    key: str  # 'correct' or 'void'
    frequency_code: str
    title: str
    button: str
    explains: str


FOLLOW_UPS: dict[str, FollowUpKind] = {
    "correct": FollowUpKind(
        "correct",
        "7",
        "Correct claim",
        "&Create corrected claim",
        "A corrected claim (frequency 7) replaces {number} at the payer. It starts as a draft copy of the claim: "
        "scrub it, then send it like any other. The original stays in the history.",
    ),
    "void": FollowUpKind(
        "void",
        "8",
        "Void claim",
        "&Create void claim",
        "A void claim (frequency 8) asks the payer to cancel {number} entirely, e.g. it went to the wrong payer "
        "or the visit was billed in error. It starts as a draft: scrub it, then send it like any other.",
    ),
}


class FollowUpClaimDialog(QDialog):
    """Asks for the payer's claim number. The button hands it to `submit(number or None)`, which runs the
    service call and then calls `finished_ok()` or `show_problem(text)`; until then the dialog waits."""

    def __init__(self, kind: str, claim: ClaimRow, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = FOLLOW_UPS[kind]
        self.claim = claim
        self._submit = submit
        self.setWindowTitle(f"{self.kind.title} {claim.claim_number}")
        self.setObjectName(f"{kind}_claim_dialog")

        original = QLabel(
            f"<b>{html.escape(claim.claim_number)}</b> · {html.escape(claim.patient_name)} · "
            f"{html.escape(claim.payer_name)}<br>"
            f"Date of service {format_date(claim.date_of_service)} · {format_money(claim.charge_cents)} · "
            f"{html.escape(claim.status_label)}"
        )
        original.setObjectName("original_claim")
        original.setTextFormat(Qt.TextFormat.RichText)
        original.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        explains = QLabel(self.kind.explains.format(number=claim.claim_number))
        explains.setWordWrap(True)

        self.payer_number_edit = QLineEdit()
        self.payer_number_edit.setObjectName("payer_claim_number")
        self.payer_number_edit.setAccessibleName("Payer's claim number")
        self.payer_number_edit.setMaxLength(PAYER_NUMBER_LENGTH)
        self.payer_number_edit.setPlaceholderText("Blank: taken from the payer's remittance")
        self.payer_number_edit.setToolTip(
            "The number the payer gave this claim (ICN or DCN on the remittance or the payer's portal). "
            "Left blank, it is taken from the latest remittance for the claim, if one was posted."
        )
        self.problem_label = problem_label("follow_up_problem")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton(self.kind.button)
        self.ok_button.setObjectName("create_follow_up")
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.payer_number_edit.textEdited.connect(lambda _text: self.problem_label.hide())

        form = QFormLayout()
        form.addRow("Original claim", original)
        form.addRow("&Payer's claim number", self.payer_number_edit)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(explains)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        # Only once the button is inside the dialog does it become the dialog's default (Enter presses it);
        # set earlier, the dialog would pick the first button in the focus chain, Cancel.
        self.ok_button.setDefault(True)
        self.setMinimumWidth(560)
        self.payer_number_edit.setFocus()

    @property
    def payer_claim_number(self) -> str | None:
        return self.payer_number_edit.text().strip() or None

    def _on_ok(self) -> None:
        self.problem_label.hide()
        self.ok_button.setEnabled(False)
        self.payer_number_edit.setReadOnly(True)
        self._submit(self.payer_claim_number)

    def finished_ok(self) -> None:
        self.accept()

    def show_problem(self, text: str) -> None:
        """The service refused (no payer claim number on file, a follow-up already waiting): say so here."""
        self.problem_label.setText(text)
        self.problem_label.show()
        self.adjustSize()  # room for the problem's lines
        self.payer_number_edit.setReadOnly(False)
        self.ok_button.setEnabled(True)
        self.payer_number_edit.setFocus()
