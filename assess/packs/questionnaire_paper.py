"""What a printed questionnaire says, before it is laid out: the title with the community's and survey's
names, the greeting and confidentiality note for whoever answers it, how to tick the boxes, each question
with its □ options or a line to write on, and the closing thanks.

Kept apart from the Word writer (`questionnaire_docx`) so that the words can be read and tested on their own.
No platform tags ([单选题]) appear: those are for 问卷星's text import, not for people holding a pen.
"""

from __future__ import annotations

from dataclasses import dataclass

from assess.errors import AssessError
from assess.i18n import Lang
from assess.packs.loading import LoadedPack
from assess.packs.model import NumberQuestion, Question
from assess.packs.questionnaire import YES_NO

BOX = "□"
INLINE_WIDTH = 80  # options whose words take at most this many half-width columns share one line, as a scale's do
DEFAULT_SURVEY = {"zh": "党建引领社区治理调查", "en": "Survey on Party-building-led community governance"}
KIND = {
    "resident": {"zh": "居民问卷", "en": "Residents' questionnaire"},
    "party_member": {"zh": "党员问卷", "en": "Party members' questionnaire"},
    "committee": {"zh": "社区两委填报表", "en": "Community committee's form"},
}
GREETING = {
    "resident": {
        "zh": ("尊敬的居民朋友：", "您好！为了解本社区党建引领社区治理的情况，听取您对社区工作的意见和建议，"
                               "我们开展这次问卷调查。问卷不记名，答案没有对错之分，请按您的真实感受和了解的情况填写。"),
        "en": ("Dear resident,", "To learn how Party building leads the governance of our community and to hear "
                                 "your views on its work, we are carrying out this survey. It is anonymous and "
                                 "there are no right or wrong answers: please answer as you see things."),
    },
    "party_member": {
        "zh": ("尊敬的党员同志：", "您好！为了解本社区党组织建设和党员发挥作用的情况，改进党组织的工作，"
                                "我们开展这次问卷调查。问卷不记名，请按您的真实感受和了解的情况填写。"),
        "en": ("Dear Party member,", "To learn how the community Party organization works and how members take "
                                     "part, and to improve its work, we are carrying out this survey. It is "
                                     "anonymous: please answer as you see things."),
    },
    "committee": {
        "zh": ("社区两委：", "本表由社区党组织和居民委员会根据工作台账、会议记录等如实填写，用于本社区党建引领社区治理"
                          "评估。数字题请按近 12 个月或题目注明的口径填写。"),
        "en": ("To the community committee:", "The community Party organization and residents' committee fill in "
                                              "this form from their records and minutes for the assessment of "
                                              "Party-building-led governance. Give figures for the last 12 "
                                              "months unless a question says otherwise."),
    },
}
CONFIDENTIAL = {
    "zh": "我们郑重承诺：所填内容仅用于统计分析，严格保密，不以任何形式公开个人信息。",
    "en": "We promise that your answers are used for statistics only, kept confidential, and never published "
          "in a way that identifies you.",
}
CONFIDENTIAL_COMMITTEE = {
    "zh": "所填数据仅用于本次评估和改进社区工作。",
    "en": "The figures are used for this assessment and to improve the community's work only.",
}
INSTRUCTIONS = {
    "zh": "填写说明：请在所选答案前的“□”内打“√”；注明“可多选”的题可选多项，其他题只选一项；填空题请在横线上填写。",
    "en": "How to fill in: tick (√) the box □ before your answer; choose one answer unless a question says "
          "\"choose all that apply\"; write numbers and words on the lines.",
}
THANKS = {
    "resident": {"zh": "问卷到此结束，衷心感谢您的支持与配合！", "en": "This is the end of the questionnaire. "
                                                              "Thank you very much for your help!"},
    "party_member": {"zh": "问卷到此结束，衷心感谢您的支持与配合！", "en": "This is the end of the questionnaire. "
                                                                  "Thank you very much for your help!"},
    "committee": {"zh": "填报完毕，请核对后签字。", "en": "End of the form: please check it and sign."},
}
FOOTER_LINES = {
    "resident": {"zh": "调查员：__________　　调查日期：______年____月____日",
                 "en": "Interviewer: __________    Date: ____________"},
    "party_member": {"zh": "调查员：__________　　调查日期：______年____月____日",
                     "en": "Interviewer: __________    Date: ____________"},
    "committee": {"zh": "填报人：__________　　审核人：__________　　填报日期：______年____月____日",
                  "en": "Filled in by: __________    Checked by: __________    Date: ____________"},
}
SERIAL = {"zh": "问卷编号：__________", "en": "No. __________"}
SEVERAL = {"zh": "（可多选）", "en": " (choose all that apply)"}
ANSWER = {"zh": "答：", "en": "Answer: "}
BLANK = "____________"
TEXT_LINE = "_" * 60
PAGE_WORDS = {"zh": ("第 ", " 页 / 共 ", " 页"), "en": ("Page ", " of ", "")}


