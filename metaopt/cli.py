"""The ``metaopt`` command line (``metaopt ...`` or ``python -m metaopt ...``): run, compare,
nn, lr-search, list.

Named workloads come from the ``problems`` package, imported only when a name asks for one;
``module:function`` is looked up from the current folder first.

    metaopt run rastrigin --method lshade --dim 10 --budget 100000 --rng 0 --out out
    metaopt run berlin52 --method ils --budget 2000
    metaopt run mypackage.mymodule:objective --dim 5 --bounds -10 10
    metaopt compare rastrigin --methods de,lshade,ga --seeds 5 --out out
    metaopt nn digits --against sgd,adam,nadam,adabelief,adan --methods ga,de,openai_es,snes
    metaopt lr-search digits --optimizer adam --method de --budget 96
    metaopt list
"""

import argparse
import sys
import time

import numpy as np

import metaopt
from metaopt import METHODS, REGISTRY

from . import report
from .statistics import format_comparisons, pairwise_comparisons


# -- problems -----------------------------------------------------------------------------------
def resolve(name, dim=10, rng=0, bounds=None, vectorized=False):
    """A problem by name (``problems.registry.resolve_objective``: a named workload or a
    user's ``module:function``); SystemExit with the reason when there is none."""
    from problems.registry import resolve_objective

    return resolve_objective(name, dim, rng, bounds, vectorized)


# -- output -----------------------------------------------------------------------------------
def _parse_options(pairs):
    """``["F=0.7", "strategy=best1bin"]`` -> ``{"F": 0.7, "strategy": "best1bin"}``."""
    import ast

    options = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"--option needs KEY=VALUE, got {pair!r}")
        flag = RUN_FLAGS.get(key.strip().replace("-", "_"))
        if flag is not None:
            raise SystemExit(f"--option {pair}: {key.strip()} is set by {flag}, not by --option")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text  # a bare word is a string
        options[key.strip().replace("-", "_")] = value
    return options


#: Settings of a run that have their own flag (and are not method options).
RUN_FLAGS = {"budget": "--budget", "rng": "--rng", "seed": "--rng", "method": "--method",
             "workers": "--workers", "pop_size": "--pop-size", "target": "--target",
             "max_time": "--max-time", "checkpoint": "--checkpoint", "resume": "--resume",
             "vectorized": "--vectorized", "progress": "--quiet", "bounds": "--bounds"}


def _gap_text(value, optimum):
    if optimum is None:
        return ""
    if optimum == 0:
        return f"  (optimum 0; error {value:.3g})"
    return f"  (optimum {optimum:g}; gap {value / optimum - 1:+.3%})"


# -- verbs ------------------------------------------------------------------------------------
def cmd_run(args):
    problem = resolve(args.problem, args.dim, args.rng, args.bounds, args.vectorized)
    options = dict(problem.options.get(args.method, {}))
    options.update(_parse_options(args.option))
    if args.pop_size:
        options["pop_size"] = args.pop_size
    budget = args.budget or 10_000 * args.dim
    out = report.out_folder(args.out)
    print(f"metaopt {metaopt.__version__}: {args.method} on {problem.name}, "
          f"budget {budget:,} evaluations, rng {args.rng}")
    several = getattr(problem, "objectives", 1) > 1
    if several:
        options.update(objectives=problem.objectives, constraints=problem.constraints)
    started = time.perf_counter()
    res = metaopt.minimize(problem.fun, problem.bounds, method=args.method, budget=budget,
                           rng=args.rng, vectorized=problem.vectorized, workers=args.workers,
                           checkpoint=args.checkpoint, resume=args.resume,
                           target=args.target, max_time=args.max_time,
                           progress=None if not args.quiet else False, **options)
    seconds = time.perf_counter() - started
    if args.method == "auto":
        print(f"method      {res.method}")
    if several:
        return _report_front(res, problem, seconds, out)
    print(f"best value  {res.fun:.10g}{_gap_text(res.fun, problem.optimum)}")
    print(f"evaluations {res.nfev:,} in {seconds:.2f} s ({res.nfev / max(seconds, 1e-9):,.0f}/s); "
          f"{res.nit} generations; stopped: {res.message}")
    if res.get("ndelta"):
        print(f"move deltas {res.ndelta:,} (evaluated from the problem's distance matrix)")
    x = np.asarray(res.x)
    if metaopt.space.as_space(problem.bounds).integer_valued:
        x = x.astype(np.int64)  # tours and bit strings read as integers
    shown = np.array2string(x[:12], precision=5, suppress_small=True)
    print(f"best x      {shown}{' ...' if x.size > 12 else ''}")
    if problem.report is not None:
        print(f"held-out    {problem.report(res.x)}")
    if out is not None:
        report.write_run(out, res, problem, run_record(args, problem, budget, options))
    return 0


