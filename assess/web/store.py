"""The web application's data folder and database: where units, people, answers, uploads and jobs live.

`assess serve --data DIR` keeps everything in DIR: `assess.db` (SQLite in WAL mode, so pages read while an
answer is written), `secret.key` (readable by its owner only), `uploads/` (residents' files as sent) and
`reports/` (rendered reports, named by the hash of their inputs so an unchanged input is not rendered
twice). `--db URL` puts the tables in another database (PostgreSQL) while files stay in DIR.

The schema is SQLAlchemy Core, every table named `web_…` so that the district history can share the database;
the database records its version in `web_meta` and a newer one is refused.
Every write is one transaction (`Site.write`).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    inspect,
    select,
)

from assess.errors import AssessError

SCHEMA_VERSION = 1
DATABASE_FILE = "assess.db"
SECRET_FILE = "secret.key"
HISTORY_FILE = "history.db"
DEFAULT_PACK = "core"

meta = MetaData()
web_meta = Table("web_meta", meta, Column("key", String(64), primary_key=True), Column("value", String(256)))
units = Table(
    "web_units", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # city | district | subdistrict | community
    Column("parent_id", Integer, ForeignKey("web_units.id")),
    Column("path", String(1000), nullable=False, unique=True),  # 区/街道/社区, as people name it
    Column("lineage", String(400), nullable=False),  # /1/5/9/: ids only, so a prefix query needs no escaping
    Column("community_type", String(40)),  # a community's kind as the pack names it (老旧小区 …), for its advice
)
users = Table(
    "web_users", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
    Column("must_change", Boolean, nullable=False, default=False),  # a generated password, shown once
)
assignments = Table(
    "web_assignments", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("web_users.id"), nullable=False),
    Column("role", String(40), nullable=False),
    Column("unit_id", Integer, ForeignKey("web_units.id")),  # None: everything (the administrator's)
)
sessions = Table(
    "web_sessions", meta,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("web_users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
)
login_failures = Table(
    "web_login_failures", meta,
    Column("key", String(300), primary_key=True),  # "user:NAME" or "address:IP"
    Column("count", Integer, nullable=False),
    Column("first_at", String(40), nullable=False),
    Column("locked_until", String(40)),
)
rounds = Table(
    "web_rounds", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("label", String(200), nullable=False),
    Column("pack", String(200), nullable=False),
    Column("opened_at", String(40), nullable=False),
    Column("closed_at", String(40)),
)
answers = Table(
    "web_answers", meta,
    Column("unit_id", Integer, ForeignKey("web_units.id"), primary_key=True),
    Column("round_id", Integer, ForeignKey("web_rounds.id"), primary_key=True),
    Column("question_id", String(100), primary_key=True),
    Column("value", Text, nullable=False),  # JSON of the canonical value
    Column("who", Integer, ForeignKey("web_users.id")),
    Column("at", String(40), nullable=False),
)
submissions = Table(
    "web_submissions", meta,
    Column("unit_id", Integer, ForeignKey("web_units.id"), primary_key=True),
    Column("round_id", Integer, ForeignKey("web_rounds.id"), primary_key=True),
    Column("who", Integer, ForeignKey("web_users.id")),
    Column("at", String(40), nullable=False),
)
uploads = Table(
    "web_uploads", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", Integer, ForeignKey("web_units.id"), nullable=False),
    Column("round_id", Integer, ForeignKey("web_rounds.id"), nullable=False),
    Column("name", String(300), nullable=False),  # the file's name as sent, shown escaped
    Column("stored", String(300), nullable=False),  # the file under uploads/, named by the server
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("group_by", Text, nullable=False, default="[]"),
    Column("respondents", Integer),
    Column("notes", Text, nullable=False, default="[]"),
    Column("problems", Text, nullable=False, default="[]"),
    Column("who", Integer, ForeignKey("web_users.id")),
    Column("at", String(40), nullable=False),
)
jobs = Table(
    "web_jobs", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("unit_id", Integer, ForeignKey("web_units.id"), nullable=False),
    Column("round_id", Integer, ForeignKey("web_rounds.id"), nullable=False),
    Column("params", Text, nullable=False),
    Column("input_hash", String(64), nullable=False),
    Column("state", String(20), nullable=False),  # queued | running | done | failed
    Column("progress", Float, nullable=False, default=0.0),
    Column("messages", Text, nullable=False, default="[]"),
    Column("output", String(300)),
    Column("worker", Integer),
    Column("who", Integer, ForeignKey("web_users.id")),
    Column("created_at", String(40), nullable=False),
    Column("finished_at", String(40)),
)
audit = Table(
    "web_audit", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("who", String(100)),
    Column("address", String(100)),
    Column("action", String(40), nullable=False),
    Column("unit_id", Integer),
    Column("detail", Text, nullable=False),
)
Index("web_jobs_state", jobs.c.state)
Index("web_jobs_input", jobs.c.input_hash, jobs.c.state)
Index("web_audit_unit", audit.c.unit_id)
UniqueConstraint(assignments.c.user_id, assignments.c.role, assignments.c.unit_id, name="assignment_once")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Site:
    """An open data folder: its database engine and folders."""

    root: Path
    engine: Engine
    secret: bytes
    max_upload: int = 50 * 1024**2  # bytes of one residents' file sent from the browser

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @contextmanager
    def write(self) -> Iterator[Any]:
        """One transaction that writes (SQLite: BEGIN IMMEDIATE, so two writers queue instead of failing)."""
        with self.engine.connect() as connection:
            connection.info["write"] = True
            with connection.begin():
                yield connection
            for callback in connection.info.pop("after_commit", []):  # e.g. a job handed to the queue
                callback()

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.engine.connect() as connection, connection.begin():
            yield connection


def database_url(root: Path, db: str | None) -> str:
    if db and "://" in db:
        return db.replace("postgresql://", "postgresql+psycopg://", 1) if db.startswith("postgresql://") else db
    return f"sqlite:///{(Path(db) if db else root / DATABASE_FILE).resolve()}"


def engine_for(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions are begun explicitly, below
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")  # WAL stays safe against a crash of assess
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _write_lock(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get("write") else "BEGIN")

    return engine


def open_site(root: Path, db: str | None = None) -> Site:
    """Open DIR, creating it on first use (folders, secret key, database) and migrating the schema."""
    root = Path(root)
    for folder in (root, root / "uploads", root / "reports"):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    site = Site(root, engine_for(database_url(root, db)), secret_key(root / SECRET_FILE))
    migrate(site)  # the job queue's tables on PostgreSQL: queue.prepare, by `assess serve` and `assess worker`
    return site


def secret_key(path: Path) -> bytes:
    """The site's secret, created once with mode 0600: only the account that runs assess can read it."""
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def history_url(site: Site) -> str:
    """The history database: the site's own PostgreSQL database (tables apart), or history.db beside it."""
    if site.engine.url.get_backend_name() == "postgresql":
        return site.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return f"sqlite:///{(site.root / HISTORY_FILE).resolve()}"


