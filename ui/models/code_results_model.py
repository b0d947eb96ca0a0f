"""Item models for code look-ups: a table of search hits and a lazily loaded ICD-10-CM tree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.domain.codes import SearchHit
from ui.icons import dot_icon
from ui.jobs import Job, run_quiet
from ui.models.worklist_model import palette_is_dark

AnyIndex = QModelIndex | QPersistentModelIndex

SYSTEM_LABELS: dict[str, str] = {"icd10cm": "ICD-10-CM", "hcpcs": "HCPCS", "cpt": "CPT"}

BILLABLE_TEXT = "Billable"
HEADER_TEXT = "Header — pick a child"
# (light palette, dark palette): the dot beside the billable text; the text always says it too.
BILLABLE_COLOURS = ("#15803d", "#86efac")
HEADER_COLOURS = ("#b45309", "#fbbf24")

HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # the SearchHit of a row


def billable_text(billable: bool) -> str:
    return BILLABLE_TEXT if billable else HEADER_TEXT


def billable_icon(billable: bool) -> object:
    colours = BILLABLE_COLOURS if billable else HEADER_COLOURS
    return dot_icon(colours[1 if palette_is_dark() else 0])


class HitColumn(Enum):
    CODE = "Code"
    DESCRIPTION = "Description"
    BILLABLE = "Billable?"
    WHY = "Matched on"


class CodeResultsTableModel(QAbstractTableModel):
    """Search hits in the order the service ranked them. `columns` picks which columns show."""

    def __init__(self, parent: QObject | None = None, columns: Sequence[HitColumn] = tuple(HitColumn)) -> None:
        super().__init__(parent)
        self.columns: tuple[HitColumn, ...] = tuple(columns)
        self._rows: list[SearchHit] = []

    def set_rows(self, rows: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def hit_at(self, row: int) -> SearchHit | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @property
    def hits(self) -> list[SearchHit]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.columns):
                return self.columns[section].value
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        hit = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column is HitColumn.CODE:
                return hit.code
            if column is HitColumn.DESCRIPTION:
                return hit.description
            if column is HitColumn.BILLABLE:
                return billable_text(hit.billable)
            return hit.why
        if role == HIT_ROLE:
            return hit
        if role == Qt.ItemDataRole.DecorationRole and column is HitColumn.BILLABLE:
            return billable_icon(hit.billable)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is HitColumn.DESCRIPTION:
                return hit.description
            if column is HitColumn.WHY and hit.why:
                return f"Matched on {hit.why}"
            if column is HitColumn.CODE:
                return f"{SYSTEM_LABELS.get(hit.system, hit.system)} {hit.code}"
            if column is HitColumn.BILLABLE:
                return billable_text(hit.billable)
        if role == Qt.ItemDataRole.AccessibleTextRole and column is HitColumn.CODE:
            return f"{hit.code}, {hit.description}, {billable_text(hit.billable)}"
        return None


# ---------------------------------------------------------------------- ICD-10-CM tree


class NodeKind(Enum):
    ROOT = "root"
    CHAPTER = "chapter"
    SECTION = "section"
    CODE = "code"


@dataclass
class TreeNode:
    kind: NodeKind
    key: str  # chapter number as text, section id ('E08-E13') or code as displayed ('E11.9')
    label: str  # what the first column shows
    description: str
    billable: bool = False
    parent: TreeNode | None = None
    children: list[TreeNode] = field(default_factory=list)
    loaded: bool = False
    failed: bool = False

    @property
    def leaf(self) -> bool:
        return self.kind is NodeKind.CODE and self.billable

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else 0


class CodeTreeSource:
    """What the tree asks of the code-set service; each call returns the children of one node."""

    def __init__(self, codesets: object) -> None:
        self.codesets = codesets

    def load(self, kind: NodeKind, key: str) -> list[TreeNode]:
        svc = self.codesets
        if kind is NodeKind.ROOT:
            return [
                TreeNode(NodeKind.CHAPTER, str(number), f"Chapter {number}", f"{title} ({span})")
                for number, title, span in svc.chapters()  # type: ignore[attr-defined]
            ]
        if kind is NodeKind.CHAPTER:
            return [TreeNode(NodeKind.SECTION, sid, sid, title) for sid, title in svc.sections(int(key))]  # type: ignore[attr-defined]
        if kind is NodeKind.SECTION:
            rows = svc.categories(key)  # type: ignore[attr-defined]
        else:
            rows = svc.children(key)  # type: ignore[attr-defined]
        return [TreeNode(NodeKind.CODE, code, code, desc, billable=bool(b)) for code, desc, b in rows]


class CodeTreeModel(QAbstractItemModel):
    """Chapter → section → category → codes. Children load on a worker when a node is expanded.

    `hasChildren()` says yes for any node not known to be a leaf; `canFetchMore()`/`fetchMore()`
    load a node's children once, off the UI thread, and insert them when they arrive.
    """

    COLUMN_HEADERS = ("Code", "Description")
    loading_changed = Signal(bool)
    load_failed = Signal(object)

    def __init__(self, load: Callable[[NodeKind, str], list[TreeNode]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._load = load
        self._root = TreeNode(NodeKind.ROOT, "", "", "")
        self._jobs: dict[int, Job[list[TreeNode]]] = {}

    @property
    def loading(self) -> bool:
        return bool(self._jobs)

    def node(self, index: AnyIndex) -> TreeNode:
        if index.isValid():
            node = index.internalPointer()
            if isinstance(node, TreeNode):
                return node
        return self._root

    def reset(self) -> None:
        for job in self._jobs.values():
            job.cancel()
        self._jobs.clear()
        self.beginResetModel()
        self._root = TreeNode(NodeKind.ROOT, "", "", "")
        self.endResetModel()
        self.loading_changed.emit(False)

    def index_of(self, node: TreeNode, column: int = 0) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row(), column, node)

    # ------------------------------------------------------------------ Qt model API

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        node = self.node(parent)
        if not (0 <= row < len(node.children)) or not (0 <= column < len(self.COLUMN_HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self.node(index)
        up = node.parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row(), 0, up)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMN_HEADERS)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.node(parent)
        if node.children:
            return True
        return not node.leaf and not node.loaded

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.node(parent)
        return not node.leaf and not node.loaded and not node.failed and id(node) not in self._jobs

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        node = self.node(parent)
        load, kind, key = self._load, node.kind, node.key
        self._jobs[id(node)] = run_quiet(
            self,
            lambda _ctx: load(kind, key),
            lambda children, n=node: self._insert(n, children),
            lambda exc, n=node: self._on_failed(n, exc),
        )
        self.loading_changed.emit(True)

    def _insert(self, node: TreeNode, children: list[TreeNode]) -> None:
        self._jobs.pop(id(node), None)
        if not self._attached(node):
            return  # the tree was reset meanwhile
        node.loaded = True
        parent = self.index_of(node)
        if children:
            self.beginInsertRows(parent, 0, len(children) - 1)
            for child in children:
                child.parent = node
            node.children = list(children)
            self.endInsertRows()
        else:
            # hasChildren() said yes until now: let views redraw the node without an expander.
            self.layoutAboutToBeChanged.emit()
            self.layoutChanged.emit()
        if not self._jobs:
            self.loading_changed.emit(False)

    def _on_failed(self, node: TreeNode, exc: BaseException) -> None:
        self._jobs.pop(id(node), None)
        node.failed = True
        if not self._jobs:
            self.loading_changed.emit(False)
        self.load_failed.emit(exc)

    def _attached(self, node: TreeNode) -> bool:
        while node.parent is not None:
            node = node.parent
        return node is self._root

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.COLUMN_HEADERS):
                return self.COLUMN_HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.node(index).leaf:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label if index.column() == 0 else node.description
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            if node.kind is NodeKind.CODE:
                return f"{node.description}\n{billable_text(node.billable)}"
            return node.description
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 and node.kind is NodeKind.CODE:
            return billable_icon(node.billable)
        if role == Qt.ItemDataRole.AccessibleTextRole and index.column() == 0:
            if node.kind is NodeKind.CODE:
                return f"{node.label}, {node.description}, {billable_text(node.billable)}"
            return f"{node.label}, {node.description}"
        return None
