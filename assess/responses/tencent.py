"""腾讯问卷 (Tencent Questionnaire, wj.qq.com) downloads: the survey platform many communities use beside 问卷星.

A download (Excel or CSV, UTF-8) starts with the answer's metadata -- 编号, 开始答题时间, 结束答题时间,
答题时长, the 地理位置 columns, 自定义字段, IP, UA, Referrer (which appear depends on the survey's settings)
-- then one column per question headed `N.题目`. A multi-select is one column per option headed
`N.题目:选项`, holding the option's text when it was chosen and nothing when not; a matrix question is one
column per row headed `N.题干:行`. Choices are written as their option's text, scales as their point.
Public readers of these downloads show this layout (a reader of `N.题目` and 结束答题时间 columns, and a
survey analyser that treats `N.题目:选项` columns as one option each, non-empty meaning chosen); the
fixtures in tests/responses/test_tencent.py are built in it.

Questions are matched to the pack by title (see `titles`); a column of no question (性别, 楼栋) is left
out and named, as in every format; cells are read as `survey_cells` reads a survey tool's cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from assess.errors import Problem, ProblemsError
from assess.packs.model import Pack, Question
from assess.responses.answer_file import RespondentEntry
from assess.responses.reading import (
    DEFAULT_READING,
    ReadNotes,
    ReadOptions,
    group_columns,
    left_out_problem,
    no_question_problem,
)
from assess.responses.survey_cells import download_respondents
from assess.responses.survey_format import METADATA, OPTIONS, QUESTION, SurveyFormat
from assess.responses.tabular import Table
from assess.responses.titles import TitleIndex, normalized, option_labels

EMPTY_ID = "编号为空 / empty 编号 (answer number)"
ID_COLUMN = "编号"
TIME_COLUMNS = ("开始答题时间", "结束答题时间")
META_COLUMNS = frozenset({
    "编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省", "地理位置市",
    "自定义字段", "IP", "UA", "Referrer", "用户类型", "用户标识", "昵称", "来源", "渠道", "提交时间", "总分",
})
PART = re.compile(r"\s*[:：]\s*")  # `N.题目:选项`, `N.题干:行`


def is_tencent(header: list[str]) -> bool:
    """A 腾讯问卷 download begins with 编号 and has its answering-time columns."""
    return bool(header) and header[0] == ID_COLUMN and any(column in header for column in TIME_COLUMNS)


def option_column(column: str, titles: TitleIndex) -> tuple[Question, str] | None:
    """(the multi-select, the option id) of a `N.题目:选项` column, if it is one of the pack's."""
    parts = PART.split(column, maxsplit=1)
    if len(parts) != 2:
        return None
    stem, item = parts
    question = titles.question(stem)
    if question is None or question.type != "multi_choice":
        return None
    option = option_labels(question).get(normalized(item))
    return (question, option) if option else None


class Layout:
    """What each column holds: metadata, one question's answer, or one option of a multi-select; a column of no
    question is left out in `ignored` (refused when `strict`, or when it comes close to an unanswered question)."""

    def __init__(self, header: list[str], pack: Pack, name: str, group_by: tuple[str, ...] = (),
                 strict: bool = False):
        self.header = header
        self.groups = group_columns(header, group_by, name)
        self.answers: dict[int, Question] = {}
        self.options: dict[str, list[tuple[int, str]]] = {}  # question id -> [(column, option id)]
        self.questions: dict[str, Question] = {}
        self.ignored: list[str] = []
        titles = TitleIndex(pack)
        problems: list[Problem] = []
        unknown: list[str] = []
        for index, column in enumerate(header):
            if column in META_COLUMNS or index in self.groups:
                continue
            if (option := option_column(column, titles)) is not None:
                self.options.setdefault(option[0].id, []).append((index, option[1]))
                self.questions[option[0].id] = option[0]
                continue
            question = titles.question(column) or titles.question(PART.split(column)[-1])
            if question is None:
                unknown.append(column)
            elif question.id in self.questions:
                problems.append(Problem(name, 1, column, f"与另一列是同一道题（{question.id}） "
                                                         f"/ the same question as another column ({question.id})"))
            else:
                self.answers[index] = question
                self.questions[question.id] = question
        for column in unknown:
            near = titles.near(column)
            if strict or titles.ambiguous(column) or (near is not None and near.id not in self.questions):
                problems.append(Problem(name, 1, column, unknown_message(column, titles, pack.id)))
            else:
                self.ignored.append(column)
        if not self.questions and not problems:
            problems.append(no_question_problem(name, header, pack.id))
        if problems:
            raise ProblemsError(problems)


def unknown_message(column: str, titles: TitleIndex, pack_id: str) -> str:
    if titles.ambiguous(column):
        return titles.ambiguous_message(column)
    near = titles.near(column)
    if near is None:
        return left_out_problem("", column, pack_id).message
    return (f"与指标包中的题目都对不上；最接近的题目：{near.id}（{near.title.zh}）。可用 assess import --suggest-map "
            f"生成对照表 / matches no question of the pack; the closest is {near.id}")


def table_respondents(
    table: Table, pack: Pack, taken: Mapping[str, str] | None = None, options: ReadOptions = DEFAULT_READING,
    notes: ReadNotes | None = None,
) -> Iterator[RespondentEntry]:
    """The download's rows as respondents (id: 编号), every problem raised together at the end."""
    layout = Layout(table.header, pack, table.name, options.group_by, options.strict)
    if notes is not None:
        notes.ignore(layout.ignored)
    yield from download_respondents(table, layout, options, taken, ID_COLUMN, EMPTY_ID, option_text=True)


def column_kind(header: str, whole: list[str], pack: Pack) -> str:
    """What a column of a download is, as `--suggest-map` lists it."""
    if header in META_COLUMNS:
        return METADATA
    return OPTIONS if option_column(header, TitleIndex(pack)) is not None else QUESTION


def numbered_title(question: Question, position: int) -> str:
    """A mapped column headed as 腾讯问卷 heads one: `N.题目`."""
    return f"{position}.{question.title.zh}"


FORMAT = SurveyFormat("tencent", ("腾讯问卷下载", "a 腾讯问卷 download"), is_tencent, table_respondents,
                      column_kind, numbered_title)
