"""The questionnaire as a Word document: `assess indicators questionnaire -o 问卷.docx`.

The same lines as the text form (`questionnaire.questionnaire_lines`), one paragraph each, so the document
can be printed for paper surveys, edited in Word or WPS, or copied into 问卷星 as text. Chinese is set in a
Song face (宋体, SimSun) that Word and WPS have everywhere; the document carries no clock time, so the same
pack gives the same file.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from assess.files import zip_without_clock
from assess.i18n import Lang
from assess.packs.loading import LoadedPack
from assess.packs.questionnaire import questionnaire_blocks

EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters a .docx cannot hold
FIXED_TIME = datetime(2000, 1, 1)


def questionnaire_docx(loaded: LoadedPack, respondent: str = "resident", lang: Lang = "zh") -> bytes:
    from docx import Document
    from docx.shared import Pt

    title, blocks = questionnaire_blocks(loaded, respondent, lang)
    document = Document()
    set_fonts(document)
    document.add_heading(clean(title), level=1)
    for question, *options in blocks:
        paragraph = document.add_paragraph(clean(question))
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.runs[0].bold = True
        for option in options:
            line = document.add_paragraph(clean(option))
            line.paragraph_format.left_indent = Pt(18)
            line.paragraph_format.space_after = Pt(0)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = clean(title), "assess", "assess"
    properties.created = properties.modified = FIXED_TIME
    out = io.BytesIO()
    document.save(out)
    return zip_without_clock(out.getvalue())


def set_fonts(document) -> None:
    """Every style the document uses sets its East Asian face too: Word falls back to a Latin face for
    Chinese otherwise, and WPS to whatever it has."""
    from docx.oxml.ns import qn

    for name in ("Normal", "Heading 1"):
        style = document.styles[name]
        style.font.name = LATIN_FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # a theme face wins
            fonts.attrib.pop(qn(theme), None)


def clean(text: str) -> str:
    return NOT_IN_XML.sub("", text)
