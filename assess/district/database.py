"""Reaching the history database: which URLs are usable, the write lock with a bounded wait, and every
database failure turned into one message that names the database (password hidden) and what to do.

Everything here runs before a round is scored, so a wrong `--db` costs the user seconds, not a scored
round: the URL is checked, the file looked at (a folder, a missing folder, another kind of file), and the
database opened and its schema checked by `history.open_history` before any community is read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

from assess.errors import AssessError

LOCK_WAIT_SECONDS = 60  # how long a store waits for another writer before it gives up, with a message
CONNECT_TIMEOUT_SECONDS = 10
SQLITE_HEADER = b"SQLite format 3\x00"
BACKENDS = ("sqlite", "postgresql")
URL_HELP = ("可用 文件路径、sqlite:///文件路径 或 postgresql://用户:密码@主机/库名 / use a file path, "
            "sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DB")

Notice = Callable[[str], None]


def stderr_notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def safe_url(url: str) -> str:
    """The URL without its password, for messages; a folder named 街道 reads as 街道, not %E8%A1%97%E9%81%93."""
    from urllib.parse import unquote

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return unquote(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return url.split("@")[-1]


def checked_url(url: str) -> str:
    """`url` if it names a database this tool can keep a history in; else a message saying what to give."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise AssessError(f"{safe_url(url)}: 无法识别的数据库地址 / not a database URL; {URL_HELP}") from None
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise AssessError(f"{safe_url(url)}: 不支持的数据库“{backend}” / unsupported database {backend!r}; {URL_HELP}")
    if backend == "sqlite":
        check_sqlite_file(url, parsed.database or "", dict(parsed.query))
    return url


def check_sqlite_file(url: str, database: str, query: dict) -> None:
    """A SQLite history is a file that exists as a SQLite database, or can be created in an existing folder."""
    shown = safe_url(url)
    if database in ("", ":memory:") or query.get("mode") == "memory" or database.startswith("file::memory:"):
        raise AssessError(
            f"{shown}: 内存数据库在程序结束时即被丢弃，不会保存任何轮次；请给出文件，如 --db assess-history.db / "
            "an in-memory database keeps nothing once the command ends; give a file, e.g. --db assess-history.db"
        )
    path = Path(database)
    try:
        check_sqlite_path(shown, path)
    except OSError as exc:  # a name too long for the system, a loop of links …
        raise AssessError(f"{shown}: 无法使用这个文件名 / cannot use this file name: {exc.strerror}") from None


def check_sqlite_path(shown: str, path: Path) -> None:
    if path.is_dir():
        raise AssessError(
            f"{shown}: 这是文件夹，需要数据库文件，如 {path / 'assess-history.db'} / is a folder; give a file in it, "
            f"e.g. {path / 'assess-history.db'}"
        )
    if not path.parent.is_dir():
        raise AssessError(f"{shown}: 文件夹 {path.parent} 不存在，请先建立 / the folder {path.parent} does not exist")
    if not path.exists():
        if not os.access(path.parent, os.W_OK):
            raise AssessError(
                f"{shown}: 无法在 {path.parent} 中新建数据库（只读） / cannot create the database: {path.parent} "
                "cannot be written; give a file in a folder you can write"
            )
        return
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise AssessError(f"{shown}: 无法读取 / cannot read the file: {exc.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise AssessError(
            f"{shown}: 不是 SQLite 数据库文件（未作任何改动） / not a SQLite database (left untouched); give the "
            "history's own file, or a new file name"
        )


