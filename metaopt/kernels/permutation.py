"""Permutation operators over whole populations, and the 2-opt + Or-opt local search for tours.

Crossovers: order crossover OX (Davis 1985) and partially mapped crossover PMX (Goldberg &
Lingle 1985). Mutations: swap, and segment reversal (inversion; on a tour it is a 2-opt move).
Kick: the double bridge of Martin, Otto & Felten (1991) used by iterated local search
(Lourenco, Martin & Stuetzle 2003). The local search applies improving 2-opt and Or-opt moves
(segments of up to three cities moved elsewhere, either way round) found through nearest-
neighbour candidate lists, with a queue of cities whose don't-look bit is off (Bentley 1992).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def order_crossover(first, second, cuts):
    """OX: child i keeps ``first[i, a:b]`` in place and fills the other positions, from
    position b onwards (cyclically), with the missing values in the order they appear in
    ``second[i]`` starting at position b. ``cuts[i] = (a, b)`` with ``0 <= a < b <= n``."""
    m, n = first.shape
    child = np.empty_like(first)
    used = np.zeros(n, np.bool_)
    for i in range(m):
        a, b = cuts[i, 0], cuts[i, 1]
        used[:] = False
        for k in range(a, b):
            child[i, k] = first[i, k]
            used[first[i, k]] = True
        write = b % n
        for t in range(n):
            value = second[i, (b + t) % n]
            if not used[value]:
                child[i, write] = value
                write = (write + 1) % n
    return child


@njit(cache=True)
def pmx_crossover(first, second, cuts):
    """PMX: child i copies ``first[i, a:b]``; every other position takes ``second``'s value,
    followed through the mapping first[k] -> second[k] of the copied segment until it leaves
    the segment's values."""
    m, n = first.shape
    child = np.empty_like(first)
    where = np.empty(n, np.int64)
    in_segment = np.zeros(n, np.bool_)
    for i in range(m):
        a, b = cuts[i, 0], cuts[i, 1]
        in_segment[:] = False
        for k in range(n):
            where[first[i, k]] = k
        for k in range(a, b):
            child[i, k] = first[i, k]
            in_segment[first[i, k]] = True
        for k in range(n):
            if a <= k < b:
                continue
            value = second[i, k]
            while in_segment[value]:
                value = second[i, where[value]]
            child[i, k] = value
    return child


@njit(cache=True)
def _swap_row(row, a, b):
    row[a], row[b] = row[b], row[a]


@njit(cache=True)
def _reverse_row(row, a, b):
    lo, hi = min(a, b), max(a, b)
    while lo < hi:
        row[lo], row[hi] = row[hi], row[lo]
        lo += 1
        hi -= 1


@njit(cache=True)
def _insert_row(row, a, b):
    moved = row[a]
    if a < b:
        for k in range(a, b):
            row[k] = row[k + 1]
    else:
        for k in range(a, b, -1):
            row[k] = row[k - 1]
    row[b] = moved


@njit(cache=True)
def swap_mutation(perms, positions):
    """In place: swap the entries at ``positions[i, 0]`` and ``positions[i, 1]`` of row i."""
    for i in range(perms.shape[0]):
        _swap_row(perms[i], positions[i, 0], positions[i, 1])
    return perms


@njit(cache=True)
def reverse_mutation(perms, positions):
    """In place: reverse row i between positions ``min(p)`` and ``max(p)`` inclusive (inversion;
    on a tour, the 2-opt move that replaces the two edges at the segment's ends)."""
    for i in range(perms.shape[0]):
        _reverse_row(perms[i], positions[i, 0], positions[i, 1])
    return perms


SWAP, REVERSAL, INSERTION = 0, 1, 2


@njit(cache=True)
def apply_moves(perms, positions, kinds):
    """In place: row i gets move ``kinds[i]`` at ``positions[i] = (a, b)``: SWAP exchanges the
    entries at a and b, REVERSAL reverses the segment between them (2-opt on a tour),
    INSERTION takes the entry at a out and puts it back at b (the others shift by one)."""
    for i in range(perms.shape[0]):
        a, b = positions[i, 0], positions[i, 1]
        if kinds[i] == SWAP:
            _swap_row(perms[i], a, b)
        elif kinds[i] == REVERSAL:
            _reverse_row(perms[i], a, b)
        else:
            _insert_row(perms[i], a, b)
    return perms


@njit(cache=True)
def double_bridge(tours, cuts):
    """Tour A B C D becomes A C B D, with cut points ``0 < c1 < c2 < c3 < n`` per row."""
    m, n = tours.shape
    out = np.empty_like(tours)
    for i in range(m):
        c1, c2, c3 = cuts[i, 0], cuts[i, 1], cuts[i, 2]
        w = 0
        for k in range(0, c1):
            out[i, w] = tours[i, k]
            w += 1
        for k in range(c2, c3):
            out[i, w] = tours[i, k]
            w += 1
        for k in range(c1, c2):
            out[i, w] = tours[i, k]
            w += 1
        for k in range(c3, n):
            out[i, w] = tours[i, k]
            w += 1
    return out


@njit(cache=True)
def neighbor_lists(distances, k):
    """The ``k`` nearest other cities of each city, nearest first."""
    n = distances.shape[0]
    k = min(k, n - 1)
    out = np.empty((n, k), np.int64)
    for a in range(n):
        order = np.argsort(distances[a], kind="mergesort")
        w = 0
        for c in order:
            if c != a:
                out[a, w] = c
                w += 1
                if w == k:
                    break
    return out


