"""Printing CMS-1500 forms from Qt: the QPainter backend puts every character where the PDF writer does,
and the print dialog nudges offsets per printer, shows the alignment page and saves PDFs."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.formats.cms1500 import FormPage, load_layout, render_forms
from app.formats.pdf_forms import write_pdf
from tests.formats.claims import FACILITY, SIGNED_ON, claim
from tests.formats.pdf_reading import Cells, assert_fields_read_back, data_chars, page_count, page_text, read_chars
from ui.printing import FormPrintDialog, MemoryPrinterOffsets, form_print_dialog, letter_printer, paint_pages

LAYOUT = load_layout()
QT_MONO = "Mono"  # the system's monospaced face stands in for Courier; each character is placed on its column


def pdf_printer(path: Path) -> QPrinter:
    printer = letter_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def seven_line_pages() -> list[FormPage]:
    return render_forms(claim(7, facility=FACILITY), signed_on=SIGNED_ON)


def test_painting_to_a_pdf_printer_puts_the_claim_text_in_its_boxes(qtbot: QtBot, tmp_path: Path) -> None:
    pages = seven_line_pages()
    out = tmp_path / "qt.pdf"
    printer = pdf_printer(out)
    painter = QPainter(printer)
    paint_pages(painter, pages, "red", (0.0, 0.0))
    painter.end()

    assert page_count(out) == 2
    assert "NUNEZ SMITH, MARIA, E" in page_text(out)
    assert_fields_read_back(out, pages, LAYOUT, font=QT_MONO)
    cells = Cells(data_chars(read_chars(out, LAYOUT), QT_MONO), 2)
    total = LAYOUT.fields["28.total_charge"]
    assert (cells.field(total), cells.cents(total)) == ("131", "00")


def test_qt_and_the_pdf_writer_print_every_character_in_the_same_cell(qtbot: QtBot, tmp_path: Path) -> None:
    pages = seven_line_pages()
    printer = pdf_printer(tmp_path / "qt.pdf")
    painter = QPainter(printer)
    paint_pages(painter, pages, "plain", (0.04, 0.02))
    painter.end()
    write_pdf(pages, tmp_path / "rl.pdf", "plain", (0.04, 0.02))

    def cells(path: Path, font: str) -> list[tuple[int, int, int, str]]:
        chars = data_chars(read_chars(path, LAYOUT, (0.04, 0.02)), font)
        return sorted((c.page, c.row, c.col, c.text) for c in chars)

    assert cells(tmp_path / "qt.pdf", QT_MONO) == cells(tmp_path / "rl.pdf", "Courier")
    assert "HEALTH INSURANCE CLAIM FORM" in page_text(tmp_path / "qt.pdf")

    def labels(path: Path) -> dict[str, tuple[float, float]]:
        """Where each line of the form's own words starts on page 2 (the form is drawn on every page)."""
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[1]
            words = page.extract_words(extra_attrs=["fontname"])
            return {
                w["text"]: (w["x0"], w["top"])
                for w in words
                if "Courier" not in w["fontname"] and "Mono" not in w["fontname"] and 0 <= w["x0"] < page.width
            }

    qt_labels, rl_labels = labels(tmp_path / "qt.pdf"), labels(tmp_path / "rl.pdf")
    for word in ("HEALTH", "1a.", "22.", "28.", "SIGNED", "NUCC"):  # words that start a label
        assert qt_labels[word][0] == pytest.approx(rl_labels[word][0], abs=1.0), word
        assert qt_labels[word][1] == pytest.approx(rl_labels[word][1], abs=1.5), word


def test_a_printer_with_margins_still_prints_from_the_papers_edge(qtbot: QtBot, tmp_path: Path) -> None:
    (page,) = render_forms(claim(2), signed_on=SIGNED_ON)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "margins.pdf"))
    printer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait, QMarginsF(18, 27, 18, 27))
    )
    assert not printer.fullPage()
    painter = QPainter(printer)
    paint_pages(painter, [page], "red")
    painter.end()
    assert_fields_read_back(tmp_path / "margins.pdf", [page], LAYOUT, font=QT_MONO)


