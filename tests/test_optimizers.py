"""Core optimizers: equations == trace, hand-computed steps, identities, batching, purity, dtype, errors."""

from __future__ import annotations

import ast
import importlib
import itertools

import numpy as np
import pytest

from lrlessons import optimizers as O
from lrlessons.schedules import constant, exponential_decay

# Every factory with every notable option combination (the ones that change equations).
VARIANTS = [
    ("sgd", {}), ("sgd", {"weight_decay": 0.1}), ("sgd", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    *[("momentum", dict(nesterov=n, lr_in_buffer=b, dampen_first=f, weight_decay=w, decoupled_weight_decay=dw))
      for n, b, f, w, dw in itertools.product([False, True], [False, True], [False, True], [0.0, 0.1], [False, True])],
    ("momentum", {"dampening": 0.3}), ("momentum", {"dampening": 0.3, "dampen_first": True}),
    *[("adagrad", dict(lr_decay=ld, eps_in_sqrt=e, weight_decay=w, decoupled_weight_decay=dw))
      for ld, e, w, dw in itertools.product([0.0, 0.1], [False, True], [0.0, 0.1], [False, True])],
    ("adagrad", {"eps": 0.0, "initial_accumulator_value": 0.1, "eps_in_sqrt": True}),
    *[("rmsprop", dict(momentum=m, centered=c, eps_in_sqrt=e, lr_in_buffer=b, bias_correction=bc, nesterov=n,
                       initial_mean_square=1.0, weight_decay=0.1))
      for m, c, e, b, bc, n in itertools.product([0.0, 0.5], [False, True], [False, True], [False, True],
                                                 [False, True], [False, True]) if not (n and m == 0)],
    *[("adam", dict(amsgrad=a, epsilon_hat=eh, amsgrad_on=on, weight_decay=w, decoupled_weight_decay=dw))
      for a, eh, on, w, dw in itertools.product([False, True], [False, True], ["raw", "corrected"], [0.0, 0.1],
                                                [False, True]) if not (eh and a and on == "corrected")],
    ("adam", {"eps_root": 1e-8}), ("adam", {"eps_root": 1e-8, "amsgrad": True, "amsgrad_on": "corrected"}),
    ("adamw", {}), ("adamw", {"amsgrad": True}), ("adamw", {"epsilon_hat": True, "amsgrad": True}),
    *[("nadam", dict(momentum_schedule=s, weight_decay=w, decoupled_weight_decay=dw, eps_root=er))
      for s, w, dw, er in itertools.product(["dozat", "none"], [0.0, 0.1], [False, True], [0.0, 1e-8])],
    *[("radam", dict(epsilon_hat=e, weight_decay=w, decoupled_weight_decay=dw))
      for e, w, dw in itertools.product([False, True], [0.0, 0.1], [False, True])],
    ("radam", {"epsilon_hat": False, "eps_root": 1e-8, "rectify_threshold": 4.0}),
    *[("adamax", dict(eps_in_max=e, weight_decay=w, decoupled_weight_decay=dw))
      for e, w, dw in itertools.product([False, True], [0.0, 0.1], [False, True])],
    ("adadelta", {}), ("adadelta", {"weight_decay": 0.1}), ("adadelta", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    # the optimizers of 2023-2026 (Muon on these vectors: each run's vector is a 1 x d row)
    ("lion", {}), ("lion", {"weight_decay": 0.1}),
    *[("lamb", dict(decay_in_trust_ratio=d, weight_decay=w)) for d, w in itertools.product([False, True], [0.0, 0.1])],
    ("lamb", {"eps_root": 1e-8, "weight_decay": 0.1}),
    *[("lars", dict(nesterov=n, weight_decay=w)) for n, w in itertools.product([False, True], [0.0, 0.1])],
    *[("muon", dict(fallback="row", nesterov=n, momentum_form=f, weight_decay=w))
      for n, f, w in itertools.product([False, True], ["ema", "sum", "ema_bias_corrected"], [0.0, 0.1])],
    *[("schedule_free_sgd", dict(convention=c, warmup_steps=w, weight_decay=d))
      for c, w, d in itertools.product(["schedulefree", "optax"], [0, 3], [0.0, 0.1])],
    *[("schedule_free_adamw", dict(convention=c, warmup_steps=w, weight_decay=d))
      for c, w, d in itertools.product(["schedulefree", "optax", "keras"], [0, 3], [0.0, 0.1])],
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw in VARIANTS]


def make(name, lr=0.05, **kw):
    return O.FACTORIES[name](lr=lr, **kw)


def run(opt, theta, grads, lr=None):
    state = opt.init(theta)
    out, trs = [], []
    for g in grads:
        theta, state, tr = opt.step(theta, g, state, lr=lr)
        out.append(theta)
        trs.append(tr)
    return np.array(out), state, trs


RNG = np.random.default_rng(0)
GRADS = RNG.normal(size=(8, 3))
THETA0 = np.array([0.5, -1.0, 2.0])


@pytest.mark.parametrize("name,kw", VARIANTS, ids=IDS)
def test_equations_match_trace_fields(name, kw):
    opt = make(name, **kw)
    _, _, trs = run(opt, THETA0, GRADS[:7])      # 7 steps: RAdam rectifies from t = 6
    assert [f for f, _ in opt.equations] == list(trs[0]._fields)
    assert all(isinstance(tex, str) and tex for _, tex in opt.equations)
    theta = THETA0
    for tr in trs:                               # delta is always the whole change of theta
        theta = theta + tr.delta
    np.testing.assert_allclose(theta, run(opt, THETA0, GRADS[:7])[0][-1], rtol=1e-13)


@pytest.mark.parametrize("name,kw", VARIANTS, ids=IDS)
def test_pure_and_batched_equals_separate_runs(name, kw):
    # B == d == 3 on purpose: a (B,) lr that lined up with the parameter axis would pass a
    # shape check but mix runs and coordinates.
    lrs = np.array([0.01, 0.05, 0.2])
    thetas = np.array([THETA0, -THETA0, 2 * THETA0])
    grads = np.stack([GRADS, GRADS[::-1], 0.5 * GRADS], axis=1)      # (T, B, d)
    theta_copy, grads_copy = thetas.copy(), grads.copy()
    batched, _, _ = run(make(name, lr=lrs, **kw), thetas, grads)
    np.testing.assert_array_equal(thetas, theta_copy)                # inputs not mutated
    np.testing.assert_array_equal(grads, grads_copy)
    for i in range(3):
        single, _, _ = run(make(name, lr=lrs[i], **kw), thetas[i], grads[:, i])
        np.testing.assert_allclose(batched[:, i], single, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name,kw", VARIANTS[::3], ids=IDS[::3])
def test_float32_stays_float32_and_ints_are_promoted(name, kw):
    opt = make(name, **kw)
    out, state, tr = run(opt, THETA0.astype(np.float32), GRADS[:2].astype(np.float32))
    assert out.dtype == np.float32
    assert all(b.dtype == np.float32 for b in state[1:] if isinstance(b, np.ndarray))
    theta, state = np.array([1, 2, 3]), opt.init(np.array([1, 2, 3]))
    for _ in range(2):      # two updates: optax's warmed-up schedule-free z-step has rate 0 at first
        theta, state, _ = opt.step(theta, np.array([1.0, 1.0, 1.0]), state)
    assert theta.dtype == np.float64 and not np.all(theta == np.round(theta))


def test_batched_hyperparameters_other_than_lr():
    betas = np.array([0.5, 0.9, 0.99])
    thetas = np.tile(THETA0, (3, 1))
    grads = np.repeat(GRADS[:, None, :], 3, axis=1)
    batched, _, _ = run(O.adam(lr=0.1, beta1=betas, beta2=[0.9, 0.99, 0.999]), thetas, grads)
    for i, (b1, b2) in enumerate(zip(betas, [0.9, 0.99, 0.999])):
        single, _, _ = run(O.adam(lr=0.1, beta1=b1, beta2=b2), THETA0, GRADS)
        np.testing.assert_allclose(batched[:, i], single, rtol=1e-14)


# ---- hand-computed steps ----------------------------------------------------------------------
def first(opt, g, theta=1.0):
    theta = np.array([theta])
    return opt.step(theta, np.array([g]), opt.init(theta))


def test_sgd_and_weight_decay_forms():
    assert first(O.sgd(lr=0.1), 2.0)[0][0] == pytest.approx(0.8, abs=1e-15)
    # L2: g = 2 + 0.5*1 = 2.5; decoupled: -0.1*2 - 0.1*0.5*1
    assert first(O.sgd(lr=0.1, weight_decay=0.5), 2.0)[0][0] == pytest.approx(0.75, abs=1e-15)
    assert first(O.sgd(lr=0.1, weight_decay=0.5, decoupled_weight_decay=True), 2.0)[0][0] == pytest.approx(0.75)
    # Adam: L2 enters the moments (step stays ~lr); decoupled adds lr*lambda*theta on top
    assert first(O.adam(lr=0.1, weight_decay=0.5), 0.0)[0][0] == pytest.approx(0.9, rel=1e-6)
    assert first(O.adam(lr=0.1, weight_decay=0.5, decoupled_weight_decay=True), 0.0)[0][0] == pytest.approx(0.95)


def test_momentum_two_steps_and_dampening():
    opt = O.momentum(lr=0.1, momentum=0.9)
    theta, state, tr = first(opt, 1.0)
    theta, state, tr = opt.step(theta, np.array([1.0]), state)
    assert float(tr.b[0]) == pytest.approx(1.9) and theta[0] == pytest.approx(1 - 0.1 - 0.19)
    damp = O.momentum(lr=0.1, momentum=0.9, dampening=0.5)
    _, s, tr1 = first(damp, 1.0)
    assert float(tr1.b[0]) == 1.0                              # PyTorch: b_1 = g_1, undamped
    _, _, tr2 = damp.step(np.array([1.0]), np.array([1.0]), s)
    assert float(tr2.b[0]) == pytest.approx(0.9 + 0.5)
    _, _, tr1 = first(O.momentum(lr=0.1, momentum=0.9, dampening=0.5, dampen_first=True), 1.0)
    assert float(tr1.b[0]) == 0.5
    # Nesterov: delta = -lr (g + mu b_1) = -0.1 * 1.9
    assert float(first(O.momentum(lr=0.1, momentum=0.9, nesterov=True), 1.0)[2].delta[0]) == pytest.approx(-0.19)


def test_adam_first_step_is_about_lr_and_epsilon_hat_differs_for_tiny_gradients():
    for g in (1e-3, 1.0, 50.0):
        assert float(first(O.adam(lr=0.01), g)[2].delta[0]) == pytest.approx(-0.01 * g / (g + 1e-8), rel=1e-12)
    # g = 1e-9, eps = 1e-7: Algorithm 1 moves lr*g/(g+eps) = 9.9e-3 lr; eps-hat moves
    # lr*sqrt(1-b2)/(1-b1)*m/(sqrt(v)+eps) = lr*g/(g + eps/sqrt(1-b2)) = 3.2e-4 lr (31.6x smaller step).
    alg1 = -float(first(O.adam(lr=1.0, eps=1e-7), 1e-9)[2].delta[0])
    hat = -float(first(O.adam(lr=1.0, eps=1e-7, epsilon_hat=True), 1e-9)[2].delta[0])
    assert alg1 == pytest.approx(1e-9 / (1e-9 + 1e-7), rel=1e-9) and f"{alg1:.1e}" == "9.9e-03"
    assert hat == pytest.approx(1e-9 / (1e-9 + 1e-7 / np.sqrt(1e-3)), rel=1e-9) and f"{hat:.1e}" == "3.2e-04"


def test_amsgrad_raw_versus_corrected_max():
    # One big gradient, then small ones: raw max of v shrinks in effect as 1/(1-b2^t) falls,
    # the corrected max keeps the first step's v_hat = g1^2 forever.
    grads = np.array([[10.0], [0.1], [0.1]])
    _, s_raw, tr_raw = run(O.adam(lr=0.1, amsgrad=True, amsgrad_on="raw"), np.array([0.0]), grads)
    _, s_cor, tr_cor = run(O.adam(lr=0.1, amsgrad=True, amsgrad_on="corrected"), np.array([0.0]), grads)
    assert float(s_cor.v_max[0]) == pytest.approx(100.0)
    assert float(s_raw.v_max[0]) == pytest.approx(0.1)            # (1-b2) * 100
    assert float(tr_raw[-1].v_hat[0]) == pytest.approx(0.1 / (1 - 0.999**3))
    assert float(tr_raw[-1].v_hat[0]) < float(tr_cor[-1].v_max[0])


def test_adagrad_first_step_pytorch_vs_others():
    pt = -float(first(O.adagrad(lr=1.0), 0.01)[2].delta[0])
    tf = -float(first(O.adagrad(lr=1.0, initial_accumulator_value=0.1, eps=0.0, eps_in_sqrt=True), 0.01)[2].delta[0])
    assert pt == pytest.approx(0.01 / (0.01 + 1e-10)) and tf == pytest.approx(0.01 / np.sqrt(0.1001))
    assert f"{tf:.4f}" == "0.0316"
    # lr_decay: the second step uses lr / (1 + eta)
    opt = O.adagrad(lr=1.0, lr_decay=0.5)
    _, s, _ = first(opt, 1.0)
    _, _, tr = opt.step(np.array([0.0]), np.array([1.0]), s)
    assert float(tr.lr_t) == pytest.approx(1 / 1.5) and float(tr.delta[0]) == pytest.approx(-(1 / 1.5) / (np.sqrt(2) + 1e-10))


def test_rmsprop_first_steps():
    g = 0.01
    pt = -float(first(O.rmsprop(lr=1.0), g)[2].delta[0])
    assert pt == pytest.approx(g / (np.sqrt(0.01 * g**2) + 1e-8))                       # ~10
    tf1 = -float(first(O.rmsprop(lr=1.0, decay=0.9, eps=1e-10, eps_in_sqrt=True, initial_mean_square=1.0), g)[2].delta[0])
    assert tf1 == pytest.approx(g / np.sqrt(0.9 + 0.1 * g**2 + 1e-10)) and f"{tf1:.4f}" == "0.0105"
    ox = O.rmsprop(lr=1.0, decay=0.9, eps=1e-8, eps_in_sqrt=True, bias_correction=True)
    assert -float(first(ox, g)[2].delta[0]) == pytest.approx(g / np.sqrt(g**2 + 1e-8))  # v_hat = g^2


def test_lr_inside_or_outside_buffer_agree_for_constant_lr_and_split_under_a_schedule():
    grads = GRADS[:, :2]
    for name, kw in (("momentum", {"momentum": 0.9}), ("momentum", {"momentum": 0.9, "nesterov": True}),
                     ("rmsprop", {"momentum": 0.8})):
        outside = run(make(name, lr=0.05, lr_in_buffer=False, **kw), THETA0[:2], grads)[0]
        inside = run(make(name, lr=0.05, lr_in_buffer=True, **kw), THETA0[:2], grads)[0]
        np.testing.assert_allclose(inside, outside, rtol=1e-13)
        sched = exponential_decay(0.05, 1, 0.5)                       # lr halves every step
        outside = run(make(name, lr=sched, lr_in_buffer=False, **kw), THETA0[:2], grads)[0]
        inside = run(make(name, lr=sched, lr_in_buffer=True, **kw), THETA0[:2], grads)[0]
        np.testing.assert_allclose(inside[0], outside[0], rtol=1e-13)  # first step identical
        assert np.abs(inside[-1] - outside[-1]).max() > 1e-3            # then they separate


def test_schedule_is_evaluated_at_count_and_explicit_lr_overrides():
    sched = exponential_decay(0.1, 1, 0.5)
    opt = O.sgd(lr=sched)
    theta, state = np.array([0.0]), opt.init(np.array([0.0]))
    deltas = []
    for _ in range(3):
        theta, state, tr = opt.step(theta, np.array([1.0]), state)
        deltas.append(float(tr.delta[0]))
    assert deltas == pytest.approx([-0.1, -0.05, -0.025])
    assert float(opt.step(theta, np.array([1.0]), state, lr=1.0)[2].delta[0]) == -1.0


def test_nadam_momentum_schedules():
    _, _, tr = first(O.nadam(), 1.0)
    assert float(tr.mu) == pytest.approx(0.9 * (1 - 0.5 * 0.96**0.004))
    opt = O.nadam(momentum_decay=1.0)                              # Keras: 0.96^t
    theta, state = np.array([0.0]), opt.init(np.array([0.0]))
    for t in range(1, 101):
        theta, state, tr = opt.step(theta, np.array([1.0]), state)
        if t in (10, 100):
            assert f"{float(tr.mu):.3f}" == {10: "0.601", 100: "0.892"}[t]
    # optax (momentum_schedule='none'): m_hat = b1 m/(1-b1^2) + (1-b1) g/(1-b1) at t=1
    _, _, tr = first(O.nadam(momentum_schedule="none"), 1.0)
    assert float(tr.m_hat[0]) == pytest.approx(0.9 * 0.1 / (1 - 0.81) + 1.0)


def test_radam_rectification_starts_after_threshold():
    grads = np.ones((7, 1))
    for threshold, first_rect in ((5.0, 6), (4.0, 5)):
        _, _, trs = run(O.radam(lr=0.1, rectify_threshold=threshold), np.array([0.0]), grads)
        rect = [not np.isnan(float(tr.r)) for tr in trs]
        assert rect.index(True) + 1 == first_rect
        assert float(trs[0].delta[0]) == pytest.approx(-0.1)          # un-rectified: -lr m_hat


def test_adamax_and_adadelta_hand_steps():
    _, _, tr = first(O.adamax(lr=0.1), 2.0)
    assert float(tr.u[0]) == 2.0 + 1e-8 and float(tr.delta[0]) == pytest.approx(-0.1 * 2 / (2 + 1e-8))
    _, _, tr = first(O.adamax(lr=0.1, eps_in_max=False), 2.0)
    assert float(tr.u[0]) == 2.0
    _, _, tr = first(O.adadelta(), 2.0)
    assert float(tr.dx[0]) == pytest.approx(-np.sqrt(1e-6) / np.sqrt(0.4 + 1e-6) * 2)
    assert float(tr.edx2[0]) == pytest.approx(0.1 * float(tr.dx[0]) ** 2)


def test_identities():
    theta = THETA0
    np.testing.assert_array_equal(run(O.adamw(lr=0.1, weight_decay=0.0), theta, GRADS)[0],
                                  run(O.adam(lr=0.1), theta, GRADS)[0])
    np.testing.assert_allclose(run(O.adamw(lr=0.1, weight_decay=0.2), theta, GRADS)[0],
                               run(O.adam(lr=0.1, weight_decay=0.2, decoupled_weight_decay=True), theta, GRADS)[0])
    np.testing.assert_array_equal(run(O.momentum(lr=0.1, momentum=0.0), theta, GRADS)[0],
                                  run(O.sgd(lr=0.1), theta, GRADS)[0])


def test_source_and_repr():
    opt = O.adam(lr=0.01)
    assert opt.source.startswith("def update(") and "m_hat" in opt.source
    assert repr(opt).startswith("adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-08, amsgrad=False")


def test_plain_adam_source_is_algorithm_1_line_by_line():
    # Kingma & Ba, Algorithm 1: the five lines in order, nothing else (no option branches)
    lines = O.adam().source.splitlines()
    code = [ln.split("#")[0].strip() for ln in lines[1:]]
    assert code == ["t = state.count + 1",
                    "m = beta1 * state.m + (1 - beta1) * grad",
                    "v = beta2 * state.v + (1 - beta2) * grad**2",
                    "m_hat = m / (1 - beta1**t)",
                    "v_hat = v / (1 - beta2**t)",
                    "delta = -lr * m_hat / (np.sqrt(v_hat) + eps)",
                    "return theta + delta, State(t, m, v), Trace(m, v, m_hat, v_hat, delta)"]
    assert "# m_t = β₁ m_{t-1} + (1-β₁) g_t" in lines[2]


@pytest.mark.parametrize("name,kw,functions", [
    ("adam", {}, ["update"]),
    ("adam", {"epsilon_hat": True}, ["update_epsilon_hat"]),
    ("adam", {"amsgrad": True, "amsgrad_on": "corrected"}, ["update_amsgrad_corrected"]),
    ("adamw", {}, ["decoupled_decay", "update"]),
    ("adam", {"weight_decay": 0.1}, ["l2_gradient", "update"]),
    ("momentum", {"lr_in_buffer": True, "nesterov": True}, ["update_velocity_nesterov"]),
    ("adagrad", {"lr_decay": 0.1, "eps_in_sqrt": True}, ["decayed_lr", "update_eps_in_sqrt"]),
    ("rmsprop", {"momentum": 0.9, "lr_in_buffer": True, "eps_in_sqrt": True}, ["update_eps_in_sqrt", "velocity_step"]),
    ("nadam", {"momentum_schedule": "none"}, ["update_constant_momentum"]),
])
def test_source_is_the_functions_that_run_and_equations_their_constants(name, kw, functions):
    opt = make(name, **kw)
    tree = ast.parse(opt.source)
    assert [f.name for f in tree.body] == functions
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.If, ast.IfExp))]   # no option branches
    latex = [tex for _, tex in opt.equations]
    assert len(set(latex)) == len(latex)


