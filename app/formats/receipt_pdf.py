"""A payment receipt for the patient: who paid what, how, and which visits it paid (ReportLab).

Layout (page, margins, type sizes, line height) is declared once in `LAYOUT`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from app.domain.account import Receipt, short_date
from app.domain.money import format_money


@dataclass(frozen=True)
class ReceiptLayout:
    page: tuple[float, float] = letter
    margin: float = 0.75 * inch
    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 10
    title_size: float = 16
    leading: float = 14
    amount_x: float = 6.5 * inch  # right edge of the amount column


LAYOUT = ReceiptLayout()


def write_receipt(receipt: Receipt, practice: Mapping[str, object], path: Path, layout: ReceiptLayout = LAYOUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=layout.page)
    c.setTitle(f"Receipt {receipt.payment_id}")
    width, height = layout.page
    y = height - layout.margin
    c.setFont(layout.bold, layout.title_size)
    c.drawString(layout.margin, y, str(practice.get("name", "")))
    y -= layout.leading * 1.3
    c.setFont(layout.font, layout.size)
    for line in [*list(practice.get("address", []) or []), str(practice.get("phone", ""))]:  # type: ignore[call-overload]
        if line:
            c.drawString(layout.margin, y, str(line))
            y -= layout.leading
    y -= layout.leading
    c.setFont(layout.bold, layout.title_size - 2)
    c.drawString(layout.margin, y, "PAYMENT RECEIPT")
    y -= layout.leading * 1.6
    c.setFont(layout.font, layout.size)
    how = receipt.method + (f" #{receipt.reference}" if receipt.reference else "")
    for label, value in (
        ("Receipt number", str(receipt.payment_id)),
        ("Account", receipt.account_number),
        ("Received from", receipt.patient_name),
        ("Date received", short_date(receipt.received_on)),
        ("Paid by", how),
        ("Amount received", format_money(receipt.amount_cents)),
        ("Received by", receipt.received_by),
    ):
        c.drawString(layout.margin, y, f"{label}:")
        c.drawString(layout.margin + 1.6 * inch, y, value)
        y -= layout.leading
    y -= layout.leading
    c.setFont(layout.bold, layout.size)
    c.drawString(layout.margin, y, "Applied to")
    y -= layout.leading
    c.setFont(layout.font, layout.size)
    for a in receipt.applied:
        if y < layout.margin + 4 * layout.leading:
            c.showPage()
            c.setFont(layout.font, layout.size)
            y = height - layout.margin
        c.drawString(layout.margin, y, f"Service {short_date(a.date_of_service)}  {a.code}")
        c.drawRightString(layout.amount_x, y, format_money(a.amount_cents))
        y -= layout.leading
    y -= layout.leading
    if receipt.credit_cents:
        c.drawString(layout.margin, y, f"Credit balance from this payment: {format_money(receipt.credit_cents)}")
        y -= layout.leading
    balance = receipt.patient_balance_cents
    text = (
        f"Account credit balance: {format_money(-balance)}"
        if balance < 0
        else f"Balance you owe after this payment: {format_money(balance)}"
    )
    c.setFont(layout.bold, layout.size)
    c.drawString(layout.margin, y, text)
    c.setFont(layout.font, layout.size - 1)
    c.drawString(layout.margin, layout.margin, "Thank you for your payment. Please keep this receipt for your records.")
    c.showPage()
    c.save()
    return path
