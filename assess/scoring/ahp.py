"""AHP weights from pairwise judgments (Saaty's analytic hierarchy process).

Districts often want weights that their own experts agreed on rather than the pack's declared ones. Experts
say, pair by pair, how many times more important one item is than another (Saaty's 1-9 scale); the weights
are the principal eigenvector of that judgment matrix, and the consistency ratio CR tells whether the
judgments contradict each other too much to be trusted (Saaty's rule: CR above 0.10 is refused).

The judgment format (a pack's `ahp:` block, a file for `assess ahp FILE`) is the packs stage's
(`assess.packs.judgments`); this module computes with it. numpy is imported inside the computation, so
that commands which never weigh by AHP do not pay for importing it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from assess.errors import AssessError
from assess.packs.judgments import Judgment, JudgmentSet, as_written, load_ahp_file
from assess.scoring.output import display_width, pad

if TYPE_CHECKING:
    from assess.packs.ahp_workbook import SheetSet
    from assess.packs.model import Pack


CR_LIMIT = 0.10
SHOWN_DISAGREEMENTS = 3

RI_TABLE_NAME = "saaty-1980"  # the default, named in every output
# Random consistency indices by matrix size, n = 3…15; n = 1, 2 are always consistent (CR = 0).
RI_TABLES: dict[str, dict[int, float]] = {
    # Saaty, The Analytic Hierarchy Process (1980): the classic table of most textbooks and theses
    "saaty-1980": {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48,
                   13: 1.56, 14: 1.57, 15: 1.59},
    # Donegan & Dodd, "A note on Saaty's random indexes", Mathematical and Computer Modelling 15:10 (1991);
    # AHPy's default
    "donegan-dodd-1991": {3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171, 9: 1.3733,
                          10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969},
    # Saaty, Theory and Applications of the Analytic Network Process (2005), p. 31
    "saaty-2005": {3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45, 10: 1.49, 11: 1.52, 12: 1.54,
                   13: 1.56, 14: 1.58, 15: 1.59},
}
RI_TABLE_TEXT = {
    "saaty-1980": ("Saaty（1980）经典随机一致性指标表，n = 3…15",
                   "Saaty's classic random index (The Analytic Hierarchy Process, 1980), n = 3…15"),
    "donegan-dodd-1991": ("Donegan 与 Dodd（1991）随机一致性指标表，n = 3…15",
                          "Donegan & Dodd's random index (Mathematical and Computer Modelling, 1991), n = 3…15"),
    "saaty-2005": ("Saaty（2005）随机一致性指标表，n = 3…15",
                   "Saaty's random index (Theory and Applications of the Analytic Network Process, 2005), n = 3…15"),
}
RANDOM_INDEX = RI_TABLES[RI_TABLE_NAME]


class AhpResult(BaseModel):
    """Weights of one judgment set and the consistency figures a reader needs to trust them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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


@dataclass(frozen=True)
class SetNames:
    """How a refusal names a judgment set and its items: by the titles the experts read (a workbook's row
    and column titles, a pack's titles), and where the judgments sit, so nobody has to decode an id."""

    zh: str  # the set, e.g. 专家打分表 张老师.xlsx 的工作表“维度”
    en: str
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # item id -> (Chinese, English) title
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (row item, column item) -> "D4"

    def title(self, item: str, lang: str) -> str:
        zh, en = self.titles.get(item, (item, item))
        return zh if lang == "zh" else en



