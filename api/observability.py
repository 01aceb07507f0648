"""What an operator sees: one JSON log line per request, with its id, and Prometheus metrics.

Log lines and metric labels name the route's pattern (`/journeys/<uuid:journey_id>`), never the
path, the query or the body: no ids of clients and no personal data reach them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from api.readiness import ReadinessMetric
from casework.sealing import sealing_status
from projections.status import projection_status

REQUEST_ID_HEADER = "X-Request-Id"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
"""Any other method is labelled `other`: a client cannot mint metric series or log values."""

request_log = logging.getLogger("casework.requests")

REQUEST_SECONDS = Histogram(
    "casework_request_duration_seconds",
    "Time to answer a request, by route pattern, method and status.",
    ["route", "method", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
UNREADABLE_VALUES = Counter(
    "casework_unreadable_values",
    "Sealed values that failed authentication when read (moved, altered or forged), by field.",
    ["field"],
)


def count_unreadable(clinic_id: UUID, client_id: UUID, label: str) -> None:
    """Count a value the vault could not read; the label is a declared field, never content."""
    UNREADABLE_VALUES.labels(label).inc()


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and its `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(line, default=str)


class ProjectionLag(Collector):
    """Each projection's lag, read when Prometheus scrapes (so it is never stale)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        events = GaugeMetricFamily(
            "casework_projection_lag_events", "Events not yet projected.", labels=["projection"]
        )
        seconds = GaugeMetricFamily(
            "casework_projection_lag_seconds",
            "Age of the oldest event not yet projected.",
            labels=["projection"],
        )
        failing = GaugeMetricFamily(
            "casework_projection_failing",
            "1 while the projection's handler fails on an event, else 0.",
            labels=["projection"],
        )
        failed_at = GaugeMetricFamily(
            "casework_projection_failed_position",
            "The log position of the event a failing projection stopped at, by error class.",
            labels=["projection", "error"],
        )
        with self.app.app_context():
            engine = current_app.extensions["read_models"].engine
            for status in projection_status(engine, current_app.extensions["casework"]):
                events.add_metric([status["name"]], status["lag_events"])
                if status["lag_seconds"] is not None:  # None: its next event is unreadable
                    seconds.add_metric([status["name"]], status["lag_seconds"])
                failure = status["failure"]
                failing.add_metric([status["name"]], 0 if failure is None else 1)
                if failure is not None:  # one series per failing projection: bounded
                    failed_at.add_metric([status["name"], failure["error"]], failure["position"])
        yield events
        yield seconds
        yield failing
        yield failed_at
        yield from self._checkpoints()

    def _checkpoints(self) -> Iterator[Metric]:
        with self.app.app_context():
            application = current_app.extensions["casework"]
            status = sealing_status(application, application.sink)
        yield GaugeMetricFamily(
            "casework_unsealed_events",
            "Events no signed checkpoint covers yet.",
            value=status.unsealed_events,
        )
        yield GaugeMetricFamily(
            "casework_oldest_unsealed_seconds",
            "Age of the oldest event no signed checkpoint covers (0 when all are).",
            value=status.oldest_unsealed_age_seconds,
        )


def init_app(app: Flask) -> None:
    """Log each request as JSON, tag it with a request id, and serve `/metrics`."""
    if not request_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
    app.before_request(start_request)
    app.after_request(finish_request)
    app.extensions["casework"].vault.on_unreadable = count_unreadable
    lag = ProjectionLag(app)
    app.add_url_rule("/metrics", "metrics", lambda: metrics(lag))


def start_request() -> None:
    """Take the caller's request id if it is a plain token, else make one; start the clock."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    """Log the request, observe its latency, and give its id back in the answer."""
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else "unmatched"
    method = request.method if request.method in KNOWN_METHODS else "other"
    REQUEST_SECONDS.labels(route, method, str(response.status_code)).observe(seconds)
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    actor = g.get("actor")
    request_log.info(
        "request",
        extra={
            "fields": {
                "request_id": g.get("request_id"),
                "method": method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
                "practitioner_id": getattr(actor, "practitioner_id", None),
            }
        },
    )
    return response


def metrics(lag: ProjectionLag) -> Response:
    """Answer the metrics in Prometheus' text format (all workers' when in multiprocess mode)."""
    registry = REGISTRY
    if os.environ.get(MULTIPROCESS_VARIABLE):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    output = generate_latest(registry) + generate_latest(_lag_registry(lag))
    return Response(output, content_type=CONTENT_TYPE_LATEST)


def _lag_registry(lag: ProjectionLag) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(lag)
    registry.register(ReadinessMetric(lag.app))
    return registry
