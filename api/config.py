"""Configuration: defaults, then `CASEWORK_*` environment variables, then what a test passes in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from api.openapi import SPEC_OPTIONS
from api.swagger_ui import ASSETS_URL
from casework.persistence import DEFAULT_DATABASE_URL

PREFIX = "CASEWORK_"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": DEFAULT_DATABASE_URL,
    "OPERATOR_TOKEN": None,
    "MASTER_KEY": None,
    "SIGNING_KEY": None,
    "PUBLIC_KEYS": None,
    "CHECKPOINT_DIR": None,
    "PROJECTION_BATCH_SIZE": 500,
    "IDLE_MINUTES": 15,  # a browser session unused this long is signed out
    "SESSION_HOURS": 12,  # and any browser session this old
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "API_TITLE": "Casework",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",  # a nullable object is `anyOf: [$ref, null]`, typed for generators
    "API_SPEC_OPTIONS": SPEC_OPTIONS,
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": ASSETS_URL,  # served by Casework: /docs works offline
}

FROM_ENVIRONMENT = (
    "DATABASE_URL",
    "OPERATOR_TOKEN",
    "MASTER_KEY",
    "SIGNING_KEY",
    "PUBLIC_KEYS",
    "CHECKPOINT_DIR",
    "PROJECTION_BATCH_SIZE",
    "IDLE_MINUTES",
    "SESSION_HOURS",
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
