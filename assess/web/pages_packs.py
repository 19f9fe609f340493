"""Indicator packs for rounds: a district's own pack uploaded, checked as `assess indicators validate`
checks it (every problem with its file and line), compared with another pack as `assess indicators diff`
does, and then offered when a round is opened. The file is kept under `packs/` in the data folder; a
round names it by that path, so its answer files and the exported round folder name the same pack.

A pack with companion files (its own countermeasure library, a parent it `extends` by path) is sent as a
zip of YAML files, bounded in size and count; the pack is the one top-level file that declares
`dimensions:` or `extends:`, and the folder is kept whole so its includes resolve as on the command line."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import insert, select
from starlette.datastructures import UploadFile

from assess.errors import AssessError, shown_lines
from assess.files import open_zip, read_member, write_atomic
from assess.web.access import FORBIDDEN
from assess.web.accounts import audit_event
from assess.web.app import Person, Refused, render
from assess.web.residents import safe_file_name
from assess.web.roles import MANAGE_UNITS, ROUNDS
from assess.web.round_tables import packs_uploaded
from assess.web.store import Site, now
from assess.web.units import Viewer

router = APIRouter()
MAX_PACK_BYTES = 512 * 1024
MAX_ZIP_FILES = 50
MAX_ZIP_UNPACKED = 4 * 1024 * 1024
BUNDLED = ("core",)


def packs_folder(site: Site) -> Path:
    folder = site.root / "packs"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def pack_choices(site: Site) -> list[dict[str, Any]]:
    """Packs a round may use: the bundled ones and every uploaded one (newest first), with the ref to give."""
    with site.read() as connection:
        rows = connection.execute(select(packs_uploaded).order_by(packs_uploaded.c.id.desc())).all()
    return [{"ref": ref, "name": ref, "pack_id": ref, "version": None, "id": None} for ref in BUNDLED] + [
        {"ref": str(packs_folder(site) / r.stored), "name": r.name, "pack_id": r.pack_id, "version": r.version,
         "id": r.id, "at": r.at} for r in rows]


def check_pack(name: str, data: bytes) -> tuple[list[str], Any]:
    """(problems as `indicators validate` words them, the loaded pack or None), from a temporary copy."""
    from assess.packs import load_pack, validate_files

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_file_name(name)
        path.write_bytes(data)
        problems = validate_files([path])
        if problems:
            return [line.replace(str(path), name) for line in shown_lines(problems)], None
        return [], load_pack(path)


def upload_pack(site: Site, person: Viewer, name: str, data: bytes) -> dict[str, Any]:
    if not person.can(MANAGE_UNITS):
        raise Refused(403, FORBIDDEN)
    if len(data) > MAX_PACK_BYTES:
        raise Refused(413, f"指标包文件太大：最多 {MAX_PACK_BYTES // 1024} KB / the pack file is too large: at most "
                           f"{MAX_PACK_BYTES // 1024} KB")
    digest = hashlib.sha256(data).hexdigest()
    if name.lower().endswith(".zip"):
        problems, loaded, stored = store_zipped_pack(site, name, data, digest)
    else:
        problems, loaded = check_pack(name, data)
        stored = f"{digest[:12]}-{safe_file_name(name)}"
        if not problems:
            write_atomic(packs_folder(site) / stored, data, force=True)
    if problems:
        return {"id": None, "problems": problems}
    with site.write() as connection:
        pack_id = connection.execute(insert(packs_uploaded).values(
            name=name, stored=stored, sha256=digest, pack_id=loaded.pack.id, version=str(loaded.pack.version or ""),
            who=person.name, at=now())).inserted_primary_key[0]
        audit_event(connection, person.name, "pack.upload", {"file": name, "pack": loaded.pack.id, "sha256": digest})
    return {"id": pack_id, "ref": str(packs_folder(site) / stored), "pack": loaded.pack.id, "problems": []}


def store_zipped_pack(site: Site, name: str, data: bytes, digest: str) -> tuple[list[str], Any, str]:
    """(problems, the loaded pack, its path under packs/): the zip unpacked into a folder of its own beside
    the others (renamed into place only once the pack validates), the pack file found in it and checked."""
    from assess.packs import load_pack, validate_files

    final = packs_folder(site) / f"{digest[:12]}-{safe_file_name(Path(name).stem)}"
    with tempfile.TemporaryDirectory(dir=packs_folder(site)) as work:
        archive = Path(work) / "sent.zip"
        archive.write_bytes(data)
        folder = Path(work) / "pack"
        try:
            pack_file = unzip_pack(archive, folder, name)
        except AssessError as exc:
            return [str(exc)], None, ""
        problems = validate_files([pack_file])
        if problems:
            return [line.replace(str(folder), name) for line in shown_lines(problems)], None, ""
        if not final.exists():  # the same zip sent before: its folder is already there
            os.rename(folder, final)
        relative = pack_file.relative_to(folder)
    return [], load_pack(final / relative), str(Path(final.name) / relative)


def unzip_pack(archive_path: Path, folder: Path, shown: str) -> Path:
    """The zip's YAML files under `folder` (one top folder, as "compress this folder" makes, is dropped);
    the pack file. Refused, with the rule in words: other kinds of file, paths that climb out, more than
    `MAX_ZIP_FILES` files or `MAX_ZIP_UNPACKED` bytes unpacked, and no pack file or several."""
    with open_zip(archive_path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_FILES or sum(m.file_size for m in members) > MAX_ZIP_UNPACKED:
            megabytes = MAX_ZIP_UNPACKED // 1024**2
            raise AssessError(f"{shown}: 压缩包太大：最多 {MAX_ZIP_FILES} 个文件、解压后 {megabytes} MB / the zip is "
                              f"too large: at most {MAX_ZIP_FILES} files, {megabytes} MB unpacked")
        paths = [PurePosixPath(m.filename.replace("\\", "/")) for m in members]
        for member, path in zip(members, paths, strict=True):
            if path.is_absolute() or ".." in path.parts:
                raise AssessError(f"{shown}: 压缩包中的路径不安全：{member.filename} / unsafe path in the zip")
            if path.suffix.lower() not in (".yaml", ".yml"):
                raise AssessError(f"{shown}: 压缩包只能包含 .yaml 文件：{member.filename} / the zip may hold only "
                                  ".yaml files")
        tops = {p.parts[0] for p in paths}
        strip = 1 if len(tops) == 1 and all(len(p.parts) > 1 for p in paths) else 0
        for member, path in zip(members, paths, strict=True):
            out = folder.joinpath(*path.parts[strip:])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(read_member(archive, member, archive_path))
    candidates = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".yaml", ".yml") and declares_pack(p))
    if len(candidates) != 1:
        found = "、".join(p.name for p in candidates) or "无 / none"
        raise AssessError(f"{shown}: 压缩包的第一层应恰有一个指标包文件（含 dimensions: 或 extends:），现有：{found} / "
                          "the zip's top level must hold exactly one pack file (with dimensions: or extends:)")
    return candidates[0]


def declares_pack(path: Path) -> bool:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return any(line.startswith(("dimensions:", "extends:")) for line in lines)


def pack_ref(site: Site, pack: int | str) -> str:
    if str(pack) in BUNDLED:
        return str(pack)
    for choice in pack_choices(site):
        if str(choice["id"]) == str(pack):
            return choice["ref"]
    raise Refused(404, f"没有指标包 {pack} / no pack {pack}")


def compare(site: Site, person: Viewer, pack: str, against: str, lang: str) -> dict[str, Any]:
    from assess.packs import diff_lines, diff_packs, load_pack

    if not person.can(ROUNDS):
        raise Refused(403, FORBIDDEN)
    try:
        diff = diff_packs(load_pack(pack_ref(site, against)), load_pack(pack_ref(site, pack)))
    except AssessError as exc:
        raise Refused(422, str(exc)) from None
    return {"diff": diff, "lines": diff_lines(diff, lang)}


async def read_sent(request: Request) -> tuple[str, bytes]:
    form = await request.form()
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise Refused(422, "请选择指标包文件（.yaml，或带附属文件时的 .zip）/ choose a pack file (.yaml, or a .zip "
                           "with its companion files), form field 'file'")
    return sent.filename, await sent.read(MAX_PACK_BYTES + 1)


@router.get("/api/packs")
def packs_json(request: Request, person: Person) -> list[dict[str, Any]]:
    if not person.can(ROUNDS):
        raise Refused(403, FORBIDDEN)
    return pack_choices(request.app.state.site)


@router.post("/api/packs")
async def packs_post(request: Request, person: Person) -> dict[str, Any]:
    name, data = await read_sent(request)
    outcome = upload_pack(request.app.state.site, person, name, data)
    if outcome["problems"]:
        raise Refused(422, "\n".join(outcome["problems"]))
    return outcome


@router.get("/api/packs/{pack}/diff")
def diff_json(request: Request, pack: str, person: Person, against: str = "core", lang: str = "zh") -> dict:
    return compare(request.app.state.site, person, pack, against, "en" if lang == "en" else "zh")


@router.get("/admin/packs")
def packs_page(request: Request, person: Person, diff: str | None = None, against: str = "core") -> HTMLResponse:
    if not person.can(ROUNDS):
        raise Refused(403, FORBIDDEN)
    request.state.person = person
    site = request.app.state.site
    lang = "en" if request.cookies.get("lang") == "en" else "zh"
    shown = compare(site, person, diff, against, lang) if diff else None
    return render(request, "packs.html", packs=pack_choices(site), problems=[], shown=shown, chosen=diff,
                  against=against)


@router.post("/admin/packs")
async def packs_upload_page(request: Request, person: Person) -> HTMLResponse:
    name, data = await read_sent(request)
    outcome = upload_pack(request.app.state.site, person, name, data)
    request.state.person = person
    return render(request, "packs.html", 422 if outcome["problems"] else 200,
                  packs=pack_choices(request.app.state.site), problems=outcome["problems"], shown=None, chosen=None,
                  against="core", uploaded=name if not outcome["problems"] else None)
