"""Plain-numpy references for the Numba kernels, written from the formulas, not from the kernels."""

import numpy as np

from metaopt.kernels import de as K


def sample_indices(u, ranges):
    n, k = u.shape
    out = np.empty((n, k), dtype=np.int64)
    for i in range(n):
        taken = {i}
        for j in range(k):
            available = [x for x in range(ranges[j]) if x not in taken]
            out[i, j] = available[int(u[i, j] * len(available))]
            taken.add(out[i, j])
    return out


def mutate(src, idx, guide, F, strategy):
    n = idx.shape[0]
    f = F[:, None]
    x = src[:n]
    if strategy == K.RAND1:
        return src[idx[:, 0]] + f * (src[idx[:, 1]] - src[idx[:, 2]])
    if strategy == K.BEST1:
        return src[guide] + f * (src[idx[:, 0]] - src[idx[:, 1]])
    if strategy == K.RAND2:
        return (src[idx[:, 0]] + f * (src[idx[:, 1]] - src[idx[:, 2]])
                + f * (src[idx[:, 3]] - src[idx[:, 4]]))
    if strategy == K.BEST2:  # scipy's _best2
        return src[guide] + f * (src[idx[:, 0]] + src[idx[:, 1]] - src[idx[:, 2]]
                                 - src[idx[:, 3]])
    if strategy == K.RAND_TO_BEST1:  # scipy's _randtobest1
        b = src[idx[:, 0]] + f * (src[guide] - src[idx[:, 0]])
        return b + f * (src[idx[:, 1]] - src[idx[:, 2]])
    return x + f * (src[guide] - x) + f * (src[idx[:, 0]] - src[idx[:, 1]])


def binomial_crossover(x, v, CR, u, jrand):
    d = v.shape[1]
    take = (u < CR[:, None]) | (np.arange(d)[None, :] == jrand[:, None])
    return np.where(take, v, x[: v.shape[0]])


def exponential_crossover(x, v, CR, u, start):
    n, d = v.shape
    t = x[:n].copy()
    for i in range(n):
        # L = 1 + the number of leading draws below CR, at most d.
        below = u[i, : d - 1] < CR[i]
        run = d - 1 if below.all() else int(np.argmin(below))
        positions = (start[i] + np.arange(1 + run)) % d
        t[i, positions] = v[i, positions]
    return t


def repair_midpoint(trial, parent):
    out = np.where(trial < 0, parent / 2, trial)
    return np.where(trial > 1, (1 + parent) / 2, out)


def repair_clip(trial):
    return np.clip(trial, 0, 1)


def repair_reflect(trial):
    out = np.where(trial < 0, -trial, np.where(trial > 1, 2 - trial, trial))
    return np.clip(out, 0, 1)


def repair_reinit(trial, u):
    return np.where((trial < 0) | (trial > 1), u, trial)


def greedy_selection(pop, fit, trials, f_trials, keep_ties=False):
    pop, fit = pop.copy(), fit.copy()
    k = len(f_trials)
    replace = f_trials < fit[:k] if keep_ties else f_trials <= fit[:k]
    outcome = np.where(replace, np.where(f_trials < fit[:k], 2, 1), 0).astype(np.int8)
    pop[:k][replace] = trials[replace]
    fit[:k][replace] = f_trials[replace]
    return pop, fit, outcome


def de_offspring(src, u, ranges, guide, F, CR, strategy, exponential, repair):
    n, k, d = u.shape[0], len(ranges), src.shape[1]
    picks = sample_indices(u[:, :k], ranges)
    mutant = mutate(src, picks, guide, F, strategy)
    start = (u[:, k] * d).astype(np.int64)
    draws = u[:, k + 1:k + 1 + d]
    cross = exponential_crossover if exponential else binomial_crossover
    trial = cross(src[:n], mutant, CR, draws, start)
    if repair == K.MIDPOINT:
        return repair_midpoint(trial, src[:n])
    if repair == K.CLIP:
        return repair_clip(trial)
    if repair == K.REFLECT:
        return repair_reflect(trial)
    return repair_reinit(trial, u[:, k + 1 + d:])


