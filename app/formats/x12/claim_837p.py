"""The 837P professional claim file (ASC X12 005010X222A1), written from `ClaimDocument`s.

Which loops and segments appear follows the TR3's situational rules (quoted where a choice is made)
and the segment order of pyx12's 837.5010.X222.A1 map, which is what our tests validate against.
Every value is checked first; a file is returned only when every claim in it is clean, otherwise
`X12DataError` lists each problem with the claims it affects, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial

from app.domain.claim_document import (
    Address,
    Adjustment,
    ClaimDocument,
    DocumentLine,
    Insured,
    LineAdjudication,
    OtherPayer,
    Person,
    Provider,
)
from app.domain.import_format import is_valid_npi
from app.formats.x12 import envelope as env
from app.formats.x12.envelope import Envelope
from app.formats.x12.syntax import Delimiters, ProblemLog, SegmentWriter, X12DataError, d8, decimal_text, money

VERSION = "005010X222A1"
# TR3, CLM note 1: "limit the size of the transaction (ST-SE envelope) to a maximum of 5000 CLM segments".
MAX_CLAIMS_PER_TRANSACTION = 5000
MAX_CLAIMS_PER_HL = 100  # loop 2300 repeats at most 100 times under one subscriber or patient HL
MAX_LINES = 50  # loop 2400 repeat
MAX_DIAGNOSES = 12  # HI01-HI12
MAX_OTHER_PAYERS = 10  # loop 2320 repeat
MAX_LINE_ADJUDICATIONS = 15  # loop 2430 repeat
MAX_CAS = 5  # CAS max use in 2320 and 2430

FILING_INDICATORS = frozenset("11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ".split())
PATIENT_RELATIONSHIPS = frozenset("01 19 20 21 39 40 53 G8".split())  # 2000C PAT01
OTHER_RELATIONSHIPS = PATIENT_RELATIONSHIPS | {"18"}  # 2320 SBR02
FREQUENCY_CODES = frozenset({"1", "7", "8"})
ADJUSTMENT_GROUPS = frozenset({"CO", "CR", "OA", "PI", "PR"})
NDC_UNITS = frozenset({"F2", "GR", "ME", "ML", "UN"})
SEXES = frozenset({"M", "F", "U"})

_PHONE = re.compile(r"\d{10}")
_ZIP = re.compile(r"\d{5}(\d{4})?")
_ZIP9 = re.compile(r"\d{9}")
_STATE = re.compile(r"[A-Z]{2}")
_TIN = re.compile(r"\d{9}")
_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")
_POS = re.compile(r"\d{2}")
_PROCEDURE = re.compile(r"[A-Z0-9]{5}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
_NDC = re.compile(r"\d{11}")


@dataclass(frozen=True)
class Submitter:
    """Loop 1000A: who built the file (the practice or its billing service) and whom to call about it."""

    name: str  # organization name, or a person's last name when `first_name` is given
    submitter_id: str  # the ETIN the receiver assigned (NM109, qualifier 46)
    contact_name: str
    phone: str  # ten digits, area code first
    email: str | None = None
    first_name: str | None = None


@dataclass(frozen=True)
class Receiver:
    """Loop 1000B: the clearinghouse or payer that receives the file."""

    name: str
    receiver_id: str  # the receiver's ETIN (NM109, qualifier 46)


@dataclass(frozen=True)
class X12Result:
    text: str
    interchange_control_number: int
    group_control_number: int
    transaction_control_numbers: tuple[str, ...]
    claim_count: int
    total_charge_cents: int
    segment_count: int  # every segment in the interchange, ISA through IEA


def write_837p(
    claims: Sequence[ClaimDocument],
    envelope: Envelope,
    submitter: Submitter,
    receiver: Receiver,
    delimiters: Delimiters | None = None,
    created_at: dt.datetime | None = None,
    *,
    max_claims_per_transaction: int = MAX_CLAIMS_PER_TRANSACTION,
) -> X12Result:
    """One interchange with one functional group holding the claims, `max_claims_per_transaction` per
    ST/SE set (all claims in one set when they fit). Raises `X12DataError` naming every claim that
    cannot be written, and writes nothing then."""
    if not claims:
        raise X12DataError("There are no claims to write.", [])
    if not 1 <= max_claims_per_transaction <= MAX_CLAIMS_PER_TRANSACTION:
        raise ValueError(f"max_claims_per_transaction must be 1 to {MAX_CLAIMS_PER_TRANSACTION}")
    delimiters = delimiters or Delimiters()
    at = created_at or dt.datetime.now()
    writer = _Writer(delimiters)
    header = writer.header(submitter, receiver)
    segments = [env.isa(envelope, delimiters, at), env.gs(envelope, delimiters, at, VERSION)]
    control_numbers: list[str] = []
    for index, start in enumerate(range(0, len(claims), max_claims_per_transaction)):
        control = envelope.transaction_control_number(index)
        control_numbers.append(control)
        reference = f"{envelope.interchange_control_number:09d}{control}"
        body = writer.transaction(claims[start : start + max_claims_per_transaction])
        e = delimiters.element
        st = [
            e.join(("ST", "837", control, VERSION)),
            e.join(("BHT", "0019", "00", reference, f"{at:%Y%m%d}", f"{at:%H%M}", "CH")),
            *header,
            *body,
        ]
        segments.extend(st)
        segments.append(e.join(("SE", str(len(st) + 1), control)))
    if writer.log:
        problems = writer.log.problems()
        claims_hit = {n for p in problems for n in p.claim_numbers}
        what = f"{len(claims_hit)} of {len(claims)} claims" if claims_hit else "the file"
        raise X12DataError(f"The 837P file was not written: {what} need fixing first.", problems)
    segments.append(env.ge(envelope, delimiters, len(control_numbers)))
    segments.append(env.iea(envelope, delimiters, 1))
    terminator = delimiters.segment + ("\n" if delimiters.newline else "")
    return X12Result(
        text=terminator.join(segments) + terminator,
        interchange_control_number=envelope.interchange_control_number,
        group_control_number=envelope.group_control_number,
        transaction_control_numbers=tuple(control_numbers),
        claim_count=len(claims),
        total_charge_cents=sum(c.total_charge_cents for c in claims),
        segment_count=len(segments),
    )


class _Writer(SegmentWriter):
    """Builds the 837P's segments (without terminators), collecting problems as it goes."""

    def __init__(self, delimiters: Delimiters) -> None:
        super().__init__(delimiters)
        self._cache: dict[tuple[str, Hashable], tuple[list[str], list[tuple[str, str]]]] = {}
        self.submitter_phone = ""

    def shared(
        self, kind: str, key: Hashable, build: Callable[[], list[str]], claims: Sequence[ClaimDocument]
    ) -> list[str]:
        """Segments that many claims share (billing provider, subscriber, patient), built once; their
        problems are charged to every claim that uses them."""
        hit = self._cache.get((kind, key))
        if hit is None:
            saved, self.check.log = self.check.log, ProblemLog()
            try:
                hit = (build(), self.check.log.entries())
            finally:
                self.check.log = saved
            self._cache[(kind, key)] = hit
        for claim in claims:
            self.check.claim = claim.claim_number
            for where, message in hit[1]:
                self.check.problem(where, message)
        return hit[0]

    # --- header: 1000A, 1000B ------------------------------------------------------------------

    def header(self, submitter: Submitter, receiver: Receiver) -> list[str]:
        k = self.check
        k.claim = None
        person = bool(submitter.first_name)
        name = k.text(submitter.name, "submitter name (1000A NM103)", 60)
        first = k.text(submitter.first_name, "submitter first name (1000A NM104)", 35, required=False)
        sid = k.text(submitter.submitter_id, "submitter id (1000A NM109)", 80, min_len=2)
        contact = k.text(submitter.contact_name, "submitter contact name (1000A PER02)", 60)
        phone = self.phone(submitter.phone, "submitter phone (1000A PER04)")
        self.submitter_phone = phone
        per = ["PER", "IC", contact, "TE", phone]
        if submitter.email:
            per += ["EM", k.text(submitter.email, "submitter email (1000A PER06)", 256)]
        return [
            self.seg("NM1", "41", "1" if person else "2", name, first, "", "", "", "46", sid),
            self.seg(*per),
            self.seg(
                "NM1",
                "40",
                "2",
                k.text(receiver.name, "receiver name (1000B NM103)", 60),
                "",
                "",
                "",
                "",
                "46",
                k.text(receiver.receiver_id, "receiver id (1000B NM109)", 80, min_len=2),
            ),
        ]

    # --- the hierarchy: 2000A billing, 2000B subscriber, 2000C patient --------------------------

    def transaction(self, claims: Sequence[ClaimDocument]) -> list[str]:
        # Billing provider -> subscriber level -> claims of the subscriber and per-patient claims.
        # The 2000B for a subscriber's own claims is kept apart from the 2000B over dependents' 2000C
        # loops: 2010BA N3/N4/DMG are "required when the patient is the subscriber ... if not required
        # by this implementation guide, do not send" (X12 RFI 1496: repeat the subscriber loop).
        tree: dict[Provider, dict[tuple[object, ...], dict[tuple[Person, str] | None, list[ClaimDocument]]]] = {}
        for claim in claims:
            ins = claim.insured
            self_claim = ins.patient_is_subscriber
            sub_key = (ins.payer, ins.member_id, ins.group_number, ins.sequence_code, ins.subscriber, self_claim)
            patient_key = None if self_claim else (claim.patient, ins.relationship_code)
            tree.setdefault(claim.billing, {}).setdefault(sub_key, {}).setdefault(patient_key, []).append(claim)
        out: list[str] = []
        hl = 0
        for billing, subscribers in tree.items():
            hl += 1
            billing_hl = hl
            every_claim = [c for patients in subscribers.values() for cs in patients.values() for c in cs]
            out.append(self.seg("HL", str(billing_hl), "", "20", "1"))
            out.extend(self.shared("billing", billing, partial(self.billing, billing), every_claim))
            for patients in subscribers.values():
                own = patients.get(None, [])
                for chunk in _chunks(own, MAX_CLAIMS_PER_HL):
                    hl += 1
                    out.append(self.seg("HL", str(hl), str(billing_hl), "22", "0"))
                    out.extend(self.subscriber(chunk))
                    out.extend(self.claims(chunk))
                dependents = [cs for key, cs in patients.items() if key is not None]
                if dependents:
                    hl += 1
                    subscriber_hl = hl
                    out.append(self.seg("HL", str(subscriber_hl), str(billing_hl), "22", "1"))
                    out.extend(self.subscriber([c for cs in dependents for c in cs]))
                    for dependent_claims in dependents:
                        for chunk in _chunks(dependent_claims, MAX_CLAIMS_PER_HL):
                            hl += 1
                            out.append(self.seg("HL", str(hl), str(subscriber_hl), "23", "0"))
                            out.extend(self.patient(chunk))
                            out.extend(self.claims(chunk))
        return out

    def claims(self, claims: Sequence[ClaimDocument]) -> list[str]:
        out: list[str] = []
        for claim in claims:
            out.extend(self.claim(claim))
        return out

    def billing(self, b: Provider) -> list[str]:
        """2000A PRV and loop 2010AA."""
        k = self.check
        out = []
        if b.taxonomy:
            # PRV: "Required when the payer's adjudication is known to be impacted by the provider
            # taxonomy code": we cannot know per payer, so we send it whenever the practice has one.
            out.append(
                self.seg("PRV", "BI", "PXC", self.taxonomy(b.taxonomy, "billing provider taxonomy (2000A PRV03)"))
            )
        out.append(self.nm1("85", b, "billing provider", "2010AA", npi_required=True))
        if b.address is None:
            k.problem("billing provider address (2010AA N3/N4)", "is missing")
        else:
            out.extend(self.address(b.address, "billing provider", "2010AA", zip9=True))
        tin = (b.tin or "").replace("-", "").strip()
        qualifier = "SY" if b.tin_type == "SSN" else "EI"
        out.append(
            self.seg("REF", qualifier, k.pattern(tin, "billing provider tax id (2010AA REF02)", _TIN, "9 digits"))
        )
        if b.phone:
            phone = self.phone(b.phone, "billing provider phone (2010AA PER04)")
            if phone != self.submitter_phone:
                # PER: "Required when this information is different than that contained in the Loop
                # ID-1000A - Submitter PER segment."
                out.append(self.seg("PER", "IC", "", "TE", phone))
        return out

    def subscriber(self, claims: Sequence[ClaimDocument]) -> list[str]:
        """2000B SBR and loops 2010BA, 2010BB (without the HL), shared by `claims`."""
        ins = claims[0].insured
        key = (ins.payer, ins.member_id, ins.group_number, ins.sequence_code, ins.subscriber, ins.patient_is_subscriber)
        return self.shared("subscriber", key, partial(self._subscriber, ins), claims)

    def _subscriber(self, ins: Insured) -> list[str]:
        k = self.check
        self_claim = ins.patient_is_subscriber
        out = [
            self.seg(
                "SBR",
                ins.sequence_code,
                "18" if self_claim else "",  # SBR02 has the single code 18, used when the patient is the subscriber
                k.text(ins.group_number, "subscriber group number (2000B SBR03)", 50, required=False),
                "",
                "",
                "",
                "",
                "",
                k.code(ins.payer.claim_filing_indicator, "claim filing indicator (2000B SBR09)", FILING_INDICATORS),
            )
        ]
        out.append(self.person_nm1("IL", ins.subscriber, "subscriber", "2010BA", member_id=ins.member_id))
        if self_claim:
            if ins.subscriber.address is None:
                k.problem("subscriber address (2010BA N3/N4)", "is missing")
            else:
                out.extend(self.address(ins.subscriber.address, "subscriber", "2010BA"))
            out.append(self.dmg(ins.subscriber, "subscriber", "2010BA"))
        out.extend(self.payer_name(ins, "payer", "2010BB"))
        return out

    def patient(self, claims: Sequence[ClaimDocument]) -> list[str]:
        """2000C PAT and loop 2010CA (without the HL), shared by `claims`."""
        first = claims[0]
        key = (first.patient, first.insured.relationship_code)
        return self.shared(
            "patient", key, partial(self._patient, first.patient, first.insured.relationship_code), claims
        )

    def _patient(self, p: Person, relationship_code: str) -> list[str]:
        k = self.check
        out = [
            self.seg(
                "PAT",
                k.code(
                    relationship_code,
                    "patient's relationship to the subscriber (2000C PAT01)",
                    PATIENT_RELATIONSHIPS,
                ),
            ),
            self.person_nm1("QC", p, "patient", "2010CA"),
        ]
        if p.address is None:
            k.problem("patient address (2010CA N3/N4)", "is missing")
        else:
            out.extend(self.address(p.address, "patient", "2010CA"))
        out.append(self.dmg(p, "patient", "2010CA"))
        return out

    # --- loop 2300 -----------------------------------------------------------------------------

    def claim(self, c: ClaimDocument) -> list[str]:
        k = self.check
        k.claim = c.claim_number
        seg = self.seg
        out: list[str] = []
        if not c.lines:
            k.problem("service lines (2400)", "a claim needs at least one service line")
        elif len(c.lines) > MAX_LINES:
            k.problem("service lines (2400)", f"{len(c.lines)} lines; an 837P claim holds at most {MAX_LINES}")
        pos = k.pattern(c.place_of_service, "place of service (2300 CLM05-1)", _POS, "a 2-digit CMS place of service")
        frequency = k.code(c.frequency_code, "claim frequency code (2300 CLM05-3)", FREQUENCY_CODES)
        out.append(
            seg(
                "CLM",
                k.text(c.claim_number, "patient control number (2300 CLM01)", 38),
                money(c.total_charge_cents),
                "",
                "",
                self.comp(pos, "B", frequency),
                "Y" if c.signature_on_file else "N",
                "A" if c.accept_assignment else "C",
                "Y",
                "Y",
            )
        )
        # No 2300 DTP: each date there is situational (onset for emergencies, accidents, LMP, admission
        # for inpatient visits, ...) and ClaimDocument carries none of them; service dates go in 2400.
        if c.patient_paid_cents > 0:
            # AMT*F5: "Required when patient has made payment specifically toward this claim."
            out.append(seg("AMT", "F5", money(c.patient_paid_cents)))
        if c.prior_authorization:
            out.append(seg("REF", "G1", k.text(c.prior_authorization, "prior authorization (2300 REF*G1)", 50)))
        if frequency in ("7", "8"):
            # REF*F8: "Required when CLM05-3 indicates this claim is a replacement or void".
            out.append(
                seg(
                    "REF",
                    "F8",
                    k.text(
                        c.original_reference,
                        "payer's original claim number for a replacement or void (2300 REF*F8)",
                        50,
                    ),
                )
            )
        out.append(self.diagnoses(c.diagnoses))
        if c.referring is not None:
            # 2310A: "Required when this claim involves a referral."
            out.append(self.nm1("DN", c.referring, "referring provider", "2310A", npi_required=False, person_only=True))
        claim_rendering = c.billing
        if c.rendering is not None and not _same_provider(c.rendering, c.billing):
            # 2310B: "Required when the Rendering Provider information is different than that carried
            # in Loop ID-2010AA - Billing Provider." A group's individual doctor always differs.
            claim_rendering = c.rendering
            out.append(self.nm1("82", c.rendering, "rendering provider", "2310B", npi_required=True))
            if c.rendering.taxonomy:
                out.append(
                    seg(
                        "PRV",
                        "PE",
                        "PXC",
                        self.taxonomy(c.rendering.taxonomy, "rendering provider taxonomy (2310B PRV03)"),
                    )
                )
        if c.facility is not None and (c.billing.address is None or c.facility.address != c.billing.address):
            # 2310C: "Required when the location of health care service is different than that carried
            # in Loop ID-2010AA (Billing Provider)."
            out.extend(self.facility(c.facility))
        out.extend(self.other_payers(c))
        for number, line in enumerate(c.lines, start=1):
            out.extend(self.line(number, line, c, claim_rendering))
        return out

    def diagnoses(self, codes: Sequence[str]) -> str:
        k = self.check
        if not codes:
            k.problem("diagnoses (2300 HI)", "a claim needs at least one diagnosis")
        elif len(codes) > MAX_DIAGNOSES:
            k.problem("diagnoses (2300 HI)", f"{len(codes)} diagnoses; an 837P claim holds at most {MAX_DIAGNOSES}")
        parts = []
        for i, raw in enumerate(codes[:MAX_DIAGNOSES]):
            code = k.pattern(
                (raw or "").replace(".", "").strip().upper(),
                f"diagnosis {i + 1} (2300 HI{i + 1:02d}-2)",
                _ICD10,
                "an ICD-10-CM code",
            )
            parts.append(self.comp("ABK" if i == 0 else "ABF", code))
        return self.seg("HI", *parts)

    def facility(self, f: Provider) -> list[str]:
        k = self.check
        name = k.text(f.last_name, "service facility name (2310C NM103)", 60)
        npi = self.npi(f.npi, "service facility NPI (2310C NM109)", required=False)
        out = [self.seg("NM1", "77", "2", name, "", "", "", "", "XX" if npi else "", npi)]
        if f.address is None:
            k.problem("service facility address (2310C N3/N4)", "is missing")
        else:
            # The TR3's N403 note for the service facility, as for the billing provider: the full
            # nine-digit ZIP code is required for U.S. addresses.
            out.extend(self.address(f.address, "service facility", "2310C", zip9=True))
        return out

    # --- loops 2320/2330A/2330B: other payers --------------------------------------------------

    def other_payers(self, c: ClaimDocument) -> list[str]:
        k = self.check
        seg = self.seg
        out: list[str] = []
        if len(c.other_payers) > MAX_OTHER_PAYERS:
            k.problem("other payers (2320)", f"{len(c.other_payers)} other payers; at most {MAX_OTHER_PAYERS}")
        adjudicated = {op.insured.payer.payer_id for op in c.other_payers if op.paid_cents is not None}
        line_paid: dict[str, int] = {}
        for line in c.lines:
            for adj in line.adjudications:
                line_paid[adj.payer_id] = line_paid.get(adj.payer_id, 0) + adj.paid_cents
                if adj.payer_id not in adjudicated:
                    k.problem(
                        f"line {line.number} adjudication (2430 SVD01)",
                        f"comes from payer {adj.payer_id!r}, which is not an other payer that adjudicated "
                        "this claim (2330B NM109)",
                    )
        # 2320: "Required when other payers are known to potentially be involved in paying on this claim."
        for op in c.other_payers[:MAX_OTHER_PAYERS]:
            ins = op.insured
            payer_id = ins.payer.payer_id
            out.append(
                seg(
                    "SBR",
                    ins.sequence_code,
                    k.code(
                        ins.relationship_code,
                        "patient's relationship to the other subscriber (2320 SBR02)",
                        OTHER_RELATIONSHIPS,
                    ),
                    k.text(ins.group_number, "other subscriber group number (2320 SBR03)", 50, required=False),
                    "",
                    "",
                    "",
                    "",
                    "",
                    k.code(
                        ins.payer.claim_filing_indicator,
                        "other payer claim filing indicator (2320 SBR09)",
                        FILING_INDICATORS,
                    ),
                )
            )
            has_lines = payer_id in line_paid
            if op.paid_cents is not None:
                # CAS: "Required when the claim has been adjudicated by the payer identified in this
                # loop, and the claim has claim level adjustment information."
                out.extend(self.cas(op.claim_adjustments, "other payer claim adjustments (2320 CAS)"))
                # AMT*D: "Required when the claim has been adjudicated by the payer identified in Loop
                # ID-2330B of this loop." Zero is a valid paid amount.
                out.append(seg("AMT", "D", money(op.paid_cents)))
                self.balance_claim(c, op, line_paid.get(payer_id))
                if not has_lines:
                    # AMT*EAF: "Required when the Other Payer ... has adjudicated this claim and provided
                    # claim level information only." Remaining patient liability = its PR adjustments.
                    out.append(seg("AMT", "EAF", money(_patient_responsibility(op.claim_adjustments))))
            out.append(seg("OI", "", "", "Y", "", "", "Y"))
            out.extend(self.other_subscriber(ins))
            out.extend(self.payer_name(ins, "other payer", "2330B"))
            if op.paid_cents is not None and not has_lines:
                # DTP*573: "Required when the payer identified in this loop has previously adjudicated the
                # claim and Loop ID-2430, Line Check or Remittance Date, is not used."
                if op.adjudicated_on is None:
                    k.problem(f"other payer {payer_id} adjudication date (2330B DTP*573)", "is missing")
                else:
                    out.append(seg("DTP", "573", "D8", d8(op.adjudicated_on)))
            if op.payer_claim_number:
                # REF*F8: "Required when the Other Payer's Claim Control Number is available."
                out.append(
                    seg("REF", "F8", k.text(op.payer_claim_number, "other payer's claim number (2330B REF*F8)", 50))
                )
        return out

    def other_subscriber(self, ins: Insured) -> list[str]:
        out = [self.person_nm1("IL", ins.subscriber, "other subscriber", "2330A", member_id=ins.member_id)]
        if ins.subscriber.address is not None:
            # 2330A N3/N4: "Required when the information is available."
            out.extend(self.address(ins.subscriber.address, "other subscriber", "2330A"))
        return out

    def payer_name(self, ins: Insured, label: str, loop: str) -> list[str]:
        k = self.check
        payer = ins.payer
        out = [
            self.seg(
                "NM1",
                "PR",
                "2",
                k.text(payer.name, f"{label} name ({loop} NM103)", 60),
                "",
                "",
                "",
                "",
                "PI",
                k.text(payer.payer_id, f"{label} id ({loop} NM109)", 80, min_len=2),
            )
        ]
        if payer.address is not None:
            # N3/N4: "Required when the payer address is available and the submitter intends for the
            # claim to be printed on paper at the next EDI location": sent whenever it is known.
            out.extend(self.address(payer.address, label, loop))
        return out

    def balance_claim(self, c: ClaimDocument, op: OtherPayer, lines_paid: int | None) -> None:
        """TR3 COB balancing: the other payer's paid amount equals what it paid on the lines (or the
        claim charge when it reported no lines) less its claim level adjustments."""
        assert op.paid_cents is not None
        adjusted = sum(a.amount_cents for a in op.claim_adjustments)
        base, what = (c.total_charge_cents, "claim charge") if lines_paid is None else (lines_paid, "line paid amounts")
        if base - adjusted != op.paid_cents:
            self.check.problem(
                f"other payer {op.insured.payer.payer_id} paid amount (2320 AMT*D)",
                f"does not balance: {what} {money(base)} - claim adjustments {money(adjusted)} = "
                f"{money(base - adjusted)}, but it paid {money(op.paid_cents)}",
            )

    def cas(self, adjustments: Sequence[Adjustment], where: str) -> list[str]:
        """CAS segments. Zero adjustments are left out (TR3: trios report non-zero adjustments)."""
        return self.cas_segments([a for a in adjustments if a.amount_cents != 0], where, ADJUSTMENT_GROUPS, MAX_CAS)

    # --- loop 2400 and its 2410, 2420A, 2430 ---------------------------------------------------

    def line(self, number: int, line: DocumentLine, c: ClaimDocument, claim_rendering: Provider) -> list[str]:
        k = self.check
        seg = self.seg
        label = f"line {number}"
        code = k.pattern(
            line.code, f"{label} procedure code (2400 SV101-2)", _PROCEDURE, "a 5-character CPT/HCPCS code"
        )
        if len(line.modifiers) > 4:
            k.problem(f"{label} modifiers (2400 SV101-3..6)", f"{len(line.modifiers)} modifiers; at most 4")
        modifiers = [
            k.pattern(m, f"{label} modifier {i} (2400 SV101-{i + 2})", _MODIFIER, "2 letters or digits")
            for i, m in enumerate(line.modifiers[:4], start=1)
        ]
        if line.units <= 0:
            k.problem(f"{label} units (2400 SV104)", f"is {line.units}; expected a positive number of units")
        pos = ""
        if line.place_of_service != c.place_of_service:
            # SV105: "Required when the value is different than the value carried in CLM05-1."
            pos = k.pattern(line.place_of_service, f"{label} place of service (2400 SV105)", _POS, "a 2-digit code")
        out = [
            seg("LX", str(number)),
            seg(
                "SV1",
                self.comp("HC", code, *modifiers),
                money(line.charge_cents),
                "UN",
                str(line.units),
                pos,
                "",
                self.pointers(line, len(c.diagnoses), label),
            ),
        ]
        if line.date_to < line.date_from:
            k.problem(f"{label} service dates (2400 DTP*472)", f"end {line.date_to} is before start {line.date_from}")
        if line.date_to == line.date_from:
            out.append(seg("DTP", "472", "D8", d8(line.date_from)))
        else:
            out.append(seg("DTP", "472", "RD8", f"{d8(line.date_from)}-{d8(line.date_to)}"))
        if line.ndc:
            # 2410: "Required when government regulation mandates that prescribed drugs and biologics
            # are reported with NDC numbers" or when the provider chooses to report them.
            out.extend(self.drug(line, label))
        if line.rendering is not None and not _same_provider(line.rendering, claim_rendering):
            # 2420A: "Required when the Rendering Provider NM1 information is different than that carried
            # in the Loop ID-2310B Rendering Provider", or than 2010AA when 2310B is not used.
            out.append(self.nm1("82", line.rendering, f"{label} rendering provider", "2420A", npi_required=True))
            if line.rendering.taxonomy:
                out.append(
                    seg(
                        "PRV",
                        "PE",
                        "PXC",
                        self.taxonomy(line.rendering.taxonomy, f"{label} rendering taxonomy (2420A PRV03)"),
                    )
                )
        if len(line.adjudications) > MAX_LINE_ADJUDICATIONS:
            k.problem(f"{label} adjudications (2430)", f"{len(line.adjudications)}; at most {MAX_LINE_ADJUDICATIONS}")
        for adj in line.adjudications[:MAX_LINE_ADJUDICATIONS]:
            out.extend(self.line_adjudication(adj, line, label))
        return out

    def pointers(self, line: DocumentLine, diagnosis_count: int, label: str) -> str:
        k = self.check
        where = f"{label} diagnosis pointers (2400 SV107)"
        if not line.pointers:
            k.problem(where, "a line needs at least one diagnosis pointer")
        elif len(line.pointers) > 4:
            k.problem(where, f"{len(line.pointers)} pointers; at most 4")
        elif len(set(line.pointers)) != len(line.pointers):
            k.problem(where, f"{list(line.pointers)} repeats a diagnosis")
        for p in line.pointers:
            if not 1 <= p <= min(diagnosis_count, MAX_DIAGNOSES):
                k.problem(where, f"pointer {p} does not point at one of the claim's {diagnosis_count} diagnoses")
        return self.comp(*(str(p) for p in line.pointers[:4]))

    def drug(self, line: DocumentLine, label: str) -> list[str]:
        k = self.check
        ndc = k.pattern(
            (line.ndc or "").replace("-", "").strip(), f"{label} NDC (2410 LIN03)", _NDC, "11 digits in 5-4-2 form"
        )
        quantity = decimal_text(line.ndc_quantity) if line.ndc_quantity is not None else None
        if quantity is None or quantity == "0":
            k.problem(f"{label} NDC quantity (2410 CTP04)", f"is {line.ndc_quantity!r}; expected a positive number")
            quantity = ""
        unit = k.code(line.ndc_unit, f"{label} NDC unit (2410 CTP05-1)", NDC_UNITS)
        return [self.seg("LIN", "", "N4", ndc), self.seg("CTP", "", "", "", quantity, unit)]

    def line_adjudication(self, adj: LineAdjudication, line: DocumentLine, label: str) -> list[str]:
        """Loop 2430: "Required when the claim has been previously adjudicated by payer identified in
        Loop ID-2330B and this service line has payments and/or adjustments applied to it."""
        k = self.check
        seg = self.seg
        where = f"{label} adjudication by {adj.payer_id}"
        code = k.pattern(adj.code, f"{where} procedure code (2430 SVD03-2)", _PROCEDURE, "a 5-character CPT/HCPCS code")
        modifiers = [
            k.pattern(m, f"{where} modifier (2430 SVD03)", _MODIFIER, "2 letters or digits") for m in adj.modifiers[:4]
        ]
        adjusted = sum(a.amount_cents for a in adj.adjustments)
        if line.charge_cents - adjusted != adj.paid_cents:
            k.problem(
                f"{where} (2430 SVD02)",
                f"does not balance: line charge {money(line.charge_cents)} - adjustments {money(adjusted)} = "
                f"{money(line.charge_cents - adjusted)}, but it paid {money(adj.paid_cents)}",
            )
        out = [
            seg(
                "SVD",
                k.text(adj.payer_id, f"{where} payer id (2430 SVD01)", 80, min_len=2),
                money(adj.paid_cents),
                self.comp("HC", code, *modifiers),
                "",
                str(adj.units),
            ),
            *self.cas(adj.adjustments, f"{where} adjustments (2430 CAS)"),
            seg("DTP", "573", "D8", self.date(adj.adjudicated_on, f"{where} adjudication date (2430 DTP*573)")),
            # AMT*EAF: "Required when the Other Payer referenced in SVD01 ... has adjudicated this claim,
            # provided line level information, and the provider has the ability to report line item
            # information." Remaining patient liability = the line's PR adjustments.
            seg("AMT", "EAF", money(_patient_responsibility(adj.adjustments))),
        ]
        return out

    # --- shared pieces -------------------------------------------------------------------------

    def nm1(
        self, entity: str, p: Provider, label: str, loop: str, *, npi_required: bool, person_only: bool = False
    ) -> str:
        k = self.check
        org = p.is_organization
        if org and person_only:
            k.problem(f"{label} ({loop} NM102)", "must be a person (first and last name), not an organization")
        last = k.text(p.last_name, f"{label} {'name' if org else 'last name'} ({loop} NM103)", 60)
        first = "" if org else k.text(p.first_name, f"{label} first name ({loop} NM104)", 35)
        npi = self.npi(p.npi, f"{label} NPI ({loop} NM109)", required=npi_required)
        return self.seg("NM1", entity, "2" if org else "1", last, first, "", "", "", "XX" if npi else "", npi)

    def person_nm1(self, entity: str, p: Person, label: str, loop: str, member_id: str | None = None) -> str:
        k = self.check
        last = k.text(p.last_name, f"{label} last name ({loop} NM103)", 60)
        first = k.text(p.first_name, f"{label} first name ({loop} NM104)", 35)
        middle = k.text(p.middle_name, f"{label} middle name ({loop} NM105)", 25, required=False)
        if member_id is None:
            return self.seg("NM1", entity, "1", last, first, middle)
        member = k.text(member_id, f"{label} member id ({loop} NM109)", 80, min_len=2)
        return self.seg("NM1", entity, "1", last, first, middle, "", "", "MI", member)

    def npi(self, value: str | None, where: str, required: bool) -> str:
        if not value:
            if required:
                self.check.problem(where, "is missing")
            return ""
        if not is_valid_npi(value):
            self.check.problem(where, f"{value!r} is not a valid NPI (10 digits with a Luhn check digit)")
        return value

    def taxonomy(self, value: str, where: str) -> str:
        return self.check.pattern(value, where, _TAXONOMY, "a 10-character NUCC taxonomy code")

    def address(self, a: Address, label: str, loop: str, zip9: bool = False) -> list[str]:
        k = self.check
        line1 = k.text(a.line1, f"{label} address line ({loop} N301)", 55)
        line2 = k.text(a.line2, f"{label} address line 2 ({loop} N302)", 55, required=False)
        city = k.text(a.city, f"{label} city ({loop} N401)", 30, min_len=2)
        state = k.pattern(
            (a.state or "").strip().upper(), f"{label} state ({loop} N402)", _STATE, "a 2-letter state code"
        )
        zip_code = (a.zip or "").replace("-", "").replace(" ", "")
        if zip9:
            zip_code = k.pattern(
                zip_code, f"{label} ZIP code ({loop} N403)", _ZIP9, "9 digits (ZIP+4), which the 837P requires here"
            )
        else:
            zip_code = k.pattern(zip_code, f"{label} ZIP code ({loop} N403)", _ZIP, "5 or 9 digits")
        return [self.seg("N3", line1, line2), self.seg("N4", city, state, zip_code)]

    def dmg(self, p: Person, label: str, loop: str) -> str:
        k = self.check
        if p.date_of_birth is None:
            k.problem(f"{label} date of birth ({loop} DMG02)", "is missing")
            birth = ""
        else:
            birth = d8(p.date_of_birth)
        sex = k.code(p.sex or "U", f"{label} sex ({loop} DMG03)", SEXES)
        return self.seg("DMG", "D8", birth, sex)

    def date(self, value: dt.date | None, where: str) -> str:
        if value is None:
            self.check.problem(where, "is missing")
            return ""
        return d8(value)

    def phone(self, value: str | None, where: str) -> str:
        digits = "".join(ch for ch in value or "" if ch.isdigit())
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]  # TR3: "Do not submit long distance access numbers, such as 1"
        return self.check.pattern(digits, where, _PHONE, "10 digits, area code first")


def _same_provider(a: Provider, b: Provider) -> bool:
    if a.npi and b.npi:
        return a.npi == b.npi
    return (a.last_name, a.first_name) == (b.last_name, b.first_name)


def _patient_responsibility(adjustments: Sequence[Adjustment]) -> int:
    return sum(a.amount_cents for a in adjustments if a.group_code == "PR")


def _chunks(items: list[ClaimDocument], size: int) -> list[list[ClaimDocument]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
