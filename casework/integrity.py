"""Seal the event log into signed checkpoints, and check the stored history against them.

Every stored event names the link of the one before it in its stream (`casework.chain`), so an
edit, deletion or reordering inside a stream breaks the next link. What no later link covers (the
newest events, a cut-off tail, a whole deleted stream) the checkpoints cover: each says how many
events its history held through a log position and what they hash to, and names the head of
every stream it saw move, signed by a key the database's operator does not hold.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification, RecordConflictError, StoredEvent
from eventsourcing.utils import get_topic

from casework.chain import GENESIS, form_of_stored, link_over
from casework.checkpoint_sink import CheckpointSink
from casework.checkpoints import (
    LEDGER_TOPIC,
    LOG_SCOPE,
    Checkpoint,
    CheckpointRecorded,
    Heads,
    LoggedLink,
    Range,
    RunningDigest,
    follows,
    head_proof,
    heads_root,
    ledger_id,
    new_checkpoint,
    signature_problem,
)
from casework.clinic import Clinic
from casework.clock import utc_now
from casework.signing import Signer, Verifier

READ_BATCH = 1000
SEAL_LIMIT = 5000
"""The most events one round of sealing covers, so that a checkpoint's heads stay modest."""
MAX_BREAKS = 100
CLINIC_REGISTERED = get_topic(Clinic.Registered)
EVENT_PROBLEMS = {"altered", "missing", "added", "out_of_order", "reordered", "unreadable"}
"""Breaks that name events; the rest name checkpoints."""


class SealingRefused(Exception):
    """Raised when sealing would bless a damaged history: the store lost checkpoints the sink
    holds, or an event cannot be read. Nothing is signed until an operator has looked."""


@dataclass(frozen=True)
class Break:
    """One place where the stored history does not match what was written and checkpointed."""

    problem: str
    detail: str
    position: int | None = None
    aggregate_id: UUID | None = None
    version: int | None = None


