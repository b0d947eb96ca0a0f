"""Correct a patient's demographics and coverages: a Patient tab and one tab per coverage, opened at a field.

`focus` names the field to open at, as the claim scrubber names it: "patient.date_of_birth",
"patient.zip", "coverage.1.member_id", "coverage.2.subscriber_date_of_birth" (coverages by priority).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from app.domain.demographics import (
    COVERAGE_FIELDS,
    MIRRORED,
    NEW_COVERAGE_KEY,
    PATIENT_FIELDS,
    PRIORITY_LABELS,
    SELF,
    CoverageDetail,
    CoverageEdit,
    PatientDetail,
    PatientEdit,
)
from app.domain.fields import FieldPath
from app.services.changes import Changes
from app.services.container import Services
from app.services.patients import MAX_COVERAGES, PatientSaved
from ui.dialogs.record_editor import RecordEditorDialog, scrolling
from ui.widgets.field_form import FieldForm


class PatientEditorDialog(RecordEditorDialog):
    def __init__(
        self, services: Services, patient_id: int, focus: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, "Patient and insurance", focus, parent)
        self.setObjectName("patient_editor_dialog")
        # One patient and the payer list: quick reads, done here rather than on a worker.
        self.detail: PatientDetail = services.patients.patient(patient_id)
        self.saved_detail: PatientDetail | None = None
        self._payer_choices = [(p.id, f"{p.name} ({p.payer_id})") for p in services.practice.payers()]
        self.pages: dict[str, QWidget] = {}
        self.coverage_forms: dict[str, FieldForm] = {}
        self.coverage_of: dict[str, CoverageDetail] = {}

        d = self.detail
        self.header.setText(
            f"<b>{html.escape(d.display_name)}</b> · account {html.escape(d.account_number)}"
            f" · born {d.date_of_birth:%m/%d/%Y}"
        )
        self.note.setText(
            "Claims printed or exported after you save use these details; claims already sent keep what they said."
        )

        self.patient_form = FieldForm(PATIENT_FIELDS, "patient")
        self.patient_form.set_values(d)
        self.patient_form.edited.connect(self._on_patient_edited)
        self._add_page("patient", "&Patient", self.patient_form)
        for coverage in d.coverages:
            self._add_coverage_page(str(coverage.priority), coverage)

        self.add_button = QPushButton("&Add coverage")
        self.add_button.setToolTip("Add another insurance for this patient (up to three)")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.add_button.setEnabled(len(d.coverages) < MAX_COVERAGES)
        self.button_row.insertWidget(0, self.add_button)
        self.resize(620, 700)
        self._redirect_mirrored_focus()

    def _redirect_mirrored_focus(self) -> None:
        """A subscriber field of a self coverage is the patient's own: open at the patient's field."""
        path = self.focus_path
        if path is None or path.entity != "coverage" or path.field not in MIRRORED:
            return
        form = self.coverage_forms.get(path.key or "")
        if form is not None and form.raw("relationship_code") == SELF:
            self.focus_path = FieldPath("patient", MIRRORED[path.field])

    # ------------------------------------------------------------------ building

    def _add_page(self, key: str, title: str, form: FieldForm) -> QWidget:
        page = scrolling(form)
        page.setObjectName(f"{key}_page")
        self.pages[key] = page
        self.tabs.addTab(page, title)
        return page

    def _add_coverage_page(self, key: str, coverage: CoverageDetail | None) -> FieldForm:
        form = FieldForm(COVERAGE_FIELDS, f"coverage.{key}", choices={"payer_id": self._payer_choices})
        if coverage is not None:
            form.set_values(coverage)
            self.coverage_of[key] = coverage
            title = f"{coverage.priority_label}: {coverage.payer_name}"
        else:
            taken = {c.priority for c in self.detail.coverages}
            form.set_values(
                {
                    "priority": next((p for p in PRIORITY_LABELS if p not in taken), None),
                    "relationship_code": SELF,
                    "copay": Decimal("0.00"),
                }
            )
            form.check_all = True
            title = "New coverage"
        self.coverage_forms[key] = form
        form.edited.connect(lambda name, f=form: self._on_coverage_edited(f, name))
        self._add_page(f"coverage.{key}", title, form)
        self._follow_patient(form)
        return form

    def _on_add_clicked(self) -> None:
        if NEW_COVERAGE_KEY in self.coverage_forms:
            self.discard_new_coverage()
        else:
            self.add_coverage()

    def add_coverage(self) -> None:
        """A tab for a new coverage (or back to the one already started)."""
        if NEW_COVERAGE_KEY not in self.coverage_forms:
            self._add_coverage_page(NEW_COVERAGE_KEY, None)
        page = self.pages[f"coverage.{NEW_COVERAGE_KEY}"]
        self.tabs.setCurrentWidget(page)
        self.coverage_forms[NEW_COVERAGE_KEY].focus_field("payer_id", highlight=False)
        self.add_button.setText("&Discard new coverage")

    def discard_new_coverage(self) -> None:
        self.coverage_forms.pop(NEW_COVERAGE_KEY, None)
        page = self.pages.pop(f"coverage.{NEW_COVERAGE_KEY}", None)
        if page is not None:
            self.tabs.removeTab(self.tabs.indexOf(page))
            page.deleteLater()
        self.add_button.setText("&Add coverage")

    # ------------------------------------------------------------------ the subscriber follows the patient

    def _on_patient_edited(self, name: str) -> None:
        if name in MIRRORED.values():
            for form in self.coverage_forms.values():
                self._follow_patient(form)

    def _on_coverage_edited(self, form: FieldForm, name: str) -> None:
        if name == "relationship_code":
            self._follow_patient(form)

    def _follow_patient(self, form: FieldForm) -> None:
        """With relationship 18 (self) the subscriber fields show the patient's and cannot be typed in."""
        is_self = form.raw("relationship_code") == SELF
        for sub_field, patient_field in MIRRORED.items():
            if is_self:
                form.set_raw(sub_field, self.patient_form.raw(patient_field))
            form.set_field_enabled(sub_field, not is_self)
            form.editor(sub_field).setToolTip("Same as the patient (relationship 18, self)" if is_self else "")

    # ------------------------------------------------------------------ RecordEditorDialog

    def forms(self) -> list[tuple[QWidget, FieldForm]]:
        out: list[tuple[QWidget, FieldForm]] = [(self.pages["patient"], self.patient_form)]
        out += [(self.pages[f"coverage.{k}"], f) for k, f in self.coverage_forms.items()]
        return out

    def locate(self, path: FieldPath) -> tuple[QWidget, FieldForm] | None:
        if path.entity == "patient":
            return self.pages["patient"], self.patient_form
        if path.entity == "coverage" and path.key in self.coverage_forms:
            return self.pages[f"coverage.{path.key}"], self.coverage_forms[path.key]
        return None

    def save_work(self) -> Callable[[], Any] | None:
        patient = PatientEdit(**self.patient_form.changes())
        coverages = {}
        for key, coverage in self.coverage_of.items():
            edit = CoverageEdit(**self.coverage_forms[key].changes())
            if edit:
                coverages[coverage.id] = edit
        added = []
        new_form = self.coverage_forms.get(NEW_COVERAGE_KEY)
        if new_form is not None:
            added.append(CoverageEdit(**{k: v for k, v in new_form.values().items() if v is not None}))
        if not (patient or coverages or added):
            return None
        service, patient_id = self.services.patients, self.detail.id
        return lambda: service.save(patient_id, patient, coverages, added)

    def changes_of(self, result: Any) -> Changes:
        assert isinstance(result, PatientSaved)
        self.saved_detail = result.detail
        return result.changes
