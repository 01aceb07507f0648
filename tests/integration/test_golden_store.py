"""A store written by an earlier version of Casework opens, replays and verifies as intact.

The golden store (`tests/golden/`, written by `make_store.py`) holds every event class. The hash
chain is taken over what is stored, so upcasting an event class on the way in changes nothing it
verifies, and new events written after an upcast still link to the stored form.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import resolve_topic

from casework.application import Casework
from casework.checkpoint_sink import DirectorySink
from casework.checkpoints import LEDGER_TOPIC, LOG_SCOPE
from casework.integrity import check_history
from casework.journey.commands import RecordAddendum
from casework.persistence import persistence_environment
from casework.signing import Signer, Verifier, new_signing_key

GOLDEN = Path(__file__).parent.parent / "golden"


@pytest.fixture
def golden(tmp_path: Path) -> Iterator[Casework]:
    """The golden store, copied: opened with the public key it was checkpointed under."""
    shutil.copyfile(GOLDEN / "store.sqlite", tmp_path / "store.sqlite")
    shutil.copytree(GOLDEN / "checkpoints", tmp_path / "checkpoints")
    newer = Signer(new_signing_key()[0])  # a rotated key: the old one still verifies
    public_keys = [(GOLDEN / "public_key.txt").read_text().strip(), newer.public_key_text]
    app = Casework(
        env=persistence_environment(f"sqlite:///{tmp_path / 'store.sqlite'}"),
        signer=newer,
        verifier=Verifier(public_keys),
        sink=DirectorySink(tmp_path / "checkpoints"),
    )
    yield app
    app.close()


def streams(app: Casework) -> dict[UUID, str]:
    """Return every stream of the log but the checkpoints', with the topic of its last event."""
    last: dict[UUID, str] = {}
    for each in app.recorder.select_notifications(1, 100_000):
        if each.topic != LEDGER_TOPIC:
            last[each.originator_id] = each.topic
    return last


def scopes(app: Casework) -> list[str]:
    return [LOG_SCOPE, *sorted(path.name for path in app.sink.directory.iterdir())]  # type: ignore[union-attr]


def test_the_golden_store_replays_and_verifies_as_intact(golden: Casework) -> None:
    for scope in scopes(golden):
        report = check_history(golden, golden.verifier, golden.sink, scope)
        assert report.intact, (scope, report.breaks)
        assert report.events_checked > 0
        assert report.unsealed_events == 0
    for stream_id in streams(golden):
        assert golden.repository.get(stream_id).version >= 1


def test_an_upcast_event_class_changes_nothing_the_chain_verifies(
    golden: Casework, monkeypatch: pytest.MonkeyPatch
) -> None:
    journeys = {i: t for i, t in streams(golden).items() if ".journey." in t}
    journey_id, topic = next(iter(journeys.items()))
    upcast: type[Any] = resolve_topic(topic)

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["actor_role"] = state["actor_role"].upper()  # what the code of tomorrow reads

    monkeypatch.setattr(upcast, "class_version", 2, raising=False)
    monkeypatch.setattr(upcast, "upcast_v1_v2", staticmethod(upcast_v1_v2), raising=False)
    journey = golden.repository.get(journey_id)
    assert journey.last_event.actor_role.isupper()  # the upcast ran
    assert golden.check_integrity(None).intact
    assert golden.check_integrity(None, journey_id).intact

    author = journey.last_event.actor_id
    lead = golden.repository.get(author).as_actor()
    golden.record_addendum(
        lead,
        RecordAddendum(
            journey_id=journey_id, entry_version=journey.version, text="Added after an upgrade"
        ),
    )
    golden.seal_log()
    for scope in scopes(golden):
        report = check_history(golden, golden.verifier, golden.sink, scope)
        assert report.intact, (scope, report.breaks)
    assert golden.check_integrity(None, journey_id).intact
