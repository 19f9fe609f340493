"""Scoring one community: answers -> question, indicator, dimension and overall scores (docs/reference.md).

Every step can be redone by hand from the JSON: an answer becomes 0-100 on goalposts fixed in the pack
(never relative to other communities); a question's score is the mean over the sources that answered it;
each level above is the weighted mean of its answered children, weights renormalized over what was
answered; coverage says how much of the weight was answered. Respondents are folded into running sums in
fixed blocks (`collect`), so a survey of any size is scored in constant memory; a large CSV or workbook is
read by column (`responses.columnar`) and gives exactly the sums the row-by-row reader gives.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from assess.packs.loading import LoadedPack
from assess.packs.model import SCORED_TYPES, Pack, Question, Text
from assess.responses.answer_file import AnswerFile, LoadedAnswers, RespondentEntry, load_answer_file
from assess.responses.checked import CheckedAnswers
from assess.responses.coded_entries import entry_blocks
from assess.responses.columnar import CodedRows
from assess.responses.reading import DEFAULT_READING, ReadNotes, ReadOptions
from assess.responses.respondents import fold_residents, residents_of
from assess.scoring.collect import Collector, QuestionTally
from assess.scoring.draws import HIGH_PERCENT, LOW_PERCENT, Sample, community_draws, sources_used
from assess.scoring.groups import group_scores
from assess.scoring.options import DEFAULT_SCORING, ScoringOptions
from assess.scoring.results import (
    Band,
    DimensionScore,
    IndicatorScore,
    Notice,
    Overall,
    PackRef,
    QuestionScore,
    ScoreResult,
    Uncertainty,
)
from assess.scoring.weights import UNCERTAINTY_SPREAD, Weights, effective_weights

INSUFFICIENT_COVERAGE = 0.5
SCORE_DECIMALS = 2
SHARE_DECIMALS = 4


# -- step 3: weighted means up the tree ---------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A scored element: its score (None if nothing under it was answered) and its answered weight share."""

    score: float | None
    coverage: float


@dataclass(frozen=True)
class Tree:
    """Every level's nodes and each element's effective weight in the overall score (`shares`)."""

    questions: dict[str, Node]
    indicators: dict[str, Node | None]  # None: nothing under it can be scored (only text questions)
    dimensions: dict[str, Node | None]
    overall: Node
    shares: dict[str, float]


def combine(children: list[tuple[float, Node | None]]) -> Node | None:
    """Weighted mean of the answered children; coverage is the children's coverage weighted the same way.

    Children that cannot be scored at all are left out; with no weight left, the parent cannot be scored.
    """
    present = [(w, node) for w, node in children if node is not None]
    total = sum(w for w, _ in present)
    if total <= 0:
        return None
    answered = [(w, node.score) for w, node in present if node.score is not None]
    answered_weight = sum(w for w, _ in answered)
    score = sum(w * s for w, s in answered) / answered_weight if answered_weight > 0 else None
    return Node(score=score, coverage=sum(w * node.coverage for w, node in present) / total)


def aggregate(pack: Pack, weights: Weights, question_scores: dict[str, float | None]) -> Tree:
    questions: dict[str, Node] = {}
    indicators: dict[str, Node | None] = {}
    dimensions: dict[str, Node | None] = {}
    for dim in pack.dimensions:
        for ind in dim.indicators:
            for q in ind.questions:
                if q.type in SCORED_TYPES:
                    score = question_scores.get(q.id)
                    questions[q.id] = Node(score=score, coverage=0.0 if score is None else 1.0)
            indicators[ind.id] = combine([(weights.questions[q.id], questions.get(q.id)) for q in ind.questions])
        dimensions[dim.id] = combine([(weights.indicators[i.id], indicators[i.id]) for i in dim.indicators])
    overall = combine([(weights.dimensions[d.id], dimensions[d.id]) for d in pack.dimensions])
    tree = Tree(questions, indicators, dimensions, overall or Node(None, 0.0), {})
    tree.shares.update(effective_shares(pack, weights, tree))
    return tree


