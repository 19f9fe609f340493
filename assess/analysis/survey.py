"""A community's resident survey as matrices: one row per respondent, one column per scored resident item.

`raw` holds each answer on the item's own scale (a likert point, 1/0 for yes–no, a number; NaN for a
choice, whose options have no order of their own, and for no answer); `scores` holds the 0–100 score the
scoring method gives the answer (`scoring.collect.normalize`, reverse items turned), which reliability,
validity and the fuzzy evaluation use, as the per-dimension alpha of `assess score` does.

The residents' file is read as `assess score` reads it (`responses.fold_residents`): by column where the
responses stage can, else row by row. Either way each item becomes codes into its few distinct answers, and
only those distinct answers are converted in Python; the matrices are then one NumPy take per item. The
respondents' ids and answers, which only the data exports need, are kept when asked (`rows=True`), which
has every respondent read row by row, with the cells of the file's columns of no question (性别, 楼栋, 备注)
as each respondent's attributes, for the exports to give back as they came.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from assess.packs.loading import LoadedPack
from assess.packs.model import SCORED_TYPES, Pack, Question
from assess.responses import CodedRows, entry_blocks, fold_residents
from assess.responses.answer_file import load_answer_file
from assess.responses.reading import DEFAULT_READING, ReadNotes, ReadOptions
from assess.responses.respondents import residents_of
from assess.scoring.collect import remembered_normalize

RESIDENT = "resident"


@dataclass(frozen=True)
class Survey:
    pack: LoadedPack
    community: str
    items: list[Question]
    dimension_of: dict[str, str]  # item id -> dimension id
    raw: np.ndarray  # respondents × items
    scores: np.ndarray  # respondents × items, 0–100
    tallies: dict[str, Counter]  # item id -> answers counted by option (likert point, yes/no, option id)
    answered: dict[str, int]  # item id -> respondents who answered it
    groups: list[dict[str, str]]
    warnings: list[tuple[str, str]]
    notes: list[tuple[str, str]]  # the columns the reading left out (`ReadNotes.summary`)
    ids: list[str] | None = None  # respondent ids in file order, kept with `rows=True` (the exports)
    answers: list[dict[str, Any]] | None = None  # each respondent's canonical answers to the items, likewise
    attributes: list[dict[str, str]] | None = None  # each respondent's cells of the columns of no question, likewise

    @property
    def respondents(self) -> int:
        return int(self.raw.shape[0])

    def dimension_items(self) -> dict[str, list[int]]:
        """Column positions of each dimension's items, in pack order (dimensions without items left out)."""
        found: dict[str, list[int]] = {}
        for j, item in enumerate(self.items):
            found.setdefault(self.dimension_of[item.id], []).append(j)
        return found


def resident_items(pack: Pack) -> tuple[list[Question], dict[str, str]]:
    items, dimension_of = [], {}
    for dim, _, q in pack.questions():
        if q.respondent == RESIDENT and q.type in SCORED_TYPES:
            items.append(q)
            dimension_of[q.id] = dim.id
    return items, dimension_of


def raw_value(question: Question, value: Any) -> float:
    if value is None or question.type in ("choice", "multi_choice"):
        return np.nan
    if question.type == "yes_no":
        return 1.0 if value else 0.0
    return float(value)


def share_keys(question: Question, value: Any) -> list[str]:
    """What an answer counts for in the item's shares: its likert point, yes or no, or its options."""
    if question.type == "likert":
        return [str(value)]
    if question.type == "yes_no":
        return ["yes" if value else "no"]
    if question.type == "choice":
        return [value]
    if question.type == "multi_choice":
        return list(value)
    return []


