"""A round: every community of a sub-district or district assessed at one time, on one pack.

A round is a folder with one sub-folder per community, each holding its answer file (its one .yaml,
`answers.yaml` first when there are several) and, if residents were surveyed, one residents' file in any
format `--respondents` reads. What a computer leaves beside them (Office lock files `~$…`, hidden files,
Thumbs.db) is passed over; a folder that leaves its files in doubt is named with the reason and the other
communities are scored. Or the round is a `round.yaml` manifest:

    district: {zh: 示例街道, en: Example sub-district}
    round: "2026"
    pack: core
    communities:
      - dir: 槐荫里
      - {answers: 其他/答卷.yaml, respondents: 其他/问卷星.xls}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from assess.errors import AssessError, ProblemsError
from assess.packs.yamlio import load_yaml, parse_yaml

ANSWERS = "answers.yaml"
MANIFEST = "round.yaml"
ANSWER_SUFFIXES = (".yaml", ".yml")
RESIDENT_SUFFIXES = (".csv", ".xlsx", ".xls", ".zip", ".tsv")
# Files a computer leaves beside people's own: Office lock files, the Finder's and Explorer's caches.
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
HEAD_BYTES = 64 * 1024  # the community block heads an answer file; no more is read to name the district
TOP_LEVEL_BLOCK = re.compile(r"^(?:answers|respondents)\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Member:
    """One community of the round: its id (the folder name), answer file and residents' file; `problem` says
    why it cannot be scored when its folder does not say which files are its own."""

    id: str
    answers: Path
    respondents: Path | None
    problem: str | None = None


@dataclass(frozen=True)
class Round:
    label: str
    district: str | None  # the district's name in Chinese (or as given): what the round is stored under
    pack: str | None
    members: list[Member]
    district_en: str | None = None  # its English name, for English reports
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (zh, en): files of no use, left out


def load_round(path: Path | str, label: str | None = None, district: str | None = None) -> Round:
    """The round in `path` (a folder, or its `round.yaml`). The district's name is `district` when given,
    else the manifest's, else the one every answer file names (`community.street`, else `.district`)."""
    path = Path(path)
    if path.is_file() or (path / MANIFEST).is_file():
        round_ = manifest_round(path if path.is_file() else path / MANIFEST, label)
    else:
        round_ = folder_round(path, label)
    if district:
        return replace(round_, district=district, district_en=district)
    if round_.district is None:
        return replace(round_, district=named_district(round_.members))
    return round_


def folder_round(path: Path, label: str | None) -> Round:
    if not path.is_dir():
        raise AssessError(f"{path}: 找不到这一轮的文件夹 / no such round folder")
    folders = [sub for sub in sorted(path.iterdir()) if sub.is_dir() and not left_alone(sub)]
    skipped: list[tuple[str, str]] = []
    members = [folder_member(sub, skipped) for sub in folders]
    if not members:
        raise AssessError(
            f"{path}: 没有社区子文件夹（每个社区一个文件夹，内含答卷文件 {ANSWERS}） / no community folders (one "
            f"folder per community, each holding its answer file, {ANSWERS})"
        )
    return Round(label or path.resolve().name, None, None, members, skipped=skipped)


def left_alone(path: Path) -> bool:
    """Whether a file or folder is the computer's rather than the user's: hidden (`.DS_Store`, `__MACOSX`),
    an Office lock file (`~$问卷星下载.xlsx`, there while the file is open in Excel), a thumbnail cache."""
    name = path.name
    return name.startswith((".", "~$", "__MACOSX")) or name.lower() in SYSTEM_FILES


