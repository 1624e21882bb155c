"""Adafactor (issue 15): the core and pytorch.Adafactor, keras.Adafactor, optax.adafactor against the
real frameworks' trajectories (lrlessons/reference/modern_optimizers.json, tools/make_fixtures_modern.py),
batching (B matrices, each factored on its own), the vector path, bad input, and the widgets."""

from __future__ import annotations

import numpy as np
import pytest

from lrlessons import optimizers as O
from lrlessons.frameworks import keras, optax, pytorch
from lrlessons.optimizers.adafactor import factored_dims, mean_float32
from lrlessons.reference import load

D = load("modern_optimizers")
CASES = [c for c in D["cases"] if c["optimizer"].lower() == "adafactor"]
WRAPPERS = {"pytorch": pytorch.Adafactor, "keras": keras.Adafactor, "optax": optax.adafactor}


def grads_of(case):
    g = case["grads"] if "grads" in case else D["problems"][case["problem"]]["grads"]
    return np.asarray(g, np.float64)[: len(case["thetas"])]


def build(case):
    kw = dict(case["kwargs"])
    if "eps" in kw and case["framework"] == "pytorch":
        kw["eps"] = tuple(kw["eps"])                    # (JSON has no tuples)
    return WRAPPERS[case["framework"]](*case["args"], **kw)


def run(opt, theta, grads, lr=None):
    state = opt.init(theta)
    out, trs = [], []
    for g in grads:
        theta, state, tr = opt.step(theta, g, state, lr=lr)
        out.append(theta)
        trs.append(tr)
    return np.array(out), state, trs


def test_every_framework_has_fixture_cases_on_vectors_and_matrices():
    seen = {(c["framework"], np.ndim(c["theta0"])) for c in CASES}
    assert seen == {(f, n) for f in WRAPPERS for n in (1, 2)}
    assert len(CASES) == 35
    assert all(len(c["thetas"]) >= (100 if np.ndim(c["theta0"]) == 2 else 200) for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_trajectory_matches_the_framework(case):
    opt = build(case)
    theta0 = np.asarray(case["theta0"], np.float64)
    out, state, trs = run(opt, theta0, grads_of(case))
    ref = np.asarray(case["thetas"], np.float64)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-14 * np.max(np.abs(ref)))
    factored = theta0.ndim == 2 and (case["framework"] != "optax" or case["kwargs"].get("min_dim_size_to_factor", 128) <= 3)
    assert (state.r is not None) == factored and (state.v is None) == factored
    if "decay_rates" in case:                            # optax's float32 decay rate, bit for bit
        assert [float(tr.beta2_hat) for tr in trs] == case["decay_rates"]


def test_a_float64_computation_misses_keras_by_the_float32_means():
    case = next(c for c in CASES if c["id"] == "keras.Adafactor.lr.matquad_4x3")
    exact, _, _ = run(O.adafactor(lr=0.02, float32_means=True), np.asarray(case["theta0"]), grads_of(case))
    plain, _, _ = run(O.adafactor(lr=0.02), np.asarray(case["theta0"]), grads_of(case))
    ref = np.asarray(case["thetas"])
    assert np.max(np.abs(exact - ref)) < 1e-14
    assert 1e-10 < np.max(np.abs(plain - ref)) / np.abs(ref).max() < 1e-5


def test_mean_float32_is_a_float32_mean_in_float64():
    x = np.random.default_rng(1).normal(size=(4, 3))
    whole = mean_float32(x, (0, 1))
    assert whole.shape == (1, 1) and whole.dtype == np.float64
    assert whole.item() == float(np.float32(whole.item()))               # a float32 value
    assert abs(whole.item() - x.mean()) < 1e-6 and whole.item() != x.mean()
    rows = mean_float32(x, (-1,))
    assert rows.shape == (4, 1) and np.allclose(rows, x.mean(axis=-1, keepdims=True), rtol=1e-6)
    lanes = mean_float32(np.stack([x, 2 * x]), (1, 2))                   # batched: one mean per run
    assert lanes.shape == (2, 1, 1) and lanes[0, 0, 0] == whole.item()


@pytest.mark.parametrize("call, message", [
    (lambda: pytorch.Adafactor(beta2_decay=0.5), "beta2_decay should be <= 0 but is: 0.5"),
    (lambda: pytorch.Adafactor(d=0.5), "Clipping threshold d should be >= 1 but is: 0.5"),
])
def test_pytorch_validation_messages_are_torchs(call, message):
    expected = {e["message"] for e in D["errors"] if e["id"].startswith("pytorch.Adafactor")}
    assert message in expected
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value) and "pytorch.Adafactor" in str(err.value)


