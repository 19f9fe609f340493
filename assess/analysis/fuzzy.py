"""Fuzzy comprehensive evaluation (模糊综合评价) of the resident survey, up the pack's hierarchy.

Grades: K = 5, best first, with grade values V = (100, 80, 60, 40, 20) unless the pack sets its own
(`fuzzy_values:`, five values falling from best to worst). An answer's 0–100 score s (the
scoring method's, reverse items turned) falls in grade k = 1 for s ≥ 80, 2 for 60 ≤ s < 80, 3 for 40 ≤ s <
60, 4 for 20 ≤ s < 40 and 5 below 20; a 5-point likert's points 5…1 are thus grades 1…5, and a choice or a
number falls where its score does. The grades are called 很高/较高/中等/较低/很低 (the 评语集), words the
score's grades (优秀/良好/合格/薄弱) never use, so the two cannot be taken for each other.

Yes/no items are left out (`YES_NO_LEFT_OUT`): an answer of yes or no says nothing about grades 2–4, so
mapping it to grades 1 and 5 would give the two-peaked membership vectors (e.g. 0.27/0.15/0.24/0.15/0.19)
whose maximum says more about the share of yes/no items than about the residents; the evaluation set of a
fuzzy evaluation is meant for graded judgments. They still count in the score, the descriptives and alpha.

- Item i: membership r_i = the share of its respondents in each grade.
- Indicator: B = Σ w_i r_i / Σ w_i over its answered resident items (weighted-average operator M(·, ⊕)),
  w the question weights; then each dimension from its indicators and the overall from the dimensions the
  same way, with the weights of the chosen weighting.
- Score B·V; grade by maximum membership (the first grade on a tie), shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assess.analysis.survey import Survey
from assess.packs.model import Text
from assess.scoring.weights import effective_weights

GRADE_VALUES = (100.0, 80.0, 60.0, 40.0, 20.0)
GRADE_NAMES = (Text(zh="很高", en="very high"), Text(zh="较高", en="high"), Text(zh="中等", en="medium"),
               Text(zh="较低", en="low"), Text(zh="很低", en="very low"))
YES_NO_LEFT_OUT = ("yes_no",)
BAND = 20.0


@dataclass(frozen=True)
class Fuzzy:
    membership: tuple[float, ...]
    score: float
    grade: int  # 1-based, 1 = best

    def as_json(self) -> dict:
        return {"membership": list(self.membership), "score": self.score, "grade": self.grade}


def grade_of(score: np.ndarray) -> np.ndarray:
    """0-based grade index of each score (NaN stays NaN)."""
    return np.where(np.isnan(score), np.nan, np.clip(len(GRADE_VALUES) - 1 - np.floor(score / BAND), 0, 4))


def memberships(scores: np.ndarray) -> np.ndarray:
    """items × K: the share of each item's respondents in each grade (NaN rows for unanswered items)."""
    grades = grade_of(scores)
    found = np.full((scores.shape[1], len(GRADE_VALUES)), np.nan)
    for j in range(scores.shape[1]):
        column = grades[:, j][~np.isnan(grades[:, j])]
        if column.size:
            found[j] = np.bincount(column.astype(int), minlength=len(GRADE_VALUES)) / column.size
    return found


def composed(weights: np.ndarray, rows: np.ndarray) -> np.ndarray | None:
    """Σ w r / Σ w over the rows that exist (M(·, ⊕)); None when none does."""
    present = ~np.isnan(rows).any(axis=1)
    if not present.any() or weights[present].sum() <= 0:
        return None
    return (weights[present, None] * rows[present]).sum(axis=0) / weights[present].sum()


def evaluated(vector: np.ndarray, values: tuple[float, ...] = GRADE_VALUES) -> Fuzzy:
    membership = tuple(round(float(v), 4) for v in vector)
    return Fuzzy(membership, round(float(vector @ np.array(values)), 2), int(np.argmax(vector)) + 1)


def grade_values(pack) -> tuple[float, ...]:
    return tuple(pack.fuzzy_values) if pack.fuzzy_values else GRADE_VALUES


def fuzzy_evaluation(survey: Survey, weights: str = "declared") -> tuple[Fuzzy | None, dict[str, Fuzzy]]:
    """The overall evaluation and each dimension's (dimensions without resident items are left out)."""
    pack = survey.pack.pack
    used = effective_weights(pack, weights, allow_inconsistent=True)
    item_rows = {q.id: row for q, row in zip(survey.items, memberships(survey.scores), strict=True)
                 if q.type not in YES_NO_LEFT_OUT}
    dimensions: dict[str, np.ndarray] = {}
    for dim in pack.dimensions:
        indicators, ind_weights = [], []
        for ind in dim.indicators:
            own = [q for q in ind.questions if q.id in item_rows]
            vector = composed(np.array([used.questions[q.id] for q in own]),
                              np.array([item_rows[q.id] for q in own]).reshape(len(own), -1)) if own else None
            if vector is not None:
                indicators.append(vector)
                ind_weights.append(used.indicators[ind.id])
        if indicators:
            dimensions[dim.id] = composed(np.array(ind_weights), np.array(indicators))
    if not dimensions:
        return None, {}
    overall = composed(np.array([used.dimensions[d] for d in dimensions]), np.array(list(dimensions.values())))
    values = grade_values(pack)
    return evaluated(overall, values), {d: evaluated(v, values) for d, v in dimensions.items()}


def left_out(survey: Survey) -> list[str]:
    """The items the fuzzy evaluation leaves out (yes/no), by id."""
    return [q.id for q in survey.items if q.type in YES_NO_LEFT_OUT]
