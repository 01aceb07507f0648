"""ETags and compression as the RFCs say: 304 for a tag the client holds, If-Match on a tag,
compressed answers whose tags still work as preconditions."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import ready_journey
from tests.support.openapi import document

GZIP = {"Accept-Encoding": "gzip"}


# -- If-None-Match: 304 -------------------------------------------------------------------------


@pytest.fixture
def journey(casework_app: Casework, api_staff: ApiStaff) -> str:
    return f"/journeys/{ready_journey(casework_app, api_staff.staff)}"


def read(client: FlaskClient, api_staff: ApiStaff, path: str, **headers: str) -> TestResponse:
    return client.get(path, headers=api_staff.headers(Role.AUDITOR, **headers))


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        pytest.param("{tag}", 304, id="the-tag"),
        pytest.param('"1.0", {tag}', 304, id="in-a-list"),
        pytest.param("W/{tag}", 304, id="weak"),
        pytest.param("*", 304, id="star"),
        pytest.param("{coded}", 304, id="the-gzip-form"),
        pytest.param('"1.0", W/"2"', 200, id="others"),
        pytest.param("{tag_of_version_1}", 200, id="an-older-version"),
    ],
)
def test_a_journey_read_answers_304_while_if_none_match_holds_its_tag(
    client: FlaskClient, api_staff: ApiStaff, journey: str, if_none_match: str, status: int
) -> None:
    first = read(client, api_staff, journey)
    tag = first.headers["ETag"]
    version = first.json["version"] if first.json else None
    assert re.fullmatch(rf'"{version}\.[0-9a-f]{{16}}"', tag)
    tags = {
        "tag": tag,
        "coded": tag[:-1] + ':gzip"',
        "tag_of_version_1": read(client, api_staff, f"{journey}?version=1").headers["ETag"],
    }
    for method in ("GET", "HEAD"):
        answer = client.open(
            journey,
            method=method,
            headers=api_staff.headers(
                Role.AUDITOR, **{"If-None-Match": if_none_match.format(**tags)}
            ),
        )
        assert answer.status_code == status
        assert answer.headers["ETag"] == tag
        if status == 304:
            assert answer.data == b""
            assert "Content-Type" not in answer.headers


def test_a_write_changes_the_tag_so_the_next_read_is_answered_in_full(
    client: FlaskClient, api_staff: ApiStaff, journey: str
) -> None:
    tag = read(client, api_staff, journey).headers["ETag"]
    paused = client.post(
        f"{journey}/pause",
        json={
            "reason": "Grief",
            "review_date": str(date.today() + timedelta(days=14)),
            "conditions_to_resume": ["Support"],
        },
        headers=api_staff.headers(Role.CLINICAL_LEAD, **{"If-Match": tag}),
    )
    assert paused.status_code == 201, paused.json
    again = read(client, api_staff, journey, **{"If-None-Match": tag})
    assert again.status_code == 200
    assert again.json is not None
    assert again.json["version"] == paused.json["version"]


def test_if_match_star_writes_over_any_version_of_a_journey_that_exists(
    client: FlaskClient, api_staff: ApiStaff, journey: str
) -> None:
    body = {
        "reason": "Grief",
        "review_date": str(date.today() + timedelta(days=14)),
        "conditions_to_resume": ["Support"],
    }
    star = api_staff.headers(Role.CLINICAL_LEAD, **{"If-Match": "*"})
    assert client.post(f"{journey}/pause", json=body, headers=star).status_code == 201
    missing = "/journeys/00000000-0000-4000-8000-000000000000/pause"
    assert client.post(missing, json=body, headers=star).status_code == 404


def test_the_tag_names_what_the_read_shows_not_only_the_version(
    client: FlaskClient, api_staff: ApiStaff, journey: str
) -> None:
    """The state is judged on a day: the same version read on another day is another answer."""
    now = read(client, api_staff, journey).headers["ETag"]
    as_recorded = read(client, api_staff, f"{journey}?version=1").headers["ETag"]
    assert now.split(".")[0] != as_recorded.split(".")[0]
    assert read(client, api_staff, f"{journey}?version=1").headers["ETag"] == as_recorded


def test_the_journey_read_documents_its_etag_and_304(client: FlaskClient) -> None:
    operation = document(client)["paths"]["/journeys/{journey_id}"]["get"]
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "304" in operation["responses"]
    assert "If-None-Match" in {p.get("name") for p in operation["parameters"]}


# -- compression --------------------------------------------------------------------------------


def test_the_openapi_document_is_gzipped_when_asked_and_reads_the_same(
    client: FlaskClient,
) -> None:
    plain = client.get("/openapi.json")
    zipped = client.get("/openapi.json", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < len(plain.data) / 4
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()
    for answer in (plain, zipped):
        assert "Accept-Encoding" in answer.headers["Vary"]


def test_a_small_answer_is_not_compressed(client: FlaskClient) -> None:
    answer = client.get("/health/live", headers=GZIP)
    assert "Content-Encoding" not in answer.headers
    assert "Accept-Encoding" in answer.headers["Vary"]


def test_the_gzip_tag_of_a_read_works_as_if_match_and_if_none_match(
    client: FlaskClient, api_staff: ApiStaff, journey: str
) -> None:
    plain = read(client, api_staff, journey)
    zipped = read(client, api_staff, journey, **GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.data)) == plain.json
    coded = zipped.headers["ETag"]
    assert coded == plain.headers["ETag"][:-1] + ':gzip"'
    not_modified = read(client, api_staff, journey, **GZIP, **{"If-None-Match": coded})
    assert not_modified.status_code == 304
    assert not_modified.headers["ETag"] == coded
    assert read(client, api_staff, journey, **{"If-None-Match": coded}).status_code == 304

    body = {
        "reason": "Grief",
        "review_date": str(date.today() + timedelta(days=14)),
        "conditions_to_resume": ["Support"],
    }
    lead = api_staff.headers(Role.CLINICAL_LEAD, **{"If-Match": coded})
    paused = client.post(f"{journey}/pause", json=body, headers=lead)
    assert paused.status_code == 201, paused.json
    stale = client.post(f"{journey}/resumption", json={"rationale": "x"}, headers=lead)
    assert stale.status_code == 412
