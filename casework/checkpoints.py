"""Checkpoints: signed statements of how far a history reached, and what it held.

A history (a *scope*) is either the whole log (`LOG_SCOPE`, the operator's) or one clinic's
events (the scope is the clinic's id). A checkpoint of a scope says: through log position
`through_position`, the scope held `event_count` events, whose entries (position, stream,
version, link), in log order, hash to `log_digest` (a running SHA-256, one step per event, so
any later verifier recomputes it without knowing earlier checkpoints); `heads_root` is the
Merkle root of the head (version and link) that each stream touched since the previous
checkpoint reached; `previous` is the hash of that previous checkpoint. The sealer signs all of
it with Ed25519 (`casework.signing`); the API and auditors verify with the public key alone.

Checkpoints are stored as `CheckpointRecorded` events in one ledger stream per scope, and also
in a sink outside the database (`casework.checkpoint_sink`). The ledger's own events are not part
of any scope's history: each stands on its signature and on the `previous` hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from casework import merkle
from casework.chain import GENESIS, canonical_json
from casework.signing import Signer, Verifier

LOG_SCOPE = "log"
FORMAT = "casework-checkpoint/1"

BODY_FIELDS = (
    "format",
    "scope",
    "sequence",
    "through_position",
    "event_count",
    "log_digest",
    "heads_root",
    "previous",
    "signed_at",
    "key_id",
)
"""What a checkpoint's signature covers; the checkpoint is these and `signature`."""

Checkpoint = dict[str, Any]
Heads = dict[str, list[Any]]
"""Stream id → [version, link, log position] of its last event in a checkpoint's range."""


def ledger_id(scope: str) -> UUID:
    """Return the id of the stream that holds a scope's checkpoints."""
    return uuid5(NAMESPACE_URL, f"casework:checkpoints:{scope}")


@dataclass(frozen=True)
class CheckpointRecorded(DomainEvent):
    """One checkpoint, with the stream heads its `heads_root` is taken over."""

    checkpoint: Checkpoint
    heads: Heads


LEDGER_TOPIC = get_topic(CheckpointRecorded)


@dataclass(frozen=True)
class LoggedLink:
    """One stored event as a checkpoint sees it: where it is, whose it is, and its link."""

    position: int
    aggregate_id: UUID
    version: int
    link: str


@dataclass
class RunningDigest:
    """A scope's running digest: one SHA-256 step per event, in log order."""

    digest: str = GENESIS
    count: int = 0

    def add(self, logged: LoggedLink) -> None:
        """Take the next event of the scope into the digest."""
        line = f"{logged.position}:{logged.aggregate_id}:{logged.version}:{logged.link}"
        self.digest = hashlib.sha256(bytes.fromhex(self.digest) + line.encode()).hexdigest()
        self.count += 1

    @classmethod
    def after(cls, checkpoint: Checkpoint | None) -> RunningDigest:
        """Return the digest as it stood at `checkpoint` (at the start, if None)."""
        if checkpoint is None:
            return cls()
        return cls(checkpoint["log_digest"], checkpoint["event_count"])


@dataclass
class Range:
    """What a scope gained since its last checkpoint: the digest moved on, the heads reached."""

    digest: RunningDigest
    heads: Heads = field(default_factory=dict)

    def add(self, logged: LoggedLink) -> None:
        self.digest.add(logged)
        self.heads[str(logged.aggregate_id)] = [logged.version, logged.link, logged.position]


def _leaf(stream: str, version: object, link: object, position: object) -> bytes:
    return merkle.leaf_hash(f"{stream}:{version}:{link}:{position}".encode())


def _sorted_leaves(heads: Heads) -> tuple[list[str], list[bytes]]:
    streams = sorted(heads)
    return streams, [_leaf(stream, *heads[stream]) for stream in streams]


def heads_root(heads: Heads) -> str:
    """Return the Merkle root of a checkpoint's heads (leaves sorted by stream id)."""
    return merkle.root(_sorted_leaves(heads)[1]).hex()


