"""An electronic remittance (X12 835) as plain immutable records, and the guide's three balancing rules.

Money is integer cents with the sign the payer sent: an adjustment (CAS, PLB) reduces the payment when
positive and increases it when negative, and a reversal (claim status 22) carries negative amounts.
`segment_number` says where a record came from (the file's segment count, ISA = 1); it takes no part
in equality, so a remittance read back from a file equals the one it was written from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.claim_document import Address
from app.domain.money import format_money

# CLP02, in the words of the 005010X221A1 guide.
CLAIM_STATUS: dict[str, str] = {
    "1": "Processed as primary",
    "2": "Processed as secondary",
    "3": "Processed as tertiary",
    "4": "Denied",
    "19": "Processed as primary, forwarded to additional payer(s)",
    "20": "Processed as secondary, forwarded to additional payer(s)",
    "21": "Processed as tertiary, forwarded to additional payer(s)",
    "22": "Reversal of previous payment",
    "23": "Not our claim, forwarded to additional payer(s)",
    "25": "Predetermination pricing only, no payment",
}
FORWARDED_STATUSES = frozenset({"19", "20", "21", "23"})  # the payer sent the claim on (NM1*TT names to whom)

# CAS01. CR (corrections and reversals) was dropped in 5010 but still turns up in files from old systems.
ADJUSTMENT_GROUPS: dict[str, str] = {
    "CO": "Contractual obligation",
    "PR": "Patient responsibility",
    "OA": "Other adjustment",
    "PI": "Payer initiated reduction",
    "CR": "Correction or reversal",
}

# BPR04
PAYMENT_METHODS: dict[str, str] = {
    "ACH": "EFT (ACH)",
    "CHK": "Check",
    "NON": "No payment",
    "BOP": "Financial institution option",
    "FWT": "Federal Reserve wire transfer",
}

# BPR01
HANDLING_CODES: dict[str, str] = {
    "C": "Payment accompanies remittance advice",
    "D": "Make payment only",
    "H": "Notification only",
    "I": "Remittance information only",
    "P": "Prenotification of future transfers",
    "U": "Split payment and remittance",
    "X": "Handling party's option to split payment and remittance",
}

# PLB03-1
PROVIDER_ADJUSTMENT_REASONS: dict[str, str] = {
    "50": "Late charge",
    "51": "Interest penalty charge",
    "72": "Authorized return",
    "90": "Early payment allowance",
    "AH": "Origination fee",
    "AM": "Applied to borrower's account",
    "AP": "Acceleration of benefits",
    "B2": "Rebate",
    "B3": "Recovery allowance",
    "BD": "Bad debt adjustment",
    "BN": "Bonus",
    "C5": "Temporary allowance",
    "CR": "Capitation interest",
    "CS": "Adjustment",
    "CT": "Capitation payment",
    "CV": "Capital passthru",
    "CW": "Certified registered nurse anesthetist passthru",
    "DM": "Direct medical education passthru",
    "E3": "Withholding",
    "FB": "Forward balance",
    "FC": "Fund allocation",
    "GO": "Graduate medical education passthru",
    "HM": "Hemophilia clotting factor supplement",
    "IP": "Incentive premium payment",
    "IR": "Internal Revenue Service withholding",
    "IS": "Interim settlement",
    "J1": "Nonreimbursable",
    "L3": "Penalty",
    "L6": "Interest owed",
    "LE": "Levy",
    "LS": "Lump sum",
    "OA": "Organ acquisition passthru",
    "OB": "Offset for affiliated providers",
    "PI": "Periodic interim payment",
    "PL": "Payment final",
    "RA": "Retro-activity adjustment",
    "RE": "Return on equity",
    "SL": "Student loan repayment",
    "TL": "Third party liability",
    "WO": "Overpayment recovery",
    "WU": "Unspecified recovery",
}


@dataclass(frozen=True)
class EraAdjustment:
    """One CAS reason/amount/quantity trio under its group code."""

    group_code: str  # CO, PR, OA, PI (CR in old files)
    carc: str
    amount_cents: int  # positive reduces the payment
    quantity: Decimal | None = None

    @property
    def label(self) -> str:
        """'CO-45 $60.00', as remittance printouts show it."""
        return f"{self.group_code}-{self.carc} {format_money(self.amount_cents)}"


@dataclass(frozen=True)
class EraContact:
    """A PER segment: the payer's technical (PER*BL) contact."""

    name: str | None = None
    phone: str | None = None  # TE
    email: str | None = None  # EM
    url: str | None = None  # UR


