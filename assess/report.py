"""The assessment report: answers -> scores, case comparison and action plan -> HTML -> PDF.

Three steps that tests and the benchmark call one by one:

- `build_report` gathers everything the report shows (score, benchmark, recommendations, free-text answers)
  into `ReportData`; it does no formatting.
- `render_html` turns `ReportData` into one self-contained HTML document in one language with jinja2
  (autoescape on, so names and free-text answers are always text). Templates come from a district's
  `--templates` folder first and the bundled `templates/` second; texts from `templates/texts.yaml`.
- `render_pdf` lays the HTML out with WeasyPrint (imported there only, it is slow to import). Its URL
  fetcher serves files from the template folders and nothing else: no network, no other local files.

The same inputs give the same HTML byte for byte, and the PDF carries no clock time unless
SOURCE_DATE_EPOCH asks for one, so reports can be compared and archived.
"""

from __future__ import annotations

import difflib
import os
import re
import string
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from markupsafe import Markup
from pydantic import ValidationError, field_validator

from assess.answers import LoadedAnswers, RespondentEntry, load_answer_file
from assess.charts import Bar, BarGroup, BarLegend, RadarAxis, RadarLegend, bar_chart, radar_chart
from assess.errors import AssessError, Problem, ProblemsError
from assess.i18n import bracketed
from assess.pack import Lang, Pack, Strict
from assess.packs import LoadedPack
from assess.resources import templates_dir
from assess.results import IndicatorScore, Reliability, ScoreResult
from assess.yamlio import load_yaml

if TYPE_CHECKING:  # imported lazily at run time, where they are used
    from assess.benchmark import BenchmarkResult, WeakDimension
    from assess.recommend import ActionSource, Recommendation

TEXTS_FILE = "texts.yaml"
CSS_FILE = "report.css"
DISTRICT_CSS_FILE = "district.css"  # a district's additions, after the bundled CSS
BASE_TEMPLATE = "base.html"
CONTENTS_AFTER_PAGES = 4  # a table of contents once the report (without it) is longer than this
DEFAULT_TOP_ACTIONS = 10
COMMENTS_SHOWN = 8
BARS_SHARING_A_PAGE = 12  # up to this many indicators, the bar chart fits under the radar chart
GAPS_SHOWN = 5
EXEMPLARS_SHOWN = 3  # cases per weak dimension; theses come first
COMMENTS_KEPT = 2000  # distinct free-text answers remembered per question; more are only counted
WEAK_ITEM_CORRELATION = 0.3
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
FONT_PACKAGE = "fonts-noto-cjk"


# -- gathering --------------------------------------------------------------------------------------------


class FreeTextAnswers:
    """Distinct free-text answers per text question, counted while the answers stream past."""

    def __init__(self, pack: Pack):
        self.dimension_of = {q.id: d.id for d, _, q in pack.questions() if q.type == "text"}
        self.questions = list(self.dimension_of)
        self.counts: dict[str, Counter[str]] = {qid: Counter() for qid in self.questions}
        self.overflow: Counter[str] = Counter()

    def add(self, answers: Mapping[str, Any]) -> None:
        for qid in self.questions:
            value = answers.get(qid)
            if not isinstance(value, str) or not value.strip():
                continue
            text = " ".join(value.split())
            counts = self.counts[qid]
            if text in counts or len(counts) < COMMENTS_KEPT:
                counts[text] += 1
            else:
                self.overflow[qid] += 1

    def watch(self, entries: Iterable[RespondentEntry]) -> Iterator[RespondentEntry]:
        for entry in entries:
            self.add(entry.answers)
            yield entry

    def most_common(self, qid: str) -> list[tuple[str, int]]:
        """The answers most often given first, then in text order, so the list is stable."""
        return sorted(self.counts[qid].items(), key=lambda item: (-item[1], item[0]))


@dataclass
class ReportData:
    """Everything a report shows, before any wording or layout."""

    score: ScoreResult
    pack: LoadedPack
    benchmark: BenchmarkResult | None
    plan: Recommendation | None
    free_text: FreeTextAnswers
    answers_file: str
    respondents_file: str | None = None


def load_inputs(answers_path: Path | str, pack_ref: str | Path | None = None) -> LoadedAnswers:
    return load_answer_file(answers_path, pack_ref)


def score_inputs(
    loaded: LoadedAnswers,
    respondents_csv: Path | str | None,
    free_text: FreeTextAnswers,
    weights: str = "declared",
    allow_inconsistent: bool = False,
    uncertainty: int = 0,
    seed: int = 0,
) -> ScoreResult:
    """The score, computed exactly as `assess score` does, while free-text answers are collected on the way."""
    from assess.scoring import score_loaded

    free_text.add(loaded.data.answers)
    for entry in loaded.data.respondents:
        free_text.add(entry.answers)
    return score_loaded(loaded, respondents_csv, weights, allow_inconsistent, uncertainty, seed, free_text.watch)


def benchmark_cases(result: ScoreResult, pack: Pack) -> BenchmarkResult:
    from assess.benchmark import benchmark
    from assess.cases import load_cases

    return benchmark(result, load_cases(), pack)


def recommend_actions(
    result: ScoreResult, pack: Pack, top: int | None = DEFAULT_TOP_ACTIONS, library: Sequence[Path] = ()
) -> Recommendation:
    from assess.countermeasures import load_library
    from assess.recommend import recommend

    return recommend(result, load_library(list(library), pack), pack, top)


