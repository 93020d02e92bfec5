"""Policies evolved on gymnasium environments: a whole population's episodes stepped at once."""

from __future__ import annotations

import copy
import math

import numpy as np
import torch

from .params import parameter_box
from .population import PopulationModule

__all__ = ["GymFitness", "RunningNormalizer", "reward_threshold"]

#: Training episodes draw their seeds below this, held-out ones (:meth:`GymFitness.evaluate`)
#: at or above it, so a policy is never scored on the starts it was selected on.
HELD_OUT_SEEDS = 2**30
#: The vector environments kept for reuse, by size (populations shrink and grow).
CACHED_SIZES = 4


def _gymnasium():
    try:
        import gymnasium
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError("GymFitness needs gymnasium: pip install 'metaopt-engine[gym]' (or "
                          "pip install gymnasium)") from exc
    return gymnasium


class RunningNormalizer:
    """Running mean and variance of observations (Chan, Golub & LeVeque's pairwise update), as
    the observation normalization of Salimans et al. (2017, "Evolution Strategies as a
    Scalable Alternative to Reinforcement Learning") and EvoTorch's ``RunningNorm``:
    ``(obs - mean) / sqrt(var + eps)``, clipped to ``+-clip``."""

    def __init__(self, shape, eps=1e-8, clip=5.0):
        self.count = 0
        self.mean = np.zeros(shape)
        self.m2 = np.zeros(shape)  # the sum of squared deviations
        self.eps, self.clip = float(eps), float(clip)

    def update(self, batch):
        """Add the observations ``batch``, shape ``(k, *shape)``."""
        batch = np.asarray(batch, dtype=float)
        if batch.shape[0]:
            mean = batch.mean(axis=0)
            self._combine(batch.shape[0], mean, ((batch - mean) ** 2).sum(axis=0))

    def merge(self, other):
        """Add the observations another normalizer has counted."""
        if other.count:
            self._combine(other.count, other.mean, other.m2)

    def _combine(self, k, mean, m2):
        total = self.count + k
        delta = mean - self.mean
        self.mean = self.mean + delta * (k / total)
        self.m2 = self.m2 + m2 + delta ** 2 * (self.count * k / total)
        self.count = total

    @property
    def var(self):
        return self.m2 / self.count if self.count else np.ones_like(self.m2)

    def __call__(self, obs):
        if not self.count:
            return np.asarray(obs, dtype=float)
        z = (np.asarray(obs, dtype=float) - self.mean) / np.sqrt(self.var + self.eps)
        return np.clip(z, -self.clip, self.clip)

    def state_dict(self):
        """The count, mean and sum of squared deviations, as lists."""
        return {"count": self.count, "mean": self.mean.tolist(), "m2": self.m2.tolist()}

    def load_state_dict(self, state):
        """Take back what :meth:`state_dict` returned (checked)."""
        if not isinstance(state, dict) or set(state) != {"count", "mean", "m2"}:
            raise ValueError("observation statistics: a dict of count, mean and m2 belongs here")
        count = state["count"]
        mean, m2 = np.asarray(state["mean"], float), np.asarray(state["m2"], float)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"observation statistics: count must be an int >= 0, got {count!r}")
        if mean.shape != self.mean.shape or m2.shape != self.m2.shape:
            raise ValueError(f"observation statistics: mean and m2 must have shape "
                             f"{self.mean.shape}, got {mean.shape} and {m2.shape}")
        if not (np.isfinite(mean).all() and np.isfinite(m2).all() and (m2 >= 0).all()):
            raise ValueError("observation statistics: mean and m2 must be finite, m2 >= 0")
        self.count, self.mean, self.m2 = count, mean, m2


