"""Functional optimizers over dicts of stacked tensors (leading dimension P), optax-style.

``opt = adam(lr=..., ...)``; ``state = opt.init(params)``;
``params, state = opt.update(grads, state, params)``. Every hyperparameter is a scalar, a (P,)
array or tensor (member i uses entry i), and ``lr`` may also be a :class:`Schedule`. The
hyperparameters live in ``state["hparams"]`` as (P,) tensors, so population-based training can
copy and perturb them between members. Names and defaults are torch.optim's where it has the
optimizer and the reference code's otherwise (AdaBelief: Zhuang et al. 2020,
github.com/juntang-zhuang/Adabelief-Optimizer; Adan: Xie et al. 2022, github.com/sail-sg/Adan);
each update follows the same order of operations, so results match step for step.

The optimizers are presets composed from a few shared pieces: L2 or decoupled weight decay, and
the moment estimators of the Adam family.
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

__all__ = ["FunctionalOptimizer", "Schedule", "sgd", "adagrad", "adadelta", "rmsprop", "adam",
           "adamw", "nadam", "adamax", "adabelief", "adan", "OPTIMIZERS", "constant",
           "step_decay", "cosine", "cyclical", "one_cycle", "SCHEDULES"]


# -- schedules ------------------------------------------------------------------------------
class Schedule:
    """A learning-rate schedule: ``schedule(t)`` is the rate of the t-th update (t from 0), a
    float or a (P,) tensor when a parameter is per member."""

    def __init__(self, fn, description):
        self._fn, self.description = fn, description

    def __call__(self, t):
        return self._fn(t)

    def __repr__(self):
        return self.description


def _member(value):
    """Scalars stay floats; arrays and lists become float64 tensors (one entry per member)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return torch.as_tensor(np.asarray(value, dtype=np.float64) if not torch.is_tensor(value)
                           else value, dtype=torch.float64)


def constant(lr):
    """The same rate at every step."""
    lr = _member(lr)
    return Schedule(lambda t: lr, f"constant(lr={lr})")


