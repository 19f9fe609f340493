"""What every route does first: the unit asked for, if this person may see it, and may do this with it."""

from __future__ import annotations

from typing import Any

from assess.web.app import Refused
from assess.web.roles import UNLOCK
from assess.web.store import Site
from assess.web.units import Viewer, visible_unit

NOT_FOUND = "没有这个单位，或您无权查看 / no such unit, or not yours to see"
FORBIDDEN = "您的角色不能做这件事 / your role does not allow this"


def allowed_unit(connection, person: Viewer, unit_id: int, permission: str, community: bool = False) -> Any:
    """The unit (404 when not visible to this person, 403 when visible but the role lacks `permission`)."""
    unit = visible_unit(connection, person, unit_id)
    if unit is None or (community and unit.kind != "community"):
        raise Refused(404, NOT_FOUND)
    if not person.can(permission, unit):
        raise Refused(403, FORBIDDEN)
    return unit


def in_unit(site: Site, person: Viewer, unit_id: int, permission: str, work, community: bool = True,
            write: bool = False) -> Any:
    """Run `work(connection, unit, round)` in one transaction once the unit is allowed."""
    with site.write() if write else site.read() as connection:
        unit = allowed_unit(connection, person, unit_id, permission, community)
        from assess.web.rounds import CLOSED, unit_round

        round_row = unit_round(connection, unit)
        if write and round_row.closed_at is not None and permission != UNLOCK:
            raise Refused(409, CLOSED)
        return work(connection, unit, round_row)
