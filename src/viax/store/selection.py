"""Pieces every batched read shares: the `IN` of many keys, and pages."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Row, Select, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")

MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated list."""

    items: tuple[T, ...]
    has_next: bool
    has_previous: bool = False


def among(
    connection: AsyncConnection, column: ColumnElement[Any], values: Collection[Any]
) -> ColumnElement[bool]:
    """`column` is one of `values`, as one statement whatever their number.

    PostgreSQL gets `= ANY(array)`, so the statement text, and the prepared
    statement asyncpg caches for it, stays the same for any number of keys.
    """
    if connection.dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


def page_size(first: int) -> int:
    """The number of items to return, within 0 and the page cap."""
    return max(0, min(first, MAX_PAGE))


def cut(rows: list[T], size: int) -> tuple[list[T], bool]:
    """The first `size` rows, and whether there was more (one extra row)."""
    return rows[:size], len(rows) > size


@dataclass(frozen=True, slots=True)
class Window:
    """Which page of a list a connection asks for, as Relay names it."""

    first: int | None = None
    after: int | None = None
    last: int | None = None
    before: int | None = None


async def keyset_page(
    connection: AsyncConnection,
    query: Select[Any],
    key: ColumnElement[int],
    window: Window,
    *,
    descending: bool,
) -> tuple[list[Row[Any]], bool, bool]:
    """The rows of one window of a list ordered by `key`.

    Returns the rows in list order, whether more follow and whether more
    precede. `last` without `first` pages backward from `before`.
    """
    if window.after is not None:
        after = window.after
        query = query.where(key < after if descending else key > after)
    if window.before is not None:
        before = window.before
        query = query.where(key > before if descending else key < before)
    backward = window.last is not None and window.first is None
    size = page_size((window.last if backward else window.first) or 0)
    order = key.asc() if descending == backward else key.desc()
    result = await connection.execute(query.order_by(order).limit(size + 1))
    rows, more = cut(list(result), size)
    if backward:
        rows.reverse()
        return rows, window.before is not None, more
    return rows, more, window.after is not None
