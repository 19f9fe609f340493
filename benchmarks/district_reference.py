"""The reference for `bench_district.py`: a plain polars + NumPy + sqlite3 script doing the work of
`assess district score` on a round of fictional communities: every community's answers scored on the
pack's goalposts and aggregated with its weights, N joint draws (each community's residents resampled with
replacement, every weight perturbed by ±25 %, the same weights for all), ranks per draw, 90 % intervals,
and the round stored in SQLite. It checks nothing and explains nothing to a user: the least work a round
takes, to measure `assess` against.

Run: .venv/bin/python benchmarks/district_reference.py ROUND_FOLDER [--draws 1000] [--db out.db]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import yaml
from scipy.stats import rankdata

from assess.packs.loading import load_pack


def goalpost(question, value) -> float:
    """A committee or resident answer on 0–100, for the question types the core pack has."""
    kind = question.type
    if kind == "likert":
        score = (float(value) - question.scale.min) / (question.scale.max - question.scale.min) * 100
    elif kind == "yes_no":
        score = 100.0 if value in (True, "yes") else 0.0
    elif kind == "choice":
        score = next(o.score for o in question.options if o.id == value)
    elif kind == "multi_choice":
        score = min(sum(o.score for o in question.options if o.id in value), 100.0)
    else:
        score = min(max((float(value) - question.worst) / (question.best - question.worst), 0.0), 1.0) * 100
    return 100 - score if getattr(question, "reverse", False) else score


def resident_matrix(path: Path, questions) -> np.ndarray:
    """n × Q scores of the residents' file, NaN where unanswered (and for committee questions)."""
    frame = pl.read_csv(path, infer_schema_length=0)
    columns = []
    for q in questions:
        if q.id not in frame.columns:
            columns.append(np.full(frame.height, np.nan))
            continue
        cells = frame[q.id]
        if q.type == "yes_no":
            raw = cells.replace_strict({"yes": 100.0, "no": 0.0}, default=None, return_dtype=pl.Float64)
            values = raw.to_numpy()
            if q.reverse:
                values = 100 - values
        elif q.type == "likert":
            values = (cells.cast(pl.Float64, strict=False).to_numpy() - q.scale.min) / (
                q.scale.max - q.scale.min) * 100
            if q.reverse:
                values = 100 - values
        else:
            values = np.clip((cells.cast(pl.Float64, strict=False).to_numpy() - q.worst) / (q.best - q.worst), 0, 1)
            values = values * 100
            if getattr(q, "reverse", False):
                values = 100 - values
        columns.append(values.astype(float))
    return np.column_stack(columns)


def up(scores, weights, membership):
    answered = ~np.isnan(scores)
    numerator = (np.where(answered, scores, 0.0) * weights) @ membership
    denominator = (answered * weights) @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("round", type=Path)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    pack = load_pack("core").pack
    all_questions = [q for _, _, q in pack.questions()]
    questions = [q for q in all_questions if q.type != "text"]
    indicators = [i for _, i in pack.indicators()]
    q_i = np.array([[1.0 if q in i.questions else 0.0 for i in indicators] for q in questions])
    i_d = np.array([[1.0 if i in d.indicators else 0.0 for d in pack.dimensions] for i in indicators])
    w_q = np.array([q.weight for q in questions], dtype=float)
    w_i = np.array([i.weight for i in indicators], dtype=float)
    w_d = np.array([d.weight for d in pack.dimensions], dtype=float)

    folders = sorted(p for p in args.round.iterdir() if (p / "answers.yaml").exists())
    names, observed, samples = [], [], []
    for folder in folders:
        data = yaml.load((folder / "answers.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        committee = np.array([goalpost(q, data["answers"][q.id]) if data["answers"].get(q.id) is not None
                              else np.nan for q in questions])
        residents = resident_matrix(folder / "residents.csv", questions)
        answered = ~np.isnan(residents)
        total = np.nan_to_num(committee) + np.where(answered, residents, 0).sum(axis=0)
        count = ~np.isnan(committee) + answered.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            observed.append(np.where(count > 0, total / count, np.nan))
        names.append(data["community"]["name"])
        samples.append((committee, residents))
    observed = np.array(observed)
    dims = up(up(observed, w_q, q_i), w_i, i_d)
    overall = up(dims, w_d, np.ones((len(w_d), 1)))[:, 0]

    rng = np.random.default_rng(0)
    draws = args.draws
    drawn = np.empty((len(folders), draws))
    factors_q = w_q * rng.uniform(0.75, 1.25, size=(draws, len(w_q)))
    factors_i = w_i * rng.uniform(0.75, 1.25, size=(draws, len(w_i)))
    factors_d = w_d * rng.uniform(0.75, 1.25, size=(draws, len(w_d)))
    for c, (committee, residents) in enumerate(samples):
        n = len(residents)
        counts = np.bincount((np.arange(draws)[:, None] * n + rng.integers(0, n, size=(draws, n))).ravel(),
                             minlength=draws * n).reshape(draws, n)
        answered = ~np.isnan(residents)
        total = np.nan_to_num(committee) + counts @ np.where(answered, residents, 0)
        count = ~np.isnan(committee) + counts @ answered
        with np.errstate(invalid="ignore", divide="ignore"):
            q_scores = np.where(count > 0, total / count, np.nan)
        d_scores = up(up(q_scores, factors_q, q_i), factors_i, i_d)
        drawn[c] = up(d_scores, factors_d, np.ones((len(w_d), 1)))[:, 0]
    ranks = rankdata(-drawn, method="min", axis=0)
    rank_low, rank_high = np.percentile(ranks, [5, 95], axis=1)
    low, high = np.percentile(drawn, [5, 95], axis=1)
    rank = 1 + (overall[None, :] > overall[:, None]).sum(axis=1)

    db = sqlite3.connect(args.db or ":memory:")
    db.execute("create table community (name text, overall real, rank int, rank_low int, rank_high int, "
               "low real, high real)")
    db.execute("create table score (community text, dimension text, score real)")
    with db:
        db.executemany("insert into community values (?, ?, ?, ?, ?, ?, ?)",
                       [(names[c], float(overall[c]), int(rank[c]), int(rank_low[c]), int(rank_high[c]),
                         float(low[c]), float(high[c])) for c in range(len(folders))])
        db.executemany("insert into score values (?, ?, ?)",
                       [(names[c], d.id, float(dims[c, k])) for c in range(len(folders))
                        for k, d in enumerate(pack.dimensions)])
    print(f"{len(folders)} communities, {draws} joint draws: {time.perf_counter() - start:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
