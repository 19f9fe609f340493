"""Benchmarking: which documented case a community's pattern of strong and weak dimensions resembles, and
which cases did well where the community is weak.

A case is known only through the coded levels of its profile (see `assess.cases`), so the comparison works
on that scale. A community dimension is weak when its score is below `weak_below`: the start of the pack's
second-lowest grade band (60 in the core pack) or the midpoint between the coded weak and mixed estimates,
whichever is higher -- so "weak" means the same here as in the score table. Any other score is placed at
mixed or strength by its nearest coded estimate (`CodingScale.classify`). Over the dimensions that both
the community scored and the case reports:

    agreement  = mean over shared dimensions of 1 − |rank(community level) − rank(case level)| / 2
                 (ranks weak 0, mixed 1, strength 2: same level 1, one step apart 0.5, opposite 0)
    closeness  = 1 − min(mean |community score − case estimate|, 50) / 50
    similarity = 0.5 × agreement + 0.5 × closeness                      (0 to 1)

A case needs at least `MIN_SHARED` shared dimensions to be ranked; dimensions a case does not report are
left out, never counted as zero. Ties go to the case with more shared dimensions. The nearest case is the
best-ranked thesis (exemplars are second-hand and report no problems or causes to learn from).
`benchmark()` is a pure function of a ScoreResult, so tests and the report can call it directly.
"""

from __future__ import annotations

from statistics import fmean

from assess.cases.profiles import CaseProfile, CodedLevel, CodingScale, Practice, coding_scale
from assess.errors import AssessError
from assess.i18n import Lang, Vocabulary, bracketed
from assess.packs.model import Pack, Text
from assess.packs.theses import thesis_by_file
from assess.scoring.output import display_width, pad
from assess.scoring.results import DimensionScore, PackRef, Result, ScoreResult

MIN_SHARED = 3
LEVEL_WEIGHT = 0.5
DIFFERENCE_SPAN = 50.0
DIGITS = 3
METHOD_ID = "level-agreement-and-distance/1"

METHOD_TEXT = Text(
    zh=(
        "薄弱线取指标包最低等级段的上限（核心指标包为 60 分）与“薄弱”“有成效也有不足”两个编码估计值中点中的较高者，"
        "低于薄弱线的维度为薄弱；其余维度按最接近的编码估计值归入“有成效也有不足”或“优势”。"
        "只比较社区已评分且案例摘要涉及的维度：等级一致度 = 各共同维度 1 − |社区等级 − 案例等级| / 2 的平均"
        "（等级相同为 1，相差一级为 0.5，相反为 0）；接近度 = 1 − min(社区得分与案例编码估计值的平均绝对差, 50) / 50；"
        "相似度 = 0.5 × 等级一致度 + 0.5 × 接近度。共同维度少于 3 个的案例不参与排序；案例未涉及的维度不计入，"
        "也不按零分计算。相似度相同时，共同维度多者在前。"
    ),
    en=(
        "The weak line is the top of the pack's lowest grade band (60 in the core pack) or the midpoint between "
        "the coded weak and mixed estimates, whichever is higher; a dimension below it is weak, any other is "
        "placed at mixed or strength by its nearest coded estimate. Only dimensions the community scored and the "
        "case reports are compared: agreement = mean over them of 1 − |community level − case level| / 2 (same "
        "level 1, one step apart 0.5, opposite 0); closeness = 1 − min(mean absolute difference between score and "
        "coded estimate, 50) / 50; similarity = 0.5 × agreement + 0.5 × closeness. A case with fewer than 3 shared "
        "dimensions is not ranked; dimensions a case does not report are left out, not counted as zero. Ties go to "
        "the case with more shared dimensions."
    ),
)


class CommunityDimension(Result):
    id: str
    title: Text
    score: float | None  # None when unanswered or answered too sparsely (insufficient_data)
    level: CodedLevel | None
    weak: bool


class DimensionComparison(Result):
    id: str
    title: Text
    community_score: float | None
    community_level: CodedLevel | None
    case_level: CodedLevel
    case_estimate: float
    difference: float | None  # community score − case estimate
    evidence: list[str]


class CaseSource(Result):
    kind: str  # thesis | exemplar
    seed: str
    thesis: Text  # the place the (citing) thesis studied
    second_hand: bool


class CaseComparison(Result):
    id: str
    name: Text
    source: CaseSource
    similarity: float | None  # None when fewer than MIN_SHARED dimensions are shared
    shared: int
    agreement: float | None
    mean_abs_difference: float | None
    reason: Text
    dimensions: list[DimensionComparison]


