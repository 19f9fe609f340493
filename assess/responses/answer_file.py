"""Answer files: reading, checking and writing the answers a community gives, in YAML.

An answer file holds the committee's self-report (`answers`, one source) and optionally individual
respondents (`respondents`, one source each). Every raw value goes through `coerce_answer`
(`responses.values`), as CSV cells and the terminal's answers do, so all accept exactly the same spellings
and produce the same canonical value. Reading collects every problem of a file and reports them together,
each with its file, line and field; nothing is scored from a file that has problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.building import pack_path
from assess.packs.loading import LoadedPack, load_pack
from assess.packs.model import Pack
from assess.packs.yamlio import Dumper, Located, PathKey, load_yaml, validation_problems
from assess.responses.values import AnswerValueError, cached_reader, unknown_question_message
from assess.responses.yaml_lines import respondent_lines


class AnswerModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RespondentEntry(AnswerModel):
    """One resident or Party member: an id of the survey's choosing, their answers by question id, and the
    groups they belong to (楼栋, 年龄段 … as a residents' file's `--group-by` columns said), and what the
    file's columns of no question said of them (`attributes`, header -> cell, kept for the data exports)."""

    id: str
    answers: dict[str, Any] = {}
    groups: dict[str, str] = {}
    attributes: dict[str, str] = {}

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空 / must not be blank")
        return plain_text(value.strip())

    @field_validator("answers", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        return keys_as_text(value)


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def plain_text(value: str) -> str:
    """A name as people write it: no control characters (a NUL, an escape), nor what XML cannot hold (U+FFFE,
    U+FFFF, a lone surrogate: every .xlsx and .docx export would fail on it), no blank."""
    if CONTROL.search(value):
        raise ValueError("含有控制字符 / contains a control character (e.g. NUL or ESC); write plain text")
    return value


class Community(AnswerModel):
    """Who is assessed: the community block of an answer file, carried into every result."""

    name: Annotated[str, Field(min_length=1), AfterValidator(plain_text)]
    district: Annotated[str, AfterValidator(plain_text)] | None = None
    street: Annotated[str, AfterValidator(plain_text)] | None = None
    city: Annotated[str, AfterValidator(plain_text)] | None = None
    type: Annotated[str, AfterValidator(plain_text)] | None = None
    population: Annotated[int, Field(ge=0)] | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("社区名称不能为空 / the community's name must not be blank")
        return value


class AnswerFile(AnswerModel):
    pack: str = "core"
    community: Community
    assessed_on: date | None = None
    answers: dict[str, Any] = {}
    respondents: list[RespondentEntry] = []
    respondents_table: str | None = None  # a table of more respondents beside the file (`assess import` writes it)

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

    def respondents_table(self) -> Path | None:
        """The table of respondents the file names (`respondents_table:`), beside it; None if it names none."""
        name = self.data.respondents_table
        return Path(self.file).parent / name if name else None

    def respondent_places(self) -> dict[str, str]:
        """Where each respondent of the file is, as `FILE:LINE`, so a CSV repeating the id can point at it."""
        places: dict[str, str] = {}
        for index, entry in enumerate(self.data.respondents):
            line = self.located.line_of(("respondents", index, "id"))
            places.setdefault(entry.id, f"{self.file}:{line}" if line else self.file)
        return places


# -- the answer file ----------------------------------------------------------------------------------


def load_answer_file(path: Path | str, pack_ref: str | Path | None = None) -> LoadedAnswers:
    """Read and check an answer file against its pack; raise `ProblemsError` listing every problem.

    The pack is `pack_ref` when given (the `--pack` option), else the file's `pack:` -- a bundled id, or a
    path relative to the answer file's folder. Values in the result are canonical (see `coerce_answer`).
    """
    path = Path(path)
    refuse_other_kinds(path)
    located = load_yaml(path)
    raw = located.data
    if not isinstance(raw, dict):
        raise ProblemsError([located.problem((), "an answer file must be a mapping with community and answers")])
    problems: list[Problem] = []
    loaded_pack = resolve_pack(raw, path, pack_ref, located, problems)
    canonical: dict[str, Any] = {}
    if loaded_pack is not None:
        canonical = canonical_answers(raw, loaded_pack.pack, located, problems)
        check_community_kind(raw, loaded_pack.pack, located, problems)
    # One model check, on the canonical values: they keep the file's structure (answer values are `Any` to
    # the model), so its errors point at the same lines, and a survey is not validated twice.
    try:
        data = AnswerFile.model_validate({**raw, **canonical})
    except ValidationError as exc:
        problems[:0] = validation_problems(located, exc, AnswerFile).problems
    if problems:
        raise ProblemsError(problems)
    return LoadedAnswers(file=str(path), data=data, located=located, pack=loaded_pack)


TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".zip")
TABLE_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # a workbook or zip; an old Office file