def effective_shares(pack: Pack, weights: Weights, tree: Tree) -> dict[str, float]:
    """Each element's weight in the overall score: its share among answered siblings times its parent's share."""
    shares = sibling_shares([(d.id, weights.dimensions[d.id], tree.dimensions[d.id]) for d in pack.dimensions], 1.0)
    for dim in pack.dimensions:
        level = [(i.id, weights.indicators[i.id], tree.indicators[i.id]) for i in dim.indicators]
        shares.update(sibling_shares(level, shares[dim.id]))
        for ind in dim.indicators:
            level = [(q.id, weights.questions[q.id], tree.questions.get(q.id)) for q in ind.questions]
            shares.update(sibling_shares(level, shares[ind.id]))
    return shares


def sibling_shares(siblings: list[tuple[str, float, Node | None]], parent_share: float) -> dict[str, float]:
    answered_weight = sum(w for _, w, node in siblings if node is not None and node.score is not None)
    return {
        element_id: parent_share * w / answered_weight
        if answered_weight > 0 and node is not None and node.score is not None
        else 0.0
        for element_id, w, node in siblings
    }


# -- the whole score ----------------------------------------------------------------------------------


def score(
    pack_loaded: LoadedPack,
    answers: AnswerFile,
    respondents: Iterable[RespondentEntry] = (),
    options: ScoringOptions = DEFAULT_SCORING,
) -> ScoreResult:
    """Score answers given in code: the committee block, the file's respondents, then `respondents`.

    The answers are checked first, as an answer file's are (`CheckedAnswers`); raises `ProblemsError` listing
    bad answers (unknown ids, values the question does not allow, a respondent id used twice), so callers
    must publish nothing before this returns.
    """
    checked = CheckedAnswers(pack_loaded.pack, answers, respondents)
    committee = answers.model_copy(update={"answers": checked.committee, "respondents": []})
    return score_checked(pack_loaded, committee, entry_blocks(checked.respondents(), pack_loaded.pack), options)


def score_checked(
    pack_loaded: LoadedPack,
    answers: AnswerFile,
    respondents: Iterable[CodedRows] = (),
    options: ScoringOptions = DEFAULT_SCORING,
    strata: tuple[str, ...] = (),
    sample_into: list[Sample] | None = None,
) -> ScoreResult:
    """Score canonical answers, as the readers of `assess.responses` give them: the committee block, the
    file's respondents, then `respondents`, blocks of coded rows (e.g. a CSV stream, whose reader raises on
    bad rows at its end; respondents read one at a time are coded by `responses.entry_blocks`).

    With `options.uncertainty` draws, the residents are resampled (within their groups in the `strata`
    columns) and/or the weights perturbed, as `options.source` says (see `assess.scoring.draws`). With
    `sample_into`, the residents as resampling needs them are appended to it (a round draws all its
    communities together).
    """
    pack = pack_loaded.pack
    used = effective_weights(pack, options.weights, options.allow_inconsistent)
    collector = Collector(pack, keep=bool(options.uncertainty) or sample_into is not None, strata=strata)
    collector.add_committee(answers.answers)
    for block in itertools.chain(entry_blocks(answers.respondents, pack), respondents):
        collector.add_coded(block)
    tallies = collector.tallies()
    question_scores = {qid: tally.score for qid, tally in tallies.items()}
    tree = aggregate(pack, used, question_scores)
    overall = overall_score(pack, tree)
    result = ScoreResult(
        community=answers.community,
        assessed_on=answers.assessed_on.isoformat() if answers.assessed_on else None,
        pack=PackRef(
            id=pack.id, version=pack.version, hash=pack_loaded.hash, file=pack_loaded.file,
            parents=list(pack_loaded.parents),
        ),
        method=used.method,
        respondents=collector.respondents,
        overall=overall,
        dimensions=dimension_scores(pack, tree),
        indicators=indicator_scores(pack, tree),
        questions=question_rows(pack, tallies, tree),
        reliability=collector.reliability_results(),
        warnings=[],
    )
    if sample_into is not None:
        sample_into.append(collector.sample(answers.community.population))
    if options.uncertainty and overall.score is not None:
        sample = collector.sample(answers.community.population)
        drawing = Drawing(options.uncertainty, options.seed, options.source, strata)
        result.uncertainty = joint_uncertainty(pack, used, sample, result, drawing)
    result.warnings = score_warnings(pack, tallies, result)
    return result


