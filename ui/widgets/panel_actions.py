"""A panel's actions declared once as data: the toolbar, the keys and Help > Keyboard shortcuts all read the
same `ActionSpec`s, and every panel builds its actions and toolbars the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QToolButton, QWidget


@dataclass(frozen=True)
class ActionSpec:
    text: str
    keys: tuple[str, ...]
    does: str


def make_action(owner: QWidget, key: str, spec: ActionSpec, slot: Callable[[], None]) -> QAction:
    """An action on `owner` with its keys (active while focus is in the panel: a line edit takes its typed
    characters first, so plain letters act only outside text fields) and a tooltip naming them."""
    action = QAction(spec.text, owner)
    action.setObjectName(f"{key}_action")
    action.setShortcuts([QKeySequence(k) for k in spec.keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip(f"{spec.does} ({', '.join(spec.keys)})" if spec.keys else spec.does)
    action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
    return action


def text_toolbar(name: str, *groups: Sequence[QAction]) -> QToolBar:
    """A fixed toolbar of text buttons, a separator between groups. Its buttons take no focus: Tab moves
    between the panel's lists and fields, and the keys reach the actions."""
    bar = QToolBar(name)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    bar.setFloatable(False)
    bar.setMovable(False)
    for group in groups:
        if not group:
            continue
        if bar.actions():
            bar.addSeparator()
        for action in group:
            bar.addAction(action)
    for button in bar.findChildren(QToolButton):
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return bar


def shortcut_rows(panel: str, actions: Mapping[str, ActionSpec]) -> Iterable[tuple[str, str]]:
    """Help > Keyboard shortcuts rows for the actions that have keys: ('S or F5', 'Claims: scrub ...')."""
    return ((" or ".join(a.keys), f"{panel}: {a.does[0].lower()}{a.does[1:]}") for a in actions.values() if a.keys)
