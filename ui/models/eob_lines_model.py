"""A claim's lines as typed from a paper EOB: the billed line on the left, the EOB's amounts to type, and
whether each line balances. Typed text is read with the same rules as `claimdesk eob post`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from app.domain.eob_entry import (
    THEN_LABELS,
    ZERO,
    EobLine,
    default_then,
    format_adjustments,
    parse_adjustments,
    parse_amount,
    parse_remarks,
    parse_then,
)
from app.domain.money import format_money, to_cents
from app.errors import ValidationError
from app.services.paper_posting import ClaimForPosting, PostingLine
from ui.models.paged_model import format_date, palette_is_dark
from ui.widgets.banner import ERROR_TEXT

AnyIndex = QModelIndex | QPersistentModelIndex


class EobColumn(IntEnum):
    DATE = 0
    CODE = 1
    UNITS = 2
    CHARGE = 3
    EXPECTED = 4
    ALLOWED = 5
    PAID = 6
    DEDUCTIBLE = 7
    COINSURANCE = 8
    COPAY = 9
    CONTRACTUAL = 10
    OTHER = 11
    REMARKS = 12
    THEN = 13
    BALANCE = 14


HEADERS: dict[EobColumn, str] = {
    EobColumn.DATE: "DOS",
    EobColumn.CODE: "Code",
    EobColumn.UNITS: "Units",
    EobColumn.CHARGE: "Charge",
    EobColumn.EXPECTED: "Expected",
    EobColumn.ALLOWED: "Allowed",
    EobColumn.PAID: "Paid",
    EobColumn.DEDUCTIBLE: "Deduct.",
    EobColumn.COINSURANCE: "Coins.",
    EobColumn.COPAY: "Copay",
    EobColumn.CONTRACTUAL: "CO-45",
    EobColumn.OTHER: "Other adj.",
    EobColumn.REMARKS: "Remarks",
    EobColumn.THEN: "Rest to",
    EobColumn.BALANCE: "Balance",
}
# A typed cell named in a message: "Line 2, coinsurance: ..."
CELL_WORDS: dict[EobColumn, str] = {
    EobColumn.ALLOWED: "allowed",
    EobColumn.PAID: "paid",
    EobColumn.DEDUCTIBLE: "deductible",
    EobColumn.COINSURANCE: "coinsurance",
    EobColumn.COPAY: "copay",
    EobColumn.CONTRACTUAL: "contractual (CO-45)",
    EobColumn.OTHER: "other adjustments",
    EobColumn.REMARKS: "remarks",
    EobColumn.THEN: "rest to",
}
HEADER_TIPS: dict[EobColumn, str] = {
    EobColumn.DATE: "Date of service",
    EobColumn.EXPECTED: "What the payer's fee schedule allows for this line, when the practice loaded one",
    EobColumn.ALLOWED: "The allowed amount on the EOB; the contractual write-off (CO-45) follows from it",
    EobColumn.PAID: "What the payer paid on this line",
    EobColumn.DEDUCTIBLE: "Patient responsibility: deductible (PR-1)",
    EobColumn.COINSURANCE: "Patient responsibility: coinsurance (PR-2)",
    EobColumn.COPAY: "Patient responsibility: copay (PR-3)",
    EobColumn.CONTRACTUAL: "Contractual write-off (CO-45): charge − allowed. Type an amount to change it; "
    "clear it to follow the allowed amount again",
    EobColumn.OTHER: "Any other adjustments from the EOB: group, reason code and amount, e.g. CO-97 25.00; OA-23 10.00",
    EobColumn.REMARKS: "Remark codes (RARC) from the EOB, e.g. N54 M15",
    EobColumn.THEN: "Where the rest of the line goes: N the next payer, P the patient, S settle (write it off)",
    EobColumn.BALANCE: "A line balances when charge − all adjustments = paid",
}
EDITABLE = frozenset(
    {
        EobColumn.ALLOWED,
        EobColumn.PAID,
        EobColumn.DEDUCTIBLE,
        EobColumn.COINSURANCE,
        EobColumn.COPAY,
        EobColumn.CONTRACTUAL,
        EobColumn.OTHER,
        EobColumn.REMARKS,
        EobColumn.THEN,
    }
)
# Where Tab and Enter stop, in reading order. CO-45 follows the allowed amount, so it is reached with the
# arrow keys when the EOB shows another figure.
TAB_STOPS: tuple[EobColumn, ...] = (
    EobColumn.ALLOWED,
    EobColumn.PAID,
    EobColumn.DEDUCTIBLE,
    EobColumn.COINSURANCE,
    EobColumn.COPAY,
    EobColumn.OTHER,
    EobColumn.REMARKS,
    EobColumn.THEN,
)
RIGHT_ALIGNED = frozenset(
    {
        EobColumn.UNITS,
        EobColumn.CHARGE,
        EobColumn.EXPECTED,
        EobColumn.ALLOWED,
        EobColumn.PAID,
        EobColumn.DEDUCTIBLE,
        EobColumn.COINSURANCE,
        EobColumn.COPAY,
        EobColumn.CONTRACTUAL,
    }
)
_AMOUNT_FIELDS: dict[EobColumn, tuple[str, str]] = {
    EobColumn.PAID: ("paid", "paid"),
    EobColumn.DEDUCTIBLE: ("deductible", "deductible"),
    EobColumn.COINSURANCE: ("coinsurance", "coinsurance"),
    EobColumn.COPAY: ("copay", "copay"),
}


class EobLinesTableModel(QAbstractTableModel):
    """Fed with `set_claim(claim)`; `eob_lines()` gives what was typed. A typed cell that does not read is
    refused with `edit_refused(message)`; every accepted edit emits `lines_changed`."""

    lines_changed = Signal()
    edit_refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._billed: list[PostingLine] = []
        self._lines: list[EobLine] = []
        self._carc: Mapping[str, str] = {}
        self._rarc: Mapping[str, str] = {}
        self._dark = palette_is_dark()

    # ------------------------------------------------------------------ feeding

    def set_claim(self, claim: ClaimForPosting | None) -> None:
        self.beginResetModel()
        if claim is None:
            self._billed, self._lines = [], []
        else:
            then = default_then(claim.has_next_payer)
            self._billed = list(claim.lines)
            self._lines = [EobLine(ln.claim_line_id, ln.charge, then) for ln in claim.lines]
        self.endResetModel()
        self.lines_changed.emit()

    def set_descriptions(self, carc: Mapping[str, str], rarc: Mapping[str, str]) -> None:
        """CARC and RARC descriptions, for the tooltips of the adjustment and remark cells."""
        self._carc, self._rarc = carc, rarc

    def eob_lines(self) -> list[EobLine]:
        return list(self._lines)

    def billed_line(self, row: int) -> PostingLine | None:
        return self._billed[row] if 0 <= row < len(self._billed) else None

    def first_unbalanced_row(self) -> int | None:
        return next((i for i, line in enumerate(self._lines) if not line.balances), None)

    # ------------------------------------------------------------------ Qt

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EobColumn)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if EobColumn(index.column()) in EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._lines):
                return str(section + 1)
            return None
        if not 0 <= section < len(EobColumn):
            return None
        column = EobColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT_ALIGNED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines) or not 0 <= index.column() < len(EobColumn):
            return None
        line, billed, column = self._lines[index.row()], self._billed[index.row()], EobColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(line, billed, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column in RIGHT_ALIGNED else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, billed, column)
        if role == Qt.ItemDataRole.ForegroundRole and column is EobColumn.BALANCE and not line.balances:
            return QBrush(QColor(ERROR_TEXT[1 if self._dark else 0]))
        if role == Qt.ItemDataRole.AccessibleTextRole and column is EobColumn.BALANCE:
            return f"Line {index.row() + 1} {line.balance_words()}"
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not 0 <= index.row() < len(self._lines):
            return False
        column = EobColumn(index.column())
        if column not in EDITABLE:
            return False
        row = index.row()
        try:
            new = self._edited(self._lines[row], column, "" if value is None else str(value))
        except ValidationError as exc:
            self.edit_refused.emit(f"Line {row + 1}, {CELL_WORDS[column]}: {exc}")
            return False
        if new != self._lines[row]:
            self._lines[row] = new
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(EobColumn) - 1))
            self.lines_changed.emit()
        return True

    # ------------------------------------------------------------------ reading and showing a cell

    @staticmethod
    def _edited(line: EobLine, column: EobColumn, text: str) -> EobLine:
        if column is EobColumn.ALLOWED:
            return replace(line, allowed=parse_amount(text, "allowed amount"))
        if column in _AMOUNT_FIELDS:
            field, words = _AMOUNT_FIELDS[column]
            return replace(line, **{field: parse_amount(text, words) or ZERO})
        if column is EobColumn.CONTRACTUAL:
            return replace(line, contractual_typed=parse_amount(text, "contractual write-off", negative=True))
        if column is EobColumn.OTHER:
            return replace(line, other=parse_adjustments(text))
        if column is EobColumn.REMARKS:
            return replace(line, remarks=parse_remarks(text))
        if column is EobColumn.THEN:
            return replace(line, then=parse_then(text)) if text.strip() else line
        return line

    @staticmethod
    def _edit_text(line: EobLine, column: EobColumn) -> str:
        if column is EobColumn.ALLOWED:
            return f"{line.allowed:.2f}" if line.allowed is not None else ""
        if column in _AMOUNT_FIELDS:
            amount: Decimal = getattr(line, _AMOUNT_FIELDS[column][0])
            return f"{amount:.2f}" if amount else ""
        if column is EobColumn.CONTRACTUAL:
            return f"{line.contractual_typed:.2f}" if line.contractual_typed is not None else ""
        if column is EobColumn.OTHER:
            return format_adjustments(line.other)
        if column is EobColumn.REMARKS:
            return " ".join(line.remarks)
        if column is EobColumn.THEN:
            return THEN_LABELS[line.then]
        return ""

    def _display(self, line: EobLine, billed: PostingLine, column: EobColumn) -> str:
        if column is EobColumn.DATE:
            return format_date(billed.date_of_service)
        if column is EobColumn.CODE:
            return "-".join((billed.code, *billed.modifiers))
        if column is EobColumn.UNITS:
            return str(billed.units)
        if column is EobColumn.CHARGE:
            return _money(billed.charge)
        if column is EobColumn.EXPECTED:
            return _money(billed.expected_allowed) if billed.expected_allowed is not None else "—"
        if column is EobColumn.ALLOWED:
            return _money(line.allowed) if line.allowed is not None else ""
        if column is EobColumn.PAID:
            return _money(line.paid)
        if column in _AMOUNT_FIELDS:
            amount: Decimal = getattr(line, _AMOUNT_FIELDS[column][0])
            return _money(amount) if amount else ""
        if column is EobColumn.CONTRACTUAL:
            return _money(line.contractual) if line.contractual or line.contractual_is_typed else ""
        if column is EobColumn.OTHER:
            return format_adjustments(line.other)
        if column is EobColumn.REMARKS:
            return " ".join(line.remarks)
        if column is EobColumn.THEN:
            return THEN_LABELS[line.then]
        return line.balance_words()

    def _tooltip(self, line: EobLine, billed: PostingLine, column: EobColumn) -> str | None:
        if column is EobColumn.ALLOWED and line.allowed is not None and billed.expected_allowed is not None:
            short = billed.expected_allowed - line.allowed
            if short > 0:
                return (
                    f"Allowed {_money(line.allowed)} is {_money(short)} below the fee schedule's "
                    f"{_money(billed.expected_allowed)}: it will be flagged as an underpayment."
                )
        if column is EobColumn.CONTRACTUAL:
            if line.contractual_is_typed:
                return f"Typed from the EOB: {_money(line.contractual)}. Clear the cell to follow the allowed amount."
            if line.allowed is not None:
                return f"Charge {_money(line.charge)} − allowed {_money(line.allowed)} = {_money(line.contractual)}"
        if column is EobColumn.OTHER and line.other:
            unknown = "not a reason code on file"
            return "\n".join(
                f"{a.group_code}-{a.carc} {_money(a.amount)}: {_short(self._carc.get(a.carc, unknown))}"
                for a in line.other
            )
        if column is EobColumn.REMARKS and line.remarks:
            return "\n".join(
                f"{code}: {_short(self._rarc.get(code, 'remark code not on file'))}" for code in line.remarks
            )
        if column is EobColumn.BALANCE:
            return line.balance_explained()
        return HEADER_TIPS.get(column)


def _money(amount: Decimal) -> str:
    return format_money(to_cents(amount))


def _short(description: str) -> str:
    """A CARC or RARC description without its usage notes."""
    return description.split(" Usage:")[0].strip()
