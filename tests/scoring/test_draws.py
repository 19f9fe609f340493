"""Joint draws: the residents resampled (with the finite population correction and within groups) and the
weights perturbed; checked against the textbook standard error of a mean, which the bootstrap estimates
(Efron & Tibshirani, An Introduction to the Bootstrap, 1993, §2.3 and §6.2: the bootstrap estimate of a
mean's standard error is sqrt((n - 1) / n) · s / sqrt(n), here rescaled by sqrt(n / (n - 1)) to s / sqrt(n),
and by sqrt(1 - f) for a sample of a known population, as Rao & Wu's rescaled bootstrap does)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.packs.loading import load_pack
from assess.responses.answer_file import AnswerFile, Community, RespondentEntry
from assess.scoring import draws as draws_module
from assess.scoring.draws import Sample, community_draws, pack_tree, resample_counts
from assess.scoring.options import ScoringOptions
from assess.scoring.score import score
from assess.scoring.weights import effective_weights

DATA = Path(__file__).parents[1] / "data" / "answers"
LOADED = load_pack(DATA / "pack.yaml")
PACK = LOADED.pack
RESIDENT_ITEMS = ("q-likert-rev", "q-trust", "q-trust-2")
COMMITTEE = {"q-likert": 4, "q-yes": True, "q-choice": "most", "q-hours": 13, "q-platform": True}
SAMPLING_4000 = ScoringOptions(uncertainty=4000, seed=1, source="sampling")


def residents(n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{q: int(v) for q, v in zip(RESIDENT_ITEMS, rng.integers(1, 6, size=3), strict=True)} for _ in range(n)]


def community(n: int, population: int | None = None, seed: int = 0, groups: list[str] | None = None) -> AnswerFile:
    entries = [RespondentEntry(id=f"r{k}", answers=a, groups={"楼栋": groups[k]} if groups else {})
               for k, a in enumerate(residents(n, seed))]
    return AnswerFile(community=Community(name="样本社区", population=population), answers=COMMITTEE,
                      respondents=entries)


def textbook_se(answers: AnswerFile, result) -> float:
    """The overall score is a constant plus Σ share_q · mean_q over the resident items (everyone answered
    every one), i.e. the mean of y_i = Σ share_q · score_iq: its standard error is sd(y) / sqrt(n)."""
    share = {q.id: q.weight for q in result.questions}
    lows = {q.id: (q.scale.min, q.scale.max, q.reverse) for _, _, q in PACK.questions() if q.id in RESIDENT_ITEMS}

    def scored(q: str, v: int) -> float:
        low, high, reverse = lows[q]
        s = (v - low) / (high - low) * 100
        return 100 - s if reverse else s

    y = np.array([sum(share[q] * scored(q, e.answers[q]) for q in RESIDENT_ITEMS) for e in answers.respondents])
    return float(np.std(y, ddof=1) / math.sqrt(len(y)))


def test_the_sampling_error_of_the_overall_score_is_the_textbook_standard_error():
    answers = community(200)
    result = score(LOADED, answers, options=SAMPLING_4000)
    u = result.uncertainty
    assert u.sources == ["sampling"] and u.spread == 0.0 and u.sampling == "resampled"
    assert u.se == pytest.approx(textbook_se(answers, result), rel=0.06)
    assert u.low < result.overall.score < u.high
    assert (u.high - u.low) / (2 * 1.645) == pytest.approx(u.se, rel=0.1)  # near normal: the 90 % interval


def test_a_known_population_shrinks_the_sampling_error_by_the_finite_population_correction():
    alone = score(LOADED, community(200), options=SAMPLING_4000).uncertainty
    half = score(LOADED, community(200, population=400), options=SAMPLING_4000).uncertainty
    assert half.se == pytest.approx(alone.se * math.sqrt(1 - 200 / 400), rel=0.02)
    assert half.population == 400 and "有限总体校正" in half.sampling_note.zh


def test_a_census_or_no_residents_has_no_sampling_error_and_says_so():
    census = score(LOADED, community(50, population=50),
                   options=ScoringOptions(uncertainty=200, source="sampling")).uncertainty
    assert (census.sampling, census.se, census.low, census.high) == ("census", 0.0, census.low, census.low)
    assert "普查" in census.sampling_note.zh and "census" in census.sampling_note.en
    nobody = score(LOADED, community(0), options=ScoringOptions(uncertainty=200, source="both")).uncertainty
    assert nobody.sampling == "no_residents" and "no residents' answers" in nobody.sampling_note.en
    weights_only = score(LOADED, community(0), options=ScoringOptions(uncertainty=200, source="weights")).uncertainty
    assert nobody.se == pytest.approx(weights_only.se, abs=0.01)  # only the weights move


def test_twenty_residents_give_a_wider_interval_than_five_hundred():
    few = score(LOADED, community(20), options=ScoringOptions(uncertainty=1000, source="sampling")).uncertainty
    many = score(LOADED, community(500), options=ScoringOptions(uncertainty=1000, source="sampling")).uncertainty
    assert few.se > 3 * many.se  # sqrt(500 / 20) = 5, up to the samples' own spread
    assert few.high - few.low > 3 * (many.high - many.low)


def test_residents_are_resampled_within_their_groups():
    strata = np.array([0] * 7 + [1] * 3 + [2] * 40)
    times = resample_counts(strata, 500, [np.random.default_rng(k) for k in range(3)])
    assert times.shape == (500, 50)
    for code, size in ((0, 7), (1, 3), (2, 40)):
        assert np.all(times[:, strata == code].sum(axis=1) == size)
    grouped = score(LOADED, community(60, groups=["甲"] * 30 + ["乙"] * 30),
                    options=ScoringOptions(uncertainty=300, source="sampling"))
    assert grouped.uncertainty.se > 0


def test_draws_do_not_depend_on_how_they_are_cut_into_chunks(monkeypatch):
    weights = effective_weights(PACK, "declared")
    width = len(pack_tree(PACK).scored)
    rng = np.random.default_rng(3)
    sample = Sample(residents=rng.choice([0.0, 25.0, 50.0, np.nan], size=(120, width)),
                    strata=np.zeros(120, dtype=np.int64), committee_total=np.zeros(width),
                    committee_count=np.zeros(width))
    whole = community_draws(PACK, weights, sample, (300, 5, "both"), "甲")
    monkeypatch.setattr(draws_module, "CHUNK_CELLS", 120 * 7)  # 7 draws a chunk
    cut = community_draws(PACK, weights, sample, (300, 5, "both"), "甲")
    assert np.allclose(whole[0], cut[0], equal_nan=True) and np.allclose(whole[1], cut[1], equal_nan=True)


def test_the_json_gives_se_low_high_and_the_sources():
    out = CliRunner().invoke(main, ["score", "examples/old-community/answers.yaml", "--respondents",
                                    "examples/old-community/residents.csv", "--uncertainty", "200",
                                    "--format", "json"])
    assert out.exit_code == 0, out.output
    u = json.loads(out.stdout)["uncertainty"]
    assert u["sources"] == ["sampling", "weights"] and u["level"] == 0.9
    assert u["low"] <= u["high"] and u["se"] > 0
    assert set(u["dimensions"]["services"]) == {"se", "low", "high"}
    only = CliRunner().invoke(main, ["score", "examples/old-community/answers.yaml", "--uncertainty", "50",
                                     "--uncertainty-source", "sampling", "--lang", "en"])
    assert "no residents' answers" in only.stdout
