"""A form built from field specs: one editor per field, its problem written in words right under it.

The specs (label, kind, rule) come from the core, so the form reads and checks values exactly as the
service and the command line do. A field can be brought to the user's attention with `focus_field`:
it gets the keyboard focus and a visible frame until it is edited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import FieldPath, FieldProblem, FieldSpec, Kind
from ui.models.worklist_model import palette_is_dark

Choices = Sequence[tuple[Any, str]]
NO_CHOICE = "Choose…"
HIGHLIGHT_STYLE = "border: 2px solid palette(highlight); border-radius: 3px; padding: 1px;"


class FieldForm(QWidget):
    """Editors for `specs`, named `<prefix>.<field>` (e.g. 'coverage.1.member_id').

    `set_values()` fills it from a detail and remembers those values; `changes()` is what differs
    from them, read and checked by the specs. `edited(name)` fires on every change the user makes."""

    edited = Signal(str)

    def __init__(
        self,
        specs: Sequence[FieldSpec],
        prefix: str,
        choices: Mapping[str, Choices] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.specs = {s.name: s for s in specs}
        self._editors: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self._errors: dict[str, QLabel] = {}
        self._baseline: dict[str, Any] = {}
        self._baseline_raw: dict[str, Any] = {}
        # A form for a record not yet saved checks every field; one for a saved record checks only
        # what was typed, so a stored value the rules no longer like does not block other fixes.
        self.check_all = False
        self._highlighted: str | None = None
        self._layout = QFormLayout(self)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for spec in specs:
            editor = self._make_editor(spec, (choices or {}).get(spec.name))
            editor.setObjectName(f"{prefix}.{spec.name}")
            editor.setAccessibleName(spec.label)
            self._editors[spec.name] = editor
            label = QLabel(spec.label + ("" if spec.required or spec.kind is Kind.FLAG else " (optional)"))
            label.setBuddy(editor)
            self._labels[spec.name] = label
            error = QLabel()
            error.setObjectName(f"{prefix}.{spec.name}.problem")
            error.setWordWrap(True)
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.setStyleSheet(f"color: {'#fca5a5' if palette_is_dark() else '#b91c1c'};")
            error.hide()
            self._errors[spec.name] = error
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(editor)
            box.addWidget(error)
            self._layout.addRow(label, cell)

    # ------------------------------------------------------------------ building

    def _make_editor(self, spec: FieldSpec, choices: Choices | None) -> QWidget:
        name = spec.name
        if spec.kind is Kind.FLAG:
            box = QCheckBox()
            box.toggled.connect(lambda _on, n=name: self._on_edited(n))
            return box
        if spec.kind is Kind.CHOICE:
            combo = QComboBox()
            options = list(choices if choices is not None else spec.choices)
            if spec.dynamic_choices or not spec.required:
                combo.addItem(NO_CHOICE, None)
            for value, label in options:
                combo.addItem(label, value)
            combo.activated.connect(lambda _i, n=name: self._on_combo(n))
            return combo
        edit = QLineEdit()
        if spec.placeholder:
            edit.setPlaceholderText(spec.placeholder)
        if spec.max_length is not None and spec.clean is None:
            # Fields cleaned on reading (ZIP+4 with a dash, a phone with brackets) may be typed longer.
            edit.setMaxLength(spec.max_length)
        edit.textEdited.connect(lambda _t, n=name: self._on_text_edited(n))
        edit.editingFinished.connect(lambda n=name: self._on_editing_finished(n))
        return edit

    # ------------------------------------------------------------------ values

    def names(self) -> list[str]:
        return list(self.specs)

    def path(self, name: str) -> FieldPath:
        """Where a field of this form lives, e.g. coverage.1.member_id."""
        entity, _, key = self.prefix.partition(".")
        return FieldPath(entity, name, key or None)

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def label(self, name: str) -> QLabel:
        return self._labels[name]

    def error_label(self, name: str) -> QLabel:
        return self._errors[name]

    def set_values(self, values: Mapping[str, Any] | object) -> None:
        """Show a detail's values (a mapping, or an object with the fields as attributes) and
        remember them as the ones `changes()` compares with."""
        for name in self.specs:
            value = values.get(name) if isinstance(values, Mapping) else getattr(values, name, None)
            self._baseline[name] = value
            self.set_value(name, value)
            self._baseline_raw[name] = self.raw(name)
        self.clear_problems()

    def set_value(self, name: str, value: Any) -> None:
        """Show a typed value in a field, without counting as the user's edit."""
        spec, editor = self.specs[name], self._editors[name]
        if isinstance(editor, QCheckBox):
            editor.blockSignals(True)
            editor.setChecked(bool(value))
            editor.blockSignals(False)
        elif isinstance(editor, QComboBox):
            index = editor.findData(value)
            if index < 0 and value is not None:
                # A stored value the list does not have: show it as it is, so it is fixed, not hidden.
                editor.addItem(f"{value} (not in the list)", value)
                index = editor.count() - 1
            editor.setCurrentIndex(max(index, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(spec.format(value))

    def raw(self, name: str) -> Any:
        """What the field holds as typed: text, a combo's value, or a check box's state."""
        editor = self._editors[name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def set_raw(self, name: str, raw: Any) -> None:
        editor = self._editors[name]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(raw))
        elif isinstance(editor, QComboBox):
            index = editor.findData(raw)
            editor.setCurrentIndex(index if index >= 0 else 0)
        elif isinstance(editor, QLineEdit):
            editor.setText("" if raw is None else str(raw))

    def read(self, name: str) -> Any:
        """The field's value as the service takes it; raises FieldProblem."""
        return self.specs[name].read(self.raw(name))

    def values(self) -> dict[str, Any]:
        """Every enabled field's value (fields with a problem are left out)."""
        out = {}
        for name in self.specs:
            if not self._editors[name].isEnabled():
                continue
            try:
                out[name] = self.read(name)
            except FieldProblem:
                continue
        return out

    def changes(self) -> dict[str, Any]:
        """Enabled fields whose value differs from the one `set_values()` showed."""
        return {name: value for name, value in self.values().items() if value != self._baseline.get(name)}

    def set_field_enabled(self, name: str, enabled: bool) -> None:
        self._editors[name].setEnabled(enabled)
        if not enabled:
            self.clear_problem(name)

    # ------------------------------------------------------------------ problems

    def validate(self, name: str) -> bool:
        """Check one field now and show or clear its problem."""
        if not self._editors[name].isEnabled():
            self.clear_problem(name)
            return True
        try:
            self.read(name)
        except FieldProblem as exc:
            self.show_problem(name, str(exc))
            return False
        self.clear_problem(name)
        return True

    def is_edited(self, name: str) -> bool:
        """The field holds something other than what `set_values()` showed."""
        return self.raw(name) != self._baseline_raw.get(name)

    def validate_all(self) -> list[str]:
        """Check the fields (every one with `check_all`, else those edited); the names of those
        with a problem, in form order."""
        return [name for name in self.specs if (self.check_all or self.is_edited(name)) and not self.validate(name)]

    def show_problem(self, name: str, message: str) -> None:
        text = message[:1].upper() + message[1:]
        error = self._errors[name]
        error.setText(f"⚠ {text}")
        error.show()
        self._editors[name].setAccessibleDescription(f"Problem: {text}")

    def clear_problem(self, name: str) -> None:
        self._errors[name].clear()
        self._errors[name].hide()
        self._editors[name].setAccessibleDescription("")

    def clear_problems(self) -> None:
        for name in self.specs:
            self.clear_problem(name)

    def problem(self, name: str) -> str:
        return self._errors[name].text() if not self._errors[name].isHidden() else ""

    def has_problems(self) -> bool:
        return any(not e.isHidden() for e in self._errors.values())

    # ------------------------------------------------------------------ drawing attention

    def focus_field(self, name: str, highlight: bool = True) -> bool:
        """Give the field the keyboard focus and (optionally) a frame that stays until it is edited."""
        editor = self._editors.get(name)
        if editor is None:
            return False
        if highlight:
            self.clear_highlight()
            self._highlighted = name
            editor.setProperty("highlighted", True)
            editor.setStyleSheet(HIGHLIGHT_STYLE)
            font = QFont(self._labels[name].font())
            font.setBold(True)
            self._labels[name].setFont(font)
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(editor, QLineEdit):
            editor.selectAll()
        return True

    def highlighted(self) -> str | None:
        return self._highlighted

    def clear_highlight(self) -> None:
        name, self._highlighted = self._highlighted, None
        if name is None:
            return
        editor = self._editors[name]
        editor.setProperty("highlighted", False)
        editor.setStyleSheet("")
        font = QFont(self._labels[name].font())
        font.setBold(False)
        self._labels[name].setFont(font)

    # ------------------------------------------------------------------ reacting to the user

    def _on_edited(self, name: str) -> None:
        if self._highlighted == name:
            self.clear_highlight()
        self.edited.emit(name)

    def _on_text_edited(self, name: str) -> None:
        self._on_edited(name)
        if self.problem(name):
            # Once a problem shows, it goes as soon as the text is right: no need to leave the field.
            self.validate(name)

    def _on_editing_finished(self, name: str) -> None:
        if not self.validate(name):
            return
        spec, editor = self.specs[name], self._editors[name]
        if isinstance(editor, QLineEdit) and (spec.clean or spec.kind in (Kind.DATE, Kind.MONEY)):
            shown = spec.format(self.read(name))
            if shown != editor.text():
                editor.setText(shown)  # 3/4/1950 -> 03/04/1950, 17013-1234 -> 170131234

    def _on_combo(self, name: str) -> None:
        self._on_edited(name)
        self.validate(name)
