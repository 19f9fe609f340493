"""The district server under load, on 127.0.0.1 only. Prints figures, asserts nothing but lost data.

Set-up: N communities (one sub-district each of 20), one secretary account per community, `assess serve
--workers W` (W web processes) with `--report-workers 0`, and `assess worker --concurrency K` beside it.
With `--db postgresql://…` the jobs go through procrastinate; without, the site is the embedded SQLite one.

1. Autosave: every community's secretary saves answers concurrently (a thread each, `--saves` per
   community, numbers that change each time): p50/p95 latency and saves per second; then every stored
   answer is read back and compared with the last value sent (nothing lost). The reference in the same run:
   the same number of saves made in-process through `save_answer` (the database work alone, no HTTP).
2. Report drain: one report per community ordered at once; the time until all are done, reports per
   minute, how many jobs each worker process started (none twice: the workers' log names each start),
   CPU use of the worker processes over the drain.

Run: .venv/bin/python benchmarks/bench_server.py [--db URL] [--communities 200] [--saves 10] [--web 4]
     [--workers 2] [--reports-format html]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark-password"
NUMBERS = ["q-grid-party-coverage", "q-training-hours", "q-inservice-reported-share", "q-volunteer-share"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def prepare(data: Path, db: str | None, communities: int) -> list[tuple[int, str]]:
    """Units and one secretary per community, written straight to the database (argon2 hashes included)."""
    from sqlalchemy import select

    from assess.web.accounts import add_user
    from assess.web.store import open_site, units
    from assess.web.units import ensure_path

    site = open_site(data, db)
    made = []
    with site.write() as connection:
        for n in range(communities):
            path = ["压测区", f"第{n // 20 + 1}街道", f"社区{n + 1:04d}"]
            unit = ensure_path(connection, path, ["district", "subdistrict", "community"])
            add_user(connection, f"sec{n}", PASSWORD, "community-secretary", unit, None)
            made.append((unit, f"sec{n}"))
        assert connection.execute(select(units.c.id)).all()
    site.engine.dispose()
    return made


def own_schema(db: str, schema: str = "assess_bench") -> str:
    """A fresh schema of the benchmark's own on the server (others' tables untouched); its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{db}?options=-csearch_path%3D{schema}"


def start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "w") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "assess", *args], stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/login", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def sign_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    reply = client.post("/api/login", json={"username": name, "password": PASSWORD})
    reply.raise_for_status()
    client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
    return client


def autosave(clients: list[tuple[int, httpx.Client]], saves: int) -> tuple[list[float], dict, float, Counter]:
    """Every community saving at once; (latencies, last values acknowledged, seconds, refusals by status).
    A refused save is one the person sees refused (the page keeps it to send again), not one lost."""
    latencies: list[float] = []
    sent: dict[tuple[int, str], int] = {}
    refused: Counter = Counter()
    lock = threading.Lock()

    def one_community(item: tuple[int, httpx.Client]) -> None:
        unit, client = item
        for n in range(saves):
            question = NUMBERS[n % len(NUMBERS)]
            value = (unit * 7 + n) % 90 + 5
            began = time.perf_counter()
            reply = client.put(f"/api/units/{unit}/answers/{question}", json={"value": value})
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                if reply.status_code == 200:
                    sent[(unit, question)] = value
                else:
                    refused[reply.status_code] += 1

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(one_community, clients))
    return latencies, sent, time.perf_counter() - began, refused


def lost(clients: list[tuple[int, httpx.Client]], sent: dict) -> int:
    missing = 0
    for unit, client in clients:
        stored = client.get(f"/api/units/{unit}/answers").json()["answers"]
        missing += sum(1 for (u, q), v in sent.items() if u == unit and stored.get(q) != v)
    return missing


def in_process(data: Path, db: str | None, units: list[int], saves: int) -> list[float]:
    from sqlalchemy import select

    from assess.web.accounts import user_by_name
    from assess.web.answers import question_of, save_answer
    from assess.web.rounds import unit_round
    from assess.web.store import open_site
    from assess.web.store import units as units_table
    from assess.web.units import viewer_for

    site = open_site(data, db)
    with site.read() as connection:
        person = viewer_for(connection, user_by_name(connection, "sec0").id, "sec0")
    took = []
    for n in range(saves * len(units)):
        unit_id = units[n % len(units)]
        began = time.perf_counter()
        with site.write() as connection:
            unit = connection.execute(select(units_table).where(units_table.c.id == unit_id)).one()
            rnd = unit_round(connection, unit)
            save_answer(connection, unit, rnd, question_of(rnd.pack, NUMBERS[0]), 50 + n % 40, person)
        took.append(time.perf_counter() - began)
    site.engine.dispose()
    return took


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
        except (FileNotFoundError, IndexError):
            pass
    return total


