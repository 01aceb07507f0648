"""A read page's filter form: the API's query parameters as labelled controls, loaded by the
API's own query schema, with the purpose of reading the reader picks; a filter refused is shown
beside its control (422), never guessed at or ignored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import g, render_template, request, url_for
from marshmallow import Schema, ValidationError

from api.read_models import projected
from casework.access_log import default_purpose
from casework.errors import InvalidInput
from casework.permissions import Read, acting_role
from projections import queries
from projections.pages import InvalidCursor, Page
from web.reading import PURPOSES, pick_purpose

AFTER_A_WRITE = ("done", "at")
"""What a page is sent back with after a form (web.commands): what was recorded, and where."""


@dataclass(frozen=True)
class Filter:
    """One control of a page's filter form, named as the API's query parameter."""

    name: str
    label: str
    kind: str  # select, date, text, textarea, number
    choices: Sequence[tuple[str, str]] = ()
    hint: str | None = None
    blank: str = "Any"
    minimum: int = 1  # a number's range, as its schema allows
    maximum: int = 200


@dataclass(frozen=True)
class Asked:
    """What a page was asked: the filters as the API's schema loaded them, and as typed."""

    query: dict[str, Any]
    typed: dict[str, str]
    errors: dict[str, list[str]]

    def link(self, endpoint: str, *, drop: Sequence[str] = (), **more: str) -> str:
        """Return the URL of `endpoint` with these filters (but `drop`), and `more`."""
        values: dict[str, Any] = {k: v for k, v in self.typed.items() if k not in drop}
        values.update(more)
        return url_for(endpoint, **values)


def asked(schema: Schema, *, purposeful: bool = True) -> Asked:
    """Load the query with the API's schema; a control left blank is a filter not given.

    `purposeful`: the page shows client content, so the reader picks a purpose (`g.purpose`,
    which purpose_of_use gives the access log); any other page refuses `purpose` as unknown.
    """
    typed = {
        name: value.strip()
        for name, value in request.args.items()
        if value.strip() and name not in AFTER_A_WRITE
    }
    errors: dict[str, list[str]] = {}
    if purposeful:
        try:
            pick_purpose()
        except InvalidInput as error:
            errors.update(error.errors)
    filters = {name: value for name, value in typed.items() if not purposeful or name != "purpose"}
    query: dict[str, Any] = {}
    try:
        query = schema.load(filters)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"": error.messages}
        for name, texts in messages.items():
            listed = texts if isinstance(texts, list) else [texts]
            errors[str(name)] = [str(text) for text in listed]
    return Asked(query, typed, errors)


def everyone_who_worked_here() -> list[tuple[str, str]]:
    """Return everyone who worked at the clinic, deactivated too, as (id, name), by name: what a
    filter of past records offers (a form offers only active staff: web.choices)."""
    with projected(("staff",), None) as connection:
        names = queries.practitioner_names(connection, g.actor.clinic_id)
    found = [(str(practitioner), name) for practitioner, name in names.items()]
    return sorted(found, key=lambda choice: (choice[1].casefold(), choice[0]))


def purpose_filter(
    hint: str = "Recorded in the access log with every record this page shows or downloads.",
) -> Filter:
    """Return the purpose select; left blank, the reader's role names it, as in the API."""
    default = default_purpose(acting_role(g.actor, Read.JOURNEY)).value.replace("_", " ")
    return Filter("purpose", "Purpose of reading", "select", PURPOSES, hint, f"{default} (default)")


def date_filters(prefix: str) -> list[Filter]:
    """Return a pair of clinic-local, inclusive date controls (`decided_from`, `decided_to`)."""
    return [
        Filter(f"{prefix}_from", "From (clinic date)", "date"),
        Filter(f"{prefix}_to", "To (clinic date, inclusive)", "date"),
    ]


ID_HINT = "An id, as shown in the tables."
ROWS = Filter("limit", "Rows per page", "number", hint="1 to 200; 50 if left empty.")


def page(
    template: str, asked_for: Asked, filters: list[Filter], **shown: Any
) -> tuple[str, HTTPStatus]:
    """Render a page with its filter form (`_filter_form.html`); a refused filter is shown
    beside its control, and the page answers 422."""
    status = HTTPStatus.UNPROCESSABLE_ENTITY if asked_for.errors else HTTPStatus.OK
    labels = {each.name: each.label for each in filters}
    html = render_template(template, asked=asked_for, filters=filters, labels=labels, **shown)
    return html, status


def listing(
    template: str,
    asked_for: Asked,
    filters: list[Filter],
    read: Callable[[dict[str, Any]], Page],
    endpoint: str,
    **shown: Any,
) -> tuple[str, HTTPStatus]:
    """Render a list page: `read` (the API's own read) gives its `rows` and the links on; a
    refused filter or cursor is shown beside its control instead."""
    if asked_for.errors:
        return page(template, asked_for, filters, **shown)
    try:
        found = read(asked_for.query)
    except InvalidCursor as error:
        return page(template, bad_cursor(asked_for, error), filters, **shown)
    links = next_links(endpoint, asked_for, found.next)
    return page(template, asked_for, filters, rows=found.items, **links, **shown)


def next_links(endpoint: str, asked_for: Asked, next_cursor: str | None) -> dict[str, str | None]:
    """Return the links to the next page (if any) and back to the first (if not on it)."""
    later = asked_for.link(endpoint, drop=("after",), after=next_cursor) if next_cursor else None
    first = asked_for.link(endpoint, drop=("after",)) if "after" in asked_for.typed else None
    return {"next_url": later, "first_url": first}


def bad_cursor(asked_for: Asked, error: InvalidCursor) -> Asked:
    """Return what was asked, with the cursor refused (its shape passed; its parts did not)."""
    return Asked({}, asked_for.typed, {"after": [str(error)]})
