"""Stage 5, actions: the countermeasure library and the prioritized plan for a community's weak points.

Takes a `ScoreResult` (and the cases, for named practices); gives a `Recommendation`: countermeasures for
the indicators below target, ranked by weight × gap and grouped by horizon (`recommend.recommend`).
"""
