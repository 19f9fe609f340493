"""The questionnaire as numbered text: `assess indicators questionnaire`, for setting a survey up in 问卷星.
(`questionnaire_docx` writes the same lines as a Word document.)

Each question is written as `N. 题目[题型]` followed by its options one per line, and questions are
separated by a blank line -- the plain numbered shape that 问卷星's text import (批量添加题目) takes. No public
specification of that import was found, so the README asks people to check each question's type after
importing. The titles and option texts are the pack's own, so a download of the survey maps back to the pack
by title without a column map; options are in the pack's order, so 按序号 downloads give the right option
numbers (yes/no: 1 = 是, 2 = 否, as the WJX reader expects).
"""

from __future__ import annotations

from assess.errors import AssessError
from assess.i18n import Lang
from assess.packs.loading import LoadedPack
from assess.packs.model import NumberQuestion, Question
from assess.packs.xlsform import number_bounds

KINDS = {
    "zh": {"likert": "单选题", "yes_no": "单选题", "choice": "单选题", "multi_choice": "多选题",
           "number": "填空题", "text": "填空题"},
    "en": {"likert": "single choice", "yes_no": "single choice", "choice": "single choice",
           "multi_choice": "multiple choice", "number": "fill in", "text": "fill in"},
}
YES_NO = {"zh": ("是", "否"), "en": ("Yes", "No")}


def questionnaire_text(loaded: LoadedPack, respondent: str = "resident", lang: Lang = "zh") -> str:
    title, blocks = questionnaire_blocks(loaded, respondent, lang)
    return "\n\n".join([title, *("\n".join(block) for block in blocks)]) + "\n"


def questionnaire_blocks(loaded: LoadedPack, respondent: str, lang: Lang) -> tuple[str, list[list[str]]]:
    """The pack's title, and per question its line `N. 题目[题型]` followed by its option lines: what both
    the text and the Word form write."""
    pack = loaded.pack
    questions = [q for _, _, q in pack.questions() if q.respondent == respondent]
    if not questions:
        raise AssessError(
            f"指标包 '{pack.id}' 中没有受访者为 '{respondent}' 的题目，请换一个 --respondent "
            f"/ pack '{pack.id}' has no questions for respondent '{respondent}'; choose another --respondent"
        )
    return pack.title.get(lang), [
        [f"{n}. {question.title.get(lang)}[{KINDS[lang][question.type]}]", *options(question, lang)]
        for n, question in enumerate(questions, start=1)
    ]


def options(question: Question, lang: Lang) -> list[str]:
    """The option lines of a question; a fill-in question gets none (its range goes in the title's note)."""
    if question.type == "likert":
        scale = question.scale
        return [scale.labels[v].get(lang) if v in scale.labels else str(v) for v in range(scale.min, scale.max + 1)]
    if question.type == "yes_no":
        return list(YES_NO[lang])
    if question.type in ("choice", "multi_choice"):
        return [o.label.get(lang) for o in question.options]
    if isinstance(question, NumberQuestion):
        low, high = number_bounds(question)
        unit = question.unit.get(lang) if question.unit else ""
        return [f"（请填 {low:g}–{high:g}{unit}）" if lang == "zh" else f"(a number, {low:g}–{high:g}{unit})"]
    return []
