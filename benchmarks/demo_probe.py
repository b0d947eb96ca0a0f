"""Build a demo practice in this process and print its time and peak memory as JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.container import open_services  # noqa: E402
from app.services.demo import DemoOptions, DemoService  # noqa: E402


def main() -> None:
    path, patients, encounters = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    started = time.perf_counter()
    desk = open_services(path, user="bench")
    result = DemoService(desk.db, desk.importer, desk.claims, desk.posting).build(
        DemoOptions(patients=patients, encounters=encounters)
    )
    seconds = time.perf_counter() - started
    reconciles = desk.ledger.reconcile().ok
    desk.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "peak_mib": round(peak),
                "claims": result.claims,
                "remittances": result.remittances,
                "ledger_reconciles": reconciles,
            }
        )
    )


if __name__ == "__main__":
    main()