def group_pids(process: subprocess.Popen) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == process.pid:
                    found.append(int(entry.name))
            except ProcessLookupError:
                pass
    return found


def drain(clients: list[tuple[int, httpx.Client]], fmt: str, worker: subprocess.Popen, log: Path) -> dict:
    cpu_before = cpu_seconds(group_pids(worker))
    began = time.perf_counter()
    jobs = []
    for unit, client in clients:
        reply = client.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": fmt})
        reply.raise_for_status()
        jobs.append((client, reply.json()["job"]))
    queued = time.perf_counter() - began
    pending = {job: client for client, job in jobs}
    states: Counter = Counter()
    while pending:
        time.sleep(1.0)
        for job, client in list(pending.items()):
            state = client.get(f"/api/jobs/{job}").json()["state"]
            if state in ("done", "failed"):
                states[state] += 1
                del pending[job]
    seconds = time.perf_counter() - began
    cpu = cpu_seconds(group_pids(worker)) - cpu_before
    starts = Counter(int(m) for m in re.findall(r"job (\d+) \(report\) started", log.read_text()))
    return {"jobs": len(jobs), "queued_s": queued, "seconds": seconds, "states": dict(states),
            "started_twice": sum(1 for c in starts.values() if c > 1), "starts": sum(starts.values()),
            "worker_cpu_s": cpu}


def run(db: str | None, communities: int, saves: int, web: int, workers: int, fmt: str, reports: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        if db:
            db = own_schema(db)
        made = prepare(data, db, communities)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        db_args = ["--db", db] if db else []
        server = start(["serve", "--data", str(data), "--port", str(port), "--workers", str(web),
                        "--report-workers", "0", *db_args], Path(folder) / "serve.log")
        worker_log = Path(folder) / "worker.log"
        worker = start(["worker", "--data", str(data), "--concurrency", str(workers), *db_args], worker_log)
        try:
            wait_up(base)
            clients = [(unit, sign_in(base, name)) for unit, name in made]
            latencies, sent, seconds, refused = autosave(clients, saves)
            print(f"autosave: {len(latencies)} saves from {communities} communities at once, {web} web "
                  f"processes: p50 {percentile(latencies, .5) * 1000:.1f} ms, p95 "
                  f"{percentile(latencies, .95) * 1000:.1f} ms, {len(latencies) / seconds:.0f} saves/s; refused "
                  f"{dict(refused) or 0}; lost {lost(clients, sent)} of {len(sent)} final values acknowledged",
                  flush=True)
            reference = in_process(data, db, [u for u, _ in made], max(1, min(saves, 1000 // communities or 1)))
            print(f"  reference, in-process saves (no HTTP, one at a time): p50 "
                  f"{statistics.median(reference) * 1000:.1f} ms, p95 {percentile(reference, .95) * 1000:.1f} ms",
                  flush=True)
            if reports:
                figures = drain(clients, fmt, worker, worker_log)
                print(f"drain: {figures['jobs']} {fmt} reports queued in {figures['queued_s']:.1f} s, all finished "
                      f"in {figures['seconds']:.0f} s ({figures['jobs'] / figures['seconds'] * 60:.1f}/min) with "
                      f"{workers} workers: {figures['states']}; starts {figures['starts']}, started twice "
                      f"{figures['started_twice']}; workers' CPU {figures['worker_cpu_s']:.0f} s = "
                      f"{figures['worker_cpu_s'] / figures['seconds']:.2f} cores busy on average", flush=True)
            for _, client in clients:
                client.close()
        finally:
            stop(server)
            stop(worker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("ASSESS_TEST_POSTGRES"))
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite site instead")
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--web", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reports-format", default="html", choices=["html", "pdf"])
    parser.add_argument("--no-reports", action="store_true")
    args = parser.parse_args()
    db = None if args.sqlite else args.db
    print(f"{'PostgreSQL + procrastinate' if db else 'SQLite (embedded)'}; {os.cpu_count()} cores", flush=True)
    run(db, args.communities, args.saves, args.web, args.workers, args.reports_format, not args.no_reports)


if __name__ == "__main__":
    main()
