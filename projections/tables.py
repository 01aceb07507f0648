"""The read-model tables, in one MetaData that names constraints the way alembic recommends."""

from __future__ import annotations

from sqlalchemy import MetaData

# Stable constraint names, so migrations can refer to (and drop) them on every store.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


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