def migrate(site: Site) -> None:
    """Create the schema in an empty database (with the first round), refuse one newer than this assess."""
    from assess.web.survey_store import create_tables as create_survey_tables

    if site.engine.dialect.name == "postgresql" and not inspect(site.engine).get_table_names():
        # the district history shares this database (tables apart) and moves only into an empty one: first
        from assess.district import open_history

        open_history(history_url(site)).close()
    with site.write() as connection:
        meta.create_all(connection)
        add_missing_columns(connection)
        create_survey_tables(connection)
        version = connection.execute(select(web_meta.c.value).where(web_meta.c.key == "schema")).scalar()
        if version is None:
            connection.execute(insert(web_meta).values(key="schema", value=str(SCHEMA_VERSION)))
        elif int(version) > SCHEMA_VERSION:
            raise AssessError(f"数据库版本 {version} 比本程序新，请升级 assess / the database is of schema {version}, "
                              f"newer than this assess ({SCHEMA_VERSION}): upgrade assess")
        if connection.execute(select(rounds.c.id).limit(1)).first() is None:
            connection.execute(insert(rounds).values(label=str(datetime.now(UTC).year), pack=DEFAULT_PACK,
                                                     opened_at=now()))


def add_missing_columns(connection) -> None:
    """Columns added to a table after sites were made with it (nullable, so old rows stay valid)."""
    have = {column["name"] for column in inspect(connection).get_columns(units.name)}
    if "community_type" not in have:
        connection.exec_driver_sql(f"ALTER TABLE {units.name} ADD COLUMN community_type VARCHAR(40)")


def current_round(connection) -> Any:
    """The open round answers go to (the latest one opened)."""
    return connection.execute(select(rounds).order_by(rounds.c.id.desc()).limit(1)).one()


import assess.web.round_tables  # noqa: E402, F401  (the rounds' tables join the schema)
