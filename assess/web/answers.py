"""A community's answers in the database: saved one at a time, read back as the CLI's answer file.

Each answer is a row (unit, round, question, value, who, when). A value typed in the browser is read
exactly as `assess fill` reads one typed at the terminal (`read_typed`), so
是的, 90%, 3个 and an option's text mean the same in both. For scoring and reports the rows become the same
`AnswerFile` the CLI loads, written as `answers.yaml`: there is one scoring path, and a file exported
here is the file `assess score` reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update

from assess.errors import AssessError
from assess.packs import load_pack
from assess.responses import (
    AnswerFile,
    Community,
    coerce_answer,
    dump_answer_file,
    load_answer_file,
    read_typed,
)
from assess.web.accounts import audit_event
from assess.web.store import answers, as_json, now, submissions, units


@dataclass(frozen=True)
class Section:
    """One page of the questionnaire: a dimension's committee questions."""

    number: int
    dimension: Any
    questions: list[Any]


def questionnaire(pack_ref: str) -> list[Section]:
    """The committee's questionnaire, one section per dimension that has committee questions."""
    pack = load_pack(pack_ref).pack
    sections = []
    for dimension in pack.dimensions:
        asked = [q for ind in dimension.indicators for q in ind.questions if q.respondent == "committee"]
        if asked:
            sections.append(Section(len(sections) + 1, dimension, asked))
    return sections


def question_of(pack_ref: str, question_id: str) -> Any:
    for section in questionnaire(pack_ref):
        for question in section.questions:
            if question.id == question_id:
                return question
    raise LookupError(question_id)


def read_value(question: Any, raw: Any) -> Any:
    """The canonical value of what a person entered, as `assess fill` reads it (`read_typed`: 3个, 第二个,
    百分之九十, an option's words); `AnswerValueError` saying what may be typed. A rounded figure (约15, 一半) is
    recorded as the figure the terminal would offer to record; the page shows the value saved beside the field."""
    if isinstance(raw, str):
        return read_typed(question, raw).value
    return coerce_answer(question, raw)


def stored_answers(connection, unit_id: int, round_id: int) -> dict[str, Any]:
    rows = connection.execute(select(answers.c.question_id, answers.c.value).where(
        answers.c.unit_id == unit_id, answers.c.round_id == round_id)).all()
    return {qid: json.loads(value) for qid, value in rows}


def is_submitted(connection, unit_id: int, round_id: int) -> Any | None:
    return connection.execute(select(submissions).where(submissions.c.unit_id == unit_id,
                                                        submissions.c.round_id == round_id)).first()


LOCKED = "问卷已提交锁定，需街道解锁后才能修改 / the answers are submitted and locked: the sub-district can unlock them"


def save_answer(connection, unit: Any, round_row: Any, question: Any, raw: Any, who: Any) -> Any:
    """Store one answer (None removes it) and audit old → new; the stored canonical value."""
    if is_submitted(connection, unit.id, round_row.id):
        raise AssessError(LOCKED)
    value = read_value(question, raw)
    key = (answers.c.unit_id == unit.id, answers.c.round_id == round_row.id, answers.c.question_id == question.id)
    old = connection.execute(select(answers.c.value).where(*key)).scalar()
    connection.execute(delete(answers).where(*key))
    if value is not None:
        connection.execute(insert(answers).values(unit_id=unit.id, round_id=round_row.id, question_id=question.id,
                                                  value=as_json(value), who=who.user_id, at=now()))
    if (json.loads(old) if old is not None else None) != value:
        audit_event(connection, who.name, "answer", {"question": question.id, "old": json.loads(old) if old else None,
                                                     "new": value}, unit.id)
    return value


def community_of(connection, unit: Any) -> Community:
    """The answer file's community block: the unit's name, and the names of the units above it."""
    above = {row.kind: row.name for row in connection.execute(
        select(units).where(units.c.id.in_([int(i) for i in unit.lineage.strip("/").split("/")]))).all()}
    return Community(name=unit.name, district=above.get("district"), street=above.get("subdistrict"),
                     city=above.get("city"), type=unit.community_type)


def answer_file(connection, unit: Any, round_row: Any) -> AnswerFile:
    return AnswerFile(pack=round_row.pack, community=community_of(connection, unit), assessed_on=date.today(),
                      answers=stored_answers(connection, unit.id, round_row.id))


def answers_yaml(connection, unit: Any, round_row: Any) -> str:
    return dump_answer_file(answer_file(connection, unit, round_row))


def write_answers_yaml(connection, unit: Any, round_row: Any, folder: Path) -> Path:
    """`answers.yaml` in `folder`, read back through the CLI's loader before anything is scored from it."""
    path = folder / "answers.yaml"
    path.write_text(answers_yaml(connection, unit, round_row), encoding="utf-8")
    return path


def import_answers_yaml(connection, unit: Any, round_row: Any, path: Path, who: Any) -> int:
    """The `answers:` block of an answer file (checked by the CLI's loader) replacing the stored answers."""
    if is_submitted(connection, unit.id, round_row.id):
        raise AssessError(LOCKED)
    loaded = load_answer_file(path, round_row.pack)
    asked = {q.id for s in questionnaire(round_row.pack) for q in s.questions}
    given = {qid: value for qid, value in loaded.data.answers.items() if qid in asked and value is not None}
    connection.execute(delete(answers).where(answers.c.unit_id == unit.id, answers.c.round_id == round_row.id))
    for qid, value in given.items():
        connection.execute(insert(answers).values(unit_id=unit.id, round_id=round_row.id, question_id=qid,
                                                  value=as_json(value), who=who.user_id, at=now()))
    kind = loaded.pack.pack.kind_of(loaded.data.community.type)  # the loader refused a type the pack does not know
    if kind is not None:
        connection.execute(update(units).where(units.c.id == unit.id).values(community_type=kind.label.zh))
    audit_event(connection, who.name, "answers.import", {"answers": len(given)}, unit.id)
    return len(given)


def coverage(sections: list[Section], given: dict[str, Any]) -> tuple[int, int, list[tuple[int, Any]]]:
    """(answered, total, the unanswered questions with their section number) for the coverage bar."""
    missing = [(s.number, q) for s in sections for q in s.questions if q.id not in given]
    total = sum(len(s.questions) for s in sections)
    return total - len(missing), total, missing


def submit(connection, unit: Any, round_row: Any, who: Any) -> None:
    if not is_submitted(connection, unit.id, round_row.id):
        connection.execute(insert(submissions).values(unit_id=unit.id, round_id=round_row.id, who=who.user_id,
                                                      at=now()))
        audit_event(connection, who.name, "submit", {}, unit.id)


def unlock(connection, unit: Any, round_row: Any, who: Any, reason: str) -> None:
    connection.execute(delete(submissions).where(submissions.c.unit_id == unit.id,
                                                 submissions.c.round_id == round_row.id))
    audit_event(connection, who.name, "unlock", {"reason": reason}, unit.id)
