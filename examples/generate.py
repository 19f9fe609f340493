"""Generate the bundled example communities: committee answers (YAML) and a resident survey (CSV) each.

The three communities are FICTIONAL. Their profiles are drawn from what the five theses report about
such places, so that the demo reports differ the way real ones would:

- an old community with an ageing population (cf. X Community, Gaoping): weak in resources, staffing,
  facilities and online services, strong in neighbourliness and participation;
- a new commercial-housing community: strong smart platforms and services, weak participation and a
  strained relation between owners, the property company and the owners' committee;
- a community of a former mining district (cf. Yingzi District, Chengde): strong Party leadership and
  "face to face" work by cadres, weak staffing, facilities and services for laid-off and older residents.

Answers are drawn from each profile's latent levels by `assess.responses.fictional`. The
output is fixed by the seed: `python examples/generate.py` rewrites the committed files byte for byte,
and a test regenerates them and compares.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.responses.answer_file import AnswerFile, Community, dump_answer_file
from assess.responses.fictional import Profile, committee_answers, residents_csv

SEED = 20250315
ASSESSED_ON = date(2025, 3, 15)


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


# -- files --------------------------------------------------------------------------------------------


def answer_file(pack: Pack, profile: Profile, rng: random.Random) -> str:
    answers = committee_answers(pack, profile, rng, COMMITTEE_TEXTS.get(profile.folder, {}))
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
