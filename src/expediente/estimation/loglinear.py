"""Log-linear multiple-systems estimation for a closed population.

The expected count of each observable cell ``w`` follows

    log mu_w = u + sum_j u_j w_j + sum_{terms} u_t prod_{j in t} w_j

and the unobserved cell (all zeros) has expected count ``exp(u)``: the *dark figure*. The
estimate of the population is ``n + exp(u_hat)``. The identifying assumption is that the
highest-order interaction is zero; it cannot be checked from the data.

Intervals:

* **Wald** on the log of the dark figure: ``n + exp(u_hat +- z se(u_hat))``.
* **Profile likelihood** (Cormack 1992): for each candidate N the model is refitted to the
  complete ``2**J`` table with ``N - n`` in the unobserved cell; the multinomial log-likelihood
  profiled over the other parameters gives a point estimate (its maximiser) and the interval
  where twice the drop from the maximum stays below the chi-square(1) quantile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2, norm

from expediente.estimation.captures import CaptureTable, index_patterns
from expediente.estimation.design import Design, Term, term_name
from expediente.estimation.errors import ModelNotEstimableError
from expediente.estimation.existence import EstimabilityCache
from expediente.estimation.poisson import fit_poisson

__all__ = [
    "LoglinearFit",
    "fit_loglinear",
    "parse_terms",
    "profile_interval",
]


@dataclass(frozen=True, eq=False)
class LoglinearFit:
    """A fitted log-linear model.

    Attributes:
        lists: List names.
        terms: Interaction terms in the model (list indices).
        empty_terms: Terms whose lists never overlap (fitted as minus infinity).
        n_observed: People recorded by at least one list.
        dark_figure: Estimated unobserved count ``exp(u_hat)``.
        log_dark_se: Standard error of ``u_hat``.
        loglik: Poisson log-likelihood.
        n_params: Parameters, counting each empty-overlap term as one.
        aic: Akaike information criterion (``-2 loglik + 2 n_params``).
        bic: ``-2 loglik + log(n_observed) n_params``.
        coefficients: Parameter name to estimate (empty-overlap terms omitted).
    """

    lists: tuple[str, ...]
    terms: tuple[Term, ...]
    empty_terms: tuple[Term, ...]
    n_observed: int
    dark_figure: float
    log_dark_se: float
    loglik: float
    n_params: int
    aic: float
    bic: float
    coefficients: dict[str, float]

    @property
    def estimate(self) -> float:
        """Estimated population size ``n + dark figure``."""
        return self.n_observed + self.dark_figure

    @property
    def term_names(self) -> tuple[str, ...]:
        """Model terms as ``"A:B"`` names."""
        return tuple(term_name(t, self.lists) for t in self.terms)

    def wald_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Wald interval on the log of the dark figure, shifted by ``n``."""
        z = norm.ppf(0.5 + level / 2.0)
        u = math.log(self.dark_figure)
        return (
            self.n_observed + math.exp(u - z * self.log_dark_se),
            self.n_observed + math.exp(u + z * self.log_dark_se),
        )


def parse_terms(spec: Sequence[str | Sequence[str] | Term], lists: Sequence[str]) -> list[Term]:
    """Turn ``["A:B", ("B", "C"), (0, 2)]`` into sorted index tuples, naming unknown lists."""
    out: list[Term] = []
    for item in spec:
        parts: Sequence[str | int]
        parts = item.split(":") if isinstance(item, str) else list(item)
        idx: list[int] = []
        for part in parts:
            if isinstance(part, int | np.integer):
                idx.append(int(part))
            elif part in lists:
                idx.append(list(lists).index(part))
            else:
                raise ModelNotEstimableError(
                    f"interaction {item!r}: unknown list {part!r}; lists are {list(lists)}"
                )
        if len(set(idx)) < 2 or len(set(idx)) != len(idx):
            raise ModelNotEstimableError(
                f"interaction {_shown(item)!r}: an interaction joins two or more different "
                "lists, e.g. 'A:B'"
            )
        if len(idx) == len(lists):
            raise ModelNotEstimableError(
                f"interaction {_shown(item)!r}: the highest-order interaction cannot be fitted: "
                "assuming it is zero is what identifies the unobserved count"
            )
        out.append(tuple(sorted(idx)))
    return out


def _shown(item: str | Sequence[str] | Term) -> str:
    return item if isinstance(item, str) else ":".join(str(x) for x in item)


def _check(
    design: Design,
    y: np.ndarray,
    col: np.ndarray,
    cell: np.ndarray,
    names: list[str],
    cache: EstimabilityCache | None = None,
) -> None:
    cache = cache or EstimabilityCache()
    exists, ident = cache.check(design.x, y, col, cell)
    model = " + ".join(names) if names else "main effects only"
    if not ident:
        raise ModelNotEstimableError(
            f"model [{model}] is not identifiable from this table: some parameters, possibly "
            "the unobserved count, are not determined by the observed cells (too many "
            "interactions for the overlaps available); drop interaction terms"
        )
    if not exists and not names:
        raise ModelNotEstimableError(
            "model [main effects only]: the maximum-likelihood estimate does not exist: no "
            "finite total fits these overlaps (a list records nobody, or too few people are on "
            "more than one list); drop the lists that record nobody, or merge small lists"
        )
    if not exists:
        raise ModelNotEstimableError(
            f"model [{model}]: the maximum-likelihood estimate does not exist (a parameter "
            "would be infinite) because of zero cells in the table; drop the interaction "
            "terms involving lists whose overlaps are empty or very small"
        )


