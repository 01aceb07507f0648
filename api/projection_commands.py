"""Command line for the read side: `casework db upgrade`, `casework projections …`."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext

from api.observability import JsonFormatter
from api.read_models import read_models
from api.services import casework
from projections import PROJECTIONS, projection_named
from projections.rebuild import Progress, rebuild
from projections.runner import catch_up
from projections.status import projection_status
from projections.store import upgrade
from projections.worker import run_worker, worker_log


@click.group("db")
def db_group() -> None:
    """Manage the read-model tables."""


@db_group.command("upgrade")
@with_appcontext
def upgrade_command() -> None:
    """Create or migrate the read-model tables (alembic upgrade head)."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("read-model tables are up to date")


@click.group("projections")
def projections_group() -> None:
    """Run, catch up and inspect the projections."""


@projections_group.command("run")
@with_appcontext
def run_command() -> None:
    """Follow the event log until stopped (SIGTERM or Ctrl-C); one active worker per projection.

    A lost store is waited out and the worker goes on; any other error exits 1, for the
    supervisor (systemd `Restart=always`, a container restart policy) to start it again.
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if not worker_log.handlers:  # one JSON line per lost store, reconnection or failure
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        worker_log.addHandler(handler)
    click.echo("projection worker started", err=True)
    batch_size = current_app.config["PROJECTION_BATCH_SIZE"]
    run_worker(read_models().engine, casework(), PROJECTIONS, stop, batch_size)
    click.echo("projection worker stopped", err=True)


@projections_group.command("catch-up")
@click.argument("name", required=False)
@with_appcontext
def catch_up_command(name: str | None) -> None:
    """Process every event not yet projected, then stop."""
    for projection in [projection_named(name)] if name else PROJECTIONS:
        count = catch_up(read_models().engine, casework(), projection)
        click.echo(f"{projection.name}: {count} events")


def show_progress(name: str) -> Callable[[Progress], None]:
    """Return a reporter that redraws one progress line: bar, count, rate and ETA."""

    def report(progress: Progress) -> None:
        share = progress.position / progress.newest if progress.newest else 1.0
        bar = "#" * int(share * 30)
        click.echo(
            f"\r{name:<10} [{bar:<30}] {share:4.0%} {progress.position}/{progress.newest} events"
            f" {progress.events_per_second:,.0f} ev/s ETA {progress.eta_seconds:.0f}s",
            nl=False,
            err=True,
        )

    return report


@projections_group.command("rebuild")
@click.argument("name", required=False)
@with_appcontext
def rebuild_command(name: str | None) -> None:
    """Replay the log into fresh tables, then switch readers over (all projections, or NAME)."""
    for projection in [projection_named(name)] if name else PROJECTIONS:
        started = time.monotonic()
        position = rebuild(
            read_models().engine,
            casework(),
            projection,
            show_progress(projection.name),
            current_app.config["PROJECTION_BATCH_SIZE"],
        )
        seconds = time.monotonic() - started
        click.echo(
            f"\n{projection.name}: rebuilt to position {position} in {seconds:.1f}s", err=True
        )


@projections_group.command("status")
@with_appcontext
def status_command() -> None:
    """Show each projection's position and how far behind the log it is."""
    for status in projection_status(read_models().engine, casework()):
        beat = status["heartbeat_at"].isoformat() if status["heartbeat_at"] else "never"
        age = "?" if status["lag_seconds"] is None else f"{status['lag_seconds']:.1f}"
        failure = status["failure"]
        failed = (
            f", FAILED at position {failure['position']} with {failure['error']}"
            f" ({failure['failures']}x, next try {failure['retry_at'].isoformat()})"
            if failure
            else ""
        )
        click.echo(
            f"{status['name']}: position {status['position']}, {status['lag_events']} behind"
            f" ({age}s), heartbeat {beat}{failed}"
        )
