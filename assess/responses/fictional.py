"""Fictional answers drawn from latent levels: the bundled example communities and the demo sub-district.

Every answer comes from a latent level (0 = worst, 1 = best) per indicator plus seeded noise; resident
answers add a per-person tendency so that items of a dimension correlate as real survey items do. The
same profile and seed always give the same text, so generated examples can be compared byte for byte.
Nothing made here is real data.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field

from assess.packs.model import Pack, Question
from assess.responses.answer_file import Community
from assess.responses.residents_csv import RESPONDENT_ID_COLUMN

MISSING_SHARE = 0.04  # residents who skip a given question
TEXT_SHARE = 0.25  # residents who write something in a free-text question
PARTY_MEMBER_SHARE = 0.16


@dataclass(frozen=True)
class Profile:
    folder: str
    community: Community
    respondents: int
    dimensions: dict[str, float]  # latent level per dimension
    indicators: dict[str, float] = field(default_factory=dict)  # overrides for single indicators
    texts: dict[str, list[str]] = field(default_factory=dict)  # free-text answers, by question id

    def level(self, dimension: str, indicator: str) -> float:
        return self.indicators.get(indicator, self.dimensions[dimension])


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(value, low), high)


def committee_answer(question: Question, level: float, rng: random.Random) -> object:
    """What a committee at `level` reports; a little noise so that indicators of one level still differ."""
    noisy = clamp(level + rng.uniform(-0.08, 0.08))
    if question.type == "number":
        return number_answer(question, noisy)
    if question.type == "yes_no":
        return (noisy >= 0.5) != question.reverse
    if question.type == "choice":
        return min(question.options, key=lambda o: (abs(o.score / 100 - noisy), o.id)).id
    if question.type == "multi_choice":
        return multi_choice_answer(question, noisy, rng)
    if question.type == "likert":
        return likert_answer(question, noisy)
    raise ValueError(f"no committee answer for {question.type}")


def number_answer(question: Question, level: float) -> int | float:
    value = question.worst + level * (question.best - question.worst)
    if question.min is not None:
        value = max(value, question.min)
    if question.max is not None:
        value = min(value, question.max)
    return round(value) if question.integer else round(value, 1)


def multi_choice_answer(question: Question, level: float, rng: random.Random) -> list[str]:
    options = list(question.options)
    rng.shuffle(options)
    chosen, total = [], 0.0
    for option in options:
        if total >= level * 100 - 5:
            break
        chosen.append(option.id)
        total += option.score
    return [o.id for o in question.options if o.id in chosen]


def likert_answer(question: Question, level: float) -> int:
    low, high = question.scale.min, question.scale.max
    value = low + round(clamp(level) * (high - low))
    return high + low - value if question.reverse else value


# -- residents ----------------------------------------------------------------------------------------


def resident_row(pack: Pack, profile: Profile, rng: random.Random, party_member: bool) -> dict[str, str]:
    """One respondent's CSV cells; a personal tendency shifts all their answers the same way."""
    tendency = rng.gauss(0, 0.16)
    cells: dict[str, str] = {}
    for dim, ind, q in pack.questions():
        if q.respondent == "committee" or (q.respondent == "party_member" and not party_member):
            continue
        if q.type == "text":
            pool = profile.texts.get(q.id, [])
            if pool and rng.random() < TEXT_SHARE:
                cells[q.id] = rng.choice(pool)
            continue
        if rng.random() < MISSING_SHARE:
            continue
        level = clamp(profile.level(dim.id, ind.id) + tendency + rng.gauss(0, 0.14))
        cells[q.id] = resident_cell(q, level, rng)
    return cells


def resident_cell(question: Question, level: float, rng: random.Random) -> str:
    if question.type == "likert":
        return str(likert_answer(question, level))
    if question.type == "yes_no":
        return "yes" if (rng.random() < level) != question.reverse else "no"
    if question.type == "number":
        return str(number_answer(question, level))
    if question.type == "choice":
        return committee_answer(question, level, rng)
    if question.type == "multi_choice":
        return " ".join(multi_choice_answer(question, level, rng))
    raise ValueError(f"no resident answer for {question.type}")


def residents_csv(pack: Pack, profile: Profile, rng: random.Random) -> str:
    columns = [q.id for _, _, q in pack.questions() if q.respondent != "committee"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([RESPONDENT_ID_COLUMN, *columns])
    for number in range(1, profile.respondents + 1):
        party_member = rng.random() < PARTY_MEMBER_SHARE
        cells = resident_row(pack, profile, rng, party_member)
        prefix = "pm" if party_member else "r"
        writer.writerow([f"{prefix}{number:03d}", *(cells.get(c, "") for c in columns)])
    return out.getvalue()


def committee_answers(
    pack: Pack, profile: Profile, rng: random.Random, texts: dict[str, str]
) -> dict[str, object]:
    """The committee block: every committee question answered at the profile's level; texts as given."""
    answers: dict[str, object] = {}
    for dim, ind, q in pack.questions():
        if q.respondent != "committee":
            continue
        if q.type == "text":
            if q.id in texts:
                answers[q.id] = texts[q.id]
            continue
        answers[q.id] = committee_answer(q, profile.level(dim.id, ind.id), rng)
    return answers
