"""How fast a district round is scored, stored and reported. Prints figures, asserts nothing.

1. A round of N communities × R residents (fictional, generated once): `score_round` with 1,000 joint draws
   (residents resampled, weights perturbed) with 1 worker and with every core, the speed-up between them,
   and storing the round in a SQLite history database; beside it, in the same run, the reference
   `district_reference.py`: a plain polars + NumPy + sqlite3 script doing the same scoring, draws, ranking
   and storing (BLAS on one thread there too); and `assess score` run once per community in a loop of
   processes, as a user without the district commands would (measured on 12 communities and scaled).
2. The district report (PDF) of a round of 50 communities.
3. `district reports` (every community's PDF) for 12 communities, with 1 worker and with every core.

Run: .venv/bin/python benchmarks/bench_district.py [--communities 1000] [--residents 150]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from unittest import mock

from assess.district import league as league_module
from assess.district.demo import profiles, round_files
from assess.district.history import open_history, store_league
from assess.district.league import score_round
from assess.district.report import district_pdf
from assess.district.report_data import build_district_report
from assess.district.rounds import load_round
from assess.district.workflow import community_reports
from assess.packs.loading import load_pack
from assess.responses.fictional import Profile
from assess.scoring.options import ScoringOptions
from assess.scoring.weights import effective_weights


def write_round(folder: Path, communities: int, residents: int) -> None:
    pack = load_pack("core").pack
    rng = random.Random(1)
    made = []
    base = profiles(pack, rng)
    for n in range(communities):
        template = base[n % len(base)]
        made.append(Profile(f"c{n:04d}", template.community.model_copy(update={"name": f"社区{n:04d}"}), residents,
                            template.dimensions))
    for relative, text in round_files(pack, made, "bench", date(2026, 10, 1), 7).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def with_workers(workers: int, action):
    real = os.cpu_count

    with mock.patch.object(league_module.os, "cpu_count", lambda: workers if workers else real()):
        return timed(action)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--residents", type=int, default=150)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "round"
        seconds, _ = timed(lambda: write_round(folder, args.communities, args.residents))
        print(f"generated {args.communities} communities × {args.residents} residents in {seconds:.1f} s")
        round_ = load_round(folder)

        reference_wall, reference_cpu = reference(folder, Path(tmp) / "reference.db")
        print(f"reference (polars + NumPy + sqlite3, 1000 joint draws): {reference_wall:.1f} s wall, "
              f"{reference_cpu:.1f} s CPU")
        one, _ = with_workers(1, lambda: score_round(round_, options=ScoringOptions(uncertainty=1000)))
        cpu_before = cpu_seconds()
        many, league = with_workers(cores, lambda: score_round(round_, options=ScoringOptions(uncertainty=1000)))
        stored, _ = timed(lambda: store(Path(tmp) / "h.db", league))
        cpu = cpu_seconds() - cpu_before
        print(f"score_round, 1000 joint draws: 1 worker {one:.1f} s, {cores} workers {many:.1f} s, "
              f"speed-up {one / many:.2f}×")
        print(f"stored in SQLite in {stored:.2f} s; scored and stored with {cores} workers: {many + stored:.1f} s "
              f"wall, {cpu:.1f} s CPU; ratio to the reference {(many + stored) / reference_wall:.2f}× wall, "
              f"{cpu / reference_cpu:.2f}× CPU")
        drawn = timed(lambda: league_module.round_draws(league.pack, effective_weights(league.pack, "declared"),
                                                        [(s.result.community.name, s.sample)
                                                         for s in league.standings], 1000, 0))[0]
        print(f"of which the joint draws alone: {drawn:.1f} s")

        sample = sorted(folder.iterdir())[:12]
        loop, _ = timed(lambda: [subprocess.run(
            [str(Path(sys.executable).parent / "assess"), "score", str(d / "answers.yaml"), "--respondents",
             str(d / "residents.csv"), "--format", "json"], capture_output=True, check=True)
            for d in sample if d.is_dir()])
        per = loop / 12
        print(f"reference: assess score in a loop of processes, {per:.2f} s per community "
              f"→ {per * args.communities:.0f} s for {args.communities} (ratio {per * args.communities / many:.0f}×)")

        small = Path(tmp) / "fifty"
        write_round(small, 50, args.residents)
        fifty = score_round(load_round(small), options=ScoringOptions(uncertainty=1000))
        seconds, rendered = timed(lambda: district_pdf(build_district_report(fifty), "zh"))
        print(f"district report of 50 communities: {seconds:.1f} s, {rendered.pages} pages")

        twelve = Path(tmp) / "twelve"
        write_round(twelve, 12, args.residents)
        one, _ = timed(lambda: community_reports(twelve, Path(tmp) / "r1", "zh", workers=1))
        many, _ = timed(lambda: community_reports(twelve, Path(tmp) / "r2", "zh", workers=cores))
        print(f"district reports, 12 communities: 1 worker {one:.1f} s, {cores} workers {many:.1f} s, "
              f"speed-up {one / many:.2f}×")


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the scoring workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def reference(folder: Path, db: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the plain script on the round."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(Path(__file__).parent / "district_reference.py"), str(folder),
                    "--draws", "1000", "--db", str(db)], check=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def store(path: Path, league) -> None:
    with open_history(f"sqlite:///{path}") as history:
        store_league(history, league, load_pack("core").pack)


if __name__ == "__main__":
    main()
