"""Print claim forms: a preview, the print mode, per-printer offsets nudged in hundredths of an inch, and
an alignment test page.

Offsets belong to a printer (each feeds paper a little differently), so they are kept per printer
name through a small `PrinterOffsets` store the dialog's owner passes in; the owner wires it to the
settings service. The preview paints exactly what the printer gets; Save PDF writes the same pages
with the ReportLab writer. Printing and saving run as jobs: a batch can be a thousand forms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QMarginsF, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import ClaimDeskError
from app.formats.cms1500 import FormLayout, FormPage, alignment_page, load_layout
from app.formats.pdf_forms import write_pdf
from app.services.jobs import JobContext
from ui import jobs
from ui.printing.form_painter import FormReplayer, paint_page

OFFSET_LIMIT_IN = 1.0
OFFSET_STEP_IN = 0.01
PREVIEW_PAGE_LIMIT = 50  # the preview paints every page it shows; the print run takes them all
NO_PRINTER = ""
MODES = (("Pre-printed red forms (data only)", "red"), ("Plain paper (print the whole form)", "plain"))


class PrinterOffsets(Protocol):
    """Where a printer's offsets live. Inches: positive moves the print right and down."""

    def load_offset(self, printer_name: str) -> tuple[float, float]: ...

    def save_offset(self, printer_name: str, offset: tuple[float, float]) -> None: ...


class MemoryPrinterOffsets:
    """Offsets kept for the session only: for tests, and until the owner passes a persistent store."""

    def __init__(self, offsets: dict[str, tuple[float, float]] | None = None) -> None:
        self.offsets: dict[str, tuple[float, float]] = dict(offsets or {})

    def load_offset(self, printer_name: str) -> tuple[float, float]:
        return self.offsets.get(printer_name, (0.0, 0.0))

    def save_offset(self, printer_name: str, offset: tuple[float, float]) -> None:
        self.offsets[printer_name] = offset


def letter_printer(mode: QPrinter.PrinterMode = QPrinter.PrinterMode.HighResolution) -> QPrinter:
    """A printer set up for the form: US letter, portrait, no margins, painting from the paper's edge."""
    printer = QPrinter(mode)
    printer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    printer.setFullPage(True)
    return printer


def print_forms(
    printer: QPrinter,
    pages: Sequence[FormPage],
    mode: str,
    offset: tuple[float, float],
    *,
    layout: FormLayout | None = None,
    ctx: JobContext | None = None,
) -> None:
    """Paint every form on the printer, one sheet each; `ctx` reports progress and can cancel between sheets."""
    layout = layout or load_layout()
    painter = QPainter()
    if not painter.begin(printer):
        raise ClaimDeskError(f"The printer {printer.printerName() or printer.outputFileName()} could not start.")
    replayer = FormReplayer()
    try:
        for index, page in enumerate(pages):
            if ctx is not None:
                ctx.report(index, len(pages), f"Form {index + 1} of {len(pages)}")
            if index:
                printer.newPage()
            paint_page(painter, page, mode, offset, layout=layout, replayer=replayer)
    finally:
        painter.end()


