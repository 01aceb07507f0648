"""`make bench`: Casework beside its ceilings, measured in one run on PostgreSQL.

Sizes come from BENCH_SIZES (journeys, comma-separated; default 10000,100000), the server from
BENCH_SERVER_URL (default the machine's PostgreSQL). Everything runs in a database of its own,
dropped at the end. Prints a table and writes var/bench.json.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, text

from api import create_app
from bench.dataset import ClinicJourneys, build
from bench.library_rate import load_and_save_rate
from bench.load import Request, percentiles_ms, run_clients
from bench.report import print_table, rate, ratio, step, summary, write_report
from bench.serving import database, served, worker_peak_rss_mb
from bench.settings import CONCURRENCY, LOAD_SECONDS, READ_SAMPLES, SIZES
from casework.application import Casework
from casework.commands import IssueToken
from casework.roles import Role
from casework.signing import new_signing_key
from casework.vault import new_key_text
from projections import PROJECTIONS
from projections.runner import catch_up
from projections.status import projection_status
from projections.store import upgrade

_SIGNING, _PUBLIC = new_signing_key()
KEYS = {
    "CASEWORK_MASTER_KEY": new_key_text(),
    "CASEWORK_SIGNING_KEY": _SIGNING,
    "CASEWORK_PUBLIC_KEYS": _PUBLIC,
}
REBUILD_REPORTING_PEAK_RSS = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: print('PEAK_RSS_KB',"
    " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n"
    "from api.cli import main\n"
    "main(['projections', 'rebuild', 'timeline'])\n"
)
"""`casework projections rebuild timeline`, telling its own peak RSS as it exits."""


def main() -> None:
    logging.getLogger("casework.requests").disabled = True  # thousands of lines, none needed
    results: dict[str, Any] = {"sizes": SIZES, "concurrency": CONCURRENCY}
    with database() as url, database() as library_url:
        upgrade(url)
        config = {"DATABASE_URL": url, **_config_keys()}
        flask_app = create_app(config)
        app: Casework = flask_app.extensions["casework"]
        engine = flask_app.extensions["read_models"].engine
        built, first = 0, None
        for size in SIZES:
            step(f"building {size - built} more journeys through the application")
            started, before = time.perf_counter(), app.recorder.max_notification_id() or 0
            clinics = build(app, config, size - built, seed=built)
            first, built = first or clinics[0], size
            events = (app.recorder.max_notification_id() or 0) - before
            results[f"build_{size}"] = rate(events, time.perf_counter() - started)
            step("projections: catch-up, raw log read, rebuild")
            results[f"projections_{size}"] = measure_projections(url, app, engine)
            step("reads")
            with engine.begin() as connection:  # the planner's statistics, as autovacuum keeps them
                connection.execute(text("ANALYZE"))
            results[f"reads_{size}"] = measure_reads(flask_app, app, first)
            results[f"served_reads_{size}"] = measure_served_reads(url, app, first)
            if size == SIZES[0]:
                step("ceilings and writes over HTTP")
                results["ceilings"] = measure_ceilings(library_url)
                results["writes"] = measure_writes(url, app, first, results["ceilings"])
                step("live projection lag at half the write rate")
                results["lag"] = measure_lag(url, app, engine, first, results["writes"])
            write_report(results)  # a long run stopped at a larger size keeps what it measured
        engine.dispose()
        app.close()
    print_table(results)


# -- ceilings and writes ------------------------------------------------------------------


def measure_ceilings(library_url: str) -> dict[str, Any]:
    ceilings: dict[str, Any] = {}
    with served("bench.bare_app:app", {}) as server:
        for clients in CONCURRENCY:
            bare = run_clients(
                server.port, clients, LOAD_SECONDS, lambda n, c: ("POST", "/ping", {}), {}
            )
            ceilings[f"bare_flask_{clients}"] = summary(bare)
    for clients in CONCURRENCY:
        ops = load_and_save_rate(library_url, clients, LOAD_SECONDS)
        ceilings[f"library_{clients}"] = {"per_second": round(ops, 1)}
    return ceilings


def measure_writes(
    url: str, app: Casework, clinic: ClinicJourneys, ceilings: dict[str, Any]
) -> dict[str, Any]:
    """Commands over HTTP: 60% contacts, 20% preparation sessions, 20% intakes."""
    token, clinic_journeys = lead_token(app, clinic), open_journeys(app, clinic)
    writes: dict[str, Any] = {}
    with served("api:create_app()", {"CASEWORK_DATABASE_URL": url, **KEYS}) as server:
        for clients in CONCURRENCY:
            measured = run_clients(
                server.port,
                clients,
                LOAD_SECONDS,
                command_mix(clinic_journeys, clients),
                bearer(token),
            )
            row = summary(measured)
            row["vs_bare_flask"] = ratio(row, ceilings[f"bare_flask_{clients}"])
            row["vs_library"] = ratio(row, ceilings[f"library_{clients}"])
            writes[f"casework_{clients}"] = row
        writes["api_worker_peak_rss_mb"] = worker_peak_rss_mb(server.pid)
    return writes


def command_mix(journeys: list[UUID], clients: int) -> Any:
    """Each client writes to journeys of its own (no conflicts): the mix a clinic day has."""

    def next_request(number: int, chance: random.Random) -> Request:
        mine = journeys[number::clients] or journeys
        journey = chance.choice(mine)
        draw = chance.random()
        if draw < 0.6:
            return (
                "POST",
                f"/journeys/{journey}/contacts",
                {"kind": "phone_check_in", "notes": "ok"},
            )
        if draw < 0.8:
            body = {"duration_minutes": 60, "topics": ["set"], "notes": "Prepared"}
            return "POST", f"/journeys/{journey}/preparation-sessions", body
        pseudonym = f"LOAD-{number}-{chance.getrandbits(48)}"
        body = {"client_pseudonym": pseudonym, "referral_source": "GP", "primary_need": "Sleep"}
        return "POST", "/journeys", body

    return next_request


def measure_lag(
    url: str, app: Casework, engine: Engine, clinic: ClinicJourneys, writes: dict[str, Any]
) -> dict[str, Any]:
    """Run a projection worker while writes go at half the best measured rate; sample the lag."""
    for projection in PROJECTIONS:
        catch_up(engine, app, projection)
    token, clinic_journeys = lead_token(app, clinic), open_journeys(app, clinic)
    best = max(row["per_second"] for key, row in writes.items() if key.startswith("casework_"))
    clients = 8
    env = {**os.environ, "CASEWORK_DATABASE_URL": url, **KEYS}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "api", "projections", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            lags = [each["lag_seconds"] for each in projection_status(engine, app)]
            samples.append(max(lags))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    try:
        time.sleep(2)  # the worker starts and takes its locks
        with served("api:create_app()", {"CASEWORK_DATABASE_URL": url, **KEYS}) as server:
            sampler.start()
            measured = run_clients(
                server.port,
                clients,
                LOAD_SECONDS,
                command_mix(clinic_journeys, clients),
                bearer(token),
                per_client_rate=best / 2 / clients,
            )
            stop.set()
            sampler.join()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    return {
        "write_rate": round(measured.per_second, 1),
        "lag_p50_s": round(sorted(samples)[len(samples) // 2], 3),
        "lag_p99_s": round(sorted(samples)[int(0.99 * (len(samples) - 1))], 3),
    }


# -- projections and reads ----------------------------------------------------------------


def measure_projections(url: str, app: Casework, engine: Any) -> dict[str, Any]:
    events = app.recorder.max_notification_id() or 0
    started = time.perf_counter()
    position = 1
    while batch := app.recorder.select_notifications(position, 500):
        for notification in batch:
            app.mapper.to_domain_event(notification)
        position = batch[-1].id + 1
    raw = rate(events, time.perf_counter() - started)
    caught_up = {}
    for projection in PROJECTIONS:
        started = time.perf_counter()
        processed = catch_up(engine, app, projection)
        caught_up[projection.name] = rate(processed, time.perf_counter() - started)
    started = time.perf_counter()
    rebuilt = subprocess.run(
        [sys.executable, "-c", REBUILD_REPORTING_PEAK_RSS],
        env={**os.environ, "CASEWORK_DATABASE_URL": url, **KEYS},
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_mb = int(rebuilt.stderr.rsplit("PEAK_RSS_KB ", 1)[1].split()[0]) / 1024
    return {
        "events": events,
        "raw_log_read": raw,
        "catch_up": caught_up,
        "rebuild_timeline": rate(events, seconds),
        "rebuild_peak_rss_mb": round(peak_mb, 1),
    }


def measure_reads(flask_app: Any, app: Casework, clinic: ClinicJourneys) -> dict[str, Any]:
    """Server-side latency (in process, no network) of the four reads a day is made of."""
    token = lead_token(app, clinic)
    client = flask_app.test_client()
    headers = bearer(token)
    chance = random.Random(7)
    measured = {}
    for name, path in read_paths(clinic.journeys).items():
        samples = []
        for _ in range(READ_SAMPLES):
            started = time.perf_counter()
            response = client.get(path(chance), headers=headers)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.json
        measured[name] = percentiles_ms(samples)
    return measured


def read_paths(journeys: list[UUID]) -> dict[str, Callable[[random.Random], str]]:
    """The four reads a clinic day is made of, by name: each draws its path."""
    return {
        "worklist": lambda chance: "/follow-ups?limit=50",
        "summary": lambda chance: "/follow-ups/summary",
        "timeline": lambda chance: f"/journeys/{chance.choice(journeys)}/timeline?limit=100",
        "decisions": lambda chance: "/decisions?limit=50",
    }


def measure_served_reads(url: str, app: Casework, clinic: ClinicJourneys) -> dict[str, Any]:
    """The same reads over HTTP from Casework served as `make run` does: rate, latency, memory."""
    token, paths = lead_token(app, clinic), list(read_paths(clinic.journeys).values())

    def next_request(number: int, chance: random.Random) -> Request:
        return "GET", chance.choice(paths)(chance), None

    with served("api:create_app()", {"CASEWORK_DATABASE_URL": url, **KEYS}) as server:
        measured = run_clients(server.port, 8, LOAD_SECONDS / 2, next_request, bearer(token))
        return {**summary(measured), "api_worker_peak_rss_mb": worker_peak_rss_mb(server.pid)}


# -- plumbing -------------------------------------------------------------------------------


def lead_token(app: Casework, clinic: ClinicJourneys) -> str:
    """Return a fresh token of the clinic's clinical lead."""
    token = app.issue_token(
        None, IssueToken(practitioner_id=clinic.staff.id(Role.CLINICAL_LEAD), label="bench")
    ).secret
    return token


def open_journeys(app: Casework, clinic: ClinicJourneys) -> list[UUID]:
    """Return the clinic's journeys that still take new care steps (not paused, stopped, closed)."""
    return [j for j in clinic.journeys if app.repository.get(j).status.value == "active"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _config_keys() -> dict[str, str]:
    return {name.removeprefix("CASEWORK_"): value for name, value in KEYS.items()}


if __name__ == "__main__":
    main()
