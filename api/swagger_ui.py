"""Swagger UI's assets, served by Casework itself so that `/docs` works with no internet.

flask-smorest renders the `/docs` page; its scripts and styles come from the swagger-ui-dist
files shipped in the pinned `flask-swagger-ui` wheel (its version is Swagger UI's), not from a CDN.
Only the wheel's files are used, not its blueprint: the page stays flask-smorest's.
"""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, Flask

ASSETS_URL = "/docs/assets/"
"""Where the assets are served; `OPENAPI_SWAGGER_UI_URL` points flask-smorest's page here."""

blueprint = Blueprint(
    "swagger_ui",
    __name__,
    static_folder=str(files("flask_swagger_ui") / "dist"),
    static_url_path=ASSETS_URL.rstrip("/"),
)


def init_app(app: Flask) -> None:
    """Serve Swagger UI's assets under `ASSETS_URL`."""
    app.register_blueprint(blueprint)
