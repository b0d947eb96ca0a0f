"""Starting the app: unexpected errors are logged and shown calmly instead of closing the window."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QMessageBox

from app.errors import ClaimDeskError
from ui import app as ui_app


@pytest.fixture
def shown(monkeypatch) -> list[str]:  # noqa: ANN001 - pytest's monkeypatch
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: messages.append(text))
    return messages


def test_an_unexpected_error_is_logged_with_its_traceback_and_shown_calmly(
    qapp,
    shown: list[str],
    caplog: pytest.LogCaptureFixture,  # noqa: ANN001
) -> None:
    try:
        raise ValueError("boom")
    except ValueError as exc:
        with caplog.at_level(logging.ERROR, logger="claimdesk.ui"):
            ui_app._excepthook(type(exc), exc, exc.__traceback__)

    assert "Traceback" in caplog.text and "ValueError: boom" in caplog.text
    assert shown and "boom" not in shown[0]
    assert "written to the log" in shown[0]


def test_a_domain_error_is_shown_in_its_own_words(qapp, shown: list[str]) -> None:  # noqa: ANN001
    exc = ClaimDeskError("The payer id TST09 is not set up.")
    ui_app._excepthook(type(exc), exc, None)
    assert shown == ["The payer id TST09 is not set up."]
