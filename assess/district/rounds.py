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
    located = load_yaml(manifest)
    data = located.data if isinstance(located.data, dict) else {}
    base = manifest.parent
    members = []
    for index, entry in enumerate(data.get("communities") or []):
        line = located.line_of(("communities", index))
        if isinstance(entry, dict) and "dir" in entry:
            members.append(folder_member(base / str(entry["dir"])))
        elif isinstance(entry, dict) and "answers" in entry:
            answers = base / str(entry["answers"])
            residents = base / str(entry["respondents"]) if entry.get("respondents") else None
            members.append(Member(answers.parent.name if answers.name == ANSWERS else answers.stem, answers, residents))
        else:
            raise AssessError(
                f"{manifest}:{line}: 每个社区应写 dir: 文件夹，或 answers: 与 respondents: / each community needs "
                "`dir:` or `answers:` (and `respondents:`)"
            )
    if not members:
        raise AssessError(f"{manifest}: communities: 为空 / no communities listed")
    district = data.get("district")
    name = district.get("zh") if isinstance(district, dict) else (str(district) if district else None)
    english = district.get("en") if isinstance(district, dict) else None
    return Round(label or str(data.get("round") or base.resolve().name), name,
                 str(data["pack"]) if data.get("pack") else None, members, str(english) if english else None)


def round_identity(path: Path | str, label: str | None = None) -> tuple[str, str]:
    """(district, label) under which the round is stored: the manifest's district ("" for a bare folder)."""
    round_ = load_round(path, label)
    return round_.district or "", round_.label
