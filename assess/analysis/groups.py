"""Statistics per group of respondents (`assess analyze --group-by 楼栋`): how many answered, the overall and
dimension scores' descriptives, and Cronbach's alpha over all items, for every value of every group column.

As in scoring (`assess.scoring.groups`), a group of fewer than `MIN_GROUP_SIZE` respondents is counted but
not described: a mean of three neighbours is neither reliable nor anonymous. Each column states its smallest
group, the size a thesis must report beside any comparison of groups.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from assess.analysis.alpha import cronbach
from assess.analysis.descriptives import stats_of
from assess.scoring.groups import MIN_GROUP_SIZE, UNSAID


def group_columns(groups: list[dict[str, str]]) -> list[str]:
    """The group columns, in the order they first appear."""
    return list(dict.fromkeys(column for row in groups for column in row))


def group_statistics(result: Any) -> list[dict]:
    """Per column: its smallest group and every group's statistics (JSON-ready); `result` is an
    `analysis.run.Analysis` (not imported: run imports this module)."""
    survey = result.survey
    ids = [q.id for q in survey.items]
    dims = [d.id for d in survey.pack.pack.dimensions]
    found = []
    for column in group_columns(survey.groups):
        members: dict[str, list[int]] = {}
        for row, groups in enumerate(survey.groups):
            members.setdefault(groups.get(column) or UNSAID, []).append(row)
        rows = []
        for value, people in members.items():
            entry: dict = {"value": value, "respondents": len(people), "too_few": len(people) < MIN_GROUP_SIZE}
            if not entry["too_few"]:
                chosen = np.array(people)
                alpha = cronbach("overall", ids, survey.scores[chosen], result.missing)
                entry.update(overall=asdict(stats_of(result.respondent_overall[chosen])),
                             dimensions={d: stats_of(result.respondent_dimensions[chosen, k]).mean
                                         for k, d in enumerate(dims)},
                             alpha=alpha.alpha, alpha_respondents=alpha.respondents)
            rows.append(entry)
        found.append({"column": column, "smallest": min(r["respondents"] for r in rows),
                      "min_group_size": MIN_GROUP_SIZE, "groups": rows})
    return found


def group_lines(groups: list[dict], zh: bool) -> list[str]:
    """The per-group table for the terminal: n, mean and SD of the overall score, alpha."""
    lines = []
    for column in groups:
        name, smallest = column["column"], column["smallest"]
        lines += ["", f"分组统计：{name}（最小组 {smallest} 人；不足 {MIN_GROUP_SIZE} 人的组只计人数）" if zh else
                  f"By group: {name} (smallest group {smallest}; groups under {MIN_GROUP_SIZE} are counted only)"]
        lines.append("\t".join(["组", "人数", "总分均值", "标准差", "α", "α 有效人数"] if zh else
                               ["Group", "N", "Mean", "SD", "Alpha", "Alpha n"]))
        for g in column["groups"]:
            if g["too_few"]:
                lines.append("\t".join([g["value"], str(g["respondents"]), "—", "—", "—", "—"]))
                continue
            overall = g["overall"]
            lines.append("\t".join([g["value"], str(g["respondents"]), number(overall["mean"]), number(overall["sd"]),
                                    number(g["alpha"]), str(g["alpha_respondents"])]))
    return lines


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"
