"""KoboToolbox and ODK Central exports: the mobile tools a community collects on phones with.

Both tools export one row per submission, as CSV or XLSX, but they spell the columns differently: Kobo
joins group and question names with '/' (or '.'), ODK Central with '-'; a select_multiple is either one
cell of space-separated choices or one 0/1 column per choice; each tool adds its own meta columns
(`_uuid`, `_submission_time`, `start`, `KEY`, `meta-instanceID`, ...). The header is mapped once, through
the same names `assess indicators xlsform` gives the questions, and every cell then goes through
`coerce_answer`, exactly as an answer typed into an answer file would. Nothing is dropped silently: a bad
row stops the import unless the user asks to skip bad rows (`importing`), and the result counts
what was read, imported and skipped.

A form is filled by one kind of respondent. Residents and Party members are many people: each submission
becomes one respondent. The committee questionnaire is the community's own self-report: its single
submission becomes the answer file's `answers` block, and several committee submissions are refused rather
than averaged, until the user picks one (`row`).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.model import Pack, Question
from assess.packs.xlsform import form_names
from assess.responses.answer_file import RespondentEntry
from assess.responses.kobo_labels import header_separators, label_cell, label_spellings
from assess.responses.reading import (
    DEFAULT_READING,
    ReadNotes,
    ReadOptions,
    group_columns,
    group_values,
    kept_attributes,
    no_question_problem,
    shown_columns,
)
from assess.responses.survey_cells import ticked as is_ticked
from assess.responses.survey_cells import ticked_message
from assess.responses.survey_format import METADATA, QUESTION, SurveyFormat
from assess.responses.tabular import ProblemList, Table, beyond_header, respondent_rows
from assess.responses.titles import normalized
from assess.responses.values import AnswerValueError, cached_reader, remembering

GROUP_SEPARATORS = ("/", "-", ".")
# Everything in the XLSForm `meta` group (meta/instanceID, meta/rootUuid, meta/deprecatedID, ... the tools
# add new ones over time) and these top-level columns of KoboToolbox, ODK Central and the form's own meta
# questions are never answers.
META_GROUPS = tuple(f"meta{sep}" for sep in GROUP_SEPARATORS)
META_COLUMNS = frozenset(
    name.lower()
    for name in (
        "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
        "audit", "instanceID", "instanceName", "deprecatedID", "KEY", "SubmissionDate", "SubmitterID",
        "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
        "Edits", "FormVersion", "formhub/uuid", "meta", "__version__",
    )
)
ID_COLUMNS = ("_uuid", "meta/instanceid", "meta-instanceid", "meta.instanceid", "instanceid", "key")
# When a submission was made, to tell several committee submissions apart (Kobo, ODK Central, the form).
TIME_COLUMNS = ("_submission_time", "submissiondate", "end", "today")
COMMITTEE = "committee"
LISTED_SUBMISSIONS = 20


# -- the header ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a column holds: a question's answer, or (one 0/1 column per choice) whether `option` was chosen."""

    question: Question
    option: str | None = None
    labelled: bool = False  # headed by labels (Kobo's default export): cells hold labels too


@dataclass
class Layout:
    header: list[str]
    id_column: int
    answers: dict[int, Question] = field(default_factory=dict)  # column -> question
    answer_columns: dict[str, int] = field(default_factory=dict)  # question id -> its answer column
    choices: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # question id -> [(column, option)]
    questions: dict[str, Question] = field(default_factory=dict)
    meta: list[str] = field(default_factory=list)
    labelled: set[int] = field(default_factory=set)  # answer columns whose cells hold labels
    ignored: list[str] = field(default_factory=list)  # columns of no question of the pack (all-versions export)
    groups: dict[int, str] = field(default_factory=dict)  # column -> the group it says (`--group-by`)


def column_names(pack: Pack, header: list[str]) -> dict[str, Target | None]:
    """Every spelling of a question column either tool can export -> its target (None: ambiguous).

    A question is accepted under its form name or its id, alone or after its dimension's group name, with
    the usual separators and any other the header shows (Kobo lets the user type one); failing those, under
    its labels, as Kobo's default export heads columns. A spelling that is also a meta column (a question
    with the id `start`) is left to the meta column.
    """
    names = form_names(pack)
    separators = header_separators(header, pack, names)
    spellings: dict[str, Target | None] = {}

    def accept(name: str, target: Target) -> None:
        if not is_meta(name):
            spellings[name] = target if spellings.get(name, target) == target else None

    group_separators = list(dict.fromkeys([*GROUP_SEPARATORS, *separators]))
    for dim, _, question in pack.questions():
        prefixes = [""] + [g + sep for g in {names[dim.id], dim.id} for sep in group_separators]
        for prefix, alias in itertools.product(prefixes, {names[question.id], question.id}):
            accept(prefix + alias, Target(question))
            if question.type == "multi_choice":
                for option, sep in itertools.product(question.options, group_separators):
                    accept(f"{prefix}{alias}{sep}{option.id}", Target(question, option.id))
    for spelling, target in label_spellings(pack, separators).items():
        if spelling not in spellings and not is_meta(spelling):
            spellings[spelling] = target and Target(target.question, target.option, labelled=True)
    return spellings


