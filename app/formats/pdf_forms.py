"""Claim forms as PDF with ReportLab: data only for pre-printed red forms, or the whole form on plain paper.

Many claims go into one PDF (a batch); the plain-paper form is drawn once as a PDF form XObject and
reused on every page. A per-printer offset in inches (right, down) moves everything on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.errors import ValidationError
from app.formats.cms1500 import FormLayout, FormPage, load_layout
from app.formats.form_canvas import (
    DATA_COLOR,
    Fill,
    Frame,
    Primitive,
    Stroke,
    TextRun,
    check_mode,
    form_primitives,
    offset_pt,
)

FORM_XOBJECT = "cms1500_0212_form"


def write_pdf(
    pages: Sequence[FormPage],
    target: str | Path | BinaryIO,
    mode: str = "red",
    offset: tuple[float, float] = (0.0, 0.0),
    *,
    layout: FormLayout | None = None,
    title: str = "CMS-1500 claims",
) -> None:
    """Write the forms to a PDF file or binary stream, one page per form, on US letter.

    `mode` "red" prints the data alone (for pre-printed forms), "plain" draws the form under it.
    `offset` (inches right, inches down; negative moves left/up) shifts everything on each page.
    """
    check_mode(mode)
    if not pages:
        raise ValidationError("There are no forms to write.")
    layout = layout or load_layout()
    grid = layout.grid
    height = grid.page_height_pt
    canvas = Canvas(str(target) if isinstance(target, Path) else target, pagesize=(grid.page_width_pt, height))
    canvas.setTitle(title)
    canvas.setCreator("ClaimDesk")
    if mode == "plain":
        canvas.beginForm(FORM_XOBJECT)
        _replay(canvas, form_primitives(layout), height)
        canvas.endForm()
    dx, dy = offset_pt(offset)
    char_space = grid.column_pt - stringWidth("0", grid.font, grid.font_size_pt)
    black = HexColor(DATA_COLOR)
    for page in pages:
        canvas.saveState()
        canvas.translate(dx, -dy)
        if mode == "plain":
            canvas.doForm(FORM_XOBJECT)
        text = canvas.beginText()
        text.setFont(grid.font, grid.font_size_pt)
        text.setCharSpace(char_space)
        text.setFillColor(black)
        for row, first_col, line in _print_lines(page):
            text.setTextOrigin(grid.x_pt(first_col), height - grid.baseline_pt(row))
            text.textOut(line)
        canvas.drawText(text)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()


def _print_lines(page: FormPage) -> list[tuple[int, int, str]]:
    """Each printed row as one string from its first used column, gaps as spaces, the way a line printer
    sends it: on a fixed-pitch grid the spaces put every field in its exact column, with a fraction of
    the PDF operators (and time) of one text run per field."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for cell in page.cells():
        rows.setdefault(cell.row, []).append((cell.col, cell.text))
    lines = []
    for row in sorted(rows):
        parts = sorted(rows[row])
        first = position = parts[0][0]
        out: list[str] = []
        for col, text in parts:
            if col < position:  # overlapping cells (a layout error): later text wins, character by character
                merged = list("".join(out))
                merged[col - first : col - first + len(text)] = text
                out = ["".join(merged)]
                position = max(position, col + len(text))
                continue
            out.append(" " * (col - position) + text)
            position = col + len(text)
        lines.append((row, first, "".join(out)))
    return lines


def _replay(canvas: Canvas, primitives: Sequence[Primitive], height: float) -> None:
    for p in primitives:
        if isinstance(p, Fill):
            canvas.setFillColor(HexColor(p.color))
            canvas.rect(p.x, height - p.y - p.h, p.w, p.h, stroke=0, fill=1)
        elif isinstance(p, Stroke):
            canvas.setStrokeColor(HexColor(p.color))
            canvas.setLineWidth(p.width)
            canvas.line(p.x1, height - p.y1, p.x2, height - p.y2)
        elif isinstance(p, Frame):
            canvas.setStrokeColor(HexColor(p.color))
            canvas.setLineWidth(p.width)
            canvas.rect(p.x, height - p.y - p.h, p.w, p.h, stroke=1, fill=0)
        elif isinstance(p, TextRun):
            canvas.setFillColor(HexColor(p.color))
            canvas.setFont(p.font, p.size)
            if p.upright:
                canvas.saveState()
                canvas.translate(p.x, height - p.y)
                canvas.rotate(90)
                canvas.drawString(0, 0, p.text)
                canvas.restoreState()
            else:
                canvas.drawString(p.x, height - p.y, p.text)
