"""Dataclasses <-> JSON for the control socket, driven by type hints.

Snapshots change as the product grows; deriving the wire form from the dataclass definitions
means a new field travels without anyone writing codec code for it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from enum import Enum
from typing import Any, get_args, get_origin, get_type_hints


def to_plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (tuple, list)):
        return [to_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return repr(obj)  # "nan", "inf": JSON has no such numbers
    return obj


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def from_plain(tp: Any, data: Any) -> Any:
    """Rebuild a value of type `tp` from `to_plain` output."""
    if data is None:
        return None
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        return from_plain(members[0], data) if len(members) == 1 else data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kw = {f.name: from_plain(hints[f.name], data[f.name])
              for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kw)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_plain(args[0], x) for x in data)
        return tuple(from_plain(a, x) for a, x in zip(args, data, strict=True))
    if origin is list:
        return [from_plain(get_args(tp)[0], x) for x in data]
    if origin is dict:
        return {k: from_plain(get_args(tp)[1], v) for k, v in data.items()}
    if tp is float:
        return float(data)
    return data
