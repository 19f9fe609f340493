"""Reading YAML safely and remembering where every value came from.

PyYAML's safe composer gives a node tree with line marks; we turn it into plain Python data ourselves so
that (1) every value's line is known for error messages, (2) duplicate keys are refused instead of silently
overwritten, and (3) alias expansion is bounded, which defuses "billion laughs" files.

Numbers are read as written, by the rules of a CSV cell (and of YAML 1.2's core schema), not by YAML 1.1's:
`075` is 75, not octal 61; `1:30` stays the text "1:30", not 90 (sexagesimal); `0x32`, `0b11`, `1_000` and
`.5e` are text, which a number question refuses. Other scalars (bool, null, dates) are PyYAML's.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from assess.errors import AssessError, Problem, ProblemsError
from assess.files import MAX_FILE_BYTES, read_text

MAX_DEPTH = 100  # a pack is 8 levels deep; far deeper nesting is a mistake or an attack
# Alias expansion is bounded as libexpat bounds XML entity amplification: the values a file expands to,
# against the nodes written in it. Anchors reused for a pack's shared option lists add a few times the
# file's size at most; below the floor (a small file) any reuse is allowed.
MAX_AMPLIFICATION = 4
AMPLIFICATION_FLOOR = 50_000

INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
WHOLE = re.compile(r"[-+]?[0-9]+\Z")
DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _number_resolvers(loader: type) -> dict:
    """The loader's implicit resolvers with YAML 1.1's int and float rules replaced by `WHOLE` and `DECIMAL`."""
    resolvers = {first: [(tag, rx) for tag, rx in entries if tag not in (INT_TAG, FLOAT_TAG)]
                 for first, entries in loader.yaml_implicit_resolvers.items()}
    for first in "-+0123456789.":
        resolvers.setdefault(first, []).extend([(INT_TAG, WHOLE), (FLOAT_TAG, DECIMAL)])
    resolvers.setdefault(".", []).append((FLOAT_TAG, re.compile(r"\.(?:inf|Inf|INF|nan|NaN|NAN)\Z")))
    for first in "-+":
        resolvers[first].append((FLOAT_TAG, re.compile(r"[-+]\.(?:inf|Inf|INF)\Z")))
    return resolvers


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, remembering implicit tags: survey files repeat the same few scalars thousands of times."""

    yaml_implicit_resolvers = _number_resolvers(_BaseLoader)

    def __init__(self, stream: str):
        super().__init__(stream)
        self._tags: dict[tuple[str, tuple[bool, bool]], str] = {}

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        if key not in self._tags:
            self._tags[key] = super().resolve(kind, value, implicit)
        return self._tags[key]

_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter where PyYAML was built with it


class Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    """The safe dumper, quoting every text that YAML 1.1 *or* these number rules would read as something else
    (`1e5` is text to YAML 1.1 but a number here): what it writes reads back as the same values."""

    yaml_implicit_resolvers = {first: [*entries, *_Loader.yaml_implicit_resolvers.get(first, [])]
                               for first, entries in _BaseDumper.yaml_implicit_resolvers.items()} | {
        first: entries for first, entries in _Loader.yaml_implicit_resolvers.items()
        if first not in _BaseDumper.yaml_implicit_resolvers}


