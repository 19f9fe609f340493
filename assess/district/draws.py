"""Joint draws for a whole round at once: every community's overall and dimension scores under each draw.

One draw perturbs the weights once for every community of the round (a rank is only meaningful when all
communities are scored under the same weights) and resamples each community's residents on its own, as
`assess score --uncertainty` does for one community (see `assess.scoring.draws`). The weighted means are
written as matrix products over the round, and draws are made in chunks of at most `CHUNK_CELLS` question
scores, so 1,000 draws of 1,000 communities take seconds and the working memory does not grow with the
number of draws (only the scores kept: communities × dimensions × draws, in single precision).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assess.packs.model import Pack
from assess.scoring.draws import (
    HIGH_PERCENT,
    LOW_PERCENT,
    Sample,
    chunk_sizes,
    one_blas_thread,
    pack_tree,
    question_draws,
    sampling_streams,
    scores_up,
    sources_used,
    weight_draws,
    weight_streams,
)
from assess.scoring.weights import Weights

CHUNK_CELLS = 1 << 23  # communities × draws × questions held at once


@dataclass(frozen=True)
class RoundDraws:
    """`overall[c, n]` and `dimensions[c, j, n]`: community c's scores under draw n (NaN: not scored)."""

    overall: np.ndarray
    dimensions: np.ndarray


def round_draws(pack: Pack, weights: Weights, samples: list[tuple[str, Sample]], draws: int, seed: int,
                source: str = "both") -> RoundDraws:
    """Every community's scores under `draws` joint draws: weights shared by all, residents resampled per
    community (`samples`: each community's name and residents), with the streams `assess score` uses."""
    tree = pack_tree(pack)
    resample, shake = sources_used(source)
    weight_rngs = weight_streams(seed) if shake else None
    streams = [sampling_streams(seed, name, sample) for name, sample in samples]
    samples_only = [sample for _, sample in samples]
    observed = np.array([s.observed() for s in samples_only]).reshape(len(samples), len(tree.scored))
    overall = np.empty((len(samples), draws), dtype=np.float32)
    dimensions = np.empty((len(samples), len(pack.dimensions), draws), dtype=np.float32)
    per_draw = max([len(samples) * len(tree.scored), *(s.size for s in samples_only)])
    done = 0
    with one_blas_thread():
        for take in chunk_sizes(draws, per_draw, CHUNK_CELLS):
            if resample:
                questions = np.stack([question_draws(s, take, mine)
                                      for s, mine in zip(samples_only, streams, strict=True)])
            else:
                questions = np.broadcast_to(observed[:, None, :], (len(samples), take, len(tree.scored)))
            scored, dims = scores_up(questions, tree, weight_draws(pack, tree, weights, take, weight_rngs))
            overall[:, done:done + take] = scored
            dimensions[:, :, done:done + take] = dims.transpose(0, 2, 1)
            done += take
    return RoundDraws(overall, dimensions)


def intervals(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """5th and 95th percentiles along the last axis (the draws); NaN where a community was not scored."""
    p5, p95 = np.percentile(values, [LOW_PERCENT, HIGH_PERCENT], axis=-1)
    return p5, p95


def standard_errors(values: np.ndarray) -> np.ndarray:
    """Standard deviation along the last axis (the draws)."""
    if values.shape[-1] < 2:
        return np.zeros(values.shape[:-1])
    return np.std(values.astype(np.float64), axis=-1, ddof=1)
