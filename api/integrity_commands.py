"""Command line for audit-grade storage: `casework keys …` and `casework integrity …`."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import click
from flask.cli import with_appcontext

from api.services import casework
from casework.integrity_report import IntegrityReport
from casework.offline import verify_export
from casework.sealing import SealingRefused
from casework.signing import Signer, Verifier, new_signing_key
from casework.vault import new_key_text


@click.group("keys")
def keys_group() -> None:
    """Make the server's secret keys."""


@keys_group.command("generate")
def generate_keys_command() -> None:
    """Print a new master key and checkpoint key pair as `export` lines (keep them safe).

    Losing CASEWORK_MASTER_KEY makes every client's personal data unreadable. The signing key
    stays with the sealer alone; the public key goes to the API, to auditors and to backups.
    """
    private, public = new_signing_key()
    click.echo(f"export CASEWORK_MASTER_KEY={new_key_text()}")
    click.echo(f"export CASEWORK_SIGNING_KEY={private}")
    click.echo(f"export CASEWORK_PUBLIC_KEYS={public}")


@keys_group.command("public-key")
def public_key_command() -> None:
    """Print the public key of CASEWORK_SIGNING_KEY (to add to CASEWORK_PUBLIC_KEYS)."""
    try:
        click.echo(Signer(os.environ.get("CASEWORK_SIGNING_KEY", "")).public_key_text)
    except ValueError as malformed:
        raise click.ClickException(str(malformed)) from None


@click.group("integrity")
def integrity_group() -> None:
    """Checkpoint the event log and verify it, or verify an export offline."""


@integrity_group.command("seal")
@click.option(
    "--every", type=click.IntRange(min=1), default=None, help="Keep sealing, every N seconds."
)
@with_appcontext
def seal_command(every: int | None) -> None:
    """Sign checkpoints over every event written since the last ones.

    Needs CASEWORK_SIGNING_KEY and CASEWORK_CHECKPOINT_DIR. With --every it runs until stopped;
    a round that cannot seal says why on standard error and the next round tries again.
    """
    application = casework()
    if application.signer is None or application.sink is None:
        raise click.ClickException(
            "Sealing needs CASEWORK_SIGNING_KEY and CASEWORK_CHECKPOINT_DIR (keep the directory"
            " on storage the database's operator cannot rewrite)."
        )
    while True:
        try:
            click.echo(f"sealed {application.seal_log()} events")
        except SealingRefused as diverged:
            if every is None:
                raise click.ClickException(str(diverged)) from None
            click.echo(f"Error: {diverged}", err=True)
        if every is None:
            return
        time.sleep(every)


@integrity_group.command("verify")
@click.option("--journey", "journey_id", type=click.UUID, default=None, help="One journey only.")
@click.option("--clinic", "clinic_id", type=click.UUID, default=None, help="One clinic's history.")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A checkpoint you kept: the store must still hold everything it covered.",
)
@with_appcontext
def verify_command(
    journey_id: UUID | None, clinic_id: UUID | None, checkpoint_file: Path | None
) -> None:
    """Check the stored history against its chain and checkpoints; exit 1 naming every break."""
    kept = None if checkpoint_file is None else _json_file(checkpoint_file, "--checkpoint")
    report = casework().check_integrity(None, journey_id, kept, clinic_id)
    click.echo(describe(report))
    sys.exit(0 if report.intact else 1)


@integrity_group.command("verify-export")
@click.argument("export_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_keys",
    required=True,
    help="The sealer's public key (comma-separated for several); no database is needed.",
)
def verify_export_command(export_file: Path, public_keys: str) -> None:
    """Check a journey's export offline with the public key alone; exit 1 naming every break."""
    try:
        verifier = Verifier.from_text(public_keys, "--public-key")
    except ValueError as malformed:
        raise click.ClickException(str(malformed)) from None
    report = verify_export(_json_file(export_file, "EXPORT_FILE"), verifier)
    click.echo(describe(report))
    sys.exit(0 if report.intact else 1)


def _json_file(path: Path, name: str) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError):
        raise click.ClickException(f"{name}: {path} is not a readable JSON file.") from None


def describe(report: IntegrityReport) -> str:
    """Return the report as a few lines: what was checked, then each break, first first."""
    age = report.oldest_unsealed_age_seconds
    lines = [
        f"history: {report.scope}",
        f"events checked: {report.events_checked} (newest at position {report.last_position})",
        f"checkpoints checked: {report.checkpoints_checked} (through position"
        f" {report.sealed_through}; {report.unsealed_events} events not yet checkpointed"
        + ("" if age is None else f", the oldest {age:.0f} s old")
        + ")",
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
        lines.append(f"BROKEN {found.problem}{' at ' + where if where else ''}: {found.detail}")
    return "\n".join(lines)
