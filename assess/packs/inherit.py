"""Pack inheritance: a district pack that `extends` another and writes down only how it differs.

A child pack names its parent (`extends: core` -- a bundled id, or a path relative to the child's folder)
and may then override fields of inherited elements by id, remove elements by id, add dimensions,
indicators and questions, and replace the grade bands, the default target and the AHP judgments. The
parent is resolved first (chains are allowed, cycles refused), the child's edits are applied to its plain
data, and the result is validated with the ordinary pack models and rules: a district pack obeys exactly
the rules of the core. Every part of the resolved data remembers the file and YAML path it came from, so a
problem is reported where the user has to fix it -- a bad override in the child, a bad question in the
parent.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.building import NotAYamlFile, build_pack, pack_path, pack_rule_violations
from assess.packs.judgments import AhpSpec
from assess.packs.model import ID_PATTERN, Dimension, GradeBand, Id, Indicator, Pack, Question, Strict, Text
from assess.packs.yamlio import Located, PathKey, data_path, fields_at, friendly_message, load_yaml, validation_problems

# Top-level fields a child sets outright; `ahp` too, where `ahp: null` drops the inherited judgments.
REPLACED_FIELDS = ("id", "version", "title", "description", "grade_bands", "default_target", "ahp", "fuzzy_values",
                   "community_kinds")
CHILD_LISTS = {"dimension": "indicators", "indicator": "questions"}
MAX_CHAIN = 20  # packs extending one another; a district pack needs one or two
KIND_ZH = {"dimension": "维度", "indicator": "指标", "question": "题目", "indicators": "指标", "questions": "题目"}


class Additions(Strict):
    """New elements: whole dimensions, indicators under a dimension id, questions under an indicator id."""

    dimensions: list[Dimension] = Field(default_factory=list)
    indicators: dict[Id, list[Indicator]] = Field(default_factory=dict)
    questions: dict[Id, list[Question]] = Field(default_factory=dict)


class ChildPack(Strict):
    """The format of a pack that extends another (see docs/reference.md, "Adapting the framework for your district")."""

    id: Id
    version: Annotated[str, Field(min_length=1)]
    extends: Annotated[str, Field(min_length=1)]
    title: Text
    description: Text | None = None
    grade_bands: Annotated[list[GradeBand], Field(min_length=1)] | None = None
    default_target: Annotated[float, Field(ge=0, le=100)] | None = None
    fuzzy_values: list[float] | None = None  # checked as the resolved pack's
    community_kinds: list[dict[str, Any]] | None = None  # likewise
    override: dict[Id, dict[str, Any]] = Field(default_factory=dict)
    remove: list[Id] = Field(default_factory=list)
    add: Additions = Field(default_factory=Additions)
    ahp: AhpSpec | None = None
    countermeasures: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)  # library files

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value


# -- where each part of the resolved data came from -----------------------------------------------------


@dataclass(frozen=True)
class Origin:
    located: Located
    path: PathKey

    def at(self, *parts: str | int) -> Origin:
        return Origin(self.located, (*self.path, *parts))

    def problem(self, message: str) -> Problem:
        return self.located.problem(self.path, message)


class Origins:
    """Origins of the resolved data, keyed by object identity so that they survive list edits.

    A whole element taken from a file is marked as a node; a field a child overrides is marked on its
    container. Everything else is found by walking down from the nearest marked ancestor. Each entry keeps
    its object alive, so a removed element's id can never be reused for a stale lookup.
    """

    def __init__(self, root: Located):
        self.root = Origin(root, ())
        self.nodes: dict[int, tuple[object, Origin]] = {}
        self.fields: dict[tuple[int, str | int], tuple[object, Origin]] = {}
        self.edits: dict[int, tuple[object, Origin]] = {}  # inherited mappings a child changed, and where

    def mark_node(self, node: object, origin: Origin) -> None:
        self.nodes[id(node)] = (node, origin)

    def mark_field(self, container: dict, key: str | int, origin: Origin) -> None:
        self.fields[(id(container), key)] = (container, origin)

    def mark_edit(self, node: dict, origin: Origin) -> None:
        self.edits[id(node)] = (node, origin)

    def locate(self, data: Any, path: PathKey) -> Origin:
        """Where the value at `path` came from; a rule broken by a whole edited mapping points at the edit."""
        origin, node = self.root, data
        for part in path:
            marked = self.fields.get((id(node), part))
            origin = marked[1] if marked and marked[0] is node else origin.at(part)
            node = child_of(node, part)
            known = self.nodes.get(id(node)) if isinstance(node, dict | list) else None
            if known and known[0] is node:
                origin = known[1]
        edited = self.edits.get(id(node)) if isinstance(node, dict) else None
        return edited[1] if edited and edited[0] is node else origin


def child_of(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


# -- resolving a file ---------------------------------------------------------------------------------


@dataclass
class Resolution:
    """A resolved pack, its plain data with origins, and its ancestors as "id@version", nearest first.

    `libraries` are the countermeasure files the chain names, the root's first, so a child's entries can
    override its parent's.
    """

    data: dict
    origins: Origins
    pack: Pack
    parents: tuple[str, ...] = ()
    libraries: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()  # every pack file read, the child's first


def is_child_pack(data: object) -> bool:
    return isinstance(data, dict) and "extends" in data


def resolve_file(path: Path, chain: tuple[Path, ...] = ()) -> Resolution:
    """The pack in `path` with its `extends` chain applied; `ProblemsError` names the file of each problem.
    A pack file is at most MAX_PACK_BYTES: 25 times the core pack, far more than a framework needs."""
    from assess.packs.yamlio import MAX_PACK_BYTES

    located = load_yaml(path, MAX_PACK_BYTES)
    if not is_child_pack(located.data):
        pack = build_pack(located)
        return Resolution(located.data, Origins(located), pack, files=(path,))
    child = parse_child(located)
    parent_file = parent_path(located, child.extends, path, chain)
    parent = resolve_file(parent_file, (*chain, path))
    problems = apply_child(located, parent, child.extends)
    libraries, missing = library_paths(located, child.countermeasures, path)
    problems += missing
    try:
        pack = validated(parent.data, parent.origins, located)
    except ProblemsError as exc:
        raise ProblemsError(first_per_place(problems + exc.problems)) from None
    if problems:
        raise ProblemsError(problems)
    ancestry = (f"{parent.pack.id}@{parent.pack.version}", *parent.parents)
    return Resolution(parent.data, parent.origins, pack, ancestry, (*parent.libraries, *libraries),
                      (path, *parent.files))


def library_paths(located: Located, names: list[str], path: Path) -> tuple[list[Path], list[Problem]]:
    """The countermeasure files a child names, relative to its own folder, and a problem for each missing one."""
    found: list[Path] = []
    problems: list[Problem] = []
    for n, name in enumerate(names):
        library = path.parent / name
        if library.suffix.lower() not in (".yaml", ".yml"):
            problems.append(located.problem(("countermeasures", n), f"{name}: 对策库文件须以 .yaml 或 .yml 结尾 / "
                                                                   "a countermeasure file must end in .yaml or .yml"))
        elif library.is_file():
            found.append(library)
        else:
            problems.append(located.problem(("countermeasures", n), (
                f"no such countermeasure library: {library} (paths are relative to this pack's folder) "
                "/ 找不到对策库文件"
            )))
    return found, problems


def first_per_place(problems: list[Problem]) -> list[Problem]:
    """One problem per file, line and field: our explanation of a broken rule beats the models' generic one."""
    seen: dict[tuple[str, int | None, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.file, problem.line, problem.field), problem)
    return list(seen.values())


