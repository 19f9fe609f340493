"""Rounds in the browser: opened by a sub-district for its communities, filled through the API, unlocked
with a reason, closed, scored as `assess district score` scores the exported round folder, and reported."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import yaml
from click.testing import CliRunner

from assess.cli import main
from assess.web.jobs import run_queued
from tests.web.conftest import REPO, build_world, signed_in

EXAMPLES = {"A": "old-community", "B": "mining-district"}


@pytest.fixture
def world(tmp_path):
    return build_world(tmp_path / "data")


def committee_answers(example: str) -> dict:
    data = yaml.safe_load((REPO / "examples" / example / "answers.yaml").read_text(encoding="utf-8"))
    return {qid: value for qid, value in data["answers"].items() if value is not None}


def fill(client, unit: int, example: str) -> int:
    """Every answer of an example community, saved one by one as the page's autosave does."""
    saved = 0
    for qid, value in committee_answers(example).items():
        response = client.put(f"/api/units/{unit}/answers/{qid}", json={"value": value})
        if response.status_code == 200:
            saved += 1
    return saved


def open_s1_round(client, label: str = "2026年第一轮") -> int:
    response = client.post("/api/rounds", json={"label": label, "pack": "core", "units": ["示例区/一街道"],
                                                "residents_needed": 40})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def test_a_round_opened_filled_unlocked_closed_and_scored_as_the_cli_scores_it(world, tmp_path):
    manager = signed_in(world.site, "manager_s1")
    round_id = open_s1_round(manager)
    board = manager.get(f"/api/rounds/{round_id}/progress").json()["communities"]
    assert sorted((c["unit"], c["answered"], c["submitted"], c["residents"], c["residents_needed"])
                  for c in board) == [(world.units["A"], 0, False, 0, 40), (world.units["B"], 0, False, 0, 40)]
    assert board[0]["total"] > 20

    secretary = signed_in(world.site, "secretary_a")
    assert fill(secretary, world.units["A"], EXAMPLES["A"]) > 20
    root = signed_in(world.site, "root")
    fill(root, world.units["B"], EXAMPLES["B"])
    board = {c["unit"]: c for c in manager.get(f"/api/rounds/{round_id}/progress").json()["communities"]}
    assert board[world.units["A"]]["answered"] == len(committee_answers(EXAMPLES["A"]))

    assert secretary.post(f"/units/{world.units['A']}/submit").status_code == 303
    board = {c["unit"]: c for c in manager.get(f"/api/rounds/{round_id}/progress").json()["communities"]}
    assert board[world.units["A"]]["submitted"] is True and board[world.units["B"]]["submitted"] is False
    assert secretary.put(f"/api/units/{world.units['A']}/answers/q-grid-party-coverage",
                         json={"value": 50}).status_code == 422  # locked
    assert manager.post(f"/api/rounds/{round_id}/units/{world.units['A']}/unlock", json={"reason": ""}).status_code \
        == 422
    unlocked = manager.post(f"/api/rounds/{round_id}/units/{world.units['A']}/unlock", json={"reason": "数据填错"})
    assert unlocked.status_code == 200
    audit = manager.get("/api/audit").json()
    assert any(e["action"] == "unlock" and "数据填错" in json.dumps(e, ensure_ascii=False) for e in audit)

    assert manager.get(f"/api/rounds/{round_id}/league").status_code == 409  # not closed yet
    closed = manager.post(f"/api/rounds/{round_id}/close")
    assert closed.status_code == 200 and closed.json()["job"]
    assert secretary.put(f"/api/units/{world.units['A']}/answers/q-grid-party-coverage",
                         json={"value": 50}).status_code == 409  # the round is closed
    assert run_queued(world.site) == 1
    league = manager.get(f"/api/rounds/{round_id}/league").json()
    assert {c["name"] for c in league["communities"]} == {"甲社区", "乙社区"}
    assert all(c["rank_low"] is not None for c in league["communities"])

    exported = manager.get(f"/api/rounds/{round_id}/export")
    assert exported.status_code == 200
    zipfile.ZipFile(io.BytesIO(exported.content)).extractall(tmp_path / "cli")
    folder = tmp_path / "cli" / "2026年第一轮"
    result = CliRunner().invoke(main, ["district", "score", str(folder), "--format", "json", "--no-history"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    for mine in (league, cli):
        mine.pop("failed")
    assert league == cli


def test_district_report_and_community_reports_are_jobs(world):
    manager = signed_in(world.site, "manager_s1")
    round_id = open_s1_round(manager)
    root = signed_in(world.site, "root")
    fill(root, world.units["A"], EXAMPLES["A"])
    fill(root, world.units["B"], EXAMPLES["B"])
    assert manager.post(f"/api/rounds/{round_id}/reports", json={"kind": "district", "lang": "zh"}).status_code \
        == 422  # not closed
    manager.post(f"/api/rounds/{round_id}/close")
    html = manager.post(f"/api/rounds/{round_id}/reports", json={"kind": "district", "lang": "en", "format": "html"})
    zipped = manager.post(f"/api/rounds/{round_id}/reports", json={"kind": "communities", "lang": "zh"})
    book = manager.post(f"/api/rounds/{round_id}/reports", json={"kind": "workbook", "lang": "zh"})
    assert run_queued(world.site) == 4
    job = manager.get(f"/api/jobs/{book.json()['job']}").json()
    assert job["state"] == "done", job
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(manager.get(job["download"]).content)).sheetnames
    assert len(sheets) >= 3
    job = manager.get(f"/api/jobs/{html.json()['job']}").json()
    assert job["state"] == "done", job
    page = manager.get(job["download"]).text
    assert "甲社区" in page or "Example" in page or "league" in page.lower()
    job = manager.get(f"/api/jobs/{zipped.json()['job']}").json()
    assert job["state"] == "done", job
    names = zipfile.ZipFile(io.BytesIO(manager.get(job["download"]).content)).namelist()
    assert sorted(names) == ["乙社区.zh.pdf", "甲社区.zh.pdf"]
    secretary = signed_in(world.site, "secretary_a")
    assert secretary.get(f"/api/jobs/{html.json()['job']}").status_code == 404


def test_weights_and_ranking_chosen_for_the_round(world):
    manager = signed_in(world.site, "manager_s1")
    root = signed_in(world.site, "root")
    opened = manager.post("/api/rounds", json={"label": "等权", "pack": "core", "units": ["示例区/一街道"],
                                               "weights": "equal", "rank_by": "topsis"})
    assert opened.status_code == 200, opened.text
    fill(root, world.units["A"], EXAMPLES["A"])
    fill(root, world.units["B"], EXAMPLES["B"])
    job = manager.post(f"/api/rounds/{opened.json()['id']}/close").json()["job"]
    run_queued(world.site)
    assert manager.get(f"/api/jobs/{job}").json()["state"] == "done", manager.get(f"/api/jobs/{job}").json()
    league = manager.get(f"/api/rounds/{opened.json()['id']}/league").json()
    assert league["weights"]["method"] == "equal" and league["rank_by"] == "topsis"
    assert manager.post("/api/rounds", json={"label": "x", "pack": "core", "units": ["示例区/一街道"],
                                             "weights": "guess"}).status_code == 422


def test_trend_since_an_earlier_round(world):
    manager = signed_in(world.site, "manager_s1")
    root = signed_in(world.site, "root")
    for label in ("2025", "2026"):
        round_id = open_s1_round(manager, label)
        fill(root, world.units["A"], EXAMPLES["A"])
        fill(root, world.units["B"], EXAMPLES["B"])
        manager.post(f"/api/rounds/{round_id}/close")
        run_queued(world.site)
    trend = manager.get(f"/api/rounds/{round_id}/trend", params={"since": "2025"})
    assert trend.status_code == 200, trend.text
    assert trend.json()["since"] == "2025" and trend.json()["round"] == "2026"
    assert manager.get(f"/api/rounds/{round_id}/trend", params={"since": "1999"}).status_code == 422


def test_who_may_open_see_and_close_a_round(world):
    manager_s1 = signed_in(world.site, "manager_s1")
    manager_d = signed_in(world.site, "manager_d")
    refused = manager_s1.post("/api/rounds", json={"label": "x", "pack": "core", "units": ["示例区/二街道"]})
    assert refused.status_code == 422 and "二街道" in refused.json()["detail"]
    refused = manager_s1.post("/api/rounds", json={"label": "x", "pack": "core", "units": [world.units["C"]]})
    assert refused.status_code == 422
    s2_round = manager_d.post("/api/rounds", json={"label": "二街道2026", "pack": "core",
                                                   "units": [world.units["C"]]}).json()["id"]
    s1_round = open_s1_round(manager_s1)
    for name in ("manager_s1", "viewer_s1", "secretary_a", "staff_a"):
        client = signed_in(world.site, name)
        for path in ("progress", "league", "trend?since=x"):
            assert client.get(f"/api/rounds/{s2_round}/{path}").status_code == 404, (name, path)
        assert client.post(f"/api/rounds/{s2_round}/close").status_code == 404, name
        assert s2_round not in [r["id"] for r in client.get("/api/rounds").json()]
    for name in ("secretary_a", "staff_a", "secretary_c"):
        client = signed_in(world.site, name)
        assert client.get(f"/api/rounds/{s1_round}/progress").status_code == 404, name
        assert client.post("/api/rounds", json={"label": "x", "pack": "core", "units": [world.units["A"]]}) \
            .status_code == 403, name
    viewer = signed_in(world.site, "viewer_s1")
    assert viewer.get(f"/api/rounds/{s1_round}/progress").status_code == 200
    assert viewer.post(f"/api/rounds/{s1_round}/close").status_code == 403
    assert viewer.post(f"/api/rounds/{s1_round}/reports", json={"kind": "district", "lang": "zh"}).status_code == 403
    assert {c["unit"] for c in manager_d.get(f"/api/rounds/{s1_round}/progress").json()["communities"]} == {
        world.units["A"], world.units["B"]}
    assert manager_d.post(f"/api/rounds/{s1_round}/close").status_code == 200
    unknown = manager_s1.post("/api/rounds", json={"label": "x", "pack": "no-such-pack", "units": [world.units["A"]]})
    assert unknown.status_code == 422


def test_a_community_answers_in_the_round_it_belongs_to(world):
    manager = signed_in(world.site, "manager_s1")
    secretary_c = signed_in(world.site, "secretary_c")
    secretary_c.put(f"/api/units/{world.units['C']}/answers/q-grid-party-coverage", json={"value": 70})
    open_s1_round(manager)
    # C is in no round of its own: it keeps answering in the site's first round, its answer kept
    assert secretary_c.get(f"/api/units/{world.units['C']}/answers").json()["answers"]["q-grid-party-coverage"] == 70
    secretary_a = signed_in(world.site, "secretary_a")
    assert secretary_a.get(f"/api/units/{world.units['A']}/answers").json()["answers"] == {}


def test_round_pages(world):
    manager = signed_in(world.site, "manager_s1")
    round_id = open_s1_round(manager)
    page = manager.get("/rounds")
    assert page.status_code == 200 and "2026年第一轮" in page.text
    board = manager.get(f"/rounds/{round_id}")
    assert "甲社区" in board.text and "乙社区" in board.text and "丙社区" not in board.text
    reminders = manager.get(f"/rounds/{round_id}/reminders")
    assert "甲社区" in reminders.text and "居民问卷还差 40 份" in reminders.text
    opened = manager.post("/rounds", data={"label": "表单开启", "pack": "core", "units": [str(world.units["S1"])],
                                           "csrf_token": manager.csrf})
    assert opened.status_code == 303 and opened.headers["location"].startswith("/rounds/")
