"""The practice editor opened at a billing provider, provider or payer field; edits to several records save together."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.services.container import Services
from tests.factories import npi
from tests.ui.editor_helpers import leave, retype, save_by_keyboard, wait_focus
from ui.dialogs.practice_editor import PracticeEditorDialog
from ui.jobs import wait_for_jobs
from ui.models.setup_models import payer_model, provider_model


@pytest.fixture
def desk(loaded: Services) -> Iterator[Services]:
    yield loaded
    wait_for_jobs()


def open_editor(qtbot: QtBot, desk: Services, focus: str | None = None) -> PracticeEditorDialog:
    dialog = PracticeEditorDialog(desk, focus)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _provider_id(desk: Services, last_name: str) -> int:
    return next(p.id for p in desk.practice.providers() if p.last_name == last_name)


def test_the_billing_provider_zip_opens_highlighted_and_takes_the_zip_plus_four(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk, "practice.zip")
    form = dialog.practice_form
    editor = form.editor("zip")
    assert dialog.tabs.currentWidget() is dialog.practice_page
    wait_focus(qtbot, editor)
    assert form.highlighted() == "zip"

    qtbot.keyClicks(editor, "1701")
    leave(qtbot, editor)
    assert form.error_label("zip").isVisible() and form.error_label("zip").text() == "⚠ 5 digits, or 9 for ZIP+4"
    assert form.highlighted() is None  # typing in it was the attention it needed

    retype(qtbot, editor, "17013-0042")
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert desk.practice.practice().zip == "170130042"
    assert dialog.saved_changes is not None and dialog.saved_changes.touches("practice")


def test_a_payer_focus_selects_its_row_and_field_and_timely_filing_must_be_positive(
    qtbot: QtBot, desk: Services
) -> None:
    tst01 = desk.practice.resolve_payer("TST01")
    dialog = open_editor(qtbot, desk, f"payer.{tst01}.timely_filing_days")
    tab = dialog.payers_tab
    form = tab.forms[tst01]
    editor = form.editor("timely_filing_days")

    assert dialog.tabs.currentWidget() is tab
    assert tab.model.row_at(tab.table.currentIndex().row()).payer_id == "TST01"  # type: ignore[union-attr]
    wait_focus(qtbot, editor)
    assert form.highlighted() == "timely_filing_days"

    qtbot.keyClicks(editor, "0")
    leave(qtbot, editor)
    assert form.error_label("timely_filing_days").text() == "⚠ A number of days from 1 to 3650"

    retype(qtbot, editor, "180")
    assert tab.model.note(tst01) == "edited"
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert desk.practice.payer(tst01).timely_filing_days == 180


def test_a_provider_npi_taken_by_another_provider_is_refused_beside_the_field(qtbot: QtBot, desk: Services) -> None:
    baker, able = _provider_id(desk, "Baker"), _provider_id(desk, "Able")
    dialog = open_editor(qtbot, desk, f"provider.{baker}.npi")
    form = dialog.providers_tab.forms[baker]
    editor = form.editor("npi")
    assert dialog.tabs.currentWidget() is dialog.providers_tab
    wait_focus(qtbot, editor)

    qtbot.keyClicks(editor, "1234567890")
    leave(qtbot, editor)
    assert "valid check digit" in form.error_label("npi").text()

    retype(qtbot, editor, desk.practice.provider(able).npi)  # valid, but Dr Able's
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: form.error_label("npi").isVisible(), timeout=5000)
    assert form.error_label("npi").text() == "⚠ Able, Ann already has this NPI"
    assert dialog.result() != QDialog.DialogCode.Accepted

    retype(qtbot, editor, npi(55))
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert desk.practice.provider(baker).npi == npi(55)


def test_edits_to_two_payers_wait_for_one_save(qtbot: QtBot, desk: Services) -> None:
    tst01, tst02 = desk.practice.resolve_payer("TST01"), desk.practice.resolve_payer("TST02")
    dialog = open_editor(qtbot, desk, f"payer.{tst01}.name")
    first = dialog.payers_tab.forms[tst01]
    wait_focus(qtbot, first.editor("name"))
    qtbot.keyClicks(first.editor("name"), "Medicare Part B")

    second = dialog.payers_tab.select(tst02)
    assert second is not None
    retype(qtbot, second.editor("city"), "Scranton")
    save_by_keyboard(qtbot, dialog)

    # A city alone is not an address: the service says which parts are missing, on the right payer.
    qtbot.waitUntil(lambda: second.error_label("zip").isVisible(), timeout=5000)
    assert second.error_label("address1").text() == "⚠ Needed with the rest of the claims address"
    assert desk.practice.payer(tst01).name == "Test Medicare"

    retype(qtbot, second.editor("address1"), "PO Box 7")
    retype(qtbot, second.editor("state"), "pa")
    retype(qtbot, second.editor("zip"), "18501")
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)

    assert desk.practice.payer(tst01).name == "Medicare Part B"
    assert (desk.practice.payer(tst02).city, desk.practice.payer(tst02).state) == ("Scranton", "PA")


def test_saving_with_nothing_changed_closes_without_writing(qtbot: QtBot, desk: Services) -> None:
    dialog = open_editor(qtbot, desk)
    save_by_keyboard(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved_changes is None


def test_the_setup_models_pass_the_model_tester(qtmodeltester, desk: Services) -> None:  # noqa: ANN001
    providers = provider_model()
    providers.set_rows(desk.practice.providers())
    qtmodeltester.check(providers)
    payers = payer_model()
    payers.set_rows(desk.practice.payers())
    payers.set_note(payers.row_at(0).id, "edited")  # type: ignore[union-attr]
    qtmodeltester.check(payers)
    assert providers.rowCount() == 3 and payers.index(0, 5).data() == "edited"
