"""A round: every community of a sub-district or district assessed at one time, on one pack.

A round is a folder with one sub-folder per community, each holding its `answers.yaml` and, if residents
were surveyed, one residents' file in any format `--respondents` reads; or a `round.yaml` manifest:

    district: {zh: 示例街道, en: Example sub-district}
    round: "2026"
    pack: core
    communities:
      - dir: 槐荫里
      - {answers: 其他/答卷.yaml, respondents: 其他/问卷星.xls}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assess.errors import AssessError
from assess.packs.yamlio import load_yaml

ANSWERS = "answers.yaml"
MANIFEST = "round.yaml"
RESIDENT_SUFFIXES = (".csv", ".xlsx", ".xls", ".zip", ".tsv", ".txt")


@dataclass(frozen=True)
class Member:
    """One community of the round: its id (the folder name), answer file and residents' file."""

    id: str
    answers: Path
    respondents: Path | None


@dataclass(frozen=True)
class Round:
    label: str
    district: str | None  # the manifest's district name in Chinese (or as given): what the round is stored under
    pack: str | None
    members: list[Member]
    district_en: str | None = None  # its English name, for English reports


def load_round(path: Path | str, label: str | None = None) -> Round:
    path = Path(path)
    if path.is_file() or (path / MANIFEST).is_file():
        return manifest_round(path if path.is_file() else path / MANIFEST, label)
    if not path.is_dir():
        raise AssessError(f"{path}: 找不到这一轮的文件夹 / no such round folder")
    members = [folder_member(sub) for sub in sorted(path.iterdir()) if sub.is_dir() and (sub / ANSWERS).is_file()]
    if not members:
        raise AssessError(
            f"{path}: 没有社区子文件夹（每个社区一个文件夹，内含 {ANSWERS}） / no community folders (one folder per "
            f"community, each holding its {ANSWERS})"
        )
    return Round(label or path.resolve().name, None, None, members)


def folder_member(folder: Path) -> Member:
    residents = [f for f in sorted(folder.iterdir()) if f.is_file() and f.suffix.lower() in RESIDENT_SUFFIXES]
    if len(residents) > 1:
        raise AssessError(
            f"{folder}: 有多个居民问卷文件（{'、'.join(f.name for f in residents)}），每个社区只能有一个 / several "
            f"residents' files ({', '.join(f.name for f in residents)}); keep one per community"
        )
    return Member(folder.name, folder / ANSWERS, residents[0] if residents else None)


def manifest_round(manifest: Path, label: str | None) -> Round:
    located = load_yaml(manifest, numbers_as_text=True)  # `round: 2025.10` is October's round, not 2025.1
    data = located.data if isinstance(located.data, dict) else {}
    base = manifest.parent
    listed = data.get("communities")
    if listed is not None and not isinstance(listed, list):
        raise AssessError(
            f"{manifest}:{located.line_of(('communities',))}: communities: 应为列表，每个社区一行，"
            "以 - dir: 文件夹 开头 / communities must be a list, one community per line starting with `- dir: FOLDER`"
        )
    members: list[Member] = []
    first_line: dict[str, int | None] = {}
    for index, entry in enumerate(listed or []):
        line = located.line_of(("communities", index))
        member = manifest_member(manifest, entry, line)
        if member.id in first_line:
            raise AssessError(
                f"{manifest}:{line}: 社区“{member.id}”重复列出（第 {first_line[member.id]} 行已有），"
                f"会被排名和计权两次 / community {member.id!r} is listed twice (first at line "
                f"{first_line[member.id]}); list it once"
            )
        first_line[member.id] = line
        members.append(member)
    if not members:
        raise AssessError(f"{manifest}: communities: 为空 / no communities listed")
    district = data.get("district")
    name = district.get("zh") if isinstance(district, dict) else (str(district) if district else None)
    english = district.get("en") if isinstance(district, dict) else None
    return Round(label or str(data.get("round") or base.resolve().name), name,
                 str(data["pack"]) if data.get("pack") else None, members, str(english) if english else None)


def manifest_member(manifest: Path, entry: object, line: int | None) -> Member:
    """One `communities:` item: `dir: FOLDER`, or `answers: FILE` (and `respondents: FILE`)."""
    base = manifest.parent
    if isinstance(entry, dict) and isinstance(entry.get("dir"), str) and entry["dir"].strip():
        folder = base / entry["dir"]
        if not folder.is_dir():
            raise AssessError(f"{manifest}:{line}: dir: {entry['dir']}: 找不到这个文件夹 / no such folder")
        return folder_member(folder)
    if isinstance(entry, dict) and isinstance(entry.get("answers"), str) and entry["answers"].strip():
        answers = base / entry["answers"]
        residents = base / str(entry["respondents"]) if entry.get("respondents") else None
        return Member(answers.parent.name if answers.name == ANSWERS else answers.stem, answers, residents)
    raise AssessError(
        f"{manifest}:{line}: 每个社区应写 dir: 文件夹，或 answers: 与 respondents: / each community needs "
        "`dir: FOLDER` or `answers: FILE` (and `respondents: FILE`)"
    )


def round_identity(path: Path | str, label: str | None = None) -> tuple[str, str]:
    """(district, label) under which the round is stored: the manifest's district ("" for a bare folder)."""
    round_ = load_round(path, label)
    return round_.district or "", round_.label
