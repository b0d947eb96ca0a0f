"""Demo scenarios carry billable codes, sound claim lines, a plain charge master and complete notes."""

from __future__ import annotations

import random
import re
from collections import Counter
from decimal import Decimal

import pytest
import simple_icd_10_cm as icd

from app.domain.demo_scenarios import (
    CHARGE_MASTER,
    CHARGES_BY_CODE,
    EM_ESTABLISHED,
    EM_NEW,
    HOLD_REASONS,
    PREVENTIVE,
    SCENARIOS,
    PatientFacts,
    Scenario,
    hold_queries,
    is_external_cause,
    pick_scenario,
    pick_variant,
    render_note,
)

ALL_VARIANTS = [pytest.param(s, i, id=f"{s.key}-{i}") for s in SCENARIOS for i in range(len(s.diagnoses))]


def _all_lines():
    for s in SCENARIOS:
        for i in range(len(s.diagnoses)):
            for line in s.claim_lines(i):
                yield s, i, line


def _patients_for(scenario: Scenario) -> list[PatientFacts]:
    """A youngest and an oldest eligible patient of each allowed sex."""
    return [
        PatientFacts("Avery", "Testperson", age, sex)
        for age in sorted({scenario.min_age, scenario.max_age})
        for sex in sorted(scenario.sexes)
    ]


