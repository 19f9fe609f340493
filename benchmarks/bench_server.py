"""The district server under load, on 127.0.0.1 only. Prints figures, asserts nothing but lost data.

Set-up: N communities (one sub-district each of 20), one secretary account per community, `assess serve
--workers W --behind-proxy` (W web processes) with `--report-workers 0`, and `assess worker --concurrency K`
beside it. With `--db postgresql://…` the jobs go through procrastinate; without, the site is the embedded
SQLite one. Each community's secretary opens its residents' phone survey first (the link and QR code).

1. Autosave and residents at once: every community's secretary saves answers concurrently (a thread each,
   `--saves` per community, numbers that change each time) while `--residents` residents send their phone
   answers through the survey links (asyncio, each at a random moment of the first `--resident-seconds`,
   up to 200 connections; each with an
   address of its own in X-Forwarded-For, as nginx passes it; every 10th sends twice at once, a retry
   racing the original; a 5xx, 429 or network error is sent again, as the survey page does). p50/p95
   latency of each and requests per second; then nothing lost: every stored answer is read back and
   compared with the last value acknowledged, and the residents' rows are counted — exactly one per
   acknowledged resident, none twice. The reference in the same run: the same number of saves made
   in-process through `save_answer`, and 200 residents' answers through `take_response` (the database
   work alone, no HTTP).
2. Report drain: one report per community (or `--reports N`) ordered at once; the time until all are
   done, reports per minute, how many jobs each worker process started (none twice: the workers' log names
   each start), and the worker processes' CPU sampled from /proc every half second: cores busy on
   average, and the share of samples with both cores busy.

The machine's load average is printed beside the figures: on a shared machine latencies include queueing
for CPU, and CPU seconds are the fairer measure.

Run: .venv/bin/python benchmarks/bench_server.py [--db URL | --sqlite] [--communities 200] [--saves 10]
     [--residents 1000] [--resident-seconds 30] [--web 4] [--workers 2] [--reports-format html|pdf] [--reports N]
     [--full-answers]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
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


def fill_questionnaires(data: Path, db: str | None, made: list[tuple[int, str]]) -> None:
    """Every community's whole questionnaire, from the two example communities' answer files in turn (one
    transaction a community, before the server starts): reports then have a full questionnaire to lay out."""
    import yaml
    from sqlalchemy import select

    from assess.web.accounts import user_by_name
    from assess.web.answers import question_of, save_answer
    from assess.web.rounds import unit_round
    from assess.web.store import open_site
    from assess.web.store import units as units_table
    from assess.web.units import viewer_for

    examples = [yaml.safe_load((REPO / "examples" / name / "answers.yaml").read_text(encoding="utf-8"))["answers"]
                for name in ("old-community", "mining-district")]
    site = open_site(data, db)
    for n, (unit_id, name) in enumerate(made):
        with site.write() as connection:
            person = viewer_for(connection, user_by_name(connection, name).id, name)
            unit = connection.execute(select(units_table).where(units_table.c.id == unit_id)).one()
            rnd = unit_round(connection, unit)
            for qid, value in examples[n % 2].items():
                if value is not None:
                    save_answer(connection, unit, rnd, question_of(rnd.pack, qid), value, person)
    site.engine.dispose()


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
    A refused save is one the person sees refused (the page keeps it to send again), not one lost; after a
    network error or a 5xx it is sent again, as the page does."""
    latencies: list[float] = []
    sent: dict[tuple[int, str], int] = {}
    refused: Counter = Counter()
    lock = threading.Lock()

    def one_community(item: tuple[int, httpx.Client]) -> None:
        unit, client = item
        for n in range(saves):
            question = NUMBERS[n % len(NUMBERS)]
            value = (unit * 7 + n) % 90 + 5
            for _attempt in range(5):  # the page keeps an unsent answer and sends it again
                began = time.perf_counter()
                try:
                    reply = client.put(f"/api/units/{unit}/answers/{question}", json={"value": value})
                except httpx.TransportError as exc:  # e.g. a kept-alive connection the server had just closed
                    with lock:
                        refused[type(exc).__name__] += 1
                    continue
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if reply.status_code == 200:
                        sent[(unit, question)] = value
                    else:
                        refused[reply.status_code] += 1
                if reply.status_code < 500:
                    break
                time.sleep(0.5 + random.random())

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