def parse_child(located: Located) -> ChildPack:
    try:
        return ChildPack.model_validate(located.data)
    except ValidationError as exc:
        raise validation_problems(located, exc, ChildPack) from None


def parent_path(located: Located, ref: str, path: Path, chain: tuple[Path, ...]) -> Path:
    """The parent's file; a missing parent or a cycle is reported at this file's `extends` line."""
    try:
        found = pack_path(ref, relative_to=path.parent)
    except NotAYamlFile as exc:
        raise ProblemsError([located.problem(("extends",), str(exc))]) from None
    except AssessError:
        raise ProblemsError([located.problem(("extends",), missing_parent(ref, path.parent))]) from None
    visited = [*chain, path]
    if len(visited) >= MAX_CHAIN:
        message = (f"继承层级超过 {MAX_CHAIN} 层，不再继续读取 / more than {MAX_CHAIN} packs extend one another; a "
                   "district pack needs one or two")
        raise ProblemsError([located.problem(("extends",), message)])
    if any(found.resolve() == p.resolve() for p in visited):
        shown = " → ".join(p.name for p in [*visited, found])
        message = (
            f"指标包循环继承：{shown}；其中一个须改为继承别的指标包 "
            f"/ packs extend each other in a cycle: {shown}; one of them must extend another pack"
        )
        raise ProblemsError([located.problem(("extends",), message)])
    return found