def _all_notes(scenario: Scenario, variant_index: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [
        render_note(scenario, variant_index, rng, patient, template_index=t)
        for patient in _patients_for(scenario)
        for t in range(len(scenario.note_templates))
    ]


# --- diagnosis codes ---------------------------------------------------------------------------


def test_every_diagnosis_code_is_a_billable_fy2026_icd10cm_code() -> None:
    bad = [
        (s.key, code)
        for s in SCENARIOS
        for v in s.diagnoses
        for code in v.codes
        if not (icd.is_valid_item(code) and icd.is_leaf(code))
    ]
    assert bad == []


def test_codes_are_written_with_the_dot_and_never_repeat_within_a_variant() -> None:
    for s in SCENARIOS:
        for v in s.diagnoses:
            assert len(set(v.codes)) == len(v.codes), s.key
            assert 1 <= len(v.codes) <= 12, s.key
            for code in v.codes:
                assert code == icd.add_dot(code), code


def test_external_cause_codes_are_never_first_listed() -> None:
    for s in SCENARIOS:
        for v in s.diagnoses:
            assert not is_external_cause(v.codes[0]), s.key


def test_scenario_keys_are_unique_and_there_are_about_twenty_scenarios() -> None:
    keys = [s.key for s in SCENARIOS]
    assert len(keys) == len(set(keys))
    assert len(SCENARIOS) >= 20


# --- claim lines -------------------------------------------------------------------------------


def test_every_line_points_inside_its_diagnosis_list() -> None:
    for s, i, line in _all_lines():
        n = len(s.diagnosis_codes(i))
        assert 1 <= len(line.pointers) <= 4, (s.key, line)
        assert len(set(line.pointers)) == len(line.pointers), (s.key, line)
        assert all(1 <= p <= n for p in line.pointers), (s.key, line)


def test_no_line_points_first_at_an_external_cause_code() -> None:
    for s, i, line in _all_lines():
        assert not is_external_cause(s.diagnosis_codes(i)[line.pointers[0] - 1]), s.key


def test_lines_have_positive_units_and_at_most_four_modifiers() -> None:
    for s, _, line in _all_lines():
        assert line.units >= 1, s.key
        assert len(line.modifiers) <= 4, s.key
        assert all(re.fullmatch(r"[0-9A-Z]{2}", m) for m in line.modifiers), s.key


def test_procedure_codes_look_like_cpt_or_hcpcs_level_ii_codes() -> None:
    for s, _, line in _all_lines():
        assert re.fullmatch(r"\d{5}|[A-V]\d{4}", line.code), (s.key, line.code)


def test_visit_codes_are_office_preventive_or_wellness_codes() -> None:
    for s in SCENARIOS:
        for i in range(len(s.diagnoses)):
            code = s.visit_code(i)
            assert code is None or code in EM_NEW | EM_ESTABLISHED | PREVENTIVE, (s.key, code)
            lines = s.claim_lines(i)
            assert lines, s.key
            if code is not None:
                assert lines[0].code == code


def test_drug_j_codes_carry_an_eleven_digit_ndc_and_other_lines_do_not() -> None:
    for s, _, line in _all_lines():
        if line.code.startswith("J"):
            assert line.ndc is not None and re.fullmatch(r"\d{11}", line.ndc), s.key
        else:
            assert line.ndc is None, (s.key, line.code)


def test_procedure_modifier_side_matches_the_diagnosis_side() -> None:
    for s, i, line in _all_lines():
        descriptions = " ".join(icd.get_description(c).lower() for c in s.diagnosis_codes(i))
        if "RT" in line.modifiers:
            assert "right" in descriptions, s.key
        if "LT" in line.modifiers:
            assert "left" in descriptions, s.key
        if "50" in line.modifiers:
            assert "bilateral" in descriptions, s.key


def test_hcpcs_level_ii_codes_exist_in_the_cms_alpha_numeric_file() -> None:
    from app.paths import resource

    path = resource("sources", "hcpcs", "HCPC2026_JAN_ANWEB_01122026.txt")
    # record id "3" (column 11) = procedure; termination date in columns 285-292 (blank = active)
    known = {
        line[:5]
        for line in path.read_text(encoding="ascii", errors="replace").splitlines()
        if len(line) > 10 and line[10] == "3" and line[284:292].strip() in ("", "99991231")
    }
    level_two = {line.code for _, _, line in _all_lines() if line.code[0].isalpha()}
    assert level_two - known == set()


# --- charge master -----------------------------------------------------------------------------


def test_every_procedure_code_has_a_charge_master_item() -> None:
    used = {line.code for _, _, line in _all_lines()}
    assert used - set(CHARGES_BY_CODE) == set()


def test_charge_master_has_one_row_per_code() -> None:
    codes = Counter(c.code for c in CHARGE_MASTER)
    assert [code for code, n in codes.items() if n > 1] == []


# Distinctive phrasing of licensed descriptor sets; the practice's own labels avoid it.
DESCRIPTOR_JARGON = (
    "evaluation and management",
    "medically appropriate",
    "medical decision making",
    "history and/or examination",
    "which requires",
    "immunization administration",
    "intramuscular",
    "percutaneous",
    "subcutaneous",
    "qualitative",
    "quantitative",
    "with interpretation",
    "per report",
    "established patient",
    "new patient",
    "e.g.",
    ";",
)


def test_charge_master_short_names_are_short_unique_plain_labels() -> None:
    names = [c.short_name for c in CHARGE_MASTER]
    assert len(names) == len(set(n.lower() for n in names))
    for name in names:
        assert 3 <= len(name) <= 28, name
        assert name == name.strip()
        assert not any(j in name.lower() for j in DESCRIPTOR_JARGON), name


def test_prices_are_decimals_with_two_places() -> None:
    for item in CHARGE_MASTER:
        assert isinstance(item.price, Decimal), item.code
        assert item.price.as_tuple().exponent == -2, item.code
        assert item.price > 0, item.code


# --- notes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scenario", "variant_index"), ALL_VARIANTS)
def test_render_note_fills_every_placeholder(scenario: Scenario, variant_index: int) -> None:
    assert 2 <= len(scenario.note_templates) <= 3
    for note in _all_notes(scenario, variant_index):
        assert "{" not in note and "}" not in note
        assert note.startswith("Patient: Testperson, Avery   Age: ")
        assert len(note) > 200


def test_render_note_picks_a_template_at_random_and_is_reproducible_by_seed() -> None:
    scenario = SCENARIOS[0]
    patient = PatientFacts("Lee", "Park", scenario.min_age + 5, "F")
    a = render_note(scenario, 0, random.Random(3), patient)
    b = render_note(scenario, 0, random.Random(3), patient)
    assert a == b


ASSESSMENT_START = re.compile(r"^(?:ASSESSMENT|Assessment|A/P|A:|Dx:)", re.MULTILINE)


def _assessment_part(note: str) -> str:
    match = ASSESSMENT_START.search(note)
    assert match, note
    return note[match.start() :].lower()


@pytest.mark.parametrize(("scenario", "variant_index"), ALL_VARIANTS)
def test_laterality_codes_notes_name_the_matching_side(scenario: Scenario, variant_index: int) -> None:
    sides = set()
    for code in scenario.diagnosis_codes(variant_index):
        words = set(re.findall(r"\b(right|left|bilateral)\b", icd.get_description(code).lower()))
        sides |= words
    if not sides:
        return
    for note in _all_notes(scenario, variant_index):
        assessment = _assessment_part(note)
        for side in ("right", "left", "bilateral"):
            present = re.search(rf"\b{side}\b", assessment) is not None
            assert present == (side in sides), (scenario.key, side, assessment)


def test_bmi_codes_match_the_bmi_written_in_the_note() -> None:
    checked = 0
    for s in SCENARIOS:
        for i, v in enumerate(s.diagnoses):
            for code in v.codes:
                m = re.search(r"BMI\] (\d+\.\d)-(\d+\.\d)", icd.get_description(code))
                if not m:
                    continue
                low, high = float(m.group(1)), float(m.group(2))
                for note in _all_notes(s, i):
                    bmi = float(re.search(r"BMI (\d+\.\d)", note).group(1))
                    assert low <= bmi <= high, (s.key, code, bmi)
                    checked += 1
    assert checked > 0


def test_notes_teach_negation_history_family_history_and_uncertainty() -> None:
    text = "\n".join(note for s in SCENARIOS for i in range(len(s.diagnoses)) for note in _all_notes(s, i)).lower()
    for phrase in ("denies", "no fever", "history of", "s/p", "family history", "mother with", "rule out"):
        assert phrase in text, phrase


def test_ruled_out_conditions_are_not_among_the_codes() -> None:
    # "rule out pneumonia" appears in notes; no pneumonia (J12-J18) code is ever assigned
    for s in SCENARIOS:
        for v in s.diagnoses:
            assert not any(c[:3] in {f"J{n}" for n in range(12, 19)} for c in v.codes), s.key


# --- selection ---------------------------------------------------------------------------------


def test_pick_scenario_respects_age_and_sex_eligibility() -> None:
    rng = random.Random(11)
    seen: set[str] = set()
    for _ in range(4000):
        age = rng.randint(1, 100)
        sex = rng.choice("MF")
        scenario = pick_scenario(rng, age, sex)
        assert scenario.min_age <= age <= scenario.max_age, (scenario.key, age)
        assert sex in scenario.sexes, (scenario.key, sex)
        seen.add(scenario.key)
    assert seen == {s.key for s in SCENARIOS}


def test_pick_scenario_follows_weights() -> None:
    rng = random.Random(5)
    counts = Counter(pick_scenario(rng, 50, "F").key for _ in range(6000))
    # hypertension (weight 10) is drawn far more often than laceration repair (weight 3)
    assert counts["htn_followup"] > 2 * counts["laceration_repair"]


def test_female_only_scenarios_are_never_given_to_male_patients() -> None:
    rng = random.Random(2)
    assert all(pick_scenario(rng, 40, "M").key != "uti_female" for _ in range(2000))


def test_every_age_from_one_to_one_hundred_has_a_scenario_for_both_sexes() -> None:
    rng = random.Random(0)
    for age in range(1, 101):
        for sex in "MF":
            pick_scenario(rng, age, sex)


def test_pick_scenario_refuses_a_patient_no_scenario_fits() -> None:
    with pytest.raises(ValueError):
        pick_scenario(random.Random(0), 0, "F")


def test_pick_variant_returns_every_variant_index_over_many_draws() -> None:
    rng = random.Random(9)
    for s in SCENARIOS:
        seen = {pick_variant(rng, s) for _ in range(300)}
        assert seen == set(range(len(s.diagnoses))), s.key


# --- provider queries --------------------------------------------------------------------------


def test_hold_queries_cover_every_reason_with_real_query_text() -> None:
    queries = hold_queries()
    assert {reason for reason, _ in queries} == set(HOLD_REASONS)
    for reason, text in queries:
        assert reason in HOLD_REASONS
        assert len(text) > 60
        assert "$" not in text and "payment" not in text.lower()
