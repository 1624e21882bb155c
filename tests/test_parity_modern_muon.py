"""Muon (and optax nadamw) against the real frameworks (lrlessons/reference/modern_optimizers.json).

Precision per case (the fixtures' ``precision`` field): PyTorch runs Newton–Schulz in bfloat16
(emulated with ml_dtypes: each recorded call bit for bit); Keras divides by a float32 norm
(each recorded norm bit for bit); everything else is float64. Trajectories at rtol 1e-12 with an
atol of 1e-14·max|θ| for coordinates passing near zero.
"""

from __future__ import annotations

import numpy as np
import pytest

from lrlessons import frameworks, optimizers as O, training
from lrlessons.frameworks import keras, optax, pytorch
from lrlessons.optimizers.muon import State, lr_factor, muon, newton_schulz
from lrlessons.reference import load

D = load("modern_optimizers")
BUILD = {("pytorch", "Muon"): pytorch.Muon, ("keras", "Muon"): keras.Muon,
         ("optax", "contrib.muon"): optax.contrib.muon, ("optax", "nadamw"): optax.nadamw}
CASES = [c for c in D["cases"] if (c["framework"], c["optimizer"]) in BUILD]
TORCH = [c for c in CASES if c["framework"] == "pytorch"]
KERAS_MATRIX = [c for c in CASES if c["framework"] == "keras" and np.ndim(c["theta0"]) == 2]


def grads_of(case):
    if "grads" in case:
        return np.asarray(case["grads"], np.float64)
    return np.asarray(D["problems"][case["problem"]]["grads"], np.float64)[: len(case["thetas"])]


def replay(opt, theta0, grads):
    theta, state, out, traces = np.asarray(theta0, np.float64), opt.init(np.asarray(theta0, np.float64)), [], []
    for g in grads:
        theta, state, tr = opt.step(theta, g, state)
        out.append(theta)
        traces.append(tr)
    return np.array(out), traces


def test_the_fixtures_hold_the_cases_this_file_checks():
    counts = {k: sum((c["framework"], c["optimizer"]) == k for c in CASES) for k in BUILD}
    assert counts == {("pytorch", "Muon"): 7, ("keras", "Muon"): 9, ("optax", "contrib.muon"): 11,
                      ("optax", "nadamw"): 5}
    assert all(len(c["thetas"]) >= 100 for c in CASES)


# -- (a) Newton–Schulz in bfloat16, bit for bit ---------------------------------------------------------
@pytest.mark.parametrize("case", TORCH, ids=lambda c: c["id"])
def test_bfloat16_newton_schulz_is_torchs_bit_for_bit(case):
    kw = case["kwargs"]
    coeffs = kw.get("ns_coefficients", (3.4445, -4.775, 2.0315))
    for x, o in zip(case["ns_inputs"], case["ns_outputs"]):
        got = newton_schulz(np.array(x), coeffs, kw.get("ns_steps", 5), kw.get("eps", 1e-7),
                            norm_precision="bfloat16", precision="bfloat16")
        np.testing.assert_array_equal(got, np.array(o))


# -- (b) trajectories ------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_trajectory_matches_the_framework(case):
    opt = BUILD[case["framework"], case["optimizer"]](**case["kwargs"])
    got, traces = replay(opt, case["theta0"], grads_of(case))
    ref = np.asarray(case["thetas"], np.float64)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14 * np.abs(ref).max())
    if "ns_inputs" in case:                               # torch: the direction handed to Newton–Schulz
        np.testing.assert_allclose([t.u for t in traces], case["ns_inputs"], rtol=1e-13, atol=1e-16)
        np.testing.assert_array_equal([t.o for t in traces], case["ns_outputs"])


