"""Objective weights down the tree: among the indicators of each dimension, then among the dimensions.

Entropy, CRITIC and combined weights (see `objective`) are first found among the indicators of each
dimension, on the indicator scores of the communities that scored every indicator of it; the dimension
scores those weights give are then weighed the same way among the dimensions. Each community is then scored
again, from its question scores as printed in its own result (two decimals, so every step can be redone by
hand from the JSON), with `scoring.score.aggregate`: the same weighted means, renormalized over what was
answered, that `assess score` uses.

A dimension whose indicators cannot be weighed from the data (one indicator, fewer than three communities
with all of its indicators scored, or every community the same on them) keeps its subjective indicator
weights, and the round says so in a note; among the dimensions no such fallback exists: `objective` refuses.
"""

from __future__ import annotations

import numpy as np

from assess.district.objective import MIN_COMMUNITIES, combined_weights, critic_weights, entropy_weights
from assess.errors import AssessError
from assess.packs.model import Dimension, Pack
from assess.scoring.results import Method, ScoreResult
from assess.scoring.score import aggregate, dimension_scores, indicator_scores, overall_score
from assess.scoring.weights import Weights, effective_weights

OBJECTIVE = ("entropy", "critic", "combined")


def objective_weights(pack: Pack, method: str, results: list[ScoreResult]) -> tuple[Weights, list[tuple[str, str]]]:
    """The weights of `method` for every level, and notes (zh, en) on dimensions that kept their own."""
    subjective = effective_weights(pack, "ahp" if pack.ahp is not None else "declared", allow_inconsistent=True)
    notes: list[tuple[str, str]] = []
    indicators: dict[str, float] = {}
    for dim in pack.dimensions:
        found, note = indicator_weights(dim, method, subjective, results)
        indicators.update(found)
        if note:
            notes.append(note)
    partial = Weights(subjective.dimensions, indicators, subjective.questions, Method(weights=method))
    rescored_dims = [rescore(pack, r, partial).dimensions for r in results]
    matrix = np.array([[np.nan if d.score is None else d.score for d in dims] for dims in rescored_dims])
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    names = [d.title.zh for d in pack.dimensions]
    dims = weigh(method, complete, names, [subjective.dimensions[d.id] for d in pack.dimensions])
    dimensions = dict(zip((d.id for d in pack.dimensions), dims.tolist(), strict=True))
    return Weights(dimensions, indicators, subjective.questions, Method(weights=method)), notes


def indicator_weights(
    dim: Dimension, method: str, subjective: Weights, results: list[ScoreResult]
) -> tuple[dict[str, float], tuple[str, str] | None]:
    ids = [i.id for i in dim.indicators]
    own = np.array([subjective.indicators[i] for i in ids], dtype=float)
    kept = dict(zip(ids, (own / own.sum()).tolist(), strict=True))
    if len(ids) == 1:
        return kept, None
    scores = [{i.id: i.score for i in r.indicators} for r in results]
    matrix = np.array([[s[i] for i in ids] for s in scores if all(s[i] is not None for i in ids)], dtype=float)
    if matrix.shape[0] < MIN_COMMUNITIES or not (matrix.max(axis=0) > matrix.min(axis=0)).any():
        return kept, (
            f"维度“{dim.title.zh}”的各项指标无法由数据赋权（完整得分的社区不足 {MIN_COMMUNITIES} 个，"
            "或各社区得分相同），沿用指标包的指标权重",
            f"the indicators of {dim.title.en} cannot be weighed from the data (fewer than {MIN_COMMUNITIES} "
            "communities scored all of them, or all score the same): the pack's indicator weights are kept",
        )
    try:
        found = weigh(method, matrix, [i.title.zh for i in dim.indicators], own / own.sum())
    except AssessError:
        return kept, (
            f"维度“{dim.title.zh}”的各项指标在各社区间完全相关，沿用指标包的指标权重",
            f"the indicators of {dim.title.en} are perfectly correlated across the communities: the pack's "
            "indicator weights are kept",
        )
    return dict(zip(ids, found.tolist(), strict=True)), None


def weigh(method: str, matrix: np.ndarray, names: list[str], subjective) -> np.ndarray:
    if method == "entropy":
        return entropy_weights(matrix, names)
    if method == "critic":
        return critic_weights(matrix, names)
    own = np.asarray(subjective, dtype=float)
    return combined_weights(own / own.sum(), entropy_weights(matrix, names))


def rescore(pack: Pack, result: ScoreResult, weights: Weights) -> ScoreResult:
    """The community's result under `weights`, from its printed question scores."""
    tree = aggregate(pack, weights, {q.id: q.score for q in result.questions})
    questions = [q.model_copy(update={"weight": round(tree.shares[q.id], 4)}) for q in result.questions]
    return result.model_copy(update={
        "method": weights.method, "overall": overall_score(pack, tree), "dimensions": dimension_scores(pack, tree),
        "indicators": indicator_scores(pack, tree), "questions": questions, "uncertainty": None,
    })
