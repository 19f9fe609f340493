"""The history database, against SQLite and a real PostgreSQL server.

`.ci/run` starts PostgreSQL (scripts/start-postgres.sh) and sets ASSESS_TEST_POSTGRES; a developer without
it sees the PostgreSQL cases skipped with the reason, while under CI they fail instead. Every PostgreSQL
test works in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import shutil
import uuid
from pathlib import Path

import pytest

from assess.cli import main
from assess.district import history as hist
from assess.district.history import load_stored, open_history, store_league, stored_rounds
from assess.district.league import score_round
from assess.district.rounds import load_round
from assess.district.trend import beyond, change_se, compare
from assess.errors import AssessError
from assess.packs.loading import load_pack
from assess.scoring.options import ScoringOptions

EXAMPLES = Path(__file__).parents[2] / "examples"
POSTGRES = os.environ.get("ASSESS_TEST_POSTGRES")
needs_postgres = pytest.mark.skipif(
    not POSTGRES and not os.environ.get("CI"), reason="no PostgreSQL server (set ASSESS_TEST_POSTGRES)"
)


def postgres_schema_url() -> tuple[str, str]:
    """A fresh schema on the test server and a URL whose connections use it."""
    from sqlalchemy import create_engine

    if not POSTGRES:
        pytest.fail("CI must provide a PostgreSQL server: ASSESS_TEST_POSTGRES is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    return f"{POSTGRES}?options=-csearch_path%3D{schema}", schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def db_url(request, tmp_path):
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


@pytest.fixture
def opened(db_url):
    """open_history on the test database; every engine is disposed when the test ends."""
    histories = []

    def open_() -> hist.History:
        histories.append(open_history(db_url))
        return histories[-1]

    yield open_
    for history in histories:
        history.close()


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """Two rounds of the three examples; in 2026 one committee reports more training hours."""
    base = tmp_path_factory.mktemp("district")
    for label in ("2025", "2026"):
        for example in ("old-community", "new-commercial", "mining-district"):
            shutil.copytree(EXAMPLES / example, base / label / example)
    answers = base / "2026" / "old-community" / "answers.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace("q-training-hours: 24.2", "q-training-hours: 40"),
                       encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def leagues(rounds):
    options = ScoringOptions(uncertainty=200)
    return {label: score_round(load_round(rounds / label), options=options) for label in ("2025", "2026")}


PACK = load_pack("core").pack


def test_a_round_is_stored_and_read_back_as_scored(opened, leagues):
    history = opened()
    store_league(history, leagues["2025"], PACK)
    stored = load_stored(history, "2025", "")
    assert stored.pack_hash == leagues["2025"].standings[0].result.pack.hash and stored.uncertainty == 200
    for standing in leagues["2025"].standings:
        row = stored.communities[standing.member.id]
        assert (row.name, row.overall, row.rank, row.rank_low, row.rank_high) == (
            standing.result.community.name, standing.overall, standing.rank, standing.rank_low, standing.rank_high)
        assert row.scores["party-leadership"][0] == standing.result.dimensions[0].score
        assert row.overall_interval == standing.overall_interval
    assert [d for d, r in stored.definitions.items() if r["level"] == "dimension"] == [d.id for d in PACK.dimensions]


def test_storing_a_round_again_replaces_it(opened, leagues):
    history = opened()
    for _ in range(3):
        store_league(history, leagues["2025"], PACK)
    assert [(r["label"], r["communities"]) for r in stored_rounds(history)] == [("2025", 3)]
    with history.reading() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM communities").scalar() == 3
        assert connection.exec_driver_sql("SELECT count(*) FROM scores").scalar() == 3 * (8 + 36)


def test_a_run_that_fails_half_way_leaves_the_previous_state(opened, leagues, monkeypatch):
    history = opened()
    store_league(history, leagues["2025"], PACK)
    before = load_stored(history, "2025", "")

    def broken(round_id, standing):
        raise RuntimeError("killed")

    monkeypatch.setattr(hist, "score_rows", broken)
    with pytest.raises(RuntimeError):
        store_league(history, leagues["2025"], PACK)  # deletes the stored round, then fails
    after = load_stored(history, "2025", "")
    assert after.id == before.id and after.communities == before.communities


def test_a_database_of_a_newer_schema_is_refused(opened):
    history = opened()
    table = history.meta.tables["assess_meta"]
    with history.begin() as connection:
        connection.execute(table.update().values(value=str(hist.SCHEMA_VERSION + 1)))
    with pytest.raises(AssessError, match="newer than this assess"):
        opened()


def test_an_older_schema_is_migrated(opened, monkeypatch):
    history = opened()
    table = history.meta.tables["assess_meta"]
    with history.begin() as connection:
        connection.execute(table.update().values(value="0"))
    steps = []
    monkeypatch.setitem(hist.MIGRATIONS, 0, lambda connection, _meta: steps.append(connection.dialect.name))
    opened()
    assert len(steps) == 1
    with history.reading() as connection:
        assert connection.execute(table.select()).first().value == str(hist.SCHEMA_VERSION)


def store_in_process(url: str, folder: str, label: str, queue) -> None:
    try:
        league = score_round(load_round(folder, label), options=ScoringOptions(uncertainty=50))
        for _ in range(3):
            with open_history(url) as history:
                store_league(history, league, PACK)
        queue.put("ok")
    except Exception as exc:  # noqa: BLE001 - the parent test reports it
        queue.put(repr(exc))


def test_two_runs_writing_at_once_are_both_stored_whole(db_url, opened, rounds):
    """Two processes store rounds into the same database at the same time, the same round twice and two
    different ones: every store is serialized by the write lock, none is lost or duplicated."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    jobs = [("2025", "A"), ("2026", "B"), ("2025", "A")]
    workers = [context.Process(target=store_in_process, args=(db_url, str(rounds / f), label, queue))
               for f, label in jobs]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert sorted(queue.get(timeout=5) for _ in workers) == ["ok", "ok", "ok"]
    history = opened()
    assert sorted((r["label"], r["communities"]) for r in stored_rounds(history)) == [("A", 3), ("B", 3)]