def build_report(
    answers_path: Path | str,
    respondents_csv: Path | str | None = None,
    pack_ref: str | Path | None = None,
    weights: str = "declared",
    allow_inconsistent: bool = False,
    uncertainty: int = 0,
    seed: int = 0,
    top: int | None = DEFAULT_TOP_ACTIONS,
    library: Sequence[Path] = (),
) -> ReportData:
    """Score an answer file (and residents' CSV), compare it with the cases and rank actions."""
    loaded = load_inputs(answers_path, pack_ref)
    free_text = FreeTextAnswers(loaded.pack.pack)
    result = score_inputs(loaded, respondents_csv, free_text, weights, allow_inconsistent, uncertainty, seed)
    pack = loaded.pack.pack
    plan = recommend_actions(result, pack, top, [*loaded.pack.libraries, *library])
    return ReportData(
        score=result,
        pack=loaded.pack,
        benchmark=benchmark_cases(result, pack),
        plan=plan,
        free_text=free_text,
        answers_file=Path(answers_path).name,
        respondents_file=Path(respondents_csv).name if respondents_csv is not None else None,
    )


# -- texts ------------------------------------------------------------------------------------------------


class ReportText(Strict):
    """A report text in both languages. Unlike pack texts it keeps its spaces: ", " and ": " are texts too."""

    zh: str
    en: str

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


def read_texts(path: Path, known: Mapping[str, ReportText] | None = None) -> dict[str, ReportText]:
    """A texts file: every key with a non-blank zh and en; all problems of the file reported together.

    With `known` (the bundled texts) it is a district's file: each key must be a bundled one, and a text may
    use only the placeholders the bundled text has, since only those are filled in.
    """
    located = load_yaml(path)
    if not isinstance(located.data, dict):
        raise ProblemsError([located.problem((), "a texts file maps each key to {zh: ..., en: ...}")])
    texts: dict[str, ReportText] = {}
    problems: list[Problem] = []
    for key, value in located.data.items():
        if known is not None and str(key) not in known:
            problems.append(located.problem((key,), unknown_text_message(str(key), known)))
            continue
        try:
            texts[str(key)] = ReportText.model_validate(value)
        except ValidationError as exc:
            for err in exc.errors():
                where = (key, *err["loc"]) if err["loc"] else (key,)
                problems.append(located.problem(where, f"needs non-blank zh and en texts ({err['msg']})"))
            continue
        if known is not None:
            problems += [located.problem((key, lang), message)
                         for lang, message in placeholder_problems(texts[str(key)], known[str(key)])]
    if problems:
        raise ProblemsError(problems)
    return texts


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders of a text; ValueError for unbalanced braces."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def placeholder_problems(own: ReportText, bundled: ReportText) -> Iterator[tuple[Lang, str]]:
    allowed = placeholders(bundled.zh) | placeholders(bundled.en)
    shown = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
    for lang in ("zh", "en"):
        try:
            extra = sorted(placeholders(own.get(lang)) - allowed)
        except ValueError as exc:
            yield lang, f"unbalanced braces ({exc}); write {{{{ and }}}} for literal braces / 花括号不成对"
            continue
        if extra:
            yield lang, (f"unknown placeholder {', '.join('{' + n + '}' for n in extra)}; allowed: {shown} "
                         f"/ 未知的占位符")


def load_texts(district_dir: Path | None = None) -> dict[str, ReportText]:
    """The bundled texts, with a district's own `texts.yaml` (if any) replacing the keys it gives."""
    texts = dict(bundled_texts())
    override = district_dir / TEXTS_FILE if district_dir is not None else None
    if override is not None and override.is_file():
        texts.update(read_texts(override, known=texts))
    return texts


@cache
def bundled_texts() -> dict[str, ReportText]:
    return read_texts(templates_dir() / TEXTS_FILE)