class Nearest(Result):
    id: str
    name: Text
    similarity: float
    reason: Text
    problems: list[Text]
    causes: list[Text]


class ExemplarPractice(Result):
    id: str
    name: Text
    description: Text
    results: Text | None
    evidence: str


class Exemplar(Result):
    id: str
    name: Text
    source: CaseSource
    level: CodedLevel  # strength; mixed only where no case is coded strength in the dimension
    evidence: list[str]
    note: Text | None
    practices: list[ExemplarPractice]


class WeakDimension(Result):
    id: str
    title: Text
    community_score: float
    cases: list[Exemplar]  # cases coded `strength` here (else `mixed` ones naming a practice); theses first


class BenchmarkMethod(Result):
    id: str
    description: Text
    estimates: dict[str, float]
    min_shared: int
    level_weight: float
    difference_span: float
    weak_below: float


class BenchmarkResult(Result):
    community: str
    pack: PackRef
    caveat: Text
    method: BenchmarkMethod
    comparable: bool
    message: Text | None = None
    community_dimensions: list[CommunityDimension]
    cases: list[CaseComparison]
    nearest: Nearest | None
    exemplars: list[WeakDimension]


def benchmark(
    result: ScoreResult, cases: list[CaseProfile], pack: Pack, scale: CodingScale | None = None
) -> BenchmarkResult:
    """Compare `result` with every case; rank only when enough dimensions can be compared."""
    scale = scale or coding_scale()
    if result.pack.id != pack.id:
        raise AssessError(
            f"the scores were computed with pack '{result.pack.id}', not '{pack.id}'; use the same --pack for both "
            "/ 评分与对标所用指标包不一致"
        )
    threshold = weak_threshold(pack, scale)
    community = community_dimensions(result, pack, scale, threshold)
    # When too few dimensions are usable, every case has fewer than MIN_SHARED shared ones and stays unranked.
    message = sparse_message(community, cases)
    ranked = sorted((compare_case(case, community, scale) for case in cases), key=ranking_key)
    return BenchmarkResult(
        community=result.community.name,
        pack=result.pack,
        caveat=scale.caveat,
        method=BenchmarkMethod(
            id=METHOD_ID,
            description=METHOD_TEXT,
            estimates=dict(scale.estimates),
            min_shared=MIN_SHARED,
            level_weight=LEVEL_WEIGHT,
            difference_span=DIFFERENCE_SPAN,
            weak_below=threshold,
        ),
        comparable=message is None,
        message=message,
        community_dimensions=community,
        cases=ranked,
        nearest=nearest_case(ranked, cases),
        exemplars=exemplars_for_weak(community, cases),
    )


def weak_threshold(pack: Pack, scale: CodingScale) -> float:
    bands = pack.grade_bands  # sorted from the highest start down; the last starts at 0
    above_lowest = bands[-2].min if len(bands) > 1 else 0.0
    return max(above_lowest, (scale.estimates["weak"] + scale.estimates["mixed"]) / 2)


def community_dimensions(
    result: ScoreResult, pack: Pack, scale: CodingScale, threshold: float
) -> list[CommunityDimension]:
    """The community's dimensions in pack order; a dimension answered too sparsely counts as unscored."""
    by_id = {d.id: d for d in result.dimensions}
    rows = []
    for dim in pack.dimensions:
        scored = by_id.get(dim.id)
        score = usable_score(scored)
        weak = score is not None and score < threshold
        rows.append(
            CommunityDimension(
                id=dim.id,
                title=scored.title if scored else dim.title,
                score=score,
                level=None if score is None else "weak" if weak else scale.classify(score),
                weak=weak,
            )
        )
    return rows


def usable_score(dimension: DimensionScore | None) -> float | None:
    if dimension is None or dimension.insufficient_data:
        return None
    return dimension.score


