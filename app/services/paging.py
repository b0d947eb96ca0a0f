"""Page through a list sorted by a column with few distinct values, one group at a time, each on its own index.

Sorting 100,000 joined rows by a column SQLite has no usable index for (a payer's name behind an outer
join, a count of findings) costs a temporary sort on every page. When the column takes few values, the
list is the groups in order, each walked by id: count each group to skip whole groups, then read from the
one the page starts in.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Row, Select
from sqlalchemy.orm import Session


def page_in_groups(
    s: Session,
    rows: Select,
    count: Select,
    groups: Sequence[ColumnElement[bool]],
    order: ColumnElement,
    offset: int,
    limit: int,
) -> list[Row]:
    """`limit` rows from `offset` of `rows`, taken group by group in the order given, each ordered by `order`.

    `count` is the matching `select(func.count())...` under the same conditions as `rows`."""
    found: list[Row] = []
    for group in groups:
        if len(found) >= limit:
            break
        in_group = s.scalar(count.where(group)) or 0
        if offset >= in_group:
            offset -= in_group
            continue
        found.extend(s.execute(rows.where(group).order_by(order).offset(offset).limit(limit - len(found))))
        offset = 0
    return found
