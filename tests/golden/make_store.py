"""Write the golden store: run `PYTHONPATH=. .venv/bin/python tests/golden/make_store.py` once.

It records every event class Casework has (two clinics), checkpoints it, and keeps the SQLite
file, the checkpoint directory and the public key beside this script. The signing key is thrown
away: no one can add a checkpoint to the golden store, as no one could to a real one without the
sealer's key. Every test run from then on opens the store as this code's successors read it
(`tests/integration/test_golden_store.py`). Write it anew only when the stored format changes on
purpose, and say so in the commit.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from casework.application import Casework
from casework.checkpoint_sink import DirectorySink
from casework.persistence import persistence_environment
from casework.signing import Signer, new_signing_key
from tests.support.scenario import every_event_scenario
from tests.support.staff import register_staff

HERE = Path(__file__).parent
STORE = HERE / "store.sqlite"
CHECKPOINTS = HERE / "checkpoints"
PUBLIC_KEY = HERE / "public_key.txt"


def main() -> None:
    """Write the golden store, its checkpoints and its public key, replacing any earlier one."""
    STORE.unlink(missing_ok=True)
    shutil.rmtree(CHECKPOINTS, ignore_errors=True)
    signer = Signer(new_signing_key()[0])
    app = Casework(
        env=persistence_environment(f"sqlite:///{STORE}"),
        signer=signer,
        sink=DirectorySink(CHECKPOINTS),
    )
    every_event_scenario(app)
    register_staff(app)
    app.seal_log()
    app.close()
    with sqlite3.connect(STORE) as connection:  # one file, no write-ahead log beside it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    PUBLIC_KEY.write_text(signer.public_key_text + "\n")


if __name__ == "__main__":
    main()