# -- factoring, the vector path, batching ---------------------------------------------------------
def test_factoring_rules():
    assert factored_dims((4, 3)) == (0, 1) and factored_dims((3,)) is None
    assert factored_dims((4, 3), "largest") == (1, 0) and factored_dims((3, 5), "largest") == (0, 1)
    assert factored_dims((2, 4, 3), "largest") == (2, 1) and factored_dims((2, 4, 3)) == (1, 2)
    assert factored_dims((200, 127), "largest", 128) is None and factored_dims((200, 128), "largest", 128) == (1, 0)
    theta = np.zeros((4, 3))
    assert pytorch.Adafactor().init(theta).r.shape == (4, 1)             # torch: keepdim row and column means
    assert keras.Adafactor().init(theta).c.shape == (1, 3)
    assert optax.adafactor(0.1).init(theta).v.shape == (4, 3)            # optax: (4, 3) is too small to factor
    assert optax.adafactor(0.1, min_dim_size_to_factor=3).init(theta).r.shape == (1, 3)
    assert optax.adafactor(0.1, min_dim_size_to_factor=3, factored=False).init(theta).r is None


def test_vector_first_step_is_minus_alpha_times_the_sign():
    # t = 1: beta2_hat = 0, V = g² + eps1, U = g/|g|, RMS(U) = 1: no clipping; rho = min(lr, 1).
    theta, g = np.array([0.5, -1.0, 2.0]), np.array([0.3, -4.0, 1e-3])
    rms = np.sqrt(np.mean(theta**2))
    new, state, tr = O.adafactor(lr=0.05).step(theta, g, O.adafactor(lr=0.05).init(theta))
    assert state.r is None and state.v.shape == (3,) and tr.beta2_hat == 0.0
    np.testing.assert_allclose(new, theta - 0.05 * rms * np.sign(g), rtol=1e-15)
    np.testing.assert_allclose(state.v, g * g + 1e-30, rtol=1e-15)


def test_matrix_second_moment_is_the_outer_product_of_row_and_column_means():
    g = np.arange(1.0, 13.0).reshape(4, 3)
    _, state, tr = O.adafactor().step(np.ones((4, 3)), g, O.adafactor().init(np.ones((4, 3))))
    r, c = (g**2).mean(axis=1, keepdims=True), (g**2).mean(axis=0, keepdims=True)
    np.testing.assert_allclose(state.r, r, rtol=1e-15)
    np.testing.assert_allclose(state.c, c, rtol=1e-15)
    np.testing.assert_allclose(tr.v_hat, r * c / r.mean(), rtol=1e-15)
    np.testing.assert_allclose(tr.v_hat.sum(axis=1, keepdims=True), (g**2).sum(axis=1, keepdims=True), rtol=1e-14)


MAKERS = [
    ("core", lambda lr: O.adafactor(lr=lr)),
    ("core-decay", lambda lr: O.adafactor(lr=lr, weight_decay=0.1)),
    ("pytorch", lambda lr: pytorch.Adafactor(lr=lr, weight_decay=0.1, d=1.2)),
    ("keras", lambda lr: keras.Adafactor(learning_rate=lr, weight_decay=0.05, clip_threshold=0.5)),
    ("optax", lambda lr: optax.adafactor(lr, min_dim_size_to_factor=2, momentum=0.9, weight_decay_rate=0.01)),
]


@pytest.mark.parametrize("make", [m for _, m in MAKERS], ids=[n for n, _ in MAKERS])
@pytest.mark.parametrize("shape", [(4, 3), (3,)])
def test_batched_runs_equal_separate_runs(make, shape):
    rng = np.random.default_rng(3)
    lrs = np.array([0.05, 0.02, 0.08])
    thetas = rng.normal(size=(3,) + shape)
    grads = rng.normal(size=(30, 3) + shape)
    batched_opt = make(lrs)
    state = batched_opt.init(thetas)
    if len(shape) == 2:                                   # each run's matrix factored on its own
        assert state.r is not None and state.r.shape[0] == 3
    else:                                                 # B vectors: not factored
        assert state.r is None and state.v.shape == thetas.shape
    batched, _, _ = run(batched_opt, thetas, grads)
    for i, lr in enumerate(lrs):
        single, _, _ = run(make(float(lr)), thetas[i], grads[:, i])
        np.testing.assert_allclose(batched[:, i], single, rtol=1e-14, atol=1e-15)


