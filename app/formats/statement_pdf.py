"""Patient statements as one PDF: practice header, account, activity since the last statement,
insurance summary, aging, amount due, dunning message and a detachable remittance stub (ReportLab).

Everything printed comes from the statement's content dict (what is stored in `content_json`), so a
reprint draws exactly the same text. Layout is declared once in `LAYOUT`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from app.domain.statements import StatementContent
from app.paths import resource

AGING_LABELS: tuple[tuple[str, str], ...] = (
    ("current", "Current"),
    ("days_30", "31-60 days"),
    ("days_60", "61-90 days"),
    ("days_90", "Over 90 days"),
)


@dataclass(frozen=True)
class StatementLayout:
    page: tuple[float, float] = letter
    margin: float = 0.6 * inch
    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 9
    title_size: float = 15
    leading: float = 12
    stub_height: float = 2.6 * inch  # the detachable part at the bottom of the last page
    logo_height: float = 0.6 * inch
    date_x: float = 0.0
    patient_x: float = 0.8 * inch
    text_x: float = 2.1 * inch
    amount_right: float = 7.3 * inch  # from the left margin
    text_chars: int = 80  # activity text is cut to fit before the amount column
    logo_names: tuple[str, ...] = ("logo.png", "logo.jpg")


LAYOUT = StatementLayout()


def find_logo(layout: StatementLayout = LAYOUT) -> Path | None:
    for name in layout.logo_names:
        path = resource("branding", name)
        if path.exists():
            return path
    return None


def write_statements(
    statements: Iterable[StatementContent],
    path: Path,
    layout: StatementLayout = LAYOUT,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """One statement after another in one PDF; each starts on a new page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=layout.page, invariant=True)
    c.setTitle("Patient statements")
    logo = find_logo(layout)
    for n, content in enumerate(statements, 1):
        _statement(c, content, layout, logo)
        if progress is not None:
            progress(n)
    c.save()
    return path


