"""Reading and writing the user's files safely: bounded reads, atomic writes, nothing overwritten by accident.

Every stage reads packs, answers and exports and writes reports and answer files; the rules for doing so
live here once: a read is refused past a size limit before it starts, a write goes to a temporary file that
is renamed into place (a crash never leaves half a file), and an existing file is only replaced with
`--force`.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from assess.errors import AssessError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 1024**3  # what the members of an .xlsx or .zip may expand to, checked before reading
MAX_ZIP_RATIO = 200  # spreadsheets compress 5-20x; far more is a zip bomb


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` of them. A pipe, a device (/dev/zero) or a folder is refused
    before anything is read: the file is opened without blocking and checked on its open descriptor, so
    neither a FIFO with no writer nor a link swapped after a check can hang or flood the command."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise AssessError(f"{name}: 找不到文件 / file not found") from None
    except IsADirectoryError:
        raise AssessError(f"{name}: 这是文件夹，需要的是文件 / is a folder, expected a file") from None
    except OSError as exc:
        raise AssessError(f"{name}: 无法读取文件 / cannot read the file: {exc.strerror}") from None
    info = os.fstat(fd)  # before fdopen, which raises IsADirectoryError on a folder's descriptor
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise AssessError(f"{name}: 这是文件夹，需要的是文件 / is a folder, expected a file")
        raise AssessError(f"{name}: 不是普通文件（设备或管道） / not a regular file (a device or a pipe)")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise AssessError(
                f"{name}: 文件过大（{info.st_size / 1048576:.1f} MiB，上限 {limit // 1048576} MiB） / "
                f"file is {info.st_size / 1048576:.1f} MiB, over the {limit // 1048576} MiB limit"
            )
        raw = handle.read(limit + 1)
    if len(raw) > limit:  # it grew while being read
        raise AssessError(f"{name}: 文件过大（上限 {limit // 1048576} MiB） / over the {limit // 1048576} MiB limit")
    return raw


def open_zip(path: Path, source: IO[bytes] | None = None) -> zipfile.ZipFile:
    """A zip archive (an .xlsx is one) whose members are bounded before anything is unpacked: a file that
    is not a zip, a broken one, or one that would expand to far more than a spreadsheet could (a zip bomb of
    sheet XML or shared strings) is a message, not a traceback or gigabytes of memory."""
    try:
        archive = zipfile.ZipFile(source if source is not None else path)
        members = archive.infolist()
    except BROKEN_ZIP as exc:
        raise broken_zip(path, exc) from None
    expanded = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if expanded > MAX_UNZIPPED_BYTES or expanded / packed > MAX_ZIP_RATIO and expanded > 10 * 1024**2:
        archive.close()
        raise AssessError(
            f"{path}: 解压后过大（{expanded / 1024**2:.0f} MiB，压缩比 {expanded / packed:.0f}），拒绝读取 "
            f"/ unpacks to {expanded / 1024**2:.0f} MiB ({expanded / packed:.0f}× its size); refused as a zip bomb"
        )
    return archive


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, path: Path) -> bytes:
    """A member of an archive opened by `open_zip`, unpacked; damaged data (a bad checksum, a broken deflate
    stream) is a message, not a traceback."""
    try:
        return archive.read(member)
    except BROKEN_ZIP as exc:
        raise broken_zip(path, exc) from None


BROKEN_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError)


def broken_zip(path: Path, exc: Exception) -> AssessError:
    return AssessError(f"{path}: 不是完整的 ZIP/XLSX 文件 / not a readable zip or xlsx file ({exc})")


def zip_without_clock(data: bytes, rewrite: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """The same zip (a .docx, an .xlsx) with every member dated 1980-01-01, the zip format's first day, so
    that the same content gives the same bytes whenever it is written; `rewrite` may change a member."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            fixed = zipfile.ZipInfo(member.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, member.external_attr
            content = source.read(member)
            target.writestr(fixed, rewrite(member.filename, content) if rewrite else content)
    return out.getvalue()


