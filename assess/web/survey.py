"""The residents' phone survey: a link per community and round, the questions a phone shows, answers taken once.

A link is opened by the community (or its sub-district); it can be closed, reopened and replaced (the old
token then answers that the survey is closed). A resident's phone sends its answers with an id it made
itself; the pair (link, client id) is unique in the database, so a retry after a lost reply, or an offline
submission sent again, is counted once. Values are read with the responses stage's own `coerce_answer`,
so a stored answer is the canonical value an uploaded file's cell would give.

Bounds, all refusals in words for people: answers only to the pack's resident questions, text at most
`MAX_TEXT` characters, attributes only those the link asks, at most `cap` answers in all per link, at
most `LINK_PER_MINUTE` a minute per link, and per address (a keyed hash, see `survey_store`) a slowing
after `address_slow` and a refusal after `address_limit` within ten minutes.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from assess.errors import AssessError
from assess.packs import load_pack
from assess.responses import AnswerValueError, coerce_answer
from assess.web.accounts import audit_event
from assess.web.store import as_json, now
from assess.web.survey_store import address_key, count_once, links, minute_now, responses

AGE_BANDS = ["18–29岁", "30–44岁", "45–59岁", "60–69岁", "70岁及以上"]
DEFAULT_ATTRIBUTES = [{"name": "楼栋", "options": None}, {"name": "年龄段", "options": AGE_BANDS}]
DEFAULT_CAP = 3000
MAX_TEXT = 1000
MAX_ATTRIBUTE = 40
MAX_ANSWERS_BYTES = 64 * 1024
LINK_PER_MINUTE = 300
ADDRESS_WINDOW = timedelta(minutes=10)
SECONDS_PER_QUESTION = 12  # a resident's pace on a phone, for the time the first screen announces

CLOSED = "本次居民问卷已结束，感谢您的关注 / this residents' survey is closed: thank you for your interest"


class SurveyRefused(AssessError):
    """A refusal with its HTTP status: 404 unknown link, 410 closed, 413 too large, 422 bad answer, 429 too many."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AddressLimits:
    """Per address within ten minutes: answers after `slow` wait `delay` seconds; after `limit` are refused.
    A household or a 党群服务中心 tablet sends a few; a script sends hundreds. Set with
    ASSESS_SURVEY_PER_ADDRESS=LIMIT (the slowing starts at a sixth of it)."""

    slow: int = 10
    limit: int = 60
    delay: float = 2.0

    @classmethod
    def from_environment(cls) -> AddressLimits:
        raw = os.environ.get("ASSESS_SURVEY_PER_ADDRESS", "").strip()
        if not raw.isdigit() or int(raw) < 1:
            return cls()
        return cls(slow=max(1, int(raw) // 6), limit=int(raw))


# -- the questions a phone shows ---------------------------------------------------------------------------


def resident_questions(pack_ref: str) -> list[Any]:
    """The pack's questions for residents, in the pack's order."""
    return [q for _, _, q in load_pack(pack_ref).pack.questions() if q.respondent == "resident"]


def phone_question(question: Any, lang: str) -> dict[str, Any]:
    """A question as the survey page shows it: title, help and the options with the values they send."""
    def text(value: Any) -> str | None:
        return None if value is None else (value.zh if lang == "zh" else value.en)

    shown: dict[str, Any] = {"id": question.id, "type": question.type, "title": text(question.title),
                             "help": text(question.help)}
    if question.type == "likert":
        labels = question.scale.labels
        shown["options"] = [{"value": n, "label": text(labels[n]) if n in labels else str(n)}
                            for n in range(question.scale.min, question.scale.max + 1)]
    elif question.type == "yes_no":
        shown["options"] = [{"value": True, "label": "是" if lang == "zh" else "Yes"},
                            {"value": False, "label": "否" if lang == "zh" else "No"}]
    elif question.type in ("choice", "multi_choice"):
        shown["options"] = [{"value": o.id, "label": text(o.label)} for o in question.options]
    elif question.type == "number":
        shown.update(unit=text(question.unit), integer=question.integer, min=question.min, max=question.max)
    elif question.type == "text":
        shown["max_length"] = MAX_TEXT
    return shown


def estimated_minutes(count: int) -> int:
    return max(1, math.ceil(count * SECONDS_PER_QUESTION / 60))


# -- links -------------------------------------------------------------------------------------------------


def current_link(connection, unit_id: int, round_id: int) -> Any | None:
    """The community's link for the round that is not replaced (open or closed), if any."""
    return connection.execute(select(links).where(links.c.unit_id == unit_id, links.c.round_id == round_id,
                                                  links.c.state != "replaced")
                              .order_by(links.c.id.desc()).limit(1)).first()


def link_by_token(connection, token: str) -> Any | None:
    return connection.execute(select(links).where(links.c.token == token[:64])).first()


def checked_attributes(attributes: Any) -> list[dict[str, Any]]:
    """Attributes as the community names them: [{name, options or null for free text}], at most 4."""
    if attributes is None:
        return DEFAULT_ATTRIBUTES
    problem = AssessError("附加题应为列表，每项含 name 和可选的 options（最多 4 项）/ attributes must be a list of "
                          "{name, options} (at most 4)")
    if not isinstance(attributes, list) or len(attributes) > 4:
        raise problem
    checked = []
    for item in attributes:
        name = str(item.get("name", "")).strip() if isinstance(item, dict) else ""
        options = item.get("options") if isinstance(item, dict) else None
        if not name or len(name) > 20 or (options is not None and (
                not isinstance(options, list) or not 1 < len(options) <= 30
                or any(not str(o).strip() or len(str(o)) > MAX_ATTRIBUTE for o in options))):
            raise problem
        checked.append({"name": name, "options": [str(o).strip() for o in options] if options else None})
    return checked


def open_link(connection, unit: Any, round_row: Any, who: Any, cap: int | None = None,
              households: int | None = None, attributes: Any = None) -> Any:
    """Open the community's link (made on first use, reopened if closed), with the settings given."""
    link = current_link(connection, unit.id, round_row.id)
    settings: dict[str, Any] = {}
    if cap is not None:
        settings["cap"] = max(1, min(int(cap), 100_000))
    if households is not None:
        settings["households"] = max(1, int(households))
    if attributes is not None:
        settings["attributes"] = as_json(checked_attributes(attributes))
    if link is None:
        connection.execute(insert(links).values(
            unit_id=unit.id, round_id=round_row.id, token=secrets.token_urlsafe(12), state="open",
            attributes=settings.pop("attributes", as_json(DEFAULT_ATTRIBUTES)), cap=settings.pop("cap", DEFAULT_CAP),
            created_at=now(), changed_at=now(), **settings))
        audit_event(connection, who.name, "survey.open", {}, unit.id)
    else:
        connection.execute(update(links).where(links.c.id == link.id).values(state="open", changed_at=now(),
                                                                             **settings))
        if link.state != "open":
            audit_event(connection, who.name, "survey.reopen", {}, unit.id)
    return current_link(connection, unit.id, round_row.id)


def close_link(connection, unit: Any, round_row: Any, who: Any) -> Any:
    link = current_link(connection, unit.id, round_row.id)
    if link is None:
        raise SurveyRefused(404, "本社区还没有居民问卷链接 / this community has no survey link yet")
    connection.execute(update(links).where(links.c.id == link.id).values(state="closed", changed_at=now()))
    audit_event(connection, who.name, "survey.close", {}, unit.id)
    return current_link(connection, unit.id, round_row.id)


def replace_link(connection, unit: Any, round_row: Any, who: Any) -> Any:
    """A new token for the community (same settings); the old one then says the survey is closed. Answers
    already given through the old link stay counted."""
    old = current_link(connection, unit.id, round_row.id)
    if old is not None:
        connection.execute(update(links).where(links.c.id == old.id).values(state="replaced", changed_at=now()))
    connection.execute(insert(links).values(
        unit_id=unit.id, round_id=round_row.id, token=secrets.token_urlsafe(12), state="open",
        attributes=old.attributes if old else as_json(DEFAULT_ATTRIBUTES), cap=old.cap if old else DEFAULT_CAP,
        households=old.households if old else None, created_at=now(), changed_at=now()))
    audit_event(connection, who.name, "survey.replace", {}, unit.id)
    return current_link(connection, unit.id, round_row.id)


# -- taking answers ----------------------------------------------------------------------------------------


def checked_answers(questions: list[Any], answers: Any) -> dict[str, Any]:
    """Canonical values of the answers sent (unanswered left out); every problem reported together."""
    if not isinstance(answers, dict):
        raise SurveyRefused(422, "answers 应为 {题号: 答案} / answers must be {question id: value}")
    by_id = {q.id: q for q in questions}
    checked, problems = {}, []
    for qid, raw in answers.items():
        question = by_id.get(str(qid))
        if question is None:
            problems.append(f"没有题目 {str(qid)[:60]} / no question {str(qid)[:60]}")
            continue
        if isinstance(raw, str) and len(raw) > MAX_TEXT:
            problems.append(f"{qid}: 最多 {MAX_TEXT} 字 / at most {MAX_TEXT} characters")
            continue
        try:
            value = coerce_answer(question, raw)
        except AnswerValueError as exc:
            problems.append(f"{qid}: {exc}")
            continue
        if value is not None:
            checked[question.id] = value
    if problems:
        raise SurveyRefused(422, "\n".join(problems[:20]))
    return checked


def checked_given_attributes(link: Any, given: Any) -> dict[str, str]:
    """The attributes the resident chose to give, among those the link asks (options as listed)."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise SurveyRefused(422, "attributes 应为 {名称: 值} / attributes must be {name: value}")
    asked = {a["name"]: a["options"] for a in json.loads(link.attributes)}
    kept = {}
    for name, value in given.items():
        text = str(value if value is not None else "").strip()
        if not text:
            continue
        if name not in asked or len(text) > MAX_ATTRIBUTE or (asked[name] and text not in asked[name]):
            raise SurveyRefused(422, f"附加题 {str(name)[:20]} 的答案不可用 / not a usable answer to {str(name)[:20]}")
        kept[name] = text
    return kept


def count_request(connection, secret: bytes, link: Any, address: str | None, limits: AddressLimits) -> float:
    """Count this request against the link's minute and the address's window; the seconds to slow it by,
    or `SurveyRefused(429)` past a bound."""
    minute = minute_now()
    if count_once(connection, f"link:{link.id}:{minute}", timedelta(minutes=2)) > LINK_PER_MINUTE:
        raise SurveyRefused(429, "提交的人太多，请一分钟后再试 / too many answers this minute: try again in a minute")
    moment = datetime.now(UTC)
    window = f"{moment:%Y-%m-%dT%H}:{moment.minute // 10}"
    sent = count_once(connection, "addr:" + address_key(secret, address, window), ADDRESS_WINDOW * 2)
    if sent > limits.limit:
        raise SurveyRefused(429, "这个网络提交得太频繁，请稍后再试 / too many answers from this network: "
                                 "try again later")
    return limits.delay if sent > limits.slow else 0.0


def take_response(connection, link: Any, pack: str, client_id: Any, answers: Any, attributes: Any) -> bool:
    """Store one resident's answers once; True when new, False for a repeat of the same client id (stored
    answers unchanged). Closed link → 410; the cap reached → 429."""
    if link.state != "open":
        raise SurveyRefused(410, CLOSED)
    client = str(client_id or "").strip()
    if not 8 <= len(client) <= 64 or not client.replace("-", "").isalnum():
        raise SurveyRefused(422, "client_id 应为 8–64 位字母数字 / client_id must be 8–64 letters or digits")
    repeat = connection.execute(select(responses.c.id).where(responses.c.link_id == link.id,
                                                             responses.c.client_id == client)).first()
    if repeat is not None:
        return False
    checked = checked_answers(resident_questions(pack), answers)
    given = checked_given_attributes(link, attributes)
    if not checked:
        raise SurveyRefused(422, "答卷是空的，请至少回答一题 / the answers are empty: answer at least one question")
    stored = as_json(checked)
    if len(stored.encode()) > MAX_ANSWERS_BYTES:
        raise SurveyRefused(413, "答卷过大 / the answers are too large")
    taken = connection.execute(select(func.count()).select_from(responses)
                               .where(responses.c.link_id == link.id)).scalar()
    if taken >= link.cap:
        raise SurveyRefused(429, "本社区的问卷已收满，感谢参与 / this survey has all the answers it takes: thank you")
    try:
        with connection.begin_nested():
            connection.execute(insert(responses).values(
                link_id=link.id, unit_id=link.unit_id, round_id=link.round_id, client_id=client, answers=stored,
                attributes=as_json(given), at=minute_now()))
    except IntegrityError:  # the same id sent twice at once: the other request stored it
        return False
    return True


def unit_responses(connection, unit_id: int, round_id: int) -> list[Any]:
    return connection.execute(select(responses).where(responses.c.unit_id == unit_id, responses.c.round_id == round_id)
                              .order_by(responses.c.id)).all()


# -- what the community sees -------------------------------------------------------------------------------


def margin_of_error(n: int, population: int | None) -> float | None:
    """Half-width, in percentage points, of the 95% interval of a proportion near 50% from `n` residents,
    with the finite population correction when the households are known:
    e = 1.96·√(0.25/n)·√((N−n)/(N−1)) (Cochran, Sampling Techniques, 3rd ed., 1977, §4.4)."""
    if n < 1:
        return None
    correction = math.sqrt(max(population - n, 0) / (population - 1)) if population and population > 1 else 1.0
    return round(100 * 1.96 * math.sqrt(0.25 / n) * correction, 1)


def sample_needed(population: int | None, margin: float = 0.05) -> int:
    """Residents needed for ±`margin` at 95%: n₀ = 1.96²·0.25/e², then n = n₀/(1+(n₀−1)/N) (Cochran §4.4)."""
    n0 = 1.96**2 * 0.25 / margin**2
    return math.ceil(n0 / (1 + (n0 - 1) / population) if population else n0)


def survey_status(connection, unit: Any, round_row: Any, base_url: str) -> dict[str, Any]:
    """The link and what came through it: the count, by building (楼栋) and by each attribute, the precision."""
    link = current_link(connection, unit.id, round_row.id)
    rows = unit_responses(connection, unit.id, round_row.id)
    attributes = json.loads(link.attributes) if link else DEFAULT_ATTRIBUTES
    by_attribute: dict[str, dict[str, int]] = {}
    for attribute in attributes:
        counts: dict[str, int] = {}
        for row in rows:
            value = json.loads(row.attributes).get(attribute["name"]) or "未填 / not given"
            counts[value] = counts.get(value, 0) + 1
        by_attribute[attribute["name"]] = dict(sorted(counts.items()))
    households = link.households if link else None
    return {
        **(link_json(link, base_url) if link else {"url": None, "token": None, "open": False}),
        "responses": len(rows), "by_attribute": by_attribute,
        "households": households, "margin_points": margin_of_error(len(rows), households),
        "needed_for_5_points": sample_needed(households),
    }


def link_json(link: Any, base_url: str) -> dict[str, Any]:
    return {"url": survey_url(base_url, link.token), "token": link.token, "open": link.state == "open",
            "cap": link.cap, "households": link.households, "attributes": json.loads(link.attributes)}


def survey_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"
