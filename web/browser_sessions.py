"""Who is signed in by browser: a random cookie, stored only as a keyed hash (`browser_sessions`).

The key is derived from the master key. So whoever can write to the database still cannot make a
session: a row names its session by HMAC(key, cookie), and its seal, HMAC(key, session, account,
practitioner, start), ties it to its person and its start. A row added, moved to another person
or made younger opens nothing (and is logged). Each page loads only the practitioner the row
names (their roles now), never the account, whose sign-ins grow with the years.

A session ends when its person signs out, after IDLE_MINUTES without a request, after
SESSION_HOURS in all, or at once when its practitioner is deactivated. Every end is recorded on
the person's sign-in account (casework.sign_in), and a cookie of an ended session opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from sqlalchemy import Connection, Engine, delete, insert, select, update

from casework.clock import utc_now
from projections.tables import browser_sessions

log = logging.getLogger("casework.sign_in")

COOKIE = "__Host-casework"
"""`__Host-`: the browser keeps it only if Secure, for this host alone, on every path."""

TOUCH_EVERY = timedelta(seconds=30)
"""A request refreshes `last_seen_at` at most this often: most requests cost no write."""


class OpenSession(NamedTuple):
    key: str
    account_id: UUID
    practitioner_id: UUID


class Found(NamedTuple):
    """A cookie's session: open (`ended` None), or why it ended just now ("idle", "expired")."""

    session: OpenSession | None
    ended: str | None


class BrowserSessions:
    """Start, find, refresh and end browser sessions in the read-model database."""

    def __init__(self, engine: Engine, key: bytes, idle: timedelta, lifetime: timedelta) -> None:
        self._engine = engine
        self._key = key
        self.idle = idle
        self.lifetime = lifetime

    def session_key(self, cookie: str) -> str:
        """Return what a session is stored under: never the cookie itself."""
        return self._mac(f"cookie|{cookie}")

    def _seal(self, key: str, account_id: UUID, practitioner_id: UUID, started_at: datetime) -> str:
        whose = f"{account_id}|{practitioner_id}"
        return self._mac(f"session|{key}|{whose}|{started_at.isoformat()}")

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def start(self, account_id: UUID, practitioner_id: UUID) -> str:
        """Open a session for an account; return its cookie (a fresh one: no fixation)."""
        cookie = secrets.token_urlsafe(32)
        now = utc_now()
        key = self.session_key(cookie)
        with self._engine.begin() as connection:
            connection.execute(
                insert(browser_sessions).values(
                    session_key=key,
                    account_id=account_id,
                    practitioner_id=practitioner_id,
                    started_at=now,
                    last_seen_at=now,
                    seal=self._seal(key, account_id, practitioner_id, now),
                )
            )
            # Rows of sessions past their lifetime open nothing: forgotten as others begin. What
            # happened in them is in the log (the account's sign-in and sign-out events).
            connection.execute(
                delete(browser_sessions).where(browser_sessions.c.started_at < now - self.lifetime)
            )
        return cookie

    def find(self, cookie: str) -> Found:
        """Return the open session a cookie names, refreshed; end it if idle or too old."""
        key = self.session_key(cookie)
        now = utc_now()
        with self._engine.begin() as connection:
            row = connection.execute(
                select(browser_sessions).where(browser_sessions.c.session_key == key)
            ).first()
            if row is None or row.ended_at is not None:
                return Found(None, None)
            if not hmac.compare_digest(
                row.seal, self._seal(key, row.account_id, row.practitioner_id, row.started_at)
            ):
                log.warning("a browser session's row does not match its seal: refused")
                return Found(None, None)
            ended = self._why_over(row.started_at, row.last_seen_at, now)
            if ended is not None:
                self._end(connection, key, now)
                return Found(OpenSession(key, row.account_id, row.practitioner_id), ended)
            if now - row.last_seen_at >= TOUCH_EVERY:
                connection.execute(
                    update(browser_sessions)
                    .where(browser_sessions.c.session_key == key)
                    .values(last_seen_at=now)
                )
        return Found(OpenSession(key, row.account_id, row.practitioner_id), None)

    def end(self, key: str) -> bool:
        """End a session now; return whether it was open."""
        with self._engine.begin() as connection:
            return self._end(connection, key, utc_now())

    def _why_over(self, started: datetime, last_seen: datetime, now: datetime) -> str | None:
        if now - started >= self.lifetime:
            return "expired"
        if now - last_seen >= self.idle:
            return "idle"
        return None

    @staticmethod
    def _end(connection: Connection, key: str, now: datetime) -> bool:
        result = connection.execute(
            update(browser_sessions)
            .where(browser_sessions.c.session_key == key, browser_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )
        return bool(result.rowcount)
