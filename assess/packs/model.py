"""The indicator pack format: pack -> dimensions -> indicators -> questions.

These pydantic models are the single source of truth for what a pack file may contain; the loader, the
validator, the JSON export and the scoring engine all read them. Unknown keys are refused so that a typo
in a district's pack is reported instead of silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from assess.i18n import Lang
from assess.packs.judgments import AhpSpec
from assess.packs.respondents import Respondent

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
def not_yes_no(value: object) -> object:
    """`weight: true` is YAML for a yes/no, not the number 1: refuse it instead of reading 1.0."""
    if isinstance(value, bool):
        raise ValueError("须为数字，不能是 true/false / must be a number, not true/false")
    return value


Number = Annotated[float, BeforeValidator(not_yes_no)]
Weight = Annotated[Number, Field(ge=0, le=1_000_000)]  # relative; the bound keeps sums finite
GOALPOST_LIMIT = 1e12  # far beyond any count or measure a community reports; keeps best − worst finite
Goalpost = Annotated[Number, Field(ge=-GOALPOST_LIMIT, le=GOALPOST_LIMIT)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Text(Strict):
    """A user-facing text in both languages; neither may be missing or blank."""

    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Source(Strict):
    """Where an indicator comes from: a thesis (by seed file name) and a phrase of its abstract."""

    seed: str
    evidence: Annotated[str, Field(min_length=3)]


class Option(Strict):
    id: Id
    label: Text
    score: Annotated[float, Field(ge=0, le=100)]


MAX_SCALE_POINTS = 11  # 0–10 is the widest rating scale in use


class Scale(Strict):
    min: int = 1
    max: int = 5
    labels: dict[int, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        if self.max - self.min > MAX_SCALE_POINTS - 1:
            raise ValueError(f"a scale has at most {MAX_SCALE_POINTS} points (here {self.min}..{self.max})")
        outside = sorted(k for k in self.labels if not self.min <= k <= self.max)
        if outside:
            raise ValueError(f"labels {outside} are outside the scale {self.min}..{self.max}")
        return self


class Element(Strict):
    id: Id
    title: Text
    description: Text | None = None
    weight: Weight = 1.0


class QuestionBase(Element):
    respondent: Respondent = "committee"
    required: bool = False
    help: Text | None = None


class LikertQuestion(QuestionBase):
    type: Literal["likert"]
    scale: Scale = Field(default_factory=Scale)
    reverse: bool = False


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]
    reverse: bool = False


class ChoiceQuestion(QuestionBase):
    type: Literal["choice"]
    options: Annotated[list[Option], Field(min_length=2)]

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: list[Option]) -> list[Option]:
        ids = [o.id for o in options]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"duplicate option ids: {', '.join(duplicated)}")
        return options


class MultiChoiceQuestion(ChoiceQuestion):
    type: Literal["multi_choice"]  # type: ignore[assignment]


class NumberQuestion(QuestionBase):
    """A count or measure scored between goalposts; `best` may be below `worst` (e.g. response hours)."""

    type: Literal["number"]
    worst: Goalpost
    best: Goalpost
    unit: Text | None = None
    integer: bool = False
    min: Goalpost | None = 0
    max: Goalpost | None = None

    @model_validator(mode="after")
    def _goalposts(self) -> NumberQuestion:
        if self.worst == self.best:
            raise ValueError(f"worst and best must differ (both are {self.worst:g})")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max:g}) must not be below min ({self.min:g})")
        return self


class TextQuestion(QuestionBase):
    type: Literal["text"]


Question = Annotated[
    LikertQuestion | YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion | TextQuestion,
    Field(discriminator="type"),
]
SCORED_TYPES = ("likert", "yes_no", "choice", "multi_choice", "number")


class Indicator(Element):
    sources: Annotated[list[Source], Field(min_length=1)]
    target: Annotated[Number, Field(ge=0, le=100)] | None = None
    questions: Annotated[list[Question], Field(min_length=1)]


class Dimension(Element):
    indicators: Annotated[list[Indicator], Field(min_length=1)]


class GradeBand(Strict):
    id: Id
    min: Annotated[float, Field(ge=0, le=100)]
    label: Text


DEFAULT_BANDS = (
    GradeBand(id="excellent", min=85, label=Text(zh="优秀", en="Excellent")),
    GradeBand(id="good", min=70, label=Text(zh="良好", en="Good")),
    GradeBand(id="fair", min=60, label=Text(zh="合格", en="Fair")),
    GradeBand(id="weak", min=0, label=Text(zh="薄弱", en="Weak")),
)


class CommunityKind(Strict):
    """A kind of community (老旧小区 …): countermeasures may say which kinds they fit. An answer file's
    `community.type` names a kind by its Chinese label, its English label, its id or one of its aliases."""

    id: Id
    label: Text
    aliases: list[str] = Field(default_factory=list)

    def names(self) -> set[str]:
        return {self.id, self.label.zh, self.label.en.lower(), *self.aliases}


DEFAULT_KINDS = (
    CommunityKind(id="old-estate", label=Text(zh="老旧小区", en="Old estate"), aliases=["老旧社区", "老小区"]),
    CommunityKind(id="commercial", label=Text(zh="商品房小区", en="Commercial housing estate"),
                  aliases=["商品房社区", "新建商品房小区", "新建小区"]),
    CommunityKind(id="work-unit", label=Text(zh="单位社区", en="Work-unit community"), aliases=["单位大院"]),
    CommunityKind(id="resettlement", label=Text(zh="村改居/安置社区", en="Village-to-residence or resettlement"),
                  aliases=["村改居", "安置社区", "村改居社区", "拆迁安置社区"]),
    CommunityKind(id="mining", label=Text(zh="矿区/工矿社区", en="Mining or industrial community"),
                  aliases=["矿区", "工矿区", "工矿区社区", "矿区社区", "工矿社区", "采煤沉陷区"]),
    CommunityKind(id="urban-village", label=Text(zh="城中村", en="Urban village"), aliases=["城中村社区"]),
    CommunityKind(id="mixed", label=Text(zh="混合型社区", en="Mixed community"), aliases=["混合型"]),
)


def descending(values: list[float]) -> list[float]:
    if any(a <= b for a, b in zip(values, values[1:], strict=False)):
        raise ValueError("the five grade values must fall from the best grade to the worst, e.g. [100, 80, 60, 40, 20]")
    return values


FuzzyValues = Annotated[list[Annotated[float, Field(ge=0, le=100)]], Field(min_length=5, max_length=5),
                        AfterValidator(descending)]


class Pack(Strict):
    id: Id
    version: Annotated[str, Field(min_length=1)]
    title: Text
    description: Text | None = None
    grade_bands: Annotated[list[GradeBand], Field(min_length=1)] = Field(default_factory=lambda: list(DEFAULT_BANDS))
    default_target: Annotated[Number, Field(ge=0, le=100)] = 85.0
    dimensions: Annotated[list[Dimension], Field(min_length=1)]
    ahp: AhpSpec | None = None  # expert pairwise judgments; `--weights ahp` derives weights from them
    # the values of the five grades of the fuzzy comprehensive evaluation, best first (`assess analyze`)
    fuzzy_values: FuzzyValues | None = None
    community_kinds: list[CommunityKind] = Field(default_factory=lambda: list(DEFAULT_KINDS))

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value

    @field_validator("grade_bands")
    @classmethod
    def _bands_cover_zero(cls, bands: list[GradeBand]) -> list[GradeBand]:
        bands = sorted(bands, key=lambda b: -b.min)
        if bands[-1].min != 0:
            raise ValueError("the lowest grade band must start at 0 so that every score has a grade")
        mins = [b.min for b in bands]
        if len(set(mins)) != len(mins):
            raise ValueError("two grade bands start at the same score")
        return bands

    # -- lookups used throughout the toolkit --------------------------------------------------------

    def kind_of(self, community_type: str | None) -> CommunityKind | None:
        """The kind an answer file's `community.type` names, or None (not given, or not one of the pack's)."""
        if not community_type:
            return None
        text = community_type.strip()
        return next((k for k in self.community_kinds if text in k.names() or text.lower() in k.names()), None)

    def target_of(self, indicator: Indicator) -> float:
        return indicator.target if indicator.target is not None else self.default_target

    def grade(self, score: float) -> GradeBand:
        return next(b for b in self.grade_bands if score >= b.min)

    def indicators(self) -> list[tuple[Dimension, Indicator]]:
        return [(d, i) for d in self.dimensions for i in d.indicators]

    def questions(self) -> list[tuple[Dimension, Indicator, Question]]:
        return [(d, i, q) for d in self.dimensions for i in d.indicators for q in i.questions]
