"""JSON-ready encoding of inputs and effects, and the way back.

Events store their input and effects as JSON; a motion is rebuilt by
decoding them and folding the effects again, so a round trip must give
back equal values. Decimals travel as strings, times as ISO-8601 with
their zone, sets as sorted lists, enums by value, and every dataclass as
an object tagged with its type name under `_type`.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias, TypeVar, Union, get_args, get_origin

from viax.errors import ViaxError
from viax.motion.decision import Effect
from viax.motion.inputs import INPUT_TYPES, TransitionInput
from viax.motion.snapshot import Action

Json: TypeAlias = bool | int | str | list["Json"] | dict[str, "Json"] | None

TAG = "_type"

T = TypeVar("T")

_EFFECTS: dict[str, type[Any]] = {kind.__name__: kind for kind in get_args(Effect)}
_NONE = type(None)


class CodecError(ViaxError):
    """Stored JSON does not decode to the value it claims to hold."""


def encode(value: object) -> Json:
    """A JSON-ready form of a value built of dataclasses and plain types."""
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise CodecError(f"datetime {value.isoformat()} has no time zone")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _encode_structure(value)


def _encode_structure(value: object) -> Json:
    if is_dataclass(value) and not isinstance(value, type):
        encoded: dict[str, Json] = {TAG: type(value).__name__}
        for field in fields(value):
            encoded[field.name] = encode(getattr(value, field.name))
        return encoded
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, frozenset | set):
        return sorted((encode(item) for item in value), key=_sort_key)
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    raise CodecError(f"cannot encode a {type(value).__name__}")


def _sort_key(item: Json) -> tuple[str, str]:
    return (type(item).__name__, str(item))


def decode_effects(items: Sequence[Json]) -> tuple[Effect, ...]:
    """The effects an event stored, in their order."""
    decoded = []
    for item in items:
        tag = item.get(TAG) if isinstance(item, dict) else None
        kind = _EFFECTS.get(tag) if isinstance(tag, str) else None
        if kind is None:
            raise CodecError(f"not a known effect: {str(item)[:80]}")
        decoded.append(_decode_dataclass(item, kind))
    return tuple(decoded)


def decode_input(action: Action, data: Json) -> TransitionInput:
    """The input of an action as it was stored."""
    kind: type[TransitionInput] = INPUT_TYPES[action]
    decoded: TransitionInput = _decode_dataclass(data, kind)
    return decoded


def decode(data: Json, kind: type[T]) -> T:
    """Any encoded dataclass of a known type."""
    decoded: T = _decode_dataclass(data, kind)
    return decoded


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(kind: type[Any]) -> dict[str, Any]:
    if kind not in _HINTS:
        _HINTS[kind] = typing.get_type_hints(kind)
    return _HINTS[kind]


def _decode_dataclass(data: Json, kind: type[Any]) -> Any:
    if not isinstance(data, dict):
        raise CodecError(f"{kind.__name__} must be an object")
    tag = data.get(TAG, kind.__name__)
    if tag != kind.__name__:
        raise CodecError(f"expected a {kind.__name__}, found a {tag}")
    hints = _hints(kind)
    values = {}
    for field in fields(kind):
        if field.name in data:
            values[field.name] = _decode(data[field.name], hints[field.name])
        elif field.default is MISSING and field.default_factory is MISSING:
            raise CodecError(f"{kind.__name__} has no {field.name}")
    unknown = set(data) - {TAG} - {field.name for field in fields(kind)}
    if unknown:
        raise CodecError(f"{kind.__name__} has no field {sorted(unknown)[0]}")
    return kind(**values)


def _decode(data: Json, hint: Any) -> Any:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        return _decode_union(data, get_args(hint))
    if origin is tuple:
        return tuple(_decode(item, get_args(hint)[0]) for item in _list(data))
    if origin is frozenset:
        return frozenset(_decode(item, get_args(hint)[0]) for item in _list(data))
    if origin is dict:
        key_hint, value_hint = get_args(hint)
        if not isinstance(data, dict):
            raise CodecError("expected an object")
        return {
            _decode_key(key, key_hint): _decode(item, value_hint)
            for key, item in data.items()
        }
    return _decode_plain(data, hint)


def _decode_union(data: Json, options: tuple[Any, ...]) -> Any:
    if data is None and _NONE in options:
        return None
    candidates = [option for option in options if option is not _NONE]
    if len(candidates) == 1:
        return _decode(data, candidates[0])
    tag = data.get(TAG) if isinstance(data, dict) else None
    for candidate in candidates:
        if getattr(candidate, "__name__", None) == tag:
            return _decode_dataclass(data, candidate)
    raise CodecError(f"cannot tell which of {len(candidates)} types {tag} is")


def _decode_key(key: str, hint: Any) -> Any:
    if hint is int:
        try:
            return int(key)
        except ValueError:
            raise CodecError(f"key {key!r} is not an integer") from None
    return _decode(key, hint)


def _list(data: Json) -> list[Json]:
    if not isinstance(data, list):
        raise CodecError("expected a list")
    return data


def _decode_plain(data: Json, hint: Any) -> Any:
    if is_dataclass(hint) and isinstance(hint, type):
        return _decode_dataclass(data, hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(data)
        except ValueError:
            raise CodecError(f"{data!r} is not a {hint.__name__}") from None
    if hint is bool or hint is str:
        if not isinstance(data, hint):
            raise CodecError(f"{data!r} is not a {hint.__name__}")
        return data
    if hint is int:
        if not isinstance(data, int) or isinstance(data, bool):
            raise CodecError(f"{data!r} is not an int")
        return data
    if not isinstance(data, str):
        raise CodecError(f"{data!r} is not a string")
    return _decode_text(data, hint)


def _decode_text(data: str, hint: Any) -> Any:
    try:
        if hint is Decimal:
            return Decimal(data)
        if hint is datetime:
            moment = datetime.fromisoformat(data)
            if moment.tzinfo is None:
                raise CodecError(f"datetime {data} has no time zone")
            return moment
        if hint is date:
            return date.fromisoformat(data)
    except (InvalidOperation, ValueError):
        raise CodecError(f"{data!r} is not a {hint.__name__}") from None
    raise CodecError(f"cannot decode a {hint!r}")


def shape_problems(value: object) -> tuple[str, ...]:
    """Where a dataclass value's fields are not of their annotated types."""
    return tuple(_shape(value, type(value), type(value).__name__))


def _shape(value: object, hint: Any, path: str) -> Iterator[str]:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        options = get_args(hint)
        if not any(not list(_shape(value, option, path)) for option in options):
            yield f"{path} has the wrong type"
    elif origin is tuple or origin is frozenset:
        if not isinstance(value, origin):
            yield f"{path} must be a {origin.__name__}"
        else:
            for index, item in enumerate(value):
                yield from _shape(item, get_args(hint)[0], f"{path}[{index}]")
    elif origin is dict:
        if not isinstance(value, dict):
            yield f"{path} must be a mapping"
    elif is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, hint):
            yield f"{path} must be a {hint.__name__}"
        else:
            for field in fields(hint):
                item = getattr(value, field.name)
                hints = _hints(hint)
                yield from _shape(item, hints[field.name], f"{path}.{field.name}")
    elif not _plain_fits(value, hint):
        yield f"{path} must be a {getattr(hint, '__name__', hint)}"


def _plain_fits(value: object, hint: Any) -> bool:
    if hint is _NONE:
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if hint is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    if hint is Decimal:
        return isinstance(value, Decimal) and value.is_finite()
    return isinstance(hint, type) and isinstance(value, hint)
