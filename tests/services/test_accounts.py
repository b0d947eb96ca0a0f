"""Correcting a patient's demographics and coverages, told as a biller fixing what the scrubber found."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.demographics import CoverageEdit, PatientEdit
from app.domain.fields import FieldProblems
from app.errors import NotFoundError, ValidationError
from app.services.container import Services
from db.models import AuditLogRecord, CoverageRecord, EncounterRecord

TOMORROW = dt.date.today() + dt.timedelta(days=1)


def _payer(desk: Services, code: str) -> int:
    return desk.practice.resolve_payer(code)


def _encounter(desk: Services, source_id: str) -> EncounterRecord:
    with desk.db.session() as s:
        enc = s.scalar(select(EncounterRecord).where(EncounterRecord.source_id == source_id))
        assert enc is not None
        return enc


def test_a_patient_reads_with_demographics_and_coverages_in_priority_order(loaded: Services) -> None:
    alice = loaded.patients.patient(loaded.patients.resolve("P001"))

    assert (alice.display_name, alice.date_of_birth, alice.sex, alice.zip) == (
        "Zephyr, Alice",
        dt.date(1950, 3, 4),
        "F",
        "170131234",
    )
    assert [(c.priority, c.payer_name, c.payer_code, c.member_id) for c in alice.coverages] == [
        (1, "Test Medicare", "TST01", "1EG4TE5MK01"),
        (2, "Test Commercial", "TST02", "SUP001"),
    ]
    primary = alice.coverage(1)
    assert primary is not None and primary.patient_is_subscriber
    assert primary.subscriber_date_of_birth == alice.date_of_birth
    assert loaded.patients.patient(loaded.patients.resolve("P002")).coverages[0].copay == Decimal("25.00")


def test_a_corrected_address_is_saved_and_read_back(loaded: Services) -> None:
    pid = loaded.patients.resolve("P002")
    detail = loaded.patients.update_patient(pid, PatientEdit(address1="22 Elm St", zip="17013", phone="7175550199"))
    assert (detail.address1, detail.zip, detail.phone) == ("22 Elm St", "17013", "7175550199")
    assert loaded.patients.patient(pid) == detail


def test_bad_values_are_refused_each_named_by_its_field_and_nothing_is_saved(loaded: Services) -> None:
    pid = loaded.patients.resolve("P002")
    before = loaded.patients.patient(pid)

    with pytest.raises(FieldProblems) as caught:
        loaded.patients.update_patient(
            pid, PatientEdit(city="Harrisburg", state="Pa", zip="1701", sex="X", date_of_birth=TOMORROW, last_name="")
        )

    assert set(caught.value.fields) == {
        "patient.state",
        "patient.zip",
        "patient.sex",
        "patient.date_of_birth",
        "patient.last_name",
    }
    assert caught.value.fields["patient.zip"] == "5 digits, or 9 for ZIP+4"
    assert "is in the future" in caught.value.fields["patient.date_of_birth"]
    text = str(caught.value)
    assert (
        "Patient ZIP: 5 digits" in text and "Patient date of birth:" in text and "Patient last name: required" in text
    )
    assert isinstance(caught.value, ValidationError)
    assert loaded.patients.patient(pid) == before  # the good city was not saved either


def test_when_the_patient_is_the_subscriber_the_coverages_follow_the_patient(loaded: Services) -> None:
    alice = loaded.patients.resolve("P001")
    detail = loaded.patients.update_patient(
        alice, PatientEdit(date_of_birth=dt.date(1950, 4, 3), last_name="Zephyr-Lee")
    )

    assert {(c.subscriber_last_name, c.subscriber_date_of_birth) for c in detail.coverages} == {
        ("Zephyr-Lee", dt.date(1950, 4, 3))
    }


def test_a_child_on_a_parents_plan_keeps_the_parent_as_subscriber(loaded: Services) -> None:
    cody = loaded.patients.resolve("P003")
    detail = loaded.patients.update_patient(cody, PatientEdit(date_of_birth=dt.date(2015, 1, 3)))
    coverage = detail.coverages[0]
    assert (coverage.relationship_code, coverage.subscriber_first_name, coverage.subscriber_date_of_birth) == (
        "19",
        "Bob",
        dt.date(1985, 7, 8),
    )

    fixed = loaded.patients.update_coverage(coverage.id, CoverageEdit(subscriber_date_of_birth=dt.date(1985, 8, 7)))
    assert fixed.coverages[0].subscriber_date_of_birth == dt.date(1985, 8, 7)


def test_a_self_coverage_refuses_a_subscriber_who_differs_from_the_patient(loaded: Services) -> None:
    alice = loaded.patients.patient(loaded.patients.resolve("P001"))
    with pytest.raises(FieldProblems) as caught:
        loaded.patients.update_coverage(
            alice.coverages[0].id, CoverageEdit(subscriber_date_of_birth=dt.date(1960, 1, 1))
        )
    assert "change the patient's date of birth instead" in caught.value.fields["coverage.1.subscriber_date_of_birth"]


def test_a_new_relationship_needs_the_subscribers_own_details(loaded: Services) -> None:
    bob = loaded.patients.patient(loaded.patients.resolve("P002"))
    coverage_id = bob.coverages[0].id

    with pytest.raises(FieldProblems) as caught:
        loaded.patients.update_coverage(coverage_id, CoverageEdit(relationship_code="01"))
    assert "subscriber's own name and date of birth" in caught.value.fields["coverage.1.subscriber_last_name"]

    with pytest.raises(FieldProblems) as bad_code:
        loaded.patients.update_coverage(coverage_id, CoverageEdit(relationship_code="99"))
    assert bad_code.value.fields["coverage.1.relationship_code"].startswith(
        "choose one of 18 Self, 01 Spouse, 19 Child"
    )

    detail = loaded.patients.update_coverage(
        coverage_id,
        CoverageEdit(
            relationship_code="01",
            subscriber_first_name="Beth",
            subscriber_date_of_birth=dt.date(1986, 2, 3),
            subscriber_sex="F",
        ),
    )
    spouse = detail.coverages[0]
    assert (spouse.relationship_code, spouse.subscriber_first_name, spouse.subscriber_last_name) == (
        "01",
        "Beth",
        "Young",
    )
    assert not spouse.patient_is_subscriber


def test_demographics_can_be_corrected_after_the_encounter_is_billed(loaded: Services) -> None:
    loaded.claims.build_claims()
    assert _encounter(loaded, "E1").status == "billed"
    alice = loaded.patients.resolve("P001")

    detail = loaded.patients.update_patient(alice, PatientEdit(zip="170139999"))
    updated = loaded.patients.update_coverage(detail.coverages[0].id, CoverageEdit(member_id="1EG4TE5MK02"))

    assert updated.zip == "170139999" and updated.coverages[0].member_id == "1EG4TE5MK02"


def test_making_the_secondary_primary_swaps_them_and_the_worklist_payer_follows(loaded: Services) -> None:
    alice = loaded.patients.resolve("P001")
    secondary = loaded.patients.patient(alice).coverage(2)
    assert secondary is not None
    assert _encounter(loaded, "E1").primary_payer_id == _payer(loaded, "TST01")

    saved = loaded.patients.save(alice, coverages={secondary.id: CoverageEdit(priority=1)})

    assert [(c.priority, c.payer_code) for c in saved.detail.coverages] == [(1, "TST02"), (2, "TST01")]
    assert _encounter(loaded, "E1").primary_payer_id == _payer(loaded, "TST02")
    assert saved.changes.entities["encounter"] == frozenset({_encounter(loaded, "E1").id})
    assert saved.changes.entities["patient"] == frozenset({alice})
    assert len(saved.changes.entities["coverage"]) == 2


def test_moving_the_primary_to_the_end_leaves_no_gap(loaded: Services) -> None:
    alice = loaded.patients.resolve("P001")
    primary = loaded.patients.patient(alice).coverage(1)
    assert primary is not None
    detail = loaded.patients.update_coverage(primary.id, CoverageEdit(priority=3))
    assert [(c.priority, c.payer_code) for c in detail.coverages] == [(1, "TST02"), (2, "TST01")]


def test_a_new_primary_coverage_moves_the_others_down(loaded: Services) -> None:
    bob = loaded.patients.resolve("P002")
    detail = loaded.patients.add_coverage(
        bob,
        CoverageEdit(
            payer_id=_payer(loaded, "TST01"), member_id="MCR002", effective_from=dt.date(2026, 1, 1), priority=1
        ),
    )
    assert [(c.priority, c.payer_code, c.member_id) for c in detail.coverages] == [
        (1, "TST01", "MCR002"),
        (2, "TST02", "COM002"),
    ]
    new = detail.coverages[0]
    assert (new.relationship_code, new.subscriber_first_name, new.copay) == ("18", "Bob", Decimal("0.00"))
    # E2 (03/03/2026) is ready to bill: its primary payer is now the new coverage's.
    assert _encounter(loaded, "E2").primary_payer_id == _payer(loaded, "TST01")


def test_a_coverage_without_a_priority_takes_the_next_place_and_a_fourth_is_refused(loaded: Services) -> None:
    dana = loaded.patients.resolve("P004")
    tst01, tst02 = _payer(loaded, "TST01"), _payer(loaded, "TST02")
    start = dt.date(2026, 1, 1)
    loaded.patients.add_coverage(dana, CoverageEdit(payer_id=tst01, member_id="D1", effective_from=start))
    loaded.patients.add_coverage(dana, CoverageEdit(payer_id=tst02, member_id="D2", effective_from=start))
    detail = loaded.patients.add_coverage(dana, CoverageEdit(payer_id=tst02, member_id="D3", effective_from=start))
    assert [(c.priority, c.member_id) for c in detail.coverages] == [(1, "D1"), (2, "D2"), (3, "D3")]

    with pytest.raises(FieldProblems) as caught:
        loaded.patients.add_coverage(dana, CoverageEdit(payer_id=tst01, member_id="D4", effective_from=start))
    assert "at most three coverages" in caught.value.fields["coverage.new.priority"]


def test_a_new_coverage_needs_payer_member_and_start_and_a_known_payer(loaded: Services) -> None:
    dana = loaded.patients.resolve("P004")
    with pytest.raises(FieldProblems) as caught:
        loaded.patients.add_coverage(dana, CoverageEdit(payer_id=9999, relationship_code="19"))
    fields = caught.value.fields
    assert fields["coverage.new.payer_id"] == "there is no payer 9999"
    assert fields["coverage.new.member_id"] == "required"
    assert fields["coverage.new.effective_from"] == "required"
    assert fields["coverage.new.subscriber_date_of_birth"] == "required when the patient is not the subscriber"
    assert loaded.patients.patient(dana).coverages == ()


def test_the_same_payer_and_member_id_twice_is_refused(loaded: Services) -> None:
    bob = loaded.patients.resolve("P002")
    with pytest.raises(FieldProblems) as caught:
        loaded.patients.add_coverage(
            bob, CoverageEdit(payer_id=_payer(loaded, "TST02"), member_id="COM002", effective_from=dt.date(2026, 1, 1))
        )
    assert "already has a coverage with this payer" in caught.value.fields["coverage.new.member_id"]


def test_a_coverage_cannot_end_before_it_starts_and_copay_is_exact(loaded: Services) -> None:
    bob = loaded.patients.patient(loaded.patients.resolve("P002"))
    coverage_id = bob.coverages[0].id
    with pytest.raises(FieldProblems) as caught:
        loaded.patients.update_coverage(coverage_id, CoverageEdit(effective_to=dt.date(2023, 12, 31)))
    assert "is before the coverage starts (01/01/2024)" in caught.value.fields["coverage.1.effective_to"]

    detail = loaded.patients.update_coverage(coverage_id, CoverageEdit(copay=Decimal("12.50"), group_number="G-77"))
    assert detail.coverages[0].copay == Decimal("12.50") and detail.coverages[0].group_number == "G-77"
    with loaded.db.session() as s:
        assert s.scalar(select(CoverageRecord.copay_cents).where(CoverageRecord.id == coverage_id)) == 1250


def test_a_payer_change_moves_the_coverage_to_another_payer(loaded: Services) -> None:
    bob = loaded.patients.patient(loaded.patients.resolve("P002"))
    detail = loaded.patients.update_coverage(bob.coverages[0].id, CoverageEdit(payer_id=_payer(loaded, "TST01")))
    assert detail.coverages[0].payer_name == "Test Medicare"


def test_a_guarantor_is_named_by_account_number(loaded: Services) -> None:
    dana = loaded.patients.resolve("P004")
    detail = loaded.patients.update_patient(dana, PatientEdit(guarantor_account="P002"))
    assert (detail.guarantor_account, detail.guarantor_name) == ("P002", "Young, Bob")

    with pytest.raises(FieldProblems) as caught:
        loaded.patients.update_patient(dana, PatientEdit(guarantor_account="NOPE"))
    assert caught.value.fields == {"patient.guarantor_account": "no patient has account number NOPE"}

    assert loaded.patients.update_patient(dana, PatientEdit(guarantor_account=None)).guarantor_account is None


def test_the_audit_log_names_the_fields_changed_but_never_their_values(loaded: Services) -> None:
    bob = loaded.patients.resolve("P002")
    loaded.patients.update_patient(bob, PatientEdit(phone="7175550199", middle_name="Q"))
    with loaded.db.session() as s:
        row = s.scalars(select(AuditLogRecord).where(AuditLogRecord.action == "patient_updated")).one()
    assert (row.username, row.entity, row.entity_id) == ("tester", "patient", str(bob))
    assert row.detail == "fields: middle_name, phone"


def test_an_unknown_patient_or_coverage_is_not_found(loaded: Services) -> None:
    with pytest.raises(NotFoundError):
        loaded.patients.resolve("P999")
    with pytest.raises(NotFoundError):
        loaded.patients.patient(99_999)
    with pytest.raises(NotFoundError):
        loaded.patients.update_coverage(99_999, CoverageEdit(member_id="X1"))
    alice = loaded.patients.resolve("P001")
    bob = loaded.patients.patient(loaded.patients.resolve("P002"))
    with pytest.raises(ValidationError, match="not one of this patient's coverages"):
        loaded.patients.save(alice, coverages={bob.coverages[0].id: CoverageEdit(member_id="X1")})
