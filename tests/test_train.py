"""batch_train, population-based training and the learning-rate search."""


import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")
from torch import nn  # noqa: E402

import metaopt  # noqa: E402
from metaopt import Real, Space  # noqa: E402
from metaopt.torch import PBT, LearningRateSearch, batch_train  # noqa: E402
from problems.neural import classification_task  # noqa: E402


def small_data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 6))
    y = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int) + (X[:, 2] > 1).astype(int)
    return {"train": (X[:200], y[:200]), "val": (X[200:], y[200:])}


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3))


def test_each_member_equals_its_own_torch_optim_run():
    data = small_data()
    lrs = np.array([0.003, 0.03, 0.1])
    result = batch_train(mlp(), data, "sgd", {"lr": lrs, "momentum": [0.0, 0.5, 0.9]},
                         steps=40, batch_size=16, rng=3)
    # Replay member i's minibatch order with torch.optim.SGD on its own module.
    from metaopt.torch.training.train import _minibatch_order

    order = _minibatch_order(np.random.default_rng(3), 200, 3, 40, 16)
    X = torch.as_tensor(data["train"][0], dtype=torch.float32)
    y = torch.as_tensor(data["train"][1])
    for i, (lr, mom) in enumerate(zip(lrs, [0.0, 0.5, 0.9])):
        model = mlp()
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=mom)
        for k in range(40):
            idx = torch.as_tensor(order[i, k])
            opt.zero_grad()
            nn.functional.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
        for name, p in model.named_parameters():
            torch.testing.assert_close(result.params[name][i], p.detach(), rtol=1e-4, atol=1e-5)


def test_learning_rates_matter_and_results_are_reproducible():
    data = small_data()
    lrs = np.array([1e-5, 3e-2])
    a = batch_train(mlp(), data, "adam", {"lr": lrs}, steps=150, batch_size=32, rng=0,
                    eval_every=50)
    b = batch_train(mlp(), data, "adam", {"lr": lrs}, steps=150, batch_size=32, rng=0)
    np.testing.assert_array_equal(a.val_loss, b.val_loss)
    assert a.val_loss[1] < a.val_loss[0] and a.val_accuracy[1] > 0.6
    assert a.history["val_loss"].shape == (3, 2) and list(a.history["step"]) == [50, 100, 150]
    assert a.forward_passes == 2 * 150 * 32 + 2 * 256


def test_independent_initialisation():
    result = batch_train(mlp(), small_data(), "adam", {"lr": 0.0}, members=3, steps=1,
                         batch_size=8, init="independent", rng=0)
    w = result.params["0.weight"]
    assert not torch.allclose(w[0], w[1])


def test_pbt_copies_the_best_and_perturbs():
    data = small_data()
    lrs = np.array([1e-6, 1e-6, 1e-6, 5e-2])  # one good member among three stuck ones
    result = batch_train(mlp(), data, "adam", {"lr": lrs}, steps=200, batch_size=32, rng=0,
                         pbt=PBT(interval=50, fraction=0.25, perturb=(0.8, 1.2)))
    assert len(result.hparam_history) == 3
    first = result.hparam_history[0]["lr"]
    # The worst member copied the good one and perturbed its rate by 0.8 or 1.2.
    assert np.sum(np.isclose(first, 5e-2 * 0.8) | np.isclose(first, 5e-2 * 1.2)) == 1
    assert result.val_loss.max() < 1.0  # the copied member trains too
    with pytest.raises(ValueError, match="PBT hyperparameter 'momentum'"):
        batch_train(mlp(), data, "adam", {"lr": lrs}, steps=60, batch_size=8,
                    pbt=PBT(interval=50, hparams=("momentum",)))


