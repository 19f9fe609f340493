"""A shared history never loses a round, and every database problem is one message, said before scoring.

Against SQLite and the real PostgreSQL server of `.ci/run` (the `db_url` fixture of test_history: one
schema per test, dropped afterwards)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from assess.cli import main
from assess.district import database, workflow
from assess.district.history import load_stored, open_history, stored_rounds
from assess.district.workflow import RoundOptions, score_and_store
from assess.errors import AssessError
from assess.scoring.options import ScoringOptions
from tests.district.test_history import POSTGRES, needs_postgres, postgres_schema_url

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def db_url(request, tmp_path):
    """A SQLite file, or a fresh schema on the PostgreSQL test server, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    from sqlalchemy import create_engine

    url, schema = postgres_schema_url()
    yield url
    engine = create_engine(POSTGRES)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()


def make_round(base: Path, folders: list[str], district: str | None = None, label: str = "2026") -> Path:
    """A round of the examples' committee answers (no residents, so it scores in a moment), with a manifest
    naming its district when one is given."""
    base.mkdir(parents=True, exist_ok=True)
    for name in folders:
        (base / name).mkdir(exist_ok=True)
        source = {"a": "old-community", "b": "new-commercial", "c": "mining-district"}[name[0]]
        shutil.copy(EXAMPLES / source / "answers.yaml", base / name / "answers.yaml")
    if district is not None:
        listed = "".join(f"  - dir: {name}\n" for name in folders)
        (base / "round.yaml").write_text(f"district: {district}\nround: \"{label}\"\ncommunities:\n{listed}",
                                         encoding="utf-8")
    return base


def store(path: Path, url: str, **options) -> list[str]:
    """Score and store the round with few draws; the notices it gives."""
    notices: list[str] = []
    options = RoundOptions(scoring=ScoringOptions(uncertainty=20), db=url, **options)
    score_and_store(path, options, notice=notices.append)
    return notices


@pytest.fixture
def no_scoring(monkeypatch):
    """Scoring fails the test: a refusal must come before any community is scored."""
    def scored(*_args, **_kwargs):
        raise AssertionError("the round was scored before the database problem was said")

    monkeypatch.setattr(workflow, "score_round", scored)


def test_two_sub_districts_share_one_history_and_keep_their_rounds_apart(db_url, tmp_path):
    store(make_round(tmp_path / "east", ["a1", "b1"], "东街道"), db_url)
    store(make_round(tmp_path / "west", ["a2", "c2", "b2"], "西街道"), db_url)
    with open_history(db_url) as history:
        kept = sorted((r["district"], r["label"], r["communities"]) for r in stored_rounds(history))
        assert kept == [("东街道", "2026", 2), ("西街道", "2026", 3)]
        assert set(load_stored(history, "2026", "东街道").communities) == {"a1", "b1"}


def test_a_round_of_unknown_district_is_not_stored_beside_another_districts(db_url, tmp_path, monkeypatch):
    store(make_round(tmp_path / "east", ["a1", "b1"], "东街道"), db_url)
    bare = make_round(tmp_path / "bare", ["a1", "c1"])
    monkeypatch.setattr(workflow, "score_round", lambda *a, **k: pytest.fail("scored before the refusal"))
    with pytest.raises(AssessError, match="东街道") as refused:
        store(bare, db_url)
    assert "district: NAME" in str(refused.value) and "round.yaml" in str(refused.value)


def test_a_bare_round_in_its_own_history_is_stored_as_before(db_url, tmp_path):
    store(make_round(tmp_path / "r", ["a1", "b1"]), db_url)
    with open_history(db_url) as history:
        assert [(r["district"], r["label"]) for r in stored_rounds(history)] == [("", "r")]


