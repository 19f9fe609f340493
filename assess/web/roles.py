"""Roles: fixed sets of named permissions, each given to a person on a unit and covering every unit below it.

A community's staff fill and upload; its secretary also submits (locks) the answers and orders reports;
sub-district viewers see their communities; managers also unlock a submitted community and create accounts
for the units below them; the administrator may do everything everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

VIEW, FILL, UPLOAD, SUBMIT, REPORT, UNLOCK, MANAGE_USERS, MANAGE_UNITS, AUDIT, ROUNDS = (
    "view", "fill", "upload", "submit", "report", "unlock", "manage_users", "manage_units", "audit", "rounds",
)


@dataclass(frozen=True)
class Role:
    id: str
    zh: str
    en: str
    permissions: frozenset[str]
    rank: int  # who may give it: a manager gives roles of a lower rank only

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


ROLES: dict[str, Role] = {role.id: role for role in (
    Role("community-staff", "社区填报员", "community staff", frozenset({VIEW, FILL, UPLOAD}), 1),
    Role("community-secretary", "社区书记", "community secretary", frozenset({VIEW, FILL, UPLOAD, SUBMIT, REPORT}), 2),
    Role("subdistrict-viewer", "街道查看", "sub-district viewer", frozenset({VIEW}), 2),
    Role("subdistrict-manager", "街道管理", "sub-district manager",
         frozenset({VIEW, REPORT, UNLOCK, MANAGE_USERS, AUDIT, ROUNDS}), 3),
    Role("district-manager", "区管理", "district manager",
         frozenset({VIEW, REPORT, UNLOCK, MANAGE_USERS, MANAGE_UNITS, AUDIT, ROUNDS}), 4),
    Role("admin", "系统管理员", "administrator",
         frozenset({VIEW, FILL, UPLOAD, SUBMIT, REPORT, UNLOCK, MANAGE_USERS, MANAGE_UNITS, AUDIT, ROUNDS}), 5),
)}


def role_or_error(role: str) -> Role:
    from assess.errors import AssessError

    if role not in ROLES:
        listed = ", ".join(f"{r.id}（{r.zh}）" for r in ROLES.values())
        raise AssessError(f"没有角色 {role!r} / no role {role!r}: 可选 / choose one of {listed}")
    return ROLES[role]
