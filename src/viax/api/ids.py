"""Opaque global ids: `Type:key`, base64-encoded, as Relay clients expect."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry
from strawberry.relay import GlobalID, GlobalIDValueError


def encode_id(type_name: str, key: int | str) -> strawberry.ID:
    """The global id of the object of `type_name` with this key."""
    return strawberry.ID(str(GlobalID(type_name, str(key))))


def decode_key(value: str, type_name: str) -> str | None:
    """The key inside a global id of `type_name`, or None if it is not one."""
    try:
        gid = GlobalID.from_id(value)
    except GlobalIDValueError:
        return None
    return gid.node_id if gid.type_name == type_name else None


def decode_int(value: str, type_name: str) -> int | None:
    """The integer key of a global id of `type_name`, or None."""
    key = decode_key(value, type_name)
    return None if key is None else int_key(key)


def int_key(key: str) -> int | None:
    """A node key as a database integer, or None if it cannot be one."""
    # Past 18 digits a key overflows the 64-bit columns; it names nothing.
    if not key.isascii() or not key.isdigit() or len(key) > 18:
        return None
    return int(key)


def int_keys(keys: Iterable[str]) -> list[int]:
    """Node keys as integers; a key that cannot be one becomes 0, never used."""
    return [int_key(key) or 0 for key in keys]
