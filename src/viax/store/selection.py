"""Pieces every batched read shares: the `IN` of many keys, and pages."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")

MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated list."""

    items: tuple[T, ...]
    has_next: bool


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
