"""One way in for residents' answers: any supported file, recognised by its content, as respondents.

`--respondents FILE` on every scoring command reads through here. What the file is comes from what it
holds, not from its name, and only the registry (`formats`) knows the formats: a file one of its file
formats claims by its first bytes (the answer file `assess import` writes), or a table (CSV in UTF-8 or GBK,
.xlsx, .xls, a .zip holding one CSV) of one of its table formats (问卷星, 腾讯问卷, KoboToolbox and ODK
Central, the project's own table). All give canonical `RespondentEntry` values and report every
problem of the file together once it has been read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from assess.errors import AssessError
from assess.packs.loading import LoadedPack
from assess.packs.model import Pack
from assess.responses.answer_file import LoadedAnswers, RespondentEntry
from assess.responses.column_map import load_map, mapped_table
from assess.responses.formats import file_format_of, format_of
from assess.responses.reading import DEFAULT_READING, ReadNotes, ReadOptions
from assess.responses.survey_format import FileFormat
from assess.responses.tabular import SNIFF_BYTES, ZIP_MAGIC, Table, open_table, regular_file_head

if TYPE_CHECKING:
    from assess.responses.columnar import CodedRows

T = TypeVar("T")


def read_respondents(
    path: Path | str, pack: LoadedPack, taken: Mapping[str, str] | None = None,
    options: ReadOptions = DEFAULT_READING, notes: ReadNotes | None = None, table: Table | None = None,
) -> Iterator[RespondentEntry]:
    """The respondents of `path`, whatever supported kind of file it is (see the module's docstring).

    `taken` maps respondent ids the answer file already uses to where; a file that repeats one is refused at
    the row (or line) that does. What was set aside without refusing the file is told in `notes`. `table` is
    the file already opened by `opened_table`, so that a workbook's sheet is not parsed twice.
    """
    table = table or opened_table(path)
    if table is None:
        path = Path(path)
        return file_format(path).respondents(path, pack, taken or {})
    return registered_respondents(options_table(table, pack.pack, options), pack.pack, taken, options, notes)


def opened_table(path: Path | str, in_pieces: bool = False) -> Table | None:
    """The file as a table, or None when it is an answer file written by `assess import`. `in_pieces` opens a
    large .xlsx in pieces for the columnar reader alone (`sheet_pieces`); any other reader, and the columnar one
    when it gives up, needs the table opened whole."""
    from assess.responses.sheet_pieces import pieces_table

    path = Path(path)
    head = regular_file_head(path)[:SNIFF_BYTES]
    kind = file_format_of(head)
    if kind is not None:
        table = kind.table(path, head)
        return None if table is None else open_table(table)
    if in_pieces and head.startswith(ZIP_MAGIC):
        return pieces_table(path) or open_table(path)
    return open_table(path)


def file_format(path: Path) -> FileFormat:
    """The file format (`formats.FILE_FORMATS`) of a file `opened_table` found to be no table."""
    found = file_format_of(regular_file_head(path)[:SNIFF_BYTES])
    assert found is not None, "opened_table said the file is one"
    return found


def options_table(table: Table, pack: Pack, options: ReadOptions) -> Table:
    """The table as the options say to read it: through the column map, if one is given."""
    return mapped_table(table, load_map(options.map_file, pack), pack) if options.map_file else table


def registered_respondents(
    table: Table, pack: Pack, taken: Mapping[str, str] | None = None, options: ReadOptions = DEFAULT_READING,
    notes: ReadNotes | None = None,
) -> Iterator[RespondentEntry]:
    """The respondents of a table of any registered format (`formats`)."""
    return format_of(table.header).respondents(table, pack, taken, options, notes)


def columnar_ready(table: Table | None, options: ReadOptions = DEFAULT_READING) -> bool:
    """Whether the columnar reader takes the table: a large plain CSV or workbook of a format laid out as the
    project's table, read with `columnar_options` (else `read_respondents` reads it row by row)."""
    from assess.responses.columnar import claims

    if table is None or not columnar_options(options):
        return False
    return format_of(table.header).columnar and claims(table)


def columnar_options(options: ReadOptions) -> bool:
    """Whether reading with these options leaves a file to the columnar reader: no groups, no column map, no
    attributes kept (its blocks carry the questions' codes alone)."""
    return not (options.group_by or options.map_file or options.attributes)


def fold_residents(
    path: Path | str | None, pack: LoadedPack, taken: Mapping[str, str], fold: Callable[[Iterable[CodedRows]], T],
    reading: ReadOptions = DEFAULT_READING, notes: ReadNotes | None = None,
    watch: Callable[[Iterator[RespondentEntry]], Iterable[RespondentEntry]] | None = None, keep: bool = False,
) -> tuple[T, Counted]:
    """`fold` (the scorer) over the residents of `path` (none when None), and what passed through it.

    The choice of reader is made here: a table the columnar reader takes (`columnar_ready`, and no `watch`
    that must see every respondent) is read by column, in blocks of `CodedRows`; if that reader gives up
    (`RowPathNeeded`, after some blocks perhaps) the fold is run again over the file read row by row, which
    words every problem at its row, its respondents coded into the same blocks (`entry_blocks`). Either way
    the fold sees one kind of item, and every respondent exactly once per run; `keep` keeps the respondents
    read row by row in what passed (for scoring groups of them).
    """
    from assess.responses.coded_entries import entry_blocks
    from assess.responses.columnar import RowPathNeeded, coded_respondents

    columnar = watch is None and columnar_options(reading)
    table = opened_table(path, in_pieces=columnar) if path is not None else None
    if columnar and columnar_ready(table, reading):
        try:
            rows = Counted(coded_respondents(table, pack.pack, taken, reading.strict, notes))
            return fold(rows), rows
        except RowPathNeeded:
            pass  # read again row by row, which reports every problem of the file at its row
    if table is not None and table.pieces is not None:
        table = opened_table(path)  # whole: its header is the whole sheet's, its problems all told
    rows = Counted(iter(()))
    if path is not None:
        residents = read_respondents(path, pack, taken, reading, notes, table)
        rows = Counted(watch(residents) if watch else residents, keep=keep)
    return fold(entry_blocks(rows, pack.pack)), rows


class Counted:
    """An iterable that counts the respondents that passed through (an empty residents' file is worth a
    warning, not silence), and keeps them when asked, for scoring groups of residents afterwards."""

    def __init__(self, items: Iterable[Any], keep: bool = False):
        self.items = items
        self.count = 0
        self.keep = keep
        self.kept: list[Any] = []

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.count += getattr(item, "rows", 1)  # a block of coded rows counts its rows
            if self.keep:
                self.kept.append(item)
            yield item


def residents_of(loaded: LoadedAnswers, given: Path | str | None) -> Path | str | None:
    """The residents' file to read with an answer file: the one given (`--respondents`), else the table the
    answer file names (`respondents_table:`, as `assess import` writes it); both at once is refused."""
    own = loaded.respondents_table()
    if own is not None and given is not None:
        raise AssessError(
            f"{loaded.file}: 这个答卷文件已带居民问卷表 {own.name}，不能再用 --respondents 给出 {given} / this answer "
            f"file already has its residents' table ({own.name}); it cannot take --respondents {given} as well"
        )
    return given if given is not None else own
