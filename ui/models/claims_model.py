"""The Claims list as a lazily paged table model, and the colours that go beside each claim status."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.domain.claim_list import CLAIM_HEADERS, ClaimColumn, ClaimFilter, ClaimRow, ClaimSort
from app.domain.money import format_money
from ui.models.paged_model import DEFAULT_PAGE_SIZE, PagedTableModel, format_date

PageFetcher = Callable[[ClaimFilter, ClaimSort, int, int], list[ClaimRow]]
AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[ClaimColumn, ...] = tuple(ClaimColumn)

# (light palette, dark palette): the dot beside the status text; the text itself always says the status.
CLAIM_STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "draft": ("#6b7280", "#9ca3af"),
    "needs_attention": ("#c2410c", "#fb923c"),
    "ready": ("#15803d", "#86efac"),
    "submitted": ("#1f6fb2", "#6cb4f0"),
    "accepted": ("#0e7490", "#67e8f9"),
    "rejected": ("#b91c1c", "#f87171"),
    "paid": ("#15803d", "#86efac"),
    "partially_paid": ("#a16207", "#facc15"),
    "denied": ("#b91c1c", "#f87171"),
    "closed": ("#6b7280", "#9ca3af"),
    "void": ("#6b7280", "#9ca3af"),
}
# The error count is drawn in the error colour so a glance finds the claims that cannot go out.
ERROR_COLOURS = ("#b91c1c", "#f87171")


class ClaimsTableModel(PagedTableModel[ClaimRow, ClaimFilter, ClaimSort]):
    """Rows of the Claims list for one filter and sort; see `PagedTableModel` for loading and paging."""

    columns = COLUMNS
    headers = CLAIM_HEADERS
    right_aligned = frozenset({ClaimColumn.CHARGES, ClaimColumn.ERRORS, ClaimColumn.WARNINGS})
    descending_first = frozenset(
        {ClaimColumn.DATE_OF_SERVICE, ClaimColumn.CHARGES, ClaimColumn.ERRORS, ClaimColumn.WARNINGS}
    )
    status_column = ClaimColumn.STATUS
    status_colours = CLAIM_STATUS_COLOURS

    def __init__(
        self, fetch_page: PageFetcher | None = None, page_size: int = DEFAULT_PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(fetch_page, ClaimFilter(), ClaimSort(), page_size, parent)

    def row_id(self, row: ClaimRow) -> int:
        return row.id

    def sort_for(self, column: ClaimColumn, descending: bool) -> ClaimSort:
        return ClaimSort(column, descending=descending)

    def status_of(self, row: ClaimRow) -> tuple[str, str]:
        return row.status, row.status_label

    def display(self, row: ClaimRow, column: ClaimColumn) -> str:
        if column is ClaimColumn.CLAIM:
            return row.claim_number if row.frequency_code == "1" else f"{row.claim_number} · {row.frequency_label}"
        if column is ClaimColumn.PATIENT:
            return row.patient_name
        if column is ClaimColumn.ACCOUNT:
            return row.account_number
        if column is ClaimColumn.DATE_OF_SERVICE:
            return format_date(row.date_of_service)
        if column is ClaimColumn.PROVIDER:
            return row.provider_name
        if column is ClaimColumn.PAYER:
            return row.payer_name if row.payer_sequence == 1 else f"{row.payer_name} · {row.sequence_label}"
        if column is ClaimColumn.STATUS:
            return row.status_label
        if column is ClaimColumn.METHOD:
            return row.method_label
        if column is ClaimColumn.CHARGES:
            return format_money(row.charge_cents)
        if column is ClaimColumn.ERRORS:
            return str(row.errors) if row.errors else ""
        return str(row.warnings) if row.warnings else ""

    def tooltip(self, row: ClaimRow, column: ClaimColumn) -> str | None:
        if column is ClaimColumn.ERRORS and row.errors:
            return f"{row.errors} scrub error(s) to fix or override before this claim can go out"
        if column is ClaimColumn.WARNINGS and row.warnings:
            return f"{row.warnings} scrub warning(s): worth a look, they do not block sending"
        return (
            f"{row.frequency_label} claim to {row.payer_name} ({row.sequence_label.lower()} payer), "
            f"{row.method_label.lower()}: {row.status_label.lower()}"
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and 0 <= index.column() < len(COLUMNS):
            column = COLUMNS[index.column()]
            if role == Qt.ItemDataRole.ForegroundRole and column is ClaimColumn.ERRORS and row.errors:
                return QBrush(QColor(ERROR_COLOURS[1 if self._dark else 0]))
            if role == Qt.ItemDataRole.AccessibleTextRole and column in (ClaimColumn.ERRORS, ClaimColumn.WARNINGS):
                count = row.errors if column is ClaimColumn.ERRORS else row.warnings
                return f"{count} {CLAIM_HEADERS[column].lower()}"
        return super().data(index, role)