def test_bad_arguments():
    data = small_data()
    with pytest.raises(ValueError, match="unknown optimizer"):
        batch_train(mlp(), data, "lion", {"lr": [0.1]})
    with pytest.raises(ValueError, match="disagree in length"):
        batch_train(mlp(), data, "adam", {"lr": [0.1, 0.2], "betas": (0.9, 0.99),
                                          "weight_decay": [0.0, 0.1, 0.2]})
    with pytest.raises(ValueError, match="members=P"):
        batch_train(mlp(), data, "adam", {"lr": 0.1})
    with pytest.raises(ValueError, match="steps must be a positive int"):
        batch_train(mlp(), data, "adam", {"lr": [0.1]}, steps=0)


def test_lr_search_with_de_matches_a_dense_grid():
    """Quality only; the time it saves is measured by benchmarks/torch_throughput.py."""
    data = classification_task("digits", rng=0)
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    search = LearningRateSearch(module, {"train": data["train"]},
                                Space({"lr": Real(1e-4, 1.0, log=True)}), steps=150,
                                batch_size=64)
    grid_lrs = np.logspace(-4, 0, 64)
    grid = search(grid_lrs[:, None], rng=np.random.default_rng(0))
    res = metaopt.minimize(search, search.space, method="de", vectorized=True, pop_size=32,
                           budget=64, rng=0)
    assert res.fun <= 1.05 * grid.min()
    assert len(search.trials) == 3 and res.params["lr"] > 1e-4


def test_lr_search_with_a_schedule_and_momentum():
    space = Space({"lr": Real(1e-3, 1.0, log=True), "pct_start": Real(0.1, 0.5),
                   "momentum": Real(0.0, 0.95)})
    search = LearningRateSearch(mlp(), small_data(), space, optimizer="sgd",
                                schedule="one_cycle", steps=60, batch_size=16)
    res = metaopt.minimize(search, space, method="de", vectorized=True, pop_size=8, budget=16,
                           rng=0)
    assert np.isfinite(res.fun) and set(res.params) == {"lr", "pct_start", "momentum"}
    with pytest.raises(TypeError, match="named Space"):
        LearningRateSearch(mlp(), small_data(), [(0, 1)])


def test_chunks_give_the_same_result():
    data = small_data()
    lrs = np.logspace(-3, -1, 7)
    whole = batch_train(mlp(), data, "adam", {"lr": lrs}, steps=30, batch_size=16, rng=4,
                        eval_every=10)
    chunked = batch_train(mlp(), data, "adam", {"lr": lrs}, steps=30, batch_size=16, rng=4,
                          eval_every=10, chunk_size=3)
    np.testing.assert_allclose(chunked.val_loss, whole.val_loss, rtol=1e-5)
    assert chunked.history["val_loss"].shape == (3, 7)
    for name in whole.params:
        torch.testing.assert_close(chunked.params[name], whole.params[name], rtol=1e-5,
                                   atol=1e-6)
    with pytest.raises(ValueError, match="PBT needs all 7 members in one chunk"):
        batch_train(mlp(), data, "adam", {"lr": lrs}, steps=60, batch_size=16, chunk_size=3,
                    pbt=PBT(interval=20))


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_stacked_mlp_training_equals_torch_optim_adam_step_for_step(loss):
    """The stacked path (batched matrix products, one backward pass over the members' summed
    losses) gives each member its own Adam run."""
    from metaopt.torch.training.train import _minibatch_order, _stacks
    from metaopt.torch.population import PopulationModule
    from metaopt.torch.losses import population_loss

    data = small_data()
    if loss == "mse":
        data = {k: (X, (y == 1).astype(float)) for k, (X, y) in data.items()}

    def net():
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 1 if loss == "mse"
                                                                      else 3))

    assert _stacks(PopulationModule(net()), population_loss(loss)[0])
    lrs = np.array([0.001, 0.01])
    result = batch_train(net(), data, "adam", {"lr": lrs}, steps=25, batch_size=16, rng=4,
                         loss=loss)
    order = _minibatch_order(np.random.default_rng(4), 200, 2, 25, 16)
    X = torch.as_tensor(data["train"][0], dtype=torch.float32)
    y = torch.as_tensor(data["train"][1])
    for i, lr in enumerate(lrs):
        model = net()
        opt = torch.optim.Adam(model.parameters(), lr=float(lr))
        for k in range(25):
            idx = torch.as_tensor(order[i, k])
            opt.zero_grad()
            out = model(X[idx])
            value = nn.functional.mse_loss(out[:, 0], y[idx].float()) if loss == "mse" \
                else nn.functional.cross_entropy(out, y[idx])
            value.backward()
            opt.step()
        for name, p in model.named_parameters():
            torch.testing.assert_close(result.params[name][i], p.detach(), rtol=1e-4, atol=1e-5)


