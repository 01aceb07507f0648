"""Every event class round-trips through the real stores; lost races write nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from casework.access_token import AccessToken
from casework.application import Casework
from casework.calendar_feed import CalendarFeed
from casework.client import Client, client_id_for
from casework.clinic import Clinic
from casework.errors import Conflict
from casework.journey import Journey
from casework.journey.commands import RecordContact
from casework.journey.values import ContactKind
from casework.persistence import persistence_environment
from casework.practitioner import Practitioner
from casework.roles import Role
from casework.vault import Vault
from projections.store import create_read_engine
from tests.support.journeys import ready_journey
from tests.support.keys import vault_on
from tests.support.scenario import every_event_scenario
from tests.support.staff import register_staff

AGGREGATES = (Clinic, Practitioner, AccessToken, CalendarFeed, Client, Journey)


def event_classes() -> set[str]:
    """Return the qualified names of every event class the aggregates define."""
    return {
        value.__qualname__
        for aggregate in AGGREGATES
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, aggregate.Event)
        and name not in {"Event", "Created"}  # the library's bases, never recorded
    }


@pytest.fixture
def vault(database_url: str) -> Iterator[Vault]:
    """The client keys in the store's own `client_keys` table, as every API process has them."""
    engine = create_read_engine(database_url)
    yield vault_on(engine)
    engine.dispose()


@pytest.fixture
def writer(database_url: str, vault: Vault) -> Iterator[Casework]:
    app = Casework(env=persistence_environment(database_url), vault=vault)
    yield app
    app.close()


@pytest.fixture
def reader(database_url: str, writer: Casework) -> Iterator[Casework]:
    """A second application on the same store and keys, as another API process would be."""
    engine = create_read_engine(database_url)
    app = Casework(env=persistence_environment(database_url), vault=vault_on(engine))
    yield app
    app.close()
    engine.dispose()


def test_every_event_class_round_trips_through_the_store(
    writer: Casework, reader: Casework
) -> None:
    staff, aggregate_ids = every_event_scenario(writer)
    aggregate_ids += [client_id_for(staff.clinic_id, p) for p in ("CW-EVERY", "CW-WITHDRAWN")]
    seen: set[str] = set()
    for aggregate_id in aggregate_ids:
        written = list(writer.events.get(aggregate_id))
        read_back = list(reader.events.get(aggregate_id))
        assert read_back == written
        seen |= {type(event).__qualname__ for event in read_back}
    assert seen == event_classes()


def test_a_journey_reads_back_the_same_from_another_process(
    writer: Casework, reader: Casework
) -> None:
    staff, (_, _, journey_id, *_) = every_event_scenario(writer)
    lead = staff[Role.CLINICAL_LEAD]
    assert reader.get_journey(lead, journey_id) == writer.get_journey(lead, journey_id)


def test_concurrent_writes_to_one_journey_each_land_or_conflict(
    writer: Casework, reader: Casework
) -> None:
    staff = register_staff(writer)
    journey_id = ready_journey(writer, staff)
    start_version = writer.repository.get(journey_id).version
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def record_contact(app: Casework) -> None:
        barrier.wait()
        try:
            app.record_contact(
                staff[Role.INTEGRATION_THERAPIST],
                RecordContact(
                    journey_id=journey_id, kind=ContactKind.OTHER, expected_version=start_version
                ),
            )
            outcomes.append("written")
        except Conflict as conflict:
            outcomes.append(conflict.reason)

    threads = [threading.Thread(target=record_contact, args=(app,)) for app in [writer, reader] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 8
    assert set(outcomes) <= {"concurrent_write", "version_mismatch", "written"}
    assert outcomes.count("written") == 1
    journey = reader.repository.get(journey_id)
    assert journey.version == start_version + 1
    assert len(journey.contacts) == 1


def test_a_stale_version_is_refused_and_writes_nothing(writer: Casework, reader: Casework) -> None:
    staff = register_staff(writer)
    journey_id = ready_journey(writer, staff)
    version = writer.repository.get(journey_id).version
    writer.record_contact(
        staff[Role.INTEGRATION_THERAPIST],
        RecordContact(journey_id=journey_id, kind=ContactKind.OTHER),
    )
    position = reader.recorder.max_notification_id()
    with pytest.raises(Conflict) as refused:
        reader.record_contact(
            staff[Role.INTEGRATION_THERAPIST],
            RecordContact(journey_id=journey_id, kind=ContactKind.OTHER, expected_version=version),
        )
    assert refused.value.reason == "version_mismatch"
    assert reader.recorder.max_notification_id() == position
