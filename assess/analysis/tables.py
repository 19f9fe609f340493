"""The analysis as text tables for the terminal, named by Chinese titles (English with `lang="en"`)."""

from __future__ import annotations

from assess.analysis.groups import group_lines
from assess.packs.model import Pack


def cell(value) -> str:
    return "—" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def analysis_table(data: dict, pack: Pack, lang: str = "zh") -> str:
    zh = lang == "zh"
    dims = {d.id: d.title.get(lang) for d in pack.dimensions}
    lines = [f"{data['community']} · {data['respondents']} " + ("名受访者" if zh else "respondents"), ""]
    lines.append("题目统计" if zh else "Items")
    lines.append("\t".join(["题目", "N", "缺失", "均值", "标准差"] if zh else ["Item", "N", "Missing", "Mean", "SD"]))
    titles = {q.id: q.title.get(lang) for _, _, q in pack.questions()}
    for item in data["items"]:
        lines.append("\t".join([titles[item["id"]], str(item["n"]), str(item["missing"]), cell(item["mean"]),
                                cell(item["sd"])]))
    method = data["reliability"]["method"]
    lines += ["", ("信度（Cronbach's α，" + ("完整作答者" if method == "listwise" else "两两可用") + "）") if zh
              else f"Reliability (Cronbach's alpha, {method})"]
    for scope in data["reliability"]["scopes"]:
        name = dims.get(scope["scope"], "总体" if zh else "Overall")
        why = (scope["not_computed"] or {}).get(lang)
        lines.append(f"{name}\t{cell(scope['alpha'])}\t{scope['items']}" + (f"\t{why}" if why else ""))
    validity = data["validity"]
    lines += ["", "效度" if zh else "Validity"]
    if validity["not_computed"]:
        lines.append(validity["not_computed"][lang])
    else:
        bartlett = validity["bartlett"]
        lines.append(f"KMO = {validity['kmo']:.4f}; Bartlett χ² = {bartlett['chi2']:.2f}, df = {bartlett['df']}, "
                     f"p = {bartlett['p']:.3g}; " + (f"{validity['efa']['factors']} 个因子（方差最大旋转）" if zh
                                                     else f"{validity['efa']['factors']} factors (varimax)"))
        lines += variance_lines(validity["efa"]["variance"], zh)
        off = validity["efa"]["off_dimension"]
        if off:
            lines.append(("载荷落在其他维度因子上的题目：" if zh else "Items loading on another dimension's factor: ")
                         + ("、" if zh else ", ").join(titles[i] for i in off))
    fuzzy = data["fuzzy"]
    lines += ["", "模糊综合评价" if zh else "Fuzzy comprehensive evaluation"]
    grades = [g["zh"] if zh else g["en"] for g in fuzzy["grades"]]
    if fuzzy["left_out"]:
        lines.append(f"（{len(fuzzy['left_out'])} 道是否题不参与模糊综合评价：是/否无法分出五个评语等级）" if zh else
                     f"({len(fuzzy['left_out'])} yes/no items left out: a yes or no cannot be graded on five levels)")
    lines.append("\t".join(["范围" if zh else "Scope", *grades, "得分" if zh else "Score",
                            "评语" if zh else "Fuzzy grade"]))
    rows = ([("总体" if zh else "Overall", fuzzy["overall"])] if fuzzy["overall"] else []) + [
        (dims[d], f) for d, f in fuzzy["dimensions"].items()]
    for name, found in rows:
        lines.append("\t".join([name, *(f"{m:.4f}" for m in found["membership"]), f"{found['score']:.2f}",
                                grades[found["grade"] - 1]]))
    lines += group_lines(data["groups"], zh)
    return "\n".join(lines)


def variance_lines(variance: list[dict], zh: bool) -> list[str]:
    """方差解释率: each factor's variance explained (Σ loading²), its share of the items and the cumulative
    share, as a thesis prints it."""
    head = ["因子", "载荷平方和（旋转后）", "方差解释率", "累计方差解释率"] if zh else [
        "Factor", "SS loadings (rotated)", "% of variance", "Cumulative %"]
    return ["\t".join(head)] + [
        "\t".join([str(n), f"{row['variance']:.4f}", f"{row['share']:.2%}", f"{row['cumulative']:.2%}"])
        for n, row in enumerate(variance, 1)]