def test_unbatched_3d_tensor_is_one_parameter_as_in_the_frameworks():
    rng = np.random.default_rng(4)
    theta, grads = rng.normal(size=(2, 4, 3)), rng.normal(size=(5, 2, 4, 3))
    whole, _, _ = run(pytorch.Adafactor(lr=0.05), theta, grads)
    rows = np.stack([run(pytorch.Adafactor(lr=0.05), theta[i], grads[:, i])[0] for i in range(2)], axis=1)
    batched, _, _ = run(pytorch.Adafactor(lr=[0.05, 0.05]), theta, grads)
    np.testing.assert_allclose(batched, rows, rtol=1e-14)
    assert np.max(np.abs(whole - rows)) > 1e-4              # one RMS over the whole tensor: another run


def test_float32_parameters_stay_float32():
    for make in [m for _, m in MAKERS]:
        out, state, _ = run(make(0.05), np.ones((4, 3), np.float32), np.full((2, 4, 3), 0.5, np.float32))
        assert out.dtype == np.float32
        assert all(b.dtype == np.float32 for b in state[1:] if isinstance(b, np.ndarray) and b is not state.m)


# -- equations, weight decay -----------------------------------------------------------------------
VARIANTS = [
    {}, {"weight_decay": 0.1}, {"eps1_on": "v_hat"}, {"eps1_on": "v_hat", "weight_decay": 0.1, "maximize": True},
    {"float32_means": True}, {"float32_means": True, "weight_decay": 0.1},
    {"relative_step": False}, {"relative_step": False, "momentum": 0.9, "float32_momentum": True,
                               "float32_decay_rate": True, "weight_decay": 0.1},
    {"relative_step": False, "multiply_by_parameter_scale": False, "clip_threshold": np.inf},
]


@pytest.mark.parametrize("kw", VARIANTS, ids=[str(k) for k in VARIANTS])
@pytest.mark.parametrize("shape", [(4, 3), (3,)])
def test_equations_match_trace_fields_and_delta_is_the_whole_change(kw, shape):
    opt = O.adafactor(lr=0.05, **kw)
    rng = np.random.default_rng(5)
    theta0 = rng.normal(size=shape)
    out, _, trs = run(opt, theta0, rng.normal(size=(6,) + shape))
    assert [f for f, _ in opt.equations] == list(trs[0]._fields)
    np.testing.assert_allclose(theta0 + sum(tr.delta for tr in trs), out[-1], rtol=1e-13)


def test_weight_decay_is_applied_once_where_each_framework_applies_it():
    theta, g = np.array([[1.0, -2.0], [0.5, 3.0]]), np.zeros((2, 2))
    # a zero gradient: U = 0, so the change is the decay alone
    for opt, expected in [(O.adafactor(lr=0.1, weight_decay=0.5), theta * (1 - 0.05)),
                          (pytorch.Adafactor(lr=0.1, weight_decay=0.5), theta * (1 - 0.05)),
                          (keras.Adafactor(learning_rate=0.1, weight_decay=0.5), theta - theta * 0.5 * 0.1),
                          (optax.adafactor(0.1, weight_decay_rate=0.5), theta - 0.5 * theta)]:
        new, _, _ = opt.step(theta, g, opt.init(theta))
        np.testing.assert_allclose(new, expected, rtol=1e-15, err_msg=opt.name)
    assert [f for f, _ in O.adafactor(weight_decay=0.5).equations][0] == "decay"     # the standard decoupled form
    assert "decay" not in [f for f, _ in pytorch.Adafactor(weight_decay=0.5).equations]