def source_date(environ: Mapping[str, str] = os.environ) -> datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, if set: the moment reproducible outputs (PDF, xlsx) record instead
    of the clock's."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise AssessError(
            f"SOURCE_DATE_EPOCH 须为自 1970 年起的整秒数 / SOURCE_DATE_EPOCH must be whole seconds since 1970 "
            f"(got {epoch!r})"
        ) from None


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """A file's text, refusing what cannot be a hand-written data file (not regular, too large, not UTF-8,
    empty)."""
    name = str(path)
    raw = read_regular(Path(path), limit)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssessError(
            f"{name}: 文件不是 UTF-8 编码（第 {exc.start} 字节），请另存为 UTF-8 / "
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise AssessError(f"{name}: 文件为空 / the file is empty")
    return text


class DiskFull(AssessError):
    """A write that failed for want of space: the old file is untouched, and a caller holding answers in
    memory (fill) can save them elsewhere."""


def write_atomic(path: Path, content: str | bytes, *, force: bool = False) -> None:
    """Write `content` to `path` via a temporary file and rename, so a crash never leaves half a file.

    An existing file is only replaced with `force=True`: the user's work is never overwritten by accident.
    The temporary file is named after the process (`.NAME.PID.XXXX.tmp`), so one left by a killed run is
    recognised and removed by the next write of the same file. A folder that does not exist is made, and
    remembered in `created_folders` for the command line to name.
    """
    path = Path(path)
    refuse_existing([path], force)
    if path.exists() and not path.is_file():
        raise AssessError(f"{path}: 不是普通文件，不能写入 / not a regular file (a folder or a device); choose a file")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        make_folder(path.parent)
        remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise AssessError(
            f"{path}: 无法在此处写入文件 / cannot write here: {exc.strerror or exc}; choose another folder"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _new_file_mode())  # mkstemp makes 0600; a report is a normal file others may read
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(f"{path}: 磁盘空间已满，未能写入（原有文件未改动） / the disk is full; nothing was written "
                           "(an existing file is unchanged)") from None
        raise AssessError(f"{path}: 写入失败 / the write failed: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


created_folders: list[Path] = []  # folders made for outputs in this process, for the command line to name


def make_folder(folder: Path) -> None:
    """`folder` and its missing parents; the topmost one made is remembered in `created_folders`."""
    folder = Path(folder)
    if folder.is_dir():
        return
    missing = folder
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent
    folder.mkdir(parents=True, exist_ok=True)
    created_folders.append(missing)


def remove_stale_temporaries(path: Path) -> None:
    """Temporary files of earlier writes of `path` whose process is gone (killed mid-write)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = stale.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            stale.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def refuse_existing(paths: list[Path], force: bool) -> None:
    """Stop before any work when an output would overwrite a user's file and `--force` was not given."""
    existing = [p for p in paths if Path(p).exists()]
    if existing and not force:
        listed = ", ".join(str(p) for p in existing[:3]) + (" ..." if len(existing) > 3 else "")
        raise AssessError(f"{listed}: 文件已存在，如需覆盖请加 --force / already exists; use --force to overwrite")


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def quiet_worker() -> None:
    """The initializer of every process pool. Ctrl-C reaches every process of the terminal's process group,
    and a worker would print its own KeyboardInterrupt traceback: here SIGINT ends it at once and silently,
    and the command says it was interrupted. Files are written atomically, so a worker ended mid-write
    leaves no half file (its temporary file is removed by the next write of the same file).

    A pool's parent killed outright (a district server's worker stopped with SIGKILL mid-report) would
    leave its workers waiting forever on a queue nobody feeds: on Linux each worker asks the kernel to end
    it when its parent dies, and ends at once if that has already happened."""
    import signal

    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    _end_with_parent()


def _end_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:
        os._exit(1)
