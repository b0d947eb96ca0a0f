"""One claim's scrub findings as a two-level tree: Errors, Warnings and Overridden, each finding under its heading."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.domain.claim_list import FINDING_GROUPS, finding_group, fix_target
from app.services.scrubber import FindingRow
from ui.icons import dot_icon
from ui.models.paged_model import palette_is_dark

AnyIndex = QModelIndex | QPersistentModelIndex

# (light palette, dark palette) for the dot beside each heading; the heading's words say what it is.
GROUP_COLOURS: dict[str, tuple[str, str]] = {
    "error": ("#b91c1c", "#f87171"),
    "warning": ("#a16207", "#facc15"),
    "overridden": ("#6b7280", "#9ca3af"),
}
_HEADING = 0  # internalId of a heading; a finding's internalId is its heading's row + 1


class FindingColumn(IntEnum):
    FINDING = 0
    FIX_IN = 1
    CARC = 2


HEADERS = {FindingColumn.FINDING: "Finding", FindingColumn.FIX_IN: "Fix in", FindingColumn.CARC: "Prevents"}


class FindingsTreeModel(QAbstractItemModel):
    """Fed with `set_rows(findings)`; headings with nothing under them are left out."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups: list[tuple[str, list[FindingRow]]] = []

    def set_rows(self, findings: Sequence[FindingRow]) -> None:
        grouped: dict[str, list[FindingRow]] = {key: [] for key in FINDING_GROUPS}
        for f in findings:
            grouped[finding_group(f.severity, f.overridden_by is not None)].append(f)
        self.beginResetModel()
        self._groups = [(key, rows) for key, rows in grouped.items() if rows]
        self.endResetModel()

    def group_keys(self) -> list[str]:
        return [key for key, _rows in self._groups]

    def findings(self) -> list[FindingRow]:
        return [f for _key, rows in self._groups for f in rows]

    def finding_at(self, index: AnyIndex) -> FindingRow | None:
        if not index.isValid() or index.internalId() == _HEADING:
            return None
        rows = self._groups[index.internalId() - 1][1]
        return rows[index.row()] if 0 <= index.row() < len(rows) else None

    def index_of(self, finding_id: int) -> QModelIndex:
        for g, (_key, rows) in enumerate(self._groups):
            for r, f in enumerate(rows):
                if f.id == finding_id:
                    return self.createIndex(r, 0, g + 1)
        return QModelIndex()

    def first_finding(self) -> QModelIndex:
        return self.createIndex(0, 0, 1) if self._groups else QModelIndex()

    # ------------------------------------------------------------------ Qt model API

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column < len(FindingColumn):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _HEADING) if 0 <= row < len(self._groups) else QModelIndex()
        if parent.internalId() != _HEADING or parent.column() != 0:
            return QModelIndex()
        rows = self._groups[parent.row()][1]
        return self.createIndex(row, column, parent.row() + 1) if 0 <= row < len(rows) else QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _HEADING:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _HEADING)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _HEADING and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(FindingColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 3:
            return HEADERS[FindingColumn(section)]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == _HEADING:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.internalId() == _HEADING:
            return self._heading(index, role)
        finding = self.finding_at(index)
        if finding is None:
            return None
        column = FindingColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(finding, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is FindingColumn.FINDING:
            return "\n".join(t for t in (finding.message, finding.fix_hint) if t)
        if role == Qt.ItemDataRole.UserRole:
            return finding.id
        return None

    def _heading(self, index: AnyIndex, role: int) -> object:
        if not 0 <= index.row() < len(self._groups):
            return None
        key, rows = self._groups[index.row()]
        if index.column() != 0:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{FINDING_GROUPS[key]} ({len(rows)})"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole:
            return dot_icon(GROUP_COLOURS[key][1 if palette_is_dark() else 0])
        return None


def _display(finding: FindingRow, column: FindingColumn) -> str:
    if column is FindingColumn.FINDING:
        return finding.message
    if column is FindingColumn.FIX_IN:
        target = fix_target(finding.field)
        return target.words if target else ""
    return f"CARC {finding.carc}" if finding.carc else ""
