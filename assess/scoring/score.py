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
from dataclasses import dataclass
from pathlib import Path

from assess.packs.loading import LoadedPack
from assess.packs.model import SCORED_TYPES, Pack, Question, Text
from assess.responses.answer_file import AnswerFile, LoadedAnswers, RespondentEntry, load_answer_file
from assess.responses.checked import CheckedAnswers
from assess.responses.columnar import CodedRows, RowPathNeeded, coded_respondents
from assess.responses.reading import DEFAULT_READING, ReadNotes, ReadOptions
from assess.responses.respondents import columnar_options, columnar_ready, opened_table, read_respondents
from assess.scoring.collect import Collector, QuestionTally
from assess.scoring.groups import group_scores
from assess.scoring.results import (
    DimensionScore,
    IndicatorScore,
    Notice,
    Overall,
    PackRef,
    QuestionScore,
    ScoreResult,
    Uncertainty,
)
from assess.scoring.weights import UNCERTAINTY_SPREAD, Weights, effective_weights, perturb

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
    weights: str = "declared",
    allow_inconsistent: bool = False,
    uncertainty: int = 0,
    seed: int = 0,
) -> ScoreResult:
    """Score answers given in code: the committee block, the file's respondents, then `respondents`.

    The answers are checked first, as an answer file's are (`CheckedAnswers`); raises `ProblemsError` listing
    bad answers (unknown ids, values the question does not allow, a respondent id used twice), so callers
    must publish nothing before this returns.
    """
    checked = CheckedAnswers(pack_loaded.pack, answers, respondents)
    committee = answers.model_copy(update={"answers": checked.committee, "respondents": []})
    return score_checked(pack_loaded, committee, checked.respondents(), weights, allow_inconsistent, uncertainty, seed)


def score_checked(
    pack_loaded: LoadedPack,
    answers: AnswerFile,
    respondents: Iterable[RespondentEntry] = (),
    weights: str = "declared",
    allow_inconsistent: bool = False,
    uncertainty: int = 0,
    seed: int = 0,
) -> ScoreResult:
    """Score canonical answers, as the readers of `assess.responses` give them: the committee block, the
    file's respondents, then `respondents` (e.g. a CSV stream, whose reader raises on bad rows at its end).
    """
    pack = pack_loaded.pack
    used = effective_weights(pack, weights, allow_inconsistent)
    collector = Collector(pack)
    collector.add_committee(answers.answers)
    for entry in itertools.chain(answers.respondents, respondents):
        if isinstance(entry, CodedRows):
            collector.add_coded(entry.rows, entry.columns)
        else:
            collector.add_respondent(entry)
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
    if uncertainty:
        result.uncertainty = weight_uncertainty(pack, used, question_scores, overall, uncertainty, seed)
    result.warnings = score_warnings(pack, tallies, result)
    return result


def score_file(
    answers_path: Path | str,
    respondents_csv: Path | str | None = None,
    pack_ref: str | Path | None = None,
    weights: str = "declared",
    allow_inconsistent: bool = False,
    uncertainty: int = 0,
    seed: int = 0,
    reading: ReadOptions = DEFAULT_READING,
) -> ScoreResult:
    """Score an answer file (and a residents' file); the pack is `pack_ref`, else the file's `pack:`."""
    loaded = load_answer_file(answers_path, pack_ref)
    return score_loaded(loaded, respondents_csv, weights, allow_inconsistent, uncertainty, seed, reading=reading)


