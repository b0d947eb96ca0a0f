"""Payer rules: the practice's own scrubber checks per payer, listed with an on/off switch, and a form to add one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.payer_rule_form import RULE_INPUTS, rule_dict
from app.domain.payer_rules import KIND_LABELS
from app.domain.practice_setup import PayerDetail
from app.errors import ClaimDeskError
from app.services.container import Services
from app.services.scrubber import PayerRuleRow
from ui.jobs import run_job, run_quiet, show_error
from ui.models.payer_rules_model import PayerRulesTableModel
from ui.widgets.banner import problem_label


class PayerRulesDialog(QDialog):
    """Rules take effect at the next scrub; nothing here changes a claim by itself."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Payer rules")
        self.model = PayerRulesTableModel(self)
        self.model.active_toggled.connect(self._set_active)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Payer rules")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # what the rule checks, in words
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty_label = QLabel("No payer rules yet: add one below. They are checked at the next scrub.")
        self.empty_label.setEnabled(False)

        self.problem_label = problem_label("payer_rule_problem")
        self.added_label = QLabel()
        self.added_label.setEnabled(False)
        self._build_form()

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(QLabel("Rules the scrubber checks for a payer (or every payer), switched on or off here."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.form_box)
        layout.addWidget(close)
        self.resize(760, 560)
        self.reload()

    def _build_form(self) -> None:
        self.payer_combo = QComboBox()
        self.payer_combo.setAccessibleName("Payer")
        self.payer_combo.addItem("Every payer", None)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Keystone: modifier 25 on E/M with a procedure")
        self.kind_combo = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label.capitalize(), kind)
        self.codes_edit = QLineEdit()
        self.codes_edit.setPlaceholderText("Codes, ranges or prefixes: 99202-99215, 36415, J*")
        self.with_codes_edit = QLineEdit()
        self.with_codes_edit.setPlaceholderText("Only when billed with (optional): 10004-69990")
        self.modifier_edit = QLineEdit()
        self.modifier_edit.setPlaceholderText("e.g. 25")
        self.modifier_edit.setMaxLength(2)
        self.max_spin = QSpinBox()
        self.max_spin.setRange(1, 12)
        self.severity_combo = QComboBox()
        self.severity_combo.addItem("Error: blocks the claim until fixed or overridden", "error")
        self.severity_combo.addItem("Warning: shown, does not block", "warning")
        self.carc_edit = QLineEdit()
        self.carc_edit.setPlaceholderText("Denial it prevents, e.g. 4 (optional)")
        self.carc_edit.setMaxLength(4)
        self.add_button = QPushButton("&Add rule")
        self.add_button.clicked.connect(self.add_rule)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("&Payer", self.payer_combo)
        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Kind", self.kind_combo)
        self.form.addRow("&Codes", self.codes_edit)
        self.form.addRow("&With codes", self.with_codes_edit)
        self.form.addRow("&Modifier", self.modifier_edit)
        self.form.addRow("Ma&x", self.max_spin)
        self.form.addRow("&Severity", self.severity_combo)
        self.form.addRow("CA&RC", self.carc_edit)
        self._inputs: dict[str, QWidget] = {
            "codes": self.codes_edit,
            "with_codes": self.with_codes_edit,
            "modifier": self.modifier_edit,
            "max": self.max_spin,
        }
        self.kind_combo.currentIndexChanged.connect(self._show_inputs)
        self._show_inputs()

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.added_label, 1)
        self.form_box = QGroupBox("Add a rule")
        box = QVBoxLayout(self.form_box)
        box.addLayout(self.form)
        box.addWidget(self.problem_label)
        box.addLayout(buttons)

    def _show_inputs(self) -> None:
        wanted = RULE_INPUTS.get(self.kind_combo.currentData(), ())
        for name, widget in self._inputs.items():
            self.form.setRowVisible(widget, name in wanted)

    # ------------------------------------------------------------------ service calls

    def reload(self) -> None:
        scrubber, practice = self.services.scrubber, self.services.practice
        run_quiet(self, lambda _ctx: (scrubber.payer_rules(), practice.payers()), self._show, self._failed)

    def _show(self, loaded: tuple[list[PayerRuleRow], list[PayerDetail]]) -> None:
        rules, payers = loaded
        self.model.set_rows(rules)
        self.empty_label.setVisible(not rules)
        current = self.payer_combo.currentData()
        self.payer_combo.clear()
        self.payer_combo.addItem("Every payer", None)
        for payer in payers:
            self.payer_combo.addItem(f"{payer.name} ({payer.payer_id})", payer.payer_id)
        self.payer_combo.setCurrentIndex(max(self.payer_combo.findData(current), 0))

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc, "Payer rules")

    def current_rule(self) -> dict[str, object]:
        return rule_dict(
            self.kind_combo.currentData(),
            codes=self.codes_edit.text(),
            with_codes=self.with_codes_edit.text(),
            modifier=self.modifier_edit.text(),
            max_value=self.max_spin.value(),
            severity=self.severity_combo.currentData(),
            carc=self.carc_edit.text(),
        )

    def add_rule(self) -> None:
        payer, name, rule = self.payer_combo.currentData(), self.name_edit.text(), self.current_rule()
        scrubber = self.services.scrubber
        self.add_button.setEnabled(False)
        self.problem_label.hide()
        self.added_label.clear()
        run_job(
            self,
            "Adding the payer rule…",
            lambda _ctx: scrubber.add_payer_rule(payer, name, rule),
            self._added,
            self._refused,
        )

    def _added(self, row: PayerRuleRow) -> None:
        self.add_button.setEnabled(True)
        self.added_label.setText(f"Added “{row.name}” for {row.payer_name}; it is checked at the next scrub.")
        for edit in (self.name_edit, self.codes_edit, self.with_codes_edit, self.modifier_edit, self.carc_edit):
            edit.clear()
        self.reload()

    def _refused(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        if not isinstance(exc, ClaimDeskError):
            show_error(self, exc, "Payer rules")
            return
        self.problem_label.setText(str(exc))
        self.problem_label.show()

    def _set_active(self, rule_id: int, on: bool) -> None:
        scrubber = self.services.scrubber
        run_job(
            self,
            "Saving the payer rule…",
            lambda _ctx: scrubber.set_payer_rule_active(rule_id, on),
            lambda _none: None,
            self._toggle_failed,
        )

    def _toggle_failed(self, exc: BaseException) -> None:
        self._failed(exc)
        self.reload()  # show the rule as it really is
