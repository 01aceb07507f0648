"""Seals: signed summaries of consecutive ranges of the event log, kept in one ledger stream.

A seal covers the log positions `from_position`..`to_position`. It records how many events
the range holds, a digest of their positions, streams, versions and links in log order, and the
head (version and link) every stream had at the end of the range, then signs all of that and
the previous seal's signature with HMAC-SHA256 under a key only the server holds. Someone who
edits the stored rows can recompute the hash chain, but not the signature.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from casework.chain import ChainedAggregate, canonical_json

SEAL_LEDGER_ID = uuid5(NAMESPACE_URL, "casework:integrity-seals")


@dataclass(frozen=True)
class LoggedLink:
    """One stored event as the seals see it: where it is, whose it is, and its link."""

    position: int
    aggregate_id: UUID
    version: int
    link: str


class RangeDigest:
    """The running digest of a log range, in log order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, logged: LoggedLink) -> None:
        """Take the next event of the range into the digest."""
        line = f"{logged.position}:{logged.aggregate_id}:{logged.version}:{logged.link}\n"
        self._hash.update(line.encode())
        self.count += 1

    def hexdigest(self) -> str:
        """Return the digest of the events added so far."""
        return self._hash.hexdigest()


def seal_signature(key: bytes, seal: dict[str, Any]) -> str:
    """Return the HMAC-SHA256 of a seal's fields (all but its own signature)."""
    fields = {name: value for name, value in seal.items() if name != "signature"}
    return hmac.new(key, canonical_json(fields), hashlib.sha256).hexdigest()


def heads_of(links: Iterable[LoggedLink]) -> dict[str, list[Any]]:
    """Return each stream's last version and link among `links`, keyed by stream id."""
    return {str(logged.aggregate_id): [logged.version, logged.link] for logged in links}


class SealLedger(ChainedAggregate):
    """The stream of seals; its state is only what the next seal must continue from."""

    class Started(ChainedAggregate.Created):
        pass

    @event(Started)
    def __init__(self, id: UUID) -> None:
        self.sealed_through = 0
        self.last_signature = ""

    class Sealed(ChainedAggregate.Event):
        from_position: int
        to_position: int
        event_count: int
        digest: str
        heads: dict[str, list[Any]]
        previous_signature: str
        signature: str

    def seal(self, key: bytes, links: list[LoggedLink]) -> None:
        """Seal the log range these links cover, which must start where the last seal ended."""
        digest = RangeDigest()
        for logged in links:
            digest.add(logged)
        fields: dict[str, Any] = {
            "from_position": self.sealed_through + 1,
            "to_position": links[-1].position,
            "event_count": digest.count,
            "digest": digest.hexdigest(),
            "heads": heads_of(links),
            "previous_signature": self.last_signature,
        }
        self._seal(**fields, signature=seal_signature(key, fields))

    @event(Sealed)
    def _seal(
        self,
        from_position: int,
        to_position: int,
        event_count: int,
        digest: str,
        heads: dict[str, list[Any]],
        previous_signature: str,
        signature: str,
    ) -> None:
        self.sealed_through = to_position
        self.last_signature = signature
