"""Configuration: defaults, then `CASEWORK_*` environment variables, then what a test passes in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from casework.persistence import DEFAULT_DATABASE_URL

PREFIX = "CASEWORK_"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": DEFAULT_DATABASE_URL,
    "OPERATOR_TOKEN": None,
    "MASTER_KEY": None,
    "SEAL_KEY": None,
    "PROJECTION_BATCH_SIZE": 500,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "API_TITLE": "Casework",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
}

FROM_ENVIRONMENT = (
    "DATABASE_URL",
    "OPERATOR_TOKEN",
    "MASTER_KEY",
    "SEAL_KEY",
    "PROJECTION_BATCH_SIZE",
)
"""The settings an operator may set as `CASEWORK_<NAME>`."""


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, then the environment, then `overrides`."""
    config = dict(DEFAULTS)
    for name in FROM_ENVIRONMENT:
        value = os.environ.get(PREFIX + name)
        if value:
            config[name] = int(value) if isinstance(DEFAULTS[name], int) else value
    config.update(overrides or {})
    return config