def head_proof(heads: Heads, stream_id: UUID) -> dict[str, Any] | None:
    """Return the proof that `heads` names this stream's head; None if it does not."""
    streams, leaves = _sorted_leaves(heads)
    key = str(stream_id)
    if key not in heads:
        return None
    index = streams.index(key)
    version, link, position = heads[key]
    return {
        "version": version,
        "link": link,
        "position": position,
        "index": index,
        "size": len(leaves),
        "path": [node.hex() for node in merkle.inclusion_path(leaves, index)],
    }


def proves_head(proof: dict[str, Any], stream_id: str, checkpoint: Checkpoint) -> bool:
    """Return whether `proof` shows that `checkpoint`'s heads root names this head."""
    try:
        leaf = _leaf(stream_id, proof["version"], proof["link"], proof["position"])
        path = [bytes.fromhex(node) for node in proof["path"]]
        found = merkle.root_from_path(leaf, int(proof["index"]), int(proof["size"]), path)
    except (KeyError, TypeError, ValueError):
        return False
    return found is not None and found.hex() == checkpoint.get("heads_root")


def checkpoint_hash(checkpoint: Checkpoint) -> str:
    """Return the hash a checkpoint is named by in the next one (its signature included)."""
    return hashlib.sha256(canonical_json(checkpoint)).hexdigest()


def _body(checkpoint: Checkpoint) -> bytes:
    return canonical_json({name: checkpoint.get(name) for name in BODY_FIELDS})


def new_checkpoint(
    signer: Signer,
    scope: str,
    previous: Checkpoint | None,
    through_position: int,
    gained: Range,
    signed_at: datetime,
) -> Checkpoint:
    """Return the signed checkpoint that follows `previous` in `scope`."""
    checkpoint: Checkpoint = {
        "format": FORMAT,
        "scope": scope,
        "sequence": 1 if previous is None else previous["sequence"] + 1,
        "through_position": through_position,
        "event_count": gained.digest.count,
        "log_digest": gained.digest.digest,
        "heads_root": heads_root(gained.heads),
        "previous": GENESIS if previous is None else checkpoint_hash(previous),
        "signed_at": signed_at.isoformat(),
        "key_id": signer.key_id,
    }
    checkpoint["signature"] = signer.sign(_body(checkpoint))
    return checkpoint


def signature_problem(verifier: Verifier, checkpoint: object) -> str | None:
    """Return why `checkpoint` is not a well-formed checkpoint signed by a known key, or None."""
    if not isinstance(checkpoint, dict) or set(checkpoint) != {*BODY_FIELDS, "signature"}:
        return "It is not a checkpoint: its fields are not the ones a checkpoint has."
    if checkpoint["format"] != FORMAT:
        return "It is not in a checkpoint format this server knows."
    if not verifier.knows(str(checkpoint["key_id"])):
        return "It was signed by a key this server does not know."
    if not verifier.verify(str(checkpoint["key_id"]), _body(checkpoint), checkpoint["signature"]):
        return "Its signature does not hold: it was altered or forged."
    numbers = ("sequence", "through_position", "event_count")
    if not all(type(checkpoint[name]) is int and checkpoint[name] >= 0 for name in numbers):
        return "Its counts are not whole numbers."
    return None


def follows(checkpoint: Checkpoint, previous: Checkpoint | None) -> bool:
    """Return whether `checkpoint` continues `previous` (or starts its scope, if None)."""
    if previous is None:
        return bool(checkpoint["sequence"] == 1 and checkpoint["previous"] == GENESIS)
    return bool(
        checkpoint["sequence"] == previous["sequence"] + 1
        and checkpoint["previous"] == checkpoint_hash(previous)
        and checkpoint["through_position"] > previous["through_position"]
        and checkpoint["event_count"] > previous["event_count"]
    )
