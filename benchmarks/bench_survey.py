"""Residents answering on their phones, under load: 1,000 residents of 20 communities submitting over 60 s
to one `assess serve` on SQLite at 127.0.0.1. Prints figures and checks the count; asserts nothing else.

Each resident is an asyncio task (httpx) that sends its answers at a random moment of the minute with an id
of its own, and, as the survey page does, sends again after a network error, a 5xx or a 429 until the
server acknowledges (201, or 200 for a repeat). After the run the database must hold exactly one row per
resident: none lost, none counted twice. Three runs:

1. plain;
2. every 10th request sent twice at once (a retry racing the original);
3. the server killed (SIGKILL, mid-minute) and started again on the same data; residents who got no answer
   retry. Every acknowledged answer must be there.

The reference, in the same run: the same 1,000 answers stored in-process (`take_response`, one transaction
each, no HTTP), the database work alone. All load comes from one address, so the per-address bound is set
out of the way (ASSESS_SURVEY_PER_ADDRESS); the bound itself is tested in tests/web/test_survey.py.

Run: .venv/bin/python benchmarks/bench_survey.py [--residents 1000] [--communities 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx2 as httpx

PASSWORD = "benchmark-password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def prepare(data: Path, communities: int) -> None:
    data.parent.mkdir(parents=True, exist_ok=True)
    listing = data.parent / "list.csv"
    listing.write_text("区（县）,街道,社区\n" + "".join(f"青石区,东关街道,第{n + 1}社区\n" for n in range(communities)),
                       encoding="utf-8")
    (data.parent / "pw").write_text(PASSWORD)
    assess = [sys.executable, "-m", "assess"]
    subprocess.run([*assess, "units", "import", str(listing), "--data", str(data)], check=True, capture_output=True)
    subprocess.run([*assess, "users", "add", "bench", "--role", "district-manager", "--unit", "青石区",
                    "--password-file", str(data.parent / "pw"), "--data", str(data)], check=True, capture_output=True)


def start_server(data: Path, port: int, log) -> subprocess.Popen:
    environment = {**os.environ, "ASSESS_SURVEY_PER_ADDRESS": "1000000"}
    server = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--data", str(data), "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.05)
    raise SystemExit("assess serve did not start")


def stop(server: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    os.killpg(server.pid, how)
    server.wait(30)


def open_links(base: str) -> dict[int, str]:
    """Unit id → survey token, opened by a district manager over the JSON API."""
    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.post("/api/login", json={"username": "bench", "password": PASSWORD}).json()["csrf_token"]
        client.headers["X-CSRF-Token"] = token
        units = [u["id"] for u in client.get("/api/units").json() if u["kind"] == "community"]
        return {unit: client.post(f"/api/units/{unit}/survey").json()["token"] for unit in units}


def answers_of(seed: int) -> dict:
    from assess.web.survey import resident_questions

    draw = random.Random(seed)
    return {q.id: draw.randint(q.scale.min, q.scale.max) for q in resident_questions("core") if q.type == "likert"}


class Run:
    def __init__(self):
        self.latencies: list[float] = []  # first attempts that were acknowledged
        self.acknowledged: set[str] = set()
        self.attempts = 0
        self.failures = Counter()


async def resident(client: httpx.AsyncClient, run: Run, token: str, client_id: str, body: dict, at: float,
                   started: float, twice: bool) -> None:
    await asyncio.sleep(max(0.0, started + at - time.monotonic()))
    first = True
    while True:
        run.attempts += 2 if twice and first else 1
        sent = time.monotonic()
        try:
            if twice and first:
                replies = await asyncio.gather(*(client.post(f"/api/survey/{token}/responses", json=body)
                                                 for _ in range(2)), return_exceptions=True)
                reply = next((r for r in replies if isinstance(r, httpx.Response)), replies[0])
                if isinstance(reply, Exception):
                    raise reply
            else:
                reply = await client.post(f"/api/survey/{token}/responses", json=body)
        except httpx.TransportError as exc:
            run.failures[type(exc).__name__] += 1
        else:
            if reply.status_code in (200, 201):
                if first:
                    run.latencies.append(time.monotonic() - sent)
                run.acknowledged.add(client_id)
                return
            run.failures[str(reply.status_code)] += 1
        first = False
        await asyncio.sleep(0.5 + random.random())  # the page waits, then sends the same answers again


async def load(base: str, tokens: dict[int, str], residents: int, seconds: float, twice_every: int,
               restart=None) -> tuple[Run, dict[str, int]]:
    run = Run()
    plan = []
    units = list(tokens)
    for n in range(residents):
        client_id = uuid.uuid4().hex
        unit = units[n % len(units)]
        body = {"client_id": client_id, "answers": answers_of(n), "attributes": {"楼栋": f"{n % 7 + 1}号楼"}}
        plan.append((tokens[unit], client_id, body, random.uniform(0, seconds), twice_every and n % twice_every == 0))
    owner = {p[1]: p[0] for p in plan}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        started = time.monotonic()
        tasks = [asyncio.create_task(resident(client, run, t, c, b, at, started, twice)) for t, c, b, at, twice in plan]
        if restart is not None:
            await asyncio.sleep(seconds / 2)
            await asyncio.to_thread(restart)
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 180)
    return run, owner


def stored(data: Path) -> list[tuple[str, str]]:
    """(token, client id) of every stored answer, read from the database after the server stopped."""
    from sqlalchemy import select

    from assess.web.store import open_site
    from assess.web.survey_store import links, responses

    site = open_site(data)
    with site.read() as connection:
        rows = connection.execute(select(links.c.token, responses.c.client_id)
                                  .join(links, links.c.id == responses.c.link_id)).all()
    site.engine.dispose()
    return [(token, client) for token, client in rows]


def in_process(data: Path, residents: int) -> list[float]:
    """The reference: the same number of answers stored by `take_response` directly, one transaction each."""
    from assess.web.store import open_site, rounds
    from assess.web.survey import link_by_token

    site = open_site(data)
    with site.read() as connection:
        from sqlalchemy import select

        from assess.web.survey_store import links

        token = connection.execute(select(links.c.token).limit(1)).scalar()
        pack = connection.execute(select(rounds.c.pack)).scalar()
    from assess.web.survey import take_response

    times = []
    for n in range(residents):
        start = time.perf_counter()
        with site.write() as connection:
            take_response(connection, link_by_token(connection, token), pack, uuid.uuid4().hex, answers_of(n),
                          {"楼栋": "1号楼"})
        times.append(time.perf_counter() - start)
    site.engine.dispose()
    return times


def scenario(name: str, folder: Path, args, twice_every: int = 0, restart: bool = False) -> None:
    data = folder / name / "data"
    prepare(data, args.communities)
    port = free_port()
    log = open(folder / name / "serve.log", "w")  # noqa: SIM115 - open while the servers run
    servers = [start_server(data, port, log)]
    base = f"http://127.0.0.1:{port}"
    tokens = open_links(base)
    moments = []

    def kill_and_start() -> None:
        moments.append(time.monotonic())
        stop(servers[-1], signal.SIGKILL)
        servers.append(start_server(data, port, log))
        moments.append(time.monotonic())

    try:
        run, owner = asyncio.run(load(base, tokens, args.residents, args.seconds, twice_every,
                                      kill_and_start if restart else None))
        with httpx.Client(base_url=base, timeout=60) as client:
            token = client.post("/api/login", json={"username": "bench", "password": PASSWORD}).json()["csrf_token"]
            client.headers["X-CSRF-Token"] = token
            first = next(iter(tokens))
            scored = client.get(f"/api/units/{first}/scores").json()["respondents"]
    finally:
        stop(servers[-1])
        log.close()
    rows = stored(data)
    counted = Counter(client for _, client in rows)
    lost = [c for c in run.acknowledged if c not in counted]
    twice = [c for c, k in counted.items() if k > 1]
    wrong_place = [c for t, c in rows if owner.get(c) != t]
    print(f"{name}: {args.residents} residents, {len(tokens)} communities, {args.seconds:g} s")
    print(f"  acknowledged {len(run.acknowledged)}, stored {len(rows)}, lost {len(lost)}, counted twice {len(twice)},"
          f" in the wrong community {len(wrong_place)}; requests {run.attempts}; not acknowledged on the way: "
          f"{dict(run.failures) or 'none'}")
    print(f"  latency of first attempts acknowledged ({len(run.latencies)}): p50 "
          f"{percentile(run.latencies, .5) * 1000:.1f} ms, p95 {percentile(run.latencies, .95) * 1000:.1f} ms, "
          f"max {max(run.latencies) * 1000:.0f} ms")
    print(f"  GET /api/units/{{id}}/scores of one community: {scored} residents (expected "
          f"{sum(1 for c in run.acknowledged if owner[c] == tokens[next(iter(tokens))])})")
    if restart:
        print(f"  server down {moments[1] - moments[0]:.1f} s (SIGKILL, then started again)")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data = scenario("plain", folder, args)
        reference = in_process(data, args.residents)
        print(f"  reference, the same {args.residents} answers stored in-process: p50 "
              f"{percentile(reference, .5) * 1000:.1f} ms, p95 {percentile(reference, .95) * 1000:.1f} ms")
        scenario("every-10th-twice", folder, args, twice_every=10)
        scenario("restart", folder, args, restart=True)


if __name__ == "__main__":
    main()
