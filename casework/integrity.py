"""Check the stored history: each stream's links, and the log against the kept checkpoints.

Every stored event names the link of the one before it in its stream (`casework.chain`), so an
edit, deletion or reordering inside a stream breaks the next link. What no later link covers (the
newest events, a cut-off tail, a whole deleted stream) the checkpoints cover: each says how many
events its history held through a log position and what they hash to, and names the head of
every stream it saw move, signed by a key the database's operator does not hold
(`casework.sealing` makes them; `casework.kept_checkpoints` reads and compares them).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from casework.chain import GENESIS, form_of_stored, link_over
from casework.checkpoint_sink import CheckpointSink
from casework.checkpoints import (
    LEDGER_TOPIC,
    LOG_SCOPE,
    Checkpoint,
    LoggedLink,
    RunningDigest,
    head_proof,
    ledger_id,
)
from casework.integrity_report import Break, IntegrityReport
from casework.kept_checkpoints import (
    Kept,
    check_checkpoint,
    checkpoint_problem,
    decoded_ledger_row,
    kept_checkpoints,
)
from casework.ledger import (
    READ_BATCH,
    clinic_of,
    newest_recorded,
    read_log,
    stream_of,
)
from casework.signing import Verifier


@dataclass(frozen=True)
class ReadEvent:
    """A stored event as a check reads it: its link, the link it names, when, whose."""

    logged: LoggedLink
    previous_link: object
    recorded_at: object
    clinic: str | None


def check_history(
    app: Application[UUID],
    verifier: Verifier,
    sink: CheckpointSink | None,
    scope: str = LOG_SCOPE,
    kept: Checkpoint | None = None,
) -> IntegrityReport:
    """Check one history (the whole log, or one clinic's) against its links and checkpoints.

    `kept` is a checkpoint an auditor kept: the store must still hold everything it covered.
    """
    report = IntegrityReport(scope)
    checkpoints = kept_checkpoints(app, verifier, sink, scope, kept, report)
    if checkpoints:
        report.sealed_through = checkpoints[-1].checkpoint["through_position"]
    pending = deque(checkpoints)
    running = RunningDigest()
    streams: dict[UUID, LoggedLink] = {}
    through = 0
    for row in read_log(app):
        while pending and row.id > pending[0].checkpoint["through_position"]:
            running = check_checkpoint(pending[0], through, running, streams, report)
            through = pending.popleft().checkpoint["through_position"]
        if row.topic == LEDGER_TOPIC:
            continue
        read = _read(app, row, scope, report)
        if read is None:
            continue
        check_link(read, streams.get(read.logged.aggregate_id), report)
        streams[read.logged.aggregate_id] = read.logged
        running.add(read.logged)
        report.note_event(row.id, read.recorded_at)
    while pending:
        running = check_checkpoint(pending[0], through, running, streams, report)
        through = pending.popleft().checkpoint["through_position"]
    return report


def check_stream(
    app: Application[UUID], verifier: Verifier, sink: CheckpointSink | None, stream_id: UUID
) -> IntegrityReport:
    """Check one stream's links, and its head against the newest checkpoint that names it."""
    report = IntegrityReport(LOG_SCOPE)
    previous: LoggedLink | None = None
    scope: str | None = None
    for row in app.recorder.select_events(stream_id):
        read = _read(app, row, LOG_SCOPE, report)
        if read is None:
            continue
        scope = scope or read.clinic
        check_link(read, previous, report)
        previous = read.logged
        report.events_checked += 1
    report.scope = scope or LOG_SCOPE
    if previous is None:
        return report
    named = _newest_naming(app, verifier, sink, report.scope, stream_id, report)
    sealed_version = 0
    if named is not None:
        proof = head_proof(named.heads or {}, stream_id)
        assert proof is not None  # _newest_naming returns only a checkpoint that names it
        sealed_version = proof["version"]
        report.sealed_through = named.checkpoint["through_position"]
        report.proof = {"checkpoint": named.checkpoint, "head": proof}
        if previous.version < proof["version"]:
            detail = f"Version {proof['version']}, checkpointed, is gone."
            report.add(Break("missing", detail, proof["position"], stream_id, proof["version"]))
        elif _link_at(app, stream_id, proof["version"]) != proof["link"]:
            detail = f"Version {proof['version']} differs from the one checkpointed."
            report.add(Break("altered", detail, proof["position"], stream_id, proof["version"]))
    report.unsealed_events = max(previous.version - sealed_version, 0)
    return report


def _link_at(app: Application[UUID], stream_id: UUID, version: int) -> str | None:
    rows = app.recorder.select_events(stream_id, gt=version - 1, lte=version)
    try:
        return link_over(form_of_stored(app.mapper, rows[0])) if rows else None
    except Exception:  # an unreadable event was reported as such already
        return None


def _newest_naming(
    app: Application[UUID],
    verifier: Verifier,
    sink: CheckpointSink | None,
    scope: str,
    stream_id: UUID,
    report: IntegrityReport,
) -> Kept | None:
    """Return the newest valid checkpoint of `scope` that names the stream's head.

    The store's ledger is read newest first; its newest checkpoint must be the sink's newest.
    """
    newest = newest_recorded(app, scope)
    sequence = 0 if newest is None else newest.checkpoint["sequence"]
    if sink is not None and sink.get(scope, sequence + 1) is not None:
        detail = f"Checkpoint {sequence + 1} is kept outside the store but gone from it."
        report.add(Break("checkpoint_missing", detail))
    expected = None
    for row in _newest_first(app, ledger_id(scope)):
        kept = decoded_ledger_row(app, row, report)
        if kept is None:
            continue
        sequence = kept.checkpoint.get("sequence")
        if expected is not None and sequence != expected:
            detail = f"Checkpoints {sequence}-{expected} of this history are not all in the store."
            report.add(Break("checkpoint_missing", detail))
        expected = sequence - 1 if isinstance(sequence, int) else None
        problem = checkpoint_problem(verifier, kept, scope)
        if problem is not None:
            report.add(Break("bad_checkpoint", f"Checkpoint {sequence}: {problem}"))
            continue
        if str(stream_id) in (kept.heads or {}):
            return kept
    return None


def _read(
    app: Application[UUID], row: StoredEvent, scope: str, report: IntegrityReport
) -> ReadEvent | None:
    """Return a stored event's link and what it names, if it is of `scope`; note if unreadable."""
    position = getattr(row, "id", None)
    try:
        form = form_of_stored(app.mapper, row)
        state = form["state"]
        clinic = clinic_of(form)
    except Exception:  # whatever stops the decoding is itself the finding
        if scope == LOG_SCOPE:
            detail = "The stored event cannot be decoded."
            report.add(
                Break("unreadable", detail, position, stream_of(row), row.originator_version)
            )
        return None
    if scope != LOG_SCOPE and clinic != scope:
        return None
    logged = LoggedLink(position or 0, stream_of(row), row.originator_version, link_over(form))
    return ReadEvent(logged, state.get("previous_link"), state.get("timestamp"), clinic)


def check_link(read: ReadEvent, previous: LoggedLink | None, report: IntegrityReport) -> None:
    """Check that an event follows on from `previous` in its stream."""
    logged = read.logged
    stream, version, position = logged.aggregate_id, logged.version, logged.position or None
    expected = 1 if previous is None else previous.version + 1
    if version < expected:
        detail = f"Version {version} comes after version {expected - 1}."
        report.add(Break("out_of_order", detail, position, stream, version))
    elif version > expected:
        detail = f"Version {expected} is missing before version {version}."
        report.add(Break("missing", detail, position, stream, expected))
    elif read.previous_link != (previous.link if previous else GENESIS):
        if previous is None:
            detail = "The first event of the stream was altered."
            report.add(Break("altered", detail, position, stream, version))
        else:
            detail = f"The event no longer matches the link that version {version} recorded."
            where = previous.position or None
            report.add(Break("altered", detail, where, stream, previous.version))


def _newest_first(app: Application[UUID], stream_id: UUID) -> Iterator[StoredEvent]:
    """Yield a stream's stored events newest first, a page at a time."""
    below: int | None = None
    while True:
        page = app.recorder.select_events(stream_id, desc=True, lte=below, limit=READ_BATCH)
        yield from page
        if len(page) < READ_BATCH:
            return
        below = page[-1].originator_version - 1
