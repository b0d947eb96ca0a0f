"""ASC X12 5010 files: the 837P writer, the 835 reader and writer, envelopes, delimiters and pyx12 validation."""

from __future__ import annotations

from app.formats.x12.claim_837p import Receiver, Submitter, X12Result, write_837p
from app.formats.x12.envelope import Envelope
from app.formats.x12.syntax import Delimiters, X12DataError, X12Problem
from app.formats.x12.validate import X12Issue, validate_x12
from app.formats.x12.x835 import (
    EraDataError,
    EraDelimiterError,
    EraNotRemittanceError,
    EraNotX12Error,
    EraParseError,
    EraStructureError,
    EraTruncatedError,
    parse_835,
)
from app.formats.x12.x835_writer import write_835

__all__ = [
    "Delimiters",
    "Envelope",
    "EraDataError",
    "EraDelimiterError",
    "EraNotRemittanceError",
    "EraNotX12Error",
    "EraParseError",
    "EraStructureError",
    "EraTruncatedError",
    "Receiver",
    "Submitter",
    "X12DataError",
    "X12Issue",
    "X12Problem",
    "X12Result",
    "parse_835",
    "validate_x12",
    "write_835",
    "write_837p",
]