@dataclass
class ItemColumn:
    """One item's answers as blocks of codes into tables of distinct canonical values (-1: unanswered), as
    the responses stage codes them (`responses.CodedRows`; a table may grow as later blocks are read)."""

    question: Question
    blocks: list[tuple[np.ndarray, list[Any]]] = field(default_factory=list)

    def matrices(self) -> tuple[np.ndarray, np.ndarray, Counter, int]:
        """(raw, scores, tally, answered) of the item over every block, in order."""
        score = remembered_normalize(self.question)
        tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        raws, scores, tally, answered = [], [], Counter(), 0
        for codes, values in self.blocks:
            if id(values) not in tables:  # the table is complete now: every block has been read
                tables[id(values)] = (
                    np.array([raw_value(self.question, v) for v in values] + [np.nan]),
                    np.array([np.nan if (s := score(v)) is None else s for v in values] + [np.nan]),
                )
            raw_table, score_table = tables[id(values)]
            raws.append(raw_table[codes])  # code -1 takes the NaN at the end
            scores.append(score_table[codes])
            counts = np.bincount(codes[codes >= 0], minlength=len(values))
            for value, count in zip(values, counts.tolist(), strict=True):
                if count:
                    answered += count
                    for key in share_keys(self.question, value):
                        tally[key] += count
        return joined(raws), joined(scores), tally, answered

    def values_at(self) -> list[Any]:
        """Each respondent's canonical answer (None: unanswered), for the exports."""
        return [None if c < 0 else values[c] for codes, values in self.blocks for c in codes.tolist()]


def joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0)


class SurveyFold:
    """The fold `fold_residents` runs over the respondents' blocks: each item's column of codes, and the ids
    and groups of respondents read row by row (and their attributes, when `attributes`)."""

    def __init__(self, items: list[Question], attributes: bool = False):
        self.columns = [ItemColumn(q) for q in items]
        self.ids: list[str] = []
        self.groups: list[dict[str, str]] = []
        self.attributes: list[dict[str, str]] | None = [] if attributes else None
        self.count = 0

    def __call__(self, blocks: Iterable[CodedRows]) -> SurveyFold:
        for block in blocks:
            self.add_coded(block)
        return self

    def add_coded(self, block: CodedRows) -> None:
        coded = {qid: (codes, values) for qid, codes, values in block.columns}
        for column in self.columns:
            codes, values = coded.get(column.question.id, (None, []))
            if codes is None:
                codes = np.full(block.rows, -1, dtype=np.int64)
            column.blocks.append((np.asarray(codes, dtype=np.int64), values))
        people = block.people
        if people is None:  # read by column, which reads neither groups nor attributes (`columnar_options`)
            self.groups += [{}] * block.rows
            if self.attributes is not None:
                self.attributes += [{}] * block.rows
        else:
            self.ids += [person.id for person in people]
            self.groups += [person.groups for person in people]
            if self.attributes is not None:
                self.attributes += [person.attributes for person in people]
        self.count += block.rows


def load_survey(answers: Path | str, respondents: Path | str | None = None, pack_ref: str | None = None,
                reading: ReadOptions = DEFAULT_READING, rows: bool = False) -> Survey:
    """The answer file's respondents and those of the residents' file, checked as `assess score` checks them.
    With `rows`, every respondent's id, answers and attributes are kept too (the SPSS and Excel data exports
    need them)."""
    loaded = load_answer_file(answers, pack_ref)
    notes = ReadNotes()
    items, dimension_of = resident_items(loaded.pack.pack)
    respondents = residents_of(loaded, respondents)
    if rows:
        reading = replace(reading, attributes=True)

    def folded(blocks: Iterable[CodedRows]) -> SurveyFold:
        """A fresh fold each time: a columnar reading that gives up is run again row by row."""
        own = entry_blocks(loaded.data.respondents, loaded.pack.pack)
        return SurveyFold(items, attributes=rows)(itertools.chain(own, blocks))

    every_row = (lambda entries: entries) if rows else None  # a watch sees every respondent: read row by row
    fold, _ = fold_residents(respondents, loaded.pack, loaded.respondent_places(), folded, reading, notes, every_row)
    shape = (fold.count, len(items))
    raw, scores = np.full(shape, np.nan), np.full(shape, np.nan)
    tallies, answered = {}, {}
    for j, column in enumerate(fold.columns):
        raw[:, j], scores[:, j], tallies[column.question.id], answered[column.question.id] = column.matrices()
    kept = None
    if rows:
        by_item = [column.values_at() for column in fold.columns]
        kept = [{q.id: by_item[j][n] for j, q in enumerate(items) if by_item[j][n] is not None}
                for n in range(fold.count)]
    return Survey(loaded.pack, loaded.data.community.name, items, dimension_of, raw, scores, tallies, answered,
                  fold.groups, notes.warnings, notes.summary(), fold.ids if rows else None, kept, fold.attributes)
