"""Construct validity of the resident items: KMO, Bartlett's test of sphericity, exploratory factor analysis.

All three start from R, the correlation matrix of the items' scores: from the respondents who answered
every item (listwise, the default) or, with `missing="pairwise"`, each correlation from those who answered
both (n is then the smallest such count).

- KMO = Σ r²_ij / (Σ r²_ij + Σ a²_ij) over i ≠ j, a_ij = −R⁻¹_ij / √(R⁻¹_ii R⁻¹_jj) the partial
  correlations; per item the same sums over its own row. Above 0.6 is usually taken as adequate.
- Bartlett: χ² = −(n − 1 − (2p + 5)/6) ln |R| with p(p − 1)/2 degrees of freedom (p items).
- EFA (`efa`): minimum-residual extraction, varimax rotation; as many factors as R has eigenvalues
  above 1 unless given; variance explained per factor Σ_i λ²_if, its share of p and the cumulative share.
  Each factor is named by the dimension most of its items
  (those loading highest on it) belong to; an item whose highest loading is on another dimension's factor
  is listed.

All are tested against factor-analyzer 0.5.1 (`calculate_kmo`, `calculate_bartlett_sphericity`,
`FactorAnalyzer(method="minres", rotation="varimax")`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from assess.analysis.efa import efa
from assess.analysis.survey import Survey
from assess.errors import AssessError

MIN_RESPONDENTS = 30
PER_ITEM = 3  # respondents needed per item, at the least


@dataclass
class Validity:
    missing: str
    respondents: int
    items: list[str]
    kmo: float | None = None
    kmo_items: dict[str, float] = field(default_factory=dict)
    bartlett: dict[str, float] | None = None
    factors: int = 0
    loadings: dict[str, list[float]] = field(default_factory=dict)
    variance: list[dict[str, float]] = field(default_factory=list)  # per factor: variance, share, cumulative
    factor_dimensions: list[str | None] = field(default_factory=list)
    off_dimension: list[str] = field(default_factory=list)
    reason: tuple[str, str] | None = None


def correlation_of(scores: np.ndarray, missing: str) -> tuple[np.ndarray, int]:
    """R and the n it rests on (NaN where an item does not vary)."""
    k = scores.shape[1]
    if missing == "listwise":
        complete = scores[~np.isnan(scores).any(axis=1)]
        if complete.shape[0] < 3:
            return np.full((k, k), np.nan), int(complete.shape[0])
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.corrcoef(complete, rowvar=False), int(complete.shape[0])
    found, least = np.eye(k), scores.shape[0]
    for a in range(k):
        for b in range(a + 1, k):
            both = ~np.isnan(scores[:, a]) & ~np.isnan(scores[:, b])
            least = min(least, int(both.sum()))
            value = np.nan
            if both.sum() > 2:
                with np.errstate(invalid="ignore", divide="ignore"):
                    value = np.corrcoef(scores[both, a], scores[both, b])[0, 1]
            found[a, b] = found[b, a] = value
    return found, least


def kmo(correlation: np.ndarray) -> tuple[float, np.ndarray]:
    inverse = np.linalg.inv(correlation)
    partial = -inverse / np.sqrt(np.outer(np.diag(inverse), np.diag(inverse)))
    off = ~np.eye(len(correlation), dtype=bool)
    r2, a2 = np.where(off, correlation ** 2, 0), np.where(off, partial ** 2, 0)
    return float(r2.sum() / (r2.sum() + a2.sum())), r2.sum(axis=1) / (r2.sum(axis=1) + a2.sum(axis=1))


def bartlett(correlation: np.ndarray, n: int) -> dict[str, float]:
    from scipy.stats import chi2

    p = len(correlation)
    statistic = -(n - 1 - (2 * p + 5) / 6) * np.log(np.linalg.det(correlation))
    df = p * (p - 1) // 2
    return {"chi2": round(float(statistic), 4), "df": df, "p": float(chi2.sf(statistic, df))}


def identified_factors(items: int) -> int:
    """The most common factors `items` variables identify: the largest k with (p − k)² ≥ p + k (Ledermann's
    bound; beyond it the factor model has more parameters than the correlations it explains)."""
    return max(int((2 * items + 1 - math.sqrt(8 * items + 1)) // 2), 0)


def validity(survey: Survey, factors: int | None = None, missing: str = "listwise") -> Validity:
    ids = [q.id for q in survey.items]
    if factors is not None and factors > identified_factors(len(ids)):
        raise AssessError(
            f"--factors {factors}：{len(ids)} 道题最多能识别 {identified_factors(len(ids))} 个因子 / {len(ids)} items "
            f"identify at most {identified_factors(len(ids))} factors (Ledermann's bound, (p − k)² ≥ p + k); "
            "give a smaller --factors or leave it out"
        )
    correlation, n = correlation_of(survey.scores, missing)
    found = Validity(missing, n, ids)
    needed = max(MIN_RESPONDENTS, PER_ITEM * len(ids))
    if n < needed:
        found.reason = ((f"完整作答全部 {len(ids)} 题的受访者有 {n} 人" if missing == "listwise" else
                         f"两两作答的受访者最少 {n} 人") + f"，至少需要 {needed} 人",
                        (f"{n} respondents answered all {len(ids)} items" if missing == "listwise" else
                         f"the fewest respondents answering a pair of items is {n}") + f"; at least {needed} needed")
        return found
    constant = [i for i, row in zip(ids, correlation, strict=True) if np.isnan(row).any()]
    if constant:
        found.reason = (f"以下题目所有人回答相同，无法计算相关：{'、'.join(constant)}",
                        f"everyone answered these items the same, so they have no correlation: {', '.join(constant)}")
        return found
    if np.linalg.matrix_rank(correlation) < len(ids) or np.linalg.det(correlation) <= 0:
        found.reason = ("题目间存在完全线性相关，相关矩阵奇异（不可逆）",
                        "some items are exact linear combinations of others: the correlation matrix is singular")
        return found
    return factored(found, correlation, n, survey, factors)


def factored(found: Validity, correlation: np.ndarray, n: int, survey: Survey, factors: int | None) -> Validity:
    ids = found.items
    total, per_item = kmo(correlation)
    found.kmo = round(total, 4)
    found.kmo_items = {i: round(float(v), 4) for i, v in zip(ids, per_item, strict=True)}
    found.bartlett = bartlett(correlation, n)
    count = factors or max(1, int((np.linalg.eigvalsh(correlation) > 1).sum()))
    loadings, variance = efa(correlation, count)
    share = variance / len(ids)
    cumulative = np.cumsum(share)
    found.factors = count
    found.loadings = {i: [round(float(v), 4) for v in row] for i, row in zip(ids, loadings, strict=True)}
    found.variance = [{"variance": round(float(v), 4), "share": round(float(s), 4), "cumulative": round(float(c), 4)}
                      for v, s, c in zip(variance, share, cumulative, strict=True)]
    strongest = np.abs(loadings).argmax(axis=1)
    homes = []
    for f in range(count):
        members = [survey.dimension_of[ids[j]] for j in range(len(ids)) if strongest[j] == f]
        homes.append(Counter(members).most_common(1)[0][0] if members else None)
    found.factor_dimensions = homes
    found.off_dimension = [i for j, i in enumerate(ids) if homes[strongest[j]] != survey.dimension_of[i]]
    return found
