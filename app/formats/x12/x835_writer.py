"""Write X12 835 remittances (005010X221A1) from `EraTransaction`s, as a payer would send them.

ClaimDesk receives 835s; it writes them for its tests and its demo practice, so that posting can be
exercised with remittances for our own claims. The output follows the segment order and the required
segments of pyx12's 835.5010.X221.A1 map (which the tests validate every file against): BPR, TRN, the
payer with its address and technical contact (PER*BL), the payee, one LX over the claims, then PLB.
Situational segments are written when the record carries their data. Values are checked first, and
balancing too unless asked not to: `X12DataError` lists every problem and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from app.domain.claim_document import Address
from app.domain.era import (
    FORWARDED_STATUSES,
    PROVIDER_ADJUSTMENT_REASONS,
    EraAdjustment,
    EraClaim,
    EraLine,
    EraProviderAdjustment,
    EraTransaction,
    transaction_problems,
)
from app.domain.import_format import is_valid_npi
from app.formats.x12 import envelope as env
from app.formats.x12.envelope import Envelope
from app.formats.x12.syntax import Delimiters, SegmentWriter, X12DataError, d8, money

VERSION = "005010X221A1"
FUNCTIONAL_GROUP = "HP"  # GS01 for health care claim payment/advice

HANDLING_CODES = frozenset("C D H I P U X".split())
PAYMENT_METHODS = frozenset("ACH BOP CHK FWT NON".split())
CLAIM_STATUSES = frozenset("1 2 3 4 19 20 21 22 23 25".split())
# CLP06 in the 835 guide: not the 837's list (no CI or BL; commercial plans report 12-15 or ZZ).
FILING_INDICATORS = frozenset("12 13 14 15 16 17 AM CH DS HM LM MA MB MC OF TV VA WC ZZ".split())
ADJUSTMENT_GROUPS = frozenset({"CO", "OA", "PI", "PR"})  # 5010 dropped CR
PRODUCT_QUALIFIERS = frozenset({"AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU", "UI", "WK"})
ORIGINAL_QUALIFIERS = frozenset({"AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK"})
MAX_CAS = 99
MAX_CLAIM_REMARKS = 5  # MOA03..MOA07
MAX_LINE_REMARKS = 99  # LQ repeat
MAX_MODIFIERS = 4
PLB_PAIRS = 6
MAX_LINES = 999  # loop 2110 repeat

_RARC = re.compile(r"[A-Z0-9]{1,5}")
_CODE = re.compile(r"[A-Z0-9]{1,48}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_PAYER_IDENTIFIER = re.compile(r"[0-9A-Za-z]{10}")  # TRN03: '1' and the payer's EIN
_STATE = re.compile(r"[A-Z]{2}")
_ZIP = re.compile(r"\d{5}(\d{4})?")
_PHONE = re.compile(r"\d{10}")
_TIN = re.compile(r"\d{9}")
_CLAIM_FREQUENCY = re.compile(r"\d")
_FACILITY = re.compile(r"\d{2}")


def write_835(
    transactions: Sequence[EraTransaction],
    envelope: Envelope,
    delimiters: Delimiters | None = None,
    created_at: dt.datetime | None = None,
    *,
    check_balancing: bool = True,
) -> str:
    """One interchange, one HP functional group, one ST/SE per transaction (control numbers from the
    envelope). With `check_balancing` off, unbalanced remittances are written as given (for tests of
    the balancing checks); every other problem still stops the file."""
    if not transactions:
        raise X12DataError("There are no remittances to write.", [])
    delimiters = delimiters or Delimiters()
    at = created_at or dt.datetime.now()
    writer = _Writer(delimiters)
    segments = [env.isa(envelope, delimiters, at), _gs(envelope, delimiters, at)]
    e = delimiters.element
    for index, tx in enumerate(transactions):
        control = envelope.transaction_control_number(index)
        body = [e.join(("ST", "835", control)), *writer.transaction(tx, check_balancing)]
        segments.extend(body)
        segments.append(e.join(("SE", str(len(body) + 1), control)))
    if writer.log:
        problems = writer.log.problems()
        claims_hit = {n for p in problems for n in p.claim_numbers}
        what = f"{len(claims_hit)} claims need fixing first" if claims_hit else "it needs fixing first"
        raise X12DataError(f"The 835 file was not written: {what}.", problems)
    segments.append(env.ge(envelope, delimiters, len(transactions)))
    segments.append(env.iea(envelope, delimiters, 1))
    terminator = delimiters.segment + ("\n" if delimiters.newline else "")
    return terminator.join(segments) + terminator


def _gs(envelope: Envelope, delimiters: Delimiters, at: dt.datetime) -> str:
    """The shared GS (which checks the application codes), with the 835's functional identifier."""
    elements = env.gs(envelope, delimiters, at, VERSION).split(delimiters.element)
    elements[1] = FUNCTIONAL_GROUP
    return delimiters.element.join(elements)


