"""A round run with the command line brought into the browser: the round folder `assess district` reads
(zipped), matched to the communities of a sub-district or district by name, becomes a closed round whose
answers and residents' files are the folder's, scored and stored in the site's history like any other.
The other way, a browser round exported as a folder, is `rounds.export_round`: one history, two ways in."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assess.errors import AssessError
from assess.files import open_zip, read_member
from assess.web.answers import import_answers_yaml
from assess.web.app import Person, Refused
from assess.web.residents import check_upload, record_upload, store_upload
from assess.web.roles import ROUNDS
from assess.web.round_jobs import queue_round_job
from assess.web.rounds import close_round, member_units, open_round, visible_round
from assess.web.store import Site
from assess.web.units import Viewer

router = APIRouter(prefix="/api")


def unpack(archive_path: Path, target: Path, shown_name: str) -> Path:
    """The zip's files under `target` (bounded by `open_zip`; names that climb out are refused); the folder
    holding round.yaml or the community folders."""
    with open_zip(archive_path) as archive:
        for member in archive.infolist():
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if member.is_dir():
                continue
            if name.is_absolute() or ".." in name.parts:
                raise AssessError(f"{shown_name}: 压缩包中的路径不安全：{member.filename} / unsafe path in "
                                  "the zip")
            out = target.joinpath(*name.parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(read_member(archive, member, archive_path))
    manifests = sorted(target.rglob("round.yaml"))
    if manifests:
        return manifests[0].parent
    answers = sorted(target.rglob("answers.yaml"))
    if not answers:
        raise AssessError(f"{shown_name}: 压缩包里没有 answers.yaml / the zip holds no answers.yaml")
    return answers[0].parent.parent


def import_round(site: Site, person: Viewer, archive_path: Path, shown_name: str, unit_ref: str,
                 label: str | None) -> dict[str, Any]:
    from assess.district import load_round
    from assess.responses import load_answer_file

    if not person.can(ROUNDS):
        raise Refused(403, "您的角色不能导入评估轮次 / your role cannot import rounds")
    with tempfile.TemporaryDirectory() as folder:
        root = unpack(archive_path, Path(folder), shown_name)
        round_ = load_round(root, label)
        pack = round_.pack or "core"
        with site.read() as connection:
            communities = {u.name: u for u in member_units(connection, person.visible(), [unit_ref])}
        matched, left_out = [], []
        for member in round_.members:
            name = load_answer_file(member.answers, pack).data.community.name or member.id
            unit = communities.get(name) or communities.get(member.id)
            (matched.append((member, unit)) if unit is not None else left_out.append(name))
        if not matched:
            raise AssessError(f"{shown_name}: 没有一个社区的名称与所选单位下的社区对得上（{'、'.join(left_out)}）/ no "
                              "community of the folder matches a community of the unit chosen by name")
        with site.write() as connection:
            round_id = open_round(connection, person, round_.label, pack, [u.id for _, u in matched], 0)
            row = visible_round(connection, person.visible(), round_id)
            for member, unit in matched:
                import_answers_yaml(connection, unit, row, member.answers, person)
        for member, unit in matched:
            if member.respondents is not None:
                attach_residents(site, person, unit, round_id, member.respondents)
        with site.write() as connection:
            row = visible_round(connection, person.visible(), round_id)
            close_round(connection, row, person)
            row = visible_round(connection, person.visible(), round_id)
            job = queue_round_job(site, connection, row, "round-score", {}, person)
    return {"id": round_id, "job": job, "communities": [u.name for _, u in matched], "left_out": left_out}


def attach_residents(site: Site, person: Viewer, unit: Any, round_id: int, source: Path) -> None:
    """The community's residents' file, stored and checked as a browser upload is."""
    with open(source, "rb") as handle:
        stored, size, digest = store_upload(site.uploads, source.name, handle, site.max_upload)
    with site.read() as connection:
        row = visible_round(connection, person.visible(), round_id)
        checked = check_upload(connection, unit, row, stored, source.name, ())
    with site.write() as connection:
        record_upload(connection, unit, row, site, stored, source.name, size, digest, (), checked, person)


@router.post("/rounds/import")
async def import_post(request: Request, person: Person) -> dict[str, Any]:
    """multipart: `file` (a zipped round folder), `unit` (the sub-district's or district's path or id),
    `label` (optional: the folder's)."""
    form = await request.form()
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise Refused(422, "请选择轮次文件夹的压缩包（.zip）/ choose the round folder as a .zip (field 'file')")
    site: Site = request.app.state.site
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "round.zip"
        with open(path, "wb") as out:
            while chunk := await sent.read(1024**2):
                out.write(chunk)
        return await run_in_threadpool(import_round, site, person, path, sent.filename,
                                       str(form.get("unit") or ""), str(form.get("label") or "") or None)
