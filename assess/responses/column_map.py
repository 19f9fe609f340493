"""A mapping from a file's column headers to the pack's questions, for surveys whose wording differs.

Someone who typed the questionnaire into 问卷星 by hand rarely copied every title exactly, so the titles
do not match. `assess import FILE --suggest-map -o map.yaml` writes a draft: every column that is not
metadata, the question whose title comes closest, and how close (1.00 is the same text). The user checks
it, corrects or empties a line (empty: the column is not a question, it is set aside), and passes it with
`--map map.yaml`; the file is then read as if its headers had been the questions' own.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from assess.errors import Problem, ProblemsError
from assess.packs.model import Pack, Question
from assess.packs.yamlio import load_yaml
from assess.responses.formats import format_of
from assess.responses.survey_format import METADATA, OPTIONS, QUESTION, SET_ASIDE
from assess.responses.tabular import Table
from assess.responses.titles import normalized, similarity, title_candidates

SURE = 0.999  # a title the same once numbering, spaces and punctuation are set aside
MAPPED = 0.8  # a guess at least this close is written as a mapping (to check); below it the line is null
CLOSE_ENOUGH = 0.5  # below this the draft names no guess at all


@dataclass(frozen=True)
class Suggestion:
    """A column and the question whose title comes closest; `kind` is `question` (a mapping line, null when
    below `MAPPED`), `options` (a multi-select's one-column-per-option, read by its options), `set_aside` (a
    ranking question's or another option column of no multi-select) or `metadata`."""

    header: str
    question: Question | None
    confidence: float
    kind: str = QUESTION


def suggest_map(table: Table, pack: Pack) -> list[Suggestion]:
    """A suggestion for every column of the table, metadata and option columns included; what a column is
    comes from the table's format (`formats`)."""
    titles = [(normalized(text), q) for _, _, q in pack.questions() for text in (q.title.zh, q.title.en, q.id)]
    kind_of = format_of(table.header).column_kind
    suggestions = []
    for header in table.header:
        kind = kind_of(header, table.header, pack)
        if kind != QUESTION:
            suggestions.append(Suggestion(header, None, 0.0, kind))
            continue
        best, ratio = None, 0.0
        for wanted in {normalized(text) for text in title_candidates(header)}:
            for title, question in titles:
                score = similarity(wanted, title)
                if score > ratio:
                    best, ratio = question, score
        suggestions.append(Suggestion(header, best if ratio >= CLOSE_ENOUGH else None, ratio))
    return suggestions


def map_text(suggestions: list[Suggestion], source: str, pack: Pack) -> str:
    """The draft as YAML with one commented line per column, for a person to check. A guess below `MAPPED`
    is never written as a mapping: the line is null and the guess is in its comment."""
    lines = [
        f"# {source} 的列与指标包 {pack.id} 题目的对照表，由 assess import --suggest-map 生成。",
        "# 请逐行核对：冒号右边是题目编号；留空（写 null）表示此列不是题目、读取时略过。",
        f"# 相似度低于 {MAPPED:.2f} 的猜测不会写成对照，只写在注释里（null），请核对后自行填写。",
        "# 核对后用 --map 此文件 读取数据。 / Check every line: the right side is the question id; null sets the",
        f"# column aside. A guess less than {MAPPED:.2f} alike is never written as a mapping: the line is null and",
        "# the guess is in its comment. Then pass this file with --map.",
        f"pack: {json.dumps(pack.id, ensure_ascii=False)}",
        "columns:",
    ]
    for s in suggestions:
        lines.append(map_line(s))
    return "\n".join(lines) + "\n"


def map_line(s: Suggestion) -> str:
    header = json.dumps(s.header, ensure_ascii=False)
    if s.kind == METADATA:
        return f"  # {header}: 元数据列，不是题目 / metadata, not a question"
    if s.kind == OPTIONS:
        return f"  # {header}: 多选题的选项列，按选项读取 / a multi-select's option column, read by its option"
    if s.kind == SET_ASIDE:
        return (f"  {header}: null  # 排序题或指标包中没有的按选项分列的题，不计分 "
                "/ a ranking question or the like: not scored")
    if s.question is None:
        return f"  {header}: null  # {s.confidence:.2f} 未找到相近的题目 / no close question"
    title = f"{s.question.id}「{s.question.title.zh}」"
    if s.confidence < MAPPED:
        return (f"  {header}: null  # {s.confidence:.2f} 猜测 {title}，低于 {MAPPED:.2f} 未采用，请核对 "
                f"/ guess below {MAPPED:.2f}, not used: check")
    sure = "" if s.confidence >= SURE else " 请核对 / check"
    return f"  {header}: {json.dumps(s.question.id)}  # {s.confidence:.2f} {title}{sure}"


def load_map(path: Path | str, pack: Pack) -> dict[str, str | None]:
    """The checked mapping, header -> question id (None: set aside); every wrong line is reported together."""
    located = load_yaml(path)
    data = located.data if isinstance(located.data, dict) else {}
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise ProblemsError([Problem(str(path), located.line_of(("columns",)), "columns", (
            "对照表应有 columns: 一节，每行为 \"列名\": 题目编号 / the map needs a `columns:` block of "
            "\"header\": question-id lines (write one with assess import --suggest-map)"
        ))])
    ids = {q.id for _, _, q in pack.questions()}
    problems = []
    mapping: dict[str, str | None] = {}
    for header, target in columns.items():
        if target is not None and str(target) not in ids:
            close = difflib.get_close_matches(str(target), sorted(ids), n=3)
            hint = f"；是否指 {'、'.join(close)}？ / did you mean {', '.join(close)}?" if close else ""
            problems.append(Problem(str(path), located.line_of(("columns", header)), str(header), (
                f"指标包 {pack.id} 中没有题目 '{target}'{hint} / pack {pack.id} has no question '{target}'"
            )))
        mapping[str(header)] = None if target is None else str(target)
    if problems:
        raise ProblemsError(problems)
    return mapping


def mapped_table(table: Table, mapping: dict[str, str | None], pack: Pack) -> Table:
    """The table as if its headers were the questions' own: a mapped column is headed by the question as its
    format names one (`SurveyFormat.mapped_header`); a column mapped to nothing is left out."""
    questions = {q.id: q for _, _, q in pack.questions()}
    heading = format_of(table.header).mapped_header
    keep = [i for i, h in enumerate(table.header) if h not in mapping or mapping[h] is not None]
    header = []
    for i in keep:
        target = mapping.get(table.header[i])
        if target is None:
            header.append(table.header[i])
        else:
            header.append(heading(questions[target], len(header)))

    def read():
        rows = table.read()
        next(rows, None)
        yield header
        for row in rows:
            yield [row[i] if i < len(row) else "" for i in keep]

    return Table(table.name, table.kind, header, read, table.encoding)
