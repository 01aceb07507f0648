"""Migrate the read-model tables of the database named by CASEWORK_DATABASE_URL."""

from __future__ import annotations

import logging
import os

from alembic import context
from sqlalchemy import create_engine, pool

from casework.persistence import DEFAULT_DATABASE_URL
from projections.tables import metadata, sqlalchemy_url

config = context.config

# Only the alembic command line gets log output; code that calls alembic keeps its own logging.
if config.cmd_opts is not None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)-5.5s [%(name)s] %(message)s")


def database_url() -> str:
    """Return the SQLAlchemy URL: one set on the Config by a caller, else the environment's."""
    # get_main_option() would raise: there is no alembic.ini, only [tool.alembic].
    url = config.get_section(config.config_ini_section, {}).get("sqlalchemy.url")
    return sqlalchemy_url(url or os.environ.get("CASEWORK_DATABASE_URL", DEFAULT_DATABASE_URL))


def run_migrations_offline() -> None:
    """Print the migrations as SQL instead of running them."""
    url = database_url()
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations against the database."""
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            # SQLite cannot ALTER most things; batch mode copies the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
