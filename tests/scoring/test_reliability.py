"""Cronbach's alpha: a reference dataset, a direct two-pass computation, streaming in batches, the rules
for when alpha is withheld."""

from __future__ import annotations

import numpy as np
import pytest

from assess.scoring.reliability import ReliabilityAccumulator

# pingouin's `cronbach_alpha` dataset (15 respondents x 10 items, pingouin/datasets/cronbach_alpha.csv), whose
# alpha is published in the pingouin.cronbach_alpha docstring as 0.591719 (results tested against R's psych).
PINGOUIN_ITEMS = {
    "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
}


def accumulate(matrix: np.ndarray, items: list[str], batch_rows: int = 4096) -> ReliabilityAccumulator:
    acc = ReliabilityAccumulator("dim", items, batch_rows=batch_rows)
    for row in matrix:
        acc.add(dict(zip(items, (float(v) for v in row), strict=True)))
    return acc


def direct_alpha(matrix: np.ndarray) -> float:
    """The textbook two-pass formula on the whole matrix in memory."""
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def correlated_items(rng: np.random.Generator, n: int, k: int, noise: float = 1.0) -> np.ndarray:
    trait = rng.normal(size=(n, 1))
    return 60 + 10 * (trait + noise * rng.normal(size=(n, k)))


def test_pingouin_reference_dataset():
    items = list(PINGOUIN_ITEMS)
    matrix = np.array([PINGOUIN_ITEMS[q] for q in items], dtype=float).T
    result = accumulate(matrix, items).result()
    assert round(result.alpha, 6) == 0.591719
    assert result.items == 10 and result.complete_respondents == 15 and result.note is None


def test_alpha_item_deleted_and_item_total_match_a_direct_computation():
    rng = np.random.default_rng(7)
    matrix = correlated_items(rng, 500, 5)
    items = [f"q{i}" for i in range(5)]
    result = accumulate(matrix, items).result()
    assert result.alpha == pytest.approx(direct_alpha(matrix), rel=1e-10)
    for i, stat in enumerate(result.item_stats):
        rest = np.delete(matrix, i, axis=1)
        assert stat.question == items[i]
        assert stat.alpha_if_deleted == pytest.approx(direct_alpha(rest), rel=1e-10)
        expected_r = np.corrcoef(matrix[:, i], rest.sum(axis=1))[0, 1]
        assert stat.item_total_correlation == pytest.approx(expected_r, rel=1e-10)


@pytest.mark.parametrize("batch_rows", [1, 7, 64, 4096])
def test_streaming_in_batches_equals_the_direct_computation(batch_rows):
    rng = np.random.default_rng(11)
    matrix = correlated_items(rng, 1000, 4, noise=1.5)
    items = ["a", "b", "c", "d"]
    streamed = accumulate(matrix, items, batch_rows=batch_rows).result()
    whole = accumulate(matrix, items, batch_rows=len(matrix)).result()
    assert streamed.alpha == pytest.approx(direct_alpha(matrix), rel=1e-10)
    for got, want in zip(streamed.item_stats, whole.item_stats, strict=True):
        assert got.alpha_if_deleted == pytest.approx(want.alpha_if_deleted, rel=1e-10)
        assert got.item_total_correlation == pytest.approx(want.item_total_correlation, rel=1e-10)


def test_stays_accurate_far_from_zero():
    """Scores with a large common offset: the naive sum-of-squares formula would lose most digits here."""
    rng = np.random.default_rng(3)
    matrix = 1e7 + correlated_items(rng, 5000, 3) / 100
    result = accumulate(matrix, ["a", "b", "c"], batch_rows=97).result()
    assert result.alpha == pytest.approx(direct_alpha(matrix - 1e7), rel=1e-6)


def test_listwise_deletion_skips_incomplete_respondents():
    rng = np.random.default_rng(5)
    matrix = correlated_items(rng, 40, 3)
    acc = accumulate(matrix, ["a", "b", "c"])
    acc.add({"a": 1.0, "b": None, "c": 3.0})
    acc.add({"a": 1.0, "c": 3.0})
    acc.add({"a": float("nan"), "b": 2.0, "c": 3.0})
    result = acc.result()
    assert result.complete_respondents == 40
    assert result.alpha == pytest.approx(direct_alpha(matrix))


def test_a_weak_item_is_visible():
    rng = np.random.default_rng(9)
    matrix = correlated_items(rng, 300, 4, noise=0.6)
    matrix[:, 2] = rng.normal(60, 10, size=300)  # unrelated to the others
    result = accumulate(matrix, ["a", "b", "weak", "d"]).result()
    by_item = {s.question: s for s in result.item_stats}
    assert min(result.item_stats, key=lambda s: s.item_total_correlation).question == "weak"
    assert by_item["weak"].alpha_if_deleted > result.alpha
    assert all(by_item[q].alpha_if_deleted < result.alpha for q in ("a", "b", "d"))


def test_not_reported_with_fewer_than_ten_complete_respondents():
    rng = np.random.default_rng(1)
    result = accumulate(correlated_items(rng, 9, 3), ["a", "b", "c"]).result()
    assert result.alpha is None and result.complete_respondents == 9
    assert "9" in result.note.zh and "至少需要 10 人" in result.note.zh and "reported from 10" in result.note.en
    assert [s.alpha_if_deleted for s in result.item_stats] == [None, None, None]
    assert accumulate(correlated_items(rng, 10, 3), ["a", "b", "c"]).result().alpha is not None


def test_not_reported_with_a_single_item():
    result = accumulate(np.arange(20.0).reshape(20, 1), ["only"]).result()
    assert result.alpha is None and result.items == 1
    assert "至少需要 2 道" in result.note.zh and "needs at least 2" in result.note.en


def test_two_items_have_no_alpha_if_deleted_but_a_correlation():
    rng = np.random.default_rng(2)
    matrix = correlated_items(rng, 50, 2)
    result = accumulate(matrix, ["a", "b"]).result()
    assert result.alpha == pytest.approx(direct_alpha(matrix))
    assert [s.alpha_if_deleted for s in result.item_stats] == [None, None]
    assert result.item_stats[0].item_total_correlation == pytest.approx(np.corrcoef(matrix.T)[0, 1])


def test_identical_totals_leave_alpha_undefined():
    matrix = np.full((12, 3), 50.0)
    result = accumulate(matrix, ["a", "b", "c"]).result()
    assert result.alpha is None and "undefined" in result.note.en
    assert [s.item_total_correlation for s in result.item_stats] == [None, None, None]


def test_weak_items_are_those_alpha_rises_without_or_that_barely_correlate():
    from assess.scoring.reliability import weak_items
    from assess.scoring.results import ItemReliability, Reliability

    def item(qid, if_deleted, correlation):
        return ItemReliability(question=qid, alpha_if_deleted=if_deleted, item_total_correlation=correlation)

    stats = [item("fine", 0.6, 0.5), item("better-without", 0.75, 0.4), item("apart", 0.65, 0.29),
             item("unknown", None, None)]
    rel = Reliability(dimension="d", alpha=0.7, items=4, complete_respondents=30, item_stats=stats)
    assert [i.question for i in weak_items(rel)] == ["better-without", "apart"]
    assert weak_items(rel.model_copy(update={"alpha": None})) == []
