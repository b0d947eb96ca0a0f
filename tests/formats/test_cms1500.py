"""The CMS-1500 print rules: what a claim document becomes on the form, field by field."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.domain.claim_document import OtherPayer
from app.errors import ValidationError
from app.formats.cms1500 import (
    FormPage,
    alignment_page,
    load_layout,
    ndc11,
    ocr_text,
    render_batch,
    render_forms,
)
from tests.formats.claims import (
    BILLING,
    FACILITY,
    PRIMARY,
    RENDERING,
    SIGNED_ON,
    claim,
    drug_line,
    secondary_claim,
    service_line,
)

LAYOUT = load_layout()
ALLOWED = re.compile(r"[A-Z0-9 ]*")


def one_form(**changes: object) -> FormPage:
    (page,) = render_forms(claim(**changes), signed_on=SIGNED_ON)  # type: ignore[arg-type]
    return page


def total(page: FormPage, field: str) -> str:
    return f"{page.text(field)} {page.text(field + '.cents')}"


def test_text_is_capitals_digits_and_spaces_only() -> None:
    assert ocr_text("María O'Neil-Smith, Jr.") == "MARIA ONEIL SMITH JR"
    assert ocr_text("200 N. Main St., Suite #4") == "200 N MAIN ST SUITE 4"
    assert ocr_text("$1,234.50 * \\ x") == "123450 X"
    assert ocr_text("Smith, John", keep=",") == "SMITH, JOHN"


def test_every_printed_character_obeys_the_ocr_rules() -> None:
    doc = claim(3, facility=FACILITY, frequency_code="7", original_reference="ICN-0099.12")
    doc = replace(doc, lines=(*doc.lines, drug_line(4)))
    for page in render_forms(doc, signed_on=SIGNED_ON):
        for cell in page.cells():
            spec = LAYOUT.fields[cell.field.removesuffix(".cents")]
            allowed = re.compile(f"[A-Z0-9 {re.escape(spec.keep)}]*")
            assert allowed.fullmatch(cell.text), (cell.field, cell.text)
            assert not set(cell.text) & set("$*\\"), cell.field
            if "," in cell.text:
                assert spec.item in ("2", "4", "9"), cell.field  # NUCC: commas separate name parts only
            if "-" in cell.text:
                assert re.search(r"\d{5}-\d{4}$", cell.text), cell.field  # NUCC: the ZIP+4 hyphen only
            if "." in cell.text:
                assert cell.field.endswith("supplemental"), cell.field  # an NDC quantity's decimal point


def test_names_follow_nucc_last_first_middle_initial_with_commas() -> None:
    page = one_form()
    assert page.text("2.patient_name") == "NUNEZ SMITH, MARIA, E"
    assert page.text("4.insured_name") == "NUNEZ SMITH, MARIA, E"
    assert page.text("9.other_insured_name") == "SMITH, ROBERT, J"
    assert page.text("17.name") == "CHRIS ABBOTT HALE DO"  # item 17: first, last, credential; no punctuation
    assert page.text("33.name") == "RIVERSIDE FAMILY MEDICINE PC"


def test_identifiers_lose_their_separators() -> None:
    page = one_form()
    assert page.text("1a.insured_id") == "XJH123456789"
    assert page.text("11.insured_group") == "GRP100"
    assert page.text("25.tin") == "123456789"
    assert page.text("26.account") == "C20260041"
    assert page.text("23.prior_authorization") == "PA7788"


def test_addresses_phones_and_zip_codes() -> None:
    page = one_form()
    assert page.text("5.address") == "42 ELM ST APT 3"
    assert (page.text("5.city"), page.text("5.state"), page.text("5.zip")) == ("SPRINGFIELD", "IL", "62704")
    assert (page.text("5.phone_area"), page.text("5.phone")) == ("217", "5550142")
    assert page.text("33.address") == "200 N MAIN ST SUITE 4"
    assert page.text("33.city_state_zip") == "SPRINGFIELD IL 62701-1234"
    assert (page.text("33.phone_area"), page.text("33.phone")) == ("217", "5550100")
    assert page.text("carrier.city_state_zip") == "CHICAGO IL 60601"


def test_dates_are_mm_dd_yy_for_service_and_mm_dd_yyyy_for_birth() -> None:
    page = one_form()
    assert page.text("3.birth_date") == "07 04 1961"
    assert page.text("11a.birth_date") == "07 04 1961"
    assert page.text("24.1.a_from") == "03 09 26"
    assert page.text("24.1.a_to") == "03 09 26"
    assert page.text("31.date") == "03 12 26"


def test_check_boxes_for_program_sex_relationship_conditions_and_assignment() -> None:
    page = one_form()
    checked = {m.field for m in page.marks}
    assert checked == {
        "1.group_health_plan",
        "3.sex_f",
        "6.self",
        "10a.no",
        "10b.no",
        "10c.no",
        "11a.sex_f",
        "11d.yes",
        "25.ein",
        "27.yes",
    }
    medicare = replace(PRIMARY, payer=replace(PRIMARY.payer, claim_filing_indicator="MB"), relationship_code="19")
    page = one_form(insured=medicare, other_payers=(), accept_assignment=False)
    assert {"1.medicare", "6.child", "11d.no", "27.no"} <= {m.field for m in page.marks}
    assert page.text("9.other_insured_name") is None


def test_diagnoses_without_dots_and_pointers_as_letters() -> None:
    page = one_form()
    assert page.text("21.icd_indicator") == "0"
    assert [page.text(f"21.{x}") for x in "abcd"] == ["E1165", "I10", "Z794", None]
    assert page.text("24.1.e_pointer") == "A"
    assert page.text("24.2.e_pointer") == "BAC"
    assert [page.text(f"24.2.d_modifier_{n}") for n in range(1, 5)] == ["25", "59", "XS", "LT"]


def test_twelve_diagnoses_fill_a_to_l_and_a_thirteenth_is_refused() -> None:
    codes = tuple(f"Z{n:02d}1" for n in range(12))
    page = one_form(diagnoses=codes, lines=(service_line(1, pointers=(12, 11, 10, 9)),))
    assert page.text("21.l") == "Z111"
    assert page.text("24.1.e_pointer") == "LKJI"
    with pytest.raises(ValidationError, match="13 diagnoses"):
        render_forms(claim(diagnoses=(*codes, "Z991")))


def test_a_pointer_to_a_missing_diagnosis_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        render_forms(claim(lines=(service_line(1, pointers=(4,)),)))
    assert "line 1 points to diagnosis 4" in str(raised.value)


def test_amounts_are_right_aligned_dollars_and_cents_in_their_own_columns() -> None:
    page = one_form(lines=(service_line(1, charge_cents=4205), service_line(2, charge_cents=1_234_599)))
    charges = LAYOUT.line_field(1, "f_charges")
    (dollars,) = [t for t in page.texts if t.field == "24.1.f_charges"]
    assert (dollars.text, dollars.col + len(dollars.text) - 1) == ("42", charges.last_col)
    assert page.text("24.1.f_charges.cents") == "05"
    assert total(page, "24.2.f_charges") == "12345 99"
    assert total(page, "28.total_charge") == "12388 04"


def test_an_amount_too_big_for_its_box_is_refused_not_cut() -> None:
    with pytest.raises(ValidationError, match="does not fit"):
        render_forms(claim(lines=(service_line(1, charge_cents=10_000_000),)))


def test_long_text_is_cut_to_its_field_and_reported() -> None:
    long_payer = replace(PRIMARY.payer, name="The Very Long Named Regional Health Insurance Cooperative")
    page = one_form(insured=replace(PRIMARY, payer=long_payer))
    width = LAYOUT.fields["carrier.name"].width
    assert width == 31
    assert page.text("carrier.name") == "THE VERY LONG NAMED REGIONAL HE"
    assert any("carrier.name" in w and f"{width} characters" in w for w in page.warnings)


def test_item_22_carries_the_resubmission_code_and_original_reference() -> None:
    assert one_form().text("22.resubmission_code") is None
    page = one_form(frequency_code="7", original_reference="2026-071-000123")
    assert page.text("22.resubmission_code") == "7"
    assert page.text("22.original_ref") == "2026071000123"
    assert one_form(frequency_code="8", original_reference="X1").text("22.resubmission_code") == "8"


def test_ndc_goes_in_the_shaded_half_of_its_line() -> None:
    page = one_form(lines=(service_line(1), drug_line(2)))
    assert page.text("24.2.supplemental") == "N400409379501 ML0.5"
    assert LAYOUT.fields["24.2.supplemental"].row == LAYOUT.fields["24.2.d_code"].row - 1
    assert page.text("24.1.supplemental") is None
    assert page.text("24.2.g_units") == "2"


def test_ndc_codes_become_eleven_digits() -> None:
    assert ndc11("00409-3795-01") == "00409379501"
    assert ndc11("0409-3795-01") == "00409379501"  # 4-4-2
    assert ndc11("12345-678-90") == "12345067890"  # 5-3-2
    assert ndc11("12345-6789-1") == "12345678901"  # 5-4-1
    with pytest.raises(ValueError):
        ndc11("1234567890")  # ten digits without hyphens: which segment to pad is unknowable
    with pytest.raises(ValidationError, match="line 1"):
        render_forms(claim(lines=(replace(drug_line(1), ndc="12-34"),)))


def test_rendering_npi_only_when_it_differs_from_the_billing_provider() -> None:
    assert one_form().text("24.1.j_rendering_npi") == RENDERING.npi
    solo = replace(RENDERING, tin="123456789")
    page = one_form(billing=replace(BILLING, npi=RENDERING.npi), rendering=solo)
    assert page.text("24.1.j_rendering_npi") is None
    other = replace(RENDERING, npi="1444555666")
    page = one_form(lines=(service_line(1), service_line(2, rendering=other)))
    assert (page.text("24.1.j_rendering_npi"), page.text("24.2.j_rendering_npi")) == (RENDERING.npi, "1444555666")


def test_service_facility_only_when_given() -> None:
    assert one_form().text("32.name") is None
    page = one_form(facility=FACILITY)
    assert page.text("32.name") == "RIVERSIDE INFUSION CENTER"
    assert page.text("32.address") == "18 LAKE RD BLDG 2"
    assert page.text("32.city_state_zip") == "SPRINGFIELD IL 62702"
    assert page.text("32a.npi") == FACILITY.npi


def test_signatures_on_file() -> None:
    page = one_form()
    assert page.text("12.signature") == page.text("13.signature") == page.text("31.signature") == "SIGNATURE ON FILE"
    page = one_form(signature_on_file=False)
    assert page.text("12.signature") is None and page.text("13.signature") is None


def test_seven_lines_make_two_complete_forms_with_their_own_totals() -> None:
    doc = claim(7)
    first, second = render_forms(doc, signed_on=SIGNED_ON)
    assert (first.form_number, first.form_count, second.form_number) == (1, 2, 2)
    assert [first.text(f"24.{n}.a_from") is not None for n in range(1, 7)] == [True] * 6
    assert second.text("24.1.d_code") == doc.lines[6].code
    assert second.text("24.2.d_code") is None
    assert total(first, "28.total_charge") == "765 00"  # 125 + 126 + ... + 130
    assert total(second, "28.total_charge") == "131 00"
    for name in ("2.patient_name", "1a.insured_id", "21.a", "26.account", "33a.npi", "31.date"):
        assert first.text(name) == second.text(name) is not None, name


def test_amount_paid_per_form_splits_what_was_paid_by_line() -> None:
    first, second = render_forms(secondary_claim(7), signed_on=SIGNED_ON)
    # Each line was paid $80.00 by the primary; the patient's $20.00 goes on the first form.
    assert total(first, "29.amount_paid") == "500 00"
    assert total(second, "29.amount_paid") == "80 00"
    assert first.is_checked("1.group_health_plan")
    assert first.text("9.other_insured_name") == "NUNEZ SMITH, MARIA, E"  # the primary's subscriber
    assert first.text("4.insured_name") == "SMITH, ROBERT, J"


def test_amount_paid_without_line_detail_fills_forms_up_to_their_balance() -> None:
    doc = replace(
        claim(7),
        insured=replace(PRIMARY, priority=2),
        other_payers=(OtherPayer(replace(PRIMARY, priority=1), paid_cents=80_000),),
        patient_paid_cents=1_000,
    )
    first, second = render_forms(doc, signed_on=SIGNED_ON)
    assert total(first, "29.amount_paid") == "765 00"  # the whole first form's charges
    assert total(second, "29.amount_paid") == "45 00"  # the rest: 800 + 10 - 765
    assert one_form().text("29.amount_paid") is None  # nothing paid: left blank


def test_a_batch_is_every_claims_forms_in_order() -> None:
    pages = render_batch([claim(1), claim(7), replace(claim(2), claim_number="C-9")], signed_on=SIGNED_ON)
    assert [(p.claim_number, p.form_number) for p in pages] == [
        ("C-2026-0041", 1),
        ("C-2026-0041", 1),
        ("C-2026-0041", 2),
        ("C-9", 1),
    ]


def test_a_claim_without_lines_is_refused() -> None:
    with pytest.raises(ValidationError, match="no service lines"):
        render_forms(claim(lines=()))


def test_the_alignment_page_marks_every_box_and_rules_every_field() -> None:
    (page,) = alignment_page()
    boxes = {f.name for f in LAYOUT.fields.values() if f.kind == "checkbox"}
    assert {m.field for m in page.marks} == boxes
    assert page.text("ruler") == "1234567890" * 8
    name = LAYOUT.fields["2.patient_name"]
    assert page.text("2.patient_name") == "".join(str(c % 10) for c in range(name.col, name.last_col + 1))
    assert page.text("28.total_charge.cents") == "89"


def test_a_claim_level_adjustment_lowers_the_amount_paid_without_going_negative() -> None:
    doc = secondary_claim(7)
    primary = replace(doc.other_payers[0], paid_cents=8000 * 7 - 50_000)  # paid $500 less than its lines
    first, second = render_forms(replace(doc, other_payers=(primary,)), signed_on=SIGNED_ON)
    # Paid in all: $60 by the primary + $20 by the patient = $80. Against $560 of line payments that
    # leaves -$480, taken off the forms in order: the first form's $480 goes to nothing (left blank).
    assert first.text("29.amount_paid") is None
    assert total(second, "29.amount_paid") == "80 00"


def test_modifiers_and_pointers_beyond_four_are_reported() -> None:
    line = service_line(1, modifiers=("25", "59", "XS", "LT", "RT"), pointers=(1, 2, 3, 1, 2))
    page = one_form(lines=(line,))
    assert page.text("24.1.d_modifier_4") == "LT"
    assert page.text("24.1.e_pointer") == "ABCA"
    assert any("4 modifiers" in w for w in page.warnings)
    assert any("4 diagnosis pointers" in w for w in page.warnings)