def open_links(clients: list[tuple[int, httpx.Client]]) -> dict[int, str]:
    """Unit id → survey token: each secretary opens the community's residents' survey over the JSON API."""
    tokens = {}
    for unit, client in clients:
        reply = client.post(f"/api/units/{unit}/survey")
        reply.raise_for_status()
        tokens[unit] = reply.json()["token"]
    return tokens


def resident_answers(seed: int) -> dict:
    """A resident's answers to every question of the core pack's residents' questionnaire."""
    from assess.web.survey import resident_questions

    draw = random.Random(seed)
    answers: dict = {}
    for question in resident_questions("core"):
        if question.type == "likert":
            answers[question.id] = draw.randint(question.scale.min, question.scale.max)
        elif question.type == "yes_no":
            answers[question.id] = draw.random() < 0.5
        elif question.type == "text":
            answers[question.id] = draw.choice(["楼道灯坏了", "希望多办老年活动", "停车难"])
    return answers


class Residents:
    """What the residents saw: latencies of first attempts acknowledged, who was acknowledged, refusals."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.acknowledged: dict[str, int] = {}  # client id → unit
        self.retried: Counter = Counter()
        self.seconds = 0.0


async def one_resident(client, seen: Residents, unit: int, token: str, n: int, twice: bool, at: float) -> None:
    await asyncio.sleep(at)
    client_id = uuid.uuid4().hex
    body = {"client_id": client_id, "answers": resident_answers(n), "attributes": {"楼栋": f"{n % 7 + 1}号楼"}}
    headers = {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
    first = True
    while True:
        began = time.perf_counter()
        try:
            sends = [client.post(f"/api/survey/{token}/responses", json=body, headers=headers)
                     for _ in range(2 if twice and first else 1)]
            replies = await asyncio.gather(*sends, return_exceptions=True)
            reply = next((r for r in replies if isinstance(r, httpx.Response)), replies[0])
            if isinstance(reply, Exception):
                raise reply
        except httpx.TransportError as exc:
            seen.retried[type(exc).__name__] += 1
        else:
            if reply.status_code in (200, 201):
                if first:
                    seen.latencies.append(time.perf_counter() - began)
                seen.acknowledged[client_id] = unit
                return
            seen.retried[str(reply.status_code)] += 1
        first = False
        await asyncio.sleep(0.5 + random.random())  # the page waits, then sends the same answers again


def residents_submit(base: str, tokens: dict[int, str], residents: int, spread: float) -> Residents:
    """Every resident sends at a random moment of the first `spread` seconds (200 connections at most);
    returns when every one is acknowledged."""
    seen = Residents()
    units = list(tokens)
    moments = random.Random(1).choices(range(int(spread * 1000) + 1), k=residents)

    async def everyone() -> None:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
            await asyncio.gather(*(one_resident(client, seen, units[n % len(units)], tokens[units[n % len(units)]],
                                                n, n % 10 == 0, moments[n] / 1000) for n in range(residents)))

    began = time.perf_counter()
    asyncio.run(everyone())
    seen.seconds = time.perf_counter() - began
    return seen


def residents_in_process(data: Path, db: str | None, token: str, count: int = 200) -> list[float]:
    """The reference: residents' answers stored by `take_response` directly, one transaction each."""
    from sqlalchemy import select

    from assess.web.store import open_site, rounds
    from assess.web.survey import link_by_token, take_response

    site = open_site(data, db)
    with site.read() as connection:
        pack = connection.execute(select(rounds.c.pack)).scalar()
    took = []
    for n in range(count):
        began = time.perf_counter()
        with site.write() as connection:
            take_response(connection, link_by_token(connection, token), pack, uuid.uuid4().hex, resident_answers(n),
                          {"楼栋": "1号楼"})
        took.append(time.perf_counter() - began)
    site.engine.dispose()
    return took


