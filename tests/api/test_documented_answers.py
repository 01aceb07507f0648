"""The suite's check that every answer is documented (tests/support/documented.py) catches drift.

Each test below makes the app drift from its document in one way, before any request, and
shows the test client refuses the answer: so every other API test would fail on that drift.
"""

from __future__ import annotations

import pytest
from flask import Flask, Response, jsonify, request

from tests.support.documented import DocumentedClient, UndocumentedAnswer


@pytest.fixture
def database_url(sqlite_path: str) -> str:
    """SQLite only: the check is about the document, the same on both stores."""
    return f"sqlite:///{sqlite_path}"


def test_the_suite_checks_answers_with_the_documented_client(flask_app: Flask) -> None:
    assert isinstance(flask_app.test_client(), DocumentedClient)


def test_a_documented_answer_passes(flask_app: Flask) -> None:
    assert flask_app.test_client().get("/health/live").status_code == 200


def test_an_operation_missing_from_the_document_fails(flask_app: Flask) -> None:
    flask_app.add_url_rule("/journeys/<uuid:journey_id>/notes", "notes", lambda journey_id: {})
    with pytest.raises(UndocumentedAnswer, match="not in the document"):
        flask_app.test_client().get("/journeys/00000000-0000-0000-0000-000000000001/notes")


def test_an_undocumented_status_fails(flask_app: Flask) -> None:
    @flask_app.after_request
    def teapot(response: Response) -> Response:
        if request.path == "/health/live":
            response.status_code = 418
        return response

    with pytest.raises(UndocumentedAnswer, match="status is not documented"):
        flask_app.test_client().get("/health/live")


def test_a_body_that_breaks_its_schema_fails(flask_app: Flask) -> None:
    @flask_app.after_request
    def drift(response: Response) -> Response:
        return jsonify({"status": 5}) if request.path == "/health/live" else response

    with pytest.raises(UndocumentedAnswer, match="breaks the document at status"):
        flask_app.test_client().get("/health/live")


def test_an_unknown_path_must_answer_a_problem_document(flask_app: Flask) -> None:
    @flask_app.after_request
    def plain(response: Response) -> Response:
        if request.path == "/no-such-path/plain":
            return Response("Not Found", status=404, mimetype="text/plain")
        return response

    assert flask_app.test_client().get("/no-such-path").status_code == 404
    with pytest.raises(UndocumentedAnswer, match="not a problem document"):
        flask_app.test_client().get("/no-such-path/plain")