def missing_parent(ref: str, folder: Path) -> str:
    """Why `extends: ref` names nothing, with the bundled ids or the child's neighbour files it most resembles."""
    from assess.packs.building import bundled_packs

    bundled = sorted(bundled_packs())
    neighbours = sorted(p.name for p in folder.glob("*.y*ml")) if folder.is_dir() else []
    close = difflib.get_close_matches(ref, bundled + neighbours, n=3, cutoff=0.6)
    hint_zh = f"；是否想写 {'、'.join(close)}？" if close else ""
    hint_en = f"; did you mean {', '.join(close)}?" if close else ""
    return (
        f"找不到上级指标包 '{ref}'：既不是文件（路径相对于本文件所在的文件夹），也不是内置指标包编号"
        f"（内置：{'、'.join(bundled)}）{hint_zh} / no such pack file '{ref}' (paths are relative to this file's "
        f"folder), and not a bundled pack id (bundled: {', '.join(bundled)}){hint_en}"
    )


# -- applying one child's edits -------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """An element of the data being resolved: its kind, its dict, the list holding it and its parent's id."""

    kind: str  # dimension | indicator | question
    data: dict
    siblings: list
    parent: str | None


def element_index(data: dict) -> dict[str, Element]:
    index: dict[str, Element] = {}
    for dim in data["dimensions"]:
        index[dim["id"]] = Element("dimension", dim, data["dimensions"], None)
        for ind in dim["indicators"]:
            index[ind["id"]] = Element("indicator", ind, dim["indicators"], dim["id"])
            for question in ind["questions"]:
                index[question["id"]] = Element("question", question, ind["questions"], ind["id"])
    return index


def apply_child(located: Located, parent: Resolution, parent_ref: str) -> list[Problem]:
    """Apply the child's replacements, removals, overrides and additions, in that order; return problems."""
    raw, data, origins = located.data, parent.data, parent.origins
    child = Origin(located, ())
    for key in REPLACED_FIELDS:
        if key in raw:
            data[key] = raw[key]
            origins.mark_field(data, key, child.at(key))
    inherited = element_index(data)
    problems: list[Problem] = []
    removed = apply_removals(raw.get("remove", []), inherited, parent_ref, child, problems)
    apply_overrides(raw.get("override", {}), inherited, removed, parent_ref, origins, child, problems)
    apply_additions(raw.get("add", {}), data, origins, child, problems)
    problems += emptied_lists(removed, inherited, origins, child)
    return problems


