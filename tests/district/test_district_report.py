"""`assess district report` and `district reports`: the district's PDF read back, and every community's."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess.cli import main
from assess.district.league import score_round
from assess.district.report import district_html, district_pdf
from assess.district.report_data import build_district_report
from assess.district.rounds import load_round
from assess.scoring.options import ScoringOptions

EXAMPLES = Path(__file__).parents[2] / "examples"
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


@pytest.fixture(scope="module")
def round_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("round") / "2026"
    for example in ("old-community", "new-commercial", "mining-district"):
        shutil.copytree(EXAMPLES / example, folder / example)
    return folder


@pytest.fixture(scope="module")
def report(round_folder):
    return build_district_report(score_round(load_round(round_folder), options=ScoringOptions(uncertainty=200)))


def pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_the_chinese_district_report_names_every_community_with_its_rank_range(report):
    rendered = district_pdf(report, "zh")
    text, reader = pdf_text(rendered.pdf)
    for standing in report.league.standings:
        assert standing.result.community.name in text
    assert "排名与各社区概况" in text and "街道（区）层面的行动计划" in text and "方法说明" in text
    assert re.search(r"\d \(\d–\d\)", text)  # a rank with its range, e.g. 2 (2–3)
    descriptors = [font["/FontDescriptor"] for font in fonts_descriptors(reader)]
    assert descriptors and all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors)
    english = ENGLISH_WORD.findall(text)
    assert len(english) < 15, english


def fonts_descriptors(reader):
    """Every font the pages use (a composite font's descendants), so that each can be checked embedded."""
    found = []
    for page in reader.pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                descendant = descendant.get_object()
                if "/FontDescriptor" in descendant:
                    found.append(descendant)
    return found


def test_the_english_report_reads_in_english(report):
    text, _ = pdf_text(district_pdf(report, "en").pdf)
    assert "League table" in text and "District action plan" in text and "名次" not in text


def test_the_district_plan_sums_the_points_of_the_communities_it_serves(report):
    first = report.district_plan[0]
    expected = sum(a.points for plan in report.plans.values() for a in plan.actions if a.id == first.action.id)
    assert first.points == pytest.approx(expected, abs=1e-3)
    assert [p.points for p in report.district_plan] == sorted((p.points for p in report.district_plan), reverse=True)
    assert len(first.communities) == sum(
        1 for plan in report.plans.values() if any(a.id == first.action.id for a in plan.actions))


def test_names_are_escaped_in_the_html(round_folder, tmp_path):
    folder = tmp_path / "r"
    shutil.copytree(round_folder, folder)
    answers = folder / "old-community" / "answers.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace(
        "name: 槐荫里社区（虚构示例）", "name: '<script>alert(1)</script>社区'"), encoding="utf-8")
    league = score_round(load_round(folder), options=ScoringOptions(uncertainty=0))
    html = district_html(build_district_report(league), "zh")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;社区" in html


def test_district_report_command_shows_the_trend_once_an_earlier_round_is_stored(round_folder, runner, tmp_path):
    base = tmp_path / "街道"
    shutil.copytree(round_folder, base / "2025")
    shutil.copytree(round_folder, base / "2026")
    first = runner.invoke(main, ["district", "report", str(base / "2025"), "-o", str(tmp_path / "a.html"),
                                 "--uncertainty", "50"])
    assert first.exit_code == 0, first.output
    assert "历史数据库中没有更早的轮次" in (tmp_path / "a.html").read_text(encoding="utf-8")
    second = runner.invoke(main, ["district", "report", str(base / "2026"), "-o", str(tmp_path / "b.html"),
                                  "--uncertainty", "50"])
    assert second.exit_code == 0, second.output
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "与 2025 轮相比的变化" in html and (base / "assess-history.db").is_file()
    again = runner.invoke(main, ["district", "report", str(base / "2026"), "-o", str(tmp_path / "b.html")])
    assert again.exit_code == 1 and "--force" in again.output


@pytest.mark.timeout(600)  # a report per community of the round: past two minutes on a busy machine
def test_district_reports_writes_every_communitys_report(round_folder, runner, tmp_path):
    result = runner.invoke(main, ["district", "reports", str(round_folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["mining-district.zh.pdf", "new-commercial.zh.pdf", "old-community.zh.pdf"]
    text, _ = pdf_text((tmp_path / "out" / "old-community.zh.pdf").read_bytes())
    assert "槐荫里社区" in text


def test_the_demo_sub_district_has_two_rounds_a_trend_and_twelve_communities(tmp_path):
    from assess.district.demo import run_district_demo
    from assess.district.history import load_stored, open_history

    written = run_district_demo(tmp_path)
    assert [p.suffix for p in written] == [".pdf", ".pdf", ".xlsx"]
    text, _ = pdf_text(written[0].read_bytes())
    assert "与 2025 轮相比的变化" in text and "示例街道（虚构）" in text
    with open_history(f"sqlite:///{tmp_path / '示例街道' / 'assess-history.db'}") as history:
        for label in ("2025", "2026"):
            assert len(load_stored(history, label, "示例街道（虚构）").communities) == 12