def compare_case(case: CaseProfile, community: list[CommunityDimension], scale: CodingScale) -> CaseComparison:
    rows = []
    for dim in community:
        coding = case.coded(dim.id)
        if coding is None:
            continue  # not reported by the case: left out, never counted as zero
        estimate = scale.estimates[coding.level]
        rows.append(
            DimensionComparison(
                id=dim.id,
                title=dim.title,
                community_score=dim.score,
                community_level=dim.level,
                case_level=coding.level,
                case_estimate=estimate,
                difference=round(dim.score - estimate, 2) if dim.score is not None else None,
                evidence=coding.evidence,
            )
        )
    shared = [r for r in rows if r.community_score is not None]
    agreement = closeness = similarity = mad = None
    if len(shared) >= MIN_SHARED:
        agreement = fmean(level_agreement(r.community_level, r.case_level, scale) for r in shared)
        mad = fmean(abs(r.difference) for r in shared)
        closeness = 1 - min(mad, DIFFERENCE_SPAN) / DIFFERENCE_SPAN
        similarity = round(LEVEL_WEIGHT * agreement + (1 - LEVEL_WEIGHT) * closeness, DIGITS)
    return CaseComparison(
        id=case.id,
        name=case.name,
        source=case_source(case),
        similarity=similarity,
        shared=len(shared),
        agreement=round(agreement, DIGITS) if agreement is not None else None,
        mean_abs_difference=round(mad, 2) if mad is not None else None,
        reason=comparison_reason(shared, mad),
        dimensions=rows,
    )


def level_agreement(community: CodedLevel, case: CodedLevel, scale: CodingScale) -> float:
    steps = len(scale.estimates) - 1
    return 1 - abs(scale.rank(community) - scale.rank(case)) / steps


def case_source(case: CaseProfile) -> CaseSource:
    thesis = thesis_by_file(case.seed)
    place = thesis.place if thesis else Text(zh=case.seed, en=case.seed)
    return CaseSource(kind=case.kind, seed=case.seed, thesis=place, second_hand=case.second_hand)


def comparison_reason(shared: list[DimensionComparison], mad: float | None) -> Text:
    """One line saying why a case ranks where it does: level matches, average distance, closest and furthest."""
    if mad is None:
        return Text(
            zh=f"只有 {len(shared)} 个共同维度，少于 {MIN_SHARED} 个，不参与比较",
            en=f"only {len(shared)} shared dimension(s), fewer than {MIN_SHARED}: not compared",
        )
    same = sum(1 for r in shared if r.community_level == r.case_level)
    closest = min(shared, key=lambda r: (abs(r.difference), r.id))
    furthest = max(shared, key=lambda r: (abs(r.difference), r.id))
    return Text(
        zh=(
            f"{len(shared)} 个共同维度中 {same} 个等级一致，与编码估计值平均相差 {mad:.1f} 分；"
            f"最接近：{closest.title.zh}，差距最大：{furthest.title.zh}"
        ),
        en=(
            f"same level in {same} of {len(shared)} shared dimensions, {mad:.1f} points from the coded estimates "
            f"on average; closest on {closest.title.en}, furthest on {furthest.title.en}"
        ),
    )


def ranking_key(comparison: CaseComparison) -> tuple:
    unranked = comparison.similarity is None
    return (unranked, -(comparison.similarity or 0.0), -comparison.shared, comparison.id)


def sparse_message(community: list[CommunityDimension], cases: list[CaseProfile]) -> Text | None:
    """Why no ranking is given, or None: fewer than MIN_SHARED scored dimensions that any case reports."""
    coded = {dim for case in cases for dim in case.levels if case.coded(dim) is not None}
    usable = [d for d in community if d.score is not None and d.id in coded]
    if len(usable) >= MIN_SHARED:
        return None
    to_answer = [d for d in community if d.score is None and d.id in coded]
    zh = (
        f"只有 {len(usable)} 个维度既有足够的回答、又在案例中有编码，至少需要 {MIN_SHARED} 个才能与案例比较，"
        "因此不与案例对标。"
    )
    en = (
        f"Only {len(usable)} dimension(s) have enough answers and are coded in the case profiles; at least "
        f"{MIN_SHARED} are needed to compare with the cases, so no comparison is given."
    )
    if to_answer:
        zh += f"请先补充填写以下维度的题目：{'、'.join(d.title.zh for d in to_answer)}。"
        en += f" Answer the questions of these dimensions first: {', '.join(d.title.en for d in to_answer)}."
    else:
        zh += "本指标包的其他维度在案例中没有编码；如使用自定义指标包，请沿用核心指标包的维度编号。"
        en += (
            " The pack's other dimensions are not coded in the cases; a custom pack must keep the core pack's "
            "dimension ids."
        )
    return Text(zh=zh, en=en)


def nearest_case(ranked: list[CaseComparison], cases: list[CaseProfile]) -> Nearest | None:
    by_id = {c.id: c for c in cases}
    best = next((c for c in ranked if c.similarity is not None and c.source.kind == "thesis"), None)
    if best is None:
        return None
    case = by_id[best.id]
    return Nearest(
        id=best.id,
        name=best.name,
        similarity=best.similarity,
        reason=best.reason,
        problems=[p.text for p in case.problems],
        causes=[c.text for c in case.causes],
    )