@pytest.mark.parametrize("case", KERAS_MATRIX, ids=lambda c: c["id"])
def test_keras_divides_by_its_float32_norm_bit_for_bit(case):
    from lrlessons.optimizers.muon import frobenius_norm

    opt = keras.Muon(**case["kwargs"])
    _, traces = replay(opt, case["theta0"], grads_of(case))
    norms = [frobenius_norm(t.u.T if t.u.shape[0] > t.u.shape[1] else t.u, "float32") for t in traces]
    assert all(n.dtype == np.float32 for n in norms)
    np.testing.assert_array_equal(np.array(norms, np.float64), case["ns_norms"])


# -- (c) errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("error", [e for e in D["errors"] if e["id"].startswith("pytorch.Muon")], ids=lambda e: e["id"])
def test_pytorch_errors(error):
    calls = {
        "pytorch.Muon.ndim1": lambda: pytorch.Muon(lr=0.02).init(np.zeros(3)),
        "pytorch.Muon.ndim3": None,              # lrlessons: a (B, m, n) θ is B runs (below)
        "pytorch.Muon.adjust_lr_fn": lambda: pytorch.Muon(adjust_lr_fn="spectral"),
        "pytorch.Muon.lr": lambda: pytorch.Muon(lr=-1.0),
    }
    call = calls[error["id"]]
    if call is None:
        opt = pytorch.Muon(lr=0.02)
        theta = np.ones((2, 3, 4))
        new, _, _ = opt.step(theta, np.ones((2, 3, 4)), opt.init(theta))
        assert new.shape == (2, 3, 4) and not np.allclose(new, theta)
        return
    assert error["raises"] == "ValueError"
    with pytest.raises(ValueError) as err:
        call()
    msg = str(err.value)
    if error["id"] == "pytorch.Muon.ndim1":
        assert "'theta'" in msg and "(3,)" in msg and "matrix (m, n)" in msg
    elif error["id"] == "pytorch.Muon.adjust_lr_fn":
        assert error["message"] in msg and "'adjust_lr_fn'" in msg
    else:
        assert "'lr' parameter of pytorch.Muon" in msg and "[0, inf)" in msg and "-1.0" in msg


def test_the_core_refuses_vectors_unless_told_what_to_do():
    with pytest.raises(ValueError, match=r"The 'theta' argument of muon.init must be a matrix .* shape \(2,\)"):
        muon(0.1).init(np.zeros(2))
    with pytest.raises(ValueError, match=r"shape \(2, 3, 4, 5\)"):
        muon(0.1, fallback="row").init(np.zeros((2, 3, 4, 5)))
    with pytest.raises(ValueError, match=r"The 'theta' argument of muon.init .* batch of vectors"):
        opt = muon([0.1, 0.2])
        opt.step(np.zeros((2, 3)), np.ones((2, 3)), State(0, np.zeros((2, 3))))


# -- (d) batched == separate runs ------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda lr: muon(lr, weight_decay=0.1),
    lambda lr: pytorch.Muon(lr=lr),
    lambda lr: keras.Muon(learning_rate=lr),
    lambda lr: optax.contrib.muon(lr, weight_decay=0.05),
    lambda lr: muon(lr, momentum_form="sum", nesterov=False, eps_form="add", adjust_lr="match_rms_adamw"),
], ids=["core", "pytorch", "keras", "optax", "sum"])
def test_batched_matrices_equal_separate_runs(make):
    rng = np.random.default_rng(1)
    lrs = np.array([0.01, 0.05, 0.02])
    thetas = rng.normal(size=(3, 4, 3))
    grads = rng.normal(size=(6, 3, 4, 3))
    batched, _ = replay(make(lrs), thetas, grads)
    same_lr, _ = replay(make(0.02), thetas, grads)                # scalar lr: a 3-D θ is still 3 runs
    for i in range(3):
        single, _ = replay(make(lrs[i]), thetas[i], grads[:, i])
        np.testing.assert_array_equal(batched[:, i], single)
        np.testing.assert_array_equal(same_lr[:, i], replay(make(0.02), thetas[i], grads[:, i])[0])


