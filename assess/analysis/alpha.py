"""Cronbach's alpha with its item statistics, listwise (the default, as `assess score`) or pairwise.

With k items, C their covariance matrix (n − 1): alpha = k/(k − 1) · (1 − tr C / Σ C). Listwise: C from
the respondents who answered every item (at least `MIN_COMPLETE`). Pairwise: each covariance from the
respondents who answered both items, as pingouin's `cronbach_alpha(nan_policy="pairwise")` does. Alpha if
item deleted is alpha of the other k − 1 items' part of C; the corrected item–total correlation is the
correlation of the item with the sum of the others, from C.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_COMPLETE = 10
MIN_ITEMS = 2


@dataclass(frozen=True)
class ItemAlpha:
    id: str
    alpha_if_deleted: float | None
    item_total: float | None


@dataclass(frozen=True)
class AlphaResult:
    scope: str  # "overall" or a dimension id
    method: str  # "listwise" or "pairwise"
    alpha: float | None
    items: int
    respondents: int  # complete respondents (listwise) or those who answered at least one item (pairwise)
    item_stats: list[ItemAlpha]
    reason: tuple[str, str] | None = None  # (zh, en) why alpha is not computed


def covariance(scores: np.ndarray, method: str) -> tuple[np.ndarray | None, int]:
    if method == "listwise":
        complete = scores[~np.isnan(scores).any(axis=1)]
        if complete.shape[0] < MIN_COMPLETE:
            return None, complete.shape[0]
        return np.cov(complete, rowvar=False, ddof=1), complete.shape[0]
    k = scores.shape[1]
    cov = np.empty((k, k))
    for a in range(k):
        for b in range(a, k):
            both = ~np.isnan(scores[:, a]) & ~np.isnan(scores[:, b])
            if both.sum() < 2:
                return None, int((~np.isnan(scores)).any(axis=1).sum())
            x, y = scores[both, a], scores[both, b]
            cov[a, b] = cov[b, a] = float(((x - x.mean()) * (y - y.mean())).sum() / (both.sum() - 1))
    return cov, int((~np.isnan(scores)).any(axis=1).sum())


def alpha_of(cov: np.ndarray) -> float | None:
    k = cov.shape[0]
    total = cov.sum()
    if k < MIN_ITEMS or total <= 0:
        return None
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def cronbach(scope: str, ids: list[str], scores: np.ndarray, method: str = "listwise") -> AlphaResult:
    if len(ids) < MIN_ITEMS:
        return AlphaResult(scope, method, None, len(ids), 0, [], (
            f"只有 {len(ids)} 个题目，至少需要 {MIN_ITEMS} 个", f"{len(ids)} item; alpha needs at least {MIN_ITEMS}"))
    cov, n = covariance(scores, method)
    if cov is None:
        return AlphaResult(scope, method, None, len(ids), n, [], (
            f"完整作答的受访者只有 {n} 人，至少需要 {MIN_COMPLETE} 人",
            f"only {n} respondents answered every item; alpha needs at least {MIN_COMPLETE}"))
    stats = []
    for j, item in enumerate(ids):
        keep = [i for i in range(len(ids)) if i != j]
        rest = cov[np.ix_(keep, keep)]
        rest_total = rest.sum()
        cross = cov[j, keep].sum()
        denominator = np.sqrt(cov[j, j] * rest_total) if cov[j, j] > 0 and rest_total > 0 else 0
        stats.append(ItemAlpha(item, rounded(alpha_of(rest)) if len(keep) >= MIN_ITEMS else None,
                               rounded(float(cross / denominator)) if denominator else None))
    value = alpha_of(cov)
    reason = None if value is not None else ("各题得分没有差异", "the items do not vary")
    return AlphaResult(scope, method, rounded(value), len(ids), n, stats, reason)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