def ahp_weights(items: list[str], jset: JudgmentSet, label: str | SetNames, allow_inconsistent: bool = False,
                ri_table: str = RI_TABLE_NAME) -> AhpResult:
    """Weights of a validated judgment set; several experts are combined by the element-wise geometric mean.

    Raises `AssessError` naming the most contradictory judgments when CR > 0.10, unless `allow_inconsistent`;
    `label` names the set (a file name, or `SetNames` with the items' titles and cells).
    """
    import numpy as np

    experts = jset.expert_sets((), items)
    matrices = [judgment_matrix(items, judgments) for _, judgments, _ in experts]
    combined = np.exp(np.mean(np.log(np.stack(matrices)), axis=0))
    weights, lambda_max = principal_eigenvector(combined)
    ci, ri, cr = consistency(lambda_max, len(items), ri_table)
    result = AhpResult(
        items=list(items),
        weights=[float(w) for w in weights],
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        ri=ri,
        ri_table=ri_table,
        experts=[name for name, _, _ in experts],
        expert_cr=[consistency(principal_eigenvector(m)[1], len(items), ri_table)[2] for m in matrices],
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


def consistency(lambda_max: float, n: int, ri_table: str = RI_TABLE_NAME) -> tuple[float, float, float]:
    """(CI, RI, CR); one or two items cannot contradict each other, so their CR is 0 by definition."""
    if n <= 2:
        return 0.0, 0.0, 0.0
    ci = max((lambda_max - n) / (n - 1), 0.0)  # rounding can put λmax a hair below n
    ri = RI_TABLES[ri_table][n]
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


def inconsistency_message(result: AhpResult, matrix, label: str | SetNames) -> str:
    names = label if isinstance(label, SetNames) else SetNames(label, label)
    several = len(result.experts) > 1
    lines = [
        f"{names.zh}：成对比较判断前后矛盾较多（一致性比率 CR = {result.cr:.3f}，超过 {CR_LIMIT:.2f}），"
        f"据此得出的权重不可靠。 / {names.en}: the judgments contradict each other too much "
        f"(CR = {result.cr:.3f}, above {CR_LIMIT:.2f}); "
        "weights from them would not be reliable.",
        "与其他判断最不相符的是 / The judgments that disagree most with all the others"
        + ("（专家综合判断 / the experts' combined judgment）" if several else "") + ":",
    ]
    lines += [disagreement_line(d, names, several) for d in disagreements(result, matrix)[:SHOWN_DISAGREEMENTS]]
    by_expert = zip(result.experts, result.expert_cr, strict=True)
    shaky = [f"{name} (CR {cr:.2f})" for name, cr in by_expert if cr > CR_LIMIT]
    if several and shaky:
        lines.append(f"自身判断不一致的专家 / Experts whose own judgments are inconsistent: {', '.join(shaky)}")
    lines.append(
        "请重新考虑这些判断，或加 --allow-inconsistent 仍然使用。 / "
        "Reconsider these judgments, or pass --allow-inconsistent to use the weights anyway."
    )
    return "\n".join(lines)


def disagreement_line(d: Disagreement, names: SetNames, several: bool) -> str:
    """One judgment in words, Chinese then English: 「甲」比「乙」重要 5 倍（D4 格填 1/5）：其他判断…"""
    first_zh, second_zh = names.title(d.first, "zh"), names.title(d.second, "zh")
    first_en, second_en = names.title(d.first, "en"), names.title(d.second, "en")
    judged = ratio_text(d.judged)
    zh = f"「{first_zh}」比「{second_zh}」重要 {judged} 倍"
    en = f"“{first_en}” {judged}× as important as “{second_en}”"
    cell = names.cells.get((d.first, d.second)) or names.cells.get((d.second, d.first))
    if cell and several:
        zh, en = zh + f"（{cell} 格）", en + f" (cell {cell})"
    elif cell:  # the value as the expert wrote it: the cell holds row vs column
        written = as_written(d.judged if (d.first, d.second) in names.cells else 1 / d.judged)
        zh, en = zh + f"（{cell} 格填 {written}）", en + f" (cell {cell}: {written})"
    if abs(d.implied - 1) < 0.05:
        zh += "：其他判断合起来显示两者约同等重要"
        en += ": the other judgments make them about equally important"
    elif d.implied > 1:
        zh += f"：其他判断合起来只支持约 {d.implied:.1f} 倍"
        en += f": the other judgments put it at about {d.implied:.1f}×"
    else:
        zh += f"：其他判断却显示「{second_zh}」更重要（约 {1 / d.implied:.1f} 倍）"
        en += f": the other judgments put “{second_en}” ahead (about {1 / d.implied:.1f}×)"
    return f"  - {zh} / {en}"


def ratio_text(value: float) -> str:
    """3 as "3", a geometric mean as "2.45": judgments read as people wrote them."""
    return f"{value:g}" if abs(value - round(value)) < 1e-9 else f"{value:.2f}"


def pack_ahp_weights(pack: Pack, allow_inconsistent: bool, ri_table: str = RI_TABLE_NAME) -> dict[str, AhpResult]:
    """AHP results of a pack: "dimensions" for the dimension judgments, a dimension id for its indicators.

    Every inconsistent set is reported in one error, so an expert panel can revise them all at once.
    """
    if pack.ahp is None:
        return {}
    titles = {e.id: (e.title.zh, e.title.en) for e in [*pack.dimensions, *(i for _, i in pack.indicators())]}
    sets: list[tuple[str, list[str], JudgmentSet, SetNames]] = []
    if pack.ahp.dimensions is not None:
        names = SetNames(f"指标包“{pack.title.zh}”中各维度之间的判断（ahp: 部分）",
                         f"the judgments among the dimensions in the pack “{pack.title.en}” (its ahp: part)", titles)
        sets.append(("dimensions", [d.id for d in pack.dimensions], pack.ahp.dimensions, names))
    by_id = {d.id: d for d in pack.dimensions}
    for dim_id, jset in pack.ahp.indicators.items():
        dim = by_id[dim_id]
        names = SetNames(f"指标包“{pack.title.zh}”中“{dim.title.zh}”各指标之间的判断（ahp: 部分）",
                         f"the judgments among the indicators of “{dim.title.en}” in the pack “{pack.title.en}” "
                         "(its ahp: part)", titles)
        sets.append((dim_id, [i.id for i in dim.indicators], jset, names))
    results: dict[str, AhpResult] = {}
    refused: list[str] = []
    for key, items, jset, names in sets:
        try:
            results[key] = ahp_weights(items, jset, names, allow_inconsistent, ri_table)
        except AssessError as exc:
            refused.append(str(exc))
    if refused:
        raise AssessError("\n\n".join(refused))
    return results


def workbook_ahp_weights(paths: list[Path], pack: Pack | None, allow_inconsistent: bool,
                         ri_table: str = RI_TABLE_NAME) -> dict[str, AhpResult]:
    """AHP results of filled-in expert workbooks (`packs.ahp_workbook`), one per judgment set; every
    inconsistent set reported in one error, as for a pack, naming items and cells as the sheets show them."""
    from assess.packs.ahp_workbook import read_workbooks

    results: dict[str, AhpResult] = {}
    refused: list[str] = []
    for key, read in read_workbooks(paths, pack).items():
        try:
            results[key] = ahp_weights(read.items, read.judgments, sheet_names(read), allow_inconsistent, ri_table)
        except AssessError as exc:
            refused.append(str(exc))
    if refused:
        raise AssessError("\n\n".join(refused))
    return results


def sheet_names(read: SheetSet) -> SetNames:
    """A workbook's set named by its sheet(s), its items by their row titles, each judgment by its cell."""
    from assess.packs.ahp_workbook import judgment_cell

    sheets = list(dict.fromkeys(title for _, title in read.places))
    files = list(dict.fromkeys(Path(file).name for file, _ in read.places))
    sheet_zh = "、".join(f"“{t}”" for t in sheets)
    sheet_en = ", ".join(sheets)
    titles = {item: (title, title) for item, title in zip(read.items, read.titles, strict=True)}
    cells = {(read.items[i], read.items[j]): judgment_cell(i, j)
             for i, j in itertools.combinations(range(len(read.items)), 2)}
    return SetNames(f"专家打分表 {'、'.join(files)} 的工作表{sheet_zh}",
                    f"the experts' workbook {', '.join(files)}, sheet {sheet_en}", titles, cells)


def ahp_file_weights(path: Path | str, allow_inconsistent: bool, ri_table: str = RI_TABLE_NAME,
                     named_by: Pack | None = None) -> AhpResult:
    """Weights of a judgment file; an item that `named_by` knows is named by its title in a refusal."""
    spec, name = load_ahp_file(path)
    titles = {e.id: (e.title.zh, e.title.en)
              for e in [*named_by.dimensions, *(i for _, i in named_by.indicators())]} if named_by else {}
    return ahp_weights(spec.items, spec, SetNames(name, name, titles), allow_inconsistent, ri_table)


# -- terminal output -------------------------------------------------------------------------------

def result_lines(name: str, result: AhpResult, lang: str, titles: dict[str, str] | None = None) -> list[str]:
    """One judgment set as a small table: weights with bars, then λmax, CI, CR and the RI table used."""
    zh = lang == "zh"
    count = len(result.experts)
    if count > 1:
        heading = f"{name}（{count} 位专家，按几何平均合并）" if zh else f"{name} ({count} experts, geometric mean)"
    else:
        heading = name
    titles = titles or {}
    # Chinese output names each item by its title where the pack has one; English gives the id and the title
    labels = [titles.get(i, i) if zh else i for i in result.items]
    width = max(display_width(label) for label in labels)
    lines = [heading]
    for item, label, weight in zip(result.items, labels, result.weights, strict=True):
        title = f"  {titles[item]}" if item in titles and not zh else ""
        lines.append(f"  {pad(label, width)}  {weight:6.3f}  {'█' * round(weight * 40):<40}{title}".rstrip())
    if result.consistent:
        verdict = "≤ 0.10，一致性可接受" if zh else "≤ 0.10, consistent enough"
    else:
        verdict = "> 0.10，判断不一致，因 --allow-inconsistent 仍使用" if zh else (
            "> 0.10, inconsistent; used because of --allow-inconsistent"
        )
    lines.append(f"  λmax = {result.lambda_max:.3f}   CI = {result.ci:.3f}   CR = {result.cr:.3f} ({verdict})")
    text = RI_TABLE_TEXT[result.ri_table]
    table = text[0] if zh else f"{result.ri_table}: {text[1]}"
    lines.append(f"  RI = {result.ri:.2f}   {'随机一致性指标表' if zh else 'RI table'} {table}")
    if count > 1:
        separator = "；" if zh else "; "
        crs = separator.join(f"{n} {cr:.3f}" for n, cr in zip(result.experts, result.expert_cr, strict=True))
        lines.append(f"  {'各专家 CR' if zh else 'CR of each expert'}: {crs}")
    return lines


def results_export(file: str, results: dict[str, AhpResult]) -> dict:
    """The JSON of `assess ahp`: the same shape for a standalone file (one set, "items") and for a pack."""
    table = next(iter(results.values())).ri_table if results else RI_TABLE_NAME
    return {
        "file": file,
        "ri_table": table,
        "ri_table_description": RI_TABLE_TEXT[table][1],
        "cr_limit": CR_LIMIT,
        "sets": {key: {**r.model_dump(), "consistent": r.consistent} for key, r in results.items()},
    }