def test_batched_eps_and_momentum_equal_separate_runs():
    rng = np.random.default_rng(6)
    thetas, grads = rng.normal(size=(2, 2, 3)), rng.normal(size=(5, 2, 2, 3)) * 1e-7
    eps, mom = np.array([1e-7, 1e-5]), np.array([0.9, 0.5])
    for kw in ({"eps_form": "add"}, {"ns_precision": "bfloat16", "norm_precision": "bfloat16"}):
        batched, _ = replay(muon(0.1, eps=eps, momentum=mom, **kw), thetas, grads)
        for i in range(2):
            single, _ = replay(muon(0.1, eps=eps[i], momentum=mom[i], **kw), thetas[i], grads[:, i])
            np.testing.assert_array_equal(batched[:, i], single)


def test_batched_vectors_take_the_row_fallback_per_run():
    rng = np.random.default_rng(2)
    thetas, grads = rng.normal(size=(2, 3)), rng.normal(size=(5, 2, 3))
    batched, _ = replay(muon([0.1, 0.3], fallback="row"), thetas, grads)
    for i, lr in enumerate([0.1, 0.3]):
        np.testing.assert_array_equal(batched[:, i], replay(muon(lr, fallback="row"), thetas[i], grads[:, i])[0])


@pytest.mark.parametrize("kw", [{"momentum": [0.9, 0.5]}, {"weight_decay": [0.0, 0.5]}], ids=["momentum", "decay"])
def test_batched_vectors_with_a_scalar_lr_are_still_runs(kw):
    # only momentum (which the update sees) or only the weight decay (applied around it) is (B,):
    # a 2-D θ is still B vectors, each its own 1×n matrix, not one 2×n matrix
    rng = np.random.default_rng(3)
    thetas, grads = rng.normal(size=(2, 3)), rng.normal(size=(5, 2, 3))
    batched, _ = replay(muon(0.1, fallback="row", **kw), thetas, grads)
    for i in range(2):
        single = muon(0.1, fallback="row", **{k: v[i] for k, v in kw.items()})
        np.testing.assert_array_equal(batched[:, i], replay(single, thetas[i], grads[:, i])[0])


# -- (e) float64 against bfloat16 Newton–Schulz ----------------------------------------------------------
def test_float64_and_bfloat16_newton_schulz_differ_by_the_documented_amount():
    rel = []
    for case in TORCH:
        kw = case["kwargs"]
        c, s, e = kw.get("ns_coefficients", (3.4445, -4.775, 2.0315)), kw.get("ns_steps", 5), kw.get("eps", 1e-7)
        for x, o in zip(case["ns_inputs"], case["ns_outputs"]):
            f64 = newton_schulz(np.array(x), c, s, e)
            rel.append(np.linalg.norm(f64 - np.array(o)) / np.linalg.norm(f64))
    rel = np.array(rel)
    assert len(rel) == 700
    assert 0.008 < np.median(rel) < 0.016 and 0.15 < rel.max() < 0.3 and rel.min() > 5e-4
    # a float64 pytorch.Muon therefore misses torch's trajectory by far more than 1e-12
    case = TORCH[0]
    f64 = muon(**{**case["kwargs"], "weight_decay": 0.1, "adjust_lr": None})
    got, _ = replay(f64, case["theta0"], grads_of(case))
    assert np.abs(got - np.array(case["thetas"])).max() > 1e-6