def adaptive_parameters(memory_F, memory_CR, u_slot, u_F, z_CR):
    r = (u_slot * len(memory_F)).astype(int)
    m_F, m_CR = memory_F[r], memory_CR[r]
    CR = np.where(m_CR < 0, 0.0, np.clip(m_CR + 0.1 * z_CR, 0, 1))
    # Inverse CDF of Cauchy(m, 0.1) restricted to (0, inf): CDF(x) = 1/2 + arctan((x-m)/0.1)/pi.
    c = 0.5 + np.arctan(-m_F / 0.1) / np.pi
    q = c + (1 - u_F) * (1 - c)
    F = np.minimum(m_F + 0.1 * np.tan(np.pi * (q - 0.5)), 1.0)
    return F, CR


# -- permutations -------------------------------------------------------------------------------
def order_crossover(first, second, cuts):
    out = []
    for p1, p2, (a, b) in zip(first, second, cuts):
        n = len(p1)
        child = [None] * n
        child[a:b] = p1[a:b]
        kept = set(p1[a:b])
        fill = [v for v in np.roll(p2, -b) if v not in kept]
        for slot, value in zip([(b + t) % n for t in range(n - (b - a))], fill):
            child[slot] = value
        out.append(child)
    return np.array(out)


def pmx_crossover(first, second, cuts):
    out = []
    for p1, p2, (a, b) in zip(first, second, cuts):
        child = list(p2)
        child[a:b] = p1[a:b]
        segment = set(p1[a:b])
        mapping = {p1[k]: p2[k] for k in range(a, b)}
        for k in list(range(0, a)) + list(range(b, len(p1))):
            value = p2[k]
            while value in segment:
                value = mapping[value]
            child[k] = value
        out.append(child)
    return np.array(out)


def double_bridge(tours, cuts):
    return np.array([np.concatenate([t[:c1], t[c2:c3], t[c1:c2], t[c3:]])
                     for t, (c1, c2, c3) in zip(tours, cuts)])


def tour_length(D, tour):
    return sum(D[tour[i], tour[(i + 1) % len(tour)]] for i in range(len(tour)))


# -- genetic operators --------------------------------------------------------------------------
def tournament(fitness, u):
    entrants = (u * len(fitness)).astype(int)
    return entrants[np.arange(len(u)), np.argmin(fitness[entrants], axis=1)]


def sbx(first, second, eta, rate, u_pair, u_var, u_beta, u_swap):
    c1, c2 = first.copy(), second.copy()
    for i in range(first.shape[0]):
        if u_pair[i] >= rate:
            continue
        for j in range(first.shape[1]):
            x1, x2 = first[i, j], second[i, j]
            if u_var[i, j] > 0.5 or abs(x1 - x2) <= 1e-14:
                continue
            lo, hi = min(x1, x2), max(x1, x2)
            r = u_beta[i, j]
            children = []
            for beta, sign in ((1 + 2 * lo / (hi - lo), -1), (1 + 2 * (1 - hi) / (hi - lo), 1)):
                alpha = 2 - beta ** -(eta + 1)
                bq = (r * alpha) ** (1 / (eta + 1)) if r <= 1 / alpha else \
                    (1 / (2 - r * alpha)) ** (1 / (eta + 1))
                children.append(np.clip(0.5 * (lo + hi + sign * bq * (hi - lo)), 0, 1))
            a, b = children
            c1[i, j], c2[i, j] = (b, a) if u_swap[i, j] <= 0.5 else (a, b)
    return c1, c2


def polynomial_mutation(X, eta, rate, u_apply, u_delta):
    Y = X.copy()
    r = u_delta
    left = (2 * r + (1 - 2 * r) * (1 - X) ** (eta + 1)) ** (1 / (eta + 1)) - 1
    right = 1 - (2 * (1 - r) + 2 * (r - 0.5) * X ** (eta + 1)) ** (1 / (eta + 1))
    moved = np.clip(X + np.where(r <= 0.5, left, right), 0, 1)
    return np.where(u_apply <= rate, moved, Y)


def k_point_crossover(first, second, rate, u_pair, points):
    c1, c2 = first.copy(), second.copy()
    d = first.shape[1]
    for i in range(len(first)):
        if u_pair[i] >= rate:
            continue
        # gene j comes from the other parent when an odd number of cut points are <= j
        odd = np.array([np.sum(points[i] <= j) % 2 == 1 for j in range(d)])
        c1[i, odd], c2[i, odd] = second[i, odd], first[i, odd]
    return c1, c2


