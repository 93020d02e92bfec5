"""Training a whole population of networks at once, with per-member hyperparameters, and
population-based training (Jaderberg et al. 2017)."""

import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.func import functional_call, grad_and_value, vmap

from ...rng import as_generator
from ..init import init_parameters
from ..losses import _cross_entropy, _mse, population_loss
from ..params import default_device
from ..population import PopulationModule
from .halving import SuccessiveHalving, _Halving
from .optim import OPTIMIZERS, Schedule

__all__ = ["batch_train", "TrainResult", "PBT"]


@dataclass
class PBT:
    """Population-based training (M. Jaderberg et al., "Population Based Training of Neural
    Networks", 2017): every ``interval`` steps the members are ranked by validation loss; each
    of the worst ``fraction`` copies the weights and optimizer state of a random member of the
    best ``fraction`` and multiplies each hyperparameter in ``hparams`` by a factor drawn from
    ``perturb``."""

    interval: int = 100
    fraction: float = 0.25
    perturb: tuple = (0.8, 1.2)
    hparams: tuple = ("lr",)


@dataclass
class TrainResult:
    """What :func:`batch_train` returns; arrays have one entry per member."""

    params: dict
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray = None
    val_accuracy: np.ndarray = None
    hparams: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    hparam_history: list = field(default_factory=list)
    forward_passes: int = 0
    seconds: float = 0.0
    #: With successive halving: the steps each member trained and the rungs it passed.
    steps_trained: np.ndarray = None
    rung: np.ndarray = None


def _tensors(pair, dtype, device, classification):
    X, y = pair
    X = torch.as_tensor(np.asarray(X) if not torch.is_tensor(X) else X, dtype=dtype,
                        device=device)
    y = torch.as_tensor(np.asarray(y) if not torch.is_tensor(y) else y, device=device)
    return X, (y.long() if classification else y.to(dtype))


def _member_count(hparams):
    sizes = {np.asarray(v).shape[0] for v in hparams.values()
             if not callable(v) and np.ndim(v) == 1}
    if len(sizes) > 1:
        raise ValueError(f"per-member hyperparameters disagree in length: {sorted(sizes)}")
    return sizes.pop() if sizes else None


