"""Answer rows as a CSV file that spreadsheets open safely."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Response, request

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet treat a cell as a formula (CSV injection)."""


def wants_csv() -> bool:
    """Return whether the request's Accept header prefers CSV to JSON."""
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


def csv_response(rows: Iterable[dict[str, Any]], columns: list[str], filename: str) -> Response:
    """Return the rows as a CSV attachment: a header row, then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    return Response(
        out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def cell(value: Any) -> str:
    """Return one value as CSV text: ISO dates, compact JSON for lists, no live formulas."""
    if value is None:
        return ""
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