def engine_for(url: str):
    """An engine for a checked URL: SQLite transactions are begun by `write_lock` below, PostgreSQL
    connections give up after `CONNECT_TIMEOUT_SECONDS` instead of hanging on an unreachable host."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    checked_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": LOCK_WAIT_SECONDS})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_connection, _record):
                dbapi_connection.isolation_level = None  # transactions are begun explicitly, below
                dbapi_connection.execute("PRAGMA foreign_keys = ON")

            @event.listens_for(engine, "begin")
            def _begin(connection):
                if connection.info.get("write"):
                    sqlite_write_lock(connection.connection.dbapi_connection, url, connection.info.get("notice"))
                else:
                    connection.exec_driver_sql("BEGIN")

            return engine
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    except (ArgumentError, NoSuchModuleError) as exc:
        raise AssessError(
            f"{safe_url(url)}: 无法使用这个数据库地址 / cannot use this database URL ({exc.__class__.__name__}); "
            f"{URL_HELP} (PostgreSQL needs: pip install 'psycopg[binary]')"
        ) from None


def sqlite_write_lock(dbapi_connection, url: str, notice: Notice | None) -> None:
    """BEGIN IMMEDIATE at once; if another writer holds the file, say so and wait at most LOCK_WAIT_SECONDS."""
    import sqlite3

    try:
        dbapi_connection.execute("PRAGMA busy_timeout = 0")
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        (notice or stderr_notice)(waiting_message(url))
        dbapi_connection.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
        dbapi_connection.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise database_error(url, exc) from None
    finally:
        with suppress(sqlite3.Error):  # a broken connection: the error above says why
            dbapi_connection.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")


def postgres_write_lock(connection, url: str, key: int, notice: Notice | None) -> None:
    """The advisory lock every writer takes; a lock held by another writer is waited on, with a message, for
    at most LOCK_WAIT_SECONDS (PostgreSQL's lock_timeout applies to advisory locks too)."""
    if connection.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({key})").scalar():
        return
    (notice or stderr_notice)(waiting_message(url))
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")
    connection.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")


def waiting_message(url: str) -> str:
    return (f"{safe_url(url)}: 另一个程序正在写入历史数据库，最多等待 {LOCK_WAIT_SECONDS} 秒… / another program is "
            f"writing to the history database; waiting up to {LOCK_WAIT_SECONDS} s…")


# What to do, by what the driver said (its message, lower-cased); the first match wins.
ADVICE = [
    (("lock timeout", "database is locked", "lock not available"),
     "另一个程序占用数据库超过 {wait} 秒，请待其结束后重试 / another program has held the database for over "
     "{wait} s; try again once it has finished"),
    (("password authentication failed", "no password supplied", "authentication failed"),
     "请检查 --db 中的用户名和密码 / check the user name and password in --db"),
    (("does not exist",),
     "请检查库名，或先建立数据库（createdb 库名） / check the database name, or create it first (createdb NAME)"),
    (("connection refused", "could not connect", "timeout expired", "could not translate host name",
      "name or service not known", "connection to server"),
     "请检查主机、端口，以及 PostgreSQL 服务是否在运行 / check the host and port, and that the PostgreSQL server "
     "is running"),
    (("file is not a database", "malformed", "disk image", "file is encrypted"),
     "文件已损坏或不是历史数据库：请用备份恢复，或给出新的文件名 / the file is damaged or not a history database: "
     "restore it from a backup, or give a new file name"),
    (("readonly", "read-only", "unable to open database file", "permission denied"),
     "请确认文件及其文件夹可以写入 / check that the file and its folder can be written"),
    (("disk is full", "database or disk is full", "no space"),
     "磁盘已满，请腾出空间后重试 / the disk is full; free some space and try again"),
]
GENERAL_ADVICE = "请检查 --db 给出的数据库 / check the database given with --db"


def database_error(url: str, exc: BaseException) -> AssessError:
    """One message: the database (password hidden), what went wrong as the server said it, what to do."""
    original = getattr(exc, "orig", None) or exc
    said = " ".join(str(original).split())[:300]
    lowered = said.lower()
    advice = next((text for words, text in ADVICE if any(w in lowered for w in words)), GENERAL_ADVICE)
    advice = advice.format(wait=LOCK_WAIT_SECONDS)
    return AssessError(f"{safe_url(url)}: 无法使用历史数据库 / cannot use the history database: {said}; {advice}")


@contextmanager
def guarded(url: str):
    """Any driver or SQLAlchemy failure inside the block becomes `database_error`'s message."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (SQLAlchemyError, sqlite3.Error) as exc:
        raise database_error(url, exc) from None
    except Exception as exc:  # psycopg's own errors, raised before SQLAlchemy wraps them
        if type(exc).__module__.split(".")[0] != "psycopg":
            raise
        raise database_error(url, exc) from None


def refuse_odd_value(url: str, table: str, column: str, value: object) -> None:
    """A number column holding text: the database was edited by hand or damaged; never a traceback later."""
    raise AssessError(
        f"{safe_url(url)}: 表 {table} 的 {column} 列中有非数字的值 {str(value)[:40]!r}，数据库被改动或已损坏；请用备份"
        f"恢复 / the {column} column of {table} holds {str(value)[:40]!r}, not a number: the database was edited or "
        "is damaged; restore it from a backup"
    )
