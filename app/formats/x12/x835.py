"""Read an X12 835 remittance (005010X221A1) into `EraFile`: the whole file or a clear error, never part.

The delimiters come from the ISA, where X12 fixes them (element separator at position 3, component
separator in ISA16, segment terminator right after it); line breaks after terminators are ignored.
Loops are recognised by segment order: header (BPR, TRN, ...), 1000A payer (N1*PR), 1000B payee
(N1*PE), 2000 (LX), 2100 claim (CLP), 2110 line (SVC), PLB trailer.

What is refused, with the file, segment number and element in the message: anything that is not an
X12 interchange, a cut-short file (a missing trailer, a wrong segment count or control number),
broken delimiters, a transaction other than an 835 in the X221A1 guide, a missing BPR, TRN, N1*PR or
N1*PE, money or dates that are not valid values, money segments out of place. What is read past,
with a note in `EraFile.warnings`: slips real payers make that change no amount (a missing check
date, a composite written with another separator than the ISA declares, a line without its code).
Segments this reader has no use for (TS3, QTY, REF*1B, ...) are skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.domain.claim_document import Address
from app.domain.era import (
    EraAdjustment,
    EraClaim,
    EraContact,
    EraFile,
    EraLine,
    EraProviderAdjustment,
    EraTransaction,
)
from app.errors import ValidationError

VERSION = "005010X221A1"
ISA_LENGTH = 106  # with its terminator

# What GS08 says about a file that is not an X221A1 835, for the error message: by the guide's
# number, whatever its addenda (the LinuxForHealth samples label their 837P 005010X222A2).
OTHER_GUIDES: dict[str, str] = {
    "X221": "an 835 written to the original 5010 guide, without its A1 addenda",
    "X091": "an 835 in the retired 4010 format",
    "X222": "an 837P professional claim file",
    "X223": "an 837I institutional claim file",
    "X224": "an 837D dental claim file",
    "X279": "a 270/271 eligibility file",
    "X212": "a 276/277 claim status file",
    "X214": "a 277CA claim acknowledgment",
    "X231": "a 999 acknowledgment",
    "X220": "an 834 enrollment file",
    "X218": "an 820 premium payment file",
}
TRANSACTION_NAMES: dict[str, str] = {
    "837": "a health care claim",
    "270": "an eligibility inquiry",
    "271": "an eligibility response",
    "276": "a claim status inquiry",
    "277": "a claim status response",
    "999": "an acknowledgment",
    "997": "an acknowledgment",
    "834": "an enrollment",
    "820": "a premium payment",
}
PRODUCT_QUALIFIERS = frozenset({"AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU", "UI", "WK"})
_AMOUNT = re.compile(r"-?(\d+\.?\d*|\.\d+)")
_DATE = re.compile(r"\d{8}")
_ISA_WIDTHS = (3, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)  # ISA and ISA01..ISA16


class EraParseError(ValidationError):
    """An 835 that cannot be read. Nothing from it is kept. `segment_number` counts from ISA = 1."""

    def __init__(
        self,
        source_name: str,
        message: str,
        segment_number: int | None = None,
        segment_id: str = "",
        transaction: tuple[str, int] | None = None,
    ) -> None:
        self.source_name = source_name
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.detail = message
        where = ""
        if segment_number is not None:
            where = f"segment {segment_number}" + (f" {segment_id}" if segment_id else "")
            if transaction is not None:
                where += f" (segment {transaction[1]} of transaction set {transaction[0]})"
            where += ": "
        super().__init__(f"{source_name or 'The 835 file'}: {where}{message}")


class EraNotX12Error(EraParseError):
    """The content is not an X12 interchange at all."""


class EraDelimiterError(EraParseError):
    """The ISA, which declares the delimiters, is not the fixed 106 characters X12 requires."""


class EraTruncatedError(EraParseError):
    """A trailer (SE, GE, IEA) is missing or its counts or control numbers do not match: the file was cut."""


class EraNotRemittanceError(EraParseError):
    """The interchange holds something other than an 835 in the 005010X221A1 guide."""


class EraStructureError(EraParseError):
    """A required segment is missing or a segment that carries money is out of its place."""


class EraDataError(EraParseError):
    """An amount, date, quantity or required value is malformed or missing."""


Segment = tuple[str, ...]  # a segment's id and its elements, as written (element 1 is at index 1)


@dataclass(frozen=True)
class _Syntax:
    element: str
    component: str
    terminator: str


def parse_835(text: str | bytes, source_name: str = "") -> EraFile:
    """Every 835 transaction set in the interchange, or an `EraParseError` naming what is wrong."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()
    content = _decode(raw, source_name) if isinstance(text, bytes) else text.removeprefix("\ufeff")
    syntax = _read_isa(content, source_name)
    segments, terminated = _split(content, syntax)
    if len(segments) > 1 and any("\n" in e or "\r" in e for e in segments[1]):
        raise EraDelimiterError(
            source_name,
            f"this segment runs on over a line break: the segment terminator the ISA declares ({syntax.terminator!r}, "
            "the character after ISA16) is not what ends the segments of this file.",
            2,
            segments[1][0][:3],
        )
    if not terminated and segments[-1][0] != "IEA":
        # A last segment without its terminator is where the file was cut: say so before its
        # missing elements are taken for malformed data.
        raise EraTruncatedError(
            source_name,
            f"the file ends in the middle of this segment, without its terminator {syntax.terminator!r}: "
            "it looks cut short.",
            len(segments),
            segments[-1][0],
        )
    return _Parser(source_name, syntax, segments).file(digest)


