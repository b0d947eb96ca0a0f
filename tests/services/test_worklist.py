"""The Encounters worklist filters, searches, sorts and pages on the database."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.worklist import WorklistColumn, WorklistFilter, WorklistSort
from app.services.container import Services


def test_every_encounter_is_listed_without_a_filter(loaded: Services) -> None:
    assert loaded.encounters.count(WorklistFilter()) == 5


def test_status_provider_payer_and_dates_narrow_the_list(loaded: Services) -> None:
    enc = loaded.encounters
    assert enc.count(WorklistFilter(statuses=frozenset({"on_hold"}))) == 1
    assert enc.count(WorklistFilter(statuses=frozenset({"new", "on_hold"}))) == 2
    able = next(c.id for c in enc.provider_choices() if c.label.startswith("Able"))
    assert enc.count(WorklistFilter(provider_id=able)) == 3
    medicare = next(c.id for c in enc.payer_choices() if c.label == "Test Medicare")
    assert enc.count(WorklistFilter(payer_id=medicare)) == 1
    assert enc.count(WorklistFilter(date_from=dt.date(2026, 3, 3), date_to=dt.date(2026, 3, 4))) == 2


def test_search_finds_patients_by_name_or_account(loaded: Services) -> None:
    enc = loaded.encounters
    assert enc.count(WorklistFilter(search="young")) == 3
    assert enc.count(WorklistFilter(search="Young, Co")) == 1
    assert enc.count(WorklistFilter(search="p004")) == 1
    assert enc.count(WorklistFilter(search="nobody")) == 0
    assert enc.page(WorklistFilter(search="nobody"), WorklistSort(), 0, 10) == []
    assert enc.count(WorklistFilter(search="%")) == 0, "SQL wildcards are searched literally"


def test_rows_sort_by_any_column_and_page(loaded: Services) -> None:
    enc = loaded.encounters
    by_charge = enc.page(WorklistFilter(), WorklistSort(WorklistColumn.CHARGES, descending=True), 0, 5)
    assert [r.charge_cents for r in by_charge] == sorted((r.charge_cents for r in by_charge), reverse=True)
    by_patient = enc.page(WorklistFilter(), WorklistSort(WorklistColumn.PATIENT, descending=False), 0, 5)
    assert by_patient[0].patient_name == "Xu, Dana"
    first = enc.page(WorklistFilter(), WorklistSort(), 0, 2)
    second = enc.page(WorklistFilter(), WorklistSort(), 2, 2)
    assert len(first) == 2 and len(second) == 2
    assert not {r.encounter_id for r in first} & {r.encounter_id for r in second}


def test_held_rows_carry_their_query_and_self_pay_is_named(loaded: Services) -> None:
    rows = {r.account_number + r.status: r for r in loaded.encounters.page(WorklistFilter(), WorklistSort(), 0, 10)}
    held = rows["P002on_hold"]
    assert held.hold_reason == "laterality missing" and held.query_text == "Which knee?"
    assert held.status_label == "On hold"
    assert rows["P004ready_to_bill"].payer_name == "Self-pay"


def test_status_counts_cover_every_status(loaded: Services) -> None:
    counts = loaded.encounters.status_counts()
    assert counts["ready_to_bill"] == 3 and counts["billed"] == 0 and counts["new"] == 1


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", list(WorklistColumn))
def test_small_pages_join_up_to_the_full_sorted_list(
    loaded: Services, column: WorklistColumn, descending: bool
) -> None:
    enc = loaded.encounters
    sort = WorklistSort(column, descending)
    whole = enc.page(WorklistFilter(), sort, 0, 100)
    paged = [row for offset in range(0, 6, 2) for row in enc.page(WorklistFilter(), sort, offset, 2)]
    assert [r.encounter_id for r in paged] == [r.encounter_id for r in whole]
    assert len(whole) == 5


def test_payer_sort_puts_self_pay_first_then_payers_by_name(loaded: Services) -> None:
    rows = loaded.encounters.page(WorklistFilter(), WorklistSort(WorklistColumn.PAYER, False), 0, 10)
    names = [r.payer_name for r in rows]
    assert names[0] == "Self-pay"
    assert names[1:] == sorted(names[1:])
    backwards = loaded.encounters.page(WorklistFilter(), WorklistSort(WorklistColumn.PAYER, True), 0, 10)
    assert [r.encounter_id for r in backwards] == [r.encounter_id for r in reversed(rows)]
