"""Stage 3, scoring: checked answers and a pack in, a `ScoreResult` out.

Answers become 0-100 on fixed goalposts and are aggregated up the pack with the chosen weights (declared,
equal, AHP; with weight uncertainty), with coverage, Cronbach's alpha per dimension and warnings
(`score.score`). A new weighting method is one module here, chosen in `weights.effective_weights`.
"""
