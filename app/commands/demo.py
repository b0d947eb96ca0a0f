"""`claimdesk demo`: build the synthetic demo practice into a database."""

from __future__ import annotations

import argparse
import sys
import time

from app.cli import command, db_path, print_json


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same practice)")
    p.add_argument("--patients", type=int, default=300, help="number of patients (default 300)")
    p.add_argument("--encounters", type=int, default=2000, help="number of encounters (default 2000)")
    p.add_argument("--if-missing", action="store_true", help="do nothing when the database file already exists")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


@command("demo", "build a synthetic demo practice (reproducible from --seed)", _demo_args)
def demo(args: argparse.Namespace) -> int:
    from app.errors import ClaimDeskError
    from app.services.container import open_services
    from app.services.demo import DemoOptions, DemoService

    path = db_path(args)
    if args.if_missing and path.exists():
        print(f"Demo database already exists at {path}")
        return 0
    if args.patients < 1 or args.encounters < 0:
        raise ClaimDeskError("--patients must be at least 1 and --encounters not negative")
    started = time.perf_counter()
    services = open_services(path)
    try:
        if services.practice.summary().encounters:
            raise ClaimDeskError(f"{path} already holds a practice; the demo needs a new database file")
        last = [0.0]

        def progress(done: int, total: int, message: str) -> None:
            now = time.perf_counter()
            if sys.stderr.isatty() and now - last[0] > 0.5:
                last[0] = now
                print(f"\r{message}: {done}/{total}   ", end="", file=sys.stderr)

        from app.services.jobs import JobContext

        demo_service = DemoService(services.db, services.importer, services.claims, services.posting)
        result = demo_service.build(
            DemoOptions(seed=args.seed, patients=args.patients, encounters=args.encounters), JobContext(progress)
        )
        reconcile = services.ledger.reconcile()
        from app.services.demo import write_sample_835

        sample = write_sample_835(services.db, path.parent / "demo-835")
    finally:
        services.close()
    seconds = time.perf_counter() - started
    if sys.stderr.isatty():
        print("\r", end="", file=sys.stderr)
    summary = {
        "database": str(path),
        "seed": args.seed,
        "seconds": round(seconds, 2),
        "imported": result.import_summary,
        "claims": result.claims,
        "remittances": result.remittances,
        "denied_lines": result.denials,
        "ledger_reconciles": reconcile.ok,
        "sample_835": str(sample) if sample else None,
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"Demo practice written to {path} in {seconds:.1f}s: "
            f"{result.import_summary.get('patients', {}).get('created', 0)} patients, "
            f"{result.import_summary.get('encounters', {}).get('created', 0)} encounters, "
            f"{result.claims} claims, {result.remittances} remittances; ledger "
            f"{'reconciles' if reconcile.ok else 'DOES NOT reconcile'}"
        )
        if sample:
            print(f"A sample Medicare 835 to try Payments > Import 835 on: {sample}")
    if not reconcile.ok:
        for problem in reconcile.problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0
