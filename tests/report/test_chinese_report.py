"""A Chinese report reads as Chinese: quoted evidence in the project's Chinese, English originals in an appendix."""

from __future__ import annotations

import glob
import io
import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from assess.packs.renderings import evidence_renderings
from assess.report.community import report_pdf
from assess.report.data import build_report

REPO = Path(__file__).resolve().parents[2]
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def quoted_phrases() -> set[str]:
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "evidence":
                    found.update([value] if isinstance(value, str) else [v for v in value if isinstance(v, str)])
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    files = [REPO / "indicators" / "core.yaml", REPO / "indicators" / "countermeasures.yaml",
             *map(Path, glob.glob(str(REPO / "seeds" / "cases" / "*.yaml"))),
             *map(Path, glob.glob(str(REPO / "indicators" / "examples" / "*.yaml")))]
    for file in files:
        walk(yaml.safe_load(file.read_text(encoding="utf-8")))
    return found


def test_every_quoted_phrase_has_a_chinese_rendering():
    missing = sorted(quoted_phrases() - set(evidence_renderings()))
    assert missing == []
    assert not ENGLISH_WORD.search("".join(evidence_renderings().values()))


@pytest.fixture(scope="module", params=["old-community", "mining-district"])
def chinese_report(request):
    folder = REPO / "examples" / request.param
    rendered = report_pdf(build_report(folder / "answers.yaml", folder / "residents.csv"), "zh")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages]
    start = next(n for n, text in enumerate(pages) if text.lstrip().splitlines()[0:2] and "摘要原文对照" in
                 "".join(text.splitlines()[:3]))
    return rendered, pages[:start], pages[start:]


def test_a_chinese_report_has_under_15_english_words_before_its_appendix(chinese_report):
    _, body, _ = chinese_report
    words = ENGLISH_WORD.findall("\n".join(body))
    assert len(words) < 15, words


def test_its_appendix_lists_each_quoted_phrase_with_its_english_original(chinese_report):
    rendered, body, appendix = chinese_report
    references = set(re.findall(r"〔(\d+)〕", "".join(body)))
    assert references, "the report quotes the abstracts"
    listed = set(re.findall(r"〔(\d+)〕", "".join(appendix)))
    assert references == listed
    html_appendix = rendered.html.split('id="appendix"')[1]
    originals = re.findall(r'<td class="original" lang="en">([^<]*)</td>', html_appendix)
    assert len(originals) == len(listed) and all(ENGLISH_WORD.search(o) for o in originals)


def test_an_english_report_has_no_appendix():
    folder = REPO / "examples" / "old-community"
    from assess.report.community import render_html

    html = render_html(build_report(folder / "answers.yaml", folder / "residents.csv"), "en")
    assert 'id="appendix"' not in html and "〔" not in html
