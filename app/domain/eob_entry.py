"""What a biller types from a paper EOB, read into a posting: amounts, adjustment and remark lists, the
contractual write-off worked out from the allowed amount, whether each line balances, and the claim's
status. The Payments panel and `claimdesk eob post` read input with these same rules."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import get_args

from app.domain.money import CENT, format_money, to_cents
from app.domain.posting import GROUP_CODES, AdjustmentIn, ClaimPostingIn, LinePostingIn, NextStep, is_denial
from app.errors import ValidationError

ZERO = Decimal("0.00")
CONTRACTUAL = ("CO", "45")  # charge minus the allowed amount
DEDUCTIBLE = ("PR", "1")
COINSURANCE = ("PR", "2")
COPAY = ("PR", "3")

# What happens to the rest of a line once this payer is done with it, in the words billers use.
THEN_LABELS: dict[str, str] = {"next_payer": "Next payer", "patient": "Patient", "settle": "Settle"}
THEN_WORDS: dict[str, str] = {
    "n": "next_payer",
    "next": "next_payer",
    "next payer": "next_payer",
    "next_payer": "next_payer",
    "secondary": "next_payer",
    "p": "patient",
    "pt": "patient",
    "patient": "patient",
    "s": "settle",
    "settle": "settle",
    "w": "settle",
    "write off": "settle",
}
STATUS_LABELS: dict[str, str] = {
    "1": "Processed as primary",
    "2": "Processed as secondary",
    "3": "Processed as tertiary",
    "4": "Denied",
}

_ADJUSTMENT = re.compile(
    r"^(?P<group>[A-Z]{2})\s*-?\s*(?P<carc>[A-Z0-9]{1,3})"  # CO-97, PR2
    r"\s*[=:\s]\s*(?P<amount>-?\$?[\d,]*\.?\d+)$"  # 25.00, =25, -10
)
_REMARK = re.compile(r"^[A-Z]{1,2}\d{1,4}$")


# ---------------------------------------------------------------------------------------------- reading input


def parse_amount(text: str, what: str = "amount", *, negative: bool = False) -> Decimal | None:
    """'72', '72.5', '$1,072.50' -> Decimal to the cent; blank -> None."""
    cleaned = text.strip().replace("$", "").replace(",", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{text.strip()!r} is not an amount for {what}; type it like 72.00.") from None
    if not value.is_finite() or value != value.quantize(CENT):
        raise ValidationError(f"{text.strip()!r} is not an amount for {what}: at most two decimal places.")
    if value < 0 and not negative:
        raise ValidationError(f"The {what} cannot be negative.")
    return value.quantize(CENT)


def parse_adjustments(text: str) -> tuple[AdjustmentIn, ...]:
    """'CO-97 25.00; OA-23 10.00' (also 'CO97=25', commas between) -> adjustments, in the order typed."""
    out: list[AdjustmentIn] = []
    # Commas separate adjustments only before a group code: '1,072.50' stays one amount.
    for part in re.split(r"[;\n]+|,(?=\s*[A-Z])", text.strip().upper()):
        part = part.strip()
        if not part:
            continue
        found = _ADJUSTMENT.match(part)
        if found is None:
            raise ValidationError(
                f"{part!r} is not an adjustment; type the group, the reason code and the amount, e.g. CO-97 25.00."
            )
        group, carc = found["group"], found["carc"]
        if group not in GROUP_CODES:
            raise ValidationError(f"{group!r} is not an adjustment group (one of {', '.join(GROUP_CODES)}).")
        amount = parse_amount(found["amount"], f"{group}-{carc}", negative=True)
        assert amount is not None
        out.append(AdjustmentIn(group, carc, amount))
    return tuple(out)


def format_adjustments(adjustments: Sequence[AdjustmentIn]) -> str:
    return "; ".join(f"{a.group_code}-{a.carc} {a.amount:.2f}" for a in adjustments)


def parse_remarks(text: str) -> tuple[str, ...]:
    """'N54 M15' (or 'N54, M15') -> ('N54', 'M15'): remittance advice remark codes."""
    codes = tuple(c for c in re.split(r"[\s,;]+", text.strip().upper()) if c)
    for code in codes:
        if not _REMARK.match(code):
            raise ValidationError(f"{code!r} is not a remark code (RARC), e.g. N54 or MA130.")
    return codes


def parse_then(text: str) -> NextStep:
    """'n' / 'next payer', 'p' / 'patient', 's' / 'settle': what happens to the rest of a line."""
    key = " ".join(text.strip().lower().replace("-", " ").split())
    found = THEN_WORDS.get(key)
    if found is None:
        raise ValidationError(
            f"{text.strip()!r}: type N for the next payer, P for the patient or S to settle (write the rest off)."
        )
    assert found in get_args(NextStep)
    return found  # type: ignore[return-value]


def parse_day(text: str, what: str = "date") -> dt.date | None:
    """'03/20/2026', '3/20/26', '03202026' or '2026-03-20'; blank -> None."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%m/%d/%Y", "%m/%d/%y", "%m%d%Y", "%m-%d-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"{text!r} is not a {what}; type it as MM/DD/YYYY.")


