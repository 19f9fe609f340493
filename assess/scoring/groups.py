"""Scores by group of residents (`--group-by 楼栋`): which buildings, age groups or members rate what lowest.

Each group is scored as the whole community is, on the same committee answers and weights, with only its
own residents counted; the difference between groups is then the residents' difference alone. Groups of
fewer than `MIN_GROUP_SIZE` residents are shown as "too few" without a score: a mean of three neighbours
is neither reliable nor anonymous.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from assess.responses.answer_file import RespondentEntry
from assess.scoring.results import GroupScore, ScoreResult

MIN_GROUP_SIZE = 10
UNSAID = "（未填）"  # the group of residents who left the column empty


def group_scores(
    columns: Iterable[str], residents: list[RespondentEntry], score: Callable[[list[RespondentEntry]], ScoreResult]
) -> list[GroupScore]:
    """Every group of every column, in order of first appearance; `score` scores a subset of residents."""
    found: list[GroupScore] = []
    for column in columns:
        members: dict[str, list[RespondentEntry]] = {}
        for entry in residents:
            members.setdefault(entry.groups.get(column) or UNSAID, []).append(entry)
        for value, people in members.items():
            if len(people) < MIN_GROUP_SIZE:
                found.append(GroupScore(column=column, value=value, respondents=len(people), too_few=True))
                continue
            result = score(people)
            found.append(GroupScore(
                column=column, value=value, respondents=len(people), too_few=False, overall=result.overall.score,
                dimensions={d.id: d.score for d in result.dimensions},
            ))
    return found
