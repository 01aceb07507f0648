"""The test suite's PostgreSQL provisioning gives real, private, disposable databases."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.support.postgres import SHARED_SERVER_URL, postgres_server

pytestmark = pytest.mark.postgres


def test_session_database_accepts_connections_and_new_tables(postgres_database_url: str) -> None:
    assert urlsplit(postgres_database_url).path.startswith("/casework_test_")
    with psycopg.connect(postgres_database_url) as conn:
        conn.execute("CREATE TABLE provisioning_check (id integer PRIMARY KEY)")
        conn.execute("INSERT INTO provisioning_check VALUES (1)")
        row = conn.execute("SELECT count(*) FROM provisioning_check").fetchone()
        conn.rollback()  # leave the shared session database as it was
    assert row == (1,)


@pytest.mark.throwaway_postgres
def test_throwaway_server_accepts_connections_and_is_gone_after_stop() -> None:
    with postgres_server(throwaway=True) as url:
        assert urlsplit(url).port != urlsplit(SHARED_SERVER_URL).port
        with psycopg.connect(url) as conn:
            data_directory = conn.execute("SHOW data_directory").fetchone()
        assert data_directory is not None
        assert Path(data_directory[0]).is_dir()

    assert not Path(data_directory[0]).exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)
