"""Open the real main window offscreen on a database and time the worklist; print JSON."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

from app.domain.worklist import WorklistColumn  # noqa: E402
from app.services.container import open_services  # noqa: E402
from ui.app import create_main_window, make_application  # noqa: E402


def wait_for(signal, timeout_ms: int = 30_000) -> None:  # noqa: ANN001 - a Qt signal
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def main() -> None:
    app = make_application()
    started = time.perf_counter()
    desk = open_services(Path(sys.argv[1]), user="bench")
    window = create_main_window(desk)
    panel = window.panels["encounters"]
    window.resize(1400, 900)
    window.show()
    if panel.model.rowCount() == 0:
        wait_for(panel.refreshed)
    window.grab()  # forces a full paint of the window with its first page
    first_paint = ms_since(started)

    def timed_refresh(action) -> float:  # noqa: ANN001
        t = time.perf_counter()
        action()
        wait_for(panel.refreshed)
        panel.table.viewport().grab()
        return ms_since(t)

    held = panel.status_combo.findData("on_hold")
    filter_change = timed_refresh(lambda: panel.status_combo.setCurrentIndex(held))
    panel.status_combo.setCurrentIndex(0)
    wait_for(panel.refreshed)
    search_change = timed_refresh(lambda: (panel.search_edit.setText("smith"), panel._apply_filter()))
    panel.clear_filters()
    wait_for(panel.refreshed)
    column = list(WorklistColumn).index(WorklistColumn.PATIENT)
    sort_change = timed_refresh(
        lambda: panel.table.sortByColumn(column, panel.table.horizontalHeader().sortIndicatorOrder())
    )
    # Scroll until 20,000 rows are loaded, timing the last page fetch.
    model = panel.model
    deep = 0.0
    while model.loaded < min(20_000, model.total):
        t = time.perf_counter()
        model.fetchMore(model.index(-1, -1).parent())
        while model.fetching:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        deep = ms_since(t)
    window.close()
    desk.close()
    print(
        json.dumps(
            {
                "first_paint_ms": first_paint,
                "filter_change_ms": filter_change,
                "search_change_ms": search_change,
                "sort_change_ms": sort_change,
                "deep_fetch_ms": deep,
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )
    app.quit()


if __name__ == "__main__":
    main()
