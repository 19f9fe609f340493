"""The history database: every stored round of a district, so that next year's round can be compared.

One schema, written with SQLAlchemy Core, serves a SQLite file (the default, `assess-history.db` beside the
round) and a shared PostgreSQL server (`--db postgresql://…`). The database carries its schema version in
`assess_meta`; `MIGRATIONS` brings an older database up to date, and a newer one is refused rather than
misread. Storing a round is one transaction that first takes the database's write lock (PostgreSQL: an
advisory lock; SQLite: BEGIN IMMEDIATE), deletes the round if it was stored before and inserts it again:
re-running a round never duplicates it, two runs at once are serialized, and a run killed half-way leaves
the previous state.

Stored: the round (district, label, pack id/version/hash, weighting and ranking method, uncertainty draws,
when), and per community its name, overall, dimension and indicator scores with coverage and their 5–95 %
intervals, respondents, rank and rank interval, and the SHA-256 of its answer and residents' files; per
dimension and indicator the weight used and a hash of its definition (what scoring reads of it, texts
left out), so that rounds on different packs are compared only where definitions agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assess.errors import AssessError
from assess.files import source_date

SCHEMA_VERSION = 1
DEFAULT_FILE = "assess-history.db"
LOCK_KEY = 0x61737365  # "asse": the advisory lock every writer takes on PostgreSQL
MIGRATIONS: dict[int, Callable] = {}  # version v -> function(connection) that brings v to v + 1


def tables():
    """The schema as SQLAlchemy tables (built on first use, so `assess --help` does not import SQLAlchemy)."""
    from sqlalchemy import Column, Float, ForeignKeyConstraint, Integer, MetaData, String, Table, UniqueConstraint

    meta = MetaData()
    Table("assess_meta", meta, Column("key", String(64), primary_key=True), Column("value", String(256)))
    Table(
        "rounds", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("district", String(200), nullable=False), Column("label", String(200), nullable=False),
        Column("pack_id", String(200)), Column("pack_version", String(100)), Column("pack_hash", String(64)),
        Column("weights", String(20)), Column("rank_by", String(20)), Column("uncertainty", Integer),
        Column("stored_at", String(40)),
        UniqueConstraint("district", "label", name="rounds_district_label"),
    )
    Table(
        "communities", meta,
        Column("round_id", Integer, primary_key=True), Column("community", String(200), primary_key=True),
        Column("name", String(500)), Column("overall", Float), Column("overall_low", Float),
        Column("overall_high", Float), Column("grade", String(50)), Column("grade_zh", String(100)),
        Column("grade_en", String(100)), Column("coverage", Float),
        Column("respondents", Integer), Column("rank", Integer), Column("rank_low", Integer),
        Column("rank_high", Integer), Column("topsis", Float),
        Column("answers_sha256", String(64)), Column("respondents_sha256", String(64)),
        ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
    )
    Table(
        "scores", meta,
        Column("round_id", Integer, primary_key=True), Column("community", String(200), primary_key=True),
        Column("element", String(200), primary_key=True), Column("level", String(10), nullable=False),
        Column("score", Float), Column("low", Float), Column("high", Float), Column("coverage", Float),
        ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
    )
    Table(
        "definitions", meta,
        Column("round_id", Integer, primary_key=True), Column("element", String(200), primary_key=True),
        Column("level", String(10), nullable=False), Column("position", Integer, nullable=False),
        Column("parent", String(200)), Column("weight", Float),
        Column("definition_sha256", String(64)), Column("title_zh", String(500)), Column("title_en", String(500)),
        ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
    )
    return meta


def database_url(db: str | None, round_path: Path) -> str:
    """`--db` as given (a SQLAlchemy URL, or a plain file path), else the SQLite file beside the round."""
    if db and "://" in db:
        return db.replace("postgresql://", "postgresql+psycopg://", 1) if db.startswith("postgresql://") else db
    path = Path(db) if db else default_file(round_path)
    return f"sqlite:///{path.resolve()}"


def default_file(round_path: Path) -> Path:
    """Beside the round: the folder holding the round's folder, or the manifest file's own folder."""
    round_path = Path(round_path)
    return (round_path.parent if round_path.is_file() else round_path.resolve().parent) / DEFAULT_FILE


def engine_for(url: str):
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 60})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_connection, _record):
                dbapi_connection.isolation_level = None  # transactions are begun explicitly, below
                dbapi_connection.execute("PRAGMA foreign_keys = ON")

            @event.listens_for(engine, "begin")
            def _write_lock(connection):
                connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get("write") else "BEGIN")

            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise AssessError(
            f"{safe_url(url)}: 无法识别的数据库地址；可用 sqlite:///文件路径 或 postgresql://用户:密码@主机/库名 / "
            f"not a database URL this tool can use ({exc.__class__.__name__}); use sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST/DB (PostgreSQL needs: pip install 'psycopg[binary]')"
        ) from None


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


@dataclass
class History:
    """An open history database, its schema checked and brought up to date."""

    url: str
    engine: object
    meta: object

    def begin(self):
        """A write transaction holding the database's write lock."""
        return _locked(self.engine, self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def reading(self):
        """A read-only connection; a database that cannot be read is reported, not raised."""
        return _guarded(self.engine.connect(), self.url)


@contextmanager
def _guarded(connection, url: str):
    from sqlalchemy.exc import OperationalError

    try:
        with connection:
            yield connection
    except OperationalError as exc:
        raise AssessError(
            f"{safe_url(url)}: 无法读写历史数据库 / cannot use the history database: {str(exc.orig).strip()}"
        ) from None


@contextmanager
def _locked(engine, url: str):
    with _guarded(engine.connect(), url) as connection:
        connection.info["write"] = True
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
            yield connection


def open_history(url: str) -> History:
    engine = engine_for(url)
    meta = tables()
    try:
        with _locked(engine, url) as connection:
            migrate(connection, meta)
    except BaseException:
        engine.dispose()
        raise
    return History(url, engine, meta)


def migrate(connection, meta) -> None:
    """Create the schema in an empty database, bring an older one up to `SCHEMA_VERSION`, refuse a newer one."""
    from sqlalchemy import inspect

    known = inspect(connection).get_table_names()
    if "assess_meta" not in known:
        meta.create_all(connection)
        connection.execute(meta.tables["assess_meta"].insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return
    table = meta.tables["assess_meta"]
    row = connection.execute(table.select().where(table.c.key == "schema_version")).first()
    version = int(row.value) if row else 0
    if version > SCHEMA_VERSION:
        raise AssessError(
            f"历史数据库的结构版本为 {version}，本程序只认识到 {SCHEMA_VERSION}；请升级 assess / the history database "
            f"has schema version {version}, newer than this assess knows ({SCHEMA_VERSION}): upgrade assess"
        )
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](connection)
        version += 1
        connection.execute(table.update().where(table.c.key == "schema_version").values(value=str(version)))


# -- what is stored ---------------------------------------------------------------------------------------


def definition_hash(element) -> str:
    """SHA-256 of what scoring reads of a dimension or indicator: ids, weights, types, goalposts, options'
    scores and targets; titles, help texts and evidence are left out, so a rewording keeps rounds comparable."""
    return hashlib.sha256(json.dumps(scoring_part(element.model_dump()), sort_keys=True).encode()).hexdigest()


TEXT_FIELDS = {"title", "description", "help", "label", "labels", "unit", "sources"}


def scoring_part(value):
    if isinstance(value, dict):
        return {k: scoring_part(v) for k, v in value.items() if k not in TEXT_FIELDS}
    if isinstance(value, list):
        return [scoring_part(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # 0 and 0.0 are the same goalpost, however the YAML spelled it
    return value


def file_hash(path: Path | None) -> str | None:
    if path is None:
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_time() -> str:
    """Now, or SOURCE_DATE_EPOCH when set, so that a reproducible run (the demo's) stores the same bytes."""
    return (source_date() or datetime.now(UTC)).isoformat(timespec="seconds")


def store_league(history: History, league, pack) -> int:
    """Store the round (replacing an earlier run of the same district and label); returns its row id."""
    from sqlalchemy import delete

    t = history.meta.tables
    district = league.round.district or ""
    with history.begin() as connection:
        connection.execute(delete(t["rounds"]).where(t["rounds"].c.district == district,
                                                     t["rounds"].c.label == league.round.label))
        ref = league.standings[0].result.pack
        round_id = connection.execute(t["rounds"].insert().values(
            district=district, label=league.round.label, pack_id=ref.id, pack_version=ref.version,
            pack_hash=ref.hash, weights=league.weights_method, rank_by=league.rank_by,
            uncertainty=league.uncertainty, stored_at=stored_time(),
        )).inserted_primary_key[0]
        connection.execute(t["definitions"].insert(), definition_rows(round_id, league, pack))
        connection.execute(t["communities"].insert(), [community_row(round_id, s) for s in league.standings])
        connection.execute(t["scores"].insert(), [row for s in league.standings for row in score_rows(round_id, s)])
    return round_id


def definition_rows(round_id: int, league, pack) -> list[dict]:
    rows = []
    for dim in pack.dimensions:
        rows.append({"round_id": round_id, "element": dim.id, "level": "dimension", "position": len(rows),
                     "parent": None,
                     "weight": league.dimension_weights[dim.id], "definition_sha256": definition_hash(dim),
                     "title_zh": dim.title.zh, "title_en": dim.title.en})
        for ind in dim.indicators:
            rows.append({"round_id": round_id, "element": ind.id, "level": "indicator", "position": len(rows),
                         "parent": dim.id,
                         "weight": league.indicator_weights[dim.id][ind.id], "definition_sha256": definition_hash(ind),
                         "title_zh": ind.title.zh, "title_en": ind.title.en})
    return rows


def community_row(round_id: int, standing) -> dict:
    result, interval = standing.result, standing.overall_interval
    return {
        "round_id": round_id, "community": standing.member.id, "name": result.community.name,
        "overall": standing.overall, "overall_low": interval[0] if interval else None,
        "overall_high": interval[1] if interval else None, "grade": result.overall.grade,
        "grade_zh": label.zh if (label := result.overall.grade_label) else None,
        "grade_en": label.en if label else None,
        "coverage": result.overall.coverage, "respondents": result.respondents, "rank": standing.rank,
        "rank_low": standing.rank_low, "rank_high": standing.rank_high, "topsis": standing.topsis,
        "answers_sha256": file_hash(standing.member.answers),
        "respondents_sha256": file_hash(standing.member.respondents),
    }


def score_rows(round_id: int, standing) -> list[dict]:
    rows = []
    for dim in standing.result.dimensions:
        interval = standing.dimension_intervals.get(dim.id)
        rows.append({"round_id": round_id, "community": standing.member.id, "element": dim.id, "level": "dimension",
                     "score": dim.score, "low": interval[0] if interval else None,
                     "high": interval[1] if interval else None, "coverage": dim.coverage})
    for ind in standing.result.indicators:
        rows.append({"round_id": round_id, "community": standing.member.id, "element": ind.id, "level": "indicator",
                     "score": ind.score, "low": None, "high": None, "coverage": ind.coverage})
    return rows


# -- what is read back ------------------------------------------------------------------------------------


@dataclass
class StoredCommunity:
    id: str
    name: str
    overall: float | None
    overall_interval: tuple[float, float] | None
    grade: dict[str, str] | None  # the grade's label, {"zh": …, "en": …}
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    respondents: int
    scores: dict[str, tuple[float | None, tuple[float, float] | None]]  # element -> (score, interval)


@dataclass
class StoredRound:
    id: int
    district: str
    label: str
    pack_id: str
    pack_version: str
    pack_hash: str
    weights: str
    rank_by: str
    uncertainty: int
    stored_at: str
    definitions: dict[str, dict]  # element -> {level, parent, weight, definition_sha256, title_zh, title_en}
    communities: dict[str, StoredCommunity]


def stored_rounds(history: History, district: str | None = None) -> list[dict]:
    """Every stored round (of `district`, if given), oldest first, with its number of communities."""
    from sqlalchemy import func, select

    t = history.meta.tables
    rounds, communities = t["rounds"], t["communities"]
    count = select(func.count()).where(communities.c.round_id == rounds.c.id).scalar_subquery()
    query = select(rounds, count.label("communities")).order_by(rounds.c.stored_at, rounds.c.id)
    if district is not None:
        query = query.where(rounds.c.district == district)
    with history.reading() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def load_stored(history: History, label: str, district: str) -> StoredRound:
    from sqlalchemy import select

    t = history.meta.tables
    with history.reading() as connection:
        head = connection.execute(select(t["rounds"]).where(t["rounds"].c.label == label,
                                                            t["rounds"].c.district == district)).first()
    if head is None:
        known = [r["label"] for r in stored_rounds(history, district)]
        raise AssessError(
            f"历史数据库中没有“{label}”这一轮（已存：{'、'.join(known) or '无'}）；先运行 assess district score / "
            f"no round {label!r} is stored ({', '.join(known) or 'none'}); run assess district score on it first"
        )
    with history.reading() as connection:
        defined = t["definitions"]
        definitions = {row.element: dict(row._mapping) for row in connection.execute(
            select(defined).where(defined.c.round_id == head.id).order_by(defined.c.position))}
        scores: dict[str, dict] = {}
        for row in connection.execute(select(t["scores"]).where(t["scores"].c.round_id == head.id)):
            interval = None if row.low is None else (row.low, row.high)
            scores.setdefault(row.community, {})[row.element] = (row.score, interval)
        communities = {
            row.community: StoredCommunity(
                row.community, row.name, row.overall,
                None if row.overall_low is None else (row.overall_low, row.overall_high),
                {"zh": row.grade_zh, "en": row.grade_en} if row.grade else None, row.rank,
                row.rank_low, row.rank_high, row.respondents, scores.get(row.community, {}))
            for row in connection.execute(select(t["communities"]).where(t["communities"].c.round_id == head.id)
                                          .order_by(t["communities"].c.community))
        }
    fields = {k: getattr(head, k) for k in ("id", "district", "label", "pack_id", "pack_version", "pack_hash",
                                             "weights", "rank_by", "uncertainty", "stored_at")}
    return StoredRound(**fields, definitions=definitions, communities=communities)