def step_decay(lr, step_size, gamma=0.1):
    """``lr * gamma ** (t // step_size)`` (torch's StepLR)."""
    lr, gamma = _member(lr), _member(gamma)
    return Schedule(lambda t: lr * gamma ** (t // step_size),
                    f"step_decay(lr={lr}, step_size={step_size}, gamma={gamma})")


def cosine(lr, T_max, eta_min=0.0):
    """``eta_min + (lr - eta_min) (1 + cos(pi t / T_max)) / 2`` (torch's CosineAnnealingLR)."""
    lr, eta_min = _member(lr), _member(eta_min)
    return Schedule(lambda t: eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2,
                    f"cosine(lr={lr}, T_max={T_max}, eta_min={eta_min})")


def cyclical(base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
             gamma=1.0):
    """Cyclical learning rates (L. N. Smith, "Cyclical Learning Rates for Training Neural
    Networks", 2015/WACV 2017), as torch's CyclicLR: "triangular", "triangular2", "exp_range"."""
    if mode not in ("triangular", "triangular2", "exp_range"):
        raise ValueError(f"mode must be triangular, triangular2 or exp_range, got {mode!r}")
    base_lr, max_lr, gamma = _member(base_lr), _member(max_lr), _member(gamma)
    up = float(step_size_up)
    down = float(step_size_down) if step_size_down is not None else up
    total = up + down
    ratio = up / total

    def rate(t):
        cycle = math.floor(1 + t / total)
        x = 1.0 + t / total - cycle
        scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        height = (max_lr - base_lr) * scale
        if mode == "triangular":
            return base_lr + height
        if mode == "triangular2":
            return base_lr + height * (1 / (2.0 ** (cycle - 1)))
        return base_lr + height * gamma**t

    return Schedule(rate, f"cyclical(base_lr={base_lr}, max_lr={max_lr}, mode={mode!r})")


def one_cycle(max_lr, total_steps, pct_start=0.3, div_factor=25.0, final_div_factor=1e4,
              anneal_strategy="cos", three_phase=False):
    """The 1cycle policy (L. N. Smith, N. Topin, "Super-Convergence", 2017), as torch's
    OneCycleLR: from max_lr/div_factor up to max_lr over pct_start of the steps, then down to
    max_lr/div_factor/final_div_factor (cosine or linear annealing); ``three_phase`` comes back
    down to the start before the final annealing."""
    if anneal_strategy not in ("cos", "linear"):
        raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
    max_lr, pct_start = _member(max_lr), _member(pct_start)
    initial = max_lr / div_factor
    minimum = initial / final_div_factor

    def anneal(start, end, pct):
        if anneal_strategy == "linear":
            return (end - start) * pct + start
        cos = torch.cos(math.pi * pct) if torch.is_tensor(pct) else math.cos(math.pi * pct)
        return end + (start - end) / 2.0 * (cos + 1)

    def rate(t):
        up_end = pct_start * total_steps - 1
        if three_phase:
            phases = [(up_end, initial, max_lr), (2 * pct_start * total_steps - 2, max_lr, initial),
                      (total_steps - 1, initial, minimum)]
        else:
            phases = [(up_end, initial, max_lr), (total_steps - 1, max_lr, minimum)]
        # The first phase whose end has not passed (the last one otherwise), as torch walks
        # them: fill in from the last phase back, each earlier phase taking over up to its end.
        starts = [0.0] + [end_step for end_step, _, _ in phases[:-1]]
        value = None
        for (end_step, start, end), start_step in reversed(list(zip(phases, starts))):
            current = anneal(start, end, (t - start_step) / (end_step - start_step))
            inside = t <= end_step
            if value is None:
                value = current
            elif torch.is_tensor(inside):  # a per-member pct_start
                value = torch.where(inside, current, value)
            elif inside:
                value = current
        return value

    return Schedule(rate, f"one_cycle(max_lr={max_lr}, total_steps={total_steps}, "
                          f"pct_start={pct_start})")


SCHEDULES = {"constant": constant, "step": step_decay, "cosine": cosine, "cyclical": cyclical,
             "one_cycle": one_cycle}


# -- the optimizer record and shared pieces ---------------------------------------------------
@dataclass(frozen=True)
class FunctionalOptimizer:
    """``init(params) -> state`` and ``update(grads, state, params) -> (params, state)``."""

    name: str
    init: Callable
    update: Callable
    hyperparameters: dict


def _as_member_tensor(value, P, like):
    """A hyperparameter as a (P,) tensor of the parameters' dtype and device."""
    t = torch.as_tensor(np.asarray(value, dtype=np.float64) if not torch.is_tensor(value)
                        else value, dtype=like.dtype, device=like.device)
    if t.ndim == 0:
        t = t.expand(P).clone()
    if t.shape != (P,):
        raise ValueError(f"a per-member hyperparameter must have shape ({P},), got "
                         f"{tuple(t.shape)}")
    return t


def _b(h, like):
    """Broadcast a (P,) hyperparameter against a (P, ...) tensor."""
    return h.reshape((-1,) + (1,) * (like.ndim - 1))


def _make(name, hparams, per_param_state, step_fn):
    """Build a FunctionalOptimizer from its hyperparameters, the buffers each parameter needs
    (name -> init function of the parameter) and the per-tensor step function
    ``step_fn(p, g, buffers, h, t) -> new p`` (h: hyperparameters broadcast to p, t: the
    1-based step number; buffers updated in place)."""
    schedule = hparams.get("lr") if isinstance(hparams.get("lr"), Schedule) else None

    def init(params):
        first = next(iter(params.values()))
        P = first.shape[0]
        h = {k: _as_member_tensor(v, P, first) for k, v in hparams.items()
             if not isinstance(v, Schedule)}
        buffers = {n: {b: fn(p) for b, fn in per_param_state.items()}
                   for n, p in params.items()}
        return {"step": 0, "hparams": h, "buffers": buffers}

    def update(grads, state, params):
        t = state["step"] + 1
        h = dict(state["hparams"])
        first = next(iter(params.values()))
        if schedule is not None:
            h["lr"] = _as_member_tensor(schedule(t - 1), first.shape[0], first)
        new = {}
        for n, p in params.items():
            hb = {k: _b(v, p) for k, v in h.items()}
            new[n] = step_fn(p, grads[n], state["buffers"][n], hb, t)
        return new, {"step": t, "hparams": state["hparams"], "buffers": state["buffers"]}

    return FunctionalOptimizer(name, init, update, dict(hparams))


def _uses(value):
    """Whether an optional term (momentum) is on: any per-member value, or a nonzero scalar."""
    return not (isinstance(value, (int, float)) and value == 0)


def _zeros(p):
    return torch.zeros_like(p)


def _l2(g, p, h):
    """torch.optim's coupled weight decay: the gradient of (wd/2)|p|^2 added to g."""
    return g + h["weight_decay"] * p


def _decoupled(p, h):
    """Decoupled weight decay (Loshchilov & Hutter): p <- p (1 - lr wd)."""
    return p * (1 - h["lr"] * h["weight_decay"])


# -- presets -------------------------------------------------------------------------------------
def sgd(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """SGD with momentum, dampening and Nesterov momentum (torch.optim.SGD)."""

    def step(p, g, buf, h, t):
        g = _l2(g, p, h)
        if _uses(momentum):
            if t == 1:
                buf["momentum"] = g.clone()
            else:
                buf["momentum"] = h["momentum"] * buf["momentum"] + (1 - h["dampening"]) * g
            g = g + h["momentum"] * buf["momentum"] if nesterov else buf["momentum"]
        return p - h["lr"] * g

    return _make("sgd", dict(lr=lr, momentum=momentum, dampening=dampening,
                             weight_decay=weight_decay), {"momentum": _zeros}, step)


def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
            eps=1e-10):
    """Adagrad (Duchi, Hazan & Singer 2011; torch.optim.Adagrad)."""

    def step(p, g, buf, h, t):
        g = _l2(g, p, h)
        clr = h["lr"] / (1 + (t - 1) * h["lr_decay"])
        buf["sum"] = buf["sum"] + g * g
        return p - clr * g / (buf["sum"].sqrt() + h["eps"])

    return _make("adagrad", dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps),
                 {"sum": lambda p: torch.full_like(p, initial_accumulator_value)}, step)


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    """Adadelta (Zeiler 2012; torch.optim.Adadelta)."""

    def step(p, g, buf, h, t):
        g = _l2(g, p, h)
        buf["square_avg"] = h["rho"] * buf["square_avg"] + (1 - h["rho"]) * g * g
        delta = (buf["acc_delta"] + h["eps"]).sqrt() / (buf["square_avg"] + h["eps"]).sqrt() * g
        buf["acc_delta"] = h["rho"] * buf["acc_delta"] + (1 - h["rho"]) * delta * delta
        return p - h["lr"] * delta

    return _make("adadelta", dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay),
                 {"square_avg": _zeros, "acc_delta": _zeros}, step)


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    """RMSprop (Hinton's lecture 6e; torch.optim.RMSprop), optionally centred, with momentum."""

    def step(p, g, buf, h, t):
        g = _l2(g, p, h)
        buf["square_avg"] = h["alpha"] * buf["square_avg"] + (1 - h["alpha"]) * g * g
        if centered:
            buf["grad_avg"] = h["alpha"] * buf["grad_avg"] + (1 - h["alpha"]) * g
            avg = (buf["square_avg"] - buf["grad_avg"] ** 2).sqrt() + h["eps"]
        else:
            avg = buf["square_avg"].sqrt() + h["eps"]
        if _uses(momentum):
            buf["momentum"] = h["momentum"] * buf["momentum"] + g / avg
            return p - h["lr"] * buf["momentum"]
        return p - h["lr"] * g / avg

    return _make("rmsprop", dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                 momentum=momentum),
                 {"square_avg": _zeros, "grad_avg": _zeros, "momentum": _zeros}, step)


