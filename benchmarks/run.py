"""`make bench`: ClaimDesk's speed and memory figures on a 100,000-encounter demo practice.

Each measurement runs in its own process so its peak memory is its own. Figures are printed as a
Markdown table (paste into README.md) and written to benchmarks/out/results.json. Nothing here is a
pass/fail test: targets are read by people, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


def run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run a command from the repository root; return (wall seconds, stdout)."""
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if proc.returncode:
        raise SystemExit(f"benchmark step failed: {' '.join(args)}\n{proc.stderr}")
    return time.perf_counter() - started, proc.stdout


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def build_database(encounters: int, patients: int, reuse: bool) -> tuple[Path, dict[str, float] | None]:
    path = OUT / f"bench-{encounters}.sqlite3"
    if reuse and path.exists():
        return path, None
    for stale in OUT.glob(f"bench-{encounters}.sqlite3*"):
        stale.unlink()
    _wall, out = run_child([sys.executable, str(HERE / "demo_probe.py"), str(path), str(patients), str(encounters)])
    result = last_json(out)
    if not result["ledger_reconciles"]:
        raise SystemExit("the benchmark database does not reconcile")
    return path, result


def selftest_cold_start(db: Path) -> dict[str, float]:
    walls = []
    for _ in range(3):
        wall, _out = run_child([sys.executable, "-m", "app", "selftest", "--db", str(db)])
        walls.append(wall)
    return {"median_seconds": round(statistics.median(walls), 2)}


def worklist(db: Path) -> dict[str, float]:
    probe = HERE / "worklist_probe.py"
    _wall, out = run_child([sys.executable, str(probe), str(db)], env={"QT_QPA_PLATFORM": "offscreen"})
    return last_json(out)


def service_queries(db: Path) -> dict[str, float]:
    probe = HERE / "worklist_queries.py"
    _wall, out = run_child([sys.executable, str(probe), str(db)])
    return last_json(out)


def code_search() -> dict:
    """The code search over the shipped code-set database (built by `make codesets`)."""
    from_repo = ROOT / "resources" / "codesets.sqlite3"
    copy = OUT / "codesets-bench.sqlite3"
    shutil.copy(from_repo, copy)
    _wall, out = run_child([sys.executable, str(HERE / "codes_search.py"), str(copy)])
    return last_json(out)


def suggestions() -> dict:
    """The coding assistant over its development notes (suggestions per second, load time)."""
    _wall, out = run_child(
        [sys.executable, str(HERE / "suggest_bench.py"), str(ROOT / "resources" / "codesets.sqlite3")]
    )
    return last_json(out)


def claim_list(db: Path) -> dict:
    """The Claims panel's service calls over every claim of the practice."""
    _wall, out = run_child([sys.executable, str(HERE / "claim_list_queries.py"), str(db)])
    return last_json(out)


def submission(db: Path) -> dict:
    """837P for 10,000 claims and 1,000 CMS-1500 forms to PDF, from a copy of the practice."""
    copy = OUT / "submission-copy.sqlite3"
    shutil.copy(db, copy)
    try:
        _wall, out = run_child([sys.executable, str(HERE / "submission_bench.py"), str(copy)])
    finally:
        for stale in OUT.glob("submission-copy*"):
            stale.unlink()
    return last_json(out)


def era_import(db: Path) -> dict:
    """An 835 paying the first payer's sent claims, imported on a copy (and imported again)."""
    _wall, out = run_child([sys.executable, str(HERE / "era_bench.py"), str(db)])
    return last_json(out)


def aging(db: Path) -> dict:
    """Aging reports on a ledger topped up to 1,000,000 entries (on a copy)."""
    _wall, out = run_child(
        [sys.executable, str(HERE / "aging_bench.py"), str(db), "--out", str(OUT / "aging-1m.sqlite3")]
    )
    for stale in OUT.glob("aging-1m*"):
        stale.unlink()
    return last_json(out)


def statements() -> dict:
    """A statement run for 1,000 guarantors on its own demo practice."""
    _wall, out = run_child([sys.executable, str(HERE / "statements_bench.py")])
    return last_json(out)


