"""Evaluation on a dask.distributed cluster: the same run, the same result, wherever it runs.

A local cluster on this machine (loopback) stands in for a real one; pass a scheduler address
(``--scheduler tcp://host:8786``) to use yours. The objective sleeps 20 ms per point, like a
small simulation.

    python examples/distributed.py [--scheduler ADDRESS]
"""

import argparse
import pathlib
import sys
import time

import numpy as np

import metaopt

# Run as a script, this file's folder comes first on sys.path, and this file's name would hide
# the dask.distributed package: take the folder off before importing it.
_HERE = pathlib.Path(__file__).resolve().parent
sys.path = [p for p in sys.path if pathlib.Path(p or ".").resolve() != _HERE]


def simulation(x):
    time.sleep(0.02)
    return float(np.sum((x - 0.5) ** 2) + 0.1 * np.sum(np.cos(4 * np.pi * x)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheduler", help="a dask scheduler address; default: a local cluster")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    kwargs = dict(method="de", budget=240, rng=0, pop_size=24)
    bounds = [(-2.0, 2.0)] * 4
    t = time.perf_counter()
    serial = metaopt.minimize(simulation, bounds, **kwargs)
    print(f"one process:  best {serial.fun:.5f} in {time.perf_counter() - t:.1f} s")
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
    try:
        t = time.perf_counter()
        res = metaopt.minimize(simulation, bounds, backend="dask", client=client, workers=-1,
                               **kwargs)
        print(f"dask cluster: best {res.fun:.5f} in {time.perf_counter() - t:.1f} s "
              f"(same x as one process: {np.array_equal(res.x, serial.x)})")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
