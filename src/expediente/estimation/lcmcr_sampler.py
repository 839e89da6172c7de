"""Gibbs sampler of the latent-class capture-recapture model (Manrique-Vallier 2016).

Compiled with numba; it works on the distinct observed patterns and their counts, so the cost
of one iteration is ``O(M K J)`` whatever the number of people. One call runs one chain with
numba's own generator seeded inside the compiled code, so a chain is reproducible from its seed.
The compiled code releases the GIL, so chains can run on threads in parallel (numba keeps one
generator state per thread).

The model: each person belongs to a latent class ``k`` with weight ``pi_k`` (stick-breaking,
truncated at ``K``, concentration ``alpha ~ Gamma(a_alpha, b_alpha)``); given the class, lists
record the person independently with probabilities ``lambda_jk ~ Beta(1, 1)``; the prior on
the population size is ``p(N) ~ 1/N``. People missed by every list are augmented: their number
``n0`` is drawn from a negative binomial given the current probability ``p0`` of being missed.

Speed: most of an iteration is spent drawing random numbers (``J K`` beta variates, the class
allocations), so the hot paths use a ziggurat normal generator (Marsaglia & Tsang 2000, in
Doornik's 2005 single-uniform form), Marsaglia-Tsang gamma variates, a transformed-rejection
binomial (Hormann 1993) and class weights in linear rather than log space. The stick-breaking
weights, which can become astronomically small, stay in log space.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["run_chain"]


def _ziggurat_tables(blocks: int = 128) -> tuple[np.ndarray, np.ndarray]:
    # Layer edges x_i and ratios x_{i+1}/x_i of the ziggurat for the standard normal.
    r = 3.442619855899
    v = 9.91256303526217e-3
    x = np.zeros(blocks + 1)
    f = math.exp(-0.5 * r * r)
    x[0] = v / f
    x[1] = r
    for i in range(2, blocks):
        x[i] = math.sqrt(-2.0 * math.log(v / x[i - 1] + f))
        f = math.exp(-0.5 * x[i] * x[i])
    x[blocks] = 0.0
    ratio = x[1:] / x[:-1]
    return x, ratio


_ZX, _ZR = _ziggurat_tables()
_ZTAIL = 3.442619855899


@njit(cache=True)
def _normal() -> float:
    # Standard normal by the ziggurat; one uniform gives both the layer (7 bits) and the
    # position in it (the remaining 46 bits).
    while True:
        u1 = np.random.random() * 128.0
        i = int(u1)
        u = 2.0 * (u1 - i) - 1.0
        if abs(u) < _ZR[i]:
            return u * _ZX[i]
        if i == 0:
            # tail beyond R (Marsaglia 1964)
            while True:
                x = math.log(1.0 - np.random.random()) / _ZTAIL
                y = math.log(1.0 - np.random.random())
                if -2.0 * y >= x * x:
                    return (x - _ZTAIL) if u < 0 else (_ZTAIL - x)
        x = u * _ZX[i]
        f0 = math.exp(-0.5 * (_ZX[i] * _ZX[i] - x * x))
        f1 = math.exp(-0.5 * (_ZX[i + 1] * _ZX[i + 1] - x * x))
        if f1 + np.random.random() * (f0 - f1) < 1.0:
            return x


@njit(cache=True)
def _gamma(shape: float) -> float:
    # Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000), with the usual squeeze.
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = _normal()
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = np.random.random()
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            return d * v
        if u > 0.0 and math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            return d * v


@njit(cache=True)
def _log_gamma_draw(shape: float) -> float:
    # log of a Gamma(shape, 1) draw; for shape < 1 use the boost G(a) = G(a + 1) U^(1/a) so the
    # logarithm stays finite when the draw itself would underflow to zero.
    if shape < 1.0:
        g = _gamma(shape + 1.0)
        u = np.random.random()
        while u <= 0.0:
            u = np.random.random()
        return math.log(g) + math.log(u) / shape
    return math.log(_gamma(shape))


@njit(cache=True)
def _log_beta_draw(a: float, b: float) -> tuple[float, float]:
    # (log X, log(1 - X)) for X ~ Beta(a, b), from two log-gamma draws.
    la = _log_gamma_draw(a)
    lb = _log_gamma_draw(b)
    m = max(la, lb)
    lse = m + math.log(math.exp(la - m) + math.exp(lb - m))
    return la - lse, lb - lse


@njit(cache=True)
def _binomial_btrs(n: int, p: float) -> int:
    # Binomial(n, p) for p <= 0.5 and n p >= 10 by transformed rejection with squeeze
    # (Hormann 1993, algorithm BTRS): about two uniforms per draw, no set-up table.
    q = 1.0 - p
    spq = math.sqrt(n * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    # The constants of the exact test are only needed when the squeeze fails (rarely), so
    # they are computed lazily: the two log-gamma calls would dominate the cost otherwise.
    lpq = 0.0
    m = 0.0
    h = math.nan
    while True:
        u = np.random.random() - 0.5
        v = np.random.random()
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        if v <= 0.0:
            continue
        if math.isnan(h):
            lpq = math.log(p / q)
            m = math.floor((n + 1) * p)
            h = math.lgamma(m + 1.0) + math.lgamma(n - m + 1.0)
        v = math.log(v * alpha / (a / (us * us) + b))
        if v <= h - math.lgamma(k + 1.0) - math.lgamma(n - k + 1.0) + (k - m) * lpq:
            return int(k)


@njit(cache=True)
def _binomial(n: int, p: float) -> int:
    if p <= 0.0 or n == 0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - _binomial(n, 1.0 - p)
    if n * p >= 10.0:
        return _binomial_btrs(n, p)
    # Inversion: walk up the probabilities from P(0) = (1 - p)^n; cheap because n p < 10,
    # and most draws stop at 0 when p is tiny (classes with negligible weight).
    s = p / (1.0 - p)
    a = (n + 1) * s
    while True:
        r = math.exp(n * math.log1p(-p))
        u = np.random.random()
        x = 0
        while u > r:
            u -= r
            x += 1
            if x > n:
                break
            r *= a / x - s
        if x <= n:
            return x


@njit(cache=True)
def _multinomial(n: int, w: np.ndarray, out: np.ndarray) -> None:
    # Draw Multinomial(n, w / sum(w)) into out. Small n: n categorical draws (one uniform
    # each); large n: sequential conditional binomials.
    k_count = w.shape[0]
    total = 0.0
    for k in range(k_count):
        total += w[k]
        out[k] = 0
    if n <= 2 * k_count:
        for _ in range(n):
            u = np.random.random() * total
            k = 0
            acc = w[0]
            while u >= acc and k < k_count - 1:
                k += 1
                acc += w[k]
            out[k] += 1
        return
    remaining = n
    for k in range(k_count - 1):
        if remaining == 0:
            return
        q = w[k] / total if total > 0.0 else 0.0
        x = _binomial(remaining, min(max(q, 0.0), 1.0))
        out[k] = x
        remaining -= x
        total -= w[k]
    out[k_count - 1] = remaining


@njit(cache=True, nogil=True)
def run_chain(
    patterns: np.ndarray,
    counts: np.ndarray,
    k_classes: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    n_samples: int,
    thinning: int,
    seed: int,
    warmup: int = 500,
    max_ratio: float = 20.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run one chain.

    Args:
        patterns: ``(M, J)`` int8 distinct observed patterns.
        counts: ``(M,)`` int64 counts.
        k_classes: Truncation level K.
        a_alpha: Shape of the Gamma prior on alpha.
        b_alpha: Rate of the Gamma prior on alpha.
        burnin: Iterations discarded after the warm-up.
        n_samples: Draws kept.
        thinning: Iterations between kept draws.
        seed: Seed of this chain.
        warmup: Initial iterations without the alpha update, before relabelling classes.
        max_ratio: ``n0`` is redrawn while it exceeds ``max_ratio * n``.

    Returns:
        ``(N, k_star, alpha, p0)`` traces of length ``n_samples``.
    """
    np.random.seed(seed)
    m_count, j_count = patterns.shape
    k_count = k_classes
    n = 0
    for m in range(m_count):
        n += counts[m]
    # lambda starts at each list's observed marginal rate, in every class.
    lam = np.empty((j_count, k_count))
    for j in range(j_count):
        ones = 0
        for m in range(m_count):
            ones += counts[m] * patterns[m, j]
        rate = min(max(ones / n, 1e-6), 1.0 - 1e-6)
        for k in range(k_count):
            lam[j, k] = rate
    one_m_lam = 1.0 - lam
    alpha = 0.3 / k_count
    log_pi = np.empty(k_count)
    pi = np.empty(k_count)
    rest = 0.0  # log of the stick left
    for k in range(k_count):
        if k < k_count - 1:
            lv, l1mv = _log_beta_draw(1.0, 1.0)
        else:
            lv, l1mv = 0.0, -np.inf
        log_pi[k] = lv + rest
        rest += l1mv
    for k in range(k_count):
        pi[k] = math.exp(log_pi[k])
    n0 = 0
    alloc = np.zeros((m_count, k_count), dtype=np.int64)
    alloc0 = np.zeros(k_count, dtype=np.int64)
    ones_jk = np.zeros((j_count, k_count))
    nk = np.zeros(k_count)
    w = np.empty(k_count)
    base = np.empty(k_count)
    odds = np.empty((j_count, k_count))
    row = np.zeros(k_count, dtype=np.int64)
    # lists recording each pattern, flattened: pattern m uses on_list[on_start[m]:on_start[m+1]]
    on_start = np.zeros(m_count + 1, dtype=np.int64)
    for m in range(m_count):
        on_start[m + 1] = on_start[m]
        for j in range(j_count):
            if patterns[m, j] == 1:
                on_start[m + 1] += 1
    on_list = np.empty(on_start[m_count], dtype=np.int64)
    for m in range(m_count):
        t = on_start[m]
        for j in range(j_count):
            if patterns[m, j] == 1:
                on_list[t] = j
                t += 1
    out_n = np.empty(n_samples)
    out_k = np.empty(n_samples)
    out_alpha = np.empty(n_samples)
    out_p0 = np.empty(n_samples)
    total_iter = warmup + burnin + n_samples * thinning
    saved = 0
    for it in range(total_iter):
        # 1. allocate observed people of each pattern to classes
        for k in range(k_count):
            nk[k] = alloc0[k]
            for j in range(j_count):
                ones_jk[j, k] = 0.0
        # weight of class k for a pattern: pi_k prod_j (1 - lambda_jk) times the odds
        # lambda_jk / (1 - lambda_jk) of each list that recorded the pattern (few per pattern)
        for k in range(k_count):
            s = pi[k]
            for j in range(j_count):
                s *= one_m_lam[j, k]
                odds[j, k] = lam[j, k] / one_m_lam[j, k]
            base[k] = s
        for m in range(m_count):
            for k in range(k_count):
                s = base[k]
                for t in range(on_start[m], on_start[m + 1]):
                    s *= odds[on_list[t], k]
                w[k] = s
            _multinomial(counts[m], w, row)
            for k in range(k_count):
                alloc[m, k] = row[k]
                nk[k] += row[k]
                if row[k] > 0:
                    for j in range(j_count):
                        if patterns[m, j] == 1:
                            ones_jk[j, k] += row[k]
        # 2. lambda | allocation (the augmented unobserved contribute zeros everywhere);
        #    both Beta shapes are >= 1 so plain gamma ratios are safe here.
        for j in range(j_count):
            for k in range(k_count):
                a1 = ones_jk[j, k]
                b1 = nk[k] - a1
                if a1 == 0.0:
                    # Beta(1, 1 + b1) = 1 - U^(1 / (1 + b1)): one uniform instead of two
                    # gamma draws (the common case for empty or all-unobserved classes).
                    t = math.log(1.0 - np.random.random()) / (1.0 + b1)
                    one_m_lam[j, k] = math.exp(t)
                    lam[j, k] = -math.expm1(t)
                elif b1 == 0.0:
                    t = math.log(1.0 - np.random.random()) / (1.0 + a1)
                    lam[j, k] = math.exp(t)
                    # keep 1 - lambda positive: the class weights divide by it
                    one_m_lam[j, k] = max(-math.expm1(t), 1e-300)
                else:
                    ga = _gamma(1.0 + a1)
                    gb = _gamma(1.0 + b1)
                    lam[j, k] = ga / (ga + gb)
                    one_m_lam[j, k] = gb / (ga + gb)
        # 3. stick-breaking weights (log space: the tail weights can underflow)
        above = 0.0
        for k in range(k_count):
            above += nk[k]
        rest = 0.0
        for k in range(k_count):
            above -= nk[k]
            if k < k_count - 1:
                if nk[k] == 0.0:
                    # Beta(1, b) = 1 - U^(1/b), exact and stable in log space for tiny b
                    l1mv = math.log(1.0 - np.random.random()) / (alpha + above)
                    lv = math.log(-math.expm1(l1mv)) if l1mv < 0.0 else -np.inf
                else:
                    lv, l1mv = _log_beta_draw(1.0 + nk[k], alpha + above)
            else:
                lv, l1mv = 0.0, -np.inf
            log_pi[k] = lv + rest
            rest += l1mv
            pi[k] = math.exp(log_pi[k])
        # 4. probability of being missed by every list
        p0 = 0.0
        for k in range(k_count):
            s = pi[k]
            for j in range(j_count):
                s *= one_m_lam[j, k]
            w[k] = s
            p0 += s
        p0 = min(p0, 1.0 - 1e-12)
        # 5. number missed: failures before n successes with success probability 1 - p0,
        #    drawn as a gamma-Poisson mixture; redrawn above the cap as the reference does.
        while True:
            lam0 = np.random.gamma(n, p0 / (1.0 - p0)) if p0 > 0 else 0.0
            n0 = np.random.poisson(lam0) if lam0 > 0 else 0
            if n0 <= max_ratio * n:
                break
        # 6. allocate the missed people to classes
        _multinomial(n0, w, alloc0)
        # 7. concentration (skipped during the warm-up)
        if it >= warmup:
            alpha = np.random.gamma(a_alpha + k_count - 1.0, 1.0 / (b_alpha - log_pi[-1]))
            alpha = max(alpha, 1e-300)
        # after the warm-up, relabel classes by decreasing weight
        if it == warmup - 1:
            order = np.argsort(-log_pi)
            log_pi = log_pi[order].copy()
            pi = pi[order].copy()
            lam = lam[:, order].copy()
            one_m_lam = one_m_lam[:, order].copy()
            alloc0 = alloc0[order].copy()
        if it >= warmup + burnin and (it - warmup - burnin + 1) % thinning == 0:
            occupied = 0
            for k in range(k_count):
                tot = alloc0[k]
                for m in range(m_count):
                    tot += alloc[m, k]
                if tot > 0:
                    occupied += 1
            out_n[saved] = n + n0
            out_k[saved] = occupied
            out_alpha[saved] = alpha
            out_p0[saved] = p0
            saved += 1
    return out_n, out_k, out_alpha, out_p0
