"""Residents' files sent from the browser: stored as sent (with a size bound), read as `--respondents` reads.

The file is copied to `uploads/` in chunks while its size is counted, then scored once with the
community's answers, off the event loop, to report what the CLI would: the respondents read, the notes
(columns left out …) and every problem with its file, row and column, in the CLI's words. Only a file
without problems is used for the community's scores and reports (the latest such file).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import tempfile
from pathlib import Path
from typing import IO, Any

from sqlalchemy import insert, select

from assess.errors import AssessError
from assess.responses import ReadOptions
from assess.scoring import ScoreResult, score_file
from assess.web.accounts import audit_event
from assess.web.answers import write_answers_yaml
from assess.web.store import as_json, now, uploads

CHUNK = 1024**2
UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


class TooLarge(AssessError):
    pass


def too_large_message(limit: int) -> str:
    shown = f"{limit / 1024**2:g} MB" if limit >= 1024**2 else f"{limit} B"
    return f"文件太大：最多 {shown} / the file is too large: at most {shown}"


def safe_file_name(name: str | None) -> str:
    """The name to store a file under: its last part, without separators or control characters."""
    base = UNSAFE.sub("_", Path(str(name or "").replace("\\", "/")).name).strip(" .")
    return base[-120:] or "upload.csv"


def store_upload(folder: Path, name: str | None, source: IO[bytes], limit: int) -> tuple[Path, int, str]:
    """Copy `source` into a new folder under `folder` in chunks; (path, size, sha256), `TooLarge` past `limit`."""
    target_dir = folder / secrets.token_hex(8)
    target_dir.mkdir(mode=0o700)
    target = target_dir / safe_file_name(name)
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink()
                target_dir.rmdir()
                raise TooLarge(too_large_message(limit))
            digest.update(chunk)
            out.write(chunk)
    return target, size, digest.hexdigest()


def latest_upload(connection, unit_id: int, round_id: int) -> Any | None:
    """The latest residents' file without problems: the one scores and reports use."""
    return connection.execute(select(uploads).where(uploads.c.unit_id == unit_id, uploads.c.round_id == round_id,
                                                    uploads.c.problems == "[]")
                              .order_by(uploads.c.id.desc()).limit(1)).first()


def reading_of(upload: Any | None) -> ReadOptions:
    return ReadOptions(group_by=tuple(json.loads(upload.group_by))) if upload is not None else ReadOptions()


def score_unit(site, connection, unit: Any, round_row: Any) -> ScoreResult:
    """The community's scores exactly as `assess score answers.yaml --respondents FILE` computes them."""
    upload = latest_upload(connection, unit.id, round_row.id)
    residents = site.uploads / upload.stored if upload is not None else None
    return score_with(connection, unit, round_row, residents, reading_of(upload))


def score_with(connection, unit: Any, round_row: Any, residents: Path | None, reading: ReadOptions) -> ScoreResult:
    with tempfile.TemporaryDirectory() as folder:
        answers_path = write_answers_yaml(connection, unit, round_row, Path(folder))
        return score_file(answers_path, residents, reading=reading)


def check_upload(connection, unit: Any, round_row: Any, stored: Path, shown_name: str,
                 group_by: tuple[str, ...]) -> dict[str, Any]:
    """Read the stored file as `assess score --respondents` would: {respondents, notes, problems}, with
    the file named as the user named it."""
    try:
        result = score_with(connection, unit, round_row, stored, ReadOptions(group_by=group_by))
    except AssessError as exc:
        text = str(exc).replace(str(stored), shown_name)
        return {"respondents": 0, "notes": [], "problems": [line for line in text.splitlines() if line.strip()]}
    # the reading's own notes (columns set aside, rejected submissions, no rows) name the file; the score's
    # other warnings (coverage …) are the scores page's
    notes = [f"{w.zh} / {w.en}".replace(str(stored), shown_name).replace(stored.name, shown_name)
             for w in result.warnings if stored.name in w.zh or stored.name in w.en]
    return {"respondents": result.respondents, "notes": notes, "problems": []}


def record_upload(connection, unit: Any, round_row: Any, site, stored: Path, name: str, size: int, sha256: str,
                  group_by: tuple[str, ...], checked: dict[str, Any], who: Any) -> int:
    upload_id = connection.execute(insert(uploads).values(
        unit_id=unit.id, round_id=round_row.id, name=name, stored=str(stored.relative_to(site.uploads)), size=size,
        sha256=sha256, group_by=as_json(list(group_by)), respondents=checked["respondents"],
        notes=as_json(checked["notes"]), problems=as_json(checked["problems"]), who=who.user_id, at=now(),
    )).inserted_primary_key[0]
    audit_event(connection, who.name, "upload", {"file": name, "size": size, "respondents": checked["respondents"],
                                                 "problems": len(checked["problems"])}, unit.id)
    return upload_id


def unit_uploads(connection, unit_id: int, round_id: int) -> list[Any]:
    return connection.execute(select(uploads).where(uploads.c.unit_id == unit_id, uploads.c.round_id == round_id)
                              .order_by(uploads.c.id.desc())).all()
