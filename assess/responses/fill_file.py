"""The answer file of a `fill` session: one session at a time, what others saved meanwhile kept, and the
answers kept when the disk is full.

Two sessions on one file used to drop each other's respondents, each rewriting the file from what it had
read. Now a session holds a lock on the file (the second one says who holds it and stops), and every save
merges: if the file changed on disk since this session last wrote it (an import, an editor), the session's
own changes -- the answers it set, by question -- are applied to what is on disk, never the whole file
written back over it.
"""

from __future__ import annotations

import getpass
import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from assess.errors import AssessError
from assess.files import DiskFull, make_folder, write_atomic
from assess.responses.answer_file import AnswerFile, RespondentEntry, dump_answer_file, load_answer_file


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextmanager
def session_lock(path: Path) -> Iterator[None]:
    """Hold `path` for this session. The lock is the operating system's (flock), so it ends with the
    process however it ends -- a killed session never leaves the file locked."""
    try:
        import fcntl
    except ImportError:  # not on this platform: sessions are not kept apart there
        yield
        return
    make_folder(path.parent)
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise AssessError(f"{path}: 无法在此处填写（{exc.strerror}） / cannot fill a file here: "
                          f"{exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 400).decode("utf-8", "replace").strip() or "?"
            raise AssessError(
                f"{path}: 另一个填写会话正在使用这份答卷（{holder}）；请等它结束后再运行，或填写另一个文件 / another "
                f"fill session is using this answer file ({holder}); run again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, holder_text().encode("utf-8"))
        yield
    finally:
        os.close(fd)


def holder_text() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    started = f"{datetime.now():%Y-%m-%d %H:%M}"
    return f"{user}@{socket.gethostname()}，进程 {os.getpid()}，{started} 开始 / pid {os.getpid()}, since {started}"


class SessionFile:
    """Saves a session's answer file: merged with what another writer saved since, and kept elsewhere when
    the disk is full (the message says where)."""

    def __init__(self, path: Path, loaded: AnswerFile | None):
        self.path = Path(path)
        self.last = loaded.model_copy(deep=True) if loaded is not None else None
        self.stamp = file_stamp(self.path)

    def save(self, data: AnswerFile) -> AnswerFile:
        """Write `data` (or, if the file changed on disk meanwhile, the file on disk with this session's
        changes applied) and return what was written, which the session goes on from."""
        if self.last is not None and file_stamp(self.path) != self.stamp and self.path.exists():
            try:
                data = merged(load_answer_file(self.path).data, self.last, data)
            except AssessError as changed:
                kept = rescued(self.path, data)
                raise AssessError(f"{changed}\n{self.path}: 答卷在填写期间被改动，现已无法读取 / the answer file was "
                                  f"changed meanwhile and cannot be read now\n{kept}") from None
        text = dump_answer_file(data)
        try:
            write_atomic(self.path, text, force=True)
        except DiskFull as full:
            raise AssessError(f"{full}\n{rescued(self.path, data)}") from None
        self.last = data.model_copy(deep=True)
        self.stamp = file_stamp(self.path)
        return data


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def merged(theirs: AnswerFile, before: AnswerFile, ours: AnswerFile) -> AnswerFile:
    """The file on disk with what this session changed since `before` laid over it, answer by answer."""
    result = theirs.model_copy(deep=True)
    if ours.community != before.community:
        result.community = ours.community
    apply_changes(result.answers, before.answers, ours.answers)
    earlier = {r.id: r for r in before.respondents}
    on_disk = {r.id: r for r in result.respondents}
    for person in ours.respondents:
        was = earlier.get(person.id)
        if was is not None and was.answers == person.answers:
            continue
        target = on_disk.get(person.id)
        if target is None:
            target = RespondentEntry(id=person.id, groups=person.groups)
            result.respondents.append(target)
        apply_changes(target.answers, was.answers if was else {}, person.answers)
    return result


def apply_changes(target: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> None:
    for key in after.keys() | before.keys():
        if key not in after:
            target.pop(key, None)
        elif before.get(key, object()) != after[key]:
            target[key] = after[key]


def rescued(path: Path, data: AnswerFile) -> str:
    """Where the answers went when `path`'s disk is full: a file in the temporary folder (often another
    disk), its pack named so that it reads there too; failing that, the terminal."""
    pack_file = path.parent / data.pack
    if pack_file.is_file():
        data = data.model_copy(update={"pack": str(pack_file.resolve())})
    text = dump_answer_file(data)
    spare = Path(tempfile.gettempdir()) / f"{path.stem}.未保存-{datetime.now():%Y%m%d-%H%M%S}.yaml"
    try:
        spare.write_text(text, encoding="utf-8")
    except OSError:
        return ("也无法另存，全部答案如下，请复制保存 / nothing could be saved elsewhere either; the answers follow, "
                f"copy them:\n{text}")
    return (f"全部答案（含刚才这一题）已另存到 {spare}；腾出磁盘空间后，把它复制为 {path} 再继续填写 / every answer, "
            f"the last one included, was saved to {spare}; free some space, copy it to {path} and continue")
