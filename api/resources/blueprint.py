"""The Blueprint every resource uses: flask-smorest's, whose arguments obey their schema, whose
pages link to the next one, and whose answers document the headers they carry."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest
from flask import Response, after_this_request, request, url_for
from flask_smorest.utils import resolve_schema_instance
from webargs.flaskparser import FlaskParser

from api.resources.writes import READ_AT
from projections.pages import Page

LOCATION_HEADER = {
    "Location": {
        "description": "Where to read what was written: the journey (whose records have no URL "
        "of their own), or the practitioner.",
        "schema": {"type": "string", "format": "uri-reference"},
    }
}
LINK_HEADER = {
    "Link": {
        "description": 'The next page (RFC 8288): `<URL>; rel="next"`, this request with `after` '
        "set to the body's `next`. Absent on the last page.",
        "schema": {"type": "string"},
    }
}


def is_page(schema: Any) -> bool:
    """Return whether a response schema is a page: `items` and the `next` cursor."""
    instance = resolve_schema_instance(schema) if schema is not None else None
    return instance is not None and set(getattr(instance, "fields", {})) == {"items", "next"}


def next_page_url(cursor: str) -> str:
    """Return this request's URL with `after` set to `cursor`, its other parameters kept."""
    values: dict[str, Any] = {key: request.args.getlist(key) for key in request.args}
    values.update(request.view_args or {}, after=cursor)
    return url_for(request.endpoint or "", **values)


def link_next_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a list view: a page with a `next` cursor is answered with a `Link` to it too."""

    @wraps(view)
    def linked(*args: Any, **kwargs: Any) -> Any:
        result = view(*args, **kwargs)
        if isinstance(result, Page) and result.next is not None:
            link = f'<{next_page_url(result.next)}>; rel="next"'

            @after_this_request
            def add_link(response: Response) -> Response:
                response.headers.add("Link", link)
                return response

        return result

    return linked


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint, letting each schema's `unknown` decide (webargs ignores unknown
    query parameters by default; every query schema here refuses them, see `QuerySchema`)."""

    ARGUMENTS_PARSER = FlaskParser(unknown=None)

    def response(
        self, status_code: int, schema: Any = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """flask-smorest's `response`; a page also links to the next one (`Link`), and the
        `Location` of a 201 and the `Link` of a page are documented."""
        headers = dict(kwargs.pop("headers", None) or {})
        if int(status_code) == 201 and self.name in READ_AT:
            headers = {**LOCATION_HEADER, **headers}
        paged = is_page(schema)
        if paged:
            headers = {**LINK_HEADER, **headers}
        decorator = super().response(status_code, schema, headers=headers or None, **kwargs)
        if not paged:
            return decorator  # type: ignore[no-any-return]
        return lambda view: decorator(link_next_page(view))
