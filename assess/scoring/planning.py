"""How many residents' questionnaires a community needs, and whether the ones it has were enough
(docs/reference.md, "How many residents are enough").

The overall score's sampling error with n residents of a population of N is se = sqrt(1 - n/N) · S / sqrt(n),
where S is the standard deviation of one resident's contribution to the score. For a margin E at level
1 - α (E = z · se), the textbook sample size (Cochran, Sampling Techniques, 3rd ed., 1977, §4.4) is
n0 = (z · S / E)², and with the finite population correction n = n0 / (1 + (n0 - 1) / N).

S is measured on the last round when there is one: the residents are resampled (as `--uncertainty-source
sampling` does, without the correction) and S = sqrt(n) · se. Without a last round S = `DEFAULT_SPREAD`,
10 points: the bundled example communities give 5.7–6.8 with the core pack, and real residents differ
more than fictional ones, so a first plan errs on the side of more questionnaires. A plan never asks for
fewer than `MIN_RESIDENTS`: below that neither the normal approximation behind the margin nor the
resampling behind the intervals can be trusted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assess.packs.model import Pack
from assess.scoring.draws import LEVEL, Sample, community_draws
from assess.scoring.weights import Weights

DEFAULT_SPREAD = 10.0
MIN_RESIDENTS = 30
DEFAULT_MARGIN = 3.0
SPREAD_DRAWS = 2000


@dataclass(frozen=True)
class SamplePlan:
    """The questionnaires needed for a margin, and, given a sample, the margin it reached."""

    needed: int  # completed residents' questionnaires for the margin
    margin: float  # ± points of the overall score, at `level`
    level: float
    spread: float  # S, one resident's standard deviation of contribution to the overall score
    spread_from: str  # "last_round" or "default"
    population: int | None
    respondents: int | None = None  # residents in the sample the spread came from
    reached_margin: float | None = None  # z · se of that sample (with the correction when N is known)

    @property
    def reached(self) -> bool | None:
        return None if self.reached_margin is None else self.reached_margin <= self.margin + 1e-9

    def as_json(self) -> dict:
        return {"needed": self.needed, "margin": self.margin, "level": self.level, "spread": round(self.spread, 3),
                "spread_from": self.spread_from, "population": self.population, "respondents": self.respondents,
                "reached_margin": None if self.reached_margin is None else round(self.reached_margin, 2),
                "reached": self.reached}


def z_of(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def needed_residents(spread: float, margin: float, level: float = LEVEL, population: int | None = None) -> int:
    """n0 = (z · S / E)², corrected to n0 / (1 + (n0 - 1) / N) when N is known; at least `MIN_RESIDENTS`,
    never more than N."""
    first = (z_of(level) * spread / margin) ** 2
    needed = math.ceil(first / (1 + (first - 1) / population)) if population else math.ceil(first)
    needed = max(needed, MIN_RESIDENTS)
    return min(needed, population) if population else needed


def resident_spread(pack: Pack, weights: Weights, sample: Sample, community: str) -> float | None:
    """S of a sample: sqrt(n) times the overall score's sampling error without the correction; None with
    fewer than two residents."""
    if sample.size < 2:
        return None
    alone = Sample(sample.residents, sample.strata, sample.committee_total, sample.committee_count, None)
    overall, _ = community_draws(pack, weights, alone, (SPREAD_DRAWS, 0, "sampling"), community)
    return float(overall.std(ddof=1)) * math.sqrt(sample.size)


def sample_plan(pack: Pack, weights: Weights, sample: Sample | None = None, community: str = "",
                margin: float = DEFAULT_MARGIN, level: float = LEVEL, population: int | None = None) -> SamplePlan:
    """The plan for `population` (else the sample's): from the sample's spread when it has residents."""
    population = population or (sample.population if sample is not None else None)
    spread = resident_spread(pack, weights, sample, community) if sample is not None else None
    if spread is None:
        return SamplePlan(needed_residents(DEFAULT_SPREAD, margin, level, population), margin, level, DEFAULT_SPREAD,
                          "default", population)
    n = sample.size
    correction = math.sqrt(max(0.0, 1 - n / population)) if population else 1.0
    return SamplePlan(needed_residents(spread, margin, level, population), margin, level, spread, "last_round",
                      population, n, z_of(level) * correction * spread / math.sqrt(n))


def plan_for_files(answers, respondents, pack_ref, population: int | None, margin: float,
                   level: float) -> SamplePlan:
    """The plan from a last round's files (answers and residents), or from the default spread."""
    from assess.errors import AssessError
    from assess.packs.loading import load_pack
    from assess.scoring.score import score_file_with_sample
    from assess.scoring.weights import effective_weights

    if answers is None:
        if respondents is not None:
            raise AssessError("给出上一轮居民数据时也须给出其答卷文件 / a last round's residents' file needs its "
                              "answer file too")
        if population is None:
            raise AssessError("请给出 --population（人口）或 --households（户数），或上一轮的答卷文件 / give "
                              "--population or --households, or a last round's answer file")
        pack = load_pack(pack_ref or "core").pack
        return sample_plan(pack, effective_weights(pack, "declared"), None, margin=margin, level=level,
                           population=population)
    result, sample = score_file_with_sample(answers, respondents, pack_ref)
    pack = load_pack(result.pack.file).pack
    return sample_plan(pack, effective_weights(pack, "declared"), sample, result.community.name, margin, level,
                       population)


def plan_text(plan: SamplePlan, lang: str, unit: str = "residents") -> str:
    zh = lang == "zh"
    level = f"{plan.level:.0%}"
    if plan.spread_from == "last_round":
        spread = (f"居民间差异 S = {plan.spread:.2f} 分（由上一轮 {plan.respondents} 份居民问卷测得）" if zh else
                  f"Spread between residents S = {plan.spread:.2f} points (measured on last round's "
                  f"{plan.respondents} questionnaires)")
    else:
        spread = (f"居民间差异 S = {plan.spread:.0f} 分（默认值：没有上一轮居民数据）" if zh else
                  f"Spread between residents S = {plan.spread:.0f} points (the default: no last round)")
    whole = {"residents": ("社区人口", "population"), "households": ("社区户数", "households")}[unit]
    lines = [
        f"目标：总分 ±{plan.margin:g} 分（{level} 置信水平）" if zh else
        f"Target: overall score within ±{plan.margin:g} points ({level} confidence)",
        spread,
        (f"{whole[0]}：{plan.population}（已作有限总体校正）" if zh else
         f"{whole[1].capitalize()}: {plan.population} (finite population correction applied)")
        if plan.population else ("未给出人口，不作有限总体校正" if zh else "No population given: no correction"),
        f"需要完成的居民问卷：{plan.needed} 份" if zh else f"Completed residents' questionnaires needed: {plan.needed}",
    ]
    if plan.reached_margin is not None:
        verdict = ("已达到目标精度" if plan.reached else "未达到目标精度") if zh else (
            "the target is reached" if plan.reached else "the target is not reached")
        lines.append(f"上一轮 {plan.respondents} 份问卷的抽样误差：±{plan.reached_margin:.2f} 分，{verdict}" if zh else
                     f"Last round's {plan.respondents} questionnaires: ±{plan.reached_margin:.2f} points, {verdict}")
    if plan.needed == MIN_RESIDENTS:
        lines.append(f"（至少 {MIN_RESIDENTS} 份：更少时，误差的估计本身就不可靠）" if zh else
                     f"(at least {MIN_RESIDENTS}: with fewer, the error estimate itself is unreliable)")
    return "\n".join(lines)
