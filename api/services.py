"""The one Casework application per Flask app, built from the configured database and keys."""

from __future__ import annotations

from flask import Flask, current_app

from api.config import PREFIX
from api.key_store import SqlKeyStore
from casework.application import Casework
from casework.checkpoint_sink import DirectorySink
from casework.persistence import persistence_environment, tune_pool
from casework.signing import Signer, Verifier
from casework.vault import Vault, key_from_text


def init_app(app: Flask) -> None:
    """Open the event store named by DATABASE_URL (its tables are created if missing).

    Client keys live in the read-model database (`client_keys`), wrapped by MASTER_KEY;
    checkpoints are checked with PUBLIC_KEYS. Both must be set: there is no default. Only the
    sealer has SIGNING_KEY; CHECKPOINT_DIR is where checkpoints are also kept.
    """
    environment = persistence_environment(app.config["DATABASE_URL"])
    engine = app.extensions["read_models"].engine
    directory = app.config["CHECKPOINT_DIR"]
    app.extensions["casework"] = Casework(
        env=environment,
        signer=_signer(app),
        verifier=Verifier.from_text(_required(app, "PUBLIC_KEYS"), PREFIX + "PUBLIC_KEYS"),
        sink=DirectorySink(directory) if directory else None,
        vault=Vault(_key(app, "MASTER_KEY"), SqlKeyStore(engine)),
    )
    tune_pool(app.extensions["casework"].recorder)


def _signer(app: Flask) -> Signer | None:
    """Return the sealer's signer, if this process has the signing key; it must be a known one."""
    text = app.config["SIGNING_KEY"]
    if not text:
        return None
    signer = Signer(text, PREFIX + "SIGNING_KEY")
    if not Verifier.from_text(_required(app, "PUBLIC_KEYS")).knows(signer.key_id):
        raise RuntimeError(
            f"{PREFIX}PUBLIC_KEYS lacks the public key of {PREFIX}SIGNING_KEY"
            " (`casework keys public-key` prints it)."
        )
    return signer


def _required(app: Flask, name: str) -> str:
    text = app.config[name]
    if not text:
        raise RuntimeError(f"{PREFIX}{name} is not set; `casework keys generate` makes the keys.")
    return str(text)


def _key(app: Flask, name: str) -> bytes:
    return key_from_text(_required(app, name), PREFIX + name)


def casework() -> Casework:
    """Return the current app's Casework application."""
    application: Casework = current_app.extensions["casework"]
    return application