def test_equations_are_the_modules_constants():
    adam_module = importlib.import_module("lrlessons.optimizers.adam")
    rms_module = importlib.import_module("lrlessons.optimizers.rmsprop")
    assert O.adam().equations == adam_module.EQUATIONS
    assert O.adam(epsilon_hat=True).equations == adam_module.EPSILON_HAT
    assert O.rmsprop(eps_in_sqrt=True).equations == rms_module.EPS_IN_SQRT
    # weight decay adds its line in front (and d_t to the step when decoupled)
    assert O.adam(weight_decay=0.1).equations == (("g", r"g_t \leftarrow g_t + \lambda\, \theta_{t-1}"),
                                                  *adam_module.EQUATIONS)
    wd = O.adamw(weight_decay=0.1).equations
    assert wd[0][0] == "decay" and wd[1:-1] == adam_module.EQUATIONS[:-1]
    assert wd[-1] == ("delta", adam_module.EQUATIONS[-1][1] + " + d_t")


# ---- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name,param,value,text", [
    ("sgd", "lr", -0.1, "[0, inf)"),
    ("adam", "beta1", 1.0, "[0, 1)"), ("adam", "beta2", -0.1, "[0, 1)"), ("adam", "eps", 0.0, "(0, inf)"),
    ("momentum", "momentum", 1.0, "[0, 1)"), ("momentum", "dampening", 1.5, "[0, 1]"),
    ("rmsprop", "decay", 1.0, "[0, 1)"), ("rmsprop", "eps", 0.0, "(0, inf)"),
    ("adagrad", "eps", -1e-3, "[0, inf)"), ("nadam", "momentum_decay", 0.0, "(0, inf)"),
    ("radam", "rectify_threshold", 3.0, "[4, inf)"), ("adadelta", "rho", 1.0, "[0, 1)"),
    ("adamw", "weight_decay", -1.0, "[0, inf)"), ("adamax", "eps", 0.0, "(0, inf)"),
])
def test_out_of_range_hyperparameters_name_parameter_range_and_value(name, param, value, text):
    with pytest.raises(ValueError) as err:
        O.FACTORIES[name](**{param: value})
    msg = str(err.value)
    assert f"'{param}'" in msg and text in msg and repr(value) in msg