def _decode(raw: bytes, source_name: str) -> str:
    if b"\x00" in raw[:4096] and not raw.startswith((b"%PDF", b"PK")):  # those two are named below
        raise EraNotX12Error(source_name, "this is binary data, not an X12 file (an 835 is plain text).")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # X12 is ASCII; a stray accented byte from an old system is read as Latin-1 rather than refused.
        return raw.decode("latin-1")  # every byte is a character: the ISA check then says what it is


def _read_isa(text: str, source_name: str) -> _Syntax:
    start = len(text) - len(text.lstrip())
    if start:
        text = text[start:]
    if not text.startswith("ISA"):
        if not text:
            raise EraNotX12Error(source_name, "the file is empty.")
        if text.startswith("%PDF"):
            what = "a PDF document"
        elif text.startswith("PK"):
            what = "a ZIP archive"
        elif any(not (ch.isprintable() or ch.isspace()) for ch in text[:200]):
            what = "binary data"
        else:
            what = "text that does not start with an ISA segment"
        raise EraNotX12Error(source_name, f"this is {what}, not an X12 file (an X12 interchange starts with 'ISA').")
    if len(text) < 4:
        raise EraTruncatedError(source_name, "the file ends inside its ISA segment.", 1, "ISA")
    element = text[3]
    if element.isalnum() or element.isspace():
        raise EraDelimiterError(
            source_name,
            f"the element separator (the character after 'ISA') is {element!r}; it must be a symbol such as '*'.",
            1,
            "ISA",
        )
    # Walk the fixed widths: each element of the ISA has an exact length, so a short or long one
    # shows up as a separator in the wrong place, and is named.
    position = 3
    for index, width in enumerate(_ISA_WIDTHS[1:], start=1):
        if position >= len(text):
            raise EraTruncatedError(source_name, f"the file ends inside its ISA segment (at ISA{index:02d}).", 1, "ISA")
        if text[position] != element and index == 16:
            raise EraDelimiterError(
                source_name,
                f"ISA16, the component separator, is missing: the element separator {element!r} was expected "
                f"at position {position + 1} of the fixed {ISA_LENGTH}-character ISA, before it.",
                1,
                "ISA",
            )
        if text[position] != element:
            raise EraDelimiterError(
                source_name,
                f"ISA{index - 1:02d} is not {_ISA_WIDTHS[index - 1]} characters long; the ISA is a fixed "
                f"{ISA_LENGTH}-character segment and its element separator {element!r} was expected at "
                f"position {position + 1}.",
                1,
                "ISA",
            )
        end = position + 1 + width
        value = text[position + 1 : end]
        if index < 16 and element in value:
            raise EraDelimiterError(
                source_name,
                f"ISA{index:02d} must be exactly {width} characters, but the element separator {element!r} "
                f"appears inside it: the ISA is cut short or padded wrongly (X12 fixes it at {ISA_LENGTH} "
                "characters).",
                1,
                "ISA",
            )
        position = end
    if position >= len(text):
        raise EraDelimiterError(
            source_name, "the ISA has no segment terminator after ISA16 (the file ends there).", 1, "ISA"
        )
    component, terminator = text[position - 1], text[position]
    if terminator == element or terminator.isalnum():
        raise EraDelimiterError(
            source_name,
            f"the character after ISA16 should be the segment terminator, found {terminator!r}: ISA16 (the "
            "component separator) is missing or the ISA is longer than 106 characters.",
            1,
            "ISA",
        )
    if component == terminator:
        raise EraDelimiterError(
            source_name,
            f"ISA16 and the character after it are both {component!r}: the ISA is not the fixed {ISA_LENGTH} "
            "characters (one too many), or its component separator is missing.",
            1,
            "ISA",
        )
    if component == element or component.isalnum() or component.isspace():
        raise EraDelimiterError(
            source_name,
            f"ISA16, the component separator, is {component!r}; it must be a symbol different from the element "
            f"separator {element!r} and the segment terminator {terminator!r}.",
            1,
            "ISA",
        )
    return _Syntax(element, component, terminator)


