"""Paint claim forms with a QPainter: the same primitives the PDF writer replays, so preview and paper match.

Whatever fonts the system provides, each text run is stretched to the width the PDF's standard font
gives it: for the monospaced claim data that is exactly one grid column per character. The painter's device must be a
page in points' worth of pixels (a QPrinter, a preview printer, an image): the scale comes from the
device's resolution, and a QPrinter that is not in full-page mode is shifted back to the paper's edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter

from app.formats.cms1500 import FormLayout, FormPage, load_layout
from app.formats.form_canvas import Fill, Frame, Primitive, Stroke, TextRun, offset_pt, page_primitives

# Fonts are set at this pixel size and scaled down, so fractional point sizes stay exact.
_FONT_PIXELS = 100
_FAMILIES: dict[str, tuple[str, QFont.StyleHint, bool]] = {
    "Courier": ("Courier", QFont.StyleHint.TypeWriter, False),
    "Helvetica": ("Helvetica", QFont.StyleHint.SansSerif, False),
    "Helvetica-Bold": ("Helvetica", QFont.StyleHint.SansSerif, True),
}


def paint_pages(
    painter: QPainter,
    pages: Sequence[FormPage],
    mode: str = "red",
    offset: tuple[float, float] = (0.0, 0.0),
    *,
    layout: FormLayout | None = None,
    new_page: Callable[[], object] | None = None,
) -> None:
    """Paint each form on its own page of the painter's device (a new page between forms).

    `mode` "red" paints the data alone for pre-printed forms, "plain" paints the form under it;
    `offset` is the printer's nudge in inches (right, down).
    """
    layout = layout or load_layout()
    device = painter.device()
    replayer = FormReplayer()
    for index, page in enumerate(pages):
        if index:
            if new_page is not None:
                new_page()
            elif isinstance(device, QPagedPaintDevice):
                device.newPage()
        paint_page(painter, page, mode, offset, layout=layout, replayer=replayer)


def paint_page(
    painter: QPainter,
    page: FormPage,
    mode: str = "red",
    offset: tuple[float, float] = (0.0, 0.0),
    *,
    layout: FormLayout | None = None,
    replayer: FormReplayer | None = None,
) -> None:
    """Paint one form on the painter's current page; pass one `replayer` for many pages to reuse its fonts."""
    layout = layout or load_layout()
    replayer = replayer or FormReplayer()
    painter.save()
    try:
        _to_points(painter)
        dx, dy = offset_pt(offset)
        painter.translate(dx, dy)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for primitive in page_primitives(page, layout, mode):
            replayer.paint(painter, primitive)
    finally:
        painter.restore()


def _to_points(painter: QPainter) -> None:
    """Make one unit one point from the paper's top-left corner."""
    device = painter.device()
    if isinstance(device, QPrinter) and not device.fullPage():
        paper = device.paperRect(QPrinter.Unit.DevicePixel)
        printable = device.pageRect(QPrinter.Unit.DevicePixel)
        painter.translate(paper.left() - printable.left(), paper.top() - printable.top())
    painter.scale(device.logicalDpiX() / 72.0, device.logicalDpiY() / 72.0)


class FormReplayer:
    """Draws primitives with a QPainter, keeping fonts and text widths across pages."""

    def __init__(self) -> None:
        self._fonts: dict[str, QFont] = {}
        self._widths: dict[tuple[str, str], float] = {}

    def paint(self, painter: QPainter, p: Primitive) -> None:
        if isinstance(p, Fill):
            painter.fillRect(QRectF(p.x, p.y, p.w, p.h), QColor(p.color))
        elif isinstance(p, Stroke):
            pen = QPen(QColor(p.color), p.width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLine(QLineF(p.x1, p.y1, p.x2, p.y2))
        elif isinstance(p, Frame):
            painter.setPen(QPen(QColor(p.color), p.width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(p.x, p.y, p.w, p.h))
        elif isinstance(p, TextRun):
            self._paint_text(painter, p)

    def _font(self, name: str) -> QFont:
        font = self._fonts.get(name)
        if font is None:
            family, hint, bold = _FAMILIES.get(name, (name, QFont.StyleHint.AnyStyle, False))
            font = QFont(family)
            font.setStyleHint(hint)
            font.setFixedPitch(hint == QFont.StyleHint.TypeWriter)
            font.setBold(bold)
            font.setPixelSize(_FONT_PIXELS)
            self._fonts[name] = font
        return font

    def _natural_width(self, font_name: str, font: QFont, text: str) -> float:
        key = (font_name, text)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = QFontMetricsF(font).horizontalAdvance(text)
        return width

    def _paint_text(self, painter: QPainter, run: TextRun) -> None:
        font = self._font(run.font)
        scale = run.size / _FONT_PIXELS
        natural = self._natural_width(run.font, font, run.text)
        painter.save()
        painter.setFont(font)
        painter.setPen(QColor(run.color))
        painter.translate(run.x, run.y)
        if run.upright:
            painter.rotate(-90)
        painter.scale(scale, scale)
        if natural > 0:
            # The PDF font's width: for claim data, exactly `pitch` per character.
            painter.scale(run.width / scale / natural, 1.0)
        painter.drawText(QPointF(0, 0), run.text)
        painter.restore()
