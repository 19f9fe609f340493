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
from assess.responses import kobo, residents_csv, wjx
from assess.responses.tabular import Table
from assess.responses.titles import normalized

SURE = 0.999  # a title the same once numbering, spaces and punctuation are set aside
CLOSE_ENOUGH = 0.5  # below this the draft proposes nothing


@dataclass(frozen=True)
class Suggestion:
    header: str
    question: Question | None
    confidence: float


def suggest_map(table: Table, pack: Pack) -> list[Suggestion]:
    """The closest question for each column that is not metadata (WJX's one-column-per-option columns are
    matched by their options and left out)."""
    titles = [(normalized(text), q) for _, _, q in pack.questions() for text in (q.title.zh, q.title.en, q.id)]
    suggestions = []
    for header in table.header:
        if is_metadata(header, table.header):
            continue
        wanted = normalized(header)
        best, ratio = None, 0.0
        for title, question in titles:
            score = similarity(wanted, title)
            if score > ratio:
                best, ratio = question, score
        suggestions.append(Suggestion(header, best if ratio >= CLOSE_ENOUGH else None, ratio))
    return suggestions


def similarity(typed: str, title: str) -> float:
    """How alike two normalized titles are, 0..1; a title found whole inside the typed text (words added
    around it, as people do) counts as at least 0.8."""
    if not title or not typed:
        return 0.0
    ratio = difflib.SequenceMatcher(None, typed, title).ratio()
    return max(ratio, 0.8) if title in typed else ratio


def is_metadata(header: str, whole: list[str]) -> bool:
    if wjx.is_wjx(whole):
        return header in wjx.META_COLUMNS or bool(wjx.OPTION_COLUMN.match(header))
    return kobo.is_meta(header) or header in residents_csv.ID_HEADERS or header.lower() in kobo.ID_COLUMNS


def map_text(suggestions: list[Suggestion], source: str, pack: Pack) -> str:
    """The draft as YAML with one commented line per column, for a person to check."""
    lines = [
        f"# {source} 的列与指标包 {pack.id} 题目的对照表，由 assess import --suggest-map 生成。",
        "# 请逐行核对：冒号右边是题目编号；留空（写 null）表示此列不是题目、读取时略过。",
        "# 核对后用 --map 此文件 读取数据。 / Check every line: the right side is the question id; null sets the",
        "# column aside. Then pass this file with --map.",
        f"pack: {json.dumps(pack.id, ensure_ascii=False)}",
        "columns:",
    ]
    for s in suggestions:
        target = json.dumps(s.question.id) if s.question else "null"
        title = f"「{s.question.title.zh}」" if s.question else "未找到相近的题目 / no close question"
        sure = "" if s.confidence >= SURE or not s.question else " 请核对 / check"
        lines.append(f"  {json.dumps(s.header, ensure_ascii=False)}: {target}  # {s.confidence:.2f} {title}{sure}")
    return "\n".join(lines) + "\n"


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
    """The table as if its headers were the questions' own: a mapped column is headed by the question (its
    title in a 问卷星 download, its id elsewhere); a column mapped to nothing is left out."""
    questions = {q.id: q for _, _, q in pack.questions()}
    is_wjx = wjx.is_wjx(table.header)
    keep = [i for i, h in enumerate(table.header) if h not in mapping or mapping[h] is not None]
    header = []
    for i in keep:
        target = mapping.get(table.header[i])
        if target is None:
            header.append(table.header[i])
        else:
            header.append(f"{len(header)}、{questions[target].title.zh}" if is_wjx else target)

    def read():
        rows = table.read()
        next(rows, None)
        yield header
        for row in rows:
            yield [row[i] if i < len(row) else "" for i in keep]

    return Table(table.name, table.kind, header, read, table.encoding)