def run_record(args, problem, budget, options):
    """What a result.json needs to reproduce its run: the problem, method, seed, budget,
    options and the versions of the libraries that ran it."""
    import platform

    import numba
    import scipy

    return {"problem": problem.name, "dim": args.dim, "method": args.method, "seed": args.rng,
            "budget": budget, "options": {k: repr(v) for k, v in options.items()},
            "versions": {"metaopt": metaopt.__version__, "numpy": np.__version__,
                         "scipy": scipy.__version__, "numba": numba.__version__,
                         "python": platform.python_version()}}


def _report_front(res, problem, seconds, out):
    from metaopt.indicators import igd

    ref = np.array2string(np.asarray(res.hv_ref), precision=4)
    print(f"front       {len(res.pareto_fun)} non-dominated points; hypervolume "
          f"{res.hypervolume:.6g} (reference point {ref})")
    if problem.front is not None:
        print(f"IGD         {igd(res.pareto_fun, problem.front):.4g} (to the true front, "
              f"{len(problem.front)} points)")
    print(f"evaluations {res.nfev:,} in {seconds:.2f} s ({res.nfev / max(seconds, 1e-9):,.0f}/s); "
          f"{res.nit} generations; stopped: {res.message}")
    if out is not None:
        report.write_front(out, res, problem)
    return 0


def cmd_compare(args):
    methods = [m for m in args.methods.split(",") if m]
    unknown = [m for m in methods if m not in REGISTRY]
    if unknown:
        raise SystemExit(f"unknown methods {unknown}; see `metaopt list`")
    budget = args.budget or 10_000 * args.dim
    problem = resolve(args.problem, args.dim, 0, args.bounds, args.vectorized)
    out = report.out_folder(args.out)
    print(f"comparing {', '.join(methods)} on {problem.name}: {args.seeds} seeds, "
          f"{budget:,} evaluations each")
    grid = np.unique(np.linspace(1, budget, 200).astype(int))
    rows, curves, finals, runs = [], {}, {}, {}
    for method in methods:
        values, times, traces = [], [], []
        for seed in range(args.seeds):
            started = time.perf_counter()
            res = metaopt.minimize(problem.fun, problem.bounds, method=method, budget=budget,
                                   rng=seed, vectorized=problem.vectorized,
                                   **problem.options.get(method, {}))
            times.append(time.perf_counter() - started)
            values.append(res.fun)
            runs.setdefault(method, []).append(res)
            h = res.history
            # Before its first generation ends a run is shown at its first value.
            idx = np.maximum(np.searchsorted(h.nfev, grid, side="right") - 1, 0)
            traces.append(h.best_fun[idx])
            rows.append({"method": method, "seed": seed, "best": res.fun, "nfev": res.nfev,
                         "seconds": times[-1]})
        traces = np.array(traces)
        curves[method] = (grid, np.median(traces, axis=0), traces.min(axis=0),
                          traces.max(axis=0))
        finals[method] = (np.array(values), np.array(times))
    print(f"{'method':<10} {'median':>13} {'q25':>13} {'q75':>13} {'best':>13} "
          f"{'median time':>12}")
    for method, (values, times) in finals.items():
        q25, med, q75 = np.percentile(values, [25, 50, 75])
        print(f"{method:<10} {med:13.6g} {q25:13.6g} {q75:13.6g} {values.min():13.6g} "
              f"{np.median(times):11.2f}s")
    if problem.optimum is not None:
        print(f"(known optimum {problem.optimum:g})")
    tests = pairwise_comparisons({m: v for m, (v, _) in finals.items()}) \
        if len(finals) > 1 else []
    if tests:
        print(format_comparisons(tests))
    if out is not None:
        report.write_compare(out, problem, budget, args.seeds, curves, finals, rows, runs,
                             tests)
    return 0


