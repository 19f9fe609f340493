"""Answer files and residents' CSV: accepted spellings, canonical values, and every problem located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.errors import AssessError, ProblemsError
from assess.packs.loading import load_pack
from assess.responses.answer_file import AnswerFile, Community, RespondentEntry, dump_answer_file, load_answer_file
from assess.responses.respondents import read_respondents
from assess.responses.values import AnswerValueError, coerce_answer
from tests.strategies import answer_value

DATA = Path(__file__).parents[1] / "data" / "answers"
LOADED = load_pack(DATA / "pack.yaml")
PACK = LOADED.pack
Q = {q.id: q for _, _, q in PACK.questions()}


# -- coerce_answer, type by type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "raw", "expected"),
    [
        ("q-likert", 4, 4),
        ("q-likert", "4", 4),
        ("q-likert", " 3 ", 3),
        ("q-likert", 5.0, 5),
        ("q-yes", True, True),
        ("q-yes", "yes", True),
        ("q-yes", "No", False),
        ("q-yes", "是", True),
        ("q-yes", "否", False),
        ("q-yes", "FALSE", False),
        ("q-choice", "most", "most"),
        ("q-choice", " few ", "few"),
        ("q-multi", ["patrol", "visit"], ["patrol", "visit"]),
        ("q-multi", "patrol  clean", ["patrol", "clean"]),
        ("q-multi", [], []),
        ("q-hours", 13, 13),
        ("q-hours", "13.5", 13.5),
        ("q-hours", 0.5, 0.5),
        ("q-hours", "1e3", 1000.0),
        ("q-count", "12", 12),
        ("q-count", 7.0, 7),
        ("q-note", " 每周一次 ", "每周一次"),
        ("q-note", 2020, "2020"),
    ],
)
def test_coerce_accepts_the_documented_spellings(qid, raw, expected):
    value = coerce_answer(Q[qid], raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("qid", sorted(Q))
@pytest.mark.parametrize("raw", [None, "", "   "])
def test_missing_or_blank_is_unanswered(qid, raw):
    assert coerce_answer(Q[qid], raw) is None


@pytest.mark.parametrize(
    ("qid", "raw", "says"),
    [
        ("q-likert", 6, ["应为 1–5 之间的整数", "must be a whole number from 1 to 5", "got 6"]),
        ("q-likert", 0, ["from 1 to 5"]),
        ("q-likert", 3.5, ["whole number"]),
        ("q-likert", True, ["whole number"]),
        ("q-likert", "很好", ["whole number"]),
        ("q-likert", [4], ["whole number"]),
        ("q-yes", 1, ["是/否", "yes or no"]),
        ("q-yes", "maybe", ["yes or no", "'maybe'"]),
        ("q-choice", "mots", ["没有选项", "'mots' is not an option", "allowed: all, most, few", "did you mean 'most'"]),
        ("q-choice", 2, ["is not an option"]),
        ("q-choice", ["most"], ["one option id"]),
        ("q-choice", True, ["one option id"]),
        ("q-multi", ["patrol", "swim"], ["'swim' is not an option"]),
        ("q-multi", "patrol patrol", ["listed twice"]),
        ("q-multi", 5, ["list of option ids"]),
        ("q-multi", [None], ["option ids"]),
        ("q-hours", -1, ["超出范围", "out of range (≥ 0)"]),
        ("q-hours", "abc", ["应为数字", "must be a number"]),
        ("q-hours", float("nan"), ["must be a number"]),
        ("q-hours", "inf", ["must be a number"]),
        ("q-hours", False, ["must be a number"]),
        ("q-count", 3.5, ["应为整数", "whole number"]),
        ("q-note", True, ["must be text"]),
        ("q-note", ["a"], ["must be text"]),
    ],
)
def test_coerce_refuses_with_what_is_allowed(qid, raw, says):
    with pytest.raises(AnswerValueError) as caught:
        coerce_answer(Q[qid], raw)
    assert isinstance(caught.value, AssessError)
    for part in says:
        assert part in str(caught.value)


# -- the answer file ----------------------------------------------------------------------------------


def answer_file(write, body: str, name: str = "answers.yaml") -> Path:
    """An answer file next to a copy of the test pack, so `pack: pack.yaml` resolves beside it."""
    write("pack.yaml", (DATA / "pack.yaml").read_text(encoding="utf-8"))
    return write(name, body)


def test_golden_file_loads_with_canonical_values():
    loaded = load_answer_file(DATA / "golden.yaml")
    data = loaded.data
    assert loaded.pack.pack.id == "golden"
    assert data.community.name == "示范社区"
    assert data.assessed_on == dt.date(2026, 11, 1)
    assert data.answers["q-multi"] == ["patrol", "clean", "visit"]
    assert data.answers["q-yes"] is True
    assert [r.id for r in data.respondents] == ["r001", "r002"]
    assert data.respondents[1].answers == {"q-likert-rev": 4, "q-trust": 3}


def test_pack_path_is_relative_to_the_answer_file_not_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_answer_file(DATA / "golden.yaml").pack.file == str(DATA / "pack.yaml")


def test_pack_option_overrides_the_file(write):
    path = write("a.yaml", "pack: missing.yaml\ncommunity: {name: X}\nanswers: {q-likert: 2}\n")
    loaded = load_answer_file(path, pack_ref=DATA / "pack.yaml")
    assert loaded.data.answers == {"q-likert": 2}


def test_null_answer_is_kept_as_unanswered(write):
    path = answer_file(write, "pack: pack.yaml\ncommunity: {name: X}\nanswers: {q-likert: null, q-yes: 否}\n")
    assert load_answer_file(path).data.answers == {"q-likert": None, "q-yes": False}


def test_every_problem_is_listed_with_line_and_field(write):
    path = answer_file(
        write,
        """\
        pack: pack.yaml
        community: {name: X}
        answers:
          q-likrt: 4
          lead-org: 3
          q-likert: 7
          q-yes: 3
          q-choice: mots
        respondents:
          - id: r001
            answers: {q-trust: 9}
          - id: r001
            answers:
              q-multi: [patrol, swim]
        """,
    )
    with pytest.raises(ProblemsError) as caught:
        load_answer_file(path)
    found = {(p.line, p.field): p.message for p in caught.value.problems}
    assert set(found) == {
        (4, "answers.q-likrt"),
        (5, "answers.lead-org"),
        (6, "answers.q-likert"),
        (7, "answers.q-yes"),
        (8, "answers.q-choice"),
        (11, "respondents[r001].answers.q-trust"),
        (12, "respondents.1.id"),
        (14, "respondents[r001].answers.q-multi"),
    }
    assert "did you mean q-likert" in found[4, "answers.q-likrt"]
    assert "is an indicator, not a question" in found[5, "answers.lead-org"]
    assert "from 1 to 5" in found[6, "answers.q-likert"]
    assert "yes or no" in found[7, "answers.q-yes"]
    assert "did you mean 'most'" in found[8, "answers.q-choice"]
    assert "duplicate respondent id 'r001' (first used at line 10)" in found[12, "respondents.1.id"]
    assert "'swim' is not an option" in found[14, "respondents[r001].answers.q-multi"]
    assert all(p.file == str(path) for p in caught.value.problems)


def test_structure_problems_are_listed_with_value_problems(write):
    path = answer_file(
        write,
        """\
        pack: pack.yaml
        community: {city: 常德}
        answer: {q-likert: 4}
        respondents:
          - id: r1
            answers: {q-trust: 0}
        """,
    )
    with pytest.raises(ProblemsError) as caught:
        load_answer_file(path)
    fields = {(p.line, p.field) for p in caught.value.problems}
    assert fields == {(2, "community.name"), (3, "answer"), (6, "respondents[r1].answers.q-trust")}


def test_unknown_pack_is_a_problem_at_its_line(write):
    path = write("a.yaml", "community: {name: X}\npack: nowhere.yaml\n")
    with pytest.raises(ProblemsError) as caught:
        load_answer_file(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (2, "pack")
    assert "no such pack file" in problem.message


def test_a_file_that_is_not_a_mapping_is_refused(write):
    with pytest.raises(ProblemsError, match="must be a mapping"):
        load_answer_file(write("a.yaml", "- 1\n- 2\n"))


def test_dump_reads_back_identically(tmp_path):
    data = load_answer_file(DATA / "golden.yaml").data.model_copy(update={"pack": str(DATA / "pack.yaml")})
    path = tmp_path / "again.yaml"
    path.write_text(dump_answer_file(data), encoding="utf-8")
    assert load_answer_file(path).data == data


def test_dump_keeps_a_natural_key_order_and_chinese_readable():
    text = dump_answer_file(load_answer_file(DATA / "golden.yaml").data)
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "-"))]
    assert keys == ["pack", "community", "assessed_on", "answers", "respondents"]
    assert "示范社区" in text


answers_strategy = st.fixed_dictionaries({}, optional={qid: answer_value(q) | st.none() for qid, q in Q.items()})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=answers_strategy,
    respondents=st.lists(answers_strategy, max_size=4),
    name=st.text(min_size=1).map(str.strip).filter(lambda s: s and s.isprintable()),
)
def test_dump_round_trips_any_canonical_answers(tmp_path, answers, respondents, name):
    data = AnswerFile(
        pack=str(DATA / "pack.yaml"),
        community=Community(name=name, population=8000),
        answers=answers,
        respondents=[RespondentEntry(id=f"r{n}", answers=a) for n, a in enumerate(respondents)],
    )
    path = tmp_path / "round.yaml"
    path.write_text(dump_answer_file(data), encoding="utf-8")
    assert load_answer_file(path).data == data


# -- residents' CSV -----------------------------------------------------------------------------------


def test_csv_rows_become_respondents_with_canonical_values():
    entries = list(read_respondents(DATA / "residents.csv", LOADED))
    assert [(e.id, e.answers) for e in entries] == [
        ("c001", {"q-likert-rev": 1, "q-trust": 5, "q-trust-2": 5}),
        ("c002", {"q-likert-rev": 5, "q-trust-2": 1}),
    ]


def test_csv_without_id_column_numbers_rows_and_reads_xlsform_multi_choice(write):
    path = write("r.csv", "\ufeffq-multi,q-yes,q-note\npatrol visit,是,\n,,\n\nclean,false,好\n")
    entries = list(read_respondents(path, LOADED))
    assert [(e.id, e.answers) for e in entries] == [
        ("row-2", {"q-multi": ["patrol", "visit"], "q-yes": True}),
        ("row-5", {"q-multi": ["clean"], "q-yes": False, "q-note": "好"}),
    ]


def test_csv_unknown_column_fails_before_any_row(write):
    path = write("r.csv", "respondent_id,q-trst,q-trust,q-trust\nc1,4,4,4\n")
    rows = read_respondents(path, LOADED)
    with pytest.raises(ProblemsError) as caught:
        next(rows)
    found = {(p.line, p.field): p.message for p in caught.value.problems}
    assert set(found) == {(1, "q-trst"), (1, "q-trust")}
    assert "did you mean q-trust" in found[1, "q-trst"]
    assert "appears twice" in found[1, "q-trust"]


def test_csv_bad_rows_are_all_reported_after_the_stream(write):
    path = write(
        "r.csv",
        "respondent_id,q-trust,q-choice\nc1,4,most\nc2,6,most\nc3,3,mots\nc4,2,few,extra\n,1,all\nc1,5,all\n",
    )
    seen = []
    with pytest.raises(ProblemsError) as caught:
        for entry in read_respondents(path, LOADED):
            seen.append(entry.id)
    assert seen == ["c1", "c1"]  # valid rows stream on; the caller publishes nothing because of the error
    found = {(p.line, p.field): p.message for p in caught.value.problems}
    assert set(found) == {
        (3, "q-trust"),
        (4, "q-choice"),
        (5, ""),
        (6, "respondent_id"),
        (7, "respondent_id"),
    }
    assert "from 1 to 5, got '6'" in found[3, "q-trust"]
    assert "did you mean 'most'" in found[4, "q-choice"]
    assert "4 cells but the header has 3" in found[5, ""]
    assert "empty respondent id" in found[6, "respondent_id"]
    assert "duplicate respondent id 'c1' (first used in row 2)" in found[7, "respondent_id"]


def test_csv_problem_list_is_capped_but_counted(write):
    rows = "".join(f"c{n},9\n" for n in range(250))
    path = write("r.csv", "respondent_id,q-trust\n" + rows)
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(path, LOADED))
    problems = caught.value.problems
    assert len(problems) == 200
    # one count of the unshown, which adds up: 50 shown + 200 not shown = the 250 bad rows
    lines = str(caught.value).splitlines()
    assert len(lines) == 51 and lines[-1].endswith("200 more problems not shown")
    assert "more problem(s)" not in str(caught.value)


def test_csv_missing_or_empty_file(write, tmp_path):
    with pytest.raises(AssessError, match="file not found"):
        list(read_respondents(tmp_path / "none.csv", LOADED))
    with pytest.raises(AssessError, match="empty"):
        list(read_respondents(write("e.csv", ""), LOADED))



def test_the_readme_example_is_a_valid_answer_file(write):
    readme = (Path(__file__).parents[2] / "docs" / "reference.md").read_text(encoding="utf-8")
    section = readme.split("## Answer files", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    data = load_answer_file(write("example.yaml", example)).data
    assert data.answers["q-channels-exist"] == ["residents-meeting", "night-talks"]
    assert data.answers["q-major-matters-first"] is True
    assert data.respondents[0].answers["q-know-party-group"] == 5


def test_an_unknown_community_type_names_its_line_and_the_known_types_with_their_aliases(write):
    readme = (Path(__file__).parents[2] / "docs" / "reference.md").read_text(encoding="utf-8")
    example = readme.split("## Answer files", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = write("typed.yaml", example.replace("type: 老旧小区", "type: 老社区"))
    with pytest.raises(ProblemsError) as refused:
        load_answer_file(path)
    line = 1 + example.splitlines().index(next(x for x in example.splitlines() if "type: 老旧小区" in x))
    message = str(refused.value)
    assert f"typed.yaml:{line}: community.type: 没有这种社区类型 “老社区”，可填：老旧小区（也可写 老旧社区、老小区）" \
        in message
    assert "村改居/安置社区（也可写 村改居" in message and "Old estate" in message
    for alias in ("老小区", "old estate", "old-estate", "单位大院"):
        assert load_answer_file(write("alias.yaml", example.replace("type: 老旧小区", f"type: {alias}"))).data


def test_csv_saved_as_gbk_is_read_and_a_broken_one_is_a_message_not_a_traceback(write):
    gbk = write("gbk.csv", "respondent_id,q-note\nc1,很好\n".encode("gbk"))  # Excel's "CSV" on Chinese Windows
    assert [(e.id, e.answers) for e in read_respondents(gbk, LOADED)] == [("c1", {"q-note": "很好"})]
    huge = write("huge.csv", "respondent_id,q-note\nc1,ok\nc2," + "长" * 200_000 + "\n")
    with pytest.raises(AssessError, match=r"huge.csv:3: .*not a readable CSV row.*field larger than field limit"):
        list(read_respondents(huge, LOADED))


def test_unknown_top_level_field_names_the_allowed_ones(write):
    path = answer_file(write, "pack: pack.yaml\ncommunity: {name: X}\nanswer: {q-likert: 4}\n")
    with pytest.raises(ProblemsError) as caught:
        load_answer_file(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (3, "answer")
    assert "answers" in problem.message and "respondents" in problem.message


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30"])
def test_an_impossible_date_is_a_problem_at_its_line(write, day):
    body = f"pack: pack.yaml\ncommunity: {{name: X}}\nassessed_on: {day}\nanswers: {{q-yes: true}}\n"
    path = answer_file(write, body)
    with pytest.raises(ProblemsError) as caught:
        load_answer_file(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 3, "assessed_on")
    assert f"不是有效日期 / not a valid date: {day}" in problem.message


def test_every_bad_item_of_a_multi_choice_answer_is_reported():
    with pytest.raises(AnswerValueError) as caught:
        coerce_answer(Q["q-multi"], ["nope", "patrol", "patro", "patrol", True])
    message = str(caught.value)
    assert "'nope' is not an option" in message
    assert "'patro' is not an option (allowed: patrol, clean, visit); did you mean 'patrol'?" in message
    assert "option 'patrol' is listed twice" in message
    assert "must be option ids (allowed: patrol, clean, visit), got True" in message


def test_a_non_utf8_csv_is_reported_at_the_row_of_the_bad_byte(write):
    # The encoding is told from the file's first 64 KiB; a byte beyond that which does not fit is named.
    rows = "respondent_id,q-note\n" + "".join(f"c{n},ok\n" for n in range(10_000))
    late = write("late.csv", rows.encode("utf-8") + "c-last,很好\n".encode("gbk"))
    with pytest.raises(AssessError, match=r"late.csv:10002: 文件不是 UTF-8 编码.*not UTF-8 text"):
        list(read_respondents(late, LOADED))
    early = write("early.csv", b"respondent_id,q-note\nc1,ok\nc2,\xff\xfe\nc3,ok\n")  # neither UTF-8 nor GBK
    with pytest.raises(AssessError, match=r"early.csv:3: 既不是 UTF-8 也不是 GBK/GB18030"):
        list(read_respondents(early, LOADED))


def test_a_csv_of_blank_lines_is_refused_as_having_no_header(write):
    with pytest.raises(AssessError, match=r"blank.csv:1: .*row 1 is empty: the first row must be the header"):
        list(read_respondents(write("blank.csv", "\n\n\n"), LOADED))


def test_a_number_too_large_for_any_answer_is_refused_not_crashed(write):
    answers = write("a.yaml", "community: {name: a}\nanswers: {q-training-hours: " + "9" * 400 + "}\n")
    with pytest.raises(ProblemsError, match="answers.q-training-hours: 应为数字"):
        load_answer_file(answers, "core")


@pytest.mark.parametrize("text", ["٣", "2_4", "1_000", "١٢", "²", "nan", "inf", "0x10", "1e", "--3", "३"])
def test_numbers_are_written_in_plain_digits_only(text):
    from assess.responses.values import number_value, whole_number

    assert number_value(text) is None and whole_number(text) is None


@pytest.mark.parametrize(("text", "value"), [("１２", 12), ("１２.５", 12.5), (" 7 ", 7), ("+3", 3), ("-2.5", -2.5),
                                             (".5", 0.5), ("1e3", 1000.0)])
def test_plain_and_full_width_numbers_are_read(text, value):
    from assess.responses.values import number_value

    assert number_value(text) == value
