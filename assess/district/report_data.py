"""Everything a district's report shows, in no language yet: the league, each community's action plan, the
district's own action plan, the weights the data alone would give, and the trend since an earlier round.

The district action plan sums, for every countermeasure, the overall-score points it addresses in each
community (Σ over communities of weight × gap, the `points` of `actions.recommend`), so a countermeasure
that answers a gap shared by many communities comes first; the communities it serves are listed with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assess.actions.library import load_library
from assess.actions.recommend import Action, Recommendation, recommend
from assess.district.league import League, score_of
from assess.district.objective import critic_weights, entropy_weights
from assess.district.trend import Trend
from assess.errors import AssessError
from assess.packs.model import Pack

PLAN_SHOWN = 8  # countermeasures in the district action plan
BELOW_TARGET_SHOWN = 10  # indicators in the "below target in most communities" table


@dataclass
class DistrictAction:
    action: Action  # as recommended to the first community it serves (titles, actors, horizon)
    points: float  # Σ over the communities it serves of weight × gap
    communities: list[str]  # names of the communities it serves, highest points first


@dataclass
class BelowTarget:
    indicator: str
    communities: int  # how many communities score it below target
    mean_gap: float  # over those communities
    scored: int  # how many communities scored it at all


@dataclass
class DistrictReport:
    league: League
    pack: Pack
    plans: dict[str, Recommendation]  # member id -> its action plan
    district_plan: list[DistrictAction]
    below_target: list[BelowTarget]
    data_weights: dict[str, dict[str, float] | str]  # method -> dimension weights, or why there are none
    trend: Trend | None = None
    notes: list[str] = field(default_factory=list)


def build_district_report(league: League, trend: Trend | None = None) -> DistrictReport:
    pack = league.pack
    library = load_library(None, pack)
    plans = {s.member.id: recommend(s.result, library, pack) for s in league.standings}
    return DistrictReport(
        league=league, pack=pack, plans=plans, district_plan=district_plan(league, plans),
        below_target=below_target(league, pack), data_weights=data_weights(league, pack), trend=trend,
    )


def district_plan(league: League, plans: dict[str, Recommendation]) -> list[DistrictAction]:
    totals: dict[str, DistrictAction] = {}
    served: dict[str, list[tuple[float, str]]] = {}
    for standing in league.standings:
        for action in plans[standing.member.id].actions:
            entry = totals.setdefault(action.id, DistrictAction(action, 0.0, []))
            entry.points += action.points
            served.setdefault(action.id, []).append((action.points, standing.result.community.name))
    for action_id, entry in totals.items():
        entry.points = round(entry.points, 4)
        entry.communities = [name for _, name in sorted(served[action_id], key=lambda p: (-p[0], p[1]))]
    return sorted(totals.values(), key=lambda a: (-a.points, a.action.id))[:PLAN_SHOWN]


def below_target(league: League, pack: Pack) -> list[BelowTarget]:
    rows = []
    for _, ind in pack.indicators():
        scored = [i for s in league.standings for i in s.result.indicators if i.id == ind.id and i.score is not None]
        gaps = [i.gap for i in scored if i.gap]
        if gaps:
            rows.append(BelowTarget(ind.id, len(gaps), round(sum(gaps) / len(gaps), 2), len(scored)))
    return sorted(rows, key=lambda r: (-r.communities, -r.mean_gap, r.indicator))[:BELOW_TARGET_SHOWN]


def data_weights(league: League, pack: Pack) -> dict[str, dict[str, float] | str]:
    """Entropy and CRITIC dimension weights of this round's dimension scores, beside the ones used, so
    officials see what the data alone would say; a method that cannot weigh them gives its reason."""
    dims = [d.id for d in pack.dimensions]
    matrix = np.array([[score_of(s.result, d) for d in dims] for s in league.standings], dtype=float)
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    names = [d.title.zh for d in pack.dimensions]
    found: dict[str, dict[str, float] | str] = {"used": league.dimension_weights}
    for method, weigh in (("entropy", entropy_weights), ("critic", critic_weights)):
        try:
            found[method] = dict(zip(dims, weigh(complete, names).tolist(), strict=True))
        except AssessError as exc:
            found[method] = str(exc)
    return found