def test_trend_marks_only_changes_beyond_the_uncertainty(opened, leagues):
    history = opened()
    store_league(history, leagues["2025"], PACK)
    store_league(history, leagues["2026"], PACK)
    trend = compare(load_stored(history, "2026", ""), load_stored(history, "2025", ""))
    assert trend.overall_compared and trend.left_out == []
    changed = next(c for c in trend.changes if c.id == "old-community")
    same = next(c for c in trend.changes if c.id == "new-commercial")
    assert changed.dimensions["party-leadership"] > 0 and changed.dimensions_real["party-leadership"] is True
    assert same.overall_change == 0 and same.real_change is False
    assert all(v == 0 for d, v in changed.dimensions.items() if d != "party-leadership")


def test_the_combined_uncertainty_rule():
    """90 % intervals of half-width 1 give se = 1 / 1.645 each; the change's se is sqrt(2) / 1.645 and a
    change is real beyond 1.645 of those, i.e. beyond sqrt(2) = 1.414."""
    se = change_se((50, 52), (48, 50))
    assert se == pytest.approx(math.sqrt(2) / 1.6448536, rel=1e-6)
    assert beyond(1.42, se) is True and beyond(1.41, se) is False
    assert beyond(-3.0, change_se((40, 44), (43, 47))) is True  # 2.83 needed
    assert change_se(None, (48, 50)) is None and beyond(2.0, None) is None


