"""The benchmark's figures: summarised, compared with their ceilings, printed and kept."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.load import Measured
from bench.settings import CONCURRENCY, SIZES

REPORT = Path("var/bench.json")


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
