"""Office E/M levels: decision making two of three, time thresholds met or exceeded, prolonged time per payer."""

from __future__ import annotations

import pytest

from app.domain.em import (
    DataLevel,
    DataReviewed,
    EmInput,
    EmInputError,
    EmMethod,
    EmResult,
    MdmInput,
    MdmLevel,
    PatientType,
    PayerConvention,
    ProblemLevel,
    RiskLevel,
    calculate_em,
    estimate_from_note,
    mdm_level,
)
from app.errors import ClaimDeskError

NEW, ESTABLISHED = PatientType.NEW, PatientType.ESTABLISHED


def by_time(patient_type: PatientType, minutes: int, payer: str = "cpt") -> EmResult:
    return calculate_em(EmInput(patient_type, EmMethod.TIME, total_minutes=minutes), payer_convention=payer)


def by_mdm(
    patient_type: PatientType, problems: ProblemLevel, data: DataLevel | DataReviewed, risk: RiskLevel
) -> EmResult:
    return calculate_em(EmInput(patient_type, EmMethod.MDM, MdmInput(problems, data, risk)))


# --- time: every boundary of the CPT 2024 thresholds --------------------------------------------------------

ESTABLISHED_TIMES = [
    (9, None),
    (10, "99212"),
    (19, "99212"),
    (20, "99213"),
    (29, "99213"),
    (30, "99214"),
    (39, "99214"),
    (40, "99215"),
    (54, "99215"),
    (55, "99215"),
    (120, "99215"),
]
NEW_TIMES = [
    (14, None),
    (15, "99202"),
    (29, "99202"),
    (30, "99203"),
    (44, "99203"),
    (45, "99204"),
    (59, "99204"),
    (60, "99205"),
    (74, "99205"),
    (75, "99205"),
]


@pytest.mark.parametrize(("minutes", "code"), ESTABLISHED_TIMES)
def test_an_established_visit_by_time_takes_the_highest_threshold_met(minutes: int, code: str | None) -> None:
    assert by_time(ESTABLISHED, minutes).code == code


@pytest.mark.parametrize(("minutes", "code"), NEW_TIMES)
def test_a_new_visit_by_time_takes_the_highest_threshold_met(minutes: int, code: str | None) -> None:
    assert by_time(NEW, minutes).code == code


def test_time_below_the_lowest_threshold_sets_no_level_and_says_to_use_decision_making() -> None:
    result = by_time(NEW, 14)
    assert result.code is None and result.level is None
    assert any("below the 15 minutes 99202 needs" in r for r in result.reasons)
    assert any("decision making instead" in r for r in result.reasons)
    assert by_time(ESTABLISHED, 9).code is None


def test_a_time_level_names_its_decision_making_equivalent() -> None:
    assert by_time(ESTABLISHED, 30).level is MdmLevel.MODERATE
    assert by_time(NEW, 60).level is MdmLevel.HIGH


# --- prolonged time: CPT 99417 and Medicare G2212 ------------------------------------------------------------

CPT_PROLONGED = [
    (ESTABLISHED, 54, []),
    (ESTABLISHED, 55, [("99417", 1)]),
    (ESTABLISHED, 69, [("99417", 1)]),
    (ESTABLISHED, 70, [("99417", 2)]),
    (ESTABLISHED, 85, [("99417", 3)]),
    (NEW, 74, []),
    (NEW, 75, [("99417", 1)]),
    (NEW, 89, [("99417", 1)]),
    (NEW, 90, [("99417", 2)]),
]
MEDICARE_PROLONGED = [
    (ESTABLISHED, 55, []),
    (ESTABLISHED, 68, []),
    (ESTABLISHED, 69, [("G2212", 1)]),
    (ESTABLISHED, 83, [("G2212", 1)]),
    (ESTABLISHED, 84, [("G2212", 2)]),
    (NEW, 75, []),
    (NEW, 88, []),
    (NEW, 89, [("G2212", 1)]),
    (NEW, 104, [("G2212", 2)]),
]


