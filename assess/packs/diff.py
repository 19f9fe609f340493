"""How one pack differs from another, by id: what `assess indicators diff A B` prints.

Both packs are compared fully resolved, so a district pack is seen exactly as scoring will use it. Besides
added, removed and changed elements, the diff shows each element's effective weight -- its share of the
overall score when every scored question is answered -- because a district that raises one dimension's
weight silently lowers the share of all the others.
"""

from __future__ import annotations

from typing import Any

from assess.i18n import Lang, Vocabulary
from assess.packs.loading import LoadedPack
from assess.packs.model import SCORED_TYPES, Dimension, Indicator, Pack

SHARE_DECIMALS = 4
PACK_FIELDS = ("id", "version", "title", "description", "grade_bands", "default_target", "ahp")
WORDS = Vocabulary({
    "heading": ("指标包对比", "Pack diff"),
    "extends": ("继承自", "extends"),
    "pack": ("指标包字段", "Pack fields"),
    "added": ("新增", "Added"),
    "removed": ("删除", "Removed"),
    "changed": ("修改", "Changed"),
    "weights": ("有效权重变化（占总分的比例）", "Effective weights (share of the overall score)"),
    "in": ("属于", "in"),
    "points": ("{change:+.2f} 个百分点", "{change:+.2f} points"),
    "share": ("有效权重", "effective weight"),
    "moved_along": ("另有 {n} 个指标或题目随上级等比例变化（--format json 可查看全部）",
                    "{n} more indicators or questions moved only with their parent (--format json lists them)"),
    "same": ("两个指标包的内容相同", "The packs have the same content"),
    "default": ("默认 {value:g}", "default {value:g}"),
    "dimension": ("维度", "dimension"),
    "indicator": ("指标", "indicator"),
    "question": ("题目", "question"),
})


word = WORDS.word


# -- the comparison ------------------------------------------------------------------------------------


def diff_packs(a: LoadedPack, b: LoadedPack) -> dict[str, Any]:
    """The differences of `b` against `a` as JSON-ready data; the shape is stable, later versions only add.

    `{"a": ref, "b": ref, "pack": [{field, a, b}], "added": [element], "removed": [element],
    "changed": [{id, kind, fields: [{field, a, b}]}], "effective_weights": [{id, kind, parent, a, b, change,
    among_siblings}], "summary": {counts}}`, where an element is `{id, kind, parent, title, effective_weight}`.
    `among_siblings` is true when the element's share among its siblings changed, not only its parent's.
    A changed indicator `target` also carries `effective: {a, b}`, the targets scoring uses: an indicator
    without its own target takes its pack's `default_target`, and `a`/`b` are null there.
    """
    elements_a, elements_b = elements_of(a.pack), elements_of(b.pack)
    shares_a, shares_b = effective_shares(a.pack), effective_shares(b.pack)
    added = [listed(e, shares_b) for key, e in elements_b.items() if key not in elements_a]
    removed = [listed(e, shares_a) for key, e in elements_a.items() if key not in elements_b]
    changed = []
    for key, old in elements_a.items():
        new = elements_b.get(key)
        fields = field_changes(old, new) if new is not None else []
        if old["kind"] == "indicator":
            fields = [with_effective_target(f, a.pack, b.pack) for f in fields]
        if fields:
            changed.append({"id": key, "kind": new["kind"], "fields": fields})
    among_siblings = locally_changed(a.pack, b.pack)
    weights = [
        {"id": key, "kind": elements_b[key]["kind"], "parent": elements_b[key]["parent"],
         "a": shares_a[key], "b": shares_b[key], "change": round(shares_b[key] - shares_a[key], SHARE_DECIMALS),
         "among_siblings": key in among_siblings}
        for key in elements_a
        if key in elements_b and key in shares_a and key in shares_b and shares_a[key] != shares_b[key]
    ]
    pack_changes = field_changes(pack_fields(a.pack), pack_fields(b.pack))
    return {
        "a": pack_ref(a),
        "b": pack_ref(b),
        "pack": pack_changes,
        "added": added,
        "removed": removed,
        "changed": changed,
        "effective_weights": weights,
        "summary": {
            "pack_fields": len(pack_changes),
            "added": len(added),
            "removed": len(removed),
            "changed": len(changed),
            "effective_weights": len(weights),
        },
    }


