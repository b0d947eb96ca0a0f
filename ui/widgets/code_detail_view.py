"""One code read in full: status, release, hierarchy, notes by kind, the 7th character, and HCPCS/CPT pricing."""

from __future__ import annotations

import datetime as dt
import html
import re

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import CodeDetail, CodeNote, MedicareFee, icd10cm_display, icd10cm_key
from ui.models.code_results_model import SYSTEM_LABELS, billable_icon, billable_text
from ui.models.worklist_model import format_date

# Headings in the order coders read them in the Tabular List; unknown kinds follow under their own name.
NOTE_HEADINGS: dict[str, str] = {
    "includes": "Includes",
    "inclusion": "Inclusion terms",
    "excludes1": "Excludes1",
    "excludes2": "Excludes2",
    "code_first": "Code first",
    "use_additional": "Use additional code",
    "code_also": "Code also",
    "seven_char_note": "7th character",
    "note": "Notes",
}
NOTE_HINTS: dict[str, str] = {
    "excludes1": "Not coded here: never report together with this code.",
    "excludes2": "Not included here: both may be reported when both apply.",
    "code_first": "Sequence the underlying condition first.",
    "use_additional": "Add a further code when it applies.",
}
HIDDEN_NOTE_KINDS = {"seven_char_def"}  # shown as the 7th-character choices instead

SEX_WORDS = {"M": "males", "F": "females"}

