"""Reach past Casework into the stored event rows, the way someone tampering with them would."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from urllib.parse import urlsplit

import psycopg

SQLITE = ("stored_events", "rowid")
POSTGRES = ("casework_events", "notification_id")


class RawLog:
    """Edit, delete and move stored events by their log position, with plain SQL."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.is_sqlite = urlsplit(database_url).scheme == "sqlite"
        self.table, self.position = SQLITE if self.is_sqlite else POSTGRES
        self.mark = "?" if self.is_sqlite else "%s"

    def state(self, position: int) -> bytes:
        """Return the stored bytes of the event at `position`."""
        rows = self._run(
            f"SELECT state FROM {self.table} WHERE {self.position} = {self.mark}", position
        )
        return bytes(rows[0][0])

    def edit(self, position: int, change: Callable[[str], str]) -> None:
        """Rewrite the stored JSON of the event at `position`."""
        new_state = change(self.state(position).decode()).encode()
        assert new_state != self.state(position), "the edit must change something"
        sql = f"UPDATE {self.table} SET state = {self.mark} WHERE {self.position} = {self.mark}"
        self._run(sql, new_state, position)

    def delete(self, position: int) -> None:
        """Delete the event at `position`."""
        self._run(f"DELETE FROM {self.table} WHERE {self.position} = {self.mark}", position)

    def swap(self, first: int, second: int) -> None:
        """Swap the log positions of two events."""
        spare = 10**9
        column, mark = self.position, self.mark
        update = f"UPDATE {self.table} SET {column} = {mark} WHERE {column} = {mark}"
        for new, old in ((spare, first), (first, second), (second, spare)):
            self._run(update, new, old)

    def _run(self, sql: str, *parameters: object) -> list[tuple[object, ...]]:
        if self.is_sqlite:
            path = urlsplit(self.url).path[1:]
            with sqlite3.connect(path) as connection:
                return connection.execute(sql, parameters).fetchall()
        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(sql.replace("?", "%s"), parameters)
            return cursor.fetchall() if cursor.description else []
