"""Seal the event log into signed checkpoints, kept in the ledger and handed to a sink.

Sealing runs in one process only (`casework integrity seal`, which holds the signing key); each
round covers at most SEAL_LIMIT events and names the head of every stream it saw move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import RecordConflictError

from casework.chain import form_of_stored, link_over
from casework.checkpoint_sink import CheckpointSink
from casework.checkpoints import (
    LEDGER_TOPIC,
    LOG_SCOPE,
    Checkpoint,
    CheckpointRecorded,
    LoggedLink,
    Range,
    RunningDigest,
    ledger_id,
    new_checkpoint,
    signature_problem,
)
from casework.clock import utc_now
from casework.ledger import (
    READ_BATCH,
    Newest,
    checkpoint_of,
    clinic_of,
    newest_recorded,
    stream_of,
    version_of,
)
from casework.signing import Signer, Verifier

SEAL_LIMIT = 5000
"""The most events one round of sealing covers, so that a checkpoint's heads stay modest."""


class SealingRefused(Exception):
    """Raised when sealing would bless a damaged history: the store lost checkpoints the sink
    holds, or an event cannot be read. Nothing is signed until an operator has looked."""


def seal_log(app: Application[UUID], signer: Signer, sink: CheckpointSink | None) -> int:
    """Checkpoint every event written so far, SEAL_LIMIT at a time; return how many.

    Each round signs one checkpoint of the whole log and one of each clinic it touched, saves
    them in one transaction, then appends them to the sink. Raises SealingRefused, and seals
    nothing, when the sink holds checkpoints the store lost: the store was cut or restored.
    """
    sealed = 0
    while True:
        last = newest_recorded(app, LOG_SCOPE)
        _agree_with_sink(app, sink, LOG_SCOPE, last, signer)
        start = 1 if last is None else last.checkpoint["through_position"] + 1
        rows = app.recorder.select_notifications(start, SEAL_LIMIT)
        entries = [row for row in rows if row.topic != LEDGER_TOPIC]
        if not entries:
            return sealed  # nothing new but checkpoints: an idle log gets no checkpoint of them
        gained = {LOG_SCOPE: Range(RunningDigest.after(checkpoint_of(last)))}
        newest = {LOG_SCOPE: last}
        for row in entries:
            try:
                form = form_of_stored(app.mapper, row)
                clinic = clinic_of(form)
            except Exception:  # whatever stops the decoding: never sign what cannot be read
                raise SealingRefused(
                    f"The event at position {row.id} cannot be read: run `casework integrity"
                    " verify`; sealing stays stopped until it is explained."
                ) from None
            logged = LoggedLink(row.id, stream_of(row), row.originator_version, link_over(form))
            gained[LOG_SCOPE].add(logged)
            if clinic is not None:
                if clinic not in gained:
                    newest[clinic] = newest_recorded(app, clinic)
                    _agree_with_sink(app, sink, clinic, newest[clinic], signer)
                    gained[clinic] = Range(RunningDigest.after(checkpoint_of(newest[clinic])))
                gained[clinic].add(logged)
        now = utc_now()
        recorded = [
            CheckpointRecorded(
                originator_id=ledger_id(scope),
                originator_version=1 if newest[scope] is None else version_of(newest[scope]) + 1,
                timestamp=now,
                checkpoint=new_checkpoint(
                    signer, scope, checkpoint_of(newest[scope]), rows[-1].id, range_, now
                ),
                heads=range_.heads,
            )
            for scope, range_ in gained.items()
        ]
        try:
            app.events.put(recorded)
        except RecordConflictError:
            return sealed  # another sealer got there first; its checkpoints cover these events
        if sink is not None:
            for each in recorded:
                sink.append(each.checkpoint, each.heads)
        sealed += len(entries)


def _agree_with_sink(
    app: Application[UUID],
    sink: CheckpointSink | None,
    scope: str,
    newest: Newest | None,
    signer: Signer,
) -> None:
    """Refuse to seal past a store that lost checkpoints; hand the sink any it has not got."""
    if sink is None:
        return
    sequence = 0 if newest is None else newest.checkpoint["sequence"]
    if sink.get(scope, sequence + 1) is not None:
        raise SealingRefused(
            f"The checkpoint directory holds checkpoint {sequence + 1} of scope {scope}, but the"
            f" store's ledger ends at {sequence}: the store lost history or was restored from a"
            " backup. Run `casework integrity verify`; sealing stays stopped until they agree."
        )
    if newest is None:
        return
    kept = sink.get(scope, sequence)
    if kept is None:
        _hand_over(app, sink, scope, signer.verifier())
    elif kept[0] != newest.checkpoint:
        raise SealingRefused(
            f"Checkpoint {sequence} of scope {scope} differs between the store and the"
            " checkpoint directory. Run `casework integrity verify`; sealing stays stopped."
        )


def _hand_over(
    app: Application[UUID], sink: CheckpointSink, scope: str, verifier: Verifier
) -> None:
    """Append to the sink the store's checkpoints it lacks (a sealer died between the two)."""
    have = sink.sequences(scope)
    for row in app.recorder.select_events(ledger_id(scope), gt=have[-1] if have else 0):
        recorded = cast(CheckpointRecorded, app.mapper.to_domain_event(row))
        if signature_problem(verifier, recorded.checkpoint) is None:
            sink.append(recorded.checkpoint, recorded.heads)


def newest_checkpoint(
    app: Application[UUID], sink: CheckpointSink | None, scope: str
) -> Checkpoint | None:
    """Return a history's newest checkpoint: the sink's if it has a newer one than the store.

    The sink is probed past the store's newest sequence, one file at a time, rather than
    listed: health checks call this, and a year of checkpoints is millions of files.
    """
    checkpoint = checkpoint_of(newest_recorded(app, scope))
    sequence = 0 if checkpoint is None else checkpoint["sequence"]
    while sink is not None and (ahead := sink.get(scope, sequence + 1)) is not None:
        if ahead[0].get("sequence") != sequence + 1:
            break  # a file that is no checkpoint: the full check reports it
        checkpoint, sequence = ahead[0], sequence + 1
    return checkpoint


@dataclass(frozen=True)
class SealingStatus:
    """How far the checkpoints of the whole log reach, and how old what they miss is."""

    sealed_through: int
    unsealed_events: int
    oldest_unsealed_at: datetime | None

    @property
    def oldest_unsealed_age_seconds(self) -> float:
        """Return the age of the oldest event no checkpoint covers (0 when all are covered)."""
        if self.oldest_unsealed_at is None:
            return 0.0
        return max((utc_now() - self.oldest_unsealed_at).total_seconds(), 0.0)


def sealing_status(app: Application[UUID], sink: CheckpointSink | None) -> SealingStatus:
    """Return how far the log's checkpoints reach; cheap enough for every health check."""
    newest = newest_checkpoint(app, sink, LOG_SCOPE)
    through = 0 if newest is None else newest["through_position"]
    rows = app.recorder.select_notifications(through + 1, READ_BATCH)
    entries = [row for row in rows if row.topic != LEDGER_TOPIC]
    unsealed = len(entries)
    if len(rows) == READ_BATCH:
        unsealed += (app.recorder.max_notification_id() or 0) - rows[-1].id
    oldest = None
    if entries:
        try:
            oldest = form_of_stored(app.mapper, entries[0])["state"].get("timestamp")
        except Exception:  # an unreadable event: the integrity check names it
            oldest = None
    return SealingStatus(through, unsealed, oldest if isinstance(oldest, datetime) else None)
