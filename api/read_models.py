"""The read side as the API sees it: fresh-enough connections to the read-model tables."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http import HTTPStatus

from flask import Flask, Response, current_app, g
from sqlalchemy import Connection, Engine, select

from api.errors import abort
from api.services import casework
from projections import projection_named
from projections.runner import ProjectionFailed, catch_up
from projections.store import create_read_engine
from projections.tables import projection_positions

READ_WAIT_SECONDS = 2.0
"""How long a read that asks for `min_position` waits for the projections to get there."""


@dataclass(frozen=True)
class ReadModels:
    """The read-model engine; `embedded` (SQLite) means reads first catch projections up here."""

    engine: Engine
    embedded: bool


def init_app(app: Flask) -> None:
    """Open the read-model store on the same database as the events."""
    engine = create_read_engine(app.config["DATABASE_URL"])
    app.extensions["read_models"] = ReadModels(engine, engine.dialect.name == "sqlite")
    app.after_request(tell_projection_position)


def tell_projection_position(response: Response) -> Response:
    """Say which log position a read was answered at, so a client can tell how fresh it is."""
    position = g.get("projection_position")
    if position is not None:
        response.headers["Casework-Projection-Position"] = str(position)
    return response


def read_models() -> ReadModels:
    """Return the current app's read models."""
    models: ReadModels = current_app.extensions["read_models"]
    return models


def lowest_position(connection: Connection, names: tuple[str, ...]) -> int:
    """Return the lowest log position the named projections have all reached."""
    query = select(projection_positions.c.position).where(projection_positions.c.name.in_(names))
    found = list(connection.scalars(query))
    return min(found) if len(found) == len(names) else 0


@contextmanager
def projected(names: tuple[str, ...], min_position: int | None) -> Iterator[Connection]:
    """Yield a connection once the named projections have reached `min_position`.

    Embedded (SQLite): catch them up first, in this process. Otherwise wait up to
    READ_WAIT_SECONDS for the workers, then answer 503 naming how far they are.
    """
    models = read_models()
    if models.embedded:
        for name in names:
            # A failure is recorded and shown on /health/projections: the read answers from
            # where the projection stopped (and a `min_position` beyond it with 503).
            with suppress(ProjectionFailed):
                catch_up(models.engine, casework(), projection_named(name))
    deadline = time.monotonic() + READ_WAIT_SECONDS
    with models.engine.connect() as connection:
        if not models.embedded:
            # No BEGIN/ROLLBACK round trips: at READ COMMITTED each statement has its own snapshot.
            connection.execution_options(isolation_level="AUTOCOMMIT")
        reached = lowest_position(connection, names)
        while min_position is not None and reached < min_position:
            if time.monotonic() > deadline:
                abort(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    message=f"The read models have reached log position {reached}, not yet"
                    f" {min_position}; retry shortly.",
                    reason="read_models_behind",
                    headers={"Retry-After": "1"},
                )
            time.sleep(0.05)
            connection.rollback()
            reached = lowest_position(connection, names)
        g.projection_position = reached
        yield connection
