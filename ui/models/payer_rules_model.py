"""The practice's payer rules as a table: each one switched on or off in its first column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from app.domain.payer_rules import KIND_LABELS
from app.services.scrubber import PayerRuleRow

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("On", "Payer", "Name", "Severity", "Checks")


class PayerRulesTableModel(QAbstractTableModel):
    """Fed with `set_rows(rules)`. Ticking a rule emits `active_toggled(rule_id, on)` for the owner to save."""

    active_toggled = Signal(int, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PayerRuleRow] = []

    def set_rows(self, rows: Sequence[PayerRuleRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> PayerRuleRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        rule = self.row_at(index.row()) if index.isValid() else None
        if rule is None or not 0 <= index.column() < len(HEADERS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if rule.active else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return "On" if rule.active else "Off"
        if role == Qt.ItemDataRole.DisplayRole:
            return ("", rule.payer_name, rule.name, rule.rule.severity.capitalize(), _checks(rule))[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            kind = KIND_LABELS.get(rule.rule.kind, rule.rule.kind)
            return f"{rule.payer_name.capitalize()} {kind}" + (f": {rule.rule.message}" if rule.rule.message else "")
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        rule = self.row_at(index.row()) if index.isValid() else None
        if rule is None or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked  # type: ignore[call-overload]
        self._rows[index.row()] = replace(rule, active=on)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.active_toggled.emit(rule.id, on)
        return True


def _checks(rule: PayerRuleRow) -> str:
    described = rule.rule.describe()
    return described[:1].upper() + described[1:]
