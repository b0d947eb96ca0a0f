"""The type-ahead code picker: keyboard first, billable codes only, headers answered with their codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.codes import SearchHit
from tests.ui.fake_codesets import FakeCodeSets
from ui.jobs import wait_for_jobs
from ui.widgets.code_picker import CodePicker


class NoSeventhChildren(FakeCodeSets):
    """A service that lists no 7-character codes under S52.521 (they come from its 7th-character rules)."""

    def children(self, code: str) -> list[tuple[str, str, bool]]:
        return [] if code == "S52.521" else super().children(code)


_hosts: list[QWidget] = []  # qtbot holds widgets weakly; the window must outlive make_picker()


def make_picker(qtbot: QtBot, service: FakeCodeSets) -> tuple[CodePicker, list[SearchHit]]:
    host = QWidget()
    _hosts.append(host)
    qtbot.addWidget(host)
    picker = CodePicker(service, "icd10cm", host)
    host.resize(600, 300)
    host.show()
    qtbot.waitExposed(host)
    picked: list[SearchHit] = []
    picker.code_picked.connect(picked.append)
    picker.line_edit.setFocus()
    return picker, picked


@pytest.fixture
def picker_and_picked(qtbot: QtBot) -> Iterator[tuple[CodePicker, list[SearchHit]]]:
    yield make_picker(qtbot, FakeCodeSets())
    wait_for_jobs()
    _hosts.clear()


def type_and_wait(qtbot: QtBot, picker: CodePicker, text: str) -> None:
    qtbot.keyClicks(picker.line_edit, text)
    qtbot.waitUntil(lambda: not picker.busy and picker.popup_visible)


def test_typing_and_enter_picks_the_top_billable_hit(qtbot: QtBot, picker_and_picked) -> None:  # noqa: ANN001
    picker, picked = picker_and_picked
    type_and_wait(qtbot, picker, "e119")
    assert picker.model.index(0, 0).data() == "E11.9"

    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)

    assert [h.code for h in picked] == ["E11.9"]
    assert picker.line_edit.text() == ""
    assert not picker.popup_visible
    assert not picker.message.isVisible()


def test_enter_before_the_results_arrive_picks_the_top_hit_when_they_do(qtbot: QtBot, picker_and_picked) -> None:  # noqa: ANN001
    picker, picked = picker_and_picked
    qtbot.keyClicks(picker.line_edit, "htn")
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: len(picked) == 1)
    assert picked[0].code == "I10"


def test_down_and_up_move_through_the_list_and_esc_closes_it(qtbot: QtBot, picker_and_picked) -> None:  # noqa: ANN001
    picker, picked = picker_and_picked
    type_and_wait(qtbot, picker, "dm2")
    codes = [picker.model.index(r, 0).data() for r in range(picker.model.rowCount())]
    assert codes[:3] == ["E11.65", "E11.8", "E11.9"]

    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Up)
    assert picker.popup.current_row() == 1
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Escape)
    assert not picker.popup_visible
    assert picked == []

    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Down)  # opens the list again, still on the same row
    assert picker.popup_visible
    assert picker.popup.current_row() == 1
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)
    assert [h.code for h in picked] == ["E11.8"]


def test_a_header_is_refused_and_its_codes_are_offered(qtbot: QtBot, picker_and_picked) -> None:  # noqa: ANN001
    picker, picked = picker_and_picked
    type_and_wait(qtbot, picker, "e11")
    assert picker.model.index(0, 0).data() == "E11"

    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.choices_view.isVisible())

    assert picked == []
    assert "<b>E11</b> Type 2 diabetes mellitus is a header, not a billable code" in picker.message_label.text()
    assert [(h.code, h.billable) for h in picker.choices] == [("E11.6", False), ("E11.8", True), ("E11.9", True)]
    assert picker.choices_view.current_row() == 1  # the first billable one

    qtbot.keyClick(picker.choices_view, Qt.Key.Key_Down)
    qtbot.keyClick(picker.choices_view, Qt.Key.Key_Return)

    assert [h.code for h in picked] == ["E11.9"]
    assert not picker.message.isVisible()


def test_choosing_another_header_among_the_offered_codes_offers_its_codes_in_turn(
    qtbot: QtBot,
    picker_and_picked,  # noqa: ANN001
) -> None:
    picker, picked = picker_and_picked
    type_and_wait(qtbot, picker, "e11")
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.choices_view.isVisible())

    qtbot.keyClick(picker.choices_view, Qt.Key.Key_Up)  # from the first billable code to E11.6
    assert picker.choices_view.current_row() == 0
    qtbot.keyClick(picker.choices_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [h.code for h in picker.choices] == ["E11.65"])

    assert picked == []
    qtbot.keyClick(picker.choices_view, Qt.Key.Key_Return)
    assert [h.code for h in picked] == ["E11.65"]


@pytest.mark.parametrize("service", [FakeCodeSets(), NoSeventhChildren()], ids=["listed", "from-7th-rules"])
def test_a_code_that_needs_a_7th_character_offers_the_full_codes(qtbot: QtBot, service: FakeCodeSets) -> None:
    picker, picked = make_picker(qtbot, service)
    type_and_wait(qtbot, picker, "S52.521")
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.choices_view.isVisible())

    assert picked == []
    assert "<b>S52.521</b> needs a 7th character" in picker.message_label.text()
    assert [h.code for h in picker.choices] == ["S52.521A", "S52.521B", "S52.521D", "S52.521S"]
    assert picker.choices[0].description.endswith("initial encounter for closed fracture")

    qtbot.keyClick(picker.choices_view, Qt.Key.Key_Return)
    assert [h.code for h in picked] == ["S52.521A"]
    wait_for_jobs()


def test_esc_from_the_offered_codes_goes_back_to_typing(qtbot: QtBot, picker_and_picked) -> None:  # noqa: ANN001
    picker, picked = picker_and_picked
    type_and_wait(qtbot, picker, "e11")
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.choices_view.isVisible())

    qtbot.keyClick(picker.choices_view, Qt.Key.Key_Escape)
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Escape)

    assert not picker.message.isVisible()
    assert picked == []


def test_the_system_limits_what_the_picker_finds(qtbot: QtBot) -> None:
    service = FakeCodeSets()
    picker, picked = make_picker(qtbot, service)
    picker.set_system("hcpcs")
    qtbot.keyClicks(picker.line_edit, "j3420")
    qtbot.keyClick(picker.line_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: len(picked) == 1)
    assert (picked[0].code, picked[0].system) == ("J3420", "hcpcs")
    assert service.searches[-1] == ("j3420", "hcpcs")
    wait_for_jobs()
