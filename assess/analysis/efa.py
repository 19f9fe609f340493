"""Exploratory factor analysis on a correlation matrix: minimum-residual (MINRES) extraction and varimax.

The method of R's `psych::fa(fm = "minres")` as factor-analyzer 0.5.1 implements it (written here because
that release fails under scikit-learn 1.6 and later; the tests compare with its output):

- uniquenesses ψ start at 1 − SMC (SMC_i = 1 − 1/R⁻¹_ii) and minimize f(ψ) = Σ (R* − ΛΛᵀ)², where R* is R
  with 1 − ψ on the diagonal and Λ the first m eigenvectors of R* scaled by √eigenvalue (L-BFGS-B, ψ in
  [0.005, 1]). With R* = Σ_k λ_k v_k v_kᵀ the residual is Σ_{k>m} λ_k v_k v_kᵀ and f = Σ_{k>m} λ_k²; as
  ∂R*/∂ψ_i = −e_i e_iᵀ gives ∂λ_k/∂ψ_i = −v_ik², the gradient is ∂f/∂ψ_i = −2 Σ_{k>m} λ_k v_ik² =
  −2 (R* − ΛΛᵀ)_ii: one eigendecomposition gives both f and its gradient (instead of p + 1 of them for
  a numeric gradient);
- varimax with Kaiser normalization (rows scaled to unit length, rotated, scaled back), iterated by SVD
  until the criterion grows by less than 1e-5 (at most 500 times);
- each factor's sign makes its loadings sum positive; factors are ordered by explained variance.
"""

from __future__ import annotations

import numpy as np

EPSILON = np.finfo(float).eps * 100


def loadings_of(reduced: np.ndarray, factors: int, floor: float | None) -> np.ndarray:
    values, vectors = np.linalg.eigh(reduced)
    values, vectors = values[::-1][:factors], vectors[:, ::-1][:, :factors]
    values = np.maximum(values, floor) if floor is not None else np.maximum(values, 0)
    return vectors * np.sqrt(values)


def minres(correlation: np.ndarray, factors: int) -> np.ndarray:
    from scipy.optimize import minimize

    smc = 1 - 1 / np.diag(np.linalg.inv(correlation))

    def reduced(psi: np.ndarray) -> np.ndarray:
        matrix = correlation.copy()
        np.fill_diagonal(matrix, 1 - psi)
        return matrix

    def residual(psi: np.ndarray) -> tuple[float, np.ndarray]:
        matrix = reduced(psi)
        model = loadings_of(matrix, factors, EPSILON)
        left = matrix - model @ model.T
        return float((left ** 2).sum()), -2 * np.diag(left)

    found = minimize(residual, 1 - smc, jac=True, method="L-BFGS-B", bounds=[(0.005, 1)] * len(correlation),
                     options={"maxiter": 1000})
    return loadings_of(reduced(found.x), factors, None)


def varimax(loadings: np.ndarray, tolerance: float = 1e-5, max_iter: int = 500) -> np.ndarray:
    rows, columns = loadings.shape
    if columns < 2:
        return loadings
    lengths = np.sqrt((loadings ** 2).sum(axis=1))
    x = loadings / lengths[:, None]
    rotation = np.eye(columns)
    criterion = 0.0
    for _ in range(max_iter):
        previous = criterion
        basis = x @ rotation
        u, s, vt = np.linalg.svd(x.T @ (basis ** 3 - basis * (basis ** 2).sum(axis=0) / rows))
        rotation = u @ vt
        criterion = float(s.sum())
        if criterion < previous * (1 + tolerance):
            break
    return (x @ rotation) * lengths[:, None]


def efa(correlation: np.ndarray, factors: int) -> tuple[np.ndarray, np.ndarray]:
    """(loadings p × m, variance explained per factor), factors ordered by variance."""
    loadings = varimax(minres(correlation, factors))
    if factors > 1:
        signs = np.sign(loadings.sum(axis=0))
        loadings = loadings * np.where(signs == 0, 1, signs)
    variance = (loadings ** 2).sum(axis=0)
    order = np.argsort(variance)[::-1]
    return loadings[:, order], variance[order]
