"""Case profiles: what each of the five theses (and the exemplars they cite) reports, coded per dimension.

A profile (`seeds/cases/<id>.yaml`) records a case's identity, its named practices and their results, the
problems, causes and countermeasures the thesis gives, and a coded level for every core dimension. Every
claim carries the phrase of the abstract it rests on, so a reader can check the coding against the source.
The pydantic models below are the file format; `case_rule_violations` holds the rules that need the core
pack and the thesis register (known ids, one level per dimension, a thesis id matching its seed).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from assess.errors import AssessError, Problem, ProblemsError
from assess.i18n import Lang, Vocabulary, bracketed
from assess.packs.building import mappings
from assess.packs.loading import load_pack
from assess.packs.model import Id, Pack, Strict, Text
from assess.packs.theses import load_register, thesis_by_file
from assess.packs.yamlio import Located, PathKey, load_yaml, validation_problems
from assess.resources import seeds_dir

CASES_FOLDER = "cases"
CODING_FILE = "coding.yaml"
CORE_PACK = "core"

Level = Literal["strength", "mixed", "weak", "not_reported"]
CodedLevel = Literal["strength", "mixed", "weak"]
CODED_LEVELS: tuple[CodedLevel, ...] = ("weak", "mixed", "strength")  # from worst to best
Phrase = Annotated[str, Field(min_length=3)]


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


Phrases = Annotated[list[Phrase], BeforeValidator(_one_or_many)]


# -- the coding scale ---------------------------------------------------------------------------------------


class CodingScale(Strict):
    """Levels turned into comparable estimates (0-100); declared once, in `seeds/coding.yaml`."""

    estimates: dict[CodedLevel, Annotated[float, Field(ge=0, le=100)]]
    labels: dict[Level, Text]
    caveat: Text

    @model_validator(mode="after")
    def _complete_and_ordered(self) -> CodingScale:
        missing = [lvl for lvl in CODED_LEVELS if lvl not in self.estimates]
        if missing:
            raise ValueError(f"estimates: missing {', '.join(missing)}")
        unlabelled = [lvl for lvl in (*CODED_LEVELS, "not_reported") if lvl not in self.labels]
        if unlabelled:
            raise ValueError(f"labels: missing {', '.join(unlabelled)}")
        values = [self.estimates[lvl] for lvl in CODED_LEVELS]
        if values != sorted(set(values)):
            raise ValueError("estimates must rise strictly from weak to mixed to strength")
        return self

    def estimate(self, level: Level) -> float | None:
        return self.estimates.get(level)  # type: ignore[call-overload]

    def rank(self, level: CodedLevel) -> int:
        return CODED_LEVELS.index(level)

    def classify(self, score: float) -> CodedLevel:
        """The coded level whose estimate is nearest to `score` (a midpoint goes to the higher level)."""
        level: CodedLevel = CODED_LEVELS[0]
        for lower, upper in zip(CODED_LEVELS, CODED_LEVELS[1:], strict=False):
            if score >= (self.estimates[lower] + self.estimates[upper]) / 2:
                level = upper
        return level

    def label(self, level: Level, lang: Lang) -> str:
        return self.labels[level].get(lang)


@cache
def coding_scale() -> CodingScale:
    located = load_yaml(seeds_dir() / CODING_FILE)
    try:
        return CodingScale.model_validate(located.data)
    except ValidationError as exc:
        raise validation_problems(located, exc, CodingScale) from None


# -- the profile format -------------------------------------------------------------------------------------


class Linked(Strict):
    """Something the thesis says, tied to the core pack's dimensions (and, where specific, indicators)."""

    dimensions: Annotated[list[Id], Field(min_length=1)]
    indicators: list[Id] = []
    evidence: Phrase


class Finding(Linked):
    """A problem, cause or countermeasure as the thesis states it."""

    text: Text


class Practice(Linked):
    """A named practice of the case and what the thesis reports it achieved."""

    id: Id
    name: Text
    description: Text
    results: Text | None = None


