"""Where a report is laid out: here, or in a second process started before the report is read.

Laying a report out is WeasyPrint's work, and importing WeasyPrint alone takes about half a second. `assess
report` starts `LayoutInBackground` first: a forked process imports WeasyPrint on another core while this
one reads, scores and words the report, then lays out the HTML it is sent. Both kinds offer the same two
steps, `layout(html)` (pages and anchors, so the caller can decide on a table of contents) and `pdf()`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assess.errors import AssessError
from assess.report.pdf import FontLookup, LocalFiles, first_pages, installed_cjk_fonts, layout_pdf, write_pdf


@dataclass(frozen=True)
class Laid:
    """What the caller needs of a laid-out document: its pages, where each anchor starts, what was refused."""

    pages: int
    first_pages: dict[str, int]  # element id -> the 0-based page it starts on
    refused: list[str]


class Layout(Protocol):
    def layout(self, html: str) -> Laid: ...

    def pdf(self) -> bytes: ...


class LocalLayout:
    """Lays out in this process; the last document laid out is the one `pdf()` writes."""

    def __init__(self, dirs: Sequence[Path], font_lookup: FontLookup | None = None):
        self.dirs, self.font_lookup = dirs, font_lookup
        self.files = LocalFiles(dirs)
        self.document = None

    def layout(self, html: str) -> Laid:
        self.document = layout_pdf(html, self.dirs, self.files, self.font_lookup)
        return Laid(len(self.document.pages), first_pages(self.document), list(self.files.refused))

    def pdf(self) -> bytes:
        return write_pdf(self.document)


class LayoutInBackground:
    """A `Layout` served by a forked process that has imported WeasyPrint by the time the HTML is ready.

    Used as a context manager; the process ends with the block, also when the report fails first. Where
    there is one core, or no fork (not Linux), the layout is simply done here.
    """

    def __init__(self, district_dir: Path | None):
        self.district_dir = district_dir
        self.process = None
        self.connection = None

    def __enter__(self) -> Layout:
        if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            from assess.report.templates import template_dirs

            return LocalLayout(template_dirs(self.district_dir))
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=serve, args=(theirs, self.district_dir), daemon=True)
        self.process.start()
        theirs.close()
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if self.process is None:
            return
        if exc_type is None:  # done: let it finish; after a problem there is nothing to wait for
            with contextlib.suppress(OSError):
                self.connection.send(None)
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()

    def layout(self, html: str) -> Laid:
        return self.ask(("layout", html))

    def pdf(self) -> bytes:
        return self.ask(("pdf", None))

    def ask(self, request: tuple[str, str | None]):
        try:
            self.connection.send(request)
            status, value = self.connection.recv()
        except (EOFError, OSError):
            raise AssessError(
                f"排版进程意外结束（退出码 {self.process.exitcode}），可能是内存不足 / the layout process ended "
                f"unexpectedly (exit code {self.process.exitcode}), perhaps for want of memory"
            ) from None
        if status == "error":
            raise value
        if status == "crash":
            raise RuntimeError(f"the layout process failed:\n{value}")
        return value


def serve(connection, district_dir: Path | None) -> None:
    """The background process: import WeasyPrint and ask fontconfig now, then answer requests until None.

    It is started before the parent has imported the templates, so it finds the template folders itself.
    """
    import weasyprint  # noqa: F401  (the point of this process: imported while the parent works)

    from assess.report.templates import template_dirs

    installed_cjk_fonts()
    local: LocalLayout | None = None
    while (request := connection.recv()) is not None:
        kind, html = request
        try:
            local = local or LocalLayout(template_dirs(district_dir))
            connection.send(("ok", local.layout(html) if kind == "layout" else local.pdf()))
        except AssessError as error:
            connection.send(("error", error))
        except Exception:  # a defect: its traceback is shown by the parent
            connection.send(("crash", traceback.format_exc()))
