"""What the patient and practice editors share: tabs of field forms, Save (Ctrl+S) and Cancel (Esc), a save
run on the write worker, and problems shown in words beside the fields they are about."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import FieldPath, FieldProblems, parse_field_path
from app.services.changes import Changes
from app.services.container import Services
from ui.jobs import Job, run_job, show_error
from ui.models.worklist_model import palette_is_dark
from ui.widgets.field_form import FieldForm


def scrolling(form: QWidget) -> QScrollArea:
    """A long form in a tab scrolls rather than stretching the dialog past the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(form)
    return area


class RecordEditorDialog(QDialog):
    """Subclasses build `self.tabs`, say which form and tab hold a field path (`locate`), gather the
    edits (`save_work`) and receive the saved result (`on_saved`)."""

    def __init__(self, services: Services, title: str, focus: str | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(title)
        self.focus_path: FieldPath | None = parse_field_path(focus) if focus else None
        self.saved_changes: Changes | None = None
        self._job: Job[Any] | None = None
        self._focused_once = False

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setEnabled(False)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("problems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setStyleSheet(f"color: {'#fca5a5' if palette_is_dark() else '#b91c1c'};")
        self.problem_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save")
        self.save_button.setShortcut(QKeySequence())  # Ctrl+S below is the one shortcut for it
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        self.button_row.addWidget(self.buttons)
        hint = QLabel("Ctrl+S saves. Esc cancels.")
        hint.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(hint)
        layout.addLayout(self.button_row)

    # ------------------------------------------------------------------ for subclasses

    def locate(self, path: FieldPath) -> tuple[QWidget, FieldForm] | None:
        """The tab page and the form that hold a field path (None: this dialog has no such field)."""
        raise NotImplementedError

    def reveal(self, path: FieldPath, page: QWidget, form: FieldForm) -> None:
        """Bring the form into view: its tab (a subclass may also select the record it edits)."""
        self.tabs.setCurrentWidget(page)

    def forms(self) -> list[tuple[QWidget, FieldForm]]:
        raise NotImplementedError

    def save_work(self) -> Callable[[], Any] | None:
        """The service call that saves the edits, or None when nothing changed."""
        raise NotImplementedError

    def changes_of(self, result: Any) -> Changes:
        raise NotImplementedError

    # ------------------------------------------------------------------ focus

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            # After the window is shown, so the tab widget does not take the focus back.
            QTimer.singleShot(0, self.apply_focus)

    def apply_focus(self) -> bool:
        """Bring the field named by `focus` into view, give it the focus and highlight it."""
        if self.focus_path is None:
            return False
        found = self.locate(self.focus_path)
        if found is None:
            return False
        page, form = found
        self.reveal(self.focus_path, page, form)
        ok = form.focus_field(self.focus_path.field)
        if ok:
            self._ensure_visible(page, form.editor(self.focus_path.field))
        return ok

    def _ensure_visible(self, page: QWidget, widget: QWidget) -> None:
        area = page if isinstance(page, QScrollArea) else page.findChild(QScrollArea)
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(widget)

    # ------------------------------------------------------------------ saving

    @property
    def saving(self) -> bool:
        return self._job is not None

    def save(self) -> None:
        if self._job is not None:
            return
        self.problem_label.hide()
        bad: list[tuple[FieldPath, QWidget, FieldForm]] = []
        for page, form in self.forms():
            bad += [(form.path(name), page, form) for name in form.validate_all()]
        if bad:
            self._focus_problem(*bad[0])
            self._say(f"Fix the {len(bad)} field(s) marked ⚠ before saving." if len(bad) > 1 else "")
            return
        work = self.save_work()
        if work is None:
            self.accept()
            return

        def done(result: Any) -> None:
            self._job = None
            self.save_button.setEnabled(True)
            self.saved_changes = self.changes_of(result)
            if self.saved_changes.entities:
                self.services.bus.publish(self.saved_changes)
            self.accept()

        def failed(exc: BaseException) -> None:
            self._job = None
            self.save_button.setEnabled(True)
            if isinstance(exc, FieldProblems):
                self.show_problems(exc.fields)
            else:
                show_error(self, exc, "Not saved")

        self.save_button.setEnabled(False)
        self._job = run_job(self, "Saving…", lambda _ctx: work(), done, failed, writes=True)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Problems the service found, each beside its field; the first one gets the focus."""
        first: tuple[FieldPath, QWidget, FieldForm] | None = None
        elsewhere: list[str] = []
        for key, message in problems.items():
            path = parse_field_path(key)
            found = self.locate(path) if path else None
            if path is None or found is None or path.field not in found[1].specs:
                elsewhere.append(f"{key}: {message}")
                continue
            page, form = found
            form.show_problem(path.field, message)
            first = first or (path, page, form)
        if first is not None:
            self._focus_problem(*first)
        self._say("Nothing was saved. " + " ".join(elsewhere) if elsewhere else "Nothing was saved: see the ⚠ notes.")

    def _focus_problem(self, path: FieldPath, page: QWidget, form: FieldForm) -> None:
        self.reveal(path, page, form)
        form.focus_field(path.field, highlight=False)
        self._ensure_visible(page, form.editor(path.field))

    def _say(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def reject(self) -> None:
        if self._job is not None:
            return  # the save is on its way; closing now would hide its outcome
        super().reject()
