"""How long recommendations take: loading the library, ranking it, and ranking a district-sized library.

Prints figures, asserts nothing.

1. Loading and checking the bundled library against the core pack (YAML, models, ids, cited cases).
2. `recommend()` with the bundled library for a community whose every core indicator is below target
   (the most actions to rank), median of repeated runs.
3. `recommend()` with libraries of 1,000 / 10,000 / 100,000 synthetic countermeasures, each addressing three
   random core indicators: ranking should grow about linearly with the library.

Run: .venv/bin/python benchmarks/bench_recommend.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from assess.actions.library import Countermeasure, Library, load_library
from assess.actions.recommend import recommend
from assess.packs.loading import load_pack
from assess.packs.model import Pack, Text
from assess.responses.answer_file import Community
from assess.scoring.results import DimensionScore, IndicatorScore, Method, Overall, PackRef, ScoreResult


def weak_everywhere(pack: Pack, rng: np.random.Generator) -> ScoreResult:
    """Every indicator answered below its target, with equal weights: every countermeasure is a candidate."""
    pairs = pack.indicators()
    indicators = []
    for dim, ind in pairs:
        score = float(rng.uniform(20, 80))
        target = pack.target_of(ind)
        indicators.append(
            IndicatorScore(
                id=ind.id, dimension=dim.id, title=ind.title, score=score, weight=1 / len(pairs), answered=True,
                coverage=1.0, target=target, gap=max(target - score, 0.0),
            )
        )
    dimensions = [
        DimensionScore(
            id=d.id, title=d.title, score=50.0, weight=1 / len(pack.dimensions), coverage=1.0, grade=None,
            grade_label=None, insufficient_data=False,
        )
        for d in pack.dimensions
    ]
    return ScoreResult(
        community=Community(name="benchmark"), assessed_on=None,
        pack=PackRef(id=pack.id, version=pack.version, hash="0" * 16, file="core"),
        method=Method(weights="declared"), respondents=0,
        overall=Overall(score=50.0, grade=None, grade_label=None, coverage=1.0),
        dimensions=dimensions, indicators=indicators, questions=[],
    )


def synthetic_library(template: Countermeasure, pack: Pack, size: int, rng: np.random.Generator) -> Library:
    ids = [ind.id for _, ind in pack.indicators()]
    efforts, horizons = ("low", "medium", "high"), ("short", "medium", "long")
    measures = [
        template.model_copy(
            update={
                "id": f"m{n}",
                "title": Text(zh=f"对策{n}", en=f"Action {n}"),
                "indicators": list(rng.choice(ids, size=3, replace=False)),
                "dimensions": [],
                "effort": efforts[n % 3],
                "horizon": horizons[n % 3],
            }
        )
        for n in range(size)
    ]
    return Library(countermeasures=measures, files=["synthetic"])


def median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic library sizes, comma-separated")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    pack = load_pack("core").pack
    load_library(None, pack)  # warm the caches (case profiles, thesis register) so the figure is the library

    seconds = median_seconds(lambda: load_library(None, pack), 5)
    library = load_library(None, pack)
    print(f"load + check bundled library ({len(library.countermeasures)} countermeasures): {seconds * 1000:.1f} ms")

    result = weak_everywhere(pack, rng)
    seconds = median_seconds(lambda: recommend(result, library, pack), 20)
    plan = recommend(result, library, pack)
    print(f"recommend, all 36 indicators weak, {plan.candidates} candidate actions: {seconds * 1000:.1f} ms")

    for size in (int(s) for s in args.sizes.split(",")):
        big = synthetic_library(library.countermeasures[0], pack, size, rng)
        seconds = median_seconds(lambda big=big: recommend(result, big, pack, top=20), 3)
        print(f"recommend --top 20 over {size:,} countermeasures: {seconds:.3f} s ({seconds / size * 1e6:.1f} µs each)")


if __name__ == "__main__":
    main()
