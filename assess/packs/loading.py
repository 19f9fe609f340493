"""Loading a pack by id or path, inheritance resolved: the one entry point the later stages use.

`load_pack` gives a `LoadedPack`: the validated pack, its file, the parent chain of `extends`, the hash
that results record, and the countermeasure libraries the pack brings along. `validate_files` checks many
pack files at once for `assess indicators validate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.building import pack_hash, pack_path
from assess.packs.model import Pack


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack  # resolved: a pack that `extends` another arrives with its parent's content applied
    file: str
    hash: str
    parents: tuple[str, ...] = ()  # the `extends` chain as "id@version", nearest parent first
    libraries: tuple[Path, ...] = ()  # countermeasure files the chain names (`countermeasures:`), root's first


def load_pack(ref: str | Path | None = None) -> LoadedPack:
    """The pack `ref` names. A pack read before in this process is given again while none of its files
    has changed (same size and modification time), so scoring a round of many communities reads it once."""
    from assess.packs.inherit import resolve_file

    path = pack_path(ref)
    known = _LOADED.get(str(path))
    if known is not None and known[1] == stamps(known[2]):
        return known[0]
    resolved = resolve_file(path)
    loaded = LoadedPack(
        pack=resolved.pack, file=str(path), hash=pack_hash(resolved.pack), parents=resolved.parents,
        libraries=resolved.libraries,
    )
    _LOADED[str(path)] = (loaded, stamps(resolved.files), resolved.files)
    return loaded


_LOADED: dict[str, tuple[LoadedPack, tuple, tuple[Path, ...]]] = {}


def stamps(files: tuple[Path, ...]) -> tuple:
    """(size, mtime_ns) of every file, None for one that is gone."""
    found = []
    for file in files:
        try:
            info = file.stat()
            found.append((info.st_size, info.st_mtime_ns))
        except OSError:
            found.append(None)
    return tuple(found)


def validate_files(paths: list[Path]) -> list[Problem]:
    """Every problem of every file (a pack that `extends` another is checked with its chain resolved).

    A parent's problem is listed once even when the parent and its children are all given.
    """
    from assess.packs.inherit import resolve_file

    problems: list[Problem] = []
    seen: set[Problem] = set()
    for path in paths:
        try:
            resolve_file(Path(path))
        except ProblemsError as exc:
            fresh = [p for p in exc.problems if p not in seen]
            problems.extend(fresh)
            seen.update(fresh)
        except AssessError as exc:
            problems.append(Problem(str(path), None, "", str(exc).removeprefix(f"{path}: ")))
    return problems
