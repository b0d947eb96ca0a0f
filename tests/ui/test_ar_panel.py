"""The A/R panel, driven through its real widgets offscreen.

The test practice's claims are billed on 2026-03-10 (`tests.factories.bill`): Alice Zephyr's visit of 03-02 owes
Test Medicare $175.00 (CD00000001), Bob Young's of 03-03 owes Test Commercial $220.00 (CD00000002), and Dana Xu's
self-pay visit of 03-05 is $18.50 she owes herself. "Today" is 2026-04-15."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.aging import BUCKET_LABELS
from app.domain.money import format_money
from app.domain.posting import AdjustmentIn, ClaimPostingIn, LinePostingIn, RemittanceIn
from app.services.changes import Changes
from app.services.container import Services
from db.models import ClaimRecord, EncounterRecord
from tests.factories import bill
from ui.models.ar_models import AgingClaimsTableModel, AgingTableModel, WorkQueueTableModel
from ui.panels.ar import ArPanel
from ui.widgets.kpi_card import ATTENTION, NO_DATA, WITHIN, format_kpi

TODAY = dt.date(2026, 4, 15)
D = Decimal


@pytest.fixture
def sent(practice_desk: Services) -> Services:
    bill(practice_desk, on=dt.date(2026, 3, 10))
    return practice_desk


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


@pytest.fixture
def panel(qtbot: QtBot, sent: Services) -> Iterator[ArPanel]:
    widget = ArPanel(sent)
    qtbot.addWidget(widget)
    widget.today = TODAY
    widget.resize(1200, 800)
    widget.show()
    widget.as_of_edit.setDate(_qdate(TODAY))
    _wait_aging(qtbot, widget, TODAY, "payer")
    yield widget


def _wait_aging(qtbot: QtBot, panel: ArPanel, as_of: dt.date, by: str) -> None:
    def shown() -> bool:
        report = panel.aging_model.report
        return report is not None and report.as_of == as_of and report.by == by and not panel._jobs

    qtbot.waitUntil(shown, timeout=5000)


def _cell(panel: ArPanel, row: int, column: int) -> str:
    return str(panel.aging_model.index(row, column).data())


def _column_texts(panel: ArPanel, column: int) -> list[str]:
    return [_cell(panel, row, column) for row in range(panel.aging_model.rowCount())]


def _claim(services: Services, source_id: str) -> ClaimRecord:
    with services.db.session() as s:
        claim = s.scalar(select(ClaimRecord).join(EncounterRecord).where(EncounterRecord.source_id == source_id))
        assert claim is not None
        _ = claim.lines
        return claim


def _pay_medicare(desk: Services) -> None:
    """Medicare pays 88.00 on Alice's claim on 03-20: 65.00 contractual, 22.00 coinsurance to the secondary."""
    claim = _claim(desk, "E1")
    visit, draw = claim.lines
    desk.posting.post_remittance(
        RemittanceIn(
            payer_id=claim.payer_id,
            check_number="EFT1",
            check_date=dt.date(2026, 3, 20),
            total=D("88.00"),
            claims=(
                ClaimPostingIn(
                    claim.id,
                    "1",
                    (
                        LinePostingIn(
                            visit.id,
                            paid=D("72.00"),
                            then="next_payer",
                            adjustments=(AdjustmentIn("CO", "45", D("60.00")), AdjustmentIn("PR", "2", D("18.00"))),
                        ),
                        LinePostingIn(
                            draw.id,
                            paid=D("16.00"),
                            then="next_payer",
                            adjustments=(AdjustmentIn("CO", "45", D("5.00")), AdjustmentIn("PR", "2", D("4.00"))),
                        ),
                    ),
                ),
            ),
        )
    )


# --------------------------------------------------------------------------- aging