# -- the math, by hand ----------------------------------------------------------------------------------
def test_lr_factors_and_the_momentum_forms_directions():
    assert lr_factor(4, 3) == np.sqrt(4 / 3) and lr_factor(3, 4) == 1.0
    assert lr_factor(3, 4, "optax") == np.sqrt(4 / 3) and lr_factor(4, 3, "optax") == 1.0
    assert lr_factor(4, 3, "match_rms_adamw") == 0.4 and lr_factor(9, 3, "rms", 0.5) == 1.5
    assert lr_factor(9, 3, "none") == 1.0
    g = np.random.default_rng(3).normal(size=(4, 2, 3))
    runs = {form: replay(muon(0.1, momentum_form=form), g[0], g)[1] for form in ("ema", "sum", "ema_bias_corrected")}
    for ema, total in zip(runs["ema"], runs["sum"]):      # torch's direction is (1-μ) times Keras's
        np.testing.assert_allclose(ema.u, 0.05 * total.u, rtol=1e-12)
    np.testing.assert_allclose(runs["ema_bias_corrected"][0].u, (1 + 0.95 / 1.95) * g[0], rtol=1e-12)  # t = 1
    assert not np.allclose(runs["ema_bias_corrected"][2].u / np.linalg.norm(runs["ema_bias_corrected"][2].u),
                           runs["ema"][2].u / np.linalg.norm(runs["ema"][2].u), rtol=1e-3)
    Q = np.linalg.qr(np.random.default_rng(5).normal(size=(3, 3)))[0]
    X = newton_schulz(np.diag([4.0, 1.0, 0.25]) @ Q, steps=10)
    s = np.linalg.svd(X, compute_uv=False)
    assert 0.6 < s.min() and s.max() < 1.25                 # the quintic's band, not exactly 1


def test_equations_match_trace_fields_for_every_form_and_option():
    g = np.random.default_rng(4).normal(size=(3, 3, 2))
    for form in ("ema", "sum", "ema_bias_corrected"):
        for nesterov in (True, False):
            for wd, dec in ((0.0, True), (0.1, True), (0.1, False)):
                opt = muon(0.1, momentum_form=form, nesterov=nesterov, weight_decay=wd, decoupled_weight_decay=dec)
                out, trs = replay(opt, g[0], g)
                assert [f for f, _ in opt.equations] == list(trs[0]._fields)
                np.testing.assert_allclose(g[0] + sum(t.delta for t in trs), out[-1], rtol=1e-13)
    for opt in (keras.Muon(), optax.contrib.muon(0.1), pytorch.Muon()):
        _, trs = replay(opt, g[0], g)
        assert [f for f, _ in opt.equations] == list(trs[0]._fields)


def test_vectors_take_each_frameworks_path():
    theta, grads = np.array([1.0, -2.0]), np.array([[0.5, 0.1], [0.2, -0.3]])
    out, _ = replay(optax.contrib.muon(0.1, weight_decay=0.5), theta, grads)    # λ only on matrices
    np.testing.assert_array_equal(out, replay(optax.nadamw(0.1, weight_decay=0.0), theta, grads)[0])
    out, _ = replay(keras.Muon(0.1, weight_decay=0.5, adam_weight_decay=0.004), theta, grads)
    np.testing.assert_allclose(out, replay(keras.AdamW(0.1, weight_decay=0.004), theta, grads)[0], rtol=1e-15)
    out, trs = replay(muon(0.1, fallback="row"), theta, grads)               # a 1×2 matrix
    np.testing.assert_allclose(trs[0].o, newton_schulz(grads[:1])[0], rtol=1e-15)
    assert out.shape == (2, 2)


