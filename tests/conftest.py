"""Fixtures for the stores the tests run against: a SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine

from casework.application import Casework
from casework.persistence import persistence_environment
from projections.store import create_read_engine, upgrade
from tests.support.documented import DocumentedClient
from tests.support.postgres import postgres_server, temporary_database


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """Return the URL of a reachable PostgreSQL server (see tests/support/postgres.py)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_database_url(postgres_server_url: str) -> Iterator[str]:
    """Return the URL of a fresh, migrated database, shared by the session, dropped at its end."""
    with temporary_database(postgres_server_url) as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file with the read-model tables migrated, to copy for each test."""
    path = tmp_path_factory.mktemp("template") / "casework.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_path(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """Return the path of a migrated SQLite file in this test's own folder."""
    path = tmp_path / "casework.sqlite"
    shutil.copyfile(migrated_sqlite_template, path)
    return str(path)


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
def own_database_url(request: pytest.FixtureRequest, sqlite_path: str) -> Iterator[str]:
    """A migrated store of this test's own, for tests that read all of it or corrupt it."""
    if request.param == "sqlite":
        yield f"sqlite:///{sqlite_path}"
        return
    with temporary_database(request.getfixturevalue("postgres_server_url")) as url:
        upgrade(url)
        yield url


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


@pytest.fixture
def stores(database_url: str) -> Iterator[tuple[Casework, Engine]]:
    """Return an application and a read-model engine on each store (tests/integration)."""
    app = Casework(env=persistence_environment(database_url))
    engine = create_read_engine(database_url)
    yield app, engine
    engine.dispose()
    app.close()


@pytest.fixture(autouse=True, scope="session")
def answers_checked_against_the_document() -> Iterator[None]:
    """Every Flask app's test client checks each answer against /openapi.json."""
    previous = Flask.test_client_class
    Flask.test_client_class = DocumentedClient
    yield
    Flask.test_client_class = previous
