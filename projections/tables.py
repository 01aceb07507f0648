"""The read-model tables, in one MetaData that names constraints the way alembic recommends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    false,
)
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations can refer to (and drop) them on every store.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every store (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
    Column("failed_position", Integer, nullable=True),
    Column("failure", String(200), nullable=True),
    Column("failed_at", UTCDateTime, nullable=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("retry_at", UTCDateTime, nullable=True),
)
"""How far each projection has read the event log, and when its runner last checked in.

When a handler fails on an event: that event's position, the error's class (never its
message), when, how many times in a row, and when the runner may try it again.
"""

timeline = Table(
    "timeline",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("clinic_id", Uuid, nullable=False),
    Column("journey_id", Uuid, nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", Uuid, nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("summary", String(), nullable=False),
    Column("details", JSON, nullable=False),
    Column("late_entry", Boolean, nullable=False),
    Index("ix_timeline_journey", "journey_id", "position"),
    Index("ix_timeline_kind", "clinic_id", "event_type", "position"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("follow_up_id", Uuid, primary_key=True),
    Column("clinic_id", Uuid, nullable=False),
    Column("journey_id", Uuid, nullable=False),
    Column("session_id", Uuid, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("label", String(), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("window_start", Date, nullable=False),
    Column("window_end", Date, nullable=False),
    Column("owner_id", Uuid, nullable=True),
    Column("owner_role", String(32), nullable=False),
    Column("done_on", Date, nullable=True),
    Column("contact_id", Uuid, nullable=True),
    Column("outreach_attempts", Integer, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Index("ix_follow_ups_worklist", "clinic_id", "owner_id", "window_end"),
    Index("ix_follow_ups_journey", "journey_id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("clinic_id", Uuid, nullable=False),
    Column("journey_id", Uuid, nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("decider_id", Uuid, nullable=False),
    Column("decider_role", String(32), nullable=False),
    Column("outcome", String(32), nullable=True),
    Column("criteria", JSON, nullable=False),
    Column("rationale", String(), nullable=True),
    Column("conditions", JSON, nullable=False),
    Column("co_signer_id", Uuid, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("review_date", Date, nullable=True),
    Index("ix_decisions_register", "clinic_id", "position"),
    Index("ix_decisions_decider", "clinic_id", "decider_id", "position"),
)

journeys = Table(
    "journeys",
    metadata,
    Column("journey_id", Uuid, primary_key=True),
    Column("clinic_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("client_pseudonym", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("last_activity_at", UTCDateTime, nullable=False),
    Column("screening_outcome", String(32), nullable=True),
    Column("screening_version", Integer, nullable=True),
    Column("screening_valid_until", Date, nullable=True),
    Column("screening_occurred_at", UTCDateTime, nullable=True),
    Column("preparation_count", Integer, nullable=False),
    Column("treatment_consent", Boolean, nullable=False),
    Column("safety_plan", Boolean, nullable=False),
    Column("sessions_scheduled", Integer, nullable=False),
    Column("sessions_held", Integer, nullable=False),
    Column("contacts_count", Integer, nullable=False),
    Index("ix_journeys_caseload", "clinic_id", "last_activity_at", "journey_id"),
)

care_team = Table(
    "care_team",
    metadata,
    Column("journey_id", Uuid, primary_key=True),
    Column("practitioner_id", Uuid, primary_key=True),
    Column("role", String(32), primary_key=True),
    Column("lacks_role", Boolean, nullable=False, server_default=false()),
    Index("ix_care_team_practitioner", "practitioner_id"),
)
"""Who holds which place on a journey; `lacks_role` once the practitioner lost that role."""


access_log = Table(
    "access_log",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("clinic_id", Uuid, nullable=False),
    Column("practitioner_id", Uuid, nullable=False),
    Column("role", String(32), nullable=False),
    Column("journey_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("endpoint", String(32), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("accessed_at", UTCDateTime, nullable=False),
    Index("ix_access_log_clinic", "clinic_id", "position"),
)
"""Who read which client's record: ids only, never content."""

