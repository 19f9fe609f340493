"""Descriptive statistics: per item on its own scale, and per dimension and overall on the 0–100 scores.

Per item: N answered, missing, mean, SD (n − 1), min and max of the raw answers (a choice has no mean:
its options have no order), and the share choosing each scale point or option. Per dimension and overall:
each respondent's own score from their resident items (the scoring method's weighted means, weights
renormalized over what they answered), then the same statistics over respondents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from assess.analysis.survey import Survey
from assess.packs.model import Question
from assess.scoring.draws import pack_tree, scores_up, weight_draws
from assess.scoring.weights import effective_weights


@dataclass(frozen=True)
class Stats:
    n: int
    missing: int
    mean: float | None
    sd: float | None
    min: float | None
    max: float | None


@dataclass(frozen=True)
class ItemStats:
    id: str
    dimension: str
    stats: Stats
    shares: dict[str, float]  # scale point or option id -> share of those who answered


def stats_of(values: np.ndarray) -> Stats:
    answered = values[~np.isnan(values)]
    n = int(answered.size)
    if n == 0:
        return Stats(0, int(values.size), None, None, None, None)
    return Stats(n, int(values.size) - n, round(float(answered.mean()), 4),
                 round(float(answered.std(ddof=1)), 4) if n > 1 else None,
                 float(answered.min()), float(answered.max()))


def item_stats(survey: Survey) -> list[ItemStats]:
    rows = []
    for j, item in enumerate(survey.items):
        rows.append(ItemStats(item.id, survey.dimension_of[item.id], stats_of(survey.raw[:, j]),
                              shares(item, survey.tallies[item.id], survey.answered[item.id])))
    return rows


def shares(item: Question, tally: Counter, answered: int) -> dict[str, float]:
    """Each likert point's, yes/no's or option's share of the respondents who answered the item (a
    multi-choice item's shares may sum to more than 1)."""
    if not answered:
        return {}
    if item.type == "likert":
        keys = [str(p) for p in range(item.scale.min, item.scale.max + 1)]
    elif item.type == "yes_no":
        keys = ["yes", "no"]
    elif item.type in ("choice", "multi_choice"):
        keys = [o.id for o in item.options]
    else:
        return {}
    return {k: round(tally[k] / answered, 4) for k in keys}


def respondent_scores(survey: Survey, weights: str = "declared") -> tuple[np.ndarray, np.ndarray]:
    """(respondents × dimensions, respondents) of 0–100 scores from each respondent's own resident answers:
    the scoring's weighted means up the tree (`scoring.score.aggregate`), for every respondent at once."""
    pack = survey.pack.pack
    used = effective_weights(pack, weights, allow_inconsistent=True)
    tree = pack_tree(pack)
    position = {q.id: n for n, q in enumerate(q for _, _, q in pack.questions())}
    column = {int(p): k for k, p in enumerate(tree.scored)}
    scores = np.full((survey.respondents, len(tree.scored)), np.nan)
    for j, item in enumerate(survey.items):
        scores[:, column[position[item.id]]] = survey.scores[:, j]
    overall, dims = scores_up(scores, tree, weight_draws(pack, tree, used, 1, None))
    return dims, overall
