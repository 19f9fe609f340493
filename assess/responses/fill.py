"""Filling in the questionnaire at the terminal, one question at a time, without ever losing an answer.

`FillSession` holds the logic -- which questions to ask, validation, going back, progress -- and calls a
save hook after every accepted answer, so the file on disk is always up to date and an interrupted run
resumes at the first question still unanswered. The terminal loop in `assess.cli` only prints what
`step_text` returns and passes the typed text on; tests drive the session directly or through CliRunner.

Committee questions fill the file's `answers`; residents and Party members are one `respondents` entry per
person, appended on the first answer. Answers already in the file are never asked again (so never
overwritten) unless `revisit` is set.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assess.errors import AssessError
from assess.i18n import Lang
from assess.packs.building import DEFAULT_PACK, bundled_packs, pack_path
from assess.packs.loading import LoadedPack, load_pack
from assess.packs.model import Dimension, Indicator, NumberQuestion, Pack, Question, Respondent
from assess.responses.answer_file import AnswerFile, Community, RespondentEntry, load_answer_file
from assess.responses.values import AnswerValueError, coerce_answer

BACK = "<"
BACK_KEYS = frozenset({"<", "＜", "《", "〈"})  # a Chinese input method types the full-width forms
ID_PREFIX = {"resident": "R", "party_member": "P"}
YES_WORDS = frozenset({"y", "yes", "是", "是的", "对", "对的", "有", "好", "同意", "✓"})
NO_WORDS = frozenset({"n", "no", "否", "不是", "不", "没有", "无", "不对", "没"})
NONE_WORDS = frozenset({"无", "没有", "都没有", "都不", "0", "０", "none"})  # a multi-choice of nothing chosen
CHINESE_NUMERALS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                    "九": 9, "十": 10}
PERCENT_UNITS = frozenset({"%", "％"})
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


class ConfirmPercent(Exception):  # noqa: N818 - a question back to the person, not an error
    """A share typed as a fraction (0.9) for a percent question: ask whether 90 % was meant."""

    def __init__(self, typed: float):
        self.typed = typed
        self.suggested = round(typed * 100, 6)
        super().__init__(f"{typed}")


@dataclass(frozen=True)
class Step:
    """The question being asked, with the context a person needs to answer it."""

    dimension: Dimension
    indicator: Indicator
    question: Question
    number: int  # 1-based position among all questions of this respondent type
    total: int
    answered: int  # how many of them have an answer now
    current: Any  # the answer already given (asked again only with revisit or after going back)


class FillSession:
    """The questions of one respondent type, walked in pack order; `save` runs after every answer."""

    def __init__(
        self,
        pack: Pack,
        data: AnswerFile,
        respondent: Respondent,
        save: Callable[[AnswerFile], AnswerFile | None],
        *,
        respondent_id: str | None = None,
        revisit: bool = False,
    ):
        self.pack = pack
        self.data = data
        self.respondent = respondent
        self.respondent_id = respondent_id
        self.save = save
        self.all = [(d, i, q) for d, i, q in pack.questions() if q.respondent == respondent]
        self.pack_order = {q.id: n for n, (_, _, q) in enumerate(pack.questions())}
        if not self.all:
            raise AssessError(f"指标包中没有此类受访者的题目 / pack '{pack.id}' has no questions for {respondent}")
        if respondent != "committee" and not respondent_id:
            raise AssessError("residents and Party members are filled one person at a time; give a respondent id")
        answers = self.answers()
        # Asked this run: everything with revisit, else only what has no answer yet (answers are never overwritten).
        self.queue = [n for n, (_, _, q) in enumerate(self.all) if revisit or answers.get(q.id) is None]
        self.position = 0

    # -- where the answers live ----------------------------------------------------------------------

    def entry(self) -> RespondentEntry | None:
        return next((r for r in self.data.respondents if r.id == self.respondent_id), None)

    def answers(self) -> dict[str, Any]:
        if self.respondent == "committee":
            return self.data.answers
        entry = self.entry()
        return entry.answers if entry is not None else {}

    def _writable_answers(self) -> dict[str, Any]:
        if self.respondent == "committee":
            return self.data.answers
        entry = self.entry()
        if entry is None:  # a respondent enters the file with their first answer, never empty
            assert self.respondent_id is not None
            entry = RespondentEntry(id=self.respondent_id, answers={})
            self.data.respondents.append(entry)
        return entry.answers

    def _store(self, question_id: str, value: Any) -> None:
        """Set one answer, keeping the block in pack order so the saved file reads like the questionnaire."""
        answers = self._writable_answers()
        answers[question_id] = value
        ordered = sorted(answers.items(), key=lambda item: self.pack_order.get(item[0], len(self.pack_order)))
        answers.clear()
        answers.update(ordered)

    # -- walking the questions ----------------------------------------------------------------------

    def next_question(self) -> Step | None:
        """The question to ask now, or None when this run has been through all of its questions."""
        if self.position >= len(self.queue):
            return None
        index = self.queue[self.position]
        dimension, indicator, question = self.all[index]
        answers = self.answers()
        return Step(
            dimension=dimension,
            indicator=indicator,
            question=question,
            number=index + 1,
            total=len(self.all),
            answered=self.answered_count(),
            current=answers.get(question.id),
        )

    def answer(self, raw: str, confirmed: bool = False) -> Any:
        """Validate and store the answer to the current question, save, and move on.

        Raises `AnswerValueError` (saying what is allowed) and stays on the question for a bad answer, and
        `ConfirmPercent` for 0.9 typed for a percent question (unless `confirmed`), so the caller can ask.
        """
        step = self.next_question()
        if step is None:
            raise AssessError("题目已全部问完 / all questions have been asked")
        typed = terminal_value(step.question, raw)
        if not confirmed and is_percent(step.question) and isinstance(fraction := number_or_none(typed), float) \
                and 0 < fraction < 1:
            raise ConfirmPercent(fraction)
        value = coerce_answer(step.question, typed)
        if value is None:
            self.skip()
            return None
        self._store(step.question.id, value)
        self.data = self.save(self.data) or self.data  # the saved file may hold another writer's additions
        self.position += 1
        return value

    def skip(self) -> None:
        """Leave the current question as it is (unanswered, or its earlier answer) and move on."""
        if self.position < len(self.queue):
            self.position += 1

    def back(self) -> bool:
        """Return to the previous question of this run; False when already at the first one."""
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def answered_count(self) -> int:
        answers = self.answers()
        return sum(1 for _, _, q in self.all if answers.get(q.id) is not None)

    def unanswered(self) -> list[Question]:
        answers = self.answers()
        return [q for _, _, q in self.all if answers.get(q.id) is None]


def terminal_value(question: Question, text: str) -> Any:
    """What was typed, read as a person means it: 是的/对/有 and 不是/没有 for yes–no, a scale's own labels
    (非常同意) and Chinese numerals (一 … 十) on a likert scale, 90% or ９０％ for a percent, option numbers or
    labels for options, and 无 or 0 for "none of these" on a multi-choice (chosen nothing, not unanswered).

    Raises `AnswerValueError` for an option number that does not exist: the prompt asked for a number,
    so the message says which numbers there are.
    """
    text = text.strip()
    if question.type == "yes_no":
        word = text.lower()
        return "yes" if word in YES_WORDS else "no" if word in NO_WORDS else text
    if question.type == "likert":
        labels = {v.zh: k for k, v in question.scale.labels.items()} | {
            v.en.lower(): k for k, v in question.scale.labels.items()}
        if text in labels or text.lower() in labels:
            return str(labels.get(text, labels.get(text.lower())))
        return str(CHINESE_NUMERALS[text]) if text in CHINESE_NUMERALS else text
    if question.type == "choice":
        return option_by_number(question, text)
    if question.type == "multi_choice":
        if text.lower() in NONE_WORDS:
            return []
        return " ".join(option_by_number(question, part) for part in re.split(r"[\s,，、]+", text) if part)
    if question.type == "number" and is_percent(question):
        return text.rstrip("%％").strip()
    return text


def is_percent(question: Question) -> bool:
    return isinstance(question, NumberQuestion) and question.unit is not None and question.unit.zh in PERCENT_UNITS


def number_or_none(text: Any) -> float | int | None:
    from assess.responses.values import number_value

    return number_value(text) if isinstance(text, str) else None


def option_by_number(question: Question, text: str) -> str:
    """An option by its number, its id or its label as shown (Chinese or English)."""
    ids = [o.id for o in question.options]
    by_label = {o.label.zh: o.id for o in question.options} | {o.label.en.lower(): o.id for o in question.options}
    if text in by_label or text.lower() in by_label:
        return by_label.get(text, by_label.get(text.lower()))
    text = text.translate(FULL_WIDTH_DIGITS)
    if text in ids or not text.isdigit():
        return text
    number = int(text)
    if not 1 <= number <= len(ids):
        raise AnswerValueError(
            f"没有第 {number} 项：请输入 1–{len(ids)} 的序号或选项编号 / "
            f"there is no option {number}: enter 1–{len(ids)} or an option id"
        )
    return ids[number - 1]


# -- opening the file ------------------------------------------------------------------------------


@dataclass
class FillTarget:
    """The answer file to fill: its data (new or read back), the pack, and whether it exists yet."""

    path: Path
    data: AnswerFile | None  # None: a new file, which needs a community name first
    pack: LoadedPack
    pack_ref: str


def open_target(path: Path, pack_ref: str | None) -> FillTarget:
    """Read an existing answer file (all its problems reported, nothing touched) or prepare a new one."""
    if path.exists():
        loaded = load_answer_file(path)
        if pack_ref is not None and load_pack(pack_ref).hash != loaded.pack.hash:
            raise AssessError(
                f"{path}: 该答卷对应的指标包是 {loaded.data.pack}，不是 {pack_ref}；去掉 --pack 或换一个文件 / was "
                f"filled for pack '{loaded.data.pack}', not '{pack_ref}'; drop --pack or use another file"
            )
        return FillTarget(path, loaded.data, loaded.pack, loaded.data.pack)
    ref = stored_pack_ref(pack_ref, path)
    return FillTarget(path, None, load_pack(pack_ref), ref)


def stored_pack_ref(pack_ref: str | None, answers_path: Path) -> str:
    """How the new file names its pack: a bundled id as is, a pack file relative to the answer file."""
    if pack_ref is None:
        return DEFAULT_PACK
    if pack_ref in bundled_packs() and not Path(pack_ref).suffix:
        return pack_ref
    pack_file = pack_path(pack_ref).resolve()
    return Path(os.path.relpath(pack_file, answers_path.resolve().parent)).as_posix()


def new_answer_file(pack_ref: str, community_name: str, district: str | None = None, street: str | None = None,
                    kind: str | None = None) -> AnswerFile:
    name = community_name.strip()
    if not name:
        raise AssessError("请填写社区名称 / the community needs a name")
    community = Community(name=name, district=district, street=street, type=kind)
    return AnswerFile(pack=pack_ref, community=community, assessed_on=date.today())


def has_comments(path: Path) -> bool:
    """Saving rewrites the file in canonical form, which drops comments; the user is told beforehand."""
    if not path.exists():
        return False
    return any(line.lstrip().startswith("#") for line in path.read_text(encoding="utf-8").splitlines())


def next_respondent_id(data: AnswerFile, respondent: Respondent) -> str:
    """A new person's id (R-001, P-001, ...), after the highest one in the file.

    Never an existing person: residents often skip questions, so "the last one with blanks" would pour the
    next resident's answers into someone else's. Continuing a person is asked for by typing their id.
    """
    prefix = ID_PREFIX[respondent]
    pattern = re.compile(rf"{prefix}-(\d+)")
    numbers = [int(m.group(1)) for r in data.respondents if (m := pattern.fullmatch(r.id))]
    taken = {r.id for r in data.respondents}
    number = max(numbers, default=0) + 1
    while f"{prefix}-{number:03d}" in taken:
        number += 1
    return f"{prefix}-{number:03d}"


def continuing_text(session: FillSession, lang: Lang) -> str | None:
    """Said when the respondent id is already in the file, so nobody adds to a stranger's answers unawares."""
    if session.respondent == "committee" or session.entry() is None:
        return None
    done, total = session.answered_count(), len(session.all)
    if lang == "zh":
        return f"继续填写 {session.respondent_id} 的问卷（已答 {done}/{total} 题）。"
    return f"Continuing {session.respondent_id}'s questionnaire ({done}/{total} answered)."


