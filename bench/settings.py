"""What `make bench` measures: the server, the sizes, the load (BENCH_SERVER_URL, BENCH_SIZES)."""

from __future__ import annotations

import os

SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
CONCURRENCY = [8, 32]
LOAD_SECONDS = 10.0
READ_SAMPLES = 200
WORKERS = 2  # gunicorn workers, as `make run` serves Casework
