"""Headers every answer carries: nothing is cached, and nothing is sniffed into another type.

Answers carry health data (GDPR Art. 9): no browser, proxy or shared cache may keep a copy, and a
browser must take the declared content type as it is. Set on every answer, errors included, so
that no route can forget them.
"""

from __future__ import annotations

from flask import Flask, Response


def protect(response: Response) -> Response:
    """Forbid caching and content-type sniffing of this answer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app: Flask) -> None:
    """Give every answer the headers."""
    app.after_request(protect)
