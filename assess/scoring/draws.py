"""Joint draws of the two things a score is uncertain about: which residents happened to answer, and the
weights (docs/reference.md, "Uncertainty").

The committee's answers are facts about the community; the residents who answered are a sample of its
residents. One draw (a) resamples the residents with replacement, within each `--group-by` group so the
mix of groups is kept (Efron & Tibshirani's nonparametric bootstrap, stratified), and (b) multiplies every
weight by its own uniform factor in [1 - s, 1 + s], s = 0.25 (the OECD/JRC Handbook's uncertainty
analysis, as COINr's `get_sensitivity` does it); the community is then scored again up the pack's tree.
A question's resampled mean m* is moved back towards the observed mean m by the rescaling factor
λ = sqrt((1 - f) · n / (n - 1)), with f = n / N the sampling fraction when the community's population N is
known (Rao & Wu's rescaled bootstrap): f = 1 (a census) gives λ = 0, and the factor n / (n - 1) undoes the
plain bootstrap's shrinkage of the variance. With fewer than two residents there is nothing to resample.

Draws are made in chunks whose resampling matrix holds at most `CHUNK_CELLS` cells, and residents are
resampled as counts (how often each was drawn) multiplied into the coded answer matrix, so the work is a
few matrix products per chunk and memory does not depend on the number of draws beyond the scores kept.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assess.packs.model import SCORED_TYPES, Pack
from assess.scoring.weights import UNCERTAINTY_SPREAD, Weights

SOURCES = ("both", "sampling", "weights")
LEVEL = 0.90
Z = 1.6448536269514722  # the standard normal's 95th percentile: two-sided 90 %
LOW_PERCENT, HIGH_PERCENT = 5, 95
CHUNK_CELLS = 1 << 21  # draws × residents resampled at once


@dataclass(frozen=True)
class PackTree:
    """The pack as membership matrices: scored question → indicator, indicator → dimension."""

    scored: np.ndarray  # positions of the scored questions among all questions, in pack order
    question_indicator: np.ndarray  # Q × I
    indicator_dimension: np.ndarray  # I × D


def pack_tree(pack: Pack) -> PackTree:
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
    return PackTree(np.array([n for n, _ in scored], dtype=int), q_i, i_d)


def weighted_up(scores: np.ndarray, weights: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Each parent's weighted mean of its answered children (NaN where none was answered); `weights`
    broadcasts against `scores` (one row of weights per draw, or one for all).

    The products are in the scores' precision (single for the draws: a parent's sum of some hundred terms
    is then good to about 2e-5 of a point, and the product six times faster than in double). Where every
    child is answered, as in most draws of most communities, the denominators are the weights' alone."""
    membership = membership.astype(scores.dtype, copy=False)
    weights = weights.astype(scores.dtype, copy=False)
    gaps = np.isnan(scores)
    if not gaps.any():
        numerator = (scores * weights) @ membership
        denominator = weights @ membership
    else:
        numerator = (np.where(gaps, 0.0, scores) * weights) @ membership
        denominator = (~gaps * weights) @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


@dataclass(frozen=True)
class WeightDraws:
    """K draws of every level's weights (rows), scored questions only."""

    dimensions: np.ndarray  # K × D
    indicators: np.ndarray  # K × I
    questions: np.ndarray  # K × Q


def weight_streams(seed: int) -> tuple[np.random.Generator, ...]:
    """One random stream per level of weights (dimensions, indicators, questions): drawn row by row, so the
    factors of draw n are the same however the draws are cut into chunks."""
    return tuple(np.random.default_rng([seed, 0, level]) for level in range(3))


def weight_draws(pack: Pack, tree: PackTree, weights: Weights, count: int,
                 streams: tuple[np.random.Generator, ...] | None, spread: float = UNCERTAINTY_SPREAD) -> WeightDraws:
    """`count` perturbed copies of the weights (`weight_streams`); with no streams, the weights repeated."""
    bases = (
        np.array([weights.dimensions[d.id] for d in pack.dimensions]),
        np.array([weights.indicators[i.id] for _, i in pack.indicators()]),
        np.array([weights.questions[q.id] for _, _, q in pack.questions()])[tree.scored],
    )
    if streams is None:
        return WeightDraws(*(np.broadcast_to(base, (count, len(base))) for base in bases))
    return WeightDraws(*((base * rng.uniform(1 - spread, 1 + spread, size=(count, len(base)))).astype(np.float32)
                         for base, rng in zip(bases, streams, strict=True)))


def scores_up(questions: np.ndarray, tree: PackTree, weights: WeightDraws) -> tuple[np.ndarray, np.ndarray]:
    """Overall (… × K) and dimension (… × K × D) scores from question scores (… × K × Q) under K weight draws."""
    indicators = weighted_up(questions, weights.questions, tree.question_indicator)
    dimensions = weighted_up(indicators, weights.indicators, tree.indicator_dimension)
    overall = weighted_up(dimensions, weights.dimensions, np.ones((dimensions.shape[-1], 1)))[..., 0]
    return overall, dimensions


