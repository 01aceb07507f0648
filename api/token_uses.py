"""When each bearer token was last used, to the minute, for the token list (`token_uses`).

Written when a token authenticates a request, at most once a minute per token and process, so
that authentication costs no write on most requests. Bookkeeping, not the record: when the
read-model database refuses the write, the request goes on and the failure is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from uuid import UUID

from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from casework.access_token import token_id_for
from casework.clock import utc_now
from projections.base import upsertable_insert
from projections.tables import token_uses

INTERVAL_SECONDS = 60.0
logger = logging.getLogger(__name__)


class TokenUses:
    """Notes each token's last use in `token_uses`, throttled per token."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._noted: dict[UUID, float] = {}
        self._lock = threading.Lock()

    def note(self, secret: str) -> None:
        """Record that the token `secret` was used now, unless it was noted within the minute."""
        token_id, now = token_id_for(secret), time.monotonic()
        with self._lock:
            noted = self._noted.get(token_id)
            if noted is not None and now - noted < INTERVAL_SECONDS:
                return
            self._noted[token_id] = now
        used_at = utc_now().replace(second=0, microsecond=0)
        try:
            with self._engine.begin() as connection:
                insert = upsertable_insert(connection, token_uses).values(
                    token_id=token_id, last_used_at=used_at
                )
                connection.execute(
                    insert.on_conflict_do_update(
                        index_elements=[token_uses.c.token_id],
                        set_={"last_used_at": used_at},
                    )
                )
        except SQLAlchemyError as error:
            logger.warning("token use not recorded: %s", type(error).__name__)


def init_app(app: Flask) -> None:
    """Keep one TokenUses per app, on the read-model database."""
    app.extensions["token_uses"] = TokenUses(app.extensions["read_models"].engine)


def note_use(secret: str) -> None:
    """Note that the current request was authenticated by the token `secret`."""
    uses: TokenUses = current_app.extensions["token_uses"]
    uses.note(secret)