@pytest.mark.parametrize(("patient_type", "minutes", "expected"), CPT_PROLONGED)
def test_cpt_adds_99417_for_each_full_15_minutes_past_the_top_codes_minimum(
    patient_type: PatientType, minutes: int, expected: list[tuple[str, int]]
) -> None:
    result = by_time(patient_type, minutes, "cpt")
    assert result.code == ("99205" if patient_type is NEW else "99215")
    assert result.prolonged == expected


@pytest.mark.parametrize(("patient_type", "minutes", "expected"), MEDICARE_PROLONGED)
def test_medicare_adds_g2212_only_15_minutes_past_the_old_range_top(
    patient_type: PatientType, minutes: int, expected: list[tuple[str, int]]
) -> None:
    assert by_time(patient_type, minutes, "medicare").prolonged == expected


def test_the_result_carries_both_conventions_and_names_the_one_chosen() -> None:
    result = by_time(ESTABLISHED, 69, PayerConvention.MEDICARE)
    assert result.payer_convention is PayerConvention.MEDICARE
    assert result.prolonged == [("G2212", 1)]
    assert result.prolonged_by_convention == {
        PayerConvention.CPT: [("99417", 1)],
        PayerConvention.MEDICARE: [("G2212", 1)],
    }
    assert any("99417 ×1" in r and "not the payer rule chosen" in r for r in result.reasons)


def test_below_the_top_code_no_prolonged_time_is_reported_under_either_convention() -> None:
    result = by_time(ESTABLISHED, 39)
    assert result.prolonged == []
    assert result.prolonged_by_convention == {PayerConvention.CPT: [], PayerConvention.MEDICARE: []}


def test_a_level_chosen_by_decision_making_reports_no_prolonged_time() -> None:
    result = by_mdm(ESTABLISHED, ProblemLevel.HIGH, DataLevel.EXTENSIVE, RiskLevel.HIGH)
    assert result.code == "99215"
    assert result.prolonged == []
    assert any("only when the level is chosen by time" in r for r in result.reasons)


# --- decision making: two of three ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problems", "data", "risk", "level"),
    [
        (ProblemLevel.MODERATE, DataLevel.LIMITED, RiskLevel.MODERATE, MdmLevel.MODERATE),
        (ProblemLevel.HIGH, DataLevel.MINIMAL, RiskLevel.LOW, MdmLevel.LOW),
        (ProblemLevel.HIGH, DataLevel.EXTENSIVE, RiskLevel.MINIMAL, MdmLevel.HIGH),
        (ProblemLevel.MINIMAL, DataLevel.EXTENSIVE, RiskLevel.MODERATE, MdmLevel.MODERATE),
        (ProblemLevel.LOW, DataLevel.MODERATE, RiskLevel.HIGH, MdmLevel.MODERATE),
        (ProblemLevel.MINIMAL, DataLevel.MINIMAL, RiskLevel.HIGH, MdmLevel.STRAIGHTFORWARD),
        (ProblemLevel.LOW, DataLevel.LIMITED, RiskLevel.LOW, MdmLevel.LOW),
        (ProblemLevel.HIGH, DataLevel.EXTENSIVE, RiskLevel.HIGH, MdmLevel.HIGH),
        (ProblemLevel.MINIMAL, DataLevel.MINIMAL, RiskLevel.MINIMAL, MdmLevel.STRAIGHTFORWARD),
    ],
)
def test_the_decision_making_level_is_the_one_two_of_three_elements_meet(
    problems: ProblemLevel, data: DataLevel, risk: RiskLevel, level: MdmLevel
) -> None:
    assert mdm_level(problems, data, risk) is level


@pytest.mark.parametrize(
    ("level_inputs", "new_code", "established_code"),
    [
        ((ProblemLevel.MINIMAL, DataLevel.MINIMAL, RiskLevel.MINIMAL), "99202", "99212"),
        ((ProblemLevel.LOW, DataLevel.LIMITED, RiskLevel.MINIMAL), "99203", "99213"),
        ((ProblemLevel.MODERATE, DataLevel.LIMITED, RiskLevel.MODERATE), "99204", "99214"),
        ((ProblemLevel.HIGH, DataLevel.MODERATE, RiskLevel.HIGH), "99205", "99215"),
    ],
)
def test_each_decision_making_level_maps_to_its_new_and_established_code(
    level_inputs: tuple[ProblemLevel, DataLevel, RiskLevel], new_code: str, established_code: str
) -> None:
    assert by_mdm(NEW, *level_inputs).code == new_code
    assert by_mdm(ESTABLISHED, *level_inputs).code == established_code