# -- bad input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, words", [
    (lambda: O.adafactor(beta2_decay=0.1), ValueError, ["'beta2_decay'", "(-inf, 0]", "0.1"]),
    (lambda: O.adafactor(clip_threshold=0.0), ValueError, ["'clip_threshold'", "(0, inf]", "0.0"]),
    (lambda: O.adafactor(eps1=-1.0), ValueError, ["'eps1'", "[0, inf)"]),
    (lambda: O.adafactor(min_dim_size_to_factor=2.5), TypeError, ["'min_dim_size_to_factor'", "integer"]),
    (lambda: O.adafactor(eps1_on="vhat"), ValueError, ["'eps1_on'", "'v_hat'"]),
    (lambda: O.adafactor(momentum=0.9), ValueError, ["'momentum'", "relative_step=False"]),
    (lambda: O.adafactor(eps1_on="v_hat", float32_means=True), ValueError, ["'float32_means'", "'eps1_on'"]),
    (lambda: O.adafactor(maximize=True), ValueError, ["'maximize'", "eps1_on='v_hat'"]),
    (lambda: O.adafactor(relative_step=1), TypeError, ["'relative_step'", "bool"]),
    (lambda: O.adafactor(beta2_decy=-0.8), TypeError, ["beta2_decay"]),
    (lambda: pytorch.Adafactor(eps=1e-3), TypeError, ["'eps'", "pair"]),
    (lambda: pytorch.Adafactor(eps=(None, -1.0)), ValueError, ["'eps[1]'", "pytorch.Adafactor"]),
    (lambda: pytorch.Adafactor(lr=-0.1), ValueError, ["'lr'", "pytorch.Adafactor"]),
    (lambda: keras.Adafactor(epsilon_2=-1.0), ValueError, ["'epsilon_2'", "keras.Adafactor"]),
    (lambda: optax.adafactor(0.1, decay_rate=-0.8), ValueError, ["'decay_rate'", "[0, inf)"]),
    (lambda: optax.adafactor(0.1, dtype_momentum="int8"), ValueError, ["'dtype_momentum'"]),
    (lambda: optax.adafactor(0.1, weight_decay_mask=[True]), ValueError, ["'weight_decay_mask'"]),
])
def test_bad_input_names_the_parameter(call, error, words):
    with pytest.raises(error) as err:
        call()
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_a_state_for_other_parameters_is_refused_naming_the_buffer():
    opt = O.adafactor()
    with pytest.raises(ValueError, match=r"state buffer 'r'.*\(3, 1\).*gives \(4, 1\)"):
        opt.step(np.zeros((4, 3)), np.ones((4, 3)), opt.init(np.zeros((3, 3))))
    with pytest.raises(TypeError, match="the state adafactor.init"):
        opt.step(np.zeros((4, 3)), np.ones((4, 3)), opt.init(np.zeros(3)))    # v instead of r, c
    with pytest.raises(ValueError, match="factored"):                          # rows made runs by a (B,) lr
        opt.step(np.zeros((2, 3)), np.ones((2, 3)), opt.init(np.zeros((2, 3))), lr=np.array([0.1, 0.2]))


def test_run_and_checkpoint_with_a_factored_state(tmp_path):
    from lrlessons import problems, run as ll_run
    from lrlessons.training import load_checkpoint, save_checkpoint

    p = problems.rosenbrock()
    opt = O.adafactor(lr=0.05)
    starts = np.array([[-1.0, 1.0], [0.5, 0.5]])             # one (2, 2) parameter: factored
    whole = ll_run(opt, p, 20, theta0=starts)
    save_checkpoint(tmp_path / "c.npz", ll_run(opt, p, 8, theta0=starts))
    resumed = ll_run(opt, p, 12, resume=load_checkpoint(tmp_path / "c.npz", opt, p))
    assert np.array_equal(whole.theta, resumed.theta) and np.all(np.isfinite(whole.theta))


# -- widgets, headless ----------------------------------------------------------------------------------
def test_stepper_race_and_diff_run_adafactor(monkeypatch):
    pytest.importorskip("ipywidgets")
    from lrlessons import widgets
    from lrlessons.widgets import base, diff

    for name in ("cache_background", "blit", "redraw"):
        monkeypatch.setattr(base.App, name, lambda self, *a, **k: None)
    app = widgets.equation_stepper("adafactor", steps=10).app
    assert app.last_error is None, app.message.value
    app = widgets.equation_stepper("pytorch.Adafactor", steps=10).app
    assert app.last_error is None, app.message.value
    names = ["adafactor", "pytorch.Adafactor", "keras.Adafactor", "optax.adafactor"]
    app = widgets.optimizer_race(optimizers=names, steps=20).app
    assert app.last_error is None, app.message.value
    assert [(l.name, l.error) for l in app.lanes if l.run is None] == []
    monkeypatch.setitem(diff.FRAMEWORK_OPTIMIZERS, "adafactor", {
        "PyTorch": ("pytorch", "Adafactor", {}), "Keras": ("keras", "Adafactor", {}),
        "optax": ("optax", "adafactor", {"min_dim_size_to_factor": 2})})
    app = widgets.framework_diff("adafactor", steps=30).app
    assert app.last_error is None, app.message.value
