"""The 837P for 10,000 claims and 1,000 CMS-1500 forms to PDF, from a practice database; one JSON line.

    python benchmarks/submission_bench.py PRACTICE_DB [--claims 10000] [--forms 1000]

Claims are read as documents from the database (the part the export does besides writing), written as one
837P interchange and as one PDF of plain-paper forms; nothing is marked submitted. pyx12 validation of a
1,000-claim file is timed too, as the check a careful biller runs before sending.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--forms", type=int, default=1_000)
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from app.formats.cms1500 import render_batch
    from app.formats.pdf_forms import write_pdf
    from app.formats.x12 import Delimiters, Envelope, Receiver, Submitter, validate_x12, write_837p
    from app.services.claim_documents import ClaimDocumentService
    from app.services.container import open_services
    from db.models import ClaimRecord

    services = open_services(args.db, user="bench")
    try:
        with services.db.session() as s:
            ids = list(
                s.scalars(
                    select(ClaimRecord.id)
                    .where(ClaimRecord.frequency_code == "1")
                    .order_by(ClaimRecord.id)
                    .limit(args.claims)
                )
            )
        documents = ClaimDocumentService(services.db)
        started = time.perf_counter()
        docs = documents.documents(ids)
        read_seconds = time.perf_counter() - started
        envelope = Envelope("ZZ", "CLAIMDESK", "ZZ", "CLEARINGHOUSE", "CLAIMDESK", "CLEARINGHOUSE", 1, 1, "T")
        submitter = Submitter("BENCH PRACTICE", "CLAIMDESK", "BILLING OFFICE", "7175550100")
        started = time.perf_counter()
        result = write_837p(docs, envelope, submitter, Receiver("CLEARINGHOUSE", "CLEARINGHOUSE"), Delimiters())
        write_seconds = time.perf_counter() - started
        size_mb = len(result.text.encode("ascii")) / 1e6
        small = write_837p(docs[:1_000], envelope, submitter, Receiver("CLEARINGHOUSE", "CLEARINGHOUSE"), Delimiters())
        started = time.perf_counter()
        issues = validate_x12(small.text)
        validate_seconds = time.perf_counter() - started
        peak_837 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        started = time.perf_counter()
        pages = render_batch(docs[: args.forms], signed_on=dt.date(2026, 11, 28))
        with tempfile.TemporaryDirectory() as folder:
            write_pdf(pages, Path(folder) / "forms.pdf", mode="plain")
            pdf_bytes = (Path(folder) / "forms.pdf").stat().st_size
        pdf_seconds = time.perf_counter() - started
    finally:
        services.close()
    print(
        json.dumps(
            {
                "claims": result.claim_count,
                "read_documents_seconds": round(read_seconds, 2),
                "write_837p_seconds": round(write_seconds, 2),
                "export_seconds": round(read_seconds + write_seconds, 2),
                "file_mb": round(size_mb, 2),
                "mb_per_second": round(size_mb / (read_seconds + write_seconds), 2),
                "segments": result.segment_count,
                "peak_mib_837p": round(peak_837, 1),
                "pyx12_1000_claims_seconds": round(validate_seconds, 1),
                "pyx12_issues": len(issues),
                "forms_claims": min(args.forms, len(docs)),
                "forms_pages": len(pages),
                "forms_pdf_seconds": round(pdf_seconds, 2),
                "forms_pdf_mb": round(pdf_bytes / 1e6, 2),
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
