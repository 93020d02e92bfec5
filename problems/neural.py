"""Neural workloads that need no download: scikit-learn's bundled datasets, synthetic tasks,
and CartPole vectorised over a whole population of policies in torch.

Classification datasets come split (stratified, seeded) and standardised with the training
part's mean and deviation. Everything here needs the torch extra (torch, scikit-learn).
"""

import math

import numpy as np
import torch

from metaopt.rng import as_generator
from metaopt.torch.params import default_device
from metaopt.torch.population import PopulationModule

__all__ = ["network_for", "classification_task", "two_spirals", "parity", "sine_regression",
           "CartPole", "CartPoleFitness", "TASKS"]


def network_for(data, hidden=32, seed=0):
    """An MLP in -> hidden -> classes for a classification task's data."""
    from metaopt.torch import init_parameters

    X, y = data["train"]
    return init_parameters(torch.nn.Sequential(
        torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, int(np.max(y)) + 1)), seed)


def _split_standardise(X, y, test_size, rng, stratify=True):
    from sklearn.model_selection import train_test_split

    seed = int(as_generator(rng).integers(0, 2**31 - 1))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed,
                                              stratify=y if stratify else None)
    mean, std = X_tr.mean(axis=0), X_tr.std(axis=0)
    std[std == 0] = 1.0
    return {"train": ((X_tr - mean) / std, y_tr), "test": ((X_te - mean) / std, y_te)}


def classification_task(name, test_size=0.25, rng=0):
    """One of scikit-learn's bundled datasets: "digits" (8x8 images, 10 classes), "wine"
    (13 features, 3 classes) or "breast_cancer" (30 features, 2 classes), as
    ``{"train": (X, y), "test": (X, y)}`` with a stratified split of ``test_size``."""
    from sklearn import datasets

    loaders = {"digits": datasets.load_digits, "wine": datasets.load_wine,
               "breast_cancer": datasets.load_breast_cancer}
    if name not in loaders:
        raise ValueError(f"unknown dataset name={name!r}; choose one of {sorted(loaders)}")
    data = loaders[name]()
    return _split_standardise(data.data.astype(np.float64), data.target, test_size, rng)


