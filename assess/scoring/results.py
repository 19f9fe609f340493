"""The result of scoring one community: what `assess score --format json` prints and what benchmarking,
recommendations and the report read. Field names here are a published interface: add, never rename.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from assess.packs.model import Text
from assess.responses.answer_file import Community


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PackRef(Result):
    id: str
    version: str
    hash: str
    file: str
    parents: list[str] = []


class Overall(Result):
    score: float | None
    grade: str | None
    grade_label: Text | None
    coverage: float


class DimensionScore(Result):
    id: str
    title: Text
    score: float | None
    weight: float  # effective share of the overall score actually used (sums to 1 over scored dimensions)
    coverage: float  # answered weight share, 0..1
    grade: str | None
    grade_label: Text | None
    insufficient_data: bool


class IndicatorScore(Result):
    id: str
    dimension: str
    title: Text
    score: float | None
    weight: float  # effective weight in the overall score (product of shares down the tree)
    answered: bool
    coverage: float
    target: float
    gap: float | None  # target - score when below target, else 0; None when unanswered


class QuestionScore(Result):
    id: str
    indicator: str
    score: float | None
    n: int  # number of sources (the committee block counts as one, each respondent as one)
    respondents: int = 0  # of those, individual respondents (data quality: how many residents answered)
    weight: float = 0.0  # effective weight in the overall score (0 when unanswered or unscored, e.g. text)


class ItemReliability(Result):
    question: str
    alpha_if_deleted: float | None
    item_total_correlation: float | None


class Reliability(Result):
    dimension: str
    alpha: float | None
    items: int
    complete_respondents: int
    item_stats: list[ItemReliability]
    note: Text | None = None  # why alpha is not reported


class Band(Result):
    """A score's standard error and 90 % interval (5th–95th percentile) over the joint draws."""

    se: float
    low: float
    high: float


class Uncertainty(Result):
    """How far the overall score (and each dimension's) could move: residents resampled and/or weights
    perturbed, in `draws` joint draws (docs/reference.md, "Uncertainty")."""

    draws: int
    seed: int
    spread: float  # relative perturbation of the weights, e.g. 0.25 for +-25 % (0: weights not perturbed)
    p5: float  # = low, kept for readers of earlier output
    p95: float  # = high
    grade_stability: float  # share of draws whose grade equals the unperturbed grade
    se: float | None = None  # standard deviation of the overall score over the draws
    low: float | None = None
    high: float | None = None
    level: float = 0.9
    sources: list[str] = []  # "sampling" (residents resampled) and/or "weights" (weights perturbed)
    sampling: str = "not_requested"  # resampled | census | no_residents | one_resident | not_requested
    sampling_note: Text | None = None  # why the sampling part is what it is, in words
    population: int | None = None  # the community's population, when given: finite population correction
    strata: list[str] = []  # --group-by columns within whose groups residents were resampled
    dimensions: dict[str, Band | None] = {}


class Notice(Result):
    """A warning in both languages. One about a single question names it in `question` and says the rest in
    `detail`, so a report can put the question's title in front instead of its id.
    """

    zh: str
    en: str
    question: str | None = None
    detail: Text | None = None

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Method(Result):
    weights: str  # declared | equal | ahp
    ri_table: str | None = None
    ahp_cr: dict[str, float] = {}  # judgment set ("dimensions" or a dimension id) -> consistency ratio


class GroupScore(Result):
    """One group of residents (a value of a `--group-by` column): the scores the community gets when only
    this group's residents are counted, the committee's answers being the same. A group of fewer than
    `MIN_GROUP_SIZE` residents is `too_few`: counted, never scored, so no one can be picked out."""

    column: str
    value: str
    respondents: int
    too_few: bool
    overall: float | None = None
    dimensions: dict[str, float | None] = {}


class ScoreResult(Result):
    community: Community
    assessed_on: str | None
    pack: PackRef
    method: Method
    respondents: int
    overall: Overall
    dimensions: list[DimensionScore]
    indicators: list[IndicatorScore]
    questions: list[QuestionScore]
    reliability: list[Reliability] = []
    uncertainty: Uncertainty | None = None
    warnings: list[Notice] = []
    notes: list[Notice] = []  # what the reading left out (columns of no question), for the command's end note
    groups: list[GroupScore] = []
