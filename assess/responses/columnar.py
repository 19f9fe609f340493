"""Residents' tables read by column: a million rows in seconds, every cell checked exactly as before.

A district survey can have a million rows, and checking them one cell at a time in Python is what made
scoring slow (about 19,000 rows/s). Here the file is read in blocks by pyarrow's CSV reader (chosen after
measuring it against polars and pandas on the same file, see `benchmarks/bench_ingest.py`), and each
question column is dictionary-encoded: every *distinct* cell text goes through the same reader as the
row-by-row path (`residents_csv.typed_reader`, hence `coerce_answer`), and the rows only carry codes into
that small table of canonical values. The scorer folds the codes in (`scoring.collect.Collector.add_coded`).

Small files take the same path (a district round reads hundreds of 14 KB CSVs): a CSV under
`COLUMNAR_MIN_BYTES`, or not UTF-8, or inside a zip, is coded a block of Python csv rows at a time, as a
workbook's rows are, without importing pyarrow. The columnar path only claims tables in the project's layout
(question ids or titles as headers), whose header's layout is worked out once per pack. At the first
sign of anything to report -- a cell that does not fit, an empty or repeated id, a ragged row, a byte
that is not UTF-8 -- it gives up with `RowPathNeeded`, and the caller reads the file again row by row,
which finds and words every problem of the file, with its row and column, as it always has. So the
messages are the same whichever path read first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from assess.packs.model import Pack
from assess.responses.reading import ReadNotes
from assess.responses.residents_csv import TableLayout, is_title_row, table_layout
from assess.responses.tabular import Table
from assess.responses.values import AnswerValueError

COLUMNAR_MIN_BYTES = 1 << 20  # smaller CSVs are coded from Python's csv rows: importing pyarrow would cost more
WORKBOOK_MIN_BYTES = 1 << 18  # a workbook is compressed: 256 KiB already holds thousands of rows (in pieces)
WORKBOOK_ROWS = 4096  # rows of a workbook or small CSV coded at a time
BLOCK_BYTES = 1 << 20
TEXT_VALUE = "text"  # the one value a text answer is coded as: its words do not enter the scores


class RowPathNeeded(Exception):
    """The file holds something to report, or a layout the columnar reader leaves to the row-by-row one."""


@dataclass
class CodedRows:
    """Respondents as dictionary-encoded columns: (question id, codes, canonical values) per question, a
    code indexing the values and -1 meaning unanswered. `values` may grow as later blocks are read. The one
    kind of item scoring and analysis fold: respondents read row by row come so too (`entry_blocks`), with
    `people`, the block's respondents as read, for their ids, groups and attributes (None when read by
    column, which reads neither groups nor attributes)."""

    rows: int
    columns: list[tuple[str, Any, list[Any]]]
    people: list[Any] | None = None


def claims(table: Table) -> bool:
    """Whether the columnar reader takes this table (else it is read row by row): any CSV, and a workbook
    read whole or in pieces. Small files too: a district round reads hundreds of 14 KB CSVs."""
    if table.kind in ("xlsx", "xls"):
        return table.sheet_rows is not None or table.pieces is not None
    return table.kind == "csv"


def by_arrow(table: Table) -> bool:
    """Whether pyarrow reads the CSV: a large plain UTF-8 file (any other is coded from Python's csv rows)."""
    return (
        table.path is not None and table.encoding in ("utf-8", "utf-8-sig")
        and table.path.stat().st_size >= COLUMNAR_MIN_BYTES
    )


def coded_respondents(
    table: Table, pack: Pack, taken: Mapping[str, str] | None = None, strict: bool = False,
    notes: ReadNotes | None = None,
) -> Iterator[CodedRows]:
    """The table's respondents in blocks; raises `RowPathNeeded` (possibly after some blocks) as described.
    Columns of no question are refused when `strict`, else named in `notes` (see `table_layout`)."""
    if not any(table.header):
        raise RowPathNeeded("an empty first row")  # the row-by-row reader words it
    layout = table_layout(table.header, pack, table.name, strict=strict)
    if notes is not None:
        notes.ignore(layout.ignored)
    if table.kind in ("xlsx", "xls"):
        return coded_workbook(table, layout, taken)
    if by_arrow(table):
        return coded_csv(table, layout, taken)
    return BlockCoding(table, layout, taken).row_blocks(table.rows(), first=True)


def coded_csv(table: Table, layout: TableLayout, taken: Mapping[str, str] | None) -> Iterator[CodedRows]:
    """A CSV's respondents, read in blocks by pyarrow."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(len(table.header))]
    reader_options = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK_BYTES)
    parse = pacsv.ParseOptions(delimiter=table.delimiter, newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                                   quoted_strings_can_be_null=False)
    coders = {column.index: Coder(column.read, column.question.type == "text") for column in layout.columns}
    ids = []
    try:
        for batch in pacsv.open_csv(table.path, reader_options, parse, convert):
            batch = without_blank_rows(batch, pc)
            if layout.id_column is not None:
                ids.append(checked_ids(batch.column(layout.id_column), taken, pa, pc))
            yield CodedRows(batch.num_rows, [
                (column.question.id, coders[column.index].codes(batch.column(column.index), np, pc),
                 coders[column.index].values)
                for column in layout.columns
            ])
        if ids and pc.count_distinct(pa.chunked_array(ids)).as_py() != sum(len(i) for i in ids):
            raise RowPathNeeded("a respondent id is used twice")
    except pa.ArrowException as exc:
        raise RowPathNeeded(str(exc)) from None


def without_blank_rows(batch, pc):
    """The batch without rows whose every cell is blank (the row-by-row reader skips them too). A blank row
    has a blank first cell, so only when some first cell is blank are the other columns looked at."""
    if not batch.num_columns:
        return batch
    blank = pc.equal(pc.utf8_trim_whitespace(batch.column(0)), "")
    if not pc.any(blank).as_py():
        return batch
    for array in batch.columns[1:]:
        blank = pc.and_(blank, pc.equal(pc.utf8_trim_whitespace(array), ""))
    return batch.filter(pc.invert(blank))


def checked_ids(raw, taken: Mapping[str, str] | None, pa, pc):
    """The batch's ids, trimmed; an empty or already-used id is for the row-by-row reader to report, and so
    is an id holding a character Python strips but Unicode does not call white space (U+001C–U+001F)."""
    ids = pc.utf8_trim_whitespace(raw)
    if pc.any(pc.equal(ids, "")).as_py() or pc.any(pc.match_substring_regex(raw, "[\x1c-\x1f]")).as_py():
        raise RowPathNeeded("an empty respondent id")
    if taken and pc.any(pc.is_in(ids, value_set=pa.array(list(taken), pa.string()))).as_py():
        raise RowPathNeeded("a respondent id the answer file uses")
    return ids


def coded_workbook(table: Table, layout: TableLayout, taken: Mapping[str, str] | None) -> Iterator[CodedRows]:
    """A workbook's respondents: its first sheet's rows taken from python-calamine a block at a time, or
    from its pieces (`sheet_pieces`), and coded by column: each distinct value of a column is converted and
    checked once."""
    coding = BlockCoding(table, layout, taken)
    if table.pieces is None:
        rows = table.sheet_rows()
        next(rows, None)
        yield from coding.row_blocks(rows, first=True)
        return
    for piece in table.pieces():
        if piece.batch is None:
            yield from coding.row_blocks(iter(piece.rows), first=piece.first)
        elif piece.batch.num_rows:
            yield coding.arrow_block(piece.batch, piece.places)


class BlockCoding:
    """The coders of a table's question columns, and the respondent ids seen so far: a workbook's rows, or
    a small CSV's as Python's csv module reads them, coded a block at a time."""

    def __init__(self, table: Table, layout: TableLayout, taken: Mapping[str, str] | None):
        self.layout = layout
        self.width = len(table.header)
        self.coders = {column.index: Coder(column.read, column.question.type == "text")
                       for column in self.layout.columns}
        self.seen: set[str] = set()
        self.taken = taken

    def row_blocks(self, rows: Iterator[list[Any]], first: bool) -> Iterator[CodedRows]:
        """Rows as calamine (or the csv module) gives them, `WORKBOOK_ROWS` at a time; if `first`, the first
        block's first row may be a data-entry workbook's visible title row."""
        import itertools

        import numpy as np

        from assess.responses.tabular import workbook_cell

        width = self.width
        while block := list(itertools.islice(rows, WORKBOOK_ROWS)):
            block = [row for row in block if not blank_cell(row[0] if row else None) or not all(map(blank_cell, row))]
            if first and block and is_title_row([workbook_cell(cell) for cell in block[0]], self.layout):
                block = block[1:]  # `assess indicators template`: the visible titles under the hidden id row
            first = False
            if any(len(row) > width and any(cell not in (None, "") for cell in row[width:]) for row in block):
                raise RowPathNeeded("a row with more cells than the header")
            block = [row + [None] * (width - len(row)) if len(row) < width else row for row in block]
            columns = list(zip(*block, strict=True)) if block else [()] * width
            if self.layout.id_column is not None:
                check_ids([str(workbook_cell(cell)).strip() for cell in columns[self.layout.id_column]], self.seen,
                          self.taken)
            yield CodedRows(len(block), [
                (column.question.id, self.coders[column.index].cell_codes(columns[column.index], np),
                 self.coders[column.index].values)
                for column in self.layout.columns
            ])

    def arrow_block(self, batch, places: list[int]) -> CodedRows:
        """A piece's rows as fastexcel's Arrow columns, `places` their columns' places under the header."""
        import numpy as np

        from assess.responses.tabular import workbook_cell

        columns = {place: Distinct(array, np) for place, array in zip(places, batch.columns, strict=True)}
        keep = np.zeros(batch.num_rows, dtype=bool)
        for column in columns.values():
            keep |= ~column.where(lambda value: isinstance(value, str) and not value.strip(), np)
        for place, column in columns.items():
            if place >= self.width and (keep & ~column.where(lambda value: value == "", np)).any():
                raise RowPathNeeded("a row with more cells than the header")
        rows = int(keep.sum())
        if self.layout.id_column is not None:
            ids = columns[self.layout.id_column].cells()[keep] if self.layout.id_column in columns else [None] * rows
            check_ids([str(workbook_cell(cell)).strip() for cell in ids], self.seen, self.taken)
        empty = np.full(rows, -1, dtype=np.int32)
        return CodedRows(rows, [
            (column.question.id,
             self.coders[column.index].distinct_codes(columns[column.index], np)[keep]
             if column.index in columns else empty,
             self.coders[column.index].values)
            for column in self.layout.columns
        ])


class Distinct:
    """An Arrow column as its distinct values (Python objects, nulls left out) and each cell's place among
    them, a null's being just after the last: every later test or lookup is made once per distinct value."""

    def __init__(self, array, np):
        import pyarrow.compute as pc

        self.values: list[Any] = []
        self.places = np.zeros(len(array), dtype=np.int64)
        if array.null_count < len(array):
            encoded = pc.dictionary_encode(array)
            self.values = encoded.dictionary.to_pylist()
            indices = encoded.indices
            places = np.frombuffer(indices.buffers()[1], dtype=np.int32)[indices.offset:indices.offset + len(indices)]
            self.places = np.where(valid_cells(indices, np), places, len(self.values))

    def where(self, test: Callable[[Any], bool], np):
        """Which cells are null, or hold a value passing `test`."""
        return np.array([bool(test(value)) for value in self.values] + [True])[self.places]

    def cells(self):
        """Every cell's value, None for a null (an object array, for masking)."""
        import numpy as np

        return np.array([*self.values, None], dtype=object)[self.places]


def valid_cells(array, np):
    """Which cells of an Arrow array are not null, read from its validity bitmap. (Arrow's own conversions
    to NumPy import pandas where it is installed: a third of a second.)"""
    bitmap = array.buffers()[0]
    if bitmap is None:
        return np.ones(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[array.offset:array.offset + len(array)].astype(bool)


def blank_cell(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def check_ids(ids: list[str], seen: set[str], taken: Mapping[str, str] | None) -> None:
    """Empty, repeated or already-used ids are for the row-by-row reader to report."""
    for rid in ids:
        if not rid or rid in seen or (taken and rid in taken):
            raise RowPathNeeded(f"respondent id {rid!r}")
        seen.add(rid)


class Coder:
    """One column's distinct cell texts -> codes into its canonical values, each text checked once."""

    def __init__(self, read, is_text: bool):
        self.read = read
        self.is_text = is_text
        self.values: list[Any] = [TEXT_VALUE] if is_text else []
        self.code_of: dict[str, int] = {}

    def codes(self, array, np, pc):
        if self.is_text:
            answered = pc.not_equal(pc.utf8_trim_whitespace(array), "").to_numpy(zero_copy_only=False)
            return np.where(answered, 0, -1).astype(np.int32)
        encoded = pc.dictionary_encode(array)
        table = np.array([self.code(text) for text in encoded.dictionary.to_pylist()] or [-1], dtype=np.int32)
        return table[encoded.indices.to_numpy(zero_copy_only=False)]

    def cell_codes(self, cells, np):
        """Codes of workbook cells. Cells are keyed by value, and by type as well when the column holds a
        boolean (True == 1, yet `true` is no likert answer); a text code key never collides with a typed one."""
        from assess.responses.tabular import workbook_cell

        typed = bool in set(map(type, cells))  # only then can a key mean two things (True == 1)
        keys = list(zip(map(type, cells), cells, strict=True)) if typed else cells
        for key in set(keys) - self.code_of.keys():
            cell = workbook_cell(key[1] if typed else key)
            if self.is_text:
                self.code_of[key] = 0 if str(cell).strip() else -1
            else:
                self.code_of[key] = -1 if cell == "" else self.checked_code(cell)
        return np.fromiter(map(self.code_of.__getitem__, keys), dtype=np.int32, count=len(keys))

    def distinct_codes(self, column: Distinct, np):
        """Codes of an Arrow column's cells, keyed by (type, value) as `cell_codes` keys typed cells."""
        from assess.responses.tabular import workbook_cell

        codes = []
        for value in column.values:
            key = (type(value), value)
            if key not in self.code_of:
                cell = workbook_cell(value)
                if self.is_text:
                    self.code_of[key] = 0 if str(cell).strip() else -1
                else:
                    self.code_of[key] = -1 if cell == "" else self.checked_code(cell)
            codes.append(self.code_of[key])
        return np.array(codes + [-1], dtype=np.int32)[column.places]

    def code(self, text: str) -> int:
        try:
            return self.code_of[text]
        except KeyError:
            pass
        self.code_of[text] = code = -1 if text == "" else self.checked_code(text)
        return code

    def checked_code(self, cell: Any) -> int:
        """The code of a new cell's canonical value; a value to report leaves it to the row-by-row reader."""
        try:
            value = self.read(cell)
        except AnswerValueError as exc:
            raise RowPathNeeded(str(exc)) from None
        if value is None:
            return -1
        self.values.append(value)
        return len(self.values) - 1
