"""Stage 4, cases: the case profiles coded from the theses, and benchmarking a community against them.

Takes a `ScoreResult`; gives the nearest documented cases per dimension and the cases strong where the
community is weak (`benchmark.benchmark`), each claim with the abstract's own words as evidence.
"""
