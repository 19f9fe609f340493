"""The questionnaire as a Word document ready to print: `assess indicators questionnaire -o 问卷.docx`.

A4 pages with page numbers, the community's and survey's names, a greeting and the confidentiality note,
how to fill it in, □ boxes to tick and lines to write on (`questionnaire_paper` holds the words). One
document per kind of respondent (--respondent resident, party_member or committee), so each is printed in
its own numbers. Chinese is set in 宋体 (SimSun) and headings in 黑体 (SimHei), the faces Word and WPS have
everywhere; the document carries no clock time, so the same pack gives the same file.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from assess.files import zip_without_clock
from assess.i18n import Lang
from assess.packs.loading import LoadedPack
from assess.packs.questionnaire_paper import BOX, PAGE_WORDS, TEXT_LINE, PaperQuestion, PaperSurvey, paper_survey

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters a .docx cannot hold
FIXED_TIME = datetime(2000, 1, 1)
A4_MM = (210, 297)
MARGINS_MM = (22, 20, 20, 20)  # top, bottom, left, right


def questionnaire_docx(loaded: LoadedPack, respondent: str = "resident", lang: Lang = "zh",
                       community: str | None = None, survey: str | None = None) -> bytes:
    """The printed questionnaire for `respondent` as .docx bytes."""
    from docx import Document

    paper = paper_survey(loaded, respondent, lang, community, survey)
    document = Document()
    set_page(document, paper.lang)
    set_fonts(document)
    write_front(document, paper)
    for question in paper.questions:
        write_question(document, question)
    write_end(document, paper)
    properties = document.core_properties
    properties.title = clean(f"{paper.title} {paper.subtitle}")
    properties.author = properties.last_modified_by = "assess"
    properties.created = properties.modified = FIXED_TIME
    out = io.BytesIO()
    document.save(out)
    return zip_without_clock(out.getvalue())


def set_page(document, lang: Lang) -> None:
    """A4 with print margins, and 第 N 页 / 共 M 页 centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, middle, after = PAGE_WORDS[lang]
    footer.add_run(before).font.size = Pt(9)
    add_field(footer, "PAGE")
    footer.add_run(middle).font.size = Pt(9)
    add_field(footer, "NUMPAGES")
    if after:
        footer.add_run(after).font.size = Pt(9)


def add_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word, WPS and LibreOffice fill in when the page is laid out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            run._r.append(make_text(text))


def make_text(text: str):
    from docx.oxml import OxmlElement

    node = OxmlElement("w:t")
    node.text = text
    return node


def set_fonts(document) -> None:
    """Every style the document uses names its East Asian face: Word falls back to a Latin face for Chinese
    otherwise, and WPS to whatever it has. Theme faces are removed, since a theme face wins over a name."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    for name, face, size in (("Normal", BODY_FONT, 10.5), ("Title", HEADING_FONT, 16), ("Subtitle", HEADING_FONT, 13)):
        style = document.styles[name]
        style.font.name = LATIN_FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)  # printed in black, not the theme's blue
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), face)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
    for name in ("Title", "Subtitle"):
        style = document.styles[name]
        style.font.italic = False
        style.paragraph_format.space_after = Pt(4)
        borders = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
        if borders is not None:  # the Title style's rule under the line
            style.element.pPr.remove(borders)


def write_front(document, paper: PaperSurvey) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    serial = document.add_paragraph(clean(paper.serial))
    serial.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for style, text in (("Title", paper.title), ("Subtitle", paper.subtitle)):
        heading = document.add_paragraph(clean(text), style=style)
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    salutation, body = paper.greeting
    document.add_paragraph(clean(salutation)).paragraph_format.space_before = Pt(8)
    for text in (body, paper.confidential):
        paragraph = document.add_paragraph(clean(text))
        paragraph.paragraph_format.first_line_indent = Pt(21)
    signature = document.add_paragraph(clean(paper.signature))
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    instructions = document.add_paragraph()
    instructions.paragraph_format.space_before = Pt(6)
    instructions.paragraph_format.space_after = Pt(6)
    instructions.add_run(clean(paper.instructions)).bold = True


def write_question(document, question: PaperQuestion) -> None:
    """The question and its boxes or lines, kept together on one page."""
    from docx.shared import Pt

    head = document.add_paragraph()
    head.paragraph_format.space_before = Pt(7)
    head.paragraph_format.space_after = Pt(2)
    head.paragraph_format.keep_with_next = True
    head.add_run(clean(f"{question.number}. {question.title}")).bold = True
    lines = answer_lines(question)
    for n, text in enumerate(lines):
        line = document.add_paragraph()
        for piece in re.split(f"({BOX})", clean(text)):
            if piece:
                run = line.add_run(piece)
                if piece == BOX:
                    in_body_face(run)
        line.paragraph_format.left_indent = Pt(21)
        line.paragraph_format.space_after = Pt(1)
        line.paragraph_format.keep_with_next = n < len(lines) - 1


def in_body_face(run) -> None:
    """A □ set in the Chinese face for every script: left to the Latin face, the first box of a line prints
    smaller than the others (a symbol's face otherwise follows its neighbours)."""
    from docx.oxml.ns import qn

    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(script), BODY_FONT)


def answer_lines(question: PaperQuestion) -> list[str]:
    if question.boxes and question.inline:
        return ["　　".join(f"{BOX} {word}" for word in question.boxes)]
    if question.boxes:
        return [f"{BOX} {word}" for word in question.boxes]
    if question.write_in is not None:
        return [question.write_in]
    return [TEXT_LINE] * max(question.text_lines, 1)


def write_end(document, paper: PaperSurvey) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    thanks = document.add_paragraph(clean(paper.thanks))
    thanks.alignment = WD_ALIGN_PARAGRAPH.CENTER
    thanks.paragraph_format.space_before = Pt(14)
    footer = document.add_paragraph(clean(paper.footer))
    footer.paragraph_format.space_before = Pt(10)


def clean(text: str) -> str:
    return NOT_IN_XML.sub("", text)
