"""Batched writes for high-volume actions: INSERT..RETURNING and UPDATE by primary key.

The ORM unit of work costs about 150 µs per object, and its bulk path splits a batch wherever a
value is None. Posting a large remittance or building a demo practice writes hundreds of thousands
of rows, so those paths hand plain rows to these Core statements instead (tens of thousands of rows
per second, with ids returned in order thanks to the tables' insert sentinel).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session


def _groups(rows: Sequence[dict[str, Any]]) -> dict[frozenset[str], list[int]]:
    """Row positions grouped by their key sets: one executemany needs identical keys."""
    groups: dict[frozenset[str], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(frozenset(row), []).append(i)
    return groups


def insert_returning_ids(session: Session, model: type, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows and return their new ids in the same order as `rows`."""
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    ids: list[int] = [0] * len(rows)
    for positions in _groups(rows).values():
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        new_ids = session.execute(stmt, [rows[i] for i in positions]).scalars().all()
        for i, new_id in zip(positions, new_ids, strict=True):
            ids[i] = new_id
    return ids


def insert_rows(session: Session, model: type, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    for positions in _groups(rows).values():
        session.execute(insert(table), [rows[i] for i in positions])


def update_by_id(session: Session, model: type, rows: Sequence[dict[str, Any]]) -> None:
    """Each row is {'id': ..., column: value, ...}; rows are grouped by their keys into batches."""
    if rows:
        session.execute(update(model), list(rows))
