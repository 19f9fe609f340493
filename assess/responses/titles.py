"""Finding a question by its title as people write it: in a spreadsheet header, a 问卷星 column, a label.

Headers typed by hand or exported by survey tools carry the question's words rather than its id, give or
take numbering (`3、`, `Q3.`, `第3题`), spaces, full-width forms and punctuation. A title is compared after
removing exactly those differences, in Chinese and in English; a title two questions share is ambiguous
and named as such rather than guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assess.packs.model import Pack, Question

NUMBERING = re.compile(r"^\s*(?:第\s*\d+\s*题|[qQ]?\d{1,3}\s*[、.．:：)）]|\(\d{1,3}\)|（\d{1,3}）)\s*")


def normalized(text: str) -> str:
    """`text` without numbering, spaces, punctuation or symbols, full-width forms folded, case ignored."""
    text = unicodedata.normalize("NFKC", str(text))
    text = NUMBERING.sub("", text, count=1)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC").casefold()


class TitleIndex:
    """The pack's questions by normalized title, zh and en."""

    def __init__(self, pack: Pack):
        self.titles: dict[str, list[Question]] = {}
        for _, _, question in pack.questions():
            for title in {normalized(question.title.zh), normalized(question.title.en)}:
                if title:
                    self.titles.setdefault(title, [])
                    if question not in self.titles[title]:
                        self.titles[title].append(question)

    def question(self, header: str) -> Question | None:
        found = self.titles.get(normalized(header), [])
        return found[0] if len(found) == 1 else None

    def ambiguous(self, header: str) -> bool:
        return len(self.titles.get(normalized(header), [])) > 1

    def ambiguous_message(self, header: str) -> str:
        ids = ", ".join(q.id for q in self.titles[normalized(header)])
        return (
            f"题目标题与多道题相同（{ids}），无法判断是哪一道；请把列名改为题目编号 "
            f"/ the title fits several questions ({ids}); head the column with the question id instead"
        )

    def closest(self, header: str, count: int = 3) -> list[Question]:
        """The questions whose titles come nearest to `header`, best first (for "did you mean")."""
        names = difflib.get_close_matches(normalized(header), list(self.titles), n=count, cutoff=0.5)
        return [q for name in names for q in self.titles[name]][:count]


def option_labels(question: Question) -> dict[str, str]:
    """Normalized option label (zh and en) -> option id, for choice and multi_choice questions."""
    return {normalized(text): option.id for option in question.options for text in (option.label.zh, option.label.en)}


def scale_labels(question: Question) -> dict[str, int]:
    """Normalized label (zh and en) of a likert scale's labelled points -> the point."""
    return {normalized(t): point for point, label in question.scale.labels.items() for t in (label.zh, label.en)}


def labelled_value(question: Question, cell: object) -> object:
    """A cell that holds a label where the answer file holds a value -- a scale point's or an option's label,
    in Chinese or English -- as that value; any other cell as it is, for `coerce_answer` to judge."""
    text = normalized(str(cell))
    if question.type == "likert":
        return scale_labels(question).get(text, cell)
    if question.type == "choice":
        return option_labels(question).get(text, cell)
    return cell


TYPED_SEPARATORS = re.compile(r"\s*[、，,;；]\s*")


def typed_value(question: Question, cell: object) -> object:
    """A cell typed into a spreadsheet by a person: labels where ids belong (a scale point's or an option's
    label, in Chinese or English), and a multi_choice's labels separated by 、 , or ; as the list of their
    options. Anything else is returned as it is, for `coerce_answer` to judge (ids stay valid)."""
    if question.type != "multi_choice" or not isinstance(cell, str):
        return labelled_value(question, cell)
    parts = [p for p in TYPED_SEPARATORS.split(cell.strip()) if p]
    labels = option_labels(question)
    if len(parts) > 1 or (parts and normalized(parts[0]) in labels):
        ids = [labels.get(normalized(p)) for p in parts]
        if all(ids):
            return ids
    return cell
