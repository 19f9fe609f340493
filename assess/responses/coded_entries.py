"""Respondents read one at a time (an answer file, a 问卷星 download, answers given in code), coded into the
blocks the columnar reader yields (`columnar.CodedRows`), so that scoring and analysis fold one kind of item
whichever reader read the file.

Each question's answers become codes into a table of its distinct canonical values, shared by the blocks as
a columnar reader's is (a multi-choice's list is found by its tuple); a text answer is coded as one value, as
the columnar reader codes it, since its words enter no score. The codes index the same canonical values the
entries hold, so a fold gets exactly the answers it got entry by entry.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from assess.packs.model import Pack
from assess.responses.answer_file import RespondentEntry
from assess.responses.columnar import TEXT_VALUE, CodedRows

BLOCK_ROWS = 4096  # respondents coded at a time


def entry_blocks(entries: Iterable[RespondentEntry], pack: Pack) -> Iterator[CodedRows]:
    """The respondents in blocks of `BLOCK_ROWS`, each carrying its respondents as `people`."""
    coder = EntryCoder(pack)
    people = iter(entries)
    while block := list(itertools.islice(people, BLOCK_ROWS)):
        yield coder.coded(block)


class EntryCoder:
    """Per question, the distinct values met so far (by key) and their table, shared by every block."""

    def __init__(self, pack: Pack):
        self.texts = {q.id for _, _, q in pack.questions() if q.type == "text"}
        self.tables: dict[str, tuple[dict[Any, int], list[Any]]] = {}

    def coded(self, people: list[RespondentEntry]) -> CodedRows:
        answered = dict.fromkeys(qid for person in people for qid in person.answers)
        return CodedRows(len(people), [self.column(qid, people) for qid in answered], people)

    def column(self, qid: str, people: list[RespondentEntry]) -> tuple[str, np.ndarray, list[Any]]:
        index, values = self.tables.setdefault(qid, ({None: -1}, []))
        answers = [person.answers.get(qid) for person in people]
        if qid in self.texts:
            answers = [None if a is None else TEXT_VALUE for a in answers]
        keys = [tuple(a) if isinstance(a, list) else a for a in answers]
        for key, answer in zip(keys, answers, strict=True):
            if key not in index:
                index[key] = len(values)
                values.append(answer)
        return qid, np.array([index[key] for key in keys], dtype=np.int64), values
