"""EncounterService.detail: the read-only record behind the details pane (headless)."""

from __future__ import annotations

import pytest

from app.domain.worklist import WorklistFilter, WorklistSort
from app.errors import NotFoundError
from app.services.container import Services


def _first(desk: Services, status: str) -> int:
    rows = desk.encounters.page(WorklistFilter(statuses=frozenset({status})), WorklistSort(), 0, 1)
    return rows[0].encounter_id


def test_a_coded_encounter_has_its_diagnoses_and_lines_with_letter_pointers(desk: Services) -> None:
    # Newest ready-to-bill visit is V038: three diagnoses, two lines (see worklist_data).
    detail = desk.encounters.detail(_first(desk, "ready_to_bill"))

    assert detail.patient_name == "Clark, Cleo"
    assert detail.status_label == "Ready to bill"
    assert detail.diagnoses == ("E119", "I10", "J069")
    assert [(line.code, line.modifiers, line.units, line.charge_cents, line.pointers) for line in detail.lines] == [
        ("99213", (), 1, 12000, "A"),
        ("36415", ("25",), 2, 3000, "BA"),
    ]
    assert detail.total_charge_cents == 15000
    assert detail.facility_name == "Maple Street Clinic" and detail.place_of_service == "11"
    assert detail.note_text.startswith("Visit 38:")


def test_an_encounter_on_hold_carries_its_query(desk: Services) -> None:
    detail = desk.encounters.detail(_first(desk, "on_hold"))
    assert detail.hold_reason == "Missing laterality"
    assert detail.query_text is not None and detail.query_text.startswith("Which side")
    assert detail.diagnoses == () and detail.lines == ()


def test_a_self_pay_patient_shows_self_pay(desk: Services) -> None:
    rows = desk.encounters.page(WorklistFilter(search="Khan"), WorklistSort(), 0, 1)
    assert desk.encounters.detail(rows[0].encounter_id).payer_name == "Self-pay"


def test_an_unknown_encounter_is_not_found(desk: Services) -> None:
    with pytest.raises(NotFoundError):
        desk.encounters.detail(999_999)
