"""The worklist table model on its own: Qt's model rules, formatting, lazy pages and stale results."""

from __future__ import annotations

import datetime as dt
import threading
import time

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.domain.worklist import EncounterDetailLine, WorklistColumn, WorklistFilter, WorklistRow, WorklistSort
from app.services.container import Services
from tests.ui.worklist_data import ENCOUNTER_COUNT
from ui.models.service_lines_model import ServiceLinesTableModel
from ui.models.worklist_model import COLUMNS, WorklistTableModel


def _row(i: int, status: str = "new", **kw: object) -> WorklistRow:
    values: dict[str, object] = dict(
        encounter_id=i,
        patient_name=f"Doe, Pat{i}",
        account_number=f"A{i}",
        date_of_service=dt.date(2025, 2, 3),
        provider_name="Nguyen, Rosa MD",
        payer_name="Self-pay",
        status=status,
        charge_cents=123456,
        hold_reason=None,
        query_text=None,
    )
    values.update(kw)
    return WorklistRow(**values)  # type: ignore[arg-type]


def _cell(
    model: WorklistTableModel, row: int, column: WorklistColumn, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    return model.index(row, COLUMNS.index(column)).data(role)


def test_the_model_follows_qts_rules_with_rows(qtmodeltester, qtbot: QtBot, desk: Services) -> None:  # noqa: ANN001
    model = WorklistTableModel(desk.encounters.page, page_size=9)
    flt, sort = WorklistFilter(), WorklistSort()
    assert model.set_results(flt, sort, desk.encounters.count(flt), desk.encounters.page(flt, sort, 0, 9))
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: model.rowCount() > 9 and not model.fetching)  # the tester asked for more
    qtmodeltester.check(model)


def test_the_model_follows_qts_rules_when_empty(qtmodeltester) -> None:  # noqa: ANN001
    model = WorklistTableModel()
    qtmodeltester.check(model)
    model.set_rows([_row(1), _row(2, "on_hold", hold_reason="Why", query_text="Which knee?")])
    qtmodeltester.check(model)


def test_the_service_lines_model_follows_qts_rules(qtmodeltester) -> None:  # noqa: ANN001
    model = ServiceLinesTableModel()
    model.set_rows([EncounterDetailLine("99213", ("25",), 1, 12000, "AB")])
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "$120.00"
    assert model.index(0, 4).data() == "AB"


def test_cells_are_formatted_for_people_and_carry_the_encounter_id(qtbot: QtBot) -> None:
    model = WorklistTableModel()
    model.set_rows([_row(7), _row(8, "on_hold", hold_reason="Missing laterality", query_text="Which knee?")])

    assert _cell(model, 0, WorklistColumn.CHARGES) == "$1,234.56"
    assert _cell(model, 0, WorklistColumn.DATE_OF_SERVICE) == "02/03/2025"
    assert _cell(model, 0, WorklistColumn.STATUS) == "New"
    assert _cell(model, 0, WorklistColumn.PATIENT, Qt.ItemDataRole.UserRole) == 7
    charges_alignment = Qt.AlignmentFlag(_cell(model, 0, WorklistColumn.CHARGES, Qt.ItemDataRole.TextAlignmentRole))
    assert charges_alignment & Qt.AlignmentFlag.AlignRight
    assert _cell(model, 0, WorklistColumn.STATUS, Qt.ItemDataRole.DecorationRole) is not None
    assert _cell(model, 0, WorklistColumn.PATIENT, Qt.ItemDataRole.ToolTipRole) is None

    assert _cell(model, 1, WorklistColumn.STATUS) == "On hold"
    tip = _cell(model, 1, WorklistColumn.PATIENT, Qt.ItemDataRole.ToolTipRole)
    assert tip == "On hold: Missing laterality\nQuery: Which knee?"


def test_pages_load_until_the_count_and_never_past_it(qtbot: QtBot, desk: Services) -> None:
    model = WorklistTableModel(desk.encounters.page, page_size=7)
    flt, sort = WorklistFilter(), WorklistSort(WorklistColumn.PATIENT)
    model.set_sort(sort)
    assert model.set_results(flt, sort, desk.encounters.count(flt), desk.encounters.page(flt, sort, 0, 7))
    assert model.rowCount() == 7

    sizes = []
    while model.canFetchMore(QModelIndex()):
        with qtbot.waitSignal(model.rowsInserted):
            model.fetchMore(QModelIndex())
            assert not model.canFetchMore(QModelIndex())  # one page in flight at a time
        sizes.append(model.rowCount())
        assert model.rowCount() <= model.total == ENCOUNTER_COUNT
    assert sizes == [14, 21, 28, 35, 40]
    everything = desk.encounters.page(flt, sort, 0, 1000)
    assert [model.row_at(i) for i in range(ENCOUNTER_COUNT)] == everything


def test_a_page_that_arrives_after_the_sort_changed_is_dropped(qtbot: QtBot, desk: Services) -> None:
    model = WorklistTableModel(desk.encounters.page, page_size=5)
    flt, sort = WorklistFilter(), WorklistSort()
    assert model.set_results(flt, sort, ENCOUNTER_COUNT, desk.encounters.page(flt, sort, 0, 5))

    model.fetchMore(QModelIndex())
    model.sort(COLUMNS.index(WorklistColumn.ACCOUNT), Qt.SortOrder.AscendingOrder)
    qtbot.wait(100)

    assert model.rowCount() == 5
    assert not model.fetching


def test_a_changed_sort_asks_for_a_reload_and_fetches_nothing_meanwhile(qtbot: QtBot, desk: Services) -> None:
    model = WorklistTableModel(desk.encounters.page, page_size=5)
    flt, old_sort = WorklistFilter(), WorklistSort()
    assert model.set_results(flt, old_sort, ENCOUNTER_COUNT, desk.encounters.page(flt, old_sort, 0, 5))

    with qtbot.waitSignal(model.query_changed):
        model.sort(COLUMNS.index(WorklistColumn.PATIENT), Qt.SortOrder.AscendingOrder)
    assert model.sort_order == WorklistSort(WorklistColumn.PATIENT, descending=False)
    assert not model.canFetchMore(QModelIndex())

    # Results that arrive for the old sort are dropped; the new sort's are shown.
    assert not model.set_results(flt, old_sort, ENCOUNTER_COUNT, [_row(1)])
    new_rows = desk.encounters.page(flt, model.sort_order, 0, 5)
    assert model.set_results(flt, model.sort_order, ENCOUNTER_COUNT, new_rows)
    assert model.row_at(0) == new_rows[0]
    assert model.canFetchMore(QModelIndex())


def test_fetching_a_page_leaves_the_ui_thread_free(qtbot: QtBot) -> None:
    release = threading.Event()
    threads: list[threading.Thread] = []

    def slow_page(flt: WorklistFilter, sort: WorklistSort, offset: int, limit: int) -> list[WorklistRow]:
        threads.append(threading.current_thread())
        release.wait(2)
        return [_row(offset + i) for i in range(limit)]

    model = WorklistTableModel(slow_page, page_size=3)
    model.set_rows([_row(0), _row(1), _row(2)], total=5)
    started = time.perf_counter()
    model.fetchMore(QModelIndex())
    assert time.perf_counter() - started < 0.5  # returned at once; the page is still on its way
    assert model.fetching and model.rowCount() == 3
    release.set()
    qtbot.waitUntil(lambda: model.rowCount() == 5)
    assert threads[0] is not threading.main_thread()
    assert [model.row_at(i).encounter_id for i in range(5)] == [0, 1, 2, 3, 4]