@dataclass(frozen=True)
class PaperQuestion:
    """One question as printed: its number and words, and either boxes to tick or lines to write on."""

    number: int
    title: str
    boxes: list[str]  # option words, each printed after a □
    inline: bool  # the boxes share one line (short words, such as a scale's)
    write_in: str | None  # for a number: the line and its unit (答：______ 学时); for text: None
    text_lines: int  # blank lines for a written answer


@dataclass(frozen=True)
class PaperSurvey:
    """A printed questionnaire: its heading, the words before the questions, the questions, the words after."""

    title: str
    subtitle: str
    serial: str
    greeting: tuple[str, str]
    confidential: str
    instructions: str
    questions: list[PaperQuestion]
    thanks: str
    signature: str
    footer: str
    lang: Lang


def paper_survey(loaded: LoadedPack, respondent: str = "resident", lang: Lang = "zh", community: str | None = None,
                 survey: str | None = None) -> PaperSurvey:
    """The questionnaire for `respondent` as it is printed, named after `community` and `survey`."""
    questions = [q for _, _, q in loaded.pack.questions() if q.respondent == respondent]
    if not questions:
        raise AssessError(
            f"指标包中没有这类受访者的题目，请换一个 --respondent / the pack has no questions for "
            f"'{respondent}'; choose another --respondent"
        )
    name = (community or "").strip()
    survey_name = (survey or "").strip() or DEFAULT_SURVEY[lang]
    kind = KIND[respondent][lang]
    title = f"{name}{survey_name}" if lang == "zh" else (f"{name}: {survey_name}" if name else survey_name)
    confidential = (CONFIDENTIAL_COMMITTEE if respondent == "committee" else CONFIDENTIAL)[lang]
    organizer = f"{name or '________社区'}党组织　居民委员会" if lang == "zh" else (
        f"{name or '________'} Party organization and residents' committee")
    return PaperSurvey(
        title=title, subtitle=kind, serial=SERIAL[lang], greeting=GREETING[respondent][lang],
        confidential=confidential, instructions=INSTRUCTIONS[lang],
        questions=[paper_question(n, q, lang) for n, q in enumerate(questions, 1)],
        thanks=THANKS[respondent][lang], signature=organizer, footer=FOOTER_LINES[respondent][lang], lang=lang,
    )


def columns(text: str) -> int:
    """How wide `text` prints, in half-width columns: a Chinese character takes two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def paper_question(number: int, question: Question, lang: Lang) -> PaperQuestion:
    title = question.title.get(lang)
    if question.type == "multi_choice" and SEVERAL[lang].strip(" （）()") not in title:
        title += SEVERAL[lang]
    if question.type == "likert":
        scale = question.scale
        boxes = [scale.labels[v].get(lang) if v in scale.labels else str(v) for v in range(scale.min, scale.max + 1)]
    elif question.type == "yes_no":
        boxes = list(YES_NO[lang])
    elif question.type in ("choice", "multi_choice"):
        boxes = [o.label.get(lang) for o in question.options]
    else:
        boxes = []
    inline = bool(boxes) and sum(columns(b) + 4 for b in boxes) <= INLINE_WIDTH
    write_in = None
    if isinstance(question, NumberQuestion):
        unit = question.unit.get(lang) if question.unit else ""
        write_in = f"{ANSWER[lang]}{BLANK} {unit}".rstrip()
    return PaperQuestion(number=number, title=title, boxes=boxes, inline=inline, write_in=write_in,
                         text_lines=2 if question.type == "text" else 0)