class GymFitness:
    """A vectorized objective: the mean episode return of each of P policies on ``env``.

    All P x ``episodes`` episodes run at once in one gymnasium vector environment (the
    environment's own vectorized implementation where it has one, such as CartPole's, else
    ``SyncVectorEnv``), with one batched forward pass of all policies per step (the bridge's
    path: batched matrix products for plain MLPs). Each episode's start comes from a seed drawn
    from the run's rng (the engine passes one per batch), so runs reproduce and resume; an
    episode ends when the environment terminates or truncates it, or after ``max_steps``.
    Returns the negated mean return (so minimizing maximizes it), or the return itself with
    ``maximize=True`` (then pass ``maximize=True`` to :func:`metaopt.minimize`).

    Parameters
    ----------
    env : str or callable
        A gymnasium id (``"CartPole-v1"``) or a function returning a new environment.
    policy : torch.nn.Module
        Maps observations ``(B, *obs_shape)`` to actions: one output per action of a ``Discrete``
        space (the largest is taken) or the action's shape for a ``Box`` (clipped to its
        bounds). Its parameters are the initialisation (``x0``).
    episodes : int, default 1
        Episodes per policy and evaluation; their returns are averaged.
    max_steps : int, optional
        The longest episode; default the environment's own limit (its spec's
        ``max_episode_steps``), required where it has none.
    maximize : bool, default False
    normalize_observations : bool, default False
        Observations scaled by their running mean and variance over every evaluation so far
        (Salimans et al. 2017); the statistics change only between calls (all policies of a
        batch see the same ones) and are saved in checkpoints (:meth:`objective_state`).
    env_kwargs : dict, optional
        Passed to ``gymnasium.make_vec`` (with an id).
    device : str or torch.device, optional
    fast_path : {"auto", "bmm", "vmap"}
    """

    takes_rng = True  # episode seeds come from the engine's rng

    def __init__(self, env, policy, *, episodes=1, max_steps=None, maximize=False,
                 normalize_observations=False, env_kwargs=None, device=None, fast_path="auto"):
        gym = _gymnasium()
        if not (isinstance(env, str) or callable(env)):
            raise TypeError(f"env must be a gymnasium id or a function returning an "
                            f"environment, got env={env!r}")
        if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
            raise ValueError(f"episodes must be an int >= 1, got episodes={episodes!r}")
        self.env, self.env_kwargs = env, dict(env_kwargs or {})
        self.episodes = episodes
        self.maximize = bool(maximize)
        probe = gym.make(env, **self.env_kwargs) if isinstance(env, str) else env()
        try:
            self.observation_space, self.action_space = probe.observation_space, \
                probe.action_space
            limit = getattr(probe.spec, "max_episode_steps", None) if probe.spec else None
        finally:
            probe.close()
        if max_steps is None:
            max_steps = limit
        if max_steps is None:
            raise ValueError(f"{env!r} sets no episode limit: give max_steps")
        if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
            raise ValueError(f"max_steps must be an int >= 1, got max_steps={max_steps!r}")
        self.max_steps = max_steps
        spaces = gym.spaces
        if isinstance(self.action_space, spaces.Discrete):
            self.discrete = True
        elif isinstance(self.action_space, spaces.Box):
            self.discrete = False
            self.low = torch.as_tensor(self.action_space.low, dtype=torch.float64)
            self.high = torch.as_tensor(self.action_space.high, dtype=torch.float64)
        else:
            raise ValueError(f"GymFitness acts in Discrete and Box action spaces, not "
                             f"{self.action_space}")
        if not isinstance(self.observation_space, spaces.Box):
            raise ValueError(f"GymFitness reads Box observations, not {self.observation_space}")
        self.population = PopulationModule(policy, device, fast_path)
        self.device, self.module = self.population.device, self.population.module
        self.layout = self.population.layout
        self.path = self.population.path
        self.dim = self.layout.dim
        self.x0 = self.layout.flatten(self.module)
        self.normalizer = RunningNormalizer(self.observation_space.shape) \
            if normalize_observations else None
        self._envs = {}  # vector environments by size
        #: Environment steps taken by the calls so far (every episode's, for throughput).
        self.steps = 0

    # -- environments ---------------------------------------------------------------------------
    def _vector_env(self, n):
        env = self._envs.pop(n, None)
        if env is None:
            env = self._make_vector_env(n)
        self._envs[n] = env  # most recently used last
        while len(self._envs) > CACHED_SIZES:
            self._envs.pop(next(iter(self._envs))).close()
        return env

    def _make_vector_env(self, n):
        gym = _gymnasium()
        if callable(self.env):
            return gym.vector.SyncVectorEnv([self.env] * n)
        spec = gym.spec(self.env)
        mode = "vector_entry_point" if spec.vector_entry_point is not None else "sync"
        return gym.make_vec(self.env, num_envs=n, vectorization_mode=mode, **self.env_kwargs)

    def _reset(self, env, seed, n):
        """Reset all ``n`` environments from one seed: a vectorized implementation takes one
        int (its own stream of starts); a vector of environments one seed each."""
        if isinstance(env, _gymnasium().vector.SyncVectorEnv) or hasattr(env, "envs"):
            seeds = np.random.SeedSequence(seed).generate_state(n) % HELD_OUT_SEEDS
            obs, _ = env.reset(seed=[int(s) for s in seeds])
        else:
            obs, _ = env.reset(seed=int(seed))
        return obs

    # -- the objective ------------------------------------------------------------------------
    def __call__(self, X, rng=None):
        """The negated mean return (the return with ``maximize``) of each row of ``X``."""
        gen = rng if rng is not None else np.random.default_rng(0)
        seed = int(gen.integers(0, HELD_OUT_SEEDS))
        returns, seen = self.rollout(np.asarray(X, dtype=float), seed, self.episodes)
        if self.normalizer is not None:
            self.normalizer.merge(seen)
        mean = returns.mean(axis=1)
        return mean if self.maximize else -mean

    def rollout(self, X, seed, episodes):
        """(returns (P, episodes), a :class:`RunningNormalizer` of the observations met) of
        the P policies ``X``, all episodes at once from ``seed``."""
        P = X.shape[0]
        n = P * episodes
        env = self._vector_env(n)
        obs = self._reset(env, seed, n)
        params = self.layout.stacked(X, self.device)
        returns = np.zeros(n)
        alive = np.ones(n, dtype=bool)
        seen = RunningNormalizer(self.observation_space.shape)
        for _ in range(self.max_steps):
            if self.normalizer is not None:
                seen.update(obs[alive])
            action = self._act(params, obs, P, episodes)
            obs, reward, terminated, truncated, _ = env.step(action)
            self.steps += int(alive.sum())
            returns += np.where(alive, reward, 0.0)
            alive &= ~(np.asarray(terminated) | np.asarray(truncated))
            if not alive.any():
                break
        returns = np.where(np.isfinite(returns), returns, -np.inf)
        return returns.reshape(P, episodes), seen

    def _act(self, params, obs, P, episodes):
        inputs = obs if self.normalizer is None else self.normalizer(obs)
        inputs = torch.as_tensor(np.asarray(inputs), dtype=self.layout.dtype, device=self.device)
        inputs = inputs.reshape((P, episodes) + tuple(inputs.shape[1:]))
        with torch.no_grad():
            out = self.population.forward(params, inputs, shared=False)  # (P, episodes, ...)
        out = out.reshape((P * episodes,) + tuple(out.shape[2:])).double().cpu()
        if self.discrete:
            return out.reshape(P * episodes, -1).argmax(dim=1).numpy()
        out = out.reshape((P * episodes,) + tuple(self.action_space.shape))
        out = torch.nan_to_num(out)  # a diverged policy still acts inside the box
        return torch.clamp(out, self.low, self.high).numpy().astype(self.action_space.dtype)

    # -- reporting ----------------------------------------------------------------------------
    def evaluate(self, x, episodes=100, seed=0):
        """Mean and standard deviation of the return of the policy ``x`` over ``episodes``
        episodes from held-out seeds (never drawn by a run), observations normalized by the
        statistics so far (not updated)."""
        returns, _ = self.rollout(np.asarray(x, dtype=float)[None, :],
                                  HELD_OUT_SEEDS + int(seed), episodes)
        return {"return": float(returns.mean()), "std": float(returns.std()),
                "episodes": episodes}

    def bounds(self, radius=None):
        """A box for the search, ``[-radius, radius]`` per weight (see :func:`parameter_box`)."""
        return parameter_box(self.layout, self.x0, radius)

    def module_with(self, x):
        """A copy of the policy carrying the parameter vector ``x``."""
        return self.layout.load(copy.deepcopy(self.module), x)

    def objective_state(self):
        """What a checkpoint keeps of this objective: the observation statistics."""
        return {"normalizer": None if self.normalizer is None else self.normalizer.state_dict()}

    def load_objective_state(self, state):
        """Take back what :meth:`objective_state` returned (checked)."""
        if not isinstance(state, dict) or set(state) != {"normalizer"}:
            raise ValueError("GymFitness state: a dict with 'normalizer' belongs here")
        saved = state["normalizer"]
        if (saved is None) != (self.normalizer is None):
            raise ValueError("GymFitness state: observation statistics saved by a run with "
                             "another normalize_observations setting")
        if saved is not None:
            self.normalizer.load_state_dict(saved)

    def close(self):
        """Close the cached vector environments."""
        for env in self._envs.values():
            env.close()
        self._envs.clear()

    def __repr__(self):
        name = self.env if isinstance(self.env, str) else getattr(self.env, "__name__", "env")
        return (f"GymFitness({name!r}, {type(self.module).__name__}, D={self.dim}, "
                f"episodes={self.episodes}, max_steps={self.max_steps})")


def reward_threshold(env_id):
    """gymnasium's ``reward_threshold`` of a registered environment (None where unset)."""
    value = _gymnasium().spec(env_id).reward_threshold
    return None if value is None or not math.isfinite(value) else float(value)