def exemplars_for_weak(community: list[CommunityDimension], cases: list[CaseProfile]) -> list[WeakDimension]:
    """For each weak dimension, the cases to learn from and the practices they name for it.

    Those are the cases coded `strength` there. Where no case is, the cases coded `mixed` that name a practice
    for the dimension stand in, marked by their level: a practice with reported results is still worth a look
    when the same thesis also found problems in that area.
    """
    ordered = sorted(cases, key=lambda c: (c.second_hand, c.id))
    rows = []
    for dim in community:
        if not dim.weak or dim.score is None:
            continue
        level: CodedLevel = "strength"
        chosen = cases_coded(ordered, dim.id, level)
        if not chosen:
            level = "mixed"
            chosen = [c for c in cases_coded(ordered, dim.id, level) if c.practices_in(dim.id)]
        rows.append(
            WeakDimension(
                id=dim.id,
                title=dim.title,
                community_score=dim.score,
                cases=[exemplar(case, dim.id, level) for case in chosen],
            )
        )
    return rows


def cases_coded(cases: list[CaseProfile], dimension: str, level: CodedLevel) -> list[CaseProfile]:
    return [c for c in cases if (coding := c.coded(dimension)) is not None and coding.level == level]


def exemplar(case: CaseProfile, dimension: str, level: CodedLevel) -> Exemplar:
    coding = case.levels[dimension]
    return Exemplar(
        id=case.id,
        name=case.name,
        source=case_source(case),
        level=level,
        evidence=coding.evidence,
        note=coding.note,
        practices=[exemplar_practice(p) for p in case.practices_in(dimension)],
    )


def exemplar_practice(practice: Practice) -> ExemplarPractice:
    return ExemplarPractice(
        id=practice.id,
        name=practice.name,
        description=practice.description,
        results=practice.results,
        evidence=practice.evidence,
    )


# -- reading a benchmark for people -------------------------------------------------------------------------

WORDS = Vocabulary({
    "heading": ("与论文案例对标", "Benchmark against the thesis cases"),
    "scale": ("案例等级{caveat}（{estimates}）；本社区低于 {weak:g} 分的维度视为薄弱。",
              "Case levels are {caveat} ({estimates}); a community dimension below {weak:g} counts as weak."),
    "nearest": ("最相近的论文案例", "Nearest thesis case"),
    "similarity": ("相似度", "similarity"),
    "reason": ("理由", "why"),
    "problems": ("该论文发现的问题", "Problems the thesis found"),
    "causes": ("该论文分析的原因", "Causes the thesis gives"),
    "ranking": ("与各案例的相似度", "Similarity to each case"),
    "per_case": ("逐维度对照（只列案例摘要涉及的维度）", "Dimension by dimension (only what each case reports)"),
    "columns": ("维度|本社区|案例等级（编码估计）|差值", "Dimension|Community|Case level (coded estimate)|Difference"),
    "thesis": ("论文", "thesis"),
    "second_hand": ("二手，见{place}论文", "second-hand, via the {place} thesis"),
    "second_hand_short": ("二手", "second-hand"),
    "exemplars": ("薄弱维度可借鉴的案例", "Cases that did well where the community is weak"),
    "no_weak": ("没有低于 {weak:g} 分的维度。", "No dimension is below {weak:g}."),
    "no_strong": (
        "没有案例在此维度被编码为优势，被编码为“有成效也有不足”的案例也没有报告此维度的做法。",
        "No case is coded as a strength here, and no case coded mixed names a practice for it.",
    ),
    "mixed_only": (
        "没有案例在此维度被编码为优势；以下案例在此维度有成效也有不足，可借鉴其做法：",
        "No case is coded as a strength here; these cases are coded mixed, with practices worth a look:",
    ),
    "points": ("分", "points"),
    "abstract": ("摘要原文", "abstract"),
    "practice": ("做法", "practice"),
    "method": ("计算方法", "Method"),
})


word = WORDS.word


heading = WORDS.heading


