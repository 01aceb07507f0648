"""Everything a database holds, as bytes: what someone who copies the store gets to read."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.postgres import find_bindir


def dump_database(database_url: str) -> bytes:
    """Return the SQLite file (with its journal files) or the output of pg_dump."""
    if urlsplit(database_url).scheme == "sqlite":
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-journal"))]
        return b"".join(each.read_bytes() for each in files if each.exists())
    bindir = find_bindir()
    pg_dump = str(bindir / "pg_dump") if bindir else shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed to dump the PostgreSQL test database"
    result = subprocess.run(
        [pg_dump, "--no-owner", "--dbname", database_url], capture_output=True, check=True
    )
    return result.stdout


def traces_of(text: str) -> tuple[bytes, bytes]:
    """Return how `text` would show in a dump: as UTF-8, and as the hex pg_dump writes bytea in."""
    encoded = text.encode()
    return encoded, encoded.hex().encode()


def found_in(dump: bytes, texts: Iterable[str]) -> list[str]:
    """Return the texts a dump holds in clear (in either form)."""
    return [text for text in texts if any(trace in dump for trace in traces_of(text))]
