"""Numbers in answer files are read as written, by the same rules as a CSV cell: `075` is 75 (not octal 61),
`1:30` is refused with how to write hours (not 90, YAML 1.1's sexagesimal), `0x32` is refused (not 50)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.errors import ProblemsError
from assess.packs.loading import load_pack
from assess.packs.yamlio import load_yaml
from assess.responses.answer_file import load_answer_file
from assess.responses.respondents import read_respondents

DATA = Path(__file__).parents[1] / "data" / "answers"
LOADED = load_pack(DATA / "pack.yaml")

READ = {"075": 75, "010": 10, "0": 0, "+7": 7, "1.50": 1.5, "2.": 2.0, ".5": 0.5, "1e2": 100.0, "0012.5": 12.5}
REFUSED = ["1:30", "0x32", "0o17", "0b101", "1_000", "12:30:00", "-0x1"]


@pytest.mark.parametrize(("written", "value"), READ.items())
def test_yaml_reads_plain_numbers_as_a_csv_cell_would(write, written, value):
    data = load_yaml(write("n.yaml", f"n: {written}\n")).data
    assert data["n"] == value and type(data["n"]) is type(value)


@pytest.mark.parametrize("written", REFUSED)
def test_other_yaml_1_1_number_forms_stay_text(write, written):
    assert load_yaml(write("n.yaml", f"n: {written}\n")).data["n"] == written


def test_special_floats_and_quoted_numbers(write):
    data = load_yaml(write("n.yaml", "a: .inf\nb: -.Inf\nc: '075'\nd: true\ne: ~\nf: 2026-01-31\n")).data
    assert data["a"] == float("inf") and data["b"] == float("-inf") and data["c"] == "075"
    assert data["d"] is True and data["e"] is None and str(data["f"]) == "2026-01-31"


def test_an_explicit_hex_int_is_refused_at_its_line(write):
    with pytest.raises(ProblemsError, match=r"n.yaml:2: n:"):
        load_yaml(write("n.yaml", "m: 1\nn: !!int 0x32\n"))


def test_numbers_as_text_keeps_what_was_written(write):
    located = load_yaml(write("m.yaml", "round: 2025.10\ndir: 010\nq: '7'\n"), numbers_as_text=True)
    assert located.data == {"round": "2025.10", "dir": "010", "q": "7"}
    assert load_yaml(write("m.yaml", "round: 2025.10\ndir: 010\nq: '7'\n")).data["round"] == 2025.1


def answers_and_csv(write, values: list[tuple[str, str]]) -> tuple[dict, dict, list[str], list[str]]:
    """The same party members' answers to q-app-users (a number) and q-trust (a 1-5 scale), once in an answer
    file and once in a CSV: {id: answers} read from each, and the ids of the rows refused by each."""
    write("pack.yaml", (DATA / "pack.yaml").read_text(encoding="utf-8"))
    people = "".join(f"  - id: p{n}\n    answers: {{q-app-users: {users}, q-trust: {trust}}}\n"
                     for n, (users, trust) in enumerate(values))
    body = f"pack: pack.yaml\ncommunity: {{name: 测试社区}}\nanswers: {{}}\nrespondents:\n{people}"
    rows = "".join(f"p{n},{users},{trust}\n" for n, (users, trust) in enumerate(values))
    csv_path = write("members.csv", "respondent_id,q-app-users,q-trust\n" + rows)
    refused_yaml: list[str] = []
    refused_csv: list[str] = []
    try:
        from_yaml = {r.id: r.answers for r in load_answer_file(write("answers.yaml", body)).data.respondents}
    except ProblemsError as exc:
        from_yaml = {}
        refused_yaml = sorted({p.field.split("[")[1].split("]")[0] for p in exc.problems})
    try:
        from_csv = {r.id: r.answers for r in read_respondents(csv_path, LOADED)}
    except ProblemsError as exc:
        from_csv = {}
        refused_csv = sorted({f"p{p.line - 2}" for p in exc.problems})  # line 2 is p0's
    return from_yaml, from_csv, refused_yaml, refused_csv


def test_an_answer_file_and_a_csv_give_the_same_answers(write):
    written = [("075", "04"), ("010", "+3"), ("4", "5.0"), ("04", "4"), ("+3", "1"), ("1.0", "2"), ("1e2", "3")]
    from_yaml, from_csv, _, _ = answers_and_csv(write, written)
    assert from_yaml == from_csv
    assert from_yaml["p0"]["q-app-users"] == 75 and from_yaml["p1"]["q-app-users"] == 10
    assert from_yaml["p3"] == {"q-app-users": 4, "q-trust": 4} and from_yaml["p0"]["q-trust"] == 4


@pytest.mark.parametrize("value", ["1:30", "0x32", "0o17", "1_000"])
def test_an_answer_file_and_a_csv_refuse_the_same_values(write, value):
    from_yaml, from_csv, refused_yaml, refused_csv = answers_and_csv(write, [("3", "3"), (value, "4"), ("5", value)])
    assert from_yaml == from_csv == {}
    assert refused_yaml == ["p1", "p2"]
    assert refused_csv == ["p1", "p2"]


def test_hours_written_as_a_clock_are_refused_with_how_to_write_them(write):
    write("pack.yaml", (DATA / "pack.yaml").read_text(encoding="utf-8"))
    body = "pack: pack.yaml\ncommunity: {name: 测试社区}\nanswers:\n  q-hours: 1:30\n  q-count: 0x0A\n"
    with pytest.raises(ProblemsError) as refused:
        load_answer_file(write("answers.yaml", body))
    text = str(refused.value)
    assert "answers.yaml:4: answers.q-hours" in text and "write hours as a number, e.g. 1.5" in text
    assert "answers.yaml:5: answers.q-count" in text and "0x0A" in text