# -- what the terminal shows ------------------------------------------------------------------------


def step_text(step: Step, lang: Lang) -> str:
    """The question with its dimension and indicator, help, allowed answers and the keys to move around."""
    zh = lang == "zh"
    q = step.question
    progress = f"题 {step.number}/{step.total} · 已答 {step.answered}" if zh else (
        f"Question {step.number}/{step.total} · {step.answered} answered"
    )
    required = ("（必答）" if zh else " (required)") if q.required else ""
    lines = [
        "",
        f"── {progress} " + "─" * 20,
        f"{'维度' if zh else 'Dimension'}: {step.dimension.title.get(lang)}  ›  "
        f"{'指标' if zh else 'Indicator'}: {step.indicator.title.get(lang)}",
        f"{q.title.get(lang)}{required}",
    ]
    if q.help:
        lines.append(f"  {'说明' if zh else 'Help'}: {q.help.get(lang)}")
    lines += [f"  {line}" for line in allowed_lines(q, lang)]
    if step.current is not None:
        lines.append(f"  {'当前答案' if zh else 'Current answer'}: {shown_value(q, step.current, lang)}"
                     + ("（回车保留）" if zh else " (Enter keeps it)"))
    lines.append(
        "  （回车跳过，输入 < 返回上一题，Ctrl-C 保存退出）" if zh
        else "  (Enter skips, < goes back, Ctrl-C saves and quits)"
    )
    return "\n".join(lines)


