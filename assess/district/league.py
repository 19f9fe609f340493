"""A round scored: every community in parallel, weights by the chosen method, ranks with their intervals.

Each community is scored exactly as `assess score` scores it (in a pool of processes, one per core); a
community whose files have problems is listed with them and the others are still scored, unless `strict`.
With objective weights (entropy, CRITIC, combined) the indicator weights within each dimension and then
the dimension weights come from the spread of the communities' scores, and every community is scored
again under them (see `reweigh`). Ranks are by overall score, or by TOPSIS closeness; with `uncertainty` joint
draws each community's residents are resampled and the weights perturbed by ±25 % at every level (as
`assess score --uncertainty`, see `draws`; `source` may keep only one of the two), the ranking is redone
for every draw, and each community's rank interval is the 5th–95th percentile of its ranks; the same draws
give the standard errors and 90 % intervals of its overall and dimension scores, which trends test
changes with. A community with few residents thus gets a wide rank interval, one with many a narrow one.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

import numpy as np

from assess.district.draws import intervals, round_draws, standard_errors
from assess.district.reweigh import OBJECTIVE, objective_weights, rescore
from assess.district.rounds import Member, Round
from assess.district.topsis import closeness
from assess.errors import AssessError
from assess.files import quiet_worker
from assess.i18n import WEIGHTINGS
from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.scoring.draws import LEVEL, Sample, sources_used
from assess.scoring.options import DEFAULT_SCORING, ScoringOptions
from assess.scoring.results import ScoreResult
from assess.scoring.weights import Weights, effective_weights

SCORING_MODES = ("declared", "equal", "ahp")
RANK_LOW, RANK_HIGH = 5, 95  # percentiles of the rank over the weight draws


@dataclass
class Standing:
    """One community's place in the round."""

    member: Member
    result: ScoreResult
    overall: float | None
    sample: Sample  # the residents as the draws resample them
    rank: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    topsis: float | None = None
    overall_interval: tuple[float, float] | None = None  # 5–95 % of the overall score over the joint draws
    dimension_intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    overall_se: float | None = None  # standard deviation of the overall score over the joint draws
    dimension_se: dict[str, float | None] = field(default_factory=dict)


@dataclass
class League:
    round: Round
    pack: Pack
    weights_method: str
    rank_by: str
    dimension_weights: dict[str, float]
    indicator_weights: dict[str, dict[str, float]]  # dimension id -> indicator id -> share within it
    standings: list[Standing]
    failed: list[tuple[Member, str]] = field(default_factory=list)
    uncertainty: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en) on how the weights were found
    source: str = "both"  # what the draws vary: both, sampling (residents) or weights


@dataclass(frozen=True)
class Scored:
    """A community scored, with its residents kept for resampling."""

    result: ScoreResult
    sample: Sample


@dataclass(frozen=True)
class Unscored:
    """A community that could not be scored, and why (as text: it crosses a process boundary)."""

    message: str


def score_member(member: Member, pack_ref: str | None, options: ScoringOptions) -> Scored | Unscored:
    """The community's score (without draws: the round draws its communities together) and sample, or the
    message of its problems."""
    from assess.scoring.score import score_file_with_sample

    if member.problem is not None:
        return Unscored(member.problem)
    try:
        return Scored(*score_file_with_sample(member.answers, member.respondents, pack_ref, options))
    except AssessError as exc:
        return Unscored(str(exc))


def score_batch(members: list[Member], pack_ref: str | None, options: ScoringOptions) -> list[Scored | Unscored]:
    return [score_member(m, pack_ref, options) for m in members]