def test_the_reasons_say_which_elements_carried_the_level() -> None:
    result = by_mdm(ESTABLISHED, ProblemLevel.MODERATE, DataLevel.LIMITED, RiskLevel.MODERATE)
    assert result.level is MdmLevel.MODERATE and result.method is EmMethod.MDM
    assert "Decision making moderate: problems and risk meet it (two of three needed)." in result.reasons


# --- data counted by category -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "level"),
    [
        (DataReviewed(), DataLevel.MINIMAL),
        (DataReviewed(test_results=1), DataLevel.MINIMAL),
        (DataReviewed(test_results=1, tests_ordered=1), DataLevel.LIMITED),
        (DataReviewed(external_notes=2), DataLevel.LIMITED),
        (DataReviewed(independent_historian=True), DataLevel.LIMITED),
        (DataReviewed(test_results=2, independent_historian=True), DataLevel.MODERATE),
        (DataReviewed(tests_ordered=3), DataLevel.MODERATE),
        (DataReviewed(independent_interpretation=True), DataLevel.MODERATE),
        (DataReviewed(external_discussion=True), DataLevel.MODERATE),
        (DataReviewed(tests_ordered=2, independent_interpretation=True), DataLevel.MODERATE),
        (DataReviewed(independent_interpretation=True, external_discussion=True), DataLevel.EXTENSIVE),
        (DataReviewed(tests_ordered=3, external_discussion=True), DataLevel.EXTENSIVE),
        (
            DataReviewed(external_notes=1, test_results=1, independent_historian=True, independent_interpretation=True),
            DataLevel.EXTENSIVE,
        ),
    ],
)
def test_data_is_levelled_from_its_categories(data: DataReviewed, level: DataLevel) -> None:
    assert data.level() is level


def test_counted_data_feeds_the_decision_making_level() -> None:
    limited = DataReviewed(test_results=1, tests_ordered=1)
    assert by_mdm(ESTABLISHED, ProblemLevel.LOW, limited, RiskLevel.MINIMAL).code == "99213"
    extensive = DataReviewed(independent_interpretation=True, external_discussion=True)
    result = by_mdm(NEW, ProblemLevel.HIGH, extensive, RiskLevel.LOW)
    assert result.code == "99205"
    assert any(r.startswith("Data extensive") for r in result.reasons)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(EmInputError, match="tests ordered cannot be negative"):
        DataReviewed(tests_ordered=-1)


# --- 99211 and bad input ------------------------------------------------------------------------------------


def test_a_clinical_staff_visit_for_an_established_patient_is_99211_whatever_the_time() -> None:
    result = calculate_em(EmInput(ESTABLISHED, EmMethod.TIME, total_minutes=45, clinical_staff_only=True))
    assert result.code == "99211"
    assert result.level is None and result.prolonged == []


def test_decision_making_never_gives_99211() -> None:
    codes = {by_mdm(ESTABLISHED, p, d, r).code for p in ProblemLevel for d in DataLevel for r in RiskLevel}
    assert codes == {"99212", "99213", "99214", "99215"}


def test_a_clinical_staff_visit_for_a_new_patient_is_refused_in_plain_words() -> None:
    with pytest.raises(ClaimDeskError, match="established patients only"):
        calculate_em(EmInput(NEW, clinical_staff_only=True))


def test_missing_or_negative_inputs_are_refused() -> None:
    with pytest.raises(EmInputError, match="problems, data and risk"):
        calculate_em(EmInput(ESTABLISHED, EmMethod.MDM))
    with pytest.raises(EmInputError, match="total minutes"):
        calculate_em(EmInput(ESTABLISHED, EmMethod.TIME))
    with pytest.raises(EmInputError, match="negative"):
        by_time(ESTABLISHED, -5)


