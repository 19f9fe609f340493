"""People and sessions: argon2id passwords, throttled logins, server-side sessions, the audit log.

A session is a random token in an HttpOnly cookie; the database keeps only its SHA-256, so a stolen
database opens no session, any web process can serve any request, and logging out (or revoking the
person) ends it everywhere. Each session carries its own CSRF token. Ten wrong passwords for one account
(or thirty from one address) lock logins there for `LOCK_MINUTES`, correct password or not.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update

from assess.errors import AssessError
from assess.web.roles import role_or_error
from assess.web.store import as_json, assignments, audit, login_failures, now, sessions, users

# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 0.08 s a check on one core of the
# 2-core test machine, where the library's default (64 MiB, 3 passes, 4 lanes) took 0.53 s
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# A hash to check a password against when the name is unknown, so both cases take the same time.
ABSENT_HASH = HASHER.hash(secrets.token_hex(16))
MAX_ACCOUNT_FAILURES = 10
MAX_ADDRESS_FAILURES = 30
LOCK_MINUTES = 15
SESSION_DAYS = 7
MIN_PASSWORD = 8


def audit_event(connection, who: str | None, action: str, detail: dict[str, Any], unit_id: int | None = None,
                address: str | None = None) -> None:
    connection.execute(insert(audit).values(at=now(), who=who, address=address, action=action, unit_id=unit_id,
                                            detail=as_json(detail)))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_password() -> str:
    return secrets.token_urlsafe(12)


def checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AssessError(f"密码至少 {MIN_PASSWORD} 位 / a password needs at least {MIN_PASSWORD} characters")
    return password


def add_user(connection, name: str, password: str, role: str, unit_id: int | None, by: str | None,
             must_change: bool = False) -> int:
    """A new account with its role on a unit; `must_change` for a generated password the person must replace
    at the first sign-in."""
    name = name.strip()
    if not name or len(name) > 100 or any(ord(c) < 32 for c in name):
        raise AssessError(f"用户名不可用：{name!r} / not a usable user name")
    role_or_error(role)
    if connection.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
        raise AssessError(f"用户 {name} 已存在 / the user {name} exists already")
    user_id = connection.execute(insert(users).values(
        name=name, password_hash=HASHER.hash(checked_password(password)), created_at=now(),
        must_change=must_change)).inserted_primary_key[0]
    connection.execute(insert(assignments).values(user_id=user_id, role=role, unit_id=unit_id))
    audit_event(connection, by, "user.add", {"user": name, "role": role}, unit_id)
    return user_id


def user_by_name(connection, name: str) -> Any:
    row = connection.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise AssessError(f"没有用户 {name} / no user {name}")
    return row


def set_password(connection, name: str, password: str, by: str | None) -> None:
    row = user_by_name(connection, name)
    connection.execute(update(users).where(users.c.id == row.id).values(
        password_hash=HASHER.hash(checked_password(password)), revoked_at=None, must_change=False))
    end_sessions(connection, row.id)
    audit_event(connection, by, "user.password", {"user": name})


def revoke_user(connection, name: str, by: str | None) -> None:
    """The person can no longer sign in, and every session of theirs ends now."""
    row = user_by_name(connection, name)
    connection.execute(update(users).where(users.c.id == row.id).values(revoked_at=now()))
    end_sessions(connection, row.id)
    audit_event(connection, by, "user.revoke", {"user": name})


def end_sessions(connection, user_id: int) -> None:
    connection.execute(update(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
                       .values(revoked_at=now()))


# -- signing in -----------------------------------------------------------------------------------------------


class LoginRefused(AssessError):
    def __init__(self, message: str, locked: bool):
        super().__init__(message)
        self.locked = locked


WRONG = "用户名或密码不正确 / wrong user name or password"
LOCKED = (f"登录失败次数过多，请 {LOCK_MINUTES} 分钟后再试 / too many failed logins: try again in {LOCK_MINUTES} "
          "minutes")


def locked_keys(connection, keys: list[str]) -> bool:
    moment = now()
    rows = connection.execute(select(login_failures.c.locked_until).where(login_failures.c.key.in_(keys))).all()
    return any(until is not None and until > moment for (until,) in rows)


def count_failure(connection, key: str, limit: int) -> None:
    row = connection.execute(select(login_failures).where(login_failures.c.key == key)).first()
    moment = datetime.now(UTC)
    if row is None or (row.locked_until is not None and row.locked_until <= moment.isoformat(timespec="seconds")):
        connection.execute(delete(login_failures).where(login_failures.c.key == key))
        connection.execute(insert(login_failures).values(key=key, count=1, first_at=now()))
        return
    count = row.count + 1
    until = (moment + timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds") if count >= limit else None
    connection.execute(update(login_failures).where(login_failures.c.key == key).values(count=count,
                                                                                        locked_until=until))


def throttle_keys(name: str, address: str | None) -> list[tuple[str, int]]:
    return [(f"user:{name}", MAX_ACCOUNT_FAILURES), (f"address:{address or '-'}", MAX_ADDRESS_FAILURES)]


def password_matches(stored: str, password: str) -> bool:
    """argon2id verification (tens of milliseconds of work: callers run it off the event loop)."""
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass
class NewSession:
    token: str
    csrf: str
    user_id: int
    name: str


def sign_in(site, name: str, password: str, address: str | None) -> NewSession:
    """A new session for the right name and password, else `LoginRefused`; every attempt is audited."""
    keys = throttle_keys(name, address)
    with site.read() as connection:
        if locked_keys(connection, [k for k, _ in keys]):
            locked = True
            row = None
        else:
            locked = False
            row = connection.execute(select(users).where(users.c.name == name)).first()
    good = not locked and password_matches(row.password_hash if row else ABSENT_HASH, password) and row is not None \
        and row.revoked_at is None
    with site.write() as connection:
        if not good:
            if not locked:
                for key, limit in keys:
                    count_failure(connection, key, limit)
            audit_event(connection, name, "login.failed", {"locked": locked}, address=address)
        else:
            connection.execute(delete(login_failures).where(login_failures.c.key == keys[0][0]))
            session = new_session(connection, row.id, row.name)
            audit_event(connection, name, "login", {}, address=address)
            return session
    raise LoginRefused(LOCKED if locked else WRONG, locked)


def new_session(connection, user_id: int, name: str) -> NewSession:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = (datetime.now(UTC) + timedelta(days=SESSION_DAYS)).isoformat(timespec="seconds")
    connection.execute(insert(sessions).values(token_hash=token_hash(token), user_id=user_id, csrf=csrf,
                                               created_at=now(), expires_at=expires))
    return NewSession(token, csrf, user_id, name)


def session_of(connection, token: str | None) -> Any | None:
    """The live session of a cookie's token, with its person's name; None when unknown, ended or expired."""
    if not token:
        return None
    return connection.execute(
        select(sessions, users.c.name, users.c.must_change).select_from(sessions.join(users))
        .where(sessions.c.token_hash == token_hash(token), sessions.c.revoked_at.is_(None),
               sessions.c.expires_at > now(), users.c.revoked_at.is_(None))).first()


def sign_out(site, token: str, who: str, address: str | None) -> None:
    with site.write() as connection:
        connection.execute(update(sessions).where(sessions.c.token_hash == token_hash(token)).values(revoked_at=now()))
        audit_event(connection, who, "logout", {}, address=address)


def first_admin(site) -> str | None:
    """On a site without an administrator (a new one, or one whose units and users were made from the shell):
    the account `admin` with a one-time password, returned to be printed once."""
    with site.write() as connection:
        if connection.execute(select(assignments.c.id).where(assignments.c.role == "admin").limit(1)).first() \
                or connection.execute(select(users.c.id).where(users.c.name == "admin")).first():
            return None
        password = new_password()
        add_user(connection, "admin", password, "admin", None, by=None, must_change=True)
        return password
