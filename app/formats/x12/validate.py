"""Check an X12 file with pyx12, the independent validator, against its implementation guide map.

pyx12 reads the GS08 version (005010X222A1 for the 837P) and validates syntax, loop structure,
segment and element usage, code values and the envelope counts. It is imported only when a file is
validated, so loading ClaimDesk does not pay for it.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

_LOCK = threading.Lock()


@dataclass(frozen=True)
class X12Issue:
    """One pyx12 finding: where (segment id, its position in the file, the element) and what."""

    segment: str  # e.g. "N4", or "ISA"/"GS"/"ST" for envelope errors, "" when pyx12 gives none
    line: int | None  # 1-based segment number in the file, as pyx12 counts it
    element: str  # e.g. "N403", "SV101-2"; "" for segment-level errors
    code: str  # pyx12's X12 error code
    message: str

    def __str__(self) -> str:
        at = f"segment {self.line} {self.segment}" if self.line else self.segment or "file"
        element = f" {self.element}" if self.element else ""
        return f"{at}{element}: {self.message} [{self.code}]"


def validate_x12(text: str) -> list[X12Issue]:
    """Every problem pyx12 finds in an X12 interchange; an empty list means it passed."""
    import pyx12.params
    import pyx12.x12n_document

    logger = logging.getLogger("pyx12")
    captured = _Capture()
    report = io.StringIO()
    # The pyx12 logger is process-wide: one validation at a time owns it.
    with _LOCK:
        saved = logger.level, logger.propagate
        logger.addHandler(captured)  # pyx12 logs the problems it finds; keep them off the console
        logger.setLevel(logging.ERROR)
        logger.propagate = False
        try:
            passed = pyx12.x12n_document.x12n_document(
                param=pyx12.params.params(),
                src_file=io.StringIO(text),
                fd_997=None,
                fd_html=None,
                fd_xmldoc=None,
                fd_json=report,
            )
        finally:
            logger.removeHandler(captured)
            logger.setLevel(saved[0])
            logger.propagate = saved[1]
    issues = _issues(report.getvalue())
    # pyx12 logs every error it records, including some its report leaves out (GS and ISA element
    # errors) and why it could not read a file at all: add those the report does not have.
    reported: dict[tuple[int | None, str], list[str]] = {}
    for i in issues:
        reported.setdefault((i.line, i.code), []).append(i.message)
    segment_ids: list[str] | None = None
    for message in captured.messages:
        logged = _LOGGED.match(message)
        if logged is None:
            issues.append(X12Issue("", None, "", "", message))
            continue
        line, code, text_ = int(logged["line"]), logged["code"], logged["text"]
        if any(text_.startswith(m) for m in reported.get((line, code), ())):
            continue
        if segment_ids is None:
            segment_ids = _segment_ids(text)
        segment = segment_ids[line - 1] if 0 < line <= len(segment_ids) else logged["kind"]
        issues.append(X12Issue(segment, line, "", code, text_))
    if not passed and not issues:
        issues.append(X12Issue("", None, "", "", "pyx12 rejected the file without details"))
    return issues


_LOGGED = re.compile(
    r"(?:No current segment in error_handler\. )?"
    r"Line:(?P<line>\d+) (?P<kind>ISA|GS|ST|SEG|ELE):(?P<code>\S+) - (?P<text>.*)",
    re.S,
)


def _segment_ids(text: str) -> list[str]:
    """Segment ids in file order, reading the delimiters where ISA fixes them."""
    if not text.startswith("ISA") or len(text) < 106:
        return []
    element, terminator = text[3], text[105]
    return [s.strip().split(element, 1)[0] for s in text.split(terminator) if s.strip()]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _issues(report: str) -> list[X12Issue]:
    if not report:
        return []
    doc: dict[str, Any] = json.loads(report)
    out: list[X12Issue] = []
    for isa in doc.get("interchanges", []):
        out += [X12Issue("ISA", isa.get("cur_line"), "", e["err_cde"], e["err_str"]) for e in isa.get("errors", [])]
        for gs in isa.get("groups", []):
            out += [X12Issue("GS", gs.get("cur_line"), "", e["err_cde"], e["err_str"]) for e in gs.get("errors", [])]
            for st in gs.get("transactions", []):
                out += [
                    X12Issue("ST", st.get("cur_line"), "", e["err_cde"], e["err_str"]) for e in st.get("errors", [])
                ]
                for seg in st.get("segments", []):
                    seg_id = seg.get("seg_id") or ""
                    line = seg.get("cur_line")
                    out += [X12Issue(seg_id, line, "", e["err_cde"], e["err_str"]) for e in seg.get("errors", [])]
                    for ele in seg.get("elements", []):
                        name = f"{seg_id}{ele['ele_pos']:02d}" if isinstance(ele.get("ele_pos"), int) else seg_id
                        if isinstance(ele.get("subele_pos"), int):
                            name += f"-{ele['subele_pos']}"
                        out += [X12Issue(seg_id, line, name, e["err_cde"], e["err_str"]) for e in ele.get("errors", [])]
    return out
