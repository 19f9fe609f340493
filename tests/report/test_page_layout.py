"""What a reader sees on each page of both reports in both languages, checked on WeasyPrint's layout boxes:
no page left mostly blank by a section's spilled tail, no text running out of its cell, no label broken so
that one character wraps alone, and no id of the pack in a Chinese report's body."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from assess import files
from assess.packs.loading import load_pack
from assess.report.community import render_html
from assess.report.data import build_report
from assess.report.pdf import layout_pdf
from assess.report.templates import template_dirs
from tests.report.page_checks import (
    broken_labels,
    hyphenated_headings,
    overflowing_text,
    page_fills,
    underfilled_pages,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "old-community"


pytestmark = pytest.mark.timeout(900)  # four layouts and a district demo: minutes on a busy machine


@pytest.fixture(scope="module")
def community_html():
    data = build_report(EXAMPLE / "answers.yaml", EXAMPLE / "residents.csv")
    return {lang: render_html(data, lang, contents=True) for lang in ("zh", "en")}  # long: it has contents


@pytest.fixture(scope="module")
def district_html(tmp_path_factory):
    """The demo sub-district's report (twelve communities, two rounds), as `assess demo` writes it."""
    import assess.district.demo as demo
    from assess.district.report import district_html as html_of

    written: dict[str, str] = {}

    def keep_html(report, lang):  # the HTML is what is checked; the demo's own PDF is not needed here
        written[lang] = html_of(report, lang)
        return SimpleNamespace(pdf=b"")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "district_pdf", keep_html)
        patch.setattr(files, "created_folders", [])  # the demo's folders are not for a later command to name
        demo.run_district_demo(tmp_path_factory.mktemp("demo"))
    return written


@pytest.fixture(scope="module")
def laid_out(community_html, district_html):
    dirs = template_dirs(None)
    return {(kind, lang): layout_pdf(html, dirs)
            for kind, by_lang in (("community", community_html), ("district", district_html))
            for lang, html in by_lang.items()}


CASES = [(kind, lang) for kind in ("community", "district") for lang in ("zh", "en")]


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_no_page_is_left_mostly_blank_by_the_tail_of_a_section(laid_out, kind, lang):
    document = laid_out[kind, lang]
    fills = {f.number: round(f.filled, 2) for f in page_fills(document)}
    assert underfilled_pages(document) == [], fills


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_no_text_runs_out_of_its_cell(laid_out, kind, lang):
    assert overflowing_text(laid_out[kind, lang]) == []


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_no_column_heading_is_hyphenated_inside_a_word(laid_out, kind, lang):
    assert sorted(set(hyphenated_headings(laid_out[kind, lang]))) == []


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_no_label_or_column_heading_is_broken_with_one_character_alone(laid_out, kind, lang):
    assert sorted(set(broken_labels(laid_out[kind, lang]))) == []


def pack_ids() -> set[str]:
    pack = load_pack("core").pack
    ids = {pack.id} | {d.id for d in pack.dimensions} | {i.id for _, i in pack.indicators()}
    return ids | {q.id for _, _, q in pack.questions()}


def body_text(html: str) -> str:
    """The text a reader sees before the appendix of English originals: tags, file names and URLs out."""
    body = html.split('id="appendix"')[0].split("<body", 1)[1]
    body = re.sub(r"<style.*?</style>|<svg.*?</svg>|<[^>]+>", " ", body, flags=re.S)
    return re.sub(r"[\w./-]+\.(?:yaml|yml|csv|xlsx?|db)\b", " ", body)


@pytest.mark.parametrize("kind", ["community", "district"])
def test_a_chinese_report_shows_no_id_of_the_pack(community_html, district_html, kind):
    text = body_text((community_html if kind == "community" else district_html)["zh"])
    found = sorted({word for word in re.findall(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", text) if word in pack_ids()})
    assert found == []


def test_the_english_cover_names_the_kind_of_community_in_english(community_html):
    cover = community_html["en"].split('id="summary"')[0]
    assert "Old estate" in cover and "老旧小区" not in cover
