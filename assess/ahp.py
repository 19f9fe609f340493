"""AHP weights from pairwise judgments (Saaty's analytic hierarchy process).

Districts often want weights that their own experts agreed on rather than the pack's declared ones. Experts
say, pair by pair, how many times more important one item is than another (Saaty's 1-9 scale); the weights
are the principal eigenvector of that judgment matrix, and the consistency ratio CR tells whether the
judgments contradict each other too much to be trusted (Saaty's rule: CR above 0.10 is refused).

The judgment format is defined here, once, as pydantic models: a pack carries it under `ahp:` and
`assess ahp FILE` reads it from a standalone file. numpy is imported inside the computation because
`assess.pack` imports this module and every command imports the pack models.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from assess.errors import AssessError, ProblemsError
from assess.yamlio import Located, PathKey, load_yaml, validation_problems

if TYPE_CHECKING:
    from pathlib import Path

    from assess.pack import Pack

MAX_JUDGMENT = 9.0
# A decimal typed for 1/9 (0.11) is accepted; anything smaller is outside the scale.
MIN_TYPED_JUDGMENT = 0.11
CR_LIMIT = 0.10
SHOWN_DISAGREEMENTS = 3

RI_TABLE_NAME = "saaty-1980"
RI_TABLE_DESCRIPTION = "Saaty's classic random index (The Analytic Hierarchy Process, 1980), n = 3…15"
# Saaty's random consistency index by matrix size; n = 1, 2 are always consistent (CR = 0).
RANDOM_INDEX = {
    3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
    10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
MAX_ITEMS = max(RANDOM_INDEX)


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
        raise ValueError("must be a number between 1/9 and 9, e.g. 3 or 1/3")
    if not math.isfinite(number) or not MIN_TYPED_JUDGMENT <= number <= MAX_JUDGMENT:
        raise ValueError(
            f"{value} is outside Saaty's scale; allowed are 1/9 … 9 (1 = equally important, 9 = extremely "
            "more important, 1/3 = the second is 3× as important) / 判断值须在 1/9 到 9 之间"
        )
    return number


def judgment_shape(value: object) -> object:
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise ValueError(
            "a judgment is [first, second, value], e.g. [participation, services, 3] / 判断格式为 [甲, 乙, 倍数]"
        )
    return value


Ratio = Annotated[float, BeforeValidator(parse_ratio)]
# [a, b, v]: a is v times as important as b
Judgment = Annotated[tuple[str, str, Ratio], BeforeValidator(judgment_shape)]


class Expert(_Model):
    name: str | None = None
    judgments: list[Judgment]


class JudgmentSet(_Model):
    """Judgments among the items of one level: one expert (`judgments`) or several (`experts`)."""

    experts: Annotated[list[Expert], Field(min_length=1)] | None = None
    judgments: list[Judgment] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> JudgmentSet:
        if (self.experts is None) == (self.judgments is None):
            raise ValueError("give either `judgments:` (one expert) or `experts:` (several), not both or neither")
        return self

    def expert_sets(self, path: PathKey) -> list[tuple[str, list[Judgment], PathKey]]:
        """(expert label, judgments, path of the judgment list) for every expert, in file order."""
        if self.judgments is not None:
            return [("expert 1", self.judgments, (*path, "judgments"))]
        assert self.experts is not None
        return [
            (e.name or f"expert {n}", e.judgments, (*path, "experts", n - 1, "judgments"))
            for n, e in enumerate(self.experts, 1)
        ]


class AhpSpec(_Model):
    """The `ahp:` block of a pack: judgments among its dimensions and among each dimension's indicators."""

    dimensions: JudgmentSet | None = None
    indicators: dict[str, JudgmentSet] = Field(default_factory=dict)


class AhpFile(JudgmentSet):
    """A standalone judgment file for `assess ahp FILE`: the items, then the judgments among them."""

    items: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


