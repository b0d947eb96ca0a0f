"""Open the editor that holds a field named by the claim scrubber ('patient.zip', 'coverage.1.member_id',
'practice.zip', 'provider.7.npi', 'payer.2.timely_filing_days'), at that field."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from app.domain.fields import parse_field_path
from app.errors import ClaimDeskError
from app.services.container import Services
from ui.dialogs.patient_editor import PatientEditorDialog
from ui.dialogs.practice_editor import PracticeEditorDialog
from ui.jobs import show_error

PATIENT_ENTITIES = frozenset({"patient", "coverage"})
SETUP_ENTITIES = frozenset({"practice", "provider", "payer"})


def can_edit(focus: str | None, patient_id: int | None = None) -> bool:
    """Whether `open_editor_for` has an editor for this field (e.g. to enable a 'Fix…' button)."""
    path = parse_field_path(focus or "")
    if path is None:
        return False
    return path.entity in SETUP_ENTITIES or (path.entity in PATIENT_ENTITIES and patient_id is not None)


def editor_for(
    services: Services, focus: str, patient_id: int | None, parent: QWidget | None = None
) -> PatientEditorDialog | PracticeEditorDialog | None:
    """The dialog for a field, not yet shown; None when no editor here holds it (e.g. 'coding.line.1.units')."""
    if not can_edit(focus, patient_id):
        return None
    path = parse_field_path(focus)
    assert path is not None
    if path.entity in PATIENT_ENTITIES:
        assert patient_id is not None
        return PatientEditorDialog(services, patient_id, focus, parent)
    return PracticeEditorDialog(services, focus, parent)


def open_editor_for(services: Services, focus: str, patient_id: int | None, parent: QWidget | None) -> bool:
    """Open the right editor at the field, modally. True when the user saved a change (re-scrub then);
    False when they cancelled, saved nothing, or no editor holds that field. The saved change has
    already been published on `services.bus`."""
    try:
        dialog = editor_for(services, focus, patient_id, parent)
    except ClaimDeskError as exc:  # e.g. the patient was removed since the claim was read
        show_error(parent, exc)
        return False
    if dialog is None:
        return False
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return accepted and dialog.saved_changes is not None
    finally:
        dialog.deleteLater()
