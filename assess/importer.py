"""Reading what KoboToolbox or ODK Central exported into an answer file: `assess import`.

Both tools export one row per submission, as CSV or XLSX, but they spell the columns differently: Kobo
joins group and question names with '/' (or '.'), ODK Central with '-'; a select_multiple is either one
cell of space-separated choices or one 0/1 column per choice; each tool adds its own meta columns
(`_uuid`, `_submission_time`, `start`, `KEY`, `meta-instanceID`, ...). The header is mapped once, through
the same names `assess indicators xlsform` gives the questions, and every cell then goes through
`coerce_answer`, exactly as an answer typed into an answer file would. Nothing is dropped silently: a bad
row stops the import unless the user asks to skip bad rows, and the result counts what was read,
imported and skipped.
"""

from __future__ import annotations

import csv
import difflib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from assess.answers import MAX_LISTED_PROBLEMS, AnswerFile, AnswerValueError, RespondentEntry, coerce_answer
from assess.errors import AssessError, Problem, ProblemsError
from assess.pack import Pack, Question
from assess.results import Community
from assess.xlsform import form_names

GROUP_SEPARATORS = ("/", "-", ".")
OPTION_SEPARATORS = ("/", "-", ".")
# Meta columns of KoboToolbox, ODK Central and the XLSForm meta questions; never answers.
META_COLUMNS = frozenset(
    name.lower()
    for name in (
        "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
        "audit", "instanceID", "instanceName", "deprecatedID", "KEY", "SubmissionDate", "SubmitterID",
        "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
        "Edits", "FormVersion", "formhub/uuid", "meta", "__version__",
    )
)
ID_COLUMNS = ("_uuid", "meta/instanceid", "meta-instanceid", "meta.instanceid", "instanceid", "key")
TRUE_CELLS = frozenset({"1", "true", "yes"})
FALSE_CELLS = frozenset({"0", "false", "no", ""})


# -- the header ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a column holds: a question's answer, or (one 0/1 column per choice) whether `option` was chosen."""

    question: Question
    option: str | None = None


@dataclass
class Layout:
    header: list[str]
    id_column: int
    answers: dict[int, Question] = field(default_factory=dict)  # column -> question
    choices: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # question id -> [(column, option)]
    questions: dict[str, Question] = field(default_factory=dict)
    meta: list[str] = field(default_factory=list)


def column_names(pack: Pack) -> dict[str, Target | None]:
    """Every spelling of a question column either tool can export -> its target (None: ambiguous).

    A question is accepted under its form name or its id, alone or after its dimension's group name; a
    spelling that is also a meta column (a question with the id `start`) is left to the meta column.
    """
    names = form_names(pack)
    spellings: dict[str, Target | None] = {}

    def accept(name: str, target: Target) -> None:
        if not is_meta(name):
            spellings[name] = target if spellings.get(name, target) == target else None

    for dim, _, question in pack.questions():
        prefixes = [""] + [g + sep for g in {names[dim.id], dim.id} for sep in GROUP_SEPARATORS]
        for prefix, alias in itertools.product(prefixes, {names[question.id], question.id}):
            accept(prefix + alias, Target(question))
            if question.type == "multi_choice":
                for option, sep in itertools.product(question.options, OPTION_SEPARATORS):
                    accept(f"{prefix}{alias}{sep}{option.id}", Target(question, option.id))
    return spellings


def is_meta(column: str) -> bool:
    lowered = column.lower()
    for prefix in ("meta/", "meta-", "meta."):
        lowered = lowered.removeprefix(prefix)
    return column.startswith("_") or lowered in META_COLUMNS


