"""Start-up cost: ``import metaopt`` and ``metaopt --help`` against ``import numba``.

Each is timed in fresh interpreters (``--repeats`` times, interleaved, median), in the same run:
the import alone (measured inside the process), and the whole process's wall time for the
command line against a process that only imports numba. The issue's bar: at most 1.5x
``import numba`` for both. Also checks that neither loads scipy.optimize or scipy.stats.

    python benchmarks/startup.py [--repeats 9]
"""

import argparse
import statistics
import subprocess
import sys
import time

IMPORT = ("import sys, time; t = time.perf_counter(); import {module}; "
          "print(time.perf_counter() - t); "
          "print(any(m.startswith(('scipy.optimize', 'scipy.stats')) for m in sys.modules))")


def timed_import(module):
    out = subprocess.run([sys.executable, "-c", IMPORT.format(module=module)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), out[1] == "True"


def wall(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    timed_import("metaopt")  # warm the file system cache and Python's bytecode caches
    samples = {"numba": [], "metaopt": [], "numba process": [], "metaopt --help": []}
    heavy = False
    for _ in range(args.repeats):
        samples["numba"].append(timed_import("numba")[0])
        seconds, loaded = timed_import("metaopt")
        samples["metaopt"].append(seconds)
        heavy |= loaded
        samples["numba process"].append(wall([sys.executable, "-c", "import numba"]))
        samples["metaopt --help"].append(wall([sys.executable, "-m", "metaopt", "--help"]))
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"median of {args.repeats} fresh interpreters")
    print(f"  import numba          {median['numba']:.3f} s")
    print(f"  import metaopt        {median['metaopt']:.3f} s  -> "
          f"{median['metaopt'] / median['numba']:.2f}x import numba (bar 1.5x)")
    print(f"  python -c 'import numba' (whole process)  {median['numba process']:.3f} s")
    print(f"  metaopt --help (whole process)             {median['metaopt --help']:.3f} s  -> "
          f"{median['metaopt --help'] / median['numba process']:.2f}x (bar 1.5x)")
    print(f"  scipy.optimize or scipy.stats loaded by import metaopt: {'YES' if heavy else 'no'}")


if __name__ == "__main__":
    main()