def test_offsets_are_nudged_in_hundredths_of_an_inch_and_kept_per_printer(qtbot: QtBot) -> None:
    store = MemoryPrinterOffsets({"Back office laser": (0.1, -0.05)})
    dialog = FormPrintDialog(
        seven_line_pages(),
        store,
        printers=["Front desk laser", "Back office laser"],
        default_printer="Front desk laser",
    )
    qtbot.addWidget(dialog)
    assert dialog.offset() == (0.0, 0.0)

    for _ in range(3):
        qtbot.keyClick(dialog.dx_spin, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.dy_spin, Qt.Key.Key_Down)
    assert dialog.offset() == (0.03, -0.01)
    assert store.offsets["Front desk laser"] == (0.03, -0.01)

    dialog.printer_combo.setCurrentIndex(dialog.printer_combo.findData("Back office laser"))
    assert dialog.offset() == (0.1, -0.05)
    assert store.offsets["Back office laser"] == (0.1, -0.05)  # switching printers saves nothing new
    dialog.printer_combo.setCurrentIndex(dialog.printer_combo.findData("Front desk laser"))
    assert dialog.offset() == (0.03, -0.01)


def test_the_preview_shows_every_form(qtbot: QtBot) -> None:
    dialog = FormPrintDialog(seven_line_pages(), MemoryPrinterOffsets(), printers=[])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.preview.updatePreview()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() == 2)
    assert dialog.printer_name() == ""


def test_the_alignment_button_previews_and_prints_the_alignment_page(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = FormPrintDialog(seven_line_pages(), MemoryPrinterOffsets(), printers=["Laser"])
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.alignment_button, Qt.MouseButton.LeftButton)
    assert [p.claim_number for p in dialog.current_pages()] == ["ALIGNMENT"]

    dialog.print_to(pdf_printer(tmp_path / "align.pdf"))
    cells = Cells(data_chars(read_chars(tmp_path / "align.pdf", LAYOUT), QT_MONO), 1)
    boxes = [f for f in LAYOUT.fields.values() if f.kind == "checkbox"]
    assert all(cells.by_cell.get((f.row, f.col)) == "X" for f in boxes)
    assert cells.span(1, 1, 80) == "1234567890" * 8

    qtbot.mouseClick(dialog.alignment_button, Qt.MouseButton.LeftButton)
    assert len(dialog.current_pages()) == 2


@pytest.mark.parametrize("mode", ["red", "plain"])
def test_save_pdf_writes_the_dialogs_pages_mode_and_offset(qtbot: QtBot, tmp_path: Path, mode: str) -> None:
    pages = seven_line_pages()
    dialog = FormPrintDialog(pages, MemoryPrinterOffsets({"Laser": (-0.02, 0.05)}), printers=["Laser"], mode=mode)
    qtbot.addWidget(dialog)
    dialog.save_pdf(tmp_path / "saved.pdf")

    assert page_count(tmp_path / "saved.pdf") == 2
    assert ("HEALTH INSURANCE CLAIM FORM" in page_text(tmp_path / "saved.pdf")) == (mode == "plain")
    moved = data_chars(read_chars(tmp_path / "saved.pdf", LAYOUT, (-0.02, 0.05)))
    write_pdf(pages, tmp_path / "home.pdf", mode)
    home = data_chars(read_chars(tmp_path / "home.pdf", LAYOUT))
    assert [(c.page, c.row, c.col, c.text) for c in moved] == [(c.page, c.row, c.col, c.text) for c in home]
    assert moved[0].x0 - home[0].x0 == pytest.approx(-1.44, abs=0.01)


def test_print_button_prints_on_the_chosen_printer_in_the_background(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(form_print_dialog, "letter_printer", lambda *_: pdf_printer(out))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: int(QDialog.DialogCode.Accepted))
    dialog = FormPrintDialog(seven_line_pages(), MemoryPrinterOffsets(), printers=[])
    qtbot.addWidget(dialog)

    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Sent 2 form(s)" in dialog.note.text(), timeout=10_000)
    assert page_count(out) == 2
    assert_fields_read_back(out, dialog.current_pages(), LAYOUT, font=QT_MONO)


def test_save_button_writes_the_pdf_in_the_background(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "chosen.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(out), "PDF files (*.pdf)"))
    dialog = FormPrintDialog(seven_line_pages(), MemoryPrinterOffsets(), printers=[], mode="plain")
    qtbot.addWidget(dialog)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in dialog.note.text(), timeout=10_000)
    assert page_count(out) == 2
    assert "HEALTH INSURANCE CLAIM FORM" in page_text(out)
