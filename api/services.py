"""The one Casework application per Flask app, built from the configured database and keys."""

from __future__ import annotations

from flask import Flask, current_app

from api.config import PREFIX
from casework.application import Casework
from casework.persistence import persistence_environment
from casework.vault import Vault, key_from_text
from projections.key_store import SqlKeyStore


def init_app(app: Flask) -> None:
    """Open the event store named by DATABASE_URL (its tables are created if missing).

    Client keys live in the read-model database (`client_keys`), wrapped by MASTER_KEY;
    seals over the log are signed with SEAL_KEY. Both must be set: there is no default.
    """
    environment = persistence_environment(app.config["DATABASE_URL"])
    engine = app.extensions["read_models"].engine
    app.extensions["casework"] = Casework(
        env=environment,
        seal_key=_key(app, "SEAL_KEY"),
        vault=Vault(_key(app, "MASTER_KEY"), SqlKeyStore(engine)),
    )


def _key(app: Flask, name: str) -> bytes:
    variable = PREFIX + name
    text = app.config[name]
    if not text:
        raise RuntimeError(f"{variable} is not set; `casework keys generate` makes a pair.")
    return key_from_text(text, variable)


def casework() -> Casework:
    """Return the current app's Casework application."""
    application: Casework = current_app.extensions["casework"]
    return application
