"""Parameter sampling of the adaptive DE family (JADE, SHADE, L-SHADE) from pre-drawn numbers."""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def truncated_cauchy(mu, scale, u):
    """Cauchy(mu, scale) conditioned on > 0, by inverse CDF, capped at 1.

    Equal in distribution to JADE's "redraw while F <= 0": the conditional CDF is sampled
    directly, ``q = c + (1 - u)(1 - c)`` with ``c = P(F <= 0)``, so one uniform always suffices.
    """
    c = 0.5 + math.atan(-mu / scale) / math.pi
    q = c + (1.0 - u) * (1.0 - c)
    return min(mu + scale * math.tan(math.pi * (q - 0.5)), 1.0)


@njit(cache=True)
def adaptive_parameters(memory_F, memory_CR, u_slot, u_F, z_CR):
    """Per-individual F and CR drawn from a success-history memory.

    Parameters
    ----------
    memory_F, memory_CR : (H,) means; a negative CR entry is L-SHADE's terminal value
    u_slot, u_F : (n,) uniforms choosing the slot ``r = floor(u H)`` and drawing F
    z_CR : (n,) standard normals drawing CR

    Returns
    -------
    F : (n,) Cauchy(M_F[r], 0.1) conditioned on > 0, capped at 1
    CR : (n,) N(M_CR[r], 0.1) clipped to [0, 1], or 0 where M_CR[r] is terminal
    """
    n = u_slot.shape[0]
    H = memory_F.shape[0]
    F = np.empty(n)
    CR = np.empty(n)
    for i in range(n):
        r = int(u_slot[i] * H)
        m_cr = memory_CR[r]
        CR[i] = 0.0 if m_cr < 0.0 else min(max(m_cr + 0.1 * z_CR[i], 0.0), 1.0)
        F[i] = truncated_cauchy(memory_F[r], 0.1, u_F[i])
    return F, CR