def read_layout(header: list[str], pack: Pack, name: str) -> Layout:
    """The columns' meaning; an unknown, ambiguous or repeated column is fatal, since no row can be trusted."""
    spellings = column_names(pack)
    lowered = [c.lower() for c in header]
    id_column = next((lowered.index(c) for c in ID_COLUMNS if c in lowered), None)
    problems: list[Problem] = []
    if id_column is None:
        problems.append(
            Problem(name, 1, "", "no submission id column (_uuid, meta/instanceID or KEY); export the data with its "
                    "meta columns / 缺少提交编号列（_uuid 或 instanceID），导出时请包含元数据列")
        )
    layout = Layout(header, id_column if id_column is not None else -1)
    seen: dict[tuple[str, str | None], str] = {}
    for index, column in enumerate(header):
        target = spellings.get(column)
        if column in spellings and target is None:
            problems.append(Problem(name, 1, column, "the column name fits more than one question / 列名有歧义"))
        elif target is not None:
            key = (target.question.id, target.option)
            if key in seen:
                message = f"a second column for '{target.question.id}' (first: '{seen[key]}') / 同一题目出现两列"
                problems.append(Problem(name, 1, column, message))
                continue
            seen[key] = column
            layout.questions[target.question.id] = target.question
            if target.option is None:
                layout.answers[index] = target.question
            else:
                layout.choices.setdefault(target.question.id, []).append((index, target.option))
        elif is_meta(column) or index == id_column:
            layout.meta.append(column)
        elif not column:
            problems.append(Problem(name, 1, f"column {index + 1}", "empty column name / 列名为空"))
        else:
            problems.append(Problem(name, 1, column, unknown_column_message(column, spellings)))
    if problems:
        raise ProblemsError(problems)
    return layout


def unknown_column_message(column: str, spellings: dict[str, Target | None]) -> str:
    close = difflib.get_close_matches(column, list(spellings), n=3, cutoff=0.75)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return (
        f"not a question of the pack, nor a meta column{hint}. Export with question names (XML values), not "
        "labels, from the form made by `assess indicators xlsform` for this pack / 不是指标包中的题目"
    )


# -- the rows -----------------------------------------------------------------------------------------