def test_option_conflicts_and_unknown_keywords():
    with pytest.raises(ValueError, match="'dampening'.*nesterov"):
        O.momentum(nesterov=True, dampening=0.1)
    with pytest.raises(ValueError, match=r"'momentum'.*\(0, 1\)"):
        O.momentum(nesterov=True, momentum=0.0)
    with pytest.raises(ValueError, match="'initial_accumulator_value'"):
        O.adagrad(eps=0.0)
    O.adagrad(eps=0.0, initial_accumulator_value=0.1)                  # TF1's Adagrad: allowed
    with pytest.raises(ValueError, match="'amsgrad_on'.*Did you mean 'corrected'"):
        O.adam(amsgrad_on="correct")
    with pytest.raises(TypeError, match="Did you mean 'beta1'"):
        O.adam(beta_1=0.9)
    with pytest.raises(TypeError, match="'nesterov'.*bool"):
        O.momentum(nesterov=1)
    with pytest.raises(ValueError, match="'lr'.*at index 1"):
        O.sgd(lr=[0.1, -0.1])


def test_step_validates_again_for_a_new_signature_and_checks_values_every_step():
    opt = O.adam()
    state = opt.init(np.zeros(3))
    theta, state, _ = opt.step(np.zeros(3), np.ones(3), state)          # this signature is now known
    with pytest.raises(ValueError, match="state buffer 'm'"):
        opt.step(np.zeros(2), np.ones(2), state)
    with pytest.raises(ValueError, match=r"'grad'.*shape of theta \(3,\)"):
        opt.step(theta, np.ones((3, 1)), state)
    with pytest.raises(ValueError, match=r"non-finite entries \{2: inf\}"):   # a value: every step
        opt.step(theta, np.array([1.0, 1.0, np.inf]), state)
    with pytest.raises(ValueError, match=r"'lr' parameter of adam must be in \[0, inf\)\. Got -0.5 instead \(at step 1\)"):
        opt.step(theta, np.ones(3), state, lr=-0.5)


