"""Labels that carry a notice: a warning banner on a soft background, and a problem line in the error colour.
The words always say what is wrong; the colour only draws the eye, in the light or the dark palette."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from ui.models.paged_model import palette_is_dark

# (light palette, dark palette)
WARNING_BACKGROUND = ("#fff4d6", "#4a3b12")
ERROR_TEXT = ("#b91c1c", "#f87171")


class NoticeLabel(QLabel):
    """A wrapped label that shows as a warning banner while `warning` is on, and as plain text otherwise."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.warning = False

    def set_notice(self, text: str, *, warning: bool) -> None:
        self.warning = warning
        self.setText(text)
        self.setMargin(6 if warning else 0)
        self.setFrameShape(QFrame.Shape.StyledPanel if warning else QFrame.Shape.NoFrame)
        self.setAutoFillBackground(warning)
        self._paint()

    def _paint(self) -> None:
        palette = QPalette()  # the application's, so a plain notice looks like any other label
        if self.warning:
            palette.setColor(QPalette.ColorRole.Window, QColor(WARNING_BACKGROUND[1 if palette_is_dark() else 0]))
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._paint()


def problem_label(object_name: str) -> QLabel:
    """A hidden line for a problem in words, drawn in the error colour, shown where the problem is."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_TEXT[1 if palette_is_dark() else 0]))
    label.setPalette(palette)
    label.hide()
    return label
