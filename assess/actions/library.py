"""The countermeasure library: concrete actions a community can take, each tied to the indicators it
improves and to the thesis or case practice it comes from.

The bundled library is `indicators/countermeasures.yaml`. A district can add to it or replace it with its
own files (`load_library([...])`, the `countermeasures:` list of a district pack, `assess recommend --library
FILE`): an extra file's entry with an existing id overrides that entry, and `replace: true` drops everything
loaded before the file.

The bundled library is written for the core pack and checked against it. Used with another pack, each of its
actions keeps only the indicators that pack has, and an action left with none is dropped (the plan says how
many): a district that removes an inherited indicator must not have to edit a file it does not own. A
district's own library file is checked strictly against the pack in use, so a district action can never
point at an indicator that is not being scored.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from assess.cases.profiles import load_cases, strings
from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.building import DEFAULT_PACK, mappings
from assess.packs.loading import load_pack
from assess.packs.model import Id, Pack, Strict, Text
from assess.packs.theses import thesis_files
from assess.packs.yamlio import Located, PathKey, load_yaml, validation_problems
from assess.resources import indicators_dir

LIBRARY_FILE = "countermeasures.yaml"

Actor = Literal[
    "street-party-committee",
    "community-party-branch",
    "residents-committee",
    "property-company",
    "social-organizations",
    "in-service-party-members",
    "residents",
]
Horizon = Literal["short", "medium", "long"]
Effort = Literal["low", "medium", "high"]

ACTOR_NAMES: dict[str, Text] = {
    "street-party-committee": Text(zh="街道党工委", en="Sub-district Party working committee"),
    "community-party-branch": Text(zh="社区党组织", en="Community Party organization"),
    "residents-committee": Text(zh="社区居委会", en="Residents' committee"),
    "property-company": Text(zh="物业服务企业", en="Property management company"),
    "social-organizations": Text(zh="社会组织", en="Social organizations"),
    "in-service-party-members": Text(zh="在职党员", en="In-service Party members"),
    "residents": Text(zh="居民群众", en="Residents"),
}
HORIZON_NAMES: dict[str, Text] = {
    "short": Text(zh="近期（6个月内）", en="Short term (within 6 months)"),
    "medium": Text(zh="中期（2年内）", en="Medium term (within 2 years)"),
    "long": Text(zh="长期（2年以上）", en="Long term (over 2 years)"),
}
EFFORT_NAMES: dict[str, Text] = {
    "low": Text(zh="投入小", en="low effort"),
    "medium": Text(zh="投入中等", en="medium effort"),
    "high": Text(zh="投入大", en="high effort"),
}

class CountermeasureSource(Strict):
    """Either a phrase of a thesis abstract (`seed` + `evidence`) or an exemplar's practice (`case` + `practice`)."""

    seed: str | None = None
    evidence: Annotated[str, Field(min_length=3)] | None = None
    case: Id | None = None
    practice: Id | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> CountermeasureSource:
        if (self.seed is None) == (self.case is None):
            raise ValueError("give either seed + evidence (a thesis) or case + practice (an exemplar), not both")
        if self.seed is not None and (self.evidence is None or self.practice is not None):
            raise ValueError("a thesis source needs `evidence` (a phrase of its abstract) and no `practice`")
        if self.case is not None and (self.practice is None or self.evidence is not None):
            raise ValueError("a case source needs `practice` (the practice id in the case profile) and no `evidence`")
        return self


class Countermeasure(Strict):
    id: Id
    title: Text
    description: Text
    indicators: Annotated[list[Id], Field(min_length=1)]
    dimensions: list[Id] = Field(default_factory=list)  # optional; when given it must match the indicators
    actors: Annotated[list[Actor], Field(min_length=1)]
    horizon: Horizon
    effort: Effort
    sources: Annotated[list[CountermeasureSource], Field(min_length=1)]
    contexts: list[Id] = Field(default_factory=list)  # community kinds it fits (the pack's ids); empty: any


class LibraryFile(Strict):
    """One library file as written: its countermeasures, and whether it replaces what was loaded before it."""

    replace: bool = False
    countermeasures: Annotated[list[Countermeasure], Field(min_length=1)]


class PracticeNote(Strict):
    """What a cited exemplar practice reported, so a recommendation can say which case used it with what result."""

    case: str
    practice: str
    case_title: Text | None = None
    practice_title: Text | None = None
    results: Text | None = None


class Library(Strict):
    """The countermeasures in force after merging the bundled library with a district's files."""

    countermeasures: list[Countermeasure]
    files: list[str]
    practices: dict[str, PracticeNote] = Field(default_factory=dict)  # key: "case/practice"
    dropped: list[str] = Field(default_factory=list)  # bundled actions none of whose indicators the pack has

    def by_id(self) -> dict[str, Countermeasure]:
        return {c.id: c for c in self.countermeasures}


def practice_key(case: str, practice: str) -> str:
    return f"{case}/{practice}"


