"""Providers and payers as tables for the practice editor: columns declared once, rows set with `set_rows()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.domain.practice_setup import (
    CLAIM_FILING_LABELS,
    PayerDetail,
    ProviderDetail,
)

AnyIndex = QModelIndex | QPersistentModelIndex


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=_HasId)
Column = tuple[str, Callable[[Any], str]]

PROVIDER_COLUMNS: tuple[Column, ...] = (
    ("Name", lambda p: p.display_name),
    ("NPI", lambda p: p.npi),
    ("Role", lambda p: p.role.capitalize()),
    ("Active", lambda p: "Yes" if p.active else "No"),
)

PAYER_COLUMNS: tuple[Column, ...] = (
    ("Payer ID", lambda p: p.payer_id),
    ("Name", lambda p: p.name),
    ("Filing", lambda p: CLAIM_FILING_LABELS.get(p.claim_filing_indicator, p.claim_filing_indicator)),
    ("Submission", lambda p: p.submission_method.capitalize()),
    ("Timely filing", lambda p: f"{p.timely_filing_days} days"),
)


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Rows already read by the dialog; a row may carry a note ('edited', 'needs a fix') in the last column."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Row] = []
        self._notes: dict[int, str] = {}

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_note(self, record_id: int, note: str) -> None:
        if self._notes.get(record_id, "") == note:
            return
        self._notes[record_id] = note
        row = self.row_of(record_id)
        if row is not None:
            last = len(self._columns)
            self.dataChanged.emit(self.index(row, last), self.index(row, last))

    def note(self, record_id: int) -> str:
        return self._notes.get(record_id, "")

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns) + 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if index.column() == len(self._columns):
                return self._notes.get(record.id, "")
            if 0 <= index.column() < len(self._columns):
                return self._columns[index.column()][1](record)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if 0 <= section < len(self._columns):
            return self._columns[section][0]
        return "Note" if section == len(self._columns) else None


def provider_model(parent: QObject | None = None) -> RecordTableModel[ProviderDetail]:
    return RecordTableModel(PROVIDER_COLUMNS, parent)


def payer_model(parent: QObject | None = None) -> RecordTableModel[PayerDetail]:
    return RecordTableModel(PAYER_COLUMNS, parent)