def allowed_lines(question: Question, lang: Lang) -> list[str]:
    zh = lang == "zh"
    if question.type == "likert":
        scale = question.scale
        labels = ("，" if zh else ", ").join(f"{k}={v.get(lang)}" for k, v in sorted(scale.labels.items()))
        head = f"{'请输入' if zh else 'Enter'} {scale.min}–{scale.max}"
        return [head + ((f"（{labels}）" if zh else f" ({labels})") if labels else "")]
    if question.type == "yes_no":
        return ["请输入 是 或 否" if zh else "Enter yes or no (y/n)"]
    if question.type in ("choice", "multi_choice"):
        how = ("可多选，用空格分隔编号" if zh else "several allowed, separated by spaces") if (
            question.type == "multi_choice") else ("输入编号" if zh else "enter the number")
        none = ("；都没有请输入 无" if zh else "; for none of these enter 0") if question.type == "multi_choice" else ""
        return [how + none] + [f"  {n}. {o.label.get(lang)}" for n, o in enumerate(question.options, 1)]
    if isinstance(question, NumberQuestion):
        return [number_hint(question, lang)]
    return ["请输入文字" if zh else "Enter text"]


def number_hint(question: NumberQuestion, lang: Lang) -> str:
    zh = lang == "zh"
    kind = ("整数" if zh else "a whole number") if question.integer else ("数字" if zh else "a number")
    low, high = question.min, question.max
    if low is not None and high is not None:
        bounds = f"{low:g}–{high:g}"
    elif low is not None:
        bounds = f"≥ {low:g}"
    else:
        bounds = f"≤ {high:g}" if high is not None else ""
    unit = question.unit.get(lang) if question.unit else ""
    if zh:
        return f"请输入{kind}" + (f"，单位：{unit}" if unit else "") + (f"（{bounds}）" if bounds else "")
    return f"Enter {kind}" + (f" in {unit}" if unit else "") + (f" ({bounds})" if bounds else "")


