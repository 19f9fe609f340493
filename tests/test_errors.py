import pickle

from assess.errors import AssessError, Problem, ProblemsError


def test_problems_survive_the_trip_from_a_worker_process():
    """Reports and district rounds run in worker processes; their errors come back pickled."""
    error = ProblemsError([Problem("b.yaml", 3, "weight", "须为数字"), Problem("a.yaml", None, "", "空文件")])
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is ProblemsError
    assert back.problems == error.problems
    assert str(back) == str(error) == "a.yaml: 空文件\nb.yaml:3: weight: 须为数字"


def test_a_plain_error_keeps_its_message():
    back = pickle.loads(pickle.dumps(AssessError("x.csv: 第 3 行 / row 3")))
    assert str(back) == "x.csv: 第 3 行 / row 3"
