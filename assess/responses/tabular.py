"""The shared layer under every tabular source of respondents: rows in, problems collected per row.

Residents' CSVs and the tools' exports are all a header row and data rows. This module reads them (CSV in
',' ';' or tab, XLSX), numbers rows as a spreadsheet shows them (the header being row 1), keeps a bounded
list of problems per file, and remembers respondent ids cheaply to find repeats. A new input format is one
module that turns its header into question columns and leaves the rest to this layer.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import stat
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from assess.errors import AssessError, Problem, ProblemsError
from assess.files import BROKEN_ZIP, broken_zip, open_zip

MAX_LISTED_PROBLEMS = 200


MAX_TABLE_BYTES = 4 * 1024**3  # a residents' CSV of millions of rows is fine; a disk image is not
SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)
TEXT_ENCODINGS = ("utf-8", "gb18030")  # Excel on a Chinese Windows saves "CSV" as GBK, a subset of GB18030
DELIMITERS = ",;\t"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")

ByteSource = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class Table:
    """A header row and the data rows under it, from any spreadsheet-like file; `rows()` can be read again.

    `kind` is what the content turned out to be (csv, xlsx, xls, zip), whatever the file's name says;
    `encoding` is the text encoding of a CSV. Data rows are numbered as a spreadsheet shows them, the
    header being row 1; cells are text from a CSV and text, numbers or booleans from a workbook.
    """

    name: str
    kind: str
    header: list[str]
    read: Callable[[], Iterator[list[Any]]]  # every row, the header first
    encoding: str | None = None
    path: Path | None = None  # a CSV or workbook read straight from a file (not out of a zip), for columnar readers
    delimiter: str | None = None
    sheet_rows: Callable[[], Iterator[list[Any]]] | None = None  # a workbook's rows as calamine gives them, for
    # the columnar reader; a table opened in pieces has its pieces instead, and leaves every problem to it
    pieces: Callable[[], Iterator[Any]] | None = None

    def rows(self) -> Iterator[list[Any]]:
        rows = self.read()
        next(rows, None)
        return rows


def open_table(path: Path | str) -> Table:
    """The file as a `Table`, recognised by its content: CSV (UTF-8, UTF-8 with BOM or GB18030/GBK; ',' ';'
    or tab), .xlsx, .xls, or a .zip holding one CSV (ODK Central's download).

    A large .xlsx can also be opened in pieces, for the columnar reader alone (`sheet_pieces.pieces_table`).
    """
    path = Path(path)
    head = regular_file_head(path)
    refuse_other_kinds(path, head)
    if head.startswith(ZIP_MAGIC):
        return zip_table(path)
    if head.startswith(OLE2_MAGIC):
        return workbook_table(path, "xls")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise AssessError(
            f"{path}: 无法作为 {path.suffix[1:].upper()} 工作簿读取（文件内容不是工作簿） / cannot be read as an "
            f"{path.suffix[1:].upper()} workbook (its content is not one); save it again from Excel"
        )
    if head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"[", b"<") or b"\x00" in head:
        raise AssessError(
            f"{path}: 不是表格文件，需要 .csv、.xlsx 或 .xls 文件 / not a table (it looks like JSON, HTML, XML or a "
            "binary file): expected a .csv or .xlsx (or .xls) file"
        )
    encoding = text_encoding(path, head)
    return csv_table(path, str(path), lambda: path.open("rb"), encoding)


ACCEPTED = (
    "问卷星下载（.xls、.xlsx、.csv）、Excel 录入表、CSV、KoboToolbox / ODK Central 导出（.csv、.xlsx、.zip）或 "
    "assess import 写出的答卷文件",
    "a 问卷星 download (.xls, .xlsx, .csv), an Excel entry table, a CSV, a KoboToolbox / ODK Central export (.csv, "
    ".xlsx, .zip) or an answer file written by assess import",
)
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
DOCUMENT_SUFFIXES = {".doc": ("Word 文档", "a Word document"), ".docx": ("Word 文档", "a Word document"),
                     ".ppt": ("PowerPoint 演示文稿", "a PowerPoint file"), ".txt": ("文本文件", "a text file"),
                     ".md": ("文本文件", "a text file"), ".wps": ("WPS 文档", "a WPS document")}


def refuse_other_kinds(path: Path, head: bytes) -> None:
    """A document, a PDF or a picture given as residents' data is named for what it is, with the kinds of
    file that are read; a .txt is a table only when its first line is tab-separated (Excel's "Text")."""
    kind = other_kind(path, head)
    if kind is not None:
        raise AssessError(
            f"{path}: 这是{kind[0]}，不是问卷数据表；可以读取的是{ACCEPTED[0]} / this is {kind[1]}, not survey data; "
            f"accepted: {ACCEPTED[1]}"
        )


def other_kind(path: Path, head: bytes) -> tuple[str, str] | None:
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "PDF 文件", "a PDF file"
    if head.startswith(IMAGE_MAGIC) or head[4:12] in (b"ftypheic", b"ftypmif1"):
        return "图片", "a picture"
    if head.startswith(ZIP_MAGIC) and b"word/document" in head:
        return "Word 文档", "a Word document"
    if head.startswith(ZIP_MAGIC) and b"ppt/presentation" in head:
        return "PowerPoint 演示文稿", "a PowerPoint file"
    if suffix == ".txt" and b"\t" in head.split(b"\n", 1)[0]:
        return None
    return DOCUMENT_SUFFIXES.get(suffix)


def regular_file_head(path: Path) -> bytes:
    """The first bytes of a regular file of a sane size; anything else is refused before it is read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AssessError(f"{path}: 找不到文件 / file not found") from None
    except OSError as exc:
        raise AssessError(f"{path}: 无法读取文件 / cannot read the file: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise AssessError(f"{path}: 这是文件夹，需要表格文件 / is a folder, expected a CSV, XLSX or XLS file")
    if not stat.S_ISREG(info.st_mode):
        raise AssessError(
            f"{path}: 不是普通文件 / not a regular file (a device or a pipe); give a CSV, XLSX or XLS file"
        )
    if info.st_size > MAX_TABLE_BYTES:
        raise AssessError(
            f"{path}: 文件过大（{info.st_size / 1024**3:.1f} GiB，上限 {MAX_TABLE_BYTES // 1024**3} GiB） "
            f"/ file is {info.st_size / 1024**3:.1f} GiB, over the {MAX_TABLE_BYTES // 1024**3} GiB limit"
        )
    if info.st_size == 0:
        raise AssessError(f"{path}: 文件为空 / the file is empty")
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise AssessError(f"{path}: 无法读取文件 / cannot read the file: {exc.strerror}") from None


def text_encoding(path: Path, head: bytes) -> str:
    """UTF-8 if the file's start decodes as UTF-8 (a character cut at the end of the sample is fine), else
    GB18030; neither is a message. A later byte that does not fit is reported at its line when read."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in TEXT_ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise AssessError(
        f"{path}:{first_undecodable_line(path, 'gb18030')}: 既不是 UTF-8 也不是 GBK/GB18030 编码的文本，"
        "请在 Excel 中另存为“CSV UTF-8（逗号分隔）” / neither UTF-8 nor GBK/GB18030 text; in Excel save as "
        "\"CSV UTF-8 (逗号分隔)\""
    )


def csv_table(path: Path, name: str, open_bytes: ByteSource, encoding: str) -> Table:
    delimiter = DELIMITERS[0]

    def read() -> Iterator[list[Any]]:
        nonlocal delimiter
        with open_bytes() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            delimiter = max(DELIMITERS, key=first.count)
            reader = csv.reader(handle, delimiter=delimiter, strict=True)  # strict: a quote left open is an error
            row_start = 1
            try:
                for row in reader:
                    yield row
                    row_start = reader.line_num + 1
            except UnicodeDecodeError:
                line = first_undecodable_line(path, encoding) if name == str(path) else reader.line_num + 1
                if encoding.startswith("utf-8"):
                    raise AssessError(
                        f"{name}:{line}: 文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）” / "
                        "not UTF-8 text; in Excel save as \"CSV UTF-8 (逗号分隔)\""
                    ) from None
                raise AssessError(
                    f"{name}:{line}: 此处的字节不是 GBK/GB18030 文本 / not GBK/GB18030 text here; in Excel save as "
                    "\"CSV UTF-8 (逗号分隔)\""
                ) from None
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    raise AssessError(
                        f"{name}:{row_start}: 此行的引号没有闭合，从这里到文件末尾会被读成一个单元格；请补上引号 / "
                        "a quote opened in this row is never closed, so the rest of the file would be one cell; "
                        "close the quote"
                    ) from None
                raise AssessError(
                    f"{name}:{reader.line_num}: 无法读取的 CSV 行 / not a readable CSV row: {exc}"
                ) from None

    header = header_of(read(), name)
    return Table(name, "csv", header, read, encoding, path if name == str(path) else None, delimiter)


def header_of(rows: Iterator[list[Any]], name: str) -> list[str]:
    header = next(rows, None)
    close = getattr(rows, "close", None)
    if close is not None:
        close()
    if header is None:
        raise AssessError(f"{name}: 文件为空 / the file is empty")
    names = [str(cell).strip() for cell in header]
    while names and not names[-1]:  # a sheet is rectangular: the header row is padded to the widest row
        names.pop()
    return names


def beyond_header(row: list[Any], width: int) -> str | None:
    """Why a row with filled cells past its header's last column is refused (they would be dropped unread)."""
    if len(row) > width and any(str(cell).strip() for cell in row[width:]):
        return (f"单元格数（{len(row)}）多于表头的列数（{width}），多出的内容没有列名 / the row has {len(row)} cells "
                f"but the header has {width}; the extra cells have no column name")
    return None


def first_undecodable_line(path: Path, encoding: str = "utf-8") -> int:
    """The line holding the first byte that does not decode; the text reader decodes ahead in large chunks,
    so its own position says nothing. A newline byte never occurs inside a UTF-8 or GB18030 character (their
    trail bytes are 0x30 and up), so lines decode alone."""
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                return number
    return 1


def zip_table(path: Path) -> Table:
    """An .xlsx workbook, or a .zip holding one CSV (ODK Central's `.csv.zip`); members are bounded first."""
    with open_zip(path) as archive:
        members = archive.infolist()
        names = [m.filename for m in members]
        if "xl/workbook.xml" in names:
            return workbook_table(path, "xlsx")
        tables = [m for m in members if m.filename.lower().endswith(".csv") and not m.is_dir()]
        if len(tables) != 1:
            listed = ", ".join(m.filename for m in tables[:5]) or "（无 / none）"
            raise AssessError(
                f"{path}: ZIP 文件中应恰好有一个 CSV 文件，实际为 {len(tables)} 个：{listed} "
                f"/ the zip should hold exactly one CSV file, it holds {len(tables)}: {listed}"
            )
        member = tables[0]
        if member.flag_bits & 0x1:
            raise AssessError(
                f"{path}: ZIP 文件已加密，请导出不加密的数据 / the zip is encrypted; download it unencrypted"
            )
        try:
            with archive.open(member) as handle:
                head = handle.read(SNIFF_BYTES)
                while handle.read(1 << 20):  # to its end, where the checksum is: damage is told as such, not
                    pass  # as a byte that is not UTF-8 somewhere in the middle
        except BROKEN_ZIP as exc:
            raise broken_zip(path, exc) from None
    name = f"{path}:{member.filename}"
    encoding = text_encoding(path, head)

    @contextmanager
    def open_member() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as archive, archive.open(member.filename) as handle:
            yield handle

    return csv_table(path, name, open_member, encoding)


def workbook_table(path: Path, kind: str) -> Table:
    """The first sheet of an .xlsx or .xls (python-calamine: fast, and reads both); macros are never run.

    The sheet is parsed once and kept for the table's later reads: calamine parses a whole sheet at a time,
    so reading the header and then the rows would otherwise parse it twice.
    """
    from python_calamine import CalamineWorkbook

    from assess.responses.sheet_extent import check_sheet

    parsed: list[Any] = []

    def sheet() -> Any:
        if not parsed:
            check_sheet(path, kind)  # calamine lays the sheet out as a grid: a far cell would take gigabytes
            try:
                parsed.append(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0))
            except Exception as exc:  # calamine raises its own kinds for a file that is not a workbook
                raise AssessError(
                    f"{path}: 无法作为 {kind.upper()} 工作簿读取（{exc}） "
                    f"/ cannot be read as an {kind.upper()} workbook ({exc})"
                ) from None
        return parsed[0]

    def read() -> Iterator[list[Any]]:
        for row in sheet().iter_rows():
            yield [workbook_cell(value) for value in row]

    return Table(str(path), kind, header_of(read(), str(path)), read, path=path,
                 sheet_rows=lambda: sheet().iter_rows())


