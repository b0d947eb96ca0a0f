"""Device-independent drawing of claim forms: a FormPage and its layout as lines, fills and text runs in points.

Both backends (ReportLab in `pdf_forms`, QPainter in `ui.printing`) replay the same primitives, so a
print preview, a PDF and the paper show the same marks in the same places. Coordinates are points
from the page's top-left corner, y growing downwards; a printer offset is a translation the
backends apply on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, cast

from reportlab.pdfbase.pdfmetrics import stringWidth

from app.formats.cms1500 import FormLayout, FormPage, load_layout

Mode = Literal["red", "plain"]
MODES: tuple[Mode, ...] = ("red", "plain")
DATA_COLOR = "#000000"


@dataclass(frozen=True)
class Fill:
    x: float
    y: float
    w: float
    h: float
    color: str


@dataclass(frozen=True)
class Stroke:
    """A straight rule."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: str


@dataclass(frozen=True)
class Frame:
    """An outlined rectangle (a check box)."""

    x: float
    y: float
    w: float
    h: float
    width: float
    color: str


@dataclass(frozen=True)
class TextRun:
    """Text on a baseline. `font` is a PDF standard font name; `width` its advance by that font's metrics.

    With `pitch` every character starts `pitch` points after the previous one (claim data on the
    10 cpi grid); backends whose fonts differ in width stretch labels to `width` instead.
    """

    x: float
    y: float
    text: str
    font: str
    size: float
    color: str
    width: float
    pitch: float | None = None
    upright: bool = False


Primitive = Fill | Stroke | Frame | TextRun


def check_mode(mode: str) -> Mode:
    if mode not in MODES:
        raise ValueError(f"print mode must be one of {', '.join(MODES)}, not {mode!r}")
    return cast(Mode, mode)


def form_primitives(layout: FormLayout | None = None) -> tuple[Primitive, ...]:
    """The blank form for plain paper: tinted shades, rules, check boxes, then labels, in dropout red."""
    return _form_primitives(layout or load_layout())


@lru_cache(maxsize=4)
def _form_primitives(layout: FormLayout) -> tuple[Primitive, ...]:
    grid = layout.grid
    d = layout.drawing
    out: list[Primitive] = []
    for s in d.shades:
        x, y = grid.grid_x_pt(s.x), grid.grid_y_pt(s.y)
        out.append(Fill(x, y, s.w * grid.column_pt, s.h * grid.line_pt, d.shade_color))
    for r in d.rules:
        out.append(
            Stroke(
                grid.grid_x_pt(r.x1),
                grid.grid_y_pt(r.y1),
                grid.grid_x_pt(r.x2),
                grid.grid_y_pt(r.y2),
                r.width_pt,
                d.color,
            )
        )
    boxed = [f for f in layout.fields.values() if f.kind == "checkbox"] + [layout.field(n) for n in d.boxed_fields]
    for f in boxed:
        cx = f.col - 0.5  # the character cell's centre, in grid units
        cy = f.row - (grid.baseline_rise_pt + 0.5 * 0.57 * grid.font_size_pt) / grid.line_pt
        out.append(
            Frame(
                grid.grid_x_pt(cx - d.checkbox_w / 2),
                grid.grid_y_pt(cy - d.checkbox_h / 2),
                d.checkbox_w * grid.column_pt,
                d.checkbox_h * grid.line_pt,
                0.5,
                d.color,
            )
        )
    for label in d.labels:
        font = d.bold_font if label.bold else d.label_font
        out.append(
            TextRun(
                grid.grid_x_pt(label.x),
                grid.grid_y_pt(label.y),
                label.text,
                font,
                label.size_pt,
                d.color,
                stringWidth(label.text, font, label.size_pt),
                upright=label.upright,
            )
        )
    return tuple(out)


def data_primitives(page: FormPage, layout: FormLayout | None = None) -> list[TextRun]:
    """The claim's data: Courier on the grid, black, each character in its own column."""
    layout = layout or load_layout()
    grid = layout.grid
    runs: list[TextRun] = []
    for cell in page.cells():
        runs.append(
            TextRun(
                grid.x_pt(cell.col),
                grid.baseline_pt(cell.row),
                cell.text,
                grid.font,
                grid.font_size_pt,
                DATA_COLOR,
                len(cell.text) * grid.column_pt,
                pitch=grid.column_pt,
            )
        )
    return runs


def page_primitives(page: FormPage, layout: FormLayout | None = None, mode: str = "red") -> list[Primitive]:
    """Everything on one sheet: the data alone for pre-printed red forms, the form under it on plain paper."""
    layout = layout or load_layout()
    form = form_primitives(layout) if check_mode(mode) == "plain" else ()
    return [*form, *data_primitives(page, layout)]


def offset_pt(offset: tuple[float, float]) -> tuple[float, float]:
    """A printer offset in inches (right, down) as points."""
    dx, dy = offset
    return dx * 72.0, dy * 72.0
