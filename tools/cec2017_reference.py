"""Record the competition's own values of the CEC 2017 functions at the test points.

Writes tests/data/cec2017_values.csv, which tests/test_cec2017.py compares the numpy port with.
Needs the competition's C code and its input_data, which are not shipped (they are in the CEC
2017 package and in the authors' repositories, e.g. VladimirStanovov/L-SRTDE_CEC-2024:
cec17_test_func.cpp and input_data/), and g++:

    python tools/cec2017_reference.py PATH/TO/cec17_test_func.cpp PATH/TO/dir_with_input_data

The driver is compiled without optimization (no contraction of multiply-adds), and prints each
value with 17 significant digits.
"""

import csv
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from problems.cec2017 import CEC2017, CEC2017_DIMENSIONS, CEC2017_FUNCTIONS  # noqa: E402
from tests.cec2017_points import reference_points  # noqa: E402

DRIVER = r"""
#include <cstdio>
#include <cstdlib>
#include "%s"
double *OShift, *M, *y, *z, *x_bound;
int ini_flag = 0, n_flag, func_flag, *SS;
int main() {
  int f, d, n;
  while (scanf("%%d %%d %%d", &f, &d, &n) == 3) {
    double *x = (double *) malloc(sizeof(double) * d * n);
    double *v = (double *) malloc(sizeof(double) * n);
    for (int i = 0; i < d * n; i++) scanf("%%lf", &x[i]);
    cec17_test_func(x, v, d, n, f);
    for (int i = 0; i < n; i++) printf("%%.17g\n", v[i]);
    free(x); free(v);
  }
}
"""


def main(source, data_dir):
    source = pathlib.Path(source).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        driver = pathlib.Path(tmp) / "driver.cpp"
        driver.write_text(DRIVER % source)
        binary = pathlib.Path(tmp) / "driver"
        subprocess.run(["g++", "-O0", "-std=c++11", "-o", str(binary), str(driver)],
                       check=True, capture_output=True)
        cases, lines = [], []
        for dim in CEC2017_DIMENSIONS:
            for number in CEC2017_FUNCTIONS:
                points = reference_points(CEC2017(number, dim))
                lines.append(f"{number} {dim} {len(points)}")
                lines.extend(" ".join(repr(float(v)) for v in x) for x in points)
                cases.extend((number, dim, i) for i in range(len(points)))
        out = subprocess.run([str(binary)], input="\n".join(lines) + "\n", text=True,
                             capture_output=True, check=True, cwd=data_dir).stdout.split()
    if len(out) != len(cases):
        raise SystemExit(f"the driver printed {len(out)} values for {len(cases)} points")
    target = ROOT / "tests" / "data" / "cec2017_values.csv"
    with open(target, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["function", "dim", "point", "value"])
        for (number, dim, i), value in zip(cases, out):
            writer.writerow([number, dim, i, value])
    print(f"{len(cases)} values written to {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
