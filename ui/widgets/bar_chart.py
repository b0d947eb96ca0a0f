"""A small painted bar chart (PySide6-Essentials has no QtCharts): one bar per category, each labelled with its
amount above and its name below, in the palette's own colours so it reads in light and dark themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.money import format_money


@dataclass(frozen=True)
class Bar:
    label: str
    cents: int


class BarChart(QWidget):
    """Bars of money amounts. The amounts are written on the chart, so nothing is told by colour alone."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[Bar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(self.fontMetrics().height() * 9)
        self.setAccessibleName(title or "Bar chart")

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.setAccessibleDescription("; ".join(f"{b.label}: {format_money(b.cents)}" for b in self.bars))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 60, self.fontMetrics().height() * 12)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        quiet = palette.color(QPalette.ColorRole.PlaceholderText)
        bar_colour = QColor(palette.color(QPalette.ColorRole.Highlight))
        metrics = self.fontMetrics()
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(8, 4, -8, -4)
        if self.title:
            painter.setPen(text)
            painter.drawText(
                QRectF(area.left(), area.top(), area.width(), line), Qt.AlignmentFlag.AlignLeft, self.title
            )
            area.setTop(area.top() + line + 4)
        if not self.bars:
            painter.setPen(quiet)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "Nothing owed")
            painter.end()
            return
        plot = area.adjusted(0, line + 2, 0, -(line + 6))  # room for amounts above and names below
        baseline = plot.bottom()
        highest = max((b.cents for b in self.bars), default=0)
        slot = plot.width() / len(self.bars)
        bar_width = min(slot * 0.6, line * 5)
        painter.setPen(quiet)
        painter.drawLine(int(plot.left()), int(baseline), int(plot.right()), int(baseline))
        for n, b in enumerate(self.bars):
            centre = plot.left() + slot * (n + 0.5)
            height = 0.0 if highest <= 0 else plot.height() * max(b.cents, 0) / highest
            rect = QRectF(centre - bar_width / 2, baseline - height, bar_width, height)
            if height > 0:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(bar_colour)
                painter.drawRect(rect)
            painter.setPen(text)
            amount = QRectF(centre - slot / 2, rect.top() - line - 2, slot, line)
            painter.drawText(amount, Qt.AlignmentFlag.AlignCenter, format_money(b.cents))
            name = QRectF(centre - slot / 2, baseline + 4, slot, line)
            painter.drawText(name, Qt.AlignmentFlag.AlignCenter, b.label)
        painter.end()
