"""The Encounters worklist, driven through its real widgets offscreen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.domain.import_format import ImportFile
from app.domain.worklist import ENCOUNTER_STATUS_LABELS, WorklistColumn
from app.services.changes import Changes
from app.services.container import Services
from tests.ui.helpers import click_header, open_window, shown_column, shown_patients, wait_settled
from tests.ui.worklist_data import (
    ENCOUNTER_COUNT,
    LAST_NAMES,
    account,
    encounters_of,
    status_counts,
    worklist_document,
)
from ui.panels.encounters import EncountersPanel


def test_the_worklist_opens_showing_every_encounter_newest_first(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)

    assert panel.count_label.text() == f"Showing {ENCOUNTER_COUNT} of {ENCOUNTER_COUNT} encounters"
    assert panel.model.rowCount() == ENCOUNTER_COUNT
    dates = shown_column(panel, WorklistColumn.DATE_OF_SERVICE)
    assert dates[0] == "02/14/2025" and dates[-1] == "01/06/2025"


def test_typing_a_last_name_shows_only_that_patients_encounters(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)

    qtbot.keyClicks(panel.search_edit, "Hugh")
    expected = encounters_of("Hughes")
    qtbot.waitUntil(lambda: panel.count_label.text() == f"Showing {expected} of {ENCOUNTER_COUNT} encounters")

    assert set(shown_patients(panel)) == {"Hughes, Hana"}
    assert panel.model.rowCount() == expected
    assert panel.clear_button.isEnabled()


def test_searching_by_account_number_finds_the_patient(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)

    qtbot.keyClicks(panel.search_edit, account(LAST_NAMES.index("Khan")))
    qtbot.waitUntil(lambda: set(shown_patients(panel)) == {"Khan, Kai"})


def test_choosing_a_status_shows_only_that_status_with_its_count(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)
    on_hold = status_counts()["on_hold"]
    index = panel.status_combo.findData("on_hold")

    assert panel.status_combo.itemText(index) == f"On hold ({on_hold})"
    panel.status_combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: panel.count_label.text() == f"Showing {on_hold} of {ENCOUNTER_COUNT} encounters")

    assert set(shown_column(panel, WorklistColumn.STATUS)) == {ENCOUNTER_STATUS_LABELS["on_hold"]}


def test_clear_filters_brings_back_the_whole_worklist(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("coded"))
    qtbot.keyClicks(panel.search_edit, "Diaz")
    qtbot.waitUntil(lambda: set(shown_patients(panel)) == {"Diaz, Dev"})
    assert set(shown_column(panel, WorklistColumn.STATUS)) == {"Coded"}

    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == ENCOUNTER_COUNT)

    assert panel.search_edit.text() == ""
    assert panel.status_combo.currentData() is None
    assert not panel.clear_button.isEnabled()
    assert panel.count_label.text() == f"Showing {ENCOUNTER_COUNT} of {ENCOUNTER_COUNT} encounters"


def test_provider_payer_and_date_filters_narrow_the_list(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)

    panel.provider_combo.setCurrentIndex(panel.provider_combo.findText("Park, Tess NP"))
    qtbot.waitUntil(lambda: set(shown_column(panel, WorklistColumn.PROVIDER)) == {"Park, Tess NP"})
    panel.payer_combo.setCurrentIndex(panel.payer_combo.findText("State Medicare"))
    qtbot.waitUntil(lambda: set(shown_column(panel, WorklistColumn.PAYER)) == {"State Medicare"})
    narrowed = panel.model.rowCount()

    panel.date_from_edit.setDate(panel.date_from_edit.date().fromString("01/20/2025", "MM/dd/yyyy"))
    panel.date_from_check.setChecked(True)
    assert panel.date_from_edit.isEnabled()
    qtbot.waitUntil(lambda: 0 < panel.model.rowCount() < narrowed)
    wait_settled(qtbot, panel)
    assert all(d >= "01/20/2025" for d in shown_column(panel, WorklistColumn.DATE_OF_SERVICE))


def test_clicking_a_header_sorts_all_matching_rows_in_the_database(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)

    click_header(qtbot, panel, WorklistColumn.PATIENT)
    qtbot.waitUntil(lambda: shown_patients(panel)[0] == "Adams, Amy")
    assert shown_patients(panel) == sorted(shown_patients(panel))

    click_header(qtbot, panel, WorklistColumn.PATIENT)
    qtbot.waitUntil(lambda: shown_patients(panel)[0] == "Lopez, Lena")
    assert shown_patients(panel) == sorted(shown_patients(panel), reverse=True)


def test_the_first_click_on_charges_shows_the_largest_first(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)

    click_header(qtbot, panel, WorklistColumn.CHARGES)
    qtbot.waitUntil(lambda: shown_column(panel, WorklistColumn.CHARGES)[0] == "$150.00")
    assert shown_column(panel, WorklistColumn.CHARGES)[-1] == "$0.00"


def test_a_search_that_matches_nothing_says_so_and_offers_to_clear(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)

    qtbot.keyClicks(panel.search_edit, "Nobody")
    qtbot.waitUntil(lambda: panel.empty_state.isVisible())

    assert panel.empty_title.text() == "No encounters match these filters"
    assert not panel.table.isVisible()
    assert panel.count_label.text() == f"Showing 0 of {ENCOUNTER_COUNT} encounters"
    qtbot.mouseClick(panel.empty_clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.isVisible() and panel.model.rowCount() == ENCOUNTER_COUNT)


def test_an_empty_database_explains_how_to_load_encounters(qtbot: QtBot, empty_desk: Services) -> None:
    _window, panel = open_window(qtbot, empty_desk)

    assert panel.empty_state.isVisible()
    assert panel.empty_title.text() == "This database has no encounters yet"
    assert "claimdesk import FILE" in panel.empty_detail.text()
    assert "claimdesk demo" in panel.empty_detail.text()
    assert not panel.empty_clear_button.isVisible()


def test_ctrl_f_focuses_the_search_and_escape_clears_it(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)

    qtbot.keySequence(panel.table, QKeySequence(QKeySequence.StandardKey.Find))
    qtbot.waitUntil(panel.search_edit.hasFocus)
    qtbot.keyClicks(panel.search_edit, "Ito")
    qtbot.waitUntil(lambda: set(shown_patients(panel)) == {"Ito, Ivo"})

    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Escape)
    assert panel.search_edit.text() == ""
    qtbot.waitUntil(lambda: panel.model.rowCount() == ENCOUNTER_COUNT)


def test_keys_move_through_the_table_and_enter_opens_the_encounter(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)
    panel.table.setFocus()
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    qtbot.keyClick(panel.table, Qt.Key.Key_End)
    assert panel.table.currentIndex().row() == ENCOUNTER_COUNT - 1
    qtbot.keyClick(panel.table, Qt.Key.Key_Home)
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    expected = panel.model.index(1, 0).data(Qt.ItemDataRole.UserRole)

    with qtbot.waitSignal(panel.encounter_activated) as activated:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert activated.args == [expected]


def test_a_change_on_the_bus_reloads_and_keeps_the_selection(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)
    panel.table.selectRow(5)
    chosen = panel.selected_encounter_id()

    doc = worklist_document()
    extra = dict(doc["encounters"][0], source_id="EXTRA1", date_of_service="2025-03-01")
    desk.importer.import_data(ImportFile.model_validate({"encounters": [extra]}))
    desk.bus.publish(Changes({"encounter": frozenset()}))

    total = ENCOUNTER_COUNT + 1
    qtbot.waitUntil(lambda: panel.count_label.text() == f"Showing {total} of {total} encounters")
    assert panel.selected_encounter_id() == chosen
    assert panel.status_combo.itemText(0) == f"All statuses ({total})"


def test_a_change_to_something_else_does_not_reload(qtbot: QtBot, desk: Services) -> None:
    _window, panel = open_window(qtbot, desk)
    with qtbot.assertNotEmitted(panel.refreshed, wait=200):
        desk.bus.publish(Changes({"remittance": frozenset({1})}))


def test_pages_load_as_the_table_scrolls(qtbot: QtBot, desk: Services) -> None:
    panel = EncountersPanel(desk, page_size=7)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    wait_settled(qtbot, panel)
    first = panel.model.rowCount()
    assert 7 <= first < ENCOUNTER_COUNT
    assert panel.model.total == ENCOUNTER_COUNT

    def scrolled_to_the_end() -> bool:
        assert panel.model.rowCount() <= ENCOUNTER_COUNT
        panel.table.scrollToBottom()
        return panel.model.rowCount() == ENCOUNTER_COUNT

    qtbot.waitUntil(scrolled_to_the_end, timeout=3000)
    ids = [panel.model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(ENCOUNTER_COUNT)]
    assert len(set(ids)) == ENCOUNTER_COUNT
