"""`assess serve --workers 2 --report-workers 0 --behind-proxy` with `assess worker` beside it, as the
systemd units run them: several web processes answer, a report ordered through one is rendered by the
separate worker, X-Forwarded-Proto from 127.0.0.1 makes the cookie Secure, and SIGTERM leaves nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.web.test_browser import free_port, wait_for_port

httpx = pytest.importorskip("httpx2")
PASSWORD = "server-cli-password"


def start(args: list[str], log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "assess", *args], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
        raise


@pytest.mark.timeout(300)
def test_web_processes_and_a_separate_worker(tmp_path):
    data = tmp_path / "data"
    (tmp_path / "list.csv").write_text("区（县）,街道,社区\n青石区,东关街道,槐荫里社区\n", encoding="utf-8")
    (tmp_path / "pw").write_text(PASSWORD)
    assess = [sys.executable, "-m", "assess"]
    subprocess.run([*assess, "units", "import", str(tmp_path / "list.csv"), "--data", str(data)], check=True,
                   capture_output=True)
    subprocess.run([*assess, "users", "add", "sec", "--role", "community-secretary", "--unit",
                    "青石区/东关街道/槐荫里社区", "--password-file", str(tmp_path / "pw"), "--data", str(data)],
                   check=True, capture_output=True)
    port = free_port()
    with open(tmp_path / "serve.log", "w") as serve_log, open(tmp_path / "worker.log", "w") as worker_log:
        server = start(["serve", "--data", str(data), "--port", str(port), "--workers", "2", "--report-workers", "0",
                        "--behind-proxy"], serve_log)
        worker = start(["worker", "--data", str(data), "--concurrency", "1"], worker_log)
    try:
        wait_for_port(port, time.monotonic() + 60)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            reply = client.post("/api/login", json={"username": "sec", "password": PASSWORD},
                                headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
            assert reply.status_code == 200, reply.text
            assert "secure" in reply.headers["set-cookie"].lower()
            client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
            client.cookies.jar.clear()
            client.cookies.set("assess_session", reply.cookies.get("assess_session") or
                               reply.headers["set-cookie"].split(";")[0].split("=", 1)[1])
            unit = client.get("/api/units").json()[-1]["id"]
            assert client.put(f"/api/units/{unit}/answers/q-grid-party-coverage", json={"value": 70}).status_code == 200
            job = client.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
            deadline = time.monotonic() + 180
            while (state := client.get(f"/api/jobs/{job}").json()["state"]) not in ("done", "failed"):
                assert time.monotonic() < deadline, state
                time.sleep(0.5)
            assert state == "done"
            audit = (tmp_path / "worker.log").read_text()
            assert f"job {job} (report) started" in audit
    finally:
        stop(server)
        stop(worker)
    time.sleep(2)
    for group in (server.pid, worker.pid):
        left = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(group)], capture_output=True, text=True)
        alive = [line for line in left.stdout.splitlines() if line.split()[1][0] != "Z"]  # zombies await init
        assert alive == [], alive
