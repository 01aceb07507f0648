"""Checkpoints as the ledger and the sinks keep them: read, compared, checked against the log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from casework.checkpoint_sink import CheckpointSink
from casework.checkpoints import (
    Checkpoint,
    Heads,
    LoggedLink,
    RunningDigest,
    follows,
    heads_root,
    ledger_id,
    signature_problem,
)
from casework.integrity_report import EVENT_PROBLEMS, Break, IntegrityReport
from casework.signing import Verifier


@dataclass(frozen=True)
class Kept:
    """A checkpoint as the ledger or a sink holds it: the signed statement and its heads."""

    checkpoint: Checkpoint
    heads: Heads | None  # None for a checkpoint an auditor kept on its own


def check_checkpoint(
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


def kept_checkpoints(
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
        decoded = decoded_ledger_row(app, row, report)
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
        problem = checkpoint_problem(verifier, candidate, scope)
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
    problem = checkpoint_problem(verifier, Kept(kept, None), scope)
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


def checkpoint_problem(verifier: Verifier, kept: Kept, scope: str) -> str | None:
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


def decoded_ledger_row(
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
