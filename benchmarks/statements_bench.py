"""A statement run for 1,000 guarantors on a synthetic demo practice; print one JSON line.

    python benchmarks/statements_bench.py [--db FILE] [--patients 1200] [--guarantors 1000]

The practice is built by `DemoService` (through the importer and the billing services) unless the
database already exists. Guarantors are those due a statement (pending balances included, no
minimum); when fewer than asked, other guarantors with ledger activity fill the run, so the PDF has
exactly the number asked. Peak memory is the process's maximum resident set size.
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


def rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--patients", type=int, default=1200)
    parser.add_argument("--encounters", type=int, default=4000)
    parser.add_argument("--guarantors", type=int, default=1000)
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from app.domain.statements import StatementCandidate, StatementOptions
    from app.services.container import open_services
    from app.services.demo import DemoOptions, DemoService
    from db.models import LedgerEntryRecord, PatientRecord

    folder = Path(tempfile.mkdtemp(prefix="claimdesk-statements-"))
    db = args.db or folder / "demo.sqlite3"
    fresh = not db.exists()
    services = open_services(db, user="bench")
    try:
        build_seconds = 0.0
        if fresh:
            started = time.perf_counter()
            DemoService(services.db, services.importer, services.claims, services.posting).build(
                DemoOptions(patients=args.patients, encounters=args.encounters)
            )
            build_seconds = time.perf_counter() - started
        with services.db.session() as s:
            as_of = s.scalar(select(LedgerEntryRecord.effective_date).order_by(LedgerEntryRecord.effective_date.desc()))
        as_of = (as_of or dt.date.today()) + dt.timedelta(days=1)
        options = StatementOptions(include_pending=True, minimum_balance_cents=0, days_between=0)
        chosen = services.statements.candidates(as_of, options)[: args.guarantors]
        if len(chosen) < args.guarantors:
            have = {c.guarantor_id for c in chosen}
            with services.db.session() as s:
                active = s.execute(
                    select(PatientRecord.id, PatientRecord.account_number)
                    .join(LedgerEntryRecord, LedgerEntryRecord.patient_id == PatientRecord.id)
                    .where(PatientRecord.guarantor_id.is_(None))
                    .distinct()
                ).all()
            for pid, account in active:
                if len(chosen) >= args.guarantors:
                    break
                if pid not in have:
                    chosen.append(StatementCandidate(pid, account, "", (pid,), 0, 0, None, 0))
        started = time.perf_counter()
        result = services.statements.run(as_of, chosen, folder / "statements.pdf")
        seconds = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "bench": "statements",
                    "guarantors": result.count,
                    "seconds": round(seconds, 2),
                    "statements_per_second": round(result.count / seconds, 1) if seconds else None,
                    "pdf_mib": round(result.path.stat().st_size / 2**20, 2),
                    "demo_build_seconds": round(build_seconds, 1),
                    "peak_rss_mib": rss_mib(),
                }
            )
        )
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