# ---------------------------------------------------------------------------------------------- one line


@dataclass(frozen=True)
class EobLine:
    """One service line as typed from the EOB. The contractual write-off (CO-45) is charge − allowed unless
    the biller typed one; deductible, coinsurance and copay are PR-1, PR-2 and PR-3."""

    claim_line_id: int
    charge: Decimal
    then: NextStep
    allowed: Decimal | None = None
    paid: Decimal = ZERO
    deductible: Decimal = ZERO
    coinsurance: Decimal = ZERO
    copay: Decimal = ZERO
    contractual_typed: Decimal | None = None
    other: tuple[AdjustmentIn, ...] = ()
    remarks: tuple[str, ...] = ()

    @property
    def contractual(self) -> Decimal:
        if self.contractual_typed is not None:
            return self.contractual_typed
        return self.charge - self.allowed if self.allowed is not None else ZERO

    @property
    def contractual_is_typed(self) -> bool:
        return self.contractual_typed is not None

    def adjustments(self) -> tuple[AdjustmentIn, ...]:
        """Every adjustment the posting carries (zero amounts left out)."""
        typed = (
            (CONTRACTUAL, self.contractual),
            (DEDUCTIBLE, self.deductible),
            (COINSURANCE, self.coinsurance),
            (COPAY, self.copay),
        )
        named = tuple(AdjustmentIn(group, carc, amount) for (group, carc), amount in typed if amount)
        return named + tuple(a for a in self.other if a.amount)

    @property
    def patient_share(self) -> Decimal:
        """PR amounts: what the next payer or the patient is asked for."""
        return sum((a.amount for a in self.adjustments() if a.group_code == "PR"), ZERO)

    @property
    def unaccounted(self) -> Decimal:
        """Charge − adjustments − paid: zero when the line balances."""
        return self.charge - sum((a.amount for a in self.adjustments()), ZERO) - self.paid

    @property
    def balances(self) -> bool:
        return self.unaccounted == 0

    def balance_words(self) -> str:
        return "balances" if self.balances else f"off by {format_money(abs(to_cents(self.unaccounted)))}"

    def balance_explained(self) -> str:
        if self.balances:
            return "Charge − adjustments = paid."
        left = self.unaccounted
        amount = format_money(abs(to_cents(left)))
        if left > 0:
            return f"{amount} of the charge is neither paid nor adjusted: charge − adjustments must equal paid."
        return f"Paid and adjustments come to {amount} more than the charge: charge − adjustments must equal paid."

    def posting(self) -> LinePostingIn:
        return LinePostingIn(
            self.claim_line_id,
            paid=self.paid,
            allowed=self.allowed,
            adjustments=self.adjustments(),
            remarks=self.remarks,
            then=self.then,
        )

    @property
    def denied(self) -> bool:
        return is_denial(self.paid, self.adjustments())


