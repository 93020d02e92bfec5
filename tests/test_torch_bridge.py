"""The torch bridge: batched population evaluation equals a loop over separate modules."""

import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.func import stack_module_state  # noqa: E402

import metaopt  # noqa: E402
from metaopt.torch import NetworkFitness, ParameterLayout, PopulationModule  # noqa: E402


def loop_losses(fitness, X, inputs, targets, loss):
    out = []
    for x in X:
        module = fitness.module_with(x).eval()
        with torch.no_grad():
            out.append(float(loss(module(inputs), targets)))
    return np.array(out)


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 8), nn.ReLU(),
                         nn.Linear(8, 3))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        h = nn.functional.max_pool2d(torch.relu(self.conv(x)), 2)
        return self.fc(h.flatten(1))


class WithBuffers(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 10)
        self.bn = nn.BatchNorm1d(10)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(10, 3)
        with torch.no_grad():  # non-trivial running statistics, as after training
            self.bn.running_mean.uniform_(-1, 1)
            self.bn.running_var.uniform_(0.5, 2)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(x)))))


CASES = {
    "mlp-bmm": (mlp, (40, 6), "auto"),
    "mlp-vmap": (mlp, (40, 6), "vmap"),
    "cnn": (SmallCNN, (40, 1, 8, 8), "auto"),
    "buffers": (WithBuffers, (40, 6), "auto"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_batched_equals_a_loop_over_modules(case):
    make, shape, path = CASES[case]
    torch.manual_seed(1)
    module = make()
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal(shape)
    targets = rng.integers(0, 3, shape[0])
    fitness = NetworkFitness(module, "cross_entropy", (inputs, targets), fast_path=path)
    assert fitness.path == ("bmm" if case == "mlp-bmm" else "vmap")
    X = fitness.initial_population(9, scale=0.5, rng=1)
    batched = fitness(X)
    t_in = torch.as_tensor(inputs, dtype=torch.float32)
    t_y = torch.as_tensor(targets)
    looped = loop_losses(fitness, X, t_in, t_y, nn.functional.cross_entropy)
    np.testing.assert_allclose(batched, looped, rtol=1e-5, atol=1e-6)
    chunked = NetworkFitness(module, "cross_entropy", (inputs, targets), fast_path=path,
                             chunk_size=4)
    np.testing.assert_allclose(chunked(X), batched, rtol=1e-6)


def test_mse_and_custom_losses_equal_the_loop():
    torch.manual_seed(2)
    module = nn.Sequential(nn.Linear(3, 5), nn.Sigmoid(), nn.Linear(5, 2))
    rng = np.random.default_rng(3)
    inputs, targets = rng.standard_normal((30, 3)), rng.standard_normal((30, 2))
    fit = NetworkFitness(module, "mse", (inputs, targets))
    X = fit.initial_population(5, rng=0)
    looped = loop_losses(fit, X, torch.as_tensor(inputs, dtype=torch.float32),
                         torch.as_tensor(targets, dtype=torch.float32), nn.functional.mse_loss)
    np.testing.assert_allclose(fit(X), looped, rtol=1e-5)
    huber = NetworkFitness(module, lambda out, y: nn.functional.huber_loss(
        out, y, reduction="none").mean(dim=1), (inputs, targets))
    looped = loop_losses(huber, X, torch.as_tensor(inputs, dtype=torch.float32),
                         torch.as_tensor(targets, dtype=torch.float32), nn.functional.huber_loss)
    np.testing.assert_allclose(huber(X), looped, rtol=1e-5)


def test_layout_round_trip_and_stack_module_state():
    modules = [mlp() for _ in range(3)]
    for i, m in enumerate(modules):
        torch.manual_seed(10 + i)
        for p in m.parameters():
            torch.nn.init.normal_(p)
    layout = ParameterLayout(modules[0])
    X = np.stack([layout.flatten(m) for m in modules])
    stacked = layout.stacked(X, "cpu", torch.float32)
    reference, _ = stack_module_state(modules)
    for name in layout.names:
        torch.testing.assert_close(stacked[name], reference[name])
    torch.testing.assert_close(layout.flat(stacked), torch.as_tensor(X, dtype=torch.float32))
    fresh = layout.load(mlp(), X[2])
    np.testing.assert_allclose(layout.flatten(fresh), X[2], rtol=1e-6)


def test_initial_population_is_around_the_module():
    module = mlp()
    layout = ParameterLayout(module)
    X = layout.initial_population(module, 50, scale=0.1, rng=0)
    x0 = layout.flatten(module)
    np.testing.assert_array_equal(X[0], x0)
    assert np.abs(X[1:] - x0).mean() < 0.1 and not np.allclose(X[1], x0)


def test_minibatches_come_from_the_engine_and_are_reproducible():
    rng = np.random.default_rng(0)
    data = (rng.standard_normal((200, 6)), rng.integers(0, 3, 200))
    runs = []
    for _ in range(2):
        fit = NetworkFitness(mlp(), "cross_entropy", data, batch_size=32)
        runs.append(metaopt.minimize(fit, fit.bounds(), method="snes", budget=400, rng=5,
                                     vectorized=True, x0=fit.x0, sigma=0.1))
    np.testing.assert_array_equal(runs[0].x, runs[1].x)
    fit = NetworkFitness(mlp(), "cross_entropy", data, batch_size=32)
    X = fit.initial_population(4, rng=0)
    a = fit(X, rng=np.random.default_rng(1))
    assert np.array_equal(a, fit(X, rng=np.random.default_rng(1)))
    assert not np.array_equal(a, fit(X, rng=np.random.default_rng(2)))


def test_population_module_per_member_inputs():
    pm = PopulationModule(mlp())
    X = ParameterLayout(pm.module).initial_population(pm.module, 3, rng=0)
    params = pm.layout.stacked(X, "cpu")
    inputs = torch.randn(3, 5, 6)
    out = pm.forward(params, inputs, shared=False)
    for i in range(3):
        module = pm.layout.load(mlp(), X[i])
        with torch.no_grad():
            torch.testing.assert_close(out[i], module(inputs[i]), rtol=1e-5, atol=1e-6)


def test_bad_arguments():
    data = (np.zeros((4, 6)), np.zeros(4, int))
    with pytest.raises(TypeError, match="torch.nn.Module"):
        NetworkFitness("mlp", "cross_entropy", data)
    with pytest.raises(ValueError, match="loss must be"):
        NetworkFitness(mlp(), "hinge", data)
    with pytest.raises(ValueError, match="fast_path='bmm' needs"):
        NetworkFitness(SmallCNN(), "cross_entropy", (np.zeros((4, 1, 8, 8)), np.zeros(4)),
                       fast_path="bmm")
    with pytest.raises(ValueError, match="batch_size"):
        NetworkFitness(mlp(), "cross_entropy", data, batch_size=0)
    with pytest.raises(ValueError, match="shape \\(P, "):
        NetworkFitness(mlp(), "cross_entropy", data)(np.zeros((2, 5)))


def test_metaopt_imports_without_torch_and_the_bridge_says_how_to_install():
    # A finder that makes torch look uninstalled (ModuleNotFoundError, as pip would leave it).
    code = ("import sys\n"
            "class NoTorch:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'torch' or name.startswith('torch.'):\n"
            "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
            "sys.meta_path.insert(0, NoTorch())\n"
            "import metaopt; assert metaopt.minimize\n"
            "res = metaopt.minimize(lambda x: float(sum(x * x)), [(-1, 1)] * 2, method='de',"
            " budget=200)\n"
            "assert 'torch' not in sys.modules\n"
            "try:\n    import metaopt.torch\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "pip install 'metaopt-engine[torch]'" in out.stdout


def test_torch_loss_modules_and_callables_work_as_in_a_training_loop():
    """nn.CrossEntropyLoss() with integer labels, the idiom torch users type first."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 4)).astype(np.float32), rng.integers(0, 3, 40)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    P = np.random.default_rng(1).normal(size=(4, 67)) * 0.3
    expected = [float(nn.functional.cross_entropy(
        NetworkFitness(net, "cross_entropy", (X, y)).module_with(p)(torch.as_tensor(X)).detach(),
        torch.as_tensor(y))) for p in P]
    for loss in (nn.CrossEntropyLoss(), nn.CrossEntropyLoss(weight=torch.ones(3)),
                 lambda out, t: nn.functional.cross_entropy(out, t)):
        np.testing.assert_allclose(NetworkFitness(net, loss, (X, y))(P), expected, rtol=1e-5)
    assert NetworkFitness(net, nn.CrossEntropyLoss(), (X, y)).evaluate(P[0], "train")[
        "accuracy"] >= 0
    reg = NetworkFitness(nn.Linear(4, 1), nn.MSELoss(), (X, rng.normal(size=(40, 1))))
    assert np.all(np.isfinite(reg(np.zeros((3, 5)))))


def test_init_parameters_matches_torch_init_and_leaves_the_global_generator_alone():
    def mlp():
        return nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))

    net, again = mlp(), mlp()  # building a module draws from the global generator ...
    before = torch.random.get_rng_state()
    metaopt.torch.init_parameters(net, rng=7)  # ... initialising it here does not
    metaopt.torch.init_parameters(again, rng=7)
    assert torch.equal(torch.random.get_rng_state(), before)
    for a, b in zip(net.parameters(), again.parameters()):
        assert torch.equal(a, b)
    bound = 1 / np.sqrt(4)  # torch's Linear init: weights and biases within 1/sqrt(fan_in)
    with torch.no_grad():
        assert float(net[0].weight.abs().max()) <= bound
        assert float(net[0].bias.abs().max()) <= bound


def test_mse_with_one_output_takes_targets_of_shape_n():
    import warnings

    torch.manual_seed(4)
    module = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    rng = np.random.default_rng(5)
    inputs, targets = rng.standard_normal((20, 3)), rng.standard_normal(20)
    column = NetworkFitness(module, "mse", (inputs, targets[:, None]))
    X = column.initial_population(4, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns when (n,) broadcasts against (n, 1)
        flat = NetworkFitness(module, "mse", (inputs, targets))(X)
    np.testing.assert_allclose(flat, column(X), rtol=1e-6)
    with pytest.raises(ValueError, match="mse: targets of shape"):
        NetworkFitness(module, "mse", (inputs, rng.standard_normal((20, 2))))(X)