def read_rows(path: Path) -> Iterator[list[Any]]:
    """The header, then each row, from a CSV (',' ';' or tab separated, as the tools offer) or an XLSX."""
    if not path.exists():
        raise AssessError(f"{path}: file not found / 找不到文件")
    if path.is_dir():
        raise AssessError(f"{path}: is a folder, expected a CSV or XLSX file / 这是文件夹")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx_rows(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return csv_rows(path)
    raise AssessError(f"{path}: expected a .csv or .xlsx export of KoboToolbox or ODK Central / 需要 CSV 或 XLSX 文件")


def csv_rows(path: Path) -> Iterator[list[Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            delimiter = max(",;\t", key=first.count)
            yield from csv.reader(handle, delimiter=delimiter)
    except UnicodeDecodeError as exc:
        raise AssessError(f"{path}: not UTF-8 text (byte {exc.start}); export as UTF-8 / 文件不是 UTF-8 编码") from None


def xlsx_rows(path: Path) -> Iterator[list[Any]]:
    """The first sheet (the tools put the submissions there; repeat groups, which our forms lack, follow)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise AssessError(f"{path}: cannot be read as an XLSX workbook ({exc}) / 无法读取 XLSX 文件") from None
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


def cell_reader(question: Question, limit: int = 512) -> Callable[[Any], Any]:
    """`coerce_answer` for one column, remembering the few distinct cells a closed question has.

    The type is part of the key because True == 1 in Python, yet `true` is not a likert answer.
    """
    cache: dict[tuple[type, Any], Any] = {}
    cacheable = question.type != "text"

    def read(cell: Any) -> Any:
        key = (type(cell), cell)
        if key in cache:
            return cache[key]
        value = coerce_answer(question, cell)
        if cacheable and len(cache) < limit:
            cache[key] = value
        return value

    return read


@dataclass
class ImportResult:
    """The answer file to write and what happened to every row (problems of skipped rows included)."""

    answers: AnswerFile
    rows_read: int
    imported: int
    skipped: int
    blank: int
    problems: list[Problem]
    file: str

    def summary(self) -> str:
        blank = f", {self.blank} blank row(s) ignored / 忽略空行 {self.blank} 行" if self.blank else ""
        return (
            f"{self.file}: {self.rows_read} row(s) read, {self.imported} imported, {self.skipped} skipped "
            f"/ 读取 {self.rows_read} 行，导入 {self.imported} 行，跳过 {self.skipped} 行{blank}"
        )


def import_export(
    path: Path | str,
    pack: Pack,
    pack_ref: str,
    community_name: str,
    skip_bad_rows: bool = False,
) -> ImportResult:
    """One respondent per submission, in an `AnswerFile` for `pack_ref`; raise `ProblemsError` on bad rows.

    With `skip_bad_rows` a bad row is left out and its problems are returned in the result instead, so the
    caller can show exactly what was skipped. Row numbers are those a spreadsheet shows (the header is 1).
    """
    path = Path(path)
    name = str(path)
    rows = read_rows(path)
    header = [str(c).strip() for c in next(rows, [])]
    if not any(header):
        raise AssessError(f"{name}: the file is empty / 文件为空")
    layout = read_layout(header, pack, name)
    readers = {index: cell_reader(q) for index, q in layout.answers.items()}
    respondents: list[RespondentEntry] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    read = blank = 0
    for row_number, row in enumerate(rows, start=2):
        if not any(str(cell).strip() for cell in row):
            blank += 1
            continue
        read += 1
        row_problems: list[Problem] = []
        entry = row_entry(row, row_number, layout, readers, name, row_problems)
        if entry is not None and entry.id in first_row:
            message = f"submission '{entry.id}' appears twice (first in row {first_row[entry.id]}) / 提交编号重复"
            row_problems.append(Problem(name, row_number, header[layout.id_column], message))
        if row_problems:
            problems += row_problems
            continue
        first_row[entry.id] = row_number
        respondents.append(entry)
    answers = AnswerFile(pack=pack_ref, community=Community(name=community_name), respondents=respondents)
    result = ImportResult(answers, read, len(respondents), read - len(respondents), blank, problems, name)
    if problems and not skip_bad_rows:
        raise ProblemsError(listed(problems, name) + [Problem(name, None, "", import_refused(result))])
    return result


def import_refused(result: ImportResult) -> str:
    return (
        f"{result.rows_read} row(s) read, {result.skipped} with problems; nothing was written. Correct the rows, "
        "or pass --skip-bad-rows to import the others (the skipped rows are listed) "
        "/ 有问题的行未导入，未写入任何文件；可修正后重试，或加 --skip-bad-rows 跳过这些行"
    )


def listed(problems: list[Problem], name: str) -> list[Problem]:
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return problems
    more = len(problems) - MAX_LISTED_PROBLEMS
    tail = Problem(name, None, "", f"and {more} more problem(s) / 另有 {more} 个问题")
    return [*problems[:MAX_LISTED_PROBLEMS], tail]


def row_entry(
    row: list[Any],
    row_number: int,
    layout: Layout,
    readers: dict[int, Callable[[Any], Any]],
    name: str,
    problems: list[Problem],
) -> RespondentEntry | None:
    """One submission as a respondent, or None after appending its problems (the caller decides to skip)."""
    header = layout.header
    cell_id = row[layout.id_column] if layout.id_column < len(row) else ""
    rid = str(cell_id).strip().removeprefix("uuid:")
    if not rid:
        problems.append(Problem(name, row_number, header[layout.id_column], "empty submission id / 提交编号为空"))
    answers: dict[str, Any] = {}
    for index, reader in readers.items():
        cell = row[index] if index < len(row) else ""
        try:
            value = reader(cell)
        except AnswerValueError as exc:
            problems.append(Problem(name, row_number, header[index], str(exc)))
            continue
        if value is not None:
            answers[layout.answers[index].id] = value
    combined = {q.id for q in layout.answers.values()}
    for qid, columns in layout.choices.items():
        ticked = ticked_options(row, row_number, columns, header, name, problems)
        chosen = [o.id for o in layout.questions[qid].options if o.id in ticked] or None
        if qid not in combined:
            if chosen is not None:
                answers[qid] = chosen
        elif sorted(answers.get(qid) or []) != sorted(chosen or []):
            message = (
                f"the one-per-option columns say {chosen or []}, the answer column says {answers.get(qid) or []} "
                "/ 分列选项与答案列不一致"
            )
            problems.append(Problem(name, row_number, qid, message))
    if problems or not rid:
        return None
    return RespondentEntry.model_construct(id=rid, answers=answers)


def ticked_options(
    row: list[Any], row_number: int, columns: list[tuple[int, str]], header: list[str], name: str,
    problems: list[Problem],
) -> set[str]:
    """The options marked 1 in one-column-per-option form (0 or empty: not chosen)."""
    ticked: set[str] = set()
    for index, option in columns:
        cell = row[index] if index < len(row) else ""
        if isinstance(cell, bool):
            text = "true" if cell else "false"
        elif isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        else:
            text = str(cell).strip().lower()
        if text in TRUE_CELLS:
            ticked.add(option)
        elif text not in FALSE_CELLS:
            message = f"must be 1 (chosen) or 0 (not chosen), got {cell!r} / 应为 1（选中）或 0（未选）"
            problems.append(Problem(name, row_number, header[index], message))
    return ticked
