"""Record an eligibility check made by phone or portal: coverage, result, date, copay, deductible, notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.coding import CoverageInfo

RESULTS: tuple[tuple[str, str], ...] = (("active", "Active"), ("inactive", "Inactive"), ("unknown", "Unknown"))


def _money(text: str) -> Decimal | None:
    cleaned = text.strip().replace("$", "").replace(",", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01")) if value >= 0 else None


class EligibilityDialog(QDialog):
    def __init__(self, coverages: Sequence[CoverageInfo], checked_on: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record eligibility")
        self.setObjectName("eligibility_dialog")

        self.coverage_combo = QComboBox()
        self.coverage_combo.setAccessibleName("Coverage")
        for c in coverages:
            which = "Primary" if c.priority == 1 else "Secondary" if c.priority == 2 else f"Priority {c.priority}"
            self.coverage_combo.addItem(f"{which}: {c.payer_name} ({c.member_id}), {c.eligibility}", c.coverage_id)
        unverified = next((i for i, c in enumerate(coverages) if c.eligibility == "not verified"), 0)
        self.coverage_combo.setCurrentIndex(unverified)

        self.result_combo = QComboBox()
        self.result_combo.setAccessibleName("Result")
        for key, label in RESULTS:
            self.result_combo.addItem(label, key)

        self.date_edit = QDateEdit(QDate(checked_on.year, checked_on.month, checked_on.day))
        self.date_edit.setDisplayFormat("MM/dd/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setAccessibleName("Checked on")

        self.copay_edit = QLineEdit()
        self.copay_edit.setPlaceholderText("e.g. 25.00 (optional)")
        self.copay_edit.setAccessibleName("Copay")
        self.deductible_edit = QLineEdit()
        self.deductible_edit.setPlaceholderText("e.g. 1,200.00 (optional)")
        self.deductible_edit.setAccessibleName("Deductible remaining")
        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText("Reference number, who you spoke to… (optional)")
        self.notes_edit.setAccessibleName("Notes")

        form = QFormLayout()
        for text, widget in (
            ("C&overage", self.coverage_combo),
            ("&Result", self.result_combo),
            ("Checked &on", self.date_edit),
            ("Co&pay", self.copay_edit),
            ("&Deductible remaining", self.deductible_edit),
            ("&Notes", self.notes_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Record")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def coverage_id(self) -> int:
        return int(self.coverage_combo.currentData())

    def result(self) -> str:
        return str(self.result_combo.currentData())

    def checked_on(self) -> dt.date:
        d = self.date_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def copay(self) -> Decimal | None:
        return _money(self.copay_edit.text())

    def deductible_remaining(self) -> Decimal | None:
        return _money(self.deductible_edit.text())

    def notes(self) -> str | None:
        return self.notes_edit.text().strip() or None

    def accept(self) -> None:
        for edit, name in ((self.copay_edit, "copay"), (self.deductible_edit, "deductible remaining")):
            if edit.text().strip() and _money(edit.text()) is None:
                self.error_label.setText(f"The {name} is not an amount; type it like 25.00.")
                self.error_label.show()
                edit.setFocus()
                return
        super().accept()