@pytest.mark.parametrize("bad", [-0.01, float("nan"), float("inf")])
def test_a_scheduled_lr_that_turns_bad_raises_naming_the_step(bad):
    opt = O.sgd(lr=lambda t: 0.01 if t < 3 else bad)
    theta, state = np.ones(2), opt.init(np.ones(2))
    for _ in range(3):
        theta, state, _ = opt.step(theta, np.ones(2), state)
    with pytest.raises(ValueError, match=r"'lr' parameter of sgd must be .*Got .*(nan|inf|-0.01).* \(at step 3\)"):
        opt.step(theta, np.ones(2), state)
    batched = O.sgd(lr=lambda t: np.array([0.01, 0.01 if t < 2 else bad]))
    theta, state = np.ones((2, 2)), batched.init(np.ones((2, 2)))
    for _ in range(2):
        theta, state, _ = batched.step(theta, np.ones((2, 2)), state)
    with pytest.raises(ValueError, match=r"'lr' parameter of sgd .*at index 1.* \(at step 2\)"):
        batched.step(theta, np.ones((2, 2)), state)


@pytest.mark.parametrize("bad", [-0.01, float("nan")])
def test_run_with_a_schedule_that_turns_bad_names_lr_and_the_step(bad):
    import lrlessons as ll
    from lrlessons import problems
    with pytest.raises(ValueError, match=r"'lr'.*\(at step 3\)"):
        ll.run(O.sgd(lr=lambda t: 0.01 if t < 3 else bad), problems.quadratic(), 6)


