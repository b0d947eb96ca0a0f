"""Precision and recall of proposed diagnosis codes against hand-coded notes (pure functions, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def normalise(code: str) -> str:
    """'e11.40 ' -> 'E1140': codes compare without dots or case."""
    return code.replace(".", "").strip().upper()


@dataclass(frozen=True)
class Scores:
    true_positives: int
    proposed: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "true_positives": self.true_positives,
            "proposed": self.proposed,
            "expected": self.expected,
        }


def all_diagnoses(expected: Sequence[Sequence[str]], proposed: Sequence[Sequence[str]]) -> Scores:
    """Micro-averaged over notes: every expected code found counts, order ignored."""
    tp = n_prop = n_exp = 0
    for exp, prop in zip(expected, proposed, strict=True):
        e = {normalise(c) for c in exp}
        p = {normalise(c) for c in prop}
        tp += len(e & p)
        n_prop += len(p)
        n_exp += len(e)
    return Scores(tp, n_prop, n_exp)


def first_listed(expected: Sequence[Sequence[str]], proposed: Sequence[Sequence[str]]) -> Scores:
    """The first-listed code only: right when the proposed first code is the expected first code.

    Precision counts notes with any proposal; recall counts notes with an expected code.
    """
    tp = n_prop = n_exp = 0
    for exp, prop in zip(expected, proposed, strict=True):
        if exp:
            n_exp += 1
        if prop:
            n_prop += 1
        if exp and prop and normalise(exp[0]) == normalise(prop[0]):
            tp += 1
    return Scores(tp, n_prop, n_exp)


def exact_sets(expected: Sequence[Sequence[str]], proposed: Sequence[Sequence[str]]) -> float:
    """Share of notes whose proposed code set is exactly the expected set."""
    if not expected:
        return 0.0
    same = sum(
        1
        for exp, prop in zip(expected, proposed, strict=True)
        if {normalise(c) for c in exp} == {normalise(c) for c in prop}
    )
    return same / len(expected)


def misses(
    expected: Sequence[Sequence[str]], proposed: Sequence[Sequence[str]], names: Sequence[str]
) -> list[tuple[str, list[str], list[str]]]:
    """(note name, codes missed, codes proposed but not expected) for every note not coded exactly."""
    out = []
    for name, exp, prop in zip(names, expected, proposed, strict=True):
        e = [normalise(c) for c in exp]
        p = [normalise(c) for c in prop]
        missed = [c for c in e if c not in p]
        extra = [c for c in p if c not in e]
        if missed or extra:
            out.append((name, missed, extra))
    return out
