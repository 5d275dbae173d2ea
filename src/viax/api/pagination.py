"""Opaque cursors and bounded page sizes for every connection."""

from __future__ import annotations

from strawberry.relay import from_base64, to_base64

from viax.api.errors import bad_input
from viax.api.ids import int_key

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


def page_size(first: int | None) -> int:
    """The requested page size, defaulting to 20, never past 100."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 0 and {MAX_PAGE_SIZE}")
    return first
