"""The ledger's rules as pure functions: who owes what is always the sum of the entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PARTIES: tuple[str, ...] = ("ins1", "ins2", "ins3", "patient")
INSURANCE_PARTIES: tuple[str, ...] = ("ins1", "ins2", "ins3")
KINDS: tuple[str, ...] = (
    "charge",
    "insurance_payment",
    "patient_payment",
    "adjustment",
    "transfer",
    "refund",
    "reversal",
)


def party_for_sequence(payer_sequence: int) -> str:
    return f"ins{payer_sequence}"


@dataclass(frozen=True)
class Entry:
    """What the balance arithmetic needs from a ledger row."""

    id: int
    party: str
    amount_cents: int
    kind: str
    reverses_entry_id: int | None = None


@dataclass(frozen=True)
class Balance:
    by_party: dict[str, int]

    @property
    def total_cents(self) -> int:
        return sum(self.by_party.values())

    @property
    def insurance_cents(self) -> int:
        return sum(self.by_party[p] for p in INSURANCE_PARTIES)

    @property
    def patient_cents(self) -> int:
        return self.by_party["patient"]


def balance(entries: Iterable[Entry]) -> Balance:
    by_party = dict.fromkeys(PARTIES, 0)
    for e in entries:
        by_party[e.party] += e.amount_cents
    return Balance(by_party)


def check_reversible(entry: Entry, already_reversed: bool) -> None:
    """A row can be reversed once, and a reversal is itself final (re-post instead)."""
    from app.errors import ClaimDeskError

    if entry.kind == "reversal":
        raise ClaimDeskError("A reversal cannot be reversed; post a new entry instead.")
    if already_reversed:
        raise ClaimDeskError(f"Ledger entry {entry.id} has already been reversed.")
