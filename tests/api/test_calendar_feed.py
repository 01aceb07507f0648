"""A therapist's follow-ups in their own calendar: an iCalendar feed behind a secret of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import hold_session, ready_journey
from tests.support.read_models import project_all

THERAPIST = Role.INTEGRATION_THERAPIST


def test_a_calendar_subscribed_to_the_feed_shows_each_window_in_the_clinics_calendar(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    staff = api_staff.staff
    journey_id = ready_journey(casework_app, staff, "CW-CAL")
    # Held at 23:30 UTC: already the next day in Amsterdam, the clinic's zone (D0 is local).
    start = (datetime.now(UTC) - timedelta(days=3)).replace(hour=23, minute=30, second=0)
    hold_session(casework_app, staff, journey_id, start)
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    therapist = staff.id(THERAPIST)
    made = client.post(
        f"/practitioners/{therapist}/calendar-feeds", headers=api_staff.headers(THERAPIST)
    )
    assert made.status_code == 201, made.json
    path = urlsplit(made.json["url"]).path
    answer = client.get(path)  # a calendar program sends no bearer token
    assert answer.status_code == 200
    assert answer.content_type.startswith("text/calendar")
    calendar = Calendar.from_ical(answer.data)
    events = {str(e["uid"]).removesuffix("@casework"): e for e in calendar.walk("VEVENT")}
    owed = casework_app.get_journey(staff[THERAPIST], journey_id)["follow_ups"]
    assert len(events) == len(owed) == 5
    local_d0 = (start + timedelta(hours=1)).date()  # CET/CEST: 23:30 UTC is past midnight
    first = min(owed, key=lambda f: f["window_start"])
    assert first["window_start"] == local_d0 + timedelta(days=1)
    for follow_up in owed:
        event = events[str(follow_up["follow_up_id"])]
        assert event.decoded("dtstart") == follow_up["window_start"]
        assert event.decoded("dtend") == follow_up["window_end"] + timedelta(days=1)  # exclusive
        assert str(event["summary"]) == f"CW-CAL: {follow_up['label']}"
    assert b"Calm" not in answer.data  # no clinical text
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    queries = client.get("/audit/access-queries", headers=api_staff.headers(Role.AUDITOR)).json
    read = next(q for q in queries["items"] if q["endpoint"] == "calendar_feed")
    assert read["practitioner_id"] == str(therapist)
    assert read["journey_ids"] == [str(journey_id)]

    other = staff.id(Role.FACILITATOR)
    refused = client.post(
        f"/practitioners/{other}/calendar-feeds", headers=api_staff.headers(THERAPIST)
    )
    assert refused.status_code == 403  # only one's own (or an admin)
    revoke = client.delete(
        f"/practitioners/{therapist}/calendar-feeds/{made.json['id']}",
        json={"reason": "Phone lost"},
        headers=api_staff.headers(THERAPIST),
    )
    assert revoke.status_code == 200, revoke.json
    assert client.get(path).status_code == 404
    assert client.get("/calendar-feeds/cf_not-a-feed.ics").status_code == 404
    again = client.post(
        f"/practitioners/{therapist}/calendar-feeds", headers=api_staff.headers(THERAPIST)
    )
    assert client.get(urlsplit(again.json["url"]).path).status_code == 200
    client.post(
        f"/practitioners/{therapist}/deactivation",
        json={"reason": "Left"},
        headers=api_staff.headers(Role.ADMIN),
    )
    assert client.get(urlsplit(again.json["url"]).path).status_code == 404  # they left
