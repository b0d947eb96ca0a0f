"""Time the Claims list's service calls (count, status counts, one page) over every sort and a few filters; print JSON.

Run on a migrated copy of the benchmark practice: `python benchmarks/claim_list_queries.py DB`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.claim_list import ClaimColumn, ClaimFilter, ClaimSort  # noqa: E402
from app.services.container import open_services  # noqa: E402


def best_of_three(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def main() -> None:
    desk = open_services(Path(sys.argv[1]), user="bench")
    claims = desk.claim_list
    filters = [
        ClaimFilter(),
        ClaimFilter(statuses=frozenset({"denied"})),
        ClaimFilter(statuses=frozenset({"ready"}), method="paper"),
        ClaimFilter(search="smith"),
        ClaimFilter(search="CD00001"),
        ClaimFilter(provider_id=desk.encounters.provider_choices()[0].id),
        ClaimFilter(payer_id=desk.encounters.payer_choices()[0].id),
        ClaimFilter(with_errors=True),
    ]
    pages, counts, status_counts, worst = [], [], [], {}
    for flt in filters:
        for column in ClaimColumn:
            for descending in (False, True):
                sort = ClaimSort(column, descending)
                ms = best_of_three(lambda flt=flt, sort=sort: claims.page(flt, sort, 0, 200))
                pages.append(ms)
                key = f"{column.value}{' desc' if descending else ''}"
                worst[key] = max(worst.get(key, 0.0), round(ms, 1))
        counts.append(best_of_three(lambda flt=flt: claims.count(flt)))
        status_counts.append(best_of_three(lambda flt=flt: claims.status_counts(flt)))
    deep = best_of_three(lambda: claims.page(ClaimFilter(), ClaimSort(), 20_000, 200))
    total = claims.count(ClaimFilter())
    desk.close()
    print(
        json.dumps(
            {
                "claims": total,
                "page_p95_ms": round(statistics.quantiles(pages, n=20)[-1], 1),
                "page_max_ms": round(max(pages), 1),
                "count_max_ms": round(max(counts), 1),
                "status_counts_max_ms": round(max(status_counts), 1),
                "deep_page_ms": round(deep, 1),
                "worst_by_sort_ms": worst,
            }
        )
    )


if __name__ == "__main__":
    main()
