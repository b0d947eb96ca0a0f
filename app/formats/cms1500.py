"""CMS-1500 (02/12) paper claims: the NUCC print rules that turn a ClaimDocument into text placed on the form's grid.

The form's geometry is data (`resources/forms/cms1500_0212.json`); this module reads it into a typed
`FormLayout` and applies the rules: Courier 10 pitch on a 10 cpi x 6 lpi grid, ALL CAPS, no
punctuation beyond what NUCC asks for in a field, amounts with the form's dollar/cents rule as the
decimal point, `MM DD YY` service dates and `MM DD YYYY` birth dates, X in check boxes, six service
lines per form. The result is a display list (`FormPage`) that the PDF and Qt backends draw the same
way, so the preview, the PDF and the paper agree.

Decisions the NUCC manual leaves to us, made once here:
- More than six lines continue on further forms; each form repeats the header items, carries only
  its own lines and its own totals (item 28 = the sum of its lines' charges). No "CONTINUED".
- Item 29 per form = what earlier payers paid on that form's lines (their line adjudications), plus
  the patient's payment and any earlier-payer payment not tied to a line, given to the forms in
  order up to each form's unpaid balance (the last form takes any excess). The forms' item 29s add
  up to the claim's amount paid; a zero amount paid is left blank.
- Items 10a-10c are marked NO: the claim document carries no accident or employment indicator, and
  the 837 sends none in that case either.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from app.domain.claim_document import Address, ClaimDocument, DocumentLine, Insured, Person, Provider
from app.errors import ResourceError, ValidationError
from app.paths import resource

LAYOUT_FILE = ("forms", "cms1500_0212.json")
LINES_PER_FORM = 6
MAX_DIAGNOSES = 12
DIAGNOSIS_LETTERS = "ABCDEFGHIJKL"
ICD10_INDICATOR = "0"
SIGNATURE_ON_FILE = "SIGNATURE ON FILE"
REFERRING_QUALIFIER = "DN"
NDC_QUALIFIER = "N4"
FIELD_KINDS = ("text", "date6", "date8", "amount", "checkbox")
POINTS_PER_INCH = 72.0


# --------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Grid:
    """The print grid on the page: where row 1 and column 1 sit, and how big a character cell is."""

    columns: int
    lines: int
    page_width_pt: float
    page_height_pt: float
    left_margin_pt: float
    top_margin_pt: float
    column_pt: float
    line_pt: float
    baseline_rise_pt: float
    font: str
    font_size_pt: float

    def x_pt(self, column: float) -> float:
        """Left edge of a 1-based column, in points from the page's left edge."""
        return self.left_margin_pt + (column - 1) * self.column_pt

    def baseline_pt(self, row: int) -> float:
        """Baseline of a 1-based row, in points from the page's top edge."""
        return self.top_margin_pt + row * self.line_pt - self.baseline_rise_pt

    def grid_x_pt(self, x: float) -> float:
        """Drawing x (columns from the left edge of column 1) in points from the page's left edge."""
        return self.left_margin_pt + x * self.column_pt

    def grid_y_pt(self, y: float) -> float:
        """Drawing y (lines from the top of row 1) in points from the page's top edge."""
        return self.top_margin_pt + y * self.line_pt

    def column_at(self, x_pt: float) -> int:
        """The 1-based column under a point measured from the page's left edge."""
        return int((x_pt - self.left_margin_pt) // self.column_pt) + 1

    def row_at(self, y_pt: float) -> int:
        """The 1-based row under a point measured from the page's top edge."""
        return int((y_pt - self.top_margin_pt) // self.line_pt) + 1


@dataclass(frozen=True)
class FieldSpec:
    """One place on the form that takes data."""

    name: str
    row: int
    col: int
    width: int
    kind: str
    keep: str = ""  # punctuation NUCC asks for in this field (commas in names, the ZIP+4 hyphen)
    cents_col: int | None = None
    source: str = ""

    @property
    def item(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def last_col(self) -> int:
        return self.col + self.width - 1


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width_pt: float


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # baseline
    size_pt: float
    text: str
    bold: bool = False
    upright: bool = False  # rotated 90 degrees, reading bottom to top


@dataclass(frozen=True)
class FormDrawing:
    """The plain-paper form, in grid units (x in columns, y in lines from row 1's top)."""

    color: str
    shade_color: str
    label_font: str
    bold_font: str
    checkbox_w: float
    checkbox_h: float
    boxed_fields: tuple[str, ...]
    shades: tuple[Rect, ...]
    rules: tuple[Rule, ...]
    labels: tuple[Label, ...]


@dataclass(frozen=True, eq=False)  # hashed by identity: loaded once, cached with it
class FormLayout:
    form: str
    grid: Grid
    fields: Mapping[str, FieldSpec]
    service_line_rows: tuple[tuple[int, int], ...]  # (shaded, unshaded) per line
    insurance_types: Mapping[str, str]  # claim filing indicator -> item 1 field
    relationships: Mapping[str, str]  # PAT01/SBR02 code -> item 6 field
    drawing: FormDrawing

    def field(self, name: str) -> FieldSpec:
        try:
            return self.fields[name]
        except KeyError:
            raise ResourceError(f"{self.form} layout has no field {name!r}") from None

    def line_field(self, line: int, key: str) -> FieldSpec:
        return self.field(f"24.{line}.{key}")

    @property
    def lines_per_form(self) -> int:
        return len(self.service_line_rows)


def load_layout(path: Path | None = None) -> FormLayout:
    """The CMS-1500 layout from `resources/forms/` (cached), or from another file for tests and tuning."""
    if path is None:
        return _default_layout()
    return _read_layout(path)


@lru_cache(maxsize=1)
def _default_layout() -> FormLayout:
    return _read_layout(resource(*LAYOUT_FILE))


def _read_layout(path: Path) -> FormLayout:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ResourceError(f"form layout unreadable at {path}: {exc}") from exc
    try:
        return _parse_layout(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ResourceError(f"form layout {path.name} is malformed: {exc}") from exc


def _parse_layout(data: Mapping[str, Any]) -> FormLayout:
    g = data["grid"]
    grid = Grid(
        columns=int(g["columns"]),
        lines=int(g["lines"]),
        page_width_pt=float(g["page_width_in"]) * POINTS_PER_INCH,
        page_height_pt=float(g["page_height_in"]) * POINTS_PER_INCH,
        left_margin_pt=float(g["left_margin_pt"]),
        top_margin_pt=float(g["top_margin_pt"]),
        column_pt=POINTS_PER_INCH / float(g["cpi"]),
        line_pt=POINTS_PER_INCH / float(g["lpi"]),
        baseline_rise_pt=float(g["baseline_rise_pt"]),
        font=str(g["font"]),
        font_size_pt=float(g["font_size_pt"]),
    )
    fields: dict[str, FieldSpec] = {}
    for name, spec in data["fields"].items():
        fields[name] = _field(name, spec, int(spec["row"]))
    rows = tuple((int(shaded), int(unshaded)) for shaded, unshaded in data["service_lines"]["rows"])
    for number, (shaded, unshaded) in enumerate(rows, 1):
        for key, spec in data["service_lines"]["fields"].items():
            part = spec["part"]
            if part not in ("shaded", "unshaded"):
                raise ValueError(f"service line field {key}: part must be shaded or unshaded, not {part!r}")
            name = f"24.{number}.{key}"
            fields[name] = _field(name, spec, shaded if part == "shaded" else unshaded)
    for f in fields.values():
        if not (1 <= f.row <= grid.lines and 1 <= f.col and f.last_col <= grid.columns):
            raise ValueError(f"field {f.name} at row {f.row}, columns {f.col}-{f.last_col} is off the grid")
    insurance_types = {code: name for name, codes in data["insurance_types"].items() for code in codes}
    relationships = dict(data["relationships"])
    for target in (*insurance_types.values(), *relationships.values()):
        if target not in fields:
            raise ValueError(f"{target} is named in a code table but is not a field")
    d = data["drawing"]
    drawing = FormDrawing(
        color=str(d["color"]),
        shade_color=str(d["shade_color"]),
        label_font=str(d["label_font"]),
        bold_font=str(d["bold_font"]),
        checkbox_w=float(d["checkbox"][0]),
        checkbox_h=float(d["checkbox"][1]),
        boxed_fields=tuple(str(b["field"]) for b in d.get("boxes", ())),
        shades=tuple(Rect(*map(float, s)) for s in d["shades"]),
        rules=tuple(Rule(*map(float, r)) for r in d["rules"]),
        labels=tuple(_label(entry) for entry in d["labels"]),
    )
    return FormLayout(
        form=str(data["form"]),
        grid=grid,
        fields=fields,
        service_line_rows=rows,
        insurance_types=insurance_types,
        relationships=relationships,
        drawing=drawing,
    )


def _field(name: str, spec: Mapping[str, Any], row: int) -> FieldSpec:
    kind = str(spec["kind"])
    if kind not in FIELD_KINDS:
        raise ValueError(f"field {name}: kind {kind!r} is not one of {', '.join(FIELD_KINDS)}")
    width = int(spec["width"])
    if kind == "date6" and width < 8 or kind == "date8" and width < 10:
        raise ValueError(f"field {name}: {width} columns cannot hold a {kind}")
    cents = spec.get("cents_col")
    if kind == "amount" and cents is None:
        raise ValueError(f"field {name}: an amount needs cents_col")
    return FieldSpec(
        name=name,
        row=row,
        col=int(spec["col"]),
        width=width,
        kind=kind,
        keep=str(spec.get("keep", "")),
        cents_col=int(cents) if cents is not None else None,
        source=str(spec.get("from", "")),
    )


def _label(entry: Sequence[Any]) -> Label:
    x, y, size, text, *style = entry
    styles = set(style)
    unknown = styles - {"bold", "up"}
    if unknown:
        raise ValueError(f"label {text!r}: unknown style {', '.join(sorted(unknown))}")
    return Label(float(x), float(y), float(size), str(text), bold="bold" in styles, upright="up" in styles)


# ------------------------------------------------------------------------------------- display list


@dataclass(frozen=True)
class PlacedText:
    """Characters starting at a grid cell; the text already obeys the print rules and its field's width."""

    row: int
    col: int
    text: str
    field: str


@dataclass(frozen=True)
class CheckMark:
    """An X in a check box."""

    row: int
    col: int
    field: str

    text: ClassVar[str] = "X"


@dataclass(frozen=True)
class FormPage:
    """One printed form: what to print where. `form_number` of `form_count` for a claim's continuation forms."""

    claim_id: int | None
    claim_number: str
    form_number: int
    form_count: int
    texts: tuple[PlacedText, ...]
    marks: tuple[CheckMark, ...]
    warnings: tuple[str, ...] = ()

    def cells(self) -> Iterable[PlacedText | CheckMark]:
        yield from self.texts
        yield from self.marks

    def text(self, field_name: str) -> str | None:
        """The text printed in a field (dollars for an amount; its cents are in `<field>.cents`), or None."""
        for t in self.texts:
            if t.field == field_name:
                return t.text
        return None

    def is_checked(self, field_name: str) -> bool:
        return any(m.field == field_name for m in self.marks)


# -------------------------------------------------------------------------------------- print rules

_BECOME_SPACE = frozenset("-/\\_\t\r\n")


def ocr_text(value: str, keep: str = "") -> str:
    """Text as the OCR scanners want it: ASCII capitals, digits and single spaces.

    Accents are dropped (`JOSÉ` -> `JOSE`), `-` `/` `\\` separate words, and every other mark
    (`$ . * , # ' &` ...) is removed unless the field keeps it (`keep`).
    """
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").upper()
    out: list[str] = []
    for ch in plain:
        if ch in keep or ("A" <= ch <= "Z") or ("0" <= ch <= "9") or ch == " ":
            out.append(ch)
        elif ch in _BECOME_SPACE:
            out.append(" ")
    return " ".join("".join(out).split())


def digits(value: str | None) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def zip_text(code: str | None) -> str:
    """Five digits, or ZIP+4 with the hyphen NUCC asks for (`12345-6789`)."""
    d = digits(code)
    return f"{d[:5]}-{d[5:]}" if len(d) == 9 else d


def patient_style_name(person: Person) -> str:
    """Items 2, 4 and 9: `LAST, FIRST, M`: NUCC separates the parts with commas, no periods."""
    parts = [ocr_text(person.last_name), ocr_text(person.first_name)]
    if person.middle_name and ocr_text(person.middle_name):
        parts.append(ocr_text(person.middle_name)[0])
    return ", ".join(p for p in parts if p)


def provider_name(provider: Provider) -> str:
    """Items 17, 32 and 33: an organization's name, or `FIRST LAST CREDENTIAL`, with no punctuation."""
    if provider.is_organization:
        return ocr_text(provider.last_name)
    return ocr_text(" ".join(p for p in (provider.first_name, provider.last_name, provider.credential) if p))


def city_state_zip(address: Address) -> str:
    """`CITY ST 12345-6789`: a space between town and state, no comma (NUCC items 32 and 33)."""
    return " ".join(p for p in (ocr_text(address.city), ocr_text(address.state), zip_text(address.zip)) if p)


def street(address: Address) -> str:
    return " ".join(p for p in (ocr_text(address.line1), ocr_text(address.line2 or "")) if p)


def ndc11(ndc: str) -> str:
    """The 11-digit (5-4-2) NDC: hyphenated 10-digit labeler codes are padded in the short segment."""
    if len(d := digits(ndc)) == 11 and "-" not in ndc:
        return d
    segments = [s for s in ndc.replace(" ", "").split("-") if s]
    if len(segments) == 3 and all(s.isdigit() for s in segments) and sum(map(len, segments)) in (10, 11):
        a, b, c = segments
        if len(a) <= 5 and len(b) <= 4 and len(c) <= 2:
            return a.zfill(5) + b.zfill(4) + c.zfill(2)
    if len(d) == 11:
        return d
    raise ValueError(f"NDC {ndc!r} is neither 11 digits nor a hyphenated 4-4-2, 5-3-2 or 5-4-1 code")


def date6(value: dt.date) -> str:
    return value.strftime("%m %d %y")


def date8(value: dt.date) -> str:
    return value.strftime("%m %d %Y")


def pointer_letters(pointers: Sequence[int]) -> str:
    """Item 24E: up to four diagnosis letters, primary first, no separators."""
    return "".join(DIAGNOSIS_LETTERS[p - 1] for p in pointers[:4])


# ------------------------------------------------------------------------------------------- render


@dataclass
class _Sheet:
    """One form being filled in."""

    layout: FormLayout
    where: str
    texts: list[PlacedText] = field(default_factory=list)
    marks: list[CheckMark] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def put(self, name: str, value: str | None, *, identifier: bool = False) -> None:
        """Text by the print rules; an identifier also loses its separators (`GRP-100` -> `GRP100`)."""
        if not value:
            return
        spec = self.layout.field(name)
        if spec.kind != "text":
            raise ResourceError(f"{name} is a {spec.kind} field, not text")
        text = ocr_text(value, spec.keep)
        if identifier:
            text = text.replace(" ", "")
        if len(text) > spec.width:
            self.warnings.append(f"{self.where}: item {spec.item} ({name}) cut to {spec.width} characters")
            text = text[: spec.width].rstrip()
        if text:
            self.texts.append(PlacedText(spec.row, spec.col, text, name))

    def date(self, name: str, value: dt.date | None) -> None:
        if value is None:
            return
        spec = self.layout.field(name)
        text = {"date6": date6, "date8": date8}[spec.kind](value)
        self.texts.append(PlacedText(spec.row, spec.col, text, name))

    def check(self, name: str) -> None:
        spec = self.layout.field(name)
        if spec.kind != "checkbox":
            raise ResourceError(f"{name} is a {spec.kind} field, not a check box")
        self.marks.append(CheckMark(spec.row, spec.col, name))

    def amount(self, name: str, cents: int) -> None:
        spec = self.layout.field(name)
        if spec.kind != "amount" or spec.cents_col is None:
            raise ResourceError(f"{name} is a {spec.kind} field, not an amount")
        if cents < 0:
            raise ValidationError(
                f"{self.where}: item {spec.item} would be negative; the form takes no negative amounts"
            )
        dollars = str(cents // 100)
        if len(dollars) > spec.width:
            raise ValidationError(
                f"{self.where}: item {spec.item} amount {dollars}.{cents % 100:02d} does not fit the form's "
                f"{spec.width} dollar digits; split the claim"
            )
        self.texts.append(PlacedText(spec.row, spec.col + spec.width - len(dollars), dollars, name))
        self.texts.append(PlacedText(spec.row, spec.cents_col, f"{cents % 100:02d}", f"{name}.cents"))

    def raw(self, row: int, col: int, text: str, name: str) -> None:
        self.texts.append(PlacedText(row, col, text, name))


def render_forms(
    doc: ClaimDocument, layout: FormLayout | None = None, *, signed_on: dt.date | None = None
) -> list[FormPage]:
    """The claim as CMS-1500 forms: six lines a form, each form complete with its own totals.

    `signed_on` dates item 31 (today when not given). Raises `ValidationError` for a claim the form
    cannot carry (no lines, more than 12 diagnoses, a pointer to a missing diagnosis, an amount too big
    for its box, a malformed NDC).
    """
    layout = layout or load_layout()
    where = f"claim {doc.claim_number}"
    _check(doc, where)
    per_form = layout.lines_per_form
    chunks = [doc.lines[i : i + per_form] for i in range(0, len(doc.lines), per_form)]
    paid = _amount_paid_per_form(doc, chunks)
    signed = signed_on or dt.date.today()
    pages: list[FormPage] = []
    for index, chunk in enumerate(chunks):
        sheet = _Sheet(layout, where if len(chunks) == 1 else f"{where} form {index + 1}")
        _header(sheet, doc, signed)
        for slot, line in enumerate(chunk, 1):
            _service_line(sheet, doc, slot, line)
        sheet.amount("28.total_charge", sum(line.charge_cents for line in chunk))
        if paid[index]:
            sheet.amount("29.amount_paid", paid[index])
        pages.append(
            FormPage(
                claim_id=doc.claim_id,
                claim_number=doc.claim_number,
                form_number=index + 1,
                form_count=len(chunks),
                texts=tuple(sheet.texts),
                marks=tuple(sheet.marks),
                warnings=tuple(sheet.warnings),
            )
        )
    return pages


def render_batch(
    docs: Iterable[ClaimDocument], layout: FormLayout | None = None, *, signed_on: dt.date | None = None
) -> list[FormPage]:
    """Every claim's forms, in order, for one print run or one PDF."""
    layout = layout or load_layout()
    return [page for doc in docs for page in render_forms(doc, layout, signed_on=signed_on)]


def _check(doc: ClaimDocument, where: str) -> None:
    problems: list[str] = []
    if not doc.lines:
        problems.append("it has no service lines")
    if len(doc.diagnoses) > MAX_DIAGNOSES:
        problems.append(f"it has {len(doc.diagnoses)} diagnoses; item 21 holds {MAX_DIAGNOSES} (A-L)")
    for line in doc.lines:
        bad = [p for p in line.pointers if not 1 <= p <= min(len(doc.diagnoses), MAX_DIAGNOSES)]
        if bad:
            problems.append(f"line {line.number} points to diagnosis {', '.join(map(str, bad))}, which item 21 lacks")
        if line.charge_cents < 0:
            problems.append(f"line {line.number} has a negative charge")
        if line.ndc:
            try:
                ndc11(line.ndc)
            except ValueError as exc:
                problems.append(f"line {line.number}: {exc}")
    if problems:
        raise ValidationError(f"The CMS-1500 cannot carry {where}:", problems)


def _header(sheet: _Sheet, doc: ClaimDocument, signed: dt.date) -> None:
    layout = sheet.layout
    insured = doc.insured
    payer = insured.payer
    patient = doc.patient
    subscriber = insured.subscriber

    sheet.put("carrier.name", payer.name)
    if payer.address:
        sheet.put("carrier.address_1", payer.address.line1)
        sheet.put("carrier.address_2", payer.address.line2)
        sheet.put("carrier.city_state_zip", city_state_zip(payer.address))

    sheet.check(layout.insurance_types.get(payer.claim_filing_indicator, "1.other"))
    sheet.put("1a.insured_id", insured.member_id, identifier=True)

    sheet.put("2.patient_name", patient_style_name(patient))
    sheet.date("3.birth_date", patient.date_of_birth)
    _sex(sheet, patient.sex, "3.sex_m", "3.sex_f")
    sheet.put("4.insured_name", patient_style_name(subscriber))

    _person_address(sheet, patient, "5")
    sheet.check(layout.relationships.get(insured.relationship_code, "6.other"))
    insured_contact = subscriber if subscriber.address or not insured.patient_is_subscriber else patient
    _person_address(sheet, insured_contact, "7")

    other = _other_coverage(doc)
    if other is not None:
        sheet.put("9.other_insured_name", patient_style_name(other.subscriber))
        sheet.put("9a.other_insured_policy", other.member_id, identifier=True)
        sheet.put("9d.other_plan_name", other.payer.name)
    for item in ("10a", "10b", "10c"):
        sheet.check(f"{item}.no")

    sheet.put("11.insured_group", insured.group_number, identifier=True)
    sheet.date("11a.birth_date", subscriber.date_of_birth)
    _sex(sheet, subscriber.sex, "11a.sex_m", "11a.sex_f")
    sheet.put("11c.plan_name", payer.name)
    sheet.check("11d.yes" if other is not None else "11d.no")

    if doc.signature_on_file:
        sheet.put("12.signature", SIGNATURE_ON_FILE)
        sheet.put("13.signature", SIGNATURE_ON_FILE)

    if doc.referring is not None:
        sheet.put("17.qualifier", REFERRING_QUALIFIER)
        sheet.put("17.name", provider_name(doc.referring))
        sheet.put("17b.npi", doc.referring.npi, identifier=True)

    sheet.put("21.icd_indicator", ICD10_INDICATOR)
    for letter, code in zip("abcdefghijkl", doc.diagnoses, strict=False):
        sheet.put(f"21.{letter}", code)

    if doc.frequency_code in ("7", "8"):
        sheet.put("22.resubmission_code", doc.frequency_code)
        sheet.put("22.original_ref", doc.original_reference, identifier=True)
    sheet.put("23.prior_authorization", doc.prior_authorization, identifier=True)

    billing = doc.billing
    sheet.put("25.tin", digits(billing.tin), identifier=True)
    if billing.tin:
        sheet.check("25.ssn" if billing.tin_type == "SSN" else "25.ein")
    sheet.put("26.account", doc.claim_number, identifier=True)
    sheet.check("27.yes" if doc.accept_assignment else "27.no")

    sheet.put("31.signature", SIGNATURE_ON_FILE)
    sheet.date("31.date", signed)

    if doc.facility is not None:
        sheet.put("32.name", provider_name(doc.facility))
        if doc.facility.address:
            sheet.put("32.address", street(doc.facility.address))
            sheet.put("32.city_state_zip", city_state_zip(doc.facility.address))
        sheet.put("32a.npi", doc.facility.npi, identifier=True)

    _phone(sheet, billing.phone, "33.phone_area", "33.phone")
    sheet.put("33.name", provider_name(billing))
    if billing.address:
        sheet.put("33.address", street(billing.address))
        sheet.put("33.city_state_zip", city_state_zip(billing.address))
    sheet.put("33a.npi", billing.npi, identifier=True)


def _service_line(sheet: _Sheet, doc: ClaimDocument, slot: int, line: DocumentLine) -> None:
    def name(key: str) -> str:
        return f"24.{slot}.{key}"

    if line.ndc:
        supplemental = NDC_QUALIFIER + ndc11(line.ndc)
        if line.ndc_quantity:
            # NUCC: unit qualifier then quantity, which may keep its decimal point (0.5 ML).
            supplemental += f" {line.ndc_unit or 'UN'}{line.ndc_quantity}"
        sheet.put(name("supplemental"), supplemental)
    sheet.date(name("a_from"), line.date_from)
    sheet.date(name("a_to"), line.date_to)
    sheet.put(name("b_place_of_service"), line.place_of_service or doc.place_of_service)
    sheet.put(name("d_code"), line.code)
    for n, modifier in enumerate(line.modifiers[:4], 1):
        sheet.put(name(f"d_modifier_{n}"), modifier)
    if len(line.modifiers) > 4:
        sheet.warnings.append(f"{sheet.where}: line {line.number} has more than the form's 4 modifiers")
    sheet.put(name("e_pointer"), pointer_letters(line.pointers))
    if len(line.pointers) > 4:
        sheet.warnings.append(f"{sheet.where}: line {line.number} has more than the form's 4 diagnosis pointers")
    sheet.amount(name("f_charges"), line.charge_cents)
    sheet.put(name("g_units"), str(line.units))
    rendering = line.rendering or doc.rendering
    # NUCC 24J: report the rendering provider only when it differs from the billing provider (33a).
    if rendering is not None and rendering.npi and rendering.npi != doc.billing.npi:
        sheet.put(name("j_rendering_npi"), rendering.npi, identifier=True)


def _sex(sheet: _Sheet, sex: str | None, male: str, female: str) -> None:
    if sex == "M":
        sheet.check(male)
    elif sex == "F":
        sheet.check(female)


def _person_address(sheet: _Sheet, person: Person, item: str) -> None:
    if person.address:
        sheet.put(f"{item}.address", street(person.address))
        sheet.put(f"{item}.city", person.address.city)
        sheet.put(f"{item}.state", person.address.state)
        sheet.put(f"{item}.zip", zip_text(person.address.zip))
    _phone(sheet, person.phone, f"{item}.phone_area", f"{item}.phone")


def _phone(sheet: _Sheet, phone: str | None, area_field: str, number_field: str) -> None:
    """NUCC: area code in its own space, then the number with no hyphen or space."""
    d = digits(phone)
    if len(d) == 11 and d.startswith("1"):
        d = d[1:]
    if len(d) == 10:
        sheet.put(area_field, d[:3])
        sheet.put(number_field, d[3:])
    else:
        sheet.put(number_field, d)


def _other_coverage(doc: ClaimDocument) -> Insured | None:
    """Items 9, 9a, 9d: the first other coverage by priority (the secondary on a primary claim)."""
    others = sorted(
        (op.insured for op in doc.other_payers if op.insured.priority != doc.insured.priority),
        key=lambda i: i.priority,
    )
    return others[0] if others else None


def _amount_paid_per_form(doc: ClaimDocument, chunks: Sequence[Sequence[DocumentLine]]) -> list[int]:
    earlier = [op for op in doc.other_payers if op.insured.priority < doc.insured.priority]
    earlier_ids = {op.insured.payer.payer_id for op in earlier}
    by_line = {
        line.number: sum(a.paid_cents for a in line.adjudications if a.payer_id in earlier_ids) for line in doc.lines
    }
    paid = [sum(by_line[line.number] for line in chunk) for chunk in chunks]
    on_lines = sum(by_line.values())
    claim_level = sum(op.paid_cents if op.paid_cents is not None else 0 for op in earlier)
    # A payer that adjudicated lines but reported no claim total has paid exactly its lines.
    claim_level += sum(
        sum(a.paid_cents for line in doc.lines for a in line.adjudications if a.payer_id == op.insured.payer.payer_id)
        for op in earlier
        if op.paid_cents is None
    )
    unplaced = doc.patient_paid_cents + claim_level - on_lines
    if unplaced < 0:  # the payer paid less in total than on its lines (a claim-level adjustment)
        for index in range(len(paid)):
            take = min(paid[index], -unplaced)
            paid[index] -= take
            unplaced += take
        paid[0] += unplaced  # still negative only if the claim's total paid is: the form refuses that
        return paid
    for index, chunk in enumerate(chunks):
        if not unplaced:
            break
        balance = max(0, sum(line.charge_cents for line in chunk) - paid[index])
        take = unplaced if index == len(chunks) - 1 else min(unplaced, balance)
        paid[index] += take
        unplaced -= take
    return paid


# -------------------------------------------------------------------------------------- alignment


ALIGNMENT_CLAIM_NUMBER = "ALIGNMENT"


def alignment_page(layout: FormLayout | None = None) -> list[FormPage]:
    """The alignment test page: an X in every check box, and in every field a ruler of its columns
    (each character is the last digit of its column number), plus an 80-column ruler on row 1, so
    the user can see how far the printer's output sits from the pre-printed boxes."""
    layout = layout or load_layout()
    sheet = _Sheet(layout, "alignment page")
    ruler = "".join(str(c % 10) for c in range(1, layout.grid.columns + 1))
    sheet.raw(1, 1, ruler, "ruler")
    for spec in layout.fields.values():
        if spec.kind == "checkbox":
            sheet.check(spec.name)
        elif spec.kind == "amount":
            assert spec.cents_col is not None
            sheet.raw(spec.row, spec.col, _ruler(spec.col, spec.width), spec.name)
            sheet.raw(spec.row, spec.cents_col, _ruler(spec.cents_col, 2), f"{spec.name}.cents")
        else:
            sheet.raw(spec.row, spec.col, _ruler(spec.col, spec.width), spec.name)
    return [
        FormPage(
            claim_id=None,
            claim_number=ALIGNMENT_CLAIM_NUMBER,
            form_number=1,
            form_count=1,
            texts=tuple(sheet.texts),
            marks=tuple(sheet.marks),
        )
    ]


def _ruler(col: int, width: int) -> str:
    return "".join(str(c % 10) for c in range(col, col + width))
