"""The patient editor opened at a field the scrubber named: the right tab and field, problems in words, Ctrl+S."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from app.services.changes import Changes
from app.services.container import Services
from db.models import PatientRecord
from tests.ui.editor_helpers import choose, leave, retype, save_by_keyboard, wait_focus
from ui.dialogs.editors import can_edit, editor_for, open_editor_for
from ui.dialogs.patient_editor import PatientEditorDialog
from ui.dialogs.practice_editor import PracticeEditorDialog
from ui.jobs import wait_for_jobs
from ui.widgets.field_form import FieldForm


@pytest.fixture
def desk(loaded: Services) -> Iterator[Services]:
    """The small practice from tests.factories; jobs finish before the database closes."""
    yield loaded
    wait_for_jobs()


def open_editor(qtbot: QtBot, desk: Services, account: str, focus: str | None = None) -> PatientEditorDialog:
    dialog = PatientEditorDialog(desk, desk.patients.resolve(account), focus)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def coverage_form(dialog: PatientEditorDialog, priority: int) -> FieldForm:
    return dialog.coverage_forms[str(priority)]


def test_opening_at_the_subscriber_date_of_birth_shows_that_coverage_and_field(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P003", "coverage.1.subscriber_date_of_birth")
    form = coverage_form(dialog, 1)

    assert dialog.tabs.currentWidget() is dialog.pages["coverage.1"]
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Primary: Test Commercial"
    wait_focus(qtbot, form.editor("subscriber_date_of_birth"))
    assert form.highlighted() == "subscriber_date_of_birth"
    assert form.editor("subscriber_date_of_birth").property("highlighted") is True
    assert form.label("subscriber_date_of_birth").font().bold()
    assert form.raw("subscriber_date_of_birth") == "07/08/1985"


@pytest.mark.parametrize(
    ("focus", "page", "field", "widget_type"),
    [
        ("patient.date_of_birth", "patient", "date_of_birth", QLineEdit),
        ("patient.address1", "patient", "address1", QLineEdit),
        ("patient.sex", "patient", "sex", QComboBox),
        ("patient.statement_hold", "patient", "statement_hold", QCheckBox),
        ("coverage.1.member_id", "coverage.1", "member_id", QLineEdit),
        ("coverage.2.member_id", "coverage.2", "member_id", QLineEdit),
        ("coverage.1.relationship_code", "coverage.1", "relationship_code", QComboBox),
    ],
)
def test_each_focus_string_selects_its_tab_and_field(
    qtbot: QtBot, desk: Services, focus: str, page: str, field: str, widget_type: type
) -> None:
    dialog = open_editor(qtbot, desk, "P001", focus)
    form = dialog.patient_form if page == "patient" else dialog.coverage_forms[page.split(".")[1]]

    assert dialog.tabs.currentWidget() is dialog.pages[page]
    assert isinstance(form.editor(field), widget_type)
    wait_focus(qtbot, form.editor(field))
    assert form.highlighted() == field


def test_a_subscriber_field_of_a_self_coverage_opens_at_the_patients_own_field(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P001", "coverage.2.subscriber_date_of_birth")
    assert dialog.tabs.currentWidget() is dialog.pages["patient"]
    wait_focus(qtbot, dialog.patient_form.editor("date_of_birth"))
    assert dialog.patient_form.highlighted() == "date_of_birth"


def test_a_focus_on_a_coverage_the_patient_lacks_opens_on_the_patient(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P002", "coverage.3.member_id")
    assert dialog.tabs.currentWidget() is dialog.pages["patient"]
    assert dialog.patient_form.highlighted() is None


def test_a_short_zip_says_so_beside_the_field_then_the_full_zip_saves(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P002", "patient.zip")
    form = dialog.patient_form
    zip_edit = form.editor("zip")
    wait_focus(qtbot, zip_edit)

    qtbot.keyClicks(zip_edit, "1701")
    leave(qtbot, zip_edit)
    problem = form.error_label("zip")
    assert problem.isVisible() and problem.text() == "⚠ 5 digits, or 9 for ZIP+4"
    assert form.editor("zip").accessibleDescription() == "Problem: 5 digits, or 9 for ZIP+4"

    retype(qtbot, zip_edit, "17013-4321")
    assert not problem.isVisible()  # gone as soon as the text is right
    leave(qtbot, zip_edit)
    assert form.raw("zip") == "170134321"

    changes: list[Changes] = []
    desk.bus.subscribe(changes.append)
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)

    saved = desk.patients.patient(dialog.detail.id)
    assert saved.zip == "170134321"
    assert dialog.saved_detail == saved
    assert changes and changes[0].entities["patient"] == frozenset({dialog.detail.id})


def test_a_birth_date_in_the_future_keeps_the_dialog_open_and_saves_nothing(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P002", "patient.date_of_birth")
    form = dialog.patient_form
    editor = form.editor("date_of_birth")
    wait_focus(qtbot, editor)
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    qtbot.keyClicks(editor, f"{tomorrow:%m/%d/%Y}")
    retype(qtbot, form.editor("city"), "Harrisburg")
    save_by_keyboard(qtbot, dialog)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert form.error_label("date_of_birth").text() == f"⚠ {tomorrow:%m/%d/%Y} is in the future"
    wait_focus(qtbot, editor)
    assert desk.patients.patient(dialog.detail.id).city == "Testville"

    retype(qtbot, editor, "7/8/1985")
    leave(qtbot, editor)
    assert form.raw("date_of_birth") == "07/08/1985"
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert desk.patients.patient(dialog.detail.id).city == "Harrisburg"


def test_a_self_coverage_shows_the_patient_as_subscriber_and_follows_edits(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P001", "patient.last_name")
    primary = coverage_form(dialog, 1)
    assert not primary.editor("subscriber_last_name").isEnabled()
    assert primary.raw("subscriber_last_name") == "Zephyr"

    wait_focus(qtbot, dialog.patient_form.editor("last_name"))
    qtbot.keyClicks(dialog.patient_form.editor("last_name"), "Zephyr-Lee")
    assert primary.raw("subscriber_last_name") == "Zephyr-Lee"
    assert coverage_form(dialog, 2).raw("subscriber_last_name") == "Zephyr-Lee"

    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    saved = desk.patients.patient(dialog.detail.id)
    assert [c.subscriber_last_name for c in saved.coverages] == ["Zephyr-Lee", "Zephyr-Lee"]


def test_a_spouse_needs_their_own_details_and_the_service_says_so_beside_the_field(
    qtbot: QtBot, desk: Services
) -> None:
    dialog = open_editor(qtbot, desk, "P002", "coverage.1.relationship_code")
    form = coverage_form(dialog, 1)
    wait_focus(qtbot, form.editor("relationship_code"))

    choose(qtbot, form.editor("relationship_code"), "01")
    assert form.editor("subscriber_first_name").isEnabled()
    save_by_keyboard(qtbot, dialog)

    problem = form.error_label("subscriber_last_name")
    qtbot.waitUntil(lambda: problem.isVisible(), timeout=5000)
    assert "give the subscriber's own name and date of birth" in problem.text()
    assert dialog.result() != QDialog.DialogCode.Accepted and not dialog.saving
    assert dialog.problem_label.text() == "Nothing was saved: see the ⚠ notes."
    wait_focus(qtbot, form.editor("subscriber_last_name"))

    retype(qtbot, form.editor("subscriber_first_name"), "Beth")
    retype(qtbot, form.editor("subscriber_date_of_birth"), "02/03/1986")
    choose(qtbot, form.editor("subscriber_sex"), "F")
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)

    coverage = desk.patients.patient(dialog.detail.id).coverages[0]
    assert (coverage.relationship_code, coverage.subscriber_first_name, coverage.subscriber_date_of_birth) == (
        "01",
        "Beth",
        dt.date(1986, 2, 3),
    )


def test_escape_cancels_and_saves_nothing(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P002", "coverage.1.member_id")
    editor = coverage_form(dialog, 1).editor("member_id")
    wait_focus(qtbot, editor)
    qtbot.keyClicks(editor, "CHANGED1")

    qtbot.keyClick(editor, Qt.Key.Key_Escape)

    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert desk.patients.patient(dialog.detail.id).coverages[0].member_id == "COM002"


def test_a_new_coverage_is_added_from_its_own_tab(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P004")
    assert dialog.tabs.count() == 1
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    form = dialog.coverage_forms["new"]
    assert dialog.tabs.currentWidget() is dialog.pages["coverage.new"]

    save_by_keyboard(qtbot, dialog)
    assert form.error_label("payer_id").text() == "⚠ Required"
    assert form.error_label("member_id").text() == "⚠ Required"

    choose(qtbot, form.editor("payer_id"), desk.practice.resolve_payer("TST02"))
    retype(qtbot, form.editor("member_id"), "NEW004")
    retype(qtbot, form.editor("effective_from"), "01/01/2026")
    retype(qtbot, form.editor("copay"), "$30")
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)

    (coverage,) = desk.patients.patient(dialog.detail.id).coverages
    assert (coverage.priority, coverage.payer_code, coverage.member_id, str(coverage.copay)) == (
        1,
        "TST02",
        "NEW004",
        "30.00",
    )
    assert coverage.subscriber_first_name == "Dana"


def test_a_new_coverage_tab_can_be_discarded(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "P002")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.tabs.count() == 3 and dialog.add_button.text() == "&Discard new coverage"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.tabs.count() == 2 and "new" not in dialog.coverage_forms

    save_by_keyboard(qtbot, dialog)  # nothing changed: closes without a write
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved_changes is None
    assert len(desk.patients.patient(dialog.detail.id).coverages) == 1


def test_a_stored_value_the_rules_refuse_does_not_block_fixing_another_field(qtbot: QtBot, desk: Services) -> None:
    bob = desk.patients.resolve("P002")
    with desk.db.transaction() as s:
        s.get(PatientRecord, bob).phone = "555-0100"  # typed into the old system without an area code
    dialog = open_editor(qtbot, desk, "P002", "patient.city")
    wait_focus(qtbot, dialog.patient_form.editor("city"))
    qtbot.keyClicks(dialog.patient_form.editor("city"), "Harrisburg")

    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert (desk.patients.patient(bob).city, desk.patients.patient(bob).phone) == ("Harrisburg", "555-0100")


def test_the_helper_opens_the_editor_that_holds_the_field(qtbot: QtBot, desk: Services) -> None:
    alice = desk.patients.resolve("P001")
    assert isinstance(editor_for(desk, "coverage.2.member_id", alice), PatientEditorDialog)
    assert isinstance(editor_for(desk, "practice.zip", None), PracticeEditorDialog)
    assert isinstance(editor_for(desk, "payer.1.payer_id", alice), PracticeEditorDialog)
    assert editor_for(desk, "patient.zip", None) is None  # no patient to open
    assert editor_for(desk, "coding.line.1.units", alice) is None
    assert not can_edit("nonsense") and can_edit("provider.3.npi")

    def fix_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PatientEditorDialog)
        form = dialog.patient_form
        assert form.highlighted() == "address1"
        form.set_raw("address1", "9 New Road")
        dialog.save()

    QTimer.singleShot(200, fix_and_save)
    assert open_editor_for(desk, "patient.address1", alice, None) is True
    assert desk.patients.patient(alice).address1 == "9 New Road"

    QTimer.singleShot(200, lambda: QApplication.activeModalWidget().reject())  # type: ignore[union-attr]
    assert open_editor_for(desk, "patient.address1", alice, None) is False