def _split(text: str, syntax: _Syntax) -> tuple[list[Segment], bool]:
    """The segments, each split into its elements, and whether the last one had its terminator.
    Tuples of strings, which the garbage collector stops tracking: a big file has 100,000s of them."""
    pieces = text.split(syntax.terminator)
    terminated = not pieces[-1].strip()
    element = syntax.element
    return [tuple(p.split(element)) for p in map(str.strip, pieces) if p], terminated


# --- the walk through envelopes and loops ---------------------------------------------------------


@dataclass
class _LineDraft:
    fields: dict[str, object]
    adjustments: list[EraAdjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass
class _ClaimDraft:
    fields: dict[str, object]
    adjustments: list[EraAdjustment] = field(default_factory=list)
    lines: list[_LineDraft] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, source_name: str, syntax: _Syntax, segments: list[Segment]) -> None:
        self.source = source_name
        self.syntax = syntax
        self.segments = segments
        self.index = 0  # of the segment being read; its number is index + 1
        self.transaction: tuple[str, int] | None = None  # ST02 and the ST's index, inside a set
        self.warnings: Segment = []

    # --- errors and values ------------------------------------------------------------------------

    def _where(self) -> tuple[int, str, tuple[str, int] | None]:
        number = self.index + 1
        seg_id = self.segments[self.index][0] if self.index < len(self.segments) else ""
        inside = None
        if self.transaction is not None:
            inside = (self.transaction[0], self.index - self.transaction[1] + 1)
        return number, seg_id, inside

    def fail(self, kind: type[EraParseError], message: str) -> EraParseError:
        number, seg_id, inside = self._where()
        return kind(self.source, message, number, seg_id, inside)

    def warn(self, message: str) -> None:
        number, seg_id, _ = self._where()
        self.warnings.append(f"segment {number} {seg_id}: {message}")

    @staticmethod
    def el(seg: Segment, position: int) -> str:
        return seg[position] if position < len(seg) else ""

    def required(self, seg: Segment, position: int, what: str) -> str:
        value = seg[position].strip() if position < len(seg) else ""
        if not value:
            raise self.fail(EraDataError, f"{seg[0]}{position:02d} ({what}) is missing.")
        return value

    def cents(self, seg: Segment, position: int, what: str, required: bool = True) -> int | None:
        value = seg[position].strip() if position < len(seg) else ""
        if not value:
            if required:
                raise self.fail(EraDataError, f"{seg[0]}{position:02d} ({what}) is missing.")
            return None
        # By hand rather than through Decimal: a large remittance has hundreds of thousands of amounts.
        negative = value[0] == "-"
        whole, _, fraction = (value[1:] if negative else value).partition(".")
        if (
            not (whole or fraction)
            or not value.isascii()  # str.isdigit alone also takes '²' and other scripts' digits
            or (whole and not whole.isdigit())
            or (fraction and not fraction.isdigit())
        ):
            raise self.fail(EraDataError, f"{seg[0]}{position:02d} ({what}) is {value!r}, which is not an amount.")
        fraction = fraction.rstrip("0")
        if len(fraction) > 2:
            raise self.fail(
                EraDataError, f"{seg[0]}{position:02d} ({what}) is {value!r}: an amount has at most two decimals."
            )
        cents = int(whole or "0") * 100 + int(fraction.ljust(2, "0"))
        return -cents if negative else cents

    def quantity(self, seg: Segment, position: int, what: str) -> Decimal | None:
        value = seg[position].strip() if position < len(seg) else ""
        if not value:
            return None
        if not _AMOUNT.fullmatch(value):
            raise self.fail(EraDataError, f"{seg[0]}{position:02d} ({what}) is {value!r}, which is not a number.")
        try:
            return Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
            raise self.fail(EraDataError, f"{seg[0]}{position:02d} ({what}) is {value!r}.") from exc

    def date(self, seg: Segment, position: int, what: str, *, strict: bool = True) -> dt.date | None:
        value = seg[position].strip() if position < len(seg) else ""
        problem = None
        if not value:
            problem = "is missing"
        elif not _DATE.fullmatch(value):
            problem = f"is {value!r}; expected a date as CCYYMMDD"
        else:
            try:
                return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
            except ValueError:
                problem = f"is {value!r}, which is not a calendar date"
        message = f"{seg[0]}{position:02d} ({what}) {problem}"
        if strict:
            raise self.fail(EraDataError, message + ".")
        self.warn(message + "; read as no date.")
        return None

    def optional(self, seg: Segment, position: int) -> str | None:
        return (seg[position].strip() or None) if position < len(seg) else None

    def composite(self, seg: Segment, position: int) -> list[str]:
        """The components of a composite element. When the element holds none of the ISA's component
        separators but reads as a qualifier joined to a code by another symbol ('HC>99213' in a file
        whose ISA16 is ':'), that symbol is taken, with a warning: the codes are plain to see."""
        value = seg[position].strip() if position < len(seg) else ""
        parts = value.split(self.syntax.component)
        if len(parts) == 1:
            for symbol in ">:^!|\\":
                if symbol in value and symbol not in (self.syntax.element, self.syntax.terminator):
                    guess = value.split(symbol)
                    if guess[0] in PRODUCT_QUALIFIERS:
                        self.warn(
                            f"{seg[0]}{position:02d} separates its components with {symbol!r}, but the ISA "
                            f"declares {self.syntax.component!r}; read as {' '.join(p for p in guess if p)}."
                        )
                        return guess
        return parts

    # --- envelopes ----------------------------------------------------------------------------------

    def next(self) -> Segment | None:
        self.index += 1
        return self.segments[self.index] if self.index < len(self.segments) else None

    def file(self, digest: str) -> EraFile:
        isa = self.segments[0]
        sender, receiver, control = isa[6].strip(), isa[8].strip(), isa[13]
        transactions: list[EraTransaction] = []
        groups = 0
        seg = self.next()
        while seg is not None and seg[0] == "GS":
            groups += 1
            transactions += self.group(seg)
            seg = self.next()
        if seg is None:
            self.index = len(self.segments) - 1
            if groups == 0:
                raise self.fail(EraTruncatedError, "the file ends after its ISA: no functional group (GS) follows.")
            raise self.fail(EraTruncatedError, "the file ends without its IEA trailer: it looks cut short.")
        if seg[0] != "IEA":
            expected = "a GS functional group header" if groups == 0 else "a GS or the IEA trailer"
            raise self.fail(EraStructureError, f"expected {expected} here, found {seg[0]!r}.")
        if not _same_number(self.el(seg, 2), control):
            raise self.fail(
                EraTruncatedError,
                f"IEA02 is {self.el(seg, 2)!r} but the ISA's control number (ISA13) is {control!r}: the end of "
                "the file does not belong to its start.",
            )
        if not _same_number(self.el(seg, 1), groups):
            raise self.fail(
                EraTruncatedError, f"IEA01 counts {self.el(seg, 1)!r} functional groups, but the file holds {groups}."
            )
        if self.index + 1 < len(self.segments):
            self.index += 1
            what = "a second interchange" if self.segments[self.index][0] == "ISA" else "more segments"
            raise self.fail(EraStructureError, f"{what} after the IEA trailer; import one interchange per file.")
        return EraFile(
            interchange_control_number=control,
            sender_id=sender,
            receiver_id=receiver,
            transactions=tuple(transactions),
            content_sha256=digest,
            segment_count=len(self.segments),
            source_name=self.source,
            warnings=tuple(self.warnings),
        )

    def group(self, gs: Segment) -> list[EraTransaction]:
        version = self.el(gs, 8).strip()
        if version != VERSION:
            what = OTHER_GUIDES.get(version[6:10])
            if what is None and self.el(gs, 1) == "HC":
                what = "a claim file"
            found = f"{what} ({version})" if what else f"version {version!r}"
            raise self.fail(
                EraNotRemittanceError,
                f"GS08 says this is {found}; ClaimDesk reads 835 remittances in the {VERSION} guide only.",
            )
        if self.el(gs, 1) != "HP":
            self.warn(f"GS01 is {self.el(gs, 1)!r}; an 835's functional group is 'HP'.")
        control = self.el(gs, 6)
        out: list[EraTransaction] = []
        seg = self.next()
        while seg is not None and seg[0] == "ST":
            out.append(self.transaction_set(seg))
            seg = self.next()
        if seg is None:
            self.index = len(self.segments) - 1
            raise self.fail(EraTruncatedError, "the file ends without the GE trailer of its functional group.")
        if seg[0] != "GE":
            raise self.fail(EraStructureError, f"expected an ST transaction set or the GE trailer, found {seg[0]!r}.")
        if not _same_number(self.el(seg, 2), control):
            raise self.fail(
                EraTruncatedError, f"GE02 is {self.el(seg, 2)!r} but its GS06 control number is {control!r}."
            )
        if not _same_number(self.el(seg, 1), len(out)):
            raise self.fail(
                EraTruncatedError, f"GE01 counts {self.el(seg, 1)!r} transaction sets, but the group holds {len(out)}."
            )
        return out

    def transaction_set(self, st: Segment) -> EraTransaction:
        if self.el(st, 1) != "835":
            kind = TRANSACTION_NAMES.get(self.el(st, 1), "")
            found = f"{self.el(st, 1)} ({kind})" if kind else repr(self.el(st, 1))
            raise self.fail(EraNotRemittanceError, f"ST01 is {found}; expected 835, a claim payment/advice.")
        control = self.el(st, 2)
        start = self.index
        self.transaction = (control, start)
        body = _Transaction(self, control, start + 1)
        seg = self.next()
        while seg is not None and seg[0] not in ("SE", "ST", "GE", "IEA"):
            body.read(seg)
            seg = self.next()
        if seg is None or seg[0] != "SE":
            if seg is None:
                self.index = len(self.segments) - 1
                message = "the file ends"
            else:
                message = f"a {seg[0]} follows"
            raise self.fail(
                EraTruncatedError,
                f"{message} inside transaction set {control} before its SE trailer: it looks cut short.",
            )
        count = self.index - start + 1
        if not _same_number(self.el(seg, 1), count):
            raise self.fail(
                EraTruncatedError,
                f"SE01 counts {self.el(seg, 1)!r} segments, but transaction set {control} has {count} from ST to SE: "
                "segments are missing or extra.",
            )
        if self.el(seg, 2) != control:
            raise self.fail(EraTruncatedError, f"SE02 is {self.el(seg, 2)!r} but its ST02 is {control!r}.")
        tx = body.finish()
        self.transaction = None
        return tx


