"""The office E/M calculator: pick decision-making elements or enter total time, and read the code it gives."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.em import (
    DataLevel,
    DataReviewed,
    EmInput,
    EmInputError,
    EmMethod,
    EmResult,
    GradedLevel,
    MdmInput,
    PatientType,
    PayerConvention,
    ProblemLevel,
    RiskLevel,
    calculate_em,
)

MAX_MINUTES = 600
MAX_ITEMS = 20


def _level_combo(levels: type[GradedLevel]) -> QComboBox:
    """A combo of one element's levels; each item's tooltip says what the level covers."""
    combo = QComboBox()
    for i, level in enumerate(levels):
        combo.addItem(level.label, level)
        combo.setItemData(i, level.hint, Qt.ItemDataRole.ToolTipRole)
    combo.currentIndexChanged.connect(lambda _i: _describe_current(combo))
    _describe_current(combo)
    return combo


def _describe_current(combo: QComboBox) -> None:
    hint = combo.currentData().hint
    combo.setToolTip(hint)
    combo.setAccessibleDescription(hint)


def _count_spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_ITEMS)
    spin.setAccelerated(True)
    return spin


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class EmCalculatorDialog(QDialog):
    """Levels an office visit as you choose; OK hands back the code (`result_code()`) and `em_result()`.

    `result()` stays QDialog's own: Accepted after OK, Rejected after Cancel.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        patient_type: PatientType | None = None,
        payer_convention: PayerConvention = PayerConvention.CPT,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("E/M calculator (office visit)")
        self._current: EmResult | None = None
        self._chosen: EmResult | None = None

        inputs = QVBoxLayout()
        inputs.addWidget(self._build_patient_box())
        inputs.addWidget(self._build_method_box())
        inputs.addWidget(self._build_mdm_box())
        inputs.addWidget(self._build_time_box())
        inputs.addStretch(1)

        self.code_label = QLabel()
        code_font = self.code_label.font()
        code_font.setPointSizeF(code_font.pointSizeF() * 2)
        code_font.setBold(True)
        self.code_label.setFont(code_font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.level_label = QLabel()
        self.level_label.setWordWrap(True)
        self.prolonged_label = QLabel()
        prolonged_font = self.prolonged_label.font()
        prolonged_font.setBold(True)
        self.prolonged_label.setFont(prolonged_font)
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.reasons_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        result_frame = QFrame()
        result_frame.setFrameShape(QFrame.Shape.StyledPanel)
        result_frame.setAccessibleName("Result")
        result_layout = QVBoxLayout(result_frame)
        result_layout.setContentsMargins(12, 10, 12, 10)
        result_layout.addWidget(self.code_label)
        result_layout.addWidget(self.level_label)
        result_layout.addWidget(self.prolonged_label)
        result_layout.addWidget(self.reasons_label, 1)
        result_frame.setMinimumWidth(320)

        columns = QHBoxLayout()
        columns.addLayout(inputs, 3)
        columns.addWidget(result_frame, 2)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use code")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)

        if patient_type is PatientType.NEW:
            self.new_radio.setChecked(True)
        elif patient_type is PatientType.ESTABLISHED:
            self.established_radio.setChecked(True)
        self.payer_combo.setCurrentIndex(self.payer_combo.findData(PayerConvention(payer_convention)))
        self._set_tab_order()
        self._connect()
        self._refresh()

    # --- building -------------------------------------------------------------------------------------------

    def _build_patient_box(self) -> QGroupBox:
        box = QGroupBox("Patient")
        self.new_radio = QRadioButton("&New patient")
        self.established_radio = QRadioButton("&Established patient")
        self.patient_group = QButtonGroup(self)
        self.patient_group.addButton(self.new_radio)
        self.patient_group.addButton(self.established_radio)
        self.staff_only_check = QCheckBox("Sta&ff-only visit, no physician needed (99211)")
        self.staff_only_check.setToolTip("An established patient's visit that may not need a physician or other QHP.")
        row = QHBoxLayout()
        row.addWidget(self.new_radio)
        row.addWidget(self.established_radio)
        row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.staff_only_check)
        return box

    def _build_method_box(self) -> QGroupBox:
        box = QGroupBox("Level by")
        self.mdm_radio = QRadioButton("&Medical decision making")
        self.time_radio = QRadioButton("Total &time on the date")
        self.mdm_radio.setChecked(True)
        self.method_group = QButtonGroup(self)
        self.method_group.addButton(self.mdm_radio)
        self.method_group.addButton(self.time_radio)
        layout = QHBoxLayout(box)
        layout.addWidget(self.mdm_radio)
        layout.addWidget(self.time_radio)
        layout.addStretch(1)
        return box

    def _build_mdm_box(self) -> QGroupBox:
        self.mdm_box = QGroupBox("Medical decision making (two of three elements set the level)")
        self.problems_combo = _level_combo(ProblemLevel)
        self.data_combo = _level_combo(DataLevel)
        self.risk_combo = _level_combo(RiskLevel)
        self.count_data_check = QCheckBox("Count data by &category")

        self.notes_spin = _count_spin()
        self.results_spin = _count_spin()
        self.ordered_spin = _count_spin()
        self.notes_spin.setToolTip("Prior notes from outside sources; each unique source counts once.")
        self.results_spin.setToolTip("Results of unique tests reviewed that were not ordered at this visit.")
        self.ordered_spin.setToolTip("Unique tests ordered; ordering includes reviewing the result.")
        self.historian_check = QCheckBox("Independent &historian")
        self.interpretation_check = QCheckBox("Independent &interpretation of a test")
        self.interpretation_check.setToolTip("Your own reading of a test performed by another clinician.")
        self.discussion_check = QCheckBox("Discussion &with an external physician")

        self.category_box = QWidget()
        grid = QGridLayout(self.category_box)
        grid.setContentsMargins(18, 0, 0, 0)
        grid.addWidget(_buddy("E&xternal notes (sources)", self.notes_spin), 0, 0)
        grid.addWidget(self.notes_spin, 0, 1)
        grid.addWidget(_buddy("Test res&ults reviewed", self.results_spin), 1, 0)
        grid.addWidget(self.results_spin, 1, 1)
        grid.addWidget(_buddy("Test&s ordered", self.ordered_spin), 2, 0)
        grid.addWidget(self.ordered_spin, 2, 1)
        grid.addWidget(self.historian_check, 0, 2)
        grid.addWidget(self.interpretation_check, 1, 2)
        grid.addWidget(self.discussion_check, 2, 2)
        grid.setColumnStretch(3, 1)

        form = QFormLayout(self.mdm_box)
        form.addRow(_buddy("&Problems addressed", self.problems_combo), self.problems_combo)
        form.addRow(_buddy("&Data reviewed", self.data_combo), self.data_combo)
        form.addRow("", self.count_data_check)
        form.addRow(self.category_box)
        form.addRow(_buddy("&Risk of management", self.risk_combo), self.risk_combo)
        return self.mdm_box

    def _build_time_box(self) -> QGroupBox:
        self.time_box = QGroupBox("Total time")
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setRange(0, MAX_MINUTES)
        self.minutes_spin.setSuffix(" min")
        self.minutes_spin.setSpecialValueText("not entered")
        self.minutes_spin.setToolTip("The practitioner's total time on the date of the visit, face to face or not.")
        self.payer_combo = QComboBox()
        for convention in PayerConvention:
            self.payer_combo.addItem(convention.label, convention)
        self.payer_combo.setToolTip("CPT counts prolonged time with 99417; Medicare with G2212, starting later.")
        form = QFormLayout(self.time_box)
        form.addRow(_buddy("Minutes on the date of ser&vice", self.minutes_spin), self.minutes_spin)
        form.addRow(_buddy("Pa&yer rules for prolonged time", self.payer_combo), self.payer_combo)
        return self.time_box

    def _set_tab_order(self) -> None:
        chain = [
            self.new_radio,
            self.established_radio,
            self.staff_only_check,
            self.mdm_radio,
            self.time_radio,
            self.problems_combo,
            self.data_combo,
            self.count_data_check,
            self.notes_spin,
            self.results_spin,
            self.ordered_spin,
            self.historian_check,
            self.interpretation_check,
            self.discussion_check,
            self.risk_combo,
            self.minutes_spin,
            self.payer_combo,
            self.ok_button,
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        for button in (self.new_radio, self.established_radio, self.mdm_radio, self.time_radio):
            button.toggled.connect(self._refresh)
        for check in (
            self.staff_only_check,
            self.count_data_check,
            self.historian_check,
            self.interpretation_check,
            self.discussion_check,
        ):
            check.toggled.connect(self._refresh)
        for combo in (self.problems_combo, self.data_combo, self.risk_combo, self.payer_combo):
            combo.currentIndexChanged.connect(self._refresh)
        for spin in (self.notes_spin, self.results_spin, self.ordered_spin, self.minutes_spin):
            spin.valueChanged.connect(self._refresh)

    # --- reading the form -----------------------------------------------------------------------------------

    @property
    def patient_type(self) -> PatientType | None:
        if self.new_radio.isChecked():
            return PatientType.NEW
        if self.established_radio.isChecked():
            return PatientType.ESTABLISHED
        return None

    @property
    def method(self) -> EmMethod:
        return EmMethod.TIME if self.time_radio.isChecked() else EmMethod.MDM

    @property
    def payer_convention(self) -> PayerConvention:
        return PayerConvention(self.payer_combo.currentData())

    def data_reviewed(self) -> DataReviewed:
        return DataReviewed(
            external_notes=self.notes_spin.value(),
            test_results=self.results_spin.value(),
            tests_ordered=self.ordered_spin.value(),
            independent_historian=self.historian_check.isChecked(),
            independent_interpretation=self.interpretation_check.isChecked(),
            external_discussion=self.discussion_check.isChecked(),
        )

    def current_input(self) -> EmInput | None:
        patient_type = self.patient_type
        if patient_type is None:
            return None
        data = self.data_reviewed() if self.count_data_check.isChecked() else DataLevel(self.data_combo.currentData())
        minutes = self.minutes_spin.value()
        problems = ProblemLevel(self.problems_combo.currentData())
        risk = RiskLevel(self.risk_combo.currentData())
        return EmInput(
            patient_type=patient_type,
            method=self.method,
            mdm=MdmInput(problems, data, risk),
            total_minutes=minutes or None,
            clinical_staff_only=self.staff_only_check.isChecked() and patient_type is PatientType.ESTABLISHED,
        )

    def current_result(self) -> EmResult | None:
        """What the form gives right now (None until a patient type is chosen or time is entered)."""
        return self._current

    def result_code(self) -> str | None:
        """The code accepted with OK; None if the dialog was cancelled or is still open."""
        return self._chosen.code if self._chosen else None

    def em_result(self) -> EmResult | None:
        """The whole result accepted with OK (code, level, reasons, prolonged codes)."""
        return self._chosen

    # --- showing the result ---------------------------------------------------------------------------------

    def _refresh(self) -> None:
        established = self.established_radio.isChecked()
        if not established and self.staff_only_check.isChecked():
            self.staff_only_check.setChecked(False)  # re-enters _refresh; the rest of this pass is then redundant
            return
        self.staff_only_check.setEnabled(established)
        staff_only = self.staff_only_check.isChecked()
        self.mdm_radio.setEnabled(not staff_only)
        self.time_radio.setEnabled(not staff_only)
        self.mdm_box.setEnabled(not staff_only and self.method is EmMethod.MDM)
        self.time_box.setEnabled(not staff_only and self.method is EmMethod.TIME)
        counting = self.count_data_check.isChecked()
        self.category_box.setVisible(counting)
        self.data_combo.setEnabled(not counting)
        if counting:
            level, why = self.data_reviewed().assess()
            self.data_combo.blockSignals(True)
            self.data_combo.setCurrentIndex(self.data_combo.findData(level))
            self.data_combo.blockSignals(False)
            _describe_current(self.data_combo)
            self.data_combo.setToolTip(" ".join(why))

        em = self.current_input()
        self._current = None
        if em is None:
            self._show(None, "Choose new or established patient.", [])
            return
        if em.method is EmMethod.TIME and em.total_minutes is None and not em.clinical_staff_only:
            self._show(None, "Enter the total minutes on the date of the visit.", [])
            return
        try:
            result = calculate_em(em, self.payer_convention)
        except EmInputError as exc:
            self._show(None, str(exc), [])
            return
        self._current = result
        if result.code is None:
            summary = "No level by time."
        elif result.level is None:
            summary = "Clinical staff visit."
        elif result.method is EmMethod.MDM:
            summary = f"{result.level.label} medical decision making."
        else:
            summary = f"By total time; the level of {result.level.label.lower()} decision making."
        self._show(result, summary, result.reasons)

    def _show(self, result: EmResult | None, summary: str, reasons: list[str]) -> None:
        code = result.code if result else None
        self.code_label.setText(code or "No code")
        self.level_label.setText(summary)
        prolonged = result.prolonged if result else []
        self.prolonged_label.setText("  ".join(f"+ {c} ×{units}" for c, units in prolonged))
        self.prolonged_label.setVisible(bool(prolonged))
        items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
        self.reasons_label.setText(f"<ul style='margin-left:-20px'>{items}</ul>" if reasons else "")
        self.ok_button.setEnabled(code is not None)
        self.code_label.setAccessibleName(f"Code {code}" if code else "No code")

    def result_text(self) -> str:
        """The result as one line of plain text: code, prolonged codes and summary (for tests and the status bar)."""
        parts = [self.code_label.text()]
        if self.prolonged_label.isVisibleTo(self):
            parts.append(self.prolonged_label.text())
        parts.append(self.level_label.text())
        return " ".join(parts)

    def accept(self) -> None:
        if self._current is None or self._current.code is None:
            return
        self._chosen = self._current
        super().accept()

    def reject(self) -> None:
        self._chosen = None
        super().reject()
