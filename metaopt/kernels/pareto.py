"""Pareto ranking for several objectives (minimized): constrained domination, fast
non-dominated sorting and crowding distance (K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A
fast and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEC 6(2):182-197, 2002)."""

import numpy as np
from numba import njit


@njit(cache=True)
def dominates(F, cv, i, j):
    """Whether point i constrained-dominates point j (Deb et al. 2002, section V): a feasible
    point (``cv == 0``) beats an infeasible one, the smaller total violation wins between
    infeasible ones, and between feasible ones i is no worse in every objective and better in
    one."""
    if cv[i] > 0.0 or cv[j] > 0.0:
        return cv[i] < cv[j]
    better = False
    for k in range(F.shape[1]):
        if F[i, k] > F[j, k]:
            return False
        if F[i, k] < F[j, k]:
            better = True
    return better


@njit(cache=True)
def _lex_order(F, rows):
    """``rows`` sorted lexicographically by their objectives (stable: ties keep row order)."""
    order = rows.copy()
    for k in range(F.shape[1] - 1, -1, -1):  # least significant key first, stable each time
        keys = np.empty(order.shape[0])
        for a in range(order.shape[0]):
            keys[a] = F[order[a], k]
        order = order[np.argsort(keys, kind="mergesort")]
    return order


@njit(cache=True)
def _fronts_2d(F, order, rank):
    """Fronts of points sorted lexicographically, two objectives, O(n log n) (M. T. Jensen,
    "Reducing the run-time complexity of multiobjective EAs", IEEE TEC 7(5), 2003): a point
    joins the first front whose last member does not dominate it; the last members' second
    objectives increase from front to front, so that front is found by bisection."""
    n = order.shape[0]
    last = np.empty(n, np.int64)  # each front's last member
    fronts = 0
    for a in range(n):
        p = order[a]
        lo, hi = 0, fronts  # the first front whose last member does not dominate p
        while lo < hi:
            mid = (lo + hi) // 2
            q = last[mid]
            if F[q, 1] <= F[p, 1] and (F[q, 0] < F[p, 0] or F[q, 1] < F[p, 1]):
                lo = mid + 1
            else:
                hi = mid
        rank[p] = lo
        last[lo] = p
        if lo == fronts:
            fronts += 1
    return fronts


@njit(cache=True)
def _fronts_general(F, order, rank):
    """Deb et al.'s fast non-dominated sort over points sorted lexicographically: only an
    earlier point can dominate a later one, so each pair is tested once, one way."""
    n, m = order.shape[0], F.shape[1]
    count = np.zeros(n, np.int64)           # how many dominate each (sorted) point
    dominated = np.zeros((n, n), np.bool_)  # dominated[a, b]: sorted point a dominates b
    for a in range(n):
        i = order[a]
        for b in range(a + 1, n):
            j = order[b]
            no_worse, better = True, False
            for k in range(m):
                if F[i, k] > F[j, k]:
                    no_worse = False
                    break
                if F[i, k] < F[j, k]:
                    better = True
            if no_worse and better:
                dominated[a, b] = True
                count[b] += 1
    current = np.empty(n, np.int64)
    following = np.empty(n, np.int64)
    size = 0
    for a in range(n):
        if count[a] == 0:
            rank[order[a]] = 0
            current[size] = a
            size += 1
    front = 0
    while size > 0:
        next_size = 0
        for c in range(size):
            a = current[c]
            for b in range(a + 1, n):
                if dominated[a, b]:
                    count[b] -= 1
                    if count[b] == 0:
                        rank[order[b]] = front + 1
                        following[next_size] = b
                        next_size += 1
        front += 1
        current[:next_size] = following[:next_size]
        size = next_size
    return front


@njit(cache=True)
def nondominated_ranks(F, cv):
    """The front of each point under constrained domination (:func:`dominates`): 0 for the
    non-dominated, 1 for those dominated only by front 0, ... (Deb et al. 2002).

    Feasible points are sorted into fronts by their objectives (two objectives in
    O(n log n), more by the fast non-dominated sort); every infeasible point comes after
    them, one front per distinct total violation, smallest first (a feasible point dominates
    every infeasible one, and between infeasible ones only the violation counts).

    Parameters
    ----------
    F : (n, m) objective values; cv : (n,) total constraint violations (0: feasible)

    Returns
    -------
    (n,) int64 ranks
    """
    n = F.shape[0]
    rank = np.zeros(n, np.int64)
    feasible = np.flatnonzero(cv <= 0.0)
    fronts = 0
    if feasible.shape[0]:
        order = _lex_order(F, feasible)
        if F.shape[1] == 2:
            fronts = _fronts_2d(F, order, rank)
        else:
            fronts = _fronts_general(F, order, rank)
    infeasible = np.flatnonzero(cv > 0.0)
    if infeasible.shape[0]:
        violations = cv[infeasible]
        order = np.argsort(violations, kind="mergesort")
        level = fronts
        for a in range(order.shape[0]):
            if a > 0 and violations[order[a]] > violations[order[a - 1]]:
                level += 1
            rank[infeasible[order[a]]] = level
    return rank


