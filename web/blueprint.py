"""The one blueprint of the pages for people, under /app: every page module adds its routes."""

from __future__ import annotations

from flask import Blueprint

blp = Blueprint(
    "web", __name__, url_prefix="/app", template_folder="templates", static_folder="static"
)
