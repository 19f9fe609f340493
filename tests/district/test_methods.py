"""Entropy, CRITIC and TOPSIS, golden-tested against pyDecision and checked for their invariants.

The reference figures were computed with pyDecision 5.1.8 (github.com/Valdecy/pyDecision,
`pyDecision.algorithm.entropy_method`, `critic_method`, `topsis_method`) on the matrix below, all criteria
'max'; pyDecision's entropy method takes p = x / sum x itself, so it was given the min-max normalized
matrix, which is the normalization docs/reference.md's formula prescribes. pyDecision adds 1e-9 guards to its
logarithms and weights, hence the 1e-7 tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assess.district.objective import combined_weights, critic_weights, entropy_weights
from assess.district.topsis import closeness
from assess.errors import AssessError

X = np.array([
    [72.5, 61.0, 88.2, 45.0],
    [80.1, 55.4, 70.3, 60.2],
    [65.0, 70.8, 75.5, 52.1],
    [90.3, 48.9, 82.0, 39.7],
    [58.2, 66.6, 91.4, 58.8],
])
NAMES = ["a", "b", "c", "d"]


def test_entropy_weights_match_pydecision():
    assert entropy_weights(X, NAMES) == pytest.approx([0.26888958, 0.23450396, 0.25009017, 0.24651629], abs=1e-7)


def test_critic_weights_match_pydecision():
    assert critic_weights(X, NAMES) == pytest.approx([0.3136312, 0.215051, 0.234844, 0.2364738], abs=1e-7)


def test_topsis_closeness_matches_pydecision():
    expected = [0.46102989, 0.5948676, 0.45147653, 0.51769398, 0.49164447]
    assert closeness(X, np.array([0.3, 0.2, 0.25, 0.25])) == pytest.approx(expected, abs=1e-7)


def test_a_criterion_on_which_all_score_the_same_gets_no_weight():
    flat = X.copy()
    flat[:, 1] = 60.0
    assert entropy_weights(flat, NAMES)[1] == 0 and critic_weights(flat, NAMES)[1] == 0
    with pytest.raises(AssessError, match="cannot tell them apart"):
        entropy_weights(np.full((4, 3), 50.0), ["x", "y", "z"])
    with pytest.raises(AssessError, match="at least 3 communities"):
        critic_weights(X[:2], NAMES)


def test_combined_weights_are_the_normalized_products():
    a, b = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.2, 0.6])
    assert combined_weights(a, b) == pytest.approx([0.1 / 0.28, 0.06 / 0.28, 0.12 / 0.28])


scores = arrays(np.float64, st.tuples(st.integers(3, 9), st.integers(2, 6)),
                elements=st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2)))


@settings(max_examples=200, deadline=None)
@given(scores)
def test_weights_are_a_distribution_and_ignore_the_order_of_communities(matrix):
    names = [f"c{j}" for j in range(matrix.shape[1])]
    if not (matrix.max(axis=0) > matrix.min(axis=0)).any():
        return
    for method in (entropy_weights, critic_weights):
        try:
            w = method(matrix, names)
        except AssessError as exc:  # CRITIC on perfectly correlated criteria: no conflict to weigh
            assert method is critic_weights and "perfectly correlated" in str(exc)
            continue
        assert np.all(w >= -1e-12) and w.sum() == pytest.approx(1.0)
        assert method(matrix[::-1], names) == pytest.approx(w)
    c = closeness(matrix, np.full(matrix.shape[1], 1 / matrix.shape[1]))
    assert np.all((c >= 0) & (c <= 1))


def test_topsis_on_a_published_worked_example():
    """B. Sennaroğlu, Decision Analysis lecture notes (2009), "TOPSIS Example" (scribd document 546223190):
    three alternatives on two benefit criteria, X = [[17, 12], [10, 9], [8, 6]], weights 0.714 and 0.286.
    The notes print the weighted normalized matrix V = [[0.5703, 0.2124], [0.3355, 0.1593], [0.2684,
    0.1062]]; from it A⁺ = (0.5703, 0.2124), A⁻ = (0.2684, 0.1062), and for the second alternative
    D⁺ = √(0.2348² + 0.0531²) = 0.2407, D⁻ = √(0.0671² + 0.0531²) = 0.0856, C = 0.0856 / 0.3263 = 0.2623;
    the first is the ideal point (C = 1) and the third the anti-ideal one (C = 0)."""
    x = np.array([[17.0, 12.0], [10.0, 9.0], [8.0, 6.0]])
    weights = np.array([0.714, 0.286])
    v = x / np.sqrt((x ** 2).sum(axis=0)) * weights
    assert v.ravel().tolist() == pytest.approx([0.5703, 0.2124, 0.3355, 0.1593, 0.2684, 0.1062], abs=5e-5)
    assert closeness(x, weights).tolist() == pytest.approx([1.0, 0.2623, 0.0], abs=5e-4)
