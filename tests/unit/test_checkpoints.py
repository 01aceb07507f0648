"""Checkpoints, their Merkle heads and the offline check hold against forgery and garbage."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import merkle
from casework.application import Casework
from casework.checkpoints import (
    BODY_FIELDS,
    LoggedLink,
    Range,
    RunningDigest,
    head_proof,
    new_checkpoint,
    proves_head,
    signature_problem,
)
from casework.offline import verify_export
from casework.roles import Role
from casework.signing import Signer, Verifier, new_signing_key
from tests.support.scenario import every_event_scenario

SIGNER = Signer(new_signing_key()[0])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def a_checkpoint(heads: int = 3) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    gained = Range(RunningDigest())
    for position in range(1, heads + 1):
        gained.add(LoggedLink(position, uuid4(), 1, f"{position:064x}"))
    checkpoint = new_checkpoint(SIGNER, "log", None, heads, gained, datetime.now(UTC))
    return checkpoint, gained.heads


@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_leaf_is_proven_and_no_other(size: int, data: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(str(number).encode()) for number in range(size)]
    root = merkle.root(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    path = merkle.inclusion_path(leaves, index)
    assert merkle.root_from_path(leaves[index], index, size, path) == root
    if size > 1:
        other = data.draw(st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index))
        assert merkle.root_from_path(leaves[other], index, size, path) != root
        assert merkle.root_from_path(leaves[index], other, size, path) != root


@given(st.sampled_from((*BODY_FIELDS, "signature")), JSON)
def test_a_checkpoint_changed_in_any_field_is_refused(name: str, value: object) -> None:
    checkpoint, _ = a_checkpoint()
    assert signature_problem(SIGNER.verifier(), checkpoint) is None
    forged = {**checkpoint, name: value}
    if forged != checkpoint:
        assert signature_problem(SIGNER.verifier(), forged) is not None


@given(JSON)
def test_anything_that_is_not_a_checkpoint_is_refused_without_an_error(value: object) -> None:
    assert signature_problem(SIGNER.verifier(), value) is not None


def test_a_head_proof_names_one_stream_and_proves_only_it() -> None:
    checkpoint, heads = a_checkpoint(heads=7)
    stream = sorted(heads)[4]
    assert head_proof(heads, uuid4()) is None
    proof = head_proof(heads, UUID(stream))
    assert proof is not None
    assert proves_head(proof, stream, checkpoint)
    assert not proves_head(proof, sorted(heads)[3], checkpoint)
    assert not proves_head({**proof, "version": 2}, stream, checkpoint)
    assert not proves_head({**proof, "path": ["zz"]}, stream, checkpoint)


@settings(max_examples=200)
@given(JSON)
def test_the_offline_check_never_fails_on_garbage(value: object) -> None:
    report = verify_export(value, SIGNER.verifier())
    assert not report.intact


@pytest.fixture(scope="module")
def exported() -> tuple[Verifier, dict[str, Any]]:
    """A journey's export, as the file an auditor holds, from an in-memory store checkpointed."""
    app = Casework(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    staff, _ = every_event_scenario(app)
    app.seal_log()
    journey_id = next(
        each.originator_id
        for each in app.recorder.select_notifications(1, 1000)
        if ".journey." in each.topic
    )
    export = app.export_journey(staff[Role.AUDITOR], journey_id)
    return app.verifier, json.loads(json.dumps(export, default=str))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_the_offline_check_finds_any_edit_of_an_exported_stored_form(
    exported: tuple[Verifier, dict[str, Any]], data: st.DataObject
) -> None:
    verifier, original = exported
    assert verify_export(original, verifier).intact
    export = copy.deepcopy(original)
    event = data.draw(st.sampled_from(export["events"]))
    state = event["stored"]["state"]
    name = data.draw(st.sampled_from(sorted(state)))
    state[name] = data.draw(JSON.filter(lambda new: new != state[name]))
    assert not verify_export(export, verifier).intact
