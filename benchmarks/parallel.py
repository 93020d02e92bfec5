"""Parallel evaluation: workers=2 against workers=1 on an objective that takes 10 ms.

DE, population 32, 640 evaluations (20 generations), a scalar objective that sleeps 10 ms
(standing in for a simulation); both runs in the same process, process workers (joblib/loky).
The two runs must give the same result; the printed ratio is the speed-up.

    python benchmarks/parallel.py [--workers 2]
"""

import argparse
import time

import numpy as np

import metaopt

DIM, POP, BUDGET = 5, 32, 640


def slow_sphere(x):
    time.sleep(0.010)
    return float(np.sum(x**2))


def timed(workers):
    t = time.perf_counter()
    res = metaopt.minimize(slow_sphere, [(-5, 5)] * DIM, method="de", budget=BUDGET,
                           pop_size=POP, rng=0, workers=workers)
    return time.perf_counter() - t, res


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    timed(args.workers)  # start the worker pool once, as a long run would
    serial_s, serial = timed(1)
    parallel_s, parallel = timed(args.workers)
    assert np.array_equal(serial.x, parallel.x) and serial.nfev == parallel.nfev == BUDGET
    print(f"DE, pop {POP}, {BUDGET} evaluations of a 10 ms objective")
    print(f"  workers=1:  {serial_s:6.2f} s")
    print(f"  workers={args.workers}:  {parallel_s:6.2f} s   (same x, fun and nfev)")
    print(f"  speed-up: {serial_s / parallel_s:.2f}x (target >= 1.8x with 2 workers)")


if __name__ == "__main__":
    main()
