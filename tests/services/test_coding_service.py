"""Coding an encounter through `CodingService`: one action, one transaction, pointers that stay right."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.coding import CodedLine, Coding
from app.errors import ClaimDeskError, ValidationError
from app.services.coding import HeaderCodeError
from app.services.container import Services
from db.models import AuditLogRecord, EncounterRecord


def encounter_id(desk: Services, source_id: str) -> int:
    with desk.db.session() as s:
        return s.scalar(select(EncounterRecord.id).where(EncounterRecord.source_id == source_id))


def audit_count(desk: Services) -> int:
    with desk.db.session() as s:
        return len(s.scalars(select(AuditLogRecord.id)).all())


def test_coding_a_new_encounter_keeps_pointers_right_through_reorder_and_delete(loaded: Services) -> None:
    desk = loaded
    eid = encounter_id(desk, "E3")
    ws = desk.coding.open(eid)
    on = ws.date_of_service
    coding = ws.coding
    for code in ("H66.91", "J06.9", "R50.9"):
        coding = coding.add_diagnosis(desk.coding.diagnosis(code, on))
    coding = coding.add_line(desk.coding.service_line("99213", on, pointers=(1, 3)))
    assert coding.lines[0].charge == Decimal("150.00")

    coding = coding.move_diagnosis(2, 0).remove_diagnosis(2)  # R50.9 first; J06.9 removed
    saved = desk.coding.save(eid, coding)

    assert saved.status == "in_coding"
    assert [d.code for d in saved.coding.diagnoses] == ["R50.9", "H66.91"]
    assert saved.coding.lines[0].pointer_letters == "BA"


def test_a_header_code_is_refused_with_its_billable_children(loaded: Services) -> None:
    with pytest.raises(HeaderCodeError) as refused:
        loaded.coding.diagnosis("E11", dt.date(2026, 3, 4))
    children = [code for code, _desc, _billable in refused.value.children]
    assert "E11.9" in children or any(c.startswith("E11.") for c in children)


def test_mark_coded_needs_pointers_and_valid_codes_and_changes_nothing_when_refused(loaded: Services) -> None:
    desk = loaded
    eid = encounter_id(desk, "E3")
    on = desk.coding.open(eid).date_of_service
    coding = (
        Coding().add_diagnosis(desk.coding.diagnosis("J06.9", on)).add_line(desk.coding.service_line("99213", on))
    )  # no pointer
    audits = audit_count(desk)

    with pytest.raises(ValidationError) as refused:
        desk.coding.mark_coded(eid, coding)

    assert any("point it at the diagnosis" in p for p in refused.value.problems)
    after = desk.coding.open(eid)
    assert after.status == "new" and after.coding == Coding()  # the failed save left the database unchanged
    assert audit_count(desk) == audits

    bogus = Coding(coding.diagnoses, (CodedLine("99213", Decimal("150.00"), pointers=(1,)),)).add_diagnosis(
        type(coding.diagnoses[0])("Q99.99")
    )
    with pytest.raises(ValidationError) as invalid:
        desk.coding.mark_coded(eid, bogus)
    assert any("Q99.99" in p for p in invalid.value.problems)

    ready = desk.coding.mark_ready(eid, bogus.remove_diagnosis(1))
    assert ready.status == "ready_to_bill"


def test_hold_with_a_query_then_release(loaded: Services) -> None:
    desk = loaded
    eid = encounter_id(desk, "E3")
    on = desk.coding.open(eid).date_of_service
    coding = Coding().add_diagnosis(desk.coding.diagnosis("H92.09", on))

    with pytest.raises(ValidationError):
        desk.coding.hold(eid, "not a reason", "Which ear?")
    held = desk.coding.hold(eid, "laterality missing", "  Which ear?  ", coding)

    assert held.status == "on_hold" and held.query_text == "Which ear?"
    assert [d.code for d in held.coding.diagnoses] == ["H92.09"]
    released = desk.coding.release_hold(eid)
    assert released.status == "in_coding" and released.hold_reason is None and released.query_text is None
    with pytest.raises(ClaimDeskError):
        desk.coding.release_hold(eid)


def test_a_billed_encounter_is_refused(loaded: Services) -> None:
    desk = loaded
    eid = encounter_id(desk, "E2")
    with desk.db.transaction() as s:
        s.get(EncounterRecord, eid).status = "billed"
    ws = desk.coding.open(eid)
    assert not ws.editable
    with pytest.raises(ClaimDeskError, match="already billed"):
        desk.coding.save(eid, ws.coding)


def test_the_eligibility_warning_goes_once_a_check_is_recorded(loaded: Services) -> None:
    desk = loaded
    eid = encounter_id(desk, "E3")
    ws = desk.coding.open(eid)
    assert ws.eligibility_warning is not None and "not verified" in ws.eligibility_warning
    coverage = ws.coverages[0]

    after = desk.coding.record_eligibility(
        eid, coverage.coverage_id, "active", checked_on=ws.date_of_service, copay=Decimal("25.00")
    )

    assert after.eligibility_warning is None
    assert after.coverages[0].eligibility.startswith("active on")
