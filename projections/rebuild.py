"""Rebuild a projection from the whole log without downtime.

The projection is replayed into shadow copies of its tables (a schema of their own on
PostgreSQL, an attached file on SQLite) while readers and the live worker keep using the live
tables. When the shadow has nearly caught up, one transaction pauses the live projection (it
locks its position row), projects the last events into the shadow, puts the shadow tables in
place of the live ones and moves the live position to the shadow's. Readers see the old tables
until that commit, and the new ones after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import OperationalError

from projections.base import Projection
from projections.runner import BATCH_SIZE, project_batch, read_position
from projections.tables import projection_positions

SWITCH_ATTEMPTS = 500
"""How often the switch tries to lock the live tables (every 20 ms) before it gives up."""


@dataclass(frozen=True)
class Progress:
    """How far a rebuild has got, for a progress bar."""

    position: int
    newest: int
    events_per_second: float

    @property
    def eta_seconds(self) -> float:
        remaining = max(self.newest - self.position, 0)
        return remaining / self.events_per_second if self.events_per_second else 0.0


def shadow_schema(projection: Projection) -> str:
    return f"casework_rebuild_{projection.name}"


def _live_schema(engine: Engine) -> str:
    if engine.dialect.name != "postgresql":
        return "main"
    with engine.connect() as connection:
        return str(connection.scalar(text("SELECT current_schema()")))


@contextmanager
def _shadow_engine(engine: Engine, projection: Projection) -> Iterator[Engine]:
    """Yield an engine whose unqualified tables are the projection's shadow copies."""
    schema = shadow_schema(projection)
    if engine.dialect.name == "postgresql":
        yield engine.execution_options(schema_translate_map={None: schema})
        return
    shadow_file = Path(str(engine.url.database) + f".{schema}")
    shadow = engine.execution_options(schema_translate_map={None: schema})

    def attach(dbapi_connection: object, _: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f"ATTACH DATABASE '{shadow_file}' AS {schema}")
        cursor.close()

    event.listen(engine, "connect", attach)
    engine.dispose()  # pooled connections predate the listener
    try:
        yield shadow
    finally:
        event.remove(engine, "connect", attach)
        engine.dispose()
        shadow_file.unlink(missing_ok=True)


def _create_shadow(shadow: Engine, projection: Projection) -> None:
    schema = shadow_schema(projection)
    with shadow.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        for table in (projection_positions, *projection.tables):
            table.drop(connection, checkfirst=True)
            table.create(connection)


def _swap(connection: Connection, projection: Projection, live: str) -> None:
    schema = shadow_schema(projection)
    for table in projection.tables:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f'DROP TABLE "{live}"."{table.name}"'))
            connection.execute(text(f'ALTER TABLE "{schema}"."{table.name}" SET SCHEMA "{live}"'))
        else:
            columns = ", ".join(f'"{column.name}"' for column in table.columns)
            connection.execute(text(f'DELETE FROM "{live}"."{table.name}"'))
            connection.execute(
                text(
                    f'INSERT INTO "{live}"."{table.name}" ({columns})'
                    f' SELECT {columns} FROM "{schema}"."{table.name}"'
                )
            )


def _project_next(
    connection: Connection,
    app: Application[UUID],
    projection: Projection,
    batch_size: int,
) -> int:
    return project_batch(
        connection, app, projection, read_position(connection, projection.name), batch_size
    )


class _ReaderInTheWay(Exception):
    """Raised inside the switch when a reader holds a live table, to roll back and retry."""


def _switch(
    shadow: Engine,
    app: Application[UUID],
    projection: Projection,
    live: str,
    batch_size: int,
) -> int:
    """Finish the shadow and put it in place of the live tables, in one transaction."""
    for _ in range(SWITCH_ATTEMPTS):
        try:
            with shadow.begin() as connection:
                connection.execute(  # pause the live projection: its next batch waits for this row
                    text(
                        f'UPDATE "{live}"."projection_positions" SET heartbeat_at = heartbeat_at'
                        " WHERE name = :name"
                    ),
                    {"name": projection.name},
                )
                if not _lock_live_tables(connection, projection, live):
                    raise _ReaderInTheWay
                while _project_next(connection, app, projection, batch_size):
                    pass
                position = read_position(connection, projection.name)
                _swap(connection, projection, live)
                connection.execute(
                    text(
                        f'UPDATE "{live}"."projection_positions" SET position = :position,'
                        " failed_position = NULL, failure = NULL, failed_at = NULL,"
                        " failures = 0, retry_at = NULL"  # rebuilt: a recorded failure is past
                        " WHERE name = :name"
                    ),
                    {"position": position, "name": projection.name},
                )
                if connection.dialect.name == "postgresql":
                    connection.execute(text(f'DROP SCHEMA "{shadow_schema(projection)}" CASCADE'))
                return position
        except _ReaderInTheWay:
            time.sleep(0.02)  # never wait for a lock while holding the others: retry instead
    raise TimeoutError(f"Could not lock the live {projection.name} tables to switch them over.")


def _lock_live_tables(connection: Connection, projection: Projection, live: str) -> bool:
    """Lock the live tables at once without waiting (PostgreSQL); False if a reader holds one."""
    if connection.dialect.name != "postgresql":
        return True  # SQLite: the write lock taken above is the whole file's
    names = ", ".join(f'"{live}"."{table.name}"' for table in projection.tables)
    try:
        with connection.begin_nested():
            connection.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE NOWAIT"))
    except OperationalError:
        return False
    return True


def rebuild(
    engine: Engine,
    app: Application[UUID],
    projection: Projection,
    report: Callable[[Progress], None] = lambda _: None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Replay the whole log into fresh tables, then switch readers over; return the position."""
    live = _live_schema(engine)
    with engine.begin() as connection:  # a projection no runner has read yet gets its row now
        read_position(connection, projection.name)
    with _shadow_engine(engine, projection) as shadow:
        _create_shadow(shadow, projection)
        started, position = time.monotonic(), 0
        while True:
            newest = app.recorder.max_notification_id() or 0
            if newest - position <= batch_size:
                break
            with shadow.begin() as connection:
                position += _project_next(connection, app, projection, batch_size)
            rate = position / max(time.monotonic() - started, 1e-9)
            report(Progress(position, newest, rate))
        position = _switch(shadow, app, projection, live, batch_size)
        report(Progress(position, position, position / max(time.monotonic() - started, 1e-9)))
    return position