def _adam_moments(g, buf, h):
    """The first and second moment estimates shared by Adam, AdamW and Nadam."""
    buf["exp_avg"] = h["beta1"] * buf["exp_avg"] + (1 - h["beta1"]) * g
    buf["exp_avg_sq"] = h["beta2"] * buf["exp_avg_sq"] + (1 - h["beta2"]) * g * g


def _adam_family(name, lr, betas, eps, weight_decay, amsgrad, decoupled):
    def step(p, g, buf, h, t):
        if decoupled:
            p = _decoupled(p, h)
        else:
            g = _l2(g, p, h)
        _adam_moments(g, buf, h)
        bc1 = 1 - h["beta1"] ** t
        bc2_sqrt = (1 - h["beta2"] ** t).sqrt()
        second = buf["exp_avg_sq"]
        if amsgrad:
            buf["max_exp_avg_sq"] = torch.maximum(buf["max_exp_avg_sq"], second)
            second = buf["max_exp_avg_sq"]
        denom = second.sqrt() / bc2_sqrt + h["eps"]
        return p - (h["lr"] / bc1) * buf["exp_avg"] / denom

    return _make(name, dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                            weight_decay=weight_decay),
                 {"exp_avg": _zeros, "exp_avg_sq": _zeros, "max_exp_avg_sq": _zeros}, step)


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    """Adam (Kingma & Ba 2015) with optional AMSGrad (Reddi et al. 2018); torch.optim.Adam."""
    return _adam_family("adam", lr, betas, eps, weight_decay, amsgrad, decoupled=False)


def adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    """AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay; torch.optim.AdamW."""
    return _adam_family("adamw", lr, betas, eps, weight_decay, amsgrad, decoupled=True)


def nadam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
          decoupled_weight_decay=False):
    """NAdam (Dozat 2016) with torch.optim.NAdam's momentum-decay schedule."""

    def step(p, g, buf, h, t):
        if decoupled_weight_decay:
            p = _decoupled(p, h)
        else:
            g = _l2(g, p, h)
        bc2 = 1 - h["beta2"] ** t
        mu = h["beta1"] * (1.0 - 0.5 * 0.96 ** (t * h["momentum_decay"]))
        mu_next = h["beta1"] * (1.0 - 0.5 * 0.96 ** ((t + 1) * h["momentum_decay"]))
        buf["mu_product"] = buf["mu_product"] * mu
        _adam_moments(g, buf, h)
        denom = (buf["exp_avg_sq"] / bc2).sqrt() + h["eps"]
        mu_product = buf["mu_product"]
        p = p - h["lr"] * (1 - mu) / (1 - mu_product) * g / denom
        return p - h["lr"] * mu_next / (1 - mu_product * mu_next) * buf["exp_avg"] / denom

    return _make("nadam", dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                               weight_decay=weight_decay, momentum_decay=momentum_decay),
                 {"exp_avg": _zeros, "exp_avg_sq": _zeros,
                  "mu_product": lambda p: torch.ones_like(p)}, step)


def adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """Adamax (Kingma & Ba 2015, section 7); torch.optim.Adamax."""

    def step(p, g, buf, h, t):
        g = _l2(g, p, h)
        buf["exp_avg"] = h["beta1"] * buf["exp_avg"] + (1 - h["beta1"]) * g
        buf["exp_inf"] = torch.maximum(h["beta2"] * buf["exp_inf"], g.abs() + h["eps"])
        return p - h["lr"] / (1 - h["beta1"] ** t) * buf["exp_avg"] / buf["exp_inf"]

    return _make("adamax", dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                                weight_decay=weight_decay),
                 {"exp_avg": _zeros, "exp_inf": _zeros}, step)


