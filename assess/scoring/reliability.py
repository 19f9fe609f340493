"""Cronbach's alpha per dimension, computed while streaming respondents.

A district survey can have a million residents, so rows are never kept: each respondent's item scores go
into a fixed-size buffer, and every full buffer is folded into running sufficient statistics (count,
means, centred cross-product matrix) with Chan et al.'s pairwise update, which stays accurate where the
naive "sum of squares minus square of sums" loses digits. Alpha, alpha-if-item-deleted and the corrected
item-total correlations all follow from the covariance matrix, so memory does not grow with respondents.
"""

from __future__ import annotations

import math

from assess.packs.model import Text
from assess.scoring.results import ItemReliability, Reliability

BATCH_ROWS = 4096
MIN_ITEMS = 2
MIN_RESPONDENTS = 10
WEAK_ITEM_CORRELATION = 0.3  # corrected item-total correlation below this: the item measures something else


class ReliabilityAccumulator:
    """Item scores of one dimension's resident questions, respondent by respondent (listwise deletion)."""

    def __init__(self, dimension_id: str, item_ids: list[str], batch_rows: int = BATCH_ROWS):
        import numpy as np

        self.dimension_id = dimension_id
        self.item_ids = list(item_ids)
        k = len(self.item_ids)
        self._buffer = np.empty((batch_rows, k))
        self._filled = 0
        self._n = 0
        self._mean = np.zeros(k)
        self._m2 = np.zeros((k, k))  # sum over respondents of (x - mean)(x - mean)^T

    def add(self, scores: dict[str, float | None]) -> None:
        """One respondent's normalised, reverse-corrected item scores; any missing item drops the row."""
        row = [scores.get(item) for item in self.item_ids]
        if any(value is None or math.isnan(value) for value in row):
            return
        self._buffer[self._filled] = row
        self._filled += 1
        if self._filled == len(self._buffer):
            self._fold_buffer()

    def add_rows(self, rows) -> None:
        """Respondents' item scores as a matrix (NaN: missing); the complete rows are taken in order, exactly
        as `add` would take them one by one."""
        import numpy as np

        complete = rows[~np.isnan(rows).any(axis=1)]
        start = 0
        while start < len(complete):
            take = min(len(complete) - start, len(self._buffer) - self._filled)
            self._buffer[self._filled:self._filled + take] = complete[start:start + take]
            self._filled += take
            start += take
            if self._filled == len(self._buffer):
                self._fold_buffer()

    @property
    def complete_respondents(self) -> int:
        return self._n + self._filled

    def _fold_buffer(self) -> None:
        import numpy as np

        if not self._filled:
            return
        batch = self._buffer[: self._filled]
        count = len(batch)
        batch_mean = batch.mean(axis=0)
        centred = batch - batch_mean
        delta = batch_mean - self._mean
        total = self._n + count
        self._m2 += centred.T @ centred + np.outer(delta, delta) * (self._n * count / total)
        self._mean += delta * (count / total)
        self._n = total
        self._filled = 0

    def result(self) -> Reliability:
        self._fold_buffer()
        k, n = len(self.item_ids), self._n
        note = not_reported_note(k, n)
        if note is not None:
            stats = [ItemReliability(question=q, alpha_if_deleted=None, item_total_correlation=None)
                     for q in self.item_ids]
            return Reliability(dimension=self.dimension_id, alpha=None, items=k, complete_respondents=n,
                               item_stats=stats, note=note)
        covariance = self._m2 / (n - 1)
        alpha = alpha_from_covariance(covariance)
        deleted, rests = alphas_if_deleted(covariance), rest_variances(covariance)
        stats = [
            ItemReliability(
                question=q,
                alpha_if_deleted=deleted[i] if k > MIN_ITEMS else None,
                item_total_correlation=corrected_item_total(covariance, i, float(rests[i])),
            )
            for i, q in enumerate(self.item_ids)
        ]
        return Reliability(
            dimension=self.dimension_id, alpha=alpha, items=k, complete_respondents=n, item_stats=stats,
            note=None if alpha is not None else NO_VARIANCE_NOTE,
        )


NO_VARIANCE_NOTE = Text(
    zh="所有受访者在这些题上的总分相同，无法计算信度系数",
    en="every respondent has the same total on these items, so alpha is undefined",
)


def not_reported_note(items: int, respondents: int) -> Text | None:
    """Why alpha is withheld: fewer than two items, or too few respondents answering all of them."""
    if items < MIN_ITEMS:
        return Text(
            zh=f"该维度只有 {items} 道居民题，至少需要 {MIN_ITEMS} 道才能计算信度",
            en=f"the dimension has {items} resident item(s); alpha needs at least {MIN_ITEMS}",
        )
    if respondents < MIN_RESPONDENTS:
        return Text(
            zh=f"答全这些题的受访者只有 {respondents} 人，至少需要 {MIN_RESPONDENTS} 人才报告信度",
            en=f"only {respondents} respondent(s) answered all these items; alpha is reported from {MIN_RESPONDENTS}",
        )
    return None


def alpha_from_covariance(covariance) -> float | None:
    """k/(k-1) · (1 − Σ item variances / variance of the total); None when the total never varies."""
    k = len(covariance)
    total_variance = float(covariance.sum())
    if k < MIN_ITEMS or total_variance <= 0:
        return None
    return k / (k - 1) * (1 - float(covariance.trace()) / total_variance)


def rest_variances(covariance):
    """For each item, the variance of the sum of the other items: the whole covariance matrix's sum less
    the item's row and column (Σ_{j,l≠i} c_jl = Σ c − 2 Σ_j c_ij + c_ii), for every item at once."""
    return covariance.sum() - 2 * covariance.sum(axis=1) + covariance.diagonal()


def alphas_if_deleted(covariance) -> list[float | None]:
    """`alpha_from_covariance` of the other items, for each item deleted in turn: (k−1)/(k−2) · (1 − (trace −
    c_ii) / rest variance), None where the rest's total never varies (or fewer than two items are left)."""
    k = len(covariance)
    rests = rest_variances(covariance).tolist()
    traces = (float(covariance.trace()) - covariance.diagonal()).tolist()
    if k - 1 < MIN_ITEMS:
        return [None] * k
    return [(k - 1) / (k - 2) * (1 - trace / rest) if rest > 0 else None
            for trace, rest in zip(traces, rests, strict=True)]


def corrected_item_total(covariance, index: int, rest_variance: float) -> float | None:
    """Correlation of item `index` with the sum of the other items (not the full total, which contains it),
    whose variance is `rest_variance` (`rest_variances`)."""
    item_variance = float(covariance[index, index])
    if item_variance <= 0 or rest_variance <= 0:
        return None
    with_rest = float(covariance[index].sum() - item_variance)
    return with_rest / math.sqrt(item_variance * rest_variance)


def weak_items(reliability: Reliability) -> list[ItemReliability]:
    """Items that do not hang with the rest: alpha rises without them, or they barely correlate with the others."""
    if reliability.alpha is None:
        return []
    return [
        item for item in reliability.item_stats
        if (item.alpha_if_deleted is not None and item.alpha_if_deleted > reliability.alpha)
        or (item.item_total_correlation is not None and item.item_total_correlation < WEAK_ITEM_CORRELATION)
    ]
