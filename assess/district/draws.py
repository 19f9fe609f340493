"""Weight draws for a whole round at once: every community's overall and dimension scores under each draw.

`assess score --uncertainty` multiplies every weight (dimension, indicator, question) by its own uniform
factor in [1 - s, 1 + s], s = 0.25, and scores again; here one draw is applied to every community of the
round at the same time, because a rank is only meaningful when all communities are scored under the same
weights. The weighted means are the ones `scoring.score.aggregate` takes (renormalized over what was
answered), written as matrix products over the round so that 1,000 draws of 1,000 communities take seconds.
The factors are drawn in the order `scoring.weights.perturb` draws them, so one community's interval is the
one `assess score --uncertainty` prints for the same seed (from the question scores as printed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assess.packs.model import SCORED_TYPES, Pack
from assess.scoring.results import ScoreResult
from assess.scoring.weights import UNCERTAINTY_SPREAD, Weights


@dataclass(frozen=True)
class RoundDraws:
    """`overall[c, n]` and `dimensions[c, j, n]`: community c's scores under draw n (NaN: not scored)."""

    overall: np.ndarray
    dimensions: np.ndarray


@dataclass(frozen=True)
class Tree:
    """The pack as membership matrices: scored question → indicator, indicator → dimension."""

    scored: np.ndarray  # positions of the scored questions among all questions, in pack order
    question_indicator: np.ndarray  # Q × I
    indicator_dimension: np.ndarray  # I × D


def pack_tree(pack: Pack) -> Tree:
    indicators = [i for _, i in pack.indicators()]
    ind_pos = {i.id: n for n, i in enumerate(indicators)}
    dim_pos = {d.id: n for n, d in enumerate(pack.dimensions)}
    scored = [(n, ind) for n, (_, ind, q) in enumerate(pack.questions()) if q.type in SCORED_TYPES]
    q_i = np.zeros((len(scored), len(indicators)))
    for row, (_, ind) in enumerate(scored):
        q_i[row, ind_pos[ind.id]] = 1.0
    i_d = np.zeros((len(indicators), len(pack.dimensions)))
    for dim, ind in pack.indicators():
        i_d[ind_pos[ind.id], dim_pos[dim.id]] = 1.0
    return Tree(np.array([n for n, _ in scored], dtype=int), q_i, i_d)


def question_matrix(pack: Pack, results: list[ScoreResult]) -> np.ndarray:
    """C × Q: each community's printed score of every scored question (NaN when unanswered)."""
    ids = [q.id for _, _, q in pack.questions() if q.type in SCORED_TYPES]
    rows = []
    for result in results:
        by_id = {q.id: q.score for q in result.questions}
        rows.append([np.nan if by_id.get(i) is None else by_id[i] for i in ids])
    return np.array(rows, dtype=float).reshape(len(results), len(ids))


def weighted_up(scores: np.ndarray, weights: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Each parent's weighted mean of its answered children (NaN where none was answered)."""
    answered = ~np.isnan(scores)
    numerator = (np.where(answered, scores, 0.0) * weights) @ membership
    denominator = (answered * weights) @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def round_draws(pack: Pack, weights: Weights, results: list[ScoreResult], draws: int, seed: int) -> RoundDraws:
    tree = pack_tree(pack)
    scores = question_matrix(pack, results)
    base_d = np.array([weights.dimensions[d.id] for d in pack.dimensions])
    base_i = np.array([weights.indicators[i.id] for _, i in pack.indicators()])
    base_q = np.array([weights.questions[q.id] for _, _, q in pack.questions()])
    rng = np.random.default_rng(seed)
    low, high = 1 - UNCERTAINTY_SPREAD, 1 + UNCERTAINTY_SPREAD
    overall = np.empty((len(results), draws))
    dimensions = np.empty((len(results), len(base_d), draws))
    for n in range(draws):
        w_d = base_d * rng.uniform(low, high, size=len(base_d))
        w_i = base_i * rng.uniform(low, high, size=len(base_i))
        w_q = (base_q * rng.uniform(low, high, size=len(base_q)))[tree.scored]
        indicators = weighted_up(scores, w_q, tree.question_indicator)
        dims = weighted_up(indicators, w_i, tree.indicator_dimension)
        dimensions[:, :, n] = dims
        overall[:, n] = weighted_up(dims, w_d, np.ones((len(base_d), 1)))[:, 0]
    return RoundDraws(overall, dimensions)


def intervals(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """5th and 95th percentiles along the last axis (the draws); NaN where a community was not scored."""
    p5, p95 = np.percentile(values, [5, 95], axis=-1)
    return p5, p95