def _statement(c: Canvas, st: StatementContent, layout: StatementLayout, logo: Path | None) -> None:
    width, height = layout.page
    left = layout.margin
    right = left + layout.amount_right

    def header() -> float:
        y = height - layout.margin
        practice = st["practice"]
        if logo is not None:
            c.drawImage(
                str(logo), left, y - layout.logo_height, height=layout.logo_height, width=1.6 * inch,
                preserveAspectRatio=True, anchor="sw", mask="auto",
            )  # fmt: skip
            x = left + 1.8 * inch
        else:
            x = left
        c.setFont(layout.bold, layout.title_size)
        c.drawString(x, y - layout.title_size, practice["name"])
        c.setFont(layout.font, layout.size)
        yy = y - layout.title_size - layout.leading
        for line in [*practice["address"], practice["phone"]]:
            if line:
                c.drawString(x, yy, line)
                yy -= layout.leading
        c.setFont(layout.bold, layout.title_size - 3)
        c.drawRightString(right, y - layout.title_size, "PATIENT STATEMENT")
        c.setFont(layout.font, layout.size)
        info = (
            ("Account", st["guarantor"]["account"]),
            ("Statement date", st["statement_date"]),
            ("Due date", st["due_date"]),
            ("Amount due", st["amount_due"]),
        )
        ry = y - layout.title_size - layout.leading
        for label, value in info:
            c.drawRightString(right - 1.1 * inch, ry, f"{label}:")
            c.drawRightString(right, ry, value)
            ry -= layout.leading
        return min(yy, ry) - layout.leading

    y = header()
    c.setFont(layout.bold, layout.size)
    c.drawString(left, y, st["guarantor"]["name"])
    y -= layout.leading
    c.setFont(layout.font, layout.size)
    for line in st["guarantor"]["address"]:
        c.drawString(left, y, line)
        y -= layout.leading
    y -= layout.leading
    since = st.get("since")
    c.setFont(layout.bold, layout.size + 1)
    c.drawString(left, y, f"Activity since your last statement ({since})" if since else "Account activity")
    y -= layout.leading
    c.setFont(layout.bold, layout.size)
    c.drawString(left + layout.date_x, y, "Date")
    c.drawString(left + layout.patient_x, y, "Patient")
    c.drawString(left + layout.text_x, y, "Description")
    c.drawRightString(right, y, "Amount")
    y -= layout.leading
    c.setFont(layout.font, layout.size)
    c.drawString(left, y, "Previous balance")
    c.drawRightString(right, y, st["previous_balance"])
    y -= layout.leading
    floor = layout.margin + layout.stub_height + 9 * layout.leading
    for line in st["lines"]:
        if y < floor:
            c.setFont(layout.font, layout.size)
            c.drawRightString(right, layout.margin, "Continued on the next page")
            c.showPage()
            y = header()
            c.setFont(layout.font, layout.size)
        c.drawString(left + layout.date_x, y, line["date"])
        c.drawString(left + layout.patient_x, y, line["patient"][:22])
        c.drawString(left + layout.text_x, y, line["text"][: layout.text_chars])
        c.drawRightString(right, y, line["amount"])
        y -= layout.leading
    y -= layout.leading / 2
    c.setFont(layout.bold, layout.size)
    c.drawString(left, y, "Insurance activity")
    y -= layout.leading
    c.setFont(layout.font, layout.size)
    if not st["insurance"]:
        c.drawString(left, y, "No insurance payments since your last statement.")
        y -= layout.leading
    for ins in st["insurance"]:
        c.drawString(left, y, f"{ins['payer']}: paid {ins['paid']}, adjusted {ins['adjusted']}")
        y -= layout.leading
    c.drawString(left, y, f"Still pending with insurance: {st['insurance_pending']}")
    y -= layout.leading * 1.5
    c.setFont(layout.bold, layout.size)
    col = (right - left) / 5
    for i, (_key, label) in enumerate(AGING_LABELS):
        c.drawRightString(left + col * (i + 1), y, label)
    c.drawRightString(right, y, "Amount due")
    y -= layout.leading
    c.setFont(layout.font, layout.size)
    for i, (key, _label) in enumerate(AGING_LABELS):
        c.drawRightString(left + col * (i + 1), y, st["aging"][key])
    c.setFont(layout.bold, layout.size)
    c.drawRightString(right, y, st["amount_due"])
    y -= layout.leading * 1.5
    c.setFont(layout.bold, layout.size)
    c.drawString(left, y, st["message"])
    _stub(c, st, layout)
    c.showPage()


def _stub(c: Canvas, st: StatementContent, layout: StatementLayout) -> None:
    width, _height = layout.page
    left = layout.margin
    right = left + layout.amount_right
    top = layout.margin + layout.stub_height
    c.setDash(4, 3)
    c.line(left, top, right, top)
    c.setDash()
    c.setFont(layout.font, layout.size - 1)
    c.drawCentredString(width / 2, top + 3, "Please detach and return this portion with your payment")
    y = top - layout.leading * 1.5
    c.setFont(layout.bold, layout.size + 1)
    c.drawString(left, y, "REMITTANCE")
    c.setFont(layout.font, layout.size)
    rows = (
        ("Account", st["guarantor"]["account"]),
        ("Statement date", st["statement_date"]),
        ("Due date", st["due_date"]),
        ("Amount due", st["amount_due"]),
    )
    for label, value in rows:
        y -= layout.leading
        c.drawString(left, y, f"{label}:")
        c.drawString(left + 1.1 * inch, y, value)
    box_x, box_y = right - 2.2 * inch, top - layout.leading * 4.5
    c.drawString(box_x, box_y + 0.45 * inch, "Amount enclosed")
    c.rect(box_x, box_y, 2.2 * inch, 0.4 * inch)
    y -= layout.leading * 1.5
    c.drawString(left, y, "Make checks payable to:")
    y -= layout.leading
    for line in [st["practice"]["name"], *st["practice"]["address"]]:
        c.drawString(left + 0.2 * inch, y, line)
        y -= layout.leading
    gy = top - layout.leading * 6.5
    for line in [st["guarantor"]["name"], *st["guarantor"]["address"]]:
        c.drawString(box_x, gy, line)
        gy -= layout.leading
