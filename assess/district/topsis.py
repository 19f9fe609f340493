"""TOPSIS: how close each community comes to the best on every criterion at once.

r_ij = x_ij / sqrt(sum_i x_ij^2); v_ij = w_j r_ij; A+_j = max_i v_ij, A-_j = min_i v_ij; D+_i and D-_i the
Euclidean distances of row i to A+ and A-; C_i = D-_i / (D+_i + D-_i), ranked descending (all criteria
are benefits: a higher score is better). A criterion every community scores 0 on is left out (r undefined).
"""

from __future__ import annotations

import numpy as np


def closeness(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    norms = np.sqrt((matrix**2).sum(axis=0))
    r = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    v = r * weights
    best, worst = v.max(axis=0), v.min(axis=0)
    to_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    to_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = to_best + to_worst
    return np.divide(to_worst, total, out=np.full_like(total, 0.5), where=total > 0)
