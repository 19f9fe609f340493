"""Cells as survey tools write them: option and scale labels or 1-based option numbers, and their marks.

问卷星 and 腾讯问卷 both write a choice as its option's text or, in a numbered download, its 1-based number;
a likert answer as its point or its label; yes/no as 是/否 or 1/2 (the order `assess indicators
questionnaire` prints). `(空)` is unanswered, `(跳过)` skipped by the survey's logic, and -2/-3 are 问卷星's
missing codes. A multi-select in one cell joins option texts with `┋`; "other" text follows an option as
`选项〖文本〗`. A ticked option column holds 1 (or the option's text) and an unticked one 0 or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from assess.packs.model import Question
from assess.responses.answer_file import RespondentEntry
from assess.responses.reading import ReadOptions, group_values, kept_attributes
from assess.responses.tabular import ProblemList, Table, respondent_rows
from assess.responses.titles import labelled_value, normalized, option_labels
from assess.responses.values import AnswerValueError, coerce_answer, remembering

MISSING = frozenset({"(空)", "（空）", "(跳过)", "（跳过）", "-2", "-3"})
MULTI_SEPARATOR = "┋"
OTHER_TEXT = re.compile(r"〖.*?〗")
TICKED = frozenset({"1", "1.0", "true", "yes", "是"})
UNTICKED = frozenset({"0", "0.0", "false", "no", "否", ""})


def cell_reader(question: Question) -> Callable[[Any], Any]:
    """A survey tool's cell -> the canonical answer, accepting labels and 1-based numbers; remembered per value."""

    def read(cell: Any) -> Any:
        return coerce_answer(question, survey_value(question, cell))

    return remembering(read, enabled=question.type != "text")


def survey_value(question: Question, cell: Any) -> Any:
    """What the tool wrote, in the spelling `coerce_answer` reads (option ids, scale points, true/false)."""
    text = str(cell).strip()
    if text in MISSING or not text:
        return None
    if question.type == "likert":
        labelled = labelled_value(question, cell)
        if labelled is not cell:
            return labelled
        number = option_number(cell)
        return question.scale.min + number - 1 if number is not None else cell
    if question.type == "yes_no":
        return {1: True, 2: False}.get(option_number(cell), cell)  # type: ignore[arg-type]
    if question.type == "choice":
        return option_id(question, text, cell)
    if question.type == "multi_choice":
        parts = [OTHER_TEXT.sub("", part).strip() for part in text.split(MULTI_SEPARATOR)]
        return [option_id(question, part, part) for part in parts if part]
    return cell


def option_number(cell: Any) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = cell.strip() if isinstance(cell, str) else ""
    return int(text) if text.isascii() and text.isdigit() else None


def option_id(question: Question, text: str, cell: Any) -> Any:
    """An option label (按文本) or its 1-based number (按序号) as the option id; anything else as written."""
    text = OTHER_TEXT.sub("", text).strip()
    labels = option_labels(question)
    if normalized(text) in labels:
        return labels[normalized(text)]
    number = option_number(cell)
    if number is not None and 1 <= number <= len(question.options):
        return question.options[number - 1].id
    if number is not None:
        raise AnswerValueError(
            f"选项序号 {number} 超出范围（1–{len(question.options)}） / option number {number} is outside "
            f"1–{len(question.options)}"
        )
    return text


def ticked(cell: Any, label: str | None = None) -> bool | None:
    """Whether a one-column-per-option cell says the option was chosen: 1/true/yes (or, where the tool writes
    the option's text, that text); 0/false/no or an empty cell is not chosen; None for anything else."""
    text = str(cell).strip()
    if text.lower() in TICKED or (label is not None and text and normalized(OTHER_TEXT.sub("", text)) == label):
        return True
    if text.lower() in UNTICKED or text in MISSING:
        return False
    return None


def ticked_message(cell: Any, label: str | None = None) -> str:
    shown = f"、选项文字“{label}”" if label else ""
    return (f"应为 1（选中）{shown}或 0/空（未选），实际为 {str(cell)!r} / must be 1 (chosen) or 0 or empty (not "
            f"chosen), got {str(cell)!r}")


def answer_cells(
    row: list[Any], row_number: int, header: list[str], questions: dict[int, Question],
    readers: dict[int, Callable[[Any], Any]], problems: ProblemList,
) -> tuple[dict[str, Any], bool]:
    """The answers of a row's one-question columns (`questions`: column index -> question), and whether every
    cell was readable; each unreadable cell is a problem at its row and the column's header."""
    answers: dict[str, Any] = {}
    valid = True
    for index, read in readers.items():
        try:
            value = read(row[index] if index < len(row) else "")
        except AnswerValueError as exc:
            problems.add(row_number, header[index], str(exc))
            valid = False
            continue
        if value is not None:
            answers[questions[index].id] = value
    return answers, valid


class DownloadLayout(Protocol):
    """What a survey tool's download layout tells the shared row reader: each column's question, each
    multi-select's option columns, the group columns and the columns left out."""

    header: list[str]
    groups: dict[int, str]
    answers: dict[int, Question]
    options: dict[str, list[tuple[int, str]]]
    questions: dict[str, Question]
    ignored: list[str]


def download_respondents(
    table: Table, layout: DownloadLayout, options: ReadOptions, taken: Mapping[str, str] | None,
    id_column: str, empty_id: str, option_text: bool = False,
) -> Iterator[RespondentEntry]:
    """A download's rows as respondents, the id in its first column (`id_column`, `empty_id` the message when
    it is blank); every problem raised together at the end. `option_text`: the tool may write an option's
    text in its own column instead of 1, as 腾讯问卷 does."""
    readers = {index: cell_reader(q) for index, q in layout.answers.items()}
    labels = {qid: {o.id: normalized(o.label.zh) for o in layout.questions[qid].options}
              for qid in layout.options} if option_text else {}

    def entry(row: list[Any], row_number: int, problems: ProblemList) -> RespondentEntry | None:
        rid = str(row[0]).strip() if row else ""
        if not rid:
            problems.add(row_number, id_column, empty_id)
        answers, valid = answer_cells(row, row_number, layout.header, layout.answers, readers, problems)
        valid = ticked_options(row, row_number, layout, labels, answers, problems) and valid and bool(rid)
        if not valid:
            return None
        return RespondentEntry.model_construct(id=rid, answers=answers, groups=group_values(row, layout.groups))

    yield from respondent_rows(
        table, kept_attributes(entry, table.header, layout.ignored, options),
        lambda row, _: str(row[0]).strip() if row else "", id_column, taken,
    )


def ticked_options(
    row: list[Any], row_number: int, layout: DownloadLayout, labels: dict[str, dict[str, str]],
    answers: dict[str, Any], problems: ProblemList,
) -> bool:
    """Each multi-select answered in its option columns, into `answers` in the pack's order of options; a
    question none of whose columns holds anything is unanswered. False if a cell was neither ticked nor not."""
    valid = True
    for qid, columns in layout.options.items():
        chosen, answered = set(), False
        for index, option in columns:
            cell = row[index] if index < len(row) else ""
            label = labels[qid][option] if labels else None
            choice = ticked(cell, label)
            if choice is None:
                problems.add(row_number, layout.header[index], ticked_message(cell, label))
                valid = False
            elif choice:
                chosen.add(option)
            answered = answered or str(cell).strip() not in ("", *MISSING)
        if answered:
            answers[qid] = [o.id for o in layout.questions[qid].options if o.id in chosen]
    return valid
