"""A simulated district to check the uncertainty honestly: communities whose true scores are known, residents
drawn from them, and the round's joint draws asked whether a change is real and whether the intervals cover
the truth (used by tests/district/test_simulation.py and benchmarks/bench_uncertainty.py).

Each community has, for every question answered by residents, a true probability π of agreeing, and a
resident's answer is k/4 · 100 with k ~ Binomial(4, π) (a five-point scale), left unanswered 5 % of the
time; its true question score is 100π (an infinite population, so no finite population correction), and
its committee's answers are fixed facts. The true overall score is the pack's weighted mean of those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assess.district.draws import round_draws
from assess.district.trend import beyond, change_se
from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.scoring.draws import HIGH_PERCENT, LOW_PERCENT, Sample, pack_tree, scores_up, weight_draws
from assess.scoring.weights import Weights, effective_weights

SKIPPED = 0.05


@dataclass(frozen=True)
class Community:
    name: str
    agree: np.ndarray  # π of every scored question (NaN for committee questions)
    committee: np.ndarray  # the committee's score of every scored question (NaN for residents' questions)


@dataclass(frozen=True)
class Figures:
    communities: int
    draws: int
    false_alarms: float  # share of communities with no true change marked real
    detected: float  # share of communities with a true change of `shift` marked real
    shift: float
    covered: float  # share of 90 % intervals (residents resampled) covering the true score, over three rounds
    true_shift: float  # the mean true change of the shifted communities (a check on the simulation)


def residents_questions(pack: Pack) -> np.ndarray:
    """Which scored questions residents (or Party members) answer, in the order of `pack_tree(pack).scored`."""
    questions = [q for _, _, q in pack.questions()]
    return np.array([questions[n].respondent != "committee" for n in pack_tree(pack).scored])


def make_communities(pack: Pack, count: int, rng: np.random.Generator) -> list[Community]:
    sampled = residents_questions(pack)
    made = []
    for c in range(count):
        agree = np.where(sampled, rng.uniform(0.3, 0.6, size=len(sampled)), np.nan)
        committee = np.where(sampled, np.nan, rng.choice([0.0, 50.0, 100.0], size=len(sampled)))
        made.append(Community(f"模拟社区{c:03d}", agree, committee))
    return made


def shifted(pack: Pack, weights: Weights, community: Community, points: float) -> Community:
    """The community with every residents' question moved so that its true overall score rises by `points`."""
    share = resident_share(pack, weights)
    return Community(community.name, community.agree + points / share / 100, community.committee)


def resident_share(pack: Pack, weights: Weights) -> float:
    """The share of the overall score that residents' questions carry (all answered)."""
    sampled = residents_questions(pack)
    tree = pack_tree(pack)
    scores = np.where(sampled, 100.0, 0.0)[None, :]
    overall, _ = scores_up(scores, tree, weight_draws(pack, tree, weights, 1, None))
    return float(overall[0]) / 100


def true_score(pack: Pack, weights: Weights, community: Community) -> float:
    tree = pack_tree(pack)
    questions = np.where(np.isnan(community.agree), community.committee, 100 * community.agree)[None, :]
    overall, _ = scores_up(questions, tree, weight_draws(pack, tree, weights, 1, None))
    return float(overall[0])


def surveyed(community: Community, residents: int, rng: np.random.Generator) -> Sample:
    """`residents` answers drawn from the community, as the scoring keeps them."""
    sampled = ~np.isnan(community.agree)
    agree = np.where(sampled, np.clip(community.agree, 0, 1), 0.0)
    answers = rng.binomial(4, agree, size=(residents, len(agree))) * 25.0
    answers[rng.random(answers.shape) < SKIPPED] = np.nan
    answers[:, ~sampled] = np.nan
    committee = ~np.isnan(community.committee)
    return Sample(residents=answers, strata=np.zeros(residents, dtype=np.int64),
                  committee_total=np.where(committee, community.committee, 0.0),
                  committee_count=committee.astype(float))


def intervals(pack: Pack, weights: Weights, names: list[str], samples: list[Sample], draws: int, seed: int,
              source: str) -> list[tuple[float, float]]:
    drawn = round_draws(pack, weights, list(zip(names, samples, strict=True)), draws, seed, source)
    low, high = np.percentile(drawn.overall, [LOW_PERCENT, HIGH_PERCENT], axis=-1)
    return [(float(a), float(b)) for a, b in zip(low, high, strict=True)]


def simulate(communities: int = 200, draws: int = 1000, seed: int = 0, shift: float = 5.0,
             shifted_residents: int = 150, source: str = "both") -> Figures:
    """Two rounds of `communities` communities (30–300 residents each) with no true change, and two rounds
    of the same communities with 150 residents and a true change of `shift` points; every round scored
    with the round's joint draws (of `source`, as `district score` draws them), changes tested as
    `district trend` tests them. Coverage is of the residents' sampling alone, the truth being the score
    under the declared weights."""
    pack = load_pack("core").pack
    weights = effective_weights(pack, "declared")
    rng = np.random.default_rng(seed)
    made = make_communities(pack, communities, rng)
    names = [c.name for c in made]
    sizes = rng.integers(30, 301, size=communities)

    def scored(group: list[Community], residents, source: str, round_seed: int):
        samples = [surveyed(c, int(n), rng) for c, n in zip(group, residents, strict=True)]
        observed = [scores_up(s.observed()[None, :], pack_tree(pack),
                              weight_draws(pack, pack_tree(pack), weights, 1, None))[0][0] for s in samples]
        return observed, intervals(pack, weights, names, samples, draws, round_seed, source)

    def marked(before, after) -> float:
        (first, first_band), (second, second_band) = before, after
        return float(np.mean([beyond(b - a, change_se(band_b, band_a)) for a, b, band_a, band_b
                              in zip(first, second, first_band, second_band, strict=True)]))

    earlier = scored(made, sizes, source, seed + 1)
    later = scored(made, sizes, source, seed + 2)
    fixed = [shifted_residents] * communities
    moved = [shifted(pack, weights, c, shift) for c in made]
    base, after = scored(made, fixed, source, seed + 3), scored(moved, fixed, source, seed + 4)
    truth = [true_score(pack, weights, c) for c in made]
    covered = [lo <= t <= hi for again in range(3)
               for t, (lo, hi) in zip(truth, scored(made, sizes, "sampling", seed + 5 + again)[1], strict=True)]
    return Figures(
        communities=communities, draws=draws, false_alarms=marked(earlier, later), detected=marked(base, after),
        shift=shift, covered=float(np.mean(covered)),
        true_shift=float(np.mean([true_score(pack, weights, m) - t for m, t in zip(moved, truth, strict=True)])),
    )