def workbook_cell(value: Any) -> Any:
    """A cell as the answers expect it: empty as "", whole numbers as int (Excel stores 3 as 3.0), dates as text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


class ProblemList:
    """Problems of one table, keeping the first `MAX_LISTED_PROBLEMS` and counting the rest: the one list
    and cap of every tabular format."""

    def __init__(self, file: str):
        self.file = file
        self.listed: list[Problem] = []
        self.more = 0

    def add(self, row: int | None, field: str, message: str) -> None:
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(Problem(self.file, row, field, message))
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem.line, problem.field, problem.message)

    def raise_if_any(self, closing: Iterable[Problem] = ()) -> None:
        """Every problem kept (and `closing`, what the command says of them all), the others counted with
        those the message does not show: one count."""
        if self.listed:
            raise ProblemsError([*self.listed, *closing], {self.file: self.more})


class IdHashes:
    """Respondent ids remembered as 8-byte hashes, so a million rows cost 8 MB rather than a set of strings.

    A repeated hash only triggers a second pass over the file, which compares the ids themselves.
    """

    def __init__(self) -> None:
        self.hashes = array("q")

    def add(self, rid: str) -> None:
        self.hashes.append(id_hash(rid))

    def repeated(self) -> set[int]:
        import numpy as np

        if not self.hashes:
            return set()
        values = np.frombuffer(self.hashes, dtype=np.int64)  # a view: sorting in place needs no copy
        values.sort()
        return set(values[1:][values[1:] == values[:-1]].tolist())


def respondent_rows(
    table: Table,
    entry_of: Callable[[list[Any], int, ProblemList], Any],
    id_of: Callable[[list[Any], int], str],
    id_header: str,
    taken: Mapping[str, str] | None = None,
    title_row: Callable[[list[Any]], bool] | None = None,
) -> Iterator[Any]:
    """The one row loop every tabular format reads through: blank rows passed over, each row made a respondent
    by `entry_of` (which records its problems and gives None for a bad row), ids the answer file already uses
    refused, repeated ids found (a second pass names the row that first used each), and every problem raised
    together, with one cap, once the file has been read. `title_row` tells a first row that repeats the header
    in words (a data-entry workbook's visible titles)."""
    problems = ProblemList(table.name)
    seen = IdHashes()
    first = True
    for row_number, row in enumerate(table.rows(), start=2):
        if not any(str(cell).strip() for cell in row):
            continue
        if first and title_row is not None and title_row(row):
            continue
        first = False
        entry = entry_of(row, row_number, problems)
        if entry is None:
            continue
        if taken and entry.id in taken:
            problems.add(row_number, id_header, id_taken_message(entry.id, taken[entry.id]))
            continue
        seen.add(entry.id)
        yield entry
    repeated = seen.repeated()
    if repeated:
        repeated_ids(table, id_of, id_header, repeated, problems)
    problems.raise_if_any()


def repeated_ids(table: Table, id_of: Callable[[list[Any], int], str], id_header: str, repeated: set[int],
                 problems: ProblemList) -> None:
    """Second pass: name each repeated id with the row that first used it."""
    first_row: dict[str, int] = {}
    for row_number, row in enumerate(table.rows(), start=2):
        rid = id_of(row, row_number)
        if not rid or id_hash(rid) not in repeated:
            continue
        if rid in first_row:
            problems.add(row_number, id_header, (
                f"受访者编号 '{rid}' 重复（首次在第 {first_row[rid]} 行；请勿把几次下载的数据合并在一起） "
                f"/ duplicate respondent id '{rid}' (first used in row {first_row[rid]})"
            ))
        else:
            first_row[rid] = row_number


def id_taken_message(rid: str, place: str) -> str:
    """A row whose respondent (or submission) id the answer file already uses, whatever the file's kind."""
    return (
        f"受访者编号 '{rid}' 已在答卷文件中使用（{place}） / "
        f"respondent id '{rid}' is already used in the answer file ({place})"
    )


def id_hash(rid: str) -> int:
    return int.from_bytes(hashlib.blake2b(rid.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


# -- which rows, and where their answers go ------------------------------------------------------------


class DataRows:
    """The non-blank data rows with their spreadsheet numbers (the header is row 1), counted as they pass."""

    def __init__(self, rows: Iterator[list[Any]]):
        self.rows = rows
        self.read = 0
        self.blank = 0

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(self.rows, start=2):
            if not any(str(cell).strip() for cell in row):
                self.blank += 1
                continue
            self.read += 1
            yield number, row
