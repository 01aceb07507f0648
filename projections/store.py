"""The read-model store: the SQLAlchemy engine, and alembic migrations of its tables."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine

from casework.application import Casework
from casework.persistence import LOCK_TIMEOUT_SECONDS, persistence_environment, with_tables
from projections.tables import sqlalchemy_url

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def create_read_engine(database_url: str) -> Engine:
    """Return an engine on the same database as the event store."""
    url = sqlalchemy_url(database_url)
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": LOCK_TIMEOUT_SECONDS})
    # Pre-ping: a connection the server dropped (a restart) is replaced before use.
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 2})


def upgrade(database_url: str) -> None:
    """Create the event store's tables if missing (the eventsourcing library's own DDL), then
    bring the read-model tables up to the newest migration (alembic `upgrade head`)."""
    Casework(env=with_tables(persistence_environment(database_url))).close()
    config = Config(toml_file=str(PYPROJECT))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url))
    command.upgrade(config, "head")
