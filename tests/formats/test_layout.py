"""The CMS-1500 layout data: every item has its place on the grid, and the plain-paper drawing keeps out of the data."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.errors import ResourceError
from app.formats.cms1500 import FieldSpec, FormLayout, load_layout
from app.paths import resource

LAYOUT = load_layout()
GRID = LAYOUT.grid
CAP_HEIGHT = 0.57  # Courier capitals, as a fraction of the font size
INK_INSET = 0.08  # columns between a Courier cell's edge and its ink

ITEMS = [
    "carrier.name",
    "1.medicare", "1.medicaid", "1.tricare", "1.champva", "1.group_health_plan", "1.feca_blk_lung", "1.other",
    "1a.insured_id", "2.patient_name", "3.birth_date", "3.sex_m", "3.sex_f", "4.insured_name",
    "5.address", "5.city", "5.state", "5.zip", "5.phone_area", "5.phone",
    "6.self", "6.spouse", "6.child", "6.other",
    "7.address", "7.city", "7.state", "7.zip", "7.phone_area", "7.phone",
    "9.other_insured_name", "9a.other_insured_policy", "9d.other_plan_name",
    "10a.yes", "10a.no", "10b.yes", "10b.no", "10b.state", "10c.yes", "10c.no", "10d.claim_codes",
    "11.insured_group", "11a.birth_date", "11a.sex_m", "11a.sex_f", "11b.other_claim_id", "11c.plan_name",
    "11d.yes", "11d.no", "12.signature", "13.signature", "14.date", "15.date", "16.from", "16.to",
    "17.qualifier", "17.name", "17a.other_id", "17b.npi", "18.from", "18.to", "19.additional_info",
    "20.yes", "20.no", "20.charges", "21.icd_indicator", *[f"21.{letter}" for letter in "abcdefghijkl"],
    "22.resubmission_code", "22.original_ref", "23.prior_authorization",
    "25.tin", "25.ssn", "25.ein", "26.account", "27.yes", "27.no", "28.total_charge", "29.amount_paid",
    "31.signature", "31.date", "32.name", "32.address", "32.city_state_zip", "32a.npi",
    "33.phone_area", "33.phone", "33.name", "33.address", "33.city_state_zip", "33a.npi",
]  # fmt: skip
LINE_KEYS = [
    "supplemental", "a_from", "a_to", "b_place_of_service", "c_emg", "d_code", "d_modifier_1", "d_modifier_2",
    "d_modifier_3", "d_modifier_4", "e_pointer", "f_charges", "g_units", "h_epsdt", "i_qualifier",
    "j_other_id", "j_rendering_npi",
]  # fmt: skip


def _cells(spec: FieldSpec) -> list[tuple[int, int]]:
    """The (first, last) column ranges a field prints in: an amount's dollars and its cents."""
    ranges = [(spec.col, spec.last_col)]
    if spec.cents_col is not None:
        ranges.append((spec.cents_col, spec.cents_col + 1))
    return ranges


def _ink(spec: FieldSpec) -> list[tuple[float, float, float, float]]:
    """Where a field's capitals can put ink, in drawing units (x0, y0, x1, y1)."""
    baseline = spec.row - GRID.baseline_rise_pt / GRID.line_pt
    top = baseline - CAP_HEIGHT * GRID.font_size_pt / GRID.line_pt
    return [(first - 1 + INK_INSET, top, last - INK_INSET, baseline) for first, last in _cells(spec)]


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_every_item_of_the_form_has_a_place_on_the_grid() -> None:
    missing = [name for name in ITEMS if name not in LAYOUT.fields]
    missing += [f"24.{n}.{k}" for n in range(1, 7) for k in LINE_KEYS if f"24.{n}.{k}" not in LAYOUT.fields]
    assert missing == []
    assert LAYOUT.lines_per_form == 6
    assert (GRID.columns, GRID.lines) == (80, 66)
    assert (GRID.column_pt, GRID.line_pt) == (7.2, 12.0)  # 10 cpi, 6 lpi
    assert (GRID.page_width_pt, GRID.page_height_pt) == (612.0, 792.0)


def test_each_service_line_has_a_shaded_row_above_its_unshaded_row() -> None:
    for n in range(1, 7):
        shaded = LAYOUT.line_field(n, "supplemental").row
        assert LAYOUT.line_field(n, "a_from").row == shaded + 1
        assert LAYOUT.line_field(n, "j_rendering_npi").row == shaded + 1
        assert LAYOUT.line_field(n, "i_qualifier").row == shaded
    rows = [LAYOUT.line_field(n, "a_from").row for n in range(1, 7)]
    assert rows == [44, 46, 48, 50, 52, 54]


