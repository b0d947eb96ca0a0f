"""Typing into the record editors as a user does: retype a field, leave it, pick from a combo, press Ctrl+S."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot


def wait_focus(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def retype(qtbot: QtBot, editor: QWidget, text: str) -> None:
    """Select what the field holds and type over it, as a user does."""
    assert isinstance(editor, QLineEdit)
    editor.setFocus()
    editor.selectAll()
    if text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)


def leave(qtbot: QtBot, editor: QWidget) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_Tab)


def choose(qtbot: QtBot, combo: QWidget, value: object) -> None:
    """Pick an entry by keyboard: focus the combo and step to the entry with that value."""
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    target = combo.findData(value)
    assert target >= 0, value
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


def save_by_keyboard(qtbot: QtBot, dialog: QWidget) -> None:
    target = QApplication.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