def benchmark_lines(result: BenchmarkResult, lang: Lang) -> list[str]:
    """The readable benchmark: nearest case and why, the ranking, each case's dimensions, then exemplars."""
    separator = "、" if lang == "zh" else ", "
    estimates = separator.join(f"{label_of(level, lang)} {value:g}" for level, value in result.method.estimates.items())
    if result.message is not None:  # nothing to compare: a table of dashes would only mislead
        return [f"{heading('heading', lang)}{result.community}", "", result.message.get(lang)]
    lines = [
        f"{heading('heading', lang)}{result.community}",
        word("scale", lang).format(caveat=result.caveat.get(lang), estimates=estimates, weak=result.method.weak_below),
        "",
    ]
    if result.nearest is not None:
        lines += nearest_lines(result.nearest, lang) + [""]
    lines += ranking_lines(result, lang) + [""]
    lines += comparison_lines(result, lang) + [""]
    lines += exemplar_lines(result, lang) + [""]
    lines += [f"{heading('method', lang)}{result.method.description.get(lang)}"]
    return lines


def label_of(level: str, lang: Lang) -> str:
    return coding_scale().label(level, lang)  # type: ignore[arg-type]


def case_tag(name: Text, source: CaseSource, lang: Lang, *, full: bool = False) -> str:
    """A case's name with whether it is a thesis or second-hand (and, in full, through which thesis)."""
    if not source.second_hand:
        tag = word("thesis", lang)
    elif full:
        tag = word("second_hand", lang).format(place=source.thesis.get(lang))
    else:
        tag = word("second_hand_short", lang)
    return name.get(lang) + bracketed(tag, lang)


def nearest_lines(nearest: Nearest, lang: Lang) -> list[str]:
    lines = [
        f"{heading('nearest', lang)}{nearest.name.get(lang)}  {word('similarity', lang)} {nearest.similarity:.2f}",
        f"  {heading('reason', lang)}{nearest.reason.get(lang)}",
    ]
    for key, texts in (("problems", nearest.problems), ("causes", nearest.causes)):
        if texts:
            lines.append(f"  {heading(key, lang)}".rstrip())
            lines += [f"    - {t.get(lang)}" for t in texts]
    return lines


def ranking_lines(result: BenchmarkResult, lang: Lang) -> list[str]:
    lines = [heading("ranking", lang).rstrip()]
    width = max(display_width(case_tag(c.name, c.source, lang)) for c in result.cases) if result.cases else 0
    for n, case in enumerate(result.cases, 1):
        similarity = f"{case.similarity:.2f}" if case.similarity is not None else "—"
        rank = f"{n:>2}." if case.similarity is not None else "  -"
        lines.append(f"  {rank} {pad(case_tag(case.name, case.source, lang), width)}  {similarity}")
        lines.append(f"      {case.reason.get(lang)}")
    return lines


def comparison_lines(result: BenchmarkResult, lang: Lang) -> list[str]:
    heads = word("columns", lang).split("|")
    lines = [heading("per_case", lang).rstrip()]
    for case in result.cases:
        lines.append(f"  {case_tag(case.name, case.source, lang)}")
        rows = [heads] + [comparison_row(d, lang) for d in case.dimensions]
        widths = [max(display_width(row[i]) for row in rows) for i in range(len(heads))]
        lines += ["    " + "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return lines


def comparison_row(dim: DimensionComparison, lang: Lang) -> list[str]:
    community = "—"
    if dim.community_score is not None and dim.community_level is not None:
        community = f"{dim.community_score:.2f} {label_of(dim.community_level, lang)}"
    return [
        dim.title.get(lang),
        community,
        f"{label_of(dim.case_level, lang)} ({dim.case_estimate:g})",
        f"{dim.difference:+.2f}" if dim.difference is not None else "—",
    ]


def exemplar_lines(result: BenchmarkResult, lang: Lang) -> list[str]:
    lines = [heading("exemplars", lang).rstrip()]
    if not result.exemplars:
        return lines + ["  " + word("no_weak", lang).format(weak=result.method.weak_below)]
    for weak in result.exemplars:
        points = f"{weak.community_score:.2f} {word('points', lang)}"
        lines.append(f"  {weak.title.get(lang)}{bracketed(points, lang)}")
        if not weak.cases:
            lines.append("    " + word("no_strong", lang))
        elif weak.cases[0].level == "mixed":
            lines.append("    " + word("mixed_only", lang))
        for case in weak.cases:
            quoted = "; ".join(f"“{e}”" for e in case.evidence)
            tag = case_tag(case.name, case.source, lang, full=True)
            lines.append(f"    - {tag} — {heading('abstract', lang)}{quoted}")
            if case.note is not None:
                lines.append(f"      {case.note.get(lang)}")
            for practice in case.practices:
                lines.append(
                    f"      {heading('practice', lang)}{practice.name.get(lang)} — {practice.description.get(lang)}"
                )
    return lines
