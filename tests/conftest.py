"""Fixtures for the stores the tests run against: a SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import postgres_server, temporary_database


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """Return the URL of a reachable PostgreSQL server (see tests/support/postgres.py)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_database_url(postgres_server_url: str) -> Iterator[str]:
    """Return the URL of a fresh database, shared by the session and dropped at its end."""
    with temporary_database(postgres_server_url) as url:
        yield url


@pytest.fixture
def sqlite_path(tmp_path: Path) -> str:
    """Return the path of a SQLite file (not yet created) in this test's own folder."""
    return str(tmp_path / "casework.sqlite")


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, sqlite_path: str) -> str:
    """Return a database URL for each store, so one test runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{sqlite_path}"
    url: str = request.getfixturevalue("postgres_database_url")
    return url
