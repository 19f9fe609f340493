"""The web application: one FastAPI app over a data folder, its guards, and how pages are rendered.

Guards, in the order a request meets them: an unsafe request (POST, PUT, DELETE …) whose `Sec-Fetch-Site`
or `Origin` says another site sent it is refused before anything reads it; its body is bounded (uploads
to `MAX_UPLOAD_BYTES`, everything else to 1 MB); a signed-in request carries the session's CSRF token
(form field `csrf_token` or header `X-CSRF-Token`), since older browsers send neither header. Data is
filtered by the units the person may see in every query (`units.Viewer`); a unit that is not theirs is a
404, an action their role does not allow a 403.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from assess.errors import AssessError
from assess.web.accounts import session_of
from assess.web.residents import too_large_message
from assess.web.store import Site
from assess.web.texts import word
from assess.web.units import Viewer, viewer_for

HERE = Path(__file__).resolve().parent
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_BODY_BYTES = 1024**2
COOKIE = "assess_session"


class Refused(Exception):
    """An HTTP refusal with a message for people: 401, 403, 404, 413, 422, 429."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class NotSignedIn(Exception):
    pass


class MustChangePassword(Exception):
    """Signed in with a generated one-time password: nothing but changing it (or signing out) until then."""


PASSWORD_PAGES = ("/account/password", "/logout", "/api/logout")


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.globals["word"] = word
    return env


# -- guards -------------------------------------------------------------------------------------------------


class GuardMiddleware:
    """Cross-site unsafe requests refused; request bodies bounded while they stream in."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if cross_site(headers, scope):
            refusal = JSONResponse({"detail": "拒绝跨站请求 / cross-site request refused"}, 403)
            return await refusal(scope, receive, send)
        upload = is_upload(scope["path"])
        max_upload = scope["app"].state.site.max_upload
        limit = max_upload + 64 * 1024 if upload else MAX_BODY_BYTES  # room for the form's other fields
        message = too_large_message(max_upload) if upload else "请求过大 / the request is too large"
        if int(headers.get("content-length") or 0) > limit:
            return await JSONResponse({"detail": message}, 413)(scope, receive, send)
        seen = 0

        async def bounded_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise Refused(413, message)
            return message

        return await self.app(scope, bounded_receive, send)


def is_upload(path: str) -> bool:
    return path.endswith("/residents") or path.endswith("/answers.yaml") or path == "/api/rounds/import"


def cross_site(headers: dict[str, str], scope: dict) -> bool:
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    host = headers.get("host", "")
    return origin not in (f"http://{host}", f"https://{host}")


async def viewer(request: Request) -> AsyncIterator[Viewer]:
    """The signed-in person, with the CSRF token checked on unsafe requests; else `NotSignedIn` / 403.
    Once the response is sent, files of a form the request sent are closed (removed from disk)."""
    site: Site = request.app.state.site
    token = request.cookies.get(COOKIE)

    def lookup():
        with site.read() as connection:
            row = session_of(connection, token)
            return (row, viewer_for(connection, row.user_id, row.name)) if row is not None else (None, None)

    row, person = await run_in_threadpool(lookup)
    if row is None:
        raise NotSignedIn()
    person.must_change = bool(row.must_change)
    if person.must_change and request.url.path not in PASSWORD_PAGES:
        raise MustChangePassword()
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(("multipart/", "application/x-www")):
            sent = (await request.form()).get("csrf_token")
        if not isinstance(sent, str) or not secrets.compare_digest(sent, row.csrf):
            raise Refused(403, "缺少有效的安全令牌，请刷新页面后重试 / missing or wrong CSRF token: reload the page")
    request.state.csrf = row.csrf
    try:
        yield person
    finally:
        await request.close()


Person = Annotated[Viewer, Depends(viewer)]


def address(request: Request) -> str | None:
    return request.client.host if request.client else None


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        max_age=7 * 24 * 3600, path="/")


# -- rendering and errors ------------------------------------------------------------------------------------


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(
        lang=lang, zh=lang == "zh", request=request, csrf=getattr(request.state, "csrf", ""),
        person=getattr(request.state, "person", None), **values)
    return HTMLResponse(html, status)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def refused_handler(request: Request, exc: Refused) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": exc.message}, exc.status)
    if request.headers.get("hx-request"):
        return HTMLResponse(f'<span class="error" role="alert">{escape(exc.message)}</span>', exc.status)
    return render(request, "message.html", exc.status, message=exc.message)


async def assess_error_handler(request: Request, exc: AssessError) -> Response:
    return await refused_handler(request, Refused(422, str(exc)))


async def not_signed_in_handler(request: Request, exc: NotSignedIn) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": "请先登录 / sign in first"}, 401)
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    return RedirectResponse("/login", 303)


async def must_change_handler(request: Request, exc: MustChangePassword) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": "请先修改初始密码（/account/password）/ change the one-time password first "
                                       "(/account/password)"}, 403)
    if request.headers.get("hx-request"):
        return Response(status_code=403, headers={"HX-Redirect": "/account/password"})
    return RedirectResponse("/account/password", 303)


def escape(text: str) -> str:
    from markupsafe import escape as markup_escape

    return str(markup_escape(text))
