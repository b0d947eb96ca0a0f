"""The Claims panel, driven through its real widgets offscreen.

The test practice bills E1 (Alice Zephyr, Test Medicare, electronic: 99213 + 36415) and E2 (Bob Young,
Test Commercial, paper: 99214); E4 is self-pay. A local PTP edit (99213 + 36415, never with a modifier)
gives E1's claim one error on line 2.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app.domain.claim_list import ClaimColumn, ClaimFilter, ClaimRow, ClaimSort
from app.services.container import Services
from app.services.scrubber import EditionStatus, FindingRow
from db.models import PatientRecord
from tests.ui.helpers import answer_modal, open_window
from ui.dialogs.claim_details import ClaimDetailsDialog
from ui.main_window import MainWindow
from ui.models.claims_model import COLUMNS, ClaimsTableModel
from ui.models.coding_lines_model import LineColumn
from ui.models.findings_model import FindingsTreeModel
from ui.models.payer_rules_model import PayerRulesTableModel
from ui.panels.claims import NO_CLAIMS, ClaimsPanel
from ui.panels.coding import CodingPanel

TODAY = dt.date(2026, 3, 20)
TEST_EDITS = "TEST edits - not CMS"


@pytest.fixture
def built(practice_desk: Services) -> Services:
    """Claims built, with the test edit that E1's claim breaks loaded (not yet scrubbed)."""
    practice_desk.claims.build_claims()
    practice_desk.scrubber.add_local_edits(
        [
            {
                "kind": "ptp",
                "code1": "99213",
                "code2": "36415",
                "modifier_indicator": "0",
                "effective_from": dt.date(2020, 1, 1),
            }
        ],
        TEST_EDITS,
    )
    return practice_desk


def open_claims(qtbot: QtBot, desk: Services) -> tuple[MainWindow, ClaimsPanel]:
    window, _worklist = open_window(qtbot, desk)
    window.show_panel("claims")
    panel = window.panels["claims"]
    assert isinstance(panel, ClaimsPanel)
    panel.today = TODAY
    qtbot.waitUntil(lambda: not panel.loading and panel.count_label.text().startswith("Showing"), timeout=3000)
    return window, panel


def rows(panel: ClaimsPanel) -> list[ClaimRow]:
    return [r for i in range(panel.model.rowCount()) if (r := panel.model.row_at(i)) is not None]


def row_of(panel: ClaimsPanel, account: str) -> ClaimRow:
    return next(r for r in rows(panel) if r.account_number == account)


def status_text(panel: ClaimsPanel, key: str) -> str:
    return panel._status_items[key].text(0)


def activate(qtbot: QtBot, panel: ClaimsPanel) -> None:
    """Keys reach the panel's shortcuts only in the active window; a progress dialog may have taken it."""
    window = panel.window()
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def scrub_by_key(qtbot: QtBot, panel: ClaimsPanel) -> None:
    activate(qtbot, panel)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: panel.message_label.text().startswith("Scrubbed"), timeout=5000)
    qtbot.waitUntil(lambda: not panel.loading and row_of(panel, "P001").status != "draft", timeout=3000)


def select_claim(qtbot: QtBot, panel: ClaimsPanel, account: str) -> ClaimRow:
    claim = row_of(panel, account)
    with qtbot.waitSignal(panel.findings_shown, timeout=3000):
        panel.select_id(claim.id)
    return claim


def toolbar_button(panel: ClaimsPanel, action: object) -> QToolButton:
    button = panel.toolbar.widgetForAction(action)  # type: ignore[arg-type]
    assert isinstance(button, QToolButton)
    return button


# --------------------------------------------------------------------------- building and scrubbing


