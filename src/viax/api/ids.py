"""Opaque global ids: `Type:key`, base64-encoded, as Relay clients expect."""

from __future__ import annotations

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
    if key is None or not key.isdigit() or len(key) > 18:
        return None
    return int(key)
