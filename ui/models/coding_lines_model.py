"""An encounter's service lines as an editable table: typed edits are parsed here and handed on as new lines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from app.domain.coding import MAX_MODIFIERS, MAX_POINTERS, CodedLine, pointer_from_letter
from app.domain.money import format_money, to_cents
from app.errors import ValidationError

AnyIndex = QModelIndex | QPersistentModelIndex


class LineColumn(IntEnum):
    CODE = 0
    DESCRIPTION = 1
    MODIFIERS = 2
    UNITS = 3
    CHARGE = 4
    POINTERS = 5
    DATE_FROM = 6
    DATE_TO = 7
    PLACE_OF_SERVICE = 8
    RENDERING = 9
    NDC = 10


HEADERS: dict[LineColumn, str] = {
    LineColumn.CODE: "Code",
    LineColumn.DESCRIPTION: "Description",
    LineColumn.MODIFIERS: "Modifiers",
    LineColumn.UNITS: "Units",
    LineColumn.CHARGE: "Charge",
    LineColumn.POINTERS: "Pointers",
    LineColumn.DATE_FROM: "From",
    LineColumn.DATE_TO: "To",
    LineColumn.PLACE_OF_SERVICE: "POS",
    LineColumn.RENDERING: "Rendering",
    LineColumn.NDC: "NDC",
}
TOOLTIPS: dict[LineColumn, str] = {
    LineColumn.MODIFIERS: "Up to four modifiers separated by spaces, e.g. 25 59",
    LineColumn.POINTERS: "Diagnosis letters this line treats, most important first, e.g. AB",
    LineColumn.NDC: "National Drug Code, then quantity and unit, e.g. 00002-7510-01 1 UN",
    LineColumn.PLACE_OF_SERVICE: "Place of service for this line when it differs from the encounter's",
    LineColumn.RENDERING: "Rendering provider for this line when it differs from the encounter's: type a last name",
}
EDITABLE = frozenset(set(LineColumn) - {LineColumn.DESCRIPTION})
_RIGHT = frozenset({LineColumn.UNITS, LineColumn.CHARGE})
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_POS = re.compile(r"^\d{2}$")


def format_date(value: dt.date | None) -> str:
    return f"{value:%m/%d/%Y}" if value else ""


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%m%d%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"{text!r} is not a date; type it as MM/DD/YYYY.")


def parse_pointers(text: str, diagnosis_count: int) -> tuple[int, ...]:
    """'AB', 'a b', 'A,B' -> (1, 2), each letter naming a diagnosis on the encounter."""
    letters = [c for c in text.upper() if not c.isspace() and c != ","]
    pointers = tuple(pointer_from_letter(c) for c in letters)
    if len(pointers) > MAX_POINTERS:
        raise ValidationError(f"A line points at most at {MAX_POINTERS} diagnoses.")
    if len(set(pointers)) != len(pointers):
        raise ValidationError("A diagnosis letter is repeated.")
    for letter, p in zip(letters, pointers, strict=True):
        if p > diagnosis_count:
            last = "ABCDEFGHIJKL"[diagnosis_count - 1] if diagnosis_count else None
            scope = f"A to {last}" if last else "none yet"
            raise ValidationError(f"There is no diagnosis {letter} (the diagnoses are {scope}).")
    return pointers


def parse_modifiers(text: str) -> tuple[str, ...]:
    mods = tuple(m for m in re.split(r"[\s,]+", text.strip().upper()) if m)
    if len(mods) > MAX_MODIFIERS:
        raise ValidationError(f"At most {MAX_MODIFIERS} modifiers.")
    for m in mods:
        if not _MODIFIER.match(m):
            raise ValidationError(f"{m!r} is not a modifier (two letters or digits, e.g. 25).")
    return mods


def parse_money(text: str) -> Decimal:
    cleaned = text.strip().replace("$", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{text!r} is not an amount; type it like 120.00.") from None
    if value < 0:
        raise ValidationError("A charge cannot be negative.")
    return value.quantize(Decimal("0.01"))


class CodingLinesTableModel(QAbstractTableModel):
    """Service lines in claim order. An edit is parsed into a new `CodedLine` and emitted as
    `line_edited(row, line)`; the owner applies it to the coding (undoably) and calls `set_rows()`.
    A new code goes out as `code_edited(row, code)` because its charge comes from the charge master.
    Input that does not parse is refused with `edit_refused(message)`."""

    line_edited = Signal(int, object)
    code_edited = Signal(int, str)
    edit_refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CodedLine] = []
        self.diagnosis_count = 0
        self._providers: dict[int, str] = {}

    def set_providers(self, providers: Sequence[tuple[int, str]]) -> None:
        """(id, 'Last, First Cred') of the rendering providers a line may name."""
        self._providers = dict(providers)

    def set_rows(self, rows: Sequence[CodedLine], diagnosis_count: int | None = None) -> None:
        if diagnosis_count is not None:
            self.diagnosis_count = diagnosis_count
        rows = list(rows)
        if len(rows) == len(self._rows):
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(LineColumn) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def line_at(self, row: int) -> CodedLine | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _provider_named(self, text: str) -> int | None:
        """Empty means the encounter's provider; otherwise the one provider whose name starts so."""
        wanted = text.strip().lower()
        if not wanted:
            return None
        matches = [pid for pid, name in self._providers.items() if name.lower().startswith(wanted)]
        if len(matches) != 1:
            names = "; ".join(sorted(self._providers.values())) or "none on file"
            reason = "No provider is named" if not matches else "More than one provider matches"
            raise ValidationError(f"{reason} {text.strip()!r}. Rendering providers: {names}.")
        return matches[0]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LineColumn)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if LineColumn(index.column()) in EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        line = self._rows[index.row()]
        column = LineColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(line, column, edit=role == Qt.ItemDataRole.EditRole)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in _RIGHT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == LineColumn.DESCRIPTION:
                return line.description or None
            return TOOLTIPS.get(column)
        return None

    def _text(self, line: CodedLine, column: LineColumn, *, edit: bool) -> str:
        if column == LineColumn.CODE:
            return line.code
        if column == LineColumn.DESCRIPTION:
            return line.description
        if column == LineColumn.MODIFIERS:
            return " ".join(line.modifiers)
        if column == LineColumn.UNITS:
            return str(line.units)
        if column == LineColumn.CHARGE:
            return f"{line.charge:.2f}" if edit else format_money(to_cents(line.charge))
        if column == LineColumn.POINTERS:
            return line.pointer_letters
        if column == LineColumn.DATE_FROM:
            return format_date(line.date_from)
        if column == LineColumn.DATE_TO:
            return format_date(line.date_to)
        if column == LineColumn.PLACE_OF_SERVICE:
            return line.place_of_service or ""
        if column == LineColumn.RENDERING:
            if line.rendering_provider_id is None:
                return ""
            pid = line.rendering_provider_id
            return self._providers.get(pid, f"provider {pid}")
        if column == LineColumn.NDC:
            return " ".join(p for p in (line.ndc, line.ndc_quantity, line.ndc_unit) if p)
        return ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(LineColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[LineColumn(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(LineColumn(section))
        if role == Qt.ItemDataRole.TextAlignmentRole and LineColumn(section) in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        column = LineColumn(index.column())
        if column not in EDITABLE:
            return False
        text = "" if value is None else str(value)
        row = index.row()
        line = self._rows[row]
        try:
            if column == LineColumn.CODE:
                code = text.strip().upper()
                if not code:
                    raise ValidationError("Type a CPT or HCPCS code (or press Delete to remove the line).")
                if code != line.code:
                    self.code_edited.emit(row, code)
                return True
            new = self._edited(line, column, text)
        except ValidationError as exc:
            self.edit_refused.emit(str(exc))
            return False
        if new != line:
            self.line_edited.emit(row, new)
        return True

    def _edited(self, line: CodedLine, column: LineColumn, text: str) -> CodedLine:
        if column == LineColumn.MODIFIERS:
            return replace(line, modifiers=parse_modifiers(text))
        if column == LineColumn.UNITS:
            try:
                units = int(text.strip())
            except ValueError:
                raise ValidationError(f"{text!r} is not a number of units.") from None
            if units < 1:
                raise ValidationError("Units must be at least 1.")
            # The charge is price x units: keep the price, change the count.
            charge = (line.charge / line.units * units).quantize(Decimal("0.01")) if line.units > 0 else line.charge
            return replace(line, units=units, charge=charge)
        if column == LineColumn.CHARGE:
            return replace(line, charge=parse_money(text))
        if column == LineColumn.POINTERS:
            return replace(line, pointers=parse_pointers(text, self.diagnosis_count))
        if column == LineColumn.DATE_FROM:
            return replace(line, date_from=parse_date(text))
        if column == LineColumn.DATE_TO:
            return replace(line, date_to=parse_date(text))
        if column == LineColumn.PLACE_OF_SERVICE:
            pos = text.strip()
            if pos and not _POS.match(pos):
                raise ValidationError(f"{pos!r} is not a place of service (two digits, e.g. 11).")
            return replace(line, place_of_service=pos or None)
        if column == LineColumn.RENDERING:
            return replace(line, rendering_provider_id=self._provider_named(text))
        if column == LineColumn.NDC:
            parts = text.split()
            if not parts:
                return replace(line, ndc=None, ndc_quantity=None, ndc_unit=None)
            ndc = parts[0].replace("-", "")
            if not (ndc.isdigit() and len(ndc) == 11):
                raise ValidationError(f"{parts[0]!r} is not an 11-digit NDC.")
            quantity = parts[1] if len(parts) > 1 else None
            unit = parts[2].upper() if len(parts) > 2 else None
            return replace(line, ndc=ndc, ndc_quantity=quantity, ndc_unit=unit)
        return line