def test_the_aging_table_totals_equal_the_services_report(panel: ArPanel, sent: Services) -> None:
    report = sent.ar.aging(TODAY)
    model = panel.aging_model
    assert model.rowCount() == len(report.rows) + 2
    total_row = len(report.rows)
    assert _cell(panel, total_row, 0) == "Total"
    for n, bucket in enumerate(BUCKET_LABELS, start=1):
        assert _cell(panel, total_row, n) == format_money(report.totals[bucket])
        assert _cell(panel, total_row + 1, n) == f"{report.percentages[bucket]}%"
    assert _cell(panel, total_row, model.total_column) == format_money(report.total) == "$413.50"
    assert sorted(_column_texts(panel, 0)[:total_row]) == sorted(r.name for r in report.rows)
    assert "$413.50" in panel.aging_summary.text()


def test_posting_a_remittance_moves_the_aging_on_screen(qtbot: QtBot, panel: ArPanel, sent: Services) -> None:
    _pay_medicare(sent)
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "aging"):
        sent.bus.publish(Changes({"remittance": frozenset({1})}))
    report = sent.ar.aging(TODAY)
    assert "Test Medicare" not in _column_texts(panel, 0)
    assert _cell(panel, len(report.rows), panel.aging_model.total_column) == format_money(report.total)
    assert report.total != 41350


def test_switching_group_by_changes_the_rows(qtbot: QtBot, panel: ArPanel) -> None:
    assert "Test Medicare" in _column_texts(panel, 0)
    panel.group_combo.setCurrentIndex(panel.group_combo.findData("patient"))
    _wait_aging(qtbot, panel, TODAY, "patient")
    names = _column_texts(panel, 0)[:-2]
    assert sorted(names) == ["Xu, Dana (P004)", "Young, Bob (P002)", "Zephyr, Alice (P001)"]
    assert panel.aging_model.headerData(0, Qt.Orientation.Horizontal) == "Patient"
    panel.responsibility_combo.setCurrentIndex(panel.responsibility_combo.findData("patient"))
    qtbot.waitUntil(
        lambda: panel.aging_model.report is not None and panel.aging_model.report.responsibility == "patient"
    )
    assert _column_texts(panel, 0)[:-2] == ["Xu, Dana (P004)"]


def test_enter_on_a_cell_lists_the_claims_behind_it(qtbot: QtBot, panel: ArPanel, sent: Services) -> None:
    row = _column_texts(panel, 0).index("Test Commercial")
    bucket_column = 1 + BUCKET_LABELS.index("31-60")  # Bob's 03-03 visit is 43 days old
    panel.aging_table.setCurrentIndex(panel.aging_model.index(row, bucket_column))
    panel.aging_table.setFocus()
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "drill"):
        qtbot.keyClick(panel.aging_table, Qt.Key.Key_Return)
    model = panel.drill_model
    assert model.rowCount() == 1
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    assert texts[0] == _claim(sent, "E2").claim_number
    assert "Young, Bob (P002)" in texts and "$220.00" in texts and "43" in texts
    assert "Test Commercial" in panel.drill_box.title() and "31–60" in panel.drill_box.title()


def test_the_name_column_lists_every_age_and_an_empty_cell_lists_none(qtbot: QtBot, panel: ArPanel) -> None:
    row = _column_texts(panel, 0).index("Test Commercial")
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "drill"):
        panel.aging_table.doubleClicked.emit(panel.aging_model.index(row, 1 + BUCKET_LABELS.index("120+")))
    assert panel.drill_model.rowCount() == 0
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "drill"):
        panel.aging_table.doubleClicked.emit(panel.aging_model.index(row, 0))
    assert panel.drill_model.rowCount() == 1


