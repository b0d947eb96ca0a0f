"""Coding as an immutable value: pointers follow their diagnosis through every move and removal, and edits undo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.coding import (
    CodedDiagnosis,
    CodedLine,
    Coding,
    CodingHistory,
    pointer_from_letter,
    pointer_letter,
)
from app.errors import ValidationError

CODES = ("E11.9", "I10", "J06.9", "M54.50", "Z00.00", "E78.5", "R51.9", "K21.9")


def coding_with(n: int, lines: list[tuple[int, ...]]) -> Coding:
    coding = Coding()
    for code in CODES[:n]:
        coding = coding.add_diagnosis(CodedDiagnosis(code))
    for pointers in lines:
        coding = coding.add_line(CodedLine("99213", Decimal("120.00"), pointers=pointers))
    return coding


def test_moving_a_diagnosis_down_keeps_each_line_pointing_at_the_same_code() -> None:
    coding = coding_with(3, [(1, 2), (3,)])

    moved = coding.move_diagnosis(0, 2)

    assert [d.code for d in moved.diagnoses] == ["I10", "J06.9", "E11.9"]
    assert [line.pointer_letters for line in moved.lines] == ["CA", "B"]


def test_removing_a_diagnosis_drops_pointers_to_it_and_renumbers_the_rest() -> None:
    coding = coding_with(3, [(1, 2, 3), (2,)])

    removed = coding.remove_diagnosis(1)

    assert [d.code for d in removed.diagnoses] == ["E11.9", "J06.9"]
    assert [line.pointers for line in removed.lines] == [(1, 2), ()]


def test_a_line_without_pointers_is_not_complete() -> None:
    coding = coding_with(1, [()])
    assert coding.problems(require_complete=False) == []
    assert any("point it at the diagnosis" in p for p in coding.problems(require_complete=True))


def test_a_repeated_diagnosis_is_refused() -> None:
    with pytest.raises(ValidationError):
        coding_with(1, []).add_diagnosis(CodedDiagnosis("E11.9"))


def test_pointer_letters_round_trip() -> None:
    assert [pointer_from_letter(pointer_letter(p)) for p in range(1, 13)] == list(range(1, 13))
    with pytest.raises(ValidationError):
        pointer_from_letter("M")


def test_undo_and_redo_walk_the_history_and_a_new_edit_clears_redo() -> None:
    start = coding_with(2, [(1, 2)])
    history = CodingHistory(start)
    moved = history.apply(start.move_diagnosis(0, 1))
    assert history.dirty and history.can_undo and not history.can_redo

    assert history.undo() == start
    assert not history.dirty and history.can_redo
    assert history.redo() == moved
    history.undo()
    history.apply(start.remove_line(0))
    assert not history.can_redo

    history.saved()
    assert not history.dirty and not history.can_undo


def test_applying_the_same_value_records_nothing() -> None:
    start = coding_with(1, [])
    history = CodingHistory(start)
    history.apply(start)
    assert not history.can_undo


@st.composite
def codings_and_edits(draw: st.DrawFn) -> tuple[Coding, list[tuple[str, int, int]]]:
    n = draw(st.integers(min_value=1, max_value=len(CODES)))
    lines = draw(
        st.lists(st.lists(st.integers(min_value=1, max_value=n), unique=True, max_size=4).map(tuple), max_size=4)
    )
    edits = draw(
        st.lists(
            st.tuples(
                st.sampled_from(("move", "remove")), st.integers(0, len(CODES) - 1), st.integers(0, len(CODES) - 1)
            ),
            max_size=12,
        )
    )
    return coding_with(n, lines), edits


@given(codings_and_edits())
def test_any_moves_and_removals_keep_pointers_in_range_and_on_the_same_codes(
    case: tuple[Coding, list[tuple[str, int, int]]],
) -> None:
    coding, edits = case
    # What each line treats, by code: the invariant every edit must keep (minus removed codes).
    treated = [[coding.diagnoses[p - 1].code for p in line.pointers] for line in coding.lines]
    for kind, a, b in edits:
        n = len(coding.diagnoses)
        if n == 0:
            break
        if kind == "move":
            coding = coding.move_diagnosis(a % n, b % n)
        else:
            gone = coding.diagnoses[a % n].code
            coding = coding.remove_diagnosis(a % n)
            treated = [[c for c in codes if c != gone] for codes in treated]
        for line, codes in zip(coding.lines, treated, strict=True):
            assert all(1 <= p <= len(coding.diagnoses) for p in line.pointers)
            assert [coding.diagnoses[p - 1].code for p in line.pointers] == codes
        assert coding.problems(require_complete=False) == []