def test_step_errors_shapes_and_nonfinite_gradients():
    opt = O.adam()
    state = opt.init(np.zeros(3))
    with pytest.raises(ValueError, match=r"'grad'.*shape of theta \(3,\)"):
        opt.step(np.zeros(3), np.zeros(2), state)
    with pytest.raises(ValueError, match="state buffer 'm'"):
        opt.step(np.zeros(2), np.zeros(2), state)
    with pytest.raises(ValueError, match=r"non-finite entries \{1: nan\}"):
        opt.step(np.zeros(3), np.array([0.0, np.nan, 0.0]), state)
    with pytest.raises(ValueError, match="'lr'.*-1.0"):
        opt.step(np.zeros(3), np.zeros(3), state, lr=-1.0)
    with pytest.raises(ValueError, match="'lr' hyperparameter.*shape \\(2,\\)"):
        O.sgd(lr=[0.1, 0.2]).step(np.zeros((3, 2)), np.zeros((3, 2)), O.sgd().init(np.zeros((3, 2))))


def _bits(x):
    x = np.asarray(x, dtype=np.float64)
    return x.view(np.uint64)


@pytest.mark.parametrize("name,grid,kw", [
    ("adam", "beta1", {}), ("adam", "beta2", {"amsgrad": True}), ("radam", "beta2", {}),
    ("nadam", "beta1", {"momentum_schedule": "none"}), ("rmsprop", "decay", {"bias_correction": True}),
    ("adamax", "beta1", {}), ("adam", "beta1", {"epsilon_hat": True}),
])
def test_grid_of_repeated_values_equals_separate_runs_bit_for_bit(name, grid, kw):
    # A sweep's grid repeats each value (here 40 distinct values in 200 runs): powers such as
    # beta1**t must still be the numbers a single run computes with Python's pow, bit for bit.
    values = np.repeat(np.linspace(0.0, 0.99, 40), 5)
    lrs = np.tile([0.01, 0.05, 0.1, 0.2, 0.3], 40)
    thetas = np.tile(THETA0[:2], (200, 1)) * (1 + lrs[:, None])
    opt = make(name, lr=lrs, **{grid: values}, **kw)
    theta, state = thetas, opt.init(thetas)
    for k in range(8):
        theta, state, tr = opt.step(theta, np.cos(theta + k), state)
    assert type(theta) is np.ndarray and all(type(b) is np.ndarray for b in state[1:] if b is not None)
    assert all(type(f) is np.ndarray for f in tr if np.ndim(f))
    for i in range(0, 200, 7):
        single = make(name, lr=float(lrs[i]), **{grid: float(values[i])}, **kw)
        th, st = thetas[i], single.init(thetas[i])
        for k in range(8):
            th, st, tr1 = single.step(th, np.cos(th + k), st)
        np.testing.assert_array_equal(_bits(theta[i]), _bits(th))
        for field, batched in zip(tr._fields, tr):
            if np.ndim(batched) and np.shape(batched)[0] == 200:
                np.testing.assert_array_equal(_bits(batched[i]), _bits(getattr(tr1, field)), err_msg=field)


