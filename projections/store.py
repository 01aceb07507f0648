"""The read-model store: the SQLAlchemy engine, and alembic migrations of its tables."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine

from casework.persistence import LOCK_TIMEOUT_SECONDS
from projections.tables import sqlalchemy_url

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def create_read_engine(database_url: str) -> Engine:
    """Return an engine on the same database as the event store."""
    url = sqlalchemy_url(database_url)
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": LOCK_TIMEOUT_SECONDS})
    return create_engine(url)


def upgrade(database_url: str) -> None:
    """Bring the read-model tables up to the newest migration (alembic `upgrade head`)."""
    config = Config(toml_file=str(PYPROJECT))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url))
    command.upgrade(config, "head")
