"""A survey with thousands of columns of no question is read in bounded work: the costly "did you mean" is
looked for only for the problems a message shows, and a column is compared in full only with the titles it
could be alike. The tests count the calls, not the seconds (a slow machine must not fail them)."""

from __future__ import annotations

import pytest

from assess.errors import SHOWN_PER_FILE, ProblemsError
from assess.responses import kobo, residents_csv, titles, wjx
from assess.responses.reading import ReadOptions
from assess.responses.respondents import read_respondents
from tests.responses.test_kobo import all_types  # noqa: F401 -- a fixture
from tests.responses.test_respondents import WJX_META, resident_questions, write_table

WIDE = 2_000


def counting(monkeypatch, module, name: str, calls: list, when=lambda *a, **k: True):
    real = getattr(module, name)

    def counted(*args, **kwargs):
        if when(*args, **kwargs):
            calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)


def refused(path, loaded, strict: bool) -> ProblemsError:
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(path, loaded, options=ReadOptions(strict=strict)))
    return caught.value


def test_mistyped_questions_get_their_suggestions_only_where_shown(all_types, tmp_path, monkeypatch):  # noqa: F811
    question = resident_questions(all_types)[0]
    header = ["respondent_id", *(f"{question.title.zh}{n}" for n in range(WIDE))]  # each near the title
    path = write_table(tmp_path / "wide.csv", header, [["r1", *[""] * WIDE]])
    suggested: list = []
    counting(monkeypatch, residents_csv, "unknown_question_message", suggested, lambda *a: a[2])
    error = refused(path, all_types, strict=False)
    assert len(error.problems) == WIDE and 0 < len(suggested) <= SHOWN_PER_FILE
    lines = str(error).splitlines()
    assert len(lines) == SHOWN_PER_FILE + 1 and lines[-1].endswith(f"{WIDE - SHOWN_PER_FILE} more problems not shown")


def test_columns_unlike_any_title_are_not_compared_in_full(all_types, tmp_path, monkeypatch):  # noqa: F811
    question = resident_questions(all_types)[0]
    header = ["respondent_id", question.id, *(f"附加信息第{n}项" for n in range(WIDE))]
    path = write_table(tmp_path / "wide.csv", header, [["r1", "", *[""] * WIDE]])
    compared: list = []
    counting(monkeypatch, titles, "similarity", compared)
    people = list(read_respondents(path, all_types))
    assert len(people) == 1 and len(compared) < WIDE  # not one per column and title


def test_a_wjx_download_under_strict_looks_for_closest_titles_only_where_shown(all_types, tmp_path, monkeypatch):  # noqa: F811
    question = resident_questions(all_types)[0]
    header = [*WJX_META, f"1、{question.title.zh}", *(f"{n + 2}、附加信息第{n}项" for n in range(WIDE))]
    path = write_table(tmp_path / "wide.csv", header, [[1, "", "", "", "", "", "", *[""] * WIDE]])
    closest: list = []
    counting(monkeypatch, wjx.TitleIndex, "closest", closest)
    error = refused(path, all_types, strict=True)
    assert len(error.problems) == WIDE and len(closest) <= SHOWN_PER_FILE


def test_a_kobo_export_under_strict_looks_for_spellings_only_where_shown(all_types, tmp_path, monkeypatch):  # noqa: F811
    question = resident_questions(all_types)[0]
    header = ["_uuid", question.id, *(f"{question.id}_{n}" for n in range(WIDE))]
    path = write_table(tmp_path / "wide.csv", header, [["u1", "", *[""] * WIDE]])
    suggested: list = []
    counting(monkeypatch, kobo.difflib, "get_close_matches", suggested)
    error = refused(path, all_types, strict=True)
    assert len(error.problems) == WIDE and 0 < len(suggested) <= SHOWN_PER_FILE
    assert "did you mean" in str(error).splitlines()[0]
