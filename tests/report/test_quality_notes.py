"""The report's 提示 (warnings): a questionnaire not received at all is named with the indicators it leaves
without data, and committee questions left unanswered are named by their titles."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import yaml

from assess.packs.loading import load_pack
from assess.report.data import build_report
from assess.report.texts import load_texts, local_texts
from assess.report.view_quality import quality_warnings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "old-community"
PACK = load_pack("core").pack


def warnings_for(folder: Path, lang: str) -> list[str]:
    data = build_report(folder / "answers.yaml", folder / "residents.csv")
    return quality_warnings(data.score, data.pack.pack, lang, local_texts(load_texts(), lang))


def test_no_party_member_questionnaire_is_named_with_the_indicators_it_leaves_without_data(tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    party = {q.id for _, _, q in PACK.questions() if q.respondent == "party_member"}
    with open(folder / "residents.csv", encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    keep = [n for n, column in enumerate(rows[0]) if column not in party]
    with open(folder / "residents.csv", "w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows([[row[n] for n in keep] for row in rows])
    zh = "\n".join(warnings_for(folder, "zh"))
    assert "未收到党员问卷" in zh and "个指标因此缺少这部分数据，综合覆盖率为" in zh
    lost = next(ind for _, ind, q in PACK.questions() if q.respondent == "party_member")
    assert lost.title.zh in zh
    assert "No questionnaire from Party members was received" in "\n".join(warnings_for(folder, "en"))
    assert "未收到党员问卷" not in "\n".join(warnings_for(EXAMPLE, "zh"))


def test_an_unanswered_committee_question_is_named_by_its_title(tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    data = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    optional = next(q for _, _, q in PACK.questions()
                    if q.respondent == "committee" and not q.required and q.id in data["answers"])
    del data["answers"][optional.id]
    (folder / "answers.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert f"两委填报有 1 题未答：{optional.title.zh}。" in warnings_for(folder, "zh")