class FormPrintDialog(QDialog):
    """Preview and print CMS-1500 forms, on pre-printed red stock or plain paper.

    The owner hears what happened to the claims' forms (never the alignment page): `forms_printed(printer)`
    once a print run has gone to the printer, and, when it passes `save_forms`, the chosen PDF file name
    instead of the dialog writing it (the owner writes the file and records the batch in one step)."""

    forms_printed = Signal(str)

    def __init__(
        self,
        pages: Sequence[FormPage],
        offsets: PrinterOffsets,
        parent: QWidget | None = None,
        *,
        layout: FormLayout | None = None,
        printers: Sequence[str] | None = None,
        default_printer: str | None = None,
        mode: str = "red",
        save_forms: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print CMS-1500 forms")
        self.setObjectName("form_print_dialog")
        self._pages = list(pages)
        self._save_forms = save_forms
        self._offsets = offsets
        self._layout = layout or load_layout()

        names = list(printers) if printers is not None else QPrinterInfo.availablePrinterNames()
        self.printer_combo = QComboBox()
        self.printer_combo.setObjectName("printer")
        self.printer_combo.setAccessibleName("Printer")
        for name in names:
            self.printer_combo.addItem(name, name)
        if not names:
            self.printer_combo.addItem("No printer found (offsets kept for PDF)", NO_PRINTER)
        default = default_printer if default_printer is not None else QPrinterInfo.defaultPrinterName()
        self.printer_combo.setCurrentIndex(max(self.printer_combo.findData(default), 0))

        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("print_mode")
        self.mode_combo.setAccessibleName("Print on")
        for text, value in MODES:
            self.mode_combo.addItem(text, value)
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(mode), 0))

        self.dx_spin = self._offset_spin("offset_right", "Move print right (inches; negative moves left)")
        self.dy_spin = self._offset_spin("offset_down", "Move print down (inches; negative moves up)")

        self.alignment_button = QPushButton("&Alignment test page")
        self.alignment_button.setObjectName("alignment_test_page")
        self.alignment_button.setCheckable(True)
        self.alignment_button.setToolTip(
            "Show and print a page with an X in every box and a column ruler in every field. Print it on a "
            "red form, then nudge the offsets until the marks sit in the boxes."
        )
        self.print_button = QPushButton("&Print…")
        self.print_button.setObjectName("print")
        self.print_button.setDefault(True)
        self.save_button = QPushButton("&Save PDF…")
        self.save_button.setObjectName("save_pdf")
        close_button = QPushButton("Close")

        self.note = QLabel()
        self.note.setObjectName("preview_note")
        self.note.setWordWrap(True)

        self._preview_printer = letter_printer(QPrinter.PrinterMode.ScreenResolution)
        self.preview = QPrintPreviewWidget(self._preview_printer, self)
        self.preview.setObjectName("preview")
        self.preview.paintRequested.connect(self._paint_preview)

        form = QFormLayout()
        form.addRow("Printe&r", self.printer_combo)
        form.addRow("Print &on", self.mode_combo)
        form.addRow("Move &right", self.dx_spin)
        form.addRow("Move &down", self.dy_spin)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.alignment_button)
        side.addWidget(self.note)
        side.addStretch(1)
        side.addWidget(self.print_button)
        side.addWidget(self.save_button)
        side.addWidget(close_button)
        body = QHBoxLayout(self)
        body.addWidget(self.preview, 1)
        body.addLayout(side)

        self._load_offsets()
        self.printer_combo.currentIndexChanged.connect(self._on_printer_changed)
        self.mode_combo.currentIndexChanged.connect(self._refresh)
        self.dx_spin.valueChanged.connect(self._on_offset_changed)
        self.dy_spin.valueChanged.connect(self._on_offset_changed)
        self.alignment_button.toggled.connect(self._refresh)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        close_button.clicked.connect(self.reject)
        self._update_note()
        self.resize(1000, 760)

    # ------------------------------------------------------------------------------ state

    def current_pages(self) -> list[FormPage]:
        """What Print and Save PDF produce: the claims' forms, or the alignment test page."""
        return alignment_page(self._layout) if self.alignment_button.isChecked() else list(self._pages)

    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    def offset(self) -> tuple[float, float]:
        return round(self.dx_spin.value(), 2), round(self.dy_spin.value(), 2)

    def printer_name(self) -> str:
        return str(self.printer_combo.currentData())

    # ------------------------------------------------------------------------------ actions

    def print_to(self, printer: QPrinter, ctx: JobContext | None = None) -> None:
        """Paint the current pages on `printer` with this printer's mode and offset (synchronously)."""
        printer.setFullPage(True)
        print_forms(printer, self.current_pages(), self.mode(), self.offset(), layout=self._layout, ctx=ctx)

    def save_pdf(self, path: str | Path) -> None:
        """The same pages, mode and offset as a PDF, written by the ReportLab writer."""
        write_pdf(self.current_pages(), Path(path), self.mode(), self.offset(), layout=self._layout)

    def _on_print_clicked(self) -> None:
        printer = letter_printer()
        if self.printer_name():
            printer.setPrinterName(self.printer_name())
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        chosen = printer.printerName()
        if chosen and chosen != self.printer_name():
            found = self.printer_combo.findData(chosen)
            if found < 0:
                self.printer_combo.addItem(chosen, chosen)
                found = self.printer_combo.count() - 1
            self.printer_combo.setCurrentIndex(found)  # loads that printer's offsets
        pages, mode, offset, layout = self.current_pages(), self.mode(), self.offset(), self._layout
        count, claims_forms, name = len(pages), not self.alignment_button.isChecked(), printer.printerName()

        def work(ctx: JobContext) -> int:
            print_forms(printer, pages, mode, offset, layout=layout, ctx=ctx)
            return count

        def done(n: int) -> None:
            self._say(f"Sent {n} form(s) to the printer.")
            if claims_forms:
                self.forms_printed.emit(name)

        jobs.run_job(self, "Printing forms", work, done, writes=False)

    def _on_save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save forms as PDF", "cms1500.pdf", "PDF files (*.pdf)")
        if not path:
            return
        if self._save_forms is not None and not self.alignment_button.isChecked():
            self._save_forms(Path(path))
            return
        pages, mode, offset, layout = self.current_pages(), self.mode(), self.offset(), self._layout

        def work(ctx: JobContext) -> str:
            ctx.report(0, 1, f"Writing {len(pages)} form(s)")
            write_pdf(pages, Path(path), mode, offset, layout=layout)
            return path

        jobs.run_job(self, "Saving forms", work, lambda saved: self._say(f"Saved {saved}."), writes=False)

    # ------------------------------------------------------------------------------ slots

    def _on_printer_changed(self) -> None:
        self._load_offsets()
        self._refresh()

    def _on_offset_changed(self) -> None:
        self._offsets.save_offset(self.printer_name(), self.offset())
        self._refresh()

    def _load_offsets(self) -> None:
        dx, dy = self._offsets.load_offset(self.printer_name())
        for spin, value in ((self.dx_spin, dx), (self.dy_spin, dy)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def _refresh(self) -> None:
        self._update_note()
        self.preview.updatePreview()

    def _paint_preview(self, printer: QPrinter) -> None:
        pages = self.current_pages()[:PREVIEW_PAGE_LIMIT]
        print_forms(printer, pages, self.mode(), self.offset(), layout=self._layout)

    def _update_note(self) -> None:
        pages = self.current_pages()
        parts = []
        if self.mode() == "red":
            parts.append("Load red CMS-1500 (02/12) forms. The preview shows only what the printer adds.")
        else:
            parts.append("Plain paper: the whole form is printed. Payers that scan claims want the red form.")
        if len(pages) > PREVIEW_PAGE_LIMIT:
            parts.append(f"The preview shows the first {PREVIEW_PAGE_LIMIT} of {len(pages)} forms; all are printed.")
        warnings = [w for page in pages for w in page.warnings]
        if warnings:
            parts.append(f"{len(warnings)} entr{'y was' if len(warnings) == 1 else 'ies were'} cut to fit the form:")
            parts.extend(warnings[:3])
        self.note.setText(" ".join(parts))
        self.note.setToolTip("\n".join(warnings))

    def _say(self, message: str) -> None:
        self.note.setText(message)

    def set_busy(self, busy: bool, message: str = "") -> None:
        """While the owner records what was printed or saved: no second run, and a word on what is happening."""
        self.print_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)
        if message:
            self._say(message)

    def _offset_spin(self, name: str, accessible: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(accessible)
        spin.setToolTip(accessible)
        spin.setRange(-OFFSET_LIMIT_IN, OFFSET_LIMIT_IN)
        spin.setDecimals(2)
        spin.setSingleStep(OFFSET_STEP_IN)
        spin.setSuffix(" in")
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return spin