def test_every_level_has_a_hint_for_the_form() -> None:
    for enum in (ProblemLevel, DataLevel, RiskLevel, MdmLevel):
        assert all(member.hint and member.label for member in enum)
    assert ProblemLevel.LOW.hint != RiskLevel.LOW.hint


# --- a light reading of a note ------------------------------------------------------------------------------

FOLLOW_UP_NOTE = """Established patient here for a blood pressure check.
HPI: Home readings around 150/95.
Assessment and Plan:
1. Essential hypertension, uncontrolled - increase lisinopril to 20 mg daily
2. Type 2 diabetes, stable - refill metformin
I spent 35 minutes on the date of the encounter, including reviewing home readings.
"""


def test_a_note_with_documented_time_and_drug_management_suggests_99214_with_low_confidence() -> None:
    estimate = estimate_from_note(FOLLOW_UP_NOTE)
    assert estimate.code == "99214"
    assert estimate.confidence == "low"
    assert estimate.total_minutes == 35
    assert estimate.patient_type is ESTABLISHED and estimate.patient_type_stated
    assert estimate.problem_count == 2
    assert estimate.risk is RiskLevel.MODERATE
    assert any("prescription drug management" in r for r in estimate.reasons)


def test_documented_time_wins_when_it_supports_a_higher_level_than_the_words() -> None:
    note = "New patient.\nAssessment: 1. Acne\nPlan: benzoyl peroxide (over-the-counter)\nTotal time: 62 minutes"
    estimate = estimate_from_note(note)
    assert estimate.patient_type is NEW
    assert estimate.total_minutes == 62
    assert estimate.code == "99205" and estimate.method is EmMethod.TIME


def test_a_note_without_time_is_levelled_by_its_problems_and_treatment() -> None:
    note = "New patient with sore throat.\nAssessment: viral pharyngitis\nPlan: rest, fluids, acetaminophen"
    estimate = estimate_from_note(note)
    assert estimate.total_minutes is None
    assert (estimate.problem_count, estimate.problems, estimate.risk) == (1, ProblemLevel.LOW, RiskLevel.LOW)
    assert estimate.code == "99203" and estimate.method is EmMethod.MDM


@pytest.mark.parametrize(
    ("sentence", "minutes"),
    [
        ("I spent 35 minutes with the patient.", 35),
        ("Spent a total of 42 min on the date of service.", 42),
        ("Total time spent: 28 minutes.", 28),
        ("25 minutes were spent counseling.", 25),
    ],
)
def test_documented_total_time_is_read_in_the_usual_phrasings(sentence: str, minutes: int) -> None:
    assert estimate_from_note(sentence).total_minutes == minutes


def test_minutes_that_are_not_visit_time_are_not_read_as_time() -> None:
    assert estimate_from_note("Chest pain for 30 minutes this morning.").total_minutes is None


def test_a_note_that_does_not_say_new_or_established_is_assumed_established_and_says_so() -> None:
    estimate = estimate_from_note("Assessment: 1. Otitis media\nPlan: amoxicillin 500 mg")
    assert estimate.patient_type is ESTABLISHED and not estimate.patient_type_stated
    assert any("assumed established" in r for r in estimate.reasons)
    assert estimate.code == "99213"


def test_a_note_with_neither_time_nor_assessment_gets_no_suggestion() -> None:
    estimate = estimate_from_note("Patient called about a form.")
    assert estimate.code is None
    assert any("not enough" in r for r in estimate.reasons)


def test_an_estimate_prefills_the_calculator_with_what_it_read() -> None:
    estimate = estimate_from_note(FOLLOW_UP_NOTE)
    em = estimate.as_input()
    assert em.patient_type is ESTABLISHED and em.total_minutes == 35
    assert em.mdm == MdmInput(ProblemLevel.MODERATE, DataLevel.MINIMAL, RiskLevel.MODERATE)
    assert calculate_em(em).code == estimate.code
