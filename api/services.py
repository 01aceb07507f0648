"""The one Casework application per Flask app, built from the configured database URL."""

from __future__ import annotations

from flask import Flask, current_app

from casework.application import Casework
from casework.persistence import persistence_environment


def init_app(app: Flask) -> None:
    """Open the event store named by DATABASE_URL (its tables are created if missing)."""
    environment = persistence_environment(app.config["DATABASE_URL"])
    app.extensions["casework"] = Casework(env=environment)


def casework() -> Casework:
    """Return the current app's Casework application."""
    application: Casework = current_app.extensions["casework"]
    return application
