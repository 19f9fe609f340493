"""The demo's sub-district: twelve FICTIONAL communities over two rounds, their district report and workbook.

The communities' latent levels are drawn from a fixed seed, so every run writes the same files; between the
rounds each community moves a little, and three of them work on their weakest dimension, so the trend
section has real and not-real changes to show. Nothing here is real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

from assess.district.report import district_pdf
from assess.district.report_data import build_district_report
from assess.district.workbook import league_workbook
from assess.district.workflow import RoundOptions, score_and_store, trend_since
from assess.files import refuse_existing, write_atomic
from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.responses.answer_file import AnswerFile, Community, dump_answer_file
from assess.responses.fictional import Profile, clamp, committee_answers, residents_csv

SEED = 20261202
DISTRICT = "示例街道（虚构）"
FOLDER = "示例街道"
ROUNDS = (("2025", date(2025, 10, 15)), ("2026", date(2026, 10, 15)))
NAMES = ("桂香里", "东湖", "北门", "新华", "滨河", "望江", "梧桐", "石桥", "向阳", "春晖", "翠竹", "长乐")
KINDS = ("老旧小区", "商品房小区", "单位社区", "村改居/安置社区", "老旧小区", "商品房小区")
RESPONDENTS = (36, 70)
HEADER = "# FICTIONAL community of the assess demo sub-district -- not real data. 虚构示例数据。\n"


def profiles(pack: Pack, rng: random.Random) -> list[Profile]:
    """The first round: each community has its own general level and its own strong and weak dimensions."""
    made = []
    for n, name in enumerate(NAMES):
        base = rng.uniform(0.35, 0.75)
        dims = {d.id: clamp(base + rng.gauss(0, 0.15), 0.1, 0.95) for d in pack.dimensions}
        community = Community(name=f"{name}社区（虚构示例）", district="青石区（虚构）", street=DISTRICT,
                              city="示例市", type=KINDS[n % len(KINDS)], population=rng.randrange(3000, 15000, 100))
        made.append(Profile(name, community, rng.randint(*RESPONDENTS), dims))
    return made


def next_round(profiles_: list[Profile], rng: random.Random) -> list[Profile]:
    """A year later: small drifts everywhere, and every fourth community lifts its weakest dimension."""
    moved = []
    for n, profile in enumerate(profiles_):
        dims = {d: clamp(v + rng.gauss(0.01, 0.03), 0.05, 0.97) for d, v in profile.dimensions.items()}
        if n % 4 == 0:
            weakest = min(dims, key=dims.get)
            dims[weakest] = clamp(dims[weakest] + 0.25, 0.05, 0.97)
        moved.append(Profile(profile.folder, profile.community, profile.respondents, dims))
    return moved


def round_files(pack: Pack, profiles_: list[Profile], label: str, on: date, seed: int) -> dict[str, str]:
    """A round's files: a manifest naming the district, and each community's answers and residents."""
    files = {"round.yaml": (f"# FICTIONAL round of the assess demo. 虚构示例。\ndistrict: {{zh: {DISTRICT}, "
                            f"en: Example sub-district (fictional)}}\nround: \"{label}\"\npack: core\ncommunities:\n"
                            + "".join(f"  - dir: {p.folder}\n" for p in profiles_))}
    for n, profile in enumerate(profiles_):
        rng = random.Random(seed + n)
        answers = AnswerFile(pack=pack.id, community=profile.community, assessed_on=on,
                             answers=committee_answers(pack, profile, rng, {}))
        files[f"{profile.folder}/answers.yaml"] = HEADER + dump_answer_file(answers)
        files[f"{profile.folder}/residents.csv"] = residents_csv(pack, profile, rng)
    return files


def planned(out_dir: Path) -> list[Path]:
    """The district report in both languages and the workbook."""
    base = out_dir / FOLDER
    return [base / f"{FOLDER}-{ROUNDS[-1][0]}.{lang}.pdf" for lang in ("zh", "en")] + [
        base / f"{FOLDER}-{ROUNDS[-1][0]}.xlsx"]


def guarded(out_dir: Path) -> list[Path]:
    """What may not exist unless overwriting is asked for: the outputs and the first round's manifest."""
    return [*planned(out_dir), out_dir / FOLDER / ROUNDS[0][0] / "round.yaml"]


def run_district_demo(out_dir: Path, force: bool = False,
                      progress: Callable[[Path], None] = lambda path: None) -> list[Path]:
    """Write both rounds, score and store them, and write the last round's district report and workbook."""
    base = out_dir / FOLDER
    refuse_existing(guarded(out_dir), force)
    pack = load_pack("core").pack
    rng = random.Random(SEED)
    current = profiles(pack, rng)
    league = url = None
    for number, (label, on) in enumerate(ROUNDS):
        if number:
            current = next_round(current, rng)
        for relative, text in round_files(pack, current, label, on, SEED + 100 * number).items():
            write_atomic(base / label / relative, text.encode("utf-8"), force=True)
        league, url = score_and_store(base / label, RoundOptions(db=str(base / "assess-history.db")))
    report = build_district_report(league, trend_since(url, league, ROUNDS[0][0]))
    written = []
    for path, lang in zip(planned(out_dir)[:2], ("zh", "en"), strict=True):
        write_atomic(path, district_pdf(report, lang).pdf, force=force)
        written.append(path)
        progress(path)
    write_atomic(planned(out_dir)[2], league_workbook(league, "zh", report.trend), force=force)
    progress(planned(out_dir)[2])
    return [*written, planned(out_dir)[2]]