def shown_value(question: Question, value: Any, lang: Lang = "zh") -> str:
    """An answer as the person gave it: 是/否, option labels, a scale point with its label, never ids."""
    zh = lang == "zh"
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    labels = {o.id: o.label.get(lang) for o in getattr(question, "options", [])}
    if isinstance(value, list):
        return ("、" if zh else ", ").join(labels.get(v, str(v)) for v in value) or ("（都没有）" if zh else "(none)")
    if value in labels:
        return labels[value]
    if question.type == "likert" and value in question.scale.labels:
        return f"{value}（{question.scale.labels[value].get(lang)}）" if zh else \
            f"{value} ({question.scale.labels[value].get(lang)})"
    return str(value)


def resume_text(session: FillSession, path: Path, command: str, lang: Lang) -> str:
    """Said on Ctrl-C or end of input: what is saved and the exact command that continues."""
    done, total = session.answered_count(), len(session.all)
    if lang == "zh":
        who = f"（{session.respondent_id}）" if session.respondent_id else ""
        return f"已保存到 {path}{who}：已答 {done}/{total} 题。继续填写请再次运行：\n  {command}"
    who = f" ({session.respondent_id})" if session.respondent_id else ""
    return f"Saved to {path}{who}: {done}/{total} answered. To continue, run again:\n  {command}"


def summary_text(session: FillSession, path: Path, lang: Lang) -> str:
    done, total = session.answered_count(), len(session.all)
    missing = session.unanswered()
    listed = ", ".join(q.id for q in missing[:8]) + (("…" if lang == "zh" else ", ...") if len(missing) > 8 else "")
    if lang == "zh":
        lines = [f"本轮完成，已保存到 {path}：已答 {done}/{total} 题。"]
        if missing:
            lines.append(f"还有 {len(missing)} 题未答（{listed}），再次运行可补答。")
        lines.append(f"计算得分：assess score {path}")
    else:
        lines = [f"Done for now, saved to {path}: {done}/{total} answered."]
        if missing:
            lines.append(f"{len(missing)} still unanswered ({listed}); run again to answer them.")
        lines.append(f"Score it: assess score {path}")
    return "\n".join(lines)


def resume_command(path: Path, respondent: Respondent, respondent_id: str | None, pack_ref: str | None,
                   lang: Lang, revisit: bool = False) -> str:
    """The command that continues this file, as the user would type it, with the flags it was started with."""
    parts = ["assess", "fill", "-o", shlex.quote(str(path))]
    if pack_ref is not None:
        parts += ["--pack", shlex.quote(pack_ref)]
    if respondent != "committee":
        parts += ["--respondent", respondent, "--respondent-id", shlex.quote(respondent_id or "")]
    if revisit:
        parts.append("--revisit")
    if lang != "zh":
        parts += ["--lang", lang]
    return " ".join(parts)
