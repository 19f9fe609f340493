"""The contract every outside survey format keeps, so that a new one is one module and one registry line.

A format says whether it claims a table (from its header alone), reads the table's respondents through the
shared row loop (`tabular.respondent_rows`), and says what each of its columns is for the column map. The
registry (`formats`) lists the formats; `read_respondents`, the column map, `assess import` and the choice of
the columnar reader all loop over it and never test for a format themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from assess.packs.loading import LoadedPack
    from assess.packs.model import Pack, Question
    from assess.responses.answer_file import RespondentEntry
    from assess.responses.reading import ReadNotes, ReadOptions
    from assess.responses.tabular import Table

# What a column is, as `assess import --suggest-map` lists it.
QUESTION, METADATA, OPTIONS, SET_ASIDE = "question", "metadata", "options", "set_aside"

Respondents = Callable[
    ["Table", "Pack", "Mapping[str, str] | None", "ReadOptions", "ReadNotes | None"], Iterator["RespondentEntry"]
]


def headed_by_id(question: Question, position: int) -> str:
    """A mapped column headed by the question's id: how the project's own table and Kobo name a question."""
    return question.id


@dataclass(frozen=True)
class SurveyFormat:
    """One outside format.

    `claims(header)`: whether a table with this header is this format's (the registry asks in order, the
    project's own table, which claims any header, last). `respondents(table, pack, taken, options, notes)`: its
    rows as respondents, every problem raised together at the end, columns left out named in `notes`.
    `column_kind(header, whole_header, pack)`: QUESTION, METADATA, OPTIONS (one column of a multi-select's
    options) or SET_ASIDE (a ranking question). `mapped_header(question, position)`: how a column map heads a
    mapped column so that this format reads it as the question. `columnar`: the columnar reader can take its
    tables (same layout as the project's own). `submissions`: `assess import` can take its rows one by one
    (`--skip-bad-rows`, `--row`, the committee's single submission).
    """

    name: str
    label: tuple[str, str]  # (zh, en), as messages name it
    claims: Callable[[list[str]], bool]
    respondents: Respondents
    column_kind: Callable[[str, list[str], Pack], str]
    mapped_header: Callable[[Question, int], str] = headed_by_id
    columnar: bool = False
    submissions: bool = False


@dataclass(frozen=True)
class FileFormat:
    """A format known by a file's first bytes rather than by a table's header: the answer file `assess import`
    writes, given as residents' data.

    `claims(head)`: whether a file starting with these bytes is this format's. `table(path, head)`: the table
    of respondents the file names (read as any table is, by the formats above), or None when it holds them
    itself; then `respondents(path, pack, taken)` reads them.
    """

    name: str
    label: tuple[str, str]
    claims: Callable[[bytes], bool]
    table: Callable[[Path, bytes], Path | None]
    respondents: Callable[[Path, LoadedPack, Mapping[str, str]], Iterator[RespondentEntry]]
