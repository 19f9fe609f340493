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
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assess.packs.model import Pack, Question

NUMBERING = re.compile(r"^\s*(?:第\s*\d+\s*题|[qQ]?\d{1,3}\s*[、.．:：)）]|\(\d{1,3}\)|（\d{1,3}）)\s*")
# What survey tools append to a title: 问卷星's `(单选题 *必答)`, `(矩阵量表题)`, `(排序题)`, a bare `(*必答)`.
TYPE_SUFFIX = re.compile(
    r"\s*[(（]\s*(?P<kind>[^()（）*]*题|滑动条|下拉框|文件上传)?\s*(?:\*\s*必答)?\s*[)）]\s*$"
)
MATRIX_ROW = re.compile(r"\s*(?:——|—|–)\s*")  # 问卷星 heads a matrix's first row `13、题干—外观`
NEAR_MATCH = 0.75  # a column this close to a question's title is taken for a mistyped question, not set aside


def without_type(header: str) -> tuple[str, str | None]:
    """The header without a survey tool's question-type suffix, and that type (`排序题`), if any."""
    found = TYPE_SUFFIX.search(header)
    if found is None or not (found.group("kind") or "必答" in found.group(0)):
        return header, None
    return header[: found.start()], found.group("kind")


def title_candidates(header: str) -> list[str]:
    """What a header may hold as a title, most literal first: itself, without its type suffix, and a matrix
    row's item after the stem's dash."""
    bare, _ = without_type(header)
    found = [header, bare]
    parts = MATRIX_ROW.split(bare)
    if len(parts) > 1 and parts[-1]:
        found.append(parts[-1])
    return list(dict.fromkeys(found))


def similarity(typed: str, title: str) -> float:
    """How alike two normalized titles are, 0..1; a title found whole inside the typed text (words added
    around it, as people do) counts as at least 0.8."""
    if not title or not typed:
        return 0.0
    ratio = difflib.SequenceMatcher(None, typed, title).ratio()
    return max(ratio, 0.8) if title in typed else ratio


def normalized(text: str) -> str:
    """`text` without numbering, spaces, punctuation or symbols, full-width forms folded, case ignored."""
    text = unicodedata.normalize("NFKC", str(text))
    text = NUMBERING.sub("", text, count=1)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC").casefold()


class TitleIndex:
    """The pack's questions by normalized title, zh and en."""

    def __init__(self, pack: Pack):
        self.titles: dict[str, list[Question]] = {}
        self.counted: tuple[list[tuple[str, Question]], dict[str, list[tuple[int, int]]]] | None = None
        for _, _, question in pack.questions():
            for title in {normalized(question.title.zh), normalized(question.title.en)}:
                if title:
                    self.titles.setdefault(title, [])
                    if question not in self.titles[title]:
                        self.titles[title].append(question)

    def matches(self, header: str) -> list[Question]:
        """The questions of the first candidate title (`title_candidates`) that names any."""
        for text in title_candidates(header):
            found = self.titles.get(normalized(text))
            if found:
                return found
        return []

    def question(self, header: str) -> Question | None:
        found = self.matches(header)
        return found[0] if len(found) == 1 else None

    def ambiguous(self, header: str) -> bool:
        return len(self.matches(header)) > 1

    def near(self, header: str) -> Question | None:
        """The question whose title is at least `NEAR_MATCH` alike, if one is: a title typed differently.

        Every column of no question is asked this (a survey may have thousands), so a title is compared only
        when it could reach `NEAR_MATCH`: its length and the characters it shares with the header bound the
        similarity from above (as difflib's quick ratio does), counted for all titles at once through an index
        of their characters, before the costly comparison."""
        typed = normalized(without_type(header)[0])
        if not typed:
            return None
        best, ratio = None, 0.0
        unique, characters = self.unique_titles()
        shared = [0] * len(unique)  # characters each title has in common with the header, repeats counted
        for ch, n in Counter(typed).items():
            for place, m in characters.get(ch, ()):
                shared[place] += min(n, m)
        for (title, question), common in zip(unique, shared, strict=True):
            if title not in typed and 2.0 * common / (len(typed) + len(title)) < NEAR_MATCH:
                continue
            score = similarity(typed, title)
            if score > ratio:
                best, ratio = question, score
        return best if ratio >= NEAR_MATCH else None

    def unique_titles(self) -> tuple[list[tuple[str, Question]], dict[str, list[tuple[int, int]]]]:
        """The titles of one question each, and where each character occurs among them: character -> [(the
        title's place, how often it has it)] (worked out once)."""
        if self.counted is None:
            unique = [(title, questions[0]) for title, questions in self.titles.items() if len(questions) == 1]
            characters: dict[str, list[tuple[int, int]]] = {}
            for place, (title, _) in enumerate(unique):
                for ch, m in Counter(title).items():
                    characters.setdefault(ch, []).append((place, m))
            self.counted = unique, characters
        return self.counted

    def ambiguous_message(self, header: str) -> str:
        ids = ", ".join(q.id for q in self.matches(header))
        return (
            f"题目标题与多道题相同（{ids}），无法判断是哪一道；请把列名改为题目编号 "
            f"/ the title fits several questions ({ids}); head the column with the question id instead"
        )

    def closest(self, header: str, count: int = 3) -> list[Question]:
        """The questions whose titles come nearest to `header`, best first (for "did you mean")."""
        names = difflib.get_close_matches(normalized(header), list(self.titles), n=count, cutoff=0.5)
        return [q for name in names for q in self.titles[name]][:count]


# Label tables by question, built once per question object (a district round reads hundreds of files against
# one pack): id -> (the question, its table), the question kept so that a reused id is never mistaken.
LABEL_TABLES: dict[tuple[int, str], tuple[object, dict]] = {}
MAX_LABEL_TABLES = 8192  # a long-running process that loads many packs starts the tables afresh past this


def label_table(question: Question, kind: str, build) -> dict:
    key = (id(question), kind)
    found = LABEL_TABLES.get(key)
    if found is None or found[0] is not question:
        if len(LABEL_TABLES) >= MAX_LABEL_TABLES:
            LABEL_TABLES.clear()
        found = LABEL_TABLES[key] = (question, build(question))
    return found[1]


def option_labels(question: Question) -> dict[str, str]:
    """Normalized option label (zh and en) -> option id, for choice and multi_choice questions."""
    return label_table(question, "options", lambda q: {
        normalized(text): option.id for option in q.options for text in (option.label.zh, option.label.en)
    })


def scale_labels(question: Question) -> dict[str, int]:
    """Normalized label (zh and en) of a likert scale's labelled points -> the point."""
    return label_table(question, "scale", lambda q: {
        normalized(t): point for point, label in q.scale.labels.items() for t in (label.zh, label.en)
    })


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