def test_rounds_on_different_packs_are_compared_where_definitions_agree(opened, leagues):
    """A pack revision that changes one indicator's weight: that indicator and its dimension are left
    out, with the reason, and the overall score is not compared; the other dimensions are."""
    history = opened()
    store_league(history, leagues["2025"], PACK)
    data = PACK.model_dump()
    data["dimensions"][2]["indicators"][0]["weight"] += 1
    revised = type(PACK).model_validate(data)
    store_league(history, leagues["2026"], revised)
    trend = compare(load_stored(history, "2026", ""), load_stored(history, "2025", ""))
    assert not trend.overall_compared
    left = [element for element, _, _ in trend.left_out]
    assert "overall" in left and revised.dimensions[2].id in left
    assert revised.dimensions[2].id not in trend.dimensions and revised.dimensions[0].id in trend.dimensions
    assert all(c.overall_change is None for c in trend.changes)


def test_a_reworded_title_keeps_rounds_comparable():
    data = PACK.model_dump()
    data["dimensions"][0]["title"]["zh"] = "新的标题"
    data["dimensions"][0]["indicators"][0]["sources"][0]["evidence"] = "another quotation"
    revised = type(PACK).model_validate(data)
    assert hist.definition_hash(revised.dimensions[0]) == hist.definition_hash(PACK.dimensions[0])


def test_commands_store_list_and_compare(rounds, runner, tmp_path):
    db = tmp_path / "h.db"
    for label in ("2025", "2026"):
        result = runner.invoke(main, ["district", "score", str(rounds / label), "--db", str(db),
                                      "--uncertainty", "100"])
        assert result.exit_code == 0, result.output
    listed = runner.invoke(main, ["district", "history", "--db", str(db), "--format", "json"])
    assert [r["label"] for r in json.loads(listed.stdout)["rounds"]] == ["2025", "2026"]
    record = runner.invoke(main, ["district", "history", "--db", str(db), "--community", "槐荫里社区（虚构示例）"])
    assert record.exit_code == 0 and "2025" in record.stdout and "2026" in record.stdout
    trend = runner.invoke(main, ["district", "trend", str(rounds / "2026"), "--since", "2025", "--db", str(db),
                                 "--format", "json"])
    data = json.loads(trend.stdout)
    assert {c["id"] for c in data["communities"]} == {"old-community", "new-commercial", "mining-district"}
    assert set(data["communities"][0]) >= {"id", "name", "overall_change", "dimensions", "real_change", "change",
                                           "se", "dimensions_se"}
    assert data["test"]["z"] == pytest.approx(1.645, abs=1e-3) and data["test"]["level"] == pytest.approx(0.1)
    for c in data["communities"]:
        if c["change"] is not None and c["se"]:
            assert c["real_change"] == (abs(c["change"]) > data["test"]["z"] * c["se"])
    book = tmp_path / "排名.xlsx"
    scored = runner.invoke(main, ["district", "score", str(rounds / "2026"), "--db", str(db), "--uncertainty", "50",
                                  "--format", "xlsx", "-o", str(book)])
    assert scored.exit_code == 0, scored.output
    from openpyxl import load_workbook

    sheets = load_workbook(book).sheetnames
    assert sheets == ["排名", "维度得分", "指标得分", "变化"]
    changes = tmp_path / "变化.xlsx"
    runner.invoke(main, ["district", "trend", str(rounds / "2026"), "--since", "2025", "--db", str(db), "--format",
                         "xlsx", "-o", str(changes)])
    rows = list(load_workbook(changes).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("社区", "总分变化", "变化是否超出不确定性") and len(rows) == 4
    missing = runner.invoke(main, ["district", "trend", str(rounds / "2026"), "--since", "2019", "--db", str(db)])
    assert missing.exit_code == 1 and "2019" in missing.output and "Traceback" not in missing.output


def test_a_database_url_that_cannot_be_used_is_reported(runner, rounds, tmp_path):
    result = runner.invoke(main, ["district", "history", "--db", "mysql+nodriver://x@y/z"])
    assert result.exit_code == 1 and "Traceback" not in result.output and "sqlite:///" in result.output
    (tmp_path / "not-a-db.db").write_text("hello, not a database\n" * 100, encoding="utf-8")
    result = runner.invoke(main, ["district", "history", "--db", str(tmp_path / "not-a-db.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output
