"""Printing claim forms from the UI: a QPainter backend and the print dialog with preview and printer offsets."""

from ui.printing.form_painter import FormReplayer, paint_page, paint_pages
from ui.printing.form_print_dialog import (
    FormPrintDialog,
    MemoryPrinterOffsets,
    PrinterOffsets,
    letter_printer,
    print_forms,
)

__all__ = [
    "FormPrintDialog",
    "FormReplayer",
    "MemoryPrinterOffsets",
    "PrinterOffsets",
    "letter_printer",
    "paint_page",
    "paint_pages",
    "print_forms",
]