class LevelCoding(Strict):
    """How the abstract portrays the case in one dimension, and the phrases that justify it."""

    level: Level
    evidence: Phrases = []
    note: Text | None = None

    @model_validator(mode="after")
    def _evidence_matches_level(self) -> LevelCoding:
        if self.level != "not_reported" and not self.evidence:
            raise ValueError(f"level '{self.level}' needs an evidence phrase from the abstract")
        if self.level == "not_reported" and self.evidence:
            raise ValueError("level 'not_reported' must not cite evidence; code the level the phrase supports")
        return self


class Place(Strict):
    province: Text | None = None
    city: Text | None = None
    district: Text | None = None
    street: Text | None = None
    community: Text | None = None


class CaseProfile(Strict):
    id: Id
    kind: Literal["thesis", "exemplar"]
    seed: str
    second_hand: bool
    name: Text
    place: Place
    context: Text
    theories: Text | None = None
    methods: Text | None = None
    practices: list[Practice] = []
    problems: list[Finding] = []
    causes: list[Finding] = []
    countermeasures: list[Finding] = []
    levels: dict[Id, LevelCoding]

    @model_validator(mode="after")
    def _kind_rules(self) -> CaseProfile:
        if self.kind == "exemplar" and not self.second_hand:
            raise ValueError("an exemplar is known only through the thesis that cites it: set second_hand: true")
        if self.kind == "thesis" and self.second_hand:
            raise ValueError("a thesis case is first-hand: set second_hand: false")
        if self.kind == "thesis" and (self.theories is None or self.methods is None):
            raise ValueError("a thesis case needs theories and methods")
        return self

    def practices_in(self, dimension: str) -> list[Practice]:
        return [p for p in self.practices if dimension in p.dimensions]

    def coded(self, dimension: str) -> LevelCoding | None:
        """The coding of a dimension the case reports on; None when it is not reported."""
        coding = self.levels.get(dimension)
        return coding if coding is not None and coding.level != "not_reported" else None


# -- rules across the profile, the core pack and the thesis register ------------------------------------
#
# They read the raw YAML data and skip values of the wrong type, so they run even when the models refused the
# file: one run then lists type errors and unknown ids together, instead of hiding the second kind until the
# first is fixed.


def case_rule_violations(data: dict, pack: Pack) -> Iterator[tuple[PathKey, str]]:
    dimension_ids = [d.id for d in pack.dimensions]
    dimension_of = {i.id: d.id for d, i in pack.indicators()}
    yield from seed_violations(data)
    levels = data.get("levels")
    if isinstance(levels, dict):
        for dim_id in levels:
            if dim_id not in dimension_ids:
                yield ("levels", dim_id), unknown("dimension", str(dim_id), dimension_ids)
        for dim_id in dimension_ids:
            if dim_id not in levels:
                yield ("levels",), (
                    f"no level for dimension '{dim_id}'; write `{dim_id}: {{level: not_reported}}` if the abstract "
                    "says nothing about it"
                )
    seen: dict[str, int] = {}
    for p_i, practice in mappings(data.get("practices")):
        practice_id = practice.get("id")
        if isinstance(practice_id, str):
            if practice_id in seen:
                yield ("practices", p_i, "id"), (
                    f"duplicate practice id '{practice_id}' (see practices.{seen[practice_id]})"
                )
            seen.setdefault(practice_id, p_i)
        yield from link_violations(practice, ("practices", p_i), dimension_ids, dimension_of)
    for section in ("problems", "causes", "countermeasures"):
        for f_i, finding in mappings(data.get(section)):
            yield from link_violations(finding, (section, f_i), dimension_ids, dimension_of)


