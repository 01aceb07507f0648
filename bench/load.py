"""Load generation: many keep-alive HTTP clients, and latency percentiles."""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WARM_UP_SECONDS = 3.0

Request = tuple[str, str, dict[str, Any] | None]
"""Method, path and JSON body of one request."""


@dataclass
class Measured:
    """What a load run saw: how many answers, how long, each latency, and the statuses."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_clients(
    port: int,
    clients: int,
    seconds: float,
    next_request: Callable[[int, random.Random], Request],
    headers: dict[str, str],
    per_client_rate: float | None = None,
    warm_up: float = WARM_UP_SECONDS,
) -> Measured:
    """Run `clients` threads, each on its own connection, for `seconds`; measure every answer.

    The first `warm_up` seconds are not measured: gunicorn's workers load the app only after
    the port opens, and the first answers would time their start.
    """
    measured = Measured(seconds)
    lock = threading.Lock()
    measure_from = time.perf_counter() + warm_up
    stop_at = measure_from + seconds

    def client(number: int) -> None:
        chance = random.Random(number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (now := time.perf_counter()) < stop_at:
            method, path, body = next_request(number, chance)
            payload = None if body is None else json.dumps(body)
            sent = {**headers, "Content-Type": "application/json"} if payload else headers
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            response.read()
            took = time.perf_counter() - now
            if now >= measure_from:
                with lock:
                    measured.latencies.append(took)
                    status = response.status
                    measured.statuses[status] = measured.statuses.get(status, 0) + 1
            if per_client_rate:
                time.sleep(max(0.0, 1 / per_client_rate - took))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return measured


def percentiles_ms(samples: list[float]) -> dict[str, float]:
    """Return p50 and p99 of samples in seconds, as milliseconds."""
    ordered = sorted(samples)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 3),
        "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3),
    }
