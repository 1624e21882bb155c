r"""Learning-rate schedules: pure, vectorized functions of the step.

A schedule is a callable ``step -> learning rate``. ``step`` counts the updates already
applied, so the first update uses ``s(0)``, as in TF1 (``global_step`` is read before
``minimize`` increments it), Keras (``optimizer.iterations`` before its increment), optax
(``count``) and PyTorch (the scheduler's constructor already steps once, to
``last_epoch = 0``). Schedules hold no state: calling one twice, or out of order, is harmless.

* Scalar step in, 0-d ``float64`` array out; integer array in, array of the same shape out.
* Any numeric hyperparameter may be a ``(B,)`` array (B runs); the result then has shape
  ``(B,) + step.shape``, one row per run, equal to B separate schedules.
* Steps must be non-negative integers (integral floats are accepted); anything else raises.

Every schedule's formula is one public function written once, ``s.formula``; ``print(s.source)``
shows its code. Its ``repr`` shows its arguments, so a notebook can print it and nbval
compares the same text every run. The modules: :mod:`~lrlessons.schedules.base` (the
:class:`Schedule` class), :mod:`~lrlessons.schedules.decay`, :mod:`~lrlessons.schedules.cosine`,
:mod:`~lrlessons.schedules.cyclical`, :mod:`~lrlessons.schedules.compose`,
:mod:`~lrlessons.schedules.wsd`.

Where the frameworks disagree about the "same" schedule, a documented keyword chooses, and
``lrlessons.frameworks`` only picks its value:

============================  =========================================  ==============================
question                      keyword                                    who does what
============================  =========================================  ==============================
step at a boundary            ``piecewise_constant(closed=...)``         ``"right"``: TF1/Keras change
                                                                         at b+1; ``"left"``: PyTorch,
                                                                         optax, OD API change at b
cosine past ``decay_steps``   ``cosine_decay(periodic=...)``             clamp (TF, Keras, optax) or
                                                                         rise again (PyTorch)
polynomial ``cycle``          ``polynomial_decay(cycle=...)``            TF/Keras stretch to the next
                                                                         multiple; optax/PyTorch hold
one-cycle after the end       ``one_cycle(past_end=...)``                hold, or PyTorch (value at T,
                                                                         error past it)
cosine shape                  ``cosine_decay(exponent=...)``             optax's exponent (1 elsewhere)
============================  =========================================  ==============================

>>> s = exponential_decay(0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> [f"{float(v):.4f}" for v in s([0, 999, 1000, 2500])]
['0.1000', '0.1000', '0.0960', '0.0922']
>>> s
ExponentialDecay(learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> s.formula.__name__
'exponential_decay_formula'
"""

from .base import Schedule, check_steps, evaluate, hyperparameter
from .compose import Clip, Join, Warmup, as_schedule, clip, join, warmup
from .cosine import CosineDecay, CosineDecayRestarts, LinearCosineDecay, cosine_decay, cosine_decay_restarts, linear_cosine_decay
from .cyclical import Cyclic, OneCycle, cyclic, one_cycle
from .decay import (
    Constant,
    ExponentialDecay,
    InverseTimeDecay,
    Linear,
    NaturalExpDecay,
    PiecewiseConstant,
    PiecewiseInterpolate,
    PolynomialDecay,
    constant,
    exponential_decay,
    inverse_time_decay,
    linear,
    natural_exp_decay,
    piecewise_constant,
    piecewise_interpolate,
    polynomial_decay,
)
from .wsd import WSD, wsd

# The factories (what the schedule explorer lists) and the base class; the classes they
# return, the formulas and the helpers are public names too (see each module's __all__).
__all__ = [
    "Schedule",
    "as_schedule",
    "constant",
    "linear",
    "exponential_decay",
    "natural_exp_decay",
    "inverse_time_decay",
    "polynomial_decay",
    "piecewise_constant",
    "piecewise_interpolate",
    "cosine_decay",
    "cosine_decay_restarts",
    "linear_cosine_decay",
    "cyclic",
    "one_cycle",
    "clip",
    "warmup",
    "join",
    "wsd",
]