def cmd_nn(args):
    from problems.registry import classification_data

    try:
        from problems.gradient_vs_free import compare, table
    except ImportError as exc:
        raise SystemExit(f"nn needs the torch extra: pip install 'metaopt-engine[torch]' "
                         f"({exc})") from None

    gradient = [m for m in args.against.split(",") if m]
    free = [m for m in args.methods.split(",") if m]
    out = report.out_folder(args.out)
    print(f"{args.task}: gradient optimizers {gradient} against gradient-free {free}; "
          f"{args.seconds:g} s or {args.passes:.3g} forward passes each")
    rows = compare(classification_data(args.task, args.rng), gradient, free, args.seconds,
                   args.passes)
    print("\n".join(table(rows)))
    if out is not None:
        report.write_nn(out, rows, args.task)
    return 0


def cmd_lr_search(args):
    try:
        from metaopt.torch.training import LearningRateSearch
        from problems.neural import network_for
        from problems.registry import classification_data
    except ImportError as exc:
        raise SystemExit(f"lr-search needs the torch extra: pip install "
                         f"'metaopt-engine[torch]' ({exc})") from None
    from metaopt import Real, Space

    data = classification_data(args.task, args.rng)
    out = report.out_folder(args.out)
    space = Space({"lr": Real(args.lr_min, args.lr_max, log=True)})
    search = LearningRateSearch(network_for(data), {"train": data["train"]}, space,
                                optimizer=args.optimizer, steps=args.steps,
                                batch_size=args.batch_size)
    print(f"learning-rate search for {args.optimizer} on {args.task} with {args.method}: "
          f"{args.budget} trials of {args.steps} steps, {args.pop_size} trained at once")
    started = time.perf_counter()
    res = metaopt.minimize(search, space, method=args.method, budget=args.budget, rng=args.rng,
                           vectorized=True, pop_size=args.pop_size)
    seconds = time.perf_counter() - started
    lrs = np.concatenate([X[:, 0] for X, _ in search.trials])
    losses = np.concatenate([v for _, v in search.trials])
    print(f"best lr {res.params['lr']:.4g}: validation loss {res.fun:.4f} "
          f"({len(lrs)} trials in {seconds:.1f} s)")
    if out is not None:
        report.write_lr_search(out, res, lrs, losses, f"{args.optimizer} on {args.task}: "
                                                      f"{args.method} learning-rate search")
    return 0


def cmd_list(args):
    print("algorithms (method: class; variable kinds):")
    for name, cls in REGISTRY.items():
        print(f"  {name:<10} {cls.__name__:<22} {', '.join(cls.supports)}")
    print("\nalgorithms for several objectives (objectives=m):")
    for name, cls in METHODS.items():
        if name not in REGISTRY:
            print(f"  {name:<10} {cls.__name__:<22} {', '.join(cls.supports)}")
    print("\nproblems:")
    from problems.registry import listing

    for line in listing():
        print(f"  {line}")
    print("  yours      module:function  (--dim D --bounds LOW HIGH [--vectorized])")
    return 0


DEFAULTS = argparse.ArgumentDefaultsHelpFormatter


