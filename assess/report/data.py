"""What a community's report shows, gathered before any wording or layout.

`build_report` scores the answer file (and residents' file) exactly as `assess score` does, collecting
free-text answers on the way, compares the result with the cases and ranks the actions; the result,
`ReportData`, is what the view modules turn into text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess.packs.loading import LoadedPack
from assess.packs.model import Pack
from assess.responses.answer_file import LoadedAnswers, RespondentEntry, load_answer_file
from assess.responses.reading import DEFAULT_READING, ReadOptions
from assess.scoring.draws import Sample
from assess.scoring.options import DEFAULT_SCORING, ScoringOptions
from assess.scoring.planning import SamplePlan
from assess.scoring.results import ScoreResult

if TYPE_CHECKING:  # imported lazily at run time, where they are used
    from assess.actions.recommend import Recommendation
    from assess.cases.benchmark import BenchmarkResult


DEFAULT_TOP_ACTIONS = 10
COMMENTS_KEPT = 2000  # distinct free-text answers remembered per question; more are only counted


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
    precision: SamplePlan | None = None  # whether the residents' sample reached the target precision


def load_inputs(answers_path: Path | str, pack_ref: str | Path | None = None) -> LoadedAnswers:
    return load_answer_file(answers_path, pack_ref)


def score_inputs(
    loaded: LoadedAnswers,
    respondents_csv: Path | str | None,
    free_text: FreeTextAnswers,
    options: ScoringOptions = DEFAULT_SCORING,
    reading: ReadOptions = DEFAULT_READING,
    sample_into: list[Sample] | None = None,
) -> ScoreResult:
    """The score, computed exactly as `assess score` does, while free-text answers are collected on the way."""
    from assess.scoring.score import score_loaded

    free_text.add(loaded.data.answers)
    for entry in loaded.data.respondents:
        free_text.add(entry.answers)
    return score_loaded(loaded, respondents_csv, options, free_text.watch, reading, sample_into)


def benchmark_cases(result: ScoreResult, pack: Pack) -> BenchmarkResult:
    from assess.cases.benchmark import benchmark
    from assess.cases.profiles import load_cases

    return benchmark(result, load_cases(), pack)


def recommend_actions(
    result: ScoreResult, pack: Pack, top: int | None = DEFAULT_TOP_ACTIONS, library: Sequence[Path] = ()
) -> Recommendation:
    from assess.actions.library import load_library
    from assess.actions.recommend import recommend

    return recommend(result, load_library(list(library), pack), pack, top)


def build_report(
    answers_path: Path | str,
    respondents_csv: Path | str | None = None,
    pack_ref: str | Path | None = None,
    options: ScoringOptions = DEFAULT_SCORING,
    top: int | None = DEFAULT_TOP_ACTIONS,
    library: Sequence[Path] = (),
    reading: ReadOptions = DEFAULT_READING,
) -> ReportData:
    """Score an answer file (and residents' CSV), compare it with the cases and rank actions."""
    loaded = load_inputs(answers_path, pack_ref)
    free_text = FreeTextAnswers(loaded.pack.pack)
    samples: list[Sample] = []
    result = score_inputs(loaded, respondents_csv, free_text, options, reading, samples)
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
        precision=precision_reached(pack, options, samples[-1], result.community.name)
        if samples and samples[-1].size else None,
    )


def precision_reached(pack: Pack, options: ScoringOptions, sample: Sample, community: str) -> SamplePlan:
    """Whether the residents' sample reached the default target precision of the overall score."""
    from assess.scoring.planning import sample_plan
    from assess.scoring.weights import effective_weights

    return sample_plan(pack, effective_weights(pack, options.weights, options.allow_inconsistent), sample, community)