_ICD_TOKEN = re.compile(r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(\.?-)?")


def needs_seventh(detail: CodeDetail) -> bool:
    """True when this code is the last step before its 7th character (S52.521, T14.8)."""
    if detail.system != "icd10cm" or not detail.seventh_characters:
        return False
    if len(icd10cm_key(detail.code)) >= 7:
        return False
    return all(len(icd10cm_key(code)) == 7 for code, _desc in detail.children)


def seventh_choices(detail: CodeDetail) -> tuple[tuple[str, str], ...]:
    """The 7th characters this code takes: those whose full code the release lists, when it lists them."""
    listed = {icd10cm_key(code) for code, _desc in detail.children}
    if not listed:
        return detail.seventh_characters
    kept = tuple((ch, m) for ch, m in detail.seventh_characters if icd10cm_key(with_seventh(detail.code, ch)) in listed)
    return kept or detail.seventh_characters


def with_seventh(code: str, character: str) -> str:
    """'S52.521' + 'A' -> 'S52.521A'; shorter codes take the X placeholder: 'T14.8' + 'A' -> 'T14.8XXA'."""
    return icd10cm_display(icd10cm_key(code).ljust(6, "X") + character)


def limits_in_words(detail: CodeDetail) -> str | None:
    parts: list[str] = []
    if detail.sex in SEX_WORDS:
        parts.append(f"For {SEX_WORDS[detail.sex]} only.")
    lo, hi = detail.age_min, detail.age_max
    if lo is not None and hi is not None:
        if lo == hi == 0:
            parts.append("For newborns only (age 0).")
        elif lo == hi:
            parts.append(f"For patients aged {lo} only.")
        else:
            parts.append(f"For patients aged {lo} to {hi}.")
    elif lo is not None:
        parts.append(f"For patients aged {lo} and older.")
    elif hi is not None:
        parts.append(f"For patients aged {hi} and younger.")
    return " ".join(parts) or None


def validity_text(detail: CodeDetail) -> str:
    release = f"Release {detail.release}" if detail.release else "Release unknown"
    if detail.valid_from and detail.valid_to:
        return f"{release} · valid {format_date(detail.valid_from)} – {format_date(detail.valid_to)}"
    if detail.valid_from:
        return f"{release} · valid from {format_date(detail.valid_from)}"
    if detail.valid_to:
        return f"{release} · valid until {format_date(detail.valid_to)}"
    return release


def code_url(code: str, system: str) -> str:
    return f"code:{system}/{code}"


def parse_code_url(url: QUrl | str) -> tuple[str, str] | None:
    text = url.toString() if isinstance(url, QUrl) else url
    if not text.startswith("code:") or "/" not in text:
        return None
    system, code = text[len("code:") :].split("/", 1)
    return (code, system) if code else None


def _link(code: str, system: str, text: str | None = None) -> str:
    return f'<a href="{html.escape(code_url(code, system))}">{html.escape(text or code)}</a>'


def _linkify_icd(text: str) -> str:
    """Escape a note and turn each code it names ('O24.4-', 'E10.-') into a link to that code."""

    def repl(m: re.Match[str]) -> str:
        return _link(m.group(1), "icd10cm", m.group(0))

    return _ICD_TOKEN.sub(repl, html.escape(text))


def _heading(text: str, hint: str | None = None) -> str:
    out = f"<h4 style='margin-top:14px; margin-bottom:2px'>{html.escape(text)}</h4>"
    if hint:
        out += f"<p style='margin-top:0; margin-bottom:4px'><i>{html.escape(hint)}</i></p>"
    return out


def _rows(rows: list[tuple[str, str]]) -> str:
    label = "style='padding:1px 14px 1px 0; white-space:nowrap'"
    cells = "".join(f"<tr><td {label}>{html.escape(k)}</td><td style='padding:1px 0'>{v}</td></tr>" for k, v in rows)
    return f"<table cellspacing='0'>{cells}</table>"


# Attribute names as billers say them; others are spelled out from the service's key.
ATTRIBUTE_LABELS: dict[str, str] = {
    "betos": "BETOS",
    "asc_group": "ASC group",
    "type_of_service": "Type of service",
    "multiple_pricing": "Multiple pricing",
    "action_effective_date": "Action effective",
    "added": "Added",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def attribute_label(key: str) -> str:
    return ATTRIBUTE_LABELS.get(key) or (key.replace("_", " ").capitalize() if key.islower() else key)


def attribute_value(value: str) -> str:
    """ISO dates read as the rest of ClaimDesk's dates do (01/01/1986)."""
    if _ISO_DATE.match(value):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value


def _source(from_code: str, system: str) -> str:
    """Where an inherited note is written: a link when it is a code, plain words for a section or chapter."""
    if _ICD_TOKEN.fullmatch(from_code):
        return _link(from_code, system)
    return html.escape(from_code)


def _notes_html(detail: CodeDetail) -> str:
    groups: dict[str, list[CodeNote]] = {}
    for note in detail.notes:
        if note.kind not in HIDDEN_NOTE_KINDS:
            groups.setdefault(note.kind, []).append(note)
    order = [k for k in NOTE_HEADINGS if k in groups] + [k for k in groups if k not in NOTE_HEADINGS]
    out = []
    for kind in order:
        heading = NOTE_HEADINGS.get(kind, kind.replace("_", " ").capitalize())
        out.append(_heading(heading, NOTE_HINTS.get(kind)))
        items = []
        for note in groups[kind]:
            source = ""
            if note.from_code and icd10cm_key(note.from_code) != icd10cm_key(detail.code):
                source = f" <i>— from {_source(note.from_code, detail.system)}</i>"
            items.append(f"<li>{_linkify_icd(note.text)}{source}</li>")
        out.append(f"<ul style='margin-top:0'>{''.join(items)}</ul>")
    return "".join(out)


def _fee_html(fee: MedicareFee) -> str:
    where = "facility" if fee.facility else "non-facility"
    rows = [
        ("Amount", f"<b>${fee.amount:,.2f}</b> ({where}, locality {html.escape(fee.locality)})"),
        ("Work RVU", f"{fee.work_rvu}"),
        (f"PE RVU ({where})", f"{fee.pe_rvu}"),
        ("Malpractice RVU", f"{fee.mp_rvu}"),
        ("Conversion factor", f"${fee.conversion_factor}"),
    ]
    if fee.modifier:
        rows.insert(1, ("Modifier", html.escape(fee.modifier)))
    if fee.global_days:
        rows.append(("Global days", html.escape(fee.global_days)))
    rows.append(("Status", html.escape(fee.status)))
    rows.append(("Fee schedule", html.escape(fee.release)))
    return _heading("Medicare fee") + _rows(rows)


def detail_html(detail: CodeDetail, show_children: bool = True) -> str:
    """Everything below the code's heading, as rich text with links to related codes."""
    out: list[str] = []
    if detail.system == "icd10cm":
        place: list[tuple[str, str]] = []
        if detail.chapter:
            place.append(("Chapter", html.escape(detail.chapter)))
        if detail.section:
            place.append(("Section", html.escape(detail.section)))
        if detail.parent:
            place.append(("Parent", _link(detail.parent, detail.system)))
        if place:
            out.append(_heading("Where it sits") + _rows(place))
        if show_children and detail.children:
            hint = None if detail.billable else f"{detail.code} is a header: pick one of these."
            items = "".join(
                f"<li>{_link(code, detail.system)}&nbsp;&nbsp;{html.escape(desc)}</li>"
                for code, desc in detail.children
            )
            out.append(_heading("Codes under it", hint) + f"<ul style='margin-top:0'>{items}</ul>")
        limits = limits_in_words(detail)
        if limits:
            out.append(_heading("Sex and age") + f"<p style='margin-top:0'>{html.escape(limits)}</p>")
        out.append(_notes_html(detail))
    else:
        texts: list[tuple[str, str]] = []
        if detail.short_description:
            texts.append(("Short description", html.escape(detail.short_description)))
        texts.append(("Long description", html.escape(detail.description) or "<i>none on file</i>"))
        out.append(_heading("Descriptions") + _rows(texts))
        if detail.attributes:
            rows = [(attribute_label(k), html.escape(attribute_value(v))) for k, v in detail.attributes.items()]
            out.append(_heading("Attributes") + _rows(rows))
        if detail.medicare_fee is not None:
            out.append(_fee_html(detail.medicare_fee))
        else:
            out.append(_heading("Medicare fee") + "<p style='margin-top:0'>No Medicare fee on file for this code.</p>")
        out.append(_notes_html(detail))
    return "".join(out)


class CodeDetailView(QWidget):
    """Shows a `CodeDetail` handed to it; it never loads anything itself.

    Links to other codes emit `code_requested(code, system)`; "Copy code" puts the full code on
    the clipboard; "Use code" emits `code_chosen(code, system)` and is shown only when
    `set_use_available(True)` says something listens.
    """

    code_requested = Signal(str, str)
    code_chosen = Signal(str, str)
    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: CodeDetail | None = None
        self._use_available = False

        self._pages = QStackedWidget()
        self.message_label = QLabel()
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setMargin(16)
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        self._pages.addWidget(self.message_label)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)

        self.system_label = QLabel()
        self.title_label = QLabel()
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.system_label)
        layout.addWidget(self.title_label)

        status_row = QHBoxLayout()
        status_row.setSpacing(6)
        self.status_icon = QLabel()
        self.status_label = QLabel()
        self.validity_label = QLabel()
        status_row.addWidget(self.status_icon)
        status_row.addWidget(self.status_label)
        status_row.addSpacing(16)
        status_row.addWidget(self.validity_label)
        status_row.addStretch(1)
        layout.addLayout(status_row)

        self.seventh_box = QFrame()
        self.seventh_box.setFrameShape(QFrame.Shape.StyledPanel)
        seventh_layout = QGridLayout(self.seventh_box)
        seventh_layout.setContentsMargins(10, 6, 10, 6)
        seventh_layout.setHorizontalSpacing(8)
        seventh_layout.setVerticalSpacing(4)
        self.seventh_combo = QComboBox()
        self.seventh_combo.setAccessibleName("7th character")
        # Long meanings ("subsequent encounter for open fracture type IIIA, IIIB, or IIIC with delayed
        # healing") must not push the pane wider; the list shows them in full when it opens.
        self.seventh_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.seventh_combo.setMinimumContentsLength(24)
        self.seventh_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        seventh_label = QLabel("&7th character")
        seventh_label.setBuddy(self.seventh_combo)
        self.full_code_label = QLabel()
        self.full_code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        seventh_layout.addWidget(seventh_label, 0, 0)
        seventh_layout.addWidget(self.seventh_combo, 0, 1)
        seventh_layout.addWidget(QLabel("Full code"), 1, 0)
        seventh_layout.addWidget(self.full_code_label, 1, 1)
        seventh_layout.setColumnStretch(1, 1)
        layout.addWidget(self.seventh_box)
        self.seventh_combo.currentIndexChanged.connect(self._on_seventh_changed)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.copy_button = QPushButton("Copy code")
        self.copy_button.setToolTip("Copy the code to the clipboard (Ctrl+C)")
        self.copy_button.clicked.connect(self.copy_code)
        self.use_button = QPushButton("Use code")
        self.use_button.setToolTip("Add this code to the encounter being coded (Ctrl+Enter)")
        self.use_button.clicked.connect(self.use_code)
        self.use_button.hide()
        actions.addWidget(self.copy_button)
        actions.addWidget(self.use_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setAccessibleName("Code details")
        self.body.anchorClicked.connect(self._on_anchor)
        layout.addWidget(self.body, 1)

        self._pages.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)
        self.show_message("Pick a code to read it here.")

    # ------------------------------------------------------------------ showing

    def show_message(self, text: str) -> None:
        self.detail = None
        self.message_label.setText(text)
        self._pages.setCurrentIndex(0)

    def show_detail(self, detail: CodeDetail) -> None:
        self.detail = detail
        self.system_label.setText(SYSTEM_LABELS.get(detail.system, detail.system))
        description = detail.description or "No description on file"
        self.title_label.setText(f"{detail.code}   {description}")
        self.status_icon.setPixmap(billable_icon(detail.billable).pixmap(12, 12))
        self.status_label.setText(billable_text(detail.billable))
        self.validity_label.setText(validity_text(detail))

        seventh = needs_seventh(detail)
        self.seventh_combo.blockSignals(True)
        self.seventh_combo.clear()
        if seventh:
            for character, meaning in seventh_choices(detail):
                self.seventh_combo.addItem(f"{character} — {meaning}", character)
            self.status_label.setText("Needs a 7th character")
        self.seventh_combo.blockSignals(False)
        self.seventh_box.setVisible(seventh)
        self._on_seventh_changed()

        self.body.setHtml(detail_html(detail, show_children=not seventh))
        self.body.verticalScrollBar().setValue(0)
        self._pages.setCurrentIndex(1)
        self._update_actions()

    def set_use_available(self, available: bool) -> None:
        """Whether anything takes chosen codes (the coding panel); without it "Use code" is hidden."""
        self._use_available = available
        self._update_actions()

    # ------------------------------------------------------------------ the code to copy or use

    def full_code(self) -> str | None:
        """The code as it would go on a claim: with the chosen 7th character when it needs one."""
        if self.detail is None:
            return None
        if self.seventh_box.isVisibleTo(self) and self.seventh_combo.currentData():
            return with_seventh(self.detail.code, str(self.seventh_combo.currentData()))
        return self.detail.code

    def can_use(self) -> bool:
        if self.detail is None or not self._use_available:
            return False
        return self.detail.billable or needs_seventh(self.detail)

    def copy_code(self) -> bool:
        code = self.full_code()
        if not code:
            return False
        QGuiApplication.clipboard().setText(code)
        self.copied.emit(code)
        return True

    def use_code(self) -> bool:
        code = self.full_code()
        if not code or not self.can_use() or self.detail is None:
            return False
        self.code_chosen.emit(code, self.detail.system)
        return True

    def focus_first_control(self) -> None:
        target = self.seventh_combo if self.seventh_box.isVisibleTo(self) else self.body
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_seventh_changed(self, _index: int = -1) -> None:
        if self.detail is None or self.seventh_combo.count() == 0:
            self.full_code_label.setText("")
            return
        character = str(self.seventh_combo.currentData())
        full = with_seventh(self.detail.code, character)
        self.full_code_label.setText(f"{self.detail.code} + {character} = <b>{full}</b>")
        self.full_code_label.setAccessibleName(f"Full code {full}")
        self._update_actions()

    def _update_actions(self) -> None:
        self.copy_button.setEnabled(self.detail is not None)
        self.use_button.setVisible(self._use_available)
        self.use_button.setEnabled(self.can_use())
        code = self.full_code()
        if self.detail is not None and self._use_available and not self.can_use():
            self.use_button.setToolTip(f"{self.detail.code} is a header, not a billable code: pick one of its codes")
        elif code:
            self.use_button.setToolTip(f"Add {code} to the encounter being coded (Ctrl+Enter)")
        if code:
            self.copy_button.setToolTip(f"Copy {code} to the clipboard (Ctrl+C)")

    def _on_anchor(self, url: QUrl) -> None:
        target = parse_code_url(url)
        if target is not None:
            self.code_requested.emit(*target)
