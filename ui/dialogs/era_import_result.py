"""What an 835 import did: the summary, and each claim of the file posted, reversed or left waiting, with why;
and the remittance to print, whole or for one claim (the page a secondary payer's paper claim carries)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.era_posting import EraImportResult
from ui.models.payment_rows_model import OUTCOME_COLUMNS, OUTCOME_WORDS, RowsTableModel


class EraImportResultDialog(QDialog):
    """`print_requested(claim_number)` asks the owner to print the remittance: '' for the whole payment."""

    print_requested = Signal(str)

    def __init__(self, result: EraImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("835 import")
        self.setObjectName("era_import_result_dialog")
        self.result_ = result

        self.summary_label = QLabel(import_words(result))
        self.summary_label.setObjectName("era_summary")
        self.summary_label.setWordWrap(True)

        self.model = RowsTableModel(OUTCOME_COLUMNS, self)
        self.model.set_rows(result.outcomes)
        self.outcomes_view = QTableView()
        self.outcomes_view.setObjectName("era_outcomes")
        self.outcomes_view.setAccessibleName("Claims in the file")
        self.outcomes_view.setModel(self.model)
        self.outcomes_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.outcomes_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.outcomes_view.setAlternatingRowColors(True)
        self.outcomes_view.setWordWrap(False)
        self.outcomes_view.verticalHeader().hide()
        header = self.outcomes_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.outcomes_view.setVisible(bool(result.outcomes))

        self.problems_label = QLabel()
        self.problems_label.setObjectName("era_held")
        self.problems_label.setWordWrap(True)
        if result.balance_problems:
            self.problems_label.setText(
                "Held because they do not balance:\n" + "\n".join(f"• {p}" for p in result.balance_problems)
            )
        self.problems_label.setVisible(bool(result.balance_problems))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy summary")
        self.copy_button.setToolTip("Copy the summary and each claim's result, to paste into a log")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = QPushButton("&Print remittance…")
        self.print_button.setObjectName("print_remittance")
        self.print_button.setToolTip("The remittance advice in plain words, as a PDF to print or file")
        self.print_claim_button = QPushButton("Print for the &selected claim…")
        self.print_claim_button.setObjectName("print_claim_remittance")
        self.print_claim_button.setToolTip(
            "Only the selected claim's part of the remittance: the page to attach to the next payer's paper claim"
        )
        for button in (self.print_button, self.print_claim_button):
            button.setEnabled(bool(result.outcomes) and not result.already_imported)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(lambda: self.print_requested.emit(""))
        self.print_claim_button.clicked.connect(self._print_selected)
        buttons.rejected.connect(self.reject)
        if result.outcomes:
            self.outcomes_view.setCurrentIndex(self.model.index(0, 0))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.summary_text()))

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.outcomes_view, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(buttons)
        self.resize(820, 380 if result.outcomes else 160)

    def _print_selected(self) -> None:
        index = self.outcomes_view.currentIndex()
        outcome = self.model.row_at(index.row()) if index.isValid() else None
        if outcome is not None:
            self.print_requested.emit(outcome.patient_control_number)

    def summary_text(self) -> str:
        lines = [import_words(self.result_)]
        lines += ["\t".join(c.text(o) for c in OUTCOME_COLUMNS) for o in self.result_.outcomes]
        return "\n".join(lines)


def import_words(result: EraImportResult) -> str:
    """The service's summary; a file seen before says plainly that nothing was posted."""
    if result.already_imported:
        return f"{result.file} was already imported; nothing posted."
    waiting = sum(1 for o in result.outcomes if OUTCOME_WORDS.get(o.result) in ("Waiting", "Held"))
    after = " They wait in Unmatched 835 payments to be matched by hand." if waiting else ""
    return result.summary() + after
