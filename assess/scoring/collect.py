"""Steps 1 and 2 of scoring: an answer becomes 0-100, and every source's answers are folded into sums.

Respondents are folded in blocks of `BLOCK_ROWS`: each block is a matrix of normalized scores (NaN where a
question was not answered) whose column sums are added to the running totals, and whose complete rows feed
the reliability accumulators. Respondents come one kind of way, as dictionary-encoded columns
(`responses.CodedRows`), whether the file was read by column or row by row (an answer file, a 问卷星 download,
coded by `responses.entry_blocks`), so every reader gives exactly the same sums, bit for bit, and memory does
not grow with the number of respondents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assess.packs.model import SCORED_TYPES, Pack, Question
from assess.responses.columnar import CodedRows
from assess.scoring.draws import Sample
from assess.scoring.results import Reliability

BLOCK_ROWS = 4096
RELIABILITY_RESPONDENT = "resident"


# -- step 1: one answer -> 0..100 ---------------------------------------------------------------------


def normalize(question: Question, value: Any) -> float | None:
    """A canonical answer (see `coerce_answer`) on the question's fixed 0-100 goalposts; None for text."""
    if value is None or question.type == "text":
        return None
    if question.type == "likert":
        low, high = question.scale.min, question.scale.max
        score = (value - low) / (high - low) * 100
    elif question.type == "yes_no":
        score = 100.0 if value else 0.0
    elif question.type == "choice":
        score = option_scores(question)[value]
    elif question.type == "multi_choice":
        scores = option_scores(question)
        score = min(sum(scores[option] for option in value), 100.0)
    else:
        fraction = (value - question.worst) / (question.best - question.worst)
        score = min(max(fraction, 0.0), 1.0) * 100
    return 100 - score if getattr(question, "reverse", False) else float(score)


def option_scores(question: Question) -> dict[str, float]:
    return {o.id: o.score for o in question.options}


def is_reliability_item(question: Question) -> bool:
    return question.respondent == RELIABILITY_RESPONDENT and question.type in SCORED_TYPES


# -- step 2: sources -> question scores ---------------------------------------------------------------


class QuestionTally:
    """One question's sums over every source that answered it."""

    __slots__ = ("total", "scored", "sources", "respondents", "off_type")

    def __init__(self, total: float, scored: int, sources: int, respondents: int, off_type: int) -> None:
        self.total = total
        self.scored = scored
        self.sources = sources
        self.respondents = respondents
        self.off_type = off_type  # answered by a kind of source the question is not meant for

    @property
    def score(self) -> float | None:
        return self.total / self.scored if self.scored else None


