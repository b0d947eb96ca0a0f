"""A read-only summary of one encounter: patient, visit, hold query, note, diagnoses and service lines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.domain.worklist import EncounterDetail, pointer_letters
from ui.models.service_lines_model import ServiceLinesTableModel
from ui.models.worklist_model import format_date

SEX_LABELS = {"M": "Male", "F": "Female", "U": "Unknown"}


def format_icd10(code: str) -> str:
    """ICD-10-CM codes are stored without the dot; billers read them with it (E11.9)."""
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def _section(title: str) -> QLabel:
    label = QLabel(title)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 8, 0, 2)
    return label


def _value() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return label


class EncounterDetailsPane(QWidget):
    """Shows an `EncounterDetail` handed to it; it never loads anything itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: EncounterDetail | None = None

        self._pages = QStackedWidget()
        self.message_label = QLabel("Select an encounter and press Enter to see its details.")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setMargin(16)
        self._pages.addWidget(self.message_label)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(4)

        self.title_label = QLabel()
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title_label)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(3)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("account", "Account"),
            ("born", "Born"),
            ("dos", "Date of service"),
            ("provider", "Provider"),
            ("facility", "Facility"),
            ("payer", "Primary payer"),
            ("prior_auth", "Prior auth"),
            ("status", "Status"),
        ):
            self.fields[key] = _value()
            form.addRow(label, self.fields[key])
        layout.addLayout(form)

        self.hold_box = QFrame()
        self.hold_box.setFrameShape(QFrame.Shape.StyledPanel)
        hold_layout = QVBoxLayout(self.hold_box)
        hold_layout.setContentsMargins(8, 6, 8, 6)
        self.hold_title = _section("On hold")
        self.hold_title.setContentsMargins(0, 0, 0, 0)
        self.hold_label = _value()
        hold_layout.addWidget(self.hold_title)
        hold_layout.addWidget(self.hold_label)
        layout.addSpacing(6)
        layout.addWidget(self.hold_box)

        layout.addWidget(_section("Diagnoses"))
        self.diagnoses_label = _value()
        layout.addWidget(self.diagnoses_label)

        layout.addWidget(_section("Service lines"))
        self.lines_model = ServiceLinesTableModel(self)
        self.lines_view = QTableView()
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_view.setAlternatingRowColors(True)
        self.lines_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines_view.horizontalHeader().setStretchLastSection(True)
        self.lines_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.lines_view)
        self.lines_empty_label = _value()
        layout.addWidget(self.lines_empty_label)
        self.total_label = _value()
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.total_label)

        layout.addWidget(_section("Note"))
        self.note_view = QPlainTextEdit()
        self.note_view.setReadOnly(True)
        self.note_view.setMinimumHeight(140)
        self.note_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.note_view, 1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self._pages.addWidget(scroll)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)

    def show_message(self, text: str) -> None:
        self.detail = None
        self.message_label.setText(text)
        self._pages.setCurrentIndex(0)

    def show_detail(self, detail: EncounterDetail) -> None:
        self.detail = detail
        self.title_label.setText(detail.patient_name)
        sex = SEX_LABELS.get(detail.sex, detail.sex)
        self.fields["account"].setText(detail.account_number)
        self.fields["born"].setText(f"{format_date(detail.date_of_birth)} · {sex}")
        self.fields["dos"].setText(format_date(detail.date_of_service))
        self.fields["provider"].setText(detail.provider_name)
        self.fields["facility"].setText(f"{detail.facility_name} (POS {detail.place_of_service})")
        self.fields["payer"].setText(detail.payer_name)
        self.fields["prior_auth"].setText(detail.prior_authorization or "None on file")
        self.fields["status"].setText(detail.status_label)

        on_hold = detail.status == "on_hold" or bool(detail.hold_reason)
        self.hold_box.setVisible(on_hold)
        if on_hold:
            self.hold_title.setText(f"On hold: {detail.hold_reason}" if detail.hold_reason else "On hold")
            self.hold_label.setText(f"Query: {detail.query_text}" if detail.query_text else "No query text.")

        if detail.diagnoses:
            self.diagnoses_label.setText(
                "\n".join(
                    f"{pointer_letters([i])}.  {format_icd10(code)}" for i, code in enumerate(detail.diagnoses, 1)
                )
            )
        else:
            self.diagnoses_label.setText("Not coded yet.")

        self.lines_model.set_rows(detail.lines)
        has_lines = bool(detail.lines)
        self.lines_view.setVisible(has_lines)
        self.lines_empty_label.setVisible(not has_lines)
        self.lines_empty_label.setText("No service lines yet.")
        self.total_label.setVisible(has_lines)
        self.total_label.setText(f"Total charges {format_money(detail.total_charge_cents)}")
        if has_lines:
            self._fit_lines_view()

        self.note_view.setPlainText(detail.note_text or "(No note text.)")
        self._pages.setCurrentIndex(1)

    def _fit_lines_view(self) -> None:
        """Tall enough for every line, so the pane scrolls as one page rather than a table in a page."""
        view = self.lines_view
        view.resizeRowsToContents()
        height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        height += sum(view.rowHeight(r) for r in range(self.lines_model.rowCount()))
        view.setFixedHeight(height)
