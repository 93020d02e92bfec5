"""metaopt.plotting: the axes users read (issue 13)."""

import numpy as np
import pytest

import metaopt

pytest.importorskip("matplotlib")
from metaopt import plotting  # noqa: E402

plotting.pyplot(files_only=True)


def run(seed, budget=600):
    return metaopt.minimize(lambda X: np.sum(np.round(X, 1) ** 2, axis=1), [(-1, 1)] * 2,
                            method="de", budget=budget, rng=seed, vectorized=True)


def test_a_run_that_reaches_zero_is_drawn_on_a_log_axis_with_its_floor(tmp_path):
    res = run(0)
    assert res.fun == 0.0
    ax = res.plot(label="de")
    assert ax.get_yscale() == "log" and "0 drawn at 1e-16" in ax.get_ylabel()
    y = ax.get_lines()[0].get_ydata()
    assert y.min() == plotting.FLOOR and np.all(y > 0)
    plotting.save(ax, tmp_path / "run.png")
    assert (tmp_path / "run.png").stat().st_size > 1000


def test_errors_against_a_known_optimum_and_negative_values_stay_linear():
    res = metaopt.minimize(lambda X: -5 + np.sum(X**2, axis=1), [(-1, 1)] * 2, method="de",
                           budget=300, rng=0, vectorized=True)
    assert res.plot().get_yscale() == "linear"  # f itself is negative
    ax = res.plot(optimum=-5.0)
    assert ax.get_yscale() == "log" and ax.get_ylabel().startswith("f - f*")


def test_a_comparison_draws_a_median_and_a_band_per_method_in_distinct_colours():
    runs = {"de": [run(s) for s in range(3)], "ga": [metaopt.minimize(
        lambda X: np.sum(X**2, axis=1), [(-1, 1)] * 2, method="ga", budget=600, rng=s,
        vectorized=True) for s in range(3)]}
    ax = plotting.compare(runs, optimum=0.0, title="two methods")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["de (median of 3)", "ga (median of 3)"]
    assert lines[0].get_color() != lines[1].get_color()
    assert len(ax.collections) == 2  # the bands


def test_a_tour_has_no_blank_margins(tmp_path):
    coords = np.random.default_rng(0).random((12, 2))
    ax = plotting.tour(coords, np.arange(12), title="12 cities")
    assert ax.margins() == (0.01, 0.01) and not ax.axison
    x = ax.get_lines()[0].get_xdata()
    assert len(x) == 13 and x[0] == x[-1]  # closed
    plotting.save(ax, tmp_path / "tour.png")