class _Transaction:
    """Reads the segments between ST and SE, loop by loop."""

    def __init__(self, parser: _Parser, control: str, segment_number: int) -> None:
        self.p = parser
        self.control = control
        self.segment_number = segment_number
        self.state = "start"  # start, header, payer, payee, detail, claim, line, footer
        self.fields: dict[str, object] = {}
        self.claims: list[_ClaimDraft] = []
        self.plb: list[EraProviderAdjustment] = []
        self.seen_payer = self.seen_payee = self.seen_trn = False
        self.payer_address: dict[str, str | None] = {}
        self.payee_address: dict[str, str | None] = {}

    def read(self, seg: Segment) -> None:
        sid = seg[0]
        p = self.p
        if self.state == "start":
            if sid != "BPR":
                raise p.fail(
                    EraStructureError,
                    f"transaction set {self.control} has no BPR segment (found {sid!r} where the BPR must come, "
                    "right after ST): an 835 starts with the payment it reports.",
                )
            self.bpr(seg)
            self.state = "header"
            return
        if sid == "CLP":
            self.need_header()
            if self.state == "footer":
                raise p.fail(
                    EraStructureError, "a CLP after the PLB segments; claims come before provider adjustments."
                )
            self.clp(seg)
            self.state = "claim"
        elif sid == "SVC":
            if self.state not in ("claim", "line"):
                raise p.fail(EraStructureError, "an SVC service line outside a claim (no CLP before it).")
            self.svc(seg)
            self.state = "line"
        elif sid == "CAS":
            if self.state == "claim":
                self.claims[-1].adjustments += self.cas(seg)
            elif self.state == "line":
                self.claims[-1].lines[-1].adjustments += self.cas(seg)
            else:
                raise p.fail(EraStructureError, "a CAS adjustment outside a claim or service line.")
        elif sid == "PLB":
            self.need_header()
            self.state = "footer"
            self.plb += self.provider_adjustments(seg)
        elif sid == "LX":
            self.need_header()
            if self.state == "footer":
                raise p.fail(
                    EraStructureError, "an LX after the PLB segments; claims come before provider adjustments."
                )
            self.state = "detail"
        elif sid == "N1":
            self.n1(seg)
        elif sid == "BPR":
            raise p.fail(EraStructureError, "a second BPR; a transaction set reports one payment.")
        elif sid == "TRN" and self.state != "header":
            raise p.fail(EraStructureError, "a TRN out of place; it belongs right after the BPR.")
        elif self.state == "header":
            if sid == "TRN":
                if self.seen_trn:
                    raise p.fail(EraStructureError, "a second TRN; a transaction set reports one payment.")
                self.seen_trn = True
                self.fields["trace_number"] = p.required(seg, 2, "check or EFT trace number")
                self.fields["payer_identifier"] = p.el(seg, 3).strip()
        elif self.state == "payer":
            self.payer(seg)
        elif self.state == "payee":
            self.payee(seg)
        elif self.state == "claim":
            self.claim_detail(seg)
        elif self.state == "line":
            self.line_detail(seg)
        # Anything else (TS3, TS2, CUR, RDM, ...) carries nothing ClaimDesk keeps.

    def need_header(self) -> None:
        p = self.p
        if not self.seen_trn:
            raise p.fail(EraStructureError, f"transaction set {self.control} has no TRN (check or EFT trace number).")
        if not self.seen_payer:
            raise p.fail(EraStructureError, f"transaction set {self.control} has no payer (N1*PR, loop 1000A).")
        if not self.seen_payee:
            raise p.fail(EraStructureError, f"transaction set {self.control} has no payee (N1*PE, loop 1000B).")

    # --- header and 1000A/1000B -------------------------------------------------------------------

    def bpr(self, seg: Segment) -> None:
        p = self.p
        credit_debit = p.required(seg, 3, "credit or debit flag")
        if credit_debit not in ("C", "D"):
            raise p.fail(EraDataError, f"BPR03 (credit or debit flag) is {credit_debit!r}; expected C or D.")
        total = p.cents(seg, 2, "total payment amount")
        assert total is not None
        if total < 0:
            raise p.fail(EraDataError, "BPR02 (total payment amount) is negative; BPR03 D says a debit instead.")
        self.fields.update(
            handling_code=p.required(seg, 1, "transaction handling code"),
            total_paid_cents=total,
            credit_debit=credit_debit,
            payment_method=p.required(seg, 4, "payment method"),
            payment_date=p.date(seg, 16, "check or EFT date", strict=False),
        )

    def n1(self, seg: Segment) -> None:
        p = self.p
        entity = p.el(seg, 1)
        if entity == "PR":
            if self.state != "header" or self.seen_payer:
                raise p.fail(EraStructureError, "the payer (N1*PR) is out of place; it follows the TRN and DTM.")
            if not self.seen_trn:
                raise p.fail(EraStructureError, f"transaction set {self.control} has no TRN before its payer.")
            self.seen_payer = True
            self.state = "payer"
            self.fields["payer_name"] = p.required(seg, 2, "payer name")
            if p.el(seg, 4).strip():
                self.fields["payer_id"] = p.el(seg, 4).strip()
        elif entity == "PE":
            if not self.seen_payer:
                raise p.fail(
                    EraStructureError,
                    f"transaction set {self.control} has no payer (N1*PR, loop 1000A) before its payee (N1*PE).",
                )
            if self.state != "payer":
                raise p.fail(EraStructureError, "a second payee (N1*PE); a transaction set pays one payee.")
            self.seen_payee = True
            self.state = "payee"
            self.fields["payee_name"] = p.required(seg, 2, "payee name")
            qualifier, value = p.el(seg, 3), p.el(seg, 4).strip() or None
            if qualifier == "XX":
                self.fields["payee_npi"] = value
            elif qualifier == "FI":
                self.fields["payee_tin"] = value
        # Other N1s do not exist in an 835; skipped like any segment it does not use.

    def payer(self, seg: Segment) -> None:
        p = self.p
        sid = seg[0]
        if sid == "N3":
            self.payer_address.update(line1=p.el(seg, 1).strip(), line2=p.optional(seg, 2))
        elif sid == "N4":
            self.payer_address.update(city=p.el(seg, 1).strip(), state=p.el(seg, 2).strip(), zip=p.el(seg, 3).strip())
        elif sid == "REF" and p.el(seg, 1) == "2U" and "payer_id" not in self.fields:
            self.fields["payer_id"] = p.optional(seg, 2)
        elif sid == "PER" and p.el(seg, 1) == "BL":
            numbers: dict[str, str] = {}
            for position in (3, 5, 7):
                qualifier, value = p.el(seg, position), p.el(seg, position + 1).strip()
                if qualifier and value:
                    numbers.setdefault(qualifier, value)
            self.fields["payer_contact"] = EraContact(
                name=p.optional(seg, 2), phone=numbers.get("TE"), email=numbers.get("EM"), url=numbers.get("UR")
            )

    def payee(self, seg: Segment) -> None:
        p = self.p
        sid = seg[0]
        if sid == "N3":
            self.payee_address.update(line1=p.el(seg, 1).strip(), line2=p.optional(seg, 2))
        elif sid == "N4":
            self.payee_address.update(city=p.el(seg, 1).strip(), state=p.el(seg, 2).strip(), zip=p.el(seg, 3).strip())
        elif sid == "REF" and p.el(seg, 1) == "TJ" and "payee_tin" not in self.fields:
            self.fields["payee_tin"] = p.optional(seg, 2)

    # --- 2100 claim and 2110 line -----------------------------------------------------------------

    def clp(self, seg: Segment) -> None:
        p = self.p
        self.claims.append(
            _ClaimDraft(
                {
                    "segment_number": p.index + 1,
                    "patient_control_number": p.required(seg, 1, "patient control number"),
                    "status_code": p.required(seg, 2, "claim status"),
                    "charge_cents": p.cents(seg, 3, "claim charge"),
                    "paid_cents": p.cents(seg, 4, "claim payment"),
                    "patient_responsibility_cents": p.cents(seg, 5, "patient responsibility", required=False) or 0,
                    "filing_indicator": p.el(seg, 6).strip(),
                    "payer_claim_number": p.el(seg, 7).strip(),
                    "facility_code": p.optional(seg, 8),
                    "frequency_code": p.optional(seg, 9),
                }
            )
        )

    def claim_detail(self, seg: Segment) -> None:
        p = self.p
        claim = self.claims[-1]
        sid = seg[0]
        if sid == "NM1":
            entity = p.el(seg, 1)
            if entity == "QC":
                claim.fields.update(
                    patient_last=p.optional(seg, 3),
                    patient_first=p.optional(seg, 4),
                    patient_member_id=p.optional(seg, 9),
                )
            elif entity == "IL":
                claim.fields["insured_member_id"] = p.optional(seg, 9)
            elif entity == "TT":
                claim.fields.update(crossover_payer=p.optional(seg, 3), crossover_payer_id=p.optional(seg, 9))
        elif sid == "MOA":
            claim.remarks += [r for r in (p.el(seg, i).strip() for i in range(3, 8)) if r]
        elif sid == "MIA":
            claim.remarks += [r for r in (p.el(seg, i).strip() for i in (5, 20, 21, 22, 23)) if r]
        elif sid == "DTM":
            qualifier = p.el(seg, 1)
            name = {"232": "statement_from", "233": "statement_to", "050": "received_date"}.get(qualifier)
            if name is not None:
                claim.fields[name] = p.date(seg, 2, f"DTM*{qualifier} date")

    def svc(self, seg: Segment) -> None:
        p = self.p
        billed = p.composite(seg, 1)
        qualifier = billed[0].strip()
        code = billed[1].strip() if len(billed) > 1 else ""
        if not code:
            p.warn("SVC01-2 (the adjudicated procedure code) is missing; the line is read without a code.")
        original = p.composite(seg, 6) if p.el(seg, 6).strip() else []
        original_code: str | None = None
        original_modifiers: tuple[str, ...] = ()
        if original:
            if len(original) > 1 and original[1].strip():
                original_code = original[1].strip()
                original_modifiers = tuple(m.strip() for m in original[2:6] if m.strip())
            else:
                p.warn("SVC06 (the submitted procedure) has no procedure code; it is left out.")
        units = p.quantity(seg, 5, "units of service paid")
        self.claims[-1].lines.append(
            _LineDraft(
                {
                    "segment_number": p.index + 1,
                    "product_qualifier": qualifier,
                    "code": code,
                    "modifiers": tuple(m.strip() for m in billed[2:6] if m.strip()),
                    "original_code": original_code,
                    "original_modifiers": original_modifiers,
                    "charge_cents": p.cents(seg, 2, "line charge"),
                    "paid_cents": p.cents(seg, 3, "line payment"),
                    "revenue_code": p.optional(seg, 4),
                    "units": Decimal(1) if units is None else units,
                    "original_units": p.quantity(seg, 7, "original units of service"),
                }
            )
        )

    def line_detail(self, seg: Segment) -> None:
        p = self.p
        line = self.claims[-1].lines[-1]
        sid = seg[0]
        if sid == "DTM":
            qualifier = p.el(seg, 1)
            if qualifier in ("472", "150", "151"):
                day = p.date(seg, 2, f"DTM*{qualifier} service date")
                if qualifier in ("472", "150"):
                    line.fields["service_date_from"] = day
                if qualifier in ("472", "151"):
                    line.fields["service_date_to"] = day
        elif sid == "AMT" and p.el(seg, 1) == "B6":
            line.fields["allowed_cents"] = p.cents(seg, 2, "allowed amount")
        elif sid == "REF" and p.el(seg, 1) == "6R":
            line.fields["line_control_number"] = p.optional(seg, 2)
        elif sid == "LQ" and p.el(seg, 1) == "HE":
            line.remarks.append(p.required(seg, 2, "remark code"))

    def cas(self, seg: Segment) -> list[EraAdjustment]:
        p = self.p
        group = p.required(seg, 1, "adjustment group code")
        out = []
        for position in range(2, min(len(seg), 20), 3):
            reason = p.el(seg, position).strip()
            amount = p.cents(seg, position + 1, "adjustment amount", required=bool(reason))
            if not reason:
                if amount is not None or p.el(seg, position + 2).strip():
                    raise p.fail(EraDataError, f"CAS{position:02d} (adjustment reason code) is missing.")
                continue
            assert amount is not None
            out.append(EraAdjustment(group, reason, amount, p.quantity(seg, position + 2, "adjustment quantity")))
        if not out:
            raise p.fail(EraDataError, "CAS02 (adjustment reason code) is missing.")
        return out

    def provider_adjustments(self, seg: Segment) -> list[EraProviderAdjustment]:
        p = self.p
        provider = p.required(seg, 1, "provider identifier")
        fiscal = p.date(seg, 2, "fiscal period date")
        assert fiscal is not None
        out = []
        for position in range(3, min(len(seg), 15), 2):
            identifier = p.el(seg, position).strip()
            if not identifier:
                if p.el(seg, position + 1).strip():
                    raise p.fail(EraDataError, f"PLB{position:02d} (adjustment reason) is missing.")
                continue
            parts = identifier.split(p.syntax.component)
            amount = p.cents(seg, position + 1, "provider adjustment amount")
            assert amount is not None
            out.append(
                EraProviderAdjustment(
                    segment_number=p.index + 1,
                    provider_id=provider,
                    fiscal_period_date=fiscal,
                    reason_code=parts[0].strip(),
                    reference=(parts[1].strip() or None) if len(parts) > 1 else None,
                    amount_cents=amount,
                )
            )
        if not out:
            raise p.fail(EraDataError, "PLB03 (adjustment reason) is missing.")
        return out

    # --- the finished transaction -----------------------------------------------------------------

    def finish(self) -> EraTransaction:
        p = self.p
        if self.state == "start":
            raise p.fail(
                EraStructureError, f"transaction set {self.control} has no BPR segment: it holds no payment at all."
            )
        self.need_header()
        claims = tuple(self._claim(c) for c in self.claims)
        return EraTransaction(
            segment_number=self.segment_number,
            control_number=self.control,
            claims=claims,
            provider_adjustments=tuple(self.plb),
            payer_address=_address(self.payer_address),
            payee_address=_address(self.payee_address),
            **self.fields,  # type: ignore[arg-type]
        )

    @staticmethod
    def _claim(draft: _ClaimDraft) -> EraClaim:
        lines = tuple(
            EraLine(adjustments=tuple(d.adjustments), remarks=tuple(d.remarks), **d.fields)  # type: ignore[arg-type]
            for d in draft.lines
        )
        return EraClaim(
            adjustments=tuple(draft.adjustments),
            lines=lines,
            remarks=tuple(draft.remarks),
            **draft.fields,  # type: ignore[arg-type]
        )


def _same_number(value: str, expected: str | int) -> bool:
    """Counts and control numbers are numeric: '000000907' and '907' agree."""
    value, other = value.strip(), str(expected).strip()
    if value.isdigit() and other.isdigit():
        return int(value) == int(other)
    return value == other


def _address(found: dict[str, str | None]) -> Address | None:
    if not found:
        return None
    return Address(
        line1=found.get("line1") or "",
        line2=found.get("line2"),
        city=found.get("city") or "",
        state=found.get("state") or "",
        zip=found.get("zip") or "",
    )
