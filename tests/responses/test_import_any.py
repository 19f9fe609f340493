"""`assess import` takes every file `--respondents` reads; `--suggest-map` / `--map` for titles typed differently."""

from __future__ import annotations

import pytest

from assess.cli import main
from assess.responses.reading import ReadOptions
from assess.scoring.score import score_file
from tests.responses.test_kobo import all_types, respondents  # noqa: F401 -- all_types is a fixture
from tests.responses.test_respondents import project_table, resident_questions, wjx_download


@pytest.fixture
def survey(all_types, tmp_path):  # noqa: F811
    people = respondents(all_types, 30, seed=11)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    return all_types, people, answers, score_file(answers, project_table(all_types, people, tmp_path / "ref.csv"))


def retitled(path, loaded):
    """The download as if someone had typed the questions into 问卷星 in their own words."""
    text = path.read_text(encoding="utf-8")
    for question in resident_questions(loaded):
        title = question.title.zh
        typed = title[:-1] if len(title) > 8 else title  # a character lost at the end of a long title
        text = text.replace(f"、{title}", f"、请问{typed}？", 1)
    path.write_text(text, encoding="utf-8")
    return path


def imported_score(runner, source, answers, loaded, tmp_path, *extra):
    out = tmp_path / "imported.yaml"
    result = runner.invoke(main, ["import", str(source), "--pack", loaded.file, "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return score_file(answers, out)


@pytest.mark.parametrize("kind", ["text", "number"])
def test_a_wjx_download_imports_to_the_same_score(kind, survey, runner, tmp_path):
    loaded, people, answers, expected = survey
    download = wjx_download(loaded, people, tmp_path / f"wjx_{kind}.xls", kind)
    assert imported_score(runner, download, answers, loaded, tmp_path) == expected


def test_a_typed_table_imports_to_the_same_score(survey, runner, tmp_path):
    loaded, people, answers, expected = survey
    typed = project_table(loaded, people, tmp_path / "录入.xlsx", "zh")
    assert imported_score(runner, typed, answers, loaded, tmp_path) == expected


def test_titles_typed_differently_go_through_a_checked_map(survey, runner, tmp_path):
    loaded, people, answers, expected = survey
    download = retitled(wjx_download(loaded, people, tmp_path / "wjx.csv", "text"), loaded)
    refused = runner.invoke(main, ["score", str(answers), "--respondents", str(download)])
    assert refused.exit_code == 1 and "最接近的题目" in refused.output
    draft = tmp_path / "map.yaml"
    made = runner.invoke(main, ["import", str(download), "--pack", loaded.file, "--suggest-map", "-o", str(draft)])
    assert made.exit_code == 0, made.output
    text = draft.read_text(encoding="utf-8")
    for question in resident_questions(loaded):
        if question.type != "multi_choice" or "┋" in text:
            assert f'"{question.id}"' in text
    assert "请核对" in text and '\n  "序号"' not in text and '# "序号": 元数据列' in text  # listed, never mapped
    assert imported_score(runner, download, answers, loaded, tmp_path, "--map", str(draft)) == expected


def test_a_map_naming_no_question_is_refused_at_its_line(survey, runner, tmp_path):
    loaded, people, _, _ = survey
    download = wjx_download(loaded, people, tmp_path / "wjx.csv", "text")
    bad = tmp_path / "map.yaml"
    bad.write_text('pack: all-types\ncolumns:\n  "1、x": q-trust\n  "2、y": q-trusst\n', encoding="utf-8")
    result = runner.invoke(main, ["import", str(download), "--pack", loaded.file, "--map", str(bad),
                                  "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 1
    assert "map.yaml:4" in result.output and "q-trusst" in result.output and "did you mean q-trust" in result.output
    assert not (tmp_path / "o.yaml").exists()


def test_kobo_only_choices_on_a_wjx_download_say_so(survey, runner, tmp_path):
    loaded, people, _, _ = survey
    download = wjx_download(loaded, people, tmp_path / "wjx.csv", "text")
    result = runner.invoke(main, ["import", str(download), "--pack", loaded.file, "--skip-bad-rows",
                                  "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 1 and "--skip-bad-rows 只用于 KoboToolbox" in result.output


def test_an_answer_file_is_not_imported_again(survey, runner, tmp_path):
    loaded, _, answers, _ = survey
    result = runner.invoke(main, ["import", str(answers), "--pack", loaded.file, "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 1 and "已是答卷文件" in result.output


def test_score_reads_through_the_map_as_well(survey, runner, tmp_path):
    loaded, people, answers, expected = survey
    download = retitled(wjx_download(loaded, people, tmp_path / "wjx.csv", "text"), loaded)
    draft = tmp_path / "map.yaml"
    runner.invoke(main, ["import", str(download), "--pack", loaded.file, "--suggest-map", "-o", str(draft)])
    result = runner.invoke(main, ["score", str(answers), "--respondents", str(download), "--map", str(draft),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    assert score_file(answers, download, reading=ReadOptions(map_file=str(draft))) == expected
