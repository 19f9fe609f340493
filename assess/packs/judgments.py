"""The AHP judgment format: what experts write, in a pack's `ahp:` block or in a file for `assess ahp FILE`.

Experts say, pair by pair, how many times more important one item is than another (Saaty's 1-9 scale):
as a list of pairs `[first, second, value]`, or as the judgment matrix the way it is printed in a thesis,
rows and columns in the order of the items: full (n rows of n values, 1 on the diagonal, each cell below
the reciprocal of the one above) or upper-triangular (row i holds its n − i values from the diagonal on).
The format is defined here, once, as pydantic models, with the checks that need the list of items compared
(unknown ids, self-comparisons, pairs given twice, pairs missing). Turning judgments into weights is the
scoring stage's (`assess.scoring.ahp`); this module only says what a well-formed judgment set is.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from assess.errors import ProblemsError
from assess.packs.yamlio import Located, PathKey, load_yaml, validation_problems

if TYPE_CHECKING:
    from pathlib import Path



MAX_JUDGMENT = 9.0
# A decimal typed for 1/9 (0.11) is accepted; anything smaller is outside the scale.
MIN_TYPED_JUDGMENT = 0.11
MAX_ITEMS = 15  # the random-index tables of AHP end at n = 15


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_ratio(value: object) -> float:
    """A judgment value as written by people: 3, 0.5, "1/3" or "3"; kept on Saaty's 1/9..9 scale."""
    if isinstance(value, bool):
        raise ValueError("must be a number between 1/9 and 9, not yes/no")
    if isinstance(value, str):
        try:
            number = float(Fraction(value.replace(" ", "")))
        except OverflowError:
            number = math.inf
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"'{value}' is not a number; write a number from 1/9 to 9, e.g. 3 or 1/3") from None
    elif isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    else:
        raise ValueError("须为 1/9 到 9 之间的数，如 3 或 1/3 / must be a number between 1/9 and 9, e.g. 3 or 1/3")
    if not math.isfinite(number) or not MIN_TYPED_JUDGMENT <= number <= MAX_JUDGMENT:
        raise ValueError(
            f"{value}: 判断值须在 1/9 到 9 之间（1 为同等重要，9 为极端重要，1/3 为后者重要 3 倍） / outside Saaty's "
            "scale; allowed are 1/9 … 9 (1 = equally important, 9 = extremely more important, 1/3 = the second is "
            "3× as important)"
        )
    return number


def judgment_shape(value: object) -> object:
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise ValueError(
            "判断格式为 [甲, 乙, 倍数] / a judgment is [first, second, value], e.g. [participation, services, 3]"
        )
    return value


Ratio = Annotated[float, BeforeValidator(parse_ratio)]
# [a, b, v]: a is v times as important as b
Judgment = Annotated[tuple[str, str, Ratio], BeforeValidator(judgment_shape)]


Matrix = list[list[Ratio]]
RECIPROCAL_TOLERANCE = 0.05  # 0.33 typed for 1/3 is reciprocal enough: 0.33 × 3 = 0.99


class Expert(_Model):
    name: str | None = None
    judgments: list[Judgment] | None = None
    matrix: Matrix | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Expert:
        if (self.judgments is None) == (self.matrix is None):
            raise ValueError("每位专家填 judgments 或 matrix 之一 / give an expert either `judgments:` or `matrix:`")
        return self


