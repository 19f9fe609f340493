"""Reading a pack for people: the indicator tree, one element in full, and the JSON export.

`assess indicators list/show` print what these functions return; tests call them directly.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from assess.errors import AssessError
from assess.i18n import Lang, term
from assess.packs.loading import LoadedPack
from assess.packs.model import Dimension, Indicator, NumberQuestion, Pack, Question
from assess.packs.theses import thesis_by_file


def pack_export(loaded: LoadedPack) -> dict[str, Any]:
    """The fully resolved pack as JSON-ready data: every field scoring needs, targets filled in.

    The shape is `{"pack": {id, version, hash, file, parents}, "title", "grade_bands", "default_target",
    "dimensions": [...]}`; later versions only add fields.
    """
    pack = loaded.pack
    data = pack.model_dump(mode="json")
    for dim_data, dim in zip(data["dimensions"], pack.dimensions, strict=True):
        for ind_data, ind in zip(dim_data["indicators"], dim.indicators, strict=True):
            ind_data["target"] = pack.target_of(ind)
    header = {
        "id": pack.id,
        "version": pack.version,
        "hash": loaded.hash,
        "file": loaded.file,
        "parents": list(loaded.parents),
    }
    return {"pack": header, **{k: v for k, v in data.items() if k not in ("id", "version")}}


@dataclass(frozen=True)
class Found:
    """An element with the dimension and indicator it sits under (None where the element is that level)."""

    element: Dimension | Indicator | Question
    dimension: Dimension
    indicator: Indicator | None


def find_element(pack: Pack, element_id: str) -> Found:
    """The element and its place in the tree: a question alone does not say what it measures or why."""
    for dim in pack.dimensions:
        if dim.id == element_id:
            return Found(dim, dim, None)
        for ind in dim.indicators:
            if ind.id == element_id:
                return Found(ind, dim, ind)
            for question in ind.questions:
                if question.id == element_id:
                    return Found(question, dim, ind)
    raise AssessError(unknown_id_message(pack, element_id))


def element_export(pack: Pack, found: Found) -> dict[str, Any]:
    """`indicators show --format json`: the element's own fields plus where it sits (`dimension`, `indicator`
    as {id, title}); an indicator adds its target, a question the sources of its indicator."""
    data = found.element.model_dump(mode="json")
    if isinstance(found.element, Dimension) or found.indicator is None:
        return data
    data["dimension"] = {"id": found.dimension.id, "title": found.dimension.title.model_dump()}
    if isinstance(found.element, Indicator):
        data["target"] = pack.target_of(found.element)
        return data
    data["indicator"] = {"id": found.indicator.id, "title": found.indicator.title.model_dump()}
    data["sources"] = [source.model_dump(mode="json") for source in found.indicator.sources]
    return data


def all_ids(pack: Pack) -> list[str]:
    ids = [d.id for d in pack.dimensions]
    ids += [i.id for _, i in pack.indicators()]
    ids += [q.id for _, _, q in pack.questions()]
    return ids


def unknown_id_message(pack: Pack, element_id: str) -> str:
    close = difflib.get_close_matches(element_id, all_ids(pack), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `assess indicators list` shows all ids"
    return (
        f"指标包 '{pack.id}' 中没有编号 '{element_id}' / "
        f"'{element_id}' is not a dimension, indicator or question of pack '{pack.id}'{hint}"
    )


def tree_lines(loaded: LoadedPack, lang: Lang) -> list[str]:
    pack = loaded.pack
    lines = [f"{pack.title.get(lang)}  [{pack.id} {pack.version}, {loaded.hash}]"]
    for d_n, dim in enumerate(pack.dimensions, 1):
        lines.append(f"{d_n}. {dim.title.get(lang)}  ({dim.id}, {term('weight', lang)} {dim.weight:g})")
        for i_n, ind in enumerate(dim.indicators, 1):
            lines.append(
                f"   {d_n}.{i_n} {ind.title.get(lang)}  ({ind.id}, {term('weight', lang)} {ind.weight:g}, "
                f"{term('target', lang)} {pack.target_of(ind):g})"
            )
            for question in ind.questions:
                lines.append(f"        - {question.id} [{question_tags(question, lang)}] {question.title.get(lang)}")
    return lines


def question_tags(question: Question, lang: Lang) -> str:
    tags = [term(question.type, lang), term(question.respondent, lang)]
    if getattr(question, "reverse", False):
        tags.append(term("reverse", lang))
    return " · ".join(tags)


def element_lines(pack: Pack, found: Found, lang: Lang) -> list[str]:
    element = found.element
    lines = [f"{element.id}: {element.title.get(lang)}"]
    if element.description:
        lines.append(f"  {element.description.get(lang)}")
    if not isinstance(element, Dimension):
        lines.append(f"  {term('dimension', lang)}: {found.dimension.title.get(lang)} ({found.dimension.id})")
    if found.indicator is not None and found.indicator is not element:
        lines.append(f"  {term('indicator', lang)}: {found.indicator.title.get(lang)} ({found.indicator.id})")
    lines.append(f"  {term('weight', lang)}: {element.weight:g}")
    if isinstance(element, Dimension):
        lines.append(f"  {term('indicator', lang)}:")
        lines += [f"    - {i.id}: {i.title.get(lang)}" for i in element.indicators]
    elif isinstance(element, Indicator):
        lines.append(f"  {term('target', lang)}: {pack.target_of(element):g}")
        lines.append(f"  {term('question', lang)}:")
        lines += [f"    - {q.id} [{question_tags(q, lang)}] {q.title.get(lang)}" for q in element.questions]
        lines += source_lines(element, lang)
    elif found.indicator is not None:
        lines += question_detail_lines(element, lang)
        lines += source_lines(found.indicator, lang)
    return lines


def source_lines(indicator: Indicator, lang: Lang) -> list[str]:
    """The theses an indicator rests on, by place studied; a question inherits its indicator's sources."""
    lines = [f"  {term('sources', lang)}:"]
    for source in indicator.sources:
        thesis = thesis_by_file(source.seed)
        place = thesis.place.get(lang) if thesis else source.seed
        lines.append(f"    - {place} ({source.seed}): \"{source.evidence}\"")
    return lines


def question_detail_lines(question: Question, lang: Lang) -> list[str]:
    lines = [f"  {question_tags(question, lang)}" + (f" · {term('required', lang)}" if question.required else "")]
    if question.help:
        lines.append(f"  {term('help', lang)}: {question.help.get(lang)}")
    if question.type == "likert":
        scale = question.scale
        labels = ", ".join(f"{k}={v.get(lang)}" for k, v in sorted(scale.labels.items()))
        lines.append(f"  {term('scale', lang)}: {scale.min}–{scale.max}" + (f" ({labels})" if labels else ""))
    elif question.type in ("choice", "multi_choice"):
        lines.append(f"  {term('options', lang)}:")
        lines += [f"    - {o.id}: {o.label.get(lang)} ({o.score:g})" for o in question.options]
    elif isinstance(question, NumberQuestion):
        unit = question.unit.get(lang) if question.unit else ""
        lines.append(
            f"  {term('goalposts', lang)}: {term('worst', lang)} {question.worst:g} → "
            f"{term('best', lang)} {question.best:g} {unit}".rstrip()
        )
    return lines
