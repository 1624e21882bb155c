"""Core schedules: closed forms, identities, batching, validation, reprs."""

from __future__ import annotations

import dataclasses
import inspect
import math
import sys

import numpy as np
import pytest

from lrlessons import schedules as S

T = np.arange(0, 301)


# ---------------------------------------------------------------------------------------
# the article's two examples, exactly
# ---------------------------------------------------------------------------------------


def test_article_exponential_decay_staircase():
    s = S.exponential_decay(0.1, 1000, 0.96, staircase=True)
    steps = np.array([0, 1, 999, 1000, 1999, 2000, 2500, 10000, 10999])
    expected = np.array([0.1 * 0.96 ** (t // 1000) for t in steps])
    np.testing.assert_array_equal(s(steps), expected)


def test_article_warmup():
    w = S.warmup(S.constant(0.01), 1000)
    steps = np.arange(0, 3000)
    expected = np.where(steps < 1000, steps / 1000 * 0.01, 0.01)
    np.testing.assert_array_equal(w(steps), expected)                  # bit for bit
    assert float(w(999)) == pytest.approx(0.00999, rel=1e-15)
    assert float(w(1000)) == 0.01


# ---------------------------------------------------------------------------------------
# closed forms at chosen steps
# ---------------------------------------------------------------------------------------


def test_constant_and_linear():
    assert float(S.constant(0.3)(77)) == 0.3
    s = S.linear(0.1, 0.3, 4)
    np.testing.assert_allclose(s([0, 1, 2, 4, 9]), [0.1, 0.15, 0.2, 0.3, 0.3], rtol=1e-15)


def test_exponential_smooth():
    s = S.exponential_decay(2.0, 10, 0.5)
    np.testing.assert_allclose(s([0, 5, 10, 25]), [2.0, 2 * 0.5**0.5, 1.0, 2 * 0.5**2.5], rtol=1e-15)


def test_natural_exp_and_inverse_time():
    np.testing.assert_allclose(S.natural_exp_decay(0.1, 10, 0.5)([0, 7, 20]), [0.1, 0.1 * math.exp(-0.35), 0.1 * math.exp(-1)], rtol=1e-14)
    np.testing.assert_allclose(S.natural_exp_decay(0.1, 10, 0.5, staircase=True)([19, 20]), [0.1 * math.exp(-0.5), 0.1 * math.exp(-1)], rtol=1e-14)
    np.testing.assert_allclose(S.inverse_time_decay(0.1, 10, 0.5)([0, 5, 20]), [0.1, 0.1 / 1.25, 0.05], rtol=1e-15)
    np.testing.assert_allclose(S.inverse_time_decay(0.1, 10, 0.5, staircase=True)([9, 10]), [0.1, 0.1 / 1.5], rtol=1e-15)


def test_polynomial_decay_tf_values():
    s = S.polynomial_decay(1.0, 10, 0.0, power=1.0, cycle=True)
    np.testing.assert_allclose(s([0, 10, 11, 20, 21]), [1.0, 0.0, 0.45, 0.0, 1 - 21 / 30], rtol=1e-14, atol=1e-16)
    s = S.polynomial_decay(0.5, 40, 0.05, power=2.0)
    np.testing.assert_allclose(s([0, 20, 40, 100]), [0.5, 0.45 * 0.25 + 0.05, 0.05, 0.05], rtol=1e-15)


def test_piecewise_constant_both_conventions():
    tf = S.piecewise_constant([100000, 110000], [1.0, 0.5, 0.1])
    np.testing.assert_array_equal(tf([0, 100000, 100001, 110000, 110001]), [1.0, 1.0, 0.5, 0.5, 0.1])
    pt = S.piecewise_constant([100000, 110000], [1.0, 0.5, 0.1], closed="left")
    np.testing.assert_array_equal(pt([99999, 100000, 109999, 110000]), [1.0, 0.5, 0.5, 0.1])
    assert float(S.piecewise_constant([], [0.3])(5)) == 0.3


def test_piecewise_interpolate():
    s = S.piecewise_interpolate([0, 10, 10, 30], [1.0, 0.0, 2.0, 1.0], "linear")
    np.testing.assert_allclose(s([0, 5, 9, 10, 20, 30, 40]), [1.0, 0.5, 0.1, 2.0, 1.5, 1.0, 1.0], rtol=1e-15)
    c = S.piecewise_interpolate([0, 10], [1.0, 0.0], "cosine")
    np.testing.assert_allclose(c([0, 5, 10]), [1.0, 0.5, 0.0], atol=1e-15)


def test_cosine_decay_values():
    s = S.cosine_decay(2.0, 100, alpha=0.1)
    np.testing.assert_allclose(s([0, 25, 50, 100, 150]), [2.0, 2 * (0.9 * 0.5 * (1 + math.cos(math.pi / 4)) + 0.1), 1.1, 0.2, 0.2], rtol=1e-14)
    e2 = S.cosine_decay(1.0, 100, exponent=2.0)
    assert float(e2(50)) == pytest.approx(0.25, rel=1e-14)
    p = S.cosine_decay(1.0, 10, alpha=0.5, periodic=True)
    np.testing.assert_allclose(p([0, 10, 15, 20, 30]), [1.0, 0.5, 0.75, 1.0, 0.5], rtol=1e-14)


def test_cosine_restarts_keras_values_and_periods():
    s = S.cosine_decay_restarts(1.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    np.testing.assert_allclose(s([10, 30]), [0.55, 0.325], rtol=1e-14)
    # restarts at 10, 30, 70, 150 (t_mul = 2): the value there is the new peak, exactly
    peaks = s([0, 10, 30, 70, 150])
    np.testing.assert_allclose(peaks, [(0.9 * 0.5**i + 0.1) for i in range(5)], rtol=1e-14)
    # just before a restart the value is near the floor
    assert float(s(149)) < 0.1 + 0.01


@pytest.mark.parametrize("t_mul", [1.0, 2.0, 3.0, 1.5])
def test_cosine_restarts_index_exact_at_every_restart(t_mul):
    D0 = 4
    s = S.cosine_decay_restarts(1.0, D0, t_mul=t_mul)
    starts, length, start = [], D0, 0.0
    while start < 5000:
        starts.append(start)
        start += length
        length *= t_mul
    integer_starts = [int(b) for b in starts if float(b).is_integer()]
    np.testing.assert_allclose(s(integer_starts), 1.0, rtol=1e-12)


def test_linear_cosine_decay_endpoints():
    s = S.linear_cosine_decay(2.0, 100, alpha=0.1, beta=0.01)
    np.testing.assert_allclose(s([0, 100, 1000]), [2 * 1.11, 0.02, 0.02], rtol=1e-14)
    assert float(s(50)) == pytest.approx(2 * (0.6 * 0.5 + 0.01), rel=1e-14)


@pytest.mark.parametrize(
    "mode,expected",
    [
        ("triangular", [0.1, 0.55, 1.0, 0.55, 0.1, 0.55, 1.0, 0.55, 0.1]),
        ("triangular2", [0.1, 0.55, 1.0, 0.55, 0.1, 0.325, 0.55, 0.325, 0.1]),
    ],
)
def test_cyclic_modes(mode, expected):
    s = S.cyclic(0.1, 1.0, step_size_up=2, mode=mode)
    np.testing.assert_allclose(s(range(9)), expected, rtol=1e-14)


def test_cyclic_exp_range_and_asymmetric():
    s = S.cyclic(0.0, 1.0, step_size_up=2, mode="exp_range", gamma=0.9)
    np.testing.assert_allclose(s([1, 2, 6]), [0.5 * 0.9, 0.9**2, 0.9**6], rtol=1e-14)
    a = S.cyclic(0.0, 1.0, step_size_up=1, step_size_down=3)
    np.testing.assert_allclose(a([0, 1, 2, 3, 4]), [0.0, 1.0, 2 / 3, 1 / 3, 0.0], rtol=1e-14, atol=1e-16)


def test_one_cycle_phases():
    s = S.one_cycle(1.0, 100)
    v = s([0, 29, 99, 500])
    np.testing.assert_allclose(v, [0.04, 1.0, 0.04 / 1e4, 0.04 / 1e4], rtol=1e-12)
    lin = S.one_cycle(1.0, 100, anneal_strategy="linear")
    assert float(lin(14)) == pytest.approx(0.04 + 0.96 * 14 / 29, rel=1e-14)
    three = S.one_cycle(1.0, 100, three_phase=True)
    np.testing.assert_allclose(three([0, 29, 58, 99]), [0.04, 1.0, 0.04, 4e-6], rtol=1e-12)


def test_one_cycle_pytorch_end():
    s = S.one_cycle(1.0, 10, past_end="pytorch")
    assert np.isfinite(float(s(10)))
    with pytest.raises(ValueError, match=r"'step'.*\[0, 10\].*11"):
        s(11)
    assert float(S.one_cycle(1.0, 10)(11)) == pytest.approx(0.04 / 1e4)


def test_clip_join_warmup():
    c = S.clip(S.exponential_decay(1.0, 1, 2.0), max_learning_rate=4.0)
    np.testing.assert_array_equal(c([0, 1, 2, 3]), [1.0, 2.0, 4.0, 4.0])
    j = S.join([S.constant(1.0), S.linear(1.0, 0.0, 4), S.constant(0.5)], [2, 6])
    np.testing.assert_allclose(j(range(8)), [1, 1, 1, 0.75, 0.5, 0.25, 0.5, 0.5], rtol=1e-15)
    w = S.warmup(S.exponential_decay(1.0, 1, 0.5), 4, start_lr=0.2)
    np.testing.assert_allclose(w([0, 2, 4, 5]), [0.2, 0.6, 1.0, 0.5], rtol=1e-15)


# ---------------------------------------------------------------------------------------
# identities
# ---------------------------------------------------------------------------------------


def test_polynomial_power_one_is_linear():
    np.testing.assert_allclose(S.polynomial_decay(0.3, 50, 0.01, power=1.0)(T), S.linear(0.3, 0.01, 50)(T), rtol=1e-14)


@pytest.mark.parametrize("make", [S.exponential_decay, S.natural_exp_decay, S.inverse_time_decay])
def test_staircase_equals_smooth_at_multiples(make):
    multiples = np.arange(0, 2001, 250)
    np.testing.assert_allclose(make(0.1, 250, 0.7, staircase=True)(multiples), make(0.1, 250, 0.7)(multiples), rtol=1e-14)
    # and differs in between
    assert float(make(0.1, 250, 0.7, staircase=True)(125)) != float(make(0.1, 250, 0.7)(125))


def test_one_restart_period_equals_cosine_decay():
    restarts = S.cosine_decay_restarts(0.5, 40, t_mul=2.0, m_mul=0.7, alpha=0.05)
    np.testing.assert_allclose(restarts(np.arange(40)), S.cosine_decay(0.5, 40, alpha=0.05)(np.arange(40)), rtol=1e-13)
    second = S.cosine_decay_restarts(0.5, 40, t_mul=2.0, m_mul=1.0, alpha=0.05)(np.arange(40, 120))
    np.testing.assert_allclose(second, S.cosine_decay(0.5, 80, alpha=0.05)(np.arange(80)), rtol=1e-13)


def test_warmup_continuous_at_its_end():
    inner = S.cosine_decay(0.2, 100)
    w = S.warmup(inner, 50, start_lr=0.01)
    before, at = w([49, 50])
    slope = (0.2 - 0.01) / 50
    assert at == pytest.approx(0.2, rel=1e-15)
    assert at - before == pytest.approx(slope, rel=1e-12)


def test_periodic_cosine_equals_clamped_before_the_end():
    np.testing.assert_array_equal(S.cosine_decay(1.0, 60, periodic=True)(np.arange(61)), S.cosine_decay(1.0, 60)(np.arange(61)))


# ---------------------------------------------------------------------------------------
# batching: (B,) hyperparameters == B separate schedules, with B == len(steps)
# ---------------------------------------------------------------------------------------

STEPS = np.array([0, 3, 17, 60, 101])  # B = 5 as well, so a mis-broadcast would show
B5 = dict(lr=[0.1, 0.2, 0.3, 0.4, 0.5], D=[5, 10, 20, 40, 80], r=[0.5, 0.6, 0.7, 0.8, 0.9])

BATCHED = [
    ("constant", lambda i: S.constant(_pick(B5["lr"], i))),
    ("linear", lambda i: S.linear(_pick(B5["lr"], i), 0.0, _pick(B5["D"], i))),
    ("exponential", lambda i: S.exponential_decay(_pick(B5["lr"], i), _pick(B5["D"], i), _pick(B5["r"], i), staircase=True)),
    ("natural", lambda i: S.natural_exp_decay(_pick(B5["lr"], i), _pick(B5["D"], i), _pick(B5["r"], i))),
    ("inverse", lambda i: S.inverse_time_decay(_pick(B5["lr"], i), _pick(B5["D"], i), _pick(B5["r"], i))),
    ("polynomial", lambda i: S.polynomial_decay(_pick(B5["lr"], i), _pick(B5["D"], i), 0.01, _pick(B5["r"], i), cycle=True)),
    ("cosine", lambda i: S.cosine_decay(_pick(B5["lr"], i), _pick(B5["D"], i), alpha=_pick(B5["r"], i))),
    ("restarts", lambda i: S.cosine_decay_restarts(_pick(B5["lr"], i), _pick(B5["D"], i), m_mul=_pick(B5["r"], i))),
    ("linear_cosine", lambda i: S.linear_cosine_decay(_pick(B5["lr"], i), _pick(B5["D"], i), alpha=_pick(B5["r"], i))),
    ("cyclic", lambda i: S.cyclic(0.01, _pick(B5["lr"], i), _pick(B5["D"], i), mode="exp_range", gamma=_pick(B5["r"], i))),
    ("one_cycle", lambda i: S.one_cycle(_pick(B5["lr"], i), _pick([10, 20, 50, 100, 200], i), pct_start=_pick([.1, .2, .3, .4, .5], i))),
    ("warmup", lambda i: S.warmup(S.cosine_decay(_pick(B5["lr"], i), 100), _pick(B5["D"], i), start_lr=_pick([0, .01, .02, .03, .04], i))),
    ("join", lambda i: S.join([S.constant(_pick(B5["lr"], i)), S.exponential_decay(0.1, 1, _pick(B5["r"], i))], [10])),
    ("clip", lambda i: S.clip(S.exponential_decay(1.0, 1, _pick(B5["r"], i)), min_learning_rate=_pick([.01, .02, .03, .04, .05], i))),
    ("piecewise", lambda i: S.piecewise_constant([5, 50], _pick(np.arange(15.0).reshape(5, 3) / 10, i))),
    ("interpolate", lambda i: S.piecewise_interpolate([0, 10, 60], _pick(np.arange(15.0).reshape(5, 3) / 10, i), "cosine")),
]


def _pick(values, i):
    """All values (batched) when i is None, else the i-th one."""
    return list(values) if i is None else values[i]


@pytest.mark.parametrize("name,make", BATCHED, ids=[b[0] for b in BATCHED])
def test_batched_equals_loop(name, make):
    batched = make(None)
    out = batched(STEPS)
    assert out.shape == (5, STEPS.size)
    assert batched.batch_shape == (5,)
    for i in range(5):
        np.testing.assert_allclose(out[i], make(i)(STEPS), rtol=1e-14, atol=0)
    # scalar step -> (B,)
    assert batched(7).shape == (5,)


def test_batched_shapes_must_agree():
    with pytest.raises(ValueError, match="run shape"):
        S.exponential_decay([0.1, 0.2], [10, 20, 30], 0.5)(3)


# ---------------------------------------------------------------------------------------
# calling conventions, purity, reprs
# ---------------------------------------------------------------------------------------


def test_scalar_in_zero_d_out_and_shapes():
    s = S.cosine_decay(0.1, 10)
    assert s(3).shape == () and s(3).dtype == np.float64
    assert s(np.zeros((2, 3), dtype=np.int64)).shape == (2, 3)
    assert s(4.0) == s(4)


def test_calling_does_not_mutate_steps():
    steps = np.array([0, 5, 10])
    before = steps.copy()
    S.warmup(S.cosine_decay(0.1, 10), 3)(steps)
    np.testing.assert_array_equal(steps, before)


@pytest.mark.parametrize(
    "s,text",
    [
        (S.exponential_decay(0.1, 1000, 0.96, staircase=True),
         "ExponentialDecay(learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True)"),
        (S.warmup(S.constant(0.01), 1000), "Warmup(schedule=Constant(learning_rate=0.01), warmup_steps=1000, start_lr=0.0)"),
        (S.piecewise_constant([5], [1.0, 0.5]), "PiecewiseConstant(boundaries=[5], values=[1.0, 0.5], closed='right')"),
        (S.cosine_decay([0.1, 0.2], 10), "CosineDecay(learning_rate=[0.1, 0.2], decay_steps=10, alpha=0.0, exponent=1.0, periodic=False)"),
    ],
)
def test_repr_shows_arguments(s, text):
    assert repr(s) == text
    assert "0x" not in repr(s)


def test_every_factory_returns_a_schedule_with_clean_repr():
    made = [
        S.linear(0.1, 0, 5), S.natural_exp_decay(0.1, 5, 0.1), S.inverse_time_decay(0.1, 5, 0.1),
        S.polynomial_decay(0.1, 5), S.piecewise_interpolate([0, 5], [1.0, 0.0]), S.cosine_decay_restarts(0.1, 5),
        S.linear_cosine_decay(0.1, 5), S.cyclic(0.1, 1.0), S.one_cycle(0.1, 10), S.clip(S.constant(0.1), 0.2),
        S.join([S.constant(0.1), S.constant(0.2)], [3]),
    ]
    for s in made:
        assert isinstance(s, S.Schedule)
        assert "0x" not in repr(s) and repr(s).startswith(type(s).__name__ + "(")


# ---------------------------------------------------------------------------------------
# validation: the message names the parameter, the range and the value
# ---------------------------------------------------------------------------------------

BAD = [
    (lambda: S.exponential_decay(0.1, 0, 0.9), ValueError, ["'decay_steps'", "(0, inf)", "0"]),
    (lambda: S.exponential_decay(-0.1, 10, 0.9), ValueError, ["'learning_rate'", "[0, inf)", "-0.1"]),
    (lambda: S.exponential_decay(0.1, 10, -0.5), ValueError, ["'decay_rate'", "-0.5"]),
    (lambda: S.exponential_decay(0.1, 10, 0.9, staircase="yes"), TypeError, ["'staircase'", "'yes'"]),
    (lambda: S.natural_exp_decay(0.1, -3, 0.9), ValueError, ["'decay_steps'", "-3"]),
    (lambda: S.inverse_time_decay(0.1, 10, -1.0), ValueError, ["'decay_rate'", "-1.0"]),
    (lambda: S.polynomial_decay(0.1, 10, power=-1.0), ValueError, ["'power'", "-1.0"]),
    (lambda: S.polynomial_decay(0.1, 10, end_learning_rate=-1e-4), ValueError, ["'end_learning_rate'", "-0.0001"]),
    (lambda: S.cosine_decay(0.1, 0), ValueError, ["'decay_steps'", "(0, inf)", "0"]),
    (lambda: S.cosine_decay(0.1, 10, alpha=1.5), ValueError, ["'alpha'", "[0, 1]", "1.5"]),
    (lambda: S.cosine_decay_restarts(0.1, 10, t_mul=0.0), ValueError, ["'t_mul'", "0.0"]),
    (lambda: S.cosine_decay_restarts(0.1, 10, m_mul=-1.0), ValueError, ["'m_mul'", "-1.0"]),
    (lambda: S.linear_cosine_decay(0.1, -1), ValueError, ["'decay_steps'", "-1"]),
    (lambda: S.piecewise_constant([10, 5], [1.0, 0.5, 0.1]), ValueError, ["'boundaries'", "strictly increasing", "[10.0, 5.0]"]),
    (lambda: S.piecewise_constant([-1, 5], [1.0, 0.5, 0.1]), ValueError, ["'boundaries'", "[0, inf)", "-1.0"]),
    (lambda: S.piecewise_constant([5, 10], [1.0, 0.5]), ValueError, ["'values'", "3", "(2,)"]),
    (lambda: S.piecewise_constant([5.5], [1.0, 0.5]), TypeError, ["'boundaries'", "integer", "5.5"]),
    (lambda: S.piecewise_constant([5], [1.0, 0.5], closed="rigth"), ValueError, ["'closed'", "'rigth'", "Did you mean 'right'"]),
    (lambda: S.piecewise_interpolate([0, 10], [1.0, 0.5], "cosin"), ValueError, ["'interpolation'", "Did you mean 'cosine'"]),
    (lambda: S.cyclic(0.1, 1.0, mode="triangle"), ValueError, ["'mode'", "'triangle'", "Did you mean 'triangular'"]),
    (lambda: S.cyclic(0.1, 1.0, step_size_up=0), ValueError, ["'step_size_up'", "0"]),
    (lambda: S.one_cycle(0.1, 100, anneal_strategy="cosine"), ValueError, ["'anneal_strategy'", "Did you mean 'cos'"]),
    (lambda: S.one_cycle(0.1, 100, pct_start=1.5), ValueError, ["'pct_start'", "[0, 1]", "1.5"]),
    (lambda: S.one_cycle(0.1, 0), ValueError, ["'total_steps'", "0"]),
    (lambda: S.warmup(S.constant(0.1), -5), ValueError, ["'warmup_steps'", "-5"]),
    (lambda: S.warmup(S.constant(0.1), 2.5), TypeError, ["'warmup_steps'", "2.5"]),
    (lambda: S.warmup(0.1, 5), TypeError, ["'schedule'", "0.1"]),
    (lambda: S.join([S.constant(0.1), S.constant(0.2)], [5, 6]), ValueError, ["'boundaries'", "1", "2"]),
    (lambda: S.join([S.constant(0.1), S.constant(0.2), S.constant(0.3)], [6, 5]), ValueError, ["'boundaries'", "strictly increasing", "(6, 5)"]),
    (lambda: S.constant(0.1)(-1), ValueError, ["'step'", "[0, inf)", "-1"]),
    (lambda: S.constant(0.1)([0, 1.5]), TypeError, ["'step'", "1.5"]),
    (lambda: S.constant(0.1)("3"), TypeError, ["'step'", "'3'"]),
    (lambda: S.constant(0.1)(True), TypeError, ["'step'", "True"]),
]


@pytest.mark.parametrize("make,exc,parts", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_validation_names_parameter_and_value(make, exc, parts):
    with pytest.raises(exc) as info:
        make()
    msg = str(info.value)
    for p in parts:
        assert p in msg, (p, msg)


def test_batched_validation_names_the_entry():
    with pytest.raises(ValueError, match=r"'decay_steps'.*-5\.0 at index 1"):
        S.exponential_decay(0.1, [10, -5, 3], 0.5)


# ---------------------------------------------------------------------------------------
# one formula per schedule: public, module-level, what __call__ runs, what .source shows
# ---------------------------------------------------------------------------------------

EVERY = [
    S.constant(0.1), S.linear(0.1, 0.0, 5), S.exponential_decay(0.1, 5, 0.5, staircase=True),
    S.natural_exp_decay(0.1, 5, 0.1), S.inverse_time_decay(0.1, 5, 0.1), S.polynomial_decay(0.1, 5, cycle=True),
    S.piecewise_constant([2, 4], [1.0, 0.5, 0.1]), S.piecewise_interpolate([0, 5], [1.0, 0.0], "cosine"),
    S.cosine_decay(0.1, 5), S.cosine_decay_restarts(0.1, 5), S.linear_cosine_decay(0.1, 5),
    S.cyclic(0.1, 1.0, 2, mode="triangular2"), S.one_cycle(0.1, 10, three_phase=True),
    S.clip(S.exponential_decay(1.0, 1, 0.5), 0.2), S.join([S.constant(0.1), S.linear(0.2, 0.0, 3)], [3]),
    S.warmup(S.cosine_decay(0.1, 10), 3, start_lr=0.01), S.wsd(0.1, 10, 3, 4, 0.01, "1-sqrt"),
]


def test_every_factory_is_covered():
    classes = {type(s).__name__ for s in EVERY}
    factories = [n for n in S.__all__ if n not in ("Schedule", "as_schedule")]
    assert len(classes) == len(factories) == 17


@pytest.mark.parametrize("s", EVERY, ids=lambda s: type(s).__name__)
def test_call_runs_the_public_formula_that_source_shows(s, monkeypatch):
    f = type(s).formula
    # one public, module-level function, found under its own name in its module
    assert s.formula is f and not f.__name__.startswith("_") and f.__qualname__ == f.__name__
    assert getattr(sys.modules[f.__module__], f.__name__) is f
    assert s.source == inspect.getsource(f) and s.source.startswith(f"def {f.__name__}(")
    assert list(inspect.signature(f).parameters)[1:] == list(s.hyperparameters)
    steps = np.arange(12)
    expected = s(steps)
    calls = []

    def spy(*args):
        calls.append(args)
        return f(*args)

    monkeypatch.setattr(type(s), "formula", staticmethod(spy))
    np.testing.assert_array_equal(s(steps), expected)
    assert calls and calls[0][0] is not steps and np.array_equal(calls[0][0], steps)


def test_source_shows_the_staircase_floor_and_the_warmup_clock():
    src = S.exponential_decay(0.1, 1000, 0.96, staircase=True).source
    assert "p = t / decay_steps" in src and "if staircase:" in src and "p = np.floor(p)" in src
    assert "return times(learning_rate, decay_rate**p)" in src
    w = S.warmup(S.constant(0.01), 1000).source
    assert "schedule(np.zeros_like(t))" in w                       # the ramp ends at s(0)
    assert "schedule(np.maximum(t - warmup_steps, 0))" in w        # s(t - W): the clock restarts at W
    assert "np.where(t < warmup_steps, ramp, after)" in w


def test_formulas_are_plain_functions_of_float_steps():
    t = np.array([0.0, 999.0, 1000.0, 2500.0])
    np.testing.assert_array_equal(S.decay.exponential_decay_formula(t, 0.1, 1000, 0.96, True),
                                  S.exponential_decay(0.1, 1000, 0.96, staircase=True)(t))
    # a composite formula takes the schedule it wraps as any function of the step
    article = S.compose.warmup_formula(np.arange(3000.0), lambda t: np.full(np.shape(t), 0.01), 1000, 0.0)
    np.testing.assert_array_equal(article, S.warmup(S.constant(0.01), 1000)(np.arange(3000)))


def test_hyperparameters_by_name_and_frozen():
    s = S.warmup(S.exponential_decay([0.1, 0.2], 10, 0.5), warmup_steps=[5, 7])
    assert list(s.hyperparameters) == ["schedule", "warmup_steps", "start_lr"]
    assert s.warmup_steps.tolist() == [5.0, 7.0] and s.schedule.learning_rate.tolist() == [0.1, 0.2]
    assert S.piecewise_constant([3, 9], [1.0, 0.5, 0.1]).boundaries.tolist() == [3, 9]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.start_lr = 0.5
    with pytest.raises(TypeError):
        S.ExponentialDecay(0.1, 10)                                 # every hyperparameter is required


def _nonnegative_formula(t, learning_rate):
    assert np.all(t >= 0), t
    return learning_rate + 0.0 * t


class _NonNegative(S.Schedule):
    formula = staticmethod(_nonnegative_formula)
    batched = ("learning_rate",)


def test_composites_never_evaluate_a_piece_at_a_negative_step():
    steps = np.arange(20)
    j = S.join([S.constant(1.0), _NonNegative(0.5), _NonNegative([0.1, 0.2])], [5, 9])
    np.testing.assert_array_equal(j(steps)[1], np.where(steps < 5, 1.0, np.where(steps < 9, 0.5, 0.2)))
    w = S.warmup(_NonNegative(0.3), [4, 8])
    assert w(steps).shape == (2, 20) and w(3).shape == (2,)
    plain = S.join([S.constant(1.0), lambda t: np.sqrt(np.asarray(t, float))], [5])   # NaN at a negative step
    assert np.all(np.isfinite(plain(steps)))


PAIRED = [   # batched warmup steps wrapped around batched schedules: run i pairs with W_i
    ("piecewise", lambda i: S.warmup(S.piecewise_constant([3], _pick([[1.0, 0.5], [2.0, 1.0], [4.0, 2.0]], i), closed="left"),
                                     _pick([2, 4, 6], i))),
    ("interpolate", lambda i: S.warmup(S.piecewise_interpolate([0, 4], _pick([[1.0, 0.5], [2.0, 1.0], [4.0, 2.0]], i)),
                                       _pick([2, 4, 6], i))),
    ("join", lambda i: S.warmup(S.join([S.constant(_pick([1.0, 2.0, 3.0], i)), S.linear(1.0, 0.0, _pick([2, 4, 8], i))], [3]),
                                _pick([1, 2, 3], i), start_lr=_pick([0.0, 0.1, 0.2], i))),
    ("warmup_of_warmup", lambda i: S.warmup(S.warmup(S.cosine_decay(_pick([1.0, 2.0, 3.0], i), 10), _pick([2, 3, 4], i)),
                                            _pick([5, 1, 3], i))),
    ("clip", lambda i: S.clip(S.warmup(S.exponential_decay(1.0, 1, _pick([0.5, 0.6, 0.7], i)), _pick([2, 4, 6], i)),
                              min_learning_rate=_pick([0.1, 0.2, 0.3], i))),
]


@pytest.mark.parametrize("name,make", PAIRED, ids=[p[0] for p in PAIRED])
def test_batched_warmup_pairs_run_i_with_its_own_steps(name, make):
    steps = np.array([0, 1, 2, 3, 5, 8, 13, 21])
    batched = make(None)
    assert batched.batch_shape == (3,)
    for step in (steps, steps.reshape(2, 4), np.int64(5)):
        out = batched(step)
        assert out.shape == (3,) + np.shape(step)
        for i in range(3):
            np.testing.assert_array_equal(out[i], make(i)(step))


def test_evaluate_calls_any_schedule_without_checking_steps():
    s = S.cosine_decay([1.0, 2.0], 10)
    np.testing.assert_array_equal(S.evaluate(s, np.array([0.0, 5.0])), s([0, 5]))
    np.testing.assert_array_equal(S.evaluate(lambda t: t * 0.5, np.array([2.0, 4.0])), [1.0, 2.0])
    with pytest.raises(ValueError, match="'step'"):
        S.check_steps("cosine_decay", [0, -3])
