"""Code search speed: p50/p95/max per query over all code sets, against a plain LIKE scan.

    python benchmarks/codes_search.py [PATH]   # PATH: a code-set database; built there if missing

Prints one JSON line. Target (read by people, not asserted): p95 under 10 ms on a 2-core machine.
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.codesets.search import CodeSearcher, build_search_index  # noqa: E402
from tests.codesets.relevance_queries import QUERIES  # noqa: E402

RANDOM_QUERIES = 200
REPEATS = 3


def ensure_database(path: Path) -> float | None:
    """Build the full code-set database at `path` if it is not there; return the build seconds."""
    if path.exists():
        return None
    from app.codesets.build import build

    started = time.perf_counter()
    build(path)
    return time.perf_counter() - started


def random_queries(conn: sqlite3.Connection, count: int, seed: int = 2026) -> list[str]:
    """Half word prefixes as a coder types them, half code prefixes, drawn from the code sets."""
    rng = random.Random(seed)
    words = [w for (w,) in conn.execute("SELECT word FROM search_vocab WHERE length(word) >= 4 AND freq >= 3")]
    codes = [c for (c,) in conn.execute("SELECT code FROM search_code")]
    queries = []
    for i in range(count):
        if i % 2:
            word = rng.choice(words)
            queries.append(word[: rng.randint(3, len(word))])
        else:
            code = rng.choice(codes)
            queries.append(code[: rng.randint(2, len(code))].lower())
    return queries


def like_scan(conn: sqlite3.Connection, release_id: int, query: str) -> list[tuple[str]]:
    words = [w for w in query.replace("/", " ").split() if w] or [query]
    where = " AND ".join("description LIKE ?" for _ in words)
    return conn.execute(
        f"SELECT code FROM icd10cm_code WHERE release_id = ? AND {where} LIMIT 20",
        (release_id, *(f"%{w}%" for w in words)),
    ).fetchall()


def timed_ms(fn, *args) -> float:  # noqa: ANN001
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else ROOT / "benchmarks" / "out" / "codesets-bench.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    build_seconds = ensure_database(path)
    conn = sqlite3.connect(path)
    if conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'search_doc'").fetchone()[0] == 0:
        started = time.perf_counter()
        build_search_index(conn)
        conn.commit()
        build_seconds = time.perf_counter() - started
    index_seconds = None
    if len(argv) > 2 and argv[2] == "--rebuild-index":
        started = time.perf_counter()
        build_search_index(conn)
        conn.commit()
        index_seconds = time.perf_counter() - started

    searcher = CodeSearcher(conn)
    icd_release = conn.execute(
        "SELECT id FROM release WHERE system = 'icd10cm' ORDER BY effective_from DESC, id DESC LIMIT 1"
    ).fetchone()[0]
    queries = [q.query for q in QUERIES] + random_queries(conn, RANDOM_QUERIES)
    for q in queries:  # warm the page cache and statement cache once
        searcher.search(q)
    ours: list[float] = []
    like: list[float] = []
    for _ in range(REPEATS):
        for q in queries:
            ours.append(timed_ms(searcher.search, q))
            like.append(timed_ms(like_scan, conn, icd_release, q))
    report = {
        "database": str(path),
        "queries": len(queries),
        "repeats": REPEATS,
        "search_ms": {
            "p50": round(statistics.median(ours), 3),
            "p95": round(percentile(ours, 95), 3),
            "max": round(max(ours), 3),
        },
        "like_scan_ms": {
            "p50": round(statistics.median(like), 3),
            "p95": round(percentile(like, 95), 3),
            "max": round(max(like), 3),
        },
        "like_over_search_p50": round(statistics.median(like) / statistics.median(ours), 1),
        "like_over_search_p95": round(percentile(like, 95) / percentile(ours, 95), 1),
        "documents": conn.execute("SELECT count(*) FROM search_doc").fetchone()[0],
        "build_seconds": round(build_seconds, 1) if build_seconds is not None else None,
        "search_index_seconds": round(index_seconds, 1) if index_seconds is not None else None,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
