"""The history database: every stored round of a district, so that next year's round can be compared.

One schema, written with SQLAlchemy Core, serves a SQLite file (the default, `assess-history.db` beside the
round) and a shared PostgreSQL server (`--db postgresql://…`). The database carries its schema version in
`assess_meta`; `MIGRATIONS` brings an older database up to date, and a newer one is refused rather than
misread; a database without `assess_meta` that already holds tables belongs to something else and is
refused untouched. Storing a round is one transaction that first takes the database's write lock
(PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE, both waited on for a stated time), deletes the round
if it was stored before and inserts it again: re-running a round never duplicates it, two runs at once are
serialized, and a run killed half-way leaves the previous state.

A round is identified by (district, label). A round whose district is unknown is not stored beside another
district's rounds, and a stored round is replaced by one with other communities only when asked
(`--replace`): a shared history never loses a round silently. Text columns have no width, so PostgreSQL
keeps whatever SQLite keeps; control characters are refused in the labels before anything is stored.

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

from assess.district.database import Notice, engine_for, guarded, postgres_write_lock, refuse_odd_value, safe_url
from assess.errors import AssessError
from assess.files import source_date
from assess.i18n import local_time

SCHEMA_VERSION = 2
DEFAULT_FILE = "assess-history.db"
LOCK_KEY = 0x61737365  # "asse": the advisory lock every writer takes on PostgreSQL


def tables():
    """The schema as SQLAlchemy tables (built on first use, so `assess --help` does not import SQLAlchemy).
    Text columns have no width: PostgreSQL must keep every label, name and id that SQLite keeps."""
    from sqlalchemy import Column, Float, ForeignKeyConstraint, Integer, MetaData, String, Table, UniqueConstraint

    meta = MetaData()
    Table("assess_meta", meta, Column("key", String, primary_key=True), Column("value", String))
    Table(
        "rounds", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("district", String, nullable=False), Column("label", String, nullable=False),
        Column("pack_id", String), Column("pack_version", String), Column("pack_hash", String),
        Column("weights", String), Column("rank_by", String), Column("uncertainty", Integer),
        Column("stored_at", String),
        UniqueConstraint("district", "label", name="rounds_district_label"),
    )
    Table(
        "communities", meta,
        Column("round_id", Integer, primary_key=True), Column("community", String, primary_key=True),
        Column("name", String), Column("overall", Float), Column("overall_low", Float),
        Column("overall_high", Float), Column("grade", String), Column("grade_zh", String),
        Column("grade_en", String), Column("coverage", Float),
        Column("respondents", Integer), Column("rank", Integer), Column("rank_low", Integer),
        Column("rank_high", Integer), Column("topsis", Float),
        Column("answers_sha256", String), Column("respondents_sha256", String),
        ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
    )
    Table(
        "scores", meta,
        Column("round_id", Integer, primary_key=True), Column("community", String, primary_key=True),
        Column("element", String, primary_key=True), Column("level", String, nullable=False),
        Column("score", Float), Column("low", Float), Column("high", Float), Column("coverage", Float),
        ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
    )
    Table(
        "definitions", meta,
        Column("round_id", Integer, primary_key=True), Column("element", String, primary_key=True),
        Column("level", String, nullable=False), Column("position", Integer, nullable=False),
        Column("parent", String), Column("weight", Float),
        Column("definition_sha256", String), Column("title_zh", String), Column("title_en", String),
        ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
    )
    return meta


def widen_text_columns(connection, meta) -> None:
    """Version 1 gave PostgreSQL's text columns widths (200 characters for a label) that SQLite never
    enforced; version 2 has none. SQLite's columns already hold any length."""
    if connection.dialect.name != "postgresql":
        return
    from sqlalchemy import String

    quote = connection.dialect.identifier_preparer.quote
    for table in meta.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String):
                connection.exec_driver_sql(
                    f"ALTER TABLE {quote(table.name)} ALTER COLUMN {quote(column.name)} TYPE VARCHAR")


MIGRATIONS: dict[int, Callable] = {1: widen_text_columns}  # version v -> function(connection, meta): v to v + 1


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


@dataclass
class History:
    """An open history database, its schema checked and brought up to date."""

    url: str
    engine: object
    meta: object
    notice: Notice | None = None

    def begin(self):
        """A write transaction holding the database's write lock."""
        return _locked(self.engine, self.url, self.notice)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def reading(self):
        """A read-only connection; a database that cannot be read is reported, not raised."""
        return _reading(self.engine, self.url)


