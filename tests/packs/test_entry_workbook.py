"""`assess indicators template` and `assess indicators questionnaire`: forms people fill in, read back exactly."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from assess.cli import main
from assess.packs.entry_workbook import ENTRY_SHEET, LISTS_SHEET, template_bytes
from assess.packs.loading import load_pack
from assess.packs.questionnaire import questionnaire_text
from assess.scoring.score import score_file
from tests.responses.test_kobo import ALL_TYPES_PACK, all_types, respondents  # noqa: F401
from tests.responses.test_respondents import project_table, resident_questions


def typed(question, value):
    """What a person types (or picks from the drop-down) for a canonical answer."""
    if value is None:
        return None
    if question.type == "likert":
        label = question.scale.labels.get(value)
        return label.zh if label else value
    if question.type == "yes_no":
        return "是" if value else "否"
    if question.type == "choice":
        return next(o.label.zh for o in question.options if o.id == value)
    if question.type == "multi_choice":
        return "、".join(o.label.zh for o in question.options if o.id in value)
    return value


def filled_in(loaded, people, path, move_last_first: bool = False):
    """The template as a committee worker fills it: from row 3, values picked or typed; optionally with the
    last column cut and pasted in front and a title retyped, which the hidden id row must survive."""
    book = load_workbook(io.BytesIO(template_bytes(loaded, groups=("楼栋",))))
    sheet = book[ENTRY_SHEET]
    questions = resident_questions(loaded)
    for r, person in enumerate(people, start=3):
        sheet.cell(row=r, column=1, value=person.id)
        sheet.cell(row=r, column=2, value=f"{r % 3 + 1}号楼")
        for c, question in enumerate(questions, start=3):
            sheet.cell(row=r, column=c, value=typed(question, person.answers.get(question.id)))
    if move_last_first:
        last = sheet.max_column
        sheet.insert_cols(1)
        for row in range(1, sheet.max_row + 1):
            sheet.cell(row=row, column=1, value=sheet.cell(row=row, column=last + 1).value)
        sheet.delete_cols(last + 1)
        sheet.cell(row=2, column=1, value="我改过的标题")
    book.save(path)
    return path


@pytest.mark.parametrize("moved", [False, True])
def test_the_filled_in_template_gives_exactly_the_score_of_the_project_csv(moved, all_types, tmp_path):  # noqa: F811
    people = respondents(all_types, 40, seed=5)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    expected = score_file(answers, project_table(all_types, people, tmp_path / "ref.csv"))
    workbook = filled_in(all_types, people, tmp_path / "居民问卷录入表.xlsx", moved)
    from assess.responses.reading import ReadOptions

    assert score_file(answers, workbook, reading=ReadOptions(group_by=("楼栋",))).model_copy(
        update={"groups": []}) == expected


def test_the_template_has_drop_downs_a_hidden_id_row_and_help(all_types):  # noqa: F811
    book = load_workbook(io.BytesIO(template_bytes(all_types)))
    sheet = book[ENTRY_SHEET]
    ids = [c.value for c in sheet[1]]
    titles = [c.value for c in sheet[2]]
    questions = resident_questions(all_types)
    assert ids == ["respondent_id", *(q.id for q in questions)]
    assert titles == ["受访者编号", *(q.title.zh for q in questions)]
    assert sheet.row_dimensions[1].hidden and book[LISTS_SHEET].sheet_state == "hidden"
    kinds = {str(v.sqref).split(":")[0][:-1]: v.type for v in sheet.data_validations.dataValidation}
    for column, question in enumerate(questions, start=2):
        letter = sheet.cell(row=1, column=column).column_letter
        expected = {"likert": "list", "yes_no": "list", "choice": "list"}.get(question.type)
        if question.type == "number":
            expected = "whole" if question.integer else "decimal"
        assert kinds.get(letter) == expected, question.id
    assert "填写说明" in book.sheetnames and "assess score" in " ".join(
        str(c.value) for c in book["填写说明"]["A"])


def test_a_title_that_looks_like_a_formula_is_written_as_text(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text(ALL_TYPES_PACK.replace("我信任社区党组织", "=cmd|' /C calc'!A0"), encoding="utf-8")
    book = load_workbook(io.BytesIO(template_bytes(load_pack(pack))))
    cell = next(c for c in book[ENTRY_SHEET][2] if str(c.value).startswith("=cmd"))
    assert cell.data_type == "s"


def test_the_questionnaire_lists_every_question_with_its_options_in_order(all_types, runner, tmp_path):  # noqa: F811
    text = questionnaire_text(all_types)
    blocks = text.strip().split("\n\n")[1:]
    questions = resident_questions(all_types)
    assert len(blocks) == len(questions)
    for n, (block, question) in enumerate(zip(blocks, questions, strict=True), start=1):
        lines = block.split("\n")
        assert lines[0].startswith(f"{n}. {question.title.zh}[")
        if question.type in ("choice", "multi_choice"):
            assert lines[1:] == [o.label.zh for o in question.options]
        if question.type == "yes_no":
            assert lines[1:] == ["是", "否"]
    out = tmp_path / "问卷.txt"
    result = runner.invoke(main, ["indicators", "questionnaire", "--pack", all_types.file, "-o", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8") == text
    again = runner.invoke(main, ["indicators", "questionnaire", "--pack", all_types.file, "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


def test_the_xlsform_writes_a_formula_looking_title_as_text(tmp_path):
    from assess.packs.xlsform import build_xlsform, xlsform_bytes

    pack = tmp_path / "p.yaml"
    pack.write_text(ALL_TYPES_PACK.replace("我信任社区党组织", "=cmd|' /C calc'!A0"), encoding="utf-8")
    book = load_workbook(io.BytesIO(xlsform_bytes(build_xlsform(load_pack(pack)))))
    cells = [c for row in book["survey"].iter_rows() for c in row if str(c.value).startswith("=cmd")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_word_questionnaire_drops_characters_a_docx_cannot_hold(tmp_path):
    import docx

    from assess.packs.questionnaire_docx import questionnaire_docx

    pack = tmp_path / "p.yaml"
    hostile = ALL_TYPES_PACK.replace("zh: 我信任社区党组织", 'zh: "我信任\\x0b社区\\x1b党组织"')
    pack.write_text(hostile, encoding="utf-8")
    loaded = load_pack(pack)
    assert any("\x0b" in q.title.zh for _, _, q in loaded.pack.questions())
    document = docx.Document(io.BytesIO(questionnaire_docx(loaded)))
    assert any("我信任社区党组织" in p.text for p in document.paragraphs)