def bundled_library_path() -> Path:
    return indicators_dir() / LIBRARY_FILE


def is_library_data(data: object) -> bool:
    """A library file is a mapping with `countermeasures`; a pack has `dimensions` or `extends` (and a district
    pack may have `countermeasures` too: the library files it names)."""
    return isinstance(data, dict) and "countermeasures" in data and not {"dimensions", "extends"} & data.keys()


def load_library(paths: list[Path] | None, pack: Pack) -> Library:
    """The bundled library plus `paths` in order; all problems of all files together.

    The bundled file is checked against the core pack and then fitted to `pack`; every other file is
    checked against `pack` itself.
    """
    bundled = bundled_library_path()
    located = [load_yaml(bundled)] + [load_yaml(p) for p in paths or []]
    start = max((i for i, loc in enumerate(located) if replaces(loc)), default=0)
    in_force = located[start:]
    catalogue = exemplars()
    files: list[LibraryFile] = []
    problems: list[Problem] = []
    dropped: list[str] = []
    for loc in in_force:
        try:
            if loc.file == str(bundled):
                library_file, dropped = bundled_fitted(loc, pack, catalogue)
            else:
                library_file = build_library_file(loc, pack, catalogue)
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        files.append(library_file)
    if problems:
        raise ProblemsError(problems)
    merged: dict[str, Countermeasure] = {}
    for library_file in files:
        merged.update({c.id: c for c in library_file.countermeasures})
    cited = {practice_key(s.case, s.practice) for c in merged.values() for s in c.sources if s.case and s.practice}
    return Library(
        countermeasures=list(merged.values()),
        files=[loc.file for loc in in_force],
        practices={key: catalogue.practices[key] for key in sorted(cited)},
        dropped=[d for d in dropped if d not in merged],
    )


def bundled_fitted(located: Located, pack: Pack, catalogue: Exemplars) -> tuple[LibraryFile, list[str]]:
    """The bundled file fitted to `pack`, and the ids of the actions dropped.

    A pack that has every indicator the file names (the core pack, a district pack that only reweights) takes
    it as it is; otherwise the file is checked against the core pack it is written for and then fitted, so
    the core pack is loaded only when it is needed.
    """
    try:
        return build_library_file(located, pack, catalogue), []
    except ProblemsError:
        return fitted(build_library_file(located, load_pack(DEFAULT_PACK).pack, catalogue), pack)


def fitted(library_file: LibraryFile, pack: Pack) -> tuple[LibraryFile, list[str]]:
    """The file's actions reduced to the indicators `pack` has, and the ids of those left with none.

    Listed dimensions are re-derived from the kept indicators, so they still match them in `pack`.
    """
    dimension_of = {ind.id: dim.id for dim, ind in pack.indicators()}
    kept: list[Countermeasure] = []
    dropped: list[str] = []
    for measure in library_file.countermeasures:
        indicators = [i for i in measure.indicators if i in dimension_of]
        if not indicators:
            dropped.append(measure.id)
            continue
        dimensions = list(dict.fromkeys(dimension_of[i] for i in indicators)) if measure.dimensions else []
        kept.append(measure.model_copy(update={"indicators": indicators, "dimensions": dimensions}))
    return library_file.model_copy(update={"countermeasures": kept}), dropped


def replaces(located: Located) -> bool:
    return isinstance(located.data, dict) and located.data.get("replace") is True


def build_library_file(located: Located, pack: Pack, catalogue: Exemplars) -> LibraryFile:
    if not is_library_data(located.data):
        message = "对策库须包含 countermeasures: / a countermeasure library must be a mapping with `countermeasures:`"
        raise ProblemsError([located.problem((), message)])
    violations = library_rule_violations(located.data, pack, catalogue)
    problems = [located.problem(path, message) for path, message in violations]
    try:
        library_file = LibraryFile.model_validate(located.data)
    except ValidationError as exc:
        raise ProblemsError(validation_problems(located, exc, LibraryFile).problems + problems) from None
    if problems:
        raise ProblemsError(problems)
    return library_file


def library_rule_violations(data: dict, pack: Pack, catalogue: Exemplars) -> Iterator[tuple[PathKey, str]]:
    """Rules that need the pack, the thesis register or the case profiles, so no single model can check them.

    They read the raw YAML data and skip values of the wrong type, so that they also run when the models
    refused the file: one run lists type errors and unknown ids together.
    """
    dimension_of = {ind.id: dim.id for dim, ind in pack.indicators()}
    known_seeds = thesis_files()
    first_at: dict[str, int] = {}
    for n, measure in mappings(data.get("countermeasures")):
        path: PathKey = ("countermeasures", n)
        measure_id = measure.get("id")
        if isinstance(measure_id, str):
            if measure_id in first_at:
                yield (*path, "id"), (
                    f"duplicate id '{measure_id}' (already countermeasures.{first_at[measure_id]}); "
                    "ids must be unique in a file (to override a bundled action, reuse its id in your own file)"
                )
            first_at.setdefault(measure_id, n)
        for k, indicator in strings(measure.get("indicators")):
            if indicator not in dimension_of:
                yield (*path, "indicators", k), unknown_indicator_message(indicator, pack, list(dimension_of))
        yield from dimension_mismatch(measure, dimension_of, path)
        kinds = [k.id for k in pack.community_kinds]
        for k, context in strings(measure.get("contexts")):
            if context not in kinds:
                yield (*path, "contexts", k), (f"'{context}' is not a kind of community of the pack (kinds: "
                                               f"{', '.join(kinds)}) / 不是指标包中的社区类型")
        for k, source in mappings(measure.get("sources")):
            yield from source_violations(source, (*path, "sources", k), known_seeds, catalogue)


