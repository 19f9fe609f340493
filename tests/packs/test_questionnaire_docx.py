"""The Word questionnaire is a paper questionnaire a community can print for door-to-door visits: A4, named,
greeted, promised confidential, explained, □ boxes and lines, page numbers, no platform tags, Chinese faces
that Word and WPS have. Rendered with LibreOffice when it is installed, to read back what the page shows."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from pypdf import PdfReader

from assess.cli import main
from assess.packs.loading import load_pack
from assess.packs.questionnaire import questionnaire_text
from assess.packs.questionnaire_docx import questionnaire_docx
from assess.packs.questionnaire_paper import BOX

CORE = load_pack("core")
PLATFORM_TAG = re.compile(r"\[(单选题|多选题|填空题|single choice|multiple choice|fill in)\]")


def text_of(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("respondent", ["resident", "party_member", "committee"])
def test_each_questionnaire_is_an_a4_paper_form_with_greeting_boxes_and_page_numbers(respondent):
    data = questionnaire_docx(CORE, respondent, "zh", community="幸福社区", survey="2026年党建引领社区治理调查")
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    text = text_of(document)
    assert "幸福社区2026年党建引领社区治理调查" in text
    assert {"resident": "居民问卷", "party_member": "党员问卷", "committee": "社区两委填报表"}[respondent] in text
    assert ("尊敬的" in text or "社区两委：" in text) and ("严格保密" in text or "仅用于本次评估" in text)
    assert "填写说明" in text and not PLATFORM_TAG.search(text)
    questions = [q for _, _, q in CORE.pack.questions() if q.respondent == respondent]
    assert [p.text.split(". ", 1)[0] for p in document.paragraphs if re.match(r"\d+\. ", p.text)] == [
        str(n) for n in range(1, len(questions) + 1)]
    closed = [q for q in questions if q.type in ("likert", "yes_no", "choice", "multi_choice")]
    assert text.count(BOX) >= sum(len(getattr(q, "options", [])) or 2 for q in closed)
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    again = questionnaire_docx(CORE, respondent, "zh", "幸福社区")
    assert again == questionnaire_docx(CORE, respondent, "zh", "幸福社区")  # no clock time inside


def test_the_text_form_for_wjx_keeps_its_tags_and_the_word_form_names_multiple_choice_in_words():
    assert PLATFORM_TAG.search(questionnaire_text(CORE))
    text = text_of(docx.Document(io.BytesIO(questionnaire_docx(CORE, "committee"))))
    assert "（可多选）" in text and "答：____________" in text


def test_the_command_writes_the_named_questionnaire(runner, tmp_path):
    out = tmp_path / "党员问卷.docx"
    result = runner.invoke(main, ["indicators", "questionnaire", "--respondent", "party_member", "--community",
                                  "幸福社区", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "幸福社区党建引领社区治理调查" in text_of(docx.Document(str(out)))


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(libreoffice() is None, reason="no LibreOffice (apt-get install libreoffice-writer-nogui)")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rendered_by_libreoffice_it_prints_on_numbered_a4_pages(tmp_path, lang):
    source = tmp_path / "问卷.docx"
    source.write_bytes(questionnaire_docx(CORE, "resident", lang, community="幸福社区"))
    subprocess.run([libreoffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240)
    reader = PdfReader(tmp_path / "问卷.pdf")
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    pages = [page.extract_text() for page in reader.pages]
    last = len(pages)
    if lang == "zh":
        assert "尊敬的居民朋友" in pages[0] and "□" in pages[0]
        assert all(f"第{n}页/共{last}页" in re.sub(r"\s+", "", text) for n, text in enumerate(pages, 1))
    else:
        assert "Dear resident" in pages[0]
        assert all(f"Page {n} of {last}" in text for n, text in enumerate(pages, 1))
