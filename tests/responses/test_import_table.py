"""`assess import` writes the residents as a table beside the answer file, which every reader takes back."""

from __future__ import annotations

import json

from assess.cli import main
from assess.responses.answer_file import AnswerFile, Community, dump_answer_file, load_answer_file
from assess.responses.importing import with_residents_table
from assess.responses.respondents import read_respondents
from tests.responses.test_kobo import all_types, form_questions, respondents, write_export  # noqa: F401
from tests.responses.test_respondents import project_table


def imported(runner, export, loaded, out, *extra):
    result = runner.invoke(main, ["import", str(export), "--pack", loaded.file, "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result


def test_import_writes_the_residents_as_a_table_beside_the_answer_file(all_types, runner, tmp_path):  # noqa: F811
    people = respondents(all_types, 30, seed=2)
    export = write_export(tmp_path / "export.csv", "kobo-csv-semicolon", form_questions(all_types), people)
    out = tmp_path / "居民答卷.yaml"
    result = imported(runner, export, all_types, out)
    table = tmp_path / "居民答卷.residents.csv"
    assert f"{table}: 已写入居民问卷表" in result.stderr
    assert load_answer_file(out).data.respondents_table == table.name
    assert list(read_respondents(out, all_types)) == people


def test_the_residents_table_keeps_every_answer_an_empty_choice_and_odd_text_included(all_types, tmp_path):  # noqa: F811
    people = respondents(all_types, 30, seed=2)
    people[0].answers["q-help-kinds"] = []  # answered, nothing chosen
    people[1].answers["q-say"] = '她说："楼道灯坏了，\n请修"'  # quotes, a comma and a line break in a text answer
    answers, table = with_residents_table(AnswerFile(pack=all_types.file, community=Community(name="x"),
                                                     respondents=people), all_types.pack, "r.csv")
    (tmp_path / "r.csv").write_bytes(table)
    (tmp_path / "a.yaml").write_text(dump_answer_file(answers), encoding="utf-8")
    assert list(read_respondents(tmp_path / "a.yaml", all_types)) == people


def test_an_imported_answer_file_scores_with_its_table_as_answers_or_as_respondents(all_types, runner, tmp_path):  # noqa: F811
    people = respondents(all_types, 30, seed=4)
    reference = project_table(all_types, people, tmp_path / "reference.csv")
    out = tmp_path / "imported.yaml"
    imported(runner, reference, all_types, out)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: imported}}\n", encoding="utf-8")
    expected = json.loads(runner.invoke(main, ["score", str(answers), "--respondents", str(reference),
                                               "--format", "json"]).stdout)
    as_respondents = json.loads(runner.invoke(main, ["score", str(answers), "--respondents", str(out),
                                                     "--format", "json"]).stdout)
    as_answers = json.loads(runner.invoke(main, ["score", str(out), "--format", "json"]).stdout)
    assert as_respondents == expected
    assert as_answers["overall"] == expected["overall"] and as_answers["respondents"] == 30
    both = runner.invoke(main, ["score", str(out), "--respondents", str(reference)])
    assert both.exit_code == 1 and "已带居民问卷表 imported.residents.csv" in both.output


def test_import_refuses_to_overwrite_a_residents_table(all_types, runner, tmp_path):  # noqa: F811
    reference = project_table(all_types, respondents(all_types, 5, seed=1), tmp_path / "reference.csv")
    (tmp_path / "out.residents.csv").write_text("keep me", encoding="utf-8")
    result = runner.invoke(main, ["import", str(reference), "--pack", all_types.file, "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1 and "--force" in result.output
    assert (tmp_path / "out.residents.csv").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "out.yaml").exists()
