"""Pairwise comparisons of methods' final values: the rank test, the bootstrap interval and the
false discovery rate adjustment, against scipy called directly."""

import numpy as np
import pytest
from scipy import stats

from metaopt.statistics import format_comparisons, pairwise_comparisons


def test_a_real_difference_is_significant_and_equal_samples_are_not():
    rng = np.random.default_rng(0)
    finals = {"good": rng.normal(0.0, 1.0, 10), "bad": rng.normal(10.0, 1.0, 10),
              "also_good": rng.normal(0.0, 1.0, 10)}
    rows = {(r["a"], r["b"]): r for r in pairwise_comparisons(finals, rng=1)}
    gb = rows[("good", "bad")]
    assert gb["significant"] and gb["better"] == "good"
    assert gb["p"] == pytest.approx(stats.mannwhitneyu(finals["good"], finals["bad"]).pvalue)
    assert gb["ci_low"] <= gb["median_difference"] <= gb["ci_high"] < 0
    same = rows[("good", "also_good")]
    assert not same["significant"] and same["better"] is None
    assert same["ci_low"] < 0 < same["ci_high"]
    raw = np.array([r["p"] for r in rows.values()])
    np.testing.assert_allclose([r["p_adjusted"] for r in rows.values()],
                               stats.false_discovery_control(raw))
    text = format_comparisons(list(rows.values()))
    assert "Mann-Whitney" in text and "yes, good lower" in text


def test_few_seeds_and_failed_runs_give_no_false_certainty():
    rows = pairwise_comparisons({"a": [1.0, 2.0], "b": [3.0, np.inf, 4.0], "c": [np.inf]})
    ab = next(r for r in rows if (r["a"], r["b"]) == ("a", "b"))
    assert not ab["significant"] and np.isfinite(ab["p"])  # two seeds cannot show it
    ac = next(r for r in rows if r["b"] == "c")
    assert np.isnan(ac["p"]) and not ac["significant"]