def with_effective_target(change: dict[str, Any], a: Pack, b: Pack) -> dict[str, Any]:
    if change["field"] != "target":
        return change
    effective = {
        "a": change["a"] if change["a"] is not None else a.default_target,
        "b": change["b"] if change["b"] is not None else b.default_target,
    }
    return {**change, "effective": effective}


def pack_ref(loaded: LoadedPack) -> dict[str, Any]:
    pack = loaded.pack
    return {"id": pack.id, "version": pack.version, "hash": loaded.hash, "file": loaded.file,
            "parents": list(loaded.parents)}


def pack_fields(pack: Pack) -> dict[str, Any]:
    data = pack.model_dump(mode="json", include=set(PACK_FIELDS))
    return {"kind": "pack", "parent": None, **data}


def elements_of(pack: Pack) -> dict[str, dict[str, Any]]:
    """Every dimension, indicator and question as plain data without its children, keyed by id."""
    found: dict[str, dict[str, Any]] = {}
    for dim in pack.dimensions:
        found[dim.id] = {"kind": "dimension", "parent": None, **dim.model_dump(mode="json", exclude={"indicators"})}
        for ind in dim.indicators:
            data = ind.model_dump(mode="json", exclude={"questions"})
            found[ind.id] = {"kind": "indicator", "parent": dim.id, **data}
            for question in ind.questions:
                found[question.id] = {"kind": "question", "parent": ind.id, **question.model_dump(mode="json")}
    return found


