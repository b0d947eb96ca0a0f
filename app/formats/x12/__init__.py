"""ASC X12 5010 files: the 837P writer, its envelopes and delimiters, and pyx12 validation."""

from __future__ import annotations

from app.formats.x12.claim_837p import Receiver, Submitter, X12Result, write_837p
from app.formats.x12.envelope import Envelope
from app.formats.x12.syntax import Delimiters, X12DataError, X12Problem
from app.formats.x12.validate import X12Issue, validate_x12

__all__ = [
    "Delimiters",
    "Envelope",
    "Receiver",
    "Submitter",
    "X12DataError",
    "X12Issue",
    "X12Problem",
    "X12Result",
    "validate_x12",
    "write_837p",
]
