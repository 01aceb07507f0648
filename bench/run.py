"""`make bench`: Casework beside its ceilings, measured in one run on PostgreSQL.

Sizes come from BENCH_SIZES (journeys, comma-separated; default 10000,100000), the server from
BENCH_SERVER_URL (default the machine's PostgreSQL). Everything runs in a database of its own,
dropped at the end. Prints a table and writes var/bench.json.
"""

from __future__ import annotations

import json
import logging
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from sqlalchemy import Engine, text

from api import create_app
from bench.dataset import ClinicJourneys, build
from bench.library_rate import load_and_save_rate
from bench.load import Measured, Request, percentiles_ms, run_clients
from casework.application import Casework
from casework.roles import Role
from casework.signing import new_signing_key
from casework.vault import new_key_text
from projections import PROJECTIONS
from projections.runner import catch_up
from projections.status import projection_status
from projections.store import upgrade

SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
CONCURRENCY = [8, 32]
LOAD_SECONDS = 10.0
READ_SAMPLES = 200
WORKERS = 2  # gunicorn workers, as `make run` serves Casework
_SIGNING, _PUBLIC = new_signing_key()
KEYS = {
    "CASEWORK_MASTER_KEY": new_key_text(),
    "CASEWORK_SIGNING_KEY": _SIGNING,
    "CASEWORK_PUBLIC_KEYS": _PUBLIC,
}
REPORT = Path("var/bench.json")
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


@contextmanager
def database() -> Iterator[str]:
    name = f"casework_bench_{secrets.token_hex(4)}"
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield SERVER_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@dataclass(frozen=True)
class Served:
    """A running gunicorn: where it listens, and its master's pid."""

    port: int
    pid: int


@contextmanager
def served(target: str, env: dict[str, str]) -> Iterator[Served]:
    """Serve `target` with gunicorn as `make run` does."""
    port = 5400 + secrets.randbelow(500)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config=gunicorn.conf.py",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            target,
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield Served(port, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def worker_peak_rss_mb(master: int) -> float:
    """Return the largest peak RSS among the workers of the gunicorn whose master is `master`."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks), 1)


def wait_for(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def lead_token(app: Casework, clinic: ClinicJourneys) -> str:
    """Return a fresh token of the clinic's clinical lead."""
    token, _ = app.issue_token(clinic.staff.id(Role.CLINICAL_LEAD), "bench")
    return token


def open_journeys(app: Casework, clinic: ClinicJourneys) -> list[UUID]:
    """Return the clinic's journeys that still take new care steps (not paused, stopped, closed)."""
    return [j for j in clinic.journeys if app.repository.get(j).status.value == "active"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def summary(measured: Measured) -> dict[str, Any]:
    return {
        "per_second": round(measured.per_second, 1),
        "p50_ms": round(measured.percentile_ms(0.50), 2),
        "p95_ms": round(measured.percentile_ms(0.95), 2),
        "p99_ms": round(measured.percentile_ms(0.99), 2),
        "statuses": measured.statuses,
    }


def ratio(row: dict[str, Any], ceiling: dict[str, Any]) -> float:
    return round(float(row["per_second"]) / float(ceiling["per_second"]), 3)


def rate(events: int, seconds: float) -> dict[str, float]:
    return {"events": events, "seconds": round(seconds, 2), "per_second": round(events / seconds)}


def _config_keys() -> dict[str, str]:
    return {name.removeprefix("CASEWORK_"): value for name, value in KEYS.items()}


def write_report(results: dict[str, Any]) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=2))


def step(what: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def print_table(results: dict[str, Any]) -> None:
    """Print the figures that matter, each beside what it is compared with."""
    rows: list[tuple[str, str]] = []
    ceilings, writes = results["ceilings"], results["writes"]
    for clients in CONCURRENCY:
        bare, library = ceilings[f"bare_flask_{clients}"], ceilings[f"library_{clients}"]
        mine = writes[f"casework_{clients}"]
        rows += [
            (f"bare Flask, {clients} clients", f"{bare['per_second']:.0f} req/s"),
            (f"eventsourcing load+save, {clients} threads", f"{library['per_second']:.0f} ops/s"),
            (
                f"Casework commands, {clients} clients",
                f"{mine['per_second']:.0f}/s (x{mine['vs_bare_flask']} of Flask,"
                f" x{mine['vs_library']} of the library); p50/p95/p99"
                f" {mine['p50_ms']}/{mine['p95_ms']}/{mine['p99_ms']} ms",
            ),
        ]
    rows.append(("API worker peak RSS", f"{writes['api_worker_peak_rss_mb']} MB"))
    lag = results["lag"]
    rows.append(
        (
            f"projection lag at {lag['write_rate']} writes/s",
            f"p50 {lag['lag_p50_s']} s, p99 {lag['lag_p99_s']} s",
        )
    )
    for size in SIZES:
        projections = results[f"projections_{size}"]
        rows += [
            (f"[{size}] events in the log", str(projections["events"])),
            (f"[{size}] raw log read", f"{projections['raw_log_read']['per_second']} events/s"),
            (
                f"[{size}] rebuild timeline",
                f"{projections['rebuild_timeline']['per_second']} events/s",
            ),
            (f"[{size}] rebuild peak RSS", f"{projections['rebuild_peak_rss_mb']} MB"),
        ]
        for name, caught in projections["catch_up"].items():
            rows.append((f"[{size}] catch-up {name}", f"{caught['per_second']} events/s"))
        served_reads = results[f"served_reads_{size}"]
        rows.append(
            (
                f"[{size}] reads over HTTP, 8 clients",
                f"{served_reads['per_second']:.0f}/s, p99 {served_reads['p99_ms']} ms;"
                f" API worker peak RSS {served_reads['api_worker_peak_rss_mb']} MB",
            )
        )
        for name, read in results[f"reads_{size}"].items():
            rows.append(
                (f"[{size}] read {name}", f"p50 {read['p50_ms']} ms, p99 {read['p99_ms']} ms")
            )
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    print(f"\n(all figures in {REPORT})")


if __name__ == "__main__":
    main()