PathKey = tuple[str | int, ...]
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_STR_TAG = "tag:yaml.org,2002:str"
# the scalar types a pack or an answer file may hold; !!binary, !!set, !!omap and the like are refused
_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass
class Located:
    """Plain data from a YAML file plus the line (1-based) of every mapping key and sequence item."""

    data: Any
    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of the deepest part of `path` that exists in the file (a missing field points at its parent)."""
        node_path: list[str | int] = []
        best = self.lines.get((), None)
        for part in path:
            candidate = (*node_path, part)
            if candidate in self.lines:
                node_path.append(part)
                best = self.lines[candidate]
            # a part that is not in the file (e.g. a pydantic union tag) is skipped, not fatal
        return best

    def problem(self, path: PathKey, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), dotted(path), message)


def dotted(path: PathKey) -> str:
    return ".".join(str(p) for p in path)


PARSED_KEPT = 32  # files whose parse is kept for the process: a pack, its parents, libraries, case profiles
MAX_PACK_BYTES = 2 * 1024 * 1024  # a pack file: 25 times the core pack of 36 indicators
PARSED_KEPT_BYTES = MAX_PACK_BYTES  # larger files (answer files of thousands of residents) are parsed each time
PARSED_KEPT_TOTAL = 64 * 1024 * 1024  # the kept parses' own size, so that many large packs do not add up
_parsed: OrderedDict[tuple[str, bytes], bytes] = OrderedDict()


def load_yaml(path: Path | str, limit: int = MAX_FILE_BYTES, numbers_as_text: bool = False) -> Located:
    """Parse one YAML document from `path` into `Located` data, or raise a one-line `AssessError`.

    A file is parsed once per process: `validate` looks at a district pack to sort it, to check it and to
    find its libraries, and every pack extends the core pack; each look gets a fresh copy of the first
    parse, or of its problems. The file is still read every time and the copy is keyed by a hash of its
    text, so an edit between two looks (`fill` merging another writer's answers) is never missed.
    """
    import hashlib
    import pickle

    path = Path(path)
    text = read_text(path, limit)
    if len(text) > PARSED_KEPT_BYTES:
        return parse_yaml(text, str(path), numbers_as_text)
    key = (str(path), hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest() + bytes([numbers_as_text]))
    if key not in _parsed:
        try:
            outcome: Located | AssessError = parse_yaml(text, str(path), numbers_as_text)
        except AssessError as exc:  # ProblemsError too: a bomb is refused once, not at every look
            outcome = exc
        _parsed[key] = pickle.dumps(outcome)
        while len(_parsed) > PARSED_KEPT or sum(map(len, _parsed.values())) > PARSED_KEPT_TOTAL:
            _parsed.popitem(last=False)
    _parsed.move_to_end(key)
    copy = pickle.loads(_parsed[key])
    if isinstance(copy, AssessError):
        raise copy
    return copy


def parse_yaml(text: str, name: str, numbers_as_text: bool = False) -> Located:
    """`numbers_as_text`: unquoted numbers are kept as the text written (a manifest's labels and folders)."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML 格式错误 / not valid YAML: {exc.problem or exc}"
        raise ProblemsError([Problem(name, line, "", message)]) from None
    except yaml.YAMLError as exc:
        raise ProblemsError([Problem(name, None, "", f"YAML 格式错误 / not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if root is None:
        raise AssessError(f"{name}: 文件为空 / the file is empty")
    refuse_expansion(root, name, len(text))
    located = Located(data=None, file=name)
    builder = _Builder(located, yaml.SafeLoader(""), numbers_as_text)
    located.data = builder.build(root, ())
    if builder.problems:
        raise ProblemsError(builder.problems)
    return located


def refuse_expansion(root: yaml.Node, name: str, text_length: int | None = None) -> int:
    """Refuse, before anything is built, a file whose aliases would expand it more than `MAX_AMPLIFICATION`
    times its own nodes (past `AMPLIFICATION_FLOOR`), or whose nesting (aliases included) goes deeper than
    `MAX_DEPTH`; return the number of values it expands to. Each distinct node is visited once, so a
    billion-laughs file is refused in the time it takes to read it, whatever it would expand to. A file has
    fewer nodes than characters, so a count past `MAX_AMPLIFICATION` times its length stops the sizing early."""
    ceiling = max(AMPLIFICATION_FLOOR, MAX_AMPLIFICATION * (text_length or 0)) if text_length else None
    sizes: dict[int, tuple[int, int]] = {}  # id(collection node) -> (values once expanded, depth)
    scalars: set[int] = set()  # distinct scalar nodes: an alias to a scalar is the same node again
    stack: list[yaml.Node] = [root]
    scalar = yaml.ScalarNode
    while stack:
        node = stack[-1]
        if isinstance(node, scalar) or id(node) in sizes:
            stack.pop()
            continue
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
        pending = list({id(c): c for c in children if not isinstance(c, scalar) and id(c) not in sizes}.values())
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        size, depth = 1, 1
        for child in children:
            if isinstance(child, scalar):
                scalars.add(id(child))
                size += 1
                depth = max(depth, 2)
            else:
                child_size, child_depth = sizes[id(child)]
                size += child_size
                depth = max(depth, child_depth + 1)
                if ceiling is not None and size > ceiling:
                    raise amplified(name, ceiling)
        if depth > MAX_DEPTH:
            raise AssessError(
                f"{name}:{node.start_mark.line + 1}: 嵌套超过 {MAX_DEPTH} 层 / nested more than {MAX_DEPTH} levels deep"
            )
        sizes[id(node)] = (size, depth)
    own = len(sizes) + len(scalars) or 1
    expanded = sizes[id(root)][0] if id(root) in sizes else 1
    limit = max(AMPLIFICATION_FLOOR, MAX_AMPLIFICATION * own)
    if expanded > limit:
        raise amplified(name, limit)
    return expanded


def amplified(name: str, limit: int) -> AssessError:
    return AssessError(
        f"{name}: 文件中的 YAML 别名（*名称）展开后超过 {limit:,} 个值（上限为文件自身值数的 {MAX_AMPLIFICATION} 倍，"
        f"至少 {AMPLIFICATION_FLOOR:,}）；请把重复的内容直接写出 / the file expands to more than {limit:,} values "
        f"through its YAML aliases (*name) (the limit: {MAX_AMPLIFICATION} times its own values, at least "
        f"{AMPLIFICATION_FLOOR:,}); write repeated parts out instead"
    )


class _Builder:
    """Turns a composed node tree into Python data, recording lines and refusing abuse."""

    def __init__(self, located: Located, constructor: yaml.SafeLoader, numbers_as_text: bool = False):
        self.located = located
        self.constructor = constructor
        self.numbers_as_text = numbers_as_text
        self.problems: list[Problem] = []
        self.scalars: dict[tuple[str, str], Any] = {}  # survey files repeat a handful of values many times

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        if len(path) > MAX_DEPTH:
            raise AssessError(
                f"{self.located.file}:{node.start_mark.line + 1}: 嵌套超过 {MAX_DEPTH} 层 / "
                f"nested more than {MAX_DEPTH} levels deep"
            )
        self.located.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _COLLECTION_TAGS:
            self._refuse(node, path, f"不支持的 YAML 标签 / unsupported YAML tag {node.tag}")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        if node.tag not in _SCALAR_TAGS:
            self._refuse(node, path, f"不支持的 YAML 标签 / unsupported YAML tag {node.tag}; write plain values")
            return None
        if node.tag in (INT_TAG, FLOAT_TAG) and self.numbers_as_text and not node.style:
            return node.value  # a label or a folder name, e.g. `round: 2025.10`, kept as written
        key = (node.tag, node.value)
        if key not in self.scalars:
            try:
                self.scalars[key] = number(node) if node.tag in (INT_TAG, FLOAT_TAG) else \
                    self.constructor.construct_object(node)
            except yaml.constructor.ConstructorError as exc:
                self._refuse(node, path, f"无法识别的值 / {exc.problem}")
                return None
            except ValueError as exc:  # a value of the right shape that cannot exist, e.g. 2026-13-01
                self._refuse(node, path, impossible_value_message(node, exc))
                return None
        return self.scalars[key]

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._refuse(key_node, path, "不支持 '<<' 合并键 / '<<' merge keys are not supported")
                continue
            key = self.build(key_node, (*path, "<key>"))
            if isinstance(key, list | dict):
                self._refuse(key_node, path, "键必须是简单的值 / a key must be a plain value")
                continue
            if key in result:
                self._refuse(key_node, (*path, key), "键重复 / duplicate key earlier in the same mapping")
                continue
            self.located.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, (*path, key))
        self.located.lines.pop((*path, "<key>"), None)
        return result

    def _refuse(self, node: yaml.Node, path: PathKey, message: str) -> None:
        self.problems.append(Problem(self.located.file, node.start_mark.line + 1, dotted(path), message))


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def number(node: yaml.ScalarNode) -> int | float:
    """An int or float scalar by `WHOLE` and `DECIMAL` (an explicit `!!int 0x32` too: ValueError, refused)."""
    text = node.value
    if text.lower() in SPECIAL_FLOATS and node.tag == FLOAT_TAG:
        return SPECIAL_FLOATS[text.lower()]
    if WHOLE.match(text) and node.tag == INT_TAG:
        return int(text)
    if DECIMAL.match(text):
        return float(text)
    raise ValueError("not a plain decimal number")


def impossible_value_message(node: yaml.ScalarNode, error: ValueError) -> str:
    """A date-shaped value such as 2026-02-30 is parsed as a date and fails there; say so plainly."""
    if node.tag == _TIMESTAMP_TAG:
        return f"不是有效日期 / not a valid date: {node.value} ({error})"
    return f"无法识别的值 / cannot read the value {node.value!r}: {error}"


def validation_problems(
    located: Located, error: ValidationError, model: type[BaseModel] | None = None
) -> ProblemsError:
    """Pydantic's errors, each placed at the YAML line of the field it concerns.

    With `model` (the root model validated), an unknown field's message lists the fields allowed there.
    """
    problems = []
    for err in error.errors():
        path = data_path(located.data, err["loc"])
        allowed = fields_at(model, err["loc"][:-1]) if model and err["type"] == "extra_forbidden" else None
        problems.append(located.problem(path, friendly_message(err, allowed)))
    return ProblemsError(problems)


def data_path(data: object, loc: tuple) -> tuple:
    """`loc` reduced to the keys that exist in the data (drops pydantic's union tags such as 'likert')."""
    path: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif not isinstance(node, dict | list):
            break
        elif isinstance(node, dict) and isinstance(part, str) and node.get("type") != part:
            path.append(part)  # a missing or unknown key: name it even though it is not in the file
            break
    return tuple(path)


def fields_at(model: type[BaseModel], loc: tuple) -> list[str] | None:
    """The field names of the model found by following `loc` through the annotations, if it leads to one."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field_info = current.model_fields.get(part)
            if field_info is None:
                return None
            current = field_info.annotation
            continue
        origin, args = get_origin(current), get_args(current)
        if origin is list and isinstance(part, int):
            current = args[0]
        elif origin is dict:
            current = args[1]
        elif origin in (UnionType, Union):
            current = next((a for a in args if _tag_of(a) == part), None)
            if current is None:
                return None
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to the type that carries the fields."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        args = get_args(annotation)
        if get_origin(annotation) in (UnionType, Union) and type(None) in args:
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                annotation = rest[0]
                continue
        return annotation


def _tag_of(model: Any) -> str | None:
    if isinstance(model, type) and issubclass(model, BaseModel) and "type" in model.model_fields:
        literal = get_args(model.model_fields["type"].annotation)
        return literal[0] if literal else None
    return None


def friendly_message(err: dict, allowed: list[str] | None = None) -> str:
    """Pydantic's wording, turned into what a file's author can act on, in Chinese and English."""
    kind, ctx, got = err["type"], err.get("ctx", {}), err.get("input")
    if kind == "extra_forbidden":
        hint = f"; 可用字段 / allowed here: {', '.join(allowed)}" if allowed else ""
        return f"未知字段 / unknown field{hint}"
    if kind == "missing":
        return "缺少必填字段 / required field is missing"
    if kind in BOUND_SIGNS:
        bound = next(iter(ctx.values()))
        shown = f"{bound:g}" if isinstance(bound, int | float) else bound
        sign = BOUND_SIGNS[kind]
        return f"应 {sign} {shown}（实际为 {got}） / must be {sign} {shown} (got {got})"
    if kind == "string_pattern_mismatch":
        return (
            f"'{got}' 不是有效编号：只能用小写字母、数字、- 和 _，以字母或数字开头，最多 64 个字符 / "
            f"'{got}' is not a valid id: use lowercase letters, digits, '-' or '_' (at most 64), "
            "starting with a letter or digit"
        )
    if kind == "union_tag_invalid":
        expected = ctx.get("expected_tags")
        return f"未知题型 '{ctx.get('tag')}'，可用 {expected} / unknown type '{ctx.get('tag')}'; allowed: {expected}"
    if kind == "literal_error":
        expected = ctx.get("expected")
        return f"应为以下之一：{expected}（实际为 {got!r}） / must be one of {expected} (got {got!r})"
    if kind in LENGTH_MESSAGES:
        return LENGTH_MESSAGES[kind].format(**ctx)
    if kind in TYPE_MESSAGES:
        return f"{TYPE_MESSAGES[kind]} (got {got!r})"
    return err["msg"].removeprefix("Value error, ")


BOUND_SIGNS = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">", "less_than": "<"}
LENGTH_MESSAGES = {
    "too_short": "至少需要 {min_length} 项 / needs at least {min_length} item(s)",
    "string_too_short": "至少需要 {min_length} 个字符 / must have at least {min_length} character(s)",
}
TYPE_MESSAGES = {
    "float_parsing": "应为数字 / must be a number",
    "finite_number": "应为有限的数字 / must be a finite number",
    "float_type": "应为数字 / must be a number",
    "int_parsing": "应为整数 / must be a whole number",
    "int_type": "应为整数 / must be a whole number",
    "int_from_float": "应为整数 / must be a whole number",
    "bool_parsing": "应为 true 或 false / must be true or false",
    "bool_type": "应为 true 或 false / must be true or false",
    "string_type": "应为文字 / must be text",
    "list_type": "应为列表（每项以 - 开头） / must be a list (items starting with -)",
    "dict_type": "应为“键: 值”形式 / must be a mapping (key: value)",
    "model_type": "应为“键: 值”形式 / must be a mapping (key: value)",
    "model_attributes_type": "应为“键: 值”形式 / must be a mapping (key: value)",
}
