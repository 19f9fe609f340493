"""The project's own residents' table: one row per respondent, one column per question.

A column is headed by the question's id or by its title as the questionnaire prints it (Chinese or
English, numbering and punctuation aside), so a committee worker can type paper questionnaires into Excel
under the questions' own words. An empty cell is unanswered; a multi_choice cell lists option ids separated
by spaces; an optional `respondent_id` (受访者编号) column names each respondent, else the row number does.
Rows stream past, so a million rows take little memory, and every bad cell is reported with its row and the
column header as the user wrote it, all at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.model import Pack, Question
from assess.responses.answer_file import RespondentEntry
from assess.responses.reading import (
    DEFAULT_READING,
    ReadNotes,
    ReadOptions,
    group_columns,
    group_values,
    kept_attributes,
    left_out_problem,
    no_question_problem,
    shown_columns,
)
from assess.responses.survey_format import METADATA, QUESTION, SurveyFormat
from assess.responses.tabular import ProblemList, Table, beyond_header, respondent_rows
from assess.responses.titles import TitleIndex, normalized, typed_value
from assess.responses.values import AnswerValueError, cached_reader, remembering, unknown_question_message

RESPONDENT_ID_COLUMN = "respondent_id"
ID_HEADERS = (RESPONDENT_ID_COLUMN, "受访者编号", "编号")
NONE_CHOSEN = "[]"
ID_CUTOFF = 0.8  # a column this alike a question's id (difflib's ratio) is that id mistyped


def table_respondents(
    table: Table, pack: Pack, taken: Mapping[str, str] | None = None, options: ReadOptions = DEFAULT_READING,
    notes: ReadNotes | None = None,
) -> Iterator[RespondentEntry]:
    """Respondents from the table, one per row, as a stream.

    Bad rows do not stop the reading: every problem is collected (row numbers as a spreadsheet shows them,
    the header being row 1) and raised together as `ProblemsError` once the file has been read, so a caller
    must not publish anything before the end. `taken` maps ids the answer file already uses to where (see
    `LoadedAnswers.respondent_places`).
    """
    name = table.name
    if not any(table.header):
        raise AssessError(
            f"{name}:1: 第一行为空，首行应为列名（题目编号） / row 1 is empty: the first row must be the header "
            "naming question ids (a file of blank lines holds no respondents)"
        )
    layout = table_layout(table.header, pack, name, options.group_by, options.strict)
    if notes is not None:
        notes.ignore(layout.ignored)
    yield from respondent_rows(
        table, kept_attributes(lambda row, number, problems: row_entry(row, number, layout, problems),
                               table.header, layout.ignored, options),
        lambda row, number: row_id(row, number, layout.id_column), layout.id_header, taken,
        title_row=lambda row: is_title_row(row, layout),  # `assess indicators template`: titles under the ids
    )


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    question: Question
    read: Callable[[Any], Any]


@dataclass(frozen=True)
class TableLayout:
    columns: list[Column]
    id_column: int | None
    id_header: str
    width: int
    groups: dict[int, str]
    ignored: list[str]  # headers of columns of no question, left out (and still there for --group-by)
    title_texts: list[set[str]]  # each question column's titles, normalized, to tell a row of titles


# Layouts by pack and header, worked out once (a district round reads hundreds of files of one header against
# one pack): key -> (the pack, its layout), the pack kept so that a reused id is never mistaken for it.
LAYOUTS: dict[tuple[int, tuple[str, ...], tuple[str, ...], bool], tuple[Pack, TableLayout]] = {}
MAX_LAYOUTS = 1024  # a long-running process that meets many headers starts afresh past this


def table_layout(
    header: list[str], pack: Pack, name: str, group_by: tuple[str, ...] = (), strict: bool = False
) -> TableLayout:
    """The question columns, the position of the id column and the group columns; a mistake in the header
    is fatal. A column of no question (性别, 备注, a building) is left out in `ignored`, or refused when
    `strict`; one whose header comes close to an unanswered question's title or id is taken for that question
    mistyped, and refused with the question named. A header read well once is not worked out again for the
    same pack (a refused one is, so that its problems name each file)."""
    key = (id(pack), tuple(header), tuple(group_by), strict)
    found = LAYOUTS.get(key)
    if found is None or found[0] is not pack:
        if len(LAYOUTS) >= MAX_LAYOUTS:
            LAYOUTS.clear()
        found = LAYOUTS[key] = (pack, worked_out_layout(header, pack, name, group_by, strict))
    return found[1]


def worked_out_layout(
    header: list[str], pack: Pack, name: str, group_by: tuple[str, ...], strict: bool
) -> TableLayout:
    """`table_layout` worked out afresh."""
    groups = group_columns(header, group_by, name)
    questions = {q.id: q for _, _, q in pack.questions()}
    titles = TitleIndex(pack)
    problems: list[Problem] = []
    columns: list[Column] = []
    unknown: list[str] = []
    id_column = None
    seen: dict[str, str] = {}  # question id (or the id column) -> the header that claimed it
    claimed: set[str] = set()  # the headers in `seen` (a survey may have thousands of columns)
    cache: dict[str, set[str]] = {}
    for index, column in enumerate(header):
        question = questions.get(column) or titles.question(column)
        key = RESPONDENT_ID_COLUMN if column in ID_HEADERS else question.id if question else None
        if column in claimed or (key is not None and key in seen):
            problems.append(Problem(name, 1, column, twice_message(column, seen.get(key or ""))))
        elif key == RESPONDENT_ID_COLUMN:
            id_column = index
        elif index in groups:
            pass
        elif question is not None:
            columns.append(Column(index, column, question, typed_reader(question)))
        elif not column:
            problems.append(Problem(name, 1, f"column {index + 1}", "列名为空 / empty column name"))
        elif titles.ambiguous(column):
            problems.append(Problem(name, 1, column, titles.ambiguous_message(column)))
        elif column in kobo_columns(header, pack, cache):
            problems.append(Problem(name, 1, column, (
                "这是 KoboToolbox / ODK Central 导出的列，但文件缺少提交编号列（_uuid、meta/instanceID 或 KEY）；"
                "导出时请包含元数据列 / a KoboToolbox / ODK Central column, but the file has no submission id column "
                "(_uuid, meta/instanceID or KEY): export the data with its meta columns"
            )))
        else:
            unknown.append(column)
        seen[key or column] = column
        claimed.add(column)
    ignored, mistyped = [], []
    unclaimed = Unclaimed(pack, titles, seen)
    for column in unknown:
        if strict:
            problems.append(left_out_problem(name, column, pack.id))
        elif unclaimed.mistyped(column):
            mistyped.append(column)
        else:
            ignored.append(column)
    hinted = shown_columns(mistyped)
    problems += [Problem(name, 1, column, mistyped_message(column, pack, column in hinted)) for column in mistyped]
    if ignored and not columns and not problems:
        problems.append(no_question_problem(name, header, pack.id))
    if problems:
        raise ProblemsError(problems)
    id_header = header[id_column] if id_column is not None else RESPONDENT_ID_COLUMN
    title_texts = [{normalized(c.question.title.zh), normalized(c.question.title.en)} for c in columns]
    return TableLayout(columns, id_column, id_header, len(header), groups, ignored, title_texts)


class Unclaimed:
    """The pack's questions no column of the header answers, to tell a column of no question that looks like
    one of them mistyped."""

    def __init__(self, pack: Pack, titles: TitleIndex, claimed: Mapping[str, str]):
        self.titles = titles
        self.claimed = claimed
        self.elements = {e.id for dim in pack.dimensions for e in (dim, *dim.indicators)}
        self.ids = [q.id for _, _, q in pack.questions() if q.id not in claimed]
        self.id_characters = {ch for qid in self.ids for ch in qid}
        self.shortest_id = min(map(len, self.ids), default=0)

    def mistyped(self, column: str) -> bool:
        """A dimension's or indicator's id, an id a letter or two off, or a title close to that of a question
        no other column answers."""
        near = self.titles.near(column)
        if near is not None and near.id not in self.claimed:
            return True
        return column in self.elements or (self.could_be_id(column)
                                           and bool(difflib.get_close_matches(column, self.ids, n=1, cutoff=ID_CUTOFF)))

    def could_be_id(self, column: str) -> bool:
        """Whether the column has enough of the ids' characters to be 0.8 alike one (a bound on difflib's
        ratio, which counts only characters both share): 性别 or 备注 has none."""
        shared = sum(ch in self.id_characters for ch in column)
        return bool(self.ids) and 2.0 * shared / (len(column) + self.shortest_id) >= ID_CUTOFF


def mistyped_message(column: str, pack: Pack, suggest: bool) -> str:
    """A column taken for a question mistyped; the ids meant are looked for only when `suggest` (shown)."""
    return (f"不是指标包中的题目；如果是分组列（如 楼栋、年龄段），请加 --group-by {column} / "
            f"{unknown_question_message(pack, column, suggest)}; a group column (a building, an age group) needs "
            "--group-by")


def kobo_columns(header: list[str], pack: Pack, cache: dict[str, set[str]]) -> set[str]:
    """The headers a Kobo / ODK export gives the pack's questions (to tell an export stripped of its meta
    columns), worked out once per header into `cache`."""
    if "kobo" not in cache:
        from assess.responses.kobo import column_names

        cache["kobo"] = {name for name, target in column_names(pack, header).items() if target is not None}
    return cache["kobo"]


def is_title_row(row: list[Any], layout: TableLayout) -> bool:
    """Whether a row repeats the question columns' titles: the visible header of a data-entry workbook.

    Most titles must be there, not all: the user may have retyped one (the hidden id row still maps it).
    """
    cells = [normalized(str(row[c.index])) if c.index < len(row) else "" for c in layout.columns]
    titled = sum(cell in titles for cell, titles in zip(cells, layout.title_texts, strict=True))
    return bool(cells) and titled * 2 > len(cells)


def typed_reader(question: Question) -> Callable[[Any], Any]:
    """A cell's canonical value; labels typed where ids belong are accepted (see `typed_value`)."""
    check = cached_reader(question)
    if question.type in ("text", "number"):
        return check
    if question.type == "multi_choice":  # `[]`: answered, nothing chosen (as `assess import` writes it)
        return remembering(lambda cell: [] if str(cell).strip() == NONE_CHOSEN else check(typed_value(question, cell)))
    return remembering(lambda cell: check(typed_value(question, cell)))


