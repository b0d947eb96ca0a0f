"""The Code lookup panel over a small fake code-set service, driven by keys and clicks offscreen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.domain.codes import CodeDetail
from app.services.container import Services
from tests.ui.fake_codesets import WARNING_FY2027, FakeCodeSets
from tests.ui.helpers import open_window
from ui.jobs import wait_for_jobs
from ui.models.code_results_model import HEADER_TEXT, CodeResultsTableModel, CodeTreeModel, CodeTreeSource
from ui.panels.code_lookup import CodeLookupPanel
from ui.widgets.code_detail_view import needs_seventh, seventh_choices, with_seventh

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def codesets() -> FakeCodeSets:
    return FakeCodeSets()


@pytest.fixture
def panel(qtbot: QtBot, codesets: FakeCodeSets) -> Iterator[CodeLookupPanel]:
    widget = CodeLookupPanel(SimpleNamespace(codesets=codesets), today=lambda: TODAY)  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.resize(1200, 720)
    widget.show()
    qtbot.waitExposed(widget)
    widget.search_edit.setFocus()
    yield widget
    wait_for_jobs()


def search(qtbot: QtBot, panel: CodeLookupPanel, text: str) -> None:
    panel.search_edit.clear()
    qtbot.keyClicks(panel.search_edit, text)
    qtbot.waitUntil(lambda: not panel.searching and panel._shown_query == (text, panel.system))


def shown_codes(panel: CodeLookupPanel) -> list[str]:
    return [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]


def open_with_enter(qtbot: QtBot, panel: CodeLookupPanel, text: str, code: str) -> None:
    search(qtbot, panel, text)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.detail_view.detail is not None and panel.detail_view.detail.code == code)


def test_typing_a_code_without_its_dot_shows_that_code_first(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    search(qtbot, panel, "e119")

    assert shown_codes(panel)[0] == "E11.9"
    assert panel.model.index(0, 2).data() == "Billable"
    assert panel.count_label.text() == "1 match in any code set"


def test_enter_reads_the_code_with_its_excludes1_notes_and_where_they_come_from(
    qtbot: QtBot, panel: CodeLookupPanel
) -> None:
    open_with_enter(qtbot, panel, "e119", "E11.9")

    view = panel.detail_view
    text = view.body.toPlainText()
    assert view.title_label.text() == "E11.9   Type 2 diabetes mellitus without complications"
    assert view.status_label.text() == "Billable"
    assert view.validity_label.text() == "Release FY2026 · valid 10/01/2025 – 09/30/2026"
    assert "Excludes1" in text
    assert "gestational diabetes (O24.4-) — from E11" in text
    assert text.index("Includes") < text.index("Excludes1") < text.index("Use additional code")
    assert "For patients aged 15 and older." in text


def test_down_from_the_search_box_enters_the_list_and_enter_opens_the_row(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    search(qtbot, panel, "dm2")
    assert shown_codes(panel)[:3] == ["E11.65", "E11.8", "E11.9"]
    assert panel.model.index(0, 3).data() == "abbreviation DM2"

    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert panel.table.currentIndex().row() == 0
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: panel.detail_view.detail is not None and panel.detail_view.detail.code == "E11.8")


def test_a_header_code_shows_its_children_and_following_one_opens_it(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    open_with_enter(qtbot, panel, "e11", "E11")
    view = panel.detail_view
    assert shown_codes(panel)[0] == "E11"
    assert panel.model.index(0, 2).data() == HEADER_TEXT
    assert view.status_label.text() == HEADER_TEXT
    text = view.body.toPlainText()
    assert "Codes under it" in text
    assert "E11.9  Type 2 diabetes mellitus without complications" in text.replace("\xa0", " ")

    # Tab walks the links in the details (the parent has none, so the first is the first child).
    view.body.setFocus()
    qtbot.keyClick(view.body, Qt.Key.Key_Tab)
    qtbot.keyClick(view.body, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: view.detail is not None and view.detail.code == "E11.6")
    assert view.title_label.text().startswith("E11.6")


def test_the_seventh_character_picker_builds_the_full_code_and_copies_it(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    open_with_enter(qtbot, panel, "s52521", "S52.521")
    view = panel.detail_view
    assert view.seventh_box.isVisible()
    assert view.status_label.text() == "Needs a 7th character"
    assert view.seventh_combo.currentText() == "A — initial encounter for closed fracture"
    assert view.full_code_label.text() == "S52.521 + A = <b>S52.521A</b>"

    view.seventh_combo.setFocus()
    qtbot.keyClick(view.seventh_combo, Qt.Key.Key_Down)
    qtbot.keyClick(view.seventh_combo, Qt.Key.Key_Down)
    assert view.full_code_label.text() == "S52.521 + D = <b>S52.521D</b>"

    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "S52.521D"
    assert panel.status_label.text() == "Copied S52.521D to the clipboard."


def test_ctrl_c_copies_the_highlighted_code(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    QGuiApplication.clipboard().setText("something else")
    search(qtbot, panel, "htn")

    qtbot.keyClick(panel.search_edit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    assert QGuiApplication.clipboard().text() == "I10"


def test_ctrl_c_copies_the_code_being_read(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    open_with_enter(qtbot, panel, "e119", "E11.9")
    panel.table.setFocus()

    qtbot.keyClick(panel.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    assert QGuiApplication.clipboard().text() == "E11.9"


def test_the_code_set_selector_filters_the_results(
    qtbot: QtBot, panel: CodeLookupPanel, codesets: FakeCodeSets
) -> None:
    search(qtbot, panel, "vitamin")
    assert shown_codes(panel) == ["J3420"]

    panel.set_system("icd10cm")
    qtbot.waitUntil(lambda: panel._shown_query == ("vitamin", "icd10cm"))

    assert codesets.searches[-1] == ("vitamin", "icd10cm")
    assert shown_codes(panel) == []
    assert panel.count_label.text() == "No matches"
    assert "No codes match “vitamin” in ICD-10-CM." in panel.empty_label.text()

    panel.set_system("hcpcs")
    qtbot.waitUntil(lambda: panel._shown_query == ("vitamin", "hcpcs"))
    assert shown_codes(panel) == ["J3420"]


def test_hcpcs_codes_show_descriptions_attributes_and_the_medicare_fee(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    panel.set_system("hcpcs")
    open_with_enter(qtbot, panel, "j3420", "J3420")

    text = panel.detail_view.body.toPlainText()
    assert "Vitamin b12 injection" in text
    assert "Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg" in text
    assert "BETOS" in text and "O1D" in text
    assert "$0.64 (non-facility, locality 0111205)" in text
    assert "Conversion factor" in text and "$32.3465" in text


def test_the_coverage_banner_says_in_words_which_release_is_missing(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    qtbot.waitUntil(lambda: panel.banner.isVisible())

    assert panel.banner_label.text() == WARNING_FY2027


def test_no_banner_when_todays_date_is_covered(qtbot: QtBot, codesets: FakeCodeSets) -> None:
    widget = CodeLookupPanel(SimpleNamespace(codesets=codesets), today=lambda: dt.date(2026, 3, 1))  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget._coverage_job is None)

    assert not widget.banner.isVisible()
    wait_for_jobs()


def test_use_code_shows_only_when_something_takes_codes(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    open_with_enter(qtbot, panel, "s52521", "S52.521")
    assert not panel.detail_view.use_button.isVisible()

    chosen: list[tuple[str, str]] = []
    panel.code_chosen.connect(lambda code, system: chosen.append((code, system)))
    qtbot.waitUntil(lambda: panel.detail_view.use_button.isVisible())
    assert panel.detail_view.use_button.isEnabled()

    qtbot.keyClick(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert chosen == [("S52.521A", "icd10cm")]


def test_use_code_is_disabled_on_a_header(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    panel.accepts_codes = True
    chosen: list[str] = []
    panel.code_chosen.connect(lambda code, _system: chosen.append(code))
    open_with_enter(qtbot, panel, "e11", "E11")

    assert panel.detail_view.use_button.isVisible()
    assert not panel.detail_view.use_button.isEnabled()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert chosen == []
    assert panel.status_label.text().startswith("E11 is a header")


def test_the_empty_state_says_what_can_be_typed_and_esc_brings_it_back(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    hint = panel.empty_label.text()
    assert panel.empty_frame.isVisible()
    assert "DM2" in hint and "HTN" in hint and "e119" in hint

    search(qtbot, panel, "e11")
    assert panel.table.isVisible()
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Escape)

    assert panel.search_edit.text() == ""
    assert panel.empty_frame.isVisible()
    assert panel.model.rowCount() == 0


def test_ctrl_f_puts_the_cursor_in_the_search_box(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    panel.activateWindow()
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(panel.search_edit.hasFocus)


def test_the_tree_loads_chapters_sections_and_codes_as_they_open(qtbot: QtBot, panel: CodeLookupPanel) -> None:
    panel.tabs.setCurrentWidget(panel.tree)
    model = panel.tree_model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    chapter = model.index(0, 0)
    assert chapter.data() == "Chapter 4"
    assert model.index(0, 1).data() == "Endocrine, nutritional and metabolic diseases (E00-E89)"

    panel.tree.expand(chapter)
    qtbot.waitUntil(lambda: model.rowCount(chapter) == 1)
    section = model.index(0, 0, chapter)
    panel.tree.expand(section)
    qtbot.waitUntil(lambda: model.rowCount(section) == 2)
    e11 = model.index(1, 0, section)
    assert e11.data() == "E11"
    panel.tree.expand(e11)
    qtbot.waitUntil(lambda: model.rowCount(e11) == 3)
    e119 = model.index(2, 0, e11)
    assert e119.data() == "E11.9"
    assert not model.hasChildren(e119)

    panel.tree.setFocus()
    panel.tree.setCurrentIndex(e119)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.detail_view.detail is not None and panel.detail_view.detail.code == "E11.9")


def test_the_results_model_passes_the_model_tester(qtmodeltester, codesets: FakeCodeSets) -> None:  # noqa: ANN001
    model = CodeResultsTableModel()
    model.set_rows(codesets.search("e11"))
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_the_tree_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester, codesets: FakeCodeSets) -> None:  # noqa: ANN001
    model = CodeTreeModel(CodeTreeSource(codesets).load)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    chapter = model.index(1, 0)
    model.fetchMore(chapter)
    qtbot.waitUntil(lambda: model.rowCount(chapter) == 1)
    section = model.index(0, 0, chapter)
    model.fetchMore(section)
    qtbot.waitUntil(lambda: model.rowCount(section) == 1)

    qtmodeltester.check(model)
    wait_for_jobs()


def test_the_7th_character_choices_are_those_the_release_lists_for_the_code() -> None:
    torus = CodeDetail(
        "S52.521",
        "icd10cm",
        "Torus fracture of lower end of right radius",
        False,
        "FY2026",
        children=(("S52.521A", "… initial"), ("S52.521D", "… subsequent")),
        seventh_characters=(("A", "initial"), ("B", "open fracture"), ("D", "subsequent")),
    )
    unlisted = CodeDetail("T14.8", "icd10cm", "Other injury", False, "FY2026", seventh_characters=(("A", "initial"),))

    assert needs_seventh(torus) and needs_seventh(unlisted)
    assert [ch for ch, _m in seventh_choices(torus)] == ["A", "D"]
    assert with_seventh("T14.8", "A") == "T14.8XXA"


def test_in_the_main_window_ctrl_f_finds_in_the_panel_on_show(qtbot: QtBot, desk: Services) -> None:
    window, encounters = open_window(qtbot, desk)
    window.show_panel("codes")
    codes = window.panels["codes"]
    assert isinstance(codes, CodeLookupPanel)
    window.activateWindow()
    codes.table.setFocus()

    qtbot.keyClick(codes.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(codes.search_edit.hasFocus)
    assert not encounters.search_edit.hasFocus()
