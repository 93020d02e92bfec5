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
