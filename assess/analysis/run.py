"""`assess analyze`: every research figure of a community's resident survey, as one result.

The JSON (`analysis_json`) is the stable shape: items, scores, reliability, validity, fuzzy, groups.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from assess.analysis.alpha import AlphaResult, cronbach
from assess.analysis.descriptives import ItemStats, Stats, item_stats, respondent_scores, stats_of
from assess.analysis.fuzzy import GRADE_NAMES, Fuzzy, fuzzy_evaluation, grade_values, left_out
from assess.analysis.groups import group_statistics
from assess.analysis.survey import Survey
from assess.analysis.validity import Validity, validity
from assess.scoring.draws import one_blas_thread


@dataclass
class Analysis:
    survey: Survey
    items: list[ItemStats]
    dimension_stats: dict[str, Stats]
    overall_stats: Stats
    respondent_dimensions: np.ndarray
    respondent_overall: np.ndarray
    reliability: list[AlphaResult]
    validity: Validity
    fuzzy_overall: Fuzzy | None
    fuzzy_dimensions: dict[str, Fuzzy]
    missing: str
    weights: str


def analyze(survey: Survey, missing: str = "listwise", factors: int | None = None,
            weights: str = "declared") -> Analysis:
    """Every figure of the survey. BLAS runs on one thread: the matrices are items × items, where OpenBLAS's
    threads cost more than they bring (see `scoring.draws.one_blas_thread`)."""
    with one_blas_thread():
        return analyzed(survey, missing, factors, weights)


def analyzed(survey: Survey, missing: str, factors: int | None, weights: str) -> Analysis:
    pack = survey.pack.pack
    dims, overall = respondent_scores(survey, weights)
    ids = [q.id for q in survey.items]
    reliability = [cronbach("overall", ids, survey.scores, missing)]
    for dim_id, columns in survey.dimension_items().items():
        reliability.append(cronbach(dim_id, [ids[j] for j in columns], survey.scores[:, columns], missing))
    fuzzy_overall, fuzzy_dims = fuzzy_evaluation(survey, weights)
    return Analysis(
        survey, item_stats(survey),
        {d.id: stats_of(dims[:, k]) for k, d in enumerate(pack.dimensions)}, stats_of(overall), dims, overall,
        reliability, validity(survey, factors, missing), fuzzy_overall, fuzzy_dims, missing, weights,
    )


def analysis_json(result: Analysis) -> dict:
    survey, pack = result.survey, result.survey.pack.pack
    titles = {q.id: q.title for q in survey.items}
    return {
        "community": survey.community,
        "pack": {"id": pack.id, "version": pack.version, "hash": survey.pack.hash},
        "respondents": survey.respondents,
        "items": [{"id": s.id, "title": titles[s.id].zh, "dimension": s.dimension, **asdict(s.stats),
                   "shares": s.shares} for s in result.items],
        "scores": {"overall": asdict(result.overall_stats),
                   "dimensions": {d: asdict(s) for d, s in result.dimension_stats.items()}},
        "reliability": {"method": result.missing, "min_complete": 10, "scopes": [alpha_json(a) for a in
                                                                               result.reliability]},
        "validity": validity_json(result.validity),
        "fuzzy": {"grades": [{"zh": n.zh, "en": n.en, "value": v} for n, v in zip(GRADE_NAMES, grade_values(pack),
                                                                                     strict=True)],
                  "overall": result.fuzzy_overall.as_json() if result.fuzzy_overall else None,
                  "dimensions": {d: f.as_json() for d, f in result.fuzzy_dimensions.items()},
                  "left_out": left_out(survey)},
        "weights": result.weights,
        "groups": group_statistics(result),
        "warnings": [{"zh": zh, "en": en} for zh, en in survey.warnings],
        "notes": [{"zh": zh, "en": en} for zh, en in survey.notes],
    }


def alpha_json(alpha: AlphaResult) -> dict:
    return {"scope": alpha.scope, "method": alpha.method, "alpha": alpha.alpha, "items": alpha.items,
            "respondents": alpha.respondents,
            "item_stats": [{"id": i.id, "alpha_if_deleted": i.alpha_if_deleted, "item_total": i.item_total}
                           for i in alpha.item_stats],
            "not_computed": {"zh": alpha.reason[0], "en": alpha.reason[1]} if alpha.reason else None}


def validity_json(found: Validity) -> dict:
    return {"missing": found.missing, "respondents": found.respondents, "kmo": found.kmo,
            "kmo_items": found.kmo_items, "bartlett": found.bartlett,
            "efa": {"factors": found.factors, "rotation": "varimax", "extraction": "minres",
                    "loadings": found.loadings, "variance": found.variance,
                    "factor_dimensions": found.factor_dimensions, "off_dimension": found.off_dimension},
            "not_computed": {"zh": found.reason[0], "en": found.reason[1]} if found.reason else None}
