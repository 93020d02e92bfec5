"""Functional optimizers: equal to torch.optim step for step, per member; AdaBelief and Adan
equal their update equations written out here; schedules equal torch's LR schedulers."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import metaopt.torch.training.optim as O  # noqa: E402

P, STEPS = 3, 100


def sequences(seed=0, shape=(5, 4)):
    gen = torch.Generator().manual_seed(seed)
    p0 = torch.randn((P,) + shape, dtype=torch.float64, generator=gen)
    grads = torch.randn((STEPS, P) + shape, dtype=torch.float64, generator=gen)
    return p0, grads


def run_ours(opt, p0, grads):
    params = {"w": p0.clone(), "b": p0[:, 0].clone()}
    state = opt.init(params)
    for g in grads:
        params, state = opt.update({"w": g, "b": g[:, 0] * 0.5}, state, params)
    return params


def run_torch(cls, p0, grads, member_kwargs, scheduler=None):
    out_w, out_b = [], []
    for i in range(P):
        w = torch.nn.Parameter(p0[i].clone())
        b = torch.nn.Parameter(p0[i, 0].clone())
        opt = cls([w, b], **member_kwargs(i))
        sched = scheduler(opt) if scheduler else None
        for g in grads:
            w.grad, b.grad = g[i].clone(), g[i, 0].clone() * 0.5
            opt.step()
            if sched:
                sched.step()
        out_w.append(w.detach())
        out_b.append(b.detach())
    return torch.stack(out_w), torch.stack(out_b)


def assert_close(ours, ref):
    for key, value in zip(("w", "b"), ref):
        rel = ((ours[key] - value).abs() / value.abs().clamp(min=1e-12)).max()
        assert rel < 1e-6, (key, float(rel))


# name, torch class, our keyword arguments (per-member arrays allowed), torch's per member
CASES = [
    ("sgd", torch.optim.SGD, dict(lr=[0.01, 0.05, 0.1], momentum=[0.0, 0.5, 0.9],
                                  weight_decay=1e-3), {}),
    ("sgd", torch.optim.SGD, dict(lr=0.05, momentum=[0.5, 0.8, 0.9], dampening=0.1), {}),
    ("sgd", torch.optim.SGD, dict(lr=[0.01, 0.02, 0.03], momentum=0.9, nesterov=True), {}),
    ("adagrad", torch.optim.Adagrad, dict(lr=[0.1, 0.2, 0.3], lr_decay=0.01,
                                          weight_decay=0.01, initial_accumulator_value=0.1), {}),
    ("adadelta", torch.optim.Adadelta, dict(lr=[1.0, 0.5, 0.1], rho=[0.8, 0.9, 0.95],
                                            weight_decay=0.01), {}),
    ("rmsprop", torch.optim.RMSprop, dict(lr=[0.01, 0.001, 0.005], alpha=0.9, momentum=0.9,
                                          centered=True, weight_decay=0.01), {}),
    ("rmsprop", torch.optim.RMSprop, dict(lr=0.01), {}),
    ("adam", torch.optim.Adam, dict(lr=[0.01, 0.001, 0.1], betas=(0.8, 0.99),
                                    weight_decay=0.01), {}),
    ("adam", torch.optim.Adam, dict(lr=0.01, amsgrad=True), {}),
    ("adamw", torch.optim.AdamW, dict(lr=[0.01, 0.02, 0.03], weight_decay=[0.0, 0.1, 0.5]), {}),
    ("nadam", torch.optim.NAdam, dict(lr=[0.01, 0.002, 0.005], momentum_decay=[4e-3, 1e-2,
                                                                                 2e-3]), {}),
    ("nadam", torch.optim.NAdam, dict(lr=0.01, weight_decay=0.05, decoupled_weight_decay=True),
     {}),
    ("adamax", torch.optim.Adamax, dict(lr=[0.01, 0.002, 0.05], weight_decay=0.01), {}),
]


def per_member(kwargs, i):
    out = {}
    for key, value in kwargs.items():
        out[key] = value[i] if isinstance(value, list) else value
    return out


@pytest.mark.parametrize("name, cls, kwargs, _", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_equals_torch_optim_per_member(name, cls, kwargs, _):
    p0, grads = sequences()
    ours = run_ours(O.OPTIMIZERS[name](**kwargs), p0, grads)
    assert_close(ours, run_torch(cls, p0, grads, lambda i: per_member(kwargs, i)))


def test_adabelief_equals_its_update_equations():
    """AdaBelief as the reference code writes it (eps added to s_t in place, RAdam rectification,
    SGD fallback, decoupled weight decay), spelled out in numpy."""
    p0, grads = sequences(1)
    lr, b1, b2, eps, wd = np.array([1e-3, 5e-3, 1e-2]), 0.9, 0.999, 1e-16, 0.01
    opt = O.adabelief(lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    params = {"w": p0.clone()}
    state = opt.init(params)
    p, m, s = p0.numpy().copy(), np.zeros(p0.shape), np.zeros(p0.shape)
    lr_b = lr[:, None, None]
    rho_inf = 2 / (1 - b2) - 1
    for t, g in enumerate(grads.numpy(), start=1):
        params, state = opt.update({"w": torch.as_tensor(g)}, state, params)
        p = p * (1 - lr_b * wd)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * (g - m) ** 2 + eps
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t >= 5:
            r = math.sqrt((1 - b2**t) * (rho_t - 4) / (rho_inf - 4) * (rho_t - 2) / rho_t
                          * rho_inf / (rho_inf - 2)) / (1 - b1**t)
            p = p - lr_b * r * m / (np.sqrt(s) + eps)
        else:
            p = p - lr_b / (1 - b1**t) * m
        np.testing.assert_allclose(params["w"].numpy(), p, rtol=1e-9, atol=1e-12)


def test_adabelief_without_rectification_equals_its_equations():
    p0, grads = sequences(2)
    lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
    opt = O.adabelief(lr=lr, eps=eps, rectify=False, weight_decouple=False, weight_decay=0.1)
    params = {"w": p0.clone()}
    state = opt.init(params)
    p, m, s = p0.numpy().copy(), np.zeros(p0.shape), np.zeros(p0.shape)
    for t, g in enumerate(grads.numpy(), start=1):
        params, state = opt.update({"w": torch.as_tensor(g)}, state, params)
        g = g + 0.1 * p
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * (g - m) ** 2 + eps
        p = p - lr / (1 - b1**t) * m / (np.sqrt(s) / math.sqrt(1 - b2**t) + eps)
        np.testing.assert_allclose(params["w"].numpy(), p, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("no_prox", [False, True])
def test_adan_equals_its_update_equations(no_prox):
    """Adan (Xie et al. 2022, Algorithm 1 as the reference code): m, the moment of gradient
    differences n, v of (g + beta2 (g - g_prev))^2, bias-corrected, proximal weight decay."""
    p0, grads = sequences(3)
    lr, (b1, b2, b3), eps, wd = np.array([1e-3, 1e-2, 5e-3]), (0.98, 0.92, 0.99), 1e-8, 0.02
    opt = O.adan(lr=lr, betas=(b1, b2, b3), eps=eps, weight_decay=wd, no_prox=no_prox)
    params = {"w": p0.clone()}
    state = opt.init(params)
    p = p0.numpy().copy()
    m = n = v = np.zeros(p0.shape)
    g_prev = None
    lr_b = lr[:, None, None]
    for t, g in enumerate(grads.numpy(), start=1):
        params, state = opt.update({"w": torch.as_tensor(g)}, state, params)
        diff = np.zeros_like(g) if g_prev is None else g - g_prev
        m = b1 * m + (1 - b1) * g
        n = b2 * n + (1 - b2) * diff
        v = b3 * v + (1 - b3) * (g + b2 * diff) ** 2
        u = (m / (1 - b1**t) + b2 * n / (1 - b2**t)) / (np.sqrt(v / (1 - b3**t)) + eps)
        if no_prox:
            p = p * (1 - lr_b * wd) - lr_b * u
        else:
            p = (p - lr_b * u) / (1 + lr_b * wd)
        g_prev = g
        np.testing.assert_allclose(params["w"].numpy(), p, rtol=1e-8, atol=1e-12)


def test_adan_restart_resets_the_moments():
    p0, grads = sequences(4)
    restarted = O.adan(lr=1e-2, restart_every=10)
    fresh = O.adan(lr=1e-2)
    params = {"w": p0.clone()}
    state = restarted.init(params)
    for g in grads[:10]:
        params, state = restarted.update({"w": g}, state, params)
    after_ten = {"w": params["w"].clone()}
    params, state = restarted.update({"w": grads[10]}, state, params)
    other = fresh.init(after_ten)
    expect, _ = fresh.update({"w": grads[10]}, other, after_ten)
    torch.testing.assert_close(params["w"], expect["w"])


SCHEDULE_CASES = [
    ("step", dict(lr=[0.1, 0.2, 0.05], step_size=7, gamma=[0.5, 0.1, 0.9]),
     lambda opt, i, k: torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=k["gamma"])),
    ("cosine", dict(lr=[0.1, 0.2, 0.05], T_max=100, eta_min=[0.0, 1e-3, 1e-2]),
     lambda opt, i, k: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100,
                                                                  eta_min=k["eta_min"])),
    ("cyclical", dict(base_lr=[1e-3, 2e-3, 5e-4], max_lr=[0.1, 0.05, 0.2], step_size_up=15,
                      step_size_down=10, mode="triangular2"),
     lambda opt, i, k: torch.optim.lr_scheduler.CyclicLR(
         opt, base_lr=k["base_lr"], max_lr=k["max_lr"], step_size_up=15, step_size_down=10,
         mode="triangular2", cycle_momentum=False)),
    ("cyclical", dict(base_lr=1e-3, max_lr=[0.1, 0.05, 0.2], step_size_up=20, mode="exp_range",
                      gamma=0.99),
     lambda opt, i, k: torch.optim.lr_scheduler.CyclicLR(
         opt, base_lr=1e-3, max_lr=k["max_lr"], step_size_up=20, mode="exp_range", gamma=0.99,
         cycle_momentum=False)),
    ("one_cycle", dict(max_lr=[0.1, 0.05, 0.2], total_steps=STEPS, pct_start=[0.3, 0.2, 0.5]),
     lambda opt, i, k: torch.optim.lr_scheduler.OneCycleLR(
         opt, max_lr=k["max_lr"], total_steps=STEPS, pct_start=k["pct_start"],
         cycle_momentum=False)),
    ("one_cycle", dict(max_lr=0.1, total_steps=STEPS, anneal_strategy="linear",
                       three_phase=True),
     lambda opt, i, k: torch.optim.lr_scheduler.OneCycleLR(
         opt, max_lr=0.1, total_steps=STEPS, anneal_strategy="linear", three_phase=True,
         cycle_momentum=False)),
]


@pytest.mark.parametrize("kind, kwargs, make", SCHEDULE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(SCHEDULE_CASES)])
def test_schedules_equal_torch_lr_schedulers(kind, kwargs, make):
    schedule = O.SCHEDULES[kind](**kwargs)
    for i in range(P):
        k = per_member(kwargs, i)
        start = k.get("lr", k.get("base_lr", k.get("max_lr")))
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=start)
        sched = make(opt, i, k)
        for t in range(STEPS):
            ours = schedule(t)
            ours = float(ours[i]) if torch.is_tensor(ours) else float(ours)
            assert ours == pytest.approx(opt.param_groups[0]["lr"], rel=1e-9, abs=1e-15), (t, i)
            opt.step()
            sched.step()


def test_optimizer_with_a_schedule_equals_torch_with_its_scheduler():
    p0, grads = sequences(5)
    ours = run_ours(O.adam(lr=O.cosine([0.01, 0.02, 0.05], T_max=STEPS)), p0, grads)
    ref = run_torch(torch.optim.Adam, p0, grads, lambda i: {"lr": [0.01, 0.02, 0.05][i]},
                    lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS))
    assert_close(ours, ref)


def test_per_member_shape_is_checked():
    opt = O.adam(lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        opt.init({"w": torch.zeros(3, 2)})
