"""A card on the Key numbers dashboard: a KPI's value, its benchmark beside it, its status in words, and its
formula in the tooltip. The numeric goals behind the status words are declared once, here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.domain.kpi import Kpi

WITHIN = "Within goal"
NEAR = "Near the limit"
ATTENTION = "Needs attention"
NO_DATA = "No data for this period"


@dataclass(frozen=True)
class Goal:
    """`goal` is where "within goal" ends, `limit` where "needs attention" starts; `higher_is_better` says which
    way they face. The numbers follow the benchmarks in `app.domain.kpi.KPI_DEFINITIONS`."""

    goal: Decimal
    limit: Decimal
    higher_is_better: bool


D = Decimal
GOALS: dict[str, Goal] = {
    "days_in_ar": Goal(D(35), D(40), False),
    "net_collection_rate": Goal(D(95), D(90), True),
    "denial_rate": Goal(D(5), D(10), False),
    "clean_claim_rate": Goal(D(95), D(90), True),
    "first_pass_resolution_rate": Goal(D(90), D(85), True),
    "ar_over_90_pct": Goal(D(10), D(15), False),
    "ar_over_120_pct": Goal(D(5), D(10), False),
    "submission_lag_days": Goal(D(2), D(5), False),
    "posting_lag_days": Goal(D(2), D(3), False),
    "scrub_clean_rate": Goal(D(95), D(90), True),
}


def kpi_status(kpi: Kpi) -> str:
    if kpi.value is None:
        return NO_DATA
    goal = GOALS.get(kpi.key)
    if goal is None:
        return ""
    v = kpi.value
    if goal.higher_is_better:
        return WITHIN if v >= goal.goal else NEAR if v >= goal.limit else ATTENTION
    return WITHIN if v <= goal.goal else NEAR if v <= goal.limit else ATTENTION


def format_kpi(kpi: Kpi) -> str:
    if kpi.value is None:
        return "—"
    if kpi.unit == "%":
        return f"{kpi.value:.1f}%"
    return f"{kpi.value:.1f} {kpi.unit}"


# status -> (light, dark) text colour; the words say the same, the colour only echoes them
STATUS_COLOURS = {WITHIN: ("#2e7d32", "#81c784"), NEAR: ("#8a6d00", "#ffd54f"), ATTENTION: ("#c62828", "#ef9a9a")}


class KpiCard(QFrame):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"kpi_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.title_label = QLabel()
        self.value_label = QLabel("—")
        font = self.value_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value_label.setFont(font)
        self.benchmark_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        for label in (self.title_label, self.benchmark_label, self.status_label):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.benchmark_label)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a screen reader can reach each card and read its tooltip

    def show_kpi(self, kpi: Kpi, dark: bool) -> None:
        status = kpi_status(kpi)
        self.title_label.setText(kpi.label)
        self.value_label.setText(format_kpi(kpi))
        self.benchmark_label.setText(f"Goal: {kpi.benchmark}")
        self.status_label.setText(status)
        colour = STATUS_COLOURS.get(status)
        self.status_label.setStyleSheet(f"color: {colour[1] if dark else colour[0]};" if colour else "")
        figures = ""
        if kpi.numerator is not None and kpi.denominator is not None:
            figures = f"<br><br>This period: {kpi.numerator} ÷ {kpi.denominator}"
        self.setToolTip(f"<b>{kpi.label}</b> = {kpi.formula}{figures}")
        self.setAccessibleName(f"{kpi.label}: {format_kpi(kpi)}, {status}; goal {kpi.benchmark}")