@contextmanager
def _reading(engine, url: str):
    with guarded(url), engine.connect() as connection:
        yield connection


@contextmanager
def _locked(engine, url: str, notice: Notice | None = None):
    with guarded(url), engine.connect() as connection:
        connection.info["write"] = True
        connection.info["notice"] = notice
        with connection.begin():
            if connection.dialect.name == "postgresql":
                postgres_write_lock(connection, url, LOCK_KEY, notice)
            yield connection


def open_history(url: str, notice: Notice | None = None) -> History:
    """The history at `url`, checked (URL, file, server, schema) and brought up to date, or one message."""
    engine = engine_for(url)
    meta = tables()
    try:
        with _locked(engine, url, notice) as connection:
            migrate(connection, meta, url)
    except BaseException:
        engine.dispose()
        raise
    return History(url, engine, meta, notice)


WEB_SITE_MARK = "web_meta"  # the table `assess serve` keeps its schema version in


def migrate(connection, meta, url: str = "") -> None:
    """Create the schema in an empty database, bring an older one up to `SCHEMA_VERSION`, refuse a newer one
    and a database that holds other tables but no `assess_meta` (another application's, left untouched). The
    tables of an `assess serve` site (marked by `web_meta`) are assess's own: its history may live beside them."""
    from sqlalchemy import inspect

    known = inspect(connection).get_table_names()
    if "assess_meta" not in known:
        if known and WEB_SITE_MARK not in known:
            shown = ", ".join(sorted(known)[:5]) + ("…" if len(known) > 5 else "")
            raise AssessError(
                f"{safe_url(url)}: 这不是 assess 的历史数据库（其中已有其他表：{shown}），未作任何改动；"
                f"请给出新的文件名或空的数据库 / not an assess history (it holds other tables: {shown}); "
                "left untouched: give a new file name or an empty database"
            )
        meta.create_all(connection)
        connection.execute(meta.tables["assess_meta"].insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return
    table = meta.tables["assess_meta"]
    row = connection.execute(table.select().where(table.c.key == "schema_version")).first()
    version = schema_version(row.value if row else None, url)
    if version > SCHEMA_VERSION:
        raise AssessError(
            f"历史数据库的结构版本为 {version}，本程序只认识到 {SCHEMA_VERSION}；请升级 assess / the history database "
            f"has schema version {version}, newer than this assess knows ({SCHEMA_VERSION}): upgrade assess"
        )
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](connection, meta)
        version += 1
        connection.execute(table.update().where(table.c.key == "schema_version").values(value=str(version)))