def refuse_other_kinds(path: Path) -> None:
    """A spreadsheet or a residents' table given where an answer file belongs is told what goes where, rather
    than "not UTF-8" or "must be a mapping"."""
    if not path.is_file():
        return  # load_yaml words a missing file, a folder, a pipe
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return
    if path.suffix.lower() in TABLE_SUFFIXES or head.startswith(TABLE_MAGIC):
        raise AssessError(
            f"{path}: 这是表格文件，不是答卷文件。答卷文件（.yaml）由 assess fill 生成；居民问卷数据（问卷星下载、"
            f"Excel、CSV）请用 --respondents 给出，如 assess score 答卷.yaml --respondents {path.name} / this is a "
            "table, not an answer file: the answer file (.yaml) comes from assess fill; give residents' data with "
            f"--respondents, e.g. assess score answers.yaml --respondents {path.name}"
        )


def check_community_kind(raw: dict, pack: Pack, located: Located, problems: list[Problem]) -> None:
    """A `community.type` the pack does not know is a problem: its kind-specific countermeasures would
    otherwise be left out without a word."""
    community = raw.get("community")
    kind = community.get("type") if isinstance(community, dict) else None
    if isinstance(kind, str) and kind.strip() and pack.kind_of(kind) is None:
        problems.append(located.problem(("community", "type"), unknown_kind_message(pack, kind)))


def unknown_kind_message(pack: Pack, kind: str) -> str:
    """Why `kind` is refused, with the pack's kinds and the other names each may be given by."""
    zh = "；".join(k.label.zh + (f"（也可写 {'、'.join(k.aliases)}）" if k.aliases else "")
                  for k in pack.community_kinds)
    en = "; ".join(k.label.en for k in pack.community_kinds)
    return (f"没有这种社区类型 “{kind}”，可填：{zh}；不确定时留空 / '{kind}' is not a kind of community this pack "
            f"knows; use one of: {en} (or leave it out)")


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
                message = f"受访者编号重复 / duplicate respondent id '{rid}' (first used at line {first_seen[rid]})"
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
                self.problem((*where, key), f"{field}.{qid}", str(exc) + clock_hint(raw))
        return result

    def problem(self, path: PathKey, field: str, message: str) -> None:
        self.problems.append(Problem(self.located.file, self.located.line_of(path), field, message))


CLOCK = re.compile(r"\s*\d+:\d{1,2}(:\d{1,2})?\s*\Z")


def clock_hint(raw: Any) -> str:
    """`1:30` is a time of day or a duration in hours and minutes; a number question wants the hours."""
    if isinstance(raw, str) and CLOCK.match(raw):
        return "；时长请写成小时数，如 1.5 / write hours as a number, e.g. 1.5"
    return ""


def dump_answer_file(data: AnswerFile) -> str:
    """The answer file as YAML that `load_answer_file` reads back to the same `AnswerFile`; the respondents,
    which may be tens of thousands, are written line by line (`yaml_lines`)."""
    document: dict[str, Any] = {"pack": data.pack, "community": data.community.model_dump(exclude_none=True)}
    if data.assessed_on is not None:
        document["assessed_on"] = data.assessed_on
    document["answers"] = dict(data.answers)
    if data.respondents_table:
        document["respondents_table"] = data.respondents_table
    head = yaml.dump(document, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return head + "".join(respondent_lines(data.respondents)) if data.respondents else head


SAFE_DUMPER = Dumper