access_queries = Table(
    "access_queries",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("clinic_id", Uuid, nullable=False),
    Column("practitioner_id", Uuid, nullable=False),
    Column("role", String(32), nullable=False),
    Column("endpoint", String(32), nullable=False),
    Column("filters", JSON, nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("journey_ids", JSON, nullable=False),
    Column("accessed_at", UTCDateTime, nullable=False),
    Index("ix_access_queries_clinic", "clinic_id", "position"),
)
"""Every list that showed clients: who, which list, the filters, the journeys it returned."""

access_query_journeys = Table(
    "access_query_journeys",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("journey_id", Uuid, primary_key=True),
    Index("ix_access_query_journeys_journey", "journey_id", "position"),
)
"""Which journeys each query returned, to find every list a client appeared in."""

client_keys = Table(
    "client_keys",
    metadata,
    Column("client_id", Uuid, primary_key=True),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
"""The vault's key per client, wrapped by the master key.

Not a read model: never rebuilt, since these rows are the only copy of each key. Erasure deletes
the key: it overwrites `wrapped_key` with an empty tombstone, which also stops a new key being made.
"""

practitioners = Table(
    "practitioners",
    metadata,
    Column("practitioner_id", Uuid, primary_key=True),
    Column("clinic_id", Uuid, nullable=False),
    Column("display_name", String(), nullable=False),
    Column("sort_name", String(), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("credentials", JSON, nullable=False),
    Column("modalities", JSON, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("deactivated_at", UTCDateTime, nullable=True),
    Index("ix_practitioners_clinic", "clinic_id", "sort_name", "practitioner_id"),
)
"""A clinic's staff as people read them: name, roles, whether they still work here, credentials."""

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("token_id", Uuid, primary_key=True),
    Column("clinic_id", Uuid, nullable=False),
    Column("practitioner_id", Uuid, nullable=False),
    Column("label", String(), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index("ix_access_tokens_practitioner", "practitioner_id", "issued_at"),
)
"""Each practitioner's bearer tokens: label, issued, revoked (never the secret, nor its hash)."""

clients = Table(
    "clients",
    metadata,
    Column("client_id", Uuid, primary_key=True),
    Column("clinic_id", Uuid, nullable=False),
    Column("pseudonym", String(), nullable=False),
    Column("pseudonym_key", String(), nullable=False),
    Column("journey_ids", JSON, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Index("ix_clients_search", "clinic_id", "pseudonym_key", "client_id"),
)
"""Each client by pseudonym (as written, and folded for search) with their journeys: never the
identifying details, which are sealed and read only from the record."""

token_uses = Table(
    "token_uses",
    metadata,
    Column("token_id", Uuid, primary_key=True),
    Column("last_used_at", UTCDateTime, nullable=False),
)
"""When each token last authenticated a request (to the minute): written by the API, not a read
model, so never rebuilt; a token never used has no row."""

readiness_checks = Table(
    "readiness_checks",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("checked_at", UTCDateTime, nullable=False),
)
"""The row `/health/ready` writes and reads back: the store takes a committed write.

Not a read model: never rebuilt; one row per host and process, overwritten at each check.
"""


def sqlalchemy_url(database_url: str) -> str:
    """Return the SQLAlchemy URL for a Casework database URL (SQLite file or PostgreSQL).

    Raises ValueError for any other kind of database.
    """
    scheme, separator, rest = database_url.partition("://")
    if not separator:
        raise ValueError("database URL has no scheme: expected sqlite:/// or postgresql://")
    if scheme in ("sqlite", "postgresql+psycopg"):
        return database_url
    if scheme == "postgresql":
        return f"postgresql+psycopg://{rest}"
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite or postgresql")


browser_sessions = Table(
    "browser_sessions",
    metadata,
    Column("session_key", String, primary_key=True),
    Column("account_id", Uuid, nullable=False),
    Column("practitioner_id", Uuid, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("seal", String, nullable=False),
)
"""People signed in by browser: one row per session, keyed by a keyed hash of its cookie (never
the cookie), sealed to its account and start (web.browser_sessions). Written by the web app, not
a read model, so never rebuilt."""

sign_ins = Table(
    "sign_ins",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("clinic_id", Uuid, nullable=False),
    Column("practitioner_id", Uuid, nullable=False),
    Column("happened", String(30), nullable=False),
    Column("reason", String(30), nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_sign_ins_clinic", "clinic_id", "position"),
)
"""Who signed in by browser, failed to, signed out or was invited: for the auditor."""
