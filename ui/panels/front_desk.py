"""The Front desk panel: a patient's account in plain words with its running balance, taking a payment and
printing its receipt, undoing a payment, refunding a credit, and running patient statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.account import Account, AccountLine, PaymentSummary, Receipt, Refund
from app.domain.demographics import PatientDetail
from app.domain.money import MoneyError, format_money, to_cents, to_money
from app.domain.statements import StatementOptions, StatementRunResult, dunning_messages
from app.domain.worklist import WorklistFilter, WorklistSort
from app.errors import ClaimDeskError, NotFoundError
from app.services.changes import Changes
from app.services.container import Services
from app.services.jobs import JobContext
from ui.bus import subscribe
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.take_payment import ChargeChoice, PaymentForm, RefundDialog, RefundForm, TakePaymentDialog
from ui.jobs import Job, run_job, run_quiet, show_error
from ui.models.front_desk_models import (
    CandidateRow,
    StatementRow,
    account_lines_model,
    candidates_model,
    dunning_label,
    payments_model,
    statements_model,
)
from ui.models.payment_rows_model import RowsTableModel
from ui.widgets.banner import NoticeLabel, problem_label
from ui.widgets.filter_bar import EmptyState, labelled, search_box, to_date
from ui.widgets.panel_actions import ActionSpec, make_action, shortcut_rows, text_toolbar

REFRESH_ENTITIES = ("ledger", "remittance", "claim", "patient", "coverage", "statement", "payer")
PDF_FILTER = "PDF files (*.pdf)"
MATCH_LIMIT = 500  # worklist rows read to find patients by name


# The panel's actions, declared once: the toolbars, the keys and Help > Keyboard shortcuts read this.
ACTIONS: dict[str, ActionSpec] = {
    "take_payment": ActionSpec("Take payment…", ("Ctrl+Shift+P",), "Take a payment from the patient"),
    "print_receipt": ActionSpec("Print receipt…", ("Ctrl+Shift+R",), "Save and open the selected payment's receipt"),
    "undo_payment": ActionSpec("Undo payment…", ("Ctrl+Shift+U",), "Reverse the selected payment, with a reason"),
    "refund": ActionSpec("Refund credit…", ("Ctrl+Shift+D",), "Pay back the account's credit balance"),
    "preview": ActionSpec("Preview list", ("Ctrl+Shift+L",), "List who would get a statement as of the date"),
    "run_statements": ActionSpec("Run statements…", ("Ctrl+Shift+T",), "Print the statements into one PDF"),
    "mark_sent": ActionSpec("Mark sent", ("Ctrl+Shift+M",), "Record that the last run's statements were mailed"),
    "reprint": ActionSpec("Reprint…", ("Ctrl+Shift+N",), "Print the selected statement again, word for word"),
}

FRONT_DESK_SHORTCUTS: list[tuple[str, str]] = [
    ("Ctrl+F, then Enter", "Front desk: find a patient by name or account"),
    *shortcut_rows("Front desk", ACTIONS),
]


@dataclass(frozen=True)
class PatientMatch:
    account_number: str
    name: str


@dataclass(frozen=True)
class Loaded:
    account: Account
    patient: PatientDetail
    payments: tuple[PaymentSummary, ...] = ()


def _table(name: str, model: RowsTableModel[object], widths: tuple[int, ...]) -> QTableView:
    """A read-only list of whole rows, sized in characters, the last column taking the spare room."""
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(name.replace("_", " ").capitalize())
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    char = view.fontMetrics().averageCharWidth()
    for column, chars in enumerate(widths):
        header.resizeSection(column, chars * char + 16)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class FrontDeskPanel(QWidget):
    """Account and Statements tabs over `services.accounts` and `services.statements`."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.loaded: Loaded | None = None
        self._select_payment: int | None = None  # the payment to select when the account is next shown
        self.last_run: StatementRunResult | None = None
        self.payment_dialog: TakePaymentDialog | None = None
        self._search_job: Job[object] | None = None
        self._candidates_job: Job[object] | None = None
        self.statement_job: Job[StatementRunResult] | None = None

        self._build_actions()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("front_desk_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_account_tab(), "&Account")
        self.tabs.addTab(self._build_statements_tab(), "&Statements")
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())

        self.message_label = NoticeLabel("front_desk_message")
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)
        subscribe(services.bus, self, self._on_changes)
        self._show_account(None)
        self.load_statements()

    # ------------------------------------------------------------------ building

    def _action(self, key: str, slot: Callable[[], None]) -> QAction:
        return make_action(self, key, ACTIONS[key], slot)

    def _build_actions(self) -> None:
        self.take_payment_action = self._action("take_payment", self.take_payment)
        self.print_receipt_action = self._action("print_receipt", self.print_selected_receipt)
        self.undo_payment_action = self._action("undo_payment", self.undo_payment)
        self.refund_action = self._action("refund", self.refund_credit)
        self.preview_action = self._action("preview", self.preview_candidates)
        self.run_action = self._action("run_statements", self.run_statements)
        self.mark_sent_action = self._action("mark_sent", self.mark_sent)
        self.reprint_action = self._action("reprint", self.reprint)

    def _build_account_tab(self) -> QWidget:
        page = QWidget()
        self.account_table_model = account_lines_model(self)
        self.lines_view = _table("account_lines", self.account_table_model, (10, 16, 58, 12, 12, 13, 14))
        self.search_edit = search_box(
            self,
            "Patient name or account, then Enter",
            "Find a patient",
            cleared=lambda: self.matches_list.hide(),
            escape_to=self.lines_view,
        )
        self.search_edit.setObjectName("front_desk_search")
        self.search_edit.returnPressed.connect(self.find_patient)
        self.search_problem = problem_label("front_desk_search_problem")

        self.matches_list = QListWidget()
        self.matches_list.setObjectName("patient_matches")
        self.matches_list.setAccessibleName("Patients found")
        self.matches_list.setMaximumHeight(self.fontMetrics().height() * 8)
        self.matches_list.itemActivated.connect(self._on_match_activated)
        self.matches_list.hide()

        top = QHBoxLayout()
        top.addWidget(self.search_edit)
        top.addWidget(text_toolbar("Account", (self.take_payment_action, self.print_receipt_action)))
        top.addWidget(text_toolbar("Corrections", (self.undo_payment_action, self.refund_action)))
        top.addStretch(1)

        self.patient_label = QLabel()
        self.patient_label.setObjectName("account_patient")
        font = QFont(self.patient_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.patient_label.setFont(font)
        self.guarantor_label = QLabel()
        self.guarantor_label.setObjectName("account_guarantor")
        self.insurance_label = QLabel()
        self.insurance_label.setObjectName("account_insurance")
        self.owes_label = QLabel()
        self.owes_label.setObjectName("account_owes")
        bold = QFont(self.owes_label.font())
        bold.setBold(True)
        self.owes_label.setFont(bold)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("account_summary")
        self.summary_label.setWordWrap(True)
        for label in (self.patient_label, self.guarantor_label, self.summary_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header = QFrame()
        self.header.setObjectName("account_header")
        self.header.setFrameShape(QFrame.Shape.StyledPanel)
        header = QVBoxLayout(self.header)
        header.setContentsMargins(10, 8, 10, 8)
        header.addWidget(self.patient_label)
        header.addWidget(self.guarantor_label)
        amounts = QHBoxLayout()
        amounts.addWidget(self.insurance_label)
        amounts.addSpacing(24)
        amounts.addWidget(self.owes_label)
        amounts.addStretch(1)
        header.addLayout(amounts)
        header.addWidget(self.summary_label)

        self.account_empty = EmptyState()
        self.account_empty.setObjectName("account_empty")
        self.account_empty.clear_button.setText("Clear search")
        self.account_empty.clear_button.clicked.connect(self._clear_search)
        self.account_stack = QStackedWidget()
        self.account_stack.addWidget(self.account_empty)
        self.account_stack.addWidget(self.lines_view)

        self.payments_table_model = payments_model(self)
        self.payments_view = _table("account_payments", self.payments_table_model, (10, 8, 14, 12, 18))
        self.payments_view.setMaximumHeight(self.fontMetrics().height() * 10)
        self.payments_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.payments_box = QWidget()
        payments = QVBoxLayout(self.payments_box)
        payments.setContentsMargins(0, 0, 0, 0)
        payments_label = QLabel("Pa&yments (select one to print its receipt or undo it)")
        payments_label.setBuddy(self.payments_view)
        payments.addWidget(payments_label)
        payments.addWidget(self.payments_view)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.search_problem)
        layout.addWidget(self.matches_list)
        layout.addWidget(self.header)
        layout.addWidget(self.account_stack, 1)
        layout.addWidget(self.payments_box)
        return page

    def _build_statements_tab(self) -> QWidget:
        page = QWidget()
        self.as_of_edit = QDateEdit(QDate.currentDate())
        self.as_of_edit.setObjectName("statement_as_of")
        self.as_of_edit.setAccessibleName("Statements as of")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("M/d/yyyy")
        self.minimum_edit = QLineEdit()
        self.minimum_edit.setObjectName("statement_minimum")
        self.minimum_edit.setAccessibleName("Minimum balance")
        self.minimum_edit.setPlaceholderText("practice setting")
        self.minimum_edit.setFixedWidth(self.minimum_edit.fontMetrics().horizontalAdvance("practice setting") + 24)
        self.pending_check = QCheckBox("Include balances with insurance &pending")
        self.pending_check.setObjectName("statement_include_pending")
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("statement_days")
        self.days_spin.setAccessibleName("Days since the last statement")
        self.days_spin.setRange(-1, 3650)
        self.days_spin.setSpecialValueText("practice setting")
        self.days_spin.setValue(-1)
        self.options_problem = problem_label("statement_options_problem")

        options = QHBoxLayout()
        options.addWidget(labelled("As &of", self.as_of_edit))
        options.addWidget(labelled("&Minimum balance", self.minimum_edit))
        options.addWidget(labelled("Da&ys since last statement", self.days_spin))
        options.addWidget(self.pending_check)
        options.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(text_toolbar("Statements", (self.preview_action, self.run_action, self.mark_sent_action)))
        self.candidates_label = QLabel("Preview the list to see who gets a statement.")
        self.candidates_label.setObjectName("candidates_count")
        actions.addWidget(self.candidates_label)
        actions.addStretch(1)

        self.candidates_table_model = candidates_model(self)
        self.candidates_view = _table("statement_candidates", self.candidates_table_model, (22, 10, 14, 14, 14, 13, 16))
        self.statements_table_model = statements_model(self)
        self.statements_view = _table("printed_statements", self.statements_table_model, (6, 13, 22, 10, 12, 14))
        self.statements_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        printed = QHBoxLayout()
        printed_label = QLabel("Statements printed (newest first)")
        printed_label.setBuddy(self.statements_view)
        printed.addWidget(printed_label)
        printed.addWidget(text_toolbar("Printed", (self.reprint_action,)))
        printed.addStretch(1)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(options)
        layout.addWidget(self.options_problem)
        layout.addLayout(actions)
        layout.addWidget(self.candidates_view, 2)
        layout.addLayout(printed)
        layout.addWidget(self.statements_view, 1)
        return page

    # ------------------------------------------------------------------ state

    def _update_actions(self) -> None:
        loaded = self.loaded
        has_account = loaded is not None
        self.take_payment_action.setEnabled(has_account and bool(loaded and loaded.account.lines))
        self.refund_action.setEnabled(bool(loaded and loaded.account.credit_cents > 0))
        payment = self.selected_payment() if has_account else None
        self.print_receipt_action.setEnabled(payment is not None)
        self.undo_payment_action.setEnabled(payment is not None and not payment.undone)
        running = self.statement_job is not None
        self.preview_action.setEnabled(not running)
        self.run_action.setEnabled(not running)
        self.mark_sent_action.setEnabled(self.last_run is not None and not running and self.last_run.count > 0)
        self.reprint_action.setEnabled(self.statements_view.currentIndex().isValid())

    def selected_payment(self) -> PaymentSummary | None:
        index = self.payments_view.currentIndex()
        return self.payments_table_model.row_at(index.row()) if index.isValid() else None

    def say(self, text: str, *, warning: bool = False) -> None:
        self.message_label.set_notice(text, warning=warning)
        self.message_label.setVisible(bool(text))

    def _show_account(self, loaded: Loaded | None) -> None:
        self.loaded = loaded
        if loaded is None:
            self.header.hide()
            self.payments_box.hide()
            self.account_table_model.set_rows([])
            self.payments_table_model.set_rows([])
            self.account_empty.say(
                "Find a patient",
                "Type a name (<i>smith, jo</i>) or an account number and press Enter.<br>"
                "The account lists every charge, payment, adjustment and statement with the running balance.",
                clear_button=False,
            )
            self.account_stack.setCurrentWidget(self.account_empty)
            self._update_actions()
            return
        account, patient = loaded.account, loaded.patient
        self.patient_label.setText(f"{account.name} · account {account.account_number}")
        if patient.guarantor_account:
            self.guarantor_label.setText(f"Guarantor: {patient.guarantor_name} (account {patient.guarantor_account})")
        else:
            self.guarantor_label.setText("Guarantor: the patient (self)")
        self.insurance_label.setText(f"Insurance pending: {format_money(account.insurance_cents)}")
        if account.patient_cents < 0:
            self.owes_label.setText(f"Credit: {format_money(account.credit_cents)} (the practice owes the patient)")
        else:
            self.owes_label.setText(f"Patient owes: {format_money(account.patient_cents)}")
        self.summary_label.setText(account.summary())
        self.header.show()
        self._show_payments(loaded.payments)
        self.account_table_model.set_rows(account.lines)
        if account.lines:
            self.account_stack.setCurrentWidget(self.lines_view)
            last = self.account_table_model.index(len(account.lines) - 1, 0)
            self.lines_view.setCurrentIndex(last)
            self.lines_view.scrollTo(last)
        else:
            self.account_empty.say(
                "Nothing on this account yet",
                "Charges appear here once the patient's claims are sent.",
                clear_button=True,
            )
            self.account_stack.setCurrentWidget(self.account_empty)
        self._update_actions()

    def _show_payments(self, payments: tuple[PaymentSummary, ...]) -> None:
        """List the account's payments, keeping the selected one (or the one just taken), else the newest."""
        keep = self._select_payment
        if keep is None and (current := self.selected_payment()) is not None:
            keep = current.payment_id
        self._select_payment = None
        self.payments_table_model.set_rows(payments)
        self.payments_box.setVisible(bool(payments))
        if payments:
            row = next((n for n, p in enumerate(payments) if p.payment_id == keep), 0)
            self.payments_view.setCurrentIndex(self.payments_table_model.index(row, 0))

    def _on_changes(self, changes: Changes) -> None:
        if self.loaded is not None and any(changes.touches(e) for e in REFRESH_ENTITIES):
            self.open_account(self.loaded.account.account_number)
        if changes.touches("statement"):
            self.load_statements()

    def _clear_search(self) -> None:
        self.search_edit.clear()
        self.matches_list.hide()
        self.search_problem.hide()
        self._show_account(None)
        self.search_edit.setFocus()

    # ------------------------------------------------------------------ finding a patient

    def find_patient(self) -> None:
        """Enter in the search: an exact account number opens it; a name lists the patients it matches."""
        text = self.search_edit.text().strip()
        self.search_problem.hide()
        if not text:
            return
        accounts, encounters = self.services.accounts, self.services.encounters

        def work(_ctx: JobContext) -> list[PatientMatch]:
            try:
                accounts.resolve(text)
            except NotFoundError:
                rows = encounters.page(WorklistFilter(search=text), WorklistSort(), 0, MATCH_LIMIT)
                found = {r.account_number: PatientMatch(r.account_number, r.patient_name) for r in rows}
                return sorted(found.values(), key=lambda m: (m.name, m.account_number))
            return [PatientMatch(text, "")]

        if self._search_job is not None:
            self._search_job.cancel()
        self._search_job = run_quiet(self, work, lambda found: self._on_found(text, found))  # type: ignore[arg-type]

    def _on_found(self, text: str, found: list[PatientMatch]) -> None:
        self._search_job = None
        self.matches_list.clear()
        if not found:
            self.matches_list.hide()
            self.search_problem.setText(f"No patient's name or account starts with “{text}”.")
            self.search_problem.show()
            return
        if len(found) == 1:
            self.matches_list.hide()
            self.open_account(found[0].account_number)
            return
        for match in found:
            item = QListWidgetItem(f"{match.name} · account {match.account_number}")
            item.setData(Qt.ItemDataRole.UserRole, match.account_number)
            self.matches_list.addItem(item)
        self.matches_list.show()
        self.matches_list.setCurrentRow(0)
        self.matches_list.setFocus()

    def _on_match_activated(self, item: QListWidgetItem) -> None:
        self.matches_list.hide()
        self.open_account(str(item.data(Qt.ItemDataRole.UserRole)))

    def open_account(self, account_number: str) -> None:
        accounts, patients = self.services.accounts, self.services.patients

        def work(_ctx: JobContext) -> Loaded:
            account = accounts.account(account_number)
            payments = tuple(accounts.payments(account.patient_id))
            return Loaded(account, patients.patient(account.patient_id), payments)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ClaimDeskError):
                self.search_problem.setText(str(exc))
                self.search_problem.show()
            else:
                show_error(self, exc)

        run_quiet(self, work, self._show_account, failed)

    # ------------------------------------------------------------------ payments

    def take_payment(self) -> None:
        loaded = self.loaded
        if loaded is None or not self.take_payment_action.isEnabled():
            return
        account = loaded.account
        charges = [
            ChargeChoice(line.service_line_ids[0], line.text)
            for line in account.lines
            if line.kind == "charge" and line.service_line_ids
        ]
        owed = self.owes_label.text() + ". " + self.insurance_label.text() + "."
        dialog = TakePaymentDialog(account.name, owed, charges, self._post_payment, self.print_receipt, self)
        dialog.setObjectName("take_payment_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.payment_dialog = dialog
        dialog.open()

    def _post_payment(self, form: PaymentForm) -> None:
        dialog, loaded = self.payment_dialog, self.loaded
        if dialog is None or loaded is None:
            return
        patient_id = loaded.account.patient_id
        accounts = self.services.accounts

        def work(_ctx: JobContext) -> Receipt:
            return accounts.take_payment(
                patient_id, form.amount, form.method, form.reference, form.received_on, form.apply_to
            )

        def done(receipt: Receipt) -> None:
            self._select_payment = receipt.payment_id
            dialog.posted(receipt)
            self.say(receipt.message)
            self._publish_ledger(patient_id)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ClaimDeskError):
                dialog.show_problem(str(exc))
            else:
                dialog.show_problem("The payment was not recorded; the details are in ClaimDesk's log file.")

        run_job(self, "Recording the payment", work, done, failed)

    def _publish_ledger(self, patient_id: int) -> None:
        self.services.bus.publish(Changes({"ledger": frozenset(), "patient": frozenset({patient_id})}))

    def print_selected_receipt(self) -> None:
        payment, loaded = self.selected_payment(), self.loaded
        if payment is not None and loaded is not None:
            self._print_receipt(payment.payment_id, loaded.account.account_number)

    def print_receipt(self, receipt: Receipt) -> None:
        self._print_receipt(receipt.payment_id, receipt.account_number)

    def _print_receipt(self, payment_id: int, account_number: str) -> None:
        """Save the receipt as a PDF where the user says, then open it to print."""
        default = str(Path.home() / f"receipt-{account_number}-{payment_id}.pdf")
        parent = self.payment_dialog if self.payment_dialog is not None and self.payment_dialog.isVisible() else self
        path, _filter = QFileDialog.getSaveFileName(parent, "Save the receipt", default, PDF_FILTER)
        if not path:
            return
        accounts = self.services.accounts
        run_job(
            self,
            "Writing the receipt",
            lambda _ctx: accounts.receipt_pdf(payment_id, path),
            self._open_file,
            writes=False,
        )

    def _open_file(self, path: Path) -> None:
        self.say(f"Saved {Path(path).name}.")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def undo_payment(self) -> None:
        receipt = self.selected_payment()
        if receipt is None or receipt.undone or self.loaded is None:
            return
        patient_id = self.loaded.account.patient_id
        accounts = self.services.accounts
        dialog: ReasonDialog

        def submit(reason: str) -> None:
            def done(_ids: list[int]) -> None:
                self._select_payment = receipt.payment_id
                dialog.finished_ok()
                self.say(f"The payment of {format_money(receipt.amount_cents)} was reversed: {reason}")
                self._publish_ledger(patient_id)

            run_job(
                self,
                "Reversing the payment",
                lambda _ctx: accounts.reverse_payment(receipt.payment_id, reason),
                done,
                lambda exc: dialog.show_problem(str(exc) if isinstance(exc, ClaimDeskError) else "Not reversed."),
            )

        ref = f" #{receipt.reference}" if receipt.reference else ""
        dialog = ReasonDialog(
            "Undo payment",
            f"Reverse the payment of {format_money(receipt.amount_cents)} by {receipt.method}{ref} taken on "
            f"{receipt.received_on:%m/%d/%Y}. The payment stays on the account with a reversal beside it.",
            "Reverse payment",
            submit,
            self,
            placeholder="e.g. check returned unpaid",
        )
        dialog.setObjectName("undo_payment_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def refund_credit(self) -> None:
        loaded = self.loaded
        if loaded is None or loaded.account.credit_cents <= 0:
            return
        patient_id = loaded.account.patient_id
        accounts = self.services.accounts
        dialog: RefundDialog

        def submit(form: RefundForm) -> None:
            def done(refund: Refund) -> None:
                dialog.accept()
                left = f"; {format_money(refund.credit_left_cents)} credit left" if refund.credit_left_cents else ""
                self.say(f"Refunded {format_money(refund.amount_cents)} by {refund.method}{left}.")
                self._publish_ledger(patient_id)

            run_job(
                self,
                "Refunding the credit",
                lambda _ctx: accounts.refund_credit(patient_id, form.amount, form.method, form.reference, form.reason),
                done,
                lambda exc: dialog.show_problem(str(exc) if isinstance(exc, ClaimDeskError) else "Not refunded."),
            )

        dialog = RefundDialog(loaded.account.name, loaded.account.credit_cents, submit, self)
        dialog.setObjectName("refund_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # ------------------------------------------------------------------ statements

    def statement_options(self) -> StatementOptions | None:
        """The options typed on the Statements tab; None (with the problem shown) when one is not readable."""
        self.options_problem.hide()
        minimum: int | None = None
        text = self.minimum_edit.text().strip().lstrip("$")
        if text:
            try:
                minimum = to_cents(to_money(text))
            except MoneyError:
                self.options_problem.setText(f"Minimum balance “{text}”: expected an amount like 5.00.")
                self.options_problem.show()
                return None
        days = self.days_spin.value()
        return StatementOptions(
            include_pending=self.pending_check.isChecked(),
            minimum_balance_cents=minimum,
            days_between=None if days < 0 else days,
        )

    def as_of(self) -> dt.date:
        return to_date(self.as_of_edit.date())

    def preview_candidates(self) -> None:
        options = self.statement_options()
        if options is None:
            return
        as_of = self.as_of()
        statements, settings = self.services.statements, self.services.settings

        def work(_ctx: JobContext) -> list[CandidateRow]:
            tiers = len(dunning_messages(str(settings.get("statement.dunning_tiers"))))
            return [
                CandidateRow(c, dunning_label(c.previous_statements, tiers))
                for c in statements.candidates(as_of, options)
            ]

        if self._candidates_job is not None:
            self._candidates_job.cancel()
        self.candidates_label.setText("Reading accounts…")
        self._candidates_job = run_quiet(self, work, self._show_candidates)  # type: ignore[arg-type]

    def _show_candidates(self, rows: list[CandidateRow]) -> None:
        self._candidates_job = None
        self.candidates_table_model.set_rows(rows)
        total = sum(r.candidate.patient_cents for r in rows)
        if rows:
            self.candidates_label.setText(
                f"{len(rows)} statement{'s' if len(rows) != 1 else ''}, {format_money(total)} due in all."
            )
        else:
            self.candidates_label.setText("No one is due a statement with these options.")

    def run_statements(self) -> None:
        options = self.statement_options()
        if options is None or self.statement_job is not None:
            return
        as_of = self.as_of()
        default = str(Path.home() / f"statements-{as_of:%Y-%m-%d}.pdf")
        path, _filter = QFileDialog.getSaveFileName(self, "Save the statements", default, PDF_FILTER)
        if not path:
            return
        statements = self.services.statements

        def done(result: StatementRunResult) -> None:
            self.statement_job = None
            self.last_run = result
            self._update_actions()
            if not result.count:
                self.say("No one was due a statement; nothing was printed.")
                return
            self.say(
                f"Printed {result.count} statement{'s' if result.count != 1 else ''} "
                f"({format_money(result.total_due_cents)} due) to {result.path.name}. "
                "Mark them sent once they are in the mail."
            )
            changed = {"statement": frozenset(result.statement_ids)}
            if result.written_off.entry_ids:
                changed["ledger"] = frozenset()
            self.services.bus.publish(Changes(changed))
            self.load_statements()
            self.preview_candidates()
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path)))

        def failed(exc: BaseException) -> None:
            self.statement_job = None
            self._update_actions()
            show_error(self, exc)

        self.statement_job = run_job(
            self, "Printing statements", lambda ctx: statements.run(as_of, options, path, ctx), done, failed
        )
        self._update_actions()

    def load_statements(self) -> None:
        """Every statement printed so far (newest first), keeping the selected one selected."""
        statements = self.services.statements

        def done(rows: list[StatementRow]) -> None:
            current = self.statements_table_model.row_at(self.statements_view.currentIndex().row())
            self.statements_table_model.set_rows(rows)
            if current is not None:
                keep = next((n for n, r in enumerate(rows) if r.statement_id == current.statement_id), None)
                if keep is not None:
                    self.statements_view.setCurrentIndex(self.statements_table_model.index(keep, 0))
            self._update_actions()

        run_quiet(self, lambda _ctx: [StatementRow.of(st) for st in statements.statements()], done)  # type: ignore[arg-type]

    def mark_sent(self) -> None:
        run = self.last_run
        if run is None or not self.mark_sent_action.isEnabled():
            return
        statements = self.services.statements

        def done(count: int) -> None:
            self.say(f"Marked {count} statement{'s' if count != 1 else ''} of run {run.run_id} as sent.")
            self.services.bus.publish(Changes({"statement": frozenset(run.statement_ids)}))

        run_job(self, "Marking statements sent", lambda _ctx: statements.mark_sent(run.run_id), done)

    def reprint(self) -> None:
        row = self.statements_table_model.row_at(self.statements_view.currentIndex().row())
        if row is None:
            return
        default = str(Path.home() / f"statement-{row.account_number}-{row.statement_id}.pdf")
        path, _filter = QFileDialog.getSaveFileName(self, "Save the statement", default, PDF_FILTER)
        if not path:
            return
        statements = self.services.statements
        run_job(
            self,
            "Reprinting the statement",
            lambda _ctx: statements.reprint(row.statement_id, path),
            self._open_file,
            writes=False,
        )

    # ------------------------------------------------------------------ for tests and the details

    def current_line(self) -> AccountLine | None:
        index: QModelIndex = self.lines_view.currentIndex()
        return self.account_table_model.row_at(index.row()) if index.isValid() else None