@njit(cache=True)
def _reverse_path(tour, pos, i, j):
    """Reverse the cyclic path from position i forward to position j (or, equivalently for a
    cycle, its complement, whichever is shorter)."""
    n = tour.size
    length = (j - i) % n + 1
    if 2 * length > n:
        i, j = (j + 1) % n, (i - 1) % n
        length = n - length
    for _ in range(length // 2):
        a, b = tour[i], tour[j]
        tour[i], tour[j] = b, a
        pos[b], pos[a] = i, j
        i = (i + 1) % n
        j = (j - 1) % n


@njit(cache=True)
def _two_opt_move(tour, pos, a, b, c, d):
    """Remove tour edges (a, b) and (c, d), add (a, c) and (b, d); either orientation."""
    n = tour.size
    if tour[(pos[a] + 1) % n] == b:
        _reverse_path(tour, pos, pos[b], pos[c])
    else:
        _reverse_path(tour, pos, pos[a], pos[d])


@njit(cache=True)
def _or_opt_move(tour, pos, p, s1, s2, nx, x, y, s1_next_to_x):
    """Move the segment s1..s2 (between p and nx) between the adjacent cities x -> y, as a
    sequence of 2-opt moves; ``s1_next_to_x`` chooses its orientation."""
    _two_opt_move(tour, pos, p, s1, x, y)      # p x .. nx s2 .. s1 y
    _two_opt_move(tour, pos, p, x, nx, s2)     # p nx .. x s2 .. s1 y
    if s1_next_to_x:
        _two_opt_move(tour, pos, x, s2, s1, y)  # p nx .. x s1 .. s2 y


@njit(cache=True)
def _wake(queue, queued, head, count, city):
    """Put ``city`` at the back of the circular queue unless it is already in it; returns the
    new count."""
    if queued[city]:
        return count
    queue[(head + count) % queue.size] = city
    queued[city] = True
    return count + 1


@njit(cache=True)
def local_search(distances, tour, neighbors, active, max_segment):
    """Improve ``tour`` in place by 2-opt and Or-opt moves until none of the candidates improves.

    Parameters
    ----------
    distances : (n, n) symmetric matrix
    tour : (n,) int64 permutation, modified in place
    neighbors : (n, k) candidate lists, nearest first
    active : (n,) bool; cities to examine first (their don't-look bit off). All others start
        asleep: after an ILS kick only the kick's endpoints need to be active.
    max_segment : int, longest segment Or-opt moves (3 in the classic Or-opt)

    Returns
    -------
    (change in tour length, number of move deltas evaluated)
    """
    n = tour.size
    pos = np.empty(n, np.int64)
    for i in range(n):
        pos[tour[i]] = i
    queue = np.empty(n, np.int64)
    queued = np.zeros(n, np.bool_)
    head = 0
    count = 0
    for city in range(n):
        if active[city]:
            count = _wake(queue, queued, head, count, city)
    total = 0.0
    evaluations = 0
    eps = 1e-9
    while count > 0:
        a = queue[head]
        head = (head + 1) % n
        count -= 1
        queued[a] = False
        improved = False
        # 2-opt: a's successor (direction 0) or predecessor (1) edge against a candidate's.
        for direction in range(2):
            if improved:
                break
            b = tour[(pos[a] + 1) % n] if direction == 0 else tour[(pos[a] - 1) % n]
            d_ab = distances[a, b]
            for t in range(neighbors.shape[1]):
                c = neighbors[a, t]
                d_ac = distances[a, c]
                if d_ac >= d_ab:
                    break
                d = tour[(pos[c] + 1) % n] if direction == 0 else tour[(pos[c] - 1) % n]
                if c == b or d == a:
                    continue
                evaluations += 1
                delta = d_ac + distances[b, d] - d_ab - distances[c, d]
                if delta < -eps:
                    _two_opt_move(tour, pos, a, b, c, d)
                    total += delta
                    for city in (a, b, c, d):
                        count = _wake(queue, queued, head, count, city)
                    improved = True
                    break
        # Or-opt: the segment starting at a (forward), moved next to a candidate of a.
        seg_len = 1
        while not improved and seg_len <= max_segment and seg_len <= n - 3:
            s1 = a
            s2 = tour[(pos[a] + seg_len - 1) % n]
            p = tour[(pos[s1] - 1) % n]
            nx = tour[(pos[s2] + 1) % n]
            gain = distances[p, s1] + distances[s2, nx] - distances[p, nx]
            for t in range(neighbors.shape[1]):
                c = neighbors[s1, t]
                if distances[s1, c] >= gain:
                    break
                # c must lie outside the segment
                offset = (pos[c] - pos[s1]) % n
                if offset < seg_len:
                    continue
                for side in range(2):
                    # side 0: insert between c and its successor, s1 next to c;
                    # side 1: between c's predecessor and c, s1 next to c.
                    if side == 0:
                        x, y = c, tour[(pos[c] + 1) % n]
                    else:
                        x, y = tour[(pos[c] - 1) % n], c
                    if (pos[y] - pos[s1]) % n < seg_len or (pos[x] - pos[s1]) % n < seg_len:
                        continue
                    if y == p:  # the segment would stay where it is, mirrored: a 2-opt case
                        continue
                    evaluations += 1
                    if side == 0:
                        added = distances[x, s1] + distances[s2, y] - distances[x, y]
                    else:
                        added = distances[x, s2] + distances[s1, y] - distances[x, y]
                    delta = added - gain
                    if delta < -eps:
                        _or_opt_move(tour, pos, p, s1, s2, nx, x, y, side == 0)
                        total += delta
                        for city in (p, nx, s1, s2, x, y):
                            count = _wake(queue, queued, head, count, city)
                        improved = True
                        break
                if improved:
                    break
            seg_len += 1
        if improved:
            count = _wake(queue, queued, head, count, a)
    return total, evaluations