def batches(members: list[Member], workers: int) -> list[list[Member]]:
    """Members in batches of up to BATCH: fewer round trips to the workers, still a steady progress bar."""
    size = max(1, min(BATCH, len(members) // (workers * 4)))
    return [members[i:i + size] for i in range(0, len(members), size)]


BATCH = 8


def score_members(
    members: list[Member], pack_ref: str | None, options: ScoringOptions,
    progress: Callable[[Member], None] | None = None,
) -> tuple[list[tuple[Member, Scored]], list[tuple[Member, str]]]:
    """Every member scored, in parallel where there is more than one; failures with their messages."""
    done: list[tuple[Member, Scored]] = []
    failed: list[tuple[Member, str]] = []
    workers = min(len(members), os.cpu_count() or 1)

    def record(member: Member, scored: Scored | Unscored) -> None:
        if isinstance(scored, Unscored):
            failed.append((member, scored.message))
        else:
            done.append((member, scored))
        if progress is not None:
            progress(member)

    if workers <= 1:
        for member in members:
            record(member, score_member(member, pack_ref, options))
    else:
        record(members[0], score_member(members[0], pack_ref, options))  # imports and the pack, before the fork
        with ProcessPoolExecutor(max_workers=workers, initializer=quiet_worker) as pool:
            futures = {pool.submit(score_batch, batch, pack_ref, options): batch
                       for batch in batches(members[1:], workers)}
            for future in as_completed(futures):
                for member, scored in zip(futures[future], future.result(), strict=True):
                    record(member, scored)
    order = {m.id: n for n, m in enumerate(members)}
    done.sort(key=lambda pair: order[pair[0].id])
    failed.sort(key=lambda pair: order[pair[0].id])
    return done, failed


def score_round(
    round_: Round, pack_ref: str | None = None, options: ScoringOptions = DEFAULT_SCORING, rank_by: str = "score",
    strict: bool = False, progress: Callable[[Member], None] | None = None,
) -> League:
    """The round scored and ranked: `options.weights` may also be an objective method (`reweigh`), with
    which each community is first scored with the declared weights; `options.uncertainty` joint draws."""
    pack_ref = pack_ref or round_.pack
    weights = options.weights
    mode = weights if weights in SCORING_MODES else "declared"
    scored, failed = score_members(round_.members, pack_ref, replace(options, weights=mode), progress)
    done = [(member, s.result) for member, s in scored]
    if failed and strict:
        raise AssessError("\n".join(f"{m.id}: {message}" for m, message in failed))
    if not done:
        raise AssessError("没有一个社区能够计分 / no community could be scored:\n"
                          + "\n".join(f"{m.id}: {message}" for m, message in failed))
    hashes = {result.pack.hash for _, result in done}
    if len(hashes) > 1:
        first = done[0][1].pack
        other = next((m.id, r.pack) for m, r in done if r.pack.hash != first.hash)
        raise AssessError(
            f"社区 {other[0]} 使用的指标包（{other[1].id} {other[1].version}）与 {done[0][0].id} 的（{first.id} "
            f"{first.version}）不同；同一轮的社区须使用同一指标包 / community {other[0]} is on another pack than "
            f"{done[0][0].id}; all communities of a round share one pack (give it with --pack)"
        )
    pack = load_pack(done[0][1].pack.file).pack
    used, notes = round_weights(pack, weights, [r for _, r in done])
    if weights in OBJECTIVE:
        done = [(member, rescore(pack, result, used)) for member, result in done]
    dims = [d.id for d in pack.dimensions]
    matrix = np.array([[score_of(r, d) for d in dims] for _, r in done], dtype=float)
    dim_weights = np.array([used.dimensions[d] for d in dims], dtype=float)
    dim_weights /= dim_weights.sum()
    standings = [Standing(member, result, result.overall.score, sample=s.sample)
                 for (member, result), (_, s) in zip(done, scored, strict=True)]
    league = League(round_, pack, weights, rank_by, dict(zip(dims, dim_weights.tolist(), strict=True)),
                    within_dimensions(pack, used), standings, failed, options.uncertainty, notes, options.source)
    rank(league, used, matrix, options.seed)
    return league


def round_weights(pack, method: str, results: list[ScoreResult]) -> tuple[Weights, list[tuple[str, str]]]:
    """The weights the round is scored with: the pack's (as `assess score --weights`), or objective ones."""
    if method in OBJECTIVE:
        return objective_weights(pack, method, results)
    return effective_weights(pack, method, allow_inconsistent=True), []


def within_dimensions(pack, weights: Weights) -> dict[str, dict[str, float]]:
    """Each dimension's indicator weights as shares summing to 1 within it."""
    shares = {}
    for dim in pack.dimensions:
        total = sum(weights.indicators[i.id] for i in dim.indicators)
        shares[dim.id] = {i.id: weights.indicators[i.id] / total for i in dim.indicators}
    return shares


def score_of(result: ScoreResult, dimension: str) -> float:
    found = next(d.score for d in result.dimensions if d.id == dimension)
    return np.nan if found is None else found


def rank(league: League, weights: Weights, matrix: np.ndarray, seed: int) -> None:
    """Ranks (1 = best; ties share the better rank) and, with draws, the 5th–95th percentile interval of
    each community's rank and of its overall and dimension scores over the same draws (see `draws`)."""
    standings = league.standings
    draws = league.uncertainty
    dim_weights = np.array(list(league.dimension_weights.values()))
    values = ranking_values(league.rank_by, matrix, dim_weights, standings)
    if league.rank_by == "topsis":
        for standing, value in zip(standings, values, strict=True):
            standing.topsis = None if np.isnan(value) else round(float(value), 4)
    for standing, place in zip(standings, ranks_of(values), strict=True):
        standing.rank = place
    if not draws:
        return
    samples = [(s.result.community.name, s.sample) for s in standings]
    drawn = round_draws(league.pack, weights, samples, draws, seed, league.source)
    if league.rank_by == "topsis":
        shown = np.array([ranking_values("topsis", drawn.dimensions[:, :, n], dim_weights, None)
                          for n in range(draws)])
    else:
        shown = drawn.overall.T
    places = ranks_per_draw(shown)
    overall_low, overall_high = intervals(drawn.overall)
    dims_low, dims_high = intervals(drawn.dimensions)
    overall_se, dims_se = standard_errors(drawn.overall), standard_errors(drawn.dimensions)
    dims = list(league.dimension_weights)
    for j, standing in enumerate(standings):
        column = places[:, j]
        if standing.rank is not None and not np.isnan(column).all():
            low, high = np.nanpercentile(column, [RANK_LOW, RANK_HIGH], method="inverted_cdf")
            standing.rank_low, standing.rank_high = int(low), int(high)
        standing.overall_interval = interval(overall_low[j], overall_high[j])
        standing.dimension_intervals = {d: interval(dims_low[j, k], dims_high[j, k]) for k, d in enumerate(dims)}
        standing.overall_se = error(overall_se[j])
        standing.dimension_se = {d: error(dims_se[j, k]) for k, d in enumerate(dims)}


def interval(low: float, high: float) -> tuple[float, float] | None:
    return None if np.isnan(low) else (round(float(low), 2), round(float(high), 2))


def error(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def ranking_values(rank_by: str, matrix: np.ndarray, weights: np.ndarray, standings) -> np.ndarray:
    """What is ranked: TOPSIS closeness (of the communities scored on every dimension), or the overall
    score (the communities' own, for the base ranking)."""
    if rank_by == "topsis":
        values = np.full(len(matrix), np.nan)
        complete = ~np.isnan(matrix).any(axis=1)
        if complete.sum() >= 2:
            values[complete] = closeness(matrix[complete], weights)
        return values
    return np.array([np.nan if s.overall is None else s.overall for s in standings])


def ranks_per_draw(values: np.ndarray) -> np.ndarray:
    """`ranks_of` for every row at once (draws × communities), NaN where a value is NaN."""
    from scipy.stats import rankdata

    missing = np.isnan(values)
    places = rankdata(-np.where(missing, -np.inf, values), method="min", axis=1).astype(np.float32)
    places[missing] = np.nan
    return places


def ranks_of(values: np.ndarray) -> list[int | None]:
    """1 + the number of values strictly higher (ties share the better rank); None for NaN."""
    values = np.asarray(values, dtype=float)
    scored = ~np.isnan(values)
    descending = np.sort(-values[scored])
    places = np.searchsorted(descending, -values, side="left") + 1
    return [int(p) if ok else None for p, ok in zip(places, scored, strict=True)]


def league_json(league: League) -> dict:
    pack = league.standings[0].result.pack
    return {
        "round": league.round.label,
        "district": league.round.district,
        "pack": {"id": pack.id, "version": pack.version, "hash": pack.hash},
        "weights": {"method": league.weights_method, "dimensions": league.dimension_weights,
                    "indicators": league.indicator_weights},
        "notes": [{"zh": zh, "en": en} for zh, en in league.notes],
        "rank_by": league.rank_by,
        "uncertainty": league.uncertainty,
        "uncertainty_sources": sources_of(league.source) if league.uncertainty else [],
        "level": LEVEL,
        "communities": [
            {"id": s.member.id, "name": s.result.community.name, "overall": s.overall,
             "grade": s.result.overall.grade,
             "rank": s.rank, "rank_low": s.rank_low, "rank_high": s.rank_high, "topsis": s.topsis,
             "overall_interval": list(s.overall_interval) if s.overall_interval else None,
             "se": s.overall_se, "low": s.overall_interval[0] if s.overall_interval else None,
             "high": s.overall_interval[1] if s.overall_interval else None,
             "sampling": sampling_status(s, league),
             "dimension_intervals": {d: list(v) if v else None for d, v in s.dimension_intervals.items()},
             "dimension_se": s.dimension_se,
             "respondents": s.result.respondents,
             "dimensions": {d.id: d.score for d in s.result.dimensions},
             "indicators": {i.id: i.score for i in s.result.indicators},
             "notes": [{"zh": n.zh, "en": n.en} for n in s.result.notes]}
            for s in league.standings
        ],
        "failed": [{"id": m.id, "answers": str(m.answers), "message": message} for m, message in league.failed],
        "skipped": [{"zh": zh, "en": en} for zh, en in league.round.skipped],
    }


def sources_of(source: str) -> list[str]:
    resample, shake = sources_used(source)
    return [name for name, used in (("sampling", resample), ("weights", shake)) if used]


def sampling_status(standing: Standing, league: League) -> str:
    """resampled, census, no_residents, one_resident, or not_requested (no draws, or weights only)."""
    if not league.uncertainty or not sources_used(league.source)[0]:
        return "not_requested"
    return standing.sample.status()


def rank_text(standing: Standing) -> str:
    if standing.rank is None:
        return "—"
    if standing.rank_low is None:
        return str(standing.rank)
    if standing.rank_low == standing.rank_high == standing.rank:
        return str(standing.rank)
    return f"{standing.rank} ({standing.rank_low}–{standing.rank_high})"


def league_table(league: League, lang: str = "zh") -> str:
    pack = league.pack
    zh = lang == "zh"
    head = ["名次", "社区", "总分", "等级", "受访者"] if zh else ["Rank", "Community", "Overall", "Grade", "Resp."]
    head += [d.title.get(lang) for d in pack.dimensions]
    rows = [head]
    for s in sorted(league.standings, key=lambda s: (s.rank is None, s.rank or 0)):
        grade = pack.grade(s.overall) if s.overall is not None else None
        rows.append([rank_text(s), s.result.community.name, "—" if s.overall is None else f"{s.overall:.2f}",
                     grade.label.get(lang) if grade else "—", str(s.result.respondents)]
                    + ["—" if math.isnan(v := score_of(s.result, d.id)) else f"{v:.1f}" for d in pack.dimensions])
    weights = WEIGHTINGS.word(league.weights_method, lang) if league.weights_method in WEIGHTINGS else (
        league.weights_method)
    title = (f"{league.round.label} 轮 · {len(league.standings)} 个社区 · 权重：{weights}"
             f" · 排序：{'总分' if league.rank_by == 'score' else 'TOPSIS 贴近度'}") if zh else (
        f"Round {league.round.label} · {len(league.standings)} communities · weights: {weights}"
        f" · ranked by {league.rank_by}")
    lines = [title, *("\t".join(row) for row in rows)]
    if league.uncertainty:
        lines.append(f"名次括号内为 {league.uncertainty} 次{draws_words(league.source, zh)}的 5%–95% 区间；"
                     "区间重叠的社区无法区分先后" if zh else
                     f"Brackets: 5–95 % range of the rank over {league.uncertainty} {draws_words(league.source, zh)}; "
                     "overlapping ranges cannot be told apart")
    if league.failed:
        lines.append(f"未计分 {len(league.failed)} 个社区 / {len(league.failed)} not scored:")
    for member, message in league.failed:
        lines.append(f"  未计分 / not scored: {member.id}: {message}")
    lines += [f"已跳过 / skipped: {zh} / {en}" for zh, en in league.round.skipped]
    lines += [f"说明 / note: {s.member.id}: {n.zh} / {n.en}" for s in league.standings for n in s.result.notes]
    return "\n".join(lines)


def draws_words(source: str, zh: bool) -> str:
    """What one draw varies, in words: residents resampled and/or weights perturbed."""
    words = {"both": ("居民重抽样与权重扰动联合抽样", "joint draws (residents resampled, weights perturbed)"),
             "sampling": ("居民重抽样", "resamples of the residents"),
             "weights": ("权重扰动", "weight draws")}[source]
    return words[0] if zh else words[1]
