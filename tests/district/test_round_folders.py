"""Round folders as people fill them: answers under another name, an Office lock file, a second download.

Every community that can be scored is scored, each other one is listed with its reason, and the district's
name comes from the answer files (round.yaml and --district say otherwise when given).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assess.cli import main
from assess.district.rounds import load_round

EXAMPLES = Path(__file__).parents[2] / "examples"
STREET = "示例街道"


def same_street(answers: Path) -> None:
    text = answers.read_text(encoding="utf-8")
    lines = [f"  street: {STREET}" if line.startswith("  street:") else line for line in text.splitlines()]
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def messy_round(tmp_path):
    """Four communities of one sub-district: answers named 答卷.yaml; a lock file and a thumbnail cache beside
    the download; a second download of the same survey; several .yaml files, none called answers.yaml."""
    folder = tmp_path / "2026年第一轮"
    for name, example in (("槐荫里", "old-community"), ("锦澜湾", "new-commercial"), ("矿山路", "mining-district"),
                          ("南关", "old-community")):
        shutil.copytree(EXAMPLES / example, folder / name)
        same_street(folder / name / "answers.yaml")
    (folder / "槐荫里" / "answers.yaml").rename(folder / "槐荫里" / "答卷.yaml")
    (folder / "锦澜湾" / "~$residents.csv").write_bytes(b"\x00owner")
    (folder / "锦澜湾" / "Thumbs.db").write_bytes(b"\x00")
    (folder / "锦澜湾" / "README.txt").write_text("问卷说明\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00")
    shutil.copy(folder / "矿山路" / "residents.csv", folder / "矿山路" / "residents(1).csv")
    (folder / "南关" / "answers.yaml").rename(folder / "南关" / "第一次.yaml")
    shutil.copy(folder / "南关" / "第一次.yaml", folder / "南关" / "第二次.yaml")
    return folder


def test_a_messy_round_scores_what_it_can_and_names_the_rest_with_their_reasons(messy_round, runner):
    result = runner.invoke(main, ["district", "score", str(messy_round), "--format", "json", "--uncertainty", "0",
                                  "--no-history"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(c["id"] for c in data["communities"]) == ["槐荫里", "锦澜湾"]
    failed = {f["id"]: f["message"] for f in data["failed"]}
    assert set(failed) == {"矿山路", "南关"}
    assert "residents(1).csv" in failed["矿山路"] and "residents.csv" in failed["矿山路"]
    assert "第一次.yaml" in failed["南关"] and "第二次.yaml" in failed["南关"]
    assert data["district"] == STREET
    assert [s["zh"] for s in data["skipped"]] == ["锦澜湾：已跳过 README.txt（既不是答卷也不是居民问卷表）"]
    table = runner.invoke(main, ["district", "score", str(messy_round), "--uncertainty", "0", "--no-history"])
    assert "未计分 2 个社区 / 2 not scored:" in table.stdout


def test_the_league_names_the_columns_each_community_left_out(messy_round, runner):
    residents = messy_round / "锦澜湾" / "residents.csv"
    lines = residents.read_text(encoding="utf-8").splitlines()
    residents.write_text("\n".join([lines[0] + ",楼栋", *(line + ",1号楼" for line in lines[1:])]) + "\n",
                         encoding="utf-8")
    result = runner.invoke(main, ["district", "score", str(messy_round), "--uncertainty", "0", "--no-history",
                                  "--format", "json"])
    notes = {c["id"]: c["notes"] for c in json.loads(result.stdout)["communities"]}
    assert notes["锦澜湾"] == [{"zh": "已忽略的列（可用 --group-by 分组）: 楼栋",
                                "en": "columns left out (usable with --group-by): 楼栋"}]
    assert notes["槐荫里"] == []


def test_the_league_table_and_the_history_use_the_name_the_answer_files_give(messy_round, runner):
    result = runner.invoke(main, ["district", "score", str(messy_round), "--uncertainty", "0"])
    assert result.exit_code == 0, result.output
    history = runner.invoke(main, ["district", "history", str(messy_round), "--format", "json"])
    assert STREET in history.stdout


def test_district_and_round_yaml_override_the_answer_files(messy_round):
    assert load_round(messy_round).district == STREET
    assert load_round(messy_round, district="东城区").district == "东城区"
    (messy_round / "round.yaml").write_text("district: {zh: 西城区, en: Xicheng}\ncommunities:\n  - dir: 锦澜湾\n",
                                            encoding="utf-8")
    assert load_round(messy_round).district == "西城区"


def test_answer_files_that_disagree_name_no_district(messy_round):
    answers = messy_round / "锦澜湾" / "answers.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace(STREET, "别的街道"), encoding="utf-8")
    assert load_round(messy_round).district is None