def test_with_no_claims_the_panel_says_how_to_build_them_and_build_fills_the_list(
    qtbot: QtBot, practice_desk: Services
) -> None:
    window, panel = open_claims(qtbot, practice_desk)
    assert panel.empty_state.isVisible()
    assert panel.empty_title.text() == NO_CLAIMS
    assert panel.empty_build_button.isVisible()

    qtbot.mouseClick(toolbar_button(panel, panel.build_action), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)

    assert panel.table.isVisible() and not panel.empty_state.isVisible()
    assert {r.account_number: (r.status_label, r.method_label) for r in rows(panel)} == {
        "P001": ("Draft", "Electronic"),
        "P002": ("Draft", "Paper"),
    }
    assert panel.message_label.text() == (
        "Built 2 claims from the encounters ready to bill; 1 self-pay encounter went to the patient. "
        "Scrub them next (S)."
    )
    assert status_text(panel, "draft") == "Draft (2)"
    assert panel.count_label.text() == "Showing 2 of 2 claims"
    worklist = window.panels["encounters"]
    qtbot.waitUntil(lambda: worklist.status_counts.get("billed") == 3)  # the bus told the worklist too


def test_scrub_groups_findings_by_severity_and_reports_the_clean_claim_rate(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    assert panel.last_scrub_label.text() == "Last scrub: none yet · 0 need attention"

    scrub_by_key(qtbot, panel)

    assert panel.message_label.text() == "Scrubbed 2 claims: 1 clean (50.0%), 1 needs attention."
    qtbot.waitUntil(lambda: panel.last_scrub_label.text() == "Last scrub: 2 claims, 1 clean (50.0%), 1 needs attention")
    alice = row_of(panel, "P001")
    assert (alice.status_label, alice.errors) == ("Needs attention", 1)
    errors_cell = panel.model.index(panel.model.row_of(alice.id) or 0, COLUMNS.index(ClaimColumn.ERRORS))
    assert errors_cell.data() == "1"

    select_claim(qtbot, panel, "P001")
    model = panel.findings_model
    assert model.group_keys() == ["error"]
    assert model.index(0, 0).data() == "Errors (1)"
    finding = panel.current_finding()
    assert finding is not None and finding.edit_id == "NCCI-PTP" and finding.field == "coding.line.2.code"
    assert model.index(0, 1, model.index(0, 0)).data() == "Coding: line 2, code"
    assert model.index(0, 2, model.index(0, 0)).data() == "CARC 236"
    detail = panel.finding_message.text()
    assert "36415 is bundled into 99213" in detail and "Prevents a denial with CARC 236" in detail
    assert "How to fix:" in detail

    select_claim(qtbot, panel, "P002")
    assert panel.findings_pages.currentWidget() is panel.findings_note
    assert panel.findings_note.text().startswith("No findings")


def test_scrub_selected_scrubs_only_the_chosen_claims(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    select_claim(qtbot, panel, "P002")
    activate(qtbot, panel)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)

    qtbot.waitUntil(lambda: row_of(panel, "P002").status == "ready", timeout=5000)
    assert panel.message_label.text() == "Scrubbed 1 claim: 1 clean (100.0%), 0 need attention."
    assert row_of(panel, "P001").status == "draft"


def test_letters_typed_in_the_search_box_are_text_not_shortcuts(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    activate(qtbot, panel)
    panel.search_edit.setFocus()
    qtbot.keyClicks(panel.search_edit, "bos")

    assert panel.search_edit.text() == "bos"
    qtbot.wait(300)
    assert panel.message_label.isHidden()
    assert built.scrubber.last_run() is None


# --------------------------------------------------------------------------- fixing and overriding


def test_go_to_field_opens_the_coding_panel_on_the_line_to_fix(qtbot: QtBot, built: Services) -> None:
    window, panel = open_claims(qtbot, built)
    scrub_by_key(qtbot, panel)
    alice = select_claim(qtbot, panel, "P001")
    activate(qtbot, panel)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # to the findings
    qtbot.waitUntil(panel.findings_view.hasFocus)

    qtbot.keyClick(panel.findings_view, Qt.Key.Key_Return)  # go to the field

    coding = window.panels["coding"]
    assert isinstance(coding, CodingPanel)
    qtbot.waitUntil(lambda: coding.encounter_id == alice.encounter_id and not coding.busy, timeout=3000)
    assert window.current_panel_key() == "coding"
    qtbot.waitUntil(lambda: coding.lines_view.currentIndex().row() == 1)
    current = coding.lines_view.currentIndex()
    assert (current.row(), current.column()) == (1, LineColumn.CODE)
    assert current.data() == "36415"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is coding.lines_view)

    qtbot.keyClick(coding.lines_view, Qt.Key.Key_Escape)  # back where the biller came from
    qtbot.waitUntil(lambda: window.current_panel_key() == "claims")


def test_go_to_field_on_a_diagnosis_selects_that_diagnosis(qtbot: QtBot, built: Services) -> None:
    window, panel = open_claims(qtbot, built)
    alice = row_of(panel, "P001")
    window.open_coding_at(alice.encounter_id, "coding.diagnosis.2")
    coding = window.panels["coding"]
    assert isinstance(coding, CodingPanel)
    qtbot.waitUntil(lambda: coding.diagnoses_view.currentIndex().row() == 1, timeout=3000)
    assert coding.diagnoses_view.currentIndex().data() == "I10"


def test_override_asks_for_a_reason_and_the_claim_leaves_needs_attention(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    scrub_by_key(qtbot, panel)
    select_claim(qtbot, panel, "P001")
    activate(qtbot, panel)
    panel.focus_findings()
    qtbot.keyClick(panel.findings_view, Qt.Key.Key_O)

    dialog = panel.override_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.override_button.isEnabled(), "no reason, no override"
    qtbot.keyClicks(dialog.reason_edit, "ok")
    assert dialog.override_button.isEnabled()
    qtbot.mouseClick(dialog.override_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.problem_label.isVisible, timeout=3000)
    assert "reason" in dialog.problem_label.text()
    assert dialog.isVisible()

    qtbot.keyClicks(dialog.reason_edit, " - separate draw documented, payer agreed by phone")
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        qtbot.mouseClick(dialog.override_button, Qt.MouseButton.LeftButton)
    assert panel.override_dialog is None

    qtbot.waitUntil(lambda: row_of(panel, "P001").status == "ready", timeout=3000)
    assert row_of(panel, "P001").errors == 0
    qtbot.waitUntil(lambda: panel.findings_model.group_keys() == ["overridden"], timeout=3000)
    overridden = panel.findings_model.findings()[0]
    assert overridden.overridden_by == "tester"
    assert "Overridden by tester on" in panel.finding_message.text()
    assert "payer agreed by phone" in panel.finding_message.text()
    assert not panel.override_action.isEnabled(), "an overridden finding is not overridden twice"
    assert status_text(panel, "needs_attention") == "Needs attention (0)"


def test_a_patient_finding_opens_the_patient_editor_at_the_field_and_rescrubs(
    qtbot: QtBot,
    built: Services,
    monkeypatch,  # noqa: ANN001
) -> None:
    with built.db.transaction() as s:
        s.execute(update(PatientRecord).where(PatientRecord.account_number == "P002").values(zip="1701"))
    opened: list[tuple[str, int | None]] = []

    def editor(services: Services, focus: str, patient_id: int | None, _parent: object) -> bool:
        opened.append((focus, patient_id))
        with services.db.transaction() as s:  # the user corrects the ZIP and saves
            s.execute(update(PatientRecord).where(PatientRecord.id == patient_id).values(zip="17013"))
        return True

    monkeypatch.setattr("ui.panels.claims.open_editor_for", editor)
    _window, panel = open_claims(qtbot, built)
    scrub_by_key(qtbot, panel)
    young = select_claim(qtbot, panel, "P002")
    assert young.status == "needs_attention"
    finding = panel.current_finding()
    assert finding is not None and finding.field == "patient.zip"
    assert panel.go_button.isEnabled()

    qtbot.mouseClick(panel.go_button, Qt.MouseButton.LeftButton)

    assert opened == [("patient.zip", young.patient_id)]
    qtbot.waitUntil(lambda: row_of(panel, "P002").status == "ready", timeout=5000)
    assert panel.message_label.text().startswith("Scrubbed 1 claim: 1 clean")


# --------------------------------------------------------------------------- header and filters


def test_the_editions_warning_shows_when_no_ncci_edition_is_loaded(qtbot: QtBot, practice_desk: Services) -> None:
    assert all(edition is None for edition in practice_desk.codesets.ncci_editions().values())
    _window, panel = open_claims(qtbot, practice_desk)

    assert panel.editions_label.isVisible() and panel.editions_label.warning
    assert "No NCCI PTP edition is loaded" in panel.editions_label.text()
    assert "No NCCI MUE edition is loaded" in panel.editions_label.text()


def test_the_editions_in_force_are_named_quietly(qtbot: QtBot, practice_desk: Services, monkeypatch) -> None:  # noqa: ANN001
    labels = ("NCCI PTP v32.1 (CMS, effective 04/01/2026)", "NCCI MUE v32.1 (CMS, effective 04/01/2026)")
    editions = tuple(
        EditionStatus(kind, text, True, None) for kind, text in zip(("ncci_ptp", "ncci_mue"), labels, strict=True)
    )
    monkeypatch.setattr(practice_desk.scrubber, "edition_status", lambda: editions)
    _window, panel = open_claims(qtbot, practice_desk)

    assert panel.editions_label.isVisible() and not panel.editions_label.warning
    assert panel.editions_label.text() == "Edits in force: " + " · ".join(labels)


def test_the_status_list_narrows_the_table_and_counts_each_status(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    scrub_by_key(qtbot, panel)
    assert status_text(panel, "needs_attention") == "Needs attention (1)"
    assert status_text(panel, "ready_paper") == "Ready (paper) (1)"
    assert status_text(panel, "ready_electronic") == "Ready (electronic) (0)"

    panel.status_list.setFocus()
    panel.status_list.setCurrentItem(panel._status_items["needs_attention"])
    qtbot.waitUntil(lambda: [r.account_number for r in rows(panel)] == ["P001"] and not panel.loading)
    assert panel.count_label.text() == "Showing 1 of 2 claims"

    panel.show_queue("ready_paper")
    qtbot.waitUntil(lambda: [r.account_number for r in rows(panel)] == ["P002"] and not panel.loading)

    panel.show_queue("ready_electronic")
    qtbot.waitUntil(lambda: panel.empty_state.isVisible())
    assert panel.empty_title.text() == "No claims in “Ready (electronic)”"

    panel.clear_filters()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.loading)
    assert panel.queue_key == "all"


def test_search_and_the_errors_filter_narrow_the_table(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    scrub_by_key(qtbot, panel)
    panel.errors_check.setChecked(True)
    qtbot.waitUntil(lambda: [r.account_number for r in rows(panel)] == ["P001"] and not panel.loading)
    assert panel.clear_button.isEnabled()

    panel.errors_check.setChecked(False)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.loading)
    young = row_of(panel, "P002")
    qtbot.keyClicks(panel.search_edit, young.claim_number)
    qtbot.waitUntil(lambda: [r.id for r in rows(panel)] == [young.id] and not panel.loading)


def test_help_lists_the_claims_keys(qtbot: QtBot, practice_desk: Services) -> None:
    window, _panel = open_claims(qtbot, practice_desk)
    rows_ = window.shortcut_rows()
    assert ("B", "Claims: build claims from the encounters ready to bill") in rows_
    assert ("S or F5", "Claims: scrub every claim not sent yet") in rows_
    assert ("O", "Claims: let the current finding through, with a reason") in rows_
    assert ("Ctrl+4", "Show Claims") in rows_


# --------------------------------------------------------------------------- payer rules


def test_payer_rules_are_added_from_the_form_with_problems_shown_inline(qtbot: QtBot, built: Services) -> None:
    _window, panel = open_claims(qtbot, built)
    qtbot.mouseClick(toolbar_button(panel, panel.payer_rules_action), Qt.MouseButton.LeftButton)
    dialog = panel.payer_rules_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.payer_combo.count() == 3)

    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("require_modifier"))
    assert dialog.modifier_edit.isVisible() and not dialog.max_spin.isVisible()
    dialog.payer_combo.setCurrentIndex(dialog.payer_combo.findData("TST01"))
    dialog.name_edit.setText("Medicare: 25 on office visits")
    dialog.codes_edit.setText("99202-99215")
    dialog.modifier_edit.setText("2")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.problem_label.isVisible, timeout=3000)
    assert "modifier" in dialog.problem_label.text()
    assert dialog.model.rowCount() == 0

    dialog.modifier_edit.setText("25")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=3000)
    rule = dialog.model.row_at(0)
    assert rule is not None and rule.payer_name == "Test Medicare" and rule.rule.modifier == "25"
    assert dialog.problem_label.isHidden()

    first = dialog.model.index(0, 0)
    assert dialog.model.setData(first, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: not built.scrubber.payer_rules()[0].active, timeout=3000)
    dialog.reject()
    assert panel.payer_rules_dialog is None


