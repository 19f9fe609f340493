"""The wrong file gets the right advice: what it is, and where it belongs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import xlwt
from docx import Document

from assess.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "old-community"


def wjx_xls(path: Path) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for c, value in enumerate(["序号", "提交答卷时间", "1、您的性别"]):
        sheet.write(0, c, value)
    book.save(str(path))
    return path


@pytest.mark.parametrize("name", ["问卷星下载.xls", "residents.csv", "录入表.xlsx"])
def test_a_table_given_as_the_answer_file_says_where_answers_and_residents_belong(name, runner, tmp_path):
    given = tmp_path / name
    if name.endswith(".xls"):
        wjx_xls(given)
    elif name.endswith(".csv"):
        shutil.copy(EXAMPLE / "residents.csv", given)
    else:
        from openpyxl import Workbook

        Workbook().save(given)
    result = runner.invoke(main, ["score", str(given)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "答卷文件（.yaml）由 assess fill 生成" in result.output and f"--respondents {name}" in result.output
    assert "UTF-8" not in result.output


def docx(path: Path) -> Path:
    document = Document()
    document.add_paragraph("居民问卷")
    document.save(str(path))
    return path


@pytest.mark.parametrize(("make", "kind"), [
    (lambda d: docx(d / "问卷.docx"), "Word 文档"),
    (lambda d: (d / "扫描件.pdf").write_bytes(b"%PDF-1.7\n%...") and d / "扫描件.pdf", "PDF 文件"),
    (lambda d: (d / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF") and d / "照片.jpg", "图片"),
    (lambda d: (d / "说明.txt").write_text("请按时填写问卷\n谢谢", encoding="utf-8") and d / "说明.txt", "文本文件"),
])
def test_a_document_given_as_residents_data_is_named_for_what_it_is(make, kind, runner, tmp_path):
    given = make(tmp_path)
    result = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(given)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"这是{kind}，不是问卷数据表" in result.output and "问卷星下载（.xls、.xlsx、.csv）" in result.output
    assert "--group-by" not in result.output and "exactly one CSV" not in result.output


def test_a_tab_separated_txt_is_still_read_as_a_table(runner, tmp_path):
    text = (EXAMPLE / "residents.csv").read_text(encoding="utf-8").replace(",", "\t")
    given = tmp_path / "residents.txt"
    given.write_text(text, encoding="utf-8")
    as_txt = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(given),
                                  "--format", "json"])
    as_csv = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents",
                                  str(EXAMPLE / "residents.csv"), "--format", "json"])
    assert as_txt.exit_code == 0, as_txt.output
    assert as_txt.stdout == as_csv.stdout


def test_a_table_whose_columns_are_none_of_the_pack_is_refused_not_scored_empty(runner, tmp_path):
    given = tmp_path / "别的调查.csv"
    given.write_text("姓名,性别,电话\n张三,男,123\n", encoding="utf-8")
    result = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(given)])
    assert result.exit_code == 1 and "表头中没有一列是指标包 core 的题目" in result.output


def test_import_refuses_an_output_that_is_not_yaml(runner, tmp_path):
    out = tmp_path / "居民答卷.xlsx"
    result = runner.invoke(main, ["import", str(EXAMPLE / "residents.csv"), "-o", str(out)])
    assert result.exit_code == 1 and "只能写成 .yaml 文件" in result.output and not out.exists()
