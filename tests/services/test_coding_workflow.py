"""A coder's day with the coding service: open, code, save, hold with a query, mark ready."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.coding import Coding
from app.errors import ClaimDeskError, ValidationError
from app.services.coding import HeaderCodeError
from app.services.container import Services
from db.models import AuditLogRecord, EncounterRecord, ServiceLineRecord
from tests.factories import bill

DOS = dt.date(2026, 3, 4)


def _id(services: Services, source_id: str) -> int:
    with services.db.session() as s:
        return s.scalar(select(EncounterRecord.id).where(EncounterRecord.source_id == source_id))


def _coded(services: Services) -> Coding:
    c = services.coding
    value = Coding().add_diagnosis(c.diagnosis("h66.92", DOS)).add_diagnosis(c.diagnosis("R50.9", DOS))
    return value.add_line(c.service_line("99213", DOS, pointers=(1, 2)))


def test_opening_a_new_encounter_shows_the_patient_coverage_and_note(loaded: Services) -> None:
    ws = loaded.coding.open(_id(loaded, "E3"))
    assert (ws.patient_name, ws.account_number, ws.status) == ("Young, Cody", "P003", "new")
    assert ws.age == 11 and ws.coverages[0].payer_name == "Test Commercial"
    assert ws.coverages[0].eligibility == "not verified"
    assert "not verified for 03/04/2026" in ws.eligibility_warning
    assert ws.code_set_warning is None and ws.coding == Coding() and ws.editable


def test_a_header_code_is_refused_with_its_billable_children(loaded: Services) -> None:
    with pytest.raises(HeaderCodeError) as err:
        loaded.coding.diagnosis("H66.9", DOS)
    assert "header" in str(err.value)
    assert any(code == "H66.92" for code, _text, billable in err.value.children)


def test_a_new_line_takes_its_price_from_the_charge_master(loaded: Services) -> None:
    line = loaded.coding.service_line("99214", DOS, units=1)
    assert line.charge == Decimal("220.00") and line.description == "Office visit est, moderate"
    assert loaded.coding.service_line("36415", DOS, units=2).charge == Decimal("50.00")
    with pytest.raises(ValidationError, match="not a CPT or HCPCS"):
        loaded.coding.service_line("E11.9", DOS)


def test_saving_moves_a_new_encounter_into_coding_and_keeps_pointers(loaded: Services) -> None:
    eid = _id(loaded, "E3")
    ws = loaded.coding.save(eid, _coded(loaded).move_diagnosis(1, 0))
    assert ws.status == "in_coding"
    assert [d.code for d in ws.coding.diagnoses] == ["R50.9", "H66.92"]
    assert ws.coding.lines[0].pointer_letters == "BA"
    with loaded.db.session() as s:
        assert s.get(EncounterRecord, eid).total_charge_cents == 15000


def test_marking_ready_needs_complete_valid_coding_and_writes_nothing_otherwise(loaded: Services) -> None:
    eid = _id(loaded, "E3")
    unpointed = (
        Coding().add_diagnosis(loaded.coding.diagnosis("R50.9", DOS)).add_line(loaded.coding.service_line("99213", DOS))
    )
    with pytest.raises(ValidationError) as err:
        loaded.coding.mark_ready(eid, unpointed)
    assert any("point it at the diagnosis" in p for p in err.value.problems)
    with loaded.db.session() as s:
        assert s.get(EncounterRecord, eid).status == "new"
        assert not s.scalars(select(ServiceLineRecord).where(ServiceLineRecord.encounter_id == eid)).all()
    ws = loaded.coding.mark_ready(eid, _coded(loaded))
    assert ws.status == "ready_to_bill"
    with loaded.db.session() as s:
        enc = s.get(EncounterRecord, eid)
        assert enc.coded_by == "tester" and enc.coded_at is not None
        assert (
            s.scalar(
                select(AuditLogRecord.action)
                .where(AuditLogRecord.entity_id == str(eid))
                .order_by(AuditLogRecord.id.desc())
            )
            == "marked_ready"
        )


def test_a_hold_carries_its_query_to_the_worklist_and_can_be_released(loaded: Services) -> None:
    eid = _id(loaded, "E3")
    with pytest.raises(ValidationError, match="hold reason"):
        loaded.coding.hold(eid, "because", "Which ear?")
    ws = loaded.coding.hold(eid, "laterality missing", "Which ear: right, left or both?", _coded(loaded))
    assert (ws.status, ws.hold_reason) == ("on_hold", "laterality missing")
    from app.domain.worklist import WorklistFilter, WorklistSort

    rows = loaded.encounters.page(WorklistFilter(statuses=frozenset({"on_hold"})), WorklistSort(), 0, 10)
    assert any(r.encounter_id == eid and r.query_text == "Which ear: right, left or both?" for r in rows)
    ws = loaded.coding.release_hold(eid)
    assert ws.status == "in_coding" and ws.query_text is None
    assert [d.code for d in ws.coding.diagnoses] == ["H66.92", "R50.9"], "coding done before the hold is kept"


def test_encounters_whose_claim_was_sent_cannot_be_recoded(loaded: Services) -> None:
    bill(loaded)
    with pytest.raises(ClaimDeskError, match="already billed"):
        loaded.coding.save(_id(loaded, "E1"), _coded(loaded))


def test_recording_eligibility_clears_the_warning(loaded: Services) -> None:
    eid = _id(loaded, "E3")
    coverage = loaded.coding.open(eid).coverages[0].coverage_id
    ws = loaded.coding.record_eligibility(
        eid, coverage, "active", checked_on=DOS - dt.timedelta(days=2), copay=Decimal("25.00"), notes="portal"
    )
    assert ws.eligibility_warning is None
    assert ws.coverages[0].eligibility == "active on 03/02/2026 (by tester)"
    with pytest.raises(ValidationError, match="active, inactive or unknown"):
        loaded.coding.record_eligibility(eid, coverage, "maybe", checked_on=DOS)
