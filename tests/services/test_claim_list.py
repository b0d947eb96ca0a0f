"""The Claims list counts, filters, sorts and pages claims on the database, with their scrub findings counted.

The test practice bills E1 (Alice Zephyr, Medicare, electronic: 99213 + 36415) and E2 (Bob Young,
Test Commercial, paper: 99214); E4 is self-pay and gets no claim.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from app.domain.claim_list import ClaimColumn, ClaimFilter, ClaimRow, ClaimSort, fix_target
from app.domain.import_format import ImportFile
from app.domain.payer_rule_form import RULE_INPUTS, rule_dict, split_codes
from app.domain.payer_rules import KIND_LABELS
from app.errors import ValidationError
from app.services.container import Services
from tests.factories import document, npi

TODAY = dt.date(2026, 3, 20)
TEST_EDITS = "TEST edits - not CMS"


@pytest.fixture
def built(loaded: Services) -> Services:
    loaded.claims.build_claims()
    return loaded


def _rows(services: Services, flt: ClaimFilter = ClaimFilter(), sort: ClaimSort = ClaimSort()) -> list[ClaimRow]:  # noqa: B008
    return services.claim_list.page(flt, sort, 0, 100)


def _by_account(services: Services) -> dict[str, ClaimRow]:
    return {r.account_number: r for r in _rows(services)}


def _ptp_edit(services: Services, code1: str = "99213", code2: str = "36415") -> None:
    services.scrubber.add_local_edits(
        [
            {
                "kind": "ptp",
                "code1": code1,
                "code2": code2,
                "modifier_indicator": "0",
                "effective_from": dt.date(2020, 1, 1),
            }
        ],
        TEST_EDITS,
    )


def test_built_claims_are_listed_with_patient_payer_provider_and_charges(built: Services) -> None:
    assert built.claim_list.count(ClaimFilter()) == 2
    alice = _by_account(built)["P001"]
    assert alice.claim_number.startswith("CD") and alice.status == "draft" and alice.status_label == "Draft"
    assert (alice.method, alice.payer_name, alice.sequence_label) == ("electronic", "Test Medicare", "Primary")
    assert (alice.patient_name, alice.date_of_service) == ("Zephyr, Alice", dt.date(2026, 3, 2))
    assert alice.provider_name == "Able, Ann MD"
    assert alice.charge_cents == 17500 and alice.frequency_label == "Original"
    assert (alice.errors, alice.warnings) == (0, 0)
    bob = _by_account(built)["P002"]
    assert (bob.method, bob.payer_name, bob.charge_cents) == ("paper", "Test Commercial", 22000)


def test_an_empty_database_lists_nothing(services: Services) -> None:
    assert services.claim_list.count(ClaimFilter()) == 0
    assert _rows(services) == []
    assert set(services.claim_list.status_counts(ClaimFilter()).values()) == {0}


def test_status_counts_split_ready_claims_by_paper_and_electronic(built: Services) -> None:
    counts = built.claim_list.status_counts(ClaimFilter())
    assert (counts["all"], counts["unsent"], counts["draft"], counts["ready"]) == (2, 2, 2, 0)
    built.scrubber.scrub(today=TODAY)
    counts = built.claim_list.status_counts(ClaimFilter())
    assert (counts["draft"], counts["ready"], counts["ready_electronic"], counts["ready_paper"]) == (0, 2, 1, 1)
    assert counts["unsent"] == 2 and counts["paid"] == 0


def test_status_counts_follow_the_other_filters_but_not_the_status_itself(built: Services) -> None:
    built.scrubber.scrub(today=TODAY)
    medicare = next(c.id for c in built.encounters.payer_choices() if c.label == "Test Medicare")
    counts = built.claim_list.status_counts(ClaimFilter(statuses=frozenset({"draft"}), payer_id=medicare))
    assert (counts["all"], counts["ready"], counts["ready_electronic"], counts["ready_paper"]) == (1, 1, 1, 0)
    assert built.claim_list.status_counts(ClaimFilter(search="nobody"))["all"] == 0


def test_status_method_payer_provider_dates_and_search_narrow_the_list(built: Services) -> None:
    built.scrubber.scrub(today=TODAY)
    cl = built.claim_list
    assert cl.count(ClaimFilter(statuses=frozenset({"ready"}))) == 2
    assert cl.count(ClaimFilter(statuses=frozenset({"draft", "needs_attention"}))) == 0
    paper = cl.page(ClaimFilter(statuses=frozenset({"ready"}), method="paper"), ClaimSort(), 0, 10)
    assert [r.account_number for r in paper] == ["P002"]
    commercial = next(c.id for c in built.encounters.payer_choices() if c.label == "Test Commercial")
    assert [r.account_number for r in _rows(built, ClaimFilter(payer_id=commercial))] == ["P002"]
    able = next(c.id for c in built.encounters.provider_choices() if c.label.startswith("Able"))
    assert [r.account_number for r in _rows(built, ClaimFilter(provider_id=able))] == ["P001"]
    march_3 = ClaimFilter(date_from=dt.date(2026, 3, 3), date_to=dt.date(2026, 3, 3))
    assert [r.account_number for r in _rows(built, march_3)] == ["P002"]
    assert cl.count(ClaimFilter(date_from=dt.date(2026, 3, 4))) == 0


def test_search_finds_claims_by_patient_name_account_or_claim_number(built: Services) -> None:
    cl = built.claim_list
    alice = _by_account(built)["P001"]
    assert [r.id for r in _rows(built, ClaimFilter(search="zeph"))] == [alice.id]
    assert [r.id for r in _rows(built, ClaimFilter(search="Zephyr, Al"))] == [alice.id]
    assert [r.id for r in _rows(built, ClaimFilter(search="p001"))] == [alice.id]
    assert [r.id for r in _rows(built, ClaimFilter(search=alice.claim_number.lower()))] == [alice.id]
    assert [r.id for r in _rows(built, ClaimFilter(search=str(alice.id)))] == [alice.id]
    assert cl.count(ClaimFilter(search="CD")) == 2
    assert cl.count(ClaimFilter(search="nobody")) == 0 and _rows(built, ClaimFilter(search="nobody")) == []
    assert cl.count(ClaimFilter(search="%")) == 0, "SQL wildcards are searched literally"


def test_unoverridden_findings_are_counted_and_the_errors_filter_finds_them(built: Services) -> None:
    _ptp_edit(built)
    built.scrubber.scrub(today=TODAY)
    alice = _by_account(built)["P001"]
    assert alice.status == "needs_attention" and alice.errors == 1
    with_errors = ClaimFilter(with_errors=True)
    assert [r.id for r in _rows(built, with_errors)] == [alice.id]
    assert built.claim_list.status_counts(with_errors)["needs_attention"] == 1

    (error,) = [f for f in built.scrubber.findings(alice.id) if f.blocking]
    built.scrubber.override(error.id, "Separate encounter documented, payer agreed by phone")
    alice = _by_account(built)["P001"]
    assert (alice.status, alice.errors) == ("ready", 0)
    assert built.claim_list.count(with_errors) == 0


# --------------------------------------------------------------------------- sorting and paging


def _encounter(n: int, account: str, codes: list[str]) -> dict[str, Any]:
    return {
        "source_id": f"S{n:03d}",
        "account_number": account,
        "date_of_service": (dt.date(2026, 1, 5) + dt.timedelta(days=n % 20)).isoformat(),
        "rendering_npi": npi(2 + n % 2),
        "facility_code": "MAIN",
        "status": "ready_to_bill",
        "note": "Visit.",
        "diagnoses": ["E11.9", "I10"],
        "service_lines": [{"code": c, "pointers": [1]} for c in codes],
    }


@pytest.fixture
def many(services: Services) -> Services:
    """27 claims over two payers and two providers; some break one or two test edits, so error counts vary."""
    mixes = (["99213"], ["99213", "36415"], ["99214", "36415", "99213"])
    encounters = [_encounter(n, ("P001", "P002", "P003")[n % 3], mixes[n // 3 % 3]) for n in range(27)]
    services.importer.import_data(ImportFile.model_validate(document(encounters=encounters)))
    services.claims.build_claims()
    _ptp_edit(services)
    _ptp_edit(services, "99214", "36415")
    services.scrubber.scrub(today=TODAY)
    return services


def _key(row: ClaimRow, column: ClaimColumn) -> Any:
    return {
        ClaimColumn.CLAIM: row.claim_number,
        ClaimColumn.PATIENT: row.patient_name,
        ClaimColumn.ACCOUNT: row.account_number,
        ClaimColumn.DATE_OF_SERVICE: row.date_of_service,
        ClaimColumn.PROVIDER: row.provider_name,
        ClaimColumn.PAYER: row.payer_name,
        ClaimColumn.STATUS: row.status,
        ClaimColumn.METHOD: row.method,
        ClaimColumn.CHARGES: row.charge_cents,
        ClaimColumn.ERRORS: row.errors,
        ClaimColumn.WARNINGS: row.warnings,
    }[column]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", list(ClaimColumn))
def test_every_column_sorts_and_pages_without_gaps_or_overlaps(
    many: Services, column: ClaimColumn, descending: bool
) -> None:
    sort = ClaimSort(column, descending)
    whole = many.claim_list.page(ClaimFilter(), sort, 0, 100)
    assert len(whole) == many.claim_list.count(ClaimFilter()) == 27
    keys = [_key(r, column) for r in whole]
    assert keys == sorted(keys, reverse=descending)
    paged = [r for offset in range(0, 27, 4) for r in many.claim_list.page(ClaimFilter(), sort, offset, 4)]
    assert [r.id for r in paged] == [r.id for r in whole]


def test_error_counts_vary_and_the_most_errors_come_first(many: Services) -> None:
    rows = many.claim_list.page(ClaimFilter(), ClaimSort(ClaimColumn.ERRORS, descending=True), 0, 100)
    assert {r.errors for r in rows} == {0, 1, 2}
    assert rows[0].errors == 2 and rows[-1].errors == 0
    paper = ClaimFilter(method="paper")
    sorted_paper = many.claim_list.page(paper, ClaimSort(ClaimColumn.ERRORS, descending=True), 0, 100)
    assert {r.method for r in sorted_paper} == {"paper"} and len(sorted_paper) == many.claim_list.count(paper)


# --------------------------------------------------------------------------- where a finding is fixed


@pytest.mark.parametrize(
    ("path", "editor", "words"),
    [
        ("coding.line.2.modifiers", "coding", "Coding: line 2, modifiers"),
        ("coding.line.1.pos", "coding", "Coding: line 1, place of service"),
        ("coding.diagnosis.3", "coding", "Coding: diagnosis 3 (C)"),
        ("coding.prior_authorization", "coding", "Coding: prior authorization"),
        ("patient.zip", "patient", "Patient: ZIP"),
        ("coverage.2.subscriber_date_of_birth", "patient", "Secondary coverage: subscriber date of birth"),
        ("practice.npi", "practice", "Practice: NPI"),
        ("provider.7.npi", "practice", "Provider: NPI"),
        ("payer.3.payer_id", "practice", "Payer: payer id"),
    ],
)
def test_a_finding_field_names_the_editor_and_the_place_in_words(path: str, editor: str, words: str) -> None:
    target = fix_target(path)
    assert target is not None and (target.editor, target.field, target.words) == (editor, path, words)


def test_a_finding_without_a_field_has_nowhere_to_go() -> None:
    assert fix_target(None) is None and fix_target("") is None and fix_target("somewhere") is None


# --------------------------------------------------------------------------- the payer rule form


def test_the_payer_rule_form_offers_every_kind_the_scrubber_knows() -> None:
    assert set(RULE_INPUTS) == set(KIND_LABELS)


@pytest.mark.parametrize("kind", sorted(KIND_LABELS))
def test_every_kind_of_rule_the_form_makes_is_accepted_with_only_its_inputs(loaded: Services, kind: str) -> None:
    rule = rule_dict(kind, codes="99202-99215, J*", with_codes="10004-69990", modifier="25", max_value=2, carc="4")
    assert set(rule) - {"kind", "severity", "carc"} <= set(RULE_INPUTS[kind])
    row = loaded.scrubber.add_payer_rule("TST01", f"Test {kind}", rule)
    assert (row.rule.kind, row.rule.carc, row.payer_name) == (kind, "4", "Test Medicare")


def test_the_form_splits_codes_and_leaves_checking_to_the_service(loaded: Services) -> None:
    assert split_codes(" 99213,36415;j* ") == ["99213", "36415", "J*"]
    rule = rule_dict("require_modifier", codes="99213", modifier="")
    assert rule == {"kind": "require_modifier", "severity": "error", "codes": ["99213"], "modifier": None}
    with pytest.raises(ValidationError, match="modifier"):
        loaded.scrubber.add_payer_rule(None, "No modifier named", rule)
