"""A score for people (a short table in Chinese or English) and for spreadsheets (one CSV row per element).

`assess score` prints what these functions return; the JSON form is the `ScoreResult` model itself.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from assess.i18n import Lang, Vocabulary
from assess.scoring.reliability import weak_items
from assess.scoring.results import IndicatorScore, Reliability, ScoreResult

WORDS = Vocabulary({
    "heading": ("党建引领社区治理评估得分", "Party-building-led community governance score"),
    "pack": ("指标包", "Pack"),
    "weights": ("权重", "weights"),
    "declared": ("指标包设定权重", "declared"),
    "equal": ("等权重", "equal"),
    "ahp": ("层次分析法（AHP）", "AHP"),
    "respondents": ("份个人问卷", "individual questionnaires"),
    "overall": ("总分", "Overall"),
    "grade": ("等级", "Grade"),
    "coverage": ("覆盖率", "Coverage"),
    "dimension": ("维度 / 指标", "Dimension / indicator"),
    "score": ("得分", "Score"),
    "target": ("目标", "Target"),
    "gap": ("差距", "Gap"),
    "below_target": ("▼ 低于目标分，差距即行动计划要补的分", "▼ below target; the gap is what an action plan works on"),
    "weak_item": ("弱题", "weak item"),
    "alpha_if_deleted": ("删除后 α", "alpha if deleted"),
    "item_total": ("题总相关", "item-total r"),
    "insufficient": ("数据不足", "insufficient data"),
    "uncertainty": ("不确定性", "Uncertainty"),
    "range": ("90% 区间", "90 % interval"),
    "se": ("标准误", "standard error"),
    "sampling": ("居民抽样", "residents resampled"),
    "weights_shaken": ("权重 ±", "weights ±"),
    "stability": ("等级不变", "grade unchanged in"),
    "draws": ("次抽样", "draws"),
    "reliability": ("信度（居民题 Cronbach's α）", "Reliability (Cronbach's alpha, resident items)"),
    "items": ("题", "items"),
    "complete": ("完整作答", "complete respondents"),
    "not_reported": ("不报告", "not reported"),
    "warnings": ("提示", "Warnings"),
    "groups": ("分组得分", "Scores by group"),
    "respondents_n": ("人数", "Residents"),
    "too_few": ("人数太少，不计分", "too few to score"),
    "none": ("—", "—"),
})


word = WORDS.word


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def score_table(result: ScoreResult, lang: Lang, question_titles: Mapping[str, str] | None = None) -> str:
    """The readable summary: overall score and grade, each dimension with its indicators, reliability with
    its weak items (by their titles, when `question_titles` gives them), then the warnings."""
    lines = header_lines(result, lang)
    lines += ["", *dimension_lines(result, lang)]
    if result.groups:
        lines += ["", *group_lines(result, lang)]
    if result.reliability:
        lines += ["", *reliability_lines(result, lang, question_titles or {})]
    if result.warnings:
        lines += ["", f"{word('warnings', lang)}:"]
        lines += [f"  - {w.get(lang)}" for w in result.warnings]
    return "\n".join(lines)


def header_lines(result: ScoreResult, lang: Lang) -> list[str]:
    community = result.community
    place = ", ".join(p for p in (community.city, community.district, community.street) if p)
    title = f"{word('heading', lang)}: {community.name}" + (f" ({place})" if place else "")
    if result.assessed_on:
        title += f"  {result.assessed_on}"
    pack = Path(result.pack.file).name if lang == "zh" else result.pack.id  # Chinese output names no pack id
    method = f"{word('pack', lang)} {pack} {result.pack.version} [{result.pack.hash}], "
    method += f"{word('weights', lang)}: {word(result.method.weights, lang)}"
    if result.respondents:
        method += f", {result.respondents} {word('respondents', lang)}"
    overall = result.overall
    grade = overall.grade_label.get(lang) if overall.grade_label else word("none", lang)
    lines = [
        title,
        method,
        f"{word('overall', lang)}: {number(overall.score)}   {word('grade', lang)}: {grade}   "
        f"{word('coverage', lang)}: {overall.coverage:.0%}",
    ]
    if result.uncertainty:
        lines.extend(uncertainty_lines(result, lang))
    return lines


def uncertainty_lines(result: ScoreResult, lang: Lang) -> list[str]:
    """The overall score's standard error and 90 % interval, what the draws varied, and the sampling note."""
    u = result.uncertainty
    varied = [word("sampling", lang)] if "sampling" in u.sources else []
    if "weights" in u.sources:
        varied.append(f"{word('weights_shaken', lang)}{u.spread:.0%}")
    lines = [
        f"{word('uncertainty', lang)} ({' + '.join(varied)}, {u.draws} {word('draws', lang)}): "
        f"{word('se', lang)} {u.se:.2f}, {word('range', lang)} {u.low:.2f}–{u.high:.2f}, "
        f"{word('stability', lang)} {u.grade_stability:.0%}"
    ]
    if u.sampling_note is not None:
        lines.append(u.sampling_note.get(lang))
    return lines


INDICATOR_INDENT = "  "
BELOW_TARGET = "▼"
COLUMN = 10


