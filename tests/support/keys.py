"""The keys every test app is built with, as `casework keys generate` would print them."""

from __future__ import annotations

from sqlalchemy import Engine

from api.key_store import SqlKeyStore
from casework.signing import new_signing_key
from casework.vault import Vault, key_from_text, new_key_text

_SIGNING, _PUBLIC = new_signing_key()
TEST_KEYS = {"MASTER_KEY": new_key_text(), "SIGNING_KEY": _SIGNING, "PUBLIC_KEYS": _PUBLIC}
"""Fresh each test run: nothing may depend on a particular key."""

TEST_KEY_ENVIRONMENT = {f"CASEWORK_{name}": text for name, text in TEST_KEYS.items()}
"""The same keys as the environment variables a subprocess reads."""


def vault_on(engine: Engine) -> Vault:
    """Return a vault keeping client keys in the store's `client_keys`, as the API's does."""
    return Vault(key_from_text(TEST_KEYS["MASTER_KEY"], "CASEWORK_MASTER_KEY"), SqlKeyStore(engine))