@njit(cache=True)
def crowding_distance(F, members):
    """The crowding distance of each of ``members`` (indices into F, one front): for every
    objective, the front sorted by it (stable), its two ends infinitely far, each other member
    the gap between its neighbours divided by the objective's range (0 when the range is 0).

    Returns
    -------
    (len(members),) distances
    """
    k = members.shape[0]
    distance = np.zeros(k)
    if k <= 2:
        distance[:] = np.inf
        return distance
    values = np.empty(k)
    for obj in range(F.shape[1]):
        for a in range(k):
            values[a] = F[members[a], obj]
        order = np.argsort(values, kind="mergesort")
        low, high = values[order[0]], values[order[k - 1]]
        distance[order[0]] = np.inf
        distance[order[k - 1]] = np.inf
        span = high - low
        if span <= 0.0 or not np.isfinite(span):
            continue
        for a in range(1, k - 1):
            distance[order[a]] += (values[order[a + 1]] - values[order[a - 1]]) / span
    return distance


@njit(cache=True)
def rank_and_crowding(F, cv):
    """Each point's front and its crowding distance within that front."""
    rank = nondominated_ranks(F, cv)
    crowding = np.zeros(F.shape[0])
    if F.shape[0] == 0:
        return rank, crowding
    for front in range(rank.max() + 1):
        members = np.flatnonzero(rank == front)
        crowding[members] = crowding_distance(F, members)
    return rank, crowding


@njit(cache=True)
def survivors(F, cv, size):
    """NSGA-II's environmental selection: the ``size`` points kept from ``F`` (parents and
    children together), whole fronts in order, the last one cut by descending crowding
    distance (ties by index).

    Returns
    -------
    keep : (size,) indices, rank : (size,) their fronts, crowding : (size,) their distances
    """
    rank, crowding = rank_and_crowding(F, cv)
    keep = np.empty(size, np.int64)
    taken = 0
    front = 0
    while taken < size:
        members = np.flatnonzero(rank == front)
        if taken + members.shape[0] <= size:
            keep[taken:taken + members.shape[0]] = members
            taken += members.shape[0]
        else:  # the front that does not fit: its most isolated members
            order = np.argsort(-crowding[members], kind="mergesort")
            keep[taken:] = members[order[:size - taken]]
            taken = size
        front += 1
    keep = np.sort(keep)
    return keep, rank[keep], crowding[keep]


@njit(cache=True)
def crowded_tournament(rank, crowding, pairs):
    """Binary tournaments by the crowded-comparison operator: of each pair (row of ``pairs``),
    the lower front wins, then the larger crowding distance, then the first."""
    n = pairs.shape[0]
    winners = np.empty(n, np.int64)
    for t in range(n):
        a, b = pairs[t, 0], pairs[t, 1]
        if rank[b] < rank[a] or (rank[b] == rank[a] and crowding[b] > crowding[a]):
            winners[t] = b
        else:
            winners[t] = a
    return winners


@njit(cache=True)
def pareto_selection(F_target, cv_target, F_trial, cv_trial):
    """GDE3's selection between each target and its trial (Kukkonen & Lampinen 2005):
    1 when the trial weakly dominates the target (a feasible trial beats an infeasible target;
    between infeasible ones, a violation no larger), 0 when the target dominates the trial,
    2 when neither does (both stay).

    Returns
    -------
    (n,) int8 outcomes
    """
    n, m = F_trial.shape
    outcome = np.empty(n, np.int8)
    for i in range(n):
        a, b = cv_trial[i], cv_target[i]
        if a > 0.0 or b > 0.0:
            outcome[i] = 1 if a <= b else 0
            continue
        trial_no_worse = target_no_worse = True
        target_better = False
        for k in range(m):
            if F_trial[i, k] > F_target[i, k]:
                trial_no_worse = False
                target_better = True
            elif F_target[i, k] > F_trial[i, k]:
                target_no_worse = False
        if trial_no_worse:
            outcome[i] = 1
        elif target_no_worse and target_better:
            outcome[i] = 0
        else:
            outcome[i] = 2
    return outcome