def region_tabu_mask(current, log_coord, log_delta, X, half):
    """Tabu regions as points: each visited point rebuilt from the moves since, and every
    candidate compared with every point (the O(pop x tenure x dim) definition)."""
    points = []
    point = current.copy()
    for j, delta in zip(log_coord[::-1], log_delta[::-1]):
        point = point.copy()
        point[j] -= delta
        points.append(point)
    if not points:
        return np.zeros(len(X), bool)
    gaps = np.abs(X[:, None, :] - np.array(points)[None, :, :]).max(axis=2)
    return (gaps < half).any(axis=1)


def cma_generation(m, sigma, C, inv_sqrt, ps, pc, g, Y, f, weights, mu, mueff, cc, cs, c1, cmu,
                   damps, chi_n, diagonal=False):
    """One CMA-ES generation written out from Hansen's tutorial (arXiv:1604.00772, eqs. 39-47
    with the active update), on the steps ``Y`` (lam, n) = (x - m) / sigma of the samples.

    ``C`` is the covariance matrix (a vector of variances when ``diagonal``) and ``inv_sqrt``
    the ``C^(-1/2)`` of its last eigendecomposition (the tutorial's lazy update).
    Returns (m, sigma, C, ps, pc).
    """
    n = len(m)
    order = np.argsort(f, kind="stable")
    ys = Y[order]
    y_w = sum(weights[i] * ys[i] for i in range(mu))
    m_new = m + 1.0 * sigma * y_w
    Cm = np.diag(C) if diagonal else C
    ps_new = (1 - cs) * ps + np.sqrt(cs * (2 - cs) * mueff) * inv_sqrt @ y_w
    h = np.linalg.norm(ps_new) / np.sqrt(1 - (1 - cs) ** (2 * (g + 1))) \
        < (1.4 + 2 / (n + 1)) * chi_n
    pc_new = (1 - cc) * pc + h * np.sqrt(cc * (2 - cc) * mueff) * y_w
    w_circ = np.array([w if w >= 0 else w * n / np.linalg.norm(inv_sqrt @ ys[i]) ** 2
                       for i, w in enumerate(weights)])
    delta_h = (1 - h) * cc * (2 - cc)
    rank_mu = sum(w_circ[i] * np.outer(ys[i], ys[i]) for i in range(len(weights)))
    C_new = (1 + c1 * delta_h - c1 - cmu * np.sum(weights)) * Cm + c1 * np.outer(pc_new, pc_new) \
        + cmu * rank_mu
    sigma_new = sigma * np.exp(cs / damps * (np.linalg.norm(ps_new) / chi_n - 1))
    if diagonal:
        C_new = np.diag(C_new)
    return m_new, sigma_new, C_new, ps_new, pc_new


def apply_moves(perms, positions, kinds):
    """Swap (0), reversal (1) or insertion (2) at ``positions[i] = (a, b)``, with list ops."""
    out = []
    for row, (a, b), kind in zip(perms.tolist(), positions, kinds):
        if kind == 0:
            row[a], row[b] = row[b], row[a]
        elif kind == 1:
            lo, hi = min(a, b), max(a, b)
            row[lo:hi + 1] = row[lo:hi + 1][::-1]
        else:
            row.insert(b, row.pop(a))
        out.append(row)
    return np.array(out)


def mirrored_orthogonal(G, lam):
    """Mirrored orthogonal steps (Wang, Emmerich & Baeck 2019) by numpy's QR: each block of
    ``n`` draws orthonormalised (signs fixed so that it is Gram-Schmidt's basis), each row
    scaled to its draw's length, then the first ``lam // 2`` rows mirrored."""
    k, n = G.shape
    rows = []
    for start in range(0, k, n):
        block = G[start:start + n]
        Q, R = np.linalg.qr(block.T)
        Q = Q * np.sign(np.diag(R))
        rows.append(Q.T * np.linalg.norm(block, axis=1)[:, None])
    base = np.vstack(rows)
    return np.vstack([base, -base[: lam - k]])


def improvement_weights(delta):
    """Weights ``|df_k| / sum |df|``; a trial that repaired an infinite parent counts as the
    largest finite improvement (or all count equally when none is finite)."""
    finite = np.isfinite(delta)
    if not finite.all():
        delta = np.where(finite, delta, delta[finite].max() if finite.any() else 1.0)
    total = delta.sum()
    if total <= 0.0:
        return np.full(delta.shape, 1.0 / delta.size)
    return delta / total


