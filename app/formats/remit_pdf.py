"""A remittance (one 835 payment) printed in plain words, in the manner of Medicare's Remit Easy Print.

The header says who paid whom, how, when and how much; each claim gets a block with the patient, our
and the payer's claim numbers, its status in words, its totals and a table of its lines with the
adjustments as billers write them ("CO-45 $60.00"); under each block every adjustment reason and
remark code is spelled out from the code lists the caller passes. Provider-level adjustments and the
totals close the document. Printing some claims only (`claim_numbers`) gives the page to attach to a
secondary payer's paper claim: the payment's header, those claims, and their totals.

Layout (page, margins, column widths, type sizes) is declared once in `LAYOUT`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from app.domain.claim_document import Address
from app.domain.era import (
    ADJUSTMENT_GROUPS,
    HANDLING_CODES,
    PAYMENT_METHODS,
    EraAdjustment,
    EraClaim,
    EraTransaction,
)
from app.domain.money import format_money
from app.errors import ValidationError

UNKNOWN_CODE = "(description not in ClaimDesk's code list)"
_NUMERIC_COLUMNS = frozenset({"Units", "Billed", "Allowed", "Paid", "Amount"})
_GAP = "\u00a0\u00a0\u00a0 "  # keeps amounts apart in a paragraph, which collapses plain spaces


@dataclass(frozen=True)
class RemitLayout:
    page: tuple[float, float] = letter
    margin: float = 0.5 * inch
    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 8.5
    title_size: float = 14
    heading_size: float = 10
    # Service date, code, units, billed, allowed, paid, adjustments, remarks: 7.5 inches in all.
    line_columns: tuple[tuple[str, float], ...] = (
        ("Service date", 1.05 * inch),
        ("Code", 0.95 * inch),
        ("Units", 0.45 * inch),
        ("Billed", 0.8 * inch),
        ("Allowed", 0.8 * inch),
        ("Paid", 0.8 * inch),
        ("Adjustments", 1.65 * inch),
        ("Remarks", 1.0 * inch),
    )
    plb_columns: tuple[tuple[str, float], ...] = (
        ("Reason", 2.6 * inch),
        ("Reference", 1.9 * inch),
        ("Provider", 1.5 * inch),
        ("Amount", 1.5 * inch),
    )
    lines_kept_together: int = 20  # a claim with more lines may break across pages
    rule_color: str = "#808080"
    shade_color: str = "#E8E8E8"


LAYOUT = RemitLayout()


def write_remit_pdf(
    tx: EraTransaction,
    target: str | Path | BinaryIO,
    carc: Mapping[str, str],
    rarc: Mapping[str, str],
    claim_numbers: Collection[str] | None = None,
    practice_name: str = "",
) -> None:
    """Write the remittance advice for one payment to a PDF file or binary stream.

    `carc`/`rarc` map adjustment reason and remark codes to their descriptions (ClaimDesk has them
    from `CodeSetService.adjustment_codes`); a code missing from them is printed as not on file.
    `claim_numbers` (our claim numbers, CLP01) limits the print to those claims."""
    claims = list(tx.claims)
    if claim_numbers is not None:
        wanted = set(claim_numbers)
        claims = [c for c in claims if c.patient_control_number in wanted]
        missing = sorted(wanted - {c.patient_control_number for c in claims})
        if missing:
            raise ValidationError(
                f"Payment {tx.trace_number} has no claim {', '.join(missing)}; nothing was printed.",
            )
    printer = _Printer(LAYOUT, carc, rarc)
    story: list[Flowable] = [*printer.header(tx, practice_name)]
    if claim_numbers is not None:
        story.append(printer.para(f"Showing {len(claims)} of {len(tx.claims)} claims in this payment.", italic=True))
    for claim in claims:
        story.append(Spacer(1, 10))
        story += printer.claim(claim)
    if claim_numbers is None and tx.provider_adjustments:
        story.append(Spacer(1, 12))
        story += printer.provider_adjustments(tx)
    story.append(Spacer(1, 12))
    story.append(printer.totals(tx, claims, partial=claim_numbers is not None))
    doc = SimpleDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=LAYOUT.page,
        leftMargin=LAYOUT.margin,
        rightMargin=LAYOUT.margin,
        topMargin=LAYOUT.margin,
        bottomMargin=LAYOUT.margin + 12,
        title=f"Remittance advice {tx.trace_number}",
        author=practice_name or "ClaimDesk",
        creator="ClaimDesk",
    )
    footer = f"{tx.payer_name} - payment {tx.trace_number}"

    def on_page(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(LAYOUT.font, 7)
        canvas.drawString(LAYOUT.margin, LAYOUT.margin, footer)
        canvas.drawRightString(LAYOUT.page[0] - LAYOUT.margin, LAYOUT.margin, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


class _Printer:
    def __init__(self, layout: RemitLayout, carc: Mapping[str, str], rarc: Mapping[str, str]) -> None:
        self.layout = layout
        self.carc = carc
        self.rarc = rarc
        self.body = ParagraphStyle("body", fontName=layout.font, fontSize=layout.size, leading=layout.size * 1.25)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=layout.size - 0.5)
        self.italic = ParagraphStyle("italic", parent=self.body, fontName="Helvetica-Oblique")
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontName=layout.bold, fontSize=layout.heading_size, leading=13
        )
        self.title = ParagraphStyle(
            "title", parent=self.body, fontName=layout.bold, fontSize=layout.title_size, leading=18
        )
        self.right = ParagraphStyle("right", parent=self.body, alignment=2)

    def para(
        self, text: str, *, bold: bool = False, italic: bool = False, style: ParagraphStyle | None = None
    ) -> Paragraph:
        markup = escape(text).replace("\n", "<br/>")
        if bold:
            markup = f"<b>{markup}</b>"
        return Paragraph(markup, style or (self.italic if italic else self.body))

    def grid(self, rows: list[list[Any]], widths: Iterable[float], style: list[tuple[Any, ...]]) -> Table:
        table = Table(rows, colWidths=list(widths), hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.layout.font, self.layout.size),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    *style,
                ]
            )
        )
        return table

    # --- header -----------------------------------------------------------------------------------

    def header(self, tx: EraTransaction, practice_name: str) -> list[Flowable]:
        title = "Remittance advice" + (f" - {practice_name}" if practice_name else "")
        payer = [tx.payer_name]
        if tx.payer_id:
            payer.append(f"Payer ID {tx.payer_id}")
        if tx.payer_address is not None:
            payer += _address_lines(tx.payer_address)
        if tx.payer_contact is not None and tx.payer_contact.phone:
            payer.append(f"Phone {_phone(tx.payer_contact.phone)}")
        payee = [tx.payee_name]
        if tx.payee_npi:
            payee.append(f"NPI {tx.payee_npi}")
        if tx.payee_tin:
            payee.append(f"Tax ID {tx.payee_tin}")
        if tx.payee_address is not None:
            payee += _address_lines(tx.payee_address)
        method = PAYMENT_METHODS.get(tx.payment_method, tx.payment_method)
        number_label = "Check number" if tx.payment_method == "CHK" else "EFT trace number"
        payment = [
            ("Payment", method),
            (number_label, tx.trace_number),
            ("Payment date", _date(tx.payment_date) or "not given by the payer"),
            ("Amount", format_money(tx.net_paid_cents) + (" (debit)" if tx.credit_debit == "D" else "")),
            ("Kind", HANDLING_CODES.get(tx.handling_code, tx.handling_code)),
        ]
        width = self.layout.page[0] - 2 * self.layout.margin
        rows = [
            [self.para("Payer", bold=True), self.para("Payee", bold=True), self.para("Payment", bold=True)],
            [
                self.para("\n".join(payer)),
                self.para("\n".join(payee)),
                self.para("\n".join(f"{label}: {value}" for label, value in payment)),
            ],
        ]
        box = self.grid(
            rows,
            (width * 0.34, width * 0.30, width * 0.36),
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor(self.layout.rule_color)),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(self.layout.shade_color)),
            ],
        )
        return [self.para(title, style=self.title), Spacer(1, 6), box]

    # --- one claim --------------------------------------------------------------------------------

    def claim(self, c: EraClaim) -> list[Flowable]:
        layout = self.layout
        width = sum(w for _, w in layout.line_columns)
        patient = c.patient_name or "(no name given)"
        member = f"   Member ID {c.patient_member_id}" if c.patient_member_id else ""
        status = f"{c.status_code} - {c.status_text}"
        if c.crossover_payer:
            status += f"\nCrossover to: {c.crossover_payer}"
        facts = [
            [
                self.para(f"Patient: {patient}{member}", bold=True),
                self.para(f"Claim {c.patient_control_number}", bold=True),
            ],
            [self.para(f"Status: {status}"), self.para(f"Payer claim number: {c.payer_claim_number or 'none'}")],
        ]
        dates = " to ".join(d for d in (_date(c.statement_from), _date(c.statement_to)) if d)
        allowed = [line.allowed_cents for line in c.lines if line.allowed_cents is not None]
        amounts = [
            f"Billed {format_money(c.charge_cents)}",
            *([f"Allowed {format_money(sum(allowed))}"] if allowed else []),
            f"Paid {format_money(c.paid_cents)}",
            f"Patient responsibility {format_money(c.patient_responsibility_cents)}",
        ]
        facts.append([self.para(_GAP.join(amounts)), self.para(f"Dates of service: {dates}" if dates else "")])
        heading = self.grid(
            facts,
            (width * 0.6, width * 0.4),
            [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(layout.shade_color))],
        )
        rows: list[list[Any]] = [
            [
                self.para(name, bold=True, style=self.right if name in _NUMERIC_COLUMNS else None)
                for name, _ in layout.line_columns
            ]
        ]
        for line in c.lines:
            units = (
                format(line.units.normalize(), "f") if line.units == line.units.to_integral_value() else str(line.units)
            )
            code = line.code_with_modifiers or "(none)"
            if line.original_code:
                code += f"\n(billed {'-'.join((line.original_code, *line.original_modifiers))})"
            rows.append(
                [
                    self.para(_date_range(line.service_date_from, line.service_date_to)),
                    self.para(code),
                    self.para(units, style=self.right),
                    self.para(format_money(line.charge_cents), style=self.right),
                    self.para(
                        format_money(line.allowed_cents) if line.allowed_cents is not None else "", style=self.right
                    ),
                    self.para(format_money(line.paid_cents), style=self.right),
                    self.para("\n".join(a.label for a in line.adjustments)),
                    self.para(" ".join(line.remarks)),
                ]
            )
        style: list[tuple[Any, ...]] = [
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.HexColor(layout.rule_color)),
            ("LEFTPADDING", (6, 0), (6, -1), 10),  # room between the paid amount and the adjustments
        ]
        if c.adjustments:
            rows.append(
                [
                    self.para("Claim adjustments", bold=True),
                    "",
                    "",
                    "",
                    "",
                    "",
                    self.para("\n".join(a.label for a in c.adjustments)),
                    "",
                ]
            )
            style += [
                ("SPAN", (0, len(rows) - 1), (5, len(rows) - 1)),
                ("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0.25, colors.HexColor(layout.rule_color)),
            ]
        lines_table = self.grid(rows, (w for _, w in layout.line_columns), style)
        lines_table.repeatRows = 1
        block: list[Flowable] = [heading, lines_table, *self.explanations(c, width)]
        if len(c.lines) > LAYOUT.lines_kept_together:
            # A claim too long for one page flows on, its line table's heading repeated on each page.
            return block
        outline = Table([[block]], colWidths=[width + 6], hAlign="LEFT")
        outline.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor(layout.rule_color)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return [KeepTogether([outline])]

    def explanations(self, c: EraClaim, width: float) -> list[Flowable]:
        """Each adjustment reason and remark code of the claim and its lines, once, in plain words."""
        adjustments: dict[tuple[str, str], EraAdjustment] = {}
        for a in (*c.adjustments, *(a for line in c.lines for a in line.adjustments)):
            adjustments.setdefault((a.group_code, a.carc), a)
        remarks = list(dict.fromkeys((*c.remarks, *(r for line in c.lines for r in line.remarks))))
        out: list[Flowable] = []
        if adjustments or remarks:
            out.append(Spacer(1, 3))
        for group, reason in adjustments:
            group_words = ADJUSTMENT_GROUPS.get(group, group)
            text = self.carc.get(reason, UNKNOWN_CODE)
            out.append(self.para(f"{group}-{reason} ({group_words}): {text}", style=self.small))
        for remark in remarks:
            out.append(self.para(f"{remark} (remark): {self.rarc.get(remark, UNKNOWN_CODE)}", style=self.small))
        return [_Indented(out, width)] if out else []

    # --- provider adjustments and totals ----------------------------------------------------------

    def provider_adjustments(self, tx: EraTransaction) -> list[Flowable]:
        layout = self.layout
        rows: list[list[Any]] = [
            [
                self.para(name, bold=True, style=self.right if name in _NUMERIC_COLUMNS else None)
                for name, _ in layout.plb_columns
            ]
        ]
        for a in tx.provider_adjustments:
            rows.append(
                [
                    self.para(f"{a.reason_code} - {a.reason_text}"),
                    self.para(a.reference or ""),
                    self.para(a.provider_id),
                    self.para(format_money(a.amount_cents), style=self.right),
                ]
            )
        table = self.grid(
            rows,
            (w for _, w in layout.plb_columns),
            [("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.HexColor(layout.rule_color))],
        )
        note = self.para(
            "A positive provider adjustment is withheld from this payment (a recoupment or offset); a negative "
            "one is added to it (interest, for example).",
            style=self.small,
        )
        return [self.para("Provider adjustments", style=self.heading), table, note]

    def totals(self, tx: EraTransaction, claims: list[EraClaim], partial: bool) -> Flowable:
        rows = [
            ("Claims" + (" shown" if partial else ""), str(len(claims))),
            ("Billed", format_money(sum(c.charge_cents for c in claims))),
            ("Paid on claims", format_money(sum(c.paid_cents for c in claims))),
            ("Patient responsibility", format_money(sum(c.patient_responsibility_cents for c in claims))),
        ]
        if not partial:
            rows.append(("Provider adjustments", format_money(sum(a.amount_cents for a in tx.provider_adjustments))))
        rows.append(("Payment amount" + (" (whole payment)" if partial else ""), format_money(tx.net_paid_cents)))
        table = self.grid(
            [[self.para(label, bold=True), self.para(value, style=self.right)] for label, value in rows],
            (2.2 * inch, 1.3 * inch),
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor(self.layout.rule_color)),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.HexColor(self.layout.rule_color)),
            ],
        )
        return KeepTogether([self.para("Totals", style=self.heading), table])


class _Indented(Table):
    """Flowables with a small left indent (a one-cell table, so it splits across pages)."""

    def __init__(self, flowables: list[Flowable], width: float) -> None:
        super().__init__([[f] for f in flowables], colWidths=[width], hAlign="LEFT")
        self.setStyle(
            TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )


def _address_lines(a: Address) -> list[str]:
    street = ", ".join(p for p in (a.line1, a.line2) if p)
    zip_code = f"{a.zip[:5]}-{a.zip[5:]}" if len(a.zip) == 9 else a.zip
    return [street, " ".join(p for p in (f"{a.city},", a.state, zip_code) if p.strip(","))]


def _phone(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if len(digits) == 10 and digits.isdigit() else digits


def _date(day: dt.date | None) -> str:
    return f"{day:%m/%d/%Y}" if day else ""


def _date_range(start: dt.date | None, end: dt.date | None) -> str:
    if start and end and start != end:
        return f"{_date(start)}-\n{_date(end)}"
    return _date(start or end)
