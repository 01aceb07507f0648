"""Readiness: whether this process can serve now, and if not, which check says why.

Checked on every `/health/ready` and every scrape of `/metrics`, never cached:
- `store`: the database takes a committed write and gives it back (one row per process in
  `readiness_checks`), within its connect timeout; a PostgreSQL store found away a moment
  ago is probed first (`api.errors.StoreOutage`).
- `access_log`: access records can be written. They go to the same database as that row, so
  this fails exactly when the store's write does: then every read of clinical content is
  refused (503 `access_log_unavailable`), by design.
- `projections`: with workers (PostgreSQL), each projection's worker checked in within
  HEARTBEAT_BOUND_SECONDS, its oldest unprojected event is younger than LAG_BOUND_SECONDS,
  and no handler is failing. Embedded (SQLite) the API projects itself on each read, so there
  is no worker to be alive and no lag to wait for: ready means no projection is failing.
- `seals`: the oldest event no signed checkpoint covers is younger than SEAL_BOUND_SECONDS
  (the sealer runs every few seconds; `make run` starts it).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from eventsourcing.persistence import PersistenceError
from flask import Flask, current_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from api.errors import StoreOutage
from casework.sealing import sealing_status
from projections.status import projection_status
from projections.tables import readiness_checks

HEARTBEAT_BOUND_SECONDS = 30.0
"""A projection worker checks in every second or so; silent this long, it is taken as dead."""
LAG_BOUND_SECONDS = 60.0
"""A projection whose oldest unprojected event is older than this is too far behind to serve."""
SEAL_BOUND_SECONDS = 300.0
"""Events left unsealed longer than this mean the sealer is not running."""

CHECKS = ("store", "access_log", "projections", "seals")


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and if not, a reason code."""

    name: str
    ready: bool
    reason: str | None = None


def readiness() -> list[Check]:
    """Run every readiness check, in the order of CHECKS (needs an app context)."""
    models = current_app.extensions["read_models"]
    outage: StoreOutage = current_app.extensions["store_outage"]
    if outage.refuses(models.engine):
        return [
            Check("store", False, "store_unavailable"),
            Check("access_log", False, "access_log_unavailable"),
            Check("projections", False, "store_unavailable"),
            Check("seals", False, "store_unavailable"),
        ]
    writable = _writes_and_reads(models.engine)
    checks = [
        Check("store", writable, None if writable else "store_unwritable"),
        Check("access_log", writable, None if writable else "access_log_unavailable"),
    ]
    try:
        checks.append(_projections(models.engine, models.embedded))
        checks.append(_seals())
    except (PersistenceError, SQLAlchemyError):
        if not models.embedded:
            outage.begin(models.engine)
        checks += [Check("projections", False, "store_unavailable")]
        checks += [Check("seals", False, "store_unavailable")]
    return checks


def _writes_and_reads(engine: Engine) -> bool:
    name = f"{socket.gethostname()}:{os.getpid()}"[:100]
    now = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            connection.execute(delete(readiness_checks).where(readiness_checks.c.name == name))
            connection.execute(insert(readiness_checks).values(name=name, checked_at=now))
        with engine.connect() as connection:
            found = connection.scalar(
                select(readiness_checks.c.checked_at).where(readiness_checks.c.name == name)
            )
    except SQLAlchemyError:
        return False
    return found == now


def _projections(engine: Engine, embedded: bool) -> Check:
    for status in projection_status(engine, current_app.extensions["casework"]):
        if status["failure"] is not None:
            return Check("projections", False, f"projection_failing:{status['name']}")
        if embedded:
            continue
        age = status["heartbeat_age_seconds"]
        if age is None or age > HEARTBEAT_BOUND_SECONDS:
            return Check("projections", False, f"projection_worker_silent:{status['name']}")
        lag = status["lag_seconds"]
        if lag is None or lag > LAG_BOUND_SECONDS:
            return Check("projections", False, f"projection_lagging:{status['name']}")
    return Check("projections", True)


def _seals() -> Check:
    application = current_app.extensions["casework"]
    status = sealing_status(application, application.sink)
    if status.oldest_unsealed_age_seconds > SEAL_BOUND_SECONDS:
        return Check("seals", False, "seals_stale")
    return Check("seals", True)


class ReadinessMetric(Collector):
    """`casework_ready{check=...}`: 1 when the check passes, else 0; read at each scrape."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "casework_ready",
            "1 while this process passes the readiness check, else 0 (as /health/ready).",
            labels=["check"],
        )
        with self.app.app_context():
            checks = readiness()
        for check in checks:
            gauge.add_metric([check.name], 1 if check.ready else 0)
        gauge.add_metric(["all"], 1 if all(check.ready for check in checks) else 0)
        yield gauge