def twice_message(column: str, first: str | None) -> str:
    if first is None or first == column:
        return "列名重复 / column appears twice"
    return f"与 '{first}' 是同一道题 / the same question as column '{first}'"


def row_entry(row: list[Any], row_number: int, layout: TableLayout, problems: ProblemList) -> RespondentEntry | None:
    """One row as a respondent, or None after recording its problems. A short row's missing cells are empty."""
    if (message := beyond_header(row, layout.width)) is not None:
        problems.add(row_number, "", message)
        return None
    rid = row_id(row, row_number, layout.id_column)
    if not rid:
        problems.add(row_number, layout.id_header, "受访者编号为空 / empty respondent id")
    answers: dict[str, Any] = {}
    valid = bool(rid)
    for column in layout.columns:
        cell = row[column.index] if column.index < len(row) else ""
        if cell == "":
            continue
        try:
            value = column.read(cell)
        except AnswerValueError as exc:
            problems.add(row_number, column.header, str(exc))
            valid = False
            continue
        if value is not None:
            answers[column.question.id] = value
    if not valid:
        return None
    return RespondentEntry.model_construct(id=rid, answers=answers, groups=group_values(row, layout.groups))


def row_id(row: list[Any], row_number: int, id_column: int | None) -> str:
    """The row's respondent id; without an id column the row number stands in for it."""
    if id_column is None:
        return f"row-{row_number}"
    return str(row[id_column]).strip() if id_column < len(row) else ""


def column_kind(header: str, whole: list[str], pack: Pack) -> str:
    """What a column of the table is, as `--suggest-map` lists it."""
    return METADATA if header in ID_HEADERS else QUESTION


def any_header(header: list[str]) -> bool:
    """The project's table takes whatever no other format claims."""
    return True


FORMAT = SurveyFormat("table", ("居民问卷表", "a residents' table"), any_header, table_respondents, column_kind,
                      columnar=True)
