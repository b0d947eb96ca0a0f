"""Scrub 10,000 claims against a full-size NCCI practitioner edition; print one JSON line.

    python benchmarks/scrub_bench.py PRACTICE_DB EDITION_FOLDER [--claims 10000]

The edition is the synthetic one of `ncci_synth.py` (about 2.5 million PTP rows in CMS's layout; CMS's
own files are not available offline). It is imported into a copy of the shipped code sets, then the
scrubber runs over the newest claims of the practice database (a copy, so findings written by the run
do not change the benchmark database). Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("edition", type=Path)
    parser.add_argument("--claims", type=int, default=10_000)
    args = parser.parse_args(argv)

    from ncci_synth import write_edition
    from sqlalchemy import select

    from app.services.codesets import CodeSetService, shipped_codeset_path
    from app.services.container import open_services
    from db.models import ClaimRecord

    edition = write_edition(args.edition)
    codesets = args.edition / "codesets-scrub.sqlite3"
    if not codesets.exists():
        shutil.copyfile(shipped_codeset_path(), codesets)
    cs = CodeSetService(codesets)
    started = time.perf_counter()
    ptp = cs.import_ncci_ptp(edition["ptp"], edition["edition"], edition["effective_from"])
    cs.import_ncci_mue(edition["mue"], edition["edition"], edition["effective_from"])
    cs.import_ncci_aoc(edition["aoc"], edition["edition"], edition["effective_from"])
    import_seconds = time.perf_counter() - started
    cs.close()

    work = args.db.with_name(args.db.stem + "-scrub.sqlite3")
    shutil.copyfile(args.db, work)
    services = open_services(work, user="bench", codesets_path=codesets)
    try:
        with services.db.session() as s:
            ids = list(s.scalars(select(ClaimRecord.id).order_by(ClaimRecord.id.desc()).limit(args.claims)))
        before = rss_mib()
        started = time.perf_counter()
        report = services.scrubber.scrub(ids)
        seconds = time.perf_counter() - started
        findings = report.errors + report.warnings
        ptp_hits = sum(1 for c in report.claims for f in c.findings if f.edit_id == "NCCI-PTP")
        print(
            json.dumps(
                {
                    "claims": len(report.claims),
                    "seconds": round(seconds, 2),
                    "claims_per_second": round(len(report.claims) / seconds),
                    "findings": findings,
                    "ptp_findings": ptp_hits,
                    "clean": report.clean,
                    "ptp_rows": ptp.rows_loaded or edition["ptp_rows"],
                    "edition_import_seconds": round(import_seconds, 1),
                    "rss_before_scrub_mib": before,
                    "peak_mib": rss_mib(),
                }
            )
        )
    finally:
        services.close()
        for stale in work.parent.glob(work.stem + "*"):
            stale.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
