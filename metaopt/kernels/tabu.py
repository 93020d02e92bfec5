"""Tabu search on tours: 2-opt candidate moves from deltas, tabu edges, aspiration."""

import numpy as np
from numba import njit

from .permutation import _two_opt_move


@njit(cache=True)
def tabu_tour_steps(distances, tour, length, neighbors, tabu_until, iteration, tenure, best,
                    steps):
    """Run ``steps`` tabu-search iterations on ``tour`` (in place).

    Each iteration scans the 2-opt moves that add an edge (a, c), c in a's candidate list, on
    either side of a, and makes the best one whose added edges are not tabu, or any that
    beats ``best`` (aspiration), even when it worsens the tour. The two removed edges become
    tabu (may not be added back) for ``tenure`` iterations.

    Returns (best tour seen, its length, the current length, the next iteration number,
    deltas evaluated).
    """
    n = tour.size
    pos = np.empty(n, np.int64)
    for i in range(n):
        pos[tour[i]] = i
    best_tour = tour.copy()
    best_len = length
    evaluations = 0
    for _ in range(steps):
        move_delta = np.inf
        ma = mb = mc = md = -1
        for a in range(n):
            for direction in range(2):
                b = tour[(pos[a] + 1) % n] if direction == 0 else tour[(pos[a] - 1) % n]
                for t in range(neighbors.shape[1]):
                    c = neighbors[a, t]
                    d = tour[(pos[c] + 1) % n] if direction == 0 else tour[(pos[c] - 1) % n]
                    if c == b or d == a or c == a:
                        continue
                    evaluations += 1
                    delta = distances[a, c] + distances[b, d] - distances[a, b] - distances[c, d]
                    tabu = tabu_until[a, c] > iteration or tabu_until[b, d] > iteration
                    if tabu and length + delta >= best - 1e-9:
                        continue
                    if delta < move_delta:
                        move_delta, ma, mb, mc, md = delta, a, b, c, d
        if ma < 0:
            iteration += 1
            continue
        _two_opt_move(tour, pos, ma, mb, mc, md)
        length += move_delta
        until = iteration + tenure
        tabu_until[ma, mb] = tabu_until[mb, ma] = until
        tabu_until[mc, md] = tabu_until[md, mc] = until
        if length < best_len - 1e-9:
            best_len = length
            best_tour[:] = tour
            best = min(best, length)
        iteration += 1
    return best_tour, best_len, length, iteration, evaluations


@njit(cache=True)
def region_tabu_mask(dim, log_coord, log_delta, cand_coord, cand_delta, half):
    """Which compass moves land in a tabu region: within ``half`` (Chebyshev) of a point the
    search recently left.

    The regions are not stored as points: region r is the current point less the moves made
    since it (``log_coord``/``log_delta``, oldest first), so memory is O(tenure) and a step
    costs O(tenure x distinct coordinates moved + tenure x candidates), whatever ``dim``.
    Candidate i moves coordinate ``cand_coord[i]`` by ``cand_delta[i]``.
    """
    m = cand_coord.shape[0]
    tabu = np.zeros(m, np.bool_)
    acc = np.zeros(dim)  # current point - region point
    seen = np.zeros(dim, np.bool_)
    touched = np.empty(log_coord.shape[0], np.int64)
    n_touched = 0
    for r in range(log_coord.shape[0] - 1, -1, -1):
        j = log_coord[r]
        acc[j] += log_delta[r]
        if not seen[j]:
            seen[j] = True
            touched[n_touched] = j
            n_touched += 1
        top1, top1_at, top2 = 0.0, -1, 0.0
        for t in range(n_touched):
            v = abs(acc[touched[t]])
            if v > top1:
                top2, top1, top1_at = top1, v, touched[t]
            elif v > top2:
                top2 = v
        if top2 >= half:  # two coordinates already too far: no move reaches this region
            continue
        for i in range(m):
            if not tabu[i]:
                c = cand_coord[i]
                other = top2 if c == top1_at else top1
                if other < half and abs(acc[c] + cand_delta[i]) < half:
                    tabu[i] = True
    return tabu