def fit_loglinear(
    table: CaptureTable,
    terms: Sequence[str | Sequence[str] | Term] = (),
    *,
    check: bool = True,
) -> LoglinearFit:
    """Fit main effects plus the given interaction terms (default: independence).

    Raises:
        ModelNotEstimableError: if the MLE does not exist or the model is not identifiable.
    """
    idx_terms = parse_terms(terms, table.lists)
    design = Design.build(table.n_lists, idx_terms)
    y = table.full_counts()[1:].astype(float)
    included = np.ones((1, len(idx_terms)), dtype=bool)
    col, cell, empty = design.masks(y[None, :], included)
    if check:
        _check(design, y, col[0], cell[0], [term_name(t, table.lists) for t in idx_terms])
    fit = fit_poisson(design.x, y[None, :], col, cell)
    return _to_fit(table, design, fit, 0, included[0], empty[0], col[0])


def _to_fit(
    table: CaptureTable,
    design: Design,
    fit,
    b: int,
    included: np.ndarray,
    empty: np.ndarray,
    col: np.ndarray,
) -> LoglinearFit:
    names = ["(dark figure, log)", *table.lists, *(term_name(t, table.lists) for t in design.terms)]
    coefs = {names[i]: float(fit.beta[b, i]) for i in range(len(names)) if col[i]}
    n_params = int(fit.n_params[b] + empty.sum())
    ll = float(fit.loglik[b])
    n = table.n_observed
    return LoglinearFit(
        lists=table.lists,
        terms=tuple(t for t, inc in zip(design.terms, included, strict=True) if inc),
        empty_terms=tuple(t for t, e in zip(design.terms, empty, strict=True) if e),
        n_observed=n,
        dark_figure=float(math.exp(fit.beta[b, 0])),
        log_dark_se=float(math.sqrt(fit.cov_intercept[b])),
        loglik=ll,
        n_params=n_params,
        aic=-2 * ll + 2 * n_params,
        bic=-2 * ll + math.log(max(n, 2)) * n_params,
        coefficients=coefs,
    )


def profile_interval(
    table: CaptureTable, terms: Sequence[str | Sequence[str] | Term] = (), level: float = 0.95
) -> tuple[float, float, float]:
    """Multinomial profile-likelihood estimate and interval for N.

    Returns:
        ``(n_hat, lower, upper)`` where ``n_hat`` maximises the profile likelihood (slightly
        different from the Poisson estimate ``n + exp(u_hat)``).
    """
    idx_terms = parse_terms(terms, table.lists)
    j = table.n_lists
    design = Design.build(j, idx_terms)
    pats = index_patterns(np.arange(2**j), j)
    x_full = np.concatenate(
        [
            np.ones((2**j, 1)),
            pats.astype(float),
            np.stack([pats[:, list(t)].all(axis=1) for t in idx_terms], axis=1).astype(float)
            if idx_terms
            else np.zeros((2**j, 0)),
        ],
        axis=1,
    )
    y_obs = table.full_counts().astype(float)
    col, cell, _ = design.masks(y_obs[None, 1:], np.ones((1, len(idx_terms)), dtype=bool))
    cell_full = np.concatenate([[True], cell[0]])
    col_full = col[0].copy()
    col_full[0] = True
    n = float(table.n_observed)
    base = fit_loglinear(table, idx_terms)

    def loglik(d: float) -> float:
        y = y_obs.copy()
        y[0] = d
        fit = fit_poisson(x_full, y[None, :], col_full[None, :], cell_full[None, :])
        mu = fit.mu[0]
        big_n = n + d
        keep = cell_full & (y > 0)
        ll = float(np.sum(y[keep] * np.log(mu[keep] / big_n)))
        return float(gammaln(big_n + 1) - gammaln(d + 1) + ll)

    d0 = base.dark_figure
    res = minimize_scalar(
        lambda s: -loglik(math.exp(s)),
        bounds=(math.log(d0) - 2.0, math.log(d0) + 2.0),
        method="bounded",
        options={"xatol": 1e-7},
    )
    d_hat = math.exp(res.x)
    l_max = -res.fun
    crit = chi2.ppf(level, 1) / 2.0

    def gap(d: float) -> float:
        return l_max - loglik(d) - crit

    lo_end = d_hat
    lower_d = 0.0
    while lo_end > 1e-9:
        lo_end /= 2.0
        if gap(lo_end) > 0:
            lower_d = brentq(gap, lo_end, d_hat, xtol=1e-6)
            break
    hi_end = d_hat
    for _ in range(60):
        hi_end *= 2.0
        if gap(hi_end) > 0:
            break
    upper_d = brentq(gap, d_hat, hi_end, xtol=1e-6) if gap(hi_end) > 0 else math.inf
    return n + d_hat, n + lower_d, n + upper_d
