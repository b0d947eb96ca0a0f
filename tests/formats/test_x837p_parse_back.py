"""Reading our 837P back with an independent parser (pyx12's X12Reader, which finds the delimiters in
the ISA itself) gives back the claims we wrote: counts, totals, codes, modifiers, units, pointers."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from pyx12.segment import Segment
from pyx12.x12file import X12Reader

from app.domain.claim_document import ClaimDocument
from app.formats.x12 import Delimiters
from tests.formats.test_x837p import claim, dependent_claim, line, secondary_claim, write


@dataclass
class ReadLine:
    number: int
    code: str = ""
    modifiers: tuple[str, ...] = ()
    charge: Decimal = Decimal(0)
    units: Decimal = Decimal(0)
    pointers: tuple[int, ...] = ()
    ndc: str | None = None


@dataclass
class ReadClaim:
    number: str
    charge: Decimal
    diagnoses: tuple[str, ...] = ()
    lines: list[ReadLine] = field(default_factory=list)
    payer_id: str = ""


def composite(seg: Segment, ref: str) -> list[str]:
    value = seg.get(ref)
    assert value is not None
    return [e.get_value() for e in value.elements] if value.is_composite() else [value.get_value()]


def read_claims(text: str) -> tuple[list[ReadClaim], dict[str, str]]:
    claims: list[ReadClaim] = []
    trailers: dict[str, str] = {}
    payer = ""
    subscriber_level = False  # between a 2000B HL and its 2010BB payer NM1
    with X12Reader(io.StringIO(text)) as reader:
        for seg in reader:
            seg_id = seg.get_seg_id()
            if seg_id == "HL":
                subscriber_level = seg.get_value("HL03") == "22"
            elif seg_id == "NM1" and seg.get_value("NM101") == "PR" and subscriber_level:
                payer, subscriber_level = seg.get_value("NM109") or "", False
            elif seg_id == "CLM":
                claims.append(ReadClaim(seg.get_value("CLM01") or "", Decimal(seg.get_value("CLM02") or "0")))
                claims[-1].payer_id = payer
            elif seg_id == "HI":
                claims[-1].diagnoses = tuple(
                    composite(seg, f"HI{i:02d}")[1] for i in range(1, 13) if seg.get(f"HI{i:02d}")
                )
            elif seg_id == "LX":
                claims[-1].lines.append(ReadLine(int(seg.get_value("LX01") or 0)))
            elif seg_id == "SV1":
                procedure = composite(seg, "SV101")
                current = claims[-1].lines[-1]
                current.code = procedure[1]
                current.modifiers = tuple(m for m in procedure[2:6] if m)
                current.charge = Decimal(seg.get_value("SV102") or "0")
                current.units = Decimal(seg.get_value("SV104") or "0")
                current.pointers = tuple(int(p) for p in composite(seg, "SV107") if p)
            elif seg_id == "LIN":
                claims[-1].lines[-1].ndc = seg.get_value("LIN03")
            elif seg_id in ("SE", "GE", "IEA"):
                trailers[seg_id] = seg.get_value(f"{seg_id}01") or ""
        errors = reader.pop_errors()
    assert errors == [], errors
    return claims, trailers


BATCH: list[ClaimDocument] = [
    claim("C1001"),
    dependent_claim("C2001"),
    secondary_claim(),
    claim(
        "C5001",
        diagnoses=("E119", "I10", "E785", "J069", "M545", "R0789", "Z00129", "K219", "F419", "G4700", "N390", "L030"),
        lines=(
            line(1, "99214", 22000, (1, 2, 3, 4), modifiers=("25", "GT", "59", "XS")),
            line(2, "J3420", 1850, (12,), units=3, ndc="00002123401", ndc_quantity="1", ndc_unit="ML"),
        ),
    ),
]


@pytest.mark.parametrize(
    "delimiters", [Delimiters(), Delimiters(segment="!", element="|", component=">", repetition="{", newline=True)]
)
def test_an_independent_reader_gets_back_the_claims_we_wrote(delimiters: Delimiters) -> None:
    result = write(BATCH, delimiters=delimiters)

    read, trailers = read_claims(result.text)

    assert len(read) == result.claim_count == len(BATCH)
    assert sum(c.charge for c in read) * 100 == result.total_charge_cents
    assert trailers == {"SE": str(result.segment_count - 4), "GE": "1", "IEA": "1"}
    by_number = {c.number: c for c in read}
    for doc in BATCH:
        got = by_number[doc.claim_number]
        assert got.charge * 100 == doc.total_charge_cents
        assert got.payer_id == doc.insured.payer.payer_id
        assert got.diagnoses == doc.diagnoses
        assert [ln.number for ln in got.lines] == list(range(1, len(doc.lines) + 1))
        for read_line, want in zip(got.lines, doc.lines, strict=True):
            assert read_line.code == want.code
            assert read_line.modifiers == want.modifiers
            assert read_line.units == want.units
            assert read_line.pointers == want.pointers
            assert read_line.charge * 100 == want.charge_cents
            assert read_line.ndc == want.ndc
