"""Opaque cursors and bounded page sizes for every connection."""

from __future__ import annotations

from strawberry.relay import from_base64, to_base64

from viax.api.errors import bad_input
from viax.api.ids import int_key
from viax.store.selection import Window

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def encode_cursor(kind: str, key: int) -> str:
    """A cursor is opaque to clients; it names a position in one list."""
    return to_base64(kind, key)


def decode_cursor(cursor: str, kind: str) -> int:
    """The position inside a cursor, refusing forged or foreign ones."""
    try:
        found, key = from_base64(cursor)
    except ValueError:
        raise bad_input("malformed cursor") from None
    position = int_key(key)
    if found != kind or position is None:
        raise bad_input("cursor does not belong to this connection")
    return position


def page_size(size: int | None) -> int:
    """The requested page size, defaulting to 20, never past 100."""
    if size is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise bad_input(f"page size must be between 0 and {MAX_PAGE_SIZE}")
    return size


def page_window(
    kind: str,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Window:
    """The page a connection's `first`/`after`/`last`/`before` ask for."""
    if first is not None and last is not None:
        raise bad_input("give first or last, not both")
    return Window(
        first=page_size(first) if last is None else None,
        after=None if after is None else decode_cursor(after, kind),
        last=None if last is None else page_size(last),
        before=None if before is None else decode_cursor(before, kind),
    )
