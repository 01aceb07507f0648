"""Unit tests run the domain and application on in-memory persistence: no I/O."""

from __future__ import annotations

import pytest

from casework.application import Casework
from tests.support.staff import Staff, register_staff


@pytest.fixture
def app() -> Casework:
    return Casework(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def staff(app: Casework) -> Staff:
    return register_staff(app)