def batch_train(module, data, optimizer="adam", hparams=None, steps=500, batch_size=64,
                rng=None, device=None, loss="cross_entropy", members=None, init="same",
                eval_every=None, pbt=None, chunk_size=None, halving=None):
    """Train P copies of ``module`` at once, each with its own hyperparameters.

    For a plain MLP (an ``nn.Sequential`` of Linear layers and activations) with a built-in
    loss, the members' stacked (P, in, out) weights run through batched matrix products and
    one backward pass over the sum of their losses gives every member its own gradient; any
    other module's gradients come from ``torch.func.grad_and_value`` under ``vmap`` over the
    stacked parameters. Each member draws its own minibatch order from ``rng`` (epochs of a random
    permutation); the optimizer is functional (:mod:`metaopt.torch.optim`), so each member has
    its own learning rate, momentum, weight decay or schedule parameters.

    Parameters
    ----------
    module : torch.nn.Module
    data : dict with "train" and "val" (or "test") pairs (X, y)
    optimizer : str (a key of ``metaopt.torch.optim.OPTIMIZERS``)
    hparams : dict
        The optimizer's keyword arguments; (P,) arrays give per-member values, ``lr`` may be a
        Schedule. P is their length (or ``members``).
    steps, batch_size : int
    rng : None, int or numpy.random.Generator
    device : optional (CUDA when present)
    loss : "cross_entropy", "mse" or callable
    members : int, optional
        P when no hyperparameter is per member.
    init : "same" (every member starts from the module's parameters) or "independent" (each
        member re-initialised with ``reset_parameters`` under its own seed)
    eval_every : int, optional
        Record train and validation losses every so many steps in ``history``.
    pbt : PBT, optional
    chunk_size : int, optional
        Members trained together; more are trained chunk after chunk. Default: as many as fit
        in about 1 GB (parameters, gradients, optimizer state and activations). Results do not
        depend on it. PBT and successive halving need all members in one chunk.
    halving : SuccessiveHalving, optional
        Stop the worse members at its rungs; ``val_loss`` (and ``params``) of a stopped
        member are those of its last rung, ``steps_trained`` and ``rung`` say where.

    Returns
    -------
    TrainResult
    """
    started = time.perf_counter()
    gen = as_generator(rng)
    device = default_device(device)
    hparams = dict(hparams or {})
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer={optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
    P = _member_count(hparams) or members
    if P is None:
        raise ValueError("give per-member hyperparameters (arrays) or members=P")
    for name, value in (("steps", steps), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {name}={value!r}")
    population = PopulationModule(module, device)
    layout = population.layout
    loss_fn, classification = population_loss(loss)
    train = _tensors(data["train"], layout.dtype, device, classification)
    val = _tensors(data.get("val", data.get("test")), layout.dtype, device, classification)
    X0 = _initial_vectors(population.module, layout, P, init, gen)
    order = _minibatch_order(gen, train[0].shape[0], P, steps, batch_size)
    chunk = chunk_size or _default_chunk(layout, batch_size, device)
    if halving is not None:
        if not isinstance(halving, SuccessiveHalving):
            raise TypeError(f"halving must be a SuccessiveHalving, got {halving!r}")
        if pbt is not None:
            raise ValueError("successive halving and PBT cannot run together")
        halving.rungs(steps)  # checked before any training
        chunk = max(chunk, P) if chunk_size is None else chunk
    if P > chunk:
        if halving is not None:
            raise ValueError(f"successive halving needs all {P} members in one chunk; pass "
                             f"chunk_size={P}")
        if pbt is not None:
            raise ValueError(f"PBT needs all {P} members in one chunk; pass chunk_size={P}")
        if any(isinstance(v, Schedule) for v in hparams.values()):
            raise ValueError("a schedule cannot be split into chunks; pass chunk_size=P")
    pieces = []
    for start in range(0, P, chunk):
        members_here = slice(start, min(start + chunk, P))
        hp = {k: (np.asarray(v)[members_here] if not callable(v) and np.ndim(v) == 1 else v)
              for k, v in hparams.items()}
        pieces.append(_train_chunk(population, OPTIMIZERS[optimizer](**hp),
                                   X0[members_here], order[members_here], train, val, loss_fn,
                                   steps, eval_every, pbt, gen,
                                   halving.rungs(steps) if halving is not None else (),
                                   halving.eta if halving is not None else None))
    trained = np.concatenate([p["steps_trained"] for p in pieces])
    forward = int(trained.sum()) * batch_size + P * (train[0].shape[0] + val[0].shape[0])
    result = _joined(pieces, P, classification, int(forward), time.perf_counter() - started)
    if halving is not None:
        result.steps_trained = trained
        result.rung = np.concatenate([p["rung"] for p in pieces])
    return result


def _joined(pieces, P, classification, forward_passes, seconds):
    """One TrainResult from the results of the member chunks, in member order."""
    joined = {k: (np.concatenate([p[k] for p in pieces]) if pieces[0][k] is not None else None)
              for k in ("train_loss", "val_loss", "train_acc", "val_acc")}
    params = {k: torch.cat([p["params"][k] for p in pieces]) for k in pieces[0]["params"]}
    history = {"step": pieces[0]["history"]["step"]}
    for key in ("train_loss", "val_loss"):
        history[key] = np.concatenate([p["history"][key] for p in pieces], axis=1) \
            if len(history["step"]) else np.empty((0, P))
    return TrainResult(
        params=params, train_loss=joined["train_loss"], val_loss=joined["val_loss"],
        train_accuracy=joined["train_acc"] if classification else None,
        val_accuracy=joined["val_acc"] if classification else None,
        hparams={k: np.concatenate([p["hparams"][k] for p in pieces])
                 for k in pieces[0]["hparams"]},
        history={k: np.asarray(v) for k, v in history.items()},
        hparam_history=pieces[0]["hparam_history"], forward_passes=forward_passes,
        seconds=seconds)


def _default_chunk(layout, batch_size, device):
    widest = max(shape[0] for shape in layout.shapes)
    per_member = 4 * layout.dim * 6 + 4 * batch_size * widest * 2 * len(layout.shapes)
    return max(1, int(1e9 // per_member))


def _train_chunk(population, opt, X0, order, train, val, loss_fn, steps, eval_every, pbt, gen,
                 rungs=(), eta=None):
    base, layout = population.module, population.layout
    device = population.device
    params = {k: v.clone() for k, v in layout.stacked(X0, device).items()}
    state = opt.init(params)
    buffers = dict(base.named_buffers())

    step_fn = _stacked_step(population, loss_fn) if _stacks(population, loss_fn) else \
        _vmapped_step(base, buffers, loss_fn)
    P = X0.shape[0]
    history = {"step": [], "train_loss": [], "val_loss": []}
    hparam_history = []
    running = torch.zeros(P, dtype=torch.float64, device=device)
    halving = _Halving(P, rungs, eta, lambda p: _evaluate(population, p, val, loss_fn))
    for k in range(steps):
        idx = torch.as_tensor(order[:, k], device=device)
        grads, values = step_fn(params, train[0][idx], train[1][idx])
        params, state = opt.update(grads, state, params)
        running = 0.9 * running + 0.1 * values.detach().double() if k else values.double()
        if eval_every and (k + 1) % eval_every == 0:
            history["step"].append(k + 1)
            history["train_loss"].append(halving.expand(running.cpu().numpy()))
            history["val_loss"].append(halving.expand(
                _evaluate(population, params, val, loss_fn)[0]))
        if pbt is not None and (k + 1) % pbt.interval == 0 and k + 1 < steps:
            params, state = _exploit_and_explore(pbt, population, params, state, val, loss_fn,
                                                 gen)
            hparam_history.append({"step": k + 1, **{n: state["hparams"][n].cpu().numpy().copy()
                                                      for n in pbt.hparams}})
        if k + 1 in halving.rungs:
            keep = halving.prune(k + 1, params)
            params, state = _members(params, state, keep)
            order, running = order[keep], running[torch.as_tensor(keep, device=device)]
    train_loss, train_acc = _evaluate(population, params, train, loss_fn)
    val_loss, val_acc = _evaluate(population, params, val, loss_fn)
    params = {k: v.detach() for k, v in params.items()}
    halving.steps_trained[halving.active] = steps
    if halving.rungs:
        params, (train_loss, train_acc, val_loss, val_acc) = halving.joined(
            params, (train_loss, train_acc, val_loss, val_acc))
    return {"params": params, "train_loss": train_loss,
            "val_loss": val_loss, "train_acc": train_acc, "val_acc": val_acc,
            "steps_trained": halving.steps_trained, "rung": halving.rung,
            "hparams": {k: v.cpu().numpy() for k, v in state["hparams"].items()},
            "history": {k: np.array(v) if v else np.empty((0, P)) for k, v in history.items()},
            "hparam_history": hparam_history}


def _members(params, state, keep):
    """The parameters and optimizer state of the members at positions ``keep``."""
    first = next(iter(params.values()))
    P = first.shape[0]
    idx = torch.as_tensor(keep, device=first.device)
    params = {n: v[idx] for n, v in params.items()}
    buffers = {n: {b: (buf[idx] if torch.is_tensor(buf) and buf.ndim >= 1
                       and buf.shape[0] == P else buf) for b, buf in per.items()}
               for n, per in state["buffers"].items()}
    hparams = {n: h[idx] for n, h in state["hparams"].items()}
    return params, {**state, "hparams": hparams, "buffers": buffers}


def _stacks(population, loss_fn):
    """Whether a chunk trains by batched matrix products (a plain MLP and a built-in loss)."""
    return population.path == "bmm" and loss_fn in (_cross_entropy, _mse)


def _stacked_step(population, loss_fn):
    """(gradients, losses) of every member at once for a plain MLP: the stacked (P, in, out)
    weights through batched matrix products and one backward pass over the sum of the
    members' mean losses; members share no parameter, so each gradient is its own member's
    (the sum's derivative by one member's weights is that member's loss's)."""

    def step(params, x, y):
        leaves = {k: v.detach().requires_grad_(True) for k, v in params.items()}
        values = loss_fn(population.forward(leaves, x, shared=False), y).mean(dim=1)
        grads = torch.autograd.grad(values.sum(), list(leaves.values()))
        return dict(zip(leaves, grads)), values.detach()

    return step


def _vmapped_step(base, buffers, loss_fn):
    """(gradients, losses) of every member for any module: ``grad_and_value`` under vmap."""

    def member_loss(p, x, y):
        out = functional_call(base, {**p, **buffers}, (x,))
        return loss_fn(out[None], y)[0].mean()

    return vmap(grad_and_value(member_loss))


def _initial_vectors(base, layout, P, init, gen):
    """The members' starting parameter vectors (P, D)."""
    if init == "same":
        return np.repeat(layout.flatten(base)[None, :], P, axis=0)
    if init == "independent":
        import copy

        X = np.empty((P, layout.dim))
        for i in range(P):  # each member drawn as its layers would, from the run's rng
            X[i] = layout.flatten(init_parameters(copy.deepcopy(base), gen))
        return X
    raise ValueError(f"init must be 'same' or 'independent', got init={init!r}")


def _minibatch_order(gen, n, P, steps, batch_size):
    """Sample indices (P, steps, batch_size): each member walks its own random permutations."""
    need = steps * batch_size
    epochs = -(-need // n)
    order = np.empty((P, epochs * n), np.int64)
    for i in range(P):
        order[i] = np.concatenate([gen.permutation(n) for _ in range(epochs)])
    return order[:, :need].reshape(P, steps, batch_size)


def _evaluate(population, params, pair, loss_fn):
    X, y = pair
    with torch.no_grad():
        out = population.forward(params, X)
        losses = loss_fn(out, y).mean(dim=1).double().cpu().numpy()
        losses = np.where(np.isfinite(losses), losses, np.inf)
        accuracy = None
        if y.dtype == torch.long and out.ndim == 3:
            accuracy = (out.argmax(dim=-1) == y).double().mean(dim=1).cpu().numpy()
    return losses, accuracy


def _exploit_and_explore(pbt, population, params, state, val, loss_fn, gen):
    losses, _ = _evaluate(population, params, val, loss_fn)
    P = losses.shape[0]
    k = max(1, int(round(pbt.fraction * P)))
    ranked = np.argsort(losses, kind="stable")
    best, worst = ranked[:k], ranked[P - k:]
    sources = best[gen.integers(0, k, size=k)]
    src = torch.as_tensor(sources, device=next(iter(params.values())).device)
    dst = torch.as_tensor(worst, device=src.device)
    params = {n: v.clone() for n, v in params.items()}
    for n in params:
        params[n][dst] = params[n][src]
    for per_param in state["buffers"].values():
        for buf in per_param.values():
            if torch.is_tensor(buf) and buf.ndim >= 1 and buf.shape[0] == P:
                buf[dst] = buf[src]
    for name in pbt.hparams:
        if name not in state["hparams"]:
            raise ValueError(f"PBT hyperparameter {name!r} is not one of the optimizer's "
                             f"{sorted(state['hparams'])} (a scheduled lr cannot be perturbed)")
        h = state["hparams"][name]
        factors = torch.as_tensor(np.asarray(pbt.perturb)[gen.integers(0, len(pbt.perturb), k)],
                                  dtype=h.dtype, device=h.device)
        h[dst] = h[src] * factors
    return params, state