def test_replacing_a_round_of_other_communities_needs_replace_and_says_what_it_replaces(db_url, tmp_path):
    store(make_round(tmp_path / "one", ["a1", "b1"], "东街道"), db_url)
    again = store(make_round(tmp_path / "one", ["a1", "b1"], "东街道"), db_url)
    assert len(again) == 1 and "replacing the stored round '2026'" in again[0] and "2 communities" in again[0]
    other = make_round(tmp_path / "two", ["a9", "c9", "b9"], "东街道")
    with pytest.raises(AssessError, match="--replace") as refused:
        store(other, db_url)
    assert "a1" in str(refused.value) and "a9" in str(refused.value)
    with open_history(db_url) as history:
        assert set(load_stored(history, "2026", "东街道").communities) == {"a1", "b1"}
    notices = store(other, db_url, replace=True)
    assert "2 communities" in notices[0]
    with open_history(db_url) as history:
        assert set(load_stored(history, "2026", "东街道").communities) == {"a9", "b9", "c9"}


def test_a_manifest_label_is_kept_as_written(db_url, tmp_path):
    base = make_round(tmp_path / "r", ["a1"], "东街道")
    (base / "round.yaml").write_text("district: 东街道\nround: 2025.10\ncommunities:\n  - dir: a1\n", encoding="utf-8")
    store(base, db_url)
    (base / "round.yaml").write_text("district: 东街道\nround: 2025.1\ncommunities:\n  - dir: a1\n", encoding="utf-8")
    store(base, db_url)
    with open_history(db_url) as history:
        assert sorted(r["label"] for r in stored_rounds(history)) == ["2025.1", "2025.10"]


def test_long_labels_names_and_ids_are_kept_by_both_backends(db_url, tmp_path):
    district, label = "很长的街道名称" * 60, "第" * 300
    base = make_round(tmp_path / "r", ["a" * 250], "x")
    (base / "round.yaml").write_text(f"district: {district}\nround: {label}\ncommunities:\n  - dir: {'a' * 250}\n",
                                     encoding="utf-8")
    store(base, db_url)
    with open_history(db_url) as history:
        assert list(load_stored(history, label, district).communities) == ["a" * 250]


@pytest.mark.parametrize("bad", ["东\x00街道", "东\x1b[31m街道", "东\ufffe街道"])
def test_control_characters_in_a_district_are_refused_alike_before_scoring(db_url, tmp_path, no_scoring, bad):
    base = make_round(tmp_path / "r", ["a1"], "x")
    escaped = bad.encode("unicode_escape").decode("ascii")
    (base / "round.yaml").write_text(f'district: "{escaped}"\ncommunities:\n  - dir: a1\n', encoding="utf-8")
    with pytest.raises(AssessError, match="control character"):
        store(base, db_url)


def test_an_older_postgres_schema_with_short_columns_is_widened(db_url, tmp_path):
    with open_history(db_url) as history, history.begin() as connection:
        if connection.dialect.name != "postgresql":
            pytest.skip("SQLite never enforced widths")
        connection.exec_driver_sql("ALTER TABLE rounds ALTER COLUMN label TYPE VARCHAR(20)")
        connection.exec_driver_sql("UPDATE assess_meta SET value = '1' WHERE key = 'schema_version'")
    base = make_round(tmp_path / "r", ["a1"], "东街道", label="x" * 100)
    store(base, db_url)
    with open_history(db_url) as history:
        assert [r["label"] for r in stored_rounds(history)] == ["x" * 100]


# -- a writer holding the lock ------------------------------------------------------------------------------


def hold_lock(url: str, ready: threading.Event, release: threading.Event) -> None:
    """Another writer: takes the history's write lock and keeps it until released."""
    from sqlalchemy import create_engine

    from assess.district.history import LOCK_KEY

    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        ready.set()
        release.wait(30)
        connection.rollback()
        connection.close()
        return
    engine = create_engine(url)
    with engine.connect() as connection, connection.begin():
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
        ready.set()
        release.wait(30)
    engine.dispose()


