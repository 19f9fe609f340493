"""Control characters and XML non-characters are refused where a name or id is typed: options, prompts,
files, the same way everywhere, never a pydantic traceback or an export that fails later."""

from __future__ import annotations

import pytest

from assess.cli import main
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "old-community"
BAD = ["名\x00字", "名\x1b[31m字", "名\ufffe字", "名\uffff字", "\x7f"]


@pytest.mark.parametrize("bad", BAD)
def test_import_community_name(runner, tmp_path, bad):
    result = runner.invoke(main, ["import", str(EXAMPLE / "residents.csv"), "-o", str(tmp_path / "a.yaml"),
                                  "--community-name", bad])
    assert result.exit_code == 2 and "control character" in result.output and "--community-name" in result.output
    assert not (tmp_path / "a.yaml").exists()


@pytest.mark.parametrize("bad", BAD[:3])
def test_district_round_labels(runner, tmp_path, bad):
    for args in (["district", "score", str(tmp_path), "--round", bad],
                 ["district", "trend", str(tmp_path), "--since", bad]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "control character" in result.output, result.output


def test_fill_asks_again_for_a_name_with_a_control_character(runner, tmp_path):
    answers = tmp_path / "answers.yaml"
    typed = "坏\x1b名字\n好社区\n\n\n\n" + "\n" * 5
    result = runner.invoke(main, ["fill", "-o", str(answers)], input=typed)
    assert "control character" in result.output and "Traceback" not in result.output
    assert "好社区" in answers.read_text(encoding="utf-8") and "\x1b" not in answers.read_text(encoding="utf-8")


def test_fill_respondent_id_option_and_prompt(runner, tmp_path):
    answers = tmp_path / "answers.yaml"
    result = runner.invoke(main, ["fill", "-o", str(answers), "--respondent", "resident", "--respondent-id",
                                  "r\x00"])
    assert result.exit_code == 2 and "control character" in result.output


@pytest.mark.parametrize("bad", ["\\x1b", "\\uFFFE", "\\0"])
def test_an_answer_file_name_is_refused_at_its_line(tmp_path, bad):
    from assess.errors import ProblemsError
    from assess.responses.answer_file import load_answer_file

    text = (EXAMPLE / "answers.yaml").read_text(encoding="utf-8")
    start = text.index("  name:")
    end = text.index("\n", start)
    line = text[:start].count("\n") + 1
    (tmp_path / "a.yaml").write_text(text[:start] + f'  name: "社区{bad}"' + text[end:], encoding="utf-8")
    with pytest.raises(ProblemsError, match=rf"a.yaml:{line}: community.name: .*control character"):
        load_answer_file(tmp_path / "a.yaml")