@dataclass
class IntegrityReport:
    """The outcome of a check of one history: how much was checked, and every break found."""

    scope: str
    last_position: int = 0
    """The log position of the history's newest event."""
    events_checked: int = 0
    checkpoints_checked: int = 0
    sealed_through: int = 0
    unsealed_events: int = 0
    oldest_unsealed_at: datetime | None = None
    breaks: list[Break] = field(default_factory=list)
    proof: dict[str, Any] | None = None
    """For one stream: the newest checkpoint that names its head, and the proof that it does."""

    @property
    def intact(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    @property
    def oldest_unsealed_age_seconds(self) -> float | None:
        if self.oldest_unsealed_at is None:
            return None
        return max((utc_now() - self.oldest_unsealed_at).total_seconds(), 0.0)

    def add(self, found: Break) -> None:
        """Note a break once (the first hundred are kept; the first is what a reader needs)."""
        where = (found.aggregate_id, found.version)
        if found.aggregate_id and any((b.aggregate_id, b.version) == where for b in self.breaks):
            return
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(found)
            self.breaks.sort(key=lambda each: math.inf if each.position is None else each.position)

    def note_event(self, position: int, recorded_at: object) -> None:
        self.events_checked += 1
        self.last_position = position
        if position > self.sealed_through:
            self.unsealed_events += 1
            if self.oldest_unsealed_at is None and isinstance(recorded_at, datetime):
                self.oldest_unsealed_at = recorded_at


@dataclass(frozen=True)
class Kept:
    """A checkpoint as the ledger or a sink holds it: the signed statement and its heads."""

    checkpoint: Checkpoint
    heads: Heads | None  # None for a checkpoint an auditor kept on its own


def clinic_of(form: dict[str, Any]) -> str | None:
    """Return the clinic whose history a stored event belongs to (None: the operator's alone).

    Raises TypeError when the stored state is not a mapping, or names a clinic that is no id:
    the event cannot be read.
    """
    state = form["state"]
    if not isinstance(state, dict):
        raise TypeError("the stored state is not a mapping")
    clinic = state.get("clinic_id")
    if clinic is not None:
        if not isinstance(clinic, UUID):
            raise TypeError("the stored clinic is not an id")
        return str(clinic)
    if form["topic"] == CLINIC_REGISTERED:
        return str(UUID(str(form["originator_id"])))
    return None


# -- sealing -------------------------------------------------------------------------------


def seal_log(app: Application[UUID], signer: Signer, sink: CheckpointSink | None) -> int:
    """Checkpoint every event written so far, SEAL_LIMIT at a time; return how many.

    Each round signs one checkpoint of the whole log and one of each clinic it touched, saves
    them in one transaction, then appends them to the sink. Raises SealingRefused, and seals
    nothing, when the sink holds checkpoints the store lost: the store was cut or restored.
    """
    sealed = 0
    while True:
        last = _newest(app, LOG_SCOPE)
        _agree_with_sink(app, sink, LOG_SCOPE, last, signer)
        start = 1 if last is None else last.checkpoint["through_position"] + 1
        rows = app.recorder.select_notifications(start, SEAL_LIMIT)
        entries = [row for row in rows if row.topic != LEDGER_TOPIC]
        if not entries:
            return sealed  # nothing new but checkpoints: an idle log gets no checkpoint of them
        gained = {LOG_SCOPE: Range(RunningDigest.after(_checkpoint_of(last)))}
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
            logged = LoggedLink(row.id, _stream(row), row.originator_version, link_over(form))
            gained[LOG_SCOPE].add(logged)
            if clinic is not None:
                if clinic not in gained:
                    newest[clinic] = _newest(app, clinic)
                    _agree_with_sink(app, sink, clinic, newest[clinic], signer)
                    gained[clinic] = Range(RunningDigest.after(_checkpoint_of(newest[clinic])))
                gained[clinic].add(logged)
        now = utc_now()
        recorded = [
            CheckpointRecorded(
                originator_id=ledger_id(scope),
                originator_version=1 if newest[scope] is None else _version(newest[scope]) + 1,
                timestamp=now,
                checkpoint=new_checkpoint(
                    signer, scope, _checkpoint_of(newest[scope]), rows[-1].id, range_, now
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


@dataclass(frozen=True)
class _Newest:
    version: int
    checkpoint: Checkpoint
    heads: Heads


def _newest(app: Application[UUID], scope: str) -> _Newest | None:
    rows = app.recorder.select_events(ledger_id(scope), desc=True, limit=1)
    if not rows:
        return None
    recorded = cast(CheckpointRecorded, app.mapper.to_domain_event(rows[0]))
    return _Newest(rows[0].originator_version, recorded.checkpoint, recorded.heads)


def _checkpoint_of(newest: _Newest | None) -> Checkpoint | None:
    return None if newest is None else newest.checkpoint


def _version(newest: _Newest | None) -> int:
    return 0 if newest is None else newest.version


def _agree_with_sink(
    app: Application[UUID],
    sink: CheckpointSink | None,
    scope: str,
    newest: _Newest | None,
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
    checkpoint = _checkpoint_of(_newest(app, scope))
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


# -- checking ------------------------------------------------------------------------------


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
    checkpoints = _checkpoints(app, verifier, sink, scope, kept, report)
    if checkpoints:
        report.sealed_through = checkpoints[-1].checkpoint["through_position"]
    pending = deque(checkpoints)
    running = RunningDigest()
    streams: dict[UUID, LoggedLink] = {}
    through = 0
    for row in _log(app):
        while pending and row.id > pending[0].checkpoint["through_position"]:
            running = _check_checkpoint(pending[0], through, running, streams, report)
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
        running = _check_checkpoint(pending[0], through, running, streams, report)
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
    newest = _newest(app, scope)
    sequence = 0 if newest is None else newest.checkpoint["sequence"]
    if sink is not None and sink.get(scope, sequence + 1) is not None:
        detail = f"Checkpoint {sequence + 1} is kept outside the store but gone from it."
        report.add(Break("checkpoint_missing", detail))
    expected = None
    for row in _newest_first(app, ledger_id(scope)):
        kept = _decoded_ledger_row(app, row, report)
        if kept is None:
            continue
        sequence = kept.checkpoint.get("sequence")
        if expected is not None and sequence != expected:
            detail = f"Checkpoints {sequence}-{expected} of this history are not all in the store."
            report.add(Break("checkpoint_missing", detail))
        expected = sequence - 1 if isinstance(sequence, int) else None
        problem = _problem(verifier, kept, scope)
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
            report.add(Break("unreadable", detail, position, _stream(row), row.originator_version))
        return None
    if scope != LOG_SCOPE and clinic != scope:
        return None
    logged = LoggedLink(position or 0, _stream(row), row.originator_version, link_over(form))
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


def _check_checkpoint(
    kept: Kept,
    previous_through: int,
    running: RunningDigest,
    streams: dict[UUID, LoggedLink],
    report: IntegrityReport,
) -> RunningDigest:
    """Check the history against one checkpoint; return the digest to go on from."""
    checkpoint = kept.checkpoint
    through, sequence = checkpoint["through_position"], checkpoint["sequence"]
    report.checkpoints_checked += 1
    for stream_id, (version, link, position) in (kept.heads or {}).items():
        stream = UUID(stream_id)
        now = streams.get(stream)
        if now is not None and now.version > version:
            continue  # a later event of the stream sits inside the range: the digest decides
        if now is None or now.version < version:
            detail = f"Version {version}, covered by checkpoint {sequence}, is gone."
            report.add(Break("missing", detail, position, stream, version))
        elif now.link != link:
            detail = f"The event differs from the one checkpoint {sequence} covered."
            report.add(Break("altered", detail, now.position or position, stream, version))
    if (running.count, running.digest) == (checkpoint["event_count"], checkpoint["log_digest"]):
        return running
    located = any(
        each.problem in EVENT_PROBLEMS
        and each.position is not None
        and previous_through < each.position <= through
        for each in report.breaks
    )
    if not located:
        counted, found = checkpoint["event_count"], running.count
        problem = "missing" if found < counted else "added" if found > counted else "reordered"
        detail = (
            f"The history no longer holds what checkpoint {sequence} covered in positions"
            f" {previous_through + 1}-{through}: {found} events where it counted {counted}."
        )
        report.add(Break(problem, detail, previous_through + 1))
    return RunningDigest.after(checkpoint)  # judge the next checkpoint on its own range


def _checkpoints(
    app: Application[UUID],
    verifier: Verifier,
    sink: CheckpointSink | None,
    scope: str,
    kept: Checkpoint | None,
    report: IntegrityReport,
) -> list[Kept]:
    """Return a history's valid checkpoints, in order: the store's, the sink's and the kept one.

    A copy outside the store wins over the store's; every disagreement is a break.
    """
    inside: dict[int, Kept] = {}
    for row in app.recorder.select_events(ledger_id(scope)):
        decoded = _decoded_ledger_row(app, row, report)
        if decoded is not None and isinstance(decoded.checkpoint.get("sequence"), int):
            inside[decoded.checkpoint["sequence"]] = decoded
    merged = dict(inside)
    outside_only: list[int] = []
    for sequence, (checkpoint, heads) in _sink_copies(sink, scope):
        merged[sequence] = Kept(checkpoint, heads)
        if sequence not in inside:
            outside_only.append(sequence)
        elif inside[sequence].checkpoint != checkpoint:
            detail = f"Checkpoint {sequence} in the store differs from the copy kept outside it."
            report.add(Break("checkpoint_mismatch", detail, checkpoint.get("through_position")))
    for first, last in _runs(outside_only):
        detail = f"Checkpoints {first}-{last} are kept outside the store but gone from it."
        position = merged[first].checkpoint.get("through_position")
        report.add(Break("checkpoint_missing", detail, position))
    if kept is not None:
        _take_kept(kept, verifier, scope, merged, report)
    valid: list[Kept] = []
    for sequence in sorted(merged):
        candidate = merged[sequence]
        problem = _problem(verifier, candidate, scope)
        if problem is not None:
            report.add(Break("bad_checkpoint", f"Checkpoint {sequence}: {problem}"))
            continue
        previous = valid[-1].checkpoint if valid else None
        if not follows(candidate.checkpoint, previous):
            before = 0 if previous is None else previous["sequence"]
            detail = f"Checkpoint {sequence} does not follow checkpoint {before}."
            if sequence > before + 1:
                detail += " The checkpoints between them are gone."
            problem = "checkpoint_missing" if sequence > before + 1 else "bad_checkpoint"
            report.add(Break(problem, detail, candidate.checkpoint["through_position"]))
            if sequence <= before or candidate.checkpoint["through_position"] <= (
                0 if previous is None else previous["through_position"]
            ):
                continue
        valid.append(candidate)
    return valid


def _sink_copies(
    sink: CheckpointSink | None, scope: str
) -> Iterator[tuple[int, tuple[Checkpoint, Heads]]]:
    for sequence in [] if sink is None else sink.sequences(scope):
        yield sequence, (sink.get(scope, sequence) if sink else None) or ({}, {})


def _take_kept(
    kept: Checkpoint,
    verifier: Verifier,
    scope: str,
    merged: dict[int, Kept],
    report: IntegrityReport,
) -> None:
    """Hold the history to a checkpoint an auditor kept: it wins over any other copy."""
    problem = _problem(verifier, Kept(kept, None), scope)
    if problem is not None:
        report.add(Break("bad_checkpoint", f"The checkpoint given: {problem}"))
        return
    sequence, through = kept["sequence"], kept["through_position"]
    have = merged.get(sequence)
    if have is None:
        detail = f"Checkpoint {sequence}, which was kept, is gone from the store."
        report.add(Break("checkpoint_missing", detail, through))
    elif have.checkpoint != kept:
        detail = f"Checkpoint {sequence} differs from the one that was kept."
        report.add(Break("checkpoint_mismatch", detail, through))
    else:
        return
    merged[sequence] = Kept(kept, None)


def _problem(verifier: Verifier, kept: Kept, scope: str) -> str | None:
    """Return why a kept checkpoint cannot be relied on, or None."""
    problem = signature_problem(verifier, kept.checkpoint)
    if problem is not None:
        return problem
    if kept.checkpoint["scope"] != scope:
        return "It is a checkpoint of another history."
    if kept.heads is not None and not _heads_match(kept):
        return "Its heads do not match the root it signed."
    return None


def _heads_match(kept: Kept) -> bool:
    try:
        return bool(heads_root(cast(Heads, kept.heads)) == kept.checkpoint["heads_root"])
    except (TypeError, ValueError, IndexError, KeyError):
        return False


def _decoded_ledger_row(
    app: Application[UUID], row: StoredEvent, report: IntegrityReport
) -> Kept | None:
    try:
        recorded = app.mapper.to_domain_event(row)
        checkpoint, heads = recorded.checkpoint, recorded.heads  # type: ignore[attr-defined]
    except Exception:  # whatever stops the decoding is itself the finding
        detail = f"Checkpoint record {row.originator_version} cannot be decoded."
        report.add(Break("bad_checkpoint", detail))
        return None
    if not isinstance(checkpoint, dict) or not isinstance(heads, dict):
        report.add(
            Break("bad_checkpoint", f"Checkpoint record {row.originator_version} is malformed.")
        )
        return None
    return Kept(checkpoint, heads)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Return the runs of consecutive numbers in a sorted list, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def _newest_first(app: Application[UUID], stream_id: UUID) -> Iterator[StoredEvent]:
    """Yield a stream's stored events newest first, a page at a time."""
    below: int | None = None
    while True:
        page = app.recorder.select_events(stream_id, desc=True, lte=below, limit=READ_BATCH)
        yield from page
        if len(page) < READ_BATCH:
            return
        below = page[-1].originator_version - 1


def _stream(row: StoredEvent) -> UUID:
    return cast(UUID, row.originator_id)


def _log(app: Application[UUID]) -> Iterator[Notification]:
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, READ_BATCH)
        yield from batch
        if len(batch) < READ_BATCH:
            return
        start = batch[-1].id + 1
