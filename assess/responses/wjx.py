"""问卷星 (WJX) downloads: the platform most Chinese community surveys run on, in any of its download modes.

A download (CSV, .xls or .xlsx) starts with metadata columns -- 序号, 提交答卷时间, 所用时间, 来源, 来源详情,
来自IP -- then one column per question headed `N、题干` (or `N：`, `N.`). A multi-select is one column of
option texts joined by `┋` when downloaded 按文本, or one 0/1 column per option headed `第N题(选项)` when
downloaded 按序号; matrix rows appear as `第N题(子问题)`; "other" text follows an option as `选项〖文本〗`.
`(空)` is unanswered, `(跳过)` skipped by the survey's logic, and −2/−3 are the missing codes of 按序号.

Questions are matched to the pack by title (see `titles`): `N、题干` by its 题干, a matrix row by its 子问题,
and a multi-select's option columns by their option texts. Cells are read as 按文本 (option and scale
labels, 是/否) or 按序号 (1-based option numbers; for yes/no, 1 = 是 and 2 = 否, the order
`assess indicators questionnaire` prints), whichever a cell holds.
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
    shown_columns,
)
from assess.responses.survey_cells import download_respondents
from assess.responses.survey_format import METADATA, OPTIONS, QUESTION, SET_ASIDE, SurveyFormat
from assess.responses.tabular import Table
from assess.responses.titles import TitleIndex, normalized, option_labels, without_type

EMPTY_ID = "序号为空 / empty 序号 (submission number)"
ID_COLUMN = "序号"
META_COLUMNS = frozenset({
    "序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "来自ip", "总分", "用户ID", "微信昵称",
    "答题序号", "开始时间", "结束时间", "IP", "地区",
})
OPTION_COLUMN = re.compile(r"^第\s*(\d+)\s*题\s*[(（](.*)[)）]\s*$")


def is_wjx(header: list[str]) -> bool:
    """A WJX download begins with 序号 and has its submission-time column."""
    return bool(header) and header[0] == ID_COLUMN and "提交答卷时间" in header


RANKING = "排序题"


class Layout:
    """What each column of a download holds: metadata, one question's answer, or one option of a multi-select.

    A column of no question (性别, 楼栋, 备注) is left out in `ignored`; a ranking question's columns, and a
    question split into option columns that is no multi-select of the pack, in `set_aside`. `strict` refuses
    both; a column close to an unanswered question's title is refused as that question mistyped.
    """

    def __init__(self, header: list[str], pack: Pack, name: str, group_by: tuple[str, ...] = (),
                 strict: bool = False):
        self.header = header
        self.groups = group_columns(header, group_by, name)
        self.answers: dict[int, Question] = {}
        self.options: dict[str, list[tuple[int, str]]] = {}  # question id -> [(column, option id)]
        self.questions: dict[str, Question] = {}
        self.ignored: list[str] = []
        self.set_aside: list[str] = []
        titles = TitleIndex(pack)
        problems: list[Problem] = []
        unknown: list[str] = []
        groups: dict[str, list[tuple[int, str]]] = {}  # 第N题 -> [(column, option text)]
        for index, column in enumerate(header):
            matched = OPTION_COLUMN.match(column)
            if column in META_COLUMNS or index in self.groups:
                continue
            if matched and titles.question(matched.group(2)) is None:
                groups.setdefault(matched.group(1), []).append((index, matched.group(2)))
                continue
            text = matched.group(2) if matched else column
            question = titles.question(text)
            if question is None and without_type(text)[1] == RANKING:
                self.set_aside.append(column)
            elif question is None:
                unknown.append(column)
            elif question.id in self.questions:
                problems.append(Problem(name, 1, column, f"与另一列是同一道题（{question.id}） "
                                                         f"/ the same question as another column ({question.id})"))
            else:
                self.answers[index] = question
                self.questions[question.id] = question
        for number, columns in groups.items():
            problems += self.option_group(number, columns, pack, name, strict)
        refused = []
        for column in unknown:
            if strict or titles.ambiguous(column) or unanswered_near(titles, column, self.questions):
                refused.append(column)
            else:
                self.ignored.append(column)
        hinted = shown_columns(refused)
        problems += [Problem(name, 1, column, no_question_message(column, titles, pack.id, strict, column in hinted))
                     for column in refused]
        if strict:
            problems += [left_out_problem(name, column, pack.id) for column in self.set_aside]
        if not self.questions and not problems:
            problems.append(no_question_problem(name, header, pack.id))
        if problems:
            raise ProblemsError(problems)

    def option_group(self, number: str, columns: list[tuple[int, str]], pack: Pack, name: str,
                     strict: bool) -> list[Problem]:
        """`第N题(选项)` columns: a multi-select of the pack, or set aside (a ranking question, a question the
        pack does not have); refused when most of its options are a multi-select's but not all."""
        texts = [text for _, text in columns]
        question = multi_choice_of(texts, pack)
        if question is not None:
            labels = option_labels(question)
            self.options[question.id] = [(index, labels[normalized(text)]) for index, text in columns]
            self.questions[question.id] = question
            return []
        if strict and not partly_multi_choice(texts, pack):
            return [left_out_problem(name, self.header[columns[0][0]], pack.id)]
        if partly_multi_choice(texts, pack):
            shown = "、".join(texts[:6])
            return [Problem(name, 1, self.header[columns[0][0]], (
                f"第{number}题的选项（{shown}）与指标包中任何多选题的选项都不对应 "
                f"/ the options of question {number} ({shown}) match no multiple-choice question of the pack"
            ))]
        self.set_aside += [self.header[index] for index, _ in columns]
        return []