def listed(element: dict[str, Any], shares: dict[str, float]) -> dict[str, Any]:
    return {
        "id": element["id"],
        "kind": element["kind"],
        "parent": element["parent"],
        "title": element["title"],
        "effective_weight": shares.get(element["id"], 0.0),
    }


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Leaf-level differences, named by dotted path; list items that have ids are matched by id."""
    flat_old, flat_new = flattened(old), flattened(new)
    keys = list(flat_old) + [k for k in flat_new if k not in flat_old]
    return [
        {"field": key, "a": flat_old.get(key), "b": flat_new.get(key)}
        for key in keys
        if flat_old.get(key) != flat_new.get(key)
    ]


def flattened(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        items = ((v["id"], v) for v in value)
    else:
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, item in items:
        flat.update(flattened(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def effective_shares(pack: Pack) -> dict[str, float]:
    """Each element's share of the overall score with the declared weights, if every scored question is answered.

    Text questions are never scored, so like scoring we leave them (and elements with nothing scored) out.
    """
    return {key: round(shares[0], SHARE_DECIMALS) for key, shares in element_shares(pack).items()}


def element_shares(pack: Pack) -> dict[str, tuple[float, float]]:
    """(share of the overall score, share among its siblings) of every element that can be scored."""
    shares: dict[str, tuple[float, float]] = {}
    dims = [(d, scored_indicators(d)) for d in pack.dimensions]
    dims = [(d, inds) for d, inds in dims if inds]
    for (dim, indicators), (dim_share, dim_local) in zip(dims, split([d for d, _ in dims]), strict=True):
        shares[dim.id] = (dim_share, dim_local)
        for ind, (_, ind_local) in zip(indicators, split(indicators), strict=True):
            shares[ind.id] = (dim_share * ind_local, ind_local)
            questions = [q for q in ind.questions if q.type in SCORED_TYPES]
            for question, (_, q_local) in zip(questions, split(questions), strict=True):
                shares[question.id] = (dim_share * ind_local * q_local, q_local)
    return shares


def scored_indicators(dim: Dimension) -> list[Indicator]:
    return [i for i in dim.indicators if any(q.type in SCORED_TYPES for q in i.questions)]


def split(siblings: list) -> list[tuple[float, float]]:
    """Each sibling's share among its siblings, twice (the caller scales the first by its parent's share)."""
    total = sum(s.weight for s in siblings)
    return [(s.weight / total, s.weight / total) if total else (0.0, 0.0) for s in siblings]


def locally_changed(a: Pack, b: Pack) -> set[str]:
    """Elements whose share among their siblings changed, as opposed to moving only with their parent."""
    local_a = {k: round(v[1], SHARE_DECIMALS) for k, v in element_shares(a).items()}
    local_b = {k: round(v[1], SHARE_DECIMALS) for k, v in element_shares(b).items()}
    return {k for k in local_a if k in local_b and local_a[k] != local_b[k]}


# -- the table ------------------------------------------------------------------------------------------


def diff_lines(diff: dict[str, Any], lang: Lang) -> list[str]:
    a, b = diff["a"], diff["b"]
    lines = [f"{word('heading', lang)}: {ref_text(a)} → {ref_text(b)}"]
    if b["parents"]:
        lines.append(f"  {b['id']} {word('extends', lang)} {' → '.join(b['parents'])}")
    if not any(diff["summary"].values()):
        return [*lines, word("same", lang)]
    if diff["pack"]:
        shown_fields = in_language(diff["pack"], lang)
        lines += ["", f"{word('pack', lang)} ({len(shown_fields)}):"]
        lines += [f"  ~ {c['field']}: {change_text(c, lang)}" for c in shown_fields]
    for key, sign in (("added", "+"), ("removed", "-")):
        if diff[key]:
            lines += ["", f"{word(key, lang)} ({len(diff[key])}):"]
            lines += [element_line(e, sign, lang) for e in diff[key]]
    if diff["changed"]:
        lines += ["", f"{word('changed', lang)} ({len(diff['changed'])}):"]
        for change in diff["changed"]:
            fields = "; ".join(f"{c['field']} {change_text(c, lang)}" for c in in_language(change["fields"], lang))
            lines.append(f"  ~ {word(change['kind'], lang)} {change['id']}: {fields}")
    lines += weight_lines(diff["effective_weights"], lang)
    return lines


def ref_text(ref: dict[str, Any]) -> str:
    return f"{ref['id']} {ref['version']} ({ref['hash']})"


def change_text(change: dict[str, Any], lang: Lang) -> str:
    """Old → new; an inherited default target is named as such with its value, not shown as missing."""
    def side(key: str) -> str:
        if change[key] is None and "effective" in change:
            return word("default", lang).format(value=change["effective"][key])
        return shown(change[key], lang)

    return f"{side('a')} → {side('b')}"


def in_language(changes: list[dict[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """The table shows a changed text in the reader's language only (JSON keeps both)."""
    other = ".en" if lang == "zh" else ".zh"
    kept = [c for c in changes if not c["field"].endswith(other)]
    return kept or changes


def element_line(element: dict[str, Any], sign: str, lang: Lang) -> str:
    parent = f" ({word('in', lang)} {element['parent']})" if element["parent"] else ""
    title = element["title"][lang]
    share = f"{word('share', lang)} {element['effective_weight']:.2%}"
    return f"  {sign} {word(element['kind'], lang)} {element['id']}{parent}: {title}  [{share}]"


def weight_lines(weights: list[dict[str, Any]], lang: Lang) -> list[str]:
    """Dimensions, and elements whose share among their siblings changed; the rest, which only follow their
    parent, are counted so that the table stays readable."""
    if not weights:
        return []
    lines = ["", f"{word('weights', lang)}:"]
    shown_here = [w for w in weights if w["kind"] == "dimension" or w["among_siblings"]]
    for w in shown_here:
        points = word("points", lang).format(change=w["change"] * 100)
        lines.append(f"  {word(w['kind'], lang)} {w['id']}: {w['a']:.2%} → {w['b']:.2%} ({points})")
    if len(weights) > len(shown_here):
        lines.append("  " + word("moved_along", lang).format(n=len(weights) - len(shown_here)))
    return lines


def shown(value: Any, lang: Lang, limit: int = 60) -> str:
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        value = value[lang]
    if isinstance(value, list) and all(isinstance(v, dict) and {"id", "min"} <= set(v) for v in value):
        value = ", ".join(f"{v['id']}≥{v['min']:g}" for v in value)  # grade bands
    if value is None:
        text = "—"
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
