"""Read a claim-form PDF back with pdfplumber: which character sits in which grid cell of which page.

The check is independent of our writer: pdfplumber reports where each glyph landed on the page, and
the layout's grid says which row and column that point belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from app.formats.cms1500 import FieldSpec, FormLayout, FormPage


@dataclass(frozen=True)
class PrintedChar:
    page: int
    row: int
    col: int
    text: str
    x0: float
    top: float
    font: str
    color: object


def read_chars(path: Path, layout: FormLayout, offset: tuple[float, float] = (0.0, 0.0)) -> list[PrintedChar]:
    """Every upright character in the PDF, placed on the grid after taking the printer offset back out."""
    grid = layout.grid
    dx, dy = offset[0] * 72, offset[1] * 72
    out: list[PrintedChar] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for c in page.chars:
                if not c.get("upright", True) or not c["text"].strip():
                    continue
                x = (c["x0"] + c["x1"]) / 2 - dx
                y = (c["top"] + c["bottom"]) / 2 - dy
                out.append(
                    PrintedChar(
                        number,
                        grid.row_at(y),
                        grid.column_at(x),
                        c["text"],
                        c["x0"],
                        c["top"],
                        c["fontname"],
                        c.get("non_stroking_color"),
                    )
                )
    return out


def data_chars(chars: list[PrintedChar], font_fragment: str = "Courier") -> list[PrintedChar]:
    """The claim data: the monospaced font's characters, not the form's labels."""
    return [c for c in chars if font_fragment in c.font]


def page_text(path: Path, page: int = 1) -> str:
    with pdfplumber.open(path) as pdf:
        return pdf.pages[page - 1].extract_text() or ""


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


class Cells:
    """The characters of one page by (row, col), to read a field back by its layout position."""

    def __init__(self, chars: list[PrintedChar], page: int) -> None:
        self.by_cell: dict[tuple[int, int], str] = {}
        for c in chars:
            if c.page == page:
                assert (c.row, c.col) not in self.by_cell, f"two characters in row {c.row} column {c.col}"
                self.by_cell[(c.row, c.col)] = c.text

    def span(self, row: int, first: int, last: int) -> str:
        return "".join(self.by_cell.get((row, col), " ") for col in range(first, last + 1)).strip()

    def field(self, spec: FieldSpec) -> str:
        return self.span(spec.row, spec.col, spec.last_col)

    def cents(self, spec: FieldSpec) -> str:
        assert spec.cents_col is not None
        return self.span(spec.row, spec.cents_col, spec.cents_col + 1)


def assert_fields_read_back(path: Path, pages: list[FormPage], layout: FormLayout, font: str = "Courier") -> None:
    """Each field's text is found in its own columns of its own row, and nothing is printed elsewhere."""
    chars = data_chars(read_chars(path, layout), font)
    for number, page in enumerate(pages, 1):
        cells = Cells(chars, number)
        expected: set[tuple[int, int]] = set()
        for cell in page.cells():
            spec = layout.fields.get(cell.field.removesuffix(".cents"))
            if spec is not None and cell.field.endswith(".cents"):
                assert cells.cents(spec) == cell.text, cell.field
            elif spec is not None:
                assert cells.field(spec) == cell.text, cell.field
            expected.update((cell.row, cell.col + i) for i, ch in enumerate(cell.text) if ch != " ")
        stray = sorted(set(cells.by_cell) - expected)
        assert stray == [], f"page {number}: characters outside every field at {stray[:5]}"
