"""Drive an optimizer on a problem: the run loop, divergence, checkpoints, sweeps and range tests.

``lrlessons.run`` (and ``sweep``, ``lr_range_test``, ``Trajectory``) are these functions.

==================  ================================================================
``loop``            :func:`run` and the :class:`Trajectory` it records
``divergence``      the divergence rule and the freezing of diverged rows
``checkpoint``      :func:`save_checkpoint`, :func:`load_checkpoint` (``.npz``, no pickles)
``search``          :func:`sweep` (a grid as one batched run), :func:`lr_range_test`
==================  ================================================================
"""

from .checkpoint import load_checkpoint, save_checkpoint
from .loop import Trajectory, run
from .search import RangeTestResult, SweepResult, lr_range_test, sweep

__all__ = ["run", "Trajectory", "sweep", "SweepResult", "lr_range_test", "RangeTestResult", "save_checkpoint",
           "load_checkpoint"]