def lehmer(values, weights):
    return float(np.sum(weights * values**2) / np.sum(weights * values))


def success_history_update(F, CR, delta, memory_F, memory_CR, slot, lshade):
    """SHADE's and L-SHADE's memory update in numpy (Tanabe & Fukunaga 2013, 2014)."""
    w = improvement_weights(delta)
    memory_F[slot] = lehmer(F, w)
    if not lshade:
        memory_CR[slot] = float(np.sum(w * CR))
    elif memory_CR[slot] == -1.0 or CR.max() == 0.0:
        memory_CR[slot] = -1.0
    else:
        memory_CR[slot] = lehmer(CR, w)


def constrained_dominates(F, cv, i, j):
    """Deb et al. (2002) constrained domination, from its definition."""
    if cv[i] > 0 or cv[j] > 0:
        return cv[i] < cv[j]
    return bool(np.all(F[i] <= F[j]) and np.any(F[i] < F[j]))


def nondominated_ranks(F, cv):
    """Fronts by peeling: front k is the set not dominated by anything outside fronts < k."""
    n = F.shape[0]
    rank = np.full(n, -1)
    remaining = set(range(n))
    front = 0
    while remaining:
        layer = [i for i in remaining
                 if not any(constrained_dominates(F, cv, j, i) for j in remaining if j != i)]
        for i in layer:
            rank[i] = front
        remaining -= set(layer)
        front += 1
    return rank


def crowding_distance(F, members):
    """Deb et al.'s crowding distance of one front (ends infinite, gaps over the range)."""
    k = len(members)
    distance = np.zeros(k)
    if k <= 2:
        return np.full(k, np.inf)
    for obj in range(F.shape[1]):
        values = F[members, obj]
        order = np.argsort(values, kind="stable")
        distance[order[0]] = distance[order[-1]] = np.inf
        span = values[order[-1]] - values[order[0]]
        if span > 0:
            for a in range(1, k - 1):
                distance[order[a]] += (values[order[a + 1]] - values[order[a - 1]]) / span
    return distance


def niche_fill(count, niche, distance, wanted, u):
    """NSGA-III's niching (Deb & Jain 2014, Algorithm 4) with the same draws, in lists."""
    count = list(count)
    taken, active, chosen, draw = set(), set(range(len(count))), [], 0
    while len(chosen) < wanted:
        least = min(count[j] for j in active)
        ties = [j for j in sorted(active) if count[j] == least]
        j = ties[min(int(u[draw] * len(ties)), len(ties) - 1)]
        draw += 1
        candidates = [a for a in range(len(niche)) if a not in taken and niche[a] == j]
        if not candidates:
            active.discard(j)
            continue
        if count[j] == 0:
            pick = min(candidates, key=lambda a: (distance[a], a))
        else:
            pick = candidates[min(int(u[draw] * len(candidates)), len(candidates) - 1)]
        draw += 1
        taken.add(pick)
        chosen.append(pick)
        count[j] += 1
    return np.array(chosen), np.array(count)


def decomposed(f, w, ideal, pbi, theta):
    """Tchebycheff (zero weights as 1e-6) or PBI of Zhang & Li (2007)."""
    if not pbi:
        return float(np.max(np.where(w > 0, w, 1e-6) * np.abs(f - ideal)))
    unit = w / np.linalg.norm(w)
    d1 = abs(np.dot(f - ideal, unit))
    return float(d1 + theta * np.linalg.norm(f - ideal - d1 * unit))


def pairwise_order(f, lam):
    """Pairwise selection of a mirrored generation (Auger, Brockhoff & Hansen 2011), written
    out pair by pair: each pair's better vector (the first on a tie), with the unpaired one of
    an odd lam, ranked by value; then the pairs' worse vectors ranked by value."""
    k = lam - lam // 2
    winners, losers = [], []
    for i in range(lam // 2):
        a, b = (i, k + i) if f[i] <= f[k + i] else (k + i, i)
        winners.append(a)
        losers.append(b)
    winners += list(range(lam // 2, k))
    by_value = lambda rows: sorted(rows, key=lambda r: (f[r], rows.index(r)))  # noqa: E731
    return np.array(by_value(winners) + by_value(losers))