def schema_version(value: object, url: str) -> int:
    """The stored schema version; a missing or unreadable one (a damaged or hand-made table) is a message."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or (int(text) < SCHEMA_VERSION and int(text) not in MIGRATIONS):
        raise AssessError(
            f"{safe_url(url)}: 历史数据库的结构版本缺失或无法识别（{text or '无'}），数据库可能已损坏；"
            f"请用备份恢复 / the history's schema version is missing or unreadable ({text or 'none'}): the "
            "database may be damaged; restore it from a backup"
        )
    return int(text)


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


def check_store(history: History, district: str, label: str, communities: list[str], replace: bool = False,
                connection=None) -> str | None:
    """Whether the round (district, label) of these communities may be stored; called before the round is
    scored and again inside the storing transaction. Refuses, with what to do: control characters in the
    district or label, a round of unknown district beside another district's rounds, and replacing a stored
    round with other communities without `replace`. Returns the notice naming what a store replaces."""
    for what, value in (("district", district), ("round", label)):
        refuse_control_characters(what, value)
    if connection is None:
        with history.reading() as reading:
            return check_store(history, district, label, communities, replace, reading)
    rounds = history.meta.tables["rounds"]
    stored = [dict(r._mapping) for r in connection.execute(rounds.select())]
    others = sorted({r["district"] for r in stored if r["district"] != district})
    if not district and others:
        raise AssessError(
            f"{safe_url(history.url)}: 这个数据库已存有其他街道（{'、'.join(others[:5])}）的轮次，"
            f"本轮未写明属于哪个街道，存入会与之混淆；请在 round.yaml 中写 district: 街道名称 / this database "
            f"holds the rounds of {', '.join(others[:5])}, and this round names no district: write "
            "`district: NAME` in round.yaml, or store it in a database of its own with --db"
        )
    same = next((r for r in stored if r["district"] == district and r["label"] == label), None)
    if same is None:
        return None
    communities_table = history.meta.tables["communities"]
    old = {r.community for r in connection.execute(
        communities_table.select().where(communities_table.c.round_id == same["id"]))}
    count = len(old)
    zh = f"“{label}”轮（{local_time(same['stored_at'], 'zh')} 存入，{count} 个社区）"
    en = f"round {label!r} (stored {local_time(same['stored_at'], 'en')}, {count} communities)"
    if old != set(communities) and not replace:
        gone = ", ".join(sorted(old - set(communities))[:10]) or "-"
        new = ", ".join(sorted(set(communities) - old)[:10]) or "-"
        raise AssessError(
            f"{safe_url(history.url)}: 已存有{zh}，其社区与本轮不同（本轮没有：{gone}；新增：{new}）；要替换它请加 "
            f"--replace，要另存请用 --round 换一个轮次名称 / {en} is stored with other communities (not in this "
            f"round: {gone}; new: {new}): add --replace to replace it, or give this round another label with --round"
        )
    return f"替换已存的{zh} / replacing the stored {en}"


def refuse_control_characters(what: str, value: str) -> None:
    from assess.responses.answer_file import CONTROL

    if CONTROL.search(value):
        raise AssessError(
            f"{what} {value[:60]!r}: 含有控制字符或不可用字符，请只写普通文字 / contains a control character (e.g. NUL "
            "or ESC) or a character that is not text; write plain text"
        )


def store_league(history: History, league, pack, replace: bool = False) -> int:
    """Store the round (replacing an earlier run of the same district and label, see `check_store`);
    returns its row id."""
    from sqlalchemy import delete

    t = history.meta.tables
    district = league.round.district or ""
    members = [s.member.id for s in league.standings]
    with history.begin() as connection:
        check_store(history, district, league.round.label, members, replace, connection)
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
        return [checked(history.url, rounds, dict(row._mapping)) for row in connection.execute(query).all()]


def checked(url: str, table, row: dict) -> dict:
    """The row, its number columns checked: SQLite keeps text in any column, and a hand-edited database must
    end in a message, not in a traceback far from the cause."""
    from sqlalchemy import Float, Integer

    for column in table.columns:
        value = row.get(column.name)
        if value is None or not isinstance(column.type, Float | Integer):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            refuse_odd_value(url, table.name, column.name, value)
    return row


def load_stored(history: History, label: str, district: str) -> StoredRound:
    from sqlalchemy import select

    t = history.meta.tables
    with history.reading() as connection:
        head = connection.execute(select(t["rounds"]).where(t["rounds"].c.label == label,
                                                            t["rounds"].c.district == district)).first()
        if head is not None:
            checked(history.url, t["rounds"], dict(head._mapping))
    if head is None:
        known = [r["label"] for r in stored_rounds(history, district)]
        raise AssessError(
            f"历史数据库中没有“{label}”这一轮（已存：{'、'.join(known) or '无'}）；先运行 assess district score / "
            f"no round {label!r} is stored ({', '.join(known) or 'none'}); run assess district score on it first"
        )
    with history.reading() as connection:
        defined = t["definitions"]
        definitions = {row.element: checked(history.url, defined, dict(row._mapping)) for row in connection.execute(
            select(defined).where(defined.c.round_id == head.id).order_by(defined.c.position)).all()}
        scores: dict[str, dict] = {}
        for row in connection.execute(select(t["scores"]).where(t["scores"].c.round_id == head.id)).all():
            checked(history.url, t["scores"], dict(row._mapping))
            interval = None if row.low is None else (row.low, row.high)
            scores.setdefault(row.community, {})[row.element] = (row.score, interval)
        communities = {
            row.community: StoredCommunity(
                row.community, row.name, row.overall,
                None if row.overall_low is None else (row.overall_low, row.overall_high),
                {"zh": row.grade_zh, "en": row.grade_en} if row.grade else None, row.rank,
                row.rank_low, row.rank_high, row.respondents, scores.get(row.community, {}))
            for row in connection.execute(select(t["communities"]).where(t["communities"].c.round_id == head.id)
                                          .order_by(t["communities"].c.community)).all()
            if checked(history.url, t["communities"], dict(row._mapping))
        }
    fields = {k: getattr(head, k) for k in ("id", "district", "label", "pack_id", "pack_version", "pack_hash",
                                             "weights", "rank_by", "uncertainty", "stored_at")}
    return StoredRound(**fields, definitions=definitions, communities=communities)
