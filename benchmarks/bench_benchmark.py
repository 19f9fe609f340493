"""How fast benchmarking is, and how well the similarity finds a case in noisy scores.

Prints figures, asserts nothing.

1. Speed: loading and checking the bundled case profiles (cold), and `benchmark()` per community over
   many generated score results.
2. Recovery: for each thesis case, communities are built from its coded levels (the coded estimate of each
   reported dimension plus Gaussian noise of the given spread, clipped to 0-100; unreported dimensions get a
   uniform random score). The figure is the share of such communities whose nearest thesis is that case --
   how often a community that really follows a case's pattern is matched to it. Chance is 1 in 5.

Run: .venv/bin/python benchmarks/bench_benchmark.py [--communities 2000] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from assess.cases.benchmark import benchmark
from assess.cases.profiles import bundled_case_files, coding_scale, load_case_files, load_cases
from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.responses.answer_file import Community
from assess.scoring.results import DimensionScore, Method, Overall, PackRef, ScoreResult

NOISE_SPREADS = (0.0, 5.0, 10.0, 15.0, 20.0)


def score_result(pack: Pack, scores: dict[str, float]) -> ScoreResult:
    return ScoreResult(
        community=Community(name="bench"),
        assessed_on=None,
        pack=PackRef(id=pack.id, version=pack.version, hash="0" * 16, file="core"),
        method=Method(weights="declared"),
        respondents=0,
        overall=Overall(score=None, grade=None, grade_label=None, coverage=1.0),
        dimensions=[
            DimensionScore(
                id=d.id, title=d.title, score=round(scores[d.id], 2), weight=0.0, coverage=1.0, grade=None,
                grade_label=None, insufficient_data=False,
            )
            for d in pack.dimensions
        ],
        indicators=[],
        questions=[],
    )


def time_loading(pack: Pack) -> None:
    start = time.perf_counter()
    cases, problems = load_case_files(bundled_case_files(), pack, named_by_id=True)
    elapsed = time.perf_counter() - start
    print(f"parse and check {len(cases)} case profiles ({len(problems)} problems): {elapsed * 1000:.1f} ms")


def time_benchmark(pack: Pack, count: int, rng: np.random.Generator) -> None:
    cases = load_cases()
    results = [score_result(pack, {d.id: float(rng.uniform(0, 100)) for d in pack.dimensions}) for _ in range(count)]
    start = time.perf_counter()
    for result in results:
        benchmark(result, cases, pack)
    elapsed = time.perf_counter() - start
    per_community = elapsed / count * 1000
    print(f"benchmark() against {len(cases)} cases: {per_community:.2f} ms per community ({count} communities)")


def recovery(pack: Pack, count: int, rng: np.random.Generator) -> None:
    cases = load_cases()
    estimates = coding_scale().estimates
    theses = [c for c in cases if c.kind == "thesis"]
    print(f"\nrecovery: share of {count} generated communities per case whose nearest thesis is that case")
    print("noise sd  " + "  ".join(f"{c.id:>11}" for c in theses) + "       mean")
    for spread in NOISE_SPREADS:
        rates = []
        for case in theses:
            hits = 0
            for _ in range(count):
                scores = {}
                for dim in pack.dimensions:
                    coding = case.levels[dim.id]
                    if coding.level == "not_reported":
                        scores[dim.id] = float(rng.uniform(0, 100))
                    else:
                        scores[dim.id] = float(np.clip(rng.normal(estimates[coding.level], spread), 0, 100))
                nearest = benchmark(score_result(pack, scores), cases, pack).nearest
                hits += nearest is not None and nearest.id == case.id
            rates.append(hits / count)
        print(f"{spread:>8g}  " + "  ".join(f"{r:>11.1%}" for r in rates) + f"  {np.mean(rates):>9.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    pack = load_pack("core").pack
    time_loading(pack)
    time_benchmark(pack, args.communities, rng)
    recovery(pack, max(args.communities // 4, 100), rng)


if __name__ == "__main__":
    main()