def is_meta(column: str) -> bool:
    lowered = column.lower()
    return column.startswith("_") or lowered.startswith(META_GROUPS) or lowered in META_COLUMNS


def read_layout(
    header: list[str], pack: Pack, name: str, strict: bool = False, group_by: tuple[str, ...] = ()
) -> Layout:
    """The columns' meaning; an ambiguous or repeated column is fatal, since no row can be trusted.

    A column of no question of the pack is set aside in `ignored` (Kobo's "all versions" export keeps the
    questions of earlier form versions), or is fatal when `strict`.
    """
    spellings = column_names(pack, header)
    lowered = [c.lower() for c in header]
    id_column = next((lowered.index(c) for c in ID_COLUMNS if c in lowered), None)
    problems: list[Problem] = []
    if id_column is None:
        problems.append(
            Problem(name, 1, "", "缺少提交编号列（_uuid、meta/instanceID 或 KEY），导出数据时请包含元数据列 "
                    "/ no submission id column (_uuid, meta/instanceID or KEY); export the data with its meta columns")
        )
    layout = Layout(header, id_column if id_column is not None else -1, groups=group_columns(header, group_by, name))
    seen: dict[tuple[str, str | None], str] = {}
    refused: list[str] = []  # columns of no question, under --strict
    for index, column in enumerate(header):
        target = spellings.get(column)
        if index in layout.groups:
            continue
        if column in spellings and target is None:
            message = "列名可对应多道题目 / the column name fits more than one question"
            problems.append(Problem(name, 1, column, message))
        elif target is not None:
            key = (target.question.id, target.option)
            if key in seen:
                message = (
                    f"题目 '{target.question.id}' 出现第二列（第一列：'{seen[key]}'） "
                    f"/ a second column for '{target.question.id}' (first: '{seen[key]}')"
                )
                problems.append(Problem(name, 1, column, message))
                continue
            seen[key] = column
            layout.questions[target.question.id] = target.question
            if target.option is None:
                layout.answers[index] = target.question
                layout.answer_columns[target.question.id] = index
                if target.labelled:
                    layout.labelled.add(index)
            else:
                layout.choices.setdefault(target.question.id, []).append((index, target.option))
        elif is_meta(column) or index == id_column:
            layout.meta.append(column)
        elif not column:
            problems.append(Problem(name, 1, f"column {index + 1}", "列名为空 / empty column name"))
        elif strict:
            refused.append(column)
        else:
            layout.ignored.append(column)
    hinted = shown_columns(refused)
    problems += [Problem(name, 1, column, unknown_column_message(column, spellings, column in hinted))
                 for column in refused]
    if layout.ignored and not layout.questions and not problems:
        problems.append(no_question_problem(name, header, pack.id))
    if problems:
        raise ProblemsError(problems)
    return layout


def unknown_column_message(column: str, spellings: dict[str, Target | None], suggest: bool = True) -> str:
    """A column of no question under --strict; the spellings meant are looked for only when `suggest`."""
    close = difflib.get_close_matches(column, list(spellings), n=3, cutoff=0.75) if suggest else []
    hint_zh = f"；是否想写 {', '.join(close)}？" if close else ""
    hint_en = f"; did you mean {', '.join(close)}?" if close else ""
    return (
        f"既不是指标包中的题目，也不是元数据列{hint_zh}（--strict 不接受此类列；不加 --strict 时，"
        "旧版表单的题目列会被略过并提示） "
        f"/ not a question of the pack, nor a meta column{hint_en} (--strict refuses such columns; without it, "
        "columns of an earlier form version are set aside with a warning)"
    )


REVIEW_COLUMNS = ("reviewstate", "_validation_status")
# ODK Central's review state and KoboToolbox's validation status (its uid or its label, in either language).
REJECTED = frozenset({"rejected", "notapproved", "validationstatusnotapproved", "未通过", "不通过", "未批准"})


def rejected_rows(rows: Iterable[tuple[int, list[Any]]], header: list[str], keep: bool, skipped: list[int]
                  ) -> Iterator[tuple[int, list[Any]]]:
    """The rows, less those a reviewer rejected (their numbers go to `skipped`) unless `keep`."""
    review = review_column(header)
    for number, row in rows:
        if not keep and is_rejected(row, review):
            skipped.append(number)
            continue
        yield number, row


