"""A service line can name its own rendering provider, typed by last name."""

from __future__ import annotations

from decimal import Decimal

from app.domain.coding import CodedLine
from ui.models.coding_lines_model import CodingLinesTableModel, LineColumn


def _model(qtbot) -> CodingLinesTableModel:  # noqa: ANN001 - pytest-qt fixture
    model = CodingLinesTableModel()
    model.set_providers([(1, "Marsh, Elena MD"), (2, "Osei, Victor DO"), (3, "Osborne, Ann NP")])
    model.set_rows([CodedLine("99213", Decimal("165.00"), pointers=(1,))], diagnosis_count=1)
    return model


def test_typing_a_last_name_sets_the_line_rendering_provider(qtbot) -> None:  # noqa: ANN001
    model = _model(qtbot)
    index = model.index(0, LineColumn.RENDERING)
    with qtbot.waitSignal(model.line_edited) as edited:
        assert model.setData(index, "marsh")
    row, line = edited.args
    assert row == 0 and line.rendering_provider_id == 1
    model.set_rows([line])
    assert model.index(0, LineColumn.RENDERING).data() == "Marsh, Elena MD"


def test_an_unknown_or_ambiguous_name_is_refused_with_the_choices(qtbot) -> None:  # noqa: ANN001
    model = _model(qtbot)
    index = model.index(0, LineColumn.RENDERING)
    with qtbot.waitSignal(model.edit_refused) as refused:
        assert not model.setData(index, "Os")
    assert "More than one provider" in refused.args[0] and "Osei, Victor DO" in refused.args[0]
    with qtbot.waitSignal(model.edit_refused) as refused:
        assert not model.setData(index, "Nobody")
    assert "No provider is named" in refused.args[0]


def test_clearing_the_name_goes_back_to_the_encounter_provider(qtbot) -> None:  # noqa: ANN001
    model = _model(qtbot)
    model.set_rows([CodedLine("99213", Decimal("165.00"), pointers=(1,), rendering_provider_id=2)])
    with qtbot.waitSignal(model.line_edited) as edited:
        model.setData(model.index(0, LineColumn.RENDERING), "")
    assert edited.args[1].rendering_provider_id is None