class JudgmentSet(_Model):
    """Judgments among the items of one level: one expert (`judgments` or `matrix`) or several (`experts`)."""

    experts: Annotated[list[Expert], Field(min_length=1)] | None = None
    judgments: list[Judgment] | None = None
    matrix: Matrix | None = None

    @model_validator(mode="after")
    def _one_form(self) -> JudgmentSet:
        if sum(x is not None for x in (self.experts, self.judgments, self.matrix)) != 1:
            raise ValueError("give one of `judgments:` or `matrix:` (one expert) or `experts:` (several) "
                             "/ 只能填 judgments、matrix、experts 其中之一")
        return self

    def expert_sets(self, path: PathKey, items: list[str] | None = None) -> list[tuple[str, list[Judgment], PathKey]]:
        """(expert label, judgments, path of the judgment list or matrix) for every expert, in file order; a
        matrix is read as the pairs of its upper triangle, in the order of `items`."""
        if self.experts is None:
            return [("expert 1", *given_judgments(self, items, path))]
        return [(e.name or f"expert {n}", *given_judgments(e, items, (*path, "experts", n - 1)))
                for n, e in enumerate(self.experts, 1)]


def given_judgments(source: Expert | JudgmentSet, items: list[str] | None, path: PathKey
                    ) -> tuple[list[Judgment], PathKey]:
    if source.judgments is not None:
        return source.judgments, (*path, "judgments")
    return matrix_judgments(source.matrix or [], items or []), (*path, "matrix")


def matrix_judgments(matrix: Matrix, items: list[str]) -> list[Judgment]:
    """The upper triangle as pairs; a well-formed matrix is assumed (see `matrix_violations`)."""
    found = []
    for i, row in enumerate(matrix[:len(items)]):
        offset = 0 if len(row) == len(items) else i  # an upper-triangular row starts at the diagonal
        for j in range(i + 1, len(items)):
            if 0 <= j - offset < len(row):
                found.append((items[i], items[j], row[j - offset]))
    return found