def test_successive_halving_keeps_the_best_third_at_each_rung():
    from metaopt.torch import SuccessiveHalving

    data = small_data()
    lrs = np.logspace(-4, -0.5, 9)
    halving = SuccessiveHalving(eta=3, min_steps=10)
    assert halving.rungs(90) == [10, 30]
    full = batch_train(mlp(), data, "adam", {"lr": lrs}, steps=90, batch_size=16, rng=2,
                       eval_every=10)
    cut = batch_train(mlp(), data, "adam", {"lr": lrs}, steps=90, batch_size=16, rng=2,
                      halving=halving, eval_every=10)
    # 9 members -> 3 after step 10 -> 1 after step 30
    assert sorted(cut.steps_trained.tolist()) == [10] * 6 + [30] * 2 + [90]
    np.testing.assert_array_equal(np.bincount(cut.rung), [6, 2, 1])
    step10 = full.history["val_loss"][0]  # every member's validation loss at step 10
    survivors = np.flatnonzero(cut.steps_trained > 10)
    assert set(survivors) == set(np.argsort(step10, kind="stable")[:3])
    # the last member standing trained exactly as it did without halving
    winner = int(np.flatnonzero(cut.steps_trained == 90)[0])
    assert cut.val_loss[winner] == pytest.approx(full.val_loss[winner], rel=1e-5)
    stopped = np.flatnonzero(cut.steps_trained == 10)
    np.testing.assert_allclose(cut.val_loss[stopped], step10[stopped], rtol=1e-5)
    assert np.isnan(cut.history["val_loss"][-1][stopped]).all()
    assert cut.forward_passes < full.forward_passes
    with pytest.raises(ValueError, match="eta"):
        batch_train(mlp(), data, "adam", {"lr": lrs}, steps=90, halving=SuccessiveHalving(eta=1))


def test_lr_search_with_successive_halving_records_the_steps_of_each_trial():
    from metaopt.torch import SuccessiveHalving

    space = Space({"lr": Real(1e-4, 1.0, log=True)})
    search = LearningRateSearch(mlp(), small_data(), space, steps=60, batch_size=16,
                                halving=SuccessiveHalving(eta=3, min_steps=20))
    res = metaopt.minimize(search, space, method="de", vectorized=True, pop_size=9, budget=18,
                           rng=0)
    assert np.isfinite(res.fun) and len(search.steps_trained) == 2
    for trained in search.steps_trained:
        assert sorted(trained.tolist()) == [20] * 6 + [60] * 3
    with pytest.raises(TypeError, match="SuccessiveHalving"):
        LearningRateSearch(mlp(), small_data(), space, halving=3)


def test_hyperband_runs_its_brackets_in_turn():
    from metaopt.torch import Hyperband

    brackets = Hyperband(eta=3, min_steps=5).brackets(90)
    assert [b.rungs(90) for b in brackets] == [[10, 30], [30], []]
    space = Space({"lr": Real(1e-4, 1.0, log=True)})
    search = LearningRateSearch(mlp(), small_data(), space, steps=90, batch_size=16,
                                halving=Hyperband(eta=3, min_steps=5))
    for call in range(3):
        search(np.full((9, 1), 0.01) * (1 + np.arange(9))[:, None], rng=call)
    assert [sorted(set(t.tolist())) for t in search.steps_trained] == [[10, 30, 90], [30, 90],
                                                                        [90]]