def apply_removals(
    ids: list[str], inherited: dict[str, Element], parent_ref: str, child: Origin, problems: list[Problem]
) -> dict:
    """Remove each id from the data; return {id: (its Element, index in `remove`)} for later checks."""
    removed: dict[str, tuple[Element, int]] = {}
    for n, element_id in enumerate(ids):
        where = child.at("remove", n)
        if element_id in removed:
            problems.append(where.problem(
                f"'{element_id}' 在 remove 中重复列出 / '{element_id}' is already listed in `remove`"
            ))
            continue
        element = inherited.get(element_id)
        if element is None:
            problems.append(where.problem(unknown_inherited(element_id, inherited, "remove", parent_ref)))
            continue
        if ancestor_removed(element, inherited, removed):
            continue  # removing a dimension already removed its indicators and questions
        element.siblings[:] = [e for e in element.siblings if e is not element.data]
        removed[element_id] = (element, n)
    return removed


def ancestor_removed(element: Element, inherited: dict[str, Element], removed: dict) -> bool:
    parent = element.parent
    while parent is not None:
        if parent in removed:
            return True
        parent = inherited[parent].parent
    return False


def apply_overrides(
    overrides: dict,
    inherited: dict[str, Element],
    removed: dict,
    parent_ref: str,
    origins: Origins,
    child: Origin,
    problems: list[Problem],
) -> None:
    for element_id, fields in overrides.items():
        where = child.at("override", element_id)
        element = inherited.get(element_id)
        if element is None:
            problems.append(where.problem(unknown_inherited(element_id, inherited, "override", parent_ref)))
            continue
        if element_id in removed or ancestor_removed(element, inherited, removed):
            message = (
                f"'{element_id}' 已在本文件中删除，不能再覆盖 "
                f"/ '{element_id}' is removed in this file, so it cannot be overridden"
            )
            problems.append(where.problem(message))
            continue
        origins.mark_edit(element.data, where)
        for key, value in fields.items():
            refusal = override_refusal(element, key)
            if refusal:
                problems.append(where.at(key).problem(refusal))
            else:
                merge_field(element.data, key, value, where.at(key), origins)


def override_refusal(element: Element, key: str) -> str | None:
    if key == "id":
        return (
            "编号不能覆盖（得分和答卷都按编号对应）；请删除该元素，再以新编号新增 / an id cannot be overridden; "
            "remove the element and add one with the new id (scores and answers refer to ids)"
        )
    children = CHILD_LISTS.get(element.kind)
    if key == children:
        return (
            f"{KIND_ZH[element.kind]}下的{KIND_ZH[children]}要用 add: 和 remove: 增删，不能在此覆盖 "
            f"/ the {children} of a {element.kind} change with `add:` and `remove:`, not here"
        )
    return None


def merge_field(target: dict, key: str | int, value: Any, origin: Origin, origins: Origins) -> None:
    """Mappings merge key by key (override `title: {en: ...}` alone); anything else replaces the field."""
    current = target.get(key)
    if isinstance(value, dict) and isinstance(current, dict):
        origins.mark_edit(current, origin)
        for sub_key, sub_value in value.items():
            merge_field(current, sub_key, sub_value, origin.at(sub_key), origins)
        return
    target[key] = value
    origins.mark_field(target, key, origin)


def apply_additions(add: dict, data: dict, origins: Origins, child: Origin, problems: list[Problem]) -> None:
    """Append new elements; an id that already exists is refused here, where the message can say why."""
    for n, dim in enumerate(add.get("dimensions", [])):
        if claim_new_id(dim, data, child.at("add", "dimensions", n), problems):
            data["dimensions"].append(dim)
            origins.mark_node(dim, child.at("add", "dimensions", n))
    for kind, key in (("dimension", "indicators"), ("indicator", "questions")):
        for parent_id, elements in add.get(key, {}).items():
            where = child.at("add", key, parent_id)
            target = element_index(data).get(parent_id)
            if target is None or target.kind != kind:
                problems.append(where.problem(unknown_parent(parent_id, kind, data)))
                continue
            for n, element in enumerate(elements):
                if claim_new_id(element, data, where.at(n), problems):
                    target.data[key].append(element)
                    origins.mark_node(element, where.at(n))


