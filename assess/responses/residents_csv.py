"""The project's residents' CSV: one row per respondent, the header naming question ids.

An empty cell is unanswered; a multi_choice cell lists option ids separated by spaces; an optional
`respondent_id` column names each respondent (else the row number does). The file is read as a stream, so
a million rows take little memory, and every bad cell is reported with its row and column, all at once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.model import Pack, Question
from assess.responses.answer_file import RespondentEntry
from assess.responses.tabular import IdHashes, ProblemList, id_hash, open_csv, unreadable_as_error
from assess.responses.values import AnswerValueError, cached_reader, unknown_question_message

RESPONDENT_ID_COLUMN = "respondent_id"


# -- residents from a CSV -----------------------------------------------------------------------------


def iter_csv_respondents(
    path: Path | str, pack: Pack, taken: Mapping[str, str] | None = None
) -> Iterator[RespondentEntry]:
    """Respondents from a CSV, one per row, read as a stream so that a million rows take little memory.

    The header names question ids (and optionally `respondent_id`); an empty cell is unanswered; a
    multi_choice cell lists option ids separated by spaces. Bad rows do not stop the reading: every problem
    is collected (row numbers as a spreadsheet shows them, the header being row 1) and raised together as
    `ProblemsError` once the file has been read, so a caller must not publish anything before the end.
    `taken` maps ids the answer file already uses to where (see `LoadedAnswers.respondent_places`).
    """
    path = Path(path)
    name = str(path)
    problems = ProblemList(name)
    seen = IdHashes()
    with open_csv(path) as handle:
        reader = csv.reader(handle)
        header = next(unreadable_as_error(reader, path), None)
        if header is None:
            raise AssessError(f"{name}: the file is empty / 文件为空")
        if not any(cell.strip() for cell in header):
            raise AssessError(
                f"{name}:1: 第一行为空，首行应为列名（题目编号） / row 1 is empty: the first row must be the header "
                "naming question ids (a file of blank lines holds no respondents)"
            )
        layout = csv_layout(header, pack, name)
        for row_number, row in enumerate(unreadable_as_error(reader, path), start=2):
            if not any(cell.strip() for cell in row):
                continue
            entry = csv_entry(row, row_number, layout, problems)
            if entry is None:
                continue
            if taken and entry.id in taken:
                problems.add(row_number, RESPONDENT_ID_COLUMN, id_taken_message(entry.id, taken[entry.id]))
                continue
            if layout.id_column is not None:
                seen.add(entry.id)
            yield entry
    repeated = seen.repeated()
    if repeated:
        duplicate_id_problems(path, layout, repeated, problems)
    problems.raise_if_any()


def id_taken_message(rid: str, place: str) -> str:
    return (
        f"受访者编号 '{rid}' 已在答卷文件中使用（{place}） / "
        f"respondent id '{rid}' is already used in the answer file ({place})"
    )


@dataclass(frozen=True)
class Column:
    index: int
    question: Question
    read: Callable[[str], Any]


@dataclass(frozen=True)
class CsvLayout:
    columns: list[Column]
    id_column: int | None
    width: int


def csv_layout(header: list[str], pack: Pack, name: str) -> CsvLayout:
    """The question columns and the position of `respondent_id`; a mistake in the header is fatal."""
    questions = {q.id: q for _, _, q in pack.questions()}
    problems: list[Problem] = []
    columns: list[Column] = []
    id_column = None
    seen: set[str] = set()
    for index, cell in enumerate(header):
        column = cell.strip()
        if column in seen:
            problems.append(Problem(name, 1, column, "column appears twice / 列名重复"))
        elif column == RESPONDENT_ID_COLUMN:
            id_column = index
        elif column in questions:
            columns.append(Column(index, questions[column], cached_reader(questions[column])))
        elif not column:
            problems.append(Problem(name, 1, f"column {index + 1}", "empty column name / 列名为空"))
        else:
            problems.append(Problem(name, 1, column, unknown_question_message(pack, column)))
        seen.add(column)
    if problems:
        raise ProblemsError(problems)
    return CsvLayout(columns, id_column, len(header))


def csv_entry(row: list[str], row_number: int, layout: CsvLayout, problems: ProblemList) -> RespondentEntry | None:
    """One row as a respondent, or None after recording its problems. A short row's missing cells are empty."""
    if len(row) > layout.width:
        message = f"the row has {len(row)} cells but the header has {layout.width} / 单元格数多于表头"
        problems.add(row_number, "", message)
        return None
    rid = row_id(row, row_number, layout.id_column)
    if not rid:
        problems.add(row_number, RESPONDENT_ID_COLUMN, "empty respondent id / 受访者编号为空")
    answers: dict[str, Any] = {}
    valid = bool(rid)
    for column in layout.columns:
        cell = row[column.index] if column.index < len(row) else ""
        if not cell:
            continue
        try:
            value = column.read(cell)
        except AnswerValueError as exc:
            problems.add(row_number, column.question.id, str(exc))
            valid = False
            continue
        if value is not None:
            answers[column.question.id] = value
    return RespondentEntry.model_construct(id=rid, answers=answers) if valid else None


def row_id(row: list[str], row_number: int, id_column: int | None) -> str:
    """The row's respondent id; without a `respondent_id` column the row number stands in for it."""
    if id_column is None:
        return f"row-{row_number}"
    return row[id_column].strip() if id_column < len(row) else ""


def duplicate_id_problems(path: Path, layout: CsvLayout, repeated: set[int], problems: ProblemList) -> None:
    """Second pass: name each repeated id with the row that first used it."""
    first_row: dict[str, int] = {}
    with open_csv(path) as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row_number, row in enumerate(reader, start=2):
            rid = row_id(row, row_number, layout.id_column)
            if not rid or id_hash(rid) not in repeated:
                continue
            if rid in first_row:
                message = f"duplicate respondent id '{rid}' (first used in row {first_row[rid]}) / 受访者编号重复"
                problems.add(row_number, RESPONDENT_ID_COLUMN, message)
            else:
                first_row[rid] = row_number