@njit(cache=True)
def niche_fill(count, niche, distance, wanted, u):
    """NSGA-III's niching (Deb & Jain 2014, Algorithm 4), from pre-drawn uniforms ``u``: pick
    ``wanted`` members of the last front. Repeatedly take a reference direction of the fewest
    associated members (a random one among ties); without candidates left it is dropped;
    otherwise it takes, when it had none, its candidate nearest the direction, else a random
    candidate, and its count grows.

    Parameters
    ----------
    count : (H,) int64, members already kept per direction (changed in place)
    niche : (k,) int64, each last-front member's direction
    distance : (k,) its perpendicular distance to that direction
    wanted : how many to pick
    u : uniforms, at least ``2 * (wanted + H)`` of them

    Returns
    -------
    (wanted,) int64 indices into the last front
    """
    H = count.shape[0]
    k = niche.shape[0]
    taken = np.zeros(k, np.bool_)
    active = np.ones(H, np.bool_)
    chosen = np.empty(wanted, np.int64)
    picked = 0
    draw = 0
    ties = np.empty(H, np.int64)
    while picked < wanted:
        least = -1
        for j in range(H):
            if active[j] and (least < 0 or count[j] < least):
                least = count[j]
        n_ties = 0
        for j in range(H):
            if active[j] and count[j] == least:
                ties[n_ties] = j
                n_ties += 1
        j = ties[min(int(u[draw] * n_ties), n_ties - 1)]
        draw += 1
        n_candidates = 0
        nearest = -1
        for a in range(k):
            if not taken[a] and niche[a] == j:
                n_candidates += 1
                if nearest < 0 or distance[a] < distance[nearest]:
                    nearest = a
        if n_candidates == 0:
            active[j] = False
            continue
        if count[j] == 0:
            pick = nearest
        else:
            target = min(int(u[draw] * n_candidates), n_candidates - 1)
            pick = -1
            for a in range(k):
                if not taken[a] and niche[a] == j:
                    if target == 0:
                        pick = a
                        break
                    target -= 1
        draw += 1
        taken[pick] = True
        chosen[picked] = pick
        picked += 1
        count[j] += 1
    return chosen


TCHEBYCHEFF = 0
PBI = 1


@njit(cache=True)
def decomposed(f, w, ideal, method, theta):
    """One subproblem's value of the objectives ``f`` (Zhang & Li 2007, section II):
    Tchebycheff ``max_k w_k |f_k - z*_k|`` (a zero weight counts as 1e-6) or PBI
    ``d1 + theta d2``, the distances along and off the direction ``w`` from ``z*``."""
    m = f.shape[0]
    if method == TCHEBYCHEFF:
        worst = -np.inf
        for k in range(m):
            weight = w[k] if w[k] > 0.0 else 1e-6
            value = weight * abs(f[k] - ideal[k])
            if value > worst:
                worst = value
        return worst
    norm = 0.0
    for k in range(m):
        norm += w[k] * w[k]
    norm = np.sqrt(norm)
    d1 = 0.0
    for k in range(m):
        d1 += (f[k] - ideal[k]) * w[k]
    d1 = abs(d1) / norm
    d2 = 0.0
    for k in range(m):
        gap = f[k] - ideal[k] - d1 * w[k] / norm
        d2 += gap * gap
    return d1 + theta * np.sqrt(d2)


@njit(cache=True)
def moead_update(X, F, cv, children, child_F, child_cv, neighbours, weights, ideal, method,
                 theta):
    """MOEA/D's update (Zhang & Li 2007, step 2.4-2.5), child by child in subproblem order,
    in place: the ideal point takes each feasible child's values, and the child replaces every
    neighbour of its subproblem that it is no worse for (a smaller violation first; between
    equal violations, a subproblem value no larger)."""
    n = children.shape[0]
    T = neighbours.shape[1]
    for i in range(n):
        if child_cv[i] <= 0.0:
            for k in range(ideal.shape[0]):
                if child_F[i, k] < ideal[k]:
                    ideal[k] = child_F[i, k]
        for t in range(T):
            j = neighbours[i, t]
            if child_cv[i] < cv[j]:
                better = True
            elif child_cv[i] > cv[j]:
                better = False
            else:
                better = decomposed(child_F[i], weights[j], ideal, method, theta) <= \
                    decomposed(F[j], weights[j], ideal, method, theta)
            if better:
                X[j, :] = children[i, :]
                F[j, :] = child_F[i, :]
                cv[j] = child_cv[i]


@njit(cache=True)
def nearest_lines(N, unit):
    """Each row of ``N``'s nearest line through the origin along the unit vectors ``unit``
    (H, m), and its perpendicular distance ``||p - (p . u) u||`` (NSGA-III's association)."""
    n, m = N.shape
    H = unit.shape[0]
    niche = np.empty(n, np.int64)
    distance = np.empty(n)
    for i in range(n):
        best, best_j = np.inf, 0
        for j in range(H):
            along = 0.0
            for k in range(m):
                along += N[i, k] * unit[j, k]
            gap = 0.0
            for k in range(m):
                g = N[i, k] - along * unit[j, k]
                gap += g * g
            if gap < best:
                best, best_j = gap, j
        niche[i] = best_j
        distance[i] = np.sqrt(best)
    return niche, distance