def unanswered_near(titles: TitleIndex, column: str, answered: Mapping[str, Question]) -> bool:
    """Whether the column's title is close to that of a question no column answers: a question mistyped."""
    near = titles.near(column)
    return near is not None and near.id not in answered


def partly_multi_choice(texts: list[str], pack: Pack) -> bool:
    """Whether most of these option texts are one multi-select's options (a multi-select with an option
    renamed, not another question)."""
    wanted = {normalized(t) for t in texts}
    return any(
        len(wanted & set(option_labels(q))) * 2 > len(wanted)
        for _, _, q in pack.questions() if q.type == "multi_choice"
    )


def no_question_message(text: str, titles: TitleIndex, pack_id: str, strict: bool = False,
                        suggest: bool = True) -> str:
    """Why a column is refused; the closest titles are looked for only when `suggest` (the message shows it)."""
    if titles.ambiguous(text):
        return titles.ambiguous_message(text)
    if strict and (not suggest or titles.near(text) is None):
        return left_out_problem("", text, pack_id).message
    close = "；".join(f"{q.id}（{q.title.zh}）" for q in titles.closest(text)) if suggest else ""
    hint = f"；最接近的题目：{close}" if close else ""
    return (
        f"与指标包中的题目都对不上{hint}。可用 assess import --suggest-map 生成对照表，或按 "
        f"assess indicators questionnaire 的题目录入问卷星 / matches no question of the pack{hint}"
    )


def multi_choice_of(texts: list[str], pack: Pack) -> Question | None:
    """The one multi_choice question of the pack whose options include every one of `texts`."""
    wanted = {normalized(t) for t in texts}
    fits = [q for _, _, q in pack.questions() if q.type == "multi_choice" and wanted <= set(option_labels(q))]
    return fits[0] if len(fits) == 1 else None


def table_respondents(
    table: Table, pack: Pack, taken: Mapping[str, str] | None = None, options: ReadOptions = DEFAULT_READING,
    notes: ReadNotes | None = None,
) -> Iterator[RespondentEntry]:
    """The download's rows as respondents (id: 序号), every problem raised together at the end; the columns
    left out are named in `notes`."""
    layout = Layout(table.header, pack, table.name, options.group_by, options.strict)
    if notes is not None:
        notes.ignore(layout.ignored)
        notes.set_apart(layout.set_aside)
    yield from download_respondents(table, layout, options, taken, ID_COLUMN, EMPTY_ID)


def column_kind(header: str, whole: list[str], pack: Pack) -> str:
    """What a column of a download is, as `--suggest-map` lists it."""
    if header in META_COLUMNS:
        return METADATA
    option = OPTION_COLUMN.match(header)
    if without_type(header)[1] == RANKING:
        return SET_ASIDE
    if option is None or TitleIndex(pack).question(option.group(2)) is not None:
        return QUESTION
    number = option.group(1)
    texts = [m.group(2) for c in whole if (m := OPTION_COLUMN.match(c)) and m.group(1) == number]
    return OPTIONS if multi_choice_of(texts, pack) is not None else SET_ASIDE


def numbered_title(question: Question, position: int) -> str:
    """A mapped column headed as 问卷星 heads one: `N、题干`."""
    return f"{position}、{question.title.zh}"


FORMAT = SurveyFormat("wjx", ("问卷星下载", "a 问卷星 download"), is_wjx, table_respondents, column_kind,
                      numbered_title)
