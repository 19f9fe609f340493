"""From a community's scores to a prioritized action plan.

Only indicators scored below their target count. An action's priority is the number of overall-score
points it addresses -- for each weak indicator it names, the indicator's effective weight in the overall
score times its gap to target -- discounted by the effort it takes:

    priority = effort_factor × Σ_(weak indicators it addresses) weight × (target − score)

The sum is what the overall score would gain if those indicators reached their targets, so priorities are
comparable across communities and packs. `recommend()` is a pure function of a ScoreResult, the library
and the pack; the CLI prints what it returns and the report renders the same model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assess.actions.library import (
    ACTOR_NAMES,
    EFFORT_NAMES,
    HORIZON_NAMES,
    Countermeasure,
    CountermeasureSource,
    Library,
    PracticeNote,
    practice_key,
)
from assess.errors import AssessError
from assess.i18n import Lang, Vocabulary
from assess.packs.model import Pack, Text
from assess.packs.theses import thesis_by_file
from assess.responses.answer_file import Community
from assess.scoring.results import IndicatorScore, Overall, PackRef, Result, ScoreResult

EFFORT_FACTORS: dict[str, float] = {"low": 1.0, "medium": 0.75, "high": 0.5}
MIN_SCORED_DIMENSIONS = 3
HORIZON_ORDER = ("short", "medium", "long")
EFFORT_ORDER = ("low", "medium", "high")
DIGITS = 4  # rounding of published numbers, so the JSON is stable across platforms

METHOD_TEXT = Text(
    zh=(
        "只针对得分低于目标值的指标。优先级 = 投入系数 × Σ（该对策针对的每个未达目标指标在总分中的有效权重 × "
        "该指标与目标值的差距）。Σ 部分即这些指标全部达到目标时总分可提高的分数；投入系数：投入小 1.0、"
        "投入中等 0.75、投入大 0.5。同分时投入小者在前。"
    ),
    en=(
        "Only indicators scored below their target count. Priority = effort factor × Σ (for each weak indicator "
        "the action addresses: its effective weight in the overall score × its gap to target). The sum is the "
        "number of overall-score points gained if those indicators reached their targets; effort factors: "
        "low 1.0, medium 0.75, high 0.5. Ties go to the lower effort."
    ),
)


class Addressed(Result):
    """One weak indicator an action addresses, and how much of the overall score its gap costs."""

    indicator: str
    title: Text
    dimension: str
    score: float
    target: float
    gap: float
    weight: float
    points: float  # weight × gap: overall-score points lost to this gap


class ActionSource(Result):
    seed: str | None = None
    evidence: str | None = None
    thesis: Text | None = None  # the place the thesis studied
    case: str | None = None
    practice: str | None = None
    case_title: Text | None = None
    practice_title: Text | None = None
    results: Text | None = None  # what the case reported for the practice


class Action(Result):
    id: str
    rank: int
    title: Text
    description: Text
    priority: float
    points: float  # Σ weight × gap before the effort factor
    effort_factor: float
    addresses: list[Addressed]
    horizon: str
    effort: str
    actors: list[str]
    sources: list[ActionSource]
    rationale: Text


class HorizonGroup(Result):
    horizon: str
    label: Text
    actions: list[str]  # action ids, highest priority first


class RecommendMethod(Result):
    formula: Text
    effort_factors: dict[str, float]
    min_scored_dimensions: int


class Recommendation(Result):
    status: Literal["ok", "nothing-weak", "insufficient-data"]
    message: Text | None = None
    community: Community
    pack: PackRef
    overall: Overall
    weak: list[Addressed]
    unaddressed: list[str]  # weak indicators no countermeasure in the library addresses
    candidates: int  # actions that address at least one weak indicator, before --top
    actions: list[Action]
    by_horizon: list[HorizonGroup]
    method: RecommendMethod
    library: list[str]
    dropped: list[str] = []  # bundled actions left out: the pack has none of their indicators


def recommend(result: ScoreResult, library: Library, pack: Pack, top: int | None = None) -> Recommendation:
    """The action plan for `result`: actions addressing its weak indicators, best first, grouped by horizon."""
    if result.pack.id != pack.id:
        raise AssessError(
            f"the scores were computed with pack '{result.pack.id}' but the library was checked against pack "
            f"'{pack.id}'; use the same --pack for both / 评分与对策所用指标包不一致"
        )
    plan = Recommendation(
        status="ok",
        community=result.community,
        pack=result.pack,
        overall=result.overall,
        weak=[],
        unaddressed=[],
        candidates=0,
        actions=[],
        by_horizon=[],
        method=RecommendMethod(
            formula=METHOD_TEXT, effort_factors=EFFORT_FACTORS, min_scored_dimensions=MIN_SCORED_DIMENSIONS
        ),
        library=library.files,
        dropped=library.dropped,
    )
    too_sparse = sparse_data_message(result)
    if too_sparse is not None:
        return plan.model_copy(update={"status": "insufficient-data", "message": too_sparse})
    weak = weak_indicators(result)
    if not weak:
        return plan.model_copy(update={"status": "nothing-weak", "message": nothing_weak_message(result)})
    ranked = ranked_candidates(library, weak, pack.kind_of(result.community.type))
    chosen = ranked[:top] if top is not None else ranked
    addressed = {a.indicator for candidate in ranked for a in candidate.addresses}
    actions = [build_action(rank, candidate, library.practices) for rank, candidate in enumerate(chosen, 1)]
    return plan.model_copy(
        update={
            "weak": sorted(weak.values(), key=lambda a: (-a.points, a.indicator)),
            "unaddressed": [i for i in weak if i not in addressed],
            "candidates": len(ranked),
            "actions": actions,
            "by_horizon": horizon_groups(actions),
        }
    )


def sparse_data_message(result: ScoreResult) -> Text | None:
    """Why a ranking would mislead, or None: too few dimensions have enough answers to compare gaps across."""
    scored = {d.id for d in result.dimensions if d.score is not None and not d.insufficient_data}
    needed = min(MIN_SCORED_DIMENSIONS, len(result.dimensions))
    if len(scored) >= needed:
        return None
    missing = [d for d in result.dimensions if d.id not in scored]
    zh_missing = "、".join(d.title.zh for d in missing)
    en_missing = ", ".join(d.title.en for d in missing)
    return Text(
        zh=(
            f"只有 {len(scored)} 个维度有足够的回答，至少需要 {needed} 个才能比较各项差距、排列对策优先级。"
            f"请先补充填写以下维度的题目：{zh_missing}。"
        ),
        en=(
            f"Only {len(scored)} dimension(s) have enough answers; at least {needed} are needed to compare gaps "
            f"and rank actions. Answer the questions of these dimensions first: {en_missing}."
        ),
    )


def nothing_weak_message(result: ScoreResult) -> Text:
    unanswered = sum(1 for i in result.indicators if i.score is None)
    zh = "所有已作答的指标都达到了目标值，没有需要优先改进的未达目标指标。"
    en = "Every answered indicator meets its target: there is no weak indicator to act on."
    if unanswered:
        zh += f"另有 {unanswered} 个指标未作答，未作评估。"
        en += f" {unanswered} indicator(s) were not answered and so not assessed."
    return Text(zh=zh, en=en)


def weak_indicators(result: ScoreResult) -> dict[str, Addressed]:
    """Answered indicators below target, keyed by id, in the order of the result."""
    weak: dict[str, Addressed] = {}
    for ind in result.indicators:
        gap = gap_of(ind)
        if ind.score is None or gap <= 0:
            continue
        weak[ind.id] = Addressed(
            indicator=ind.id,
            title=ind.title,
            dimension=ind.dimension,
            score=ind.score,
            target=ind.target,
            gap=round(gap, DIGITS),
            weight=ind.weight,
            points=round(ind.weight * gap, DIGITS),
        )
    return weak


def gap_of(ind: IndicatorScore) -> float:
    if ind.score is None:
        return 0.0
    return ind.gap if ind.gap is not None else max(0.0, ind.target - ind.score)


@dataclass(frozen=True)
class Candidate:
    """A countermeasure that addresses at least one weak indicator, with its numbers (before it is published)."""

    measure: Countermeasure
    addresses: list[Addressed]
    points: float
    priority: float


def ranked_candidates(library: Library, weak: dict[str, Addressed], kind=None) -> list[Candidate]:
    """Candidates best first; equal priorities go to the lower effort, then to the id (a stable order). A
    countermeasure written for some kinds of community only (`contexts`) is a candidate only where the
    community is of such a kind (so resettlement in a subsidence area is not offered to a commercial estate)."""
    candidates = []
    for measure in library.countermeasures:
        if measure.contexts and (kind is None or kind.id not in measure.contexts):
            continue
        addresses = [weak[i] for i in measure.indicators if i in weak]
        if addresses:
            points = sum(a.weight * a.gap for a in addresses)
            candidates.append(Candidate(measure, addresses, points, EFFORT_FACTORS[measure.effort] * points))
    candidates.sort(key=lambda c: (-round(c.priority, DIGITS), EFFORT_ORDER.index(c.measure.effort), c.measure.id))
    return candidates


def build_action(rank: int, candidate: Candidate, practices: dict[str, PracticeNote]) -> Action:
    measure = candidate.measure
    sources = [action_source(s, practices) for s in measure.sources]
    return Action(
        id=measure.id,
        rank=rank,
        title=measure.title,
        description=measure.description,
        priority=round(candidate.priority, DIGITS),
        points=round(candidate.points, DIGITS),
        effort_factor=EFFORT_FACTORS[measure.effort],
        addresses=candidate.addresses,
        horizon=measure.horizon,
        effort=measure.effort,
        actors=list(measure.actors),
        sources=sources,
        rationale=rationale(candidate, sources),
    )


def action_source(source: CountermeasureSource, practices: dict[str, PracticeNote]) -> ActionSource:
    if source.seed is not None:
        thesis = thesis_by_file(source.seed)
        return ActionSource(seed=source.seed, evidence=source.evidence, thesis=thesis.place if thesis else None)
    note = practices.get(practice_key(source.case or "", source.practice or ""))
    return ActionSource(
        case=source.case,
        practice=source.practice,
        case_title=note.case_title if note else None,
        practice_title=note.practice_title if note else None,
        results=note.results if note else None,
    )


def rationale(candidate: Candidate, sources: list[ActionSource]) -> Text:
    """Why this action, in words: the gaps it closes, what that is worth, and which case used it to what end."""
    measure, addresses, points, priority = candidate.measure, candidate.addresses, candidate.points, candidate.priority
    zh_gaps = "；".join(
        f"{a.title.zh} {a.score:.1f} 分，低于目标 {a.target:g} 分 {a.gap:.1f} 分（占总分权重 {a.weight:.1%}）"
        for a in addresses
    )
    en_gaps = "; ".join(
        f"{a.title.en} {a.score:.1f}, {a.gap:.1f} below its target of {a.target:g} (weight {a.weight:.1%})"
        for a in addresses
    )
    effort = EFFORT_NAMES[measure.effort]
    factor = EFFORT_FACTORS[measure.effort]
    zh = (
        f"针对未达目标的指标：{zh_gaps}。这些指标达到目标时总分最多可提高 {points:.2f} 分；"
        f"{effort.zh}（系数 {factor:g}），优先级 {priority:.2f}。"
    )
    en = (
        f"Addresses weak indicators: {en_gaps}. Reaching their targets would add up to {points:.2f} points "
        f"to the overall score; {effort.en} (factor {factor:g}), priority {priority:.2f}."
    )
    for source in sources:
        if source.case is None:
            continue
        case_zh, case_en = case_names(source)
        if source.results is not None:
            zh += f"{case_zh}的成效：{source.results.zh}"
            en += f" {case_en}: {source.results.en}"
        else:
            zh += f"{case_zh}采用过这一做法（未报告具体成效）。"
            en += f" {case_en} used this practice (no result reported)."
    return Text(zh=zh, en=en)


def case_names(source: ActionSource) -> tuple[str, str]:
    """"Case “practice”" in each language, falling back to ids where the case profiles give no names."""
    case_zh = source.case_title.zh if source.case_title else source.case
    case_en = source.case_title.en if source.case_title else source.case
    practice_zh = source.practice_title.zh.strip("“”\"") if source.practice_title else source.practice
    practice_en = source.practice_title.en.strip("“”\"'") if source.practice_title else source.practice
    return f"{case_zh}“{practice_zh}”", f"{case_en}, '{practice_en}'"


def horizon_groups(actions: list[Action]) -> list[HorizonGroup]:
    groups = []
    for horizon in HORIZON_ORDER:
        ids = [a.id for a in actions if a.horizon == horizon]
        if ids:
            groups.append(HorizonGroup(horizon=horizon, label=HORIZON_NAMES[horizon], actions=ids))
    return groups


# -- the plan as terminal text -------------------------------------------------------------------------

WEAK_SHOWN = 8  # the terminal lists the weakest few; JSON and the report carry them all

LABELS = Vocabulary({
    "community": ("社区", "Community"),
    "overall": ("总分", "Overall score"),
    "coverage": ("覆盖率", "coverage"),
    "weak": ("低于目标的指标（失分最多的在前）", "Indicators below target (largest loss first)"),
    "more": (" 等（另有 {n} 个）", ", and {n} more"),
    "abstract": ("论文摘要", "thesis abstract"),
    "plan": ("对策建议（按实施期限分组，组内按优先级排序）", "Actions (by horizon, highest priority first)"),
    "shown": ("显示前 {n} 条，共 {total} 条", "showing {n} of {total}"),
    "priority": ("优先级", "priority"),
    "actors": ("责任主体", "who"),
    "why": ("理由", "Why"),
    "sources": ("依据", "Sources"),
    "unaddressed": (
        "以下未达目标的指标在对策库中没有对应对策，请结合本社区实际研究：",
        "No action in the library addresses these weak indicators; work out your own:",
    ),
    "method": ("计算方法", "Method"),
})


def dropped_note(plan: Recommendation) -> Text | None:
    """How many bundled actions were left out because the pack in use has none of their indicators."""
    if not plan.dropped:
        return None
    n, pack = len(plan.dropped), plan.pack.id
    return Text(
        zh=f"内置对策库是针对核心指标包编写的：其中 {n} 条对策针对的指标在指标包“{pack}”中都没有，已略去。",
        en=(
            f"The bundled library is written for the core pack: {n} of its actions address only indicators that "
            f"pack '{pack}' does not have and were left out."
        ),
    )


def plan_lines(plan: Recommendation, lang: Lang) -> list[str]:
    """The plan as lines of text for the terminal, in one language."""
    overall = f"{plan.overall.score:.1f}" if plan.overall.score is not None else "—"
    grade = f" ({plan.overall.grade_label.get(lang)})" if plan.overall.grade_label else ""
    community = f"{LABELS.word('community', lang)}: {plan.community.name}"
    coverage = f"{LABELS.word('coverage', lang)}: {plan.overall.coverage:.0%}"  # a score on few answers says little
    lines = [f"{community}    {LABELS.word('overall', lang)}: {overall}{grade}    {coverage}"]
    if plan.message is not None:
        return [*lines, "", plan.message.get(lang)]
    weak = ", ".join(f"{a.title.get(lang)} {a.score:.1f}/{a.target:g}" for a in plan.weak[:WEAK_SHOWN])
    if len(plan.weak) > WEAK_SHOWN:
        weak += LABELS.word("more", lang).format(n=len(plan.weak) - WEAK_SHOWN)
    lines += [f"{LABELS.word('weak', lang)} ({len(plan.weak)}): {weak}", ""]
    heading = LABELS.word("plan", lang)
    if len(plan.actions) < plan.candidates:
        heading += "  " + LABELS.word("shown", lang).format(n=len(plan.actions), total=plan.candidates)
    lines.append(heading)
    by_id = {a.id: a for a in plan.actions}
    printed = 0  # actions are numbered in the order printed; grouping by horizon reorders the priority ranks
    for group in plan.by_horizon:
        lines += ["", f"【{group.label.get(lang)}】"]
        for action_id in group.actions:
            printed += 1
            lines += action_lines(by_id[action_id], lang, printed)
    if plan.unaddressed:
        titles = {a.indicator: a.title.get(lang) for a in plan.weak}
        lines += ["", LABELS.word("unaddressed", lang) + " " + ", ".join(titles[i] for i in plan.unaddressed)]
    if (note := dropped_note(plan)) is not None:
        lines += ["", note.get(lang)]
    lines += ["", f"{LABELS.word('method', lang)}: {plan.method.formula.get(lang)}"]
    return lines


def action_lines(action: Action, lang: Lang, number: int) -> list[str]:
    separator = "、" if lang == "zh" else ", "
    actors = separator.join(ACTOR_NAMES[a].get(lang) for a in action.actors)
    return [
        f"{number:>3}. {action.title.get(lang)}  [{LABELS.word('priority', lang)} {action.priority:.2f} · "
        f"{EFFORT_NAMES[action.effort].get(lang)} · {LABELS.word('actors', lang)}: {actors}]",
        f"     {action.description.get(lang)}",
        f"     {LABELS.word('why', lang)}: {action.rationale.get(lang)}",
        f"     {LABELS.word('sources', lang)}: {'; '.join(source_label(s, lang) for s in action.sources)}",
    ]


def source_label(source: ActionSource, lang: Lang) -> str:
    if source.seed is not None:
        place = source.thesis.get(lang) if source.thesis else source.seed
        return f"{place} ({LABELS.word('abstract', lang)}) “{source.evidence}”"
    case = source.case_title.get(lang) if source.case_title else source.case
    practice = source.practice_title.get(lang) if source.practice_title else source.practice
    return f"{case} · {practice}"
