"""Only `casework db upgrade` creates tables; a SQLite store is its owner's alone."""

from __future__ import annotations

import stat
from pathlib import Path

import psycopg

from api import create_app
from casework.application import Casework
from casework.persistence import persistence_environment
from projections.store import upgrade
from tests.support.keys import TEST_KEYS
from tests.support.postgres import temporary_database
from tests.support.staff import register_staff


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return {name for (name,) in rows}


def test_serving_processes_never_create_tables_only_db_upgrade_does(
    postgres_server_url: str,
) -> None:
    with temporary_database(postgres_server_url) as url:
        app = create_app({"DATABASE_URL": url, **TEST_KEYS})
        app.extensions["casework"].close()
        app.extensions["read_models"].engine.dispose()
        assert tables(url) == set()
        upgrade(url)
        assert {"casework_events", "projection_positions", "access_log"} <= tables(url)


def test_a_sqlite_store_and_its_write_ahead_log_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store" / "casework.sqlite"
    upgrade(f"sqlite:///{path}")
    app = Casework(env=persistence_environment(f"sqlite:///{path}"))
    register_staff(app)
    for each in (path, path.with_name(path.name + "-wal")):
        if each.exists():
            assert stat.S_IMODE(each.stat().st_mode) == 0o600, each
    app.close()
