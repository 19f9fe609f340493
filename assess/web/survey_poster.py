"""The survey's QR code (segno) and its A4 poster (WeasyPrint through the report stage's local-only renderer).

The code is 10 cm wide on the poster: a phone reads a code from about ten times its width, so from a metre
in a 楼道. Error correction level M keeps the modules large enough for a printer's smudges.
"""

from __future__ import annotations

import io
from typing import Any

import segno

from assess.report import render_pdf
from assess.web.app import HERE


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> str:
    """The code as an SVG document (black on white, a quiet zone of four modules, a title for screen readers)."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=8, border=4, title="问卷二维码 / QR code of the survey")
    return buffer.getvalue().decode()


def qr_data_uri(url: str) -> str:
    return qr_code(url).svg_data_uri(scale=10, border=4)


def poster_pdf(env: Any, community: str, url: str, minutes: int, questions: int) -> bytes:
    """The A4 poster: the community's name, what the survey is for, how long it takes, the privacy promise,
    the code and the link written out."""
    html = env.get_template("survey_poster.html").render(community=community, url=url, minutes=minutes,
                                                          questions=questions, qr=qr_data_uri(url))
    return render_pdf(html, [HERE / "templates"])
