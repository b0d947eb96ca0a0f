"""The E/M calculator form: chosen by keyboard alone, the result follows every change, OK hands back the code."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.domain.em import DataLevel, EmMethod, PatientType, PayerConvention
from ui.dialogs.em_calculator import EmCalculatorDialog


def open_dialog(qtbot: QtBot, patient_type: PatientType | None = None) -> EmCalculatorDialog:
    dialog = EmCalculatorDialog(patient_type=patient_type)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the user types it: to whichever widget has the focus."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def mnemonic(qtbot: QtBot, dialog: EmCalculatorDialog, key: Qt.Key) -> None:
    """Alt+letter; a button answers with an animated click, so wait until it is released."""
    press(qtbot, key, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not any(b.isDown() for b in dialog.findChildren(QAbstractButton)), timeout=1000)


def test_picking_moderate_problems_limited_data_and_moderate_risk_by_keyboard_gives_99214(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.code_label.text() == "No code"
    assert not dialog.ok_button.isEnabled()

    mnemonic(qtbot, dialog, Qt.Key.Key_E)  # Established patient
    mnemonic(qtbot, dialog, Qt.Key.Key_M)  # Medical decision making
    mnemonic(qtbot, dialog, Qt.Key.Key_P)  # Problems addressed
    assert QApplication.focusWidget() is dialog.problems_combo
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    mnemonic(qtbot, dialog, Qt.Key.Key_D)  # Data reviewed
    press(qtbot, Qt.Key.Key_Down)
    mnemonic(qtbot, dialog, Qt.Key.Key_R)  # Risk of management
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)

    assert dialog.code_label.text() == "99214"
    assert "Moderate medical decision making" in dialog.result_text()
    assert "Decision making moderate: problems and risk meet it" in dialog.reasons_label.text()

    press(qtbot, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_code() == "99214"
    result = dialog.em_result()
    assert result is not None and result.method is EmMethod.MDM


def test_55_minutes_for_an_established_patient_shows_99215_and_one_unit_of_99417(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, PatientType.ESTABLISHED)
    mnemonic(qtbot, dialog, Qt.Key.Key_T)  # Total time
    assert not dialog.mdm_box.isEnabled()
    mnemonic(qtbot, dialog, Qt.Key.Key_V)  # Minutes on the date of service
    assert QApplication.focusWidget() is dialog.minutes_spin
    qtbot.keyClicks(dialog.minutes_spin, "55")

    assert dialog.minutes_spin.value() == 55
    assert dialog.code_label.text() == "99215"
    assert dialog.prolonged_label.isVisible()
    assert dialog.prolonged_label.text() == "+ 99417 ×1"

    press(qtbot, Qt.Key.Key_Return)
    assert dialog.result_code() == "99215"
    result = dialog.em_result()
    assert result is not None and result.prolonged == [("99417", 1)]


def test_medicare_rules_wait_until_69_minutes_for_g2212(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, PatientType.ESTABLISHED)
    dialog.time_radio.setChecked(True)
    dialog.minutes_spin.setValue(55)
    mnemonic(qtbot, dialog, Qt.Key.Key_Y)  # Payer rules
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.payer_convention is PayerConvention.MEDICARE
    assert dialog.code_label.text() == "99215"
    assert not dialog.prolonged_label.isVisible()

    dialog.minutes_spin.setValue(69)
    assert dialog.prolonged_label.text() == "+ G2212 ×1"


def test_time_below_the_lowest_threshold_gives_no_code_and_ok_stays_off(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, PatientType.NEW)
    dialog.time_radio.setChecked(True)
    assert "Enter the total minutes" in dialog.result_text()
    dialog.minutes_spin.setValue(14)

    assert dialog.code_label.text() == "No code"
    assert "below the 15 minutes 99202 needs" in dialog.reasons_label.text()
    assert not dialog.ok_button.isEnabled()
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result_code() is None

    dialog.minutes_spin.setValue(15)
    assert dialog.code_label.text() == "99202"


def test_counting_data_by_category_sets_the_data_level_for_you(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, PatientType.NEW)
    mnemonic(qtbot, dialog, Qt.Key.Key_C)  # Count data by category
    assert dialog.count_data_check.isChecked() and not dialog.data_combo.isEnabled()
    mnemonic(qtbot, dialog, Qt.Key.Key_U)  # Test results reviewed
    qtbot.keyClicks(dialog.results_spin, "2")
    assert dialog.data_combo.currentData() is DataLevel.LIMITED
    mnemonic(qtbot, dialog, Qt.Key.Key_I)  # Independent interpretation
    mnemonic(qtbot, dialog, Qt.Key.Key_W)  # Discussion with an external physician
    assert dialog.data_combo.currentData() is DataLevel.EXTENSIVE

    dialog.problems_combo.setCurrentIndex(3)  # high
    assert dialog.code_label.text() == "99205"
    assert "Data extensive" in dialog.reasons_label.text()


def test_the_staff_only_visit_is_99211_and_only_for_established_patients(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, PatientType.NEW)
    assert not dialog.staff_only_check.isEnabled()

    mnemonic(qtbot, dialog, Qt.Key.Key_E)
    mnemonic(qtbot, dialog, Qt.Key.Key_F)
    assert dialog.staff_only_check.isChecked()
    assert dialog.code_label.text() == "99211"
    assert not dialog.mdm_box.isEnabled() and not dialog.time_box.isEnabled()

    mnemonic(qtbot, dialog, Qt.Key.Key_N)
    assert not dialog.staff_only_check.isChecked()
    assert dialog.code_label.text() == "99202"


def test_cancel_hands_back_no_code(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, PatientType.ESTABLISHED)
    assert dialog.code_label.text() == "99212"
    press(qtbot, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.result_code() is None and dialog.em_result() is None


def test_tab_walks_the_enabled_inputs_top_to_bottom_then_the_buttons(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, PatientType.ESTABLISHED)
    dialog.established_radio.setFocus()
    seen: list[QWidget] = []
    for _ in range(8):
        seen.append(QApplication.focusWidget())
        press(qtbot, Qt.Key.Key_Tab)
    # One tab stop per radio group (arrows move inside it), disabled time inputs skipped.
    assert seen == [
        dialog.established_radio,
        dialog.staff_only_check,
        dialog.mdm_radio,
        dialog.problems_combo,
        dialog.data_combo,
        dialog.count_data_check,
        dialog.risk_combo,
        dialog.ok_button,
    ]


def test_every_mnemonic_is_unique_and_every_labelled_input_has_one(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    texts = [b.text() for b in dialog.findChildren(QAbstractButton)]
    texts += [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    keys = [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]
    buddied = [label for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    assert all("&" in label.text() for label in buddied)
    assert len(keys) == len(set(keys)), keys
    assert len(keys) >= 17
