"""Answers handed over in code, checked as an answer file's are, so that scoring only ever sees checked values.

The file readers (`answer_file`, `residents_csv`, `kobo`) give canonical answers already. A program that
builds an `AnswerFile` itself, or passes respondents from any iterable, gets them checked here: every value
made canonical by `coerce_answer`, unknown question ids and a respondent id used twice reported. Problems
are collected while the respondents stream past and raised together once they have all been seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from assess.errors import Problem, ProblemsError
from assess.packs.model import Pack
from assess.responses.answer_file import AnswerFile, RespondentEntry
from assess.responses.tabular import MAX_LISTED_PROBLEMS
from assess.responses.values import AnswerValueError, cached_reader, unknown_question_message

ANSWER_DATA = "answer data"  # the "file" of problems in answers that came from code, not from a file


class CheckedAnswers:
    """One community's answers with canonical values: `committee` at once, `respondents()` as a stream.

    `respondents()` raises `ProblemsError` after its last respondent if anything (the committee block
    included) was wrong, so a consumer that reads it to the end never publishes a result from bad answers.
    """

    def __init__(self, pack: Pack, answers: AnswerFile, added: Iterable[RespondentEntry] = ()):
        self.pack = pack
        self.readers = {q.id: cached_reader(q) for _, _, q in pack.questions()}
        self.problems: list[Problem] = []
        self.file_respondents = answers.respondents
        self.added = added
        self.committee = self.block(answers.answers, "answers")

    def respondents(self) -> Iterator[RespondentEntry]:
        """The answer file's respondents, then the added ones; ids of the file may not be used again."""
        listed: set[str] = set()
        for entries, from_file in ((self.file_respondents, True), (self.added, False)):
            for entry in entries:
                if entry.id in listed:
                    self.problem(f"respondents[{entry.id}]", repeated_id_message(entry.id, from_file))
                    continue
                if from_file:
                    listed.add(entry.id)
                answers = self.block(entry.answers, f"respondents[{entry.id}].answers")
                yield RespondentEntry.model_construct(id=entry.id, answers=answers, groups=entry.groups,
                                                      attributes=entry.attributes)
        if self.problems:
            raise ProblemsError(self.problems)

    def block(self, answers: dict[str, Any], field: str) -> dict[str, Any]:
        """One source's answers with canonical values; a bad one is a problem and left out."""
        checked: dict[str, Any] = {}
        for qid, raw in answers.items():
            read = self.readers.get(qid)
            if read is None:
                self.problem(f"{field}.{qid}", unknown_question_message(self.pack, qid))
                continue
            try:
                checked[qid] = read(raw)
            except AnswerValueError as exc:
                self.problem(f"{field}.{qid}", str(exc))
        return checked

    def problem(self, field: str, message: str) -> None:
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(ANSWER_DATA, None, field, message))


def repeated_id_message(rid: str, listed: bool) -> str:
    """Without a file position (respondents given in code): at least say which two sources clash.

    `score_file` checks a CSV against the answer file as it reads it, naming the row and the line."""
    if listed:
        return f"受访者编号 '{rid}' 重复 / respondent id '{rid}' is used twice"
    return (
        f"受访者编号 '{rid}' 已在答卷文件中使用 / respondent id '{rid}' of the added respondents (e.g. a CSV) is "
        "already used in the answer file"
    )
