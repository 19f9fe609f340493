"""Short bilingual terms shown by the command line (question types, respondents, column heads).

Report texts live in `templates/texts.yaml`; these are the few words the terminal output needs.
"""

from __future__ import annotations

from assess.pack import Lang

TERMS: dict[str, tuple[str, str]] = {
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
}


def term(key: str, lang: Lang) -> str:
    zh, en = TERMS[key]
    return zh if lang == "zh" else en
