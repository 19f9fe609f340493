"""`--respondents` reads any supported file by its content; the same residents give exactly the same score.

Each fixture is written by the test from the pack, following the layout of the real tool: 问卷星 (WJX)
downloads as gasongjian/reportgen's sample files `[问卷星数据]800_800_0.xls` (按文本) and `_2.xls` (按序号)
show them -- six metadata columns, `N、题干` headers, `┋`-joined multi-selects or `第N题(选项)` 0/1 columns,
`(空)`/`(跳过)` and -3 for unanswered; ODK Central's `.csv.zip`; Excel typed under the questions' titles;
CSV saved by Excel as GBK; an answer file written by `assess import`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from assess.cli import main
from assess.errors import AssessError, ProblemsError
from assess.packs.loading import LoadedPack
from assess.packs.xlsform import build_xlsform, xlsform_bytes
from assess.responses.answer_file import AnswerFile, Community, dump_answer_file
from assess.responses.reading import ReadOptions
from assess.responses.respondents import read_respondents
from assess.scoring.score import score_file
from tests.responses.test_kobo import (  # noqa: F401 -- all_types is a fixture
    KOBO_META,
    all_types,
    cell,
    form_questions,
    respondents,
    write_export,
)

WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def resident_questions(loaded: LoadedPack) -> list:
    return [q for _, _, q in loaded.pack.questions() if q.respondent == "resident"]


def write_table(path: Path, header: list, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    if path.suffix == ".xlsx":
        book = Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        book.save(path)
    elif path.suffix == ".xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("Sheet1")
        for r, row in enumerate([header, *rows]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        book.save(str(path))
    else:
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(rows)
    return path


def project_table(loaded, people, path: Path, headers: str = "id", **kw) -> Path:
    questions = resident_questions(loaded)
    names = {"id": lambda q: q.id, "zh": lambda q: q.title.zh, "en": lambda q: q.title.en}[headers]
    header = ["respondent_id" if headers != "zh" else "受访者编号", *(names(q) for q in questions)]
    rows = [[p.id, *(cell(q, p.answers.get(q.id)) for q in questions)] for p in people]
    return write_table(path, header, rows, **kw)


def wjx_text_cell(question, value, n: int):
    if value is None:
        return "(跳过)" if n % 2 else "(空)"
    if question.type == "likert":
        label = question.scale.labels.get(value)
        return label.zh if label else value
    if question.type == "yes_no":
        return "是" if value else "否"
    options = {o.id: o.label.zh for o in getattr(question, "options", [])}
    if question.type == "choice":
        return options[value]
    if question.type == "multi_choice":
        return "┋".join(options[v] + ("〖楼下邻居〗" if i == 0 and n % 3 == 0 else "") for i, v in enumerate(value))
    return value


def wjx_number_cells(question, value) -> list:
    if question.type == "multi_choice":
        if value is None:
            return [-3] * len(question.options)
        return [1 if o.id in value else 0 for o in question.options]
    if value is None:
        return [-3] if question.type != "text" else ["(空)"]
    if question.type == "yes_no":
        return [1 if value else 2]
    if question.type == "choice":
        return [[o.id for o in question.options].index(value) + 1]
    return [value]


def wjx_download(loaded, people, path: Path, mode: str, **kw) -> Path:
    """A 问卷星 download of the questionnaire as `assess indicators questionnaire` numbers it."""
    questions = resident_questions(loaded)
    header = list(WJX_META)
    for n, q in enumerate(questions, start=1):
        if mode == "number" and q.type == "multi_choice":
            header += [f"第{n}题({o.label.zh})" for o in q.options]
        else:
            header.append(f"{n}、{q.title.zh}" + (" " if n % 2 else ""))  # WJX leaves a trailing space at times
    rows = []
    for n, p in enumerate(people, start=1):
        meta = [n, "2026/5/1 10:00:00", "75秒", "手机提交", "直接访问", "1.2.3.4(山西晋城)"]
        cells: list = []
        for q in questions:
            value = p.answers.get(q.id)
            cells += [wjx_text_cell(q, value, n)] if mode == "text" else wjx_number_cells(q, value)
        rows.append([*meta, *cells])
    return write_table(path, header, rows, **kw)


def central_zip(loaded, people, path: Path) -> Path:
    inner = write_export(path.parent / "submissions.csv", "central-csv", form_questions(loaded), people)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(inner, "all-types.csv")
    inner.unlink()
    return path


def imported_answer_file(loaded, people, path: Path) -> Path:
    path.write_text(dump_answer_file(AnswerFile(pack=loaded.file, community=Community(name="x"), respondents=people)),
                    encoding="utf-8")
    return path


def kobo_label_export(loaded, people, path: Path, lang: str = "zh", sep: str | None = "/", split: bool = False,
                      old_columns: int = 0, rejected: int = 0) -> Path:
    """KoboToolbox's default export: label headers in the form's language (`sep` None: no hierarchy in labels),
    label cells, select_multiple labels joined by spaces (and one 0/1 column per option when `split`), as
    formpack writes them. The labels are read from the XLSForm file `assess indicators xlsform` makes.
    `old_columns` adds columns of an earlier form version; `rejected` extra submissions marked not approved.
    """
    language = {"zh": "Chinese (zh)", "en": "English (en)"}[lang]
    book = load_workbook(io.BytesIO(xlsform_bytes(build_xlsform(loaded, "resident"))))
    rows = list(book["survey"].iter_rows(values_only=True))
    survey = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
    rows = list(book["choices"].iter_rows(values_only=True))
    choices: dict[str, dict[str, str]] = {}
    for r in rows[1:]:
        c = dict(zip(rows[0], r, strict=False))
        choices.setdefault(c["list_name"], {})[str(c["name"])] = c[f"label::{language}"]
    columns, group = [], None
    pack_questions = iter(resident_questions(loaded))
    for row in survey:
        if row["type"] == "begin_group":
            group = row[f"label::{language}"]
        elif row["type"] == "end_group":
            group = None
        elif row["type"] not in ("start", "end"):
            label = row[f"label::{language}"]
            head = f"{group}{sep}{label}" if sep is not None else label
            columns.append((head, row["type"].split()[-1], next(pack_questions)))

    def label_cell(kind, question, value):
        if value is None:
            return ""
        if question.type == "multi_choice":
            return " ".join(choices[kind][v] for v in value)
        if question.type in ("likert", "choice", "yes_no"):
            name = {True: "yes", False: "no"}.get(value, value) if question.type == "yes_no" else value
            return choices[kind][str(name)]
        return value

    header = ["start", "end"]
    for head, kind, question in columns:
        header.append(head)
        if split and question.type == "multi_choice":
            header += [f"{head}{sep or '/'}{choices[kind][o.id]}" for o in question.options]
    header += [f"旧版题目{n}" for n in range(old_columns)] + KOBO_META
    out = []
    everyone = [*people, *people[:rejected]]
    for n, person in enumerate(everyone):
        cells = []
        for _head, kind, question in columns:
            value = person.answers.get(question.id)
            cells.append(label_cell(kind, question, value))
            if split and question.type == "multi_choice":
                cells += ["" if value is None else int(o.id in value) for o in question.options]
        status = "Not Approved" if n >= len(people) else ("Approved" if n % 2 else "")
        rid = person.id if n < len(people) else f"rejected-{n}"
        meta = [n + 1, rid, "2024-05-01T10:00:00", status, "[]", "submitted_via_web", "", "v1", "[]", n + 1]
        out.append(["2024-05-01T09:00:00", "2024-05-01T09:10:00", *cells, *["旧"] * old_columns, *meta])
    return write_table(path, header, out)


SOURCES = {
    "project csv, ids, UTF-8 with BOM, tab": lambda pack, p, d: project_table(
        pack, p, d / "r.tsv", encoding="utf-8-sig", delimiter="\t"),
    "Excel csv as GB18030, Chinese titles, ';'": lambda pack, p, d: project_table(
        pack, p, d / "居民.csv", "zh", encoding="gb18030", delimiter=";"),
    "xlsx typed under English titles": lambda pack, p, d: project_table(pack, p, d / "typed.xlsx", "en"),
    "xlsx under Chinese titles, named .dat": lambda pack, p, d: project_table(pack, p, d / "typed.dat", "zh"),
    "ODK Central submissions.csv.zip": lambda pack, p, d: central_zip(pack, p, d / "submissions.csv.zip"),
    "answer file written by import": lambda pack, p, d: imported_answer_file(pack, p, d / "imported.yaml"),
    "WJX 按文本 csv (GBK)": lambda pack, p, d: wjx_download(pack, p, d / "wjx_0.csv", "text", encoding="gbk"),
    "WJX 按序号 csv": lambda pack, p, d: wjx_download(pack, p, d / "wjx_2.csv", "number"),
    "WJX 按文本 xls": lambda pack, p, d: wjx_download(pack, p, d / "800_800_0.xls", "text"),
    "WJX 按序号 xls": lambda pack, p, d: wjx_download(pack, p, d / "800_800_2.xls", "number"),
    "WJX 按序号 xlsx": lambda pack, p, d: wjx_download(pack, p, d / "800_800_2.xlsx", "number"),
    "Kobo labels zh, hierarchy '/'": lambda pack, p, d: kobo_label_export(pack, p, d / "kobo.xlsx"),
    "Kobo labels en, ' > ', split": lambda pack, p, d: kobo_label_export(
        pack, p, d / "kobo.csv", "en", " > ", split=True),
    "Kobo labels zh, no hierarchy, split": lambda pack, p, d: kobo_label_export(
        pack, p, d / "kobo.csv", sep=None, split=True),
    "Kobo labels zh, '_' separator": lambda pack, p, d: kobo_label_export(pack, p, d / "kobo.csv", "zh", "_"),
    "Kobo all versions, rejected rows": lambda pack, p, d: kobo_label_export(
        pack, p, d / "kobo.xlsx", old_columns=2, rejected=3),
}


@pytest.fixture
def community(all_types, tmp_path):  # noqa: F811 -- the fixture imported above
    """The answer file (no respondents of its own), 60 residents, and their project CSV as the reference."""
    people = respondents(all_types, 60, seed=7)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    reference = project_table(all_types, people, tmp_path / "reference.csv")
    return all_types, people, answers, reference


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_source_gives_exactly_the_score_of_the_project_csv(source, community, tmp_path):
    loaded, people, answers, reference = community
    folder = tmp_path / "in"
    folder.mkdir()
    path = SOURCES[source](loaded, people, folder)
    expected = score_file(answers, reference)
    assert expected.respondents == 60
    got = score_file(answers, path)
    set_aside = [w.en for w in got.warnings if w not in expected.warnings]
    assert got.model_copy(update={"warnings": expected.warnings, "notes": []}) == expected
    if "all versions" in source:
        assert len(set_aside) == 1 and "3 submission(s)" in set_aside[0]
        [note] = got.notes
        assert note.zh.startswith("已忽略的列（可用 --group-by 分组）: ") and note.zh.count("、") == 1
    else:
        assert set_aside == [] and got.notes == []
    read = {e.id: e.answers for e in read_respondents(path, loaded)}
    if "rejected" in source:
        everyone = read_respondents(path, loaded, options=ReadOptions(include_rejected=True))
        assert len(list(everyone)) == 63
    if not source.startswith("WJX"):  # WJX numbers its rows (序号) itself
        assert read == {p.id: p.answers for p in people}


def test_the_score_command_takes_a_wjx_download_as_it_is(community, runner, tmp_path):
    loaded, people, answers, reference = community
    download = wjx_download(loaded, people, tmp_path / "问卷星.xls", "text")
    via_wjx = runner.invoke(main, ["score", str(answers), "--respondents", str(download), "--format", "json"])
    via_csv = runner.invoke(main, ["score", str(answers), "--respondents", str(reference), "--format", "json"])
    assert via_wjx.exit_code == 0, via_wjx.output
    assert via_wjx.output == via_csv.output


def test_a_wjx_cell_that_fits_no_option_names_the_row_and_the_header(community, tmp_path):
    loaded, people, answers, _ = community
    path = wjx_download(loaded, people[:3], tmp_path / "w.csv", "text")
    text = path.read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(text))
    column = next(i for i, h in enumerate(rows[0]) if h.startswith("3、"))  # the choice question
    rows[2][column] = "非常满意"
    number = next(i for i, h in enumerate(rows[0]) if "、满意" in h)  # a 1-5 likert
    rows[3][number] = "7"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(path, loaded))
    found = {(p.line, p.field) for p in caught.value.problems}
    assert found == {(3, rows[0][column].strip()), (4, rows[0][number].strip())}
    message = str(caught.value)
    assert "'非常满意' is not an option" in message and "must be a whole number from 1 to 5" in message


def test_a_wjx_question_the_pack_does_not_have_lists_the_closest_titles(community, tmp_path):
    loaded, people, _, _ = community
    path = wjx_download(loaded, people[:2], tmp_path / "w.csv", "text")
    content = path.read_text(encoding="utf-8").replace("一年去几次服务中心", "一年去几次服务站", 1)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(path, loaded))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (1, "5、一年去几次服务站")
    assert "最接近的题目：q-visits（一年去几次服务中心）" in problem.message


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d.joinpath("e.zip").write_bytes(zip_of({})) and d / "e.zip", "exactly one CSV file, it holds 0"),
        (lambda d: d.joinpath("two.zip").write_bytes(zip_of({"a.csv": "x", "b.csv": "y"})) and d / "two.zip",
         "it holds 2"),
        (lambda d: d.joinpath("fake.xlsx").write_text("a,b\n1,2\n") and d / "fake.xlsx", "cannot be read as an XLSX"),
        (lambda d: d.joinpath("j.csv").write_text('{"a": 1}') and d / "j.csv", "not a table"),
        (lambda d: d.joinpath("bin.csv").write_bytes(b"a,b\n\xff\xfe\xfa,1\n") and d / "bin.csv",
         "neither UTF-8 nor GBK/GB18030"),
        (lambda d: d / "nowhere.csv", "file not found"),
        (lambda d: d, "is a folder"),
    ],
)
def test_files_of_no_supported_kind_are_one_clear_message(make, expected, community, tmp_path):
    loaded = community[0]
    with pytest.raises(AssessError) as caught:
        list(read_respondents(make(tmp_path), loaded))
    assert expected in str(caught.value)


def zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_an_xlsx_that_unpacks_to_gigabytes_is_refused_before_it_is_read(community, tmp_path):
    loaded = community[0]
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (64 * 1024 * 1024))  # 64 MiB of one byte: ~64 KiB packed
    with pytest.raises(AssessError, match="refused as a zip bomb"):
        list(read_respondents(bomb, loaded))


@pytest.mark.parametrize("cell", ["²", "3.5", "x"])
def test_a_wjx_cell_of_odd_digits_is_a_message_not_a_traceback(cell, community, tmp_path):
    loaded, people, _, _ = community
    path = wjx_download(loaded, people[:2], tmp_path / "w.csv", "number")
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    column = next(i for i, h in enumerate(rows[0]) if "、满意" in h)  # a 1-5 likert
    rows[1][column] = cell
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(path, loaded))
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, rows[0][column].strip())]


def damaged(path: Path, member_name: str, where: float) -> Path:
    """The zip with 100 bytes of one member's packed data flipped, `where` of the way into it."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo(member_name)
    start = member.header_offset + 30 + len(member.filename.encode()) + len(member.extra)
    at = start + int(member.compress_size * where)
    data[at:at + 100] = bytes(b ^ 0x5A for b in data[at:at + 100])
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("make", [
    lambda pack, people, d: damaged(project_table(pack, people, d / "t.xlsx"), "xl/worksheets/sheet1.xml", 0.3),
    lambda pack, people, d: damaged(central_zip(pack, people, d / "submissions.csv.zip"), "all-types.csv", 0.1),
    lambda pack, people, d: damaged(central_zip(pack, people, d / "submissions.csv.zip"), "all-types.csv", 0.9),
], ids=["xlsx sheet", "Central zip, at its start", "Central zip, near its end"])
def test_a_damaged_zip_is_a_message_not_a_traceback(make, community, tmp_path, runner):
    loaded, _, answers, _ = community
    path = make(loaded, respondents(loaded, 1500, seed=5), tmp_path)  # packed data of some size to damage
    result = runner.invoke(main, ["score", str(answers), "--respondents", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "不是完整的 ZIP/XLSX 文件 / not a readable zip or xlsx file" in result.output
