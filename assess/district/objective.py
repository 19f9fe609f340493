"""Objective weights from the spread of the communities' scores: entropy (熵权法), CRITIC, and combined.

Let x_ij be community i's score on criterion j (0-100, higher is better), n communities. Both methods
start from the min-max normalized x'_ij = (x_ij - min_i x_ij) / (max_i x_ij - min_i x_ij); a criterion on
which every community scores the same carries no information and gets weight 0 (no shift constant is
added), and when every criterion does, no weights exist and the caller is told so.

- Entropy: p_ij = x'_ij / sum_i x'_ij; e_j = -(1 / ln n) sum_i p_ij ln p_ij (0 ln 0 = 0);
  w_j = (1 - e_j) / sum_k (1 - e_k).
- CRITIC: sigma_j the sample standard deviation (n - 1) of x'_j, r_jk the Pearson correlation;
  C_j = sigma_j sum_k (1 - r_jk); w_j = C_j / sum_k C_k (a constant criterion: C_j = 0).
- Combined (组合赋权): w_j = a_j b_j / sum_k a_k b_k, with a the subjective and b the entropy weights.
"""

from __future__ import annotations

import numpy as np

from assess.errors import AssessError

MIN_COMMUNITIES = 3


def min_max(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x', which columns vary): constant columns are all zero in x'."""
    low, high = matrix.min(axis=0), matrix.max(axis=0)
    varies = high > low
    spread = np.where(varies, high - low, 1.0)
    return (matrix - low) / spread * varies, varies


def checked(matrix: np.ndarray, names: list[str]) -> None:
    if matrix.shape[0] < MIN_COMMUNITIES:
        raise AssessError(
            f"客观赋权至少需要 {MIN_COMMUNITIES} 个社区的完整得分，现有 {matrix.shape[0]} 个 / objective weights need "
            f"complete scores of at least {MIN_COMMUNITIES} communities; {matrix.shape[0]} have them"
        )
    if not (matrix.max(axis=0) > matrix.min(axis=0)).any():
        raise AssessError(
            f"所有社区在 {'、'.join(names)} 上得分完全相同，数据无法区分各项，不能客观赋权 / every community scores "
            f"the same on {', '.join(names)}: the data cannot tell them apart, so there are no objective weights"
        )


def entropy_weights(matrix: np.ndarray, names: list[str]) -> np.ndarray:
    checked(matrix, names)
    normalized, varies = min_max(matrix)
    totals = normalized.sum(axis=0)
    p = np.divide(normalized, totals, out=np.zeros_like(normalized), where=totals > 0)
    logs = np.log(p, out=np.zeros_like(p), where=p > 0)
    entropy = -(p * logs).sum(axis=0) / np.log(matrix.shape[0])
    information = np.where(varies, 1 - entropy, 0.0)
    return information / information.sum()


def critic_weights(matrix: np.ndarray, names: list[str]) -> np.ndarray:
    checked(matrix, names)
    normalized, varies = min_max(matrix)
    sigma = normalized.std(axis=0, ddof=1)
    correlation = np.eye(matrix.shape[1])
    if varies.sum() > 1:
        moving = np.flatnonzero(varies)
        correlation[np.ix_(moving, moving)] = np.corrcoef(normalized[:, moving], rowvar=False)
    conflict = (1 - correlation).sum(axis=1)
    information = np.where(varies, sigma * conflict, 0.0)
    if information.sum() <= 1e-12:
        raise AssessError(
            f"{'、'.join(names)} 在各社区间完全相关，CRITIC 无法区分其信息量；请改用熵权法 / these criteria are "
            "perfectly correlated across the communities, so CRITIC cannot weight them; use entropy weights"
        )
    return information / information.sum()


def combined_weights(subjective: np.ndarray, entropy: np.ndarray) -> np.ndarray:
    product = subjective * entropy
    return product / product.sum()