# -- (f) bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, exc, text", [
    (lambda: muon(momentum=1.0), ValueError, "'momentum' parameter of muon must be in [0, 1)"),
    (lambda: muon(ns_steps=100), ValueError, "'ns_steps'"),
    (lambda: muon(ns_coefficients=(1.0, 2.0)), TypeError, "'ns_coefficients' parameter of muon must be three"),
    (lambda: muon(eps=0.0), ValueError, "'eps' parameter of muon"),
    (lambda: muon(adjust_lr="spectral"), ValueError, "'adjust_lr'"),
    (lambda: muon(momentum_form="nesterov"), ValueError, "'momentum_form'"),
    (lambda: muon(ns_precision="bfloat16"), ValueError, "'norm_precision' parameter of muon must be 'bfloat16'"),
    (lambda: muon(ns_precision="bfloat16", norm_precision="bfloat16", eps_form="add"), ValueError, "'eps_form'"),
    (lambda: muon(fallback="adam"), TypeError, "'fallback'"),
    (lambda: muon(ns_stepz=3), TypeError, "ns_steps"),
    (lambda: pytorch.Muon(momentum=-0.1), ValueError, "'momentum' parameter of pytorch.Muon"),
    (lambda: keras.Muon(adam_beta_1=1.5), ValueError, "'adam_beta_1' parameter of keras.Muon"),
    (lambda: keras.Muon(adam_lr_ratio=0), ValueError, "'adam_lr_ratio'"),
    (lambda: optax.contrib.muon(0.1, beta=1.0), ValueError, "'beta' parameter of optax.contrib.muon"),
    (lambda: optax.contrib.muon(0.1, ns_coeffs="dion"), ValueError, "'ns_coeffs'"),
    (lambda: optax.contrib.muon(0.1, adaptive=True), ValueError, "'adaptive'"),
    (lambda: optax.nadamw(0.1, mask=lambda p: p), ValueError, "'mask' parameter of optax.nadamw"),
])
def test_bad_input_names_the_parameter(call, exc, text):
    with pytest.raises(exc) as err:
        call()
    assert text in str(err.value)


def test_registry_and_defaults():
    names = frameworks.registry("optimizers")
    assert names["optax.contrib.muon"] is optax.contrib.muon and "pytorch.Muon" in names and "keras.Muon" in names
    assert "optax.nadamw" in names and O.FACTORIES["muon"] is muon
    assert pytorch.Muon().hyperparameters["weight_decay"] == 0.1
    assert keras.Muon().hyperparameters["muon"].hyperparameters["weight_decay"] == 0.004
    assert optax.nadamw(0.1).hyperparameters["weight_decay"] == 1e-4


# -- (g) the apps: a 2-D point is a 1x2 matrix -----------------------------------------------------------
def test_muon_on_a_point_is_normalised_momentum_in_the_apps():
    import matplotlib

    matplotlib.use("Agg")
    from lrlessons import problems, widgets
    from lrlessons.widgets.base import for_points

    p = problems.rosenbrock()
    for opt in (muon(0.01), pytorch.Muon(lr=0.01), keras.Muon(0.01), optax.contrib.muon(0.01)):
        pt = for_points(opt)
        assert pt.name == opt.name and pt.hyperparameters["fallback"] == "row"
        traj = training.run(pt, p, 20)
        assert np.isfinite(traj.theta).all() and traj.loss[-1] < traj.loss[0]
        o = traj.trace.o                                   # O_t of a 1x2 row: about U_t/|U_t|
        assert np.all((np.linalg.norm(o, axis=-1) > 0.6) & (np.linalg.norm(o, axis=-1) < 1.25))
    assert for_points(optimizers_adam := O.adam(0.1)) is optimizers_adam
    stepper = widgets.equation_stepper("muon", steps=10).app
    assert stepper.last_error is None and stepper.optimizer.hyperparameters["fallback"] == "row"
    assert [f for f, _ in stepper.optimizer.equations] == list(stepper.run.trace._fields)
    race = widgets.optimizer_race(optimizers=["muon", "pytorch.Muon", "keras.Muon", "optax.contrib.muon"], steps=20).app
    assert race.last_error is None and all(lane.run is not None for lane in race.lanes)
    diff = widgets.framework_diff(steps=20).app
    diff.menu.value = "muon"
    assert diff.last_error is None and set(diff.runs) == {"PyTorch", "Keras", "optax"}
    lines = diff.differing_lines()                         # same name, different math
    assert lines["PyTorch"] and lines["Keras"] and lines["optax"]
