"""The Front desk panel's read-only lists as columns of data: an account's lines in plain words with the
running balance, the account's payments, the guarantors a statement run would include, and the statements
printed."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject

from app.domain.account import AccountLine, PaymentSummary, short_date
from app.domain.money import format_money
from app.domain.statements import StatementCandidate, StatementSummary, dunning_tier
from ui.models.payment_rows_model import Column, RowsTableModel

KIND_LABELS: dict[str, str] = {
    "charge": "Charge",
    "insurance_payment": "Insurance payment",
    "patient_payment": "Payment",
    "refund": "Refund",
    "adjustment": "Adjustment",
    "transfer": "Transfer",
    "reversal": "Reversal",
    "statement": "Statement",
}


def _signed(cents: int) -> str:
    """A change to a balance: blank when nothing moved, a leading minus when it went down."""
    return "" if cents == 0 else format_money(cents)


def _owed(cents: int) -> str:
    return f"{format_money(-cents)} credit" if cents < 0 else format_money(cents)


ACCOUNT_LINE_COLUMNS: tuple[Column[AccountLine], ...] = (
    Column("Date", lambda ln: short_date(ln.date)),
    Column("Type", lambda ln: KIND_LABELS.get(ln.kind, ln.kind.replace("_", " ").capitalize())),
    Column("What happened", lambda ln: ln.text, tip=lambda ln: ln.text),
    Column("Insurance change", lambda ln: _signed(ln.insurance_delta_cents), right=True),
    Column("Patient change", lambda ln: _signed(ln.patient_delta_cents), right=True),
    Column("Insurance pending", lambda ln: format_money(ln.insurance_cents), right=True),
    Column("Patient owes", lambda ln: _owed(ln.patient_cents), right=True),
)


def account_lines_model(parent: QObject | None = None) -> RowsTableModel[AccountLine]:
    return RowsTableModel(ACCOUNT_LINE_COLUMNS, parent)


PAYMENT_COLUMNS: tuple[Column[PaymentSummary], ...] = (
    Column("Received", lambda p: short_date(p.received_on)),
    Column("Method", lambda p: p.method.capitalize()),
    Column("Reference", lambda p: p.reference or ""),
    Column("Amount", lambda p: format_money(p.amount_cents), right=True),
    Column("Status", lambda p: "Undone (reversed)" if p.undone else "Applied"),
)


def payments_model(parent: QObject | None = None) -> RowsTableModel[PaymentSummary]:
    return RowsTableModel(PAYMENT_COLUMNS, parent)


def dunning_label(previous_statements: int, tiers: int) -> str:
    """Which notice the next statement carries, in words (the tier rule of app.domain.statements)."""
    tiers = max(tiers, 1)
    tier = dunning_tier(previous_statements, tiers)
    if tier == 0:
        return "First statement"
    return "Final notice" if tier == tiers - 1 else f"Notice {tier + 1} of {tiers}"


@dataclass(frozen=True)
class CandidateRow:
    candidate: StatementCandidate
    notice: str  # the dunning tier in words


CANDIDATE_COLUMNS: tuple[Column[CandidateRow], ...] = (
    Column("Guarantor", lambda r: r.candidate.name),
    Column("Account", lambda r: r.candidate.account_number),
    Column("Patient balance", lambda r: format_money(r.candidate.patient_cents), right=True),
    Column("Insurance pending", lambda r: format_money(r.candidate.insurance_cents), right=True),
    Column("Statements so far", lambda r: str(r.candidate.previous_statements), right=True),
    Column(
        "Last statement",
        lambda r: short_date(r.candidate.last_statement_date) if r.candidate.last_statement_date else "never",
    ),
    Column("Notice", lambda r: r.notice),
)


def candidates_model(parent: QObject | None = None) -> RowsTableModel[CandidateRow]:
    return RowsTableModel(CANDIDATE_COLUMNS, parent)


@dataclass(frozen=True)
class StatementRow:
    """One printed statement, as its stored content says."""

    statement_id: int
    run_id: int
    statement_date: str
    guarantor: str
    account_number: str
    amount_due: str
    sent: bool

    @classmethod
    def of(cls, s: StatementSummary) -> StatementRow:
        return cls(
            s.statement_id,
            s.run_id,
            short_date(s.statement_date),
            s.guarantor_name,
            s.guarantor_account,
            format_money(s.amount_due_cents),
            s.sent_at is not None,
        )


STATEMENT_COLUMNS: tuple[Column[StatementRow], ...] = (
    Column("Run", lambda r: str(r.run_id), right=True),
    Column("Statement date", lambda r: r.statement_date),
    Column("Guarantor", lambda r: r.guarantor),
    Column("Account", lambda r: r.account_number),
    Column("Amount due", lambda r: r.amount_due, right=True),
    Column("Mailed", lambda r: "Sent" if r.sent else "Not marked sent"),
)


def statements_model(parent: QObject | None = None) -> RowsTableModel[StatementRow]:
    return RowsTableModel(STATEMENT_COLUMNS, parent)