# -- the residents as a sample ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """What resampling needs of one community: each resident's score of every scored question (NaN where
    unanswered), the group each belongs to, the committee's sums, and the population when known."""

    residents: np.ndarray  # n × Q, single precision as kept (a round's workers send them back: half the bytes)
    strata: np.ndarray  # n group codes (all 0 without --group-by)
    committee_total: np.ndarray  # Q
    committee_count: np.ndarray  # Q
    population: int | None = None

    @property
    def size(self) -> int:
        return len(self.residents)

    def status(self) -> str:
        """Why the sampling part is what it is: resampled, census, no_residents or one_resident."""
        if self.size == 0:
            return "no_residents"
        if self.population is not None and self.size >= self.population:
            return "census"
        if self.size < 2:
            return "one_resident"
        return "resampled"

    def rescaling(self) -> float:
        """λ = sqrt((1 - f) · n / (n - 1)); 0 when there is nothing to resample or the sample is a census."""
        if self.status() != "resampled":
            return 0.0
        fraction = self.size / self.population if self.population else 0.0
        return math.sqrt((1 - fraction) * self.size / (self.size - 1))

    def observed(self) -> np.ndarray:
        """The question scores as scored (Q): committee and residents together."""
        answered = ~np.isnan(self.residents)
        total = self.committee_total + np.where(answered, self.residents, 0.0).sum(axis=0, dtype=np.float64)
        count = self.committee_count + answered.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)


def question_draws(sample: Sample, count: int, streams: list[np.random.Generator]) -> np.ndarray:
    """K × Q question scores, each from the residents resampled with replacement within their groups and
    rescaled (see the module's docstring); the observed scores repeated when nothing is resampled.
    `streams` are the sample's `sampling_streams`, one per group.

    Only the questions residents answered are multiplied out, in single precision (counts are exact in it,
    and a draw's sums are good to about 1e-5 of a point); the number of answers only where some resident
    left the question unanswered (elsewhere it is the number of residents drawn, n).
    """
    observed = sample.observed()
    scale = sample.rescaling()
    drawn = np.broadcast_to(observed.astype(np.float32), (count, len(observed))).copy()
    if scale == 0.0:
        return drawn
    answered = ~np.isnan(sample.residents)
    columns = np.flatnonzero(answered.any(axis=0))
    gaps = columns[~answered[:, columns].all(axis=0)]
    values = np.where(answered[:, columns], sample.residents[:, columns], 0.0).astype(np.float32)
    times = resample_counts(sample.strata, count, streams)  # K × n
    answers = np.full((count, len(columns)), float(sample.size))
    if len(gaps):
        answers[:, np.searchsorted(columns, gaps)] = times @ answered[:, gaps].astype(np.float32)
    total = sample.committee_total[columns] + times @ values
    answers += sample.committee_count[columns]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(answers > 0, total / answers, np.nan)
    drawn[:, columns] = observed[columns] + scale * (means - observed[columns])
    return drawn


def resample_counts(strata: np.ndarray, count: int, streams: list[np.random.Generator]) -> np.ndarray:
    """K × n (single precision): how many times each resident is drawn in each of K resamples, each group
    resampled to its own size from its own members (group g from `streams[g]`, so a draw does not depend on
    the chunking)."""
    n = len(strata)
    rows = np.arange(count)[:, None] * n
    if len(streams) == 1:
        picked = streams[0].integers(0, n, size=(count, n))
        return np.bincount((rows + picked).ravel(), minlength=count * n).reshape(count, n).astype(np.float32)
    times = np.zeros((count, n), dtype=np.float32)
    for code, stream in enumerate(streams):
        members = np.flatnonzero(strata == code)
        picked = members[stream.integers(0, len(members), size=(count, len(members)))]
        times += np.bincount((rows + picked).ravel(), minlength=count * n).reshape(count, n)
    return times


def chunk_sizes(draws: int, per_draw: int, limit: int = CHUNK_CELLS) -> Iterator[int]:
    """Draws in chunks of at most `limit` cells, a draw taking `per_draw` (at least one draw a chunk)."""
    size = max(1, min(draws, limit // max(per_draw, 1)))
    done = 0
    while done < draws:
        take = min(size, draws - done)
        yield take
        done += take


def one_blas_thread():
    """BLAS on one thread for the draws: their matrices are small (hundreds of rows), where OpenBLAS's
    threads cost more than they bring (measured: 1,000 × 150 by 150 × 186 takes 15 ms with two threads on
    a busy two-core machine, 3.3 ms with one)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def sources_used(source: str) -> tuple[bool, bool]:
    """(residents resampled, weights perturbed) for `--uncertainty-source`."""
    return source in ("both", "sampling"), source in ("both", "weights")


def sampling_streams(seed: int, community: str, sample: Sample) -> list[np.random.Generator]:
    """The resampling streams of a community, one per group: keyed by the community's name, so it is
    resampled alike by `assess score` and in a round, and independently of other communities and of the
    weights' streams."""
    key = zlib.crc32(community.encode("utf-8"))
    groups = int(sample.strata.max()) + 1 if sample.size else 0
    return [np.random.default_rng([seed, 1, key, group]) for group in range(groups)]


def community_draws(pack: Pack, weights: Weights, sample: Sample, drawing: tuple[int, int, str], community: str,
                    tree: PackTree | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Overall (N) and dimension (N × D) scores of one community over N joint draws; `drawing` is
    (N, seed, source)."""
    draws, seed, source = drawing
    tree = tree or pack_tree(pack)
    resample, shake = sources_used(source)
    weight_rngs = weight_streams(seed) if shake else None
    streams = sampling_streams(seed, community, sample)
    overall = np.empty(draws)
    dimensions = np.empty((draws, len(pack.dimensions)))
    done = 0
    with one_blas_thread():
        for take in chunk_sizes(draws, max(sample.size, len(tree.scored))):
            questions = (question_draws(sample, take, streams) if resample
                         else np.broadcast_to(sample.observed(), (take, len(tree.scored))))
            overall[done:done + take], dimensions[done:done + take] = scores_up(
                questions, tree, weight_draws(pack, tree, weights, take, weight_rngs))
            done += take
    return overall, dimensions
