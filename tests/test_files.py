"""Writing the user's files: atomic, never overwriting without --force, with a normal file mode."""

from __future__ import annotations

import pytest

from assess.errors import AssessError
from assess.files import write_atomic


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