# --------------------------------------------------------------------------- the models on their own


def test_the_claims_model_follows_qts_rules(qtmodeltester, qtbot: QtBot, built: Services) -> None:  # noqa: ANN001
    built.scrubber.scrub(today=TODAY)
    model = ClaimsTableModel(built.claim_list.page, page_size=1)
    flt, sort = ClaimFilter(), ClaimSort()
    assert model.set_results(flt, sort, built.claim_list.count(flt), built.claim_list.page(flt, sort, 0, 1))
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: model.rowCount() == 2 and not model.fetching)  # the tester asked for more
    qtmodeltester.check(model)
    empty = ClaimsTableModel()
    qtmodeltester.check(empty)


def test_the_findings_and_payer_rules_models_follow_qts_rules(qtmodeltester, built: Services) -> None:  # noqa: ANN001
    built.scrubber.scrub(today=TODAY)
    claim_id = built.claim_list.page(ClaimFilter(with_errors=True), ClaimSort(), 0, 1)[0].id
    (error,) = built.scrubber.findings(claim_id)
    warning = FindingRow(**{**error.__dict__, "id": 99, "severity": "warning", "field": None, "carc": None})
    model = FindingsTreeModel()
    qtmodeltester.check(model)
    model.set_rows([error, warning])
    qtmodeltester.check(model)
    assert model.group_keys() == ["error", "warning"]
    assert model.finding_at(model.index(0, 0, model.index(1, 0))) == warning
    assert model.finding_at(model.index(0, 0)) is None  # a heading is not a finding
    assert model.index_of(99).isValid() and not model.index_of(12345).isValid()

    built.scrubber.add_payer_rule(None, "One pointer a line", {"kind": "max_pointers", "max": 1})
    rules = PayerRulesTableModel()
    rules.set_rows(built.scrubber.payer_rules())
    qtmodeltester.check(rules)
    assert rules.index(0, 1).data() == "every payer"
    assert not rules.index(0, 0).parent().isValid() and rules.rowCount(QModelIndex()) == 1


def test_a_prior_authorization_finding_opens_claim_details_and_the_fix_reaches_the_claim(
    qtbot: QtBot, built: Services
) -> None:
    built.scrubber.add_payer_rule("TST01", "auth", {"kind": "prior_auth", "codes": ["99213"]})
    window, panel = open_claims(qtbot, built)
    alice = row_of(panel, "P001")

    def fill(dialog: QApplication) -> None:
        assert isinstance(dialog, ClaimDetailsDialog)
        assert dialog.focusWidget() is dialog.auth_edit, "the cursor waits in the field the finding names"
        qtbot.keyClicks(dialog.auth_edit, "auth55")
        qtbot.keyClick(dialog.auth_edit, Qt.Key.Key_Return)

    problems = answer_modal(qtbot, fill)
    window.open_coding_at(alice.encounter_id, "coding.prior_authorization")
    coding = window.panels["coding"]
    assert isinstance(coding, CodingPanel)
    qtbot.waitUntil(
        lambda: coding.workspace is not None and coding.workspace.prior_authorization == "AUTH55", timeout=5000
    )
    assert problems == []
    assert built.claims.claim_status(alice.id) == "draft", "the claim waits for a re-scrub"
