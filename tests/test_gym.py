"""GymFitness: a population's episodes at once on gymnasium environments, equal to running
each policy alone; seeds from the run's rng; observation statistics kept in checkpoints."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
gym = pytest.importorskip("gymnasium")

import metaopt  # noqa: E402
from metaopt.checkpointer import CheckpointError  # noqa: E402
from metaopt.torch import GymFitness  # noqa: E402
from metaopt.torch.gym import RunningNormalizer  # noqa: E402


def mlp(n_in, n_out, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(n_in, 8), torch.nn.Tanh(),
                               torch.nn.Linear(8, n_out))


def one_episode(env_id, module, seed, max_steps):
    """A policy's return on one environment, stepped alone with gymnasium's own API."""
    env = gym.make(env_id)
    obs, _ = env.reset(seed=seed)
    total = 0.0
    for _ in range(max_steps):
        with torch.no_grad():
            out = module(torch.as_tensor(obs, dtype=torch.float32)[None])[0].double()
        if isinstance(env.action_space, gym.spaces.Discrete):
            action = int(out.argmax())
        else:
            action = np.clip(out.numpy(), env.action_space.low,
                             env.action_space.high).astype(env.action_space.dtype)
        obs, reward, terminated, truncated, _ = env.step(action)
        total += float(reward)
        if terminated or truncated:
            break
    env.close()
    return total


@pytest.mark.parametrize("env_id, shape", [("Acrobot-v1", (6, 3)), ("Pendulum-v1", (3, 1))])
def test_batched_episodes_equal_each_policy_stepped_alone(env_id, shape):
    """Discrete and continuous actions: the population's returns are those of each member's
    own loop over the same seeds (SyncVectorEnv seeds each environment)."""
    fitness = GymFitness(env_id, mlp(*shape), max_steps=60)
    X = fitness.x0 + 0.5 * np.random.default_rng(0).standard_normal((3, fitness.dim))
    returns, _ = fitness.rollout(X, seed=11, episodes=2)
    seeds = np.random.SeedSequence(11).generate_state(6) % 2**30
    for p in range(3):
        for e in range(2):
            alone = one_episode(env_id, fitness.module_with(X[p]), int(seeds[2 * p + e]), 60)
            assert returns[p, e] == pytest.approx(alone, rel=1e-9, abs=1e-9)


def test_cartpole_is_solved_and_the_run_reproduces():
    """Episodes capped at 200 steps (CartPole-v0's length) to keep the test short."""
    fitness = GymFitness("CartPole-v1", mlp(4, 2), normalize_observations=True, max_steps=200)
    kw = dict(method="cmaes", x0=fitness.x0, budget=600, rng=1, vectorized=True)
    res = metaopt.minimize(fitness, fitness.bounds(), **kw)
    assert res.fun <= -195  # negated: minimizing maximizes
    held_out = fitness.evaluate(res.x, episodes=20)
    assert held_out["episodes"] == 20 and held_out["return"] >= 150
    assert fitness.normalizer.count > 0
    runs = []
    for _ in range(2):
        again = GymFitness("CartPole-v1", mlp(4, 2), normalize_observations=True, max_steps=200)
        runs.append(metaopt.minimize(again, again.bounds(), **{**kw, "budget": 120}))
    np.testing.assert_array_equal(runs[0].x, runs[1].x)
    assert runs[0].fun == runs[1].fun


def test_maximize_returns_the_return_and_reaches_the_rng():
    fitness = GymFitness("CartPole-v1", mlp(4, 2), maximize=True)
    X = np.tile(fitness.x0, (2, 1))
    a = fitness(X, rng=np.random.default_rng(0))
    b = fitness(X, rng=np.random.default_rng(1))
    assert (a > 0).all() and not np.array_equal(a, b)  # other seeds, other starts
    res = metaopt.minimize(fitness, fitness.bounds(), method="snes", x0=fitness.x0,
                           budget=200, rng=0, vectorized=True, maximize=True)
    assert res.fun > 0 and res.fun == pytest.approx(res.history.best_fun[-1])


def test_observation_statistics_resume_from_a_checkpoint(tmp_path):
    path = tmp_path / "gym.ckpt"

    def make():
        return GymFitness("CartPole-v1", mlp(4, 2), normalize_observations=True,
                          max_steps=100)

    kw = dict(method="snes", budget=160, rng=3, vectorized=True)
    full_fit = make()
    full = metaopt.minimize(full_fit, full_fit.bounds(), **kw)
    part = make()
    metaopt.minimize(part, part.bounds(), maxiter=4, checkpoint=path, **kw)
    resumed_fit = make()
    resumed = metaopt.minimize(resumed_fit, resumed_fit.bounds(), resume=path, **kw)
    np.testing.assert_array_equal(full.x, resumed.x)
    assert full.fun == resumed.fun
    np.testing.assert_array_equal(full_fit.normalizer.mean, resumed_fit.normalizer.mean)
    plain = GymFitness("CartPole-v1", mlp(4, 2), max_steps=100)  # keeps no statistics
    with pytest.raises(CheckpointError, match="normalize_observations"):
        metaopt.minimize(plain, plain.bounds(), resume=path, **kw)


def test_running_normalizer_equals_the_statistics_of_all_observations():
    rng = np.random.default_rng(0)
    data = rng.normal(3.0, 2.0, size=(500, 3))
    norm = RunningNormalizer(3)
    for chunk in np.array_split(data, 7):
        norm.update(chunk)
    np.testing.assert_allclose(norm.mean, data.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(norm.var, data.var(axis=0), rtol=1e-12)
    z = norm(data)
    assert np.abs(z.mean(axis=0)).max() < 1e-9 and np.abs(z).max() <= 5.0
    with pytest.raises(ValueError, match="count"):
        norm.load_state_dict(
            {"count": -1, "mean": [0, 0, 0], "m2": [0, 0, 0]})


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="episodes"):
        GymFitness("CartPole-v1", mlp(4, 2), episodes=0)
    with pytest.raises(ValueError, match="max_steps"):
        GymFitness("CartPole-v1", mlp(4, 2), max_steps=0)
    with pytest.raises(TypeError, match="env"):
        GymFitness(3, mlp(4, 2))
