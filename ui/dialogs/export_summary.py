"""What an 837P export wrote: each file with its payer, claims, total charge and X12 control numbers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.services.submission import ExportResult

HEADERS = ("File", "Payer", "Claims", "Total charge", "ISA13", "GS06", "ST02", "Batch")
RIGHT_ALIGNED = frozenset({2, 3, 4, 5, 6, 7})


def export_summary(results: Sequence[ExportResult]) -> str:
    """One line for the whole export: claims, files and the total."""
    claims = sum(r.claims for r in results)
    total = sum(r.total_charge_cents for r in results)
    files = f"{len(results)} {'file' if len(results) == 1 else 'files'}"
    return f"Exported {claims:,} {'claim' if claims == 1 else 'claims'} ({format_money(total)}) in {files}"


def transaction_numbers(result: ExportResult) -> str:
    numbers = result.transaction_control_numbers
    return numbers[0] if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}" if numbers else ""


def result_cells(result: ExportResult) -> list[str]:
    return [
        result.file.name,
        result.payer or "All payers",
        f"{result.claims:,}",
        format_money(result.total_charge_cents),
        f"{result.interchange_control_number:09d}",
        str(result.group_control_number),
        transaction_numbers(result),
        str(result.batch_id),
    ]


class ExportSummaryDialog(QDialog):
    """Shown after an export: the files to upload to the clearinghouse, and the numbers to match its reports."""

    def __init__(self, results: Sequence[ExportResult], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("837P export")
        self.setObjectName("export_summary_dialog")
        self.results = list(results)

        one_file, one_claim = len(self.results) == 1, sum(r.claims for r in self.results) == 1
        self.summary_label = QLabel(
            f"{export_summary(self.results)}. Upload {'it' if one_file else 'them'} to the clearinghouse: "
            f"{'the claim is' if one_claim else 'the claims are'} now Submitted (electronic). The control numbers "
            "are the ones the clearinghouse's acknowledgements (999, 277CA) quote back."
        )
        self.summary_label.setObjectName("export_summary")
        self.summary_label.setWordWrap(True)

        self.files_view = QTreeWidget()
        self.files_view.setObjectName("export_files")
        self.files_view.setAccessibleName("Exported files")
        self.files_view.setRootIsDecorated(False)
        self.files_view.setAlternatingRowColors(True)
        self.files_view.setUniformRowHeights(True)
        self.files_view.setColumnCount(len(HEADERS))
        self.files_view.setHeaderLabels(list(HEADERS))
        for result in self.results:
            item = QTreeWidgetItem(result_cells(result))
            item.setToolTip(0, str(result.file))
            for column in RIGHT_ALIGNED:
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.files_view.addTopLevelItem(item)
        header = self.files_view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the file name takes the spare room
        header.setStretchLastSection(False)
        if self.results:
            self.files_view.setCurrentItem(self.files_view.topLevelItem(0))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy summary")
        self.copy_button.setToolTip("Copy the files and control numbers, one line each, to paste into a log")
        self.open_button = QPushButton("&Open folder")
        self.open_button.setToolTip("Show the folder the files were written to")
        self.open_button.setEnabled(bool(self.results))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_summary)
        self.open_button.clicked.connect(self.open_folder)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.files_view, 1)
        layout.addWidget(buttons)
        self.resize(760, 280)

    def summary_text(self) -> str:
        lines = ["\t".join(HEADERS)]
        lines += ["\t".join([str(r.file), *result_cells(r)[1:]]) for r in self.results]
        return "\n".join(lines)

    def copy_summary(self) -> None:
        QGuiApplication.clipboard().setText(self.summary_text())

    def open_folder(self) -> None:
        if self.results:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.results[0].file.parent)))
