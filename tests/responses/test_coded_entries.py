"""Respondents read one at a time reach scoring as the columnar reader's blocks: every answer decodes back to
the canonical value the entry held, and the scores equal those of the entries, bit for bit."""

from __future__ import annotations

from assess.responses import CodedRows, entry_blocks
from assess.responses.coded_entries import BLOCK_ROWS
from assess.responses.columnar import TEXT_VALUE
from assess.responses.respondents import fold_residents
from assess.scoring.score import score_file
from tests.responses.test_columnar import big_csv, row_by_row
from tests.responses.test_kobo import all_types, respondents  # noqa: F401 -- all_types is a fixture


def test_every_answer_decodes_to_the_entry_s_canonical_value(all_types):  # noqa: F811
    people = respondents(all_types, BLOCK_ROWS + 10, seed=5)
    types = {q.id: q.type for _, _, q in all_types.pack.questions()}
    blocks = list(entry_blocks(people, all_types.pack))
    assert [b.rows for b in blocks] == [BLOCK_ROWS, 10] and blocks[1].people == people[BLOCK_ROWS:]
    start = 0
    for block in blocks:
        for qid, codes, values in block.columns:
            for person, code in zip(people[start:start + block.rows], codes.tolist(), strict=True):
                given = person.answers.get(qid)
                expected = None if given is None else TEXT_VALUE if types[qid] == "text" else given
                assert (None if code < 0 else values[code]) == expected
        start += block.rows
    assert any(types[qid] == "multi_choice" for qid, _, _ in blocks[0].columns)


def test_a_file_read_row_by_row_reaches_the_fold_as_blocks_and_scores_the_same(all_types, tmp_path,  # noqa: F811
                                                                               monkeypatch):
    people = respondents(all_types, 300, seed=9)
    path = big_csv(all_types, tmp_path / "residents.csv", people)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    by_column = score_file(answers, path)
    row_by_row(monkeypatch)
    seen, _ = fold_residents(path, all_types, {}, lambda blocks: [type(b) for b in blocks])
    assert set(seen) == {CodedRows}
    assert score_file(answers, path) == by_column
