"""Match a waiting 835 payment to the claim it pays: search that payer's sent claims, pick one, post it there."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.services.era_posting import UnmatchedPayment
from app.services.paper_posting import ClaimForPosting
from ui.models.paged_model import format_date
from ui.models.payment_rows_model import CLAIM_HIT_COLUMNS, RowsTableModel
from ui.widgets.banner import problem_label
from ui.widgets.row_table import RowTableView

Search = Callable[[str], None]
Submit = Callable[[ClaimForPosting], None]


class MatchPaymentDialog(QDialog):
    """Enter in the search asks `search(query)`; the owner answers with `show_hits(claims)`. Match (or Enter on
    a claim) hands the claim to `submit(claim)`, answered by `finished_ok()` or `show_problem(text)`."""

    def __init__(
        self, payment: UnmatchedPayment, search: Search, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.payment = payment
        self._search = search
        self._submit = submit
        self.setWindowTitle(f"Match payment {payment.patient_control_number or payment.claim_payment_id} to a claim")
        self.setObjectName("match_payment_dialog")

        day = format_date(payment.service_date) if payment.service_date else "no date of service"
        about = QLabel(
            f"<b>{html.escape(payment.payer_name)}</b>, check {html.escape(payment.check_number)}: "
            f"{html.escape(payment.patient_control_number or '(no control number)')} · "
            f"{html.escape(payment.patient_name or 'patient not named')} · {day} · "
            f"charge {format_money(payment.charge_cents)} · paid {format_money(payment.paid_cents)}<br>"
            f"Waiting because: {html.escape(payment.reason)}"
        )
        about.setObjectName("payment_about")
        about.setTextFormat(Qt.TextFormat.RichText)
        about.setWordWrap(True)
        about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.search_edit = QLineEdit(_name_query(payment.patient_name))
        self.search_edit.setObjectName("match_search")
        self.search_edit.setAccessibleName("Find the claim")
        self.search_edit.setPlaceholderText("Patient 'smith, jo', account, claim number or date of service")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self.run_search)

        self.hits_model = RowsTableModel(CLAIM_HIT_COLUMNS, self)
        self.hits_view = RowTableView()
        self.hits_view.setObjectName("match_hits")
        self.hits_view.setAccessibleName(f"Sent claims of {payment.payer_name}")
        self.hits_view.setModel(self.hits_model)
        self.hits_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hits_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hits_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hits_view.setTabKeyNavigation(False)
        self.hits_view.setAlternatingRowColors(True)
        self.hits_view.verticalHeader().hide()
        self.hits_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.hits_view.horizontalHeader().setStretchLastSection(True)
        self.hits_view.row_activated.connect(lambda _index: self._on_match())
        self.hits_view.doubleClicked.connect(lambda _index: self._on_match())
        self.note_label = QLabel("Type and press Enter to find the claim.")
        self.note_label.setObjectName("match_note")
        self.problem_label = problem_label("match_problem")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.match_button = QPushButton("&Match and post")
        self.match_button.setObjectName("match_ok")
        self.match_button.setEnabled(False)
        self.match_button.setAutoDefault(False)
        self.buttons.addButton(self.match_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._on_match)
        self.buttons.rejected.connect(self.reject)

        find_label = QLabel(f"&Find a sent claim of {payment.payer_name}")
        find_label.setBuddy(self.search_edit)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(about)
        layout.addWidget(find_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.hits_view, 1)
        layout.addWidget(self.note_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(720, 400)
        self.search_edit.setFocus()

    def run_search(self) -> None:
        query = self.search_edit.text().strip()
        if not query:
            return
        self.note_label.setText("Searching…")
        self._search(query)

    def show_hits(self, claims: Sequence[ClaimForPosting]) -> None:
        self.hits_model.set_rows(claims)
        self.match_button.setEnabled(bool(claims))
        if not claims:
            self.note_label.setText(f"No sent claim of {self.payment.payer_name} matches. Try the account or a date.")
            return
        self.note_label.setText(
            f"{len(claims)} {'claim' if len(claims) == 1 else 'claims'} found: Enter on one matches the payment to it."
        )
        self.hits_view.setCurrentIndex(self.hits_model.index(0, 0))
        self.hits_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def chosen(self) -> ClaimForPosting | None:
        index: QModelIndex = self.hits_view.currentIndex()
        return self.hits_model.row_at(index.row()) if index.isValid() else None

    def _on_match(self) -> None:
        claim = self.chosen()
        if claim is None or not self.match_button.isEnabled():
            return
        self.problem_label.hide()
        self.match_button.setEnabled(False)
        self._submit(claim)

    def finished_ok(self) -> None:
        self.accept()

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
        self.match_button.setEnabled(self.chosen() is not None)


def _name_query(name: str) -> str:
    """'ZEPHYR, ALICE' from the payer becomes the search 'zephyr, al' (first names are often cut short)."""
    last, _, first = name.partition(",")
    last, first = last.strip().lower(), first.strip().lower()
    if not last:
        return ""
    return f"{last}, {first[:2]}" if first else last
