"""Command line for audit-grade storage: `casework keys generate`, `casework integrity …`."""

from __future__ import annotations

import sys
import time
from uuid import UUID

import click
from flask.cli import with_appcontext

from api.services import casework
from casework.integrity import IntegrityReport
from casework.vault import new_key_text


@click.group("keys")
def keys_group() -> None:
    """Make the server's secret keys."""


@keys_group.command("generate")
def generate_keys_command() -> None:
    """Print a new master key and seal key as `export` lines (keep them secret, keep them safe).

    Losing CASEWORK_MASTER_KEY makes every client's personal data unreadable; losing
    CASEWORK_SEAL_KEY makes the existing seals unverifiable.
    """
    click.echo(f"export CASEWORK_MASTER_KEY={new_key_text()}")
    click.echo(f"export CASEWORK_SEAL_KEY={new_key_text()}")


@click.group("integrity")
def integrity_group() -> None:
    """Seal the event log and verify it."""


@integrity_group.command("seal")
@click.option(
    "--every", type=click.IntRange(min=1), default=None, help="Keep sealing, every N seconds."
)
@with_appcontext
def seal_command(every: int | None) -> None:
    """Sign a seal over every event written since the last seal."""
    while True:
        sealed = casework().seal_log()
        click.echo(f"sealed {sealed} events")
        if every is None:
            return
        time.sleep(every)


@integrity_group.command("verify")
@click.option("--journey", "journey_id", type=click.UUID, default=None, help="One journey only.")
@with_appcontext
def verify_command(journey_id: UUID | None) -> None:
    """Check the stored history against its chain and seals; exit 1 naming the first break."""
    report = casework().check_integrity(None, journey_id)
    click.echo(describe(report))
    sys.exit(0 if report.intact else 1)


def describe(report: IntegrityReport) -> str:
    """Return the report as a few lines: what was checked, then each break, first first."""
    lines = [
        f"events checked: {report.events_checked} (log up to position {report.last_position})",
        f"seals checked:  {report.seals_checked} (sealed through {report.sealed_through},"
        f" {report.unsealed_events} events not yet sealed)",
    ]
    if report.intact:
        return "\n".join([*lines, "intact"])
    for found in report.breaks:
        where = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("position", found.position),
                ("aggregate", found.aggregate_id),
                ("version", found.version),
            )
            if value is not None
        )
        lines.append(f"BROKEN {found.problem} at {where}: {found.detail}")
    return "\n".join(lines)