def unknown_text_message(key: str, texts: Mapping[str, ReportText]) -> str:
    close = difflib.get_close_matches(key, list(texts), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown text key '{key}'{hint} / 未知的文字项"


class TextError(KeyError):
    """A template asked for a text (or a placeholder) that texts.yaml does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


class LocalTexts(dict):
    """The texts in one language; `t.key` in a template, `t.fill('key', n=3)` for texts with placeholders."""

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def fill(self, key: str, **values: Any) -> str:
        if key not in self:
            raise TextError(missing_text_message(key, self))
        try:
            return self[key].format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise TextError(
                f"{TEXTS_FILE}: text '{key}' has a placeholder that is not given ({exc}); allowed: "
                f"{', '.join('{' + name + '}' for name in values) or 'none'} / 文字项中的占位符无效"
            ) from None


def local_texts(texts: Mapping[str, ReportText], lang: Lang) -> LocalTexts:
    return LocalTexts({key: text.get(lang) for key, text in texts.items()})


# -- numbers as shown -------------------------------------------------------------------------------------


def score_text(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}"


def points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


# -- the view of the report in one language ----------------------------------------------------------------


def report_context(
    data: ReportData, lang: Lang, texts: Mapping[str, ReportText], chart_css: str = ""
) -> dict[str, Any]:
    """Plain values for the templates: every text already in `lang`, every number already formatted.

    `chart_css` recolours the charts (see `chart_style`).
    """
    t = local_texts(texts, lang)
    result, pack = data.score, data.pack.pack
    dimensions = dimension_views(data, lang, t)
    nearest = nearest_view(data, lang, t)
    return {
        "lang": lang,
        "t": t,
        "title": t.report_title,
        "page_content": page_counter_css(t.page_number),
        "community": result.community,
        "assessed_on": result.assessed_on or t.cover_not_dated,
        "pack": {"id": result.pack.id, "version": result.pack.version, "hash": result.pack.hash,
                 "title": pack.title.get(lang), "file": Path(result.pack.file).name,
                 "parents": result.pack.parents},
        "overall": overall_view(result, lang, t),
        "strongest": extreme_dimensions(dimensions, strongest=True),
        "weakest": extreme_dimensions(dimensions, strongest=False),
        "dimensions": dimensions,
        "top_actions": top_action_titles(data.plan, lang),
        "nearest": nearest,
        "coverage_line": coverage_line(result, t),
        "charts": chart_views(data, dimensions, nearest, t, chart_css),
        "benchmark": benchmark_view(data, lang, t),
        "plan": plan_view(data, lang, t),
        "quality": quality_view(data, lang, t),
        "method": method_view(data, lang, t),
    }


def page_counter_css(template: str) -> Markup:
    """'Page {page} of {pages}' as a CSS `content` value with page counters, each literal part quoted."""
    parts = []
    for literal, name in re.findall(r"([^{]*)(?:\{(page|pages)\})?", template):
        if literal:
            parts.append(css_string(literal))
        if name:
            parts.append(f"counter({name})")
    return Markup(" ".join(parts) or '""')


def css_string(text: str) -> str:
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-_/()（）·，：" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def overall_view(result: ScoreResult, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    overall = result.overall
    band = None
    if result.uncertainty is not None:
        u = result.uncertainty
        band = t.fill(
            "score_band", spread=f"{u.spread * 100:g}", low=score_text(u.p5), high=score_text(u.p95),
            stable=percent(u.grade_stability), draws=u.draws,
        )
    return {
        "score": score_text(overall.score),
        "grade": overall.grade,
        "grade_label": overall.grade_label.get(lang) if overall.grade_label else t.not_available,
        "coverage": percent(overall.coverage),
        "band": band,
    }


def dimension_views(data: ReportData, lang: Lang, t: LocalTexts) -> list[dict[str, Any]]:
    result, pack = data.score, data.pack.pack
    questions = {q.id: q for _, _, q in pack.questions()}
    indicators_of: dict[str, list[IndicatorScore]] = {d.id: [] for d in pack.dimensions}
    for ind in result.indicators:
        indicators_of[ind.dimension].append(ind)
    views = []
    for dim_score, dim in zip(result.dimensions, pack.dimensions, strict=True):
        rows = [indicator_row(ind, lang) for ind in indicators_of[dim.id]]
        views.append(
            {
                "id": dim.id,
                "title": dim.title.get(lang),
                "description": dim.description.get(lang) if dim.description else None,
                "score": dim_score.score,
                "score_text": score_text(dim_score.score),
                "grade": dim_score.grade,
                "grade_label": dim_score.grade_label.get(lang) if dim_score.grade_label else t.not_available,
                "coverage": percent(dim_score.coverage),
                "weight": percent(dim_score.weight),
                "insufficient": dim_score.insufficient_data,
                "target": dimension_target(pack, dim.id),
                "indicators": rows,
                "weak": [r["title"] for r in rows if r["status"] == "weak"],
                "answered": any(r["status"] != "unanswered" for r in rows),
                "comments": comment_views(data.free_text, dim.id, questions, lang, t),
            }
        )
    return views


def indicator_row(ind: IndicatorScore, lang: Lang) -> dict[str, Any]:
    status = "unanswered" if ind.score is None else ("weak" if (ind.gap or 0) > 0 else "ok")
    return {
        "id": ind.id,
        "title": ind.title.get(lang),
        "score": ind.score,
        "score_text": score_text(ind.score, 1),
        "target": points(ind.target),
        "target_value": ind.target,
        "gap": score_text(ind.gap, 1) if ind.gap else ("0" if ind.gap == 0 else "—"),
        "coverage": percent(ind.coverage),
        "status": status,
    }


def dimension_target(pack: Pack, dimension_id: str) -> float:
    """The weighted mean of the dimension's indicator targets: what the dimension score would be at target."""
    dim = next(d for d in pack.dimensions if d.id == dimension_id)
    total = sum(i.weight for i in dim.indicators)
    if total == 0:
        return pack.default_target
    return sum(i.weight * pack.target_of(i) for i in dim.indicators) / total


def comment_views(
    free_text: FreeTextAnswers, dimension_id: str, questions: Mapping[str, Any], lang: Lang, t: LocalTexts
) -> list[dict[str, Any]]:
    views = []
    for qid in free_text.questions:
        answers = free_text.most_common(qid)
        if not answers or free_text.dimension_of[qid] != dimension_id:
            continue
        question = questions[qid]
        hidden = len(answers) - COMMENTS_SHOWN + free_text.overflow[qid]
        views.append(
            {
                "question": question.title.get(lang),
                "answers": [
                    (text, t.fill("comment_count", n=n) if n > 1 else "") for text, n in answers[:COMMENTS_SHOWN]
                ],
                "more": t.fill("comments_more", n=hidden) if hidden > 0 else None,
            }
        )
    return views


def extreme_dimensions(dimensions: list[dict[str, Any]], strongest: bool, count: int = 2) -> list[dict[str, Any]]:
    """The best (or worst) scored dimensions; ties keep the pack's order."""
    scored = [d for d in dimensions if d["score"] is not None and not d["insufficient"]]
    ordered = sorted(scored, key=lambda d: -d["score"] if strongest else d["score"])
    return ordered[:count]


def top_action_titles(plan: Recommendation | None, lang: Lang, count: int = 3) -> list[str]:
    if plan is None:
        return []
    ranked = sorted(plan.actions, key=lambda a: a.rank)
    return [a.title.get(lang) for a in ranked[:count]]


def coverage_line(result: ScoreResult, t: LocalTexts) -> str:
    return t.fill(
        "coverage_line",
        coverage=percent(result.overall.coverage),
        respondents=result.respondents,
        sufficient=len(result.dimensions),
        sufficient_ok=sum(1 for d in result.dimensions if not d.insufficient_data),
    )


# -- benchmark --------------------------------------------------------------------------------------------


def nearest_view(data: ReportData, lang: Lang, t: LocalTexts) -> dict[str, Any] | None:
    bench = data.benchmark
    if bench is None or bench.nearest is None:
        return None
    nearest = bench.nearest
    comparison = next(c for c in bench.cases if c.id == nearest.id)
    similarity = f"{nearest.similarity:.2f}"
    reason = nearest.reason.get(lang).rstrip("。.")
    return {
        "name": nearest.name.get(lang),
        "similarity": similarity,
        "reason": reason,
        "sentence": t.fill("nearest_sentence", name=nearest.name.get(lang), similarity=similarity, reason=reason),
        "estimates": {d.id: d.case_estimate for d in comparison.dimensions},
        "problems": [p.get(lang) for p in nearest.problems],
        "causes": [c.get(lang) for c in nearest.causes],
        "rows": [
            {
                "title": d.title.get(lang),
                "community": score_text(d.community_score, 1),
                "level": level_label(d.case_level, lang),
                "estimate": points(d.case_estimate),
                "difference": signed(d.difference),
                "evidence": [unquoted(e) for e in d.evidence],
            }
            for d in comparison.dimensions
        ],
    }


def level_label(level: str | None, lang: Lang) -> str:
    from assess.cases import coding_scale

    return "—" if level is None else coding_scale().label(level, lang)


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def benchmark_view(data: ReportData, lang: Lang, t: LocalTexts) -> dict[str, Any] | None:
    bench = data.benchmark
    if bench is None:
        return None
    estimates = t["list_separator"].join(
        f"{level_label(level, lang)} {value:g}" for level, value in sorted(bench.method.estimates.items(),
                                                                            key=lambda kv: -kv[1])
    )
    cases = []
    for number, case in enumerate(bench.cases, start=1):
        place = case.source.thesis.get(lang)
        source = t.fill("source_thesis" if case.source.kind == "thesis" else "source_exemplar", place=place)
        cases.append(
            {
                "rank": number if case.similarity is not None else "",
                "name": case.name.get(lang),
                "source": source,
                "shared": case.shared,
                "similarity": f"{case.similarity:.2f}" if case.similarity is not None else t.not_ranked,
            }
        )
    return {
        "intro": t.fill("benchmark_intro", estimates=estimates),
        "caveat": t.fill("benchmark_caveat", caveat=bench.caveat.get(lang)),
        "message": bench.message.get(lang) if bench.message else None,
        "cases": cases,
        "exemplars": [exemplar_view(w, lang, t) for w in bench.exemplars],
    }


def exemplar_view(weak: WeakDimension, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    return {
        "heading": t.fill("exemplar_dimension", title=weak.title.get(lang), score=score_text(weak.community_score)),
        "cases": [
            {
                "name": case.name.get(lang),
                "source": t.fill(
                    "source_thesis" if case.source.kind == "thesis" else "source_exemplar",
                    place=case.source.thesis.get(lang),
                ) + (bracketed(level_label(case.level, lang), lang) if case.level != "strength" else ""),
                "evidence": [unquoted(e) for e in case.evidence],
                "practices": [
                    p.name.get(lang) + (t.colon + p.results.get(lang) if p.results else "") for p in case.practices
                ],
            }
            for case in weak.cases[:EXEMPLARS_SHOWN]
        ],
    }


# -- action plan ------------------------------------------------------------------------------------------


def plan_view(data: ReportData, lang: Lang, t: LocalTexts) -> dict[str, Any] | None:
    plan = data.plan
    if plan is None:
        return None
    from assess.countermeasures import ACTOR_NAMES
    from assess.recommend import dropped_note

    by_id = {a.id: a for a in plan.actions}
    separator = t["list_separator"]
    groups = []
    for group in plan.by_horizon:
        actions = []
        for action_id in group.actions:
            action = by_id[action_id]
            actions.append(
                {
                    "rank": action.rank,
                    "title": action.title.get(lang),
                    "description": action.description.get(lang),
                    "priority": f"{action.priority:.2f}",
                    "effort": t["effort_" + action.effort],
                    "actors": separator.join(ACTOR_NAMES[a].get(lang) for a in action.actors),
                    "addresses": [
                        t.fill("action_addressed_item", title=a.title.get(lang), score=score_text(a.score, 1),
                               target=points(a.target))
                        for a in action.addresses
                    ],
                    "sources": [printed_source(s, lang, t) for s in action.sources],
                }
            )
        groups.append({"label": group.label.get(lang), "actions": actions})
    titles = {a.indicator: a.title.get(lang) for a in plan.weak}
    note = dropped_note(plan)
    return {
        "message": plan.message.get(lang) if plan.message else None,
        "dropped": note.get(lang) if note is not None else None,
        "shown": t.fill("actions_shown", n=len(plan.actions), total=plan.candidates)
        if len(plan.actions) < plan.candidates else None,
        "groups": groups,
        "unaddressed": [titles.get(i, i) for i in plan.unaddressed],
        "method": plan.method.formula.get(lang),
    }


def unquoted(phrase: str) -> str:
    """A phrase of an abstract as the report quotes it: the report sets its own quotation marks around it, so
    the abstract's enclosing quotes are dropped and inner ones become single quotes (“… ‘…’ …”).
    """
    if len(phrase) > 1 and phrase[0] == phrase[-1] == '"' and phrase.count('"') == 2:
        return phrase[1:-1]
    return re.sub(r'"([^"]*)"', r"‘\1’", phrase)


def printed_source(source: ActionSource, lang: Lang, t: LocalTexts) -> str:
    """An action's source as typeset text in the report's language (full-width brackets in Chinese);
    `recommend.source_label` stays the terminal's plain form.
    """
    if source.seed is not None:
        place = source.thesis.get(lang) if source.thesis else source.seed
        return t.fill("action_source_thesis", place=place, evidence=unquoted(source.evidence or ""))
    case = source.case_title.get(lang) if source.case_title else source.case
    practice = source.practice_title.get(lang) if source.practice_title else source.practice
    return t.fill("action_source_case", case=case, practice=practice)


# -- data quality and method ------------------------------------------------------------------------------


def quality_view(data: ReportData, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    result, pack = data.score, data.pack.pack
    question_titles = {q.id: q.title.get(lang) for _, _, q in pack.questions()}
    reliability = {r.dimension: r for r in result.reliability}
    rows = []
    for dim in result.dimensions:
        rel = reliability.get(dim.id)
        rows.append(
            {
                "title": dim.title.get(lang),
                "coverage": percent(dim.coverage),
                "insufficient": dim.insufficient_data,
                "alpha": f"{rel.alpha:.2f}" if rel is not None and rel.alpha is not None else "—",
                "alpha_low": rel is not None and rel.alpha is not None and rel.alpha < 0.6,
                "item_count": rel.items if rel is not None else "—",
                "complete": rel.complete_respondents if rel is not None else "—",
                "weak_items": [question_titles.get(q, q) for q in weak_items(rel)] if rel is not None else [],
                "note": rel.note.get(lang) if rel is not None and rel.note else None,
            }
        )
    uncertainty = overall_view(result, lang, t)["band"]
    return {
        "answers_file": data.answers_file,
        "respondents_file": data.respondents_file or t.quality_none,
        "respondents": result.respondents,
        "coverage": percent(result.overall.coverage),
        "rows": rows,
        "warnings": quality_warnings(result, pack, lang, t),
        "uncertainty": uncertainty or t.uncertainty_not_computed,
    }


def quality_warnings(result: ScoreResult, pack: Pack, lang: Lang, t: LocalTexts) -> list[str]:
    """The score's warnings for a reader: dimensions and questions by their titles, not by their ids.

    Thin dimensions, unanswered required questions and a missing overall score are written from the
    result's own fields; a warning about one question (answered in the other questionnaire) is given with
    the question's title in front of its `detail`.
    """
    questions = {q.id: q for _, _, q in pack.questions()}
    answered = {q.id: q.n for q in result.questions}
    warnings = [t.no_overall] if result.overall.score is None else []
    warnings += [
        t.fill("warning_insufficient", title=d.title.get(lang), coverage=percent(d.coverage))
        for d in result.dimensions if d.insufficient_data
    ]
    warnings += [
        t.fill("warning_required", title=q.title.get(lang))
        for q in questions.values() if q.required and answered.get(q.id, 0) == 0
    ]
    for warning in result.warnings:
        if warning.question in questions and warning.detail is not None:
            title = questions[warning.question].title.get(lang)
            warnings.append(t.fill("warning_question", title=title, rest=warning.detail.get(lang)))
    return warnings


def weak_items(reliability: Reliability) -> list[str]:
    """Items that do not hang with the rest: low corrected item-total correlation, or alpha rises without them."""
    if reliability.alpha is None:
        return []
    weak = []
    for item in reliability.item_stats:
        low = item.item_total_correlation is not None and item.item_total_correlation < WEAK_ITEM_CORRELATION
        better_without = item.alpha_if_deleted is not None and item.alpha_if_deleted > reliability.alpha
        if low or better_without:
            weak.append(item.question)
    return weak


def method_view(data: ReportData, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    from assess.seeds import load_register

    result, pack = data.score, data.pack.pack
    cited = Counter(s.seed for _, ind in pack.indicators() for s in {src.seed: src for src in ind.sources}.values())
    titles = {d.id: d.title.get(lang) for d in pack.dimensions}
    titles["dimensions"] = t.ahp_dimensions
    return {
        "weights": result.method.weights,
        "ahp": [
            t.fill("ahp_cr_item", name=titles.get(key, key), cr=f"{cr:.3f}")
            for key, cr in result.method.ahp_cr.items()
        ],
        "grades": grade_band_texts(pack, lang, t),
        "targets": t.fill("method_targets", target=f"{pack.default_target:g}"),
        "benchmark": data.benchmark.method.description.get(lang) if data.benchmark else None,
        "benchmark_caveat": data.benchmark.caveat.get(lang) if data.benchmark else None,
        "recommend": data.plan.method.formula.get(lang) if data.plan else None,
        "theses": [
            t.fill("thesis_item", place=thesis.place.get(lang), subject=thesis.subject.get(lang))
            + (t.fill("thesis_cited", n=cited[thesis.file]) if cited[thesis.file] else "")
            for thesis in load_register().theses
        ],
        "software": t.fill("method_software", version=package_version()),
    }


def grade_band_texts(pack: Pack, lang: Lang, t: LocalTexts) -> list[str]:
    """The pack's grade bands as ranges ("良好 70–85 分", "薄弱 60 分以下"), highest first, as a reader expects.

    A band reaches from its own minimum up to the next higher band's; the top one has no upper end and a
    band starting at 0 is written by its upper end only.
    """
    bands = sorted(pack.grade_bands, key=lambda b: -b.min)
    texts = []
    for upper, band in zip([None, *(b.min for b in bands)], bands, strict=False):
        label = band.label.get(lang)
        if upper is None:
            texts.append(t.fill("grade_band_top", label=label, min=f"{band.min:g}"))
        elif band.min == 0:
            texts.append(t.fill("grade_band_bottom", label=label, max=f"{upper:g}"))
        else:
            texts.append(t.fill("grade_band_range", label=label, min=f"{band.min:g}", max=f"{upper:g}"))
    return texts


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("assess")
    except PackageNotFoundError:
        return "(development)"


# -- charts -----------------------------------------------------------------------------------------------


def chart_views(
    data: ReportData,
    dimensions: list[dict[str, Any]],
    nearest: dict[str, Any] | None,
    t: LocalTexts,
    chart_css: str = "",
) -> dict[str, Any]:
    estimates = nearest["estimates"] if nearest else {}
    axes = [
        RadarAxis(label=d["title"], score=d["score"], target=d["target"], case=estimates.get(d["id"]),
                  mark=t.radar_insufficient if d["insufficient"] else "")
        for d in dimensions
    ]
    radar_legend = RadarLegend(
        community=t.legend_community,
        target=t.legend_target,
        case=t.fill("legend_case", case=nearest["name"]) if nearest else None,
    )
    groups = [
        BarGroup(
            label=d["title"],
            bars=[Bar(label=r["title"], score=r["score"], target=r["target_value"]) for r in d["indicators"]],
        )
        for d in dimensions
    ]
    bar_legend = BarLegend(
        meets=t.legend_meets, below=t.legend_below, target=t.legend_target, not_answered=t.not_answered
    )
    return {
        "radar": radar_chart(axes, radar_legend, t.radar_title, chart_css),
        "radar_caption": t.fill("radar_caption", case=nearest["name"]) if nearest else t.radar_caption_no_case,
        "bars": bar_chart(groups, bar_legend, t.bars_title, chart_css),
        "bars_own_page": sum(len(g.bars) for g in groups) > BARS_SHARING_A_PAGE,
        "gaps": largest_gaps(data.score, dimensions),
    }


CSS_VARIABLE = re.compile(r"(--[\w-]+)\s*:\s*([^;{}]+?)\s*(?:;|})")
CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|rgba?\([0-9.,%\s]+\)")


def chart_style(css: str) -> str:
    """CSS for the charts' role classes from the stylesheet's `--chart-ROLE` variables (the last one wins, one
    `var(--x)` level resolved), only for colours that differ from the charts' own, so that a district's
    `:root { --chart-community: #004488; }` in district.css reaches the SVG, which the page's CSS does not.
    """
    from assess.charts import ROLES

    variables = dict(CSS_VARIABLE.findall(css))
    rules = []
    for default, role in ROLES.items():
        value = variables.get(f"--chart-{role}", default)
        inner = re.fullmatch(r"var\((--[\w-]+)\)", value)
        value = variables.get(inner.group(1), default) if inner else value
        if value.lower() != default and CSS_COLOUR.fullmatch(value):
            rules.append(f".fill-{role}{{fill:{value}}}.stroke-{role}{{stroke:{value}}}")
    return "".join(rules)


def largest_gaps(result: ScoreResult, dimensions: list[dict[str, Any]], count: int = GAPS_SHOWN) -> list[dict]:
    """The weak indicators that cost the overall score most: effective weight × gap, in score points."""
    titles = {d["id"]: d["title"] for d in dimensions}
    lost = [(ind.weight * ind.gap, ind) for ind in result.indicators if ind.gap]
    ranked = sorted(lost, key=lambda item: (-item[0], item[1].id))[:count]
    return [
        {
            "title": next(r["title"] for d in dimensions for r in d["indicators"] if r["id"] == ind.id),
            "dimension": titles[ind.dimension],
            "score": score_text(ind.score, 1),
            "target": points(ind.target),
            "points": f"{points_lost:.2f}",
        }
        for points_lost, ind in ranked
    ]


# -- HTML -------------------------------------------------------------------------------------------------


def template_dirs(district_dir: Path | None) -> list[Path]:
    """Where templates and their files are looked up, a district's folder first."""
    bundled = templates_dir()
    if district_dir is None:
        return [bundled]
    district_dir = Path(district_dir)
    if not district_dir.is_dir():
        raise AssessError(f"{district_dir}: templates folder not found / 找不到模板文件夹")
    return [district_dir, bundled]


def template_env(dirs: Sequence[Path]):
    """A sandboxed jinja2 environment: a district's templates are not trusted code.

    `ImmutableSandboxedEnvironment` refuses `__class__`, `__globals__` and the like (which reach `os` and any
    file) and calls that change lists or dicts; autoescape keeps every user text plain text.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in dirs]),
        autoescape=True,
        undefined=report_undefined(),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=without_bidi_controls,
    )


BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(value: Any) -> Any:
    """Every value a template prints, less the bidi embedding/override/isolate controls (U+202A-E, U+2066-9):
    in a community name or an answer they could reverse how the rest of a line reads.
    """
    return value.translate(BIDI_CONTROLS) if isinstance(value, str) else value


@cache
def report_undefined() -> type:
    """jinja2's StrictUndefined, saying "texts.yaml has no text 'x'" when a template asks `t` for a missing text."""
    from jinja2 import StrictUndefined

    class ReportUndefined(StrictUndefined):
        @property
        def _undefined_message(self) -> str:
            if self._undefined_hint is None and isinstance(self._undefined_obj, LocalTexts):
                return missing_text_message(str(self._undefined_name), self._undefined_obj)
            return super()._undefined_message

    return ReportUndefined


def missing_text_message(key: str, texts: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(texts), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"{TEXTS_FILE} has no text '{key}'{hint} / {TEXTS_FILE} 中没有文字项 '{key}'"


def template_location(exc: BaseException, dirs: Sequence[Path]) -> str | None:
    """'file:line' of the innermost template frame of a run-time template error.

    jinja2 rewrites the traceback so that template code shows as frames whose file is the template's path
    and whose line is the template's line; the innermost one inside a template folder is where it failed.
    """
    roots = [Path(d).resolve() for d in dirs]
    where = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".htm")) and any(Path(filename).resolve().is_relative_to(r) for r in roots):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def stylesheet(env) -> Markup:
    """The print CSS (a district's own `report.css` first), then a district's `district.css` if it has one, so
    that one colour is changed with one rule; inlined so the HTML stands alone, and unable to close <style>.
    """
    from jinja2 import TemplateNotFound

    source, _, _ = env.loader.get_source(env, CSS_FILE)
    try:
        extra, _, _ = env.loader.get_source(env, DISTRICT_CSS_FILE)
    except TemplateNotFound:
        extra = ""
    combined = source + (f"\n/* {DISTRICT_CSS_FILE} */\n{extra}" if extra else "")
    return Markup(combined.replace("</", "<\\/"))


def render_html(
    data: ReportData, lang: Lang = "zh", district_dir: Path | None = None, contents: bool = True
) -> str:
    """The report as one HTML document in `lang`; `contents` adds the table of contents."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
    from jinja2.sandbox import SecurityError

    dirs = template_dirs(district_dir)
    env = template_env(dirs)
    try:
        css = stylesheet(env)
        texts = load_texts(dirs[0] if district_dir is not None else None)
        context = report_context(data, lang, texts, chart_style(css))
        return env.get_template(BASE_TEMPLATE).render(**context, css=css, contents=contents)
    except TemplateNotFound as exc:
        raise AssessError(f"template '{exc.name}' not found in {', '.join(map(str, dirs))} / 找不到模板") from None
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        raise AssessError(f"{where}: template error / 模板错误: {exc.message}") from None
    except SecurityError as exc:
        where = template_location(exc, dirs) or BASE_TEMPLATE
        raise AssessError(
            f"{where}: the template uses something templates may not ({exc}); templates may only show the "
            f"report's values / 模板使用了不允许的内容，模板只能显示报告中的数据"
        ) from None
    except (TemplateError, TextError) as exc:
        where = template_location(exc, dirs) or BASE_TEMPLATE
        raise AssessError(f"{where}: template error / 模板错误: {exc}") from None
    except (UnicodeDecodeError, ArithmeticError, RecursionError, TypeError, ValueError) as exc:
        if district_dir is None:
            raise  # the bundled templates failing is our bug, to be seen as such
        where = template_location(exc, dirs) or str(district_dir)
        raise AssessError(
            f"{where}: 模板或样式无法使用 / a template or stylesheet of {district_dir} failed: "
            f"{type(exc).__name__}: {exc}"
        ) from None


def report_format(output: Path, fmt: str | None) -> str:
    """The format to write: `fmt` if given, else from the file name (.html/.htm, anything else PDF).

    A format that contradicts the name (`--format html -o x.pdf`) is refused: the file would not open.
    """
    suffix = output.suffix.lower()
    named = "html" if suffix in (".html", ".htm") else "pdf" if suffix == ".pdf" else None
    if fmt is not None and named is not None and fmt != named:
        raise AssessError(
            f"{output}: --format {fmt} does not match the file name ending {output.suffix}; name the file "
            f"*.{fmt} or leave out --format / 文件扩展名与 --format {fmt} 不符"
        )
    return fmt or named or "pdf"


# -- fonts ------------------------------------------------------------------------------------------------


@cache
def installed_cjk_fonts() -> tuple[str, ...]:
    """Font families fontconfig knows for Chinese (`fc-list :lang=zh family`); empty if there are none."""
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(sorted({line.split(",")[0].strip() for line in listing.splitlines() if line.strip()}))


FontLookup = Callable[[], Sequence[str]]


def require_cjk_font(html: str, lookup: FontLookup | None = None) -> None:
    """Refuse to lay out Chinese text without a Chinese font: the PDF would show empty boxes.

    `lookup` lists the installed Chinese font families (default: ask fontconfig); tests pass their own.
    """
    lookup = lookup or installed_cjk_fonts
    if CJK.search(html) and not lookup():
        raise AssessError(
            "no Chinese (CJK) font is installed, so Chinese text would print as empty boxes; install one with: "
            f"sudo apt-get install {FONT_PACKAGE} / 未安装中文字体，请先运行 sudo apt-get install {FONT_PACKAGE}"
        )


# -- PDF --------------------------------------------------------------------------------------------------


@dataclass
class LocalFiles:
    """The only files a report may load: those inside the template folders (a district's first).

    A relative reference that a district's folder does not hold is looked up in the bundled folder, as
    templates are. `data:` URLs carry their content inline and are allowed; anything else -- http(s),
    file:// outside the folders, `..` escapes, symlinks leading out -- is refused and remembered.
    """

    roots: Sequence[Path]
    asked: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.roots = [Path(r).resolve() for r in self.roots]

    def resolve(self, url: str) -> Path | None:
        self.asked.append(url)
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            found = self.inside(path)
            if found is not None:
                return found
        self.refused.append(url)
        return None

    def inside(self, path: Path) -> Path | None:
        for root in self.roots:
            if path.is_relative_to(root):
                relative = path.relative_to(root)
                for candidate in (root / relative, *(other / relative for other in self.roots if other != root)):
                    real = candidate.resolve()
                    if real.is_file() and any(real.is_relative_to(r) for r in self.roots):
                        return real
                return None
        return None


def pdf_timestamp(environ: Mapping[str, str] = os.environ) -> str | None:
    """The creation time to write into the PDF: SOURCE_DATE_EPOCH if set (reproducible builds), else none."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return None
    try:
        moment = datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise AssessError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970 (got {epoch!r}) / "
            f"SOURCE_DATE_EPOCH 须为自 1970 年起的整秒数"
        ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def layout_pdf(
    html: str,
    base_dirs: Sequence[Path],
    files: LocalFiles | None = None,
    font_lookup: FontLookup | None = None,
):
    """WeasyPrint's laid-out document for `html`, loading only what `files` allows."""
    require_cjk_font(html, font_lookup)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

    files = files if files is not None else LocalFiles(base_dirs)

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = files.resolve(url)
            if path is None:
                raise ValueError(f"not loaded: only files of the template folders are used ({url})")
            return URLFetcherResponse(path2url(str(path)), path.read_bytes(), status=200)

    base_url = path2url(str(Path(base_dirs[0]).resolve())) + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=Fetcher(allowed_protocols=("file", "data"))).render()


def write_pdf(document, environ: Mapping[str, str] = os.environ) -> bytes:
    stamp = pdf_timestamp(environ)
    document.metadata.created = stamp
    document.metadata.modified = stamp
    return document.write_pdf()


def render_pdf(
    html: str,
    base_dirs: Sequence[Path],
    files: LocalFiles | None = None,
    font_lookup: FontLookup | None = None,
) -> bytes:
    """The PDF of `html`; relative references resolve in `base_dirs` (a district's folder, then the bundled one)."""
    return write_pdf(layout_pdf(html, base_dirs, files, font_lookup))


@dataclass(frozen=True)
class RenderedReport:
    html: str
    pdf: bytes
    pages: int
    refused: list[str]
    first_pages: dict[str, int]  # element id -> the (1-based) page it starts on


def report_pdf(
    data: ReportData,
    lang: Lang = "zh",
    district_dir: Path | None = None,
    font_lookup: FontLookup | None = None,
) -> RenderedReport:
    """The report as PDF (and the HTML it was laid out from), with a table of contents when it is long.

    Laid out with the contents first, since reports are usually long; a short one is laid out again without.
    """
    dirs = template_dirs(district_dir)
    files = LocalFiles(dirs)
    html = render_html(data, lang, district_dir, contents=True)
    document = layout_pdf(html, dirs, files, font_lookup)
    if pages_without_contents(document) <= CONTENTS_AFTER_PAGES:
        html = render_html(data, lang, district_dir, contents=False)
        document = layout_pdf(html, dirs, files, font_lookup)
    return RenderedReport(
        html=html,
        pdf=write_pdf(document),
        pages=len(document.pages),
        refused=files.refused,
        first_pages={name: index + 1 for name, index in first_pages(document).items()},
    )


def first_pages(document) -> dict[str, int]:
    """The 0-based page on which each element id (anchor) of the laid-out document starts."""
    return {name: i for i, page in reversed(list(enumerate(document.pages))) for name in page.anchors}


def pages_without_contents(document) -> int:
    """Pages the report would have without its table of contents (`#contents` up to `#summary`)."""
    first = first_pages(document)
    if "contents" in first and "summary" in first:
        return len(document.pages) - (first["summary"] - first["contents"])
    return len(document.pages)
