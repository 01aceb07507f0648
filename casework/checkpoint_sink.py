"""Where checkpoints are kept outside the database, so that whoever runs it cannot rewrite them.

`DirectorySink` appends each checkpoint as a file of its own, `<scope>/<sequence>.json`, and never
replaces one: a file is written beside its final name, flushed to disk, then linked into place,
which fails if the name is taken. Point it at storage the database's operator cannot rewrite (a
mount from another host, write-once storage). Another sink (an object-lock bucket, a transparency
log) plugs in by offering the same three methods.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol
from uuid import UUID

from casework.checkpoints import LOG_SCOPE, Checkpoint, Heads

_DIGITS = 12


class CheckpointSink(Protocol):
    """Append-only storage of checkpoints, one sequence per scope."""

    def append(self, checkpoint: Checkpoint, heads: Heads) -> None:
        """Keep a checkpoint; raise FileExistsError if its sequence is already kept."""
        ...

    def get(self, scope: str, sequence: int) -> tuple[Checkpoint, Heads] | None:
        """Return a scope's checkpoint `sequence` and its heads, or None if not kept."""
        ...

    def sequences(self, scope: str) -> list[int]:
        """Return the sequences kept for a scope, in order."""
        ...


class DirectorySink:
    """Keep checkpoints as files in a directory (CASEWORK_CHECKPOINT_DIR)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _folder(self, scope: str) -> Path:
        if scope != LOG_SCOPE:
            scope = str(UUID(scope))  # a clinic's id, never a path of someone's choosing
        return self.directory / scope

    def _path(self, scope: str, sequence: int) -> Path:
        return self._folder(scope) / f"{sequence:0{_DIGITS}d}.json"

    def append(self, checkpoint: Checkpoint, heads: Heads) -> None:
        """Keep a checkpoint; raise FileExistsError if its sequence is already kept."""
        final = self._path(checkpoint["scope"], checkpoint["sequence"])
        final.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"checkpoint": checkpoint, "heads": heads}, sort_keys=True)
        handle, temporary = tempfile.mkstemp(dir=final.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.link(temporary, final)  # never replaces: fails if the name is taken
        finally:
            os.unlink(temporary)
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def get(self, scope: str, sequence: int) -> tuple[Checkpoint, Heads] | None:
        """Return a scope's checkpoint `sequence` and its heads, or None if not kept."""
        try:
            kept: object = json.loads(self._path(scope, sequence).read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}, {}  # kept but unreadable: the caller finds it is no checkpoint
        if not isinstance(kept, dict):
            return {}, {}
        return kept.get("checkpoint", {}), kept.get("heads", {})

    def sequences(self, scope: str) -> list[int]:
        """Return the sequences kept for a scope, in order."""
        folder = self._folder(scope)
        if not folder.is_dir():
            return []
        return sorted(
            int(path.stem)
            for path in folder.iterdir()
            if path.suffix == ".json" and path.stem.isdigit() and len(path.stem) == _DIGITS
        )
