"""The district commands' work, as plain functions: score a round and store it, find the trend since an
earlier stored round, write every community's own report in parallel."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from assess.district.history import check_store, database_url, load_stored, open_history, store_league, stored_rounds
from assess.district.league import League, score_round
from assess.district.rounds import Member, load_round
from assess.district.trend import Trend, compare
from assess.errors import AssessError
from assess.files import quiet_worker
from assess.scoring.options import ScoringOptions

ROUND_SCORING = ScoringOptions(uncertainty=1000)  # a round's ranks always come with their intervals


@dataclass(frozen=True)
class RoundOptions:
    pack: str | None = None
    label: str | None = None
    scoring: ScoringOptions = ROUND_SCORING  # weights (also objective ones) and the joint draws
    rank_by: str = "score"
    strict: bool = False
    db: str | None = None
    store: bool = True
    district: str | None = None  # the district's name, over round.yaml's and the answer files'
    replace: bool = False


def score_and_store(round_path: Path, options: RoundOptions,
                    progress: Callable[[Member], None] | None = None,
                    notice: Callable[[str], None] | None = None) -> tuple[League, str | None]:
    """The round's league, stored in the history database unless `options.store` is False; and its URL.

    The database is opened, and the store checked (`check_store`), before any community is scored: a wrong
    `--db` or a round that would replace another is said at once, not after minutes of scoring."""
    round_ = load_round(round_path, options.label, options.district)
    if not options.store:
        return score(round_, options, progress), None
    url = database_url(options.db, round_path)
    with open_history(url, notice) as history:
        replaced = check_store(history, round_.district or "", round_.label, [m.id for m in round_.members],
                               options.replace)
        league = score(round_, options, progress)
        store_league(history, league, league.pack, options.replace)
    if replaced and notice is not None:
        notice(replaced)
    return league, url


def score(round_, options: RoundOptions, progress: Callable[[Member], None] | None) -> League:
    return score_round(round_, options.pack, options.scoring, options.rank_by, options.strict, progress)


def trend_since(url: str | None, league: League, since: str | None) -> Trend | None:
    """The trend from `since` (default: the district's most recently stored other round) to this round."""
    if url is None:
        return None
    district = league.round.district or ""
    with open_history(url) as history:
        if since is None:
            others = [r for r in stored_rounds(history, district) if r["label"] != league.round.label]
            if not others:
                return None
            since = others[-1]["label"]
        return compare(load_stored(history, league.round.label, district), load_stored(history, since, district))


def community_report(member: Member, out_dir: Path, stem: str, lang: str, pack: str | None,
                     force: bool) -> tuple[str, Path | None, str | None]:
    """One community's report as PDF (run in a worker process); (member id, file, problem)."""
    from assess.files import write_atomic
    from assess.report.community import report_pdf
    from assess.report.data import build_report

    try:
        data = build_report(member.answers, member.respondents, pack)
        path = out_dir / f"{stem}.{lang}.pdf"
        write_atomic(path, report_pdf(data, lang).pdf, force=force)
        return member.id, path, None
    except AssessError as exc:
        return member.id, None, str(exc)


def community_reports(round_path: Path, out_dir: Path, lang: str, pack: str | None = None, force: bool = False,
                      label: str | None = None, progress: Callable[[str, Path | None, str | None], None] | None = None,
                      workers: int | None = None) -> list[tuple[str, Path | None, str | None]]:
    """Every community's report, in parallel over the machine's cores; problems are returned, not raised."""
    from assess.files import make_folder, refuse_existing

    round_ = load_round(round_path, label)
    stems = distinct_stems(round_.members)
    planned = [out_dir / f"{stems[m.id]}.{lang}.pdf" for m in round_.members]
    refuse_existing(planned, force)
    make_folder(out_dir)
    workers = workers or min(len(round_.members), os.cpu_count() or 1)
    done = []
    with ProcessPoolExecutor(max_workers=workers, initializer=quiet_worker) as pool:
        futures = [pool.submit(community_report, m, out_dir, stems[m.id], lang, pack, force) for m in round_.members]
        for future in as_completed(futures):
            done.append(future.result())
            if progress is not None:
                progress(*done[-1])
    order = {m.id: n for n, m in enumerate(round_.members)}
    return sorted(done, key=lambda d: order[d[0]])


def distinct_stems(members: list[Member]) -> dict[str, str]:
    """A safe file name per community, from its folder name (which is unique in the round)."""
    from assess.report.demo import safe_file_stem

    stems: dict[str, str] = {}
    for n, member in enumerate(members, 1):
        stem = candidate = safe_file_stem(member.id, fallback=f"community-{n}")
        number = 2
        while candidate in stems.values():
            candidate, number = f"{stem}-{number}", number + 1
        stems[member.id] = candidate
    return stems
