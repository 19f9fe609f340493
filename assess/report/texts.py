"""The report's bilingual texts (`templates/texts.yaml`, a district's own file over it) and numbers as shown.

Every word a report prints comes from a texts file with a `zh` and an `en` text per key; a district's
`texts.yaml` may replace keys but use only the placeholders the bundled text has. Templates see the texts of
one language as `t` (`LocalTexts`).
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError, field_validator

from assess.errors import Problem, ProblemsError
from assess.i18n import Lang
from assess.packs.model import Strict
from assess.packs.yamlio import load_yaml
from assess.resources import templates_dir

TEXTS_FILE = "texts.yaml"


# -- texts ------------------------------------------------------------------------------------------------


class ReportText(Strict):
    """A report text in both languages. Unlike pack texts it keeps its spaces: ", " and ": " are texts too."""

    zh: str
    en: str

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


def read_texts(path: Path, known: Mapping[str, ReportText] | None = None) -> dict[str, ReportText]:
    """A texts file: every key with a non-blank zh and en; all problems of the file reported together.

    With `known` (the bundled texts) it is a district's file: each key must be a bundled one, and a text may
    use only the placeholders the bundled text has, since only those are filled in.
    """
    located = load_yaml(path)
    if not isinstance(located.data, dict):
        raise ProblemsError([located.problem((), "a texts file maps each key to {zh: ..., en: ...}")])
    texts: dict[str, ReportText] = {}
    problems: list[Problem] = []
    for key, value in located.data.items():
        if known is not None and str(key) not in known:
            problems.append(located.problem((key,), unknown_text_message(str(key), known)))
            continue
        try:
            texts[str(key)] = ReportText.model_validate(value)
        except ValidationError as exc:
            for err in exc.errors():
                where = (key, *err["loc"]) if err["loc"] else (key,)
                problems.append(located.problem(where, f"needs non-blank zh and en texts ({err['msg']})"))
            continue
        if known is not None:
            problems += [located.problem((key, lang), message)
                         for lang, message in placeholder_problems(texts[str(key)], known[str(key)])]
    if problems:
        raise ProblemsError(problems)
    return texts


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders of a text; ValueError for unbalanced braces."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def placeholder_problems(own: ReportText, bundled: ReportText) -> Iterator[tuple[Lang, str]]:
    allowed = placeholders(bundled.zh) | placeholders(bundled.en)
    shown = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
    for lang in ("zh", "en"):
        try:
            extra = sorted(placeholders(own.get(lang)) - allowed)
        except ValueError as exc:
            yield lang, f"花括号不成对 / unbalanced braces ({exc}); write {{{{ and }}}} for literal braces"
            continue
        if extra:
            yield lang, (f"unknown placeholder {', '.join('{' + n + '}' for n in extra)}; allowed: {shown} "
                         f"/ 未知的占位符")


def load_texts(district_dir: Path | None = None) -> dict[str, ReportText]:
    """The bundled texts, with a district's own `texts.yaml` (if any) replacing the keys it gives."""
    texts = dict(bundled_texts())
    override = district_dir / TEXTS_FILE if district_dir is not None else None
    if override is not None and override.is_file():
        texts.update(read_texts(override, known=texts))
    return texts


@cache
def bundled_texts() -> dict[str, ReportText]:
    return read_texts(templates_dir() / TEXTS_FILE)


def unknown_text_message(key: str, texts: Mapping[str, ReportText]) -> str:
    close = difflib.get_close_matches(key, list(texts), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"未知的文字项 / unknown text key '{key}'{hint}"


class TextError(KeyError):
    """A template asked for a text (or a placeholder) that texts.yaml does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


class LocalTexts(dict):
    """The texts in one language; `t.key` in a template, `t.fill('key', n=3)` for texts with placeholders."""

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def fill(self, key: str, **values: Any) -> str:
        if key not in self:
            raise TextError(missing_text_message(key, self))
        try:
            return self[key].format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise TextError(
                f"{TEXTS_FILE}: text '{key}' has a placeholder that is not given ({exc}); allowed: "
                f"{', '.join('{' + name + '}' for name in values) or 'none'} / 文字项中的占位符无效"
            ) from None


def local_texts(texts: Mapping[str, ReportText], lang: Lang) -> LocalTexts:
    return LocalTexts({key: text.get(lang) for key, text in texts.items()})


# -- numbers as shown -------------------------------------------------------------------------------------


def score_text(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}"


def points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def unquoted(phrase: str) -> str:
    """A phrase of an abstract as the report quotes it: the report sets its own quotation marks around it, so
    the abstract's enclosing quotes are dropped and inner ones become single quotes (“… ‘…’ …”).
    """
    if len(phrase) > 1 and phrase[0] == phrase[-1] == '"' and phrase.count('"') == 2:
        return phrase[1:-1]
    return re.sub(r'"([^"]*)"', r"‘\1’", phrase)


def missing_text_message(key: str, texts: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(texts), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"{TEXTS_FILE} 中没有文字项 '{key}' / {TEXTS_FILE} has no text '{key}'{hint}"
