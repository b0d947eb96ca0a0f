"""The claim scrubber, edit by edit: each one fires on the claim that breaks it and stays quiet on the one
that does not. Claims come from the test practice (E1: Medicare, 99213 + 36415, E11.9 and I10)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from app.domain.coding import CodedDiagnosis, CodedLine, Coding
from app.domain.import_format import ImportFile
from app.domain.scrub import EDITS_BY_ID
from app.errors import ClaimDeskError, ValidationError
from app.services.container import Services, open_services
from app.services.scrubber import _load_views
from db.models import (
    ClaimLineRecord,
    ClaimRecord,
    CoverageRecord,
    EncounterDiagnosisRecord,
    EncounterRecord,
    LocalEditRecord,
    PatientRecord,
    PayerRecord,
    PracticeRecord,
    ScrubRunRecord,
)
from tests.factories import practice_document

TODAY = dt.date(2026, 3, 20)
DOS = dt.date(2026, 3, 2)
TEST_EDITS = "TEST edit table - not CMS"


@pytest.fixture
def built(loaded: Services) -> Services:
    loaded.claims.build_claims()
    return loaded


def _claim_id(services: Services, source_id: str = "E1") -> int:
    with services.db.session() as s:
        return s.scalar(select(ClaimRecord.id).join(EncounterRecord).where(EncounterRecord.source_id == source_id))


def _set_claim(
    services: Services,
    claim_id: int,
    diagnoses: list[str] | None = None,
    lines: list[dict[str, Any]] | None = None,
) -> None:
    """Rewrite a built claim's diagnoses (without dots) and lines in place, as a coder's mistakes would."""
    with services.db.transaction() as s:
        claim = s.get(ClaimRecord, claim_id)
        assert claim is not None
        if diagnoses is not None:
            s.query(EncounterDiagnosisRecord).filter_by(encounter_id=claim.encounter_id).delete()
            for n, code in enumerate(diagnoses, 1):
                s.add(EncounterDiagnosisRecord(encounter_id=claim.encounter_id, sequence=n, code=code))
        if lines is not None:
            service_line_id = claim.lines[0].service_line_id
            claim.lines.clear()
            s.flush()
            for n, spec in enumerate(lines, 1):
                mods = list(spec.get("mods", ())) + [None] * 4
                ptrs = list(spec.get("pointers", (1,))) + [None] * 4
                claim.lines.append(
                    ClaimLineRecord(
                        service_line_id=service_line_id,
                        line_number=n,
                        code=spec["code"],
                        modifier1=mods[0],
                        modifier2=mods[1],
                        modifier3=mods[2],
                        modifier4=mods[3],
                        units=spec.get("units", 1),
                        charge_cents=spec.get("charge", 10000),
                        pointer1=ptrs[0],
                        pointer2=ptrs[1],
                        pointer3=ptrs[2],
                        pointer4=ptrs[3],
                        date_from=spec.get("date", DOS),
                        date_to=spec.get("date_to", spec.get("date", DOS)),
                        place_of_service=spec.get("pos", "11"),
                    )
                )


def _scrub(services: Services, claim_id: int, today: dt.date = TODAY) -> list[tuple[str, str, int | None, str]]:
    report = services.scrubber.scrub([claim_id], today=today)
    (claim,) = report.claims
    return [(f.edit_id, f.severity, f.line, f.message) for f in claim.findings]


def _edits(found: list[tuple[str, str, int | None, str]]) -> set[str]:
    return {f[0] for f in found}


def _local(services: Services, **row: Any) -> None:
    row.setdefault("effective_from", dt.date(2020, 1, 1))
    services.scrubber.add_local_edits([row], TEST_EDITS)


# ------------------------------------------------------------------------------------------ the clean claim


def test_a_clean_claim_has_no_findings_and_becomes_ready(built: Services) -> None:
    claim_id = _claim_id(built)
    assert _scrub(built, claim_id) == []
    assert built.claims.claim_status(claim_id) == "ready"
    assert built.scrubber.blocking([claim_id]) == {}


def test_scrubbing_everything_reports_the_clean_claim_rate_and_keeps_the_run(built: Services) -> None:
    report = built.scrubber.scrub(today=TODAY)
    assert len(report.claims) == 2 and report.clean == 2 and report.clean_rate == 1.0
    data = report.as_json()
    assert data["claims"] == 2 and data["clean"] == 2 and data["findings"] == []
    assert data["clean_claim_rate"] == "100.0"
    with built.db.session() as s:
        run = s.scalars(select(ScrubRunRecord)).one()
        assert (run.claims, run.clean, run.by_user) == (2, 2, "tester")
    assert built.scrubber.last_run()["clean_claim_rate"] == 1.0


def test_an_unscrubbed_claim_is_blocked_from_printing_and_export(built: Services) -> None:
    claim_id = _claim_id(built)
    assert "not been scrubbed" in built.scrubber.blocking([claim_id])[claim_id]


def test_the_editions_in_force_are_named_and_missing_ones_warned_about(built: Services) -> None:
    labels = built.scrubber.edition_labels()
    assert any("No NCCI PTP edition is loaded" in label and "cannot be checked" in label for label in labels)
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="0")
    assert any("PTP" in label and TEST_EDITS in label for label in built.scrubber.edition_labels())


# ------------------------------------------------------------------------------------------ NCCI PTP


def test_ptp_indicator_0_denies_column_2_and_no_modifier_bypasses_it(built: Services) -> None:
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="0")
    claim_id = _claim_id(built)
    found = _scrub(built, claim_id)
    assert [(e, sev, line) for e, sev, line, _ in found] == [("NCCI-PTP", "error", 2)]
    assert "36415 is bundled into 99213" in found[0][3] and TEST_EDITS in found[0][3]
    _set_claim(built, claim_id, lines=[{"code": "99213", "pointers": (1, 2)}, {"code": "36415", "mods": ("59",)}])
    assert _edits(_scrub(built, claim_id)) == {"NCCI-PTP"}
    assert built.claims.claim_status(claim_id) == "needs_attention"


def test_ptp_indicator_1_is_bypassed_only_by_an_associated_modifier_on_the_column_2_line(built: Services) -> None:
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="1")
    claim_id = _claim_id(built)
    assert _edits(_scrub(built, claim_id)) == {"NCCI-PTP"}
    _set_claim(built, claim_id, lines=[{"code": "99213", "mods": ("59",)}, {"code": "36415"}])
    assert _edits(_scrub(built, claim_id)) == {"NCCI-PTP"}, "the modifier belongs on the column 2 line"
    _set_claim(built, claim_id, lines=[{"code": "99213"}, {"code": "36415", "mods": ("GA",)}])
    assert _edits(_scrub(built, claim_id)) == {"NCCI-PTP"}, "GA is not an NCCI-associated modifier"
    for modifier in ("59", "XS", "25", "RT"):
        _set_claim(built, claim_id, lines=[{"code": "99213"}, {"code": "36415", "mods": (modifier,)}])
        assert _scrub(built, claim_id) == [], modifier


def test_ptp_indicator_9_and_edits_outside_their_dates_do_not_fire(built: Services) -> None:
    claim_id = _claim_id(built)
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="9")
    assert _scrub(built, claim_id) == []
    _local(
        built,
        kind="ptp",
        code1="99213",
        code2="36415",
        modifier_indicator="0",
        effective_from=dt.date(2020, 1, 1),
        deleted_on=DOS,
    )
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="0", effective_from=DOS.replace(day=3))
    assert _scrub(built, claim_id) == [], "deleted on the date of service, and effective the day after"
    _set_claim(
        built,
        claim_id,
        lines=[{"code": "99213", "date": DOS.replace(day=3)}, {"code": "36415", "date": DOS.replace(day=3)}],
    )
    assert _edits(_scrub(built, claim_id)) == {"NCCI-PTP"}


def test_ptp_pairs_on_different_days_do_not_fire(built: Services) -> None:
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="0")
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, lines=[{"code": "99213"}, {"code": "36415", "date": DOS - dt.timedelta(days=1)}])
    assert _scrub(built, claim_id) == []


# ------------------------------------------------------------------------------------------ MUE and add-ons


def test_mue_line_limit_fires_on_the_line_over_it(built: Services) -> None:
    _local(built, kind="mue", code1="36415", max_units=2, mue_indicator=1)
    claim_id = _claim_id(built)
    assert _scrub(built, claim_id) == []
    _set_claim(built, claim_id, lines=[{"code": "99213"}, {"code": "36415", "units": 3}])
    found = _scrub(built, claim_id)
    assert [(e, line) for e, _, line, _ in found] == [("NCCI-MUE", 2)]
    assert "3 units per line; the limit is 2" in found[0][3]


def test_mue_date_of_service_limit_adds_the_units_of_every_line(built: Services) -> None:
    claim_id = _claim_id(built)
    lines = [{"code": "99213"}, {"code": "36415", "units": 2}, {"code": "36415", "units": 1, "mods": ("91",)}]
    _set_claim(built, claim_id, lines=lines)
    _local(built, kind="mue", code1="36415", max_units=2, mue_indicator=1)
    assert "NCCI-MUE" not in _edits(_scrub(built, claim_id)), "a line edit counts each line alone"
    with built.db.transaction() as s:
        s.execute(update(LocalEditRecord).values(mue_indicator=2))
    found = [f for f in _scrub(built, claim_id) if f[0] == "NCCI-MUE"]
    assert len(found) == 1 and "3 units per date of service" in found[0][3]


def test_an_add_on_code_needs_its_primary_on_the_claim(built: Services) -> None:
    _local(built, kind="addon", code1="99417", code2="99205")
    _local(built, kind="addon", code1="99417", code2="99215")
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, lines=[{"code": "99213"}, {"code": "99417"}])
    found = _scrub(built, claim_id)
    assert [(e, sev, line) for e, sev, line, _ in found] == [("ADDON-PRIMARY", "error", 2)]
    assert "99205, 99215" in found[0][3]
    _set_claim(built, claim_id, lines=[{"code": "99215"}, {"code": "99417"}])
    assert _scrub(built, claim_id) == []


# ------------------------------------------------------------------------------------------ code validity


def test_diagnoses_must_exist_and_be_billable_on_the_date_of_service(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, diagnoses=["E11", "Q999Z"])
    found = _scrub(built, claim_id)
    assert [e for e, *_ in found] == ["DX-VALID", "DX-VALID"]
    assert "E11 is a header" in found[0][3] and "Q99.9Z does not exist" in found[1][3]


def test_a_date_of_service_outside_the_loaded_icd_release_is_a_warning_not_a_pass(built: Services) -> None:
    claim_id = _claim_id(built)
    later = dt.date(2026, 10, 5)
    _set_claim(built, claim_id, lines=[{"code": "99213", "date": later}, {"code": "36415", "date": later}])
    with built.db.transaction() as s:
        s.execute(
            update(EncounterRecord).where(EncounterRecord.id == _enc(built, claim_id)).values(date_of_service=later)
        )
    found = _scrub(built, claim_id, today=dt.date(2026, 10, 20))
    assert {(e, sev) for e, sev, _, _ in found} == {("DX-VALID", "warning")}
    assert "FY2027" in found[0][3]


def test_procedure_codes_must_have_the_right_shape_and_hcpcs_must_be_valid(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, lines=[{"code": "9921"}, {"code": "J9998"}, {"code": "99213"}])
    found = _scrub(built, claim_id)
    assert [(e, line) for e, _, line, _ in found] == [("PROC-VALID", 1), ("PROC-VALID", 2)]


def _enc(services: Services, claim_id: int) -> int:
    with services.db.session() as s:
        return s.scalar(select(ClaimRecord.encounter_id).where(ClaimRecord.id == claim_id))


# ------------------------------------------------------------------------------------------ diagnosis rules


def test_excludes1_pairs_are_errors_and_unrelated_pairs_are_not(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, diagnoses=["E119", "E109"])
    found = _scrub(built, claim_id)
    assert [e for e, *_ in found] == ["DX-EXCLUDES1"]
    assert "E11.9 (diagnosis A) has an Excludes1 note for E10.9 (diagnosis B)" in found[0][3]
    _set_claim(built, claim_id, diagnoses=["E119", "I10"])
    assert _scrub(built, claim_id) == []


def test_an_excludes1_range_narrowed_by_its_note_only_catches_the_named_codes(built: Services) -> None:
    # G63's note excludes "diabetes mellitus (E08-E13 with .42)": E11.42 is excluded, E11.9 is not.
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, diagnoses=["E1142", "G63"])
    assert "DX-EXCLUDES1" in _edits(_scrub(built, claim_id))
    _set_claim(built, claim_id, diagnoses=["E119", "G63"])
    assert "DX-EXCLUDES1" not in _edits(_scrub(built, claim_id))


def test_a_manifestation_code_is_never_first_listed(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, diagnoses=["G63", "E119"])
    found = _scrub(built, claim_id)
    assert "DX-MANIFESTATION-FIRST" in _edits(found)
    _set_claim(built, claim_id, diagnoses=["E119", "G63"])
    assert "DX-MANIFESTATION-FIRST" not in _edits(_scrub(built, claim_id))


def test_an_external_cause_code_is_never_first_listed(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, diagnoses=["W19XXXA", "S0990XA"])
    assert "DX-EXTERNAL-FIRST" in _edits(_scrub(built, claim_id))
    _set_claim(built, claim_id, diagnoses=["S0990XA", "W19XXXA"])
    assert "DX-EXTERNAL-FIRST" not in _edits(_scrub(built, claim_id))


def test_age_and_sex_conflicts(built: Services) -> None:
    claim_id = _claim_id(built)  # Alice Zephyr: female, born 1950-03-04 (75 on the date of service)
    _set_claim(built, claim_id, diagnoses=["N400"], lines=ONE_LINE)  # prostate: male only
    found = _scrub(built, claim_id)
    assert [e for e, *_ in found] == ["DX-AGE-SEX"] and "male patients" in found[0][3]
    _set_claim(built, claim_id, diagnoses=["O80"], lines=ONE_LINE)  # delivery: female, ages 12-55
    found = _scrub(built, claim_id)
    assert [e for e, *_ in found] == ["DX-AGE-SEX"] and "the patient is 75" in found[0][3]
    _set_claim(built, claim_id, diagnoses=["P0730"], lines=ONE_LINE)  # preterm newborn
    assert [e for e, *_ in _scrub(built, claim_id)] == ["DX-AGE-SEX"]
    _set_claim(built, claim_id, diagnoses=["E119"])
    assert _scrub(built, claim_id) == []


ONE_LINE = [{"code": "99213", "pointers": (1,)}]


# ------------------------------------------------------------------------------------------ structure


def test_lines_need_one_to_four_pointers_to_diagnoses_the_claim_has(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, lines=[{"code": "99213", "pointers": ()}, {"code": "36415", "pointers": (3,)}])
    found = _scrub(built, claim_id)
    assert [(e, line) for e, _, line, _ in found] == [("LINE-POINTERS", 1), ("LINE-POINTERS", 2)]
    assert "no diagnosis pointer" in found[0][3] and "diagnosis C" in found[1][3]


def test_a_claim_holds_one_to_twelve_diagnoses(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, diagnoses=[], lines=[{"code": "99213", "pointers": ()}])
    assert "CLAIM-DIAGNOSES" in _edits(_scrub(built, claim_id))
    # The database holds at most 12 per encounter; the edit still guards claims assembled elsewhere.
    with built.db.session() as s:
        (view,) = _load_views(s, [claim_id])
    thirteen = ("E119", "I10", "J069", "M545", "R05", "R509", "K219", "E785", "F419", "G4700", "N390", "L309", "H6692")
    check = EDITS_BY_ID["CLAIM-DIAGNOSES"].check
    assert [h.values["problem"] for h in check(replace(view, diagnoses=thirteen), None)] == [
        "has 13 diagnoses; a claim holds 12 (A-L)"
    ]
    assert list(check(replace(view, diagnoses=thirteen[:12]), None)) == []


def test_modifiers_must_be_valid_and_not_repeated(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, lines=[{"code": "99213", "mods": ("ZZ",)}, {"code": "36415", "mods": ("RT", "RT")}])
    found = _scrub(built, claim_id)
    assert [(e, line) for e, _, line, _ in found] == [("LINE-MODIFIERS", 1), ("LINE-MODIFIERS", 2)]
    assert "ZZ is not a valid modifier" in found[0][3]


def test_units_charges_dates_and_place_of_service(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(
        built,
        claim_id,
        lines=[
            {"code": "99213", "units": 0},
            {"code": "36415", "charge": 0},
            {"code": "85025", "date": TODAY + dt.timedelta(days=1)},
            {"code": "81002", "date": DOS, "date_to": DOS - dt.timedelta(days=1)},
            {"code": "82947", "pos": "98"},
        ],
    )
    found = {(e, line) for e, _, line, _ in _scrub(built, claim_id)}
    assert {
        ("LINE-UNITS-CHARGE", 1),
        ("LINE-UNITS-CHARGE", 2),
        ("LINE-DATES", 3),
        ("LINE-DATES", 4),
        ("LINE-POS", 5),
    } <= found


# ------------------------------------------------------------------------------------------ required data


def test_billing_provider_npi_tin_taxonomy_and_zip_plus_4_for_837p(built: Services) -> None:
    claim_id = _claim_id(built)  # Medicare: electronic
    with built.db.transaction() as s:
        s.execute(update(PracticeRecord).values(npi="1234567890", tin="12345", taxonomy="207Q", zip="17013"))
    found = _scrub(built, claim_id)
    messages = " | ".join(m for e, _, _, m in found if e == "REQ-BILLING")
    assert "NPI 1234567890 fails the check digit" in messages
    assert "TIN must be 9 digits" in messages and "taxonomy" in messages and "ZIP+4" in messages
    paper = _claim_id(built, "E2")
    assert "ZIP+4" not in " ".join(m for e, _, _, m in _scrub(built, paper) if e == "REQ-BILLING")


def test_patient_and_subscriber_data(built: Services) -> None:
    claim_id = _claim_id(built)
    with built.db.transaction() as s:
        s.execute(update(PatientRecord).where(PatientRecord.account_number == "P001").values(sex="U", zip="1701"))
        s.execute(update(CoverageRecord).where(CoverageRecord.member_id == "1EG4TE5MK01").values(member_id=" "))
        s.execute(update(PayerRecord).where(PayerRecord.payer_id == "TST01").values(payer_id=""))
    found = [(m, f) for e, _, _, m in _scrub(built, claim_id) if e == "REQ-PATIENT" for f in [e]]
    text = " | ".join(m for m, _ in found)
    assert "patient sex must be M or F" in text and "ZIP must be 5 or 9 digits" in text
    assert "member id is missing" in text and "no payer id" in text
    rows = built.scrubber.findings(claim_id)
    assert {r.field for r in rows if r.edit_id == "REQ-PATIENT"} >= {
        "patient.sex",
        "patient.zip",
        "coverage.1.member_id",
    }


# ------------------------------------------------------------------------------------------ timely filing, duplicates


def test_timely_filing_warns_inside_30_days_and_errors_past_the_limit(built: Services) -> None:
    claim_id = _claim_id(built, "E2")  # commercial, 90 days from 03/03/2026: deadline 06/01/2026
    assert _scrub(built, claim_id, today=dt.date(2026, 4, 1)) == []
    found = _scrub(built, claim_id, today=dt.date(2026, 5, 20))
    assert [(e, sev) for e, sev, _, _ in found] == [("TIMELY-FILING", "warning")] and "in 12 day(s)" in found[0][3]
    found = _scrub(built, claim_id, today=dt.date(2026, 6, 3))
    assert [(e, sev) for e, sev, _, _ in found] == [("TIMELY-FILING", "error")] and "passed 2 day(s) ago" in found[0][3]


def test_the_same_service_on_another_claim_is_a_duplicate(built: Services) -> None:
    first, second = _claim_id(built, "E1"), _claim_id(built, "E2")
    _set_claim(built, second, diagnoses=["J069"], lines=[{"code": "99213"}])
    with built.db.transaction() as s:
        enc = s.get(EncounterRecord, _enc(built, second))
        alice = s.scalar(select(PatientRecord.id).where(PatientRecord.account_number == "P001"))
        enc.patient_id, enc.date_of_service = alice, DOS
    found = _scrub(built, second)
    dup = [m for e, _, _, m in found if e == "DUPLICATE"]
    assert dup and f"already billed on claim CD{first:08d}" in dup[0]
    _set_claim(built, second, lines=[{"code": "99213", "mods": ("76",)}])
    assert "DUPLICATE" not in _edits(_scrub(built, second))


def test_two_identical_lines_on_one_claim_are_a_warning(built: Services) -> None:
    claim_id = _claim_id(built)
    _set_claim(built, claim_id, lines=[{"code": "99213"}, {"code": "36415"}, {"code": "36415"}])
    assert [(e, sev, line) for e, sev, line, _ in _scrub(built, claim_id)] == [("DUPLICATE", "warning", 3)]
    assert built.claims.claim_status(claim_id) == "ready", "warnings do not block"


# ------------------------------------------------------------------------------------------ payer rules


def test_payer_rules_are_data_and_apply_to_their_payer_only(built: Services) -> None:
    rule = {"kind": "require_modifier", "codes": ["99202-99215"], "modifier": "25", "with_codes": ["10004-69990"]}
    built.scrubber.add_payer_rule("TST01", "E/M with procedure needs 25", rule)
    built.scrubber.add_payer_rule("TST02", "one pointer per line", {"kind": "max_pointers", "max": 1})
    claim_id = _claim_id(built)
    found = _scrub(built, claim_id)
    assert [(e, line) for e, _, line, _ in found] == [("PAYER-RULE", 1)]
    assert "Test Medicare requires modifier 25" in found[0][3] and "E/M with procedure needs 25" in found[0][3]
    _set_claim(built, claim_id, lines=[{"code": "99213", "mods": ("25",), "pointers": (1, 2)}, {"code": "36415"}])
    assert _scrub(built, claim_id) == [], "E1 is Medicare's: the one-pointer rule is the commercial payer's"


def test_prior_authorization_and_referring_provider_rules(built: Services) -> None:
    built.scrubber.add_payer_rule(None, "MRI needs auth", {"kind": "prior_auth", "codes": ["99213"]})
    built.scrubber.add_payer_rule("TST01", "referral", {"kind": "referring_provider", "severity": "warning"})
    claim_id = _claim_id(built)
    found = _scrub(built, claim_id)
    assert sorted((e, sev) for e, sev, _, _ in found) == [("PAYER-RULE", "error"), ("PAYER-RULE", "warning")]
    with built.db.transaction() as s:
        s.execute(
            update(EncounterRecord)
            .where(EncounterRecord.id == _enc(built, claim_id))
            .values(prior_authorization="AUTH1")
        )
    assert [(e, sev) for e, sev, _, _ in _scrub(built, claim_id)] == [("PAYER-RULE", "warning")]
    rule_id = built.scrubber.payer_rules()[1].id
    built.scrubber.set_payer_rule_active(rule_id, False)
    assert _scrub(built, claim_id) == []


def test_a_malformed_payer_rule_is_refused_with_the_reason(built: Services) -> None:
    with pytest.raises(ValidationError, match="names the modifier"):
        built.scrubber.add_payer_rule("TST01", "broken", {"kind": "require_modifier", "codes": ["99213"]})
    with pytest.raises(ValidationError, match="not a code"):
        built.scrubber.add_payer_rule("TST01", "broken", {"kind": "prior_auth", "codes": ["MRI"]})
    assert built.scrubber.payer_rules() == []


# ------------------------------------------------------------------------------------------ overrides and fixes


def test_an_override_needs_a_reason_records_who_and_when_and_survives_a_rescrub(built: Services) -> None:
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="0")
    claim_id = _claim_id(built)
    _scrub(built, claim_id)
    assert built.claims.claim_status(claim_id) == "needs_attention"
    (finding,) = built.scrubber.findings(claim_id)
    assert finding.blocking and finding.field == "coding.line.2.code" and finding.line == 2
    with pytest.raises(ValidationError, match="reason"):
        built.scrubber.override(finding.id, " ")
    row = built.scrubber.override(finding.id, "Payer confirmed separate draw on the phone, ref 123")
    assert row.overridden_by == "tester" and row.overridden_at is not None and not row.blocking
    assert built.claims.claim_status(claim_id) == "ready"
    with pytest.raises(ClaimDeskError, match="already overridden"):
        built.scrubber.override(finding.id, "again, for the record")
    _scrub(built, claim_id)
    (again,) = built.scrubber.findings(claim_id)
    assert again.overridden_by == "tester" and built.claims.claim_status(claim_id) == "ready"


def test_fixing_the_coding_and_rescrubbing_clears_the_finding(built: Services) -> None:
    _local(built, kind="ptp", code1="99213", code2="36415", modifier_indicator="1")
    claim_id = _claim_id(built)
    assert _edits(_scrub(built, claim_id)) == {"NCCI-PTP"}
    encounter_id = _enc(built, claim_id)
    ws = built.coding.open(encounter_id)
    assert ws.editable and ws.open_claim == f"CD{claim_id:08d}"
    visit, draw = ws.coding.lines
    fixed = Coding(ws.coding.diagnoses, (visit, CodedLine(**{**draw.__dict__, "modifiers": ("59",)})))
    built.coding.save(encounter_id, fixed)
    assert built.claims.claim_status(claim_id) == "draft", "a changed claim must be scrubbed again"
    assert _scrub(built, claim_id) == []
    assert built.claims.claim_status(claim_id) == "ready"
    with built.db.session() as s:
        claim = s.get(ClaimRecord, claim_id)
        assert [(ln.code, ln.modifier1) for ln in claim.lines] == [("99213", None), ("36415", "59")]


def test_recoding_an_unsent_claim_keeps_the_coding_complete(built: Services) -> None:
    encounter_id = _enc(built, _claim_id(built))
    ws = built.coding.open(encounter_id)
    with pytest.raises(ValidationError, match="complete"):
        built.coding.save(encounter_id, Coding((CodedDiagnosis("E11.9", ""),), ()))
    with pytest.raises(ClaimDeskError, match="already on a claim"):
        built.coding.hold(encounter_id, "laterality missing", "Which arm?", ws.coding)


# ------------------------------------------------------------------------------------------ a CMS edition


@pytest.fixture
def with_cms_edition(tmp_path: Path, codeset_db: Path) -> Iterator[Services]:
    """The test practice with its own code-set copy holding an NCCI edition in CMS's published layout."""
    from tests.codesets.test_ncci import write_aoc, write_mue, write_ptp

    codesets = tmp_path / "codesets.sqlite3"
    shutil.copyfile(codeset_db, codesets)
    desk = open_services(tmp_path / "practice.sqlite3", user="tester", codesets_path=codesets)
    desk.importer.import_data(ImportFile.model_validate(practice_document()))
    ptp = write_ptp(tmp_path / "ccipra-v323r0-f1.txt", ["99213\t36415\t\t20200101\t*\t0\tMisuse of column two code"])
    mue = write_mue(tmp_path / "mue.csv", ['36415,1,"2 Date of Service Edit: Policy","Policy"'])
    aoc = write_aoc(tmp_path / "aoc.txt", ["99417\t99215\t1\t20210101\t*"])
    desk.codesets.import_ncci_ptp([ptp], "v32.3", dt.date(2026, 10, 1))
    desk.codesets.import_ncci_mue(mue, "v32.3", dt.date(2026, 10, 1))
    desk.codesets.import_ncci_aoc(aoc, "v32.3", dt.date(2026, 10, 1))
    desk.claims.build_claims()
    yield desk
    desk.close()


