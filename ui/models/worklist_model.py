"""The Encounters worklist as a lazily paged table model: holds a filter, a sort, a total and the rows loaded so far."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.domain.money import format_money
from app.domain.worklist import (
    WORKLIST_HEADERS,
    WorklistColumn,
    WorklistFilter,
    WorklistRow,
    WorklistSort,
)
from ui.models.paged_model import DEFAULT_PAGE_SIZE, PagedTableModel, format_date, palette_is_dark

__all__ = ["COLUMNS", "DEFAULT_PAGE_SIZE", "STATUS_COLOURS", "WorklistTableModel", "format_date", "palette_is_dark"]

PageFetcher = Callable[[WorklistFilter, WorklistSort, int, int], list[WorklistRow]]

COLUMNS: tuple[WorklistColumn, ...] = tuple(WorklistColumn)

# (light palette, dark palette): the dot beside the status text; the text itself always says the status.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "new": ("#1f6fb2", "#6cb4f0"),
    "in_coding": ("#7a4fb5", "#b99cf0"),
    "on_hold": ("#c2410c", "#fb923c"),
    "coded": ("#0e7490", "#67e8f9"),
    "ready_to_bill": ("#15803d", "#86efac"),
    "billed": ("#6b7280", "#9ca3af"),
}


class WorklistTableModel(PagedTableModel[WorklistRow, WorklistFilter, WorklistSort]):
    """Rows of the worklist for one filter and sort; see `PagedTableModel` for loading and paging."""

    columns = COLUMNS
    headers = WORKLIST_HEADERS
    right_aligned = frozenset({WorklistColumn.CHARGES})
    descending_first = frozenset({WorklistColumn.DATE_OF_SERVICE, WorklistColumn.CHARGES})
    status_column = WorklistColumn.STATUS
    status_colours = STATUS_COLOURS

    def __init__(
        self,
        fetch_page: PageFetcher | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(fetch_page, WorklistFilter(), WorklistSort(), page_size, parent)

    def row_id(self, row: WorklistRow) -> int:
        return row.encounter_id

    def sort_for(self, column: WorklistColumn, descending: bool) -> WorklistSort:
        return WorklistSort(column, descending=descending)

    def status_of(self, row: WorklistRow) -> tuple[str, str]:
        return row.status, row.status_label

    def tooltip(self, row: WorklistRow, column: WorklistColumn) -> str | None:
        if row.status == "on_hold":
            reason = row.hold_reason or "On hold"
            return f"On hold: {reason}\nQuery: {row.query_text}" if row.query_text else f"On hold: {reason}"
        return None

    def display(self, row: WorklistRow, column: WorklistColumn) -> str:
        if column is WorklistColumn.PATIENT:
            return row.patient_name
        if column is WorklistColumn.ACCOUNT:
            return row.account_number
        if column is WorklistColumn.DATE_OF_SERVICE:
            return format_date(row.date_of_service)
        if column is WorklistColumn.PROVIDER:
            return row.provider_name
        if column is WorklistColumn.PAYER:
            return row.payer_name
        if column is WorklistColumn.STATUS:
            return row.status_label
        return format_money(row.charge_cents)
