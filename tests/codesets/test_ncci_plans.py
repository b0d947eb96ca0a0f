"""The scrubber's NCCI lookups never scan a table: SQLite's plan searches the keys for every shape of query."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from app.codesets import ncci
from db.codesets import metadata, ncci_aoc, ncci_mue
from tests.codesets.test_ncci import empty_codesets


@pytest.fixture
def conn(tmp_path: Path):  # noqa: ANN201
    engine = create_engine(f"sqlite:///{empty_codesets(tmp_path / 'cs.sqlite3')}")
    metadata.create_all(engine)
    with engine.connect() as c:
        yield c
    engine.dispose()


def _plan(conn, sql: str, params: tuple) -> str:  # noqa: ANN001
    return " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))


@pytest.mark.parametrize("column2", ["p.column2", "+p.column2"], ids=["few codes", "many codes"])
def test_ptp_pairs_searches_the_key(conn, column2: str) -> None:  # noqa: ANN001
    sql = ncci._PTP_SQL.format(first="?, ?", column2=column2, second="?, ?")
    plan = _plan(conn, sql, (1, "99213", "36415", "99213", "36415"))
    assert "SEARCH p USING" in plan and "SCAN p" not in plan, plan


def test_mue_and_add_on_lookups_search_their_keys(conn) -> None:  # noqa: ANN001
    for stmt in (
        select(ncci_mue).where(ncci_mue.c.release_id == 1, ncci_mue.c.code.in_(["99213", "36415"])),
        select(ncci_aoc).where(ncci_aoc.c.release_id == 1, ncci_aoc.c.addon_code.in_(["99417"])),
    ):
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        plan = _plan(conn, str(compiled), ())
        assert "SEARCH" in plan and "SCAN ncci" not in plan, plan
