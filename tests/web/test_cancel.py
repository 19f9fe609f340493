"""Cancelling a report: a queued one never starts, a running one stops at its next step; who may cancel,
what is refused, and the audit log. (On PostgreSQL, procrastinate's waiting job: tests/web/test_queue.py.)"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from assess.web.jobs import claim, run_job, run_queued
from assess.web.store import audit, jobs
from tests.web.conftest import build_world, signed_in
from tests.web.test_rounds import EXAMPLES, fill


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    built = build_world(tmp_path_factory.mktemp("cancel") / "data")
    fill(signed_in(built.site, "secretary_a"), built.units["A"], EXAMPLES["A"])
    return built


def order(client, unit: int, fmt: str = "html", lang: str = "zh") -> int:
    reply = client.post(f"/api/units/{unit}/reports", json={"lang": lang, "format": fmt})
    assert reply.status_code == 200, reply.text
    return reply.json()["job"]


def state_of(world, job: int) -> str:
    with world.site.read() as connection:
        return connection.execute(select(jobs.c.state).where(jobs.c.id == job)).scalar()


def test_a_queued_report_cancelled_never_starts(world):
    secretary = signed_in(world.site, "secretary_a")
    job = order(secretary, world.units["A"])
    reply = secretary.post(f"/api/jobs/{job}/cancel")
    assert reply.status_code == 200 and reply.json()["state"] == "cancelled"
    assert reply.json()["job"]["messages"][-1] == "已取消 / cancelled"
    assert run_queued(world.site) == 0 and state_of(world, job) == "cancelled"
    assert secretary.get(f"/api/jobs/{job}/download").status_code == 409
    assert secretary.post(f"/api/jobs/{job}/cancel").status_code == 409  # nothing left to cancel
    with world.site.read() as connection:
        logged = connection.execute(select(audit).where(audit.c.action == "job.cancel")).all()
    assert any(json.loads(row.detail) == {"job": job, "kind": "report", "was": "queued"} and row.who == "secretary_a"
               for row in logged)


def test_a_running_report_stops_at_its_next_step_and_keeps_nothing(world):
    secretary = signed_in(world.site, "secretary_a")
    job = order(secretary, world.units["A"], "pdf")
    taken = claim(world.site, 1)  # a worker has it now
    assert taken.id == job and state_of(world, job) == "running"
    reply = secretary.post(f"/api/jobs/{job}/cancel")
    assert reply.json()["state"] == "cancelling" and reply.json()["job"]["state"] == "cancelling"
    run_job(world.site, taken)  # the worker's next progress note finds the request
    assert state_of(world, job) == "cancelled"
    with world.site.read() as connection:
        row = connection.execute(select(jobs).where(jobs.c.id == job)).one()
    assert row.output is None and row.finished_at is not None


def test_only_those_who_may_order_reports_cancel_them(world):
    secretary = signed_in(world.site, "secretary_a")
    job = order(secretary, world.units["A"])
    assert signed_in(world.site, "staff_a").post(f"/api/jobs/{job}/cancel").status_code == 403
    assert signed_in(world.site, "viewer_s1").post(f"/api/jobs/{job}/cancel").status_code == 403
    assert signed_in(world.site, "secretary_c").post(f"/api/jobs/{job}/cancel").status_code == 404
    assert state_of(world, job) == "queued"
    assert signed_in(world.site, "manager_s1").post(f"/api/jobs/{job}/cancel").json()["state"] == "cancelled"


def test_a_finished_report_is_not_cancelled(world):
    secretary = signed_in(world.site, "secretary_a")
    job = order(secretary, world.units["A"], "html")
    run_queued(world.site)
    assert state_of(world, job) == "done"
    refused = secretary.post(f"/api/jobs/{job}/cancel")
    assert refused.status_code == 409 and "nothing to cancel" in refused.json()["detail"]
    assert secretary.get(f"/api/jobs/{job}/download").status_code == 200


def test_the_job_page_has_the_button_for_those_who_may_cancel(world):
    secretary = signed_in(world.site, "secretary_a")
    job = order(secretary, world.units["A"], "pdf")
    page = secretary.get(f"/jobs/{job}")
    assert 'id="cancel-job"' in page.text and "取消这项任务" in page.text
    assert 'id="cancel-job"' not in signed_in(world.site, "viewer_s1").get(f"/jobs/{job}").text
    form = secretary.post(f"/jobs/{job}/cancel", data={"csrf_token": secretary.csrf})
    assert form.status_code == 303 and form.headers["location"] == f"/jobs/{job}"
    after = secretary.get(f"/jobs/{job}").text
    assert "已取消" in after and 'id="cancel-job"' not in after
    assert secretary.post(f"/jobs/{job}/cancel", headers={"X-CSRF-Token": "wrong"}).status_code == 403


def test_a_cancelled_job_is_never_marked_done_afterwards(world):
    """A step that swallowed the first stop (a library catching every exception) cannot finish the job."""
    from assess.web.jobs import JobCancelled, note

    secretary = signed_in(world.site, "secretary_a")
    job = order(secretary, world.units["A"], "pdf", "en")  # inputs no other test's report had: a new job
    assert claim(world.site, 1).id == job
    assert secretary.post(f"/api/jobs/{job}/cancel").json()["state"] == "cancelling"
    for _ in range(2):
        with pytest.raises(JobCancelled):
            note(world.site, job, 1.0, "已完成 / done", state="done", output="x.html")
    assert state_of(world, job) == "cancelled"
