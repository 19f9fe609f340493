"""Jobs on a district's server: PostgreSQL with procrastinate's queue and `assess worker` processes.

Each test has a PostgreSQL schema of its own (the server named by ASSESS_TEST_POSTGRES is shared), so the
queue holds only its jobs. `.ci/run` provides the server; without one this is skipped off CI only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from assess.web.jobs import start_workers
from assess.web.store import jobs
from tests.web.conftest import POSTGRES, build_world, postgres_schema, signed_in
from tests.web.test_rounds import EXAMPLES, fill, open_s1_round

pytestmark = pytest.mark.skipif(not POSTGRES and not os.environ.get("CI"),
                                reason="no PostgreSQL server (set ASSESS_TEST_POSTGRES)")


@pytest.fixture
def world(tmp_path, monkeypatch):
    with postgres_schema("assess_queue", monkeypatch) as schema:
        built = build_world(tmp_path / "data")
        built.url = schema.url
        yield built
        built.site.engine.dispose()


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`, and theirs (from /proc)."""
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found += [int(entry.name), *children_of(int(entry.name))]
        except (OSError, IndexError, ValueError):
            pass
    return found


def queue_rows(site) -> list:
    with site.read() as connection:
        return connection.execute(text("SELECT id, status, task_name, args, attempts FROM procrastinate_jobs "
                                       "ORDER BY id")).all()


def wait_for(site, job_id: int, states: tuple[str, ...], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with site.read() as connection:
            state = connection.execute(select(jobs.c.state).where(jobs.c.id == job_id)).scalar()
        if state in states:
            return state
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {state} after {seconds} s")


def test_a_report_goes_through_procrastinate_to_a_worker(world):
    secretary = signed_in(world.site, "secretary_a")
    fill(secretary, world.units["A"], EXAMPLES["A"])
    job = secretary.post(f"/api/units/{world.units['A']}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
    waiting = queue_rows(world.site)
    assert [(r.status, r.task_name, r.args) for r in waiting] == [("todo", "assess.run_job", {"job_id": job})]
    workers = start_workers(world.site, 1, world.url)
    try:
        assert wait_for(world.site, job, ("done", "failed"), 120) == "done"
    finally:
        workers.close()
    assert [r.status for r in queue_rows(world.site)] == ["succeeded"]
    assert secretary.get(f"/api/jobs/{job}/download").status_code == 200


def test_a_cancelled_report_is_withdrawn_from_procrastinate_and_never_runs(world):
    secretary = signed_in(world.site, "secretary_a")
    fill(secretary, world.units["A"], EXAMPLES["A"])
    job = secretary.post(f"/api/units/{world.units['A']}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
    assert [r.status for r in queue_rows(world.site)] == ["todo"]
    assert secretary.post(f"/api/jobs/{job}/cancel").json()["state"] == "cancelled"
    assert [r.status for r in queue_rows(world.site)] == ["cancelled"]
    workers = start_workers(world.site, 1, world.url)
    try:
        time.sleep(3.0)  # a worker that looked would find nothing to do
    finally:
        workers.close()
    assert secretary.get(f"/api/jobs/{job}").json()["state"] == "cancelled"


@pytest.mark.timeout(420)
def test_a_worker_killed_mid_report_leaves_its_job_to_another(world):
    manager = signed_in(world.site, "manager_s1")
    root = signed_in(world.site, "root")
    round_id = open_s1_round(manager)
    fill(root, world.units["A"], EXAMPLES["A"])
    fill(root, world.units["B"], EXAMPLES["B"])
    scoring = manager.post(f"/api/rounds/{round_id}/close").json()["job"]
    reports = manager.post(f"/api/rounds/{round_id}/reports", json={"kind": "communities", "lang": "zh"}).json()["job"]
    first = start_workers(world.site, 1, world.url)
    try:
        assert wait_for(world.site, scoring, ("done", "failed"), 120) == "done"
        wait_for(world.site, reports, ("running",), 60)
        time.sleep(1.0)
        helpers = children_of(first.processes[0].pid)  # its report pool's processes
        first.processes[0].kill()  # SIGKILL mid-report: no goodbye, its heartbeat stops
        first.processes[0].join(5)
        left = still_running(helpers, within=10)
        for pid in left:  # killed here so that a failure leaves nothing behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert not left, "the killed worker's report processes outlived it"
    finally:
        first.close()
    with world.site.read() as connection:
        assert connection.execute(select(jobs.c.state).where(jobs.c.id == reports)).scalar() == "running"
    second = start_workers(world.site, 1, world.url)
    try:
        assert wait_for(world.site, reports, ("done", "failed"), 240) == "done"
    finally:
        second.close()
    rows = {r.args["job_id"]: r for r in queue_rows(world.site)}
    assert rows[reports].status == "succeeded" and rows[reports].attempts >= 1
    assert rows[scoring].status == "succeeded"
    names = manager.get(f"/api/jobs/{reports}").json()
    assert names["state"] == "done" and names["download"]


def still_running(pids: list[int], within: float) -> list[int]:
    """The processes among `pids` still alive (not zombies) after waiting up to `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        alive = [pid for pid in pids if process_alive(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def process_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
