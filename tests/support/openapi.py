"""The OpenAPI document as a client reads it, over HTTP."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def document(client: FlaskClient) -> dict[str, Any]:
    answer: dict[str, Any] = client.get("/openapi.json").get_json()
    return answer
