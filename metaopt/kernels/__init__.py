"""Numba kernels: plain arrays and scalars in, arrays out; no classes, no state.

Every kernel takes pre-drawn random numbers, so each equals a plain-numpy reference on the same
draws (tests/reference.py) and results never depend on thread scheduling.
"""