# ---------------------------------------------------------------------------------------------- the claim


def default_then(has_next_payer: bool) -> NextStep:
    return "next_payer" if has_next_payer else "patient"


def automatic_status(lines: Sequence[EobLine], payer_sequence: int) -> str:
    """Denied ('4') when every line pays nothing for a reason other than the patient's share or the
    contractual write-off; otherwise processed as this payer's place in line ('1', '2', '3')."""
    if lines and all(line.denied for line in lines):
        return "4"
    return str(min(max(payer_sequence, 1), 3))


def claim_posting(
    claim_id: int,
    lines: Sequence[EobLine],
    status_code: str,
    payer_claim_number: str | None = None,
) -> ClaimPostingIn:
    """The one service call's input; refuses first, in words, when a line does not balance."""
    problems = [
        f"line {n}: {line.balance_words()} ({line.balance_explained()})"
        for n, line in enumerate(lines, start=1)
        if not line.balances
    ]
    if problems:
        raise ValidationError("The EOB does not balance yet; nothing was posted:", problems)
    if not lines:
        raise ValidationError("Type at least one line from the EOB.")
    return ClaimPostingIn(
        claim_id,
        status_code,
        tuple(line.posting() for line in lines),
        payer_claim_number=(payer_claim_number or "").strip() or None,
    )


def paid_total(lines: Sequence[EobLine]) -> Decimal:
    return sum((line.paid for line in lines), ZERO)


@dataclass(frozen=True)
class MoneyFlow:
    """Where a claim's charge goes once posted, as the ledger will record it."""

    paid: Decimal
    to_next_payer: Decimal  # PR amounts of lines sent on to the next payer
    to_patient: Decimal  # PR amounts billed to the patient
    written_off: Decimal  # other adjustments on lines the biller settled


def money_flow(lines: Sequence[EobLine], has_next_payer: bool) -> MoneyFlow:
    """PR amounts follow each line's "then" (to the patient when there is no next payer); a settled line's other
    adjustments are written off. CO-45 and amounts left with the payer (denials) are not part of the flow."""
    to_next = to_patient = written_off = ZERO
    for line in lines:
        if line.then == "next_payer" and has_next_payer:
            to_next += line.patient_share
        else:
            to_patient += line.patient_share
        if line.then == "settle":
            rest = [a for a in line.adjustments() if a.group_code != "PR" and (a.group_code, a.carc) != CONTRACTUAL]
            written_off += sum((a.amount for a in rest), ZERO)
    return MoneyFlow(paid_total(lines), to_next, to_patient, written_off)


def posted_words(
    flow: MoneyFlow,
    *,
    status: str,
    denials: int,
    next_payer_name: str | None = None,
    next_claim_number: str | None = None,
    next_sequence_word: str = "secondary",
) -> str:
    """'Paid $88.00; $22.00 to Test Commercial (secondary claim CD00000004 drafted)'."""
    parts = [f"Paid {_money(flow.paid)}" if flow.paid or status != "denied" else "Denied: nothing paid"]
    if flow.to_next_payer:
        drafted = f" ({next_sequence_word} claim {next_claim_number} drafted)" if next_claim_number else ""
        parts.append(f"{_money(flow.to_next_payer)} to {next_payer_name or 'the next payer'}{drafted}")
    if flow.to_patient:
        parts.append(f"{_money(flow.to_patient)} to the patient")
    if flow.written_off:
        parts.append(f"{_money(flow.written_off)} written off")
    if denials:
        parts.append(f"{denials} {'denial' if denials == 1 else 'denials'} opened")
    return "; ".join(parts)