def test_a_stuck_writer_is_waited_on_for_a_stated_time_then_said(db_url, tmp_path, monkeypatch):
    open_history(db_url).close()  # the schema exists, so only the lock is waited on
    monkeypatch.setattr(database, "LOCK_WAIT_SECONDS", 2)
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(db_url, ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        notices: list[str] = []
        started = time.monotonic()
        with pytest.raises(AssessError, match="for over 2 s") as stuck:
            open_history(db_url, notice=notices.append)
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(30)
    assert 1.5 < waited < 15, waited
    assert len(notices) == 1 and "waiting up to 2 s" in notices[0]
    assert "assess_test:***@" in str(stuck.value) or db_url.startswith("sqlite")
    open_history(db_url).close()  # released: the next writer goes ahead at once


def test_a_writer_released_within_the_wait_goes_ahead(db_url, monkeypatch):
    open_history(db_url).close()
    monkeypatch.setattr(database, "LOCK_WAIT_SECONDS", 20)
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(db_url, ready, release))
    holder.start()
    assert ready.wait(20)
    threading.Timer(1.0, release.set).start()
    notices: list[str] = []
    open_history(db_url, notice=notices.append).close()
    holder.join(30)
    assert len(notices) == 1


# -- databases that cannot be used: one message, before scoring ------------------------------------------------


def sqlite_broken(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """--db value -> what the message must say."""
    (tmp_path / "text.db").write_text("hello, not a database\n" * 100, encoding="utf-8")
    good = tmp_path / "good.db"
    open_history(f"sqlite:///{good}").close()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[:1500])
    corrupt = tmp_path / "corrupt.db"
    data = bytearray(good.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    corrupt.write_bytes(bytes(data))
    (tmp_path / "a-folder").mkdir()
    return {
        str(tmp_path / "text.db"): "not a SQLite database",
        str(truncated): "restore it from a backup",
        str(corrupt): "restore it from a backup",
        str(tmp_path / "missing" / "h.db"): "does not exist",
        str(tmp_path / "a-folder"): "is a folder",
        "sqlite://": "in-memory",
        "sqlite:///:memory:": "in-memory",
        "sqlite:///file:h?mode=memory&uri=true": "in-memory",
        "sqlite:///" + "a" * 5000: "cannot use this file name",
        str(tmp_path / ("b" * 300) / "h.db"): "cannot use this file name",
        "mysql://u:secret@localhost/x": "unsupported database",
        "nonsense://": "unsupported database",
    }


def test_every_sqlite_problem_is_one_message_before_scoring(runner, tmp_path, no_scoring):
    round_path = make_round(tmp_path / "r", ["a1"])
    for db, said in sqlite_broken(tmp_path).items():
        before = Path(db).read_bytes() if len(db) < 255 and Path(db).is_file() else None
        result = runner.invoke(main, ["district", "score", str(round_path), "--db", db])
        assert result.exit_code == 1 and said in result.output, (db, result.output)
        assert "Traceback" not in result.output and "secret" not in result.output
        assert before is None or Path(db).read_bytes() == before  # left untouched


@needs_postgres
def test_every_postgres_problem_is_one_message_before_scoring(runner, tmp_path, no_scoring):
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES)
    round_path = make_round(tmp_path / "r", ["a1"])
    cases = {
        url.set(password="wrong-secret").render_as_string(hide_password=False): "check the user name and password",
        url.set(database="no_such_db").render_as_string(hide_password=False): "does not exist",
        url.set(port=1).render_as_string(hide_password=False): "PostgreSQL server is running",
    }
    for db, said in cases.items():
        result = runner.invoke(main, ["district", "score", str(round_path), "--db", db])
        assert result.exit_code == 1 and said in result.output, (db, result.output)
        assert "Traceback" not in result.output and "wrong-secret" not in result.output
        assert "***" in result.output