def seed_violations(data: dict) -> Iterator[tuple[PathKey, str]]:
    seed = data.get("seed")
    if not isinstance(seed, str):
        return
    thesis = thesis_by_file(seed)
    if thesis is None:
        files = [t.file for t in load_register().theses]
        yield ("seed",), unknown("thesis", seed, files)
    elif data.get("kind") == "thesis" and isinstance(data.get("id"), str) and data["id"] != thesis.id:
        yield ("id",), f"a thesis case takes the register id of its seed: '{thesis.id}' for {seed}"


def link_violations(
    item: dict, path: PathKey, dimension_ids: list[str], dimension_of: dict[str, str]
) -> Iterator[tuple[PathKey, str]]:
    """Unknown dimension or indicator ids of a practice or finding, and an indicator outside its dimensions."""
    dimensions = strings(item.get("dimensions"))
    for d_i, dim_id in dimensions:
        if dim_id not in dimension_ids:
            yield (*path, "dimensions", d_i), unknown("dimension", dim_id, dimension_ids)
    listed = {dim_id for _, dim_id in dimensions}
    for i_i, ind_id in strings(item.get("indicators")):
        if ind_id not in dimension_of:
            yield (*path, "indicators", i_i), unknown("indicator", ind_id, list(dimension_of))
        elif dimension_of[ind_id] not in listed:
            yield (*path, "indicators", i_i), (
                f"indicator '{ind_id}' belongs to dimension '{dimension_of[ind_id]}', which is not in dimensions"
            )