def claim_new_id(element: dict, data: dict, where: Origin, problems: list[Problem]) -> bool:
    """True if the new element and everything in it have ids the pack does not use yet."""
    index = element_index(data)
    new_ids = [element["id"]]
    for ind in element.get("indicators", []):
        new_ids += [ind["id"], *(q["id"] for q in ind["questions"])]
    new_ids += [q["id"] for q in element.get("questions", [])]
    clashes = {
        i: (f"指标包中已有{KIND_ZH[index[i].kind]} '{i}'", f"the pack already has a {index[i].kind} '{i}'")
        for i in new_ids
        if i in index
    }
    clashes.update({i: (f"'{i}' 在此元素中用了两次", f"'{i}' is used twice in this element")
                    for i in new_ids if new_ids.count(i) > 1})
    for zh, en in clashes.values():
        problems.append(where.at("id").problem(
            f"{zh}；编号必须唯一（修改继承来的元素请用 override:） "
            f"/ {en}; ids must be unique (to change an inherited element use `override:`)"
        ))
    return not clashes


def emptied_lists(removed: dict, inherited: dict[str, Element], origins: Origins, child: Origin) -> list[Problem]:
    """Removals that leave a dimension without indicators, or an indicator without questions, even after `add:`.

    The emptied list is marked as coming from the removal, so the models' own complaint lands on the same line.
    """
    problems: dict[str, Problem] = {}
    for element_id, (element, n) in removed.items():
        if element.siblings or element.parent is None or element.parent in problems:
            continue
        holder = inherited[element.parent]
        if element.parent not in removed and not ancestor_removed(holder, inherited, removed):
            origins.mark_node(element.siblings, child.at("remove", n))
            problems[element.parent] = child.at("remove", n).problem(
                f"删除 '{element_id}' 后，{KIND_ZH[holder.kind]} '{element.parent}' 下就没有{KIND_ZH[element.kind]}了；"
                f"请把 '{element.parent}' 一并删除，或在 add: 中为它新增{KIND_ZH[element.kind]} "
                f"/ removing '{element_id}' leaves {holder.kind} '{element.parent}' with no {element.kind}s; remove "
                f"'{element.parent}' too, or add a {element.kind} to it"
            )
    return list(problems.values())


def unknown_inherited(element_id: str, inherited: dict[str, Element], action: str, parent_ref: str) -> str:
    close = difflib.get_close_matches(element_id, list(inherited), n=3, cutoff=0.6)
    listing = f"`assess indicators list --pack {parent_ref}`"
    hint_zh = f"；是否想写 {'、'.join(close)}？" if close else f"；{listing} 可列出全部编号"
    hint_en = f"; did you mean {', '.join(close)}?" if close else f"; {listing} shows them"
    action_zh = {"remove": "删除", "override": "覆盖"}[action]
    return (
        f"无法{action_zh} '{element_id}'：上级指标包 '{parent_ref}' 中没有这个维度、指标或题目{hint_zh} "
        f"/ cannot {action} '{element_id}': the parent pack '{parent_ref}' has no such dimension, indicator or "
        f"question{hint_en}"
    )


def unknown_parent(parent_id: str, kind: str, data: dict) -> str:
    ids = [e for e, el in element_index(data).items() if el.kind == kind]
    close = difflib.get_close_matches(parent_id, ids, n=3, cutoff=0.6)
    hint_zh = f"；是否想写 {'、'.join(close)}？" if close else f"；现有{KIND_ZH[kind]}：{'、'.join(ids)}"
    hint_en = f"; did you mean {', '.join(close)}?" if close else f"; the {kind}s are: {', '.join(ids)}"
    return f"'{parent_id}' 不是指标包中的{KIND_ZH[kind]}{hint_zh} / '{parent_id}' is not a {kind} of the pack{hint_en}"


