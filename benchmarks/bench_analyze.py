"""How fast `assess analyze` is beside the libraries a thesis writer would use instead. Prints figures, asserts
nothing.

The data: one fictional community of N residents (default 5,000) answering the core pack's resident items
(36 items: 34 five-point, 2 yes/no), written once as a CSV. Measured, each in this process after a warm-up
run, as CPU time (process_time, all threads) and wall time, the fastest of `--repeats` runs (default 5) of
each, the two taking turns:

- `assess analyze` (reading and checking the CSV, item statistics, alpha per dimension and overall, KMO,
  Bartlett, MINRES EFA with varimax, fuzzy evaluation, the JSON), as `assess analyze --format json` runs it;
- the reference: pandas reads the same CSV (yes/no mapped to 1/0), `pandas.DataFrame.describe`, pingouin's
  `cronbach_alpha` per dimension and overall, factor_analyzer's `calculate_kmo`,
  `calculate_bartlett_sphericity` and `FactorAnalyzer(method="minres", rotation="varimax")` with as many
  factors as assess finds.

Needs `pip install pingouin factor_analyzer "scikit-learn<1.6"` (factor_analyzer 0.5.1 fails under 1.6+).
Run: .venv/bin/python benchmarks/bench_analyze.py [--residents 5000] [--repeats 5]
`assess analyze` runs its linear algebra on one BLAS thread; to give the reference the same, run with
OPENBLAS_NUM_THREADS=1 in the environment.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from assess.analysis.run import analysis_json, analyze
from assess.analysis.survey import load_survey
from assess.packs.loading import load_pack
from assess.responses.answer_file import AnswerFile, Community, dump_answer_file
from assess.responses.fictional import Profile, committee_answers, residents_csv


def write_community(folder: Path, residents: int) -> tuple[Path, Path]:
    pack = load_pack("core").pack
    rng = random.Random(7)
    levels = {d.id: 0.35 + 0.05 * n for n, d in enumerate(pack.dimensions)}
    profile = Profile("bench", Community(name="基准社区", population=20000), residents, levels)
    answers = folder / "answers.yaml"
    answers.write_text(dump_answer_file(AnswerFile(pack="core", community=profile.community,
                                                   answers=committee_answers(pack, profile, rng, {}))), "utf-8")
    csv_path = folder / "residents.csv"
    csv_path.write_text(residents_csv(pack, profile, rng), "utf-8")
    return answers, csv_path


def run_assess(answers: Path, csv_path: Path) -> dict:
    return analysis_json(analyze(load_survey(answers, csv_path)))


def run_reference(csv_path: Path, factors: int) -> None:
    import pandas as pd
    import pingouin
    from factor_analyzer import FactorAnalyzer
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo

    pack = load_pack("core").pack
    frame = pd.read_csv(csv_path)
    items = [q for _, _, q in pack.questions() if q.respondent == "resident" and q.type in ("likert", "yes_no")]
    data = pd.DataFrame({q.id: frame[q.id].replace({"yes": 1, "no": 0}).astype(float) for q in items})
    data.describe()
    for dim in pack.dimensions:
        own = [q.id for ind in dim.indicators for q in ind.questions if q.id in data]
        if len(own) >= 2:
            pingouin.cronbach_alpha(data[own])
    pingouin.cronbach_alpha(data)
    complete = data.dropna()
    calculate_kmo(complete)
    calculate_bartlett_sphericity(complete)
    FactorAnalyzer(n_factors=factors, rotation="varimax", method="minres").fit(complete)


def once(action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def measured(ours, theirs, repeats: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """The fastest of `repeats` runs of each side, wall and CPU apart, the two sides taking turns, so that
    a burst of load on the shared machine falls on both alike and the fastest run shows the work itself."""
    ours(), theirs()  # warm-up: imports and caches, for both sides alike
    runs = [(once(ours), once(theirs)) for _ in range(repeats)]
    best = [tuple(min(run[side][k] for run in runs) for k in (0, 1)) for side in (0, 1)]
    return best[0], best[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        answers, csv_path = write_community(Path(tmp), args.residents)
        data = run_assess(answers, csv_path)
        factors = data["validity"]["efa"]["factors"]
        items = len(data["items"])
        print(f"{args.residents} residents × {items} items, {factors} factors")
        ours, theirs = measured(lambda: run_assess(answers, csv_path), lambda: run_reference(csv_path, factors),
                                args.repeats)
        print(f"assess analyze: {ours[0]:.2f} s wall, {ours[1]:.2f} s CPU")
        print(f"pandas + pingouin + factor_analyzer: {theirs[0]:.2f} s wall, {theirs[1]:.2f} s CPU")
        print(f"ratio: {ours[0] / theirs[0]:.2f}× wall, {ours[1] / theirs[1]:.2f}× CPU")


if __name__ == "__main__":
    main()
