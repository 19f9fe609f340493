"""Units: the tree of places (city → district → sub-district → community) and who may see which.

A unit is named by its path as offices write it, `区/街道/社区` (a prefix names a sub-district or district).
Each unit keeps its lineage of ids (`/1/5/9/`), so "this unit and everything below it" is one prefix query
that no name can disturb. `Viewer.visible()` is the subquery every data query is filtered by: the units
below any of the person's assignments, whatever the route asked for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, false, insert, or_, select, true, update

from assess.errors import AssessError
from assess.files import read_regular
from assess.web.roles import ROLES
from assess.web.store import assignments, current_round, units

KINDS = ("city", "district", "subdistrict", "community")
KIND_WORDS = {"city": ("市", "city"), "district": ("区（县）", "district"), "subdistrict": ("街道", "sub-district"),
              "community": ("社区", "community")}
COLUMNS = {"城市": "city", "区（县）": "district", "区(县)": "district", "区县": "district", "区": "district",
           "街道": "subdistrict", "社区": "community"}
TYPE_COLUMNS = ("社区类型", "社区类别")
MAX_NAME = 100


def clean_name(name: str) -> str:
    """A unit's name as typed, trimmed; '/' would split its path and control characters hide in lists."""
    name = str(name).strip()
    if not name or "/" in name or len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise AssessError(f"单位名称不可用：{name!r}（不能为空、不能含 / 或控制字符、最多 {MAX_NAME} 字）/ "
                          f"not a usable unit name: {name!r} (not blank, no '/', no control characters, "
                          f"at most {MAX_NAME} characters)")
    return name


def ensure_path(connection, names: Sequence[str], kinds: Sequence[str]) -> int:
    """The unit at `names` (e.g. 区, 街道, 社区), created with its parents where missing; its id."""
    parent: Any = None
    for depth in range(1, len(names) + 1):
        path = "/".join(names[:depth])
        row = connection.execute(select(units).where(units.c.path == path)).first()
        if row is None:
            new_id = connection.execute(insert(units).values(
                name=names[depth - 1], kind=kinds[depth - 1], parent_id=parent.id if parent else None, path=path,
                lineage="/")).inserted_primary_key[0]
            lineage = (parent.lineage if parent else "/") + f"{new_id}/"
            connection.execute(update(units).where(units.c.id == new_id).values(lineage=lineage))
            row = connection.execute(select(units).where(units.c.id == new_id)).one()
        parent = row
    return parent.id


def unit_by_path(connection, path: str) -> Any:
    row = connection.execute(select(units).where(units.c.path == path.strip().strip("/"))).first()
    if row is None:
        raise AssessError(f"没有单位 {path!r} / no unit {path!r}: 写作 区/街道/社区 / write it as district/"
                          "sub-district/community, as imported")
    return row


# -- importing a list of communities ----------------------------------------------------------------------------


