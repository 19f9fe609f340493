"""Short bilingual words for terminal output, and the one way every module looks them up.

Report texts live in `templates/texts.yaml`; each module that prints for the terminal keeps its own small
`Vocabulary` of (中文, English) pairs next to the code that uses them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

Lang = Literal["zh", "en"]


class Vocabulary(dict[str, tuple[str, str]]):
    """Words as (中文, English) pairs, looked up in the output language."""

    def word(self, key: str, lang: Lang) -> str:
        zh, en = self[key]
        return zh if lang == "zh" else en

    def heading(self, key: str, lang: Lang) -> str:
        """A word followed by the colon of its language."""
        return self.word(key, lang) + ("：" if lang == "zh" else ": ")


WEIGHTINGS = Vocabulary({
    "declared": ("指标包设定权重", "declared in the pack"),
    "equal": ("等权", "equal"),
    "ahp": ("层次分析法（AHP）", "AHP"),
    "entropy": ("熵权法", "entropy"),
    "critic": ("CRITIC 法", "CRITIC"),
    "combined": ("组合赋权（主观 × 熵权）", "combined (subjective × entropy)"),
})


def local_time(moment: str | datetime, lang: Lang) -> str:
    """A stored time (ISO 8601, with its offset) in the reader's local time: 2026年12月6日 23:51 in Chinese,
    2026-12-06 23:51 in English. JSON keeps the ISO form; people read this one."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    local = when.astimezone() if when.tzinfo is not None else when
    if lang == "zh":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def bracketed(text: str, lang: Lang) -> str:
    """An aside in the brackets of the output language."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


TERMS = Vocabulary({
    "likert": ("量表题", "Likert"),
    "yes_no": ("是否题", "Yes/no"),
    "choice": ("单选题", "Choice"),
    "multi_choice": ("多选题", "Multiple choice"),
    "number": ("数值题", "Number"),
    "text": ("文字题", "Text"),
    "committee": ("社区两委填报", "Committee"),
    "resident": ("居民问卷", "Residents"),
    "party_member": ("党员问卷", "Party members"),
    "weight": ("权重", "weight"),
    "target": ("目标", "target"),
    "reverse": ("反向计分", "reverse-scored"),
    "required": ("必答", "required"),
    "sources": ("依据", "Sources"),
    "dimension": ("维度", "Dimension"),
    "indicator": ("指标", "Indicator"),
    "question": ("题目", "Question"),
    "options": ("选项", "Options"),
    "scale": ("量表", "Scale"),
    "goalposts": ("计分区间", "Goalposts"),
    "worst": ("最差", "worst"),
    "best": ("最好", "best"),
    "unit": ("单位", "unit"),
    "help": ("说明", "Help"),
    "valid": ("校验通过", "valid"),
})
term = TERMS.word