def score_file(
    answers_path: Path | str,
    respondents_csv: Path | str | None = None,
    pack_ref: str | Path | None = None,
    options: ScoringOptions = DEFAULT_SCORING,
    reading: ReadOptions = DEFAULT_READING,
) -> ScoreResult:
    """Score an answer file (and a residents' file); the pack is `pack_ref`, else the file's `pack:`."""
    loaded = load_answer_file(answers_path, pack_ref)
    return score_loaded(loaded, respondents_csv, options, reading=reading)


def score_file_with_sample(answers_path: Path | str, respondents_csv: Path | str | None, pack_ref: str | Path | None,
                           options: ScoringOptions = DEFAULT_SCORING) -> tuple[ScoreResult, Sample]:
    """`score_file` without draws, and the community's residents as a round's joint draws resample them."""
    loaded = load_answer_file(answers_path, pack_ref)
    found: list[Sample] = []
    result = score_loaded(loaded, respondents_csv, replace(options, uncertainty=0), sample_into=found)
    return result, found[-1]


def score_loaded(
    loaded: LoadedAnswers,
    respondents_csv: Path | str | None = None,
    options: ScoringOptions = DEFAULT_SCORING,
    watch: Callable[[Iterator[RespondentEntry]], Iterable[RespondentEntry]] | None = None,
    reading: ReadOptions = DEFAULT_READING,
    sample_into: list[Sample] | None = None,
) -> ScoreResult:
    """Score a loaded answer file and stream the residents' file through `watch` on the way, so a caller can
    see every respondent (the report collects free-text answers so) without reading the file twice.

    Which reader takes the file is decided in `responses` (`fold_residents`). What the reading set aside
    becomes the first warnings (rejected submissions) and the `notes` (columns left out); with
    `reading.group_by` the result also holds each group's scores (see `assess.scoring.groups`).
    """
    notes = ReadNotes()
    respondents_csv = residents_of(loaded, respondents_csv)

    def scored(people: Iterable[CodedRows]) -> ScoreResult:
        return score_checked(loaded.pack, loaded.data, people, options, reading.group_by, sample_into)

    result, rows = fold_residents(respondents_csv, loaded.pack, loaded.respondent_places(), scored, reading, notes,
                                  watch, keep=bool(reading.group_by))
    result.warnings[:0] = [bilingual(zh, en) for zh, en in notes.warnings]
    result.notes = [bilingual(zh, en) for zh, en in notes.summary()]
    if respondents_csv is not None and rows.count == 0:
        result.warnings.insert(0, bilingual(
            f"居民问卷 {respondents_csv} 只有表头，没有一行答卷",
            f"the residents' file {respondents_csv} has a header but no respondents",
        ))
    if reading.group_by:
        committee = loaded.data.model_copy(update={"respondents": []})
        result.groups = group_scores(
            reading.group_by, [*loaded.data.respondents, *rows.kept],
            lambda people: score_checked(loaded.pack, committee, entry_blocks(people, loaded.pack.pack),
                                         replace(options, uncertainty=0)),
        )
    return result


def rounded(value: float | None, decimals: int = SCORE_DECIMALS) -> float | None:
    return None if value is None else round(value, decimals)


def graded(pack: Pack, shown_score: float | None):
    """The grade band of the score as printed (rounded), so the grade always matches the number shown."""
    return None if shown_score is None else pack.grade(shown_score)


