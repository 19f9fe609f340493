"""`assess report` lays the PDF out in a process started first (WeasyPrint loads while the report is read)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from assess.errors import AssessError
from assess.report.community import report_pdf
from assess.report.data import build_report
from assess.report.layout import LayoutInBackground, LocalLayout
from tests.report.test_report import SMALL_PACK, small_answers


@pytest.fixture(scope="module")
def small_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    (folder / "pack.yaml").write_text(SMALL_PACK, encoding="utf-8")
    (folder / "answers.yaml").write_text(small_answers(), encoding="utf-8")
    return build_report(folder / "answers.yaml")


def test_the_background_process_gives_the_same_pdf_as_laying_out_here(small_report):
    with LayoutInBackground(None) as layout:
        assert not isinstance(layout, LocalLayout)  # this machine has cores to spare
        there = report_pdf(small_report, "zh", layout=layout)
    here = report_pdf(small_report, "zh")
    assert there.pdf == here.pdf and there.html == here.html
    assert (there.pages, there.first_pages, there.refused) == (here.pages, here.first_pages, here.refused)


def test_a_missing_templates_folder_is_a_message_from_either_side(small_report, tmp_path):
    with LayoutInBackground(tmp_path / "nosuch") as layout, pytest.raises(AssessError, match="找不到模板文件夹"):
        layout.layout("<p>x</p>")


def test_a_layout_process_that_dies_is_a_message_not_a_hang(small_report):
    with LayoutInBackground(None) as layout:
        os.kill(layout.process.pid, signal.SIGKILL)
        with pytest.raises(AssessError, match="排版进程意外结束.* / the layout process ended unexpectedly"):
            layout.layout("<p>x</p>")


def test_a_report_that_fails_first_does_not_wait_for_the_layout_process():
    started = time.perf_counter()
    with pytest.raises(AssessError), LayoutInBackground(None) as layout:
        raise AssessError("answers.yaml: 找不到文件 / file not found")
    assert time.perf_counter() - started < 0.5  # WeasyPrint's import alone takes longer
    assert not layout.process.is_alive()


def test_one_core_lays_out_here(monkeypatch, small_report):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    with LayoutInBackground(None) as layout:
        assert isinstance(layout, LocalLayout)
