"""Long id lists cut into pieces a SQL `IN (...)` takes comfortably (SQLite's variable limit)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
IN_LIST = 500


def chunked(items: Sequence[T], size: int = IN_LIST) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
