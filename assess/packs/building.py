"""Finding a pack file and building one pack from its YAML, with every problem at its line.

A pack is named either by a bundled id (`core`, the file stem under `indicators/`) or by a path. Building
collects every problem of the file -- format errors from the pydantic models and the rules that span the
whole pack (unique ids, weights, cited theses, well-formed AHP judgments) -- and reports them together with
their YAML lines. `extends` inheritance (`inherit`) builds on this module; `loading` puts both together.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assess.errors import AssessError, ProblemsError
from assess.packs.judgments import judgment_set_violations
from assess.packs.model import Pack
from assess.packs.theses import thesis_files
from assess.packs.yamlio import Located, PathKey, validation_problems
from assess.resources import indicators_dir

if TYPE_CHECKING:
    from pathlib import Path

    from assess.packs.model import Pack


DEFAULT_PACK = "core"


def bundled_packs() -> dict[str, Path]:
    """Bundled pack ids and their files: `indicators/*.yaml` and `indicators/examples/*.yaml`."""
    base = indicators_dir()
    found = {p.stem: p for p in sorted(base.glob("examples/*.yaml")) if is_pack_file(p)}
    found.update({p.stem: p for p in sorted(base.glob("*.yaml")) if is_pack_file(p)})
    return found


def is_pack_file(path: Path) -> bool:
    """Not a countermeasure library (`*countermeasures.yaml`) nor an `assess ahp` judgment file (`ahp-*`)."""
    return not path.stem.endswith("countermeasures") and not path.stem.startswith("ahp-")


PACK_SUFFIXES = (".yaml", ".yml")


class NotAYamlFile(AssessError):
    """A pack reference naming a file that is not .yaml/.yml: it is not opened at all."""


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
    if path.suffix.lower() not in PACK_SUFFIXES and path_exists(path) and path.is_file():
        raise NotAYamlFile(
            f"{text}: 指标包文件须以 .yaml 或 .yml 结尾，此文件不予读取 / a pack file must end in .yaml or .yml; "
            "this file is not read"
        )
    if path_exists(path):
        return path
    known = ", ".join(sorted(bundled))
    raise AssessError(
        f"{text}: 找不到指标包：既不是文件，也不是内置指标包编号（内置：{known}） / "
        f"no such pack file, and not a bundled pack id (bundled: {known})"
    )


def path_exists(path: Path) -> bool:
    """`Path.exists`, but a name the system cannot even look up (far too long) simply does not exist."""
    try:
        return path.exists()
    except OSError:
        return False


def build_pack(located: Located) -> Pack:
    if isinstance(located.data, dict) and not {"dimensions", "extends"} & set(located.data):
        message = ("这不是指标包文件（没有 dimensions 或 extends） / this is not a pack file: it has neither "
                   "`dimensions:` nor `extends:`")
        raise ProblemsError([located.problem((), message)])
    if not isinstance(located.data, dict):
        message = "指标包应包含 id、version、title 和 dimensions / a pack needs id, version, title and dimensions"
        raise ProblemsError([located.problem((), message)])
    try:
        pack = Pack.model_validate(located.data)
    except ValidationError as exc:
        schema = validation_problems(located, exc, Pack).problems
        rules = [located.problem(path, message) for path, message in pack_rule_violations(located.data)]
        raise ProblemsError(schema + rules) from None
    problems = [located.problem(path, message) for path, message in pack_rule_violations(located.data, pack)]
    if problems:
        raise ProblemsError(problems)
    return pack


def pack_rule_violations(data: dict, pack: Pack | None = None) -> Iterator[tuple[PathKey, str]]:
    """Rules that span the pack and so cannot live on a single model.

    They read the raw data, skipping values of the wrong type, so that they also run when the models refused
    the file: one run then lists type errors and, say, duplicate ids together. Rules that need the validated
    pack (the AHP judgments) run only when `pack` is given.
    """
    seen: dict[str, str] = {}
    known_seeds = set(thesis_files())

    def claim(element: dict, path: PathKey) -> Iterator[tuple[PathKey, str]]:
        element_id = element.get("id")
        if not isinstance(element_id, str):
            return
        if element_id in seen:
            where = seen[element_id]
            yield (*path, "id"), (
                f"编号 '{element_id}' 重复（已用于 {where}），同一指标包内编号必须唯一 / "
                f"duplicate id '{element_id}' (already used at {where}); ids must be unique in a pack"
            )
        else:
            seen[element_id] = ".".join(map(str, path))

    dimensions = mappings(data.get("dimensions"))
    yield from zero_weights(dimensions, ("dimensions",))
    for d_i, dim in dimensions:
        d_path: PathKey = ("dimensions", d_i)
        yield from claim(dim, d_path)
        indicators = mappings(dim.get("indicators"))
        yield from zero_weights(indicators, (*d_path, "indicators"))
        for i_i, ind in indicators:
            i_path: PathKey = (*d_path, "indicators", i_i)
            yield from claim(ind, i_path)
            questions = mappings(ind.get("questions"))
            yield from zero_weights(questions, (*i_path, "questions"))
            for s_i, source in mappings(ind.get("sources")):
                seed = source.get("seed")
                if isinstance(seed, str) and seed not in known_seeds:
                    yield (*i_path, "sources", s_i, "seed"), (
                        f"未知的论文 / unknown thesis '{seed}'; 可引用 / cite one of: {', '.join(sorted(known_seeds))}"
                    )
            for q_i, question in questions:
                yield from claim(question, (*i_path, "questions", q_i))
    if pack is not None:
        yield from pack_ahp_violations(pack)


def mappings(value: object) -> list[tuple[int, dict]]:
    """The mapping items of a list with their positions; anything else (a type error reported elsewhere) is none."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def zero_weights(siblings: list[tuple[int, dict]], path: PathKey) -> Iterator[tuple[PathKey, str]]:
    weights = [element.get("weight", 1) for _, element in siblings]
    numeric = [w for w in weights if isinstance(w, int | float) and not isinstance(w, bool)]
    if siblings and len(numeric) == len(weights) and all(w == 0 for w in numeric):
        yield path, "同级权重不能全为 0 / all weights here are 0; at least one must be above 0"


def pack_hash(pack: Pack) -> str:
    """A content hash of the resolved pack, so a score can name exactly what it was computed against."""
    canonical = json.dumps(pack.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def pack_ahp_violations(pack: Pack) -> Iterator[tuple[PathKey, str]]:
    """The pack-level AHP rules: judgments name only that level's ids, and every pair is judged."""
    if pack.ahp is None:
        return
    if pack.ahp.dimensions is not None:
        yield from judgment_set_violations(pack.ahp.dimensions, [d.id for d in pack.dimensions], ("ahp", "dimensions"))
    dimensions = {d.id: d for d in pack.dimensions}
    for dim_id, jset in pack.ahp.indicators.items():
        path: PathKey = ("ahp", "indicators", dim_id)
        if dim_id not in dimensions:
            close = difflib.get_close_matches(dim_id, list(dimensions), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; dimensions are: {', '.join(dimensions)}"
            yield path, f"'{dim_id}' is not a dimension of this pack{hint} / 指标包中没有此维度"
            continue
        yield from judgment_set_violations(jset, [i.id for i in dimensions[dim_id].indicators], path)