def two_spirals(n=400, noise=0.1, turns=1.5, test_size=0.25, rng=0):
    """Two interleaved spirals in the plane (Lang & Witbrock 1988), two classes."""
    gen = as_generator(rng)
    t = np.sqrt(gen.random(n // 2)) * turns * 2 * np.pi
    arm = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (turns * 2 * np.pi)
    X = np.concatenate([arm, -arm]) + noise * gen.standard_normal((2 * (n // 2), 2)) / 5
    y = np.concatenate([np.zeros(n // 2, int), np.ones(n // 2, int)])
    return _split_standardise(X, y, test_size, gen)


def parity(bits=4):
    """Every bit string of length ``bits`` as +-1 inputs, labelled by its parity (XOR for 2).
    Train and test are the full truth table: the task is to represent it."""
    X = ((np.arange(2**bits)[:, None] >> np.arange(bits)) & 1).astype(np.float64)
    y = X.sum(axis=1).astype(int) % 2
    return {"train": (2 * X - 1, y), "test": (2 * X - 1, y)}


def sine_regression(n=256, noise=0.05, test_size=0.25, rng=0):
    """y = sin(3x) + 0.3 x^2 + noise on x in [-2, 2], a regression task (use loss "mse")."""
    gen = as_generator(rng)
    x = gen.uniform(-2, 2, (n, 1))
    y = np.sin(3 * x) + 0.3 * x**2 + noise * gen.standard_normal((n, 1))
    return _split_standardise(x, y, test_size, gen, stratify=False)


TASKS = {"digits": lambda rng=0: classification_task("digits", rng=rng),
         "wine": lambda rng=0: classification_task("wine", rng=rng),
         "breast_cancer": lambda rng=0: classification_task("breast_cancer", rng=rng),
         "spirals": lambda rng=0: two_spirals(rng=rng),
         "parity": lambda rng=0: parity(4),
         "sine": lambda rng=0: sine_regression(rng=rng)}


class CartPole:
    """CartPole-v1 with gymnasium's dynamics, for a batch of independent carts at once.

    Euler integration with tau = 0.02 s, force +-10 N, cart 1.0 kg, pole 0.1 kg of half-length
    0.5 m, gravity 9.8; an episode ends when |x| > 2.4 or |theta| > 12 degrees (checked after
    the step, which still earns its reward of 1) or after 500 steps. Start states are uniform
    in [-0.05, 0.05]^4.
    """

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    x_threshold = 2.4
    theta_threshold = 12 * 2 * math.pi / 360
    max_steps = 500

    def __init__(self, device=None, dtype=torch.float64):
        self.device = default_device(device)
        self.dtype = dtype
        self.total_mass = self.masscart + self.masspole
        self.polemass_length = self.masspole * self.length

    def reset(self, shape, rng=None):
        """Start states of shape ``shape + (4,)``."""
        gen = as_generator(rng)
        return torch.as_tensor(gen.uniform(-0.05, 0.05, tuple(shape) + (4,)), dtype=self.dtype,
                               device=self.device)

    def step(self, state, action):
        """Next states and termination flags; ``action`` is 0 (push left) or 1 (push right)."""
        x, x_dot, theta, theta_dot = state.unbind(-1)
        force = torch.where(action == 1, self.force_mag, -self.force_mag).to(state.dtype)
        costheta, sintheta = torch.cos(theta), torch.sin(theta)
        temp = (force + self.polemass_length * theta_dot**2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta**2 / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        done = (x < -self.x_threshold) | (x > self.x_threshold) | \
            (theta < -self.theta_threshold) | (theta > self.theta_threshold)
        return torch.stack([x, x_dot, theta, theta_dot], dim=-1), done


class CartPoleFitness:
    """A vectorized objective for policy neuroevolution: minus the mean return of each of P
    policies over ``episodes`` episodes, all P x episodes carts simulated together.

    The policy maps the 4 observations to 2 action scores (argmax acts). Start states are drawn
    from the rng the engine passes, the same for every policy of a batch.

    Parameters
    ----------
    policy : torch.nn.Module (4 inputs, 2 outputs)
    episodes : int, default 5
    device : optional
    """

    takes_rng = True

    def __init__(self, policy, episodes=5, device=None):
        self.population = PopulationModule(policy, device)
        self.env = CartPole(self.population.device, dtype=torch.float32)
        self.layout = self.population.layout
        self.dim = self.layout.dim
        self.episodes = int(episodes)
        self.x0 = self.layout.flatten(self.population.module)

    def returns(self, X, starts):
        """Steps balanced (the return) for each policy (rows of X) from each start state,
        shape (P, episodes)."""
        P = X.shape[0]
        params = self.layout.stacked(np.asarray(X), self.population.device)
        state = starts.expand((P,) + tuple(starts.shape)).to(self.env.dtype).clone()
        alive = torch.ones(state.shape[:2], dtype=torch.bool, device=state.device)
        total = torch.zeros(state.shape[:2], device=state.device)
        with torch.no_grad():
            for _ in range(self.env.max_steps):
                action = self.population.forward(params, state, shared=False).argmax(dim=-1)
                state, done = self.env.step(state, action)
                total += alive.to(total.dtype)
                alive &= ~done
                if not alive.any():
                    break
        return total.cpu().numpy()

    def __call__(self, X, rng=None):
        starts = self.env.reset((self.episodes,), rng if rng is not None else 0)
        return -self.returns(X, starts).mean(axis=1)

    def bounds(self, radius=5.0):
        return np.tile([-radius, radius], (self.dim, 1)).astype(float)
