"""The job runner: work runs off the UI thread, reports progress, can be cancelled, and reports errors."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.errors import ClaimDeskError
from app.services.jobs import JobContext
from ui import jobs


def test_work_runs_off_the_ui_thread_and_its_result_arrives_on_it(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    threads: list[threading.Thread] = []
    results: list[tuple[int, threading.Thread]] = []

    def work(ctx: JobContext) -> int:
        threads.append(threading.current_thread())
        ctx.report(1, 2, "halfway")
        return 42

    jobs.run_job(parent, "Counting", work, lambda value: results.append((value, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(results))

    assert results[0] == (42, threading.main_thread())
    assert threads[0] is not threading.main_thread()


def test_cancel_stops_the_work_and_drops_its_result(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    steps: list[int] = []
    done: list[object] = []
    failed: list[BaseException] = []

    def work(ctx: JobContext) -> str:
        for i in range(2000):
            ctx.report(i, 2000, f"Step {i}")
            steps.append(i)
            time.sleep(0.002)
        return "finished"

    job = jobs.run_job(parent, "Long work", work, done.append, failed.append, writes=False)
    dialog = job.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)  # shown once the work outlasts a moment
    qtbot.waitUntil(lambda: dialog.labelText().startswith("Step"))
    assert dialog.maximum() == 2000
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job not in jobs._running)

    assert job.cancelled
    assert len(steps) < 2000
    assert done == [] and failed == []
    assert job.dialog is None


def test_a_domain_error_goes_to_on_error(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    failed: list[BaseException] = []

    def work(_ctx: JobContext) -> None:
        raise ClaimDeskError("Payer TST01 does not exist.")

    jobs.run_quiet(parent, work, lambda _r: None, failed.append)
    qtbot.waitUntil(lambda: bool(failed))
    assert str(failed[0]) == "Payer TST01 does not exist."


def test_an_unexpected_error_is_shown_calmly_without_its_details(qtbot: QtBot, monkeypatch) -> None:  # noqa: ANN001
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.append(text))

    def work(_ctx: JobContext) -> None:
        raise ValueError("patient Jane Doe broke it")

    jobs.run_job(parent, "Work", work, lambda _r: None)
    qtbot.waitUntil(lambda: bool(shown))
    assert "did not finish" in shown[0]
    assert "Jane Doe" not in shown[0]


def test_a_result_for_a_closed_window_is_dropped(qtbot: QtBot) -> None:
    parent = QWidget()
    release = threading.Event()
    done: list[int] = []

    def work(_ctx: JobContext) -> int:
        release.wait(2)
        return 1

    job = jobs.run_quiet(parent, work, done.append)
    parent.deleteLater()
    qtbot.wait(20)
    release.set()
    qtbot.waitUntil(lambda: job not in jobs._running)
    assert done == []
