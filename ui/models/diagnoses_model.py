"""An encounter's diagnoses as a table (pointer letter, code, description) that can be reordered by drag and drop."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.domain.coding import CodedDiagnosis, pointer_letter

AnyIndex = QModelIndex | QPersistentModelIndex

HEADERS: tuple[str, ...] = ("", "Code", "Description")
MIME_TYPE = "application/x-claimdesk-diagnosis-row"


class DiagnosesTableModel(QAbstractTableModel):
    """Rows are the coding's diagnoses in claim order. A drop does not move rows itself: it emits
    `move_requested(from, to)` and the owner applies the move to the coding (so it is undoable and
    the lines' pointers follow), then hands the new order back with `set_rows()`."""

    move_requested = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CodedDiagnosis] = []

    def set_rows(self, rows: Sequence[CodedDiagnosis]) -> None:
        rows = list(rows)
        if len(rows) == len(self._rows):
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    @property
    def diagnoses(self) -> list[CodedDiagnosis]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        diagnosis = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (pointer_letter(index.row() + 1), diagnosis.code, diagnosis.description)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return diagnosis.description
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{pointer_letter(index.row() + 1)}: {diagnosis.code} {diagnosis.description}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == 0:
            return "Pointer letter: the service lines point at diagnoses by these letters"
        return None

    # ------------------------------------------------------------------ drag and drop

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            mime.setData(MIME_TYPE, QByteArray(str(rows[0]).encode("ascii")))
        return mime

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex) -> bool:
        return data is not None and data.hasFormat(MIME_TYPE) and action == Qt.DropAction.MoveAction

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            source = int(bytes(data.data(MIME_TYPE).data()).decode("ascii"))
        except ValueError:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._rows)
        target = row - 1 if row > source else row  # the row is a gap before which to insert
        target = max(0, min(target, len(self._rows) - 1))
        if 0 <= source < len(self._rows) and target != source:
            self.move_requested.emit(source, target)
        # False: the view must not remove the source row; the owner re-sets the rows.
        return False
