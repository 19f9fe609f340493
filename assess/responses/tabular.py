"""The shared layer under every tabular source of respondents: rows in, problems collected per row.

Residents' CSVs and the tools' exports are all a header row and data rows. This module reads them (CSV in
',' ';' or tab, XLSX), numbers rows as a spreadsheet shows them (the header being row 1), keeps a bounded
list of problems per file, and remembers respondent ids cheaply to find repeats. A new input format is one
module that turns its header into question columns and leaves the rest to this layer.
"""

from __future__ import annotations

import csv
import hashlib
from array import array
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Problem, ProblemsError

MAX_LISTED_PROBLEMS = 200


def open_csv(path: Path):
    """The CSV opened as text; Excel's UTF-8 byte-order mark is dropped."""
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise AssessError(f"{path}: file not found / 找不到文件") from None
    except IsADirectoryError:
        raise AssessError(f"{path}: is a folder, expected a CSV file / 这是文件夹，需要 CSV 文件") from None


def unreadable_as_error(reader, path: Path) -> Iterator[list[str]]:
    """The reader's rows; a file that is not UTF-8 CSV ends in a message saying how to save it properly."""
    try:
        yield from reader
    except UnicodeDecodeError:
        line = first_undecodable_line(path)
        raise AssessError(
            f"{path}:{line}: not UTF-8 text; in Excel save as \"CSV UTF-8 (逗号分隔)\" / "
            "文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
        ) from None
    except csv.Error as exc:
        raise AssessError(f"{path}:{reader.line_num}: not a readable CSV row / 无法读取的 CSV 行: {exc}") from None


def first_undecodable_line(path: Path) -> int:
    """The line holding the first byte that is not UTF-8; the text reader decodes ahead in large chunks, so its
    own position says nothing. A newline byte never occurs inside a UTF-8 character, so lines decode alone."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


class ProblemList:
    """Problems of one CSV, keeping the first `MAX_LISTED_PROBLEMS` and counting the rest."""

    def __init__(self, file: str):
        self.file = file
        self.listed: list[Problem] = []
        self.more = 0

    def add(self, row: int, field: str, message: str) -> None:
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(Problem(self.file, row, field, message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if not self.listed:
            return
        problems = list(self.listed)
        if self.more:
            problems.append(Problem(self.file, None, "", f"and {self.more} more problem(s) / 另有 {self.more} 个问题"))
        raise ProblemsError(problems)


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


def id_hash(rid: str) -> int:
    return int.from_bytes(hashlib.blake2b(rid.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


# -- the rows -----------------------------------------------------------------------------------------


def read_rows(path: Path) -> Iterator[list[Any]]:
    """The header, then each row, from a CSV (',' ';' or tab separated, as the tools offer) or an XLSX."""
    if not path.exists():
        raise AssessError(f"{path}: 找不到文件 / file not found")
    if path.is_dir():
        raise AssessError(f"{path}: 这是文件夹，需要 CSV 或 XLSX 文件 / is a folder, expected a CSV or XLSX file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx_rows(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return csv_rows(path)
    raise AssessError(
        f"{path}: 需要 KoboToolbox 或 ODK Central 导出的 .csv 或 .xlsx 文件 "
        "/ expected a .csv or .xlsx export of KoboToolbox or ODK Central"
    )


def csv_rows(path: Path) -> Iterator[list[Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            delimiter = max(",;\t", key=first.count)
            yield from csv.reader(handle, delimiter=delimiter)
    except UnicodeDecodeError:
        line = first_undecodable_line(path)
        raise AssessError(
            f"{path}:{line}: 文件不是 UTF-8 编码，请按 UTF-8 导出 / not UTF-8 text; export as UTF-8"
        ) from None
    except csv.Error as exc:
        raise AssessError(f"{path}: 无法按 CSV 读取 / not readable as CSV: {exc}") from None


def xlsx_rows(path: Path) -> Iterator[list[Any]]:
    """The first sheet (the tools put the submissions there; repeat groups, which our forms lack, follow)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise AssessError(
            f"{path}: 无法作为 XLSX 工作簿读取（{exc}） / cannot be read as an XLSX workbook ({exc})"
        ) from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [xlsx_cell(value) for value in row]
    finally:
        book.close()


def xlsx_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


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
