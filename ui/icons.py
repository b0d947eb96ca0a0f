"""Line icons from resources/icons, drawn in the palette's text colour so they suit light and dark."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.paths import resource

_SIZES = (16, 24, 32, 48)


def icon(name: str) -> QIcon:
    """`resources/icons/<name>.svg` with `currentColor` set to the current palette's text colour."""
    colour = QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()
    return _icon(name, colour)


@lru_cache(maxsize=64)
def _icon(name: str, colour: str) -> QIcon:
    path = resource("icons", f"{name}.svg")
    try:
        svg = path.read_text(encoding="utf-8")
    except OSError:
        return QIcon()
    renderer = QSvgRenderer(QByteArray(svg.replace("currentColor", colour).encode("utf-8")))
    result = QIcon()
    for size in _SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(pixmap)
    return result


@lru_cache(maxsize=32)
def dot_icon(colour: str, size: int = 12) -> QIcon:
    """A filled circle: a status marker that always sits next to the status text, never alone."""
    result = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        inset = 2 * scale
        painter.drawEllipse(QRectF(inset, inset, size * scale - 2 * inset, size * scale - 2 * inset))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        result.addPixmap(pixmap)
    return result
