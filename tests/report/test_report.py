"""The assessment report: content read back from the PDF, fonts, escaping, the URL fetcher, determinism."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfReader

from assess.cli import main
from assess.errors import AssessError, ProblemsError
from assess.report import pdf
from assess.report.community import CONTENTS_AFTER_PAGES, render_html, report_pdf
from assess.report.data import build_report
from assess.report.pdf import (
    LocalFiles,
    installed_cjk_fonts,
    layout_pdf,
    pdf_timestamp,
    render_pdf,
    report_format,
    require_cjk_font,
    write_pdf,
)
from assess.report.templates import template_dirs
from assess.report.texts import bundled_texts, load_texts, local_texts, read_texts
from assess.report.view import page_counter_css
from assess.report.view_plan import printed_source
from assess.report.view_quality import grade_band_texts, weak_items
from assess.resources import examples_dir, templates_dir
from assess.scoring.options import ScoringOptions
from assess.scoring.score import score_file

EXAMPLE = examples_dir() / "old-community"
HOSTILE_NAME = '<img src="file:///etc/passwd">'
HOSTILE_TEXT = "<script>alert('x')</script> 楼道灯坏了"
SEED = "004_6627220e668f044e.txt"

SMALL_PACK = f"""\
id: small
version: "2"
title: {{zh: 小型测试指标包, en: Small test pack}}
dimensions:
  - id: lead
    title: {{zh: 党建引领, en: Party leadership}}
    indicators:
      - id: lead-org
        title: {{zh: 组织覆盖, en: Organization coverage}}
        sources: [{{seed: {SEED}, evidence: "one party committee and three centers"}}]
        questions:
          - {{id: q-cover, type: number, worst: 0, best: 100, title: {{zh: 覆盖率, en: Coverage}}}}
          - {{id: q-trust, type: likert, respondent: resident, title: {{zh: 我信任党组织, en: I trust the Party}}}}
  - id: serve
    title: {{zh: 服务能力, en: Services}}
    indicators:
      - id: serve-speed
        title: {{zh: 响应速度, en: Responsiveness}}
        sources: [{{seed: {SEED}, evidence: "residents' night talks"}}]
        questions:
          - {{id: q-fast, type: yes_no, title: {{zh: 是否当日响应, en: Same-day response}}}}
          - id: q-wish
            type: text
            respondent: resident
            title: {{zh: 您希望增加什么服务, en: What service do you want}}
"""


def small_answers(name: str = "小河社区", extra: str = "") -> str:
    return textwrap.dedent(f"""\
        pack: pack.yaml
        community: {{name: {json.dumps(name, ensure_ascii=False)}, district: 示例区}}
        assessed_on: 2025-01-02
        answers: {{q-cover: 40, q-fast: true}}
        respondents:
          - {{id: r1, answers: {{q-trust: 4, q-wish: {json.dumps(HOSTILE_TEXT, ensure_ascii=False)}}}}}
          - {{id: r2, answers: {{q-trust: 2, q-wish: {json.dumps(HOSTILE_TEXT, ensure_ascii=False)}}}}}
          - {{id: r3, answers: {{q-trust: 5, q-wish: 多开老年食堂}}}}
        """) + extra


@pytest.fixture
def small(write):
    """An answer file on a small pack of its own (no bundled action names its indicators, so the plan is empty)."""
    write("pack.yaml", SMALL_PACK)

    def _answers(name: str = "小河社区") -> Path:
        return write("answers.yaml", small_answers(name))

    return _answers


# -- reading PDFs back (test helpers, not part of the package) --------------------------------------------


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeezed(text: str) -> str:
    """Text without white space, so that a title wrapped over two lines still matches."""
    return re.sub(r"\s+", "", text)


def page_fonts(pdf: bytes) -> dict[str, bool]:
    """Every font on the pages by base name, and whether its file is embedded (/FontFile, 2 or 3)."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


# -- the example community, rendered once for the module --------------------------------------------------


@pytest.fixture(scope="module")
def example():
    return build_report(EXAMPLE / "answers.yaml", EXAMPLE / "residents.csv")


