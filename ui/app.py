"""Start the desktop window: a QApplication, the services for one database, and a calm error handler."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.errors import ClaimDeskError
from app.paths import log_dir
from app.services.container import Services, open_services
from ui.icons import icon
from ui.jobs import wait_for_jobs
from ui.main_window import MainWindow

log = logging.getLogger("claimdesk.ui")

_showing_error = False


def create_main_window(services: Services) -> MainWindow:
    return MainWindow(services)


def make_application() -> QApplication:
    """The one QApplication, named so QSettings finds the same place every time."""
    QCoreApplication.setOrganizationName("ClaimDesk")
    QCoreApplication.setApplicationName("ClaimDesk")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("ClaimDesk")
    app.setWindowIcon(icon("claimdesk"))
    # The platform style follows the system's light or dark scheme; Windows' old 'windowsvista'
    # style cannot draw dark, so Fusion (which can) takes over there.
    if app.style().name().lower() == "windowsvista" and app.styleHints().colorScheme() == Qt.ColorScheme.Dark:
        app.setStyle("Fusion")
    return app


def install_excepthook() -> None:
    """Unexpected errors are logged with their traceback and shown calmly; the window stays open."""
    sys.excepthook = _excepthook


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    global _showing_error
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    if isinstance(exc, ClaimDeskError):
        message = str(exc)
    else:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        message = (
            "Something went wrong and the last action may not have finished.\n\n"
            f"The technical details were written to the log in {log_dir()}."
        )
    if _showing_error or QApplication.instance() is None:
        return  # one message at a time; the rest are in the log
    _showing_error = True
    try:
        QMessageBox.warning(QApplication.activeWindow(), "ClaimDesk", message)
    finally:
        _showing_error = False


def run_gui(db_path: Path) -> int:
    app = make_application()
    install_excepthook()
    try:
        services = open_services(db_path)
    except ClaimDeskError as exc:
        QMessageBox.critical(None, "ClaimDesk", f"Could not open the database {db_path}:\n\n{exc}")
        return 1
    except Exception:  # noqa: BLE001 - anything else still gets a plain message, not a crash
        log.exception("opening the database failed")
        QMessageBox.critical(
            None,
            "ClaimDesk",
            f"Could not open the database {db_path}. It may not be a ClaimDesk database, or it cannot be read.\n\n"
            f"The technical details were written to the log in {log_dir()}.",
        )
        return 1
    window = create_main_window(services)
    window.show()
    try:
        return app.exec()
    finally:
        wait_for_jobs()
        window.services.close()