def test_an_imported_cms_edition_is_named_in_findings_and_wins_over_the_local_table(with_cms_edition: Services) -> None:
    desk = with_cms_edition
    assert all("v32.3 (CMS, effective 10/01/2026)" in label for label in desk.scrubber.edition_labels())
    _local(desk, kind="ptp", code1="99213", code2="36415", modifier_indicator="1")
    claim_id = _claim_id(desk)
    _set_claim(desk, claim_id, lines=[{"code": "99213"}, {"code": "36415", "mods": ("59",)}, {"code": "99417"}])
    found = _scrub(desk, claim_id)
    by_edit = {e: m for e, _, _, m in found}
    assert set(by_edit) == {"NCCI-PTP", "ADDON-PRIMARY"}, "indicator 0 from CMS: the local 1 does not apply"
    assert "NCCI PTP v32.3 (CMS" in by_edit["NCCI-PTP"] and TEST_EDITS not in by_edit["NCCI-PTP"]
    assert "99215" in by_edit["ADDON-PRIMARY"]
    _set_claim(desk, claim_id, lines=[{"code": "99215"}, {"code": "36415", "units": 2}, {"code": "99417"}])
    found = _scrub(desk, claim_id)
    assert [(e, line) for e, _, line, _ in found] == [("NCCI-MUE", 2)]