@pytest.fixture(scope="module")
def rendered(example):
    return {lang: report_pdf(example, lang) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def pages(rendered):
    """The text of every page, per language (pypdf's extraction is slow: once per module)."""
    return {lang: pdf_pages(r.pdf) for lang, r in rendered.items()}


@pytest.fixture(scope="module")
def published_score():
    from click.testing import CliRunner

    result = CliRunner().invoke(
        main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(EXAMPLE / "residents.csv"),
               "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_carries_name_score_dimensions_and_every_action(pages, rendered, example, published_score, lang):
    text = squeezed("".join(pages[lang]))
    assert squeezed(published_score["community"]["name"]) in text
    label = {"zh": "综合得分", "en": "Overall score"}[lang]
    summary = pages[lang][rendered[lang].first_pages["summary"] - 1]
    shown = re.search(rf"{label}\s*(\d+\.\d+)", summary)  # the number in the summary's score box
    assert shown is not None, summary[:200]
    assert shown.group(1) == f"{published_score['overall']['score']:.2f}"
    for dim in published_score["dimensions"]:
        assert squeezed(dim["title"][lang]) in text
    assert example.plan is not None and example.plan.actions
    for action in example.plan.actions:
        assert squeezed(action.title.get(lang)) in text


def test_chinese_titles_are_text_in_an_embedded_cjk_font(rendered, pages):
    fonts = page_fonts(rendered["zh"].pdf)
    cjk = {name: embedded for name, embedded in fonts.items() if re.search(r"Noto-?(Sans|Serif)-?CJK", name)}
    assert cjk and all(cjk.values()), fonts
    text = squeezed("".join(pages["zh"]))
    for title in ("党建引领社区治理评估报告", "评估摘要", "分维度评估", "对策建议与行动计划", "数据质量", "方法与依据"):
        assert title in text


def test_pages_are_numbered_with_a_running_header_and_a_contents_page(rendered, pages, example):
    zh = pages["zh"]
    assert rendered["zh"].pages == len(zh) > CONTENTS_AFTER_PAGES
    assert f"第 3 页 / 共 {len(zh)} 页" in zh[2]
    assert example.score.community.name in zh[2]  # running header
    assert "目录" in zh[1]
    assert f"Page 3 of {len(pages['en'])}" in pages["en"][2]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_summary_fits_one_page_and_the_charts_two(rendered, lang):
    first = rendered[lang].first_pages
    assert first["summary"] == 3 and first["charts"] == 4  # cover, contents, summary
    assert first["dimensions"] == 6  # radar with the largest gaps, then the bar chart


def test_a_short_report_gets_no_table_of_contents(example, tmp_path):
    (tmp_path / "base.html").write_text(
        '<html lang="zh"><head><style>{{ css }}</style></head><body>'
        '{% include "cover.html" %}{% if contents %}{% include "contents.html" %}{% endif %}'
        '{% include "summary.html" %}</body></html>',
        encoding="utf-8",
    )
    short = report_pdf(example, "zh", tmp_path)
    assert short.pages <= CONTENTS_AFTER_PAGES
    assert "目录" not in "".join(pdf_pages(short.pdf))
    assert 'id="contents"' not in short.html


def test_same_inputs_give_the_same_html(example):
    again = build_report(EXAMPLE / "answers.yaml", EXAMPLE / "residents.csv")
    assert render_html(again, "zh") == render_html(example, "zh")


def test_same_html_gives_the_same_pdf_with_no_clock_time_unless_source_date_epoch_asks(small):
    html = render_html(build_report(small()), "zh")
    dirs = template_dirs(None)
    first, second = render_pdf(html, dirs), render_pdf(html, dirs)
    assert first == second
    assert "/CreationDate" not in PdfReader(io.BytesIO(first)).metadata
    stamped = write_pdf(layout_pdf(html, dirs), environ={"SOURCE_DATE_EPOCH": "1700000000"})
    assert PdfReader(io.BytesIO(stamped)).metadata["/CreationDate"].startswith("D:20231114")


def test_source_date_epoch_must_be_seconds():
    assert pdf_timestamp({}) is None
    assert pdf_timestamp({"SOURCE_DATE_EPOCH": "0"}) == "1970-01-01T00:00:00Z"
    with pytest.raises(AssessError, match="须为自 1970 年起的整秒数") as error:
        pdf_timestamp({"SOURCE_DATE_EPOCH": "yesterday"})
    assert "whole seconds since 1970 (got 'yesterday')" in str(error.value)


# -- summary, sections and data quality (HTML, fast) ------------------------------------------------------


def test_summary_names_the_strongest_and_weakest_dimensions_and_the_nearest_case(example):
    html = render_html(example, "en")
    summary = html[html.index('id="summary"'):html.index('id="charts"')]
    scored = sorted((d for d in example.score.dimensions if d.score is not None), key=lambda d: d.score)
    assert escape(scored[-1].title.en) in summary and escape(scored[0].title.en) in summary
    assert escape(example.benchmark.nearest.name.en) in summary
    assert "coded from the thesis abstract" in summary
    top = sorted(example.plan.actions, key=lambda a: a.rank)[:3]
    for action in top:
        assert escape(action.title.en) in summary


def test_weak_indicators_are_flagged_in_their_dimension_table(example):
    html = render_html(example, "en")
    weak = [i for i in example.score.indicators if i.gap]
    assert weak
    for ind in example.score.indicators:
        row = re.search(rf'<tr class="status-(\w+)">\s*<td>{re.escape(escape(ind.title.en))}</td>', html)
        assert row is not None, ind.id
        expected = "unanswered" if ind.score is None else ("weak" if ind.gap else "ok")
        assert row.group(1) == expected


def test_data_quality_lists_alpha_and_the_uncertainty_band(example, tmp_path):
    with_band = build_report(EXAMPLE / "answers.yaml", EXAMPLE / "residents.csv",
                             options=ScoringOptions(uncertainty=50))
    html = render_html(with_band, "en")
    quality = html[html.index('id="quality"'):html.index('id="method"')]
    alphas = [rel.alpha for rel in with_band.score.reliability if rel.alpha is not None]
    assert alphas
    assert all(f"{alpha:.2f}" in quality for alpha in alphas)
    band = with_band.score.uncertainty
    assert f"between {band.p5:.2f} and {band.p95:.2f}" in quality


def test_method_cites_the_five_theses_by_place_and_the_pack_version(example):
    from assess.packs.theses import load_register

    html = render_html(example, "zh")
    method = html[html.index('id="method"'):]
    for thesis in load_register().theses:
        assert thesis.place.zh in method
    quality = html[html.index('id="quality"'):html.index('id="method"')]  # what was used, beside the data files
    assert example.score.pack.hash in quality and example.score.pack.version in quality


# -- escaping, templates and the fetcher ------------------------------------------------------------------


def test_user_text_is_escaped_in_the_html(small):
    data = build_report(small(HOSTILE_NAME))
    html = render_html(data, "zh")
    assert HOSTILE_NAME not in html and "<script>" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; 楼道灯坏了" in html
    assert "（2 人）" in html  # the same answer twice is counted, not repeated


def test_hostile_name_and_template_render_but_nothing_outside_is_fetched(small, tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    (district / "cover.html").write_text(
        '<section class="cover"><h1 class="community-name">{{ community.name }}</h1>'
        '<img src="http://example.com/x.png"><img src="file:///etc/hostname"><img src="../../../../etc/hosts">'
        "</section>",
        encoding="utf-8",
    )
    data = build_report(small(HOSTILE_NAME))
    html = render_html(data, "en", district)
    files = LocalFiles(template_dirs(district))
    pdf = render_pdf(html, template_dirs(district), files)
    assert pdf.startswith(b"%PDF")
    assert "http://example.com/x.png" in files.refused
    assert "file:///etc/hostname" in files.refused
    assert any(url.endswith("/etc/hosts") for url in files.refused)
    assert set(files.refused) == set(files.asked)
    assert HOSTILE_NAME in pdf_pages(pdf)[0]  # shown as text, never loaded as an image


def test_a_district_overrides_one_partial_and_the_css_and_keeps_the_rest(small, tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    (district / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20"/></svg>',
        encoding="utf-8",
    )
    (district / "report.css").write_text(
        (templates_dir() / "report.css").read_text(encoding="utf-8")
        + "\n.cover-band { background: #004488; }\n.cover-band::after { content: url(logo.svg); }\n",
        encoding="utf-8",
    )
    (district / "summary.html").write_text(
        '<section class="chapter" id="summary"><h1>区里自己的摘要 {{ overall.score }}</h1></section>', encoding="utf-8"
    )
    data = build_report(small())
    html = render_html(data, "zh", district)
    assert "区里自己的摘要" in html and "#004488" in html
    assert 'id="dimensions"' in html  # the other partials are still the bundled ones
    files = LocalFiles(template_dirs(district))
    render_pdf(html, template_dirs(district), files)
    assert any(url.endswith("/district/logo.svg") for url in files.asked)
    assert files.refused == []


def test_a_district_file_missing_from_its_folder_is_found_in_the_bundled_one(tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    files = LocalFiles([district, templates_dir()])
    assert files.resolve((district / "report.css").as_uri()) == (templates_dir() / "report.css").resolve()
    assert files.resolve((district / "nothing.png").as_uri()) is None
    assert files.resolve("https://example.com/report.css") is None


def test_a_symlink_out_of_the_templates_folder_is_refused(tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (district / "logo.png").symlink_to(secret)
    files = LocalFiles([district])
    assert files.resolve((district / "logo.png").as_uri()) is None
    assert files.refused


def test_a_template_error_names_the_file_and_line(small, tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    (district / "cover.html").write_text("<p>\n{% if %}\n</p>", encoding="utf-8")
    with pytest.raises(AssessError, match=r"cover\.html:2"):
        render_html(build_report(small()), "zh", district)


ESCAPES = [
    '{{ cycler.__init__.__globals__.os.popen("id").read() }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ t.fill.__globals__ }}",
    "{{ dimensions.__class__.__base__ }}",
    "{{ dimensions.append(1) }}",  # templates only read the report's values
]


@pytest.mark.parametrize("line", ESCAPES)
def test_a_district_template_cannot_reach_python_or_the_system(small, tmp_path, line):
    district = tmp_path / "district"
    district.mkdir()
    (district / "cover.html").write_text(f'<section id="cover">\n<pre>{line}</pre></section>\n', encoding="utf-8")
    with pytest.raises(AssessError) as error:
        render_html(build_report(small()), "zh", district)
    message = str(error.value)
    assert message.startswith(f"{district / 'cover.html'}:2: ")
    assert "模板" in message and "uid=" not in message


def test_the_shell_command_attack_ends_in_a_message_not_in_a_shell(runner, tmp_path):
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "cover.html").write_text(
        '<section id="cover"><pre>{{\ncycler.__init__.__globals__.os.popen("id").read() }}</pre></section>\n',
        encoding="utf-8",
    )
    out = tmp_path / "e.pdf"
    result = runner.invoke(main, ["report", str(EXAMPLE / "answers.yaml"), "-o", str(out), "--templates", str(evil)])
    assert result.exit_code == 1 and "uid=" not in result.output and "Traceback" not in result.output
    assert (f"{evil / 'cover.html'}:2: 模板使用了不允许的内容，模板只能显示报告中的数据 / the template uses something "
            "templates may not") in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("<p>\n{{ no_such_var }}</p>", "'no_such_var' is undefined"),
        ("<p>\n{{ t.no_such_text }}</p>", "texts.yaml has no text 'no_such_text'"),
        ("<p>\n{{ t['no_such_text'] }}</p>", "texts.yaml has no text 'no_such_text'"),
        ("<p>\n{{ t.fill('report_titel') }}</p>", "texts.yaml has no text 'report_titel'; did you mean report_title"),
        ("<p>\n{{ t.fill('actions_shown', n=1) }}</p>", "text 'actions_shown' has a placeholder that is not given"),
    ],
)
def test_a_district_template_error_names_the_file_line_and_what_is_missing(small, tmp_path, template, expected):
    district = tmp_path / "district"
    district.mkdir()
    (district / "summary.html").write_text(template, encoding="utf-8")
    with pytest.raises(AssessError) as error:
        render_html(build_report(small()), "en", district)
    assert str(error.value).startswith(f"{district / 'summary.html'}:2: 模板错误 / template error: ")
    assert expected in str(error.value)


def test_texts_need_both_languages_and_a_district_key_must_exist(tmp_path):
    bad = tmp_path / "texts.yaml"
    bad.write_text("report_title: {zh: 报告}\nsummary: {zh: '', en: Summary}\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as error:
        read_texts(bad)
    assert [p.line for p in error.value.problems] == [1, 2]
    bad.write_text("report_titel: {zh: 报告, en: Report}\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match="did you mean report_title"):
        load_texts(tmp_path)
    bad.write_text("report_title: {zh: 某区社区评估, en: District assessment}\n", encoding="utf-8")
    assert load_texts(tmp_path)["report_title"].zh == "某区社区评估"


def test_a_districts_texts_file_reports_all_its_problems_together(tmp_path):
    (tmp_path / "texts.yaml").write_text(
        "summary: {zh: 摘要}\n"
        "report_titel: {zh: 报告, en: Report}\n"
        "actions_shown: {zh: '列出 {count} 项', en: 'The {n} actions'}\n"
        "no_actions: {zh: '无 {', en: None}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as error:
        load_texts(tmp_path)
    found = [(p.line, p.field) for p in error.value.problems]
    assert found == [(1, "summary.en"), (2, "report_titel"), (3, "actions_shown.zh"), (4, "no_actions.zh")]
    message = str(error.value)
    assert "did you mean report_title" in message
    assert "unknown placeholder {count}; allowed: {n}, {total}" in message
    assert "unbalanced braces" in message and str(tmp_path / "texts.yaml") in message


def test_every_bundled_text_is_used_somewhere():
    sources = "".join(p.read_text(encoding="utf-8") for p in templates_dir().glob("*.html"))
    sources += "".join(p.read_text(encoding="utf-8") for p in Path(pdf.__file__).parent.glob("*.py"))
    sources += "".join(p.read_text(encoding="utf-8") for p in Path(pdf.__file__).parents[1].glob("district/*.py"))
    prefixed = ("status_", "weights_", "effort_", "d_weights_name_", "d_rank_by_")  # looked up as 'status_' ~ status
    unused = [k for k in bundled_texts() if k not in sources and not k.startswith(prefixed)]
    assert unused == []


def test_toolkit_warnings_are_shown_in_the_report_language(write):
    write("pack.yaml", SMALL_PACK)
    answers = write("answers.yaml", "pack: pack.yaml\ncommunity: {name: 小河社区}\nanswers: {q-cover: 40}\n")
    data = build_report(answers)
    assert any("数据不足" in w.zh and "insufficient data" in w.en for w in data.score.warnings)
    zh, en = render_html(data, "zh"), render_html(data, "en")
    assert "数据不足" in zh and "insufficient data" not in zh
    assert "insufficient data" in en and "数据不足" not in en


def test_thin_dimensions_are_marked_and_warnings_name_titles_not_ids(write):
    write("pack.yaml", SMALL_PACK.replace("type: yes_no,", "type: yes_no, required: true,"))
    answers = write("answers.yaml", "pack: pack.yaml\ncommunity: {name: 小河社区}\nanswers: {q-cover: 40}\n")
    data = build_report(answers)
    zh = render_html(data, "zh")
    summary = zh[zh.index('id="summary"'):zh.index('id="charts"')]
    assert summary.count('<span class="mark insufficient">数据不足</span>') == 1  # serve: nothing scored answered
    lead = zh[zh.index('id="dim-lead"'):zh.index('id="dim-serve"')]
    serve = zh[zh.index('id="dim-serve"'):zh.index('id="benchmarking"')]
    assert "mark insufficient" not in lead and '<span class="mark insufficient">数据不足</span>' in serve
    radar = zh[zh.index('class="chart radar"'):zh.index('class="chart bars')]
    assert radar.count(">（数据不足）</tspan>") == 1
    quality = zh[zh.index('id="quality"'):]
    warnings = re.findall(r"<li>(.*?)</li>", quality[quality.index('class="warnings"'):])
    assert "“服务能力”维度数据不足：覆盖率 0%，低于 50%，得分仅供参考。" in warnings, warnings
    assert "必答题“是否当日响应”未作答。" in warnings
    assert not any("q-fast" in w or "lead" in w for w in warnings)
    en = render_html(data, "en")
    assert "The required question “Same-day response” is unanswered." in en


def test_bidi_controls_are_dropped_from_what_the_report_prints(small):
    data = build_report(small("小\u202e河\u2066社区\u2069"))
    html = render_html(data, "zh")
    assert "小河社区" in html and not re.search("[\u202a-\u202e\u2066-\u2069]", html)


def test_a_district_css_adds_rules_after_the_bundled_css_and_reaches_the_charts(small, tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    (district / "district.css").write_text(":root { --accent: #0a7d3c; --chart-below: var(--accent); }\n")
    html = render_html(build_report(small()), "zh", district)
    assert html.index("--accent: #a61b1b") < html.index("/* district.css */\n:root { --accent: #0a7d3c;")
    assert html.count("<style>.fill-below{fill:#0a7d3c}.stroke-below{stroke:#0a7d3c}</style>") == 2  # both charts
    bundled = render_html(build_report(small()), "zh")
    assert "#0a7d3c" not in bundled and ".fill-below{" not in bundled


def test_grade_bands_read_as_ranges():
    from assess.packs.model import DEFAULT_BANDS, Pack

    pack = Pack.model_construct(grade_bands=list(DEFAULT_BANDS))
    texts = local_texts(bundled_texts(), "zh")
    assert grade_band_texts(pack, "zh", texts) == [
        "优秀：85 分及以上", "良好：70–85 分", "合格：60–70 分", "薄弱：60 分以下",
    ]


def test_action_sources_are_typeset_in_the_report_language():
    from assess.actions.recommend import ActionSource, source_label
    from assess.packs.model import Text

    source = ActionSource(seed="s.txt", evidence="night talks", thesis=Text(zh="湖南省常德市", en="Changde, Hunan"))
    zh = local_texts(bundled_texts(), "zh")
    en = local_texts(bundled_texts(), "en")
    from assess.report.quotes import Quotes

    # a phrase without a rendering is quoted in English, numbered for the appendix
    assert printed_source(source, "zh", zh, Quotes("zh")) == "湖南省常德市（论文摘要）“night talks”〔1〕"
    assert printed_source(source, "en", en, Quotes("en")) == "Changde, Hunan (thesis abstract) “night talks”"
    rendered = source.model_copy(update={"evidence": "residents’ night talks"})
    assert printed_source(rendered, "zh", zh, Quotes("zh")) == "湖南省常德市（论文摘要）“居民夜话”〔1〕"
    assert "(" in source_label(source, "zh")  # the terminal's form is unchanged


def test_page_numbers_are_css_counters_with_quoted_text():
    assert str(page_counter_css("Page {page} of {pages}")) == '"Page " counter(page) " of " counter(pages)'
    assert '\\22 ' in str(page_counter_css('"{page}'))


# -- fonts ------------------------------------------------------------------------------------------------


def test_chinese_text_without_a_cjk_font_fails_naming_the_package():
    with pytest.raises(AssessError, match="sudo apt-get install fonts-noto-cjk"):
        require_cjk_font("<p>社区</p>", lookup=lambda: [])
    require_cjk_font("<p>Community</p>", lookup=lambda: [])  # nothing Chinese: no font needed
    require_cjk_font("<p>社区</p>", lookup=lambda: ["Noto Sans CJK SC"])


def test_fontconfig_finds_the_installed_cjk_font():
    assert any("CJK" in family for family in installed_cjk_fonts())


# -- the command ------------------------------------------------------------------------------------------


def test_report_command_writes_a_pdf_and_never_overwrites_without_force(runner, small, tmp_path):
    answers = small()
    out = tmp_path / "report.pdf"
    result = runner.invoke(main, ["report", str(answers), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "were left out" in result.output  # the bundled library is for the core pack: no action fits
    again = runner.invoke(main, ["report", str(answers), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(main, ["report", str(answers), "-o", str(out), "--force"]).exit_code == 0


def test_report_command_writes_html_when_asked_or_named_so(runner, small, tmp_path):
    answers = small()
    named = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(answers), "-o", str(named)]).exit_code == 0
    assert named.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    forced = tmp_path / "report.out"
    assert runner.invoke(main, ["report", str(answers), "-o", str(forced), "--format", "html"]).exit_code == 0
    assert "<html" in forced.read_text(encoding="utf-8")


def test_report_command_refuses_a_format_that_contradicts_the_file_name(runner, small, tmp_path):
    answers = small()
    for fmt, name in (("html", "x.pdf"), ("pdf", "x.html"), ("pdf", "x.HTM")):
        out = tmp_path / name
        result = runner.invoke(main, ["report", str(answers), "-o", str(out), "--format", fmt])
        assert result.exit_code == 1, result.output
        assert f"--format {fmt} does not match the file name" in result.output and not out.exists()
    assert report_format(Path("x.pdf"), "pdf") == "pdf"
    assert report_format(Path("x.htm"), None) == "html"
    assert report_format(Path("report"), "html") == "html"


@pytest.mark.parametrize("name", ["评估报告.docx", "评估报告.xlsx", "report.txt"])
def test_report_command_refuses_a_file_name_it_does_not_write(runner, small, tmp_path, name):
    out = tmp_path / name
    result = runner.invoke(main, ["report", str(small()), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "报告只能写成 PDF（.pdf）或网页（.html）" in result.output and ".pdf or .html" in result.output


def test_report_command_takes_a_districts_texts_and_templates(runner, small, tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    (district / "texts.yaml").write_text("report_title: {zh: 青石区社区评估报告, en: Qingshi}\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(small()), "-o", str(out), "--templates", str(district)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "青石区社区评估报告" in html and "党建引领社区治理评估报告" not in html
    missing = runner.invoke(main, ["report", str(small()), "-o", str(out), "--force", "--templates", "nowhere"])
    assert missing.exit_code == 1 and "nowhere: 找不到模板文件夹 / templates folder not found" in missing.output


def test_report_command_without_a_cjk_font_says_what_to_install(runner, small, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "installed_cjk_fonts", lambda: ())
    out = tmp_path / "report.pdf"
    result = runner.invoke(main, ["report", str(small()), "-o", str(out)])
    assert result.exit_code == 1
    assert "fonts-noto-cjk" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_report_command_names_a_missing_answer_file(runner, tmp_path):
    result = runner.invoke(main, ["report", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert "nope.yaml: 找不到文件 / file not found" in result.output


def test_help_does_not_import_weasyprint():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom assess.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(main, ['report', '--help']).exit_code == 0\n"
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_method_names_ahp_weights_and_their_consistency_ratio(write):
    write("pack.yaml", SMALL_PACK + "ahp:\n  dimensions: {judgments: [[lead, serve, 3]]}\n")
    answers = write("answers.yaml", small_answers())
    data = build_report(answers, options=ScoringOptions(weights="ahp"))
    html = render_html(data, "en")
    method = html[html.index('id="method"'):]
    assert "Analytic Hierarchy Process" in method
    assert "dimensions: CR = 0.000" in method
    declared = render_html(build_report(answers), "en")
    assert "The weights declared in the indicator pack." in declared


def test_weak_survey_items_are_those_that_do_not_hang_with_the_rest():
    from assess.scoring.results import ItemReliability, Reliability

    stats = [
        ItemReliability(question="q-low-r", alpha_if_deleted=0.65, item_total_correlation=0.2),
        ItemReliability(question="q-better-without", alpha_if_deleted=0.75, item_total_correlation=0.4),
        ItemReliability(question="q-fine", alpha_if_deleted=0.6, item_total_correlation=0.5),
    ]
    rel = Reliability(dimension="d", alpha=0.7, items=3, complete_respondents=50, item_stats=stats)
    assert weak_items(rel) == ["q-low-r", "q-better-without"]
    assert weak_items(rel.model_copy(update={"alpha": None})) == []


def test_phrases_quoted_in_the_abstract_are_not_quoted_twice():
    example = EXAMPLE.parent / "new-commercial"
    data = build_report(example / "answers.yaml", example / "residents.csv")
    html = render_html(data, "en")
    assert "<q>‘thousands of cadres serve the people face to face’ activities</q>" in html
    chinese = render_html(data, "zh")
    assert "<q>‘千名干部面对面服务群众’活动</q>" in chinese and "&#34;" not in chinese
    assert "‘thousands of cadres serve the people face to face’ activities" in chinese.split('id="appendix"')[1]


def test_report_scores_the_csv_exactly_as_score_does(write):
    """The report streams the residents' CSV through the same path as `assess score`: same checks, same warnings."""
    write("pack.yaml", SMALL_PACK)
    answers = write("answers.yaml", small_answers())  # has respondents r1, r2 and r3
    clash = write("clash.csv", "respondent_id,q-trust\nr1,5\n")
    with pytest.raises(ProblemsError, match=r"clash.csv:2: respondent_id: .*answers.yaml:\d+"):
        build_report(answers, clash)
    empty = write("empty.csv", "respondent_id,q-trust\n")
    data = build_report(answers, empty)
    assert data.score.warnings[0].en.endswith("has a header but no respondents")
    assert data.score == score_file(answers, empty)


def test_quality_section_names_a_district_pack_and_its_parent(write):
    answers = write(
        "answers.yaml", "pack: kuangqu-demo\ncommunity: {name: 矿区示例社区}\nanswers: {q-grid-party-coverage: 80}\n"
    )
    data = build_report(answers)
    zh, en = (render_html(data, lang).split('id="quality"', 1)[1].split('id="method"')[0] for lang in ("zh", "en"))
    assert "kuangqu-demo.yaml（由上级指标体系调整而来）" in zh and "core@1.0.0" not in zh  # a file, no pack id
    assert "kuangqu-demo" in en and "core@1.0.0" in en
    assert data.score.pack.hash in zh and data.score.pack.hash in en


@pytest.mark.parametrize("content", [b"{{ 1/0 }}\n", b"caf\xe9 {{ 1 }}\n"])
def test_a_failing_district_template_is_a_message_naming_the_folder(tmp_path, content):
    district = tmp_path / "district"
    district.mkdir()
    (district / "summary.html").write_bytes(content)
    data = build_report(EXAMPLE / "answers.yaml")
    with pytest.raises(AssessError, match=f"a template or stylesheet of {re.escape(str(district))} failed"):
        render_html(data, "zh", district)


def test_weak_is_a_grade_only_and_an_indicator_below_target_says_so(runner, tmp_path):
    """薄弱 is the lowest grade band; an indicator under its target is 未达目标, whatever its grade."""
    import re

    from assess.cli import main

    example = Path(__file__).parents[2] / "examples" / "old-community"
    for lang, below, weak in (("zh", "未达目标", "薄弱"), ("en", "Below target", "Weak")):
        out = tmp_path / f"r.{lang}.html"
        args = ["report", str(example / "answers.yaml"), "--respondents", str(example / "residents.csv"),
                "-o", str(out), "--lang", lang]
        assert runner.invoke(main, args).exit_code == 0
        html = out.read_text(encoding="utf-8")
        statuses = re.findall(r'<td class="status">([^<]*)</td>', html)
        assert below in statuses and weak not in statuses
    assert "相对较弱的维度" in (tmp_path / "r.zh.html").read_text(encoding="utf-8")


def test_a_template_linking_outside_its_folder_is_refused(tmp_path, runner):
    from assess.cli import main

    district = tmp_path / "district"
    district.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0 秘密", encoding="utf-8")
    (district / "summary.html").symlink_to(secret)
    out = tmp_path / "r.html"
    args = ["report", str(EXAMPLE / "answers.yaml"), "-o", str(out), "--templates", str(district)]
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "leads outside its folder" in result.output and "秘密" not in result.output
    assert not out.exists()
    (district / "summary.html").unlink()
    (district / "mine.html").write_text('<section id="summary">本区摘要</section>', encoding="utf-8")
    (district / "summary.html").symlink_to(district / "mine.html")  # a link inside the folder is fine
    assert runner.invoke(main, args).exit_code == 0 and "本区摘要" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("template", [
    "{{ 'ab' * 500000000 }}", "{{ 500000000 * 'ab' }}", "{{ 9 ** (9 ** 9) }}", "{{ 2 ** 100000 }}",
    "{{ 10 ** 2000 * 10 ** 2000 }}", "{{ ['x'] * 10 ** 8 }}", "{{ '%999999999d' % 1 }}",
    "{{ '%.99999f'|format(1) }}", "{{ 'x'|center(1000000000) }}", "{{ 'x'|indent(10 ** 9) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
])
def test_a_hostile_district_template_is_stopped_at_once_with_its_file_and_line(small, tmp_path, template):
    import resource
    import time

    district = tmp_path / "district"
    district.mkdir()
    (district / "summary.html").write_text(f"<p>\n{template}</p>", encoding="utf-8")
    start, before = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(AssessError) as error:
        render_html(build_report(small()), "en", district)
    assert time.monotonic() - start < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 700_000  # KiB: the output limit holds
    nested_loops = template.startswith("{% for")  # stopped by the output's size, outside the template's lines
    where = f"{district}:" if nested_loops else f"{district / 'summary.html'}:2:"
    assert str(error.value).startswith(f"{where} 模板使用了不允许的内容")


def test_ordinary_template_arithmetic_still_works(small, tmp_path):
    district = tmp_path / "district"
    district.mkdir()
    (district / "summary.html").write_text("<p>{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ '%5.1f'|format(3.14159) }} "
                                           "{{ [1] + [2] }} {{ 7 % 3 }}</p>", encoding="utf-8")
    assert "<p>1024 ababab   3.1 [1, 2] 1</p>" in render_html(build_report(small()), "en", district)


def test_a_community_name_of_thousands_of_characters_is_clipped_on_the_cover_and_in_running_heads(runner, tmp_path):
    import time

    import yaml

    from tests.conftest import REPO

    data = yaml.safe_load((REPO / "examples" / "old-community" / "answers.yaml").read_text(encoding="utf-8"))
    data["community"]["name"] = "很长的社区名称" * 286
    answers = tmp_path / "long.yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    start = time.monotonic()
    result = runner.invoke(main, ["report", str(answers), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start < 60  # over 2 minutes before
    html = runner.invoke(main, ["report", str(answers), "--format", "html", "-o", str(tmp_path / "r.html")])
    assert html.exit_code == 0
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<h1 class="community-name">' + "很长的社区名称" * 5 + "很长的社…</h1>" in text
    assert "很长的社区名称" * 20 not in text


@pytest.mark.parametrize("template", [
    "{% set x %}{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}"
    "{% endset %}{{ x|length }}",
    "{% macro m() %}{% for i in range(100000) %}{% for j in range(100000) %}xxxx{% endfor %}{% endfor %}"
    "{% endmacro %}{{ m()|length }}",
    "{% filter upper %}{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
    "{% endfilter %}",
    "{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{% for i in range(100000) %}"
    "{% for j in range(100000) %}xxxx{% endfor %}{% endfor %}{% endcall %}",
])
def test_a_block_built_before_output_is_bounded_too(small, tmp_path, template, monkeypatch):
    import resource
    import time

    from assess.report import templates

    monkeypatch.setattr(templates, "MAX_BLOCK", 1_000_000)  # the mechanism, at a size a test can reach quickly
    district = tmp_path / "district"
    district.mkdir()
    (district / "summary.html").write_text(f"<p>\n{template}</p>", encoding="utf-8")
    start, before = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(AssessError, match="模板使用了不允许的内容.*a block built more than 1,000,000 characters"):
        render_html(build_report(small()), "en", district)
    assert time.monotonic() - start < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


@pytest.mark.parametrize("template", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% set x %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endset %}",
])
def test_a_loop_that_outputs_nothing_is_stopped_by_the_clock(small, tmp_path, template, monkeypatch):
    """Stopped by whichever bound comes first: the clock, or the count of items the loops went through."""
    import time

    from assess.report import templates

    monkeypatch.setattr(templates, "MAX_RENDER_SECONDS", 1)
    district = tmp_path / "district"
    district.mkdir()
    (district / "summary.html").write_text(f"<p>\n{template}</p>", encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(AssessError, match="rendering took more than 1 s|loops went through more than 5,000,000"):
        render_html(build_report(small()), "en", district)
    assert time.monotonic() - start < 10


def test_the_render_alarm_gives_back_an_alarm_set_before_it():
    import signal

    from assess.report.templates import alarm

    signal.setitimer(signal.ITIMER_REAL, 50)
    try:
        with alarm(5, lambda *_: None):
            assert 4 < signal.getitimer(signal.ITIMER_REAL)[0] <= 5
        assert 49 < signal.getitimer(signal.ITIMER_REAL)[0] <= 50
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


@pytest.mark.parametrize("template", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% set x %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endset %}",
    "{% for i in range(3000) %}{% for j in range(3000) %}{% if i < 0 %}x{% endif %}{% endfor %}{% endfor %}",
    "{% macro m(n) %}{% for i in range(n) %}{% endfor %}{% endmacro %}{% for i in range(1000) %}{{ m(1000) }}"
    "{% endfor %}",
])
@pytest.mark.parametrize("in_thread", [False, True])
def test_a_loop_that_outputs_nothing_is_stopped_by_its_count_in_any_thread(small, tmp_path, template, in_thread,
                                                                           monkeypatch):
    import threading
    import time

    from assess.report import templates

    monkeypatch.setattr(templates, "MAX_RENDER_SECONDS", 1000)  # the alarm would not work in a thread anyway
    monkeypatch.setattr(templates, "MAX_LOOP_STEPS", 200_000)
    district = tmp_path / "district"
    district.mkdir()
    (district / "summary.html").write_text(f"<p>\n{template}</p>", encoding="utf-8")
    report = build_report(small())
    caught: list[BaseException] = []

    def render() -> None:
        try:
            render_html(report, "en", district)
        except AssessError as exc:
            caught.append(exc)

    start = time.monotonic()
    if in_thread:
        worker = threading.Thread(target=render)
        worker.start()
        worker.join(60)
    else:
        render()
    assert len(caught) == 1 and "loops went through more than 200,000 items" in str(caught[0])
    assert time.monotonic() - start < 30


def test_the_reports_own_templates_stay_far_within_the_loop_count(small, tmp_path, monkeypatch):
    from assess.report import templates

    monkeypatch.setattr(templates, "MAX_LOOP_STEPS", 20_000)
    assert "<html" in render_html(build_report(small()), "zh").lower()


@pytest.mark.parametrize("length", [501, 20_000, 1_000_000])
def test_a_long_free_text_answer_is_cut_in_the_report_with_a_note(write, length):
    from assess.report.view_summary import COMMENT_CHARS

    write("pack.yaml", SMALL_PACK)
    long_text = ("居民建议增加停车位" * (length // 9 + 1))[:length]
    extra = f"  - {{id: r4, answers: {{q-trust: 3, q-wish: {json.dumps(long_text, ensure_ascii=False)}}}}}\n"
    path = write("answers.yaml", small_answers(extra=extra))
    data = build_report(path)
    for lang, note in (("zh", f"（原文 {length:,} 字，此处列出前 {COMMENT_CHARS} 字）"),
                       ("en", f"({length:,} characters; the first {COMMENT_CHARS} are shown)")):
        html = render_html(data, lang)
        assert note in html and long_text not in html and long_text[:COMMENT_CHARS - 1] + "…" in html
    assert report_pdf(data, "zh").pages < 30


def test_a_short_free_text_answer_is_shown_whole(small):
    html = render_html(build_report(small()), "zh")
    assert "多开老年食堂" in html and "此处列出前" not in html
