"""Generate the bundled example communities: committee answers (YAML) and a resident survey (CSV) each.

The three communities are FICTIONAL. Their profiles are drawn from what the five theses report about
such places, so that the demo reports differ the way real ones would:

- an old community with an ageing population (cf. X Community, Gaoping): weak in resources, staffing,
  facilities and online services, strong in neighbourliness and participation;
- a new commercial-housing community: strong smart platforms and services, weak participation and a
  strained relation between owners, the property company and the owners' committee;
- a community of a former mining district (cf. Yingzi District, Chengde): strong Party leadership and
  "face to face" work by cadres, weak staffing, facilities and services for laid-off and older residents.

Every answer comes from a latent level (0 = worst, 1 = best) per indicator plus seeded noise; resident
answers add a per-person tendency so that items of a dimension correlate as real survey items do. The
output is fixed by the seed: `python examples/generate.py` rewrites the committed files byte for byte,
and a test regenerates them and compares.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from assess.packs.loading import load_pack
from assess.packs.model import Pack, Question
from assess.responses.answer_file import AnswerFile, Community, dump_answer_file
from assess.responses.residents_csv import RESPONDENT_ID_COLUMN

SEED = 20250315
ASSESSED_ON = date(2025, 3, 15)
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


PROFILES = (
    Profile(
        folder="old-community",
        community=Community(
            name="槐荫里社区（虚构示例）",
            district="青石区（虚构）",
            street="东关街道",
            city="示例市",
            type="老旧小区",
            population=6800,
        ),
        respondents=124,
        dimensions={
            "party-leadership": 0.66,
            "participation": 0.78,
            "resources": 0.32,
            "services": 0.42,
            "coordination": 0.5,
            "evaluation": 0.55,
            "innovation": 0.3,
            "law-virtue": 0.7,
        },
        indicators={
            "cadre-team": 0.35,
            "public-spirit": 0.88,
            "volunteering": 0.84,
            "funding": 0.22,
            "staffing": 0.3,
            "infrastructure": 0.22,
            "vulnerable-groups": 0.6,
            "property-management": 0.25,
            "online-service": 0.2,
            "civic-virtue": 0.8,
        },
        texts={
            "q-services-wanted": [
                "希望增加老年助餐点，子女不在身边",
                "楼道太暗，想装感应灯",
                "想要上门体检和送药服务",
                "加装电梯的事希望社区牵头协调",
                "老人多，希望有人教用智能手机",
            ],
            "q-resident-suggestions": [
                "社区干部很热心，就是人手太少",
                "活动室太小，下雨天没地方去",
                "希望停车问题早点解决",
            ],
        },
    ),
    Profile(
        folder="new-commercial",
        community=Community(
            name="锦澜湾社区（虚构示例）",
            district="新港区（虚构）",
            street="滨江街道",
            city="示例市",
            type="商品房小区",
            population=12400,
        ),
        respondents=152,
        dimensions={
            "party-leadership": 0.55,
            "participation": 0.34,
            "resources": 0.62,
            "services": 0.68,
            "coordination": 0.36,
            "evaluation": 0.6,
            "innovation": 0.9,
            "law-virtue": 0.58,
        },
        indicators={
            "member-duty": 0.4,
            "public-spirit": 0.28,
            "participation-breadth": 0.25,
            "property-management": 0.28,
            "self-governance-bodies": 0.3,
            "joint-meetings": 0.35,
            "dispute-resolution": 0.4,
            "grid-data": 0.8,
        },
        texts={
            "q-services-wanted": [
                "希望有周末的儿童托管和兴趣课",
                "快递柜不够用",
                "物业收费和服务不对等，希望社区监督",
                "想要宠物管理的规定",
            ],
            "q-resident-suggestions": [
                "业委会换届拖了很久，希望社区出面",
                "小程序挺方便，但活动通知太多",
                "上班族白天没空，议事会能不能放到晚上",
            ],
        },
    ),
    Profile(
        folder="mining-district",
        community=Community(
            name="矿山路社区（虚构示例）",
            district="石岭矿区（虚构）",
            street="矿工街道",
            city="示例市",
            type="工矿区社区",
            population=8900,
        ),
        respondents=113,
        dimensions={
            "party-leadership": 0.86,
            "participation": 0.6,
            "resources": 0.42,
            "services": 0.36,
            "coordination": 0.55,
            "evaluation": 0.5,
            "innovation": 0.38,
            "law-virtue": 0.64,
        },
        indicators={
            "leading-goose": 0.92,
            "member-duty": 0.9,
            "cadre-team": 0.7,
            "staffing": 0.2,
            "infrastructure": 0.3,
            "demand-matching": 0.55,
            "responsiveness": 0.62,
            "funding": 0.28,
        },
        texts={
            "q-services-wanted": [
                "下岗职工再就业培训",
                "采空区搬迁后的房子漏水，希望帮忙协调",
                "老矿工的慢病用药",
                "冬天供暖不稳定",
            ],
            "q-resident-suggestions": [
                "干部经常上门，有事能找到人",
                "社区工作人员太少，一个人管好几栋楼",
            ],
        },
    ),
)

COMMITTEE_TEXTS = {
    "old-community": {"q-beyond-list": "创建文明城市的入户调查、各类报表；加装电梯需要住建部门协调"},
    "new-commercial": {"q-beyond-list": "物业合同纠纷的调处、业委会备案，需要街道和住建部门协调"},
    "mining-district": {"q-beyond-list": "采空区搬迁安置的遗留问题、企业退休人员社会化管理需要区里统筹"},
}


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(value, low), high)


# -- the committee's self-report ----------------------------------------------------------------------


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


# -- files --------------------------------------------------------------------------------------------


def answer_file(pack: Pack, profile: Profile, rng: random.Random) -> str:
    answers: dict[str, object] = {}
    texts = COMMITTEE_TEXTS.get(profile.folder, {})
    for dim, ind, q in pack.questions():
        if q.respondent != "committee":
            continue
        if q.type == "text":
            if q.id in texts:
                answers[q.id] = texts[q.id]
            continue
        answers[q.id] = committee_answer(q, profile.level(dim.id, ind.id), rng)
    data = AnswerFile(pack=pack.id, community=profile.community, assessed_on=ASSESSED_ON, answers=answers)
    header = "# FICTIONAL example community generated by examples/generate.py -- not real data. 虚构示例数据。\n"
    return header + dump_answer_file(data)


def generated_files(pack: Pack) -> dict[str, str]:
    """Every example file's relative path and text; the same pack always gives the same text."""
    files: dict[str, str] = {}
    for index, profile in enumerate(PROFILES):
        rng = random.Random(SEED + index)
        files[f"{profile.folder}/answers.yaml"] = answer_file(pack, profile, rng)
        files[f"{profile.folder}/residents.csv"] = residents_csv(pack, profile, rng)
    return files


def generate(out_dir: Path) -> list[Path]:
    written = []
    for relative, text in generated_files(load_pack("core").pack).items():
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for written_path in generate(target):
        print(written_path)