def matrix_violations(matrix: Matrix, items: list[str], path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Size, diagonal and reciprocity of a full or upper-triangular matrix, each problem at its cell."""
    n = len(items)
    if len(matrix) != n:
        yield path, f"矩阵行数应为 {n} / the matrix has {len(matrix)} rows; {n} items need {n} rows"
        return
    full = all(len(row) == n for row in matrix)
    upper = all(len(row) == n - i for i, row in enumerate(matrix))
    if not (full or upper):
        counts = ", ".join(str(n - i) for i in range(n))
        yield path, (f"矩阵每行的个数不对：完整矩阵每行 {n} 个，上三角各行依次 {counts} 个 / each row needs {n} values "
                     f"(a full matrix) or n − i values from the diagonal on (upper triangle: {counts})")
        return
    for i, row in enumerate(matrix):
        diagonal = row[i] if full else row[0]
        if abs(diagonal - 1) > 1e-9:
            yield (*path, i, i if full else 0), (f"the diagonal cell {items[i]}–{items[i]} must be 1, not "
                                                  f"{diagonal:g} / 对角线须为 1")
        if not full:
            continue
        for j in range(i + 1, n):
            if abs(row[j] * matrix[j][i] - 1) > RECIPROCAL_TOLERANCE:
                yield (*path, j, i), (f"row {items[j]}, column {items[i]} is {as_written(matrix[j][i])}, but "
                                      f"the cell above the diagonal ({items[i]}, {items[j]}) is "
                                      f"{as_written(row[j])}: it must be its reciprocal {as_written(1 / row[j])} "
                                      "/ 矩阵不互反：下三角须为上三角的倒数")


def as_written(value: float) -> str:
    """3 as "3", 0.333… as "1/3": a judgment the way an expert writes it."""
    if value >= 1 or abs(1 / value - round(1 / value)) > 1e-6:
        return f"{value:g}"
    return f"1/{round(1 / value)}"


class AhpSpec(_Model):
    """The `ahp:` block of a pack: judgments among its dimensions and among each dimension's indicators."""

    dimensions: JudgmentSet | None = None
    indicators: dict[str, JudgmentSet] = Field(default_factory=dict)


class AhpFile(JudgmentSet):
    """A standalone judgment file for `assess ahp FILE`: the items, then the judgments among them."""

    items: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


# -- rules that need the item list (reported with file lines by the loaders) ---------------------------


def judgment_set_violations(jset: JudgmentSet, items: list[str], path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Unknown ids, self-comparisons, pairs given twice or both ways, and missing pairs, per expert."""
    if len(items) > MAX_ITEMS:
        yield path, f"AHP handles at most {MAX_ITEMS} items per judgment set (Saaty's RI table ends there)"
    names = [e.name or f"expert {n}" for n, e in enumerate(jset.experts or [], 1)]
    for name in sorted({n for n in names if names.count(n) > 1}):
        yield (*path, "experts"), f"two experts are both named '{name}'; give each a distinct name"
    one_expert = jset.experts is None  # a plain `judgments:` list has nobody to name in messages
    sources = [jset] if one_expert else list(jset.experts)
    for source, (label, judgments, j_path) in zip(sources, jset.expert_sets(path, items), strict=True):
        if source.matrix is not None:
            problems = list(matrix_violations(source.matrix, items, j_path))
            yield from problems
            if problems:
                continue
        yield from expert_violations(None if one_expert else label, judgments, items, j_path)


def expert_violations(
    label: str | None, judgments: list[Judgment], items: list[str], path: PathKey
) -> Iterator[tuple[PathKey, str]]:
    known = set(items)
    given: dict[tuple[str, str], int] = {}
    for k, (a, b, _value) in enumerate(judgments):
        where = (*path, k)
        unknown = [x for x in (a, b) if x not in known]
        for item in unknown:
            yield where, unknown_item_message(item, items)
        if unknown:
            continue
        if a == b:
            yield where, f"不需要与自身比较 / compares '{a}' with itself; leave it out (an item is always 1× itself)"
            continue
        if (a, b) in given:
            yield where, f"同一对判断重复 / '{a}' vs '{b}' is judged twice (also item {given[a, b]}); keep one"
        elif (b, a) in given:
            yield where, (
                f"同一对不要正反各填一次（第 {given[b, a]} 项已反向给出） / '{a}' vs '{b}' is also given the other way "
                f"round (item {given[b, a]}); give each pair once, the reverse is implied (1/value)"
            )
        given[a, b] = k
    missing = [
        f"{a} vs {b}" for a, b in itertools.combinations(items, 2) if (a, b) not in given and (b, a) not in given
    ]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        needed = len(items) * (len(items) - 1) // 2
        who = f"{label}: " if label else ""
        yield path, (
            f"{who}{len(missing)} pair(s) not judged: {shown}; {len(items)} items need all {needed} pairs "
            "/ 缺少成对比较判断"
        )


def unknown_item_message(item: str, items: list[str]) -> str:
    close = difflib.get_close_matches(item, items, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; the items here are: {', '.join(items)}"
    return f"不是本组比较的项目 / '{item}' is not one of the items compared here{hint}"


def load_ahp_file(path: Path | str) -> tuple[AhpFile, str]:
    """A standalone judgment file, every problem reported with its line; returns the model and the file name."""
    located = load_yaml(path)
    return build_ahp_file(located), located.file


def build_ahp_file(located: Located) -> AhpFile:
    if not isinstance(located.data, dict):
        message = "格式不对 / an AHP file is a mapping with `items:` and `judgments:` or `experts:`"
        raise ProblemsError([located.problem((), message)])
    try:
        spec = AhpFile.model_validate(located.data)
    except ValidationError as exc:
        raise validation_problems(located, exc, AhpFile) from None
    items = list(dict.fromkeys(spec.items))
    problems = [located.problem(("items",), message) for message in repeated_items_messages(spec.items)]
    problems += [located.problem(p, message) for p, message in judgment_set_violations(spec, items, ())]
    if problems:
        raise ProblemsError(problems)
    return spec


def repeated_items_messages(items: list[str]) -> list[str]:
    """Checked beside the judgments (not in the model) so that a repeated item does not hide their problems."""
    repeated = sorted({i for i in items if items.count(i) > 1})
    return [f"项目重复 / items listed twice: {', '.join(repeated)}"] if repeated else []