def test_export_csv_writes_the_services_csv(
    qtbot: QtBot, panel: ArPanel, sent: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "aging.csv"
    asked: list[str] = []

    def save_as(_parent: object, _title: str, name: str, _filter: str) -> tuple[str, str]:
        asked.append(name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    panel.export_csv_button.click()
    qtbot.waitUntil(target.exists, timeout=5000)
    assert asked == ["ar-aging-2026-04-15.csv"]
    assert target.read_text(encoding="utf-8") == sent.ar.to_csv(sent.ar.aging(TODAY))
    qtbot.waitUntil(lambda: "Saved the aging report" in panel.message.text())


def test_an_empty_practice_says_nothing_is_owed(qtbot: QtBot, practice_desk: Services) -> None:
    widget = ArPanel(practice_desk)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.aging_model.report is not None)
    assert widget.aging_stack.currentWidget() is widget.aging_empty
    assert widget.aging_empty.title.text().startswith("Nothing owed")
    assert not widget.export_csv_action.isEnabled()


# --------------------------------------------------------------------------- work queue


def _open_queue(qtbot: QtBot, panel: ArPanel) -> None:
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "queue"):
        panel.tabs.setCurrentIndex(1)


def _queue_column(panel: ArPanel, header: str) -> list[str]:
    model = panel.queue_model
    column = [c.header for c in model.columns].index(header)
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_queue_lists_unpaid_claims_and_a_new_note_shows(qtbot: QtBot, panel: ArPanel, sent: Services) -> None:
    _open_queue(qtbot, panel)
    alice, bob = _claim(sent, "E1").claim_number, _claim(sent, "E2").claim_number
    assert sorted(_queue_column(panel, "Claim")) == sorted([alice, bob])
    assert _queue_column(panel, "Claim")[0] == bob, "the larger balance comes first"
    assert _queue_column(panel, "Balance")[0] == "$220.00"
    assert _queue_column(panel, "Age (days)")[0] == "36"  # billed 03-10

    row = _queue_column(panel, "Claim").index(alice)
    panel.queue_table.selectRow(row)
    panel.queue_table.setFocus()
    qtbot.keyClick(panel.queue_table, Qt.Key.Key_N)
    dialog = panel.note_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.date_edit.setDate(_qdate(dt.date(2026, 4, 20)))
    qtbot.keyClicks(dialog.note_edit, "Called Medicare: in process")
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "queue"):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    row = _queue_column(panel, "Claim").index(alice)
    assert _queue_column(panel, "Last note")[row] == "Called Medicare: in process"
    assert _queue_column(panel, "Next action")[row] == "04/20/2026"
    assert [n.note for n in sent.ar.notes(_claim(sent, "E1").id)] == ["Called Medicare: in process"]
    assert panel.selected_queue_item() is not None and panel.selected_queue_item().claim_number == alice
    assert "Called Medicare: in process" in panel.queue_detail.text()


def test_a_note_needs_text(qtbot: QtBot, panel: ArPanel) -> None:
    _open_queue(qtbot, panel)
    panel.add_note_button.click()
    dialog = panel.note_dialog
    assert dialog is not None
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "Write what was done" in dialog.problem.text()
    dialog.reject()


def test_my_work_today_shows_only_the_ticklers_that_came_due(qtbot: QtBot, panel: ArPanel, sent: Services) -> None:
    alice = _claim(sent, "E1")
    sent.ar.add_note(alice.id, "Resubmit if not paid", TODAY)
    _open_queue(qtbot, panel)
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "queue"):
        panel.my_work_check.setChecked(True)
    assert alice.claim_number in _queue_column(panel, "Claim")
    assert "1 tickler due" in panel.queue_summary.text()
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "queue"):
        panel.my_work_check.setChecked(False)
    assert len(_queue_column(panel, "Claim")) == 2


# --------------------------------------------------------------------------- key numbers


def _open_kpis(qtbot: QtBot, panel: ArPanel, date_from: dt.date, date_to: dt.date) -> None:
    panel.tabs.setCurrentIndex(2)
    panel.kpi_from_edit.setDate(_qdate(date_from))
    panel.kpi_to_edit.setDate(_qdate(date_to))

    def shown() -> bool:
        report = panel.kpi_report
        return (
            report is not None
            and (report.date_from, report.date_to) == (date_from, date_to)
            and bool(panel.trend_reports)
            and panel.trend_reports[-1].date_to == date_to
            and not panel._jobs
        )

    qtbot.waitUntil(shown, timeout=10000)


