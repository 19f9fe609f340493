"""Large CSVs are read by column; the result is exactly the row-by-row result, and so are the messages."""

from __future__ import annotations

import csv

import pytest

from assess.errors import AssessError
from assess.responses import columnar
from assess.responses.respondents import columnar_ready, opened_table
from assess.scoring.score import score_file
from tests.responses.test_kobo import all_types, cell, respondents  # noqa: F401 -- all_types is a fixture
from tests.responses.test_respondents import resident_questions

ROWS = 9_000  # over two of the collector's blocks of 4,096


def big_csv(loaded, path, people, extra_rows=()):
    questions = resident_questions(loaded)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent_id", *(q.title.zh if n % 2 else q.id for n, q in enumerate(questions))])
        for n, person in enumerate(people):
            writer.writerow([person.id, *(cell(q, person.answers.get(q.id)) for q in questions)])
            if n == 100:
                writer.writerow([""] * (len(questions) + 1))  # a blank row, skipped by both readers
                writer.writerow([" "] * (len(questions) + 1))
        for row in extra_rows:
            writer.writerow(row)
    return path


@pytest.fixture
def survey(all_types, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(columnar, "COLUMNAR_MIN_BYTES", 0)
    people = respondents(all_types, ROWS, seed=3)
    for n, person in enumerate(people[:50]):
        for q in resident_questions(all_types):
            if q.type == "text":
                person.answers[q.id] = f"第{n}条意见,\n含逗号和换行"  # quoted cells across lines
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    return all_types, people, answers


def row_by_row(monkeypatch):
    monkeypatch.setattr(columnar, "claims", lambda table: False)


def test_the_columnar_reader_takes_a_large_csv_and_scores_it_exactly(survey, tmp_path, monkeypatch):
    loaded, people, answers = survey
    path = big_csv(loaded, tmp_path / "big.csv", people)
    assert columnar_ready(opened_table(path))
    used = []
    real = columnar.coded_respondents
    monkeypatch.setattr("assess.responses.columnar.coded_respondents",
                        lambda *a: used.append(1) or real(*a))
    fast = score_file(answers, path)
    assert used and fast.respondents == ROWS
    row_by_row(monkeypatch)
    assert score_file(answers, path) == fast


@pytest.mark.parametrize("bad", ["cell", "duplicate id", "empty id", "ragged row", "latin-1 byte"])
def test_a_problem_anywhere_gives_the_row_by_row_messages(bad, survey, tmp_path, monkeypatch):
    loaded, people, answers = survey
    questions = resident_questions(loaded)
    good = [people[0].id, *(cell(q, people[0].answers.get(q.id)) for q in questions)]
    extra = {
        "cell": [["late", *["9"] * len(questions)]],
        "duplicate id": [good],
        "empty id": [["", *good[1:]]],
        "ragged row": [[*good[:1], "x", *good[1:]]],
        "latin-1 byte": [],
    }[bad]
    path = big_csv(loaded, tmp_path / "big.csv", people, extra)
    if bad == "latin-1 byte":
        path.write_bytes(path.read_bytes() + b"late,\xe9\n")
    with pytest.raises(AssessError) as fast:
        score_file(answers, path)
    row_by_row(monkeypatch)
    with pytest.raises(AssessError) as slow:
        score_file(answers, path)
    assert str(fast.value) == str(slow.value) and (bad == "latin-1 byte" or fast.value.problems)


def test_a_large_workbook_is_read_by_column_to_the_same_score(survey, tmp_path, monkeypatch):
    from openpyxl import Workbook

    loaded, people, answers = survey
    source = big_csv(loaded, tmp_path / "big.csv", people)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with source.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle)):
            sheet.append(row if n == 0 else [int(c) if c.isdigit() else c for c in row])
    path = tmp_path / "big.xlsx"
    book.save(path)
    table = opened_table(path)
    assert columnar_ready(table) and table.kind == "xlsx"
    fast = score_file(answers, path)
    row_by_row(monkeypatch)
    assert score_file(answers, path) == fast
    assert fast == score_file(answers, source)


def test_a_small_csv_is_coded_by_column_too_with_its_layout_worked_out_once(all_types, tmp_path, monkeypatch):  # noqa: F811
    """A district round reads hundreds of small CSVs of one header: each is coded by column (from Python's csv
    rows, no pyarrow), to the row-by-row score, and the header's layout is worked out once for the pack."""
    from assess.responses import residents_csv

    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    files = [big_csv(all_types, tmp_path / f"small{n}.csv", respondents(all_types, 120, seed=n)) for n in range(3)]
    assert all(path.stat().st_size < columnar.COLUMNAR_MIN_BYTES for path in files)
    coded, worked_out = [], []
    real_coded, real_layout = columnar.coded_respondents, residents_csv.worked_out_layout
    monkeypatch.setattr(columnar, "coded_respondents", lambda *a: coded.append(1) or real_coded(*a))
    monkeypatch.setattr(residents_csv, "worked_out_layout", lambda *a: worked_out.append(1) or real_layout(*a))
    residents_csv.LAYOUTS.clear()
    fast = [score_file(answers, path) for path in files]
    assert len(coded) == 3 and len(worked_out) == 1
    row_by_row(monkeypatch)
    assert [score_file(answers, path) for path in files] == fast


def test_a_small_gbk_csv_with_a_bad_cell_gives_the_row_by_row_message(all_types, tmp_path, monkeypatch):  # noqa: F811
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    questions = resident_questions(all_types)
    path = big_csv(all_types, tmp_path / "small.csv", respondents(all_types, 30, seed=1),
                   [["late", *["9"] * len(questions)]])
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(AssessError) as fast:
        score_file(answers, path)
    row_by_row(monkeypatch)
    with pytest.raises(AssessError) as slow:
        score_file(answers, path)
    assert str(fast.value) == str(slow.value) and fast.value.problems
