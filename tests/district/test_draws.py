"""A round's joint draws: residents resampled per community and weights shared by all, so that a community
with few residents gets a wide interval and rank range, one with many a narrow one, and the report's words
follow the ranges."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.district.demo import round_files
from assess.district.draws import round_draws
from assess.district.league import ranks_of, ranks_per_draw, score_round
from assess.district.report_view import indistinct_sentence
from assess.district.rounds import load_round
from assess.packs.loading import load_pack
from assess.report.texts import load_texts, local_texts
from assess.responses.answer_file import AnswerFile, Community, dump_answer_file
from assess.responses.fictional import Profile, committee_answers
from assess.scoring.draws import Sample
from assess.scoring.options import ScoringOptions
from assess.scoring.weights import effective_weights

PACK = load_pack("core").pack
LEVELS = (0.44, 0.47, 0.50, 0.53, 0.56)


@pytest.fixture(scope="module")
def league(tmp_path_factory):
    """Five levels of the residents' answers, each twice: once with 20 residents, once with 500 (of a
    population of 20,000); every community's committee gave the same answers, so that communities of a
    level differ only by which residents answered."""
    folder = tmp_path_factory.mktemp("sizes") / "round"
    made = []
    for size in (20, 500):
        for k, level in enumerate(LEVELS):
            community = Community(name=f"社区{size}-{k}", population=20000)
            made.append(Profile(f"c{size}-{k}", community, size, {d.id: level for d in PACK.dimensions}))
    files = round_files(PACK, made, "sizes", date(2026, 10, 1), 11)
    committee = Profile("same", Community(name="同"), 0, {d.id: 0.5 for d in PACK.dimensions})
    same = committee_answers(PACK, committee, random.Random(5), {})
    for profile in made:
        answers = AnswerFile(pack=PACK.id, community=profile.community, assessed_on=date(2026, 10, 1), answers=same)
        files[f"{profile.folder}/answers.yaml"] = dump_answer_file(answers)
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return score_round(load_round(folder), options=ScoringOptions(uncertainty=600, seed=3))


def by_size(league, size: int):
    return [s for s in league.standings if s.result.respondents == size]


def test_twenty_residents_give_wider_score_intervals_and_rank_ranges_than_five_hundred(league):
    few, many = by_size(league, 20), by_size(league, 500)
    assert len(few) == len(many) == len(LEVELS)
    assert np.mean([s.overall_se for s in few]) > 2 * np.mean([s.overall_se for s in many])  # weights add to both
    rank_width = {size: np.mean([s.rank_high - s.rank_low for s in group])
                  for size, group in ((20, few), (500, many))}
    assert rank_width[20] > 1.5 * rank_width[500], rank_width


def test_the_report_says_which_communities_cannot_be_told_apart_from_their_ranges(league):
    ordered = sorted(league.standings, key=lambda s: s.rank)
    t = local_texts(load_texts(), "en")
    sentence = indistinct_sentence(ordered, league.uncertainty, t)
    overlapping = {s.result.community.name for s in ordered for o in ordered if o is not s
                   and s.rank_low <= o.rank_high and o.rank_low <= s.rank_high}
    for name in overlapping:
        assert name in sentence
    apart = [s for s in ordered if s.result.community.name not in overlapping]
    assert all(s.result.community.name not in sentence for s in apart)


def test_every_community_s_draws_are_its_own_and_the_weights_are_shared():
    """Two identical samples under different names are resampled independently; with weights only, every
    community moves with the same weights, so identical communities have identical draws."""
    weights = effective_weights(PACK, "declared")
    width = sum(1 for _, _, q in PACK.questions() if q.type != "text")
    rng = np.random.default_rng(0)
    residents = rng.choice([0.0, 50.0, 100.0], size=(40, width))
    sample = Sample(residents, np.zeros(40, dtype=np.int64), np.zeros(width), np.zeros(width))
    both = round_draws(PACK, weights, [("甲", sample), ("乙", sample)], 200, 1, "both")
    assert not np.allclose(both.overall[0], both.overall[1])
    weights_only = round_draws(PACK, weights, [("甲", sample), ("乙", sample)], 200, 1, "weights")
    assert np.array_equal(weights_only.overall[0], weights_only.overall[1])
    assert weights_only.overall[0].std() > 0
    sampling_only = round_draws(PACK, weights, [("甲", sample)], 200, 1, "sampling")
    assert sampling_only.overall.std() > 0 and sampling_only.overall.dtype == np.float32


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from([np.nan, 40.0, 50.0, 50.0, 61.5, 70.0]), min_size=4, max_size=4),
                min_size=1, max_size=6))
def test_ranks_of_every_draw_at_once_are_the_ranks_of_each(rows):
    values = np.array(rows)
    expected = [[np.nan if p is None else p for p in ranks_of(row)] for row in values]
    assert np.array_equal(ranks_per_draw(values), np.array(expected, dtype=np.float32), equal_nan=True)