def review_column(header: list[str]) -> int | None:
    lowered = [c.lower() for c in header]
    return next((lowered.index(c) for c in REVIEW_COLUMNS if c in lowered), None)


def is_rejected(row: list[Any], review: int | None) -> bool:
    return review is not None and review < len(row) and normalized(str(row[review])) in REJECTED


def without_rejected(table: Table, keep: bool, rejected: set[int]) -> Table:
    """The table with the rows a reviewer rejected read as blank (so the shared row loop passes over them and
    numbers the others as the spreadsheet does), their numbers put in `rejected`; unless `keep`."""
    review = review_column(table.header)
    if keep or review is None:
        return table

    def read() -> Iterator[list[Any]]:
        rows = table.read()
        yield next(rows, [])
        for number, row in enumerate(rows, start=2):
            if is_rejected(row, review):
                rejected.add(number)
                yield []
            else:
                yield row

    return replace(table, read=read)


def rejected_notice(name: str, skipped: list[int]) -> tuple[str, str] | None:
    if not skipped:
        return None
    return (
        f"{name}：{len(skipped)} 份提交被审核为不通过（rejected / not approved），未计入得分；"
        "加 --include-rejected 可计入",
        f"{name}: {len(skipped)} submission(s) were rejected in review (rejected / not approved) and are not "
        "scored; --include-rejected keeps them",
    )


def left_out_summary(ignored: list[str]) -> list[tuple[str, str]]:
    notes = ReadNotes()
    notes.ignore(ignored)
    return notes.summary()


def is_export(header: list[str]) -> bool:
    """Whether a table is a KoboToolbox or ODK Central export: it has one of their submission id columns."""
    return any(column.lower() in ID_COLUMNS for column in header)


def table_respondents(
    table: Table, pack: Pack, taken: Mapping[str, str] | None = None, options: ReadOptions = DEFAULT_READING,
    notes: ReadNotes | None = None,
) -> Iterator[RespondentEntry]:
    """The submissions of a residents' or Party members' export as respondents, for `--respondents`.

    Every problem of the file is raised together once it has been read; a submission id the answer file
    already uses is one of them. Columns set aside and rejected submissions skipped go to `notes`.
    """
    name = table.name
    layout = read_layout(table.header, pack, name, options.strict, options.group_by)
    if is_committee_import(layout, None, name):
        raise AssessError(
            f"{name}: 这是两委问卷的导出，请用 assess import 转为答卷文件 / this is an export of the committee "
            "questionnaire: turn it into the answer file with `assess import`, then score that"
        )
    rejected: set[int] = set()
    readers = column_readers(layout)

    def entry_of(row: list[Any], number: int, problems: ProblemList) -> RespondentEntry | None:
        found: list[Problem] = []
        entry = row_entry(row, number, layout, readers, name, found)
        problems.extend(found)
        return entry

    entry_of = kept_attributes(entry_of, table.header, layout.ignored, options)
    yield from respondent_rows(without_rejected(table, options.include_rejected, rejected), entry_of,
                               lambda row, _: submission_id(row, layout), layout.header[layout.id_column], taken)
    if notes is not None:
        notes.ignore(layout.ignored)
        notes.add(rejected_notice(name, sorted(rejected)))


def is_committee_import(layout: Layout, respondent: str | None, name: str) -> bool:
    """Whether the export is the committee questionnaire: as the user says, else from the questions it holds.

    An export mixing committee questions with residents' or Party members' is ambiguous (one submission per
    community, or one per person?), so it needs the user's word rather than a guess.
    """
    if respondent is not None:
        return respondent == COMMITTEE
    committee = [qid for qid, q in layout.questions.items() if q.respondent == COMMITTEE]
    individual = [qid for qid, q in layout.questions.items() if q.respondent != COMMITTEE]
    if committee and individual:
        raise AssessError(
            f"{name}: 此导出同时含有社区两委题目（{some(committee)}）和个人问卷题目（{some(individual)}），无法判断"
            "是哪一份问卷；请用 --respondent committee（整个社区一份）或 --respondent resident（每人一份）指明 "
            f"/ the export holds committee questions ({some(committee)}) and individual respondents' questions "
            f"({some(individual)}); say which questionnaire it is with --respondent committee (one submission for "
            "the community) or --respondent resident (one per person)"
        )
    return bool(committee)


