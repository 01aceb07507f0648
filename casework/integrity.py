"""Seal the event log, and check the stored history against its hash chain and its seals."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import Notification, RecordConflictError, StoredEvent

from casework.chain import GENESIS, link_of
from casework.seals import SEAL_LEDGER_ID, LoggedLink, RangeDigest, SealLedger, seal_signature

READ_BATCH = 1000
SEAL_LIMIT = 5000
"""The most events one seal covers, so that a seal's heads stay a modest size."""
MAX_BREAKS = 100
SEAL_FIELDS = (
    "from_position",
    "to_position",
    "event_count",
    "digest",
    "heads",
    "previous_signature",
    "signature",
)


@dataclass(frozen=True)
class Break:
    """One place where the stored history does not match what was written and sealed."""

    problem: str
    detail: str
    position: int | None = None
    aggregate_id: UUID | None = None
    version: int | None = None


@dataclass
class IntegrityReport:
    """The outcome of a check: how much was checked, and every break found, in log order."""

    last_position: int
    events_checked: int = 0
    seals_checked: int = 0
    sealed_through: int = 0
    breaks: list[Break] = field(default_factory=list)
    sealed_heads: list[dict[str, Any]] = field(default_factory=list)
    """For one stream: each seal that signed its head — the range, the version and its link."""

    @property
    def intact(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    @property
    def unsealed_events(self) -> int:
        return max(self.last_position - self.sealed_through, 0)

    def add(self, found: Break) -> None:
        """Note a break once (the first hundred are kept; the first is what a reader needs)."""
        where = (found.aggregate_id, found.version)
        if found.aggregate_id and any((b.aggregate_id, b.version) == where for b in self.breaks):
            return
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(found)
            self.breaks.sort(key=lambda each: math.inf if each.position is None else each.position)


def seal_log(app: Application[UUID], key: bytes) -> int:
    """Seal every event written so far, at most SEAL_LIMIT to a seal; return how many.

    Each seal is itself an event: the next run seals it along with whatever was written since.
    """
    sealed, head = 0, app.recorder.max_notification_id() or 0
    while True:
        try:
            ledger: SealLedger = app.repository.get(SEAL_LEDGER_ID)
        except AggregateNotFoundError:
            ledger = SealLedger(id=SEAL_LEDGER_ID)
        start = ledger.sealed_through + 1
        stored = app.recorder.select_notifications(start, SEAL_LIMIT, stop=head)
        if all(each.originator_id == SEAL_LEDGER_ID for each in stored):
            return sealed  # nothing new but the last seal: an idle log gets no seal of seals
        ledger.seal(key, [_logged(app, each, each.id) for each in stored])
        try:
            app.save(ledger)
        except RecordConflictError:
            return sealed  # another sealer got there first; its seal covers these events
        sealed += len(stored)


def check_store(app: Application[UUID], key: bytes) -> IntegrityReport:
    """Check every stored event's link and every seal."""
    report = IntegrityReport(last_position=app.recorder.max_notification_id() or 0)
    seals = deque(_seals(app, key, report))
    heads: dict[UUID, LoggedLink] = {}
    digest = RangeDigest()
    for stored in _log(app):
        while seals and stored.id > seals[0]["to_position"]:
            _check_seal(seals.popleft(), digest, heads, report)
            digest = RangeDigest()
        logged = _check_link(
            app, stored, stored.id, heads.get(cast(UUID, stored.originator_id)), report
        )
        heads[logged.aggregate_id] = logged
        report.events_checked += 1
        if seals and stored.id >= seals[0]["from_position"]:
            digest.add(logged)
    for seal in seals:
        _check_seal(seal, digest, heads, report)
        digest = RangeDigest()
    return report


def check_stream(app: Application[UUID], key: bytes, stream_id: UUID) -> IntegrityReport:
    """Check one stream's links, and its head in every seal that names it."""
    report = IntegrityReport(last_position=app.recorder.max_notification_id() or 0)
    by_version: dict[int, LoggedLink] = {}
    previous: LoggedLink | None = None
    for stored in app.recorder.select_events(stream_id):
        previous = _check_link(app, stored, None, previous, report)
        by_version[previous.version] = previous
        report.events_checked += 1
    for seal in _seals(app, key, report):
        head = seal["heads"].get(str(stream_id))
        if head is not None:
            _check_head(stream_id, head, by_version.get(head[0]), _span(seal), report)
            report.sealed_heads.append(
                {
                    "from_position": seal["from_position"],
                    "to_position": seal["to_position"],
                    "version": head[0],
                    "link": head[1],
                    "signature": seal["signature"],
                }
            )
    return report


def _check_link(
    app: Application[UUID],
    stored: StoredEvent,
    position: int | None,
    previous: LoggedLink | None,
    report: IntegrityReport,
) -> LoggedLink:
    """Check that `stored` follows on from `previous` in its stream; return its link."""
    stream, version = cast(UUID, stored.originator_id), stored.originator_version
    try:
        event = app.mapper.to_domain_event(stored)
    except Exception:  # whatever stops the decoding is itself the finding
        report.add(
            Break("unreadable", "The stored event cannot be decoded.", position, stream, version)
        )
        return LoggedLink(position or 0, stream, version, "")
    expected = 1 if previous is None else previous.version + 1
    if version < expected:
        detail = f"Version {version} comes after version {expected - 1}."
        report.add(Break("out_of_order", detail, position, stream, version))
    elif version > expected:
        detail = f"Version {expected} is missing before version {version}."
        report.add(Break("missing", detail, position, stream, expected))
    elif getattr(event, "previous_link", None) != (previous.link if previous else GENESIS):
        if previous is None:
            detail = "The first event of the stream was altered."
            report.add(Break("altered", detail, position, stream, version))
        else:
            detail = f"The event no longer matches the link that version {version} recorded."
            report.add(
                Break("altered", detail, previous.position or None, stream, previous.version)
            )
    return LoggedLink(position or 0, stream, version, link_of(event))


def _check_seal(
    seal: dict[str, Any],
    digest: RangeDigest,
    heads: dict[UUID, LoggedLink],
    report: IntegrityReport,
) -> None:
    """Check a seal's heads against the streams at the end of its range, then its digest."""
    report.seals_checked += 1
    for stream_id, head in seal["heads"].items():
        stream = UUID(stream_id)
        now = heads.get(stream)
        at_head = now if now is not None and now.version == head[0] else None
        if now is not None and now.version > head[0]:
            continue  # a later event of the stream sits inside the range: the digest decides
        _check_head(stream, head, at_head, _span(seal), report)
    first, last = seal["from_position"], seal["to_position"]
    located = any(
        found.position is None or first <= found.position <= last for found in report.breaks
    )
    if not located and (digest.count, digest.hexdigest()) != (seal["event_count"], seal["digest"]):
        detail = f"Events in {_span(seal)} were added, removed or moved."
        report.add(Break("reordered", detail, seal["from_position"]))


def _check_head(
    stream: UUID, head: list[Any], found: LoggedLink | None, span: str, report: IntegrityReport
) -> None:
    version, link = head
    if found is None:
        report.add(
            Break(
                "missing", f"Version {version}, sealed in {span}, is gone.", None, stream, version
            )
        )
    elif found.link != link:
        detail = f"The event differs from the one sealed in {span}."
        report.add(Break("altered", detail, found.position or None, stream, version))


def _seals(app: Application[UUID], key: bytes, report: IntegrityReport) -> Iterator[dict[str, Any]]:
    """Yield the seals whose signature holds, noting any that is forged or out of sequence."""
    through, signature = 0, ""
    for sealed in app.events.get(SEAL_LEDGER_ID):
        if not isinstance(sealed, SealLedger.Sealed):
            continue
        seal = {name: getattr(sealed, name) for name in SEAL_FIELDS}
        follows_on = (
            seal["from_position"] == through + 1 and seal["previous_signature"] == signature
        )
        if seal_signature(key, seal) != seal["signature"] or not follows_on:
            detail = f"The seal over {_span(seal)} is not one this server signed in sequence."
            report.add(Break("bad_seal", detail, seal["from_position"]))
            continue
        through, signature = seal["to_position"], seal["signature"]
        report.sealed_through = through
        yield seal


def _span(seal: dict[str, Any]) -> str:
    return f"positions {seal['from_position']}-{seal['to_position']}"


def _logged(app: Application[UUID], stored: StoredEvent, position: int) -> LoggedLink:
    event = app.mapper.to_domain_event(stored)
    return LoggedLink(
        position, cast(UUID, stored.originator_id), stored.originator_version, link_of(event)
    )


def _log(app: Application[UUID]) -> Iterator[Notification]:
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, READ_BATCH)
        yield from batch
        if len(batch) < READ_BATCH:
            return
        start = batch[-1].id + 1