def dimension_lines(result: ScoreResult, lang: Lang) -> list[str]:
    """Each dimension (score, grade, coverage) followed by its indicators (score, coverage, target, gap).

    An indicator below its target is marked, as the report marks it weak: that gap is what the plan works on.
    """
    by_dimension: dict[str, list[IndicatorScore]] = {}
    for ind in result.indicators:
        by_dimension.setdefault(ind.dimension, []).append(ind)
    titles = [d.title.get(lang) for d in result.dimensions]
    titles += [INDICATOR_INDENT + i.title.get(lang) for i in result.indicators]
    width = max(display_width(t) for t in [*titles, word("dimension", lang)]) + 2
    heads = ("score", "grade", "coverage", "target", "gap")
    lines = [(pad(word("dimension", lang), width) + "".join(pad(word(h, lang), COLUMN) for h in heads)).rstrip()]
    for dim in result.dimensions:
        grade = dim.grade_label.get(lang) if dim.grade_label else word("none", lang)
        cells = [number(dim.score), grade, f"{dim.coverage:.0%}", "", ""]
        note = word("insufficient", lang) if dim.insufficient_data else ""
        lines.append(table_row(dim.title.get(lang), width, cells, note))
        for ind in by_dimension.get(dim.id, []):
            gap = number(ind.gap) if ind.gap else ""
            cells = [number(ind.score), "", f"{ind.coverage:.0%}", f"{ind.target:g}", gap]
            lines.append(table_row(INDICATOR_INDENT + ind.title.get(lang), width, cells, BELOW_TARGET if gap else ""))
    if any(ind.gap for ind in result.indicators):
        lines.append(word("below_target", lang))
    return lines


def group_lines(result: ScoreResult, lang: Lang) -> list[str]:
    """One table per --group-by column: each group's overall and dimension scores, groups in natural order."""
    lines: list[str] = []
    dims = [(d.id, d.title.get(lang)) for d in result.dimensions]
    for column in dict.fromkeys(g.column for g in result.groups):
        groups = [g for g in result.groups if g.column == column]
        width = max(display_width(column), *(display_width(g.value) for g in groups)) + 2
        lines += [f"{word('groups', lang)}: {column}",
                  pad(column, width) + "\t".join([word("respondents_n", lang), word("overall", lang)]
                                                   + [title for _, title in dims])]
        for g in groups:
            cells = [str(g.respondents)] + ([word("too_few", lang)] if g.too_few else
                                            [number(g.overall), *(number(g.dimensions.get(d)) for d, _ in dims)])
            lines.append(pad(g.value, width) + "\t".join(cells))
        lines.append("")
    return lines[:-1]


def table_row(title: str, width: int, cells: list[str], note: str) -> str:
    return (pad(title, width) + "".join(pad(c, COLUMN) for c in cells) + note).rstrip()


def reliability_lines(result: ScoreResult, lang: Lang, question_titles: Mapping[str, str]) -> list[str]:
    titles = {d.id: d.title.get(lang) for d in result.dimensions}
    lines = [f"{word('reliability', lang)}:"]
    for rel in result.reliability:
        alpha = f"α = {rel.alpha:.2f}" if rel.alpha is not None else word("not_reported", lang)
        counts = f"{rel.items} {word('items', lang)}, {word('complete', lang)} {rel.complete_respondents}"
        note = f"; {rel.note.get(lang)}" if rel.note else ""
        lines.append(f"  {titles.get(rel.dimension, rel.dimension)}: {alpha} ({counts}{note})")
        lines += weak_item_lines(rel, lang, question_titles)
    return lines


def weak_item_lines(rel: Reliability, lang: Lang, question_titles: Mapping[str, str]) -> list[str]:
    """The items that do not hang together with the rest, each with the figure that gives it away."""
    lines = []
    for item in weak_items(rel):
        figures = []
        if item.alpha_if_deleted is not None:
            figures.append(f"{word('alpha_if_deleted', lang)} {item.alpha_if_deleted:.2f}")
        if item.item_total_correlation is not None:
            figures.append(f"{word('item_total', lang)} {item.item_total_correlation:.2f}")
        title = question_titles.get(item.question, item.question)
        lines.append(f"    ! {word('weak_item', lang)} “{title}”: {', '.join(figures)}")
    return lines


CSV_COLUMNS = ("level", "id", "parent", "score", "weight", "coverage")


def score_csv(result: ScoreResult) -> str:
    """One row per element, overall first; unanswered scores are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(("overall", result.pack.id, "", cell(result.overall.score), 1, result.overall.coverage))
    for d in result.dimensions:
        writer.writerow(("dimension", d.id, result.pack.id, cell(d.score), d.weight, d.coverage))
    for i in result.indicators:
        writer.writerow(("indicator", i.id, i.dimension, cell(i.score), i.weight, i.coverage))
    for q in result.questions:
        writer.writerow(("question", q.id, q.indicator, cell(q.score), q.weight, 0 if q.score is None else 1))
    return buffer.getvalue()


def cell(value: float | None) -> str | float:
    return "" if value is None else value
