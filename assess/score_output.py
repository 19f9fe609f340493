"""A score for people (a short table in Chinese or English) and for spreadsheets (one CSV row per element).

`assess score` prints what these functions return; the JSON form is the `ScoreResult` model itself.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from assess.i18n import Vocabulary
from assess.pack import Lang
from assess.results import ScoreResult

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
    "dimension": ("维度", "Dimension"),
    "score": ("得分", "Score"),
    "insufficient": ("数据不足", "insufficient data"),
    "uncertainty": ("权重不确定性", "Weight uncertainty"),
    "range": ("5%–95% 区间", "5th–95th percentile"),
    "stability": ("等级不变", "grade unchanged in"),
    "draws": ("次抽样", "draws"),
    "reliability": ("信度（居民题 Cronbach's α）", "Reliability (Cronbach's alpha, resident items)"),
    "items": ("题", "items"),
    "complete": ("完整作答", "complete respondents"),
    "not_reported": ("不报告", "not reported"),
    "warnings": ("提示", "Warnings"),
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


def score_table(result: ScoreResult, lang: Lang) -> str:
    """The readable summary: overall score and grade, each dimension, reliability, then the warnings."""
    lines = header_lines(result, lang)
    lines += ["", *dimension_lines(result, lang)]
    if result.reliability:
        lines += ["", *reliability_lines(result, lang)]
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
    method = f"{word('pack', lang)} {result.pack.id} {result.pack.version} [{result.pack.hash}], "
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
        u = result.uncertainty
        lines.append(
            f"{word('uncertainty', lang)} (±{u.spread:.0%}, {u.draws} {word('draws', lang)}): "
            f"{word('range', lang)} {u.p5:.2f}–{u.p95:.2f}, {word('stability', lang)} {u.grade_stability:.0%}"
        )
    return lines


def dimension_lines(result: ScoreResult, lang: Lang) -> list[str]:
    titles = [d.title.get(lang) for d in result.dimensions]
    width = max(display_width(t) for t in [*titles, word("dimension", lang)]) + 2
    heads = (word("score", lang), word("grade", lang), word("coverage", lang))
    lines = [(pad(word("dimension", lang), width) + "".join(pad(h, 10) for h in heads)).rstrip()]
    for dim, title in zip(result.dimensions, titles, strict=True):
        grade = dim.grade_label.get(lang) if dim.grade_label else word("none", lang)
        row = pad(title, width) + pad(number(dim.score), 10) + pad(grade, 10) + pad(f"{dim.coverage:.0%}", 10)
        if dim.insufficient_data:
            row += word("insufficient", lang)
        lines.append(row.rstrip())
    return lines


def reliability_lines(result: ScoreResult, lang: Lang) -> list[str]:
    titles = {d.id: d.title.get(lang) for d in result.dimensions}
    lines = [f"{word('reliability', lang)}:"]
    for rel in result.reliability:
        alpha = f"α = {rel.alpha:.2f}" if rel.alpha is not None else word("not_reported", lang)
        counts = f"{rel.items} {word('items', lang)}, {word('complete', lang)} {rel.complete_respondents}"
        note = f"; {rel.note.get(lang)}" if rel.note else ""
        lines.append(f"  {titles.get(rel.dimension, rel.dimension)}: {alpha} ({counts}{note})")
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
