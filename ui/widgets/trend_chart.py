"""A small painted line chart of one KPI month by month (no QtCharts in PySide6-Essentials): points joined by a
line, each month named below, each value written beside its point, an optional dashed goal line, all in the
palette's colours so it reads in light and dark themes. Months without data leave a gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class TrendPoint:
    label: str  # "Mar"
    value: Decimal | None  # None: undefined that month (nothing to divide by)


def format_value(value: Decimal, unit: str) -> str:
    return f"{value:.1f}%" if unit == "%" else f"{value:.1f}"


class TrendChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.unit = ""
        self.points: list[TrendPoint] = []
        self.goal: Decimal | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(self.fontMetrics().height() * 10)
        self.setAccessibleName("Trend chart")

    def set_series(self, title: str, unit: str, points: Sequence[TrendPoint], goal: Decimal | None = None) -> None:
        self.title, self.unit, self.points, self.goal = title, unit, list(points), goal
        described = "; ".join(
            f"{p.label}: {'no data' if p.value is None else format_value(p.value, unit)}" for p in self.points
        )
        self.setAccessibleDescription(f"{title}. {described}")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 80, self.fontMetrics().height() * 14)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        quiet = palette.color(QPalette.ColorRole.PlaceholderText)
        accent = palette.color(QPalette.ColorRole.Highlight)
        metrics = self.fontMetrics()
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(8, 4, -8, -4)
        painter.setPen(text)
        heading = self.title + (f" — goal {format_value(self.goal, self.unit)} (dashed)" if self.goal else "")
        painter.drawText(QRectF(area.left(), area.top(), area.width(), line), Qt.AlignmentFlag.AlignLeft, heading)
        area.setTop(area.top() + line + 6)
        values = [p.value for p in self.points if p.value is not None]
        if not values:
            painter.setPen(quiet)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No data for these months")
            painter.end()
            return
        plot = area.adjusted(metrics.averageCharWidth() * 2, line + 2, -metrics.averageCharWidth() * 2, -(line + 6))
        scale_values = values + ([self.goal] if self.goal is not None else [])
        low = min(Decimal(0), min(scale_values))
        high = max(scale_values)
        span = high - low or Decimal(1)

        def y_of(v: Decimal) -> float:
            return plot.bottom() - float((v - low) / span) * plot.height()

        slot = plot.width() / max(len(self.points), 1)
        painter.setPen(quiet)
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        if self.goal is not None:
            dashed = QPen(quiet)
            dashed.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(dashed)
            gy = y_of(self.goal)
            painter.drawLine(QPointF(plot.left(), gy), QPointF(plot.right(), gy))
        path = QPainterPath()
        drawing = False
        dots: list[tuple[QPointF, Decimal]] = []
        for n, p in enumerate(self.points):
            x = plot.left() + slot * (n + 0.5)
            painter.setPen(text)
            painter.drawText(QRectF(x - slot / 2, plot.bottom() + 4, slot, line), Qt.AlignmentFlag.AlignCenter, p.label)
            if p.value is None:
                drawing = False
                continue
            point = QPointF(x, y_of(p.value))
            if drawing:
                path.lineTo(point)
            else:
                path.moveTo(point)
                drawing = True
            dots.append((point, p.value))
        pen = QPen(accent)
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(accent)
        for point, value in dots:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(point, 3.5, 3.5)
            painter.setPen(text)
            painter.drawText(
                QRectF(point.x() - slot / 2, point.y() - line - 4, slot, line),
                Qt.AlignmentFlag.AlignCenter,
                format_value(value, self.unit),
            )
        painter.end()
