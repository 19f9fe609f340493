"""A round's long work, run by the report workers: scoring a closed round, its district report, and every
community's report. Each is a job row on the round's owner unit (so only those who see that unit see it),
with progress and messages like a community's report."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from assess.errors import AssessError
from assess.files import write_atomic
from assess.web.accounts import audit_event
from assess.web.queue import after_commit
from assess.web.rounds import load_scope, score_closed_round, store_league_json
from assess.web.store import Site, as_json, jobs, now

FORMATS = {"district": ("pdf", "html"), "communities": ("zip",), "workbook": ("xlsx",)}
JOB_KINDS = {"district": "district-report", "communities": "community-reports", "workbook": "workbook"}


def queue_round_job(site: Site, connection, round_row: Any, kind: str, params: dict[str, Any], who: Any) -> int:
    job_id = connection.execute(insert(jobs).values(
        kind=kind, unit_id=round_row.unit_id, round_id=round_row.id, params=as_json(params),
        input_hash=f"{kind}:{round_row.id}:{now()}", state="queued", progress=0.0, messages="[]", who=who.user_id,
        created_at=now())).inserted_primary_key[0]
    audit_event(connection, who.name, kind, {"job": job_id, "round": round_row.id, **params}, round_row.unit_id)
    after_commit(connection, job_id, site)
    return job_id


def order_round_report(site: Site, connection, round_row: Any, kind: str, lang: str, fmt: str | None, who: Any) -> int:
    """A district report (`kind` district, pdf or html) or every community's report (a zip of PDFs)."""
    if kind not in FORMATS or lang not in ("zh", "en"):
        raise AssessError("kind 应为 district、communities 或 workbook，lang 为 zh 或 en / kind must be district, "
                          "communities or workbook, lang zh or en")
    fmt = fmt or FORMATS[kind][0]
    if fmt not in FORMATS[kind]:
        raise AssessError(f"格式应为 {' 或 '.join(FORMATS[kind])} / format must be {' or '.join(FORMATS[kind])}")
    if round_row.closed_at is None:
        raise AssessError("请先结束这一轮再生成报告 / close the round before ordering its reports")
    return queue_round_job(site, connection, round_row, JOB_KINDS[kind], {"lang": lang, "format": fmt}, who)


def run_round_job(site: Site, job: Any, note) -> None:
    """Run one of a round's jobs; `note(site, job_id, progress, message, **values)` records its progress."""
    params = json.loads(job.params)
    name = {"round-score": run_score, "district-report": run_district_report, "workbook": run_workbook,
            "community-reports": run_community_reports}[job.kind](site, job, params, note)
    note(site, job.id, 1.0, "已完成 / done", state="done", output=name, finished_at=now())


def run_score(site: Site, job: Any, params: dict, note) -> str | None:
    note(site, job.id, 0.1, "正在计分、排名并存入历史数据库 / scoring, ranking and storing in the history database")
    league, _ = score_closed_round(site, job.round_id, params.get("uncertainty", 1000))
    store_league_json(site, job.round_id, league)
    return None


def run_district_report(site: Site, job: Any, params: dict, note) -> str:
    from assess.district import build_district_report, district_html, district_pdf, trend_since
    from assess.web.store import history_url

    note(site, job.id, 0.1, "正在计分和排名 / scoring and ranking")
    league, _ = score_closed_round(site, job.round_id)
    store_league_json(site, job.round_id, league)
    note(site, job.id, 0.5, "正在排版 / laying out the report")
    report = build_district_report(league, trend_since(history_url(site), league, None))
    content: str | bytes = (district_html(report, params["lang"]) if params["format"] == "html"
                            else district_pdf(report, params["lang"]).pdf)
    name = f"round-{job.round_id}-district-{job.id}.{params['format']}"
    write_atomic(site.reports / name, content, force=True)
    return name


def run_workbook(site: Site, job: Any, params: dict, note) -> str:
    """The workbook `assess district score --format xlsx` writes: league, dimensions, indicators, trend."""
    from assess.district import league_workbook, trend_since
    from assess.web.store import history_url

    note(site, job.id, 0.1, "正在计分和排名 / scoring and ranking")
    league, _ = score_closed_round(site, job.round_id)
    name = f"round-{job.round_id}-workbook-{job.id}.xlsx"
    write_atomic(site.reports / name, league_workbook(league, params["lang"], trend_since(history_url(site), league,
                                                                                          None)), force=True)
    return name


def run_community_reports(site: Site, job: Any, params: dict, note) -> str:
    """Every community's report, as `assess district reports` writes them, in one zip."""
    from assess.district import community_reports, load_round
    from assess.web.rounds import export_round

    row = load_scope(site, job.round_id)
    with tempfile.TemporaryDirectory() as folder:
        manifest = Path(folder) / "round" / "round.yaml"
        with site.read() as connection:
            export_round(site, connection, row, manifest.parent)
        total = len(load_round(manifest).members)
        done: list[str] = []

        def shown(member: str, path: Path | None, problem: str | None) -> None:
            done.append(member)
            note(site, job.id, 0.05 + 0.9 * len(done) / total, f"{member}: {problem or '已完成 / done'}")

        results = community_reports(manifest, Path(folder) / "reports", params["lang"], row.pack, workers=1,
                                    progress=shown)
        name = f"round-{job.round_id}-communities-{job.id}.zip"
        part = site.reports / f"{name}.part"
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
            for _member, path, _problem in results:
                if path is not None:
                    archive.write(path, path.name)
        part.replace(site.reports / name)
    return name