# -- validating the resolved pack ----------------------------------------------------------------------


def validated(data: dict, origins: Origins, child: Located) -> Pack:
    """The resolved data as a `Pack`, every problem reported in the file (and line) it originates from."""
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            allowed = fields_at(Pack, err["loc"][:-1]) if err["type"] == "extra_forbidden" else None
            problems.append(placed(data, origins, data_path(data, err["loc"]), friendly_message(err, allowed), child))
        problems += [placed(data, origins, path, message, child) for path, message in pack_rule_violations(data)]
        raise ProblemsError(problems) from None
    problems = [placed(data, origins, path, message, child) for path, message in pack_rule_violations(data, pack)]
    if problems:
        raise ProblemsError(problems)
    return pack


def placed(data: dict, origins: Origins, path: PathKey, message: str, child: Located) -> Problem:
    """A problem at its origin; inherited AHP judgments that no longer fit are the child's to fix."""
    origin = origins.locate(data, path)
    if path[:1] != ("ahp",) or origin.located is child:
        return origin.problem(message)
    inherited = origin.problem(message)
    where = f"{inherited.file}:{inherited.line}" if inherited.line else inherited.file
    return Problem(
        child.file,
        child.line_of(("extends",)),
        "ahp",
        f"继承的层次分析判断（{where}）与本指标包不再相符；请为本指标包写自己的 ahp:，或写 ahp: null 去掉继承的判断 "
        f"/ the inherited AHP judgments ({where}) no longer fit this pack; give this pack its own `ahp:` block, or "
        f"write `ahp: null` to drop them — {message}",
    )


# -- a starter child pack -----------------------------------------------------------------------------