def score_loaded(
    loaded: LoadedAnswers,
    respondents_csv: Path | str | None = None,
    weights: str = "declared",
    allow_inconsistent: bool = False,
    uncertainty: int = 0,
    seed: int = 0,
    watch: Callable[[Iterator[RespondentEntry]], Iterable[RespondentEntry]] = iter,
    reading: ReadOptions = DEFAULT_READING,
) -> ScoreResult:
    """Score a loaded answer file and stream the residents' file through `watch` on the way, so a caller can
    see every respondent (the report collects free-text answers so) without reading the file twice.

    What the reading set aside (old columns, rejected submissions) becomes the first warnings; with
    `reading.group_by` the result also holds each group's scores (see `assess.scoring.groups`).
    """
    notes = ReadNotes()
    rows = Counted(iter(()))
    result = None
    columnar = watch is iter and columnar_options(reading)
    table = opened_table(respondents_csv, in_pieces=columnar) if respondents_csv is not None else None
    if columnar and columnar_ready(table, reading):
        try:
            rows = Counted(coded_respondents(table, loaded.pack.pack, loaded.respondent_places()))
            result = score_checked(loaded.pack, loaded.data, rows, weights, allow_inconsistent, uncertainty, seed)
        except RowPathNeeded:
            result = None  # read again row by row, which reports every problem of the file at its row
    if result is None:
        if table is not None and table.pieces is not None:
            table = opened_table(respondents_csv)  # whole: its header is the whole sheet's, its problems all told
        if respondents_csv is not None:
            residents = read_respondents(respondents_csv, loaded.pack, loaded.respondent_places(), reading, notes,
                                         table)
            rows = Counted(watch(residents), keep=bool(reading.group_by))
        result = score_checked(loaded.pack, loaded.data, rows, weights, allow_inconsistent, uncertainty, seed)
    result.warnings[:0] = [bilingual(zh, en) for zh, en in notes.warnings]
    if respondents_csv is not None and rows.count == 0:
        result.warnings.insert(0, bilingual(
            f"居民问卷 {respondents_csv} 只有表头，没有一行答卷",
            f"the residents' CSV {respondents_csv} has a header but no respondents",
        ))
    if reading.group_by:
        committee = loaded.data.model_copy(update={"respondents": []})
        result.groups = group_scores(
            reading.group_by, [*loaded.data.respondents, *rows.kept],
            lambda people: score_checked(loaded.pack, committee, people, weights, allow_inconsistent),
        )
    return result


class Counted:
    """An iterable that counts what passed through (an empty residents' file is worth a warning, not
    silence), and keeps it when asked, for scoring groups of residents afterwards."""

    def __init__(self, items: Iterable[RespondentEntry], keep: bool = False):
        self.items = items
        self.count = 0
        self.keep = keep
        self.kept: list[RespondentEntry] = []

    def __iter__(self) -> Iterator[RespondentEntry]:
        for item in self.items:
            self.count += item.rows if isinstance(item, CodedRows) else 1
            if self.keep:
                self.kept.append(item)
            yield item


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


def weight_uncertainty(
    pack: Pack, used: Weights, question_scores: dict[str, float | None], overall: Overall, draws: int, seed: int
) -> Uncertainty | None:
    """Spread of the overall score when every weight moves by up to ±25 %, and how often the grade holds."""
    if overall.score is None:
        return None
    import numpy as np

    rng = np.random.default_rng(seed)
    totals = np.array([aggregate(pack, perturb(used, rng), question_scores).overall.score for _ in range(draws)])
    p5, p95 = np.percentile(totals, [5, 95])
    same = sum(pack.grade(round(float(t), SCORE_DECIMALS)).id == overall.grade for t in totals)
    return Uncertainty(
        draws=draws,
        seed=seed,
        spread=UNCERTAINTY_SPREAD,
        p5=round(float(p5), SCORE_DECIMALS),
        p95=round(float(p95), SCORE_DECIMALS),
        grade_stability=round(same / draws, SHARE_DECIMALS),
    )


def score_warnings(pack: Pack, tallies: dict[str, QuestionTally], result: ScoreResult) -> list[Notice]:
    """Non-fatal findings a reader of the score must see: thin data, unanswered required items, odd sources."""
    warnings = []
    if result.overall.score is None:
        warnings.append(
            bilingual(
                "没有可计分的回答，无法得出总分（也无法估计权重不确定性）",
                "no scored answers, so there is no overall score (and no weight uncertainty)",
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