def some(ids: list[str], shown: int = 3) -> str:
    more = f" … {len(ids)}" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def read_entries(
    rows: Iterable[tuple[int, list[Any]]], layout: Layout, name: str
) -> tuple[list[RespondentEntry], list[Problem], int]:
    """(the good submissions, the problems of the bad ones, how many rows were looked at): `assess import`'s
    row loop, which keeps going past bad rows for `--skip-bad-rows` to list them."""
    readers = column_readers(layout)
    entries: list[RespondentEntry] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    attempted = 0
    for row_number, row in rows:
        attempted += 1
        row_problems: list[Problem] = []
        entry = row_entry(row, row_number, layout, readers, name, row_problems)
        if entry is not None and entry.id in first_row:
            message = (
                f"提交编号 '{entry.id}' 重复（首次出现在第 {first_row[entry.id]} 行） "
                f"/ submission '{entry.id}' appears twice (first in row {first_row[entry.id]})"
            )
            row_problems.append(Problem(name, row_number, layout.header[layout.id_column], message))
        if row_problems:
            problems += row_problems
            continue
        first_row[entry.id] = row_number
        entries.append(entry)
    return entries, problems, attempted


def submission_id(row: list[Any], layout: Layout) -> str:
    cell = row[layout.id_column] if 0 <= layout.id_column < len(row) else ""
    return str(cell).strip().removeprefix("uuid:")


def column_readers(layout: Layout) -> dict[int, Callable[[Any], Any]]:
    return {index: column_reader(q, index in layout.labelled) for index, q in layout.answers.items()}


def column_reader(question: Question, labelled: bool) -> Callable[[Any], Any]:
    """The canonical value of a cell; a labelled column's cells are first read as labels."""
    check = cached_reader(question)
    if not labelled:
        return check
    return remembering(lambda cell: check(label_cell(question, cell)), enabled=question.type != "text")


def row_entry(
    row: list[Any],
    row_number: int,
    layout: Layout,
    readers: dict[int, Callable[[Any], Any]],
    name: str,
    problems: list[Problem],
) -> RespondentEntry | None:
    """One submission as a respondent, or None after appending its problems (the caller decides to skip)."""
    header = layout.header
    if (message := beyond_header(row, len(header))) is not None:
        problems.append(Problem(name, row_number, "", message))
        return None
    rid = submission_id(row, layout)
    if not rid:
        problems.append(Problem(name, row_number, header[layout.id_column], "提交编号为空 / empty submission id"))
    answers: dict[str, Any] = {}
    for index, reader in readers.items():
        cell = row[index] if index < len(row) else ""
        try:
            value = reader(cell)
        except AnswerValueError as exc:
            problems.append(Problem(name, row_number, header[index], str(exc)))
            continue
        if value is not None:
            answers[layout.answers[index].id] = value
    for qid, columns in layout.choices.items():
        ticked = ticked_options(row, row_number, columns, header, name, problems)
        chosen = [o.id for o in layout.questions[qid].options if o.id in ticked] or None
        index = layout.answer_columns.get(qid)
        if index is None:
            if chosen is not None:
                answers[qid] = chosen
        elif sorted(answers.get(qid) or []) != sorted(chosen or []):
            problems.append(Problem(name, row_number, header[index], disagreement(row, index, columns, header, chosen)))
    if problems or not rid:
        return None
    return RespondentEntry.model_construct(id=rid, answers=answers, groups=group_values(row, layout.groups))


def disagreement(
    row: list[Any], index: int, columns: list[tuple[int, str]], header: list[str], chosen: list[str] | None
) -> str:
    """The answer cell as written against what the one-per-option columns tick, naming those columns."""
    cell = row[index] if index < len(row) else ""
    ticked = " ".join(chosen) if chosen else ""
    option_columns = f"{header[columns[0][0]]} …" if len(columns) > 1 else header[columns[0][0]]
    return (
        f"与每个选项一列的 {option_columns} 不一致：答案列写的是 {cell!r}，分列选中的是 {ticked!r} "
        f"/ disagrees with the one-per-option columns ({option_columns}): the answer column holds {cell!r}, "
        f"the option columns tick {ticked!r}"
    )


def ticked_options(
    row: list[Any], row_number: int, columns: list[tuple[int, str]], header: list[str], name: str,
    problems: list[Problem],
) -> set[str]:
    """The options marked 1 in one-column-per-option form (0 or empty: not chosen)."""
    ticked: set[str] = set()
    for index, option in columns:
        cell = row[index] if index < len(row) else ""
        chosen = is_ticked(cell)
        if chosen:
            ticked.add(option)
        elif chosen is None:
            problems.append(Problem(name, row_number, header[index], ticked_message(cell)))
    return ticked


def column_kind(header: str, whole: list[str], pack: Pack) -> str:
    """What a column of an export is, as `--suggest-map` lists it."""
    return METADATA if is_meta(header) or header.lower() in ID_COLUMNS else QUESTION


FORMAT = SurveyFormat("kobo", ("KoboToolbox / ODK Central 导出", "a KoboToolbox / ODK Central export"), is_export,
                      table_respondents, column_kind, submissions=True)
