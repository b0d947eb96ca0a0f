"""Coding edits keep every diagnosis pointer on the diagnosis it meant; undo and redo walk the edits."""

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

DX = [CodedDiagnosis(c) for c in ("E11.40", "I10", "E78.5", "Z79.84", "J30.9", "M54.50")]


def coding() -> Coding:
    value = Coding()
    for d in DX:
        value = value.add_diagnosis(d)
    value = value.add_line(CodedLine("99214", Decimal("220.00"), pointers=(1, 2, 3, 4)))
    return value.add_line(CodedLine("36415", Decimal("25.00"), pointers=(3,)))


def pointed_codes(value: Coding) -> list[list[str]]:
    return [[value.diagnoses[p - 1].code for p in line.pointers] for line in value.lines]


def test_moving_a_diagnosis_carries_its_pointers_along() -> None:
    moved = coding().move_diagnosis(2, 0)
    assert [d.code for d in moved.diagnoses][:3] == ["E78.5", "E11.40", "I10"]
    assert pointed_codes(moved) == pointed_codes(coding())
    assert moved.lines[1].pointer_letters == "A"


def test_removing_a_diagnosis_drops_only_its_pointers() -> None:
    removed = coding().remove_diagnosis(1)  # I10
    assert pointed_codes(removed) == [["E11.40", "E78.5", "Z79.84"], ["E78.5"]]
    assert removed.lines[0].pointer_letters == "ABC"


def test_a_diagnosis_is_listed_once_and_at_most_twelve() -> None:
    with pytest.raises(ValidationError, match="already"):
        coding().add_diagnosis(CodedDiagnosis("I10"))
    value = Coding()
    for n in range(12):
        value = value.add_diagnosis(CodedDiagnosis(f"Z{n:02d}.0"))
    with pytest.raises(ValidationError, match="at most 12"):
        value.add_diagnosis(CodedDiagnosis("Z99.0"))


def test_problems_are_said_in_plain_words() -> None:
    bad = Coding((DX[0],), (CodedLine("99213", Decimal("1"), units=0, pointers=(2,)), CodedLine("36415", Decimal("1"))))
    problems = bad.problems(require_complete=True)
    assert "Line 1 (99213): units must be at least 1." in problems
    assert "Line 1 (99213): a pointer does not match a diagnosis." in problems
    assert "Line 2 (36415): point it at the diagnosis it treats." in problems
    assert coding().problems(require_complete=True) == []


def test_pointer_letters_run_from_a_to_l() -> None:
    assert pointer_letter(1) == "A" and pointer_letter(12) == "L"
    assert pointer_from_letter("c") == 3
    with pytest.raises(ValidationError):
        pointer_from_letter("M")


def test_undo_and_redo_walk_back_and_forth_through_edits() -> None:
    history = CodingHistory(coding())
    first = history.current
    history.apply(history.current.move_diagnosis(0, 5))
    history.apply(history.current.remove_line(1))
    assert history.can_undo and not history.can_redo
    history.undo()
    history.undo()
    assert history.current == first and not history.can_undo
    history.redo()
    assert history.current == first.move_diagnosis(0, 5)
    history.apply(history.current.remove_diagnosis(0))
    assert not history.can_redo, "a new edit drops the redo trail"


edits = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.integers(0, 11), st.integers(0, 11)),
        st.tuples(st.just("remove"), st.integers(0, 11), st.just(0)),
    ),
    max_size=20,
)


@given(edits)
def test_any_reorders_and_removals_keep_pointers_on_the_same_codes(ops: list[tuple[str, int, int]]) -> None:
    value = coding()
    meant = {id(line): [value.diagnoses[p - 1].code for p in line.pointers] for line in value.lines}
    meant_by_index = [meant[id(line)] for line in value.lines]
    for op, a, b in ops:
        n = len(value.diagnoses)
        if n == 0:
            break
        if op == "move":
            value = value.move_diagnosis(a % n, b % n)
        else:
            gone = value.diagnoses[a % n].code
            value = value.remove_diagnosis(a % n)
            meant_by_index = [[c for c in codes if c != gone] for codes in meant_by_index]
        for line in value.lines:
            assert all(1 <= p <= len(value.diagnoses) for p in line.pointers)
        assert pointed_codes(value) == meant_by_index
