"""A community's resident survey as matrices: one row per respondent, one column per scored resident item.

`raw` holds each answer on the item's own scale (a likert point, 1/0 for yes–no, a number; NaN for a
choice, whose options have no order of their own, and for no answer); `scores` holds the 0–100 score the
scoring method gives the answer (`scoring.collect.normalize`, reverse items turned), which reliability,
validity and the fuzzy evaluation use, as the per-dimension alpha of `assess score` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assess.packs.loading import LoadedPack
from assess.packs.model import SCORED_TYPES, Pack, Question
from assess.responses.answer_file import RespondentEntry, load_answer_file
from assess.responses.reading import DEFAULT_READING, ReadNotes, ReadOptions
from assess.responses.respondents import read_respondents, residents_of
from assess.scoring.collect import remembered_normalize

RESIDENT = "resident"


@dataclass(frozen=True)
class Survey:
    pack: LoadedPack
    community: str
    items: list[Question]
    dimension_of: dict[str, str]  # item id -> dimension id
    ids: list[str]  # respondent ids, in file order
    answers: list[dict[str, Any]]  # canonical answers per respondent (for option shares)
    raw: np.ndarray  # respondents × items
    scores: np.ndarray  # respondents × items, 0–100
    groups: list[dict[str, str]]
    warnings: list[tuple[str, str]]
    notes: list[tuple[str, str]]  # the columns the reading left out (`ReadNotes.summary`)

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


def load_survey(answers: Path | str, respondents: Path | str | None = None, pack_ref: str | None = None,
                reading: ReadOptions = DEFAULT_READING) -> Survey:
    """The answer file's respondents and those of the residents' file, checked as `assess score` checks them."""
    loaded = load_answer_file(answers, pack_ref)
    notes = ReadNotes()
    entries: list[RespondentEntry] = list(loaded.data.respondents)
    respondents = residents_of(loaded, respondents)
    if respondents is not None:
        entries += list(read_respondents(respondents, loaded.pack, loaded.respondent_places(), reading, notes))
    items, dimension_of = resident_items(loaded.pack.pack)
    raw = np.array([[raw_value(q, e.answers.get(q.id)) for q in items] for e in entries], dtype=float)
    scored = [remembered_normalize(q) for q in items]  # the few values a closed question gets, scored once
    scores = np.array([[np.nan if (s := score(e.answers.get(q.id))) is None else s
                        for q, score in zip(items, scored, strict=True)] for e in entries], dtype=float)
    shape = (len(entries), len(items))
    return Survey(loaded.pack, loaded.data.community.name, items, dimension_of, [e.id for e in entries],
                  [e.answers for e in entries], raw.reshape(shape), scores.reshape(shape),
                  [e.groups for e in entries], notes.warnings, notes.summary())
