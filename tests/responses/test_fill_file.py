"""Nothing lost while filling: one session per file, other writers' additions merged, a full disk survived."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time

import pytest

from assess.responses.answer_file import AnswerFile, Community, RespondentEntry, dump_answer_file, load_answer_file
from assess.responses.fill_file import SessionFile, lock_path
from tests.responses.test_fill import FILL_PACK, fill


@pytest.fixture
def pack_file(write):
    return write("pack.yaml", FILL_PACK)


def waiting_session(answers, pack_file, typed: str = "阳光社区\n\n\n\n"):
    """A real `assess fill` left waiting at a question, holding the file."""
    process = subprocess.Popen([sys.executable, "-m", "assess", "fill", "-o", str(answers), "--pack", str(pack_file)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdin.write(typed)
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (answers.exists() and lock_path(answers).exists()):
        time.sleep(0.05)
    assert answers.exists(), process.stderr.read() if process.poll() is not None else "no answer file"
    return process


def test_a_second_session_on_the_same_file_says_who_holds_it_and_stops(runner, pack_file, tmp_path):
    answers = tmp_path / "答卷.yaml"
    first = waiting_session(answers, pack_file)
    try:
        before = answers.read_bytes()
        second = fill(runner, answers, pack_file, ["9"])
        assert second.exit_code == 1
        assert "另一个填写会话正在使用这份答卷" in second.output and f"进程 {first.pid}" in second.output
        assert answers.read_bytes() == before
    finally:
        first.kill()
        first.communicate(timeout=30)
    # killed, it holds nothing: the operating system released the lock with the process
    again = fill(runner, answers, pack_file, ["8", "", "", "", ""])
    assert again.exit_code == 0, again.output
    assert load_answer_file(answers).data.answers["q-meetings"] == 8


def test_a_session_ended_by_ctrl_c_releases_the_file(runner, pack_file, tmp_path):
    answers = tmp_path / "答卷.yaml"
    first = waiting_session(answers, pack_file)
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=30)
    assert fill(runner, answers, pack_file, ["8", "", "", "", ""]).exit_code == 0


def community_file(path, pack_file, **blocks) -> AnswerFile:
    data = AnswerFile(pack=str(pack_file), community=Community(name="阳光社区"), **blocks)
    path.write_text(dump_answer_file(data), encoding="utf-8")
    return load_answer_file(path).data


def test_what_another_writer_saved_meanwhile_is_kept_and_this_sessions_answers_laid_over_it(pack_file, tmp_path):
    answers = tmp_path / "答卷.yaml"
    loaded = community_file(answers, pack_file, answers={"q-meetings": 5, "q-tiers": "two"},
                            respondents=[RespondentEntry(id="R-001", answers={"q-trust": 3})])
    saver = SessionFile(answers, loaded)
    # meanwhile an import adds R-002 and someone corrects q-tiers by hand
    community_file(answers, pack_file, answers={"q-meetings": 5, "q-tiers": "three"},
                   respondents=[RespondentEntry(id="R-001", answers={"q-trust": 3}),
                                RespondentEntry(id="R-002", answers={"q-trust": 1})])
    ours = loaded.model_copy(deep=True)
    ours.answers["q-night-talks"] = True  # what this session answered
    ours.respondents[0].answers["q-trust"] = 4
    written = saver.save(ours)
    on_disk = load_answer_file(answers).data
    assert on_disk == written
    assert on_disk.answers == {"q-meetings": 5, "q-tiers": "three", "q-night-talks": True}
    assert [(r.id, r.answers) for r in on_disk.respondents] == [("R-001", {"q-trust": 4}), ("R-002", {"q-trust": 1})]
    # no change on disk since: the next save writes the session's data as it is
    written.answers["q-meetings"] = 6
    assert saver.save(written).answers["q-meetings"] == 6


def test_two_residents_filled_at_once_by_turns_both_stay(pack_file, tmp_path):
    answers = tmp_path / "答卷.yaml"
    loaded = community_file(answers, pack_file)
    a, b = SessionFile(answers, loaded), SessionFile(answers, loaded)
    mine, theirs = loaded.model_copy(deep=True), loaded.model_copy(deep=True)
    mine.respondents.append(RespondentEntry(id="R-001", answers={"q-trust": 5}))
    theirs.respondents.append(RespondentEntry(id="R-002", answers={"q-trust": 2}))
    a.save(mine)
    b.save(theirs)
    assert [r.id for r in load_answer_file(answers).data.respondents] == ["R-001", "R-002"]


def disk_full_after(monkeypatch, writes: int) -> None:
    """`os.fsync` fails with ENOSPC after `writes` successful writes, as on a full disk."""
    import assess.files

    done = {"n": 0}
    real = os.fsync

    def fsync(fd):
        done["n"] += 1
        if done["n"] > writes:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(assess.files.os, "fsync", fsync)


def test_a_full_disk_keeps_the_answer_just_typed_elsewhere_and_says_where(runner, pack_file, tmp_path, monkeypatch):
    import tempfile

    answers = tmp_path / "答卷.yaml"
    spare = tmp_path / "spare"
    spare.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spare))
    assert fill(runner, answers, pack_file, ["阳光社区", "8"]).exit_code == 130
    before = answers.read_bytes()
    disk_full_after(monkeypatch, 0)
    outcome = fill(runner, answers, pack_file, ["two"])
    assert outcome.exit_code == 1 and "Traceback" not in outcome.output
    assert "磁盘空间已满" in outcome.output and "the disk is full" in outcome.output
    kept = list(spare.glob("答卷.未保存-*.yaml"))
    assert len(kept) == 1 and str(kept[0]) in outcome.output
    assert load_answer_file(kept[0]).data.answers == {"q-meetings": 8, "q-tiers": "two"}
    assert answers.read_bytes() == before  # the file on the full disk is the last good one
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_report_on_a_full_disk_is_a_message_and_leaves_nothing(runner, tmp_path, monkeypatch):
    from assess.cli import main
    from tests.conftest import REPO

    example = REPO / "examples" / "old-community"
    disk_full_after(monkeypatch, 0)
    out = tmp_path / "报告.html"
    result = runner.invoke(main, ["report", str(example / "answers.yaml"), "--format", "html", "-o", str(out)])
    assert result.exit_code == 1 and "磁盘空间已满" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["out.yaml", "[odd] name*.yaml"])
def test_temporary_files_of_a_killed_write_are_removed_by_the_next_write(tmp_path, name):
    from assess.files import write_atomic

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".{name}.{dead.pid}.k3j2.tmp"
    live = tmp_path / f".{name}.{os.getpid()}.a1b2.tmp"  # a write of this very process, still going on
    other = tmp_path / f".other.yaml.{dead.pid}.x.tmp"
    for path in (stale, live, other):
        path.write_text("half")
    write_atomic(tmp_path / name, "whole")
    assert not stale.exists() and live.exists() and other.exists()
    assert (tmp_path / name).read_text() == "whole"