def strings(value: object) -> list[tuple[int, str]]:
    """The text items of a list with their positions; anything else (a type error reported elsewhere) is none."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, str)]


def unknown(what: str, value: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; allowed: {', '.join(known)}"
    return f"unknown {what} '{value}'{hint}"


# -- loading ------------------------------------------------------------------------------------------------


def build_case(located: Located, pack: Pack) -> CaseProfile:
    """One profile from parsed YAML, or `ProblemsError` with every problem of the file."""
    if not isinstance(located.data, dict):
        raise ProblemsError([located.problem((), "a case profile must be a mapping with id, kind, seed and levels")])
    problems = [located.problem(path, message) for path, message in case_rule_violations(located.data, pack)]
    try:
        case = CaseProfile.model_validate(located.data)
    except ValidationError as exc:
        raise ProblemsError(validation_problems(located, exc, CaseProfile).problems + problems) from None
    if problems:
        raise ProblemsError(problems)
    return case


def load_case_files(
    paths: list[Path], pack: Pack, *, named_by_id: bool = False
) -> tuple[list[CaseProfile], list[Problem]]:
    """Profiles from files, plus every problem found, including a case id used twice.

    With `named_by_id`, a file must be called `<id>.yaml` (the bundled layout), so a profile can be found
    from its id and back.
    """
    cases: list[CaseProfile] = []
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    for path in paths:
        try:
            located = load_yaml(path)
            case = build_case(located, pack)
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        except AssessError as exc:
            problems.append(file_problem(path, exc))
            continue
        if case.id in first_file:
            problems.append(located.problem(("id",), f"duplicate case id '{case.id}' (also in {first_file[case.id]})"))
            continue
        if named_by_id and path.stem != case.id:
            problems.append(located.problem(("id",), f"case id '{case.id}' differs from the file name; name the file "
                                            f"{case.id}.yaml"))
        first_file[case.id] = str(path)
        cases.append(case)
    return cases, problems


def file_problem(path: Path, error: AssessError) -> Problem:
    """A one-line load error (`FILE[:LINE]: message`) as a Problem, keeping its line."""
    match = re.match(rf"{re.escape(str(path))}(?::(\d+))?: (.*)", str(error), re.DOTALL)
    if match is None:
        return Problem(str(path), None, "", str(error))
    return Problem(str(path), int(match[1]) if match[1] else None, "", match[2])


def bundled_case_files() -> list[Path]:
    return sorted((seeds_dir() / CASES_FOLDER).glob("*.yaml"))


@cache
def _bundled_cases() -> tuple[CaseProfile, ...]:
    pack = load_pack(CORE_PACK).pack
    coding_scale()
    cases, problems = load_case_files(bundled_case_files(), pack, named_by_id=True)
    if problems:
        raise ProblemsError(problems)
    return tuple(cases)


def load_cases() -> list[CaseProfile]:
    """The bundled case profiles, theses first, each checked against the core pack (cached)."""
    return sorted(_bundled_cases(), key=lambda c: (c.kind != "thesis", c.seed, c.id))


def bundled_case_problems() -> list[Problem]:
    """Every problem of the bundled profiles (and of the core pack and coding scale they rest on)."""
    try:
        load_cases()
    except ProblemsError as exc:
        return list(exc.problems)
    except AssessError as exc:
        return [Problem(str(seeds_dir() / CASES_FOLDER), None, "", str(exc))]
    return []


def validate_case_files(paths: list[Path]) -> list[Problem]:
    """Every problem of case profile files named by the user, checked against the core pack."""
    _, problems = load_case_files(paths, load_pack(CORE_PACK).pack)
    return problems


def looks_like_case(path: Path) -> bool:
    """Whether `indicators validate` should check a file as a case profile rather than as a pack."""
    try:
        data = load_yaml(path).data
    except AssessError:
        return False  # reported when the file is checked as a pack
    return isinstance(data, dict) and "levels" in data and "dimensions" not in data


def case_by_id(case_id: str) -> CaseProfile:
    cases = load_cases()
    found = next((c for c in cases if c.id == case_id), None)
    if found is None:
        raise AssessError(
            f"没有此案例；`assess cases list` 列出全部案例 / {unknown('case', case_id, [c.id for c in cases])}"
        )
    return found


def practice(case_id: str, practice_id: str) -> Practice:
    case = case_by_id(case_id)
    found = next((p for p in case.practices if p.id == practice_id), None)
    if found is None:
        raise AssessError(
            f"没有此做法 / case '{case_id}': {unknown('practice', practice_id, [p.id for p in case.practices])}"
        )
    return found


# -- reading profiles for people ------------------------------------------------------------------------------

WORDS = Vocabulary({
    "thesis": ("论文", "thesis"),
    "second_hand": ("二手，见{place}论文", "second-hand, via the {place} thesis"),
    "seed": ("来源摘要", "Source abstract"),
    "cited_only": ("二手：仅见于该论文的引述", "second-hand: known only from this thesis citing it"),
    "context": ("背景", "Context"),
    "theories": ("理论", "Theories"),
    "methods": ("研究方法", "Methods"),
    "practices": ("做法及成效", "Practices and results"),
    "problems": ("发现的问题", "Problems found"),
    "causes": ("原因", "Causes"),
    "countermeasures": ("提出的对策", "Countermeasures proposed"),
    "levels": ("各维度编码", "Coded level per dimension"),
    "evidence": ("摘要原文", "abstract"),
    "dimensions": ("维度", "dimensions"),
    "indicators": ("指标", "indicators"),
    "results": ("成效", "results"),
    "none": ("无", "none"),
})


word = WORDS.word


heading = WORDS.heading


def provenance(case: CaseProfile, lang: Lang) -> str:
    """'thesis', or for an exemplar the thesis it is known through."""
    if not case.second_hand:
        return word("thesis", lang)
    thesis = thesis_by_file(case.seed)
    return word("second_hand", lang).format(place=thesis.place.get(lang) if thesis else case.seed)


def level_summary(case: CaseProfile, scale: CodingScale, lang: Lang) -> str:
    counts = {level: sum(1 for c in case.levels.values() if c.level == level) for level in reversed(CODED_LEVELS)}
    return separator(lang).join(f"{scale.label(level, lang)} {n}" for level, n in counts.items() if n)


def separator(lang: Lang) -> str:
    return "、" if lang == "zh" else ", "


def titled(title: Text, element_id: str, lang: Lang) -> str:
    """A name people read, with the id that commands and files use in brackets."""
    return f"{title.get(lang)} ({element_id})"


def case_list_lines(cases: list[CaseProfile], lang: Lang) -> list[str]:
    scale = coding_scale()
    lines = []
    for case in cases:
        lines.append(f"{case.id}: {case.name.get(lang)}{bracketed(provenance(case, lang), lang)}")
        practices = separator(lang).join(titled(p.name, p.id, lang) for p in case.practices) or word("none", lang)
        lines.append(f"    {heading('levels', lang)}{level_summary(case, scale, lang)}")
        lines.append(f"    {heading('practices', lang)}{practices}")
    lines.append(bracketed(scale.caveat.get(lang), lang).strip())
    return lines


def case_lines(case: CaseProfile, pack: Pack, lang: Lang) -> list[str]:
    """One profile in full: identity, practices, findings, and every coded level with its evidence."""
    scale = coding_scale()
    titles = {d.id: d.title for d in pack.dimensions} | {i.id: i.title for _, i in pack.indicators()}
    thesis = thesis_by_file(case.seed)
    source = f"{case.seed} — {thesis.place.get(lang)}" if thesis is not None else case.seed
    if case.second_hand:
        source += bracketed(word("cited_only", lang), lang)
    lines = [f"{case.id}: {case.name.get(lang)}", f"  {heading('seed', lang)}{source}"]
    lines.append(f"  {heading('context', lang)}{case.context.get(lang)}")
    for key in ("theories", "methods"):
        text = getattr(case, key)
        if text is not None:
            lines.append(f"  {heading(key, lang)}{text.get(lang)}")
    label = f"  {heading('practices', lang)}"
    lines.append(label.rstrip() if case.practices else label + word("none", lang))
    for item in case.practices:
        lines.append(f"    - {titled(item.name, item.id, lang)} — {item.description.get(lang)}")
        if item.results is not None:
            lines.append(f"      {heading('results', lang)}{item.results.get(lang)}")
        lines += link_lines(item, titles, lang)
    for section in ("problems", "causes", "countermeasures"):
        findings: list[Finding] = getattr(case, section)
        if findings:
            lines.append(f"  {heading(section, lang)}".rstrip())
        for finding in findings:
            lines.append(f"    - {finding.text.get(lang)}")
            lines += link_lines(finding, titles, lang)
    lines.append(f"  {word('levels', lang)}{bracketed(scale.caveat.get(lang), lang)}" + ("：" if lang == "zh" else ":"))
    for dim in pack.dimensions:
        coding = case.levels.get(dim.id)
        if coding is None:
            continue
        estimate = scale.estimate(coding.level)
        value = f" = {estimate:g}" if estimate is not None else ""
        lines.append(f"    - {titled(dim.title, dim.id, lang)}: {scale.label(coding.level, lang)}{value}")
        lines += [f"      “{phrase}”" for phrase in coding.evidence]
        if coding.note is not None:
            lines.append(f"      {coding.note.get(lang)}")
    return lines


def link_lines(item: Linked, titles: dict[str, Text], lang: Lang) -> list[str]:
    """The dimensions and indicators a claim is linked to, by title in the output language, ids in brackets."""

    def named(ids: list[str]) -> str:
        return separator(lang).join(titled(titles[i], i, lang) if i in titles else i for i in ids)

    links = f"{heading('dimensions', lang)}{named(item.dimensions)}"
    if item.indicators:
        links += ("；" if lang == "zh" else "; ") + f"{heading('indicators', lang)}{named(item.indicators)}"
    return [f"      {links}", f"      {heading('evidence', lang)}“{item.evidence}”"]


def case_export(case: CaseProfile) -> dict:
    """A profile as JSON-ready data, each coded level with its estimate and the caveat that it is not measured."""
    scale = coding_scale()
    data = case.model_dump(mode="json")
    for dim_id, coding in data["levels"].items():
        coding["estimate"] = scale.estimate(case.levels[dim_id].level)
    data["caveat"] = scale.caveat.model_dump()
    return data
