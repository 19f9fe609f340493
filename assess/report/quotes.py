"""The phrases a report quotes from the thesis abstracts, as the report's language shows them.

An English report quotes the abstract verbatim. A Chinese report shows the project's Chinese rendering
(`packs.renderings`) with a reference number 〔n〕, and its appendix 摘要原文对照 lists each number with the
rendering and the English original, so every claim can still be checked word for word. A phrase without a
rendering (a district's own library, say) is quoted in English and listed in the appendix all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assess.i18n import Lang
from assess.packs.renderings import rendering
from assess.report.texts import unquoted


@dataclass(frozen=True)
class Quoted:
    text: str
    ref: str  # "〔3〕" in a Chinese report, "" in an English one


@dataclass
class Quotes:
    lang: Lang
    used: dict[str, int] = field(default_factory=dict)  # phrase -> its number, in order of first use

    def quote(self, phrase: str) -> Quoted:
        if self.lang != "zh":
            return Quoted(unquoted(phrase), "")
        number = self.used.setdefault(phrase, len(self.used) + 1)
        return Quoted(unquoted(rendering(phrase) or phrase), f"〔{number}〕")

    def appendix(self) -> list[dict[str, str]]:
        return [{"ref": f"〔{n}〕", "rendering": unquoted(rendering(p) or "—"), "original": unquoted(p)}
                for p, n in self.used.items()]