def table_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV (UTF-8 or GBK, as Excel saves it) or .xlsx list, as text."""
    data = read_regular(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [["" if cell is None else str(cell).strip() for cell in row]
                for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AssessError(f"{path}: 无法识别文字编码，请另存为 UTF-8 CSV / unreadable text: save it as UTF-8 CSV")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def import_units(connection, path: Path) -> tuple[int, int]:
    """Every row's community (with its district and sub-district) created where missing: (rows, new units).
    An optional 社区类型 column gives each community its type, checked against the open round's pack as the
    form checks it. All problems of the file are reported together, and nothing is created when there is one."""
    rows = table_rows(path)
    if not rows:
        raise AssessError(f"{path}: 文件是空的 / the file is empty")
    header = rows[0]
    columns = {COLUMNS[h]: n for n, h in enumerate(header) if h in COLUMNS}
    missing = [word for word, kind in (("区（县）", "district"), ("街道", "subdistrict"), ("社区", "community"))
               if kind not in columns]
    if missing:
        raise AssessError(f"{path}: 缺少列 {'、'.join(missing)}（表头为 {'、'.join(header)}）/ missing columns "
                          f"{', '.join(missing)}: the first row must name 区（县）, 街道 and 社区 (城市 optional)")
    type_column = next((n for n, h in enumerate(header) if h in TYPE_COLUMNS), None)
    pack = current_round(connection).pack if type_column is not None else ""
    problems, wanted = [], []
    kinds = [k for k in KINDS if k in columns]
    for number, row in enumerate(rows[1:], start=2):
        cells = [row[columns[k]] if columns[k] < len(row) else "" for k in kinds]
        if not any(cells):
            continue
        typed = row[type_column] if type_column is not None and type_column < len(row) else ""
        try:
            wanted.append(([clean_name(c) for c in cells], community_type(pack, "community", typed)))
        except AssessError as exc:
            problems.append(f"{path.name} 第 {number} 行 / row {number}: {exc}")
    if problems:
        raise AssessError("\n".join(problems))
    before = connection.execute(select(units.c.id)).all()
    for names, typed in wanted:
        unit_id = ensure_path(connection, names, kinds)
        if typed is not None:
            connection.execute(update(units).where(units.c.id == unit_id).values(community_type=typed))
    return len(wanted), len(connection.execute(select(units.c.id)).all()) - len(before)


# -- who sees what ---------------------------------------------------------------------------------------------


@dataclass
class Viewer:
    """A signed-in person: their assignments (role, the unit's lineage or None for everything)."""

    user_id: int
    name: str
    grants: list[tuple[str, str | None]] = field(default_factory=list)
    must_change: bool = False  # signed in with a one-time password not yet replaced

    def visible(self) -> Select:
        """The ids of the units this person may see: every query of unit data is filtered by this."""
        if self.can_all():
            return select(units.c.id).where(true())
        prefixes = [units.c.lineage.startswith(lineage, autoescape=True) for _, lineage in self.grants]
        return select(units.c.id).where(or_(*prefixes) if prefixes else false())

    def can_all(self) -> bool:
        """Whether a role covers every unit (the administrator's, given on no unit)."""
        return any(lineage is None for _, lineage in self.grants)

    def can(self, permission: str, unit: Any | None = None) -> bool:
        """Whether a role on this unit or above it gives `permission` (`unit` None: on any unit)."""
        return any(permission in ROLES[role].permissions
                   and (lineage is None or unit is None or unit.lineage.startswith(lineage))
                   for role, lineage in self.grants)

    def top_rank(self, unit: Any) -> int:
        return max((ROLES[role].rank for role, lineage in self.grants
                    if lineage is None or unit.lineage.startswith(lineage)), default=0)


def viewer_for(connection, user_id: int, name: str) -> Viewer:
    rows = connection.execute(
        select(assignments.c.role, units.c.lineage).select_from(assignments.outerjoin(units))
        .where(assignments.c.user_id == user_id)).all()
    return Viewer(user_id, name, [(role, lineage) for role, lineage in rows if role in ROLES])


def visible_units(connection, viewer: Viewer, kinds: Iterable[str] = KINDS) -> list[Any]:
    return connection.execute(select(units).where(units.c.id.in_(viewer.visible()), units.c.kind.in_(list(kinds)))
                              .order_by(units.c.path)).all()


def visible_unit(connection, viewer: Viewer, unit_id: int) -> Any | None:
    """The unit if this person may see it; None (shown as 404) for one that is not theirs or not there."""
    return connection.execute(select(units).where(units.c.id == unit_id, units.c.id.in_(viewer.visible()))).first()


def unit_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "path": row.path, "kind": row.kind,
            "community_type": row.community_type}


def community_kinds(pack_ref: str) -> list[Any]:
    """The pack's types of community, offered by the form (each with the other names it may be typed as)."""
    from assess.packs import load_pack

    return list(load_pack(pack_ref).pack.community_kinds)


def community_type(pack_ref: str, kind: str, typed: str) -> str | None:
    """The community type as the pack names it (老小区 → 老旧小区), checked as `fill` and the answer file's
    loader check it: an unknown type is refused with the pack's types and their aliases, so that advice
    meant for that kind of community is never silently lost. Only a community has a type."""
    from assess.packs import load_pack
    from assess.responses import unknown_kind_message

    typed = typed.strip()
    if not typed:
        return None
    if kind != "community":
        raise AssessError("只有社区填写社区类型 / only a community has a type of community")
    pack = load_pack(pack_ref).pack
    found = pack.kind_of(typed)
    if found is None:
        raise AssessError(unknown_kind_message(pack, typed))
    return found.label.zh
