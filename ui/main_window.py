"""The main window: a sidebar of panels, a details dock, menus and a status bar over one open database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app import __version__
from app.domain.worklist import EncounterDetail
from app.errors import ClaimDeskError, NotFoundError
from app.services.changes import Changes
from app.services.container import Services, open_services
from app.services.practice import PracticeSummary
from ui.bus import subscribe
from ui.dialogs.shortcuts import ShortcutsDialog
from ui.icons import icon
from ui.jobs import Job, run_job, run_quiet, show_error
from ui.panels.ar import AR_SHORTCUTS, ArPanel
from ui.panels.claims import CLAIMS_SHORTCUTS, ClaimsPanel
from ui.panels.code_lookup import CodeLookupPanel
from ui.panels.coding import CodingPanel
from ui.panels.encounters import EncountersPanel
from ui.panels.front_desk import FRONT_DESK_SHORTCUTS, FrontDeskPanel
from ui.panels.payments import PAYMENTS_SHORTCUTS, PaymentsPanel
from ui.widgets.encounter_details import EncounterDetailsPane

log = logging.getLogger("claimdesk.ui")

DATABASE_FILTER = "ClaimDesk databases (*.sqlite3 *.sqlite *.db);;All files (*)"


@dataclass(frozen=True)
class PanelSpec:
    """One sidebar entry. A panel is any QWidget built from the services container."""

    key: str
    title: str
    icon: str
    factory: Callable[[Services], QWidget]


# Adding a panel is one line here; the sidebar, the View menu and Ctrl+<n> follow from it.
PANELS: list[PanelSpec] = [
    PanelSpec("encounters", "Encounters", "encounters", EncountersPanel),
    PanelSpec("coding", "Coding", "coding", CodingPanel),
    PanelSpec("codes", "Code lookup", "codes", CodeLookupPanel),
    PanelSpec("claims", "Claims", "claims", ClaimsPanel),
    PanelSpec("payments", "Payments", "payments", PaymentsPanel),
    PanelSpec("ar", "A/R", "ar", ArPanel),
    PanelSpec("front_desk", "Front desk", "front_desk", FrontDeskPanel),
]

# Shortcuts that live inside panels, listed in Help > Keyboard shortcuts.
PANEL_SHORTCUTS: list[tuple[str, str]] = [
    ("Ctrl+F", "Search the worklist by patient name or account"),
    ("Esc", "Clear the search (in the search box)"),
    ("Up, Down, Page Up, Page Down, Home, End", "Move through the worklist"),
    ("Enter or double-click", "Code the encounter (Coding panel)"),
    ("Alt+T / Alt+R / Alt+Y", "Status, provider and payer filters"),
    ("Ctrl+S", "Coding: save"),
    ("Ctrl+Shift+K / Ctrl+Shift+B", "Coding: mark coded / ready to bill"),
    ("Ctrl+Shift+H", "Coding: hold with a query for the provider"),
    ("Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "Coding: undo / redo"),
    ("Alt+Up / Alt+Down", "Coding: previous / next encounter in the worklist"),
    ("Insert", "Coding: add a service line by code"),
    ("Ctrl+Up / Ctrl+Down, Delete", "Coding: reorder or remove the current diagnosis"),
    ("Esc", "Coding: back to the worklist (or to the claims, when a finding opened it)"),
    *CLAIMS_SHORTCUTS,
    *PAYMENTS_SHORTCUTS,
    *AR_SHORTCUTS,
    *FRONT_DESK_SHORTCUTS,
]


class MainWindow(QMainWindow):
    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.panels: dict[str, QWidget] = {}
        self._summary_job: Job[PracticeSummary] | None = None
        self._detail_job: Job[EncounterDetail] | None = None
        self._detail_id: int | None = None
        # A finding's "Go to field" opened the Coding panel: where Esc goes back to, and the field to focus
        # once that encounter is on screen.
        self._coding_from = "encounters"
        self._pending_field: tuple[int, str] | None = None
        self.setWindowIcon(icon("claimdesk"))
        self.setObjectName("main_window")

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Panels")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setSpacing(2)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.details = EncounterDetailsPane()
        self.details_dock = QDockWidget("Encounter details", self)
        self.details_dock.setObjectName("encounter_details_dock")
        self.details_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.details_dock.setWidget(self.details)
        self.details_dock.setMinimumWidth(320)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)
        self.details_dock.hide()
        self.details_dock.visibilityChanged.connect(self._on_details_shown)

        self.db_label = QLabel()
        self.user_label = QLabel()
        self.counts_label = QLabel()
        for label in (self.db_label, self.user_label, self.counts_label):
            label.setContentsMargins(6, 0, 10, 0)
        self.statusBar().addWidget(self.db_label)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.counts_label)

        self._build_menus()
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row)
        self._build_panels()
        self._show_database()
        subscribe(services.bus, self, lambda changes, s=services: self._on_changes(s, changes))
        self._restore_settings()

    # ------------------------------------------------------------------ building

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open database…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.panel_actions = QActionGroup(self)
        self.panel_actions.setExclusive(True)
        for n, spec in enumerate(PANELS, start=1):
            action = QAction(icon(spec.icon), spec.title, self)
            action.setCheckable(True)
            action.setData(spec.key)
            if n <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_panel(key))
            self.panel_actions.addAction(action)
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.details_action = self.details_dock.toggleViewAction()
        self.details_action.setText("Encounter &details")
        self.details_action.setIcon(icon("details"))
        self.details_action.setShortcut(QKeySequence("Ctrl+I"))
        view_menu.addAction(self.details_action)

        help_menu = self.menuBar().addMenu("&Help")
        shortcuts_action = QAction("&Keyboard shortcuts", self)
        shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts_action)
        about_action = QAction("&About ClaimDesk", self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    def _build_panels(self) -> None:
        current = self.current_panel_key()
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        for old in self.panels.values():
            self.stack.removeWidget(old)
            old.deleteLater()
        self.panels = {}
        for spec in PANELS:
            panel = spec.factory(self.services)
            panel.setObjectName(f"{spec.key}_panel")
            self.panels[spec.key] = panel
            self.stack.addWidget(panel)
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 16))
            self.sidebar.addItem(item)
            activated = getattr(panel, "encounter_activated", None)
            if activated is not None:
                activated.connect(self.open_coding)
            current_changed = getattr(panel, "current_encounter_changed", None)
            if current_changed is not None:
                current_changed.connect(self._follow_encounter)
            field_requested = getattr(panel, "coding_field_requested", None)
            if field_requested is not None:
                field_requested.connect(self.open_coding_at)
        coding = self.panels.get("coding")
        if isinstance(coding, CodingPanel):
            coding.worklist = self.panels.get("encounters")
            coding.back_requested.connect(self._back_to_worklist)
            coding.encounter_loaded.connect(self._focus_pending_field)
        widest = max(self.fontMetrics().horizontalAdvance(spec.title) for spec in PANELS)
        self.sidebar.setFixedWidth(max(widest + 64, 150))
        self.sidebar.blockSignals(False)
        self.show_panel(current if current in self.panels else PANELS[0].key)

    # ------------------------------------------------------------------ panels

    def current_panel_key(self) -> str | None:
        item = self.sidebar.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def show_panel(self, key: str) -> None:
        keys = [spec.key for spec in PANELS]
        if key not in keys:
            return
        row = keys.index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)  # -> _on_sidebar_row
        else:
            self._on_sidebar_row(row)

    def _on_sidebar_row(self, row: int) -> None:
        if not 0 <= row < len(PANELS):
            return
        spec = PANELS[row]
        panel = self.panels[spec.key]
        leaving = self.stack.currentWidget()
        if isinstance(leaving, CodingPanel) and leaving is not panel:
            if not leaving.maybe_leave(lambda key=spec.key: self.show_panel(key)):
                self.sidebar.blockSignals(True)
                self.sidebar.setCurrentRow(self.stack.currentIndex())
                self.sidebar.blockSignals(False)
                return
        self.stack.setCurrentWidget(panel)
        panel.setFocus(Qt.FocusReason.OtherFocusReason)
        for action in self.panel_actions.actions():
            if action.data() == spec.key:
                action.setChecked(True)

    # ------------------------------------------------------------------ coding

    def open_coding(self, encounter_id: int) -> None:
        """Enter or double-click on the worklist: code that encounter."""
        self._coding_from = "encounters"
        self._pending_field = None
        self._show_coding(encounter_id)

    def open_coding_at(self, encounter_id: int, field: str) -> None:
        """A scrub finding's "Go to field": the encounter in the Coding panel, the cursor on the line or
        diagnosis the finding names ('coding.line.2.modifiers', 'coding.diagnosis.1'); Esc returns to Claims."""
        coding = self.panels.get("coding")
        if not isinstance(coding, CodingPanel):
            return
        self._coding_from = "claims"
        if coding.encounter_id == encounter_id and not coding.busy:
            self._pending_field = None
            self.show_panel("coding")
            if self.stack.currentWidget() is coding:
                coding.focus_field(field)
            return
        self._pending_field = (encounter_id, field)
        self._show_coding(encounter_id)

    def _focus_pending_field(self, encounter_id: int) -> None:
        pending, self._pending_field = self._pending_field, None
        coding = self.panels.get("coding")
        if pending is not None and pending[0] == encounter_id and isinstance(coding, CodingPanel):
            coding.focus_field(pending[1])

    def _show_coding(self, encounter_id: int) -> None:
        coding = self.panels.get("coding")
        if not isinstance(coding, CodingPanel):
            self.show_encounter(encounter_id)
            return
        self.show_panel("coding")
        if self.stack.currentWidget() is coding:
            coding.open_encounter(encounter_id)

    def _back_to_worklist(self, encounter_id: int) -> None:
        claims = self.panels.get("claims")
        if self._coding_from == "claims" and isinstance(claims, ClaimsPanel):
            self._coding_from = "encounters"
            self.show_panel("claims")
            claims.focus_findings()
            return
        worklist = self.panels.get("encounters")
        self.show_panel("encounters")
        if isinstance(worklist, EncountersPanel):
            if encounter_id:
                worklist.select_encounter(encounter_id)
            worklist.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ encounter details

    def show_encounter(self, encounter_id: int) -> None:
        """Open the details dock on an encounter (read-only)."""
        self.details_dock.show()
        self.details_dock.raise_()
        self._load_detail(encounter_id)

    def _on_details_shown(self, visible: bool) -> None:
        """Ctrl+I opens the dock on the worklist's selected encounter; from then on it follows the selection."""
        worklist = self.panels.get("encounters")
        if visible and self._detail_job is None and isinstance(worklist, EncountersPanel):
            selected = worklist.selected_encounter_id()
            if selected and selected != self._detail_id:
                self._load_detail(selected)

    def _follow_encounter(self, encounter_id: int) -> None:
        """While the dock is open it follows the selection, so arrowing down the list reads each one."""
        if not self.details_dock.isVisible():
            return
        if encounter_id:
            self._load_detail(encounter_id)
        else:
            self._detail_id = None
            self.details.show_message("Select an encounter and press Enter to see its details.")

    def _load_detail(self, encounter_id: int) -> None:
        if self._detail_job is not None:
            self._detail_job.cancel()
        self._detail_id = encounter_id
        encounters = self.services.encounters

        def failed(exc: BaseException) -> None:
            self._detail_job = None
            if isinstance(exc, NotFoundError):
                self.details.show_message(str(exc))
            else:
                self.details.show_message("The encounter's details could not be loaded.")
                show_error(self, exc)

        def done(detail: EncounterDetail) -> None:
            self._detail_job = None
            self.details.show_detail(detail)

        self._detail_job = run_quiet(self, lambda _ctx: encounters.detail(encounter_id), done, failed)

    # ------------------------------------------------------------------ database

    def _show_database(self) -> None:
        path = self.services.db.path
        self.db_label.setText(f"Database: {path.name}")
        self.db_label.setToolTip(str(path))
        self.user_label.setText(f"User: {self.services.user}")
        self.setWindowTitle(f"ClaimDesk — {path.name}")
        self.refresh_summary()

    def refresh_summary(self) -> None:
        if self._summary_job is not None:
            self._summary_job.cancel()
        practice = self.services.practice
        self._summary_job = run_quiet(self, lambda _ctx: practice.summary(), self._on_summary, self._on_summary_failed)

    def _on_summary(self, summary: PracticeSummary) -> None:
        self._summary_job = None
        name = summary.practice_name or self.services.db.path.name
        self.setWindowTitle(f"ClaimDesk — {name}")
        self.counts_label.setText(
            f"{summary.encounters:,} {'encounter' if summary.encounters == 1 else 'encounters'}"
            f" · {summary.patients:,} {'patient' if summary.patients == 1 else 'patients'}"
        )

    def _on_summary_failed(self, exc: BaseException) -> None:
        self._summary_job = None
        self.counts_label.setText("Counts unavailable")
        log.warning("practice summary failed: %s", type(exc).__name__)

    def _on_changes(self, services: Services, changes: Changes) -> None:
        if services is not self.services:
            return  # a notice from a database that has since been closed
        if changes.touches("encounter") or changes.touches("patient") or changes.touches("practice"):
            self.refresh_summary()
        if self._detail_id is not None and self.details_dock.isVisible() and changes.touches("encounter"):
            ids = changes.entities.get("encounter", frozenset())
            if not ids or self._detail_id in ids:
                self._load_detail(self._detail_id)

    def choose_database(self) -> None:
        start = str(self.services.db.path.parent)
        name, _filter = QFileDialog.getOpenFileName(self, "Open database", start, DATABASE_FILTER)
        if name:
            self.open_database(Path(name))

    def open_database(self, path: Path) -> None:
        """Open (and if needed migrate) another database file, then switch every panel to it."""

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ClaimDeskError):
                QMessageBox.warning(self, "Open database", f"Could not open {path.name}:\n\n{exc}")
            else:
                log.error("opening a database failed", exc_info=exc)
                QMessageBox.warning(
                    self,
                    "Open database",
                    f"Could not open {path.name}. It may not be a ClaimDesk database, or it cannot be read.\n\n"
                    "The technical details were written to ClaimDesk's log file.",
                )

        run_job(self, f"Opening {path.name}…", lambda _ctx: open_services(path), self.set_services, failed)

    def set_services(self, services: Services) -> None:
        """Switch to another open database; the previous one is closed."""
        old = self.services
        self.services = services
        for job in (self._summary_job, self._detail_job):
            if job is not None:
                job.cancel()
        self._summary_job = self._detail_job = None
        self._detail_id = None
        self.details.show_message("Select an encounter and press Enter to see its details.")
        self._build_panels()
        self._show_database()
        subscribe(services.bus, self, lambda changes, s=services: self._on_changes(s, changes))
        if old is not services:
            old.close()

    # ------------------------------------------------------------------ help

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = [
            (
                QKeySequence(QKeySequence.StandardKey.Open).toString(QKeySequence.SequenceFormat.NativeText),
                "Open database",
            ),
            ("Ctrl+Q", "Quit"),
        ]
        rows += [(f"Ctrl+{n}", f"Show {spec.title}") for n, spec in enumerate(PANELS, start=1) if n <= 9]
        rows += [
            ("Ctrl+I", "Show or hide the encounter details (in Payments: import an 835 file)"),
            ("Ctrl+/", "This list"),
        ]
        return rows + PANEL_SHORTCUTS

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_rows(), self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About ClaimDesk",
            f"<h3>ClaimDesk {__version__}</h3>"
            "<p>An offline workstation for medical coders and billers.</p>"
            "<p>CPT® is a registered trademark of the American Medical Association (AMA). "
            "ClaimDesk ships no CPT descriptions: procedure codes are shown with the practice's "
            "own short names only.</p>"
            f"<p>Database: {self.services.db.path}</p>",
        )

    # ------------------------------------------------------------------ window state

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("main_window/state")
        if state is not None:
            self.restoreState(state)
        panel = settings.value("main_window/panel")
        if isinstance(panel, str) and panel in self.panels:
            self.show_panel(panel)

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        key = self.current_panel_key()
        if key:
            settings.setValue("main_window/panel", key)

    def closeEvent(self, event: QCloseEvent) -> None:
        coding = self.panels.get("coding")
        if isinstance(coding, CodingPanel) and not coding.maybe_leave(self.close):
            event.ignore()
            return
        self.save_settings()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            for row, spec in enumerate(PANELS):
                item = self.sidebar.item(row)
                if item is not None:
                    item.setIcon(icon(spec.icon))
        super().changeEvent(event)
