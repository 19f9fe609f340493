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
from assess.responses.typed import Typed, read_typed
from assess.responses.values import coerce_answer

BACK = "<"
BACK_KEYS = frozenset({"<", "＜", "《", "〈"})  # a Chinese input method types the full-width forms
ID_PREFIX = {"resident": "R", "party_member": "P"}


class NeedsConfirmation(Exception):  # noqa: N818 - a question back to the person, not an error
    """A rounded figure (约15, 一半) or 0.9 for a percent question: ask before recording (`typed.confirm`)."""

    def __init__(self, typed: Typed):
        self.typed = typed
        assert typed.confirm is not None
        super().__init__(typed.confirm.zh)


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
        """Read, store and save the answer to the current question, and move on.

        Raises `AnswerValueError` (saying what may be typed) and stays on the question for a bad answer,
        and `NeedsConfirmation` for a rounded figure such as 约15 (unless `confirmed`), so the caller can ask
        and then call `record` with the value the person confirmed.
        """
        step = self.next_question()
        if step is None:
            raise AssessError("题目已全部问完 / all questions have been asked")
        typed = read_typed(step.question, raw)
        if typed.confirm is not None and not confirmed:
            raise NeedsConfirmation(typed)
        return self.record(typed.value)

    def record(self, value: Any) -> Any:
        """Store a canonical value for the current question (None skips it), save, and move on."""
        step = self.next_question()
        if step is None:
            raise AssessError("题目已全部问完 / all questions have been asked")
        value = coerce_answer(step.question, value)
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
        how = ("可多选：输入编号或选项文字，用空格或、分隔" if zh else
               "several allowed: numbers or words, separated by spaces or commas") if (
            question.type == "multi_choice") else (
            "输入编号或选项文字" if zh else "enter the number or the option's words")
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


def short_title(question: Question, lang: Lang, limit: int = 24) -> str:
    """A question named by its title, cut short for a one-line list."""
    title = question.title.get(lang)
    return title if len(title) <= limit else title[: limit - 1] + "…"


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
    sep = "；" if lang == "zh" else "; "
    listed = sep.join(short_title(q, lang) for q in missing[:5]) + (
        ("…" if lang == "zh" else "; ...") if len(missing) > 5 else "")
    if lang == "zh":
        lines = [f"本轮完成，已保存到 {path}：已答 {done}/{total} 题。"]
        if missing:
            lines.append(f"还有 {len(missing)} 题未答（{listed}），再次运行可补答。")
        lines.append(f"计算得分：assess score {shell_word(str(path))}")
    else:
        lines = [f"Done for now, saved to {path}: {done}/{total} answered."]
        if missing:
            lines.append(f"{len(missing)} still unanswered ({listed}); run again to answer them.")
        lines.append(f"Score it: assess score {shell_word(str(path))}")
    lines.append(plan_sample_text(path, lang))
    return "\n".join(lines)


def plan_sample_text(path: Path, lang: Lang) -> str:
    """Where the residents' questionnaires are planned: how many to collect for a score precise to ±3 points
    (`assess plan-sample`, with the community's population or households from this file or typed)."""
    command = f"assess plan-sample {shell_word(str(path))}"
    english = f"How many residents' questionnaires to collect (±3 points): {command} (add --households N)"
    if lang == "zh":
        return f"居民问卷要收多少份（总分精确到 ±3 分）：{command}（可加 --households 户数） / {english}"
    return english


SHELL_SPECIAL = re.compile(r"""[\s'"\\$`!*?&;|<>(){}\[\]#~]""")


def shell_word(text: str) -> str:
    """`text` as people type it at the prompt: 答卷.yaml bare (shlex.quote would quote every non-ASCII name),
    quoted only where the shell would otherwise split or expand it, and an empty word as ''."""
    return shlex.quote(text) if not text or SHELL_SPECIAL.search(text) else text


def resume_command(path: Path, respondent: Respondent, respondent_id: str | None, pack_ref: str | None,
                   lang: Lang, revisit: bool = False) -> str:
    """The command that continues this file, as the user would type it, with the flags it was started with."""
    parts = ["assess", "fill", "-o", shell_word(str(path))]
    if pack_ref is not None:
        parts += ["--pack", shell_word(pack_ref)]
    if respondent != "committee":
        parts += ["--respondent", respondent, "--respondent-id", shell_word(respondent_id or "")]
    if revisit:
        parts.append("--revisit")
    if lang != "zh":
        parts += ["--lang", lang]
    return " ".join(parts)
