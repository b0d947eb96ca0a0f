"""CMS-1500 PDFs read back with pdfplumber: every character in its box on the grid, in both print modes."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.formats.cms1500 import FormPage, alignment_page, load_layout, render_batch, render_forms
from app.formats.pdf_forms import write_pdf
from tests.formats.claims import FACILITY, SIGNED_ON, claim, drug_line, secondary_claim
from tests.formats.pdf_reading import Cells, assert_fields_read_back, data_chars, page_count, page_text, read_chars

LAYOUT = load_layout()
TITLE = "HEALTH INSURANCE CLAIM FORM"


def full_claim_pages() -> list[FormPage]:
    doc = claim(3, facility=FACILITY, frequency_code="7", original_reference="ICN-0099-12")
    doc = replace(doc, lines=(*doc.lines, drug_line(4)))
    return render_forms(doc, signed_on=SIGNED_ON)


def assert_every_field_reads_back(path: Path, pages: list[FormPage]) -> None:
    assert_fields_read_back(path, pages, LAYOUT)


def test_red_mode_prints_each_field_inside_its_box(tmp_path: Path) -> None:
    pages = full_claim_pages()
    pdf = tmp_path / "red.pdf"
    write_pdf(pages, pdf, mode="red")
    assert_every_field_reads_back(pdf, pages)


def test_plain_mode_prints_each_field_inside_its_box_over_the_drawn_form(tmp_path: Path) -> None:
    pages = full_claim_pages()
    pdf = tmp_path / "plain.pdf"
    write_pdf(pages, pdf, mode="plain")
    assert_every_field_reads_back(pdf, pages)


def test_plain_mode_draws_the_form_and_red_mode_does_not(tmp_path: Path) -> None:
    pages = full_claim_pages()
    write_pdf(pages, tmp_path / "plain.pdf", mode="plain")
    write_pdf(pages, tmp_path / "red.pdf", mode="red")
    plain = page_text(tmp_path / "plain.pdf")
    red = page_text(tmp_path / "red.pdf")
    for label in (TITLE, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12", "28. TOTAL CHARGE"):
        assert label in plain
    assert TITLE not in red and "TOTAL CHARGE" not in red
    red_chars = read_chars(tmp_path / "red.pdf", LAYOUT)
    assert red_chars and {c.font for c in red_chars} == {"Courier"}


def test_the_form_is_drawn_in_dropout_red_and_the_data_in_black(tmp_path: Path) -> None:
    write_pdf(full_claim_pages(), tmp_path / "plain.pdf", mode="plain")
    chars = read_chars(tmp_path / "plain.pdf", LAYOUT)
    label_colors = {tuple(round(v, 2) for v in c.color) for c in chars if "Helvetica" in c.font}  # type: ignore[union-attr]
    data_colors = {tuple(c.color) for c in chars if c.font == "Courier"}  # type: ignore[arg-type]
    assert label_colors == {(0.88, 0.22, 0.24)}  # #E0383E
    assert data_colors <= {(0,), (0, 0, 0)}


def test_printed_data_has_no_lowercase_and_no_forbidden_punctuation(tmp_path: Path) -> None:
    pages = full_claim_pages()
    write_pdf(pages, tmp_path / "red.pdf")
    printed = "".join(c.text for c in read_chars(tmp_path / "red.pdf", LAYOUT))
    assert printed and re.fullmatch(r"[A-Z0-9,.\-]+", printed)
    assert not set(printed) & set("$*\\")


def test_dates_diagnoses_pointers_and_item_22_read_back(tmp_path: Path) -> None:
    write_pdf(full_claim_pages(), tmp_path / "red.pdf")
    cells = Cells(read_chars(tmp_path / "red.pdf", LAYOUT), 1)
    f = LAYOUT.fields
    assert cells.field(f["3.birth_date"]) == "07 04 1961"
    assert re.fullmatch(r"\d\d \d\d \d\d", cells.field(f["24.1.a_from"]))
    assert cells.field(f["24.1.a_from"]) == "03 09 26"
    assert [cells.field(f[f"21.{x}"]) for x in "abc"] == ["E1165", "I10", "Z794"]
    assert cells.field(f["24.2.e_pointer"]) == "BAC"
    assert cells.field(f["22.resubmission_code"]) == "7"
    assert cells.field(f["22.original_ref"]) == "ICN009912"


def test_ndc_prints_in_the_shaded_row_above_its_line(tmp_path: Path) -> None:
    write_pdf(full_claim_pages(), tmp_path / "red.pdf")
    chars = read_chars(tmp_path / "red.pdf", LAYOUT)
    shaded_row, line_row = LAYOUT.service_line_rows[3]
    assert Cells(chars, 1).span(shaded_row, 1, 61) == "N400409379501 ML0.5"
    assert Cells(chars, 1).field(LAYOUT.line_field(4, "d_code")) == "J1885"
    assert LAYOUT.line_field(4, "d_code").row == line_row


def test_seven_lines_print_as_two_forms_each_with_its_own_totals(tmp_path: Path) -> None:
    pages = render_forms(secondary_claim(7), signed_on=SIGNED_ON)
    write_pdf(pages, tmp_path / "two.pdf")
    assert page_count(tmp_path / "two.pdf") == 2
    chars = read_chars(tmp_path / "two.pdf", LAYOUT)
    total, paid = LAYOUT.fields["28.total_charge"], LAYOUT.fields["29.amount_paid"]
    first, second = Cells(chars, 1), Cells(chars, 2)
    assert (first.field(total), first.cents(total)) == ("765", "00")
    assert (second.field(total), second.cents(total)) == ("131", "00")
    assert (first.field(paid), first.cents(paid)) == ("500", "00")
    assert (second.field(paid), second.cents(paid)) == ("80", "00")
    assert second.field(LAYOUT.line_field(1, "d_code")) == "99213"
    assert second.field(LAYOUT.line_field(2, "d_code")) == ""
    assert first.field(LAYOUT.fields["2.patient_name"]) == second.field(LAYOUT.fields["2.patient_name"]) != ""


@pytest.mark.parametrize("mode", ["red", "plain"])
def test_an_offset_moves_everything_by_exactly_that_many_inches(tmp_path: Path, mode: str) -> None:
    pages = full_claim_pages()
    write_pdf(pages, tmp_path / "home.pdf", mode=mode)
    write_pdf(pages, tmp_path / "moved.pdf", mode=mode, offset=(0.05, -0.03))
    home = read_chars(tmp_path / "home.pdf", LAYOUT)
    moved = read_chars(tmp_path / "moved.pdf", LAYOUT)
    assert len(home) == len(moved) > 100
    for a, b in zip(home, moved, strict=True):
        assert a.text == b.text
        assert b.x0 - a.x0 == pytest.approx(3.6, abs=0.01)  # 0.05 in to the right
        assert b.top - a.top == pytest.approx(-2.16, abs=0.01)  # 0.03 in up
    # With the offset taken back out, every character is still in its cell.
    assert_every_field_reads_back(tmp_path / "home.pdf", pages)
    assert [(c.row, c.col) for c in read_chars(tmp_path / "moved.pdf", LAYOUT, (0.05, -0.03))] == [
        (c.row, c.col) for c in home
    ]


def test_the_grid_sits_at_the_forms_margins(tmp_path: Path) -> None:
    (page,) = alignment_page()
    write_pdf([page], tmp_path / "align.pdf")
    chars = read_chars(tmp_path / "align.pdf", LAYOUT)
    one = next(c for c in chars if (c.row, c.col) == (1, 1))
    assert one.text == "1"
    assert one.x0 == pytest.approx(24.0, abs=0.01)  # column 1 starts 1/3 in from the left edge
    eighty = next(c for c in chars if (c.row, c.col) == (1, 80))
    assert eighty.x0 - one.x0 == pytest.approx(79 * 7.2, abs=0.01)  # exactly 10 characters per inch
    rows = sorted({c.row for c in chars})
    tops = {c.row: c.top for c in chars}
    assert tops[61] - tops[8] == pytest.approx(53 * 12.0, abs=0.01)  # exactly 6 lines per inch
    assert rows[0] == 1 and rows[-1] == 61


def test_the_alignment_page_puts_an_x_in_every_box(tmp_path: Path) -> None:
    pages = alignment_page()
    write_pdf(pages, tmp_path / "align.pdf", mode="plain")
    assert_every_field_reads_back(tmp_path / "align.pdf", pages)
    cells = Cells(data_chars(read_chars(tmp_path / "align.pdf", LAYOUT)), 1)
    boxes = [f for f in LAYOUT.fields.values() if f.kind == "checkbox"]
    assert boxes and all(cells.by_cell.get((f.row, f.col)) == "X" for f in boxes)


def test_a_batch_of_claims_goes_into_one_pdf_and_a_stream_works(tmp_path: Path) -> None:
    pages = render_batch([claim(1), claim(7), claim(2)], signed_on=SIGNED_ON)
    buffer = io.BytesIO()
    write_pdf(pages, buffer, mode="plain")
    (tmp_path / "batch.pdf").write_bytes(buffer.getvalue())
    assert page_count(tmp_path / "batch.pdf") == 4
    assert_every_field_reads_back(tmp_path / "batch.pdf", pages)


def test_nothing_to_print_and_an_unknown_mode_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        write_pdf([], tmp_path / "empty.pdf")
    with pytest.raises(ValueError, match="mode"):
        write_pdf(full_claim_pages(), tmp_path / "x.pdf", mode="blue")
