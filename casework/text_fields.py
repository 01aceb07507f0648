"""How an event declares its text: which fields a person types (personal) and which are coded.

A path names a field of an event's payload, `.` going into a dict and `[]` into each item of a
list: `notes`, `topics[]`, `criteria[].note`, `adverse_event.description`. Whether a value is
sealed and revealed follows from these declarations alone, never from what the value looks like.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TextFields:
    """The text an event class holds, by path.

    `personal`: typed by a person, sealed under the client's key and erased with it.
    `coded`: enums, codes, the pseudonym, and text that is not a client's (staff, clinic setup,
    the erasure's own record): stored and shown as it is.
    `corrected`: holds a value of the field a correction names; that field's declaration rules.
    """

    personal: tuple[str, ...] = ()
    coded: tuple[str, ...] = ()
    corrected: tuple[str, ...] = ()

    def paths(self) -> tuple[str, ...]:
        """Return every path this declaration names."""
        return self.personal + self.coded + self.corrected


class _ShapeMismatch:
    """What a value at a declared path is when the payload does not have the declared shape."""

    def __repr__(self) -> str:
        return "SHAPE_MISMATCH"


SHAPE_MISMATCH: Any = _ShapeMismatch()


def at_path(data: Mapping[str, Any], path: str, change: Callable[[Any], Any]) -> dict[str, Any]:
    """Return a copy of `data` with `change` applied to every value at `path`.

    A missing key or a None is left as it is; a value of the wrong shape (a string where the path
    goes into a list or dict) is replaced by `change(SHAPE_MISMATCH)`. Only the containers on
    the path are copied; `data` is never changed.
    """
    changed = _at(data, path.split("."), change)
    return dict(changed)


def _at(value: Any, segments: list[str], change: Callable[[Any], Any]) -> Any:
    if not segments:
        return change(value)
    segment, rest = segments[0], segments[1:]
    key = segment.removesuffix("[]")
    if not isinstance(value, Mapping):
        return change(SHAPE_MISMATCH)
    if key not in value or value[key] is None:
        return value
    inner = value[key]
    if segment.endswith("[]"):
        if isinstance(inner, list | tuple):
            inner = [_at(item, rest, change) if rest else change(item) for item in inner]
        else:
            inner = change(SHAPE_MISMATCH)
    else:
        inner = _at(inner, rest, change)
    return {**value, key: inner}
