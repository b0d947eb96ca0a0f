"""Import an 835 paying 5,000 of the practice's sent claims; print one JSON line.

    python benchmarks/era_bench.py PRACTICE_DB [--claims 5000]

The remittance is written by ClaimDesk's own 835 writer from the claims in the database (each line paid at
70% with CO-45 and PR-2 coinsurance), then imported on a copy of the database: parse, balance, match and
post in one transaction. A second import of the same file is timed too (it must post nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--claims", type=int, default=5_000)
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from app.formats.x12 import Envelope, write_835
    from app.services.container import open_services
    from app.services.demo import sample_remittance
    from db.models import ClaimRecord, PayerRecord

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "era.sqlite3"
        shutil.copyfile(args.db, work)
        services = open_services(work, user="bench")
        try:
            with services.db.session() as s:
                payer = s.scalars(select(PayerRecord).order_by(PayerRecord.id)).first()
                assert payer is not None
                ids = list(
                    s.scalars(
                        select(ClaimRecord.id)
                        .where(ClaimRecord.status == "submitted", ClaimRecord.payer_id == payer.id)
                        .order_by(ClaimRecord.id)
                        .limit(args.claims)
                    )
                )
                tx = sample_remittance(s, payer, ids, dt.date(2026, 10, 15), trace="BENCH0001")
                claims = tx.claims
            text = write_835([tx], Envelope("ZZ", "PAYER", "ZZ", "PRACTICE", "PAYER", "PRACTICE", 1, 1, "T"))
            path = Path(folder) / "bench.835"
            path.write_text(text)
            started = time.perf_counter()
            result = services.era_import.import_file(path)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = services.era_import.import_file(path)
            again_seconds = time.perf_counter() - started
            reconciles = services.ledger.reconcile().ok
        finally:
            services.close()
    print(
        json.dumps(
            {
                "claims": len(claims),
                "file_mb": round(len(text) / 1e6, 2),
                "import_seconds": round(seconds, 2),
                "claims_per_second": round(len(claims) / seconds),
                "posted": result.posted,
                "second_import_seconds": round(again_seconds, 2),
                "second_import_posted_nothing": again.already_imported,
                "ledger_reconciles": reconciles,
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