@dataclass(frozen=True, kw_only=True)
class EraLine:
    """Loop 2110: one service line as the payer adjudicated it (SVC and what follows it)."""

    segment_number: int = field(default=0, compare=False)  # the SVC
    code: str  # SVC01-2, the adjudicated code
    modifiers: tuple[str, ...] = ()
    original_code: str | None = None  # SVC06-2, when the payer changed the code we billed
    original_modifiers: tuple[str, ...] = ()
    charge_cents: int  # SVC02
    paid_cents: int  # SVC03
    units: Decimal = Decimal(1)  # SVC05 (absent means 1)
    original_units: Decimal | None = None  # SVC07, when the paid units differ from those billed
    service_date_from: dt.date | None = None  # DTM*472 or DTM*150
    service_date_to: dt.date | None = None  # DTM*472 or DTM*151
    adjustments: tuple[EraAdjustment, ...] = ()
    remarks: tuple[str, ...] = ()  # LQ*HE remittance advice remark codes
    allowed_cents: int | None = None  # AMT*B6
    line_control_number: str | None = None  # REF*6R, our line item control number echoed back
    product_qualifier: str = "HC"  # SVC01-1: HC for CPT/HCPCS
    revenue_code: str | None = None  # SVC04, institutional lines

    @property
    def adjustment_cents(self) -> int:
        return sum(a.amount_cents for a in self.adjustments)

    @property
    def patient_responsibility_cents(self) -> int:
        return sum(a.amount_cents for a in self.adjustments if a.group_code == "PR")

    @property
    def code_with_modifiers(self) -> str:
        return "-".join((self.code, *self.modifiers)) if self.code else "-".join(self.modifiers)


@dataclass(frozen=True, kw_only=True)
class EraClaim:
    """Loop 2100: one claim as the payer adjudicated it (CLP and what follows it)."""

    segment_number: int = field(default=0, compare=False)  # the CLP
    patient_control_number: str  # CLP01, our claim number
    status_code: str  # CLP02
    charge_cents: int  # CLP03
    paid_cents: int  # CLP04
    patient_responsibility_cents: int = 0  # CLP05
    filing_indicator: str  # CLP06
    payer_claim_number: str  # CLP07
    facility_code: str | None = None  # CLP08: place of service for professional claims
    frequency_code: str | None = None  # CLP09
    patient_last: str | None = None  # NM1*QC
    patient_first: str | None = None
    patient_member_id: str | None = None
    insured_member_id: str | None = None  # NM1*IL, when the insured is not the patient
    crossover_payer: str | None = None  # NM1*TT name, for statuses 19-21
    crossover_payer_id: str | None = None  # NM1*TT NM109
    adjustments: tuple[EraAdjustment, ...] = ()  # claim-level CAS, in addition to the lines' CAS
    lines: tuple[EraLine, ...] = ()
    remarks: tuple[str, ...] = ()  # MOA/MIA remark codes
    statement_from: dt.date | None = None  # DTM*232
    statement_to: dt.date | None = None  # DTM*233
    received_date: dt.date | None = None  # DTM*050

    @property
    def status_text(self) -> str:
        return CLAIM_STATUS.get(self.status_code, f"Status {self.status_code}")

    @property
    def is_reversal(self) -> bool:
        return self.status_code == "22"

    @property
    def patient_name(self) -> str:
        return ", ".join(p for p in (self.patient_last, self.patient_first) if p)


@dataclass(frozen=True, kw_only=True)
class EraProviderAdjustment:
    """One adjustment pair of a PLB segment (a PLB holds up to six)."""

    segment_number: int = field(default=0, compare=False)  # the PLB
    provider_id: str  # PLB01
    fiscal_period_date: dt.date  # PLB02
    reason_code: str  # PLB03-1 (and PLB05-1, ...)
    reference: str | None = None  # PLB03-2
    amount_cents: int  # PLB04: positive reduces the payment (a recoupment), negative adds (interest)

    @property
    def reason_text(self) -> str:
        return PROVIDER_ADJUSTMENT_REASONS.get(self.reason_code, f"Reason {self.reason_code}")


@dataclass(frozen=True, kw_only=True)
class EraTransaction:
    """One ST/SE transaction set: one payment (or notice) from one payer to one payee."""

    segment_number: int = field(default=0, compare=False)  # the ST
    control_number: str  # ST02
    handling_code: str  # BPR01
    total_paid_cents: int  # BPR02, never negative: BPR03 says which way the money goes
    credit_debit: str = "C"  # BPR03
    payment_method: str  # BPR04
    payment_date: dt.date | None  # BPR16; None only when the payer's file lacks it
    trace_number: str  # TRN02: check or EFT trace number
    payer_identifier: str  # TRN03
    payer_name: str
    payer_id: str | None = None  # N1*PR N104, or REF*2U
    payer_address: Address | None = None
    payer_contact: EraContact | None = None  # PER*BL
    payee_name: str
    payee_npi: str | None = None  # N1*PE with XX
    payee_tin: str | None = None  # N1*PE with FI, or REF*TJ
    payee_address: Address | None = None
    claims: tuple[EraClaim, ...] = ()
    provider_adjustments: tuple[EraProviderAdjustment, ...] = ()

    @property
    def net_paid_cents(self) -> int:
        """BPR02 with a sign: a debit (the provider pays the payer) is negative."""
        return -self.total_paid_cents if self.credit_debit == "D" else self.total_paid_cents