def positive_int(text):
    """An argparse type: an integer >= 1 (0 does not mean "the default")."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def workers_count(text):
    value = int(text) if text.lstrip("-").isdigit() else None
    if value is None or value == 0 or value < -1:
        raise argparse.ArgumentTypeError(f"a count of workers >= 1, or -1 for all cores, got "
                                         f"{text!r}")
    return value


def finite_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(prog="metaopt", description="Population-based, "
                                     "gradient-free optimization.")
    parser.add_argument("--version", action="version",
                        version=f"metaopt {metaopt.__version__}")
    sub = parser.add_subparsers(dest="verb", required=True)

    run = sub.add_parser("run", help="optimize one problem", formatter_class=DEFAULTS)
    run.add_argument("problem", help="a named problem (see `metaopt list`) or module:function "
                                     "(a module in the current folder or importable)")
    run.add_argument("--method", default="auto", choices=["auto"] + sorted(METHODS),
                     help="the algorithm; auto picks from the space, dimension and budget")
    run.add_argument("--dim", type=positive_int, default=10,
                     help="dimension of test functions and of module:function")
    run.add_argument("--budget", type=positive_int, help="evaluations (default 10000 x dim)")
    run.add_argument("--rng", type=int, default=0, help="the seed")
    run.add_argument("--workers", type=workers_count, default=1,
                     help="parallel evaluations (-1: all cores)")
    run.add_argument("--pop-size", type=positive_int,
                     help="population size (default: the method's)")
    run.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                     help="an algorithm option, e.g. --option strategy=best1bin "
                          "--option F=0.7 (repeatable; values read as Python literals)")
    run.add_argument("--target", type=float, help="stop once the best value is at or below it")
    run.add_argument("--max-time", type=float, help="stop after this many seconds")
    run.add_argument("--checkpoint", help="save the run to this file as it goes")
    run.add_argument("--resume", help="continue the run saved in this file")
    run.add_argument("--bounds", type=finite_float, nargs=2, metavar=("LOW", "HIGH"),
                     help="the box of module:function, the same for every coordinate")
    run.add_argument("--vectorized", action="store_true",
                     help="module:function takes the whole population (n, dim) at once")
    run.add_argument("--out", help="folder for history.csv, result.json and plots")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)

    cmp_ = sub.add_parser("compare", help="several methods over several seeds",
                          formatter_class=DEFAULTS)
    cmp_.add_argument("problem", help="a named problem or module:function")
    cmp_.add_argument("--methods", default="de,lshade,ga,sa", help="comma-separated methods")
    cmp_.add_argument("--seeds", type=positive_int, default=5, help="runs per method (seeds "
                                                                    "0, 1, ...)")
    cmp_.add_argument("--dim", type=positive_int, default=10, help="dimension")
    cmp_.add_argument("--budget", type=positive_int, help="evaluations per run (default 10000 "
                                                          "x dim)")
    cmp_.add_argument("--bounds", type=finite_float, nargs=2, metavar=("LOW", "HIGH"),
                      help="the box of module:function")
    cmp_.add_argument("--vectorized", action="store_true",
                      help="module:function takes the whole population at once")
    cmp_.add_argument("--out", help="folder for history.csv, result.json and the plot")
    cmp_.set_defaults(func=cmd_compare)

    nn_ = sub.add_parser("nn", help="gradient optimizers against gradient-free methods",
                         formatter_class=DEFAULTS)
    nn_.add_argument("task", help="a classification task: digits, wine, breast_cancer, "
                                  "spirals, parity")
    nn_.add_argument("--against", default="sgd,adam,nadam,adabelief,adan",
                     help="comma-separated gradient optimizers (metaopt.torch.optim)")
    nn_.add_argument("--methods", default="ga,de,openai_es,snes",
                     help="comma-separated gradient-free methods")
    nn_.add_argument("--seconds", type=float, default=8.0, help="wall-clock time per method")
    nn_.add_argument("--passes", type=float, default=50e6,
                     help="sample passes (forward evaluations) per method")
    nn_.add_argument("--rng", type=int, default=0, help="the seed")
    nn_.add_argument("--out", help="folder for the table, result.json and the plot")
    nn_.set_defaults(func=cmd_nn)

    lr = sub.add_parser("lr-search", help="learning-rate search with batched training",
                        formatter_class=DEFAULTS)
    lr.add_argument("task", help="a classification task: digits, wine, breast_cancer, "
                                 "spirals, parity")
    lr.add_argument("--optimizer", default="adam", help="the gradient optimizer trained with")
    lr.add_argument("--method", default="de", choices=sorted(REGISTRY),
                    help="the search method over the learning rate")
    lr.add_argument("--budget", type=int, default=64, help="trials (networks trained)")
    lr.add_argument("--pop-size", type=int, default=32, help="trials trained at once")
    lr.add_argument("--steps", type=int, default=300, help="training steps per trial")
    lr.add_argument("--batch-size", type=int, default=64, help="minibatch size")
    lr.add_argument("--lr-min", type=float, default=1e-4, help="the smallest learning rate")
    lr.add_argument("--lr-max", type=float, default=1.0, help="the largest learning rate")
    lr.add_argument("--rng", type=int, default=0, help="the seed")
    lr.add_argument("--out", help="folder for result.json and the plot")
    lr.set_defaults(func=cmd_lr_search)

    lst = sub.add_parser("list", help="algorithms and problems")
    lst.set_defaults(func=cmd_list)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as exc:  # a bad setting, named by the library's check
        raise SystemExit(f"metaopt {args.verb}: {exc}") from None


if __name__ == "__main__":
    sys.exit(main())
