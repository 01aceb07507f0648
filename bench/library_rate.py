"""The ceiling for storage: the eventsourcing library's own load-and-save rate on PostgreSQL."""

from __future__ import annotations

import threading
import time
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from casework.persistence import persistence_environment, with_tables


class Tally(Aggregate):
    """The smallest aggregate that records something."""

    @event("Started")
    def __init__(self) -> None:
        self.count = 0

    @event("Counted")
    def count_one(self, note: str) -> None:
        self.count += 1


def load_and_save_rate(database_url: str, threads: int, seconds: float) -> float:
    """Return load-change-save operations per second, `threads` at once, each on its own streams."""
    # Its own tables (`application_events`): Casework's `casework db upgrade` does not make them.
    app: Application[UUID] = Application(env=with_tables(persistence_environment(database_url)))
    done = [0] * threads
    stop_at = time.perf_counter() + seconds

    def work(number: int) -> None:
        tallies = [Tally() for _ in range(20)]
        app.save(*tallies)
        while time.perf_counter() < stop_at:
            for tally_id in (tally.id for tally in tallies):
                tally: Tally = app.repository.get(tally_id)
                tally.count_one(note="a contact")
                app.save(tally)
                done[number] += 1

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    rate = sum(done) / (time.perf_counter() - started)
    app.close()
    return rate