def test_field_kinds_fit_their_widths() -> None:
    for spec in LAYOUT.fields.values():
        if spec.kind == "date6":
            assert spec.width >= 8, spec.name
        elif spec.kind == "date8":
            assert spec.width >= 10, spec.name
        elif spec.kind == "checkbox":
            assert spec.width == 1, spec.name
        elif spec.kind == "amount":
            assert spec.cents_col is not None and spec.cents_col >= spec.last_col + 2, spec.name


def test_no_two_fields_share_a_cell() -> None:
    clashes = []
    for a, b in combinations(LAYOUT.fields.values(), 2):
        if a.row != b.row:
            continue
        for a0, a1 in _cells(a):
            for b0, b1 in _cells(b):
                if a0 <= b1 and b0 <= a1:
                    clashes.append(f"{a.name} / {b.name}")
    assert clashes == []


def test_no_rule_of_the_drawn_form_touches_a_field() -> None:
    touching = []
    half = 0.3 / GRID.column_pt  # half a rule's width, in columns: generous
    for spec in LAYOUT.fields.values():
        for ink in _ink(spec):
            for r in LAYOUT.drawing.rules:
                x0, x1 = sorted((r.x1, r.x2))
                y0, y1 = sorted((r.y1, r.y2))
                if _overlaps(ink, (x0 - half, y0 - half / 1.6, x1 + half, y1 + half / 1.6)):
                    touching.append(f"{spec.name} / rule {r}")
    assert touching == []


def test_check_boxes_hold_their_x_and_touch_no_rule() -> None:
    d = LAYOUT.drawing
    bad = []
    for spec in LAYOUT.fields.values():
        if spec.kind != "checkbox":
            continue
        cx = spec.col - 0.5
        cy = spec.row - (GRID.baseline_rise_pt + 0.5 * CAP_HEIGHT * GRID.font_size_pt) / GRID.line_pt
        square = (cx - d.checkbox_w / 2, cy - d.checkbox_h / 2, cx + d.checkbox_w / 2, cy + d.checkbox_h / 2)
        (ink,) = _ink(spec)
        if not (square[0] < ink[0] and ink[2] < square[2] and square[1] < ink[1] and ink[3] < square[3]):
            bad.append(f"{spec.name}: the X is not inside its box")
        for r in d.rules:
            x0, x1 = sorted((r.x1, r.x2))
            y0, y1 = sorted((r.y1, r.y2))
            if _overlaps(square, (x0, y0, x1, y1)):
                bad.append(f"{spec.name}: box crosses rule {r}")
    assert bad == []


def test_no_label_of_the_drawn_form_covers_a_field() -> None:
    covered = []
    for label in LAYOUT.drawing.labels:
        if label.upright:
            continue
        font = LAYOUT.drawing.bold_font if label.bold else LAYOUT.drawing.label_font
        width = stringWidth(label.text, font, label.size_pt) / GRID.column_pt
        box = (
            label.x,
            label.y - 0.72 * label.size_pt / GRID.line_pt,
            label.x + width,
            label.y + 0.2 * label.size_pt / GRID.line_pt,
        )
        for spec in LAYOUT.fields.values():
            if any(_overlaps(box, ink) for ink in _ink(spec)):
                covered.append(f"{label.text!r} / {spec.name}")
    assert covered == []


def test_the_drawing_stays_on_the_page() -> None:
    right = (GRID.page_width_pt - GRID.left_margin_pt) / GRID.column_pt
    bottom = (GRID.page_height_pt - GRID.top_margin_pt) / GRID.line_pt
    left = -GRID.left_margin_pt / GRID.column_pt
    for r in LAYOUT.drawing.rules:
        assert left < min(r.x1, r.x2) and max(r.x1, r.x2) < right and max(r.y1, r.y2) < bottom, r
    for label in LAYOUT.drawing.labels:
        assert left < label.x < right and 0 < label.y < bottom, label


def test_supplemental_rows_are_tinted_and_service_rows_are_not() -> None:
    def tinted(row: int) -> bool:
        return any(s.y <= row - 0.5 <= s.y + s.h and s.x <= 0 and s.x + s.w >= 61 for s in LAYOUT.drawing.shades)

    for n in range(1, 7):
        assert tinted(LAYOUT.line_field(n, "supplemental").row)
        assert not tinted(LAYOUT.line_field(n, "a_from").row)


def test_a_malformed_layout_is_reported_with_the_field_it_trips_on(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    data = json.loads(resource("forms", "cms1500_0212.json").read_text(encoding="utf-8"))
    data["fields"]["2.patient_name"]["col"] = 60  # 60 + 28 runs off the 80-column grid
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResourceError, match="2.patient_name"):
        load_layout(bad)


def test_the_default_layout_is_loaded_once() -> None:
    assert load_layout() is load_layout()
    assert isinstance(load_layout(), FormLayout)
