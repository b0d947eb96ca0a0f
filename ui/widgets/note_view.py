"""The provider's note, read-only, with the evidence behind a suggestion highlighted in place."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QWidget


class NoteView(QTextEdit):
    """Shows plain note text in the reading font; `highlight(spans)` marks (start, end) character spans."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setAccessibleName("Provider's note")
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        font = self.font()
        font.setStyleHint(QFont.StyleHint.SansSerif)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.setFont(font)
        self.document().setDocumentMargin(10)
        self.spans: list[tuple[int, int]] = []

    def set_note(self, text: str) -> None:
        self.spans = []
        self.setExtraSelections([])
        self.setPlainText(text or "")
        if not text:
            self.setPlaceholderText("There is no note for this encounter.")

    def highlight(self, spans: Iterable[tuple[int, int]]) -> None:
        """Mark each span (character offsets into the note) and scroll the first into view."""
        length = len(self.toPlainText())
        self.spans = sorted((max(0, s), min(e, length)) for s, e in spans if e > s and s < length)
        fmt = QTextCharFormat()
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        fmt.setBackground(QColor("#7a5c00" if dark else "#ffe58a"))
        fmt.setForeground(self.palette().color(QPalette.ColorRole.Text))
        selections = []
        for start, end in self.spans:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor  # type: ignore[attr-defined]
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self.setExtraSelections(selections)
        if self.spans:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.spans[0][0])
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
