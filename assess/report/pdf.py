"""PDF rendering for any report: the Chinese font check, the local-files-only URL fetcher, WeasyPrint.

WeasyPrint is imported here only (it is slow to import). Its URL fetcher serves files from the template
folders and nothing else: no network, no other local files. The PDF carries no clock time unless
SOURCE_DATE_EPOCH asks for one, so reports can be compared and archived.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from assess.errors import AssessError
from assess.files import read_regular, source_date

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
FONT_PACKAGE = "fonts-noto-cjk"


def report_format(output: Path, fmt: str | None) -> str:
    """The format to write: `fmt` if given, else from the file name (.html/.htm, anything else PDF).

    A format that contradicts the name (`--format html -o x.pdf`) is refused: the file would not open. So is a
    name ending in what a report is never written as (`-o 评估报告.docx`) unless `--format` says which.
    """
    suffix = output.suffix.lower()
    named = "html" if suffix in (".html", ".htm") else "pdf" if suffix == ".pdf" else None
    if fmt is None and named is None and suffix:
        raise AssessError(
            f"{output}: 报告只能写成 PDF（.pdf）或网页（.html），不能写成 {output.suffix} 文件；请把文件名改为 "
            f"{output.stem}.pdf 或 {output.stem}.html / a report is written as .pdf or .html, not {output.suffix}; "
            f"name the file {output.stem}.pdf or {output.stem}.html"
        )
    if fmt is not None and named is not None and fmt != named:
        raise AssessError(
            f"{output}: --format {fmt} does not match the file name ending {output.suffix}; name the file "
            f"*.{fmt} or leave out --format / 文件扩展名与 --format {fmt} 不符"
        )
    return fmt or named or "pdf"


# -- fonts ------------------------------------------------------------------------------------------------


@cache
def installed_cjk_fonts() -> tuple[str, ...]:
    """Font families fontconfig knows for Chinese (`fc-list :lang=zh family`); empty if there are none."""
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(sorted({line.split(",")[0].strip() for line in listing.splitlines() if line.strip()}))


FontLookup = Callable[[], Sequence[str]]


def require_cjk_font(html: str, lookup: FontLookup | None = None) -> None:
    """Refuse to lay out Chinese text without a Chinese font: the PDF would show empty boxes.

    `lookup` lists the installed Chinese font families (default: ask fontconfig); tests pass their own.
    """
    lookup = lookup or installed_cjk_fonts
    if CJK.search(html) and not lookup():
        raise AssessError(
            f"未安装中文字体，请先运行 sudo apt-get install {FONT_PACKAGE} / no Chinese (CJK) font is installed, so "
            f"Chinese text would print as empty boxes; install one with: sudo apt-get install {FONT_PACKAGE}"
        )


# -- PDF --------------------------------------------------------------------------------------------------


@dataclass
class LocalFiles:
    """The only files a report may load: those inside the template folders (a district's first).

    A relative reference that a district's folder does not hold is looked up in the bundled folder, as
    templates are. `data:` URLs carry their content inline and are allowed; anything else -- http(s),
    file:// outside the folders, `..` escapes, symlinks leading out -- is refused and remembered.
    """

    roots: Sequence[Path]
    asked: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.roots = [Path(r).resolve() for r in self.roots]

    def resolve(self, url: str) -> Path | None:
        self.asked.append(url)
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            found = self.inside(path)
            if found is not None:
                return found
        self.refused.append(url)
        return None

    def inside(self, path: Path) -> Path | None:
        for root in self.roots:
            if path.is_relative_to(root):
                relative = path.relative_to(root)
                for candidate in (root / relative, *(other / relative for other in self.roots if other != root)):
                    real = candidate.resolve()
                    if real.is_file() and any(real.is_relative_to(r) for r in self.roots):
                        return real
                return None
        return None


def pdf_timestamp(environ: Mapping[str, str] = os.environ) -> str | None:
    """The creation time to write into the PDF: SOURCE_DATE_EPOCH if set (reproducible builds), else none."""
    moment = source_date(environ)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def layout_pdf(
    html: str,
    base_dirs: Sequence[Path],
    files: LocalFiles | None = None,
    font_lookup: FontLookup | None = None,
):
    """WeasyPrint's laid-out document for `html`, loading only what `files` allows."""
    require_cjk_font(html, font_lookup)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

    files = files if files is not None else LocalFiles(base_dirs)

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = files.resolve(url)
            if path is None:
                raise ValueError(f"not loaded: only files of the template folders are used ({url})")
            return URLFetcherResponse(path2url(str(path)), read_regular(path, MAX_ASSET_BYTES), status=200)

    base_url = path2url(str(Path(base_dirs[0]).resolve())) + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=Fetcher(allowed_protocols=("file", "data"))).render()


MAX_ASSET_BYTES = 64 * 1024 * 1024  # a font or an image of the templates; nothing larger belongs in a report


def write_pdf(document, environ: Mapping[str, str] = os.environ) -> bytes:
    stamp = pdf_timestamp(environ)
    document.metadata.created = stamp
    document.metadata.modified = stamp
    return document.write_pdf()


def render_pdf(
    html: str,
    base_dirs: Sequence[Path],
    files: LocalFiles | None = None,
    font_lookup: FontLookup | None = None,
) -> bytes:
    """The PDF of `html`; relative references resolve in `base_dirs` (a district's folder, then the bundled one)."""
    return write_pdf(layout_pdf(html, base_dirs, files, font_lookup))


def first_pages(document) -> dict[str, int]:
    """The 0-based page on which each element id (anchor) of the laid-out document starts."""
    return {name: i for i, page in reversed(list(enumerate(document.pages))) for name in page.anchors}