def scrubber(db: Path) -> dict:
    """The claim scrubber over 10,000 claims against a synthetic full-size NCCI edition (2.5M PTP rows)."""
    _wall, out = run_child([sys.executable, str(HERE / "scrub_bench.py"), str(db), str(OUT / "ncci-synthetic")])
    return last_json(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encounters", type=int, default=100_000)
    parser.add_argument("--patients", type=int, default=15_000)
    parser.add_argument("--reuse", action="store_true", help="reuse benchmarks/out/bench-N.sqlite3 if present")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    print(f"building a demo practice of {args.encounters:,} encounters ...", flush=True)
    db, build = build_database(args.encounters, args.patients, args.reuse)
    copy = OUT / "selftest-copy.sqlite3"
    shutil.copy(db, copy)
    print("selftest cold start ...", flush=True)
    cold = selftest_cold_start(copy)
    print("worklist in the window ...", flush=True)
    ui = worklist(db)
    print("worklist queries ...", flush=True)
    queries = service_queries(db)
    print("code search ...", flush=True)
    search = code_search()
    print("coding assistant ...", flush=True)
    assistant = suggestions()
    print("claim scrubber ...", flush=True)
    scrub = scrubber(db)
    print("claims list ...", flush=True)
    claims = claim_list(db)
    print("837P and CMS-1500 ...", flush=True)
    sending = submission(db)
    print("835 import ...", flush=True)
    era = era_import(db)
    print("aging on 1,000,000 ledger entries ...", flush=True)
    ar = aging(db)
    print("statements for 1,000 guarantors ...", flush=True)
    stmts = statements()

    results = {
        "encounters": args.encounters,
        "patients": args.patients,
        "build": build,
        "selftest_cold_start": cold,
        "worklist_window": ui,
        "worklist_queries": queries,
        "code_search": search,
        "assistant": assistant,
        "scrubber": scrub,
        "claim_list": claims,
        "submission": sending,
        "era_import": era,
        "aging": ar,
        "statements": stmts,
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    rows = [
        (
            "Build the demo practice (import + billing history)",
            f"{build['seconds']} s, peak {build['peak_mib']} MiB" if build else "reused (--reuse)",
        ),
        ("`claimdesk selftest` cold start (median of 3)", f"{cold['median_seconds']} s"),
        ("Open the window to the first painted worklist page", f"{ui['first_paint_ms']} ms"),
        ("Filter change (status = On hold) to repainted rows", f"{ui['filter_change_ms']} ms"),
        ("Search change (patient name) to repainted rows", f"{ui['search_change_ms']} ms"),
        ("Sort by patient (header click) to repainted rows", f"{ui['sort_change_ms']} ms"),
        ("Scroll: next page fetched, 20,000 rows down", f"{ui['deep_fetch_ms']} ms"),
        ("Window process peak memory", f"{ui['peak_mib']} MiB"),
        ("Worklist page of 200, p95 over every sort column", f"{queries['page_p95_ms']} ms"),
        ("Worklist count for a filter, p95", f"{queries['count_p95_ms']} ms"),
        (
            f"Code search over all code sets, p50 / p95 ({search['queries']} queries x {search['repeats']})",
            f"{search['search_ms']['p50']} / {search['search_ms']['p95']} ms",
        ),
        (
            "Plain `LIKE` scan of ICD-10-CM descriptions, same queries, p50 / p95",
            f"{search['like_scan_ms']['p50']} / {search['like_scan_ms']['p95']} ms "
            f"({search['like_over_search_p95']}x slower at p95)",
        ),
        (
            "Coding assistant: notes per second (p50 / p95 per note)",
            f"{assistant['notes_per_second']} ({assistant['p50_ms']} / {assistant['p95_ms']} ms); "
            f"vocabulary load {assistant['load_seconds']} s, {assistant['vocabulary_mib']} MiB",
        ),
        (
            f"Scrub {scrub['claims']:,} claims against {scrub['ptp_rows']:,} PTP edits (synthetic full-size edition)",
            f"{scrub['claims_per_second']:,} claims/s ({scrub['seconds']} s), peak {scrub['peak_mib']} MiB; "
            f"edition import {scrub['edition_import_seconds']} s",
        ),
        (
            f"Claims list over {claims['claims']:,} claims: page of 200 p95 / worst sort; status counts",
            f"{claims['page_p95_ms']} / {claims['page_max_ms']} ms; {claims['status_counts_max_ms']} ms",
        ),
        (
            f"837P for {sending['claims']:,} claims: read from the database + write",
            f"{sending['export_seconds']} s ({sending['read_documents_seconds']} + {sending['write_837p_seconds']}), "
            f"{sending['file_mb']} MB, {sending['mb_per_second']} MB/s, peak {sending['peak_mib_837p']} MiB",
        ),
        (
            "pyx12 validation of a 1,000-claim 837P",
            f"{sending['pyx12_1000_claims_seconds']} s, {sending['pyx12_issues']} issues",
        ),
        (
            f"{sending['forms_claims']:,} claims to CMS-1500 forms in one plain-paper PDF",
            f"{sending['forms_pdf_seconds']} s ({sending['forms_pages']:,} forms, {sending['forms_pdf_mb']} MB)",
        ),
        (
            f"Import an 835 paying {era['claims']:,} claims (parse, balance, match, post, next-payer claims)",
            f"{era['import_seconds']} s = {era['claims_per_second']:,} claims/s, peak {era['peak_mib']} MiB; "
            f"the same file again {era['second_import_seconds']} s, nothing posted",
        ),
        (
            f"A/R aging on {ar['ledger_entries']:,} ledger entries, by payer / by patient",
            f"{ar['aging_by_payer_s']} / {ar['aging_by_patient_s']} s, peak {ar['peak_rss_mib']} MiB",
        ),
        (
            f"Statement run for {stmts['guarantors']:,} guarantors (one PDF)",
            f"{stmts['seconds']} s = {stmts['statements_per_second']} statements/s, peak {stmts['peak_rss_mib']} MiB",
        ),
    ]
    print(f"\n| {args.encounters:,} encounters | figure |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
