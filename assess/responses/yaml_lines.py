"""The respondents of an answer file written as YAML line by line.

An import of 20,000 residents spent 22 s in PyYAML's pure-Python emitter and still 8 s with libyaml's
(`CSafeDumper`), because every scalar passes through PyYAML's Python representer and resolver. Respondents
have one simple shape -- an id, answers that are numbers, yes/no, texts or lists of option ids, and group
labels -- so they are written here directly: ids as plain scalars, any other text as a JSON string (JSON's
double-quoted strings are YAML's), with the few characters YAML would fold or refuse escaped. Whatever is
written reads back to the same values (a property test checks it against yaml.safe_load).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")  # an id: read back as the same string when written bare
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}  # YAML 1.1 reads these as bools/null
UNSAFE_IN_QUOTES = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")  # folded or refused inside "..."


def respondent_lines(respondents: Iterable[Any]) -> Iterator[str]:
    """`respondents:` and one block per respondent (an object with id, answers, groups and attributes)."""
    yield "respondents:\n"
    written = Scalars()
    for person in respondents:
        yield f"- id: {scalar(person.id)}\n"
        yield from mapping_lines("answers", person.answers, written)
        if person.groups:
            yield from mapping_lines("groups", person.groups, written)
        if person.attributes:
            yield from mapping_lines("attributes", person.attributes, written)


class Scalars(dict):
    """Each distinct key or value written once: a survey repeats the same ids, scale points and options in
    every row, so most scalars are looked up rather than formatted (half the writing time)."""

    def __missing__(self, key: tuple[type, Any]) -> str:
        text = self[key] = scalar(key[1])
        return text


def mapping_lines(key: str, values: Mapping[str, Any], written: Scalars) -> Iterator[str]:
    if not values:
        yield f"  {key}: {{}}\n"
        return
    yield f"  {key}:\n"
    for name, value in values.items():
        if isinstance(value, list | tuple):
            if not value:
                yield f"    {written[str, name]}: []\n"
                continue
            yield f"    {written[str, name]}:\n"
            for item in value:
                yield f"    - {written[type(item), item]}\n"
        else:
            yield f"    {written[str, name]}: {written[type(value), value]}\n"


def scalar(value: Any) -> str:
    """One value as a YAML scalar that yaml.safe_load reads back as the same value and type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_scalar(value)
    if isinstance(value, str):
        if PLAIN.match(value) and value.lower() not in YAML_WORDS:
            return value
        return UNSAFE_IN_QUOTES.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
    raise TypeError(f"not an answer value: {value!r}")


def float_scalar(value: float) -> str:
    """YAML 1.1 reads `1e-05` as text: its floats need a dot, as PyYAML's own representer writes them."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text
