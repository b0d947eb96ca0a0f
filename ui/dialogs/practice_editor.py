"""Correct the practice's setup: the billing provider, the providers and the payers, opened at a field.

`focus` names the field to open at, as the claim scrubber names it: "practice.zip", "practice.npi",
"provider.<provider id>.npi", "payer.<payer record id>.timely_filing_days".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import FieldPath, FieldSpec
from app.domain.practice_setup import (
    PAYER_FIELDS,
    PRACTICE_FIELDS,
    PROVIDER_FIELDS,
    PayerDetail,
    PayerEdit,
    PracticeEdit,
    ProviderDetail,
    ProviderEdit,
)
from app.services.changes import Changes
from app.services.container import Services
from ui.dialogs.record_editor import RecordEditorDialog, scrolling
from ui.models.setup_models import RecordTableModel, payer_model, provider_model
from ui.widgets.field_form import FieldForm

R = TypeVar("R", ProviderDetail, PayerDetail)


class RecordsTab(QWidget, Generic[R]):
    """A table of records above the form of the selected one. Each record gets its own form the
    first time it is selected, so edits to several records wait together for Save."""

    def __init__(self, entity: str, specs: Sequence[FieldSpec], model: RecordTableModel[R], rows: Sequence[R]) -> None:
        super().__init__()
        self.entity = entity
        self.specs = specs
        self.model = model
        self.model.set_rows(rows)
        self.rows = {r.id: r for r in rows}
        self.forms: dict[int, FieldForm] = {}

        self.table = QTableView()
        self.table.setObjectName(f"{entity}_table")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(f"{entity.capitalize()}s")
        self.stack = QStackedWidget()
        empty = QLabel(f"Choose a {entity} in the list to correct it.")
        empty.setEnabled(False)
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(empty)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(splitter)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show_row(current.row()))
        if rows:
            self.select(rows[0].id)

    def form_for(self, record_id: int) -> FieldForm | None:
        if record_id not in self.rows:
            return None
        form = self.forms.get(record_id)
        if form is None:
            form = FieldForm(self.specs, f"{self.entity}.{record_id}")
            form.set_values(self.rows[record_id])
            form.edited.connect(lambda _name, rid=record_id: self._mark(rid))
            self.forms[record_id] = form
            self.stack.addWidget(scrolling(form))
        return form

    def select(self, record_id: int) -> FieldForm | None:
        row = self.model.row_of(record_id)
        if row is None:
            return None
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self._show_row(row)
        return self.forms.get(record_id)

    def _show_row(self, row: int) -> None:
        record = self.model.row_at(row)
        if record is None:
            return
        form = self.form_for(record.id)
        assert form is not None
        page = form.parentWidget()
        while page is not None and page.parentWidget() is not self.stack:
            page = page.parentWidget()
        if page is not None:
            self.stack.setCurrentWidget(page)

    def _mark(self, record_id: int) -> None:
        form = self.forms[record_id]
        self.model.set_note(record_id, "edited" if form.changes() else "")

    def edits(self) -> dict[int, dict[str, Any]]:
        return {rid: changed for rid, form in self.forms.items() if (changed := form.changes())}

    def all_forms(self) -> list[FieldForm]:
        return list(self.forms.values())


class PracticeEditorDialog(RecordEditorDialog):
    def __init__(self, services: Services, focus: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(services, "Practice setup", focus, parent)
        self.setObjectName("practice_editor_dialog")
        setup = services.practice
        self.detail = setup.practice()
        self.header.setText(f"<b>{self.detail.name or 'Practice not set up yet'}</b>")
        self.note.setText("The practice is the billing provider on every claim (CMS-1500 box 33, 837 loop 2010AA).")

        self.practice_form = FieldForm(PRACTICE_FIELDS, "practice")
        self.practice_form.set_values(self.detail)
        self.practice_page = scrolling(self.practice_form)
        self.tabs.addTab(self.practice_page, "P&ractice")
        self.providers_tab: RecordsTab[ProviderDetail] = RecordsTab(
            "provider", PROVIDER_FIELDS, provider_model(self), setup.providers()
        )
        self.tabs.addTab(self.providers_tab, "Pro&viders")
        self.payers_tab: RecordsTab[PayerDetail] = RecordsTab("payer", PAYER_FIELDS, payer_model(self), setup.payers())
        self.tabs.addTab(self.payers_tab, "Pa&yers")
        self.resize(680, 720)

    def _records(self, entity: str) -> RecordsTab[Any] | None:
        return {"provider": self.providers_tab, "payer": self.payers_tab}.get(entity)

    # ------------------------------------------------------------------ RecordEditorDialog

    def forms(self) -> list[tuple[QWidget, FieldForm]]:
        out: list[tuple[QWidget, FieldForm]] = [(self.practice_page, self.practice_form)]
        for tab in (self.providers_tab, self.payers_tab):
            out += [(tab, form) for form in tab.all_forms()]
        return out

    def locate(self, path: FieldPath) -> tuple[QWidget, FieldForm] | None:
        if path.entity == "practice":
            return self.practice_page, self.practice_form
        tab = self._records(path.entity)
        number = path.key_number
        if tab is None or number is None:
            return None
        form = tab.form_for(number)
        return (tab, form) if form is not None else None

    def reveal(self, path: FieldPath, page: QWidget, form: FieldForm) -> None:
        super().reveal(path, page, form)
        tab = self._records(path.entity)
        if tab is not None and path.key_number is not None:
            tab.select(path.key_number)

    def save_work(self) -> Callable[[], Any] | None:
        practice = PracticeEdit(**self.practice_form.changes())
        providers = {rid: ProviderEdit(**v) for rid, v in self.providers_tab.edits().items()}
        payers = {rid: PayerEdit(**v) for rid, v in self.payers_tab.edits().items()}
        if not (practice or providers or payers):
            return None
        service = self.services.practice
        return lambda: service.save_setup(practice if practice else None, providers, payers)

    def changes_of(self, result: Any) -> Changes:
        assert isinstance(result, Changes)
        return result
