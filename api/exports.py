"""What the CSV exports share: every row of a paged query, and the file's OpenAPI answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.pages import Page

CSV_FILE = {"type": "string", "format": "binary"}
"""A file answer in the OpenAPI document (flask-smorest's documented way for file responses)."""

EXPORT_PAGE = 500
"""Rows read per page while an export gathers every row."""


def every_row(page_of: Callable[..., Page]) -> list[dict[str, Any]]:
    """Return every row a paged query gives, reading it a page at a time."""
    rows: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = page_of(after=after, limit=EXPORT_PAGE)
        rows += page.items
        if page.next is None:
            return rows
        after = page.next