def overall_score(pack: Pack, tree: Tree) -> Overall:
    shown = rounded(tree.overall.score)
    band = graded(pack, shown)
    return Overall(
        score=shown,
        grade=band.id if band else None,
        grade_label=band.label if band else None,
        coverage=round(tree.overall.coverage, SHARE_DECIMALS),
    )


def dimension_scores(pack: Pack, tree: Tree) -> list[DimensionScore]:
    rows = []
    for dim in pack.dimensions:
        node = tree.dimensions[dim.id] or Node(None, 0.0)
        shown = rounded(node.score)
        band = graded(pack, shown)
        rows.append(
            DimensionScore(
                id=dim.id,
                title=dim.title,
                score=shown,
                weight=round(tree.shares[dim.id], SHARE_DECIMALS),
                coverage=round(node.coverage, SHARE_DECIMALS),
                grade=band.id if band else None,
                grade_label=band.label if band else None,
                insufficient_data=node.coverage < INSUFFICIENT_COVERAGE,
            )
        )
    return rows


def indicator_scores(pack: Pack, tree: Tree) -> list[IndicatorScore]:
    rows = []
    for dim, ind in pack.indicators():
        node = tree.indicators[ind.id] or Node(None, 0.0)
        shown = rounded(node.score)
        target = pack.target_of(ind)
        rows.append(
            IndicatorScore(
                id=ind.id,
                dimension=dim.id,
                title=ind.title,
                score=shown,
                weight=round(tree.shares[ind.id], SHARE_DECIMALS),
                answered=shown is not None,
                coverage=round(node.coverage, SHARE_DECIMALS),
                target=target,
                gap=None if shown is None else round(max(target - shown, 0.0), SCORE_DECIMALS),
            )
        )
    return rows


def question_rows(pack: Pack, tallies: dict[str, QuestionTally], tree: Tree) -> list[QuestionScore]:
    rows = []
    for _, ind, q in pack.questions():
        tally = tallies[q.id]
        rows.append(
            QuestionScore(
                id=q.id,
                indicator=ind.id,
                score=rounded(tally.score),
                n=tally.sources,
                respondents=tally.respondents,
                weight=round(tree.shares[q.id], SHARE_DECIMALS),
            )
        )
    return rows


@dataclass(frozen=True)
class Drawing:
    """How the uncertainty is drawn: `draws` joint draws from `seed`, of the `source` (both, sampling,
    weights), residents resampled within the groups of the `strata` columns."""

    draws: int
    seed: int
    source: str = "both"
    strata: tuple[str, ...] = ()


def joint_uncertainty(pack: Pack, used: Weights, sample: Sample, result: ScoreResult, drawing: Drawing) -> Uncertainty:
    """Standard error and 90 % interval of the overall and dimension scores over the joint draws, and how
    often the grade holds."""
    import numpy as np

    overall, dimensions = community_draws(pack, used, sample, (drawing.draws, drawing.seed, drawing.source),
                                          result.community.name)
    resample, shake = sources_used(drawing.source)
    status = sample.status() if resample else "not_requested"
    low, high = np.percentile(overall, [LOW_PERCENT, HIGH_PERCENT])
    same = sum(pack.grade(round(float(t), SCORE_DECIMALS)).id == result.overall.grade for t in overall)
    return Uncertainty(
        draws=drawing.draws, seed=drawing.seed, spread=UNCERTAINTY_SPREAD if shake else 0.0,
        p5=rounded(float(low)), p95=rounded(float(high)), low=rounded(float(low)), high=rounded(float(high)),
        se=rounded(float(np.std(overall, ddof=1)) if drawing.draws > 1 else 0.0),
        grade_stability=round(same / drawing.draws, SHARE_DECIMALS),
        sources=[name for name, used_ in (("sampling", resample), ("weights", shake)) if used_],
        sampling=status, sampling_note=sampling_note(status, sample), population=sample.population,
        strata=list(drawing.strata),
        dimensions={dim.id: band(dimensions[:, k]) for k, dim in enumerate(pack.dimensions)},
    )


