"""The migrations make exactly the tables the code declares (projections/tables.py), both stores."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Constraint, Index, Table, create_engine, inspect

from projections.tables import metadata


def test_the_migrated_store_holds_the_declared_tables_and_no_others(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    ours = [d for d in differences if _table_of(d) in metadata.tables]
    assert ours == []
    # Besides them: alembic's own, and the event log the library makes (named per store).
    assert tables - set(metadata.tables) <= {"alembic_version", "stored_events", "casework_events"}


def _table_of(difference: Any) -> str | None:
    """Return the name of the table one of alembic's differences is about."""
    change = difference[0] if isinstance(difference, list) else difference
    for part in change[1:]:
        if isinstance(part, Table):
            return part.name
        if isinstance(part, Index | Constraint) and isinstance(part.table, Table):
            return part.table.name
        if isinstance(part, str) and part in metadata.tables:
            return part
    return None
