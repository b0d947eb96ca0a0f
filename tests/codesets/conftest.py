"""One ICD-10-CM code-set database per test session, loaded from the real FY2026 tabular and FY2025 index."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine

from app.codesets import icd10cm
from app.paths import resource
from db.codesets import metadata

FY2026_FROM = dt.date(2025, 10, 1)
FY2026_TO = dt.date(2026, 9, 30)


@dataclass
class IcdDb:
    conn: Connection
    tabular_id: int
    index_id: int
    tabular_xml: Path
    index_dir: Path
    effective_from: dt.date = FY2026_FROM
    effective_to: dt.date = FY2026_TO
    seconds: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="session")
def icd_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IcdDb]:
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('codesets') / 'codesets.sqlite3'}")
    metadata.create_all(engine)
    tabular_xml = icd10cm.packaged_tabular()
    index_dir = resource("sources", "icd10cm_2025_index")
    seconds: dict[str, float] = {}
    with engine.begin() as conn:
        started = time.perf_counter()
        tabular_id = icd10cm.load_tabular(
            conn,
            tabular_xml,
            "FY2026",
            FY2026_FROM,
            FY2026_TO,
            "shipped",
            "CDC ICD-10-CM tabular XML, April 1, 2026 update",
        )
        seconds["tabular"] = time.perf_counter() - started
        started = time.perf_counter()
        index_id = icd10cm.load_index(conn, index_dir, tabular_id, "FY2025", "ICD-10-CM FY2025 index and tables")
        seconds["index"] = time.perf_counter() - started
    print(f"\nICD-10-CM load: tabular {seconds['tabular']:.1f}s, index {seconds['index']:.1f}s")
    with engine.connect() as conn:
        yield IcdDb(conn, tabular_id, index_id, tabular_xml, index_dir, seconds=seconds)
    engine.dispose()