def test_signed_zero_hyperparameters_keep_their_sign_in_a_batch():
    # -0.0 is a valid beta1 in [0, 1); a batch of repeated values must not merge it with +0.0
    betas = np.repeat([-0.0, 0.5], 100)
    thetas = np.zeros((200, 2))
    opt = O.adam(lr=0.1, beta1=betas)
    _, state, tr = opt.step(thetas, np.full((200, 2), -0.0), opt.init(thetas))
    single = O.adam(lr=0.1, beta1=-0.0)
    _, st1, tr1 = single.step(np.zeros(2), np.full(2, -0.0), single.init(np.zeros(2)))
    np.testing.assert_array_equal(np.signbit(state.m[0]), np.signbit(st1.m))
    np.testing.assert_array_equal(np.signbit(tr.m_hat[0]), np.signbit(tr1.m_hat))


# -- scheduled momentum-like hyperparameters (PyTorch's cycle_momentum) ------------------------
def _pt():
    from lrlessons.frameworks import pytorch
    return pytorch


def test_scheduled_momentum_equals_a_constant_momentum_optimizer_per_step():
    from lrlessons.schedules import linear
    pt = _pt()
    mom = linear(0.95, 0.85, 4)
    opt = pt.SGD(lr=0.1, momentum=mom)
    assert opt.hyperparameters["momentum"] is mom
    theta, state = np.array([1.0, -2.0]), opt.init(np.array([1.0, -2.0]))
    ref_theta, ref_state = theta.copy(), state
    for k, g in enumerate([[1.0, 0.5], [0.3, -1.0], [2.0, 0.1], [-0.4, 0.7], [0.2, 0.2], [1.0, 1.0]]):
        g = np.array(g)
        theta, state, tr = opt.step(theta, g, state)
        m_k = float(mom(k))                       # 0.95, 0.925, 0.9, 0.875, 0.85, 0.85
        fixed = pt.SGD(lr=0.1, momentum=m_k)
        ref_theta, ref_state, _ = fixed.step(ref_theta, g, ref_state)
        np.testing.assert_array_equal(theta, ref_theta)
    assert [round(float(mom(k)), 3) for k in (0, 2, 4)] == [0.95, 0.9, 0.85]


