"""Tests of the pages for people: the Flask test client signed in through the real pages, on a
SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from casework.application import Casework
from casework.roles import Actor, Role
from tests.support.keys import TEST_KEYS
from tests.support.staff import Staff, register_staff
from tests.support.web import sign_in

OPERATOR_TOKEN = "operator-test-token"

SignedIn = Callable[[Actor], FlaskClient]
"""Return the browser (test client) signed in as the practitioner: one per person and test."""


def user_name_of(actor: Actor) -> str:
    """Return the user name a practitioner signs in with here: unique across clinics and tests
    (user names are, and PostgreSQL's store lives as long as the test session)."""
    return f"p-{actor.practitioner_id.hex[:16]}"


@pytest.fixture
def flask_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "OPERATOR_TOKEN": OPERATOR_TOKEN,
            "CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
            **TEST_KEYS,
        }
    )
    # Pages read right after they write, as a person does: on PostgreSQL the test app catches the
    # projections up in each read, as the embedded store does (tests/browser runs real workers).
    app.extensions["read_models"] = replace(app.extensions["read_models"], embedded=True)
    yield app
    app.extensions["read_models"].engine.dispose()
    app.extensions["casework"].close()


@pytest.fixture
def casework_app(flask_app: Flask) -> Casework:
    application: Casework = flask_app.extensions["casework"]
    return application


@pytest.fixture
def staff(casework_app: Casework) -> Staff:
    return register_staff(casework_app)


@pytest.fixture
def signed_in(flask_app: Flask, casework_app: Casework) -> SignedIn:
    browsers: dict[Actor, FlaskClient] = {}

    def browser(actor: Actor) -> FlaskClient:
        if actor not in browsers:
            browsers[actor] = flask_app.test_client()
            sign_in(browsers[actor], casework_app, actor, user_name_of(actor))
        return browsers[actor]

    return browser


@pytest.fixture
def as_role(signed_in: SignedIn, staff: Staff) -> Callable[[Role], FlaskClient]:
    """Return a browser signed in as the clinic's practitioner holding `role`."""
    return lambda role: signed_in(staff[role])