def test_another_applications_database_is_refused_untouched(runner, tmp_path, no_scoring):
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO users (name) VALUES ('x')")
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    result = runner.invoke(main, ["district", "score", str(make_round(tmp_path / "r", ["a1"])), "--db", str(other)])
    assert result.exit_code == 1 and "not an assess history" in result.output and "users" in result.output
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before


def test_an_assess_serve_sites_database_takes_its_history_beside_the_sites_tables(tmp_path):
    """A site made before its history (its `web_meta` and other tables there) is assess's own, not another
    application's; a table named like one of the site's, without `web_meta`, is still refused."""
    site = tmp_path / "site.db"
    with sqlite3.connect(site) as connection:
        connection.execute("CREATE TABLE web_meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE web_answers (id INTEGER PRIMARY KEY)")
    with open_history(f"sqlite:///{site}") as history:
        assert stored_rounds(history, "") == []
    stranger = tmp_path / "stranger.db"
    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE web_answers (id INTEGER PRIMARY KEY)")
    with pytest.raises(AssessError, match="not an assess history"):
        open_history(f"sqlite:///{stranger}")


@pytest.mark.parametrize("version", ["NULL", "'x'", "'1.5'", None])
def test_a_missing_or_unreadable_schema_version_is_a_message(tmp_path, version):
    db = tmp_path / "h.db"
    open_history(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as connection:
        if version is None:
            connection.execute("DELETE FROM assess_meta")
        else:
            connection.execute(f"UPDATE assess_meta SET value = {version}")
    with pytest.raises(AssessError, match="schema version is missing or unreadable"):
        open_history(f"sqlite:///{db}")


@pytest.mark.parametrize(("table", "column"), [("communities", "overall"), ("scores", "score"),
                                                ("rounds", "uncertainty"), ("communities", "rank")])
def test_text_in_a_number_column_is_a_message(runner, tmp_path, table, column):
    db = tmp_path / "h.db"
    store(make_round(tmp_path / "r", ["a1", "b1"]), f"sqlite:///{db}")
    with sqlite3.connect(db) as connection:
        connection.execute(f"UPDATE {table} SET {column} = 'abc'")
    for args in (["district", "history", "--db", str(db), "--community", "a1"],
                 ["district", "trend", str(tmp_path / "r"), "--since", "r", "--db", str(db)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1 and f"the {column} column of {table}" in result.output, result.output


# -- manifests ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("communities", "said"), [
    ("communities: 5\n", "communities must be a list"),
    ("communities: {dir: a1}\n", "communities must be a list"),
    ("communities:\n  - dir:\n", "each community needs `dir: FOLDER`"),
    ("communities:\n  - dri: a1\n", "each community needs `dir: FOLDER`"),
    ("communities:\n  - dir: [a1]\n", "each community needs `dir: FOLDER`"),
    ("communities:\n  - dir: nowhere\n", "no such folder"),
    ("communities:\n  - dir: a1\n  - dir: b1\n  - dir: a1\n", "listed twice (first at line 3)"),
    ("communities:\n  - dir: a1\n  - answers: a1/answers.yaml\n", "listed twice"),
])
def test_a_broken_manifest_is_one_message_at_its_line(runner, tmp_path, communities, said):
    base = make_round(tmp_path / "r", ["a1", "b1"])
    (base / "round.yaml").write_text("district: 东街道\n" + communities, encoding="utf-8")
    result = runner.invoke(main, ["district", "score", str(base), "--no-history"])
    assert result.exit_code == 1 and said in result.output and "round.yaml" in result.output, result.output
    assert "Traceback" not in result.output


def test_a_manifest_folder_written_as_a_number_is_the_folder_written(tmp_path):
    from assess.district.rounds import load_round

    base = make_round(tmp_path / "r", ["a1"])
    (base / "a1").rename(base / "010")
    (base / "round.yaml").write_text("round: 2026.10\ncommunities:\n  - dir: 010\n", encoding="utf-8")
    loaded = load_round(base)
    assert loaded.label == "2026.10" and [m.id for m in loaded.members] == ["010"]