def test_scheduled_beta1_in_adam_betas_and_a_constant_beta1():
    from lrlessons.schedules import linear
    pt = _pt()
    b1 = linear(0.8, 0.9, 3)
    opt = pt.Adam(lr=0.1, betas=(b1, 0.999))
    assert opt.hyperparameters["beta1"] is b1
    theta, state = np.array([1.0]), opt.init(np.array([1.0]))
    ref_theta, ref_state = theta.copy(), state
    for k in range(5):
        g = np.array([1.0 + k])
        theta, state, _ = opt.step(theta, g, state)
        ref_theta, ref_state, _ = pt.Adam(lr=0.1, betas=(float(b1(k)), 0.999)).step(ref_theta, g, ref_state)
        np.testing.assert_array_equal(theta, ref_theta)
    const = pt.Adam(lr=0.1, betas=(0.9, 0.999))
    assert const.hyperparameters["beta1"] == 0.9 and const.equations == opt.equations


def test_scheduled_momentum_is_validated_on_use_with_the_step():
    from lrlessons.schedules import linear
    pt = _pt()
    opt = pt.SGD(lr=0.1, momentum=linear(0.9, 1.5, 10))      # 0.9, 0.96, 1.02: bad at step 2
    theta, state = np.array([1.0]), opt.init(np.array([1.0]))
    theta, state, _ = opt.step(theta, np.array([1.0]), state)
    theta, state, _ = opt.step(theta, np.array([1.0]), state)
    with pytest.raises(ValueError, match=r"'momentum' parameter of pytorch.SGD must be in \[0, 1\)\. "
                                         r"Got 1.02 instead \(at step 2\)\."):
        opt.step(theta, np.array([1.0]), state)
    with pytest.raises(ValueError, match=r"'betas\[0\]' parameter of pytorch.Adam must be in \[0, 1\)"):
        _pt().Adam(betas=(linear(1.2, 0.9, 5), 0.999))          # step 0 checked by the factory