@dataclass(frozen=True, kw_only=True)
class EraFile:
    """One interchange: every 835 transaction set in it, in file order."""

    interchange_control_number: str  # ISA13
    sender_id: str  # ISA06, without its padding
    receiver_id: str  # ISA08
    transactions: tuple[EraTransaction, ...]
    content_sha256: str  # of the bytes read: the same file imported twice has the same digest
    segment_count: int
    source_name: str = field(default="", compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)  # guide violations read past


@dataclass(frozen=True)
class BalanceProblem:
    segment_number: int
    where: str  # e.g. "claim CD00000012 line 2"
    message: str

    def __str__(self) -> str:
        return f"{self.where} (segment {self.segment_number}): {self.message}"


# --- the balancing rules of the 005010X221A1 guide, section 1.10.2.1 ---------------------------------


def line_problems(line: EraLine, where: str | None = None) -> list[BalanceProblem]:
    """Service line balancing: SVC02 charge − the line's CAS amounts = SVC03 paid."""
    adjusted = line.adjustment_cents
    if line.charge_cents - adjusted == line.paid_cents:
        return []
    expected = line.charge_cents - adjusted
    return [
        BalanceProblem(
            line.segment_number,
            where or f"line at segment {line.segment_number}",
            f"{_at('SVC', line.segment_number)} does not balance: charge {format_money(line.charge_cents)} "
            f"− adjustments {format_money(adjusted)} = {format_money(expected)}, but it paid "
            f"{format_money(line.paid_cents)} (off by {format_money(line.paid_cents - expected)})",
        )
    ]


def claim_problems(claim: EraClaim) -> list[BalanceProblem]:
    """Each line's balance, then claim balancing: CLP03 charge − claim-level CAS − every line's CAS
    = CLP04 paid. Claim-level adjustments are in addition to the lines' (the guide reports an
    adjustment at one level only, so both count)."""
    name = f"claim {claim.patient_control_number}"
    out: list[BalanceProblem] = []
    for number, line in enumerate(claim.lines, start=1):
        out += line_problems(line, f"{name} line {number}")
    claim_adjusted = sum(a.amount_cents for a in claim.adjustments)
    lines_adjusted = sum(line.adjustment_cents for line in claim.lines)
    expected = claim.charge_cents - claim_adjusted - lines_adjusted
    if expected != claim.paid_cents:
        out.append(
            BalanceProblem(
                claim.segment_number,
                name,
                f"{_at('CLP', claim.segment_number)} does not balance: charge {format_money(claim.charge_cents)} "
                f"− claim adjustments {format_money(claim_adjusted)} − line adjustments "
                f"{format_money(lines_adjusted)} = {format_money(expected)}, but CLP04 paid "
                f"{format_money(claim.paid_cents)} (off by {format_money(claim.paid_cents - expected)})",
            )
        )
    return out


def transaction_problems(tx: EraTransaction) -> list[BalanceProblem]:
    """Every claim's problems, then transaction balancing: BPR02 = Σ CLP04 − Σ PLB amounts (BPR02
    counted negative when BPR03 is D, a debit)."""
    out: list[BalanceProblem] = []
    for claim in tx.claims:
        out += claim_problems(claim)
    claims_paid = sum(c.paid_cents for c in tx.claims)
    provider_adjusted = sum(a.amount_cents for a in tx.provider_adjustments)
    expected = claims_paid - provider_adjusted
    if expected != tx.net_paid_cents:
        debit = " (a debit)" if tx.credit_debit == "D" else ""
        bpr = tx.segment_number + 1 if tx.segment_number else 0  # the BPR comes right after the ST
        out.append(
            BalanceProblem(
                bpr,
                f"payment {tx.trace_number} (transaction set {tx.control_number})",
                f"{_at('BPR', bpr)} does not balance: claims paid {format_money(claims_paid)} − provider adjustments "
                f"{format_money(provider_adjusted)} = {format_money(expected)}, but BPR02 is "
                f"{format_money(tx.total_paid_cents)}{debit} (off by {format_money(tx.net_paid_cents - expected)})",
            )
        )
    return out


def _at(segment_id: str, segment_number: int) -> str:
    return f"{segment_id} at segment {segment_number}" if segment_number else segment_id
