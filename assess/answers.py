"""Answer files and residents' CSV: reading, checking and writing the answers a community gives.

An answer file (YAML) holds the committee's self-report (`answers`, one source) and optionally individual
respondents (`respondents`, one source each); a CSV adds respondents in bulk. Every raw value -- from YAML,
a CSV cell or the terminal -- goes through `coerce_answer`, so all three accept exactly the same spellings
and produce the same canonical value. Reading collects every problem of a file and reports them together,
each with its file, line (YAML) or row (CSV) and field; nothing is scored from a file that has problems.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import math
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from assess.errors import AssessError, Problem, ProblemsError
from assess.pack import Pack, Question
from assess.packs import LoadedPack, load_pack, pack_path
from assess.results import Community
from assess.yamlio import Located, PathKey, load_yaml, validation_problems

T = TypeVar("T")
RESPONDENT_ID_COLUMN = "respondent_id"
MAX_LISTED_PROBLEMS = 200
YES = frozenset({"true", "yes", "是"})
NO = frozenset({"false", "no", "否"})


class AnswerValueError(AssessError):
    """An answer that the question does not allow; the message says what is allowed, in Chinese and English."""


class AnswerModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RespondentEntry(AnswerModel):
    """One resident or Party member: an id of the survey's choosing and their answers by question id."""

    id: str
    answers: dict[str, Any] = {}

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank / 不能为空")
        return value.strip()

    @field_validator("answers", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        return keys_as_text(value)


class AnswerFile(AnswerModel):
    pack: str = "core"
    community: Community
    assessed_on: date | None = None
    answers: dict[str, Any] = {}
    respondents: list[RespondentEntry] = []

    @field_validator("answers", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        return keys_as_text(value)


def keys_as_text(value: object) -> object:
    """`12: 4` in YAML has an integer key; question ids are text, so compare them as text."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


@dataclass(frozen=True)
class LoadedAnswers:
    file: str
    data: AnswerFile
    located: Located
    pack: LoadedPack

    def respondent_places(self) -> dict[str, str]:
        """Where each respondent of the file is, as `FILE:LINE`, so a CSV repeating the id can point at it."""
        places: dict[str, str] = {}
        for index, entry in enumerate(self.data.respondents):
            line = self.located.line_of(("respondents", index, "id"))
            places.setdefault(entry.id, f"{self.file}:{line}" if line else self.file)
        return places


# -- one value ----------------------------------------------------------------------------------------


def coerce_answer(question: Question, raw: Any) -> Any | None:
    """The canonical value of `raw` for `question` (None = unanswered), or `AnswerValueError`.

    Canonical values: likert int, yes_no bool, choice option id, multi_choice list of option ids,
    number int or float, text str. Text from a CSV cell or the terminal is accepted wherever YAML is.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return COERCERS[question.type](question, raw)


def coerce_likert(question: Question, raw: Any) -> int:
    low, high = question.scale.min, question.scale.max
    value = whole_number(raw)
    if value is None or not low <= value <= high:
        raise not_allowed(f"应为 {low}–{high} 之间的整数", f"must be a whole number from {low} to {high}", raw)
    return value


def coerce_yes_no(question: Question, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if isinstance(raw, str) else None
    if text in YES:
        return True
    if text in NO:
        return False
    raise not_allowed("应为 是/否（true/false、yes/no）", "must be yes or no (true/false, 是/否)", raw)


def coerce_choice(question: Question, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise not_allowed("应为一个选项编号", f"must be one option id ({option_list(question)})", raw)
    return checked_option(question, str(raw).strip())


def coerce_multi_choice(question: Question, raw: Any) -> list[str]:
    """A list of option ids; a text is split at spaces, as XLSForm exports a select_multiple."""
    if isinstance(raw, str):
        items: list[Any] = raw.split()
    elif isinstance(raw, list):
        items = raw
    else:
        raise not_allowed("应为选项编号列表", f"must be a list of option ids ({option_list(question)})", raw)
    chosen: list[str] = []
    problems: list[str] = []  # every bad item at once, so one round of corrections fixes the list
    for item in items:
        try:
            option = chosen_option(question, item)
        except AnswerValueError as exc:
            problems.append(str(exc))
            continue
        if option in chosen:
            problems.append(f"选项 '{option}' 重复 / option '{option}' is listed twice")
        else:
            chosen.append(option)
    if problems:
        raise AnswerValueError("; ".join(problems))
    return chosen


def chosen_option(question: Question, item: Any) -> str:
    if isinstance(item, bool) or not isinstance(item, str | int):
        raise not_allowed("应为选项编号", f"must be option ids ({option_list(question)})", item)
    return checked_option(question, str(item).strip())


def coerce_number(question: Question, raw: Any) -> int | float:
    value = number_value(raw)
    allowed = number_range(question)
    if value is None:
        raise not_allowed(f"应为数字（{allowed}）", f"must be a number ({allowed})", raw)
    if question.integer and not float(value).is_integer():
        raise not_allowed("应为整数", "must be a whole number", raw)
    too_low = question.min is not None and value < question.min
    too_high = question.max is not None and value > question.max
    if too_low or too_high:
        raise not_allowed(f"超出范围（{allowed}）", f"out of range ({allowed})", raw)
    return int(value) if question.integer else value


def coerce_text(question: Question, raw: Any) -> str | None:
    if isinstance(raw, bool | list | dict):
        raise not_allowed("应为文字（请加引号）", "must be text (put it in quotes)", raw)
    return str(raw).strip() or None


COERCERS: dict[str, Callable[[Question, Any], Any]] = {
    "likert": coerce_likert,
    "yes_no": coerce_yes_no,
    "choice": coerce_choice,
    "multi_choice": coerce_multi_choice,
    "number": coerce_number,
    "text": coerce_text,
}


def whole_number(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        value = number_value(raw)
        return int(value) if value is not None and float(value).is_integer() else None
    return None


MAX_WHOLE_NUMBER = 10**15


def number_value(raw: Any) -> int | float | None:
    """A finite number from a YAML number or a text such as '12' or '3.5'; None for anything else (including
    whole numbers too large for a float, which no answer needs)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if abs(raw) <= MAX_WHOLE_NUMBER else None
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else None
    if isinstance(raw, str):
        text = raw.strip()
        try:
            whole = int(text)
        except ValueError:
            pass
        else:
            return whole if abs(whole) <= MAX_WHOLE_NUMBER else None
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def number_range(question: Question) -> str:
    low = "" if question.min is None else f"{question.min:g}"
    high = "" if question.max is None else f"{question.max:g}"
    if low and high:
        return f"{low}–{high}"
    if low:
        return f"≥ {low}"
    return f"≤ {high}" if high else "any number"


def checked_option(question: Question, option: str) -> str:
    ids = [o.id for o in question.options]
    if option in ids:
        return option
    close = difflib.get_close_matches(option, ids, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise AnswerValueError(f"没有选项 '{option}' / '{option}' is not an option ({option_list(question)}){hint}")


def option_list(question: Question) -> str:
    return "allowed: " + ", ".join(o.id for o in question.options)


def not_allowed(zh: str, en: str, raw: Any) -> AnswerValueError:
    return AnswerValueError(f"{zh}，实际为 {shown(raw)} / {en}, got {shown(raw)}")


def shown(raw: Any) -> str:
    text = repr(raw) if isinstance(raw, str) else str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


# -- the answer file ----------------------------------------------------------------------------------


def load_answer_file(path: Path | str, pack_ref: str | Path | None = None) -> LoadedAnswers:
    """Read and check an answer file against its pack; raise `ProblemsError` listing every problem.

    The pack is `pack_ref` when given (the `--pack` option), else the file's `pack:` -- a bundled id, or a
    path relative to the answer file's folder. Values in the result are canonical (see `coerce_answer`).
    """
    path = Path(path)
    located = load_yaml(path)
    raw = located.data
    if not isinstance(raw, dict):
        raise ProblemsError([located.problem((), "an answer file must be a mapping with community and answers")])
    problems: list[Problem] = []
    loaded_pack = resolve_pack(raw, path, pack_ref, located, problems)
    canonical: dict[str, Any] = {}
    if loaded_pack is not None:
        canonical = canonical_answers(raw, loaded_pack.pack, located, problems)
    # One model check, on the canonical values: they keep the file's structure (answer values are `Any` to
    # the model), so its errors point at the same lines, and a survey is not validated twice.
    try:
        data = AnswerFile.model_validate({**raw, **canonical})
    except ValidationError as exc:
        problems[:0] = validation_problems(located, exc, AnswerFile).problems
    if problems:
        raise ProblemsError(problems)
    return LoadedAnswers(file=str(path), data=data, located=located, pack=loaded_pack)


def resolve_pack(
    raw: dict, path: Path, pack_ref: str | Path | None, located: Located, problems: list[Problem]
) -> LoadedPack | None:
    if pack_ref is not None:
        return load_pack(pack_ref)
    ref = raw.get("pack", "core")
    if not isinstance(ref, str):
        return None  # already reported by the model check
    try:
        where = pack_path(ref, relative_to=path.parent)
    except AssessError as exc:
        problems.append(located.problem(("pack",), str(exc)))
        return None
    return load_pack(where)


def canonical_answers(raw: dict, pack: Pack, located: Located, problems: list[Problem]) -> dict[str, Any]:
    """The `answers` and `respondents` blocks with canonical values; problems are appended, not raised."""
    checker = BlockChecker(pack, located, problems)
    result: dict[str, Any] = {}
    block = raw.get("answers")
    if isinstance(block, dict):
        result["answers"] = checker.block(block, ("answers",), "answers")
    entries = raw.get("respondents")
    if isinstance(entries, list):
        result["respondents"] = checker.respondents(entries)
    return result


class BlockChecker:
    """Checks the answer blocks of one file against its pack, appending a located problem for each bad value."""

    def __init__(self, pack: Pack, located: Located, problems: list[Problem]):
        self.pack = pack
        self.located = located
        self.problems = problems
        self.readers = {q.id: cached_reader(q) for _, _, q in pack.questions()}

    def respondents(self, entries: list) -> list[Any]:
        first_seen: dict[str, int] = {}
        checked: list[Any] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                checked.append(entry)  # the model check reports it
                continue
            rid = str(entry.get("id", "")).strip()
            where: PathKey = ("respondents", index)
            if rid in first_seen:
                message = f"duplicate respondent id '{rid}' (first used at line {first_seen[rid]}) / 受访者编号重复"
                self.problems.append(self.located.problem((*where, "id"), message))
            elif rid:
                first_seen[rid] = self.located.line_of((*where, "id")) or 0
            block = entry.get("answers")
            if isinstance(block, dict):
                block = self.block(block, (*where, "answers"), f"respondents[{rid or index + 1}].answers")
            checked.append({**entry, "answers": block} if "answers" in entry else entry)
        return checked

    def block(self, block: dict, where: PathKey, field: str) -> dict[str, Any]:
        """One source's answers with canonical values."""
        result: dict[str, Any] = {}
        for key, raw in block.items():
            qid = str(key)
            read = self.readers.get(qid)
            if read is None:
                self.problem((*where, key), f"{field}.{qid}", unknown_question_message(self.pack, qid))
                continue
            try:
                result[qid] = read(raw)
            except AnswerValueError as exc:
                self.problem((*where, key), f"{field}.{qid}", str(exc))
        return result

    def problem(self, path: PathKey, field: str, message: str) -> None:
        self.problems.append(Problem(self.located.file, self.located.line_of(path), field, message))


def unknown_question_message(pack: Pack, qid: str) -> str:
    """Why `qid` cannot be answered, and the ids the user probably meant."""
    for dim in pack.dimensions:
        parent = dim.id == qid
        for ind in dim.indicators:
            if parent or ind.id == qid:
                kind = "a dimension" if parent else "an indicator"
                first = ", ".join(q.id for q in ind.questions[:3])
                return f"'{qid}' is {kind}, not a question; answer its questions (e.g. {first}) / 请回答具体题目"
    ids = [q.id for _, _, q in pack.questions()]
    close = difflib.get_close_matches(qid, ids, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `assess indicators list` shows all question ids"
    return f"pack '{pack.id}' has no question '{qid}'{hint} / 指标包中没有此题目"


def dump_answer_file(data: AnswerFile) -> str:
    """The answer file as YAML that `load_answer_file` reads back to the same `AnswerFile`."""
    document: dict[str, Any] = {"pack": data.pack, "community": data.community.model_dump(exclude_none=True)}
    if data.assessed_on is not None:
        document["assessed_on"] = data.assessed_on
    document["answers"] = dict(data.answers)
    if data.respondents:
        document["respondents"] = [{"id": r.id, "answers": dict(r.answers)} for r in data.respondents]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, default_flow_style=False)


# -- residents from a CSV -----------------------------------------------------------------------------


def iter_csv_respondents(
    path: Path | str, pack: Pack, taken: Mapping[str, str] | None = None
) -> Iterator[RespondentEntry]:
    """Respondents from a CSV, one per row, read as a stream so that a million rows take little memory.

    The header names question ids (and optionally `respondent_id`); an empty cell is unanswered; a
    multi_choice cell lists option ids separated by spaces. Bad rows do not stop the reading: every problem
    is collected (row numbers as a spreadsheet shows them, the header being row 1) and raised together as
    `ProblemsError` once the file has been read, so a caller must not publish anything before the end.
    `taken` maps ids the answer file already uses to where (see `LoadedAnswers.respondent_places`).
    """
    path = Path(path)
    name = str(path)
    problems = ProblemList(name)
    seen = IdHashes()
    with open_csv(path) as handle:
        reader = csv.reader(handle)
        header = next(unreadable_as_error(reader, path), None)
        if header is None:
            raise AssessError(f"{name}: the file is empty / 文件为空")
        if not any(cell.strip() for cell in header):
            raise AssessError(
                f"{name}:1: 第一行为空，首行应为列名（题目编号） / row 1 is empty: the first row must be the header "
                "naming question ids (a file of blank lines holds no respondents)"
            )
        layout = csv_layout(header, pack, name)
        for row_number, row in enumerate(unreadable_as_error(reader, path), start=2):
            if not any(cell.strip() for cell in row):
                continue
            entry = csv_entry(row, row_number, layout, problems)
            if entry is None:
                continue
            if taken and entry.id in taken:
                problems.add(row_number, RESPONDENT_ID_COLUMN, id_taken_message(entry.id, taken[entry.id]))
                continue
            if layout.id_column is not None:
                seen.add(entry.id)
            yield entry
    repeated = seen.repeated()
    if repeated:
        duplicate_id_problems(path, layout, repeated, problems)
    problems.raise_if_any()


def id_taken_message(rid: str, place: str) -> str:
    return (
        f"受访者编号 '{rid}' 已在答卷文件中使用（{place}） / "
        f"respondent id '{rid}' is already used in the answer file ({place})"
    )


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


@dataclass(frozen=True)
class Column:
    index: int
    question: Question
    read: Callable[[str], Any]


@dataclass(frozen=True)
class CsvLayout:
    columns: list[Column]
    id_column: int | None
    width: int


def csv_layout(header: list[str], pack: Pack, name: str) -> CsvLayout:
    """The question columns and the position of `respondent_id`; a mistake in the header is fatal."""
    questions = {q.id: q for _, _, q in pack.questions()}
    problems: list[Problem] = []
    columns: list[Column] = []
    id_column = None
    seen: set[str] = set()
    for index, cell in enumerate(header):
        column = cell.strip()
        if column in seen:
            problems.append(Problem(name, 1, column, "column appears twice / 列名重复"))
        elif column == RESPONDENT_ID_COLUMN:
            id_column = index
        elif column in questions:
            columns.append(Column(index, questions[column], cached_reader(questions[column])))
        elif not column:
            problems.append(Problem(name, 1, f"column {index + 1}", "empty column name / 列名为空"))
        else:
            problems.append(Problem(name, 1, column, unknown_question_message(pack, column)))
        seen.add(column)
    if problems:
        raise ProblemsError(problems)
    return CsvLayout(columns, id_column, len(header))


def cached_reader(question: Question) -> Callable[[Any], Any]:
    """`coerce_answer` for one question, remembering the few distinct values a closed question gets."""
    return remembering(lambda raw: coerce_answer(question, raw), enabled=question.type != "text")


def remembering(func: Callable[[Any], T], enabled: bool = True, limit: int = 512) -> Callable[[Any], T]:
    """`func` of one raw answer, remembering up to `limit` results: a survey column repeats a handful of values.

    The type is part of the key because True == 1 in Python, yet `true` is not a likert answer; a list
    (multi_choice) is keyed as a tuple. Errors are not remembered, so each bad cell is reported.
    """
    cache: dict[tuple[type, Any], T] = {}

    def call(raw: Any) -> T:
        key = (type(raw), tuple(raw) if isinstance(raw, list) else raw)
        try:
            return cache[key]
        except KeyError:
            result = func(raw)
            if enabled and len(cache) < limit:
                cache[key] = result
            return result
        except TypeError:  # unhashable, e.g. a mapping where a value belongs: nothing to remember
            return func(raw)

    return call


def csv_entry(row: list[str], row_number: int, layout: CsvLayout, problems: ProblemList) -> RespondentEntry | None:
    """One row as a respondent, or None after recording its problems. A short row's missing cells are empty."""
    if len(row) > layout.width:
        message = f"the row has {len(row)} cells but the header has {layout.width} / 单元格数多于表头"
        problems.add(row_number, "", message)
        return None
    rid = row_id(row, row_number, layout.id_column)
    if not rid:
        problems.add(row_number, RESPONDENT_ID_COLUMN, "empty respondent id / 受访者编号为空")
    answers: dict[str, Any] = {}
    valid = bool(rid)
    for column in layout.columns:
        cell = row[column.index] if column.index < len(row) else ""
        if not cell:
            continue
        try:
            value = column.read(cell)
        except AnswerValueError as exc:
            problems.add(row_number, column.question.id, str(exc))
            valid = False
            continue
        if value is not None:
            answers[column.question.id] = value
    return RespondentEntry.model_construct(id=rid, answers=answers) if valid else None


def row_id(row: list[str], row_number: int, id_column: int | None) -> str:
    """The row's respondent id; without a `respondent_id` column the row number stands in for it."""
    if id_column is None:
        return f"row-{row_number}"
    return row[id_column].strip() if id_column < len(row) else ""


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


def duplicate_id_problems(path: Path, layout: CsvLayout, repeated: set[int], problems: ProblemList) -> None:
    """Second pass: name each repeated id with the row that first used it."""
    first_row: dict[str, int] = {}
    with open_csv(path) as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row_number, row in enumerate(reader, start=2):
            rid = row_id(row, row_number, layout.id_column)
            if not rid or id_hash(rid) not in repeated:
                continue
            if rid in first_row:
                message = f"duplicate respondent id '{rid}' (first used in row {first_row[rid]}) / 受访者编号重复"
                problems.add(row_number, RESPONDENT_ID_COLUMN, message)
            else:
                first_row[rid] = row_number
