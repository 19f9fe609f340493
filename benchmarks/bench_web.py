"""The web application's speed against references in the same run. Prints figures, asserts nothing.

1. Autosave: 1,000 answers saved one by one through `PUT /api/units/{id}/answers/{question}` to a real
   `assess serve` on SQLite (127.0.0.1), p50/p95 latency, beside the same 1,000 saves made in-process
   (`save_answer` in one transaction each, no HTTP): the reference is what the database work alone costs.
2. A report job: from `POST /api/units/{id}/reports` to the job's `done`, against `assess report` run as a
   command on the same answer file and residents' file (the example community). The first job also pays the
   worker's imports; later ones find WeasyPrint loaded. Every job's answers differ by one value, so none is
   served from the stored reports.

Run: .venv/bin/python benchmarks/bench_web.py [--saves 1000] [--reports 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "old-community"
PASSWORD = "benchmark-password"
NUMBERS = ["q-grid-party-coverage", "q-training-hours", "q-inservice-reported-share", "q-volunteer-share"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(data: Path) -> None:
    listing = data.parent / "list.csv"
    listing.write_text("区（县）,街道,社区\n青石区,东关街道,槐荫里社区\n", encoding="utf-8")
    password = data.parent / "pw"
    password.write_text(PASSWORD)
    assess = [sys.executable, "-m", "assess"]
    subprocess.run([*assess, "units", "import", str(listing), "--data", str(data)], check=True, capture_output=True)
    subprocess.run([*assess, "users", "add", "bench", "--role", "community-secretary", "--unit",
                    "青石区/东关街道/槐荫里社区", "--password-file", str(password), "--data", str(data)],
                   check=True, capture_output=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def in_process_saves(data: Path, count: int) -> list[float]:
    from assess.web.accounts import user_by_name
    from assess.web.answers import question_of, save_answer
    from assess.web.store import current_round, open_site
    from assess.web.units import unit_by_path, viewer_for

    site = open_site(data)
    with site.read() as connection:
        unit = unit_by_path(connection, "青石区/东关街道/槐荫里社区")
        person = viewer_for(connection, user_by_name(connection, "bench").id, "bench")
        questions = [question_of(current_round(connection).pack, qid) for qid in NUMBERS]
    times = []
    for n in range(count):
        start = time.perf_counter()
        with site.write() as connection:
            save_answer(connection, unit, current_round(connection), questions[n % len(questions)], str(n % 100),
                        person)
        times.append(time.perf_counter() - start)
    return times


def http_saves(client: httpx.Client, unit: int, count: int) -> list[float]:
    times = []
    for n in range(count):
        start = time.perf_counter()
        response = client.put(f"/api/units/{unit}/answers/{NUMBERS[n % len(NUMBERS)]}", json={"value": str(n % 100)})
        times.append(time.perf_counter() - start)
        response.raise_for_status()
    return times


def report_jobs(client: httpx.Client, unit: int, count: int) -> list[float]:
    times = []
    for n in range(count):
        client.put(f"/api/units/{unit}/answers/q-training-hours", json={"value": 40 + n}).raise_for_status()
        start = time.perf_counter()
        job = client.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "pdf"}).json()["job"]
        while (state := client.get(f"/api/jobs/{job}").json()["state"]) in ("queued", "running"):
            time.sleep(0.05)
        times.append(time.perf_counter() - start)
        assert state == "done", state
    return times


def cli_reports(answers: Path, residents: Path, count: int) -> list[float]:
    times = []
    for n in range(count):
        out = answers.parent / f"cli-{n}.pdf"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assess", "report", str(answers), "--respondents", str(residents),
                        "-o", str(out)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        prepare(data)
        port = free_port()
        log = open(Path(folder) / "serve.log", "w")  # noqa: SIM115 - open while the server runs
        server = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--data", str(data), "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    httpx.get(f"{base}/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            client = httpx.Client(base_url=base, timeout=120)
            token = client.post("/api/login", json={"username": "bench", "password": PASSWORD}).json()["csrf_token"]
            client.headers["X-CSRF-Token"] = token
            unit = client.get("/api/units").json()[0]["id"]

            web = http_saves(client, unit, args.saves)
            direct = in_process_saves(data, args.saves)
            print(f"autosave, {args.saves} saves on SQLite (2 cores):")
            print(f"  HTTP PUT      p50 {percentile(web, .5) * 1000:6.2f} ms   p95 "
                  f"{percentile(web, .95) * 1000:6.2f} ms")
            print(f"  in-process    p50 {percentile(direct, .5) * 1000:6.2f} ms   p95 "
                  f"{percentile(direct, .95) * 1000:6.2f} ms   (reference: the database work alone)")
            print(f"  ratio         p50 {percentile(web, .5) / percentile(direct, .5):.2f}×")

            residents = EXAMPLE / "residents.csv"
            with residents.open("rb") as handle:
                sent = client.post(f"/api/units/{unit}/residents", files={"file": ("residents.csv", handle)})
            sent.raise_for_status()
            jobs = report_jobs(client, unit, args.reports)
            answers = Path(folder) / "answers.yaml"
            answers.write_bytes(client.get(f"/units/{unit}/answers.yaml").content)
            cli = cli_reports(answers, residents, args.reports)
            print(f"report (PDF, zh, the example community with {residents.name}), {args.reports} runs:")
            print("  report job    " + "  ".join(f"{t:5.2f} s" for t in jobs) + "   (order → done, polled every 50 ms)")
            print("  assess report " + "  ".join(f"{t:5.2f} s" for t in cli) + "   (reference: the command)")
            print(f"  ratio of medians {statistics.median(jobs) / statistics.median(cli):.2f}×; first job against "
                  f"first command {jobs[0] / cli[0]:.2f}×")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(20)
            log.close()


if __name__ == "__main__":
    main()
