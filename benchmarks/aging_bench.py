"""A/R aging on a ledger of 1,000,000 entries; print one JSON line.

    python benchmarks/aging_bench.py PRACTICE_DB [--out FILE] [--entries 1000000]

PRACTICE_DB (e.g. `benchmarks/out/bench-100000.sqlite3`) is copied to FILE, and if its ledger holds fewer
than `--entries` rows, existing entries are copied again (new transaction ids, dates moved back by up to
five months so every bucket fills) with one INSERT ... SELECT until it does. Then the aging report runs by
payer and by patient, as of the newest effective date. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def build(source: Path, out: Path, entries: int) -> int:
    from sqlalchemy import func, insert, literal, select

    from db.models import LedgerEntryRecord as L
    from db.session import Database

    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    with sqlite3.connect(source) as src, sqlite3.connect(out) as dst:
        src.backup(dst)
    db = Database(out)
    with db.transaction() as s:
        have = s.scalar(select(func.count(L.id))) or 0
        months = 1
        while have < entries:
            take = min(entries - have, have)
            cols = [c for c in L.__table__.columns if c.name not in ("id",)]
            values = []
            for c in cols:
                if c.name == "txn_id":
                    values.append(L.txn_id.concat(literal(f"-{months}")))
                elif c.name == "reverses_entry_id":
                    values.append(literal(None))
                elif c.name == "effective_date":
                    values.append(func.date(L.effective_date, f"-{months % 6} months"))
                else:
                    values.append(c)
            s.execute(insert(L).from_select([c.name for c in cols], select(*values).where(L.id <= take).order_by(L.id)))
            have += take
            months += 1
    total = 0
    with db.session() as s:
        total = s.scalar(select(func.count(L.id))) or 0
    db.dispose()
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "aging-1m.sqlite3")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="benchmark --out as it is")
    args = parser.parse_args(argv)

    from sqlalchemy import func, select

    from app.services.ar import ArService
    from db.models import LedgerEntryRecord as L
    from db.session import Database

    started = time.perf_counter()
    count = build(args.db, args.out, args.entries) if not args.reuse else None
    build_seconds = round(time.perf_counter() - started, 2)
    db = Database(args.out)
    with db.session() as s:
        count = s.scalar(select(func.count(L.id)))
        as_of = s.scalar(select(func.max(L.effective_date)))
    ar = ArService(db, None, "bench")
    timings: dict[str, float] = {}
    rows: dict[str, int] = {}
    for by in ("payer", "patient"):
        t = time.perf_counter()
        report = ar.aging(as_of, by=by)  # type: ignore[arg-type]
        timings[f"aging_by_{by}_s"] = round(time.perf_counter() - t, 3)
        rows[f"rows_by_{by}"] = len(report.rows)
    t = time.perf_counter()
    ar.aging(as_of, basis="billed", by="payer")
    timings["aging_billed_by_payer_s"] = round(time.perf_counter() - t, 3)
    db.dispose()
    print(
        json.dumps(
            {
                "bench": "aging",
                "ledger_entries": count,
                "as_of": str(as_of),
                **timings,
                **rows,
                "build_s": build_seconds,
                "peak_rss_mib": rss_mib(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