def unknown_indicator_message(indicator: str, pack: Pack, known: list[str]) -> str:
    close = difflib.get_close_matches(indicator, known, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "`assess indicators list` shows the indicator ids"
    return f"指标包中没有此指标 / unknown indicator '{indicator}' in pack '{pack.id}'; {hint}"


def dimension_mismatch(measure: dict, dimension_of: dict[str, str], path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Listed dimensions that are not those of the listed indicators (checked only when every id is known)."""
    indicators, dimensions = measure.get("indicators"), measure.get("dimensions")
    if not isinstance(indicators, list) or not isinstance(dimensions, list) or not dimensions:
        return
    if not all(isinstance(i, str) and i in dimension_of for i in indicators):
        return
    derived = {dimension_of[i] for i in indicators}
    if set(dimensions) != derived:
        yield (*path, "dimensions"), (
            f"must be the dimensions of the listed indicators: [{', '.join(sorted(derived))}] "
            f"(got [{', '.join(map(str, dimensions))}]); or leave `dimensions` out / 维度与所列指标不一致"
        )


def source_violations(
    source: dict, path: PathKey, known_seeds: list[str], catalogue: Exemplars
) -> Iterator[tuple[PathKey, str]]:
    seed, case, practice = source.get("seed"), source.get("case"), source.get("practice")
    if isinstance(seed, str) and seed not in known_seeds:
        yield (*path, "seed"), f"unknown thesis '{seed}'; cite one of: {', '.join(known_seeds)}"
    if not isinstance(case, str):
        return
    if case not in catalogue.cases:
        yield (*path, "case"), f"unknown case '{case}'; {suggest(case, catalogue.cases)}"
    elif isinstance(practice, str) and practice_key(case, practice) not in catalogue.practices:
        practices = sorted(n.practice for n in catalogue.practices.values() if n.case == case)
        yield (*path, "practice"), f"case '{case}' has no practice '{practice}'; {suggest(practice, practices)}"


def suggest(wrong: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(wrong, allowed, n=1, cutoff=0.6)
    listing = f"allowed: {', '.join(allowed)}" if allowed else "none are defined"
    return f"did you mean '{close[0]}'? ({listing})" if close else listing


@dataclass(frozen=True)
class Exemplars:
    """The case ids and their citable practices (keyed "case/practice")."""

    cases: list[str]
    practices: dict[str, PracticeNote]


def exemplars() -> Exemplars:
    """The bundled case profiles, reduced to what a countermeasure cites and a recommendation quotes."""
    cases = load_cases()
    practices = {
        practice_key(case.id, p.id): PracticeNote(
            case=case.id, practice=p.id, case_title=case.name, practice_title=p.name, results=p.results
        )
        for case in cases
        for p in case.practices
    }
    return Exemplars(cases=[c.id for c in cases], practices=practices)


def validate_library_files(paths: list[Path], pack: Pack | None = None) -> list[Problem]:
    """Every problem of every library file on its own, checked against `pack` (default: the core pack)."""
    pack = pack or load_pack(DEFAULT_PACK).pack
    problems: list[Problem] = []
    for path in paths:
        try:
            build_library_file(load_yaml(path), pack, exemplars())
        except ProblemsError as exc:
            problems.extend(exc.problems)
        except AssessError as exc:
            problems.append(Problem(str(path), None, "", str(exc).removeprefix(f"{path}: ")))
    return problems


def pack_library_problems(pack_paths: list[Path]) -> list[Problem]:
    """Every problem of the libraries that packs name (`countermeasures:`), each checked against its pack.

    A pack that does not load is skipped: its own problems are reported when the pack is checked.
    """
    problems: list[Problem] = []
    for path in pack_paths:
        try:
            loaded = load_pack(path)
        except AssessError:
            continue
        problems += [p for p in validate_library_files(list(loaded.libraries), loaded.pack) if p not in problems]
    return problems


def bundled_library_problems() -> list[Problem]:
    """Every problem of the bundled library (and of the case profiles it cites), checked against the core pack."""
    return validate_library_files([bundled_library_path()])


def looks_like_library(path: Path) -> bool:
    """Whether `path` holds a countermeasure library (unreadable files are left to the pack validator)."""
    try:
        return is_library_data(load_yaml(path).data)
    except AssessError:
        return False
