"""The registry of survey formats is the one place that knows them: nothing else tests for a format."""

from __future__ import annotations

import ast
from pathlib import Path

from assess.responses import formats
from assess.responses.formats import FILE_FORMATS, FORMATS, file_format_of, format_of
from assess.responses.survey_format import SurveyFormat

PACKAGE = Path(__file__).resolve().parents[2] / "assess"
# What a format module offers only to the registry: how it claims a table and how it reads one.
FORMAT_ONLY = {"is_wjx", "is_tencent", "is_export", "FORMAT", "table_respondents", "is_answer_file",
               "ANSWER_FILE_START", "answer_file_respondents", "respondents_table_of"}


def format_modules() -> dict[str, Path]:
    return {f.respondents.__module__: PACKAGE.parent / (f.respondents.__module__.replace(".", "/") + ".py")
            for f in [*FORMATS, *FILE_FORMATS]}


def test_every_format_module_registers_one_format_and_the_catch_all_is_last():
    assert all(isinstance(f, SurveyFormat) for f in FORMATS)
    assert len({f.name for f in FORMATS}) == len(FORMATS)
    assert FORMATS[-1].claims([]) and not any(f.claims([]) for f in FORMATS[:-1])
    assert format_of(["序号", "提交答卷时间", "1、题"]).name == "wjx"
    assert format_of(["编号", "开始答题时间", "结束答题时间", "1.题"]).name == "tencent"
    assert format_of(["start", "q", "_uuid"]).name == "kobo"
    assert format_of(["respondent_id", "q-trust"]).name == "table"
    assert file_format_of(b"# written by assess import\npack: core\n").name == "answers"
    assert file_format_of(b"respondent_id,q-trust\n") is None  # a table: the formats above read it


def test_no_code_outside_the_registry_dispatches_on_a_format():
    own = {str(path) for path in format_modules().values()} | {formats.__file__}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if str(path) in own:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            imported = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.relative_to(PACKAGE)}:{node.lineno} {n}" for n in [name, *imported] if n in FORMAT_ONLY]
    assert found == []


def test_the_dispatch_check_would_see_a_format_test(tmp_path):
    source = "from assess.responses import wjx\nif wjx.is_wjx(header):\n    pass\n"
    names = {n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute)}
    assert names & FORMAT_ONLY == {"is_wjx"}