def test_the_kpi_cards_show_the_services_values_with_their_formulas(
    qtbot: QtBot, panel: ArPanel, sent: Services
) -> None:
    _pay_medicare(sent)
    _open_kpis(qtbot, panel, dt.date(2026, 3, 1), TODAY)
    expected = sent.kpi.kpis(dt.date(2026, 3, 1), TODAY)
    for key, card in panel.cards.items():
        kpi = expected.kpis[key]
        assert card.value_label.text() == format_kpi(kpi)
        assert kpi.formula in card.toolTip()
        assert kpi.benchmark in card.benchmark_label.text()
        assert card.status_label.text()
    assert expected.value("days_in_ar") is not None
    assert panel.cards["days_in_ar"].value_label.text() == f"{expected.value('days_in_ar'):.1f} days"
    # nothing is over 90 days old: within goal, said in words
    assert panel.cards["ar_over_90_pct"].status_label.text() == WITHIN
    # Medicare paid 88.00 of 395.00 charged less 65.00 contractual: far below 95%
    assert panel.cards["net_collection_rate"].status_label.text() == ATTENTION
    assert panel.cards["submission_lag_days"].status_label.text() != NO_DATA


def test_the_trend_follows_the_chosen_kpi(qtbot: QtBot, panel: ArPanel, sent: Services) -> None:
    _open_kpis(qtbot, panel, dt.date(2026, 3, 1), TODAY)
    assert len(panel.trend_reports) == 12
    assert panel.trend_reports[-1].date_from == dt.date(2026, 4, 1)
    panel.trend_combo.setCurrentIndex(panel.trend_combo.findData("ar_over_90_pct"))
    chart = panel.trend_chart
    assert chart.title == "A/R over 90 days by month" and chart.unit == "%"
    assert [p.label for p in chart.points][-2:] == ["Mar", "Apr"]
    assert chart.points[-1].value == sent.kpi.kpis(dt.date(2026, 4, 1), TODAY).value("ar_over_90_pct")


# --------------------------------------------------------------------------- charts and models


def test_the_charts_paint_in_light_and_dark_palettes(qtbot: QtBot, panel: ArPanel) -> None:
    _open_kpis(qtbot, panel, dt.date(2026, 3, 1), TODAY)
    assert [b.cents for b in panel.bar_chart.bars] == [0, 41350, 0, 0, 0]  # every visit is 41–44 days old
    assert "31–60 days: $413.50" in panel.bar_chart.accessibleDescription()
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#202124"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"),
    ):
        dark.setColor(role, QColor(colour))
    for chart in (panel.bar_chart, panel.trend_chart):
        light_image = chart.grab().toImage()
        assert not light_image.isNull() and light_image.width() > 100
        chart.setPalette(dark)
        dark_image = chart.grab().toImage()
        assert dark_image != light_image
    panel.bar_chart.set_bars([])
    assert not panel.bar_chart.grab().isNull()


def test_the_models_follow_qts_rules(qtmodeltester, qtbot: QtBot, panel: ArPanel) -> None:  # noqa: ANN001
    assert isinstance(panel.aging_model, AgingTableModel)
    qtmodeltester.check(panel.aging_model)
    panel.aging_model.sort(panel.aging_model.total_column, Qt.SortOrder.DescendingOrder)
    assert _cell(panel, 0, 0) == "Test Commercial" and _cell(panel, 3, 0) == "Total"
    qtmodeltester.check(panel.aging_model)
    row = _column_texts(panel, 0).index("Test Commercial")
    with qtbot.waitSignal(panel.refreshed, timeout=5000, check_params_cb=lambda tab: tab == "drill"):
        panel.aging_table.doubleClicked.emit(panel.aging_model.index(row, 0))
    assert isinstance(panel.drill_model, AgingClaimsTableModel)
    qtmodeltester.check(panel.drill_model)
    _open_queue(qtbot, panel)
    assert isinstance(panel.queue_model, WorkQueueTableModel)
    qtmodeltester.check(panel.queue_model)
    panel.queue_model.sort(6, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(panel.queue_model)
    empty = AgingTableModel()
    qtmodeltester.check(empty)
