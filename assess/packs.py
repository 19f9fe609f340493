"""Finding, loading and checking indicator packs.

A pack is named either by a bundled id (`core`, the file stem under `indicators/`) or by a path. Loading
collects every problem of the file -- format errors from the pydantic models and the rules that span the
whole pack (unique ids, weights, cited theses) -- and reports them together with their YAML lines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from assess.ahp import pack_ahp_violations
from assess.errors import AssessError, Problem, ProblemsError
from assess.pack import Pack
from assess.resources import indicators_dir
from assess.seeds import thesis_files
from assess.yamlio import Located, PathKey, validation_problems

DEFAULT_PACK = "core"


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack  # resolved: a pack that `extends` another arrives with its parent's content applied
    file: str
    hash: str
    parents: tuple[str, ...] = ()  # the `extends` chain as "id@version", nearest parent first


def bundled_packs() -> dict[str, Path]:
    """Bundled pack ids and their files: `indicators/*.yaml` and `indicators/examples/*.yaml`."""
    base = indicators_dir()
    found = {p.stem: p for p in sorted(base.glob("examples/*.yaml")) if is_pack_file(p)}
    found.update({p.stem: p for p in sorted(base.glob("*.yaml")) if is_pack_file(p)})
    return found


def is_pack_file(path: Path) -> bool:
    return path.stem != "countermeasures" and not path.stem.startswith("ahp-")  # ahp-*: `assess ahp` judgment files


def pack_path(ref: str | Path | None, relative_to: Path | None = None) -> Path:
    """The file behind a pack reference: a bundled id, or a path (relative to `relative_to` if given)."""
    ref = DEFAULT_PACK if ref is None else ref
    text = str(ref)
    bundled = bundled_packs()
    if text in bundled and not Path(text).suffix:
        return bundled[text]
    path = Path(text)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.exists():
        return path
    known = ", ".join(sorted(bundled))
    raise AssessError(f"{text}: no such pack file, and not a bundled pack id (bundled: {known}) / 找不到指标包")


def load_pack(ref: str | Path | None = None) -> LoadedPack:
    from assess.inherit import resolve_file  # inherit builds on this module's checks

    path = pack_path(ref)
    resolved = resolve_file(path)
    return LoadedPack(pack=resolved.pack, file=str(path), hash=pack_hash(resolved.pack), parents=resolved.parents)


def build_pack(located: Located) -> Pack:
    if not isinstance(located.data, dict):
        raise ProblemsError([located.problem((), "a pack must be a mapping with id, version, title and dimensions")])
    try:
        pack = Pack.model_validate(located.data)
    except ValidationError as exc:
        raise validation_problems(located, exc, Pack) from None
    problems = [located.problem(path, message) for path, message in pack_rule_violations(pack)]
    if problems:
        raise ProblemsError(problems)
    return pack


def pack_rule_violations(pack: Pack) -> Iterator[tuple[PathKey, str]]:
    """Rules that span the pack and so cannot live on a single model."""
    seen: dict[str, str] = {}
    known_seeds = set(thesis_files())

    def claim(element_id: str, path: PathKey) -> Iterator[tuple[PathKey, str]]:
        if element_id in seen:
            where = seen[element_id]
            yield (*path, "id"), f"duplicate id '{element_id}' (already used at {where}); ids must be unique in a pack"
        else:
            seen[element_id] = ".".join(map(str, path))

    yield from zero_weights(pack.dimensions, ("dimensions",))
    for d_i, dim in enumerate(pack.dimensions):
        d_path: PathKey = ("dimensions", d_i)
        yield from claim(dim.id, d_path)
        yield from zero_weights(dim.indicators, (*d_path, "indicators"))
        for i_i, ind in enumerate(dim.indicators):
            i_path: PathKey = (*d_path, "indicators", i_i)
            yield from claim(ind.id, i_path)
            yield from zero_weights(ind.questions, (*i_path, "questions"))
            for s_i, source in enumerate(ind.sources):
                if source.seed not in known_seeds:
                    yield (*i_path, "sources", s_i, "seed"), (
                        f"unknown thesis '{source.seed}'; cite one of: {', '.join(sorted(known_seeds))}"
                    )
            for q_i, question in enumerate(ind.questions):
                yield from claim(question.id, (*i_path, "questions", q_i))
    yield from pack_ahp_violations(pack)


def zero_weights(siblings: list, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if siblings and all(s.weight == 0 for s in siblings):
        yield path, "all weights here are 0; at least one must be above 0"


def pack_hash(pack: Pack) -> str:
    """A content hash of the resolved pack, so a score can name exactly what it was computed against."""
    canonical = json.dumps(pack.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def validate_files(paths: list[Path]) -> list[Problem]:
    """Every problem of every file (a pack that `extends` another is checked with its chain resolved).

    A parent's problem is listed once even when the parent and its children are all given.
    """
    from assess.inherit import resolve_file

    problems: list[Problem] = []
    for path in paths:
        try:
            resolve_file(Path(path))
        except ProblemsError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
        except AssessError as exc:
            problems.append(Problem(str(path), None, "", str(exc).removeprefix(f"{path}: ")))
    return problems