def band(values) -> Band | None:
    """The se and 90 % interval of one score's draws; None when the score has no value in some draw."""
    import numpy as np

    if np.isnan(values).any():
        return None
    low, high = np.percentile(values, [LOW_PERCENT, HIGH_PERCENT])
    se = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return Band(se=rounded(se), low=rounded(float(low)), high=rounded(float(high)))


def sampling_note(status: str, sample: Sample) -> Text | None:
    """The sampling part in words when it is not an ordinary resample of a sample."""
    n, population = sample.size, sample.population
    notes = {
        "census": Text(zh=f"受访居民 {n} 人，不少于社区人口 {population}，视为普查，抽样误差为零",
                       en=f"{n} residents answered, no fewer than the population of {population}: a census, "
                          "so the sampling part is zero"),
        "no_residents": Text(zh="没有居民问卷，得分只来自两委填报，抽样误差为零",
                             en="no residents' answers: the score rests on the committee's answers alone, so the "
                                "sampling part is zero"),
        "one_resident": Text(zh="只有 1 名受访居民，无法估计抽样误差（未计入）",
                             en="only one resident answered: the sampling error cannot be estimated (left out)"),
    }
    if status == "resampled" and population:
        share = f"{100 * n / population:.2g}%"
        return Text(zh=f"受访居民 {n} 人，占社区人口 {population} 的 {share}，已作有限总体校正",
                    en=f"{n} residents of a population of {population} ({share}): finite population "
                       "correction applied")
    return notes.get(status)


def score_warnings(pack: Pack, tallies: dict[str, QuestionTally], result: ScoreResult) -> list[Notice]:
    """Non-fatal findings a reader of the score must see: thin data, unanswered required items, odd sources."""
    warnings = []
    if result.overall.score is None:
        warnings.append(
            bilingual(
                "没有可计分的回答，无法得出总分（也无法估计不确定性）",
                "no scored answers, so there is no overall score (and no uncertainty)",
            )
        )
    for dim in result.dimensions:
        if dim.insufficient_data:
            warnings.append(
                bilingual(
                    f"维度“{dim.title.zh}”数据不足：覆盖率 {dim.coverage:.0%}，"
                    f"低于 {INSUFFICIENT_COVERAGE:.0%}",
                    f"dimension {dim.id}: insufficient data, coverage {dim.coverage:.0%} is under "
                    f"{INSUFFICIENT_COVERAGE:.0%}",
                )
            )
    for _, _, q in pack.questions():
        tally = tallies[q.id]
        if q.required and tally.sources == 0:
            warnings.append(
                bilingual(
                    f"必答题“{q.title.zh}”未作答",
                    f"required question {q.id} ({q.title.en}) is unanswered",
                )
            )
        if tally.off_type:
            warnings.append(off_type_warning(q, tally))
    return warnings


def off_type_warning(question: Question, tally: QuestionTally) -> Notice:
    if question.respondent == "committee":
        detail = Text(
            zh=f"是两委填报题，却有 {tally.off_type} 名受访者作答（已计入）",
            en=f"is a committee question but {tally.off_type} respondent(s) answered it (counted)",
        )
    else:
        kind = "居民问卷" if question.respondent == "resident" else "党员问卷"
        who = question.respondent.replace("_", " ")
        detail = Text(
            zh=f"属于{kind}，却在两委填报（answers）中作答（已计入）",
            en=f"is a {who} question but was answered in the committee block (counted)",
        )
    return Notice(
        zh=f"“{question.title.zh}”{detail.zh}",
        en=f"{question.id} ({question.title.en}) {detail.en}",
        question=question.id,
        detail=detail,
    )


def bilingual(zh: str, en: str) -> Notice:
    return Notice(zh=zh, en=en)
