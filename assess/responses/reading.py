"""How a residents' file is to be read, and what the reading noticed without refusing the file.

Every reader of `--respondents` takes the same `ReadOptions`, so `--strict`, `--include-rejected` and
`--group-by` mean the same whatever the file is, and gives what it set aside (columns of no question,
rejected submissions) as warnings in `ReadNotes` for the score to carry: nothing is dropped silently.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from assess.errors import Problem, ProblemsError
from assess.responses.titles import normalized


@dataclass(frozen=True)
class ReadOptions:
    """`strict`: a column of no question is an error, not a warning; `include_rejected`: score submissions a
    reviewer rejected; `group_by`: the headers of columns that say which group a resident belongs to;
    `map_file`: a checked column map to read the file through (see `column_map`)."""

    strict: bool = False
    include_rejected: bool = False
    group_by: tuple[str, ...] = ()
    map_file: str | None = None


DEFAULT_READING = ReadOptions()


@dataclass
class ReadNotes:
    """Warnings of a reading, each (Chinese, English)."""

    warnings: list[tuple[str, str]] = field(default_factory=list)

    def add(self, notice: tuple[str, str] | None) -> None:
        if notice is not None:
            self.warnings.append(notice)


def group_columns(header: list[str], group_by: tuple[str, ...], name: str) -> dict[int, str]:
    """Column index -> the group as the user named it (`--group-by`), matched to the header as a title is
    (numbering, spaces and punctuation aside); a group no column carries is an error listing the headers."""
    found: dict[int, str] = {}
    problems = []
    for group in group_by:
        indexes = [i for i, column in enumerate(header) if normalized(column) == normalized(group)]
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
