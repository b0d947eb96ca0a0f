"""Time the worklist's service calls (count and one page) over every sort and a few filters; print JSON."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.worklist import WorklistColumn, WorklistFilter, WorklistSort  # noqa: E402
from app.services.container import open_services  # noqa: E402


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20)[-1], 1) if len(values) > 1 else round(values[0], 1)


def timed(fn) -> float:  # noqa: ANN001
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    desk = open_services(Path(sys.argv[1]), user="bench")
    enc = desk.encounters
    filters = [
        WorklistFilter(),
        WorklistFilter(statuses=frozenset({"on_hold"})),
        WorklistFilter(statuses=frozenset({"new", "in_coding"})),
        WorklistFilter(search="smith"),
        WorklistFilter(provider_id=enc.provider_choices()[0].id),
        WorklistFilter(payer_id=enc.payer_choices()[0].id),
    ]
    pages, counts, worst = [], [], {}
    for flt in filters:
        for column in WorklistColumn:
            for descending in (False, True):
                sort = WorklistSort(column, descending)
                ms = timed(lambda flt=flt, sort=sort: enc.page(flt, sort, 0, 200))
                pages.append(ms)
                key = f"{column.value}{' desc' if descending else ''}"
                worst[key] = max(worst.get(key, 0.0), round(ms, 1))
        for _ in range(3):
            counts.append(timed(lambda flt=flt: enc.count(flt)))
    deep = [timed(lambda: enc.page(WorklistFilter(), WorklistSort(), 20_000, 200)) for _ in range(3)]
    desk.close()
    print(
        json.dumps(
            {
                "page_p95_ms": p95(pages),
                "page_max_ms": round(max(pages), 1),
                "count_p95_ms": p95(counts),
                "deep_page_ms": round(statistics.median(deep), 1),
                "worst_by_sort_ms": worst,
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
