"""Scores by group of residents (`--group-by 楼栋`): which buildings, age groups or members rate what lowest.

Each group is scored as the whole community is, on the same committee answers and weights, with only its
own residents counted; the difference between groups is then the residents' difference alone. Groups of
fewer than `MIN_GROUP_SIZE` residents are shown as "too few" without a score: a mean of three neighbours
is neither reliable nor anonymous.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assess.responses.answer_file import RespondentEntry
from assess.scoring.results import GroupScore, ScoreResult

MIN_GROUP_SIZE = 10
UNSAID = "（未填）"  # the group of residents who left the column empty


def natural_key(value: str) -> tuple:
    """Numbers in a group's name compared as numbers: 1号楼, 2号楼 … 10号楼, as people number buildings."""
    parts = re.split(r"(\d+)", value)
    return (value == UNSAID, [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p])


def group_scores(
    columns: Iterable[str], residents: list[RespondentEntry], score: Callable[[list[RespondentEntry]], ScoreResult]
) -> list[GroupScore]:
    """Every group of every column in natural order (2号楼 before 10号楼, the unsaid last); `score` scores a
    subset of residents."""
    found: list[GroupScore] = []
    for column in columns:
        members: dict[str, list[RespondentEntry]] = {}
        for entry in residents:
            members.setdefault(entry.groups.get(column) or UNSAID, []).append(entry)
        for value, people in sorted(members.items(), key=lambda item: natural_key(item[0])):
            if len(people) < MIN_GROUP_SIZE:
                found.append(GroupScore(column=column, value=value, respondents=len(people), too_few=True))
                continue
            result = score(people)
            found.append(GroupScore(
                column=column, value=value, respondents=len(people), too_few=False, overall=result.overall.score,
                dimensions={d.id: d.score for d in result.dimensions},
            ))
    return found
