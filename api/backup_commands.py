"""Command line: `casework backup DEST`, an online copy of the SQLite store.

PostgreSQL is backed up with its own tools (`pg_dump`, base backups and WAL archiving): the
README's "Backup and restore" gives the recipe for both stores.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, suppress
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click

from api.config import PREFIX, load_config


def sqlite_path(database_url: str) -> Path:
    """Return the file of a `sqlite:///` store.

    Raises click.ClickException when the store is not a SQLite file (PostgreSQL is backed up
    with its own tools).
    """
    url = urlsplit(database_url)
    if url.scheme in ("postgresql", "postgres"):
        raise click.ClickException(
            "casework backup copies a SQLite store; back up PostgreSQL with its own tools:"
            " pg_dump -Fc (and pg_restore), or a base backup with WAL archiving for"
            " point-in-time recovery (README: Backup and restore)."
        )
    path = unquote(url.path[1:] if url.path.startswith("/") else url.path)
    if url.scheme != "sqlite" or not path or path == ":memory:":
        raise click.ClickException(f"{PREFIX}DATABASE_URL names no SQLite file to back up.")
    return Path(path)


def backup_sqlite(source: Path, destination: Path) -> int:
    """Copy the live store `source` to the new file `destination`; return its size in bytes.

    SQLite's online backup copies every page in one step, inside one read transaction: a
    snapshot of one moment, every write committed before it and none after, while writers go
    on (the store is in WAL mode). The copy is written beside `destination` under another
    name, checked (`PRAGMA quick_check`), flushed, and only then linked into place, so a
    backup that did not finish never has the name; an existing file is never replaced.
    """
    if destination.exists():
        raise click.ClickException(f"{destination} exists: a backup never replaces a file.")
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # personal data
    try:
        with (
            closing(sqlite3.connect(source)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.execute("PRAGMA busy_timeout = 5000")
            live.backup(copy)
            verdict = copy.execute("PRAGMA quick_check").fetchone()
            if verdict != ("ok",):
                raise click.ClickException(f"the copy failed its check: {verdict}")
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.link(partial, destination)  # fails, replacing nothing, if the name was taken meanwhile
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
    return destination.stat().st_size


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Copy the SQLite store to DESTINATION while it is in use (SQLite's online backup).

    Needs CASEWORK_DATABASE_URL only, no key. Keep the keys and the checkpoint directory
    beside the copy (README: Backup and restore). Refused on PostgreSQL: use pg_dump.
    """
    source = sqlite_path(load_config()["DATABASE_URL"])
    if not source.is_file():
        raise click.ClickException(f"{source}: no SQLite store there.")
    size = backup_sqlite(source, destination)
    click.echo(f"backed up {source} to {destination} ({size} bytes, quick_check ok)")
