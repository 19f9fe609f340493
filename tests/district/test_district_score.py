"""`assess district score`: a round of communities scored in parallel, ranked with their intervals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assess.cli import main
from assess.district.league import score_round
from assess.district.objective import entropy_weights
from assess.district.rounds import load_round
from assess.scoring.options import ScoringOptions
from assess.scoring.score import score_file

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def round_folder(tmp_path):
    folder = tmp_path / "2026年第一轮"
    for example in ("old-community", "new-commercial", "mining-district"):
        shutil.copytree(EXAMPLES / example, folder / example)
    return folder


def test_every_community_scores_as_assess_score_and_ranks_follow_the_scores(round_folder, runner):
    result = runner.invoke(main, ["district", "score", str(round_folder), "--format", "json", "--uncertainty", "300"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["round"] == "2026年第一轮" and data["pack"]["id"] == "core" and data["failed"] == []
    assert set(data["weights"]["indicators"]) == set(data["weights"]["dimensions"])
    for community in data["communities"]:
        alone = score_file(round_folder / community["id"] / "answers.yaml",
                           round_folder / community["id"] / "residents.csv")
        assert community["overall"] == alone.overall.score and community["name"] == alone.community.name
        assert community["dimensions"] == {d.id: d.score for d in alone.dimensions}
        assert community["rank_low"] <= community["rank"] <= community["rank_high"]
    by_score = sorted(data["communities"], key=lambda c: -c["overall"])
    assert [c["rank"] for c in by_score] == [1, 2, 3]
    assert "[3/3]" in result.stderr


def test_entropy_weights_come_from_the_dimension_scores(round_folder):
    league = score_round(load_round(round_folder), options=ScoringOptions(weights="entropy", uncertainty=0))
    matrix = np.array([[d.score for d in s.result.dimensions] for s in league.standings])
    expected = entropy_weights(matrix, [str(j) for j in range(matrix.shape[1])])
    assert list(league.dimension_weights.values()) == pytest.approx(expected.tolist())
    for standing, row in zip(league.standings, matrix, strict=True):
        assert standing.overall == pytest.approx(float(row @ expected), abs=0.006)


def test_entropy_weights_are_found_among_each_dimensions_indicators_first(round_folder):
    """Issue 11: entropy among the indicators of each dimension (on the printed indicator scores), then the
    dimension scores those weights give; every community is scored again under them."""
    from assess.packs.loading import load_pack
    from assess.scoring.score import score_file

    league = score_round(load_round(round_folder), options=ScoringOptions(weights="entropy", uncertainty=0))
    pack = load_pack("core").pack
    alone = [score_file(round_folder / s.member.id / "answers.yaml", round_folder / s.member.id / "residents.csv")
             for s in league.standings]
    for dim in pack.dimensions:
        ids = [i.id for i in dim.indicators]
        rows = np.array([[{i.id: i.score for i in r.indicators}[j] for j in ids] for r in alone])
        shares = league.indicator_weights[dim.id]
        assert sum(shares.values()) == pytest.approx(1.0)
        if len(ids) > 1 and not any(dim.title.en in en for _, en in league.notes):
            assert [shares[j] for j in ids] == pytest.approx(entropy_weights(rows, ids).tolist())
    standing = league.standings[0]
    first_dim = pack.dimensions[0]
    by_id = {i.id: i.score for i in standing.result.indicators}
    mean = sum(league.indicator_weights[first_dim.id][i.id] * by_id[i.id] for i in first_dim.indicators)
    assert standing.result.dimensions[0].score == pytest.approx(mean, abs=0.006)
    assert standing.result.method.weights == "entropy" and standing.result.overall.grade is not None


def test_topsis_ranks_by_closeness(round_folder, runner):
    result = runner.invoke(main, ["district", "score", str(round_folder), "--rank-by", "topsis", "--format", "json",
                                  "--uncertainty", "0"])
    data = json.loads(result.stdout)
    closeness = sorted(data["communities"], key=lambda c: -c["topsis"])
    assert [c["rank"] for c in closeness] == [1, 2, 3] and all(0 <= c["topsis"] <= 1 for c in closeness)


def test_a_broken_community_is_listed_and_the_others_scored(round_folder, runner):
    (round_folder / "old-community" / "answers.yaml").write_text("pack: core\nanswers: {q-nope: 3}\n", encoding="utf-8")
    result = runner.invoke(main, ["district", "score", str(round_folder), "--format", "json", "--uncertainty", "0"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [f["id"] for f in data["failed"]] == ["old-community"] and "q-nope" in data["failed"][0]["message"]
    assert len(data["communities"]) == 2
    strict = runner.invoke(main, ["district", "score", str(round_folder), "--strict"])
    assert strict.exit_code == 1 and "old-community" in strict.output and "Traceback" not in strict.output


def test_a_manifest_names_the_round_and_its_communities(round_folder, runner):
    manifest = round_folder / "round.yaml"
    manifest.write_text(
        "district: {zh: 示例街道, en: Example}\nround: '2026'\npack: core\ncommunities:\n"
        "  - dir: old-community\n"
        "  - {answers: new-commercial/answers.yaml, respondents: new-commercial/residents.csv}\n"
        "  - dir: mining-district\n", encoding="utf-8")
    data = json.loads(runner.invoke(main, ["district", "score", str(manifest), "--format", "json",
                                           "--uncertainty", "0"]).stdout)
    assert data["round"] == "2026" and data["district"] == "示例街道" and len(data["communities"]) == 3


def test_objective_weights_need_three_communities(round_folder, runner):
    shutil.rmtree(round_folder / "old-community")
    result = runner.invoke(main, ["district", "score", str(round_folder), "--weights", "critic"])
    assert result.exit_code == 1 and "at least 3 communities" in result.output


def test_the_xlsx_export_has_the_league_and_the_scores(round_folder, runner, tmp_path):
    from openpyxl import load_workbook

    (round_folder / "old-community" / "answers.yaml").write_text(
        (round_folder / "old-community" / "answers.yaml").read_text(encoding="utf-8").replace(
            "槐荫里社区（虚构示例）", "'=HYPERLINK(\"x\")'"), encoding="utf-8")
    out = tmp_path / "排名.xlsx"
    args = ["district", "score", str(round_folder), "--format", "xlsx", "-o", str(out), "--uncertainty", "50"]
    assert runner.invoke(main, args).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["排名", "维度得分", "指标得分"]
    league = list(book["排名"].iter_rows(values_only=True))
    assert league[0][:4] == ("名次", "名次区间", "社区", "总分") and len(league) == 4
    assert [row[0] for row in league[1:]] == [1, 2, 3]
    names = [c for c in book["排名"]["C"] if c.value == '=HYPERLINK("x")']
    assert names and names[0].data_type == "s" and book["排名"].freeze_panes == "B2"
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(main, args[:5]).exit_code == 2  # xlsx without -o


def test_one_community_s_score_interval_is_the_one_assess_score_prints(round_folder):
    """The round's draws perturb every weight and resample each community's residents from the streams
    `assess score --uncertainty` uses, so a community's 5–95 % interval of its overall score is the one
    `score` prints for the same seed (up to the single precision the round keeps its draws in)."""
    from assess.scoring.score import score_file

    league = score_round(load_round(round_folder), options=ScoringOptions(uncertainty=400, seed=7))
    for standing in league.standings:
        alone = score_file(standing.member.answers, standing.member.respondents,
                           options=ScoringOptions(uncertainty=400, seed=7))
        assert standing.overall_interval == pytest.approx((alone.uncertainty.low, alone.uncertainty.high), abs=0.011)
        assert standing.overall_se == pytest.approx(alone.uncertainty.se, abs=0.011)
        low, high = standing.dimension_intervals["party-leadership"]
        assert low <= next(d.score for d in standing.result.dimensions if d.id == "party-leadership") + 0.01
        assert high + 0.01 >= low


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1"])
def test_the_csv_league_quotes_a_name_a_spreadsheet_would_run(round_folder, runner, name):
    answers = round_folder / "old-community" / "answers.yaml"
    quoted = name.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    answers.write_text(answers.read_text(encoding="utf-8").replace("槐荫里社区（虚构示例）", f'"{quoted}"'),
                       encoding="utf-8")
    result = runner.invoke(main, ["district", "score", str(round_folder), "--format", "csv", "--uncertainty", "0"])
    assert result.exit_code == 0, result.output
    import csv
    import io

    names = [row["name"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert "'" + name in names
    assert all(not n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)


def test_csv_text_quotes_every_start_owasp_names_and_nothing_else():
    from assess.packs.sheets import csv_text

    assert [csv_text(t) for t in ("=1", "+1", "-1", "@a", "\t=1", "\r=1")] == ["'=1", "'+1", "'-1", "'@a", "'\t=1",
                                                                             "'\r=1"]
    assert [csv_text(t) for t in ("槐荫里", "1-2", "a=b", "", 3)] == ["槐荫里", "1-2", "a=b", "", "3"]
