"""`assess indicators list/show/validate` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

from assess.cli import main
from tests.conftest import MINIMAL_PACK, REPO

BROKEN = REPO / "tests" / "data" / "broken_packs"


def test_list_table_in_chinese_and_english(runner):
    zh = runner.invoke(main, ["indicators", "list"])
    assert zh.exit_code == 0, zh.output
    assert "党组织“领头雁”作用" in zh.output and "leading-goose" in zh.output
    en = runner.invoke(main, ["indicators", "list", "--lang", "en"])
    assert "Likert" in en.output and "党" not in en.output.split("\n", 1)[1]


def test_list_json_is_the_fully_resolved_pack(runner):
    result = runner.invoke(main, ["indicators", "list", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data["pack"]) == {"id", "version", "hash", "file", "parents"}
    assert data["pack"]["parents"] == []
    assert data["pack"]["id"] == "core" and len(data["pack"]["hash"]) == 16
    assert [b["id"] for b in data["grade_bands"]] == ["excellent", "good", "fair", "weak"]
    indicator = data["dimensions"][0]["indicators"][0]
    assert {"id", "title", "weight", "target", "sources", "questions"} <= set(indicator)
    assert indicator["target"] == 85
    questions = [q for d in data["dimensions"] for i in d["indicators"] for q in i["questions"]]
    by_type = {q["type"]: q for q in questions}
    assert {"min", "max", "labels"} <= set(by_type["likert"]["scale"]) and "reverse" in by_type["likert"]
    assert {"worst", "best", "unit"} <= set(by_type["number"])
    assert all({"id", "label", "score"} == set(o) for o in by_type["choice"]["options"])
    assert all(q["respondent"] in {"committee", "resident", "party_member"} for q in questions)
    assert {"seed", "evidence"} == set(indicator["sources"][0])


def test_list_json_names_the_parent_chain_of_a_district_pack(runner):
    result = runner.invoke(main, ["indicators", "list", "--pack", "kuangqu-demo", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["pack"]["parents"] == ["core@1.0.0"]


def test_list_of_a_pack_file(runner, write):
    path = write("mini.yaml", MINIMAL_PACK)
    result = runner.invoke(main, ["indicators", "list", "--pack", str(path), "--lang", "en"])
    assert result.exit_code == 0
    assert "Mini pack" in result.output and "q-night-talks" in result.output


def test_show_an_indicator_with_its_sources(runner):
    result = runner.invoke(main, ["indicators", "show", "leading-goose", "--lang", "en"])
    assert result.exit_code == 0
    assert "Sources" in result.output and "001_3fbd8820c1bf788a.txt" in result.output
    assert "L Street" in result.output


def test_show_a_question_in_json(runner):
    result = runner.invoke(main, ["indicators", "show", "q-party-org-invisible", "--format", "json"])
    data = json.loads(result.output)
    assert data["type"] == "likert" and data["reverse"] is True
    assert data["indicator"]["id"] == "leading-goose" and data["dimension"]["id"] == "party-leadership"
    assert data["indicator"]["title"]["zh"] == "党组织“领头雁”作用"
    assert {s["seed"] for s in data["sources"]} >= {"001_3fbd8820c1bf788a.txt", "000_4794f8544b023cf5.txt"}
    indicator = json.loads(runner.invoke(main, ["indicators", "show", "leading-goose", "--format", "json"]).output)
    assert indicator["dimension"]["id"] == "party-leadership" and indicator["target"] == 85
    assert "indicator" not in indicator


def test_show_a_question_says_what_it_measures_and_why(runner):
    zh = runner.invoke(main, ["indicators", "show", "q-party-org-invisible"])
    assert zh.exit_code == 0, zh.output
    lines = zh.output.splitlines()
    assert "  维度: 党组织引领与自身建设 (party-leadership)" in lines
    assert "  指标: 党组织“领头雁”作用 (leading-goose)" in lines
    sources = lines[lines.index("  依据:") + 1:]
    assert any("山东省滨州市 L 街道 (001_3fbd8820c1bf788a.txt)" in line for line in sources)
    en = runner.invoke(main, ["indicators", "show", "q-party-org-invisible", "--lang", "en"])
    assert "  Indicator: The Party organization as \"leading goose\" (leading-goose)" in en.output.splitlines()
    assert "Sources:" in en.output


def test_show_unknown_id_suggests_close_ones(runner):
    result = runner.invoke(main, ["indicators", "show", "leading-gose"])
    assert result.exit_code == 1
    assert "did you mean leading-goose" in result.output
    assert "Traceback" not in result.output


def test_validate_core_passes(runner):
    result = runner.invoke(main, ["indicators", "validate", str(REPO / "indicators" / "core.yaml")])
    assert result.exit_code == 0, result.output


def test_validate_reports_all_problems_of_all_files(runner):
    files = [str(BROKEN / "several_problems.yaml"), str(BROKEN / "unknown_seed.yaml")]
    result = runner.invoke(main, ["indicators", "validate", *files])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ".yaml:" in line]
    assert len(lines) == 4
    assert lines[0].startswith(f"{files[0]}:7: dimensions.0.weight: ")


def test_validate_bad_files_without_traceback(runner, write):
    for path in [write("empty.yaml", ""), write("gbk.yaml", "名字: 社区".encode("gbk")), write("bad.yaml", "a: [")]:
        result = runner.invoke(main, ["indicators", "validate", str(path)])
        assert result.exit_code == 1
        assert str(path) in result.output and "Traceback" not in result.output


def test_unknown_pack_id(runner):
    result = runner.invoke(main, ["indicators", "list", "--pack", "nosuch"])
    assert result.exit_code == 1
    assert "not a bundled pack id" in result.output


def test_help_loads_no_heavy_library():
    """`assess --help` stays fast (issue: 0.42 s CPU) only if listing commands loads none of their logic."""
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom assess.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "print(' '.join(m for m in ('pydantic', 'yaml', 'jinja2', 'weasyprint', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "assess", "--help"], capture_output=True, text=True, check=True)
    assert "indicators" in result.stdout


def test_validate_reports_an_impossible_version_date_at_its_line(runner, write):
    path = write("pack.yaml", MINIMAL_PACK.replace('version: "1"', "version: 2026-02-30"))
    result = runner.invoke(main, ["indicators", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: version: 不是有效日期 / not a valid date: 2026-02-30" in result.output
    assert "Traceback" not in result.output
