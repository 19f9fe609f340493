"""The uncertainty checked on a simulated district whose true scores are known (tests/district/simulation.py):
two rounds with no true change mark at most the test's level of communities as changed, a true change of
+5 points with 150 residents is found, and the 90 % intervals cover the true score about 90 % of the time."""

from __future__ import annotations

import pytest

from tests.district.simulation import simulate


@pytest.fixture(scope="module")
def figures():
    return simulate(communities=200, draws=400, seed=0)


def test_no_true_change_is_marked_real_at_most_at_the_test_s_level(figures):
    assert figures.false_alarms <= 0.12


def test_a_true_change_of_five_points_with_150_residents_is_found(figures):
    assert figures.true_shift == pytest.approx(5.0, abs=0.01)
    assert figures.detected >= 0.8


def test_the_90_percent_intervals_cover_the_true_score_about_90_percent_of_the_time(figures):
    assert 0.85 <= figures.covered <= 0.95


def test_with_the_residents_sampling_alone_the_test_keeps_its_level():
    """With the weights not perturbed (they are the same in both rounds), the trend test is at its nominal
    10 % level, not merely below it, and still finds the +5 points."""
    alone = simulate(communities=200, draws=400, seed=1, source="sampling")
    assert 0.04 <= alone.false_alarms <= 0.16
    assert alone.detected >= 0.8