def test_scheduled_momentum_batched_and_in_run():
    from lrlessons import run
    from lrlessons.problems import quadratic
    from lrlessons.schedules import linear
    pt = _pt()
    mom = linear([0.9, 0.5], [0.5, 0.9], 8)                  # (2,) momentum schedule: one per run
    grads = [np.array([[1.0, -0.5], [0.2, 0.3]]) * (k + 1) for k in range(6)]
    opt = pt.SGD(lr=0.05, momentum=mom)
    theta, state = np.zeros((2, 2)), opt.init(np.zeros((2, 2)))
    for g in grads:
        theta, state, _ = opt.step(theta, g, state)
    for b in range(2):
        single = pt.SGD(lr=0.05, momentum=linear(*[[0.9, 0.5], [0.5, 0.9]][b], 8))
        t1, s1 = np.zeros(2), single.init(np.zeros(2))
        for g in grads:
            t1, s1, _ = single.step(t1, g[b], s1)
        np.testing.assert_array_equal(theta[b], t1)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        pt.SGD(lr=0.05, momentum=linear([0.9, 0.5, 0.1], 0.5, 8)).step(theta, grads[0], state)
    good = run(pt.SGD(lr=0.01, momentum=linear(0.95, 0.85, 20)), quadratic(), steps=30)
    fixed = run(pt.SGD(lr=0.01, momentum=0.95), quadratic(), steps=30)
    assert np.isfinite(good.loss).all() and not np.array_equal(good.loss, fixed.loss)
    bad = pt.SGD(lr=0.01, momentum=linear(0.9, 1.5, 20))      # step checks every scheduled value
    with pytest.raises(ValueError, match=r"Got 1.02 instead \(at step 4\)"):
        run(bad, quadratic(), steps=30)


@pytest.mark.parametrize("factory, name", [
    (O.momentum, "momentum"), (O.rmsprop, "momentum"), (O.adam, "beta1"), (O.adamw, "beta1"),
    (O.nadam, "beta1"), (O.radam, "beta1"), (O.adamax, "beta1"),
])
def test_core_factories_take_a_momentum_schedule_like_the_pytorch_wrappers(factory, name):
    """The core binds the schedule (evaluated at state.count) exactly as it binds lr."""
    from lrlessons.frameworks import pytorch
    s = pytorch.OneCycleLR(0.1, total_steps=12)
    opt = factory(lr=s, **{name: s.momentum})
    assert opt.hyperparameters[name] is s.momentum
    theta, state = np.array([1.0, -2.0]), opt.init(np.array([1.0, -2.0]))
    ref_theta, ref_state = theta.copy(), state
    for k in range(6):
        g = np.array([1.0, 0.5]) * (k + 1) - ref_theta
        theta, state, _ = opt.step(theta, g, state)
        fixed = factory(lr=float(s(k)), **{name: float(s.momentum(k))})
        ref_theta, ref_state, _ = fixed.step(ref_theta, g, ref_state)
        np.testing.assert_array_equal(theta, ref_theta)
    with pytest.raises(ValueError, match=rf"'{name}' parameter of {factory.__name__} must be in \[0, 1\)\. Got 1.5"):
        factory(**{name: constant(1.5)})                     # step 0 is checked by the factory


@pytest.mark.parametrize("name", sorted(O.FACTORIES))
def test_a_batch_from_weight_decay_alone_is_still_separate_runs(name):
    # Only weight_decay is (B,) and lr is a scalar: the norm-based updates (LAMB, LARS, Adafactor,
    # Muon) must still take one norm per run, although weight_decay may never reach the update.
    kw = {"fallback": "row"} if name == "muon" else {}
    decays = np.array([0.0, 0.1, 0.2])
    thetas = np.array([THETA0, -3 * THETA0, 0.5 * THETA0])
    grads = np.stack([GRADS, GRADS[::-1], 2 * GRADS], axis=1)
    batched, _, _ = run(make(name, weight_decay=decays, **kw), thetas, grads)
    for i in range(3):
        single, _, _ = run(make(name, weight_decay=decays[i], **kw), thetas[i], grads[:, i])
        np.testing.assert_allclose(batched[:, i], single, rtol=1e-14, atol=1e-15)
