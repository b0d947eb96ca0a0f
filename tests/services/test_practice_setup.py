"""Correcting the practice (billing provider), its providers and its payers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.sql.sqltypes import String

from app.domain.demographics import COVERAGE_FIELDS, PATIENT_FIELDS
from app.domain.fields import FieldProblems, FieldSpec
from app.domain.practice_setup import (
    PAYER_FIELDS,
    PRACTICE_FIELDS,
    PROVIDER_FIELDS,
    PayerEdit,
    PracticeEdit,
    ProviderEdit,
)
from app.errors import NotFoundError
from app.services.container import Services
from db.models import (
    AuditLogRecord,
    CoverageRecord,
    PatientRecord,
    PayerRecord,
    PracticeRecord,
    ProviderRecord,
)
from tests.factories import npi


def test_the_billing_provider_zip_is_corrected_to_zip_plus_four(loaded: Services) -> None:
    assert loaded.practice.practice().zip == "170131234"
    detail = loaded.practice.update_practice(PracticeEdit(zip="170139876", phone=None))
    assert (detail.zip, detail.phone, detail.name) == ("170139876", None, "Test Practice")
    assert loaded.practice.practice() == detail

    with pytest.raises(FieldProblems) as caught:
        loaded.practice.update_practice(PracticeEdit(zip="17013"))
    assert caught.value.fields == {"practice.zip": "9 digits: claims need the billing provider's full ZIP+4"}


def test_a_bad_npi_tin_or_taxonomy_names_the_billing_provider_field(loaded: Services) -> None:
    before = loaded.practice.practice()
    with pytest.raises(FieldProblems) as caught:
        loaded.practice.update_practice(PracticeEdit(npi="1234567890", tin="12345", taxonomy="207Q", state="pa"))
    assert set(caught.value.fields) == {"practice.npi", "practice.tin", "practice.taxonomy", "practice.state"}
    assert "valid check digit" in caught.value.fields["practice.npi"]
    assert "Billing provider group NPI:" in str(caught.value) and "Billing provider tax id (TIN):" in str(caught.value)
    assert loaded.practice.practice() == before


def test_a_new_database_sets_the_practice_up_only_with_every_required_field(services: Services) -> None:
    assert services.practice.practice().id is None
    with pytest.raises(FieldProblems) as caught:
        services.practice.update_practice(PracticeEdit(name="New Practice"))
    assert caught.value.fields["practice.npi"] == "required to set up the practice"
    assert "practice.name" not in caught.value.fields

    detail = services.practice.update_practice(
        PracticeEdit(
            name="New Practice",
            npi=npi(9),
            tin="990000001",
            taxonomy="207Q00000X",
            address1="2 Main St",
            city="Camp Hill",
            state="PA",
            zip="170111234",
        )
    )
    assert detail.id is not None and detail.tin_type == "EIN" and detail.npi == npi(9)


def test_a_provider_npi_is_corrected_but_never_to_another_providers(loaded: Services) -> None:
    providers = {p.last_name: p for p in loaded.practice.providers()}
    assert [p.last_name for p in loaded.practice.providers()] == ["Able", "Baker", "Cole"]
    baker = providers["Baker"]

    with pytest.raises(FieldProblems) as caught:
        loaded.practice.update_provider(baker.id, ProviderEdit(npi=providers["Able"].npi))
    assert caught.value.fields == {f"provider.{baker.id}.npi": "Able, Ann already has this NPI"}
    assert "Provider Baker, Ben: NPI" in str(caught.value)

    detail = loaded.practice.update_provider(baker.id, ProviderEdit(npi=npi(77), credential="MD", active=False))
    assert (detail.npi, detail.credential, detail.active, detail.display_name) == (
        npi(77),
        "MD",
        False,
        "Baker, Ben, MD",
    )
    assert [p.last_name for p in loaded.practice.providers()] == ["Able", "Cole", "Baker"]  # inactive last


def test_payer_timely_filing_and_submission_method_are_checked(loaded: Services) -> None:
    tst02 = loaded.practice.resolve_payer("tst02")
    with pytest.raises(FieldProblems) as caught:
        loaded.practice.update_payer(tst02, PayerEdit(timely_filing_days=0, submission_method="fax"))
    assert caught.value.fields == {
        f"payer.{tst02}.timely_filing_days": "a number of days from 1 to 3650",
        f"payer.{tst02}.submission_method": "choose one of electronic (Electronic (837)), paper (Paper (CMS-1500))",
    }
    assert "Payer TST02: timely filing (days)" in str(caught.value)

    detail = loaded.practice.update_payer(tst02, PayerEdit(timely_filing_days=180, submission_method="electronic"))
    assert (detail.timely_filing_days, detail.submission_method, detail.payer_id) == (180, "electronic", "TST02")


def test_a_payer_id_stays_unique_and_an_address_comes_whole(loaded: Services) -> None:
    tst02 = loaded.practice.resolve_payer("TST02")
    with pytest.raises(FieldProblems) as caught:
        loaded.practice.update_payer(tst02, PayerEdit(payer_id="TST01", address1="PO Box 1"))
    assert caught.value.fields[f"payer.{tst02}.payer_id"] == "Test Medicare already has this payer id"
    assert caught.value.fields[f"payer.{tst02}.zip"] == "needed with the rest of the claims address"

    detail = loaded.practice.update_payer(
        tst02, PayerEdit(payer_id="COM99", address1="PO Box 1", city="Scranton", state="PA", zip="18501")
    )
    assert (detail.payer_id, detail.city) == ("COM99", "Scranton")
    assert loaded.practice.resolve_payer("COM99") == tst02


def test_one_save_is_all_or_nothing(loaded: Services) -> None:
    tst01 = loaded.practice.resolve_payer("TST01")
    with pytest.raises(FieldProblems):
        loaded.practice.save_setup(
            practice=PracticeEdit(name="Renamed Practice"), payers={tst01: PayerEdit(timely_filing_days=-1)}
        )
    assert loaded.practice.practice().name == "Test Practice"

    changes = loaded.practice.save_setup(
        practice=PracticeEdit(name="Renamed Practice"), payers={tst01: PayerEdit(timely_filing_days=120)}
    )
    assert changes.entities == {"practice": frozenset({loaded.practice.practice().id}), "payer": frozenset({tst01})}
    with loaded.db.session() as s:
        actions = [r.action for r in s.scalars(select(AuditLogRecord).order_by(AuditLogRecord.id))]
    assert actions[-2:] == ["practice_updated", "payer_updated"]


def test_unknown_records_are_not_found(loaded: Services) -> None:
    with pytest.raises(NotFoundError):
        loaded.practice.update_payer(99_999, PayerEdit(name="Nobody"))
    with pytest.raises(NotFoundError):
        loaded.practice.update_provider(99_999, ProviderEdit(first_name="Nobody"))
    with pytest.raises(NotFoundError):
        loaded.practice.resolve_payer("NOPE")
    assert loaded.practice.resolve_provider(npi(2)) == next(
        p.id for p in loaded.practice.providers() if p.last_name == "Able"
    )


@pytest.mark.parametrize(
    ("fields", "model"),
    [
        (PATIENT_FIELDS, PatientRecord),
        (COVERAGE_FIELDS, CoverageRecord),
        (PRACTICE_FIELDS, PracticeRecord),
        (PROVIDER_FIELDS, ProviderRecord),
        (PAYER_FIELDS, PayerRecord),
    ],
)
def test_the_field_lengths_the_forms_allow_fit_the_columns(fields: tuple[FieldSpec, ...], model: type) -> None:
    columns = model.__table__.columns
    for spec in fields:
        if spec.name not in columns:
            continue  # a field named as billers say it (guarantor account, copay in dollars)
        column_type = columns[spec.name].type
        if isinstance(column_type, String) and spec.max_length is not None:
            assert spec.max_length <= column_type.length, spec.name
        if spec.kind.value == "text" and isinstance(column_type, String):
            assert spec.max_length is not None, f"{model.__name__}.{spec.name} has no length limit in its form"
