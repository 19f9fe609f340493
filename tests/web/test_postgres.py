"""The same site on PostgreSQL (`assess serve --db postgresql://…`): schema, visibility, answers, scores, jobs.

`.ci/run` starts PostgreSQL and sets ASSESS_TEST_POSTGRES; a developer without a server sees this skipped,
CI fails instead.
"""

from __future__ import annotations

import os

import pytest

from assess.web.jobs import run_queued
from tests.web.conftest import POSTGRES, build_world, postgres_schema, signed_in

pytestmark = pytest.mark.skipif(not POSTGRES and not os.environ.get("CI"),
                                reason="no PostgreSQL server (set ASSESS_TEST_POSTGRES)")


@pytest.fixture
def world(tmp_path, monkeypatch):
    with postgres_schema("assess_web_test", monkeypatch):
        built = build_world(tmp_path / "data")
        yield built
        built.site.engine.dispose()


def test_the_workflow_on_postgresql(world):
    assert world.site.engine.dialect.name == "postgresql"
    secretary = signed_in(world.site, "secretary_a")
    assert [u["name"] for u in secretary.get("/api/units").json()] == ["甲社区"]
    assert secretary.get(f"/api/units/{world.units['C']}/scores").status_code == 404
    saved = secretary.put(f"/api/units/{world.units['A']}/answers/q-grid-party-coverage", json={"value": "80%"})
    assert saved.json()["value"] == 80
    assert secretary.get(f"/api/units/{world.units['A']}/scores").json()["overall"]["coverage"] > 0
    job = secretary.post(f"/api/units/{world.units['A']}/reports", json={"lang": "en", "format": "html"}).json()
    assert run_queued(world.site) == 1
    assert secretary.get(f"/api/jobs/{job['job']}").json()["state"] == "done"
    viewer = signed_in(world.site, "viewer_s1")
    assert {u["name"] for u in viewer.get("/api/units").json()} == {"一街道", "甲社区", "乙社区"}


def test_phone_answers_on_postgresql_are_taken_once(world):
    from tests.web.conftest import client_for

    secretary = signed_in(world.site, "secretary_a")
    token = secretary.post(f"/api/units/{world.units['A']}/survey").json()["token"]
    phone = client_for(world.site)
    body = {"client_id": "0123456789abcdef", "answers": {"q-know-party-group": 4}, "attributes": {"楼栋": "2号楼"}}
    assert [phone.post(f"/api/survey/{token}/responses", json=body).status_code for _ in range(2)] == [201, 200]
    assert secretary.get(f"/api/units/{world.units['A']}/survey").json()["responses"] == 1
    assert secretary.get(f"/api/units/{world.units['A']}/scores").json()["respondents"] == 1
    secretary.post(f"/api/units/{world.units['A']}/survey/close")
    assert phone.post(f"/api/survey/{token}/responses", json=body).status_code == 410


def test_counters_counted_at_once_on_postgresql_all_count(world):
    """Residents of one community answering in the same minute count against the same rate counter at once:
    every request counts, none fails on the counter's key (a read then an insert would, on PostgreSQL)."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import timedelta

    from assess.web.survey_store import count_once

    def count(_: int) -> int:
        with world.site.write() as connection:
            return count_once(connection, "link:1:the-same-minute", timedelta(minutes=2))

    with ThreadPoolExecutor(max_workers=8) as pool:
        values = list(pool.map(count, range(40)))
    assert sorted(values) == list(range(1, 41))
