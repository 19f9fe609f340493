"""The residents' phone survey in the database: its links, the answers sent through them, and rate counters.

Tables of their own (`web_survey_…`), created beside the site's. What a resident sends is kept as given
(canonical values, the attributes they chose to give) with the link and a client-made id, and nothing
else: no address, no user agent, no cookie. Rate limits count by a keyed hash of the address (HMAC with
the site's secret and the hour, so it cannot be reversed by trying the 4 billion IPv4 addresses without
the key) in rows that expire within the hour and are deleted as new ones are written.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

survey_meta = MetaData()
links = Table(
    "web_survey_links", survey_meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", Integer, nullable=False, index=True),
    Column("round_id", Integer, nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    Column("state", String(20), nullable=False),  # open | closed | replaced
    Column("attributes", Text, nullable=False),  # JSON: [{name, options | null}], asked first and optional
    Column("cap", Integer, nullable=False),  # answers accepted in all through this link
    Column("households", Integer),  # the community's households: the population for the precision reached
    Column("created_at", String(40), nullable=False),
    Column("changed_at", String(40), nullable=False),
)
responses = Table(
    "web_survey_responses", survey_meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("link_id", Integer, nullable=False, index=True),
    Column("unit_id", Integer, nullable=False, index=True),
    Column("round_id", Integer, nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("answers", Text, nullable=False),  # JSON {question id: canonical value}
    Column("attributes", Text, nullable=False),  # JSON {attribute name: value}
    Column("at", String(40), nullable=False),  # minute only: a finer time would help match an answer to a person
    UniqueConstraint("link_id", "client_id", name="web_survey_once"),
)
counters = Table(
    "web_survey_counters", survey_meta,
    Column("key", String(80), primary_key=True),  # what is counted: "link:ID:minute" or "addr:HASH:window"
    Column("count", Integer, nullable=False),
    Column("expires_at", String(40), nullable=False),
)


def create_tables(connection) -> None:
    survey_meta.create_all(connection)


def minute_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")


def address_key(secret: bytes, address: str | None, window: str) -> str:
    """A keyed, expiring stand-in for the address: the same within `window`, unlinkable across windows."""
    mac = hmac.new(secret, f"{window}|{address or '-'}".encode(), hashlib.sha256)
    return mac.hexdigest()[:40]


def count_once(connection, key: str, lifetime: timedelta) -> int:
    """Add one to the counter `key` (created to expire after `lifetime`); its new value. One upsert, so two
    requests counting the same key at once on PostgreSQL both count (a read then a write would let one
    overwrite the other, or both insert and one fail). Expired counters of any key are deleted first, so
    the table holds the last hour's only."""
    moment = datetime.now(UTC)
    connection.execute(delete(counters).where(counters.c.expires_at < moment.isoformat()))
    upsert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(counters).values(
        key=key, count=1, expires_at=(moment + lifetime).isoformat())
    upsert = upsert.on_conflict_do_update(index_elements=[counters.c.key],
                                          set_={"count": counters.c.count + 1}).returning(counters.c.count)
    return connection.execute(upsert).scalar_one()