def underpayment_words(code: str, allowed: Decimal, expected: Decimal) -> str:
    """'99213 allowed $80.00, fee schedule $90.00: underpaid $10.00'."""
    return f"{code} allowed {_money(allowed)}, fee schedule {_money(expected)}: underpaid {_money(expected - allowed)}"


def _money(amount: Decimal) -> str:
    return format_money(to_cents(amount))


# ---------------------------------------------------------------------------------------------- the command line


@dataclass(frozen=True)
class LineSpec:
    """One `--line` of `claimdesk eob post`, before it is matched to the claim's lines."""

    code: str | None  # the billed code (99213), or None when `line` names the line by its number
    modifiers: tuple[str, ...]
    line: int | None
    paid: Decimal
    allowed: Decimal | None
    adjustments: tuple[AdjustmentIn, ...]
    contractual: Decimal | None
    remarks: tuple[str, ...]
    then: NextStep | None


LINE_SPEC_HELP = (
    "CODE:PAID[:ALLOWED[:ITEM...]]. CODE is the billed code with any modifiers (99213, 99213-25) or the line "
    "number (1, 2, ...). CO-45 is charge − ALLOWED unless an item gives it. ITEM is an adjustment "
    "GROUP-CARC=AMOUNT (PR-1=20.00 deductible, PR-2=18.00 coinsurance, PR-3=25.00 copay, CO-97=25.00), a remark "
    "code (N54), or then=next|patient|settle for the rest of the line. "
    "Example: --line 99213:72.00:90.00:PR-2=18.00 --line 36415:0::CO-97=25.00:M15"
)


def parse_line_spec(spec: str) -> LineSpec:
    parts = spec.strip().split(":")
    if len(parts) < 2 or not parts[0].strip():
        raise ValidationError(f"--line {spec!r}: expected {LINE_SPEC_HELP.split('.')[0]}.")
    head = parts[0].strip().upper()
    number = int(head) if head.isdigit() and len(head) <= 3 else None
    code, mods = ("", []) if number is not None else (head.split("-")[0], head.split("-")[1:])
    paid = parse_amount(parts[1], "paid") or ZERO
    allowed = parse_amount(parts[2], "allowed") if len(parts) > 2 else None
    adjustments: list[AdjustmentIn] = []
    remarks: list[str] = []
    then: NextStep | None = None
    contractual: Decimal | None = None
    for item in parts[3:]:
        item = item.strip()
        if not item:
            continue
        if item.lower().startswith("then="):
            then = parse_then(item.split("=", 1)[1])
        elif "=" in item:
            (adj,) = parse_adjustments(item)
            if (adj.group_code, adj.carc) == CONTRACTUAL:
                contractual = adj.amount
            else:
                adjustments.append(adj)
        else:
            remarks.extend(parse_remarks(item))
    return LineSpec(
        code or None,
        tuple(m for m in mods if m),
        number,
        paid,
        allowed,
        tuple(adjustments),
        contractual,
        tuple(remarks),
        then,
    )


def eob_line_from_spec(spec: LineSpec, claim_line_id: int, charge: Decimal, then: NextStep) -> EobLine:
    """A `--line` as the same EobLine the panel builds: PR-1/2/3 go to their own columns."""
    by_kind: dict[tuple[str, str], Decimal] = {}
    other: list[AdjustmentIn] = []
    for adj in spec.adjustments:
        key = (adj.group_code, adj.carc)
        if key in (DEDUCTIBLE, COINSURANCE, COPAY) and key not in by_kind:
            by_kind[key] = adj.amount
        else:
            other.append(adj)
    return EobLine(
        claim_line_id,
        charge,
        spec.then or then,
        allowed=spec.allowed,
        paid=spec.paid,
        deductible=by_kind.get(DEDUCTIBLE, ZERO),
        coinsurance=by_kind.get(COINSURANCE, ZERO),
        copay=by_kind.get(COPAY, ZERO),
        contractual_typed=spec.contractual,
        other=tuple(other),
        remarks=spec.remarks,
    )