class AhpResult(_Model):
    """Weights of one judgment set and the consistency figures a reader needs to trust them."""

    items: list[str]
    weights: list[float]  # principal eigenvector, sums to 1, in the order of `items`
    lambda_max: float
    ci: float
    cr: float
    ri: float
    ri_table: str
    experts: list[str]
    expert_cr: list[float]  # each expert's own CR, in the order of `experts`

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_LIMIT


# -- rules that need the item list (reported with file lines by the loaders) ---------------------------


def judgment_set_violations(jset: JudgmentSet, items: list[str], path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Unknown ids, self-comparisons, pairs given twice or both ways, and missing pairs, per expert."""
    if len(items) > MAX_ITEMS:
        yield path, f"AHP handles at most {MAX_ITEMS} items per judgment set (Saaty's RI table ends there)"
    names = [label for label, _, _ in jset.expert_sets(path)]
    for name in sorted({n for n in names if names.count(n) > 1}):
        yield (*path, "experts"), f"two experts are both named '{name}'; give each a distinct name"
    one_expert = jset.judgments is not None  # a plain `judgments:` list has nobody to name in messages
    for label, judgments, j_path in jset.expert_sets(path):
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
            yield where, f"compares '{a}' with itself; leave it out (an item is always 1× itself) / 不需要与自身比较"
            continue
        if (a, b) in given:
            yield where, f"'{a}' vs '{b}' is judged twice (also item {given[a, b]}); keep one / 同一对判断重复"
        elif (b, a) in given:
            yield where, (
                f"'{a}' vs '{b}' is also given the other way round (item {given[b, a]}); give each pair once, "
                "the reverse is implied (1/value) / 同一对不要正反各填一次"
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
    return f"'{item}' is not one of the items compared here{hint} / 不是本组比较的项目"


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


# -- the computation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """One judgment next to the ratio that all judgments together imply for the same pair."""

    first: str
    second: str
    judged: float  # first is `judged` times as important as second
    implied: float  # w_first / w_second

    @property
    def factor(self) -> float:
        return max(self.judged / self.implied, self.implied / self.judged)


def ahp_weights(items: list[str], jset: JudgmentSet, label: str, allow_inconsistent: bool = False) -> AhpResult:
    """Weights of a validated judgment set; several experts are combined by the element-wise geometric mean.

    Raises `AssessError` naming the most contradictory judgments when CR > 0.10, unless `allow_inconsistent`.
    """
    import numpy as np

    experts = jset.expert_sets(())
    matrices = [judgment_matrix(items, judgments) for _, judgments, _ in experts]
    combined = np.exp(np.mean(np.log(np.stack(matrices)), axis=0))
    weights, lambda_max = principal_eigenvector(combined)
    ci, ri, cr = consistency(lambda_max, len(items))
    result = AhpResult(
        items=list(items),
        weights=[float(w) for w in weights],
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        ri=ri,
        ri_table=RI_TABLE_NAME,
        experts=[name for name, _, _ in experts],
        expert_cr=[consistency(principal_eigenvector(m)[1], len(items))[2] for m in matrices],
    )
    if not result.consistent and not allow_inconsistent:
        raise AssessError(inconsistency_message(result, combined, label))
    return result


def judgment_matrix(items: list[str], judgments: list[Judgment]):
    """The reciprocal matrix A with A[a, b] = v and A[b, a] = 1/v; assumes the set passed the rules above."""
    import numpy as np

    index = {item: n for n, item in enumerate(items)}
    matrix = np.ones((len(items), len(items)))
    for a, b, value in judgments:
        matrix[index[a], index[b]] = value
        matrix[index[b], index[a]] = 1 / value
    return matrix


def principal_eigenvector(matrix) -> tuple[list[float], float]:
    """Normalised Perron vector and its eigenvalue λmax (real and positive for a positive matrix)."""
    import numpy as np

    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return list(vector / vector.sum()), float(values[k].real)


def consistency(lambda_max: float, n: int) -> tuple[float, float, float]:
    """(CI, RI, CR); one or two items cannot contradict each other, so their CR is 0 by definition."""
    if n <= 2:
        return 0.0, 0.0, 0.0
    ci = max((lambda_max - n) / (n - 1), 0.0)  # rounding can put λmax a hair below n
    ri = RANDOM_INDEX[n]
    return ci, ri, ci / ri


def disagreements(result: AhpResult, matrix) -> list[Disagreement]:
    """Every pair's judgment against the ratio the weights imply, most contradicted first."""
    found = []
    for i, j in itertools.combinations(range(len(result.items)), 2):
        judged = float(matrix[i, j])
        first, second = (i, j) if judged >= 1 else (j, i)
        found.append(
            Disagreement(
                first=result.items[first],
                second=result.items[second],
                judged=max(judged, 1 / judged),
                implied=result.weights[first] / result.weights[second],
            )
        )
    return sorted(found, key=lambda d: -d.factor)


def inconsistency_message(result: AhpResult, matrix, label: str) -> str:
    several = len(result.experts) > 1
    lines = [
        f"{label}: the judgments contradict each other too much (CR = {result.cr:.3f}, above {CR_LIMIT:.2f}); "
        "weights from them would not be reliable.",
        f"{label}：成对比较判断前后矛盾较多（一致性比率 CR = {result.cr:.3f}，超过 {CR_LIMIT:.2f}），"
        "据此得出的权重不可靠。",
        "The judgments that disagree most with all the others / 与其他判断最不相符的是："
        + (" (the experts' combined judgment / 专家综合判断)" if several else ""),
    ]
    lines += [disagreement_line(d) for d in disagreements(result, matrix)[:SHOWN_DISAGREEMENTS]]
    by_expert = zip(result.experts, result.expert_cr, strict=True)
    shaky = [f"{name} (CR {cr:.2f})" for name, cr in by_expert if cr > CR_LIMIT]
    if several and shaky:
        lines.append(f"Experts whose own judgments are inconsistent / 自身判断不一致的专家: {', '.join(shaky)}")
    lines.append(
        "Reconsider these judgments, or pass --allow-inconsistent to use the weights anyway. "
        "/ 请重新考虑这些判断，或加 --allow-inconsistent 仍然使用。"
    )
    return "\n".join(lines)


def disagreement_line(d: Disagreement) -> str:
    said = f"  - [{d.first}, {d.second}, {ratio_text(d.judged)}]: "
    if d.implied >= 1:
        return (
            said + f"judged {ratio_text(d.judged)}× as important, but the other judgments put it at about "
            f"{d.implied:.1f}× / 判断为 {ratio_text(d.judged)} 倍，其他判断合起来只支持约 {d.implied:.1f} 倍"
        )
    return (
        said + f"judged {ratio_text(d.judged)}× as important, but the other judgments put {d.second} ahead "
        f"(about {1 / d.implied:.1f}×) / 判断为 {ratio_text(d.judged)} 倍，其他判断却显示 {d.second} 更重要"
        f"（约 {1 / d.implied:.1f} 倍）"
    )


def ratio_text(value: float) -> str:
    """3 as "3", a geometric mean as "2.45": judgments read as people wrote them."""
    return f"{value:g}" if abs(value - round(value)) < 1e-9 else f"{value:.2f}"


def pack_ahp_weights(pack: Pack, allow_inconsistent: bool) -> dict[str, AhpResult]:
    """AHP results of a pack: "dimensions" for the dimension judgments, a dimension id for its indicators.

    Every inconsistent set is reported in one error, so an expert panel can revise them all at once.
    """
    if pack.ahp is None:
        return {}
    sets: list[tuple[str, list[str], JudgmentSet, str]] = []
    if pack.ahp.dimensions is not None:
        sets.append(("dimensions", [d.id for d in pack.dimensions], pack.ahp.dimensions, "ahp.dimensions"))
    indicator_ids = {d.id: [i.id for i in d.indicators] for d in pack.dimensions}
    for dim_id, jset in pack.ahp.indicators.items():
        sets.append((dim_id, indicator_ids[dim_id], jset, f"ahp.indicators.{dim_id}"))
    results: dict[str, AhpResult] = {}
    refused: list[str] = []
    for key, items, jset, label in sets:
        try:
            results[key] = ahp_weights(items, jset, f"pack '{pack.id}' {label}", allow_inconsistent)
        except AssessError as exc:
            refused.append(str(exc))
    if refused:
        raise AssessError("\n\n".join(refused))
    return results


def load_ahp_file(path: Path | str) -> tuple[AhpFile, str]:
    """A standalone judgment file, every problem reported with its line; returns the model and the file name."""
    located = load_yaml(path)
    return build_ahp_file(located), located.file


def build_ahp_file(located: Located) -> AhpFile:
    if not isinstance(located.data, dict):
        message = "an AHP file is a mapping with `items:` and `judgments:` or `experts:` / 格式不对"
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
    return [f"items listed twice: {', '.join(repeated)} / 项目重复"] if repeated else []


def ahp_file_weights(path: Path | str, allow_inconsistent: bool) -> AhpResult:
    spec, name = load_ahp_file(path)
    return ahp_weights(spec.items, spec, name, allow_inconsistent)


# -- terminal output -------------------------------------------------------------------------------

RI_TABLE_TEXT = {"zh": "Saaty（1980）经典随机一致性指标表，n = 3…15", "en": RI_TABLE_DESCRIPTION}


def result_lines(name: str, result: AhpResult, lang: str, titles: dict[str, str] | None = None) -> list[str]:
    """One judgment set as a small table: weights with bars, then λmax, CI, CR and the RI table used."""
    zh = lang == "zh"
    count = len(result.experts)
    if count > 1:
        heading = f"{name}（{count} 位专家，按几何平均合并）" if zh else f"{name} ({count} experts, geometric mean)"
    else:
        heading = name
    width = max(len(i) for i in result.items)
    lines = [heading]
    for item, weight in zip(result.items, result.weights, strict=True):
        title = f"  {titles[item]}" if titles and item in titles else ""
        lines.append(f"  {item:<{width}}  {weight:6.3f}  {'█' * round(weight * 40):<40}{title}".rstrip())
    if result.consistent:
        verdict = "≤ 0.10，一致性可接受" if zh else "≤ 0.10, consistent enough"
    else:
        verdict = "> 0.10，判断不一致，因 --allow-inconsistent 仍使用" if zh else (
            "> 0.10, inconsistent; used because of --allow-inconsistent"
        )
    lines.append(f"  λmax = {result.lambda_max:.3f}   CI = {result.ci:.3f}   CR = {result.cr:.3f} ({verdict})")
    table = f"{result.ri_table}: {RI_TABLE_TEXT['zh' if zh else 'en']}"
    lines.append(f"  RI = {result.ri:.2f}   {'随机一致性指标表' if zh else 'RI table'} {table}")
    if count > 1:
        separator = "；" if zh else "; "
        crs = separator.join(f"{n} {cr:.3f}" for n, cr in zip(result.experts, result.expert_cr, strict=True))
        lines.append(f"  {'各专家 CR' if zh else 'CR of each expert'}: {crs}")
    return lines


def results_export(file: str, results: dict[str, AhpResult]) -> dict:
    """The JSON of `assess ahp`: the same shape for a standalone file (one set, "items") and for a pack."""
    return {
        "file": file,
        "ri_table": RI_TABLE_NAME,
        "ri_table_description": RI_TABLE_DESCRIPTION,
        "cr_limit": CR_LIMIT,
        "sets": {key: {**r.model_dump(), "consistent": r.consistent} for key, r in results.items()},
    }
