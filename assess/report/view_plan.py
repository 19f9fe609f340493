"""The action plan section: the recommended countermeasures by horizon, each with its sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assess.i18n import Lang
from assess.report.data import ReportData
from assess.report.quotes import Quotes
from assess.report.texts import LocalTexts, points, score_text

if TYPE_CHECKING:  # imported lazily at run time, where they are used
    from assess.actions.recommend import ActionSource


# -- action plan ------------------------------------------------------------------------------------------


def plan_view(data: ReportData, lang: Lang, t: LocalTexts, quotes: Quotes) -> dict[str, Any] | None:
    plan = data.plan
    if plan is None:
        return None
    from assess.actions.library import ACTOR_NAMES
    from assess.actions.recommend import dropped_note

    by_id = {a.id: a for a in plan.actions}
    separator = t["list_separator"]
    groups = []
    printed = 0  # numbered in the order printed: grouping by horizon reorders the priority ranks
    for group in plan.by_horizon:
        actions = []
        for action_id in group.actions:
            action = by_id[action_id]
            printed += 1
            actions.append(
                {
                    "rank": printed,
                    "title": action.title.get(lang),
                    "description": action.description.get(lang),
                    "priority": f"{action.priority:.2f}",
                    "effort": t["effort_" + action.effort],
                    "actors": separator.join(ACTOR_NAMES[a].get(lang) for a in action.actors),
                    "addresses": [
                        t.fill("action_addressed_item", title=a.title.get(lang), score=score_text(a.score, 1),
                               target=points(a.target))
                        for a in action.addresses
                    ],
                    "sources": [printed_source(s, lang, t, quotes) for s in action.sources],
                }
            )
        groups.append({"label": group.label.get(lang), "actions": actions})
    titles = {a.indicator: a.title.get(lang) for a in plan.weak}
    note = dropped_note(plan)
    return {
        "message": plan.message.get(lang) if plan.message else None,
        "dropped": note.get(lang) if note is not None else None,
        "shown": t.fill("actions_shown", n=len(plan.actions), total=plan.candidates)
        if len(plan.actions) < plan.candidates else None,
        "groups": groups,
        "unaddressed": [titles.get(i, i) for i in plan.unaddressed],
        "method": plan.method.formula.get(lang),
    }


def printed_source(source: ActionSource, lang: Lang, t: LocalTexts, quotes: Quotes) -> str:
    """An action's source as typeset text in the report's language (full-width brackets in Chinese);
    `recommend.source_label` stays the terminal's plain form.
    """
    if source.seed is not None:
        place = source.thesis.get(lang) if source.thesis else source.seed
        quoted = quotes.quote(source.evidence or "")
        return t.fill("action_source_thesis", place=place, evidence=quoted.text) + quoted.ref
    case = source.case_title.get(lang) if source.case_title else source.case
    practice = source.practice_title.get(lang) if source.practice_title else source.practice
    return t.fill("action_source_case", case=case, practice=practice)