class Collector:
    """Folds the committee block and the respondents into per-question sums and reliability accumulators.

    It takes canonical answers only (see `assess.responses`): checking and coercing values is done before.
    Call `tallies()` once everything is added. With `keep`, every respondent's scores are also kept (and
    the group each belongs to in the `strata` columns), for resampling them (`sample`).
    """

    def __init__(self, pack: Pack, keep: bool = False, strata: tuple[str, ...] = ()):
        self.pack = pack
        self.questions = [q for _, _, q in pack.questions()]
        self.column = {q.id: j for j, q in enumerate(self.questions)}
        width = len(self.questions)
        self.committee: dict[str, float | None] = {}  # question id -> the committee's score (None: text)
        self.block = np.full((BLOCK_ROWS, width), np.nan, order="F")  # a question's scores lie together
        self.answered = np.zeros((BLOCK_ROWS, width), dtype=bool, order="F")
        self.filled = 0
        self.totals = [0.0] * width
        self.scored = np.zeros(width, dtype=np.int64)
        self.answers = np.zeros(width, dtype=np.int64)
        self.respondents = 0
        self.scores_of = {q.id: remembered_normalize(q) for q in self.questions}
        self.reliability = reliability_accumulators(pack, self.column)
        self.keep = keep
        self.scored_columns = [j for j, q in enumerate(self.questions) if q.type in SCORED_TYPES]
        self.strata_columns = strata
        self.kept: list[np.ndarray] = []
        self.strata: list[tuple[str | None, ...]] = []

    def add_committee(self, answers: dict[str, Any]) -> None:
        self.committee = {qid: normalize(self.questions[self.column[qid]], v)
                          for qid, v in answers.items() if v is not None}

    def add_coded(self, coded: CodedRows) -> None:
        """A block of respondents as dictionary-encoded columns: (question id, codes, canonical values), where
        a code indexes the values and -1 is unanswered; a question not among the columns is unanswered."""
        rows = coded.rows
        lookups = [(self.column[qid], codes, self.score_table(qid, values)) for qid, codes, values in coded.columns]
        if self.keep:
            self.strata.extend(self.strata_of(coded))
        start = 0
        while start < rows:
            take = min(rows - start, BLOCK_ROWS - self.filled)
            top = self.filled
            for j, codes, table in lookups:
                part = codes[start:start + take]
                self.block[top:top + take, j] = table[part]
                self.answered[top:top + take, j] = part >= 0
            start += take
            self.filled += take
            self.respondents += take
            if self.filled == BLOCK_ROWS:
                self.fold_block()

    def strata_of(self, coded: CodedRows) -> list[tuple[str | None, ...]]:
        """Each respondent's groups in the `strata` columns (a block read by column has none)."""
        if coded.people is None:
            return [(None,) * len(self.strata_columns)] * coded.rows
        return [tuple(person.groups.get(column) for column in self.strata_columns) for person in coded.people]

    def score_table(self, qid: str, values: list[Any]) -> np.ndarray:
        """The scores of the values, with NaN last so that code -1 (unanswered) looks it up."""
        scores = [self.scores_of[qid](v) for v in values]
        return np.array([np.nan if s is None else s for s in scores] + [np.nan])

    def fold_block(self) -> None:
        """Add the block's column sums to the totals (in block order, so any way of filling gives the same
        sums) and its rows to the reliability accumulators, then clear it."""
        if not self.filled:
            return
        block = self.block[: self.filled]
        sums = np.nansum(block, axis=0)
        self.totals = [total + float(s) for total, s in zip(self.totals, sums, strict=True)]
        self.scored += np.count_nonzero(~np.isnan(block), axis=0)
        self.answers += np.count_nonzero(self.answered[: self.filled], axis=0)
        for accumulator, items in self.reliability:
            accumulator.add_rows(block[:, items])
        if self.keep:
            self.kept.append(block[:, self.scored_columns].astype(np.float32))  # 4 bytes a kept answer
        self.block[: self.filled] = np.nan
        self.answered[: self.filled] = False
        self.filled = 0

    def tallies(self) -> dict[str, QuestionTally]:
        self.fold_block()
        found = {}
        for j, q in enumerate(self.questions):
            mine = self.committee.get(q.id)
            by_committee = q.id in self.committee
            respondents = int(self.answers[j])
            found[q.id] = QuestionTally(
                total=self.totals[j] + (mine or 0.0),
                scored=int(self.scored[j]) + (mine is not None),
                sources=respondents + by_committee,
                respondents=respondents,
                off_type=by_committee if q.respondent != "committee" else respondents,
            )
        return found

    def sample(self, population: int | None) -> Sample:
        """The respondents kept (`keep`), as resampling needs them: scored questions only."""
        self.fold_block()
        scored = self.scored_columns
        residents = (np.concatenate(self.kept) if self.kept
                     else np.empty((0, len(scored)), dtype=np.float32))
        codes = {key: n for n, key in enumerate(dict.fromkeys(self.strata))}
        committee = [self.committee.get(self.questions[j].id) for j in scored]
        return Sample(
            residents=residents,
            strata=np.array([codes[key] for key in self.strata], dtype=np.int64),
            committee_total=np.array([0.0 if c is None else c for c in committee]),
            committee_count=np.array([0.0 if c is None else 1.0 for c in committee]),
            population=population,
        )

    def reliability_results(self) -> list[Reliability]:
        self.fold_block()
        if not self.respondents:
            return []
        return [accumulator.result() for accumulator, _ in self.reliability]


def remembered_normalize(question: Question):
    """`normalize` for one question, remembering the scores of the few values a closed question gets."""
    if question.type in ("number", "text", "multi_choice"):
        return lambda value: normalize(question, value)
    cache: dict[Any, float | None] = {}

    def score(value: Any) -> float | None:
        try:
            return cache[value]
        except KeyError:
            cache[value] = found = normalize(question, value)
            return found

    return score


def reliability_accumulators(pack: Pack, column: dict[str, int]) -> list[tuple[Any, list[int]]]:
    """One accumulator per dimension with at least two scored resident items, with its items' columns."""
    from assess.scoring.reliability import ReliabilityAccumulator

    found = []
    for dim in pack.dimensions:
        items = [q.id for i in dim.indicators for q in i.questions if is_reliability_item(q)]
        if len(items) >= 2:
            found.append((ReliabilityAccumulator(dim.id, items), [column[q] for q in items]))
    return found
