"""Taking a payment at the front desk (then offering its receipt), and refunding a credit balance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.account import PAYMENT_METHODS, Receipt
from app.domain.money import format_money
from ui.widgets.banner import problem_label
from ui.widgets.filter_bar import to_date


@dataclass(frozen=True)
class PaymentForm:
    amount: str
    method: str
    reference: str | None
    received_on: dt.date
    apply_to: str | tuple[int, ...]  # "oldest" or the chosen service line ids


@dataclass(frozen=True)
class RefundForm:
    amount: str
    method: str
    reference: str | None
    reason: str


@dataclass(frozen=True)
class ChargeChoice:
    """A charge the payment may be applied to: its service line and its words on the account."""

    service_line_id: int
    text: str


def _method_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName("Method")
    for method in PAYMENT_METHODS:
        combo.addItem(method.capitalize(), method)
    return combo


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("M/d/yyyy")
    return edit


class TakePaymentDialog(QDialog):
    """`submit(form)` runs the service call, then calls `posted(receipt)` or `show_problem(text)`. Once posted,
    the dialog shows what was received and offers the receipt; `print_receipt()` hands it to the panel."""

    def __init__(
        self,
        patient: str,
        owed_text: str,
        charges: Sequence[ChargeChoice],
        submit: Callable[[PaymentForm], None],
        print_receipt: Callable[[Receipt], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Take payment — {patient}")
        self._submit = submit
        self._print = print_receipt
        self.receipt: Receipt | None = None

        owes = QLabel(owed_text)
        owes.setObjectName("payment_owes")
        owes.setWordWrap(True)
        owes.setTextFormat(Qt.TextFormat.PlainText)
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("payment_amount")
        self.amount_edit.setAccessibleName("Amount")
        self.amount_edit.setPlaceholderText("0.00")
        self.method_combo = _method_combo("payment_method")
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("payment_reference")
        self.reference_edit.setAccessibleName("Reference")
        self.reference_edit.setPlaceholderText("check number or card approval code")
        self.date_edit = _date_edit("payment_date")
        self.date_edit.setAccessibleName("Received on")

        self.oldest_radio = QRadioButton("&Oldest balance first")
        self.oldest_radio.setObjectName("apply_oldest")
        self.oldest_radio.setChecked(True)
        self.chosen_radio = QRadioButton("C&hosen charges:")
        self.chosen_radio.setObjectName("apply_chosen")
        self.chosen_radio.setEnabled(bool(charges))
        apply_group = QButtonGroup(self)
        apply_group.addButton(self.oldest_radio)
        apply_group.addButton(self.chosen_radio)
        self.charges_list = QListWidget()
        self.charges_list.setObjectName("apply_charges")
        self.charges_list.setAccessibleName("Charges to apply the payment to")
        for charge in charges:
            item = QListWidgetItem(charge.text)
            item.setData(Qt.ItemDataRole.UserRole, charge.service_line_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.charges_list.addItem(item)
        self.charges_list.setEnabled(False)
        self.charges_list.setMaximumHeight(self.fontMetrics().height() * 7)
        self.chosen_radio.toggled.connect(self.charges_list.setEnabled)

        self.form = QWidget()
        fields = QFormLayout(self.form)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addRow("&Amount", self.amount_edit)
        fields.addRow("&Method", self.method_combo)
        fields.addRow("&Reference", self.reference_edit)
        fields.addRow("&Date", self.date_edit)
        fields.addRow("Apply to", self.oldest_radio)
        fields.addRow("", self.chosen_radio)
        fields.addRow("", self.charges_list)

        self.result_label = QLabel()
        self.result_label.setObjectName("payment_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.hide()
        self.problem_label = problem_label("payment_problem")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.post_button = QPushButton("Post payment")
        self.post_button.setObjectName("post_payment")
        self.buttons.addButton(self.post_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._on_post)
        self.buttons.rejected.connect(self.reject)

        self.after = QDialogButtonBox()
        self.print_button = QPushButton("&Print receipt…")
        self.print_button.setObjectName("print_receipt")
        self.after.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.after.addButton("Close", QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.clicked.connect(self._on_print)
        self.after.accepted.connect(self.accept)
        self.after.hide()

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(owes)
        layout.addWidget(self.form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        layout.addWidget(self.after)
        self.resize(520, self.sizeHint().height())
        self.post_button.setDefault(True)  # once it is in the dialog: only then does Enter press it
        self.amount_edit.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.receipt is None:
            self.amount_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def payment_form(self) -> PaymentForm:
        chosen: str | tuple[int, ...] = "oldest"
        if self.chosen_radio.isChecked():
            chosen = tuple(
                int(item.data(Qt.ItemDataRole.UserRole))
                for item in (self.charges_list.item(n) for n in range(self.charges_list.count()))
                if item.checkState() == Qt.CheckState.Checked
            )
        return PaymentForm(
            amount=self.amount_edit.text().strip(),
            method=str(self.method_combo.currentData()),
            reference=self.reference_edit.text().strip() or None,
            received_on=to_date(self.date_edit.date()),
            apply_to=chosen,
        )

    def _on_post(self) -> None:
        if self.receipt is not None or not self.post_button.isEnabled():
            return
        form = self.payment_form()
        if not form.amount:
            self.show_problem("Type the amount received, like 20.00.")
            return
        if form.apply_to == ():
            self.show_problem("Tick the charges to apply the payment to, or apply it to the oldest balance.")
            return
        self.problem_label.hide()
        self.post_button.setEnabled(False)
        self.form.setEnabled(False)
        self._submit(form)

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
        self.form.setEnabled(True)
        self.post_button.setEnabled(True)
        self.amount_edit.setFocus()

    def posted(self, receipt: Receipt) -> None:
        """The payment is on the account: say so, and offer the receipt."""
        self.receipt = receipt
        left = receipt.patient_balance_cents
        balance = f"a credit of {format_money(-left)}" if left < 0 else f"{format_money(left)} still owed"
        self.result_label.setText(f"{receipt.message}\nThe account now shows {balance}.")
        self.form.hide()
        self.buttons.hide()
        self.result_label.show()
        self.after.show()
        self.print_button.setDefault(True)
        self.print_button.setFocus()

    def _on_print(self) -> None:
        if self.receipt is not None:
            self._print(self.receipt)


class RefundDialog(QDialog):
    """Pay back (part of) a credit balance; the amount starts at the whole credit."""

    def __init__(
        self, patient: str, credit_cents: int, submit: Callable[[RefundForm], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Refund credit — {patient}")
        self._submit = submit
        what = QLabel(f"The practice holds a credit of {format_money(credit_cents)} for this account.")
        what.setWordWrap(True)
        self.amount_edit = QLineEdit(format_money(credit_cents).lstrip("$").replace(",", ""))
        self.amount_edit.setObjectName("refund_amount")
        self.amount_edit.setAccessibleName("Refund amount")
        self.method_combo = _method_combo("refund_method")
        self.method_combo.setCurrentIndex(max(self.method_combo.findData("check"), 0))
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("refund_reference")
        self.reference_edit.setAccessibleName("Reference")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("refund_reason")
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText("e.g. overpaid copay")
        self.problem_label = problem_label("refund_problem")
        fields = QFormLayout()
        fields.addRow("&Amount", self.amount_edit)
        fields.addRow("&Method", self.method_combo)
        fields.addRow("Re&ference", self.reference_edit)
        fields.addRow("&Reason", self.reason_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton("Refund")
        self.ok_button.setObjectName("refund_ok")
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(fields)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.ok_button.setDefault(True)
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()

    def _on_ok(self) -> None:
        if not self.ok_button.isEnabled():
            return
        if not self.reason_edit.text().strip():
            self.show_problem("Say why the refund is made.")
            return
        self.ok_button.setEnabled(False)
        self._submit(
            RefundForm(
                amount=self.amount_edit.text().strip(),
                method=str(self.method_combo.currentData()),
                reference=self.reference_edit.text().strip() or None,
                reason=self.reason_edit.text().strip(),
            )
        )

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
        self.ok_button.setEnabled(True)
