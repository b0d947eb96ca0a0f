"""The claim details that come with an encounter rather than a code: the prior authorization number
(CMS-1500 item 23, 837 REF*G1) and the referring provider (item 17, loop 2310A)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


class ClaimDetailsDialog(QDialog):
    """Keyboard-only: type the number, Tab, pick the provider (type the first letters of the name), Enter."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        prior_authorization: str | None,
        referring_provider_id: int | None,
        providers: Sequence[tuple[int, str, str]],
        focus: str = "prior_authorization",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Claim details")
        self.setObjectName("claim_details_dialog")
        intro = QLabel("What the claim carries besides the codes. A claim not yet sent goes back to the scrubber.")
        intro.setWordWrap(True)

        self.auth_edit = QLineEdit(prior_authorization or "")
        self.auth_edit.setObjectName("prior_authorization")
        self.auth_edit.setAccessibleName("Prior authorization number")
        self.auth_edit.setMaxLength(50)
        self.auth_edit.setPlaceholderText("As the payer issued it, e.g. AUTH12345")

        self.referring_combo = QComboBox()
        self.referring_combo.setObjectName("referring_provider")
        self.referring_combo.setAccessibleName("Referring provider")
        self.referring_combo.addItem("None", None)
        for provider_id, name, npi in providers:
            self.referring_combo.addItem(f"{name} (NPI {npi})", provider_id)
        found = self.referring_combo.findData(referring_provider_id)
        self.referring_combo.setCurrentIndex(max(found, 0))

        form = QFormLayout()
        auth_label = QLabel("&Prior authorization (item 23)")
        auth_label.setBuddy(self.auth_edit)
        referring_label = QLabel("&Referring provider (item 17)")
        referring_label.setBuddy(self.referring_combo)
        form.addRow(auth_label, self.auth_edit)
        form.addRow(referring_label, self.referring_combo)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(max(self.sizeHint().width(), 460), self.sizeHint().height())
        target = self.referring_combo if focus == "referring" else self.auth_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def prior_authorization(self) -> str | None:
        return self.auth_edit.text().strip() or None

    def referring_provider_id(self) -> int | None:
        value = self.referring_combo.currentData()
        return int(value) if value is not None else None
