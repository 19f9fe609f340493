"""Writing the user's files: atomic, never overwriting without --force, with a normal file mode."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from assess.cli import main
from assess.errors import AssessError
from assess.files import write_atomic
from tests.conftest import REPO


def test_write_atomic_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "out.txt"
    write_atomic(target, "first")
    with pytest.raises(AssessError, match="already exists; use --force"):
        write_atomic(target, "second")
    assert target.read_text() == "first"
    write_atomic(target, "second", force=True)
    assert target.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left behind


def test_write_atomic_gives_a_normal_file_mode(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "report.html", "<p>")
    finally:
        os.umask(umask)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644


def test_write_atomic_explains_an_unusable_place(tmp_path):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(AssessError, match="cannot write here"):
        write_atomic(tmp_path / "a-file" / "out.pdf", "x")
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(AssessError, match="not a regular file"):
        write_atomic(tmp_path / "a-folder", "x", force=True)


def test_an_output_into_folders_that_do_not_exist_says_which_it_created(runner, tmp_path):
    from assess.cli import main

    out = tmp_path / "2026年" / "录入表" / "居民问卷录入表.xlsx"
    result = runner.invoke(main, ["indicators", "template", "-o", str(out)])
    assert result.exit_code == 0 and out.is_file()
    assert f"已新建文件夹 {tmp_path / '2026年'} / created the folder {tmp_path / '2026年'}" in result.stderr
    again = runner.invoke(main, ["indicators", "template", "-o", str(out.with_name("第二份.xlsx"))])
    assert "已新建文件夹" not in again.stderr  # said once, when made


def test_a_failed_write_other_than_a_full_disk_is_a_message_too(tmp_path, monkeypatch):
    import errno

    import assess.files

    def fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(assess.files.os, "fsync", fsync)
    with pytest.raises(AssessError, match="写入失败 / the write failed: Input/output error"):
        write_atomic(tmp_path / "out.txt", "x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["score", "{f}"], ["analyze", "{f}"], ["report", "{f}", "-o", "{o}"], ["ahp", "{f}"],
    ["recommend", "{a}", "--library", "{f}"], ["indicators", "validate", "{f}"], ["indicators", "diff", "{f}", "{f}"],
    ["score", "{a}", "--pack", "{f}"],
])
def test_a_folder_where_a_yaml_file_belongs_is_a_message(runner, tmp_path, command):
    folder = tmp_path / "答卷.yaml"
    folder.mkdir()
    answers = REPO / "examples" / "old-community" / "answers.yaml"
    args = [a.format(f=folder, a=answers, o=tmp_path / "r.pdf") for a in command]
    result = runner.invoke(main, args)
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit | None)
    assert "is a folder, expected a file" in result.output and "Traceback" not in result.output


def test_a_folder_named_by_extends_is_a_message(tmp_path):
    from assess.errors import AssessError
    from assess.packs.loading import load_pack

    (tmp_path / "parent.yaml").mkdir()
    (tmp_path / "pack.yaml").write_text(
        "extends: parent.yaml\nid: child\nversion: \"1\"\ntitle: {zh: 子, en: child}\n", encoding="utf-8")
    with pytest.raises(AssessError, match="is a folder"):
        load_pack(tmp_path / "pack.yaml")


POOL_THAT_WAITS = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from assess.files import quiet_worker

with ProcessPoolExecutor(max_workers=2, initializer=quiet_worker) as pool:
    futures = [pool.submit(time.sleep, 60) for _ in range(2)]
    time.sleep(1.5)
    print(" ".join(str(pid) for pid in pool._processes), flush=True)
    time.sleep(60)
"""


def test_a_pools_workers_end_when_its_parent_is_killed(tmp_path):
    """A district server's worker killed mid-report must not leave its report processes behind."""
    import signal
    import subprocess
    import time

    with subprocess.Popen([sys.executable, "-c", POOL_THAT_WAITS], stdout=subprocess.PIPE, text=True) as parent:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        left = [pid for pid in workers if _alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
