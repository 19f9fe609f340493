"""Chinese terminal output reads as Chinese: no id of the pack (question, indicator, dimension or pack ids)
and no method's code name where a title or a word exists -- in the tables of score, fill, ahp, district and
analyze -- times as 2026年12月6日 23:51, the history database as the user wrote it, groups in natural order,
and every option's help in Chinese first."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import click
import pytest

from assess.cli import main
from assess.packs.loading import load_pack

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "old-community"
CORE = load_pack("core").pack
PACK_IDS = ({CORE.id} | {d.id for d in CORE.dimensions} | {i.id for _, i in CORE.indicators()}
            | {q.id for _, _, q in CORE.questions()})
CODE_NAMES = {"declared", "listwise", "pairwise", "entropy", "critic", "combined", "saaty-1980", "items",
              "dimensions"}
FILE_NAME = re.compile(r"[\w./-]+\.(?:yaml|yml|csv|xlsx?|db)\b")


def ids_in(output: str) -> list[str]:
    """Pack ids and code names standing as words in `output` (file names and folder names aside)."""
    text = FILE_NAME.sub(" ", output)
    words = re.findall(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", text)
    return sorted({w for w in words if w in PACK_IDS | CODE_NAMES})


@pytest.fixture(scope="module")
def grouped(tmp_path_factory) -> Path:
    """The example's residents with a 楼栋 column: 1号楼 … 11号楼."""
    with open(EXAMPLE / "residents.csv", encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    rows[0].append("楼栋")
    for n, row in enumerate(rows[1:]):
        row.append(f"{(1, 2, 3, 10, 11)[n % 5]}号楼")
    path = tmp_path_factory.mktemp("grouped") / "residents.csv"
    with open(path, "w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    return path


@pytest.fixture(scope="module")
def round_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("街道") / "2026"
    for example in ("old-community", "new-commercial"):
        shutil.copytree(REPO / "examples" / example, folder / example)
    return folder


def invoke(runner, *args: str) -> str:
    outcome = runner.invoke(main, [*args, "--lang", "zh"])
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


def test_score_names_no_id(runner, grouped):
    full = invoke(runner, "score", str(EXAMPLE / "answers.yaml"), "--respondents", str(grouped),
                  "--group-by", "楼栋")
    committee_only = invoke(runner, "score", str(EXAMPLE / "answers.yaml"))  # thin dimensions: warnings
    assert "数据不足" in committee_only
    assert ids_in(full) == [] and ids_in(committee_only) == []


def test_score_prints_each_group_in_natural_order(runner, grouped):
    output = invoke(runner, "score", str(EXAMPLE / "answers.yaml"), "--respondents", str(grouped),
                    "--group-by", "楼栋")
    table = output.split("分组得分: 楼栋", 1)[1]
    assert [line.split()[0] for line in table.strip().splitlines()[1:6]] == ["1号楼", "2号楼", "3号楼", "10号楼",
                                                                             "11号楼"]


def test_ahp_names_the_dimensions_by_their_titles(runner):
    output = invoke(runner, "ahp", str(REPO / "indicators" / "examples" / "ahp-core-dimensions.yaml"))
    assert "党组织引领与自身建设" in output and ids_in(output) == []


CYCLE = {(0, 1): "5", (1, 2): "5", (0, 2): "1/5"}  # three dimensions each judged 5× the next, in a circle


def refusal(runner, *args: str) -> str:
    outcome = runner.invoke(main, [*args, "--lang", "zh"])
    assert outcome.exit_code == 1 and "矛盾" in outcome.output, outcome.output
    return outcome.output


def test_an_ahp_refusal_names_the_items_by_their_titles_wherever_the_judgments_come_from(runner, write, tmp_path):
    from tests.packs.test_ahp_workbook import filled

    dims = [d.id for d in CORE.dimensions]
    judged = [f"  - [{dims[i]}, {dims[j]}, {CYCLE.get((i, j), 1)}]" for i in range(8) for j in range(i + 1, 8)]
    judgments = write("judgments.yaml", f"items: [{', '.join(dims)}]\njudgments:\n" + "\n".join(judged) + "\n")
    pack = write("ahp-pack.yaml", "id: core-ahp\nversion: '1'\ntitle: {zh: 专家权重, en: Experts' weights}\n"
                 "extends: core\nahp:\n  dimensions:\n    judgments:\n" + "\n".join(f"  {j}" for j in judged) + "\n")
    workbook = filled(runner, tmp_path, "zhao", "赵老师", CYCLE)
    outputs = [refusal(runner, "ahp", str(judgments)), refusal(runner, "ahp", str(workbook), "--pack", "core"),
               refusal(runner, "ahp", "--pack", str(pack)),
               refusal(runner, "score", str(EXAMPLE / "answers.yaml"), "--pack", str(pack), "--weights", "ahp")]
    for output in outputs:
        assert "「资源整合与共享」比「党组织引领与自身建设」重要 5 倍" in output
        chinese = "\n".join(line.split(" / ")[0] for line in output.replace(str(tmp_path), "").splitlines())
        assert ids_in(chinese) == []


def test_analyze_names_no_id(runner):
    output = invoke(runner, "analyze", str(EXAMPLE / "answers.yaml"), "--respondents",
                    str(EXAMPLE / "residents.csv"), "--missing", "pairwise")
    assert ids_in(output) == []


def test_district_tables_name_no_id_with_local_times_and_the_database_as_typed(runner, round_folder, monkeypatch):
    monkeypatch.chdir(round_folder.parent)
    scored = runner.invoke(main, ["district", "score", "2026", "--uncertainty", "0"])
    assert scored.exit_code == 0, scored.output
    assert "已存入历史数据库 assess-history.db" in scored.output and "%E" not in scored.output
    again = runner.invoke(main, ["district", "score", "2026", "--uncertainty", "0"])
    assert "替换已存的“2026”轮（" in again.output and "+00:00" not in again.output and "%E" not in again.output
    history = invoke(runner, "district", "history")
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", history) and "+00:00" not in history
    assert ids_in(scored.output.replace("old-community", "").replace("new-commercial", "")) == []
    assert ids_in(history) == []


def test_fill_names_no_id(runner, tmp_path):
    typed = ["阳光社区", "", "", "1", "80", "二"]
    outcome = runner.invoke(main, ["fill", "-o", str(tmp_path / "答卷.yaml")], input="\n".join(typed) + "\n")
    assert ids_in(outcome.output.replace(str(tmp_path), "")) == []


def every_option(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from every_option(command, f"{prefix}{name} ")
        for param in command.params:
            if isinstance(param, click.Option) and param.help and not param.hidden:
                yield f"{prefix}{name} {param.opts[-1]}", param.help


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_option_says_what_it_does_in_chinese_first_then_english():
    missing = [where for where, help_text in every_option(main)
               if not CJK.search(help_text.split(" / ")[0]) or " / " not in help_text]
    assert missing == []