class _Writer(SegmentWriter):
    """Builds the 835's segments (without terminators), collecting problems as it goes."""

    # --- header, 1000A, 1000B ---------------------------------------------------------------------

    def transaction(self, tx: EraTransaction, check_balancing: bool) -> list[str]:
        k = self.check
        k.claim = None
        label = f"payment {tx.trace_number}"
        seg = self.seg
        if tx.total_paid_cents < 0:
            k.problem(f"{label} total (BPR02)", "is negative; write the amount and set credit_debit to 'D'")
        if (tx.payment_method == "NON") != (tx.total_paid_cents == 0):
            k.problem(f"{label} payment method (BPR04)", "is NON (no payment) exactly when the total (BPR02) is zero")
        if tx.handling_code == "H" and tx.total_paid_cents != 0:
            k.problem(f"{label} handling code (BPR01)", "H (notification only) carries no payment; the total must be 0")
        if tx.payment_date is None:
            k.problem(f"{label} check or EFT date (BPR16)", "is missing")
        out = [
            seg(
                "BPR",
                k.code(tx.handling_code, f"{label} handling code (BPR01)", HANDLING_CODES),
                money(tx.total_paid_cents),
                k.code(tx.credit_debit, f"{label} credit/debit flag (BPR03)", ("C", "D")),
                k.code(tx.payment_method, f"{label} payment method (BPR04)", PAYMENT_METHODS),
                *([""] * 11),
                d8(tx.payment_date) if tx.payment_date else "",
            ),
            seg(
                "TRN",
                "1",
                k.text(tx.trace_number, f"{label} check or EFT trace number (TRN02)", 50),
                k.pattern(
                    tx.payer_identifier,
                    f"{label} payer identifier (TRN03)",
                    _PAYER_IDENTIFIER,
                    "10 characters: '1' and the payer's 9-digit tax id",
                ),
            ),
            seg("N1", "PR", k.text(tx.payer_name, f"{label} payer name (1000A N102)", 60)),
        ]
        # N3/N4 and PER*BL are required in loop 1000A.
        if tx.payer_address is None:
            k.problem(f"{label} payer address (1000A N3/N4)", "is missing")
        else:
            out += self.address(tx.payer_address, f"{label} payer", "1000A")
        if tx.payer_id:
            # REF*2U: "Required when the National PlanID is not mandated ... and the payer has an
            # identifier"; PlanIDs (N103 XV) were never mandated.
            out.append(seg("REF", "2U", k.text(tx.payer_id, f"{label} payer id (1000A REF*2U)", 50)))
        out.append(self.contact(tx, label))
        out += self.payee(tx, label)
        if tx.claims:
            out.append(seg("LX", "1"))
        for claim in tx.claims:
            out += self.claim(claim)
        k.claim = None
        out += self.provider_adjustments(tx.provider_adjustments, label)
        if check_balancing:
            for problem in transaction_problems(tx):
                k.problem(problem.where, problem.message)
        return out

    def contact(self, tx: EraTransaction, label: str) -> str:
        k = self.check
        where = f"{label} payer technical contact (1000A PER*BL)"
        c = tx.payer_contact
        if c is None:
            k.problem(where, "is missing")
            return ""
        numbers: list[str] = []
        if c.phone:
            numbers += ["TE", self.phone(c.phone, f"{where} phone")]
        if c.email:
            numbers += ["EM", k.text(c.email, f"{where} email", 256)]
        if c.url:
            numbers += ["UR", k.text(c.url, f"{where} web address", 256)]
        if not numbers:
            k.problem(where, "needs a phone number, email or web address")
        return self.seg("PER", "BL", k.text(c.name, f"{where} name", 60, required=False), *numbers)

    def payee(self, tx: EraTransaction, label: str) -> list[str]:
        k = self.check
        name = k.text(tx.payee_name, f"{label} payee name (1000B N102)", 60)
        tin = k.pattern(tx.payee_tin, f"{label} payee tax id", _TIN, "9 digits") if tx.payee_tin else ""
        if tx.payee_npi:
            if not is_valid_npi(tx.payee_npi):
                k.problem(f"{label} payee NPI (1000B N104)", f"{tx.payee_npi!r} is not a valid NPI")
            out = [self.seg("N1", "PE", name, "XX", tx.payee_npi)]
        elif tin:
            out = [self.seg("N1", "PE", name, "FI", tin)]
        else:
            k.problem(f"{label} payee id (1000B N104)", "needs the payee's NPI or tax id")
            out = [self.seg("N1", "PE", name)]
        if tx.payee_address is not None:
            out += self.address(tx.payee_address, f"{label} payee", "1000B")
        if tx.payee_npi and tin:
            # REF*TJ: "Required when the payee is identified by NPI in N104 and the payer has the
            # payee's federal taxpayer identification number."
            out.append(self.seg("REF", "TJ", tin))
        return out

    # --- 2100 and 2110 ----------------------------------------------------------------------------

    def claim(self, c: EraClaim) -> list[str]:
        k = self.check
        k.claim = c.patient_control_number or "(no claim number)"
        seg = self.seg
        where = "claim"
        out = [
            seg(
                "CLP",
                k.text(c.patient_control_number, "patient control number (CLP01)", 38),
                k.code(c.status_code, "claim status (CLP02)", CLAIM_STATUSES),
                money(c.charge_cents),
                money(c.paid_cents),
                money(c.patient_responsibility_cents) if c.patient_responsibility_cents else "",
                k.code(c.filing_indicator, "claim filing indicator (CLP06)", FILING_INDICATORS),
                k.text(c.payer_claim_number, "payer claim control number (CLP07)", 50),
                k.pattern(c.facility_code, "facility code (CLP08)", _FACILITY, "2 digits") if c.facility_code else "",
                k.pattern(c.frequency_code, "frequency code (CLP09)", _CLAIM_FREQUENCY, "1 digit")
                if c.frequency_code
                else "",
            ),
            *self.cas(c.adjustments, f"{where} adjustments (2100 CAS)"),
            self.patient(c),
        ]
        if c.insured_member_id:
            # NM1*IL: "Required when the insured or subscriber is different from the patient."
            out.append(
                seg("NM1", "IL", "1", "", "", "", "", "", "MI", k.text(c.insured_member_id, "insured id (NM1*IL)", 80))
            )
        if c.status_code in FORWARDED_STATUSES or c.crossover_payer:
            # NM1*TT, the crossover carrier: required when the payer forwarded the claim to another
            # payer, which statuses 19, 20, 21 and 23 say it did.
            out.append(
                seg(
                    "NM1",
                    "TT",
                    "2",
                    k.text(c.crossover_payer, "crossover payer name (NM1*TT NM103)", 60),
                    "",
                    "",
                    "",
                    "",
                    "PI",
                    k.text(c.crossover_payer_id, "crossover payer id (NM1*TT NM109)", 80, min_len=2),
                )
            )
        if c.remarks:
            if len(c.remarks) > MAX_CLAIM_REMARKS:
                k.problem("claim remark codes (MOA03-07)", f"{len(c.remarks)} codes; at most {MAX_CLAIM_REMARKS}")
            codes = [k.pattern(r, "claim remark code (MOA)", _RARC, "a remark code") for r in c.remarks]
            out.append(seg("MOA", "", "", *codes[:MAX_CLAIM_REMARKS]))
        if c.statement_from:
            out.append(seg("DTM", "232", d8(c.statement_from)))
        if c.statement_to:
            out.append(seg("DTM", "233", d8(c.statement_to)))
        if c.received_date:
            out.append(seg("DTM", "050", d8(c.received_date)))
        if len(c.lines) > MAX_LINES:
            k.problem("service lines (2110)", f"{len(c.lines)} lines; at most {MAX_LINES}")
        for number, line in enumerate(c.lines, start=1):
            out += self.line(line, f"line {number}")
        return out

    def patient(self, c: EraClaim) -> str:
        k = self.check
        last = k.text(c.patient_last, "patient last name (NM1*QC NM103)", 60, required=False)
        first = k.text(c.patient_first, "patient first name (NM1*QC NM104)", 35, required=False)
        member = k.text(c.patient_member_id, "patient member id (NM1*QC NM109)", 80, required=False)
        return self.seg("NM1", "QC", "1", last, first, "", "", "", "MI" if member else "", member)

    def line(self, line: EraLine, label: str) -> list[str]:
        k = self.check
        seg = self.seg
        qualifier = k.code(line.product_qualifier, f"{label} code qualifier (SVC01-1)", PRODUCT_QUALIFIERS)
        out = [
            seg(
                "SVC",
                self.procedure(qualifier, line.code, line.modifiers, f"{label} (SVC01)"),
                money(line.charge_cents),
                money(line.paid_cents),
                k.text(line.revenue_code, f"{label} revenue code (SVC04)", 48, required=False),
                "" if line.units == 1 else self.quantity(line.units),
                self.procedure(
                    k.code(qualifier, f"{label} original code qualifier (SVC06-1)", ORIGINAL_QUALIFIERS),
                    line.original_code,
                    line.original_modifiers,
                    f"{label} submitted procedure (SVC06)",
                )
                if line.original_code
                else "",
                "" if line.original_units is None else self.quantity(line.original_units),
            )
        ]
        if line.original_modifiers and not line.original_code:
            k.problem(f"{label} submitted modifiers (SVC06)", "need the submitted procedure code with them")
        if line.service_date_from and line.service_date_from == line.service_date_to:
            out.append(seg("DTM", "472", d8(line.service_date_from)))
        else:
            if line.service_date_from:
                out.append(seg("DTM", "150", d8(line.service_date_from)))
            if line.service_date_to:
                out.append(seg("DTM", "151", d8(line.service_date_to)))
        out += self.cas(line.adjustments, f"{label} adjustments (2110 CAS)")
        if line.line_control_number:
            out.append(seg("REF", "6R", k.text(line.line_control_number, f"{label} line control number (REF*6R)", 50)))
        if line.allowed_cents is not None:
            out.append(seg("AMT", "B6", money(line.allowed_cents)))
        if len(line.remarks) > MAX_LINE_REMARKS:
            k.problem(f"{label} remark codes (LQ)", f"{len(line.remarks)} codes; at most {MAX_LINE_REMARKS}")
        for remark in line.remarks[:MAX_LINE_REMARKS]:
            out.append(seg("LQ", "HE", k.pattern(remark, f"{label} remark code (LQ02)", _RARC, "a remark code")))
        return out

    def procedure(self, qualifier: str, code: str | None, modifiers: Sequence[str], where: str) -> str:
        k = self.check
        checked = k.pattern(code, f"{where} procedure code", _CODE, "a procedure code (letters and digits)")
        if len(modifiers) > MAX_MODIFIERS:
            k.problem(f"{where} modifiers", f"{len(modifiers)} modifiers; at most {MAX_MODIFIERS}")
        mods = [k.pattern(m, f"{where} modifier", _MODIFIER, "2 letters or digits") for m in modifiers[:MAX_MODIFIERS]]
        return self.comp(qualifier, checked, *mods)

    def cas(self, adjustments: Sequence[EraAdjustment], where: str) -> list[str]:
        return self.cas_segments(adjustments, where, ADJUSTMENT_GROUPS, MAX_CAS, self.quantity)

    # --- PLB ----------------------------------------------------------------------------------------

    def provider_adjustments(self, adjustments: Sequence[EraProviderAdjustment], label: str) -> list[str]:
        """PLB segments: consecutive adjustments for the same provider and fiscal period share one,
        six pairs at most, so the pairs read back in the order given."""
        k = self.check
        runs: list[list[EraProviderAdjustment]] = []
        for a in adjustments:
            last = runs[-1] if runs else None
            if (
                last is not None
                and len(last) < PLB_PAIRS
                and (last[0].provider_id, last[0].fiscal_period_date) == (a.provider_id, a.fiscal_period_date)
            ):
                last.append(a)
            else:
                runs.append([a])
        out = []
        for run in runs:
            first = run[0]
            elements = [
                "PLB",
                k.text(first.provider_id, f"{label} provider adjustment provider id (PLB01)", 50),
                d8(first.fiscal_period_date),
            ]
            for a in run:
                reason = k.code(
                    a.reason_code, f"{label} provider adjustment reason (PLB03-1)", PROVIDER_ADJUSTMENT_REASONS
                )
                reference = k.text(a.reference, f"{label} provider adjustment reference (PLB03-2)", 50, required=False)
                elements += [self.comp(reason, reference), money(a.amount_cents)]
            out.append(self.seg(*elements))
        return out

    # --- shared pieces ------------------------------------------------------------------------------

    def address(self, a: Address, label: str, loop: str) -> list[str]:
        k = self.check
        line1 = k.text(a.line1, f"{label} address line ({loop} N301)", 55)
        line2 = k.text(a.line2, f"{label} address line 2 ({loop} N302)", 55, required=False)
        city = k.text(a.city, f"{label} city ({loop} N401)", 30, min_len=2)
        state = k.pattern((a.state or "").upper(), f"{label} state ({loop} N402)", _STATE, "a 2-letter state code")
        zip_code = k.pattern((a.zip or "").replace("-", ""), f"{label} ZIP code ({loop} N403)", _ZIP, "5 or 9 digits")
        return [self.seg("N3", line1, line2), self.seg("N4", city, state, zip_code)]

    def phone(self, value: str, where: str) -> str:
        digits = "".join(ch for ch in value if ch.isdigit())
        return self.check.pattern(digits, where, _PHONE, "10 digits, area code first")

    @staticmethod
    def quantity(value: object) -> str:
        """A quantity as an X12 R value, sign kept (reversals negate units): 2.50 -> '2.5'."""
        text = format(value, "f") if not isinstance(value, str) else value
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text or "0"