def starter_pack(name: str, extends: str, parent: Pack, file_name: str, examples: bool = False) -> str:
    """A child pack of `parent` that validates as it is, with one commented example of each kind of change.

    The examples use real ids of the parent, so uncommenting any of them gives a valid pack;
    `examples=True` writes them uncommented (the tests check that this too validates). `file_name` is the
    file being written, so the commands in its comments can be run as they stand.
    """
    if not re.fullmatch(ID_PATTERN, name):
        raise AssessError(
            f"'{name}' 不能用作指标包编号：只能用小写字母、数字、- 和 _（最多 64 个字符），以字母或数字开头，例如 "
            f"my-district / '{name}' cannot be a pack id: use lowercase letters, digits, '-' or '_' (at most 64), "
            "starting with a letter or digit, e.g. my-district"
        )
    file_arg = shlex.quote(file_name)
    lead = "" if examples else "# "
    dim = parent.dimensions[0]
    indicator = dim.indicators[0]
    questions = [q for _, _, q in parent.questions()]
    number = next((q for q in questions if q.type == "number"), None)
    likert = next((q for q in questions if q.type == "likert"), None)
    examples_of = [q for q in (number, likert) if q is not None]
    spare = [i.questions[-1] for _, i in parent.indicators() if len(i.questions) > 1]
    removable = next((q for q in spare if q not in examples_of), None)
    source = indicator.sources[0]
    lines = [
        f"# {name}: a district pack that extends `{extends}`; everything not written here is inherited unchanged.",
        f"# {name}：继承 `{extends}` 的本地区指标包；此处没有写出的内容一律沿用上级指标包。",
        "# Uncomment an example (remove the leading '# ') and edit it. / 去掉示例行首的“# ”后按本地情况修改。",
        f"# Check / 校验:    assess indicators validate {file_arg}",
        f"# Compare / 对比:  assess indicators diff {shlex.quote(extends)} {file_arg}",
        "",
        f"id: {name}",
        'version: "0.1"',
        f"extends: {extends}",
        "title:",
        f"  zh: {name} 党建引领社区治理评估指标",
        f'  en: "{name} indicators for Party-building-led community governance"',
        "",
        "# Grade bands replace the parent's; the lowest must start at 0. / 等级划分整体替换，最低一档须从 0 分开始。",
        f"{lead}grade_bands:",
        f"{lead}  - {{id: excellent, min: 90, label: {{zh: 优秀, en: Excellent}}}}",
        f"{lead}  - {{id: good, min: 75, label: {{zh: 良好, en: Good}}}}",
        f"{lead}  - {{id: fair, min: 60, label: {{zh: 合格, en: Fair}}}}",
        f"{lead}  - {{id: weak, min: 0, label: {{zh: 薄弱, en: Weak}}}}",
        "",
        "# Target for indicators that set none. / 未单独设置目标值的指标使用的默认目标值。",
        f"{lead}default_target: {parent.default_target:g}",
        "",
        "# Change fields of inherited elements by id; titles and labels merge language by language.",
        "# 按编号修改继承来的维度、指标、题目的字段（权重、标题、目标值、计分区间、量表标签）。",
        f"{lead}override:",
        f"{lead}  {dim.id}: {{weight: {dim.weight * 2:g}}}        # a dimension's weight / 维度权重",
        f"{lead}  {indicator.id}: {{target: 90}}        # an indicator's target / 指标目标值",
    ]
    if number is not None:
        lines.append(
            f"{lead}  {number.id}: {{worst: {number.worst:g}, best: {number.best:g}}}   # goalposts / 计分区间"
        )
    if likert is not None:
        lines += [
            f"{lead}  {likert.id}:              # a scale label / 量表标签",
            f"{lead}    scale: {{labels: {{{likert.scale.min}: {{zh: 完全不是, en: Not at all}}}}}}",
        ]
    lines.append("")
    if removable is not None:
        lines += [
            "# Remove inherited elements by id (a dimension takes its indicators with it). / 按编号删除不用的元素。",
            f"{lead}remove:",
            f"{lead}  - {removable.id}",
            "",
        ]
    lines += [
        "# Add dimensions, indicators (under a dimension id) or questions (under an indicator id); every",
        "# indicator cites a thesis in seeds/. / 新增维度、指标（写在维度编号下）或题目（写在指标编号下）。",
        f"{lead}add:",
        f"{lead}  indicators:",
        f"{lead}    {dim.id}:",
        f"{lead}      - id: local-indicator",
        f"{lead}        title: {{zh: 本地特色指标, en: Local indicator}}",
        f"{lead}        sources:",
        f"{lead}          - {{seed: {source.seed}, evidence: {yaml_text(source.evidence)}}}",
        f"{lead}        questions:",
        f"{lead}          - id: q-local-indicator",
        f"{lead}            type: yes_no",
        f"{lead}            respondent: committee",
        f"{lead}            title: {{zh: 本地特色工作是否已经开展, en: Has the local work started?}}",
    ]
    ids = [d.id for d in parent.dimensions]
    if len(ids) > 1:
        lines += [
            "",
            "# Replace the AHP judgments (every pair of dimensions, 1 = equally important), or `ahp: null` to",
            "# drop inherited ones. / 替换层次分析法判断（每对维度都要比较，1 表示同等重要）。",
            f"{lead}ahp:",
            f"{lead}  dimensions:",
            f"{lead}    judgments:",
        ]
        lines += [f"{lead}      - [{a}, {b}, 1]" for n, a in enumerate(ids) for b in ids[n + 1 :]]
    return "\n".join(lines) + "\n"


def yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pack_reference_for(parent_ref: str, parent_file: str, output: Path) -> str:
    """How a file written at `output` names a pack (`extends:`, an answer file's `pack:`): the bundled id as
    given, or the pack's path relative to the file's folder, so the two can be moved together."""
    from assess.packs.building import bundled_packs

    if parent_ref in bundled_packs() and not Path(parent_ref).suffix:
        return parent_ref
    return Path(os.path.relpath(Path(parent_file).resolve(), output.resolve().parent)).as_posix()