def residents_stored(data: Path, db: str | None) -> Counter:
    """(unit, client id) → rows stored, read from the database: the count after the run."""
    from sqlalchemy import select

    from assess.web.store import open_site
    from assess.web.survey_store import responses

    site = open_site(data, db)
    with site.read() as connection:
        rows = connection.execute(select(responses.c.unit_id, responses.c.client_id)).all()
    site.engine.dispose()
    return Counter((row.unit_id, row.client_id) for row in rows)


def residents_lost(seen: Residents, stored: Counter) -> tuple[int, int, int]:
    """(acknowledged but not stored, stored twice, stored but never acknowledged)."""
    missing = sum(1 for client_id, unit in seen.acknowledged.items() if stored[(unit, client_id)] == 0)
    twice = sum(1 for count in stored.values() if count > 1)
    stranger = sum(1 for (unit, client_id) in stored if seen.acknowledged.get(client_id) != unit)
    return missing, twice, stranger


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (its children's too once they have ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


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


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of every core since boot, from /proc/stat: the whole machine, others included."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def scheduled(pid: int) -> float:
    """Seconds a process's threads were on a CPU or runnable and waiting for one (/proc/PID/task/*/schedstat:
    procrastinate runs a report in a thread, so the main thread alone would miss it)."""
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            on_cpu, waiting, _ = (task / "schedstat").read_text().split()
            total += int(on_cpu) + int(waiting)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return total / 1e9


class CpuSampler(threading.Thread):
    """Every half second, over the worker processes: the cores they used in that interval (CPU seconds / wall
    seconds) and the cores they wanted (on a CPU or runnable and waiting for one, from the scheduler's own
    accounting): wanting ≈ the worker count means the workers were never idle, only queued behind others."""

    def __init__(self, worker: subprocess.Popen, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.worker, self.every = worker, every
        self.samples: list[float] = []
        self.wanted: list[float] = []
        self.per_process: Counter = Counter()
        self.stopping = threading.Event()

    def run(self) -> None:
        last = {pid: (cpu_seconds(pid), scheduled(pid)) for pid in group_pids(self.worker)}
        moment = time.perf_counter()
        while not self.stopping.wait(self.every):
            now_ = time.perf_counter()
            current = {pid: (cpu_seconds(pid), scheduled(pid)) for pid in group_pids(self.worker)}
            used = {pid: current[pid][0] - last.get(pid, current[pid])[0] for pid in current}
            wanted = sum(current[pid][1] - last.get(pid, current[pid])[1] for pid in current)
            self.samples.append(sum(used.values()) / (now_ - moment))
            self.wanted.append(wanted / (now_ - moment))
            self.per_process.update(used)
            last, moment = current, now_


def states_now(site, ids: list[int]) -> Counter:
    from sqlalchemy import func, select

    from assess.web.store import jobs

    with site.read() as connection:
        return Counter(dict(connection.execute(select(jobs.c.state, func.count()).where(jobs.c.id.in_(ids))
                                               .group_by(jobs.c.state)).all()))


def drain(clients: list[tuple[int, httpx.Client]], fmt: str, worker: subprocess.Popen, log: Path, site) -> dict:
    """Order one report per client at once; wait (one database count a second) until none is queued or running."""
    sampler = CpuSampler(worker)
    busy_before = machine_busy()
    sampler.start()
    began = time.perf_counter()
    ids = []
    for unit, client in clients:
        reply = client.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": fmt})
        reply.raise_for_status()
        ids.append(reply.json()["job"])
    queued = time.perf_counter() - began
    while (states := states_now(site, ids))["queued"] + states["running"]:
        time.sleep(1.0)
    seconds = time.perf_counter() - began
    sampler.stopping.set()
    sampler.join()
    busy_after = machine_busy()
    starts = Counter(int(m) for m in re.findall(r"job (\d+) \(report\) started", log.read_text()))
    samples = sampler.samples or [0.0]
    return {"jobs": len(ids), "queued_s": queued, "seconds": seconds, "states": dict(states),
            "started_twice": sum(1 for c in starts.values() if c > 1), "starts": sum(starts.values()),
            "worker_cpu_s": sum(sampler.per_process.values()), "cores_mean": statistics.mean(samples),
            "both_busy": sum(1 for s in samples if s >= 1.8) / len(samples),
            "one_busy": sum(1 for s in samples if s >= 0.9) / len(samples),
            "wanted_mean": statistics.mean(sampler.wanted or [0.0]),
            "both_wanted": sum(1 for w in sampler.wanted if w >= 1.8) / max(1, len(sampler.wanted)),
            "busiest": sorted(sampler.per_process.values(), reverse=True)[:4],
            "machine": (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1]) * os.cpu_count()}


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its CPU is part of what a save costs)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def cpu_of(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_saves(latencies: list[float], seconds: float, refused: Counter, missing: int, sent: dict, web: int) -> None:
    print(f"  autosave: {len(latencies)} saves, {web} web processes: p50 {percentile(latencies, .5) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, .95) * 1000:.0f} ms, {len(latencies) / seconds:.0f} saves/s; refused "
          f"{dict(refused) or 0}; lost {missing} of {len(sent)} final values acknowledged", flush=True)


def print_residents(seen: Residents, stored: Counter, residents: int) -> None:
    missing, twice, stranger = residents_lost(seen, stored)
    first = seen.latencies or [0.0]
    print(f"  residents: {len(seen.acknowledged)} of {residents} acknowledged in {seen.seconds:.0f} s "
          f"({len(seen.acknowledged) / seen.seconds:.1f}/s); first attempt p50 "
          f"{percentile(first, .5) * 1000:.0f} ms, p95 {percentile(first, .95) * 1000:.0f} ms ("
          f"{len(seen.latencies)} acknowledged at the first attempt); sent again after "
          f"{dict(seen.retried) or 'nothing'}; "
          f"rows {sum(stored.values())}: lost {missing}, stored twice {twice}, never acknowledged {stranger}",
          flush=True)


def run(db: str | None, communities: int, saves: int, residents: int, spread: float, web: int, workers: int,
        fmt: str, reports: int, full: bool = False) -> None:
    from assess.web.store import open_site

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        if db:
            db = own_schema(db)
        made = prepare(data, db, communities)
        if full:
            fill_questionnaires(data, db, made)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        db_args = ["--db", db] if db else []
        server = start(["serve", "--data", str(data), "--port", str(port), "--workers", str(web),
                        "--report-workers", "0", "--behind-proxy", *db_args], Path(folder) / "serve.log")
        worker_log = Path(folder) / "worker.log"
        worker = start(["worker", "--data", str(data), "--concurrency", str(workers), *db_args], worker_log)
        try:
            wait_up(base)
            clients = [(unit, sign_in(base, name)) for unit, name in made]
            tokens = open_links(clients)
            print(f"load average before: {load_average()}", flush=True)
            web_pids, database = group_pids(server), postgres_pids() if db else []
            web_before, database_before = cpu_of(web_pids), cpu_of(database)
            with ThreadPoolExecutor(max_workers=1) as background:
                phones = background.submit(residents_submit, base, tokens, residents, spread)
                latencies, sent, seconds, refused = autosave(clients, saves)
                seen = phones.result()
            web_cpu, database_cpu = cpu_of(web_pids) - web_before, cpu_of(database) - database_before
            requests = len(latencies) + len(seen.acknowledged) + sum(seen.retried.values()) + residents // 10
            print(f"autosave and residents at once (load average after: {load_average()}); CPU of the "
                  f"{len(web_pids)} web processes {web_cpu:.0f} s"
                  + (f", of PostgreSQL (its processes present at the start) {database_cpu:.0f} s" if db else "")
                  + f": {(web_cpu + database_cpu) / requests * 1000:.0f} ms a request ({requests} requests)",
                  flush=True)
            print_saves(latencies, seconds, refused, lost(clients, sent), sent, web)
            print_residents(seen, residents_stored(data, db), residents)
            reference = in_process(data, db, [u for u, _ in made], max(1, min(saves, 1000 // communities or 1)))
            print(f"  reference, in-process saves (no HTTP, one at a time): p50 "
                  f"{statistics.median(reference) * 1000:.1f} ms, p95 {percentile(reference, .95) * 1000:.1f} ms",
                  flush=True)
            phones_reference = residents_in_process(data, db, next(iter(tokens.values())))
            print(f"  reference, in-process residents' answers (no HTTP, one at a time): p50 "
                  f"{statistics.median(phones_reference) * 1000:.1f} ms, p95 "
                  f"{percentile(phones_reference, .95) * 1000:.1f} ms", flush=True)
            if reports:
                site = open_site(data, db)
                figures = drain(clients[:reports], fmt, worker, worker_log, site)
                site.engine.dispose()
                print(f"drain: {figures['jobs']} {fmt} reports queued in {figures['queued_s']:.1f} s, all finished "
                      f"in {figures['seconds']:.0f} s ({figures['jobs'] / figures['seconds'] * 60:.1f}/min, "
                      f"{figures['seconds'] * workers / figures['jobs']:.1f} s a report a worker) with {workers} "
                      f"workers: {figures['states']}; starts {figures['starts']}, started twice "
                      f"{figures['started_twice']}", flush=True)
                print(f"  workers' CPU {figures['worker_cpu_s']:.0f} s ({figures['worker_cpu_s'] / figures['jobs']:.1f}"
                      f" s a report) = {figures['cores_mean']:.2f} cores busy on average; samples with both cores "
                      f"busy (≥1.8) {figures['both_busy']:.0%}, with at least one (≥0.9) {figures['one_busy']:.0%}; "
                      f"busiest processes {[round(s) for s in figures['busiest']]} CPU s; cores wanted (on a CPU "
                      f"or waiting for one) {figures['wanted_mean']:.2f} on average, ≥1.8 in "
                      f"{figures['both_wanted']:.0%} of samples; whole machine "
                      f"{figures['machine']:.2f} of {os.cpu_count()} cores busy; load average {load_average()}",
                      flush=True)
            for _, client in clients:
                client.close()
        finally:
            stop(server)
            stop(worker)
            for log in (Path(folder) / "serve.log", worker_log):
                errors(log)


def errors(log: Path) -> None:
    """Tracebacks in a process's log, counted, with the last line of the first (what a 500 was)."""
    text = log.read_text(errors="replace")
    if "Traceback" in text:
        first = text[text.index("Traceback"):].split("\n\n")[0].strip().splitlines()
        print(f"{log.name}: {text.count('Traceback')} tracebacks; the first ends: {first[-1][:300]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("ASSESS_TEST_POSTGRES"))
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite site instead")
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--resident-seconds", type=float, default=30.0, help="residents arrive over this time")
    parser.add_argument("--web", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reports-format", default="html", choices=["html", "pdf"])
    parser.add_argument("--full-answers", action="store_true", help="every community's whole questionnaire "
                        "answered first (from the example communities), so reports are full ones")
    parser.add_argument("--reports", type=int, default=None, help="reports in the drain (default: one a community;"
                        " 0: none)")
    args = parser.parse_args()
    db = None if args.sqlite else args.db
    print(f"{'PostgreSQL + procrastinate' if db else 'SQLite (embedded)'}; {os.cpu_count()} cores", flush=True)
    reports = args.communities if args.reports is None else min(args.reports, args.communities)
    run(db, args.communities, args.saves, args.residents, args.resident_seconds, args.web, args.workers,
        args.reports_format, reports, args.full_answers)


if __name__ == "__main__":
    main()
