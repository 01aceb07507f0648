"""Map `CASEWORK_DATABASE_URL` onto the eventsourcing library's persistence settings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///var/casework.sqlite"
LOCK_TIMEOUT_SECONDS = 5
"""How long a write waits for the store's lock before it gives up (both stores)."""


def persistence_environment(database_url: str) -> dict[str, str]:
    """Return the eventsourcing environment for a `sqlite:///path` or `postgresql://` URL."""
    url = urlsplit(database_url)
    if url.scheme == "sqlite":
        path = unquote(url.path[1:] if url.path.startswith("/") else url.path)
        if not path or path == ":memory:":
            raise ValueError("Casework needs a SQLite file: use sqlite:///path/to/file.sqlite")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
        }
    if url.scheme in ("postgresql", "postgres"):
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
            "POSTGRES_CONNECT_TIMEOUT": "1",
        }
    if url.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    raise ValueError("CASEWORK_DATABASE_URL must start with sqlite:///, postgresql:// or memory://")
