"""An encounter's coding as an immutable value: diagnoses in sequence, service lines pointing at them.

Every edit returns a new `Coding`, so undo/redo is a list of values, and diagnosis pointers stay
right through reorder and delete by construction (pointers are renumbered in the same step).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from app.errors import ValidationError

MAX_DIAGNOSES = 12
MAX_POINTERS = 4
MAX_MODIFIERS = 4
LETTERS = "ABCDEFGHIJKL"

HOLD_REASONS: tuple[str, ...] = (
    "documentation does not support level",
    "laterality missing",
    "specificity missing",
    "signature missing",
    "diagnosis unclear",
    "procedure not documented",
    "time not documented",
    "other",
)


def pointer_letter(pointer: int) -> str:
    return LETTERS[pointer - 1]


def pointer_from_letter(letter: str) -> int:
    index = LETTERS.find(letter.strip().upper())
    if index < 0 or len(letter.strip()) != 1:
        raise ValidationError(f"{letter!r} is not a diagnosis pointer (A to L)")
    return index + 1


@dataclass(frozen=True)
class CodedDiagnosis:
    code: str  # as coders write it: 'E11.40'
    description: str = ""


@dataclass(frozen=True)
class CodedLine:
    code: str
    charge: Decimal
    units: int = 1
    modifiers: tuple[str, ...] = ()
    pointers: tuple[int, ...] = ()  # 1-based into Coding.diagnoses
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    place_of_service: str | None = None
    rendering_provider_id: int | None = None
    ndc: str | None = None
    ndc_quantity: str | None = None
    ndc_unit: str | None = None
    description: str = ""

    @property
    def pointer_letters(self) -> str:
        return "".join(pointer_letter(p) for p in self.pointers)


@dataclass(frozen=True)
class Coding:
    diagnoses: tuple[CodedDiagnosis, ...] = ()
    lines: tuple[CodedLine, ...] = ()

    # ------------------------------------------------------------------ diagnoses

    def add_diagnosis(self, diagnosis: CodedDiagnosis) -> Coding:
        if any(d.code == diagnosis.code for d in self.diagnoses):
            raise ValidationError(f"{diagnosis.code} is already on this encounter.")
        if len(self.diagnoses) >= MAX_DIAGNOSES:
            raise ValidationError(f"A claim holds at most {MAX_DIAGNOSES} diagnoses.")
        return replace(self, diagnoses=(*self.diagnoses, diagnosis))

    def move_diagnosis(self, from_index: int, to_index: int) -> Coding:
        """Move the diagnosis at `from_index` (0-based) to `to_index`; pointers follow their diagnosis."""
        n = len(self.diagnoses)
        if not (0 <= from_index < n and 0 <= to_index < n):
            raise ValidationError("No diagnosis at that position.")
        order = list(range(n))
        order.insert(to_index, order.pop(from_index))
        return self._reordered(order)

    def remove_diagnosis(self, index: int) -> Coding:
        """Remove a diagnosis; lines lose their pointer to it and keep the rest, renumbered."""
        if not 0 <= index < len(self.diagnoses):
            raise ValidationError("No diagnosis at that position.")
        kept = [i for i in range(len(self.diagnoses)) if i != index]
        return self._reordered(kept)

    def _reordered(self, order: list[int]) -> Coding:
        """`order` lists old 0-based positions in their new sequence; missing ones are removed."""
        new_position = {old: new for new, old in enumerate(order)}
        lines = tuple(
            replace(line, pointers=tuple(new_position[p - 1] + 1 for p in line.pointers if p - 1 in new_position))
            for line in self.lines
        )
        return Coding(tuple(self.diagnoses[i] for i in order), lines)

    # ------------------------------------------------------------------ lines

    def add_line(self, line: CodedLine) -> Coding:
        return replace(self, lines=(*self.lines, line))

    def replace_line(self, index: int, line: CodedLine) -> Coding:
        if not 0 <= index < len(self.lines):
            raise ValidationError("No service line at that position.")
        lines = list(self.lines)
        lines[index] = line
        return replace(self, lines=tuple(lines))

    def remove_line(self, index: int) -> Coding:
        if not 0 <= index < len(self.lines):
            raise ValidationError("No service line at that position.")
        return replace(self, lines=self.lines[:index] + self.lines[index + 1 :])

    def move_line(self, from_index: int, to_index: int) -> Coding:
        lines = list(self.lines)
        lines.insert(to_index, lines.pop(from_index))
        return replace(self, lines=tuple(lines))

    # ------------------------------------------------------------------ checks

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0.00"))

    def problems(self, *, require_complete: bool) -> list[str]:
        """Structural problems in plain words; `require_complete` for 'coded'/'ready' (needs codes)."""
        out: list[str] = []
        if len(self.diagnoses) > MAX_DIAGNOSES:
            out.append(f"More than {MAX_DIAGNOSES} diagnoses.")
        if require_complete and not self.diagnoses:
            out.append("Add at least one diagnosis.")
        if require_complete and not self.lines:
            out.append("Add at least one service line.")
        for n, line in enumerate(self.lines, 1):
            where = f"Line {n} ({line.code})"
            if line.units <= 0:
                out.append(f"{where}: units must be at least 1.")
            if line.charge < 0:
                out.append(f"{where}: the charge cannot be negative.")
            if len(line.modifiers) > MAX_MODIFIERS:
                out.append(f"{where}: at most {MAX_MODIFIERS} modifiers.")
            if len(line.pointers) > MAX_POINTERS:
                out.append(f"{where}: at most {MAX_POINTERS} diagnosis pointers.")
            if len(set(line.pointers)) != len(line.pointers):
                out.append(f"{where}: a diagnosis pointer is repeated.")
            if any(p < 1 or p > len(self.diagnoses) for p in line.pointers):
                out.append(f"{where}: a pointer does not match a diagnosis.")
            if require_complete and not line.pointers:
                out.append(f"{where}: point it at the diagnosis it treats.")
            if line.date_from and line.date_to and line.date_to < line.date_from:
                out.append(f"{where}: the end date is before the start date.")
        return out


@dataclass
class CodingHistory:
    """Undo/redo over coding values: every edit pushes the new value; undo and redo move along."""

    current: Coding
    _undo: list[Coding] = field(default_factory=list)
    _redo: list[Coding] = field(default_factory=list)

    def apply(self, new: Coding) -> Coding:
        if new != self.current:
            self._undo.append(self.current)
            self._redo.clear()
            self.current = new
        return self.current

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def dirty(self) -> bool:
        return bool(self._undo)

    def undo(self) -> Coding:
        if self._undo:
            self._redo.append(self.current)
            self.current = self._undo.pop()
        return self.current

    def redo(self) -> Coding:
        if self._redo:
            self._undo.append(self.current)
            self.current = self._redo.pop()
        return self.current

    def saved(self) -> None:
        """After a save the history restarts from the saved value."""
        self._undo.clear()
        self._redo.clear()
