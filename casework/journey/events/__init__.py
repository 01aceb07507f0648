"""The journey's events: what each records, how it changes the journey, and what it declares.

Each event class applies itself (`apply_to`, which only assigns: it runs again on every replay),
says its timeline sentence (`summary`) and, where it applies, its decision kind and the fields a
correction may change. The classes were once nested in `Journey`; each keeps the topic its events
are stored under (`TOPIC`, which the eventsourcing library reads), and `Journey` names them all.

One module per part of the journey, as the API has one blueprint per part; each event also
declares its text (`text_fields`: personal or coded) beside its fields, and whether it changes
follow-ups. A new event class in one of these modules is found here by itself (EVENT_CLASSES).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from casework.journey.events.base import JourneyEvent
from casework.text_fields import TextFields


def _declared() -> tuple[type[JourneyEvent], ...]:
    """Return every event class the package's modules declare (a new one needs no listing)."""
    found: list[type[JourneyEvent]] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, JourneyEvent)
            and value.__module__ == module.__name__
            and value is not JourneyEvent
        ]
    return tuple(found)


EVENT_CLASSES = _declared()
"""Every event a journey records, found in the modules of this package."""

_DECLARING: tuple[type[JourneyEvent], ...] = (JourneyEvent, *EVENT_CLASSES)
TEXT_FIELDS: dict[type[Any], TextFields] = {c: vars(c)["text_fields"] for c in _DECLARING}
"""Every journey event's text, as each class declares it itself (read by casework.personal)."""

__all__ = ["EVENT_CLASSES", "TEXT_FIELDS", "JourneyEvent"]
