"""Coding assistant speed: suggestions per second and per-note latency over the development sets.

    python benchmarks/suggest_bench.py [PATH]   # PATH: a code-set database (default resources/codesets.sqlite3)

Prints one JSON line: vocabulary load time and retained memory, p50/p95/max milliseconds per note,
notes per second, and the precision/recall the README quotes. Target (read by people, not asserted):
a typical note well under 100 ms once the vocabulary is loaded.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.coding import evaluation  # noqa: E402
from app.coding.assistant import CodingAssistant  # noqa: E402
from app.coding.lexicon import Lexicon, SqliteCodeSetReader  # noqa: E402
from tests.coding.demo_notes import demo_notes  # noqa: E402
from tests.coding.dev_notes import DEV_NOTES  # noqa: E402

REPEATS = 3


def main(path: Path) -> dict[str, object]:
    gc.collect()
    started = time.perf_counter()
    lexicon = Lexicon.load(SqliteCodeSetReader(path))
    load_seconds = time.perf_counter() - started
    del lexicon
    gc.collect()
    tracemalloc.start()
    lexicon = Lexicon.load(SqliteCodeSetReader(path))
    gc.collect()
    retained, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assistant = CodingAssistant(lexicon)

    notes = [(n.note, n.age, n.sex, n.codes) for n in DEV_NOTES] + [
        (n.note, n.age, n.sex, n.codes) for n in demo_notes()
    ]
    timings: list[float] = []
    proposed: list[list[str]] = []
    for repeat in range(REPEATS):
        for note, age, sex, _codes in notes:
            t = time.perf_counter()
            result = assistant.suggest(note, age=age, sex=sex)
            timings.append(time.perf_counter() - t)
            if repeat == 0:
                proposed.append(result.diagnosis_codes)
    expected = [codes for *_rest, codes in notes]
    timings_ms = sorted(t * 1000 for t in timings)
    return {
        "benchmark": "suggest",
        "codeset_db": str(path),
        "notes": len(notes),
        "repeats": REPEATS,
        "load_seconds": round(load_seconds, 2),
        "vocabulary_terms": len(lexicon.terms),
        "vocabulary_mib": round(retained / 2**20, 1),
        "p50_ms": round(statistics.median(timings_ms), 2),
        "p95_ms": round(timings_ms[int(0.95 * (len(timings_ms) - 1))], 2),
        "max_ms": round(timings_ms[-1], 2),
        "notes_per_second": round(len(timings) / sum(timings), 1),
        "mean_note_chars": round(statistics.mean(len(n[0]) for n in notes)),
        "first_listed": evaluation.first_listed(expected, proposed).as_json(),
        "all_diagnoses": evaluation.all_diagnoses(expected, proposed).as_json(),
    }


if __name__ == "__main__":
    db = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "codesets.sqlite3"
    print(json.dumps(main(db)))
