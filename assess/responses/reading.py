"""How a residents' file is to be read, and what the reading noticed without refusing the file.

Every reader of `--respondents` takes the same `ReadOptions`, so `--strict`, `--include-rejected` and
`--group-by` mean the same whatever the file is, and gives what it set aside (columns of no question,
rejected submissions) as warnings in `ReadNotes` for the score to carry: nothing is dropped silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assess.errors import SHOWN_PER_FILE, Problem, ProblemsError
from assess.responses.titles import normalized, without_type


@dataclass(frozen=True)
class ReadOptions:
    """`strict`: a column of no question is an error, not a warning; `include_rejected`: score submissions a
    reviewer rejected; `group_by`: the headers of columns that say which group a resident belongs to;
    `map_file`: a checked column map to read the file through (see `column_map`); `attributes`: keep on each
    respondent the cells of the columns of no question (性别, 楼栋, 备注), for the data exports of `analyze`
    (off otherwise: a million respondents' remarks are not kept for nothing)."""

    strict: bool = False
    include_rejected: bool = False
    group_by: tuple[str, ...] = ()
    map_file: str | None = None
    attributes: bool = False


DEFAULT_READING = ReadOptions()


LISTED_COLUMNS = 30  # columns named in the end note; the rest are counted


@dataclass
class ReadNotes:
    """What a reading noticed without refusing the file: warnings, each (Chinese, English), and the columns
    it left out -- `ignored`, of no question (still there for `--group-by`), and `set_aside`, of a question
    the pack cannot score (a ranking question, a question split into option columns the pack does not
    have). `summary()` words the columns as the one note a command ends with."""

    warnings: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)

    def add(self, notice: tuple[str, str] | None) -> None:
        if notice is not None:
            self.warnings.append(notice)

    def ignore(self, columns: list[str]) -> None:
        self.ignored += [c for c in columns if c not in self.ignored]

    def set_apart(self, columns: list[str]) -> None:
        self.set_aside += [c for c in columns if c not in self.set_aside]

    def summary(self) -> list[tuple[str, str]]:
        """The columns left out, one (Chinese, English) line per kind."""
        lines = []
        if self.ignored:
            zh, en = listed(self.ignored)
            lines.append((f"已忽略的列（可用 --group-by 分组）: {zh}",
                          f"columns left out (usable with --group-by): {en}"))
        if self.set_aside:
            zh, en = listed(self.set_aside)
            lines.append((f"排序题等指标包无法计分的列，已略过: {zh}",
                          f"columns of questions the pack cannot score (ranking and the like), set aside: {en}"))
        return lines


def listed(columns: list[str]) -> tuple[str, str]:
    """The columns named, the first `LISTED_COLUMNS` of them, and how many more."""
    shown = columns[:LISTED_COLUMNS]
    more = len(columns) - len(shown)
    return ("、".join(shown) + (f" 等另 {more} 列" if more else ""),
            ", ".join(shown) + (f" and {more} more" if more else ""))


def shown_columns(columns: list[str]) -> set[str]:
    """The columns among `columns` whose header problems an error message can show: a file's problems are
    sorted (header ones by column) and the first `SHOWN_PER_FILE` shown. Only these are worth a "did you
    mean", which compares a column with every question: a survey may have thousands of unknown columns."""
    return set(sorted(columns)[:SHOWN_PER_FILE])


def left_out_problem(name: str, column: str, pack_id: str) -> Problem:
    """A column of no question under `--strict`, which refuses what is otherwise left out with a note."""
    return Problem(name, 1, column, (
        f"不是指标包 {pack_id} 中的题目（--strict 不接受此类列；去掉 --strict 则略过此列并在结尾列出，分组列请加 "
        f"--group-by） / not a question of pack {pack_id} (--strict refuses such columns; without it the column is "
        "left out and named at the end; a group column needs --group-by)"
    ))


def group_columns(header: list[str], group_by: tuple[str, ...], name: str) -> dict[int, str]:
    """Column index -> the group as the user named it (`--group-by`), matched to the header as a title is
    (numbering, spaces, punctuation and a survey tool's type suffix aside); a group no column carries is an
    error listing the headers."""
    found: dict[int, str] = {}
    problems = []
    for group in group_by:
        wanted = normalized(group)
        indexes = [i for i, column in enumerate(header)
                   if wanted in (normalized(column), normalized(without_type(column)[0]))]
        if not indexes:
            problems.append(Problem(name, 1, group, missing_group_message(group, header)))
        found.update(dict.fromkeys(indexes, group))
    if problems:
        raise ProblemsError(problems)
    return found


def missing_group_message(group: str, header: list[str]) -> str:
    by_text = {normalized(c): str(c) for c in header}
    close = [by_text[c] for c in difflib.get_close_matches(normalized(group), list(by_text), n=3, cutoff=0.4)]
    hint_zh = f"；是否指 {'、'.join(close)}？" if close else f"；表头共 {len(header)} 列，请照抄其中一列的列名"
    hint_en = f"; did you mean {', '.join(close)}?" if close else f"; copy one of the header's {len(header)} names"
    return f"没有名为 '{group}' 的列（--group-by）{hint_zh} / no column named '{group}' (--group-by){hint_en}"


def group_values(row: list, groups: dict[int, str]) -> dict[str, str]:
    """The row's group cells as text; an empty cell stays empty (the resident did not say)."""
    return {group: str(row[i]).strip() if i < len(row) and row[i] is not None else "" for i, group in groups.items()}


def attribute_columns(header: list[str], ignored: list[str]) -> dict[int, str]:
    """Column index -> the name its cells are kept under as a respondent attribute: the header as the user
    sees it, a repeated one numbered (备注, 备注 (2)) so that no column's cells hide another's."""
    left_out = set(ignored)
    found: dict[int, str] = {}
    times: dict[str, int] = {}
    for index, column in enumerate(header):
        if column in left_out:
            times[column] = times.get(column, 0) + 1
            found[index] = column if times[column] == 1 else f"{column} ({times[column]})"
    return found


def kept_attributes(entry_of: Callable[[list, int, Any], Any], header: list[str], ignored: list[str],
                    options: ReadOptions) -> Callable[[list, int, Any], Any]:
    """A format's row reader (`entry_of` of `tabular.respondent_rows`), its respondents also carrying the cells
    of the columns left out as `attributes` when the options ask for them (`ReadOptions.attributes`)."""
    columns = attribute_columns(header, ignored) if options.attributes else {}
    if not columns:
        return entry_of

    def with_attributes(row: list, row_number: int, problems: Any) -> Any:
        entry = entry_of(row, row_number, problems)
        if entry is not None:
            entry.attributes = group_values(row, columns)
        return entry

    return with_attributes


def no_question_problem(name: str, header: list[str], pack_id: str) -> Problem:
    """A table none of whose columns is a question: the wrong file, or the wrong pack, rather than a survey
    whose every column is to be left out."""
    shown = "、".join(str(c) for c in header[:8]) + (" …" if len(header) > 8 else "")
    return Problem(name, 1, "", (
        f"表头中没有一列是指标包 {pack_id} 的题目（表头：{shown}）；请确认文件和指标包（--pack）没有选错 "
        f"/ no column of the header is a question of pack {pack_id} (header: {shown.replace('、', ', ')}); check "
        "that this is the survey's file and the right pack (--pack)"
    ))
