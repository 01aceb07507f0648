"""The Flask API: `create_app` is the only place things are wired together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

import web
from api import (
    auth,
    cli,
    compression,
    conditional,
    errors,
    idempotency,
    json_guard,
    observability,
    read_models,
    resources,
    security_headers,
    services,
    swagger_ui,
    token_uses,
)
from api.config import load_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Casework API from `CASEWORK_*` environment variables, then `config`."""
    app = Flask("casework")
    app.config.update(load_config(config))
    # First, so that their after-request steps run last, on the finished answer: 304 after gzip.
    conditional.init_app(app)
    compression.init_app(app)
    read_models.init_app(app)
    services.init_app(app)
    token_uses.init_app(app)
    errors.init_app(app)
    observability.init_app(app)  # before auth: it times and logs every request, refused ones too
    auth.init_app(app)
    json_guard.init_app(app)  # before any view or idempotency record reads the body
    resources.init_app(app)
    swagger_ui.init_app(app)
    web.init_app(app)  # pages for people, under /app
    idempotency.init_app(app)
    cli.init_app(app)
    security_headers.init_app(app)
    return app
