"""Drive an optimizer on a problem: runs, divergence, checkpoints, sweeps and range tests.

``lrlessons.run`` (and ``sweep``, ``lr_range_test``, ``Trajectory``) are these functions.
"""

from .loop import (RangeTestResult, SweepResult, Trajectory, load_checkpoint,
                   lr_range_test, run, save_checkpoint, sweep)

__all__ = ["run", "Trajectory", "sweep", "SweepResult", "lr_range_test", "RangeTestResult", "save_checkpoint",
           "load_checkpoint"]
