"""Issue 14, classes 4, 5 and 7: schedules refuse non-finite values, never return NaN or a negative
rate for accepted arguments, and framework wrappers answer in the caller's parameter names;
hypothesis properties over every core and framework schedule factory."""

import numpy as np
import pytest

import lrlessons.schedules as S
from lrlessons import optimizers, problems

INF, NAN = float("inf"), float("nan")


def _lr_range_test():
    try:
        from lrlessons.training.search import lr_range_test
    except ImportError:  # the layout before issue 14
        from lrlessons.search import lr_range_test
    return lr_range_test


# ----- class 4: non-finite values ------------------------------------------------------

@pytest.mark.parametrize("make, name", [
    (lambda: S.linear(INF, 0, 10), "'learning_rate'"),
    (lambda: S.linear(1.0, 0, INF), "'decay_steps'"),
    (lambda: S.constant(INF), "'learning_rate'"),
    (lambda: S.cosine_decay(1.0, INF), "'decay_steps'"),
    (lambda: S.exponential_decay(1.0, 10, INF), "'decay_rate'"),
    (lambda: S.cyclic(0.1, INF, 5), "'max_learning_rate'"),
    (lambda: S.one_cycle(INF, 100), "'max_learning_rate'"),
    (lambda: S.polynomial_decay(1.0, 10, power=INF), "'power'"),
    (lambda: S.linear(np.array([1.0, INF]), 0, 10), "'learning_rate'"),
])
def test_infinite_hyperparameters_are_refused(make, name):
    with pytest.raises(ValueError, match=rf"{name} parameter of \w+ must be in .*inf\)\. Got .*inf"):
        make()


@pytest.mark.parametrize("kwargs, match", [
    (dict(start_lr=INF), r"'start_lr' parameter of lr_range_test must be in \(0, inf\)\. Got inf"),
    (dict(end_lr=INF), r"'end_lr' parameter of lr_range_test must be in \(0, inf\)\. Got inf"),
    (dict(start_lr=1.0, end_lr=0.5), r"'end_lr' .* must be greater than 'start_lr' \(1\.0\)"),
])
def test_lr_range_test_messages(kwargs, match):
    with pytest.raises(ValueError, match=match) as e:
        _lr_range_test()(optimizers.sgd, problems.quadratic(), **kwargs)
    assert "(inf, inf)" not in str(e.value)


# ----- class 5: documented-valid arguments never give NaN or a negative rate ------------

def test_cosine_restarts_refuses_shrinking_periods():
    with pytest.raises(ValueError, match=r"'t_mul' parameter of cosine_decay_restarts must be in \[1, inf\)\. Got 0\.5"):
        S.cosine_decay_restarts(1.0, 10, t_mul=0.5)


def test_zero_rate_times_overflow_is_zero():
    assert float(S.exponential_decay(0.0, 1, 10.0)(1000)) == 0.0
    assert float(S.cosine_decay_restarts(0.0, 1, t_mul=1.0, m_mul=10.0)(1000)) == 0.0


def test_cyclic_exp_range_refuses_growing_gamma():
    with pytest.raises(ValueError, match=r"'gamma' parameter of cyclic must be in \(0, 1\]\. Got 2\.0"):
        S.cyclic(0.1, 1.0, 5, mode="exp_range", gamma=2.0)
    # gamma only matters for exp_range
    assert np.isfinite(S.cyclic(0.1, 1.0, 5, mode="triangular", gamma=2.0)(range(20))).all()
