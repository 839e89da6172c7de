"""Gibbs sampler of the latent-class capture-recapture model (Manrique-Vallier 2016).

Compiled with numba; it works on the distinct observed patterns and their counts, so the cost
of one iteration is ``O(M K J)`` whatever the number of people. Each chain carries its own
random generator (xoshiro256++, Blackman & Vigna 2021), seeded from the chain's seed, so a
chain is reproducible from its seed whichever thread runs it; the compiled code releases the
GIL so chains can run on threads in parallel.

The model: each person belongs to a latent class ``k`` with weight ``pi_k`` (stick-breaking,
truncated at ``K``, concentration ``alpha ~ Gamma(a_alpha, b_alpha)``); given the class, lists
record the person independently with probabilities ``lambda_jk ~ Beta(1, 1)``; the prior on
the population size is ``p(N) ~ 1/N``. People missed by every list are augmented: their number
``n0`` is drawn from a negative binomial given the current probability ``p0`` of being missed.
The steps, priors, initial values, warm-up and relabelling are those of the reference
implementation, the R package LCMCR (0.4.14).

Speed: an iteration is a few hundred random variates and little else, so its cost is the cost
of drawing them. Every draw here is exact (no distribution is approximated):

- uniforms from xoshiro256++, 52 bits per double, never exactly 0 or 1; the generator state
  travels through the helpers as a tuple of four words (an array would make numba count
  references, with atomic operations, on every call);
- normals by the ziggurat (Marsaglia & Tsang 2000), layer and position from one 64-bit word;
- gammas by Marsaglia-Tsang with the usual squeeze (a logarithm only when it fails);
- binomials by transformed rejection (BTRS, Hormann 1993) when ``n p >= 10``, with log
  factorials from a table or Stirling's series instead of ``lgamma``; by counting Bernoulli
  trials when ``n <= 64`` and ``n p >= 0.5``; otherwise by inversion, which first checks
  ``u <= 1 - n p <= (1 - p)^n`` so the common draw of zero for a class of negligible weight
  costs one uniform and no logarithm;
- Poisson variates by transformed rejection (PTRS, Hormann 1993);
- Beta(1, 1) as one uniform and Beta(1, b) as one power of a uniform, for empty classes;
- class weights in linear space as products of per-list odds (no logs or exps per pattern);
- the n0 people missed by every list are allocated as one more cell (pattern 0...0) in the
  same loop as the observed cells, so the multinomial code is written once, inline.

Only ``log pi_K`` (for the alpha update), which can fall far below the smallest double, is
kept in log space; the class weights themselves are plain numbers that underflow to zero
exactly where ``exp(log pi_k)`` would.
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

# numba promotes mixed signed/unsigned integer arithmetic to float, so every constant used
# on the generator state is an explicit uint64.
_U11 = np.uint64(11)
_U12 = np.uint64(12)
_U17 = np.uint64(17)
_U23 = np.uint64(23)
_U41 = np.uint64(41)
_U45 = np.uint64(45)
_U19 = np.uint64(19)
_U127 = np.uint64(127)
_TWO_M53 = 1.0 / 9007199254740992.0
_TWO_M52 = 1.0 / 4503599627370496.0

# generator state: the four 64-bit words of xoshiro256++, as a tuple
State = tuple


@njit(cache=True)
def _splitmix(z: np.uint64) -> tuple[np.uint64, np.uint64]:
    z = z + np.uint64(0x9E3779B97F4A7C15)
    x = z
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z, x ^ (x >> np.uint64(31))


@njit(cache=True)
def _seed_state(seed: int) -> State:
    # splitmix64 expands the seed into the four words of the xoshiro state (never all zero).
    z = np.uint64(seed & 0x7FFFFFFFFFFFFFFF)
    z, a = _splitmix(z)
    z, b = _splitmix(z)
    z, c = _splitmix(z)
    z, d = _splitmix(z)
    return (a, b, c, d)


@njit(cache=True)
def _next(st: State) -> tuple[State, np.uint64]:
    # xoshiro256++ (Blackman & Vigna): one 64-bit output. The state travels as a tuple of
    # four words, never as an array: passing an array to a helper makes numba count
    # references on every call (atomic operations that cost more than the generator).
    s0, s1, s2, s3 = st
    t = s0 + s3
    result = ((t << _U23) | (t >> _U41)) + s0
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _U45) | (s3 >> _U19)
    return (s0, s1, s2, s3), result


@njit(cache=True)
def _uniform(st: State) -> tuple[State, float]:
    # Uniform on the open interval (0, 1): 52 random bits plus half a step, so that logs of
    # it and of 1 - it are always finite (with 53 bits the top value would round to 1).
    st, r = _next(st)
    return st, (float(r >> _U12) + 0.5) * _TWO_M52


@njit(cache=True, inline="always")
def _normal(st: State) -> tuple[State, float]:
    # Standard normal by the ziggurat; one 64-bit word gives the layer (low 7 bits) and the
    # signed position in it (top 53 bits).
    while True:
        st, r = _next(st)
        i = int(r & _U127)
        u = 2.0 * (float(r >> _U11) * _TWO_M53) - 1.0
        if abs(u) < _ZR[i]:
            return st, u * _ZX[i]
        if i == 0:
            # tail beyond R (Marsaglia 1964)
            while True:
                st, u1 = _uniform(st)
                st, u2 = _uniform(st)
                x = math.log(u1) / _ZTAIL
                y = math.log(u2)
                if -2.0 * y >= x * x:
                    return st, ((x - _ZTAIL) if u < 0 else (_ZTAIL - x))
        x = u * _ZX[i]
        f0 = math.exp(-0.5 * (_ZX[i] * _ZX[i] - x * x))
        f1 = math.exp(-0.5 * (_ZX[i + 1] * _ZX[i + 1] - x * x))
        st, u1 = _uniform(st)
        if f1 + u1 * (f0 - f1) < 1.0:
            return st, x


@njit(cache=True, inline="always")
def _gamma_ge1(st: State, shape: float) -> tuple[State, float]:
    # Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000), with the usual squeeze.
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        st, x = _normal(st)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        st, u = _uniform(st)
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            return st, d * v
        if math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            return st, d * v


@njit(cache=True)
def _gamma(st: State, shape: float) -> tuple[State, float]:
    # Gamma(shape, 1) for any shape > 0; below 1 by G(a) = G(a + 1) U^(1/a).
    if shape < 1.0:
        st, g = _gamma_ge1(st, shape + 1.0)
        st, u = _uniform(st)
        return st, g * u ** (1.0 / shape)
    return _gamma_ge1(st, shape)


@njit(cache=True)
def _log_gamma_draw(st: State, shape: float) -> tuple[State, float]:
    # log of a Gamma(shape, 1) draw, finite even when the draw itself would underflow.
    if shape < 1.0:
        st, g = _gamma_ge1(st, shape + 1.0)
        st, u = _uniform(st)
        return st, math.log(g) + math.log(u) / shape
    st, g = _gamma_ge1(st, shape)
    return st, math.log(g)


@njit(cache=True)
def _log_beta_draw(st: State, a: float, b: float) -> tuple[State, float, float]:
    # (log X, log(1 - X)) for X ~ Beta(a, b), from two log-gamma draws.
    st, la = _log_gamma_draw(st, a)
    st, lb = _log_gamma_draw(st, b)
    m = max(la, lb)
    lse = m + math.log(math.exp(la - m) + math.exp(lb - m))
    return st, la - lse, lb - lse


def _log_factorial_table(size: int = 1024) -> np.ndarray:
    return np.array([math.lgamma(k + 1.0) for k in range(size)])


_LOG_FACTORIAL = _log_factorial_table()
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@njit(cache=True)
def _log_factorial(k: float) -> float:
    # log(k!) from a table below 1024 and Stirling's series above, where the first omitted
    # term is below 1e-24: as accurate as lgamma and several times cheaper.
    if k < 1024.0:
        return _LOG_FACTORIAL[int(k)]
    x = k + 1.0
    r = 1.0 / x
    r2 = r * r
    return (
        (x - 0.5) * math.log(x)
        - x
        + _HALF_LOG_2PI
        + r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0)))
    )


@njit(cache=True, inline="always")
def _binomial_btrs(st: State, n: int, p: float) -> tuple[State, int]:
    # Binomial(n, p) for p <= 0.5 and n p >= 10 by transformed rejection with squeeze
    # (Hormann 1993, algorithm BTRS): about two uniforms per draw, no set-up table.
    q = 1.0 - p
    spq = math.sqrt(n * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    # The constants of the exact test are only needed when the squeeze fails, so they are
    # computed lazily.
    lpq = 0.0
    m = 0.0
    h = 0.0
    ready = False
    while True:
        st, u = _uniform(st)
        st, v = _uniform(st)
        u -= 0.5
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return st, int(k)
        if not ready:
            lpq = math.log(p / q)
            m = math.floor((n + 1) * p)
            h = _log_factorial(m) + _log_factorial(n - m)
            ready = True
        v = math.log(v * alpha / (a / (us * us) + b))
        if v <= h - _log_factorial(k) - _log_factorial(n - k) + (k - m) * lpq:
            return st, int(k)


@njit(cache=True, inline="always")
def _binomial_small_p(st: State, n: int, p: float) -> tuple[State, int]:
    # Binomial(n, p) for 0 < p <= 0.5.
    np_ = n * p
    if np_ >= 10.0:
        return _binomial_btrs(st, n, p)
    if n <= 64 and np_ >= 0.5:
        # few trials, not rare: counting n Bernoulli trials (one uniform each) is cheaper
        # than computing (1 - p)^n for the inversion below
        x = 0
        for _ in range(n):
            st, u = _uniform(st)
            x += u < p
        return st, x
    # Inversion: walk up the probabilities from P(0) = (1 - p)^n; cheap because n p < 10.
    # Bernoulli's inequality (1 - p)^n >= 1 - n p settles most draws of zero (classes of
    # negligible weight) without computing P(0) at all; the result is the same draw.
    st, u = _uniform(st)
    if u <= 1.0 - np_:
        return st, 0
    s = p / (1.0 - p)
    a = (n + 1) * s
    r0 = math.exp(n * math.log1p(-p))
    while True:
        r = r0
        x = 0
        while u > r:
            u -= r
            x += 1
            if x > n:
                break
            r *= a / x - s
        if x <= n:
            return st, x
        # rounding left u above the total mass: draw again
        st, u = _uniform(st)


@njit(cache=True, inline="always")
def _binomial(st: State, n: int, p: float) -> tuple[State, int]:
    if p <= 0.0 or n == 0:
        return st, 0
    if p >= 1.0:
        return st, n
    flip = p > 0.5
    st, x = _binomial_small_p(st, n, 1.0 - p if flip else p)
    return st, (n - x if flip else x)


@njit(cache=True)
def _poisson(st: State, lam: float) -> tuple[State, int]:
    # Poisson(lam): inversion below 10, transformed rejection (PTRS, Hormann 1993) above.
    if lam < 10.0:
        while True:
            st, u = _uniform(st)
            r = math.exp(-lam)
            x = 0
            while u > r:
                u -= r
                x += 1
                r *= lam / x
                if x > 1000:
                    break
            if x <= 1000:
                return st, x
    slam = math.sqrt(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        st, u = _uniform(st)
        st, v = _uniform(st)
        u -= 0.5
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= v_r:
            return st, int(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b) <= (
            -lam + k * math.log(lam) - _log_factorial(k)
        ):
            return st, int(k)


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
    st = _seed_state(seed)
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
    # initial weights from sticks V_k ~ Beta(1, 1)
    pi = np.empty(k_count)
    rest = 1.0
    for k in range(k_count - 1):
        st, v = _uniform(st)
        pi[k] = v * rest
        rest *= 1.0 - v
    pi[k_count - 1] = rest
    log_rest = 0.0
    # Cells: 0 holds the n0 people missed by every list, 1..M the observed patterns. The
    # lists recording cell c are on_list[on_start[c]:on_start[c + 1]] (none for cell 0).
    c_count = m_count + 1
    on_start = np.zeros(c_count + 1, dtype=np.int64)
    for m in range(m_count):
        on_start[m + 2] = on_start[m + 1]
        for j in range(j_count):
            if patterns[m, j] == 1:
                on_start[m + 2] += 1
    on_list = np.empty(on_start[c_count], dtype=np.int64)
    for m in range(m_count):
        t = on_start[m + 1]
        for j in range(j_count):
            if patterns[m, j] == 1:
                on_list[t] = j
                t += 1
    n0 = 0
    p0 = 0.0
    alloc = np.zeros((c_count, k_count), dtype=np.int64)
    ones_jk = np.zeros((j_count, k_count), dtype=np.int64)
    nk = np.zeros(k_count, dtype=np.int64)
    w = np.empty(k_count)
    base = np.empty(k_count)
    odds = np.empty((k_count, j_count))
    out_n = np.empty(n_samples)
    out_k = np.empty(n_samples)
    out_alpha = np.empty(n_samples)
    out_p0 = np.empty(n_samples)
    total_iter = warmup + burnin + n_samples * thinning
    first_saved = warmup + burnin
    saved = 0
    # Iteration `it` runs steps 1-5 and 7 of the sampler; step 6 (allocating the n0 missed
    # people, with the same lambda and pi as step 1 of the next iteration) runs as cell 0
    # of the next pass, so one allocation loop serves every cell. One extra pass at the
    # end completes the last iteration. Step 7 (alpha) depends on pi only, so running it
    # before step 6 changes nothing.
    for it in range(total_iter + 1):
        if it == warmup and warmup > 0:
            # after the warm-up, relabel classes by decreasing weight (before the missed
            # people are allocated, which is the same as permuting their allocation after);
            # in place: rebinding arrays would make numba count references every iteration
            order = np.argsort(-pi)
            pi[:] = pi[order]
            lam[:, :] = lam[:, order]
            one_m_lam[:, :] = one_m_lam[:, order]
        # weight of class k for a cell: pi_k prod_j (1 - lambda_jk) times the odds
        # lambda_jk / (1 - lambda_jk) of each list that recorded the cell (few per cell)
        for k in range(k_count):
            nk[k] = 0
            s = pi[k]
            for j in range(j_count):
                ones_jk[j, k] = 0
                s *= one_m_lam[j, k]
                odds[k, j] = lam[j, k] / one_m_lam[j, k]
            base[k] = s
        # 6 (of the previous iteration) and 1: allocate people of each cell to classes,
        # Multinomial(f, w / sum(w)): one categorical draw per person for small cells,
        # sequential conditional binomials for large ones. Class counts are accumulated as
        # each draw is made (summing the freshly written row afterwards stalls the CPU).
        c_first = 0 if it > 0 else 1
        c_last = c_count if it < total_iter else 1
        for c in range(c_first, c_last):
            f = n0 if c == 0 else counts[c - 1]
            t0 = on_start[c]
            t1 = on_start[c + 1]
            # (one scalar pass: a vector pass over w after scalar writes to it would stall
            # on store forwarding, once per cell)
            total = 0.0
            for k in range(k_count):
                s = base[k]
                for t in range(t0, t1):
                    s *= odds[k, on_list[t]]
                w[k] = s
                total += s
                alloc[c, k] = 0
            if f <= 2 * k_count:
                for _ in range(f):
                    st, u = _uniform(st)
                    u *= total
                    k = 0
                    acc = w[0]
                    while u >= acc and k < k_count - 1:
                        k += 1
                        acc += w[k]
                    alloc[c, k] += 1
                    nk[k] += 1
                    for t in range(t0, t1):
                        ones_jk[on_list[t], k] += 1
            else:
                remaining = f
                for k in range(k_count):
                    if remaining == 0:
                        break
                    if k == k_count - 1:
                        x = remaining
                    else:
                        q = w[k] / total if total > 0.0 else 0.0
                        st, x = _binomial(st, remaining, min(max(q, 0.0), 1.0))
                        total -= w[k]
                    if x > 0:
                        alloc[c, k] = x
                        remaining -= x
                        nk[k] += x
                        for t in range(t0, t1):
                            ones_jk[on_list[t], k] += x
            if c == 0:
                # iteration it - 1 is now complete: keep its draws if due
                prev = it - 1
                if prev >= first_saved and (prev - first_saved + 1) % thinning == 0:
                    occupied = 0
                    for k in range(k_count):
                        tot = 0
                        for cc in range(c_count):
                            tot += alloc[cc, k]
                        if tot > 0:
                            occupied += 1
                    out_n[saved] = n + n0
                    out_k[saved] = occupied
                    out_alpha[saved] = alpha
                    out_p0[saved] = p0
                    saved += 1
        if it == total_iter:
            break
        # 2. lambda | allocation (the augmented unobserved contribute zeros everywhere);
        #    both Beta shapes are >= 1 so plain gamma ratios are safe here.
        for j in range(j_count):
            for k in range(k_count):
                a1 = ones_jk[j, k]
                b1 = nk[k] - a1
                if a1 == 0.0:
                    if b1 == 0.0:
                        # empty class: Beta(1, 1) is a uniform
                        st, u = _uniform(st)
                        lam[j, k] = u
                        one_m_lam[j, k] = 1.0 - u
                        continue
                    # Beta(1, 1 + b1) = 1 - U^(1 / (1 + b1)): one uniform instead of two
                    # gamma draws (the common case for classes of unobserved people only).
                    st, u = _uniform(st)
                    t = math.log(u) / (1.0 + b1)
                    one_m_lam[j, k] = math.exp(t)
                    lam[j, k] = -math.expm1(t)
                elif b1 == 0.0:
                    st, u = _uniform(st)
                    t = math.log(u) / (1.0 + a1)
                    lam[j, k] = math.exp(t)
                    # keep 1 - lambda positive: the class weights divide by it
                    one_m_lam[j, k] = max(-math.expm1(t), 1e-300)
                else:
                    st, ga = _gamma_ge1(st, 1.0 + a1)
                    st, gb = _gamma_ge1(st, 1.0 + b1)
                    lam[j, k] = ga / (ga + gb)
                    one_m_lam[j, k] = gb / (ga + gb)
        # 3. stick-breaking weights V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l). The weights
        #    pi_k = V_k prod_{l<k} (1 - V_l) are kept as plain numbers (they underflow to zero
        #    exactly where exp(log pi_k) would); only log pi_K = sum_k log(1 - V_k), which
        #    the alpha update needs and which can be far below the smallest double, is
        #    accumulated in log space.
        above = 0
        for k in range(k_count):
            above += nk[k]
        log_rest = 0.0  # log of the stick left
        rest = 1.0  # the same, as a number (may underflow)
        for k in range(k_count):
            above -= nk[k]
            if k == k_count - 1:
                pi[k] = rest
                break
            b = alpha + above
            if nk[k] == 0:
                # Beta(1, b): 1 - V = U^(1/b), exact and stable in log space for tiny b
                st, u = _uniform(st)
                l1mv = math.log(u) / b
                one_m_v = math.exp(l1mv)
                v = 1.0 - one_m_v if one_m_v < 0.5 else -math.expm1(l1mv)
            elif b >= 1.0:
                st, ga = _gamma_ge1(st, 1.0 + nk[k])
                st, gb = _gamma_ge1(st, b)
                v = ga / (ga + gb)
                one_m_v = gb / (ga + gb)
                l1mv = math.log(one_m_v)
            else:
                # a shape below one (alpha, past the last occupied class): log-gamma draws,
                # since a Gamma(alpha) variate itself can underflow
                st, lv, l1mv = _log_beta_draw(st, 1.0 + nk[k], b)
                v = math.exp(lv)
                one_m_v = math.exp(l1mv)
            pi[k] = v * rest
            rest *= one_m_v
            log_rest += l1mv
        # 4. probability of being missed by every list
        p0 = 0.0
        for k in range(k_count):
            s = pi[k]
            for j in range(j_count):
                s *= one_m_lam[j, k]
            p0 += s
        p0 = min(p0, 1.0 - 1e-12)
        # 5. number missed: failures before n successes with success probability 1 - p0,
        #    drawn as a gamma-Poisson mixture; redrawn above the cap as the reference does.
        while True:
            n0 = 0
            if p0 > 0.0:
                st, g = _gamma_ge1(st, float(n))
                lam0 = g * (p0 / (1.0 - p0))
                if lam0 > 0.0:
                    st, n0 = _poisson(st, lam0)
            if n0 <= max_ratio * n:
                break
        # 7. concentration (skipped during the warm-up)
        if it >= warmup:
            st, g = _gamma(st, a_alpha + k_count - 1.0)
            alpha = max(g / (b_alpha - log_rest), 1e-300)
    return out_n, out_k, out_alpha, out_p0
