"""Answer files written by `assess import`, given to `--respondents`: one entry of the format registry.

Such a file is YAML, known by its first keys, not a table. Its respondents are either in a table beside it,
named by its `respondents_table:` line (as `assess import` writes them now: read by the table formats,
by column when large), or, in files written before, inline under `respondents:`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import yaml

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.loading import LoadedPack
from assess.responses.answer_file import RespondentEntry, load_answer_file
from assess.responses.survey_format import FileFormat
from assess.responses.tabular import id_taken_message

# An answer file starts (after comments and blank lines) with one of its top-level keys; no table does.
ANSWER_FILE_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?(?:#[^\n]*\n|\s*\n)*(?:pack|community|assessed_on|answers|respondents)\s*:"
)
RESPONDENTS_TABLE_LINE = re.compile(rb"^respondents_table:[^\n]*$", re.MULTILINE)


def is_answer_file(head: bytes) -> bool:
    return ANSWER_FILE_START.match(head) is not None


def respondents_table_of(path: Path, head: bytes) -> Path | None:
    """The table of respondents an answer file names (`assess import` writes its respondents so, beside it),
    read from the file's head, where the line stands before any respondent."""
    found = RESPONDENTS_TABLE_LINE.search(head)
    if found is None:
        return None
    value = yaml.safe_load(found.group(0).decode("utf-8", errors="replace")).get("respondents_table")
    return path.parent / str(value) if value else None


def answer_file_respondents(path: Path, pack: LoadedPack, taken: Mapping[str, str]) -> Iterator[RespondentEntry]:
    """The `respondents:` of an answer file (as `assess import` wrote them), checked against the same pack."""
    loaded = load_answer_file(path, pack.file)
    if loaded.data.answers:
        raise AssessError(
            f"{path}: 这是两委填报的答卷文件（含 answers），请把它作为答卷文件使用，而不是 --respondents "
            f"/ this answer file holds the committee's answers; give it as ANSWERS, not as --respondents"
        )
    problems = [
        Problem(str(path), loaded.located.line_of(("respondents", index, "id")), "respondents",
                id_taken_message(entry.id, taken[entry.id]))
        for index, entry in enumerate(loaded.data.respondents)
        if entry.id in taken
    ]
    if problems:
        raise ProblemsError(problems)
    return iter(loaded.data.respondents)


FORMAT = FileFormat("answers", ("assess import 写出的答卷文件", "an answer file written by assess import"),
                    is_answer_file, respondents_table_of, answer_file_respondents)
