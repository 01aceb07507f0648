"""Large JSON, CSV and text answers are compressed when the client accepts it (flask-compress).

Only answers of at least `MIN_SIZE` bytes: below a packet, compressing saves nothing. Streamed
answers never are (none is streamed today; one that is must reach the client as it is made).
flask-compress adds `Vary: Accept-Encoding` to every answer and appends the coding to a strong
ETag (`"3.9f…:gzip"`), which `api.conditional` and `If-Match` accept.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIN_SIZE = 1024
"""Bytes: smaller answers go as they are."""

SETTINGS = {
    "COMPRESS_MIMETYPES": ["application/json", "text/csv", "text/plain"],
    "COMPRESS_MIN_SIZE": MIN_SIZE,
    # deflate is left out: clients disagree on whether it means zlib or raw deflate.
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],
    "COMPRESS_STREAMS": False,
    # If-None-Match is judged by `api.conditional`, which compares tags regardless of coding.
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,
}


def init_app(app: Flask) -> None:
    """Compress large answers after every other step has shaped them."""
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    Compress(app)