def adabelief(lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0.0, amsgrad=False,
              weight_decouple=True, fixed_decay=False, rectify=True, degenerated_to_sgd=True):
    """AdaBelief (J. Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
    Observed Gradients", NeurIPS 2020), as the reference code (adabelief-pytorch 0.2): the
    variance of the gradient around its mean, eps added to that running variance in place (so it
    accumulates), decoupled weight decay by default, and RAdam's rectification (rectify=True),
    falling back to an SGD step while the variance estimate is unreliable
    (degenerated_to_sgd)."""

    def step(p, g, buf, h, t):
        if weight_decouple:
            p = p * (1 - (h["weight_decay"] if fixed_decay else h["lr"] * h["weight_decay"]))
        else:
            g = _l2(g, p, h)
        bc1 = 1 - h["beta1"] ** t
        bc2 = 1 - h["beta2"] ** t
        buf["exp_avg"] = h["beta1"] * buf["exp_avg"] + (1 - h["beta1"]) * g
        residual = g - buf["exp_avg"]
        buf["exp_avg_var"] = h["beta2"] * buf["exp_avg_var"] + (1 - h["beta2"]) * residual ** 2
        buf["exp_avg_var"] = buf["exp_avg_var"] + h["eps"]  # in place in the reference code
        var = buf["exp_avg_var"]
        if amsgrad:
            buf["max_exp_avg_var"] = torch.maximum(buf["max_exp_avg_var"], var)
            var = buf["max_exp_avg_var"]
        if not rectify:
            denom = var.sqrt() / bc2.sqrt() + h["eps"]
            return p - (h["lr"] / bc1) * buf["exp_avg"] / denom
        rho_inf = 2 / (1 - h["beta2"]) - 1
        beta2_t = h["beta2"] ** t
        rho_t = rho_inf - 2 * t * beta2_t / (1 - beta2_t)
        rect = ((1 - beta2_t) * (rho_t - 4) / (rho_inf - 4) * (rho_t - 2) / rho_t * rho_inf
                / (rho_inf - 2)).clamp(min=0).sqrt() / bc1
        adaptive = p - h["lr"] * rect * buf["exp_avg"] / (var.sqrt() + h["eps"])
        if degenerated_to_sgd:
            fallback = p - h["lr"] / bc1 * buf["exp_avg"]
        else:
            fallback = p
        return torch.where(rho_t >= 5, adaptive, fallback)

    return _make("adabelief", dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                                   weight_decay=weight_decay),
                 {"exp_avg": _zeros, "exp_avg_var": _zeros, "max_exp_avg_var": _zeros}, step)


def adan(lr=1e-3, betas=(0.98, 0.92, 0.99), eps=1e-8, weight_decay=0.0, no_prox=False,
         restart_every=None):
    """Adan (X. Xie et al., "Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing
    Deep Models", 2022), as the reference code: moments of the gradient, of its difference from
    the previous gradient, and of ``g + beta2 (g - g_prev)``; proximal weight decay
    ``p <- (p - lr u) / (1 + lr wd)`` unless ``no_prox``. ``restart_every`` restarts the moments
    (the paper's restart condition) every so many steps."""

    def step(p, g, buf, h, t):
        if restart_every is not None:
            t = (t - 1) % restart_every + 1
        if t == 1:
            for key in ("exp_avg", "exp_avg_diff", "exp_avg_sq"):
                buf[key] = torch.zeros_like(p)
            buf["pre_grad"] = g
        diff = g - buf["pre_grad"]
        update = g + h["beta2"] * diff
        buf["exp_avg"] = h["beta1"] * buf["exp_avg"] + (1 - h["beta1"]) * g
        buf["exp_avg_diff"] = h["beta2"] * buf["exp_avg_diff"] + (1 - h["beta2"]) * diff
        buf["exp_avg_sq"] = h["beta3"] * buf["exp_avg_sq"] + (1 - h["beta3"]) * update * update
        bc1 = 1 - h["beta1"] ** t
        bc2 = 1 - h["beta2"] ** t
        bc3 = 1 - h["beta3"] ** t
        denom = buf["exp_avg_sq"].sqrt() / bc3.sqrt() + h["eps"]
        step_update = (buf["exp_avg"] / bc1 + h["beta2"] * buf["exp_avg_diff"] / bc2) / denom
        buf["pre_grad"] = g
        if no_prox:
            return p * (1 - h["lr"] * h["weight_decay"]) - h["lr"] * step_update
        return (p - h["lr"] * step_update) / (1 + h["lr"] * h["weight_decay"])

    return _make("adan", dict(lr=lr, beta1=betas[0], beta2=betas[1], beta3=betas[2], eps=eps,
                              weight_decay=weight_decay),
                 {"exp_avg": _zeros, "exp_avg_diff": _zeros, "exp_avg_sq": _zeros,
                  "pre_grad": _zeros}, step)


OPTIMIZERS = {"sgd": sgd, "adagrad": adagrad, "adadelta": adadelta, "rmsprop": rmsprop,
              "adam": adam, "adamw": adamw, "nadam": nadam, "adamax": adamax,
              "adabelief": adabelief, "adan": adan}