def test_the_prior_authorization_and_referring_provider_are_fixed_on_the_encounter(built: Services) -> None:
    built.scrubber.add_payer_rule("TST01", "auth", {"kind": "prior_auth", "codes": ["99213"]})
    built.scrubber.add_payer_rule("TST01", "referral", {"kind": "referring_provider"})
    claim_id = _claim_id(built)
    fields = {r.field for r in (_scrub(built, claim_id) and built.scrubber.findings(claim_id))}
    assert fields == {"coding.prior_authorization", "coding.referring"}
    encounter_id = _enc(built, claim_id)
    ws = built.coding.open(encounter_id)
    referring = next(p for p in built.coding.referring_choices() if p[0] != ws.rendering_provider_id)
    with pytest.raises(ValidationError, match="other than the rendering"):
        built.coding.set_claim_details(encounter_id, "A1", ws.rendering_provider_id)
    with pytest.raises(ValidationError, match="50 letters"):
        built.coding.set_claim_details(encounter_id, "AUTH*1", None)
    ws = built.coding.set_claim_details(encounter_id, " auth-77 ", referring[0])
    assert (ws.prior_authorization, ws.referring_provider_id) == ("AUTH-77", referring[0])
    assert built.claims.claim_status(claim_id) == "draft"
    assert _scrub(built, claim_id) == []