def folder_member(folder: Path, skipped: list[tuple[str, str]] | None = None) -> Member:
    """The community of a folder: its answer file is its one .yaml (`answers.yaml` first when there are
    several), its residents' file its one table. A folder that leaves either in doubt is a member with a
    `problem`, so that the round names it and scores the others; other files are listed in `skipped`."""
    if not folder.is_dir():
        return Member(folder.name, folder / ANSWERS, None, "找不到此文件夹 / no such folder")
    files = [f for f in sorted(folder.iterdir()) if f.is_file() and not left_alone(f)]
    answers = [f for f in files if f.suffix.lower() in ANSWER_SUFFIXES]
    residents = [f for f in files if f.suffix.lower() in RESIDENT_SUFFIXES or tab_text(f)]
    problems = []
    chosen = folder / ANSWERS
    if any(f.name == ANSWERS for f in answers):
        answers = [chosen]
    elif len(answers) == 1:
        chosen = answers[0]
    elif answers:
        problems.append(f"有多个 .yaml 文件（{'、'.join(f.name for f in answers)}），不知哪个是答卷；请把答卷改名为 "
                        f"{ANSWERS} / several .yaml files ({', '.join(f.name for f in answers)}); name the answer file "
                        f"{ANSWERS}")
    else:
        problems.append("文件夹中没有答卷文件（.yaml，由 assess fill 生成） / no answer file (.yaml, as assess fill "
                        "writes it) in the folder")
    if len(residents) > 1:
        problems.append(f"有多个居民问卷文件（{'、'.join(f.name for f in residents)}），每个社区只能有一个；请删去重复"
                        f"下载的那个 / several residents' files ({', '.join(f.name for f in residents)}); keep one")
    if skipped is not None:
        skipped += [(f"{folder.name}：已跳过 {f.name}（既不是答卷也不是居民问卷表）",
                     f"{folder.name}: skipped {f.name} (neither an answer file nor a residents' table)")
                    for f in files if f not in answers and f not in residents]
    return Member(folder.name, chosen, residents[0] if len(residents) == 1 else None,
                  "；".join(problems) or None)


def tab_text(path: Path) -> bool:
    """Whether a .txt file is a table (Excel's "Text (Tab delimited)"): its first line has a tab."""
    if path.suffix.lower() != ".txt":
        return False
    with path.open("rb") as handle:
        return b"\t" in handle.readline(4096)


def named_district(members: list[Member]) -> str | None:
    """The sub-district (or else the district) every answer file names, when they all name the same."""
    blocks = [community_block(m.answers) for m in members if m.problem is None]
    for key in ("street", "district"):
        names = {str(b.get(key) or "").strip() for b in blocks}
        if blocks and len(names) == 1 and "" not in names:
            return names.pop()
    return None


def community_block(path: Path) -> dict:
    """The `community:` block of an answer file, read from its head alone (its respondents may be many);
    an unreadable file gives nothing here, its problems are told when it is scored."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES).decode("utf-8", errors="ignore")
        cut = TOP_LEVEL_BLOCK.search(head)
        data = parse_yaml(head[: cut.start()] if cut else head, str(path)).data
    except (OSError, AssessError, ProblemsError):
        return {}
    block = data.get("community") if isinstance(data, dict) else None
    return block if isinstance(block, dict) else {}


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
            return Member(folder.name, folder / ANSWERS, None,
                          f"{manifest}:{line}: dir: {entry['dir']}: 找不到这个文件夹 / no such folder")
        return folder_member(folder)
    if isinstance(entry, dict) and isinstance(entry.get("answers"), str) and entry["answers"].strip():
        answers = base / entry["answers"]
        residents = base / str(entry["respondents"]) if entry.get("respondents") else None
        return Member(answers.parent.name if answers.name == ANSWERS else answers.stem, answers, residents)
    raise AssessError(
        f"{manifest}:{line}: 每个社区应写 dir: 文件夹，或 answers: 与 respondents: / each community needs "
        "`dir: FOLDER` or `answers: FILE` (and `respondents: FILE`)"
    )


def round_identity(path: Path | str, label: str | None = None, district: str | None = None) -> tuple[str, str]:
    """(district, label) under which the round is stored: its district's name as `load_round` finds it ("" when
    none is found)."""
    round_ = load_round(path, label, district)
    return round_.district or "", round_.label
